import Foundation
internal import Git

/// What a range of commits (a pull request) changes in a library's prompts, for reviewers.
public struct Review: Sendable, Encodable {
    /// One side of the range.
    public struct Side: Sendable, Codable {
        /// As the user named it (`origin/main`, `HEAD`).
        public let name: String
        public let commit: String
    }

    /// One prompt the range touches.
    public struct PromptChange: Sendable, Encodable {
        public enum Kind: String, Sendable, Codable {
            case added, removed, renamed, modified
        }

        public let kind: Kind
        /// The id at the head (at the base, for a removed prompt).
        public let id: String
        /// The id at the base, for a renamed prompt.
        public let oldID: String?
        /// The file at the head (at the base, for a removed prompt), relative to the repository.
        public let path: String
        public let title: String?
        public let owners: [String]
        /// Fields, variables, body and tokens; nil when a side could not be read as a prompt.
        public let diff: PromptDiff?
        /// Why the diff is missing (the file does not parse); its lint findings say more.
        public let unreadable: String?
        /// Lint findings on the file at the head.
        public let findings: [LintFinding]
        /// Labels on the prompt (under its old id too, for a rename): they keep pointing at their commits.
        public let labels: [Label]
        /// Experiments at the head that name the prompt (or its old id, which then needs updating).
        public let experiments: [String]
        /// Experiments that still name the old id of a renamed prompt.
        public let staleExperiments: [String]
        /// Prompts at the head that still include this prompt's old id (removed or renamed): they no longer render.
        public let includedBy: [String]
        /// For each protected label on the prompt: whether an owner approved the head's version for it (so the label
        /// can move there after merging), who did, or who can.
        public var protectedLabels: [LabelApprovalCheck] = []

        /// Why callers break, per variable, when they do.
        public var breakingChanges: [String] {
            var reasons = (diff?.variables ?? []).compactMap { change in change.breaking.map { "`\(change.name)`: \($0)" } }
            if kind == .removed { reasons.append("the prompt is removed: callers that use `\(id)` fail") }
            if kind == .renamed, let oldID { reasons.append("renamed from `\(oldID)`: callers that use the old id fail") }
            if !includedBy.isEmpty {
                reasons.append("still included as `{{> \(oldID ?? id)}}` by \(includedBy.map { "`\($0)`" }.joined(separator: ", ")), which no longer render")
            }
            return reasons
        }

        enum CodingKeys: String, CodingKey {
            case kind, id, path, title, owners, diff, unreadable, findings, labels, experiments
            case oldID = "old_id"
            case staleExperiments = "stale_experiments"
            case includedBy = "included_by"
            case breakingChanges = "breaking_changes"
            case protectedLabels = "protected_labels"
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(kind, forKey: .kind)
            try container.encode(id, forKey: .id)
            try container.encodeIfPresent(oldID, forKey: .oldID)
            try container.encode(path, forKey: .path)
            try container.encodeIfPresent(title, forKey: .title)
            try container.encode(owners, forKey: .owners)
            try container.encodeIfPresent(diff, forKey: .diff)
            try container.encodeIfPresent(unreadable, forKey: .unreadable)
            try container.encode(findings, forKey: .findings)
            try container.encode(labels, forKey: .labels)
            try container.encode(experiments, forKey: .experiments)
            try container.encode(staleExperiments, forKey: .staleExperiments)
            try container.encode(includedBy, forKey: .includedBy)
            try container.encode(breakingChanges, forKey: .breakingChanges)
            try container.encode(protectedLabels, forKey: .protectedLabels)
        }
    }

    public let base: Side
    public let head: Side
    /// True for `BASE...HEAD`: the base is where the head branched off, so changes made on the base since
    /// do not show.
    public let fromMergeBase: Bool
    public let prompts: [PromptChange]

    public var added: Int { prompts.filter { $0.kind == .added }.count }
    public var removed: Int { prompts.filter { $0.kind == .removed }.count }
    public var renamed: Int { prompts.filter { $0.kind == .renamed }.count }
    public var modified: Int { prompts.filter { $0.kind == .modified }.count }
    public var breaking: Int { prompts.map(\.breakingChanges.count).reduce(0, +) }
    /// Everyone whose approval the change needs: the owners of every changed prompt, as CODEOWNERS names them.
    public var approvers: [String] { Array(Set(prompts.flatMap(\.owners).map(Library.codeownersName))).sorted() }
    public var errors: Int { prompts.flatMap(\.findings).filter { $0.severity == .error }.count }
    public var warnings: Int { prompts.flatMap(\.findings).filter { $0.severity == .warning }.count }
    /// Estimated tokens after minus before, over every changed prompt.
    /// Protected labels whose move to a changed prompt's new version no owner approved yet.
    public var missingApprovals: Int { prompts.flatMap(\.protectedLabels).filter { !$0.approved }.count }
    public var tokenChange: Int {
        prompts.compactMap(\.diff).map { $0.newTokens - $0.oldTokens }.reduce(0, +)
    }

    enum CodingKeys: String, CodingKey {
        case base, head, prompts, added, removed, renamed, modified, breaking, errors, warnings, approvers
        case fromMergeBase = "from_merge_base"
        case tokenChange = "token_change"
        case missingApprovals = "missing_approvals"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(base, forKey: .base)
        try container.encode(head, forKey: .head)
        try container.encode(fromMergeBase, forKey: .fromMergeBase)
        try container.encode(added, forKey: .added)
        try container.encode(removed, forKey: .removed)
        try container.encode(renamed, forKey: .renamed)
        try container.encode(modified, forKey: .modified)
        try container.encode(breaking, forKey: .breaking)
        try container.encode(errors, forKey: .errors)
        try container.encode(warnings, forKey: .warnings)
        try container.encode(tokenChange, forKey: .tokenChange)
        try container.encode(approvers, forKey: .approvers)
        try container.encode(missingApprovals, forKey: .missingApprovals)
        try container.encode(prompts, forKey: .prompts)
    }
}

extension Library {
    /// The default branch a review compares with when no range is given.
    static let defaultBaseCandidates = ["origin/HEAD", "origin/main", "origin/master", "main", "master"]

    /// Reviews a range: `BASE..HEAD` (the two commits' trees), `BASE...HEAD` or `BASE` (from where HEAD branched
    /// off BASE, as a pull request shows it), or nothing (the default branch...HEAD).
    public func review(_ range: String?) throws -> Review {
        let repository = try requireRepository()
        let (baseName, headName, useMergeBase) = try Self.parseRange(range, repository: repository)
        func commit(_ name: String) throws -> OID {
            do {
                return try repository.resolveCommit(name)
            } catch {
                throw FolioError(.notFound, "no commit '\(name)' in this repository; name a branch, tag or commit (e.g. origin/main...HEAD)")
            }
        }
        let headCommit = try commit(headName)
        var baseCommit = try commit(baseName)
        if useMergeBase {
            guard let mergeBase = try gitCall({ try repository.mergeBase(baseCommit, headCommit) }) else {
                throw FolioError(.invalidInput, "\(baseName) and \(headName) have no common history; compare the two trees with \(baseName)..\(headName)")
            }
            baseCommit = mergeBase
        }
        let baseTree = try gitCall { try repository.commit(baseCommit).tree }
        let headTree = try gitCall { try repository.commit(headCommit).tree }
        let prefix = repositoryPrefix(in: repository)
        let deltas = try gitCall("compare \(baseName) with \(headName)") {
            try repository.diff(from: baseTree, to: headTree, under: prefix + "prompts", detectRenames: true)
        }
        .filter { ($0.newPath ?? $0.oldPath ?? "").hasSuffix(PromptID.fileSuffix) || ($0.oldPath ?? "").hasSuffix(PromptID.fileSuffix) }

        let changedAtHead = deltas.compactMap { $0.newPath.map { String($0.dropFirst(prefix.count)) } }
        let lint = try lint(changed: changedAtHead, atCommit: headCommit)
        let findingsByFile = Dictionary(grouping: lint.findings, by: \.relativePath)
        let allLabels = (try? labels()) ?? []
        let experiments = experiments(inTree: headTree, repository: repository, prefix: prefix)

        let goneIDs = Set(deltas.compactMap { delta -> String? in
            guard delta.status == .deleted || delta.status == .renamed, let path = delta.oldPath else { return nil }
            return PromptID.fromRelativePath(String(path.dropFirst(prefix.count)))?.rawValue
        })
        let includers = goneIDs.isEmpty ? [:] : includers(of: goneIDs, inTree: headTree, repository: repository, prefix: prefix)

        let baseLabel = baseName, headLabel = headName
        let prompts: [Review.PromptChange] = try deltas.map { delta in
            let oldRelative = delta.oldPath.map { String($0.dropFirst(prefix.count)) }
            let newRelative = delta.newPath.map { String($0.dropFirst(prefix.count)) }
            let oldID = oldRelative.flatMap(PromptID.fromRelativePath)
            let newID = newRelative.flatMap(PromptID.fromRelativePath)
            var problems: [String] = []
            func read(_ blob: OID?, _ id: PromptID?, _ path: String?, _ side: String) -> Prompt? {
                guard let blob, let id, let path else { return nil }
                do {
                    let data = try repository.blob(blob)
                    return try PromptCodec.decode(data, id: id, path: "\(path)@\(side)").prompt
                } catch {
                    problems.append("\(error)")
                    return nil
                }
            }
            let old = read(delta.oldBlob, oldID, oldRelative, baseLabel)
            let new = read(delta.newBlob, newID, newRelative, headLabel)
            let kind: Review.PromptChange.Kind
            switch delta.status {
            case .added: kind = .added
            case .deleted: kind = .removed
            case .renamed: kind = oldID == newID ? .modified : .renamed
            default: kind = .modified
            }
            let readable = problems.isEmpty
            let id = (newID ?? oldID)?.rawValue ?? (delta.newPath ?? delta.oldPath ?? "")
            let ids = Set([newID?.rawValue, oldID?.rawValue].compactMap { $0 })
            let prompt = new ?? old
            return Review.PromptChange(
                kind: kind, id: id, oldID: kind == .renamed ? oldID?.rawValue : nil,
                path: delta.newPath ?? delta.oldPath ?? "", title: prompt?.title,
                // Owners before and after: removing yourself as owner still needs your approval.
                owners: ((new?.owners ?? []) + (old?.owners ?? [])).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } },
                diff: readable ? PromptDiff.compare(old, new, from: baseLabel, to: headLabel) : nil,
                unreadable: readable ? nil : problems.joined(separator: "; "),
                findings: newRelative.flatMap { findingsByFile[$0] } ?? [],
                labels: allLabels.filter { ids.contains($0.prompt) },
                experiments: experiments.filter { newID != nil && $0.prompt == newID?.rawValue }.map(\.name),
                staleExperiments: kind == .renamed || kind == .removed
                    ? experiments.filter { $0.prompt == oldID?.rawValue && $0.status == "running" }.map(\.name) : [],
                includedBy: kind == .renamed || kind == .removed ? (oldID.flatMap { includers[$0.rawValue] } ?? []) : [])
        }
        .sorted { ($0.kind.order, $0.id) < ($1.kind.order, $1.id) }
        .map { change in try withProtectedLabels(change, head: headCommit.hex) }
        return Review(base: .init(name: baseName, commit: baseCommit.hex), head: .init(name: headName, commit: headCommit.hex),
                      fromMergeBase: useMergeBase, prompts: prompts)
    }

    /// A change with, for each protected label on its prompt, whether an owner approved the head's version for it.
    private func withProtectedLabels(_ change: Review.PromptChange, head: String) throws -> Review.PromptChange {
        let protected = try protectedLabels()
        guard change.kind != .removed, !protected.isEmpty, let id = try? PromptID(change.id) else { return change }
        var change = change
        let entries = try commentEntries(requireRepository())
        for label in change.labels where protected.contains(label.name) && !change.protectedLabels.contains(where: { $0.label == label.name }) {
            change.protectedLabels.append(try labelApproval(label.name, of: id, commit: head, protected: protected, current: label.commit,
                                                            entries: entries))
        }
        return change
    }

    /// `A..B`, `A...B`, `A` (A...HEAD) or nil (the default branch...HEAD).
    static func parseRange(_ range: String?, repository: Repository) throws -> (base: String, head: String, mergeBase: Bool) {
        guard let range, !range.isEmpty else {
            for candidate in defaultBaseCandidates where (try? repository.resolveCommit(candidate)) != nil {
                return (candidate, "HEAD", true)
            }
            throw FolioError(.invalidInput, "no default branch to compare with (origin/HEAD, main or master); give a range, e.g. folio review origin/main...HEAD")
        }
        if let dots = range.range(of: "...") {
            let base = String(range[..<dots.lowerBound]), head = String(range[dots.upperBound...])
            return (base.isEmpty ? "HEAD" : base, head.isEmpty ? "HEAD" : head, true)
        }
        if let dots = range.range(of: "..") {
            let base = String(range[..<dots.lowerBound]), head = String(range[dots.upperBound...])
            return (base.isEmpty ? "HEAD" : base, head.isEmpty ? "HEAD" : head, false)
        }
        return (range, "HEAD", true)
    }

    /// For each of `ids`, the prompts in a commit that include it (`{{> id}}`), sorted.
    private func includers(of ids: Set<String>, inTree tree: OID, repository: Repository, prefix: String) -> [String: [String]] {
        guard let entries = try? repository.entries(inTree: tree, under: prefix + "prompts", recursive: true) else { return [:] }
        var found: [String: [String]] = [:]
        let marker = Data("{{>".utf8)
        for entry in entries where entry.kind == .blob && entry.path.hasSuffix(PromptID.fileSuffix) {
            // Most prompts include nothing: look for the tag's bytes before scanning the template.
            guard let data = try? repository.blob(entry.oid), data.range(of: marker) != nil,
                  let text = String(data: data, encoding: .utf8),
                  let includer = PromptID.fromRelativePath(String(entry.path.dropFirst(prefix.count)))
            else { continue }
            for name in Set(TemplateScanner.scan(text).includes) where ids.contains(name) {
                found[name, default: []].append(includer.rawValue)
            }
        }
        return found.mapValues { $0.sorted() }
    }

    /// The experiments in a commit's `experiments/` folder: name, prompt and status (unreadable ones skipped).
    private func experiments(inTree tree: OID, repository: Repository, prefix: String) -> [(name: String, prompt: String, status: String)] {
        guard let entries = try? repository.entries(inTree: tree, under: prefix + "experiments", recursive: false) else { return [] }
        return entries.compactMap { entry in
            guard entry.name.hasSuffix(".yaml"), let data = try? repository.blob(entry.oid) else { return nil }
            let name = String(entry.name.dropLast(".yaml".count))
            guard let experiment = try? Experiment.decode(data, name: name, path: entry.path) else { return nil }
            return (name, experiment.prompt.rawValue, experiment.status.rawValue)
        }
    }
}

extension Review.PromptChange.Kind {
    /// Reports list removals and renames first: they are what breaks callers.
    var order: Int {
        switch self {
        case .removed: return 0
        case .renamed: return 1
        case .modified: return 2
        case .added: return 3
        }
    }
}
