import Foundation
internal import CGit2

/// One path's state in the index and the work tree, as `git status` reports it.
public struct StatusEntry: Sendable, Equatable {
    public enum Change: Sendable, Equatable {
        case added, modified, deleted, renamed, typeChanged, untracked, conflicted
    }

    /// The path relative to the work tree root (the new path of a rename).
    public let path: String
    /// The old path, for a rename.
    public let oldPath: String?
    /// Change between HEAD and the index (staged).
    public let staged: Change?
    /// Change between the index and the work tree (unstaged), including untracked files.
    public let unstaged: Change?
}

/// The staging area. Changes are made in memory and land on disk with `write()`.
public final class Index {
    let pointer: OpaquePointer
    // The index is only valid while its repository lives.
    let repository: Repository

    init(pointer: OpaquePointer, repository: Repository) {
        self.pointer = pointer
        self.repository = repository
    }

    deinit { git_index_free(pointer) }

    /// A staged entry: blob id and mode at stage 0.
    public struct Entry: Sendable, Equatable {
        public let path: String
        public let oid: OID
        public let mode: UInt32
    }

    /// True when a merge left conflicts in the index.
    public var hasConflicts: Bool { git_index_has_conflicts(pointer) != 0 }

    /// The stage-0 entry for `path`, if any.
    public func entry(at path: String) -> Entry? {
        guard let entry = git_index_get_bypath(pointer, path, 0) else { return nil }
        return Entry(path: path, oid: OID(entry.pointee.id), mode: entry.pointee.mode)
    }

    /// All stage-0 entries.
    public var entries: [Entry] {
        (0..<git_index_entrycount(pointer)).compactMap { i in
            guard let entry = git_index_get_byindex(pointer, i) else { return nil }
            return Entry(path: String(cString: entry.pointee.path), oid: OID(entry.pointee.id), mode: entry.pointee.mode)
        }
    }

    /// Paths under `prefix` whose recorded file time is at or after `nanoseconds` (since 1970): files staged
    /// since then. Filtered before any path string is made, so it is cheap on a large index.
    public func paths(under prefix: String, stagedSince nanoseconds: Int64) -> [String] {
        var paths: [String] = []
        let prefixBytes = Array(prefix.utf8)
        for i in 0..<git_index_entrycount(pointer) {
            guard let entry = git_index_get_byindex(pointer, i)?.pointee else { continue }
            let time = Int64(entry.mtime.seconds) * 1_000_000_000 + Int64(entry.mtime.nanoseconds)
            guard time >= nanoseconds, let cPath = entry.path else { continue }
            if prefixBytes.isEmpty || strncmp(cPath, prefix, prefixBytes.count) == 0 { paths.append(String(cString: cPath)) }
        }
        return paths
    }

    /// Stages the work-tree file at `path` (as `git add` does, filters included) and returns its blob id.
    @discardableResult
    public func add(path: String) throws -> OID {
        try check(git_index_add_bypath(pointer, path), "stage '\(path)'")
        guard let entry = entry(at: path) else {
            throw GitError(code: .notFound, operation: "stage '\(path)'", message: "the entry vanished from the index")
        }
        return entry.oid
    }

    /// Puts an entry back as it was (used to undo `add` and `remove`).
    public func restore(_ entry: Entry) throws {
        var raw = git_index_entry()
        raw.id = entry.oid.raw
        raw.mode = entry.mode
        try entry.path.withCString { path in
            raw.path = path
            try check(git_index_add(pointer, &raw), "restore index entry '\(entry.path)'")
        }
    }

    /// Unstages `path` (as `git rm --cached` does).
    public func remove(path: String) throws {
        let result = git_index_remove(pointer, path, 0)
        if result == GIT_ENOTFOUND.rawValue { return }
        try check(result, "unstage '\(path)'")
    }

    /// Writes the index to disk (through git's lock file).
    public func write() throws {
        try check(git_index_write(pointer), "write the git index")
    }

    /// Discards in-memory changes and re-reads the index from disk.
    public func reload() throws {
        try check(git_index_read(pointer, 1), "read the git index")
    }

    /// Writes the staged content as a tree object and returns its id (what `git commit` would record).
    public func writeTree() throws -> OID {
        var oid = git_oid()
        try check(git_index_write_tree_to(&oid, pointer, repository.pointer), "write tree from the index")
        return OID(oid)
    }
}

extension Repository {
    /// The repository's index, freshly read from disk.
    public func index() throws -> Index {
        var handle: OpaquePointer?
        try check(git_repository_index(&handle, pointer), "open the git index")
        let index = Index(pointer: handle!, repository: self)
        // git_repository_index reads the file the first time; later calls return the same object, which is
        // re-read only if the file changed on disk (a forced re-read costs ~150 ms at 100,000 entries).
        try check(git_index_read(handle, 0), "read the git index")
        return index
    }

    /// An index file other than the repository's own: the one `git commit` hands its hooks in GIT_INDEX_FILE
    /// (for `git commit -a` or `git commit PATH`, a temporary index holds what is about to be committed).
    public func index(file path: String) throws -> Index {
        var handle: OpaquePointer?
        try check(git_index_open(&handle, path), "open the git index file \(path)")
        return Index(pointer: handle!, repository: self)
    }

    /// Whether `path` (relative to the work tree) is ignored by .gitignore, .git/info/exclude or core.excludesFile.
    public func isIgnored(_ path: String) throws -> Bool {
        var ignored: Int32 = 0
        try check(git_ignore_path_is_ignored(&ignored, pointer, path), "check whether '\(path)' is ignored")
        return ignored != 0
    }

    /// The work tree's status, limited to `paths` (folders or files; empty means everything).
    public func status(paths: [String] = [], includeUntracked: Bool = true) throws -> [StatusEntry] {
        var options = git_status_options()
        try check(git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION)), "prepare status options")
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        var flags = GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX.rawValue | GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
        if includeUntracked {
            flags |= GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
        }
        options.flags = flags
        var cPaths = paths.map { strdup($0) }
        defer { cPaths.forEach { free($0) } }
        var list: OpaquePointer?
        try cPaths.withUnsafeMutableBufferPointer { buffer in
            options.pathspec.strings = buffer.baseAddress
            options.pathspec.count = buffer.count
            try check(git_status_list_new(&list, pointer, &options), "read work tree status")
        }
        defer { git_status_list_free(list) }
        var entries: [StatusEntry] = []
        for i in 0..<git_status_list_entrycount(list) {
            guard let entry = git_status_byindex(list, i)?.pointee else { continue }
            let flags = entry.status.rawValue
            func has(_ flag: git_status_t) -> Bool { flags & flag.rawValue != 0 }
            var staged: StatusEntry.Change?
            if has(GIT_STATUS_INDEX_NEW) { staged = .added }
            else if has(GIT_STATUS_INDEX_MODIFIED) { staged = .modified }
            else if has(GIT_STATUS_INDEX_DELETED) { staged = .deleted }
            else if has(GIT_STATUS_INDEX_RENAMED) { staged = .renamed }
            else if has(GIT_STATUS_INDEX_TYPECHANGE) { staged = .typeChanged }
            var unstaged: StatusEntry.Change?
            if has(GIT_STATUS_CONFLICTED) { unstaged = .conflicted }
            else if has(GIT_STATUS_WT_NEW) { unstaged = .untracked }
            else if has(GIT_STATUS_WT_MODIFIED) { unstaged = .modified }
            else if has(GIT_STATUS_WT_DELETED) { unstaged = .deleted }
            else if has(GIT_STATUS_WT_TYPECHANGE) { unstaged = .typeChanged }
            else if has(GIT_STATUS_WT_RENAMED) { unstaged = .renamed }
            guard staged != nil || unstaged != nil else { continue }
            let delta = entry.index_to_workdir ?? entry.head_to_index
            guard let delta else { continue }
            let newPath = delta.pointee.new_file.path.map { String(cString: $0) } ?? ""
            let oldPath = delta.pointee.old_file.path.map { String(cString: $0) }
            entries.append(StatusEntry(path: newPath, oldPath: oldPath == newPath ? nil : oldPath,
                                       staged: staged, unstaged: unstaged))
        }
        return entries
    }
}
