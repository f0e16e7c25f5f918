import Foundation
internal import CGit2

/// A path both sides changed in ways git's line merge could not join: the blob each side has (nil where the
/// side deleted or never had the file).
public struct MergeConflict: Sendable, Equatable {
    public let path: String
    public let ancestor: OID?
    public let ours: OID?
    public let theirs: OID?
    /// The file mode to give a resolution (ours', else theirs').
    public let mode: UInt32
}

/// The result of merging two commits in memory: the merged tree, or the conflicts no resolver could settle.
public struct TreeMerge: Sendable, Equatable {
    public let tree: OID?
    public let conflicts: [MergeConflict]
}

/// A three-way merge of one text: the merged text, with standard conflict markers where both sides changed
/// the same lines (then `clean` is false).
public struct TextMerge: Sendable, Equatable {
    public let text: String
    public let clean: Bool

    public init(text: String, clean: Bool) {
        self.text = text
        self.clean = clean
    }
}

extension Repository {
    /// Whether `descendant` has `ancestor` in its history.
    public func isAncestor(_ ancestor: OID, of descendant: OID) throws -> Bool {
        if ancestor == descendant { return true }
        var rawA = descendant.raw, rawB = ancestor.raw
        let result = git_graph_descendant_of(pointer, &rawA, &rawB)
        try check(result, "compare \(descendant.short) with \(ancestor.short)")
        return result == 1
    }

    /// How many commits `local` has that `upstream` has not, and the other way round (git's ahead/behind).
    public func aheadBehind(_ local: OID, _ upstream: OID) throws -> (ahead: Int, behind: Int) {
        if local == upstream { return (0, 0) }
        var rawLocal = local.raw, rawUpstream = upstream.raw
        var ahead = 0, behind = 0
        try check(git_graph_ahead_behind(&ahead, &behind, pointer, &rawLocal, &rawUpstream),
                  "count the commits between \(local.short) and \(upstream.short)")
        return (ahead, behind)
    }

    /// Merges `theirs` into `ours` in memory (the work tree and index untouched): git's three-way merge of the
    /// two commits from their common ancestor. Each path git cannot merge line by line is offered to `resolve`,
    /// which returns the merged contents or nil to leave it a conflict.
    public func merge(ours: OID, theirs: OID, resolve: (MergeConflict) throws -> Data? = { _ in nil }) throws -> TreeMerge {
        var rawOurs = ours.raw, rawTheirs = theirs.raw
        var ourCommit: OpaquePointer?, theirCommit: OpaquePointer?
        try check(git_commit_lookup(&ourCommit, pointer, &rawOurs), "read commit \(ours.short)")
        defer { git_commit_free(ourCommit) }
        try check(git_commit_lookup(&theirCommit, pointer, &rawTheirs), "read commit \(theirs.short)")
        defer { git_commit_free(theirCommit) }
        var options = git_merge_options()
        try check(git_merge_options_init(&options, UInt32(GIT_MERGE_OPTIONS_VERSION)), "prepare merge")
        var index: OpaquePointer?
        try check(git_merge_commits(&index, pointer, ourCommit, theirCommit, &options), "merge \(theirs.short) into \(ours.short)")
        defer { git_index_free(index) }
        var unresolved: [MergeConflict] = []
        for conflict in try Self.conflicts(in: index!) {
            guard let merged = try resolve(conflict) else {
                unresolved.append(conflict)
                continue
            }
            try Self.settle(conflict, with: writeBlob(merged), in: index!)
        }
        guard unresolved.isEmpty else { return TreeMerge(tree: nil, conflicts: unresolved) }
        var tree = git_oid()
        try check(git_index_write_tree_to(&tree, index, pointer), "write the merged tree")
        return TreeMerge(tree: OID(tree), conflicts: [])
    }

    /// The conflicts recorded in an index (stages 1–3), one per path.
    static func conflicts(in index: OpaquePointer) throws -> [MergeConflict] {
        guard git_index_has_conflicts(index) == 1 else { return [] }
        var iterator: OpaquePointer?
        try check(git_index_conflict_iterator_new(&iterator, index), "list conflicts")
        defer { git_index_conflict_iterator_free(iterator) }
        var conflicts: [MergeConflict] = []
        var ancestor: UnsafePointer<git_index_entry>?, our: UnsafePointer<git_index_entry>?, their: UnsafePointer<git_index_entry>?
        while true {
            let result = git_index_conflict_next(&ancestor, &our, &their, iterator)
            if result == GIT_ITEROVER.rawValue { break }
            try check(result, "list conflicts")
            guard let path = (our ?? their ?? ancestor)?.pointee.path else { continue }
            conflicts.append(MergeConflict(path: String(cString: path), ancestor: ancestor.map { OID($0.pointee.id) },
                                           ours: our.map { OID($0.pointee.id) }, theirs: their.map { OID($0.pointee.id) },
                                           mode: (our ?? their ?? ancestor)!.pointee.mode))
        }
        return conflicts
    }

    /// Replaces a path's conflict stages with one resolved entry.
    private static func settle(_ conflict: MergeConflict, with blob: OID, in index: OpaquePointer) throws {
        try check(git_index_conflict_remove(index, conflict.path), "resolve '\(conflict.path)'")
        var entry = git_index_entry()
        entry.mode = conflict.mode
        entry.id = blob.raw
        try conflict.path.withCString { path in
            entry.path = path
            try check(git_index_add(index, &entry), "resolve '\(conflict.path)'")
        }
    }

    /// Three-way merge of texts, as `git merge-file` does; `ancestor` nil when both sides added the file.
    public static func mergeText(ancestor: String?, ours: String, theirs: String, ourLabel: String, theirLabel: String) throws -> TextMerge {
        _ = libgit2Initialized
        func input(_ text: String, _ body: (UnsafePointer<git_merge_file_input>) throws -> TextMerge) throws -> TextMerge {
            var utf8 = Array(text.utf8)
            return try utf8.withUnsafeMutableBufferPointer { bytes in
                try bytes.withMemoryRebound(to: CChar.self) { chars in
                    var file = git_merge_file_input()
                    try check(git_merge_file_input_init(&file, UInt32(GIT_MERGE_FILE_INPUT_VERSION)), "prepare a text merge")
                    file.ptr = UnsafePointer(chars.baseAddress)
                    file.size = chars.count
                    return try body(&file)
                }
            }
        }
        return try input(ancestor ?? "") { base in
            try input(ours) { our in
                try input(theirs) { their in
                    var options = git_merge_file_options()
                    try check(git_merge_file_options_init(&options, UInt32(GIT_MERGE_FILE_OPTIONS_VERSION)), "prepare a text merge")
                    var result = git_merge_file_result()
                    try ourLabel.withCString { ourName in
                        try theirLabel.withCString { theirName in
                            options.our_label = ourName
                            options.their_label = theirName
                            try check(git_merge_file(&result, base, our, their, &options), "merge text")
                        }
                    }
                    defer { git_merge_file_result_free(&result) }
                    let text = result.ptr.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: result.len), as: UTF8.self) } ?? ""
                    return TextMerge(text: text, clean: result.automergeable != 0)
                }
            }
        }
    }

    // MARK: - Merging in the work tree

    /// Merges commit `theirs` into HEAD in the work tree and index, as `git merge` does when it stops: files
    /// that merged are written and staged, conflicting ones get conflict markers and their three versions stay
    /// in the index, and MERGE_HEAD records `theirs` until the merge is committed or aborted. Returns the
    /// conflicts. Stops before writing anything if a file with uncommitted changes would be touched.
    public func mergeIntoWorkTree(_ theirs: OID) throws -> [MergeConflict] {
        var raw = theirs.raw
        var annotated: OpaquePointer?
        try check(git_annotated_commit_lookup(&annotated, pointer, &raw), "read commit \(theirs.short)")
        defer { git_annotated_commit_free(annotated) }
        var mergeOptions = git_merge_options()
        try check(git_merge_options_init(&mergeOptions, UInt32(GIT_MERGE_OPTIONS_VERSION)), "prepare merge")
        var checkoutOptions = git_checkout_options()
        try check(git_checkout_options_init(&checkoutOptions, UInt32(GIT_CHECKOUT_OPTIONS_VERSION)), "prepare checkout")
        checkoutOptions.checkout_strategy = GIT_CHECKOUT_SAFE.rawValue | GIT_CHECKOUT_ALLOW_CONFLICTS.rawValue
        var heads: [OpaquePointer?] = [annotated]
        try heads.withUnsafeMutableBufferPointer { buffer in
            try check(git_merge(pointer, buffer.baseAddress, 1, &mergeOptions, &checkoutOptions), "merge \(theirs.short) into the work tree")
        }
        return try conflicts()
    }

    /// The conflicts in the repository's index.
    public func conflicts() throws -> [MergeConflict] {
        var index: OpaquePointer?
        try check(git_repository_index(&index, pointer), "open the index")
        defer { git_index_free(index) }
        return try Self.conflicts(in: index!)
    }

    /// The commits a merge in progress is joining into HEAD (MERGE_HEAD).
    public func mergeHeads() throws -> [OID] {
        final class Box { var oids: [OID] = [] }
        let box = Box()
        let result = git_repository_mergehead_foreach(pointer, { oid, payload in
            Unmanaged<Box>.fromOpaque(payload!).takeUnretainedValue().oids.append(OID(oid!.pointee))
            return 0
        }, Unmanaged.passUnretained(box).toOpaque())
        if result == GIT_ENOTFOUND.rawValue { return [] }
        try check(result, "read MERGE_HEAD")
        return box.oids
    }

    /// Makes the index and work tree hold `commit` (HEAD's branch moved there), discarding changes to tracked
    /// files, as `git reset --hard` does; untracked files stay.
    public func resetHard(to commit: OID) throws {
        var raw = commit.raw
        var object: OpaquePointer?
        try check(git_object_lookup(&object, pointer, &raw, GIT_OBJECT_COMMIT), "read commit \(commit.short)")
        defer { git_object_free(object) }
        try check(git_reset(pointer, object, GIT_RESET_HARD, nil), "reset to \(commit.short)")
    }

    /// Ends a merge (or other operation) in progress: MERGE_HEAD, MERGE_MSG and the like are removed.
    public func finishOperation() throws {
        try check(git_repository_state_cleanup(pointer), "clean up the merge state")
    }

    /// Makes the work tree and index hold `commit`'s tree, then moves HEAD's branch from `expected` to it. Safe:
    /// a file with local changes that the new tree would overwrite stops it before anything is written.
    public func checkoutAndAdvance(from expected: Head, to commit: OID, message: String) throws {
        var raw = commit.raw
        var object: OpaquePointer?
        try check(git_object_lookup(&object, pointer, &raw, GIT_OBJECT_COMMIT), "read commit \(commit.short)")
        defer { git_object_free(object) }
        var options = git_checkout_options()
        try check(git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION)), "prepare checkout")
        options.checkout_strategy = GIT_CHECKOUT_SAFE.rawValue
        try check(git_checkout_tree(pointer, object, &options), "update the work tree to \(commit.short)")
        try advanceHead(from: expected, to: commit, message: message)
    }
}
