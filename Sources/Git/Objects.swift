import Foundation
internal import CGit2

/// A commit, copied out of libgit2.
public struct Commit: Sendable, Equatable {
    public let oid: OID
    public let tree: OID
    public let parents: [OID]
    public let author: Signature
    public let committer: Signature
    public let message: String

    /// The first line of the message.
    public var summary: String {
        String(message.prefix { $0 != "\n" })
    }
}

/// The kind of object a tree entry names.
public enum ObjectKind: Sendable, Equatable {
    case blob
    case tree
    /// A submodule's commit.
    case commit
}

/// One entry of a tree, with its path from the root of the tree it was read from.
public struct TreeEntry: Sendable, Equatable {
    public let path: String
    public let oid: OID
    public let kind: ObjectKind
    /// The git file mode (`0o100644`, `0o100755`, `0o120000`, `0o040000`).
    public let mode: UInt32

    /// The last path component.
    public var name: Substring { path.split(separator: "/").last ?? Substring(path) }
}

/// File modes git records for blobs.
public enum FileMode: UInt32, Sendable {
    case regular = 0o100644
    case executable = 0o100755
    case symlink = 0o120000
}

/// A change to one path, applied to a tree to make a new one.
public struct TreeChange: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        case upsert(blob: OID, mode: FileMode)
        case remove
    }

    public let path: String
    public let action: Action

    public init(path: String, action: Action) {
        self.path = path
        self.action = action
    }
}

final class ObjectHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_object_free(pointer) }
}

extension Repository {
    // MARK: - Reading

    /// Reads a commit.
    public func commit(_ oid: OID) throws -> Commit {
        var raw = oid.raw
        var handle: OpaquePointer?
        try check(git_commit_lookup(&handle, pointer, &raw), "read commit \(oid.short)")
        defer { git_commit_free(handle) }
        let parents = (0..<git_commit_parentcount(handle)).map { OID(git_commit_parent_id(handle, $0)!) }
        return Commit(
            oid: oid,
            tree: OID(git_commit_tree_id(handle)!),
            parents: parents,
            author: Signature(git_commit_author(handle)!),
            committer: Signature(git_commit_committer(handle)!),
            message: git_commit_message(handle).map { String(cString: $0) } ?? "")
    }

    /// The entry at `path` (e.g. `prompts/review.prompt.md`) in a tree, or nil when nothing is there.
    public func entry(at path: String, inTree tree: OID) throws -> TreeEntry? {
        let treeHandle = try lookupTree(tree)
        var entry: OpaquePointer?
        let result = git_tree_entry_bypath(&entry, treeHandle.pointer, path)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check(result, "find '\(path)' in tree \(tree.short)")
        defer { git_tree_entry_free(entry) }
        return Self.treeEntry(entry!, path: path)
    }

    /// Entries of a tree, optionally only below `folder`, optionally recursing into subtrees
    /// (subtrees themselves are then not listed).
    public func entries(inTree tree: OID, under folder: String? = nil, recursive: Bool) throws -> [TreeEntry] {
        var root = tree
        var prefix = ""
        if let folder, !folder.isEmpty {
            guard let entry = try entry(at: folder, inTree: tree), entry.kind == .tree else { return [] }
            root = entry.oid
            prefix = folder.hasSuffix("/") ? folder : folder + "/"
        }
        let handle = try lookupTree(root)
        if !recursive {
            return (0..<git_tree_entrycount(handle.pointer)).map { index in
                let entry = git_tree_entry_byindex(handle.pointer, index)!
                return Self.treeEntry(entry, path: prefix + String(cString: git_tree_entry_name(entry)))
            }
        }
        final class Collector {
            var entries: [TreeEntry] = []
            let prefix: String
            init(prefix: String) { self.prefix = prefix }
        }
        let collector = Collector(prefix: prefix)
        let callback: git_treewalk_cb = { root, entry, payload in
            let collector = Unmanaged<Collector>.fromOpaque(payload!).takeUnretainedValue()
            guard let entry, git_tree_entry_type(entry) != GIT_OBJECT_TREE else { return 0 }
            let path = collector.prefix + String(cString: root!) + String(cString: git_tree_entry_name(entry))
            collector.entries.append(Repository.treeEntry(entry, path: path))
            return 0
        }
        try withExtendedLifetime(collector) {
            try check(git_tree_walk(handle.pointer, GIT_TREEWALK_PRE, callback, Unmanaged.passUnretained(collector).toOpaque()),
                      "walk tree \(tree.short)")
        }
        return collector.entries
    }

    /// The contents of a blob.
    public func blob(_ oid: OID) throws -> Data {
        var raw = oid.raw
        var handle: OpaquePointer?
        try check(git_blob_lookup(&handle, pointer, &raw), "read blob \(oid.short)")
        defer { git_blob_free(handle) }
        let size = Int(git_blob_rawsize(handle))
        guard size > 0, let bytes = git_blob_rawcontent(handle) else { return Data() }
        return Data(bytes: bytes, count: size)
    }

    /// The file at `path` in a commit's tree, or nil when the commit has no such file.
    public func file(at path: String, inCommit commitID: OID) throws -> (entry: TreeEntry, data: Data)? {
        let tree = try commit(commitID).tree
        guard let entry = try entry(at: path, inTree: tree), entry.kind == .blob else { return nil }
        return (entry, try blob(entry.oid))
    }

    func lookupTree(_ oid: OID) throws -> ObjectHandle {
        var raw = oid.raw
        var handle: OpaquePointer?
        try check(git_object_lookup(&handle, pointer, &raw, GIT_OBJECT_TREE), "read tree \(oid.short)")
        return ObjectHandle(handle!)
    }

    static func treeEntry(_ entry: OpaquePointer, path: String) -> TreeEntry {
        let kind: ObjectKind
        switch git_tree_entry_type(entry) {
        case GIT_OBJECT_TREE: kind = .tree
        case GIT_OBJECT_COMMIT: kind = .commit
        default: kind = .blob
        }
        return TreeEntry(path: path, oid: OID(git_tree_entry_id(entry)!), kind: kind,
                         mode: UInt32(git_tree_entry_filemode(entry).rawValue))
    }

    // MARK: - Writing

    /// Writes a blob into the object database.
    public func writeBlob(_ data: Data) throws -> OID {
        var oid = git_oid()
        try data.withUnsafeBytes { bytes in
            try check(git_blob_create_from_buffer(&oid, pointer, bytes.baseAddress, bytes.count), "write blob")
        }
        return OID(oid)
    }

    /// Writes a new tree: `base` (or an empty tree) with `changes` applied. Folders are created and
    /// emptied folders disappear, as in git.
    public func writeTree(applying changes: [TreeChange], to base: OID?) throws -> OID {
        let baseHandle = try base.map(lookupTree)
        if changes.isEmpty, let base { return base }
        var updates = [git_tree_update]()
        var paths = [UnsafeMutablePointer<CChar>]()
        defer { paths.forEach { free($0) } }
        for change in changes {
            var update = git_tree_update()
            let path = strdup(change.path)!
            paths.append(path)
            update.path = UnsafePointer(path)
            switch change.action {
            case .upsert(let blob, let mode):
                update.action = GIT_TREE_UPDATE_UPSERT
                update.id = blob.raw
                update.filemode = git_filemode_t(rawValue: mode.rawValue)
            case .remove:
                update.action = GIT_TREE_UPDATE_REMOVE
            }
            updates.append(update)
        }
        var oid = git_oid()
        try check(git_tree_create_updated(&oid, pointer, baseHandle?.pointer, updates.count, updates),
                  "write tree (\(changes.map(\.path).joined(separator: ", ")))")
        return OID(oid)
    }

    /// Writes a commit object. No reference moves; see `setReference` and `advanceHead`.
    public func writeCommit(tree: OID, parents: [OID], identity: Identity, message: String) throws -> OID {
        let treeHandle = try lookupTree(tree)
        var parentHandles: [OpaquePointer?] = []
        defer { parentHandles.forEach { git_commit_free($0) } }
        for parent in parents {
            var raw = parent.raw
            var handle: OpaquePointer?
            try check(git_commit_lookup(&handle, pointer, &raw), "read parent commit \(parent.short)")
            parentHandles.append(handle)
        }
        var oid = git_oid()
        try identity.author.withGitSignature { author in
            try identity.committer.withGitSignature { committer in
                try check(
                    git_commit_create(&oid, pointer, nil, author, committer, nil, message, treeHandle.pointer,
                                      parentHandles.count, &parentHandles),
                    "write commit")
            }
        }
        return OID(oid)
    }
}
