import Foundation
internal import Git

/// Whether a label may point at a version: always for a label that is not protected; for a protected one, when
/// one of the prompt's owners approved that exact text for that label.
public struct LabelApprovalCheck: Sendable, Equatable, Codable {
    public let prompt: String
    public let label: String
    /// Whether folio.yaml protects the label.
    public let protected: Bool
    /// The commit the label would point at, and the prompt's text (blob) there.
    public let commit: String
    public let blob: String
    /// The version number of that commit on this branch, when it has one.
    public let version: Int?
    /// Who may approve: the owners of the version the label points at now (of the new version, for a new label).
    public let owners: [String]
    /// Approvals of this text for this label by an owner.
    public let approvals: [Approval]
    /// Approvals of this text for this label that do not count: their author is not an owner.
    public let notByOwners: [Approval]
    /// The command an owner runs to approve.
    public let command: String

    /// True when the label may point there.
    public var approved: Bool { !protected || !approvals.isEmpty }

    enum CodingKeys: String, CodingKey {
        case prompt, label, protected, commit, blob, version, owners, approvals, notByOwners, command, approved
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(prompt, forKey: .prompt)
        try container.encode(label, forKey: .label)
        try container.encode(protected, forKey: .protected)
        try container.encode(commit, forKey: .commit)
        try container.encode(blob, forKey: .blob)
        try container.encodeIfPresent(version, forKey: .version)
        try container.encode(owners, forKey: .owners)
        try container.encode(approvals, forKey: .approvals)
        try container.encode(notByOwners, forKey: .notByOwners)
        try container.encode(command, forKey: .command)
        try container.encode(approved, forKey: .approved)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        prompt = try container.decode(String.self, forKey: .prompt)
        label = try container.decode(String.self, forKey: .label)
        protected = try container.decode(Bool.self, forKey: .protected)
        commit = try container.decode(String.self, forKey: .commit)
        blob = try container.decode(String.self, forKey: .blob)
        version = try container.decodeIfPresent(Int.self, forKey: .version)
        owners = try container.decode([String].self, forKey: .owners)
        approvals = try container.decode([Approval].self, forKey: .approvals)
        notByOwners = try container.decode([Approval].self, forKey: .notByOwners)
        command = try container.decode(String.self, forKey: .command)
    }

    init(prompt: String, label: String, protected: Bool, commit: String, blob: String, version: Int?, owners: [String],
         approvals: [Approval], notByOwners: [Approval], command: String) {
        self.prompt = prompt
        self.label = label
        self.protected = protected
        self.commit = commit
        self.blob = blob
        self.version = version
        self.owners = owners
        self.approvals = approvals
        self.notByOwners = notByOwners
        self.command = command
    }
}

extension Library {
    // MARK: - Protected labels

    /// The labels folio.yaml protects: `labels: {production: {protected: true}}`.
    public func protectedLabels() throws -> Set<String> {
        try Self.protectedLabels(in: config)
    }

    static func protectedLabels(in config: LibraryConfig) throws -> Set<String> {
        guard let labels = config["labels"] else { return [] }
        guard let entries = labels.entries else {
            throw FolioError(.invalidInput, "folio.yaml: labels must be a mapping of label names to settings (labels: {production: {protected: true}})")
        }
        var protected: Set<String> = []
        for entry in entries {
            try checkLabelName(entry.key)
            guard let settings = entry.value.entries else {
                throw FolioError(.invalidInput, "folio.yaml: labels.\(entry.key) must be a mapping of settings (\(entry.key): {protected: true})")
            }
            for setting in settings {
                switch (setting.key, setting.value) {
                case ("protected", .bool(let value)): if value { protected.insert(entry.key) }
                case ("protected", _):
                    throw FolioError(.invalidInput, "folio.yaml: labels.\(entry.key).protected must be true or false")
                default:
                    throw FolioError(.invalidInput, "folio.yaml: labels.\(entry.key) has an unknown setting '\(setting.key)' (known: protected)")
                }
            }
        }
        return protected
    }

    /// The protected labels as folio.yaml says now in the work tree (a sync may just have changed it).
    func protectedLabelsOnDisk() throws -> Set<String> {
        let path = root + "/" + LibraryConfig.fileName
        guard let data = FileManager.default.contents(atPath: path) else { return try protectedLabels() }
        return try Self.protectedLabels(in: LibraryConfig.decode(String(decoding: data, as: UTF8.self), path: path))
    }

    // MARK: - Approving

    /// Records an approval of one exact version of a prompt (`ID@v3`; default its latest version) for a label, as the
    /// current git identity, who must be one of the owners whose approval counts for that label.
    @discardableResult
    public func approve(_ reference: PromptReference, label: String, note: String = "") throws -> Approval {
        try Self.checkLabelName(label)
        let note = try Self.checkCommentText(note, required: false)
        let version = try commentedVersion(reference)
        let check = try labelApproval(label, of: reference.id, commit: version.commit)
        let repository = try requireRepository()
        let identity = try gitCall { try repository.identity(environment: environment.variables, now: environment.now()) }
        if check.owners.isEmpty {
            throw Self.noOwners(reference.id, label: label)
        }
        guard check.owners.contains(where: { Self.identity(identity.author.name, identity.author.email, isOwner: $0) }) else {
            throw FolioError(.conflict, "you (\(identity.author.name) <\(identity.author.email)>) are not an owner of \(reference.id) (owners: \(check.owners.joined(separator: ", "))), so your approval would not count; ask one of them to run: \(check.command)")
        }
        if let existing = check.approvals.first(where: { $0.email.lowercased() == identity.author.email.lowercased() }) {
            return existing
        }
        let entry = try appendCommentEntry(kind: .approval, prompt: reference.id.rawValue, commit: version.commit, blob: version.blob,
                                           text: note, target: nil, label: label, subject: "approve \(reference.id)@\(version.name) for \(label)")
        var approval = Approval(entry)
        approval.version = check.version
        return approval
    }

    /// Whether `label` of a prompt may point at `commit`, and who approved or may approve it.
    public func labelApproval(_ label: String, of id: PromptID, commit: String) throws -> LabelApprovalCheck {
        try labelApproval(label, of: id, commit: commit, protected: protectedLabels(), current: labelTarget(label, of: id), entries: nil)
    }

    /// Whether `label` of a prompt may point at a revision (default: its latest version), as `folio label set` checks it.
    public func labelApproval(_ label: String, of id: PromptID, revision: String?) throws -> LabelApprovalCheck {
        try labelApproval(label, of: id, commit: commentedVersion(PromptReference(id: id, revision: revision)).commit)
    }

    /// The check with its inputs given: the protected labels, the commit the label points at now (whose owners
    /// decide), and the comment log's entries (this clone's when nil).
    func labelApproval(_ label: String, of id: PromptID, commit: String, protected: Set<String>, current: String?,
                       entries: [CommentEntry]?) throws -> LabelApprovalCheck {
        let repository = try requireRepository()
        let target = try resolve(commit, of: id)
        guard let oid = OID(hex: target.commit),
              let file = try gitCall({ try repository.file(at: repositoryPath(target.path, in: repository), inCommit: oid) }) else {
            throw FolioError(.notFound, "'\(id)' does not exist at \(commit.prefix(7))")
        }
        let blob = file.entry.oid.hex
        let versions = try history(of: id)
        let number = try version(at: target.commit, of: id, in: versions)?.number
        let revision = number.map { "v\($0)" } ?? String(target.commit.prefix(12))
        let command = "folio approve \(id)@\(revision) --label \(label)"
        // The owners of the version released now decide what replaces it (handing a prompt over needs the old
        // owner); a label set for the first time is decided by the owners of the version it gets.
        var owners: [String] = []
        if let current, let released = try? document(id, at: resolve(current, of: id)) { owners = released.prompt.owners }
        if owners.isEmpty { owners = (try? PromptCodec.decode(file.data, id: id, path: target.path).prompt.owners) ?? [] }
        let ids = try Set(knownIDs(of: id).map(\.rawValue))
        let matching = try (entries ?? commentEntries(repository)).filter {
            $0.kind == .approval && $0.label == label && $0.blob == blob && ids.contains($0.prompt)
        }.map { entry -> Approval in
            var approval = Approval(entry)
            approval.version = number
            return approval
        }
        let byOwners = matching.filter { approval in owners.contains { Self.identity(approval.author, approval.email, isOwner: $0) } }
        return LabelApprovalCheck(prompt: id.rawValue, label: label, protected: protected.contains(label), commit: target.commit, blob: blob, version: number,
                                  owners: owners, approvals: byOwners, notByOwners: matching.filter { !byOwners.contains($0) },
                                  command: command)
    }

    /// Refuses to point a protected label at a version no owner approved, saying who can approve and how.
    func requireApproval(_ label: String, of id: PromptID, commit: String) throws {
        let check = try labelApproval(label, of: id, commit: commit)
        guard !check.approved else { return }
        if check.owners.isEmpty { throw Self.noOwners(id, label: label) }
        let name = check.version.map { "v\($0)" } ?? String(check.commit.prefix(7))
        var message = "\(label) is a protected label (folio.yaml): moving \(id)@\(label) to \(name) needs an approval of \(name) by one of \(id)'s owners (\(check.owners.joined(separator: ", "))), and there is none"
        if !check.notByOwners.isEmpty {
            message += " (\(check.notByOwners.map { "\($0.author) <\($0.email)>" }.joined(separator: ", ")) approved it but \(check.notByOwners.count == 1 ? "is not an owner" : "are not owners"))"
        }
        let others = try discussion(of: id, includeResolved: true).approvals.filter { $0.label == label && $0.blob != check.blob }
        if !others.isEmpty {
            message += " (approvals of \(label) exist for \(Set(others.map { $0.version.map { "v\($0)" } ?? String($0.commit.prefix(7)) }).sorted().joined(separator: ", ")) only)"
        }
        throw FolioError(.conflict, message + "; an owner approves it with: \(check.command), then run this again")
    }

    static func noOwners(_ id: PromptID, label: String) -> FolioError {
        FolioError(.conflict, "\(label) is a protected label (folio.yaml) and \(id) names no owners, so nobody can approve moving it; name them first (folio edit \(id) --set 'owners=[\"@you\"]') and commit")
    }

    /// Whether a git identity is the owner a prompt names: an email compares with the email (case aside); `@handle`
    /// with the email's local part (GitHub's `123+handle@users.noreply.github.com` too) or the whole name. Teams
    /// (`@org/team`) cannot be resolved without the forge and match nobody.
    static func identity(_ name: String, _ email: String, isOwner owner: String) -> Bool {
        let owner = owner.trimmingCharacters(in: .whitespaces).lowercased()
        let email = email.lowercased()
        if !owner.hasPrefix("@") { return owner.contains("@") ? owner == email : owner == name.lowercased() }
        let handle = String(owner.dropFirst())
        guard !handle.isEmpty, !handle.contains("/") else { return false }
        var local = email.split(separator: "@").first.map(String.init) ?? ""
        if email.hasSuffix("@users.noreply.github.com"), let plus = local.firstIndex(of: "+") { local = String(local[local.index(after: plus)...]) }
        return handle == local || handle == name.lowercased()
    }
}
