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

    /// The files that differ between two trees (either may be nil: the empty tree) under `prefix`, found by
    /// descending only into subtrees whose ids differ — a one-file change in a large tree reads only the trees
    /// on that file's path. (libgit2's tree diff walks every entry of both trees.) No rename detection.
    public func changedFiles(from oldTree: OID?, to newTree: OID?, under prefix: String = "") throws -> [TreeDelta] {
        let trimmed = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        func subtree(_ tree: OID?) throws -> OID? {
            guard let tree, !trimmed.isEmpty else { return tree }
            guard let entry = try entry(at: trimmed, inTree: tree), entry.kind == .tree else { return nil }
            return entry.oid
        }
        var deltas: [TreeDelta] = []
        try compareTrees(try subtree(oldTree), try subtree(newTree), path: trimmed.isEmpty ? "" : trimmed + "/", into: &deltas)
        return deltas
    }

    private func compareTrees(_ old: OID?, _ new: OID?, path: String, into deltas: inout [TreeDelta]) throws {
        guard old != new else { return }
        let before = try old.map(lookupTree), after = try new.map(lookupTree)
        let beforeCount = before.map { git_tree_entrycount($0.pointer) } ?? 0
        let afterCount = after.map { git_tree_entrycount($0.pointer) } ?? 0
        var i = 0, j = 0
        // Both trees are sorted in git's order; walk them together and make strings only for what differs.
        while i < beforeCount || j < afterCount {
            let a = i < beforeCount ? git_tree_entry_byindex(before!.pointer, i) : nil
            let b = j < afterCount ? git_tree_entry_byindex(after!.pointer, j) : nil
            // git orders a folder `x` as `x/`, so a file and a folder of the same name are different entries.
            let order: Int32 = (a != nil && b != nil) ? git_tree_entry_cmp(a, b) : (a == nil ? 1 : -1)
            let left = order <= 0 ? a : nil
            let right = order >= 0 ? b : nil
            if left != nil { i += 1 }
            if right != nil { j += 1 }
            if let left, let right, git_oid_equal(git_tree_entry_id(left), git_tree_entry_id(right)) != 0,
               git_tree_entry_type(left) == git_tree_entry_type(right) {
                continue
            }
            let name = String(cString: git_tree_entry_name((left ?? right)!))
            let full = path + name
            func oid(_ entry: OpaquePointer?, tree: Bool) -> OID? {
                guard let entry, (git_tree_entry_type(entry) == GIT_OBJECT_TREE) == tree else { return nil }
                return OID(git_tree_entry_id(entry)!)
            }
            let oldTree = oid(left, tree: true), newTree = oid(right, tree: true)
            if oldTree != nil || newTree != nil { try compareTrees(oldTree, newTree, path: full + "/", into: &deltas) }
            switch (oid(left, tree: false), oid(right, tree: false)) {
            case (nil, nil): break
            case (let x?, nil):
                deltas.append(TreeDelta(status: .deleted, oldPath: full, newPath: nil, oldBlob: x, newBlob: nil, similarity: 0))
            case (nil, let y?):
                deltas.append(TreeDelta(status: .added, oldPath: nil, newPath: full, oldBlob: nil, newBlob: y, similarity: 0))
            case (let x?, let y?):
                deltas.append(TreeDelta(status: .modified, oldPath: full, newPath: full, oldBlob: x, newBlob: y, similarity: 0))
            }
        }
    }

    /// Renames among `deleted` and `added` paths of one commit (each a path relative to the repository), found by
    /// content similarity as `git diff -M` does. Returns new path → old path.
    public func renames(from oldTree: OID, to newTree: OID, deleted: [String], added: [String]) throws -> [String: String] {
        guard !deleted.isEmpty, !added.isEmpty else { return [:] }
        let oldHandle = try lookupTree(oldTree), newHandle = try lookupTree(newTree)
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "prepare diff options")
        options.flags = GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue
        var paths = (deleted + added).map { strdup($0) }
        defer { paths.forEach { free($0) } }
        var diff: OpaquePointer?
        try paths.withUnsafeMutableBufferPointer { buffer in
            options.pathspec.strings = buffer.baseAddress
            options.pathspec.count = buffer.count
            try check(git_diff_tree_to_tree(&diff, pointer, oldHandle.pointer, newHandle.pointer, &options), "diff for renames")
        }
        defer { git_diff_free(diff) }
        var find = git_diff_find_options()
        try check(git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), "prepare rename detection")
        find.flags = GIT_DIFF_FIND_RENAMES.rawValue
        try check(git_diff_find_similar(diff, &find), "detect renames")
        var renames: [String: String] = [:]
        for index in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, index)?.pointee, delta.status == GIT_DELTA_RENAMED,
                  let old = delta.old_file.path, let new = delta.new_file.path else { continue }
            renames[String(cString: new)] = String(cString: old)
        }
        return renames
    }

    /// The best common ancestor of two commits, or nil when they share no history.
    public func mergeBase(_ a: OID, _ b: OID) throws -> OID? {
        var out = git_oid()
        var rawA = a.raw, rawB = b.raw
        let result = git_merge_base(&out, pointer, &rawA, &rawB)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check(result, "find the merge base of \(a.short) and \(b.short)")
        return OID(out)
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

    /// Walks commits from `start`, newest first by commit time (or in topological order, which makes libgit2
    /// read the whole history before the first commit), skipping those reachable from `hiding`.
    /// `visit` returns false to stop early.
    public func walkCommits(from start: OID, hiding: [OID] = [], firstParentOnly: Bool = false, topological: Bool = false,
                            _ visit: (OID) throws -> Bool) throws {
        var walk: OpaquePointer?
        try check(git_revwalk_new(&walk, pointer), "start a history walk")
        defer { git_revwalk_free(walk) }
        let sorting = topological ? GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue : GIT_SORT_TIME.rawValue
        try check(git_revwalk_sorting(walk, sorting), "sort the history walk")
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
