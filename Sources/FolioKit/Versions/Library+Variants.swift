import Foundation
internal import Git

/// A variant: a branch `variant/NAME` holding other versions of some prompts.
public struct VariantInfo: Sendable, Equatable, Codable {
    public let name: String
    public let branch: String
    public let tip: String
    /// The branch it was made from (recorded in git config), or the current branch.
    public let base: String
    /// Prompts the variant changed since it left its base.
    public let changed: [String]
}

/// A variant just deleted: where its branch was, to bring it back.
public struct RemovedVariant: Sendable, Equatable, Codable {
    public let name: String
    public let branch: String
    /// The commit the branch pointed at: `folio variant create NAME --from TIP` restores it.
    public let tip: String
    /// Experiments not yet closed that still name it (only when forced).
    public let experiments: [String]
}

extension Library {
    static let variantPrefix = "variant/"

    /// The branch a variant or experiment arm names: an existing branch of that name (`main`), else `variant/NAME`.
    func branch(forVariant name: String, repository: Repository) throws -> String? {
        for candidate in [Self.variantPrefix + name, name] where try gitCall({ try repository.reference(named: "refs/heads/\(candidate)") }) != nil {
            if candidate == name, name.hasPrefix(Self.variantPrefix) { return name }
            return candidate
        }
        return nil
    }

    func requireVariantBranch(_ name: String, repository: Repository) throws -> String {
        guard let branch = try branch(forVariant: name, repository: repository) else {
            let known = try variantNames(repository: repository)
            throw FolioError(.notFound, "no variant '\(name)'\(Suggestions.hint(for: name, in: known)); create it with: folio variant create \(name)")
        }
        return branch
    }

    /// The earlier id under which a branch made before a rename holds a prompt (nil: it holds it under `id`, or not
    /// at all). Reads there follow the rename; a change there is made under the id the branch has.
    func formerID(of id: PromptID, onBranch branch: String) -> PromptID? {
        guard let repository = try? requireRepository(), let resolved = try? resolve(branch, of: id),
              resolved.path != id.relativePath, let commit = OID(hex: resolved.commit),
              (try? repository.file(at: repositoryPath(resolved.path, in: repository), inCommit: commit)) != nil else { return nil }
        return PromptID.fromRelativePath(resolved.path)
    }

    /// The error for a change to a prompt on a branch that holds it under an earlier id, or nil.
    func heldUnderFormerID(_ id: PromptID, branch: String) -> FolioError? {
        guard let former = formerID(of: id, onBranch: branch) else { return nil }
        let name = branch.hasPrefix(Self.variantPrefix) ? String(branch.dropFirst(Self.variantPrefix.count)) : branch
        return FolioError(.notFound, """
            \(branch) holds '\(id)' under its earlier id '\(former)' (the branch was made before the rename); change it there: \
            folio edit \(former) --variant \(name) (renders of \(id) on the variant and its experiments read it from there)
            """)
    }

    private func variantNames(repository: Repository) throws -> [String] {
        try gitCall { try repository.branches() }.map(\.shortName).filter { $0.hasPrefix(Self.variantPrefix) }
            .map { String($0.dropFirst(Self.variantPrefix.count)) }
    }

    /// Creates branch `variant/NAME` at a revision (default HEAD) and records the current branch as its base.
    public func createVariant(_ name: String, from revision: String? = nil) throws -> VariantInfo {
        guard (try? PromptID(name)) != nil, !name.contains("/") else {
            throw FolioError(.invalidInput, "invalid variant name '\(name)': use lowercase letters, digits, '-' and '_' (e.g. concise)")
        }
        let repository = try requireRepository()
        let branch = Self.variantPrefix + name
        if try gitCall({ try repository.reference(named: "refs/heads/\(branch)") }) != nil {
            throw FolioError(.conflict, "variant '\(name)' already exists (branch \(branch))")
        }
        let start: OID
        do {
            start = try repository.resolveCommit(revision ?? "HEAD")
        } catch let error as GitError where error.namesNoRevision {
            throw FolioError(.notFound, revision == nil ? "the repository has no commit yet to make a variant from"
                             : "no revision '\(revision!)'\(Suggestions.hint(for: revision!, in: (try? repository.branches().map(\.shortName)) ?? []))")
        }
        let base = try gitCall { try repository.head().branchName } ?? "HEAD"
        try gitCall("create branch \(branch)") {
            try repository.setReference("refs/heads/\(branch)", to: start, expecting: .absent, message: "folio: variant create \(name)")
            try repository.setConfigString("branch.\(branch).folioBase", base)
        }
        return try variant(name, repository: repository)
    }

    /// Deletes branch `variant/NAME` (and its recorded base). Refused while the branch is checked out, and while an
    /// experiment that is not closed names it (running, or stopped and not yet promoted), unless `force`.
    /// Nothing else changes: no commit, and the branch's commits stay in the repository until git prunes them.
    public func removeVariant(_ name: String, force: Bool = false) throws -> RemovedVariant {
        let repository = try requireRepository()
        let branch = name.hasPrefix(Self.variantPrefix) ? name : Self.variantPrefix + name
        let short = String(branch.dropFirst(Self.variantPrefix.count))
        guard let tip = try gitCall({ try repository.reference(named: "refs/heads/\(branch)") })?.target else {
            let known = try variantNames(repository: repository)
            throw FolioError(.notFound, "no variant '\(name)'\(Suggestions.hint(for: short, in: known)) (variants are the variant/* branches; see folio variant list)")
        }
        if try gitCall({ try repository.head().branchName }) == branch {
            throw FolioError(.conflict, "\(branch) is checked out; switch to another branch first (git switch main), then remove the variant")
        }
        let using = try experiments().filter { experiment in
            experiment.status != .closed && experiment.arms.contains { $0.name == short || $0.name == branch }
        }
        if !using.isEmpty, !force {
            let names = using.map { "\($0.name) (\($0.status.rawValue))" }.joined(separator: ", ")
            throw FolioError(.conflict, """
                variant '\(short)' is in \(using.count == 1 ? "an experiment" : "experiments") not closed: \(names); \
                promote a variant first (folio ab promote EXP VARIANT), or remove it anyway with --force
                """)
        }
        try gitCall("delete branch \(branch)") { try repository.deleteBranch(branch) }
        return RemovedVariant(name: short, branch: branch, tip: tip.hex, experiments: using.map(\.name))
    }

    /// The variants' names (`concise` for branch `variant/concise`), without reading what each changed.
    public func variantNames() throws -> [String] {
        try variantNames(repository: requireRepository())
    }

    /// Every variant, with the prompts it changed.
    public func variants() throws -> [VariantInfo] {
        let repository = try requireRepository()
        return try variantNames(repository: repository).map { try variant($0, repository: repository) }
    }

    private func variant(_ name: String, repository: Repository) throws -> VariantInfo {
        let branch = Self.variantPrefix + name
        let tip = try gitCall { try repository.resolveCommit("refs/heads/\(branch)") }
        let base = try baseBranch(of: branch, repository: repository)
        return VariantInfo(name: name, branch: branch, tip: tip.hex, base: base,
                           changed: try changedPrompts(on: branch, since: base, repository: repository).map(\.rawValue))
    }

    private func baseBranch(of branch: String, repository: Repository) throws -> String {
        if let recorded = try gitCall({ try repository.configString("branch.\(branch).folioBase") }),
           try gitCall({ try repository.reference(named: "refs/heads/\(recorded)") }) != nil {
            return recorded
        }
        return try gitCall { try repository.head().branchName } ?? "HEAD"
    }

    /// Prompts a branch changed since it left `base` (compared with their merge base).
    private func changedPrompts(on branch: String, since base: String, repository: Repository) throws -> [PromptID] {
        let tip = try gitCall { try repository.resolveCommit("refs/heads/\(branch)") }
        let baseTip = try gitCall { try repository.resolveCommit(base) }
        let fork = try gitCall { try repository.mergeBase(tip, baseTip) }
        let prefix = repositoryPrefix(in: repository)
        let deltas = try gitCall {
            try repository.changedFiles(from: try fork.map { try repository.commit($0).tree }, to: try repository.commit(tip).tree,
                                        under: prefix + "prompts")
        }
        return deltas.compactMap { delta in (delta.newPath ?? delta.oldPath).flatMap { PromptID.fromRelativePath(String($0.dropFirst(prefix.count))) } }
    }

    /// Semantic diffs of the prompts a variant changed (or of one prompt), from its base to the variant.
    public func variantDiff(_ name: String, prompt: PromptID? = nil) throws -> [PromptDiff] {
        let repository = try requireRepository()
        let branch = try requireVariantBranch(name, repository: repository)
        let base = try baseBranch(of: branch, repository: repository)
        let ids = try prompt.map { [$0] } ?? changedPrompts(on: branch, since: base, repository: repository)
        return try ids.map { id in
            let old = try? document(PromptReference(id: id, revision: base)).prompt
            let new = try? document(PromptReference(id: id, revision: branch)).prompt
            if prompt != nil, old == nil, new == nil { try requireKnown(id) }
            return PromptDiff.compare(old, new, from: base, to: branch)
        }
    }

    /// The reference to a prompt on a variant's branch.
    public func reference(_ id: PromptID, variant: String) throws -> PromptReference {
        PromptReference(id: id, revision: try requireVariantBranch(variant, repository: try requireRepository()))
    }
}
