import Foundation
internal import Git

/// A release label on a prompt (`production`, `staging`): a git ref pointing at the commit of a version.
public struct Label: Sendable, Equatable, Codable {
    public let prompt: String
    public let name: String
    public let commit: String
    /// The version number it points at on this branch, when it does.
    public let version: Int?
}

/// A label of a prompt, by names.
struct LabelKey: Hashable, Sendable {
    let prompt: String
    let label: String
}

/// One move of a label, as `folio label log` shows it.
public struct LabelMove: Sendable, Equatable, Codable {
    public let prompt: String
    public let label: String
    /// The commit it pointed at before (nil when it was created).
    public let from: String?
    /// The commit it points at now (nil when it was removed).
    public let to: String?
    public let user: String
    public let date: Date
    /// The prompt the label came from, when `folio mv` carried it here (with `from` nil).
    public var renamedFrom: String?
    /// The prompt `folio mv` carried the label to, when it left this one (with `to` nil).
    public var renamedTo: String?
}

extension Library {
    /// Labels are refs `refs/folio/labels/<id>.prompt/<label>`, so push and fetch carry them. The `.prompt`
    /// suffix keeps the labels of `review` apart from the prompt `review/security` (a ref cannot be both a
    /// file and a folder).
    static let labelPrefix = "refs/folio/labels/"
    /// Every move of every label, one commit each (empty tree, the move in the message), so the log travels too.
    static let labelLogRef = "refs/folio/label-log"

    static func labelRef(_ id: PromptID, _ label: String) -> String { "\(labelPrefix)\(id.rawValue).prompt/\(label)" }

    /// Checks a label name: lowercase letters, digits, `.`, `_`, `-`; not a version (`v3`) or `head`.
    static func checkLabelName(_ name: String) throws {
        let valid = name.first.map { $0.isASCII && ($0.isLowercase || $0.isNumber) } == true
            && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || "._-".contains($0)) }
            && !name.hasSuffix(".lock") && !name.contains("..")
        guard valid else {
            throw FolioError(.invalidInput, "invalid label '\(name)': use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit (e.g. production)")
        }
        if name == "head" || (name.first == "v" && Int(name.dropFirst()) != nil) {
            throw FolioError(.invalidInput, "'\(name)' cannot be a label: it reads as a version or HEAD; choose another name")
        }
    }

    /// The commit a label of this prompt points at, or nil.
    func labelTarget(_ name: String, of id: PromptID) throws -> String? {
        guard (try? Self.checkLabelName(name)) != nil else { return nil }
        let repository = try requireRepository()
        return try gitCall { try repository.reference(named: Self.labelRef(id, name))?.target?.hex }
    }

    /// Every label as (prompt id, label name) → the commit it points at: only the refs, no versions (cheap enough
    /// to read a few times a second, for the change feed).
    func labelTargets() throws -> [LabelKey: String] {
        let repository = try requireRepository()
        var targets: [LabelKey: String] = [:]
        for reference in try gitCall({ try repository.references(matching: "\(Self.labelPrefix)*") }) {
            let rest = reference.name.dropFirst(Self.labelPrefix.count)
            guard let split = rest.range(of: ".prompt/", options: .backwards), let target = reference.target else { continue }
            targets[LabelKey(prompt: String(rest[..<split.lowerBound]), label: String(rest[split.upperBound...]))] = target.hex
        }
        return targets
    }

    /// Labels of one prompt (not found when the id names no prompt), or of all prompts, with the version each points at.
    public func labels(of id: PromptID? = nil) throws -> [Label] {
        let repository = try requireRepository()
        let glob = id.map { "\(Self.labelPrefix)\($0.rawValue).prompt/*" } ?? "\(Self.labelPrefix)*"
        var labels: [Label] = []
        var versionsByPrompt: [String: [Version]] = [:]
        for reference in try gitCall({ try repository.references(matching: glob) }) {
            let rest = reference.name.dropFirst(Self.labelPrefix.count)
            guard let split = rest.range(of: ".prompt/", options: .backwards), let target = reference.target,
                  let prompt = try? PromptID(String(rest[..<split.lowerBound])) else { continue }
            let name = String(rest[split.upperBound...])
            if versionsByPrompt[prompt.rawValue] == nil {
                versionsByPrompt[prompt.rawValue] = (try? index().versions(ofPath: prompt.relativePath)) ?? []
            }
            let version = try version(at: target.hex, of: prompt, in: versionsByPrompt[prompt.rawValue] ?? [])
            labels.append(Label(prompt: prompt.rawValue, name: name, commit: target.hex, version: version?.number))
        }
        if let id, labels.isEmpty { try requireKnown(id) }
        return labels.sorted { ($0.prompt, $0.name) < ($1.prompt, $1.name) }
    }

    /// Points a label at a revision of a prompt (default: its latest version) and logs the move.
    @discardableResult
    public func setLabel(_ name: String, on id: PromptID, to revision: String? = nil) throws -> LabelMove {
        try Self.checkLabelName(name)
        let target: ResolvedRevision
        if let revision {
            target = try resolve(revision, of: id)
        } else {
            guard let latest = try history(of: id).last else {
                throw FolioError(.notFound, "'\(id)' has no committed version to label; commit it first")
            }
            target = ResolvedRevision(commit: latest.commit, path: latest.path, label: latest.name)
        }
        // A protected label moves only to a version one of the prompt's owners approved for it.
        if try protectedLabels().contains(name), try labelTarget(name, of: id) != target.commit {
            try requireApproval(name, of: id, commit: target.commit)
        }
        return try moveLabel(name, of: id, to: target.commit)
    }

    /// Removes a label and logs it.
    @discardableResult
    public func removeLabel(_ name: String, from id: PromptID) throws -> LabelMove {
        try Self.checkLabelName(name)
        guard try labelTarget(name, of: id) != nil else {
            let known = try labels(of: id).map(\.name)
            throw FolioError(.notFound, "'\(id)' has no label '\(name)'\(Suggestions.hint(for: name, in: known))")
        }
        if try protectedLabels().contains(name) {
            throw FolioError(.conflict, "\(name) is a protected label (folio.yaml), so \(id)@\(name) is not removed by hand: point it at an approved version instead (folio label set \(id) \(name) REV), or take protected off \(name) in folio.yaml first")
        }
        return try moveLabel(name, of: id, to: nil)
    }

    /// Moves a label under the write lock, so two moves at once are both logged, in order, and neither is lost.
    private func moveLabel(_ name: String, of id: PromptID, to target: String?) throws -> LabelMove {
        try withWriteLock { repository in try moveLabel(name, of: id, to: target, repository: repository) }
    }

    /// Moves a label (the caller holds the write lock) and logs it; `renamedFrom`/`renamedTo` log a move `folio mv`
    /// made, and a label it carries must not be there yet.
    private func moveLabel(_ name: String, of id: PromptID, to target: String?, repository: Repository,
                           renamedFrom: PromptID? = nil, renamedTo: PromptID? = nil) throws -> LabelMove {
        let identity = try gitCall { try repository.identity(environment: environment.variables, now: environment.now()) }
        let ref = Self.labelRef(id, name)
        let current = try gitCall { try repository.reference(named: ref)?.target }
        if current?.hex == target {
            return LabelMove(prompt: id.rawValue, label: name, from: target, to: target,
                             user: "\(identity.author.name) <\(identity.author.email)>", date: identity.author.date)
        }
        if renamedFrom != nil, let current {
            throw FolioError(.conflict, "\(id)@\(name) already points at \(current.short)")
        }
        let move = LabelMove(prompt: id.rawValue, label: name, from: current?.hex, to: target,
                             user: "\(identity.author.name) <\(identity.author.email)>", date: identity.author.date,
                             renamedFrom: renamedFrom?.rawValue, renamedTo: renamedTo?.rawValue)
        try gitCall("move label \(name) of \(id)") {
            if let target, let oid = OID(hex: target) {
                try repository.setReference(ref, to: oid, expecting: current.map { .value($0) } ?? .absent,
                                            message: "folio: label \(id) \(name)")
            } else {
                try repository.deleteReference(ref)
            }
            do {
                try appendLabelLog(move, repository: repository, identity: identity)
            } catch {
                // Put the label back: a move that is not logged is not made.
                if let current {
                    try? repository.setReference(ref, to: current, expecting: .any, message: "folio: undo label \(id) \(name)")
                } else {
                    try? repository.deleteReference(ref)
                }
                throw error
            }
        }
        return move
    }

    // MARK: - Renames

    /// The labels of a prompt as refs: name and target.
    private func labelRefs(of id: PromptID, repository: Repository) throws -> [(name: String, target: OID)] {
        let prefix = "\(Self.labelPrefix)\(id.rawValue).prompt/"
        return try gitCall { try repository.references(matching: prefix + "*") }.compactMap { reference in
            reference.target.map { (String(reference.name.dropFirst(prefix.count)), $0) }
        }.sorted { $0.name < $1.name }
    }

    /// Refuses a rename onto an id that still has a label of the same name as one the prompt carries (left there by a
    /// removed prompt of that id): carrying it would take that label's place.
    func checkLabelsCanFollow(from old: PromptID, to new: PromptID) throws {
        guard let repository = try repository else { return }
        let carried = Set(try labelRefs(of: old, repository: repository).map(\.name))
        let taken = try labelRefs(of: new, repository: repository).filter { carried.contains($0.name) }
        guard !taken.isEmpty else { return }
        throw FolioError(.conflict, """
            '\(new)' still has \(taken.map { "\(new)@\($0.name) (\($0.target.short))" }.joined(separator: ", ")) from an earlier \
            prompt of that id, and '\(old)' would carry \(taken.count == 1 ? "a label" : "labels") of the same name there; nothing \
            was changed. Remove \(taken.count == 1 ? "it" : "them") first (the label log keeps \(taken.count == 1 ? "it" : "them")): \
            \(taken.map { "folio label rm \(new) \($0.name)" }.joined(separator: "; ")), or choose another id
            """)
    }

    /// Carries a renamed prompt's labels to its new id, after the rename's commit and under the same lock; each
    /// move is logged on both ids (`Folio-Renamed-From`/`-To`), so `label log NEW` shows where they came from and
    /// sync carries them. Not committed, the labels stay (the commits they point at hold the old id). Returns
    /// warnings: the rename is made whatever happens here.
    func carryLabels(from old: PromptID, to new: PromptID, repository: Repository?, commit: String?) -> [String] {
        guard let repository else { return [] }
        let labels: [(name: String, target: OID)]
        do {
            labels = try labelRefs(of: old, repository: repository)
        } catch {
            return ["could not read the labels of '\(old)' to carry them to '\(new)': \(error); see folio label list \(old)"]
        }
        guard !labels.isEmpty else { return [] }
        let carry = { (labels: [(name: String, target: OID)]) in
            labels.map { "folio label set \(new) \($0.name) \($0.target.short) && folio label rm \(old) \($0.name)" }.joined(separator: "; ")
        }
        guard commit != nil else {
            return ["the labels of '\(old)' (\(labels.map(\.name).joined(separator: ", "))) stay on it, as the rename is not committed; once it is, carry them with: \(carry(labels))"]
        }
        var left: [(name: String, target: OID)] = []
        var reasons: [String] = []
        for label in labels {
            do {
                _ = try moveLabel(label.name, of: new, to: label.target.hex, repository: repository, renamedFrom: old)
                _ = try moveLabel(label.name, of: old, to: nil, repository: repository, renamedTo: new)
            } catch {
                left.append(label)
                reasons.append("\(error)")
            }
        }
        guard !left.isEmpty else { return [] }
        return ["the rename is committed, but \(left.map(\.name).joined(separator: ", ")) could not be carried to '\(new)' (\(reasons.joined(separator: "; "))); carry them with: \(carry(left))"]
    }

    func appendLabelLog(_ move: LabelMove, repository: Repository, identity: Identity) throws {
        let emptyTree = try repository.writeTree(applying: [], to: nil)
        let short = { (commit: String?) in commit.map { String($0.prefix(7)) } ?? "none" }
        let message = """
            folio: label \(move.prompt) \(move.label) \(short(move.from)) -> \(short(move.to))

            Folio-Prompt: \(move.prompt)
            Folio-Label: \(move.label)
            Folio-From: \(move.from ?? "none")
            Folio-To: \(move.to ?? "none")
            \(move.renamedFrom.map { "Folio-Renamed-From: \($0)\n" } ?? "")\(move.renamedTo.map { "Folio-Renamed-To: \($0)\n" } ?? "")
            """
        // Compare-and-swap, retried: another process may log a move at the same moment.
        for attempt in 1...5 {
            let tip = try repository.reference(named: Self.labelLogRef)?.target
            let entry = try repository.writeCommit(tree: emptyTree, parents: tip.map { [$0] } ?? [], identity: identity, message: message)
            do {
                try repository.setReference(Self.labelLogRef, to: entry, expecting: tip.map { .value($0) } ?? .absent,
                                            message: "folio: label log")
                return
            } catch let error as GitError where error.code == .modified && attempt < 5 {
                continue
            }
        }
        throw GitError(code: .modified, operation: "log the label move", message: "the label log kept moving (another clone's sync?)")
    }

    /// Every logged move of the labels of one prompt (or of all prompts), oldest first. A prompt's log follows its
    /// renames: the moves of the labels `folio mv` carried to it, made under its earlier ids, come first.
    public func labelLog(of id: PromptID? = nil) throws -> [LabelMove] {
        let moves = try labelMoves(requireRepository(), from: Self.labelLogRef)
        guard let id else { return moves }
        // Prompt → the log position its moves count before (an earlier id's moves count until the rename).
        var until = [id.rawValue: moves.count]
        var kept: [LabelMove] = []
        for (index, move) in moves.enumerated().reversed() {
            guard let limit = until[move.prompt], index < limit else { continue }
            // A label leaving an earlier id is the other half of its arrival here, which is shown.
            if let to = move.renamedTo, until[to] != nil, move.prompt != id.rawValue { continue }
            kept.append(move)
            if let from = move.renamedFrom { until[from] = index }
        }
        if kept.isEmpty { try requireKnown(id) }
        return kept.reversed()
    }

    /// The moves logged in the label log at `ref` (this clone's, or a remote's as last fetched), oldest first.
    /// After a sync joined two logs, moves are in time order, each side's moves in the order they were made.
    func labelMoves(_ repository: Repository, from ref: String) throws -> [LabelMove] {
        guard let tip = try gitCall({ try repository.reference(named: ref)?.target }) else { return [] }
        var moves: [LabelMove] = []
        var merged = false
        try gitCall {
            // Topological order keeps moves made in the same second in order.
            try repository.walkCommits(from: tip, topological: true) { oid in
                let commit = try repository.commit(oid)
                if commit.parents.count > 1 { merged = true }
                var fields: [String: String] = [:]
                for line in commit.message.split(separator: "\n") {
                    guard let colon = line.firstIndex(of: ":"), line.hasPrefix("Folio-") else { continue }
                    fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                guard let prompt = fields["Folio-Prompt"], let label = fields["Folio-Label"] else { return true }
                moves.append(LabelMove(prompt: prompt, label: label,
                                       from: fields["Folio-From"].flatMap { $0 == "none" ? nil : $0 },
                                       to: fields["Folio-To"].flatMap { $0 == "none" ? nil : $0 },
                                       user: "\(commit.author.name) <\(commit.author.email)>", date: commit.author.date,
                                       renamedFrom: fields["Folio-Renamed-From"], renamedTo: fields["Folio-Renamed-To"]))
                return true
            }
        }
        moves.reverse()
        guard merged else { return moves }
        // Stable: equal times keep their topological order.
        return moves.enumerated().sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element)
    }
}
