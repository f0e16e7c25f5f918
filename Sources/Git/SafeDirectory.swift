import Foundation
internal import CGit2

/// git's `safe.directory`: which repositories owned by another user may be opened. libgit2 1.5 only honours a
/// value that is exactly the repository's path; git (2.36 and later) also takes `*` (every repository) and
/// (2.46 and later) `PATH/*` (every repository below PATH), and an empty value empties the list. folio reads the
/// setting itself when libgit2 refuses a repository, so it trusts what git trusts, and says what git says
/// when it does not (see docs/decisions/0009-safe-directory-read-by-folio.md).
enum SafeDirectory {
    /// Whether `values` (in the order git reads them: system, then global config) trust the repository at `path`.
    /// `home` expands a leading `~/`.
    static func trusts(_ path: String, values: [String], home: String?) -> Bool {
        let target = normalized(path)
        var trusted = false
        for value in values {
            if value.isEmpty {
                trusted = false
                continue
            }
            if value == "*" {
                trusted = true
                continue
            }
            var pattern = value
            if pattern == "~" || pattern.hasPrefix("~/") {
                guard let home else { continue }
                pattern = home + pattern.dropFirst()
            }
            if pattern.hasSuffix("/*") {
                let folder = normalized(String(pattern.dropLast(2)))
                let prefix = folder == "/" ? "/" : folder + "/"
                if target.hasPrefix(prefix) || resolved(target).hasPrefix(resolved(folder) == "/" ? "/" : resolved(folder) + "/") {
                    trusted = true
                }
            } else if normalized(pattern) == target || resolved(normalized(pattern)) == resolved(target) {
                trusted = true
            }
        }
        return trusted
    }

    /// A path without a trailing slash (except `/` itself), `.` and `..` resolved.
    private static func normalized(_ path: String) -> String {
        let standard = URL(fileURLWithPath: path).standardizedFileURL.path
        return standard.count > 1 && standard.hasSuffix("/") ? String(standard.dropLast()) : standard
    }

    private static func resolved(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }

    /// Every `safe.directory` value in the system, XDG and global config files, in that order (git ignores the
    /// setting in a repository's own config).
    static func configuredValues() throws -> [String] {
        var config: OpaquePointer?
        try check(git_config_open_default(&config), "read git config")
        defer { git_config_free(config) }
        var values: [String] = []
        for level in [GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_GLOBAL] {
            var file: OpaquePointer?
            let opened = git_config_open_level(&file, config, level)
            if opened == GIT_ENOTFOUND.rawValue { continue }
            try check(opened, "read git config")
            defer { git_config_free(file) }
            var iterator: OpaquePointer?
            let started = git_config_multivar_iterator_new(&iterator, file, "safe.directory", nil)
            if started == GIT_ENOTFOUND.rawValue { continue }
            try check(started, "read git config 'safe.directory'")
            defer { git_config_iterator_free(iterator) }
            var entry: UnsafeMutablePointer<git_config_entry>?
            while true {
                let next = git_config_next(&entry, iterator)
                if next == GIT_ITEROVER.rawValue { break }
                try check(next, "read git config 'safe.directory'")
                values.append(entry.flatMap { $0.pointee.value.map { String(cString: $0) } } ?? "")
            }
        }
        return values
    }

    /// The user who owns `path`, and the current one, as git names them (`root (0)`), when they differ.
    static func foreignOwner(of path: String) -> (owner: String, user: String)? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_uid != geteuid() else { return nil }
        return (name(info.st_uid), name(geteuid()))
    }

    private static func name(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return "\(String(cString: name)) (\(uid))"
    }
}

extension Repository {
    /// libgit2's owner check is one process-wide switch; opens take turns so one can turn it off for itself.
    private static let openLock = NSLock()

    /// Opens a repository with `open`; when libgit2 refuses it because another user owns it, decides with git's
    /// `safe.directory` rules (which libgit2 1.5 applies only in part, and reports as a missing config value when
    /// the setting is absent): a trusted repository is opened, any other is a `dubiousOwnership` error that says
    /// what git says and how to trust it.
    static func opening(_ open: (inout OpaquePointer?) -> Int32, _ operation: @autoclosure () -> String) throws -> Repository {
        openLock.lock()
        defer { openLock.unlock() }
        var out: OpaquePointer?
        let result = open(&out)
        if result >= 0 { return Repository(pointer: out!) }
        let failure = GitError.last(result, operation())
        guard folio_git_owner_validation() != 0 else { throw failure }

        folio_git_set_owner_validation(0)
        var unchecked: OpaquePointer?
        let again = open(&unchecked)
        folio_git_set_owner_validation(1)
        guard again >= 0, let unchecked else { throw failure }
        let repository = Repository(pointer: unchecked)
        let path = repository.workdir ?? repository.gitDir
        let owners = [repository.workdir, repository.gitDir].compactMap { $0 }.lazy.compactMap(SafeDirectory.foreignOwner).first
        guard let owners else { throw failure }  // not an ownership problem after all
        let home = ProcessInfo.processInfo.environment["HOME"]
        if SafeDirectory.trusts(path, values: try SafeDirectory.configuredValues(), home: home) { return repository }
        throw GitError(code: .dubiousOwnership, operation: operation(),
                       message: "detected dubious ownership in repository at '\(path)' (owned by \(owners.owner), not by you, \(owners.user)); git and folio do not use another user's repository until you trust it: git config --global --add safe.directory \(path)")
    }
}
