import Foundation
internal import CGit2

/// A git repository opened through libgit2. Owns the `git_repository` handle.
public final class Repository {
    let pointer: OpaquePointer

    /// The work tree folder (absolute, no trailing slash), or nil for a bare repository.
    public let workdir: String?
    /// The git directory (absolute, no trailing slash), e.g. `/src/app/.git`.
    public let gitDir: String

    init(pointer: OpaquePointer) {
        self.pointer = pointer
        gitDir = Self.trimSlash(String(cString: git_repository_path(pointer)))
        workdir = git_repository_workdir(pointer).map { Self.trimSlash(String(cString: $0)) }
    }

    deinit {
        git_repository_free(pointer)
    }

    private static func trimSlash(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    /// Opens the repository that contains `path`, searching parent folders; nil when there is none.
    public static func discover(from path: String) throws -> Repository? {
        _ = libgit2Initialized
        do {
            return try opening({ git_repository_open_ext(&$0, path, 0, nil) }, "open repository containing '\(path)'")
        } catch let error as GitError where error.code == .notFound {
            return nil
        }
    }

    /// Opens the repository at exactly `path` (a work tree or a git directory).
    public static func open(at path: String) throws -> Repository {
        _ = libgit2Initialized
        return try opening({ git_repository_open_ext(&$0, path, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil) },
                           "open repository at '\(path)'")
    }

    /// Creates a repository with a work tree at `path`, its unborn branch named `initialBranch`.
    public static func create(at path: String, initialBranch: String, bare: Bool = false) throws -> Repository {
        _ = libgit2Initialized
        var options = git_repository_init_options()
        try check(git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)),
                  "prepare repository options")
        options.flags = UInt32(GIT_REPOSITORY_INIT_MKPATH.rawValue)
        if bare { options.flags |= UInt32(GIT_REPOSITORY_INIT_BARE.rawValue) }
        var out: OpaquePointer?
        try initialBranch.withCString { branch in
            options.initial_head = branch
            try check(git_repository_init_ext(&out, path, &options), "create repository at '\(path)'")
        }
        return Repository(pointer: out!)
    }

    // MARK: - State

    /// True when a merge, rebase, cherry-pick or similar is in progress.
    public var operationInProgress: String? {
        switch git_repository_state(pointer) {
        case Int32(GIT_REPOSITORY_STATE_NONE.rawValue): return nil
        case Int32(GIT_REPOSITORY_STATE_MERGE.rawValue): return "merge"
        case Int32(GIT_REPOSITORY_STATE_REVERT.rawValue), Int32(GIT_REPOSITORY_STATE_REVERT_SEQUENCE.rawValue): return "revert"
        case Int32(GIT_REPOSITORY_STATE_CHERRYPICK.rawValue), Int32(GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE.rawValue):
            return "cherry-pick"
        case Int32(GIT_REPOSITORY_STATE_BISECT.rawValue): return "bisect"
        default: return "rebase"
        }
    }

    // MARK: - Config and identity

    /// A string value from the repository's effective config (local, global, system).
    public func configString(_ key: String) throws -> String? {
        var config: OpaquePointer?
        try check(git_repository_config_snapshot(&config, pointer), "read git config")
        defer { git_config_free(config) }
        return try Self.string(key, in: config)
    }

    /// Sets a string in the repository's own config (.git/config).
    public func setConfigString(_ key: String, _ value: String) throws {
        var config: OpaquePointer?
        try check(git_repository_config(&config, pointer), "open git config")
        defer { git_config_free(config) }
        var local: OpaquePointer?
        try check(git_config_open_level(&local, config, GIT_CONFIG_LEVEL_LOCAL), "open the repository's git config")
        defer { git_config_free(local) }
        try check(git_config_set_string(local, key, value), "set git config '\(key)'")
    }

    /// A string value from the global and system config, for when there is no repository yet.
    /// Where git looks for hooks: `core.hooksPath` (relative to the work tree's top, `~` expanded), else the
    /// `hooks` folder of the git directory all work trees share.
    public var hooksDirectory: String {
        get throws {
            guard let configured = try configString("core.hooksPath"), !configured.isEmpty else { return commonDir + "/hooks" }
            if configured.hasPrefix("/") { return configured }
            if configured == "~" || configured.hasPrefix("~/") {
                return (ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + configured.dropFirst()
            }
            return (workdir ?? gitDir) + "/" + configured
        }
    }

    public static func globalConfigString(_ key: String) throws -> String? {
        _ = libgit2Initialized
        var config: OpaquePointer?
        try check(git_config_open_default(&config), "read git config")
        defer { git_config_free(config) }
        var snapshot: OpaquePointer?
        try check(git_config_snapshot(&snapshot, config), "read git config")
        defer { git_config_free(snapshot) }
        return try string(key, in: snapshot)
    }

    /// A string value from one config file (nil when the file or the key is missing).
    public static func configString(_ key: String, inFile path: String) throws -> String? {
        _ = libgit2Initialized
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        var config: OpaquePointer?
        try check(git_config_open_ondisk(&config, path), "read \(path)")
        defer { git_config_free(config) }
        var snapshot: OpaquePointer?
        try check(git_config_snapshot(&snapshot, config), "read \(path)")
        defer { git_config_free(snapshot) }
        return try string(key, in: snapshot)
    }

    private static func string(_ key: String, in config: OpaquePointer?) throws -> String? {
        var value: UnsafePointer<CChar>?
        let result = git_config_get_string(&value, config, key)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check(result, "read git config '\(key)'")
        return value.map { String(cString: $0) }
    }

    /// Author and committer from the global config and `environment`, for when there is no repository yet.
    public static func defaultIdentity(environment: [String: String], now: Date = Date()) throws -> Identity {
        try Identity.resolve(name: try globalConfigString("user.name"), email: try globalConfigString("user.email"),
                             environment: environment, now: now)
    }

    /// Author and committer for a new commit: git config `user.name` / `user.email`, overridden by
    /// `GIT_AUTHOR_NAME`, `GIT_AUTHOR_EMAIL`, `GIT_AUTHOR_DATE` and the `GIT_COMMITTER_*` variables in `environment`.
    public func identity(environment: [String: String], now: Date = Date()) throws -> Identity {
        try Identity.resolve(name: try configString("user.name"), email: try configString("user.email"),
                             environment: environment, now: now)
    }
}
