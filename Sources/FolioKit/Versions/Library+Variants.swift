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
        } catch let error as GitError where error.code == .notFound || error.code == .invalidSpec || error.code == .unbornBranch {
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
            return PromptDiff.compare(old, new, from: base, to: branch)
        }
    }

    /// The reference to a prompt on a variant's branch.
    public func reference(_ id: PromptID, variant: String) throws -> PromptReference {
        PromptReference(id: id, revision: try requireVariantBranch(variant, repository: try requireRepository()))
    }
}
