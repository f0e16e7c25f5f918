internal import CGit2

/// Where HEAD points.
public enum Head: Sendable, Equatable {
    /// On a branch with at least one commit.
    case branch(name: String, commit: OID)
    /// Detached at a commit.
    case detached(commit: OID)
    /// On a branch that has no commits yet (a new repository).
    case unborn(name: String)

    /// The commit HEAD resolves to, if any.
    public var commit: OID? {
        switch self {
        case .branch(_, let commit), .detached(let commit): return commit
        case .unborn: return nil
        }
    }

    /// The branch name, unless detached.
    public var branchName: String? {
        switch self {
        case .branch(let name, _), .unborn(let name): return name
        case .detached: return nil
        }
    }
}

/// A reference: a name and either an object id or another reference's name.
public struct Reference: Sendable, Equatable {
    public let name: String
    public let target: OID?
    public let symbolicTarget: String?

    /// The name without its `refs/heads/`, `refs/tags/` or `refs/remotes/` prefix.
    public var shortName: String {
        for prefix in ["refs/heads/", "refs/tags/", "refs/remotes/"] where name.hasPrefix(prefix) {
            return String(name.dropFirst(prefix.count))
        }
        return name
    }
}

/// What a caller expects a reference to hold before it is moved (compare-and-swap).
public enum ReferenceExpectation: Sendable, Equatable {
    /// The reference must not exist yet.
    case absent
    /// The reference must still point at this object.
    case value(OID)
    /// Move it whatever it holds.
    case any
}

final class ReferenceHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_reference_free(pointer) }

    var value: Reference {
        let name = String(cString: git_reference_name(pointer))
        if git_reference_type(pointer) == GIT_REFERENCE_SYMBOLIC {
            return Reference(name: name, target: nil, symbolicTarget: String(cString: git_reference_symbolic_target(pointer)))
        }
        return Reference(name: name, target: git_reference_target(pointer).map(OID.init), symbolicTarget: nil)
    }
}

extension Repository {
    /// Reads HEAD: a branch, a detached commit, or an unborn branch.
    public func head() throws -> Head {
        var ref: OpaquePointer?
        try check(git_reference_lookup(&ref, pointer, "HEAD"), "read HEAD")
        let head = ReferenceHandle(ref!).value
        if let target = head.target { return .detached(commit: target) }
        let branchRef = head.symbolicTarget ?? "refs/heads/main"
        let name = branchRef.hasPrefix("refs/heads/") ? String(branchRef.dropFirst("refs/heads/".count)) : branchRef
        var oid = git_oid()
        let result = git_reference_name_to_id(&oid, pointer, branchRef)
        if result == GIT_ENOTFOUND.rawValue { return .unborn(name: name) }
        try check(result, "resolve \(branchRef)")
        return .branch(name: name, commit: OID(oid))
    }

    /// One reference by its full name, or nil when it does not exist.
    public func reference(named name: String) throws -> Reference? {
        var ref: OpaquePointer?
        let result = git_reference_lookup(&ref, pointer, name)
        if result == GIT_ENOTFOUND.rawValue || result == GIT_EINVALIDSPEC.rawValue { return nil }
        try check(result, "read reference '\(name)'")
        return ReferenceHandle(ref!).value
    }

    /// All references whose full name matches `glob` (e.g. `refs/tags/*`), loose and packed.
    public func references(matching glob: String = "refs/*") throws -> [Reference] {
        var iterator: OpaquePointer?
        try check(git_reference_iterator_glob_new(&iterator, pointer, glob), "list references '\(glob)'")
        defer { git_reference_iterator_free(iterator) }
        var refs: [Reference] = []
        while true {
            var ref: OpaquePointer?
            let result = git_reference_next(&ref, iterator)
            if result == GIT_ITEROVER.rawValue { break }
            try check(result, "list references '\(glob)'")
            refs.append(ReferenceHandle(ref!).value)
        }
        return refs.sorted { $0.name < $1.name }
    }

    /// Local branches with the commit each points at.
    public func branches() throws -> [Reference] {
        try references(matching: "refs/heads/*")
    }

    /// Tags, each peeled to the commit it names (annotated tags included).
    public func tags() throws -> [(name: String, commit: OID)] {
        try references(matching: "refs/tags/*").compactMap { ref in
            guard let commit = try? resolveCommit(ref.name) else { return nil }
            return (ref.shortName, commit)
        }
    }

    /// Points `name` at `oid`, failing with `.modified` when the reference no longer holds what the caller expects.
    public func setReference(_ name: String, to oid: OID, expecting: ReferenceExpectation, message: String) throws {
        var ref: OpaquePointer?
        var target = oid.raw
        let result: Int32
        switch expecting {
        case .absent:
            result = git_reference_create(&ref, pointer, name, &target, 0, message)
            if result == GIT_EEXISTS.rawValue {
                throw GitError(code: .modified, operation: "create \(name)", message: "it already exists")
            }
        case .value(let current):
            var expected = current.raw
            result = git_reference_create_matching(&ref, pointer, name, &target, 1, &expected, message)
        case .any:
            result = git_reference_create(&ref, pointer, name, &target, 1, message)
        }
        try check(result, "update \(name)")
        git_reference_free(ref)
    }

    /// Deletes a reference; nothing happens when it does not exist.
    public func deleteReference(_ name: String) throws {
        var ref: OpaquePointer?
        let result = git_reference_lookup(&ref, pointer, name)
        if result == GIT_ENOTFOUND.rawValue { return }
        try check(result, "read reference '\(name)'")
        defer { git_reference_free(ref) }
        try check(git_reference_delete(ref), "delete reference '\(name)'")
    }

    /// Deletes a local branch and its config section (`branch.NAME.*`), as `git branch -D` does.
    public func deleteBranch(_ name: String) throws {
        var ref: OpaquePointer?
        try check(git_branch_lookup(&ref, pointer, name, GIT_BRANCH_LOCAL), "find branch '\(name)'")
        defer { git_reference_free(ref) }
        try check(git_branch_delete(ref), "delete branch '\(name)'")
    }

    /// Moves the current branch (or a detached HEAD) from `expected` to `commit`: the commit step of `git commit`.
    public func advanceHead(from expected: Head, to commit: OID, message: String) throws {
        switch expected {
        case .branch(let name, let old):
            try setReference("refs/heads/\(name)", to: commit, expecting: .value(old), message: message)
        case .unborn(let name):
            try setReference("refs/heads/\(name)", to: commit, expecting: .absent, message: message)
        case .detached(let old):
            try setReference("HEAD", to: commit, expecting: .value(old), message: message)
        }
    }

    /// Resolves a full or abbreviated object id to a blob.
    public func resolveBlob(_ prefix: String) throws -> OID {
        var object: OpaquePointer?
        try check(git_revparse_single(&object, pointer, prefix), "resolve object '\(prefix)'")
        defer { git_object_free(object) }
        guard git_object_type(object) == GIT_OBJECT_BLOB else {
            throw GitError(code: .notFound, operation: "resolve blob '\(prefix)'", message: "it is not a blob")
        }
        return OID(git_object_id(object)!)
    }

    /// Resolves a revision (`HEAD~2`, a branch, a tag, a full or short sha, `main^2`) to a commit.
    public func resolveCommit(_ revision: String) throws -> OID {
        var object: OpaquePointer?
        try check(git_revparse_single(&object, pointer, revision), "resolve revision '\(revision)'")
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        try check(git_object_peel(&peeled, object, GIT_OBJECT_COMMIT), "resolve revision '\(revision)' to a commit")
        defer { git_object_free(peeled) }
        return OID(git_object_id(peeled)!)
    }
}
