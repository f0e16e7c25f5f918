import Foundation
internal import CGit2

/// One file's change between two trees.
public struct TreeDelta: Sendable, Equatable {
    public enum Status: Sendable, Equatable {
        case added, deleted, modified, renamed, typeChanged
    }

    public let status: Status
    /// The path before (nil when added).
    public let oldPath: String?
    /// The path after (nil when deleted).
    public let newPath: String?
    public let oldBlob: OID?
    public let newBlob: OID?
    /// For a rename, how similar the two files are (0–100).
    public let similarity: Int
}

extension Repository {
    /// The files that differ between two trees (either may be nil: the empty tree), limited to paths under
    /// `prefix`. With `detectRenames`, a delete and an add of similar files are one `.renamed` delta.
    public func diff(from oldTree: OID?, to newTree: OID?, under prefix: String = "", detectRenames: Bool = false) throws -> [TreeDelta] {
        let oldHandle = try oldTree.map(lookupTree)
        let newHandle = try newTree.map(lookupTree)
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "prepare diff options")
        options.flags = GIT_DIFF_SKIP_BINARY_CHECK.rawValue
        var pathspec = prefix.isEmpty ? [] : [strdup(prefix.hasSuffix("/") ? prefix : prefix + "/")]
        defer { pathspec.forEach { free($0) } }
        var diff: OpaquePointer?
        try pathspec.withUnsafeMutableBufferPointer { buffer in
            options.pathspec.strings = buffer.baseAddress
            options.pathspec.count = buffer.count
            try check(git_diff_tree_to_tree(&diff, pointer, oldHandle?.pointer, newHandle?.pointer, &options),
                      "diff trees \(oldTree?.short ?? "(empty)")..\(newTree?.short ?? "(empty)")")
        }
        defer { git_diff_free(diff) }
        if detectRenames {
            var find = git_diff_find_options()
            try check(git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), "prepare rename detection")
            find.flags = GIT_DIFF_FIND_RENAMES.rawValue
            try check(git_diff_find_similar(diff, &find), "detect renames")
        }
        var deltas: [TreeDelta] = []
        for index in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, index)?.pointee else { continue }
            let status: TreeDelta.Status
            switch delta.status {
            case GIT_DELTA_ADDED: status = .added
            case GIT_DELTA_DELETED: status = .deleted
            case GIT_DELTA_RENAMED: status = .renamed
            case GIT_DELTA_TYPECHANGE: status = .typeChanged
            default: status = .modified
            }
            let old = delta.old_file, new = delta.new_file
            deltas.append(TreeDelta(
                status: status,
                oldPath: status == .added ? nil : old.path.map { String(cString: $0) },
                newPath: status == .deleted ? nil : new.path.map { String(cString: $0) },
                oldBlob: status == .added ? nil : OID(old.id),
                newBlob: status == .deleted ? nil : OID(new.id),
                similarity: Int(delta.similarity)))
        }
        return deltas
    }

    /// The id git would give `data` as a blob, without writing it.
    public static func blobID(of data: Data) throws -> OID {
        _ = libgit2Initialized
        var oid = git_oid()
        try data.withUnsafeBytes { bytes in
            try check(git_odb_hash(&oid, bytes.baseAddress, bytes.count, GIT_OBJECT_BLOB), "hash blob")
        }
        return OID(oid)
    }

    /// Walks commits from `start`, newest first (topological, then by time), skipping those reachable from
    /// `hiding`. `visit` returns false to stop early.
    public func walkCommits(from start: OID, hiding: [OID] = [], firstParentOnly: Bool = false,
                            _ visit: (OID) throws -> Bool) throws {
        var walk: OpaquePointer?
        try check(git_revwalk_new(&walk, pointer), "start a history walk")
        defer { git_revwalk_free(walk) }
        try check(git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue), "sort the history walk")
        if firstParentOnly { try check(git_revwalk_simplify_first_parent(walk), "follow first parents") }
        var raw = start.raw
        try check(git_revwalk_push(walk, &raw), "walk from \(start.short)")
        for hidden in hiding {
            var hiddenRaw = hidden.raw
            try check(git_revwalk_hide(walk, &hiddenRaw), "hide \(hidden.short) from the walk")
        }
        var next = git_oid()
        while true {
            let result = git_revwalk_next(&next, walk)
            if result == GIT_ITEROVER.rawValue { return }
            try check(result, "walk history")
            if try !visit(OID(next)) { return }
        }
    }

    /// The git directory shared by all work trees of this repository (for data that belongs to the clone).
    public var commonDir: String {
        let path = String(cString: git_repository_commondir(pointer))
        return path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}
