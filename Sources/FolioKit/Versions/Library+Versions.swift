import Foundation
internal import Git

/// `ID` or `ID@REV`: a prompt, optionally at a revision (`v3`, a label, a branch, a tag, a sha, `HEAD~2`).
public struct PromptReference: Sendable, Equatable, CustomStringConvertible {
    public let id: PromptID
    public let revision: String?

    public init(id: PromptID, revision: String? = nil) {
        self.id = id
        self.revision = revision
    }

    /// Parses `review/security@v3`. Ids cannot contain `@`, so the first one separates.
    public init(parsing text: String) throws {
        guard let at = text.firstIndex(of: "@") else {
            self.init(id: try PromptID(text))
            return
        }
        let revision = String(text[text.index(after: at)...])
        guard !revision.isEmpty else {
            throw FolioError(.invalidInput, "'\(text)' ends with '@': write ID@v3, ID@production, ID@main or ID@HEAD~2")
        }
        self.init(id: try PromptID(String(text[..<at])), revision: revision)
    }

    public var description: String { revision.map { "\(id)@\($0)" } ?? id.rawValue }
}

/// Where a revision of a prompt was found.
public struct ResolvedRevision: Sendable, Equatable {
    /// The commit (hex).
    public let commit: String
    /// The prompt file's path (relative to the library) in that commit.
    public let path: String
    /// How to name it to a person: `v3`, `production (v7)`, `main`.
    public let label: String
}

extension Library {
    // MARK: - History

    /// A prompt's versions (the commits on this branch's first-parent history that changed its file, following
    /// renames), oldest first, with the labels that point at each; not found when the id names no prompt.
    public func history(of id: PromptID) throws -> [Version] {
        var versions = try index().versions(ofPath: id.relativePath)
        guard !versions.isEmpty else {
            try requireKnown(id)
            return []
        }
        for label in try labels(of: id) {
            if let number = label.version { versions[number - 1].labels.append(label.name) }
        }
        return versions
    }

    /// The version a commit holds of a prompt: the newest version at or before it on this branch, or the version
    /// with the same content when the commit is elsewhere.
    func version(at commit: String, of id: PromptID, in versions: [Version]) throws -> Version? {
        if let exact = versions.last(where: { $0.commit == commit }) { return exact }
        let index = try self.index()
        if let position = try index.chainPosition(of: commit) {
            var best: Version?
            for version in versions {
                guard let at = try index.chainPosition(of: version.commit), at <= position else { break }
                best = version
            }
            return best
        }
        let repository = try requireRepository()
        guard let oid = OID(hex: commit),
              let file = try gitCall({ try repository.file(at: repositoryPath(id.relativePath, in: repository), inCommit: oid) })
        else { return nil }
        return versions.last { $0.blob == file.entry.oid.hex }
    }

    // MARK: - Revisions

    /// Finds a prompt at a revision: `vN` (its versions), a label, or any git revision (branch, tag, sha, HEAD~2).
    public func resolve(_ revision: String, of id: PromptID) throws -> ResolvedRevision {
        let repository = try requireRepository()
        if revision.first == "v", let number = Int(revision.dropFirst()), number > 0 {
            let versions = try history(of: id)
            guard number <= versions.count else {
                throw FolioError(.notFound, versions.isEmpty
                    ? "'\(id)' has no committed versions yet"
                    : "'\(id)' has versions v1 to v\(versions.count); there is no \(revision)")
            }
            let version = versions[number - 1]
            return ResolvedRevision(commit: version.commit, path: version.path, label: version.name)
        }
        if let target = try labelTarget(revision, of: id) {
            let versions = try history(of: id)
            let number = try version(at: target, of: id, in: versions)?.name
            return ResolvedRevision(commit: target, path: try pathOf(id, at: target, repository: repository),
                                    label: number.map { "\(revision) (\($0))" } ?? revision)
        }
        let commit: OID
        do {
            commit = try repository.resolveCommit(revision)
        } catch let error as GitError where error.namesNoRevision {
            throw FolioError(.notFound, "no revision '\(revision)' for '\(id)'\(try revisionHint(revision, of: id, repository: repository))")
        }
        return ResolvedRevision(commit: commit.hex, path: try pathOf(id, at: commit.hex, repository: repository), label: revision)
    }

    /// The prompt's path at a commit: its path now, or the path of the version that commit holds, or (a commit off
    /// this branch made before a rename, such as a variant's branch) the newest path it had that the commit holds.
    private func pathOf(_ id: PromptID, at commit: String, repository: Repository) throws -> String {
        guard let oid = OID(hex: commit) else { return id.relativePath }
        if try gitCall({ try repository.file(at: repositoryPath(id.relativePath, in: repository), inCommit: oid) }) != nil {
            return id.relativePath
        }
        let versions = try history(of: id)
        if let version = try version(at: commit, of: id, in: versions) { return version.path }
        var tried: Set<String> = [id.relativePath]
        for version in versions.reversed() where tried.insert(version.path).inserted {
            if try gitCall({ try repository.file(at: repositoryPath(version.path, in: repository), inCommit: oid) }) != nil { return version.path }
        }
        throw FolioError(.notFound, "'\(id)' does not exist at \(oid.short)\(versions.isEmpty ? "" : "; its versions are v1 to v\(versions.count)")")
    }

    /// " (did you mean …?)" over the revisions there are: versions, labels, branches, tags.
    private func revisionHint(_ revision: String, of id: PromptID, repository: Repository) throws -> String {
        var names = (try? history(of: id))?.map(\.name) ?? []
        names += (try? labels(of: id))?.map(\.name) ?? []
        names += (try? repository.branches().map(\.shortName)) ?? []
        names += (try? repository.tags().map(\.name)) ?? []
        return Suggestions.hint(for: revision, in: names)
    }

    /// A prompt's file at a revision, parsed. Without a revision, the work tree's.
    public func document(_ reference: PromptReference) throws -> PromptDocument {
        guard let revision = reference.revision else { return try document(reference.id) }
        let resolved = try resolve(revision, of: reference.id)
        return try document(reference.id, at: resolved)
    }

    func document(_ id: PromptID, at resolved: ResolvedRevision) throws -> PromptDocument {
        let repository = try requireRepository()
        guard let commit = OID(hex: resolved.commit),
              let file = try gitCall({ try repository.file(at: repositoryPath(resolved.path, in: repository), inCommit: commit) })
        else {
            throw FolioError(.notFound, "'\(id)' does not exist at \(resolved.label)")
        }
        return try PromptCodec.decode(file.data, id: id, path: "\(resolved.path)@\(resolved.label)")
    }

    /// The raw bytes of a prompt's file at a revision (the work tree's without one).
    public func rawFile(_ reference: PromptReference) throws -> Data {
        guard let revision = reference.revision else { return try rawFile(reference.id) }
        let resolved = try resolve(revision, of: reference.id)
        let repository = try requireRepository()
        guard let commit = OID(hex: resolved.commit),
              let file = try gitCall({ try repository.file(at: repositoryPath(resolved.path, in: repository), inCommit: commit) })
        else { throw FolioError(.notFound, "'\(reference.id)' does not exist at \(resolved.label)") }
        return file.data
    }

    /// Renders a prompt at a revision; its includes are read from the same commit.
    public func render(_ reference: PromptReference, inputs: [String: VariableInput] = [:], allowExtra: Bool = false) throws -> Rendering {
        guard let revision = reference.revision else { return try render(reference.id, inputs: inputs, allowExtra: allowExtra) }
        let resolved = try resolve(revision, of: reference.id)
        return try render(reference.id, atCommit: resolved, inputs: inputs, allowExtra: allowExtra)
    }

    func render(_ id: PromptID, atCommit resolved: ResolvedRevision, inputs: [String: VariableInput], allowExtra: Bool) throws -> Rendering {
        let repository = try requireRepository()
        guard let commit = OID(hex: resolved.commit) else { throw FolioError(.internal, "bad commit id \(resolved.commit)") }
        let renderer = Renderer(
            load: { [self] included in
                guard let file = try gitCall({ try repository.file(at: repositoryPath(included.relativePath, in: repository), inCommit: commit) })
                else { return nil }
                return try PromptCodec.decode(file.data, id: included, path: "\(included.relativePath)@\(resolved.label)")
            },
            displayPath: { "\($0.relativePath)@\(resolved.label)" })
        return try renderer.render(try document(id, at: resolved), inputs: inputs, allowExtra: allowExtra)
    }

    // MARK: - Diff and revert

    /// A semantic diff between two revisions of a prompt. Defaults: the latest committed version to the work tree.
    public func diff(_ id: PromptID, from: String? = nil, to: String? = nil) throws -> PromptDiff {
        func side(_ revision: String?, defaultToWorkTree: Bool) throws -> (Prompt?, String) {
            if let revision {
                if revision == "working" || revision == "worktree" { return (exists(id) ? try document(id).prompt : nil, "working copy") }
                let resolved = try resolve(revision, of: id)
                return (try document(id, at: resolved).prompt, resolved.label)
            }
            if defaultToWorkTree { return (exists(id) ? try document(id).prompt : nil, "working copy") }
            let versions = try history(of: id)
            guard let latest = versions.last else { return (nil, "nothing (not committed)") }
            let resolved = ResolvedRevision(commit: latest.commit, path: latest.path, label: latest.name)
            return (try document(id, at: resolved).prompt, latest.name)
        }
        let (old, fromLabel) = try side(from, defaultToWorkTree: false)
        let (new, toLabel) = try side(to, defaultToWorkTree: to == nil)
        guard old != nil || new != nil else { throw notFound(id) }
        return PromptDiff.compare(old, new, from: fromLabel, to: toLabel)
    }

    /// A new commit that puts back the content a prompt had at `revision` (usually `vN`). History is kept.
    public func revert(_ id: PromptID, to revision: String, commit: Bool = true) throws -> ChangeOutcome {
        let resolved = try resolve(revision, of: id)
        let repository = try requireRepository()
        guard let oid = OID(hex: resolved.commit),
              let file = try gitCall({ try repository.file(at: repositoryPath(resolved.path, in: repository), inCommit: oid) })
        else { throw FolioError(.notFound, "'\(id)' does not exist at \(resolved.label)") }
        let message = "folio: revert \(id) to \(resolved.label) (\(oid.short))"
        let current = exists(id) ? try rawFile(id) : nil
        if current == file.data {
            return ChangeOutcome(message: message, commit: nil, paths: [], changed: false, warnings: [])
        }
        // The revert is a change from the committed version: changes not committed yet are merged with it, or the
        // revert is refused, never overwritten.
        let committed = try committedBlob(of: id.relativePath).map { blob in try gitCall { try repository.blob(blob) } }
        if committed == nil, current != nil {
            throw FolioError(.conflict, "\(displayPath(of: id)) is not committed, so reverting it would replace it for good; commit it first (git add and git commit), or move it away")
        }
        return try apply([LibraryChange(path: id.relativePath, contents: file.data, base: committed.map { .bytes($0) } ?? .absent)],
                         message: message, commit: commit)
    }
}
