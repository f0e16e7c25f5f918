import Foundation
internal import Git

extension Library {
    /// The branch of a variant (nil: the work tree and the current branch).
    private func variantBranch(_ variant: String?) throws -> String? {
        guard let variant else { return nil }
        return try requireVariantBranch(variant, repository: try requireRepository())
    }

    /// The file's bytes where a change will apply: the work tree, or the variant's branch.
    private func currentFile(_ id: PromptID, branch: String?) throws -> Data {
        guard let branch else { return try rawFile(id) }
        if let error = heldUnderFormerID(id, branch: branch) { throw error }  // a variant made before a rename
        do {
            return try rawFile(PromptReference(id: id, revision: branch))
        } catch let error as FolioError where error.kind == .notFound {
            throw FolioError(.notFound, "no prompt '\(id)' on variant branch \(branch); add it with: folio new \(id) --variant \(branch.dropFirst(Self.variantPrefix.count))")
        }
    }

    private func existsOn(_ id: PromptID, branch: String?) -> Bool {
        guard let branch else { return exists(id) }
        return (try? rawFile(PromptReference(id: id, revision: branch))) != nil
    }

    private func suffix(_ branch: String?) -> String {
        branch.map { " (\($0))" } ?? ""
    }

    private func unchanged(_ message: String) -> ChangeOutcome {
        ChangeOutcome(message: message, commit: nil, paths: [], changed: false, warnings: [])
    }

    // MARK: - Adding

    /// The text a new prompt starts from: a starter template or a skeleton, with title and tags set.
    public func draft(_ id: PromptID, title: String?, description: String? = nil, tags: [String],
                      template: String?) throws -> String {
        String(decoding: PromptCodec.encode(try newPrompt(id, title: title, description: description, tags: tags,
                                                         template: template, body: nil)), as: UTF8.self)
    }

    /// A new prompt (not written): from a starter template or a skeleton, with the given fields.
    public func newPrompt(_ id: PromptID, title: String?, description: String? = nil, tags: [String],
                          template: String?, body: String?) throws -> Prompt {
        var prompt: Prompt
        if let template {
            let starter = try starterTemplate(named: template)
            prompt = try PromptCodec.decode(starter.text, id: id, path: "template \(starter.name)").prompt
        } else {
            prompt = Prompt(id: id, title: Self.titleFromID(id), status: .draft,
                            body: "Describe the task here. For each input, declare a variable above and write its name between double braces where the value goes.\n")
        }
        if let title { prompt.title = title }
        if let description { prompt.description = description }
        for tag in tags where !prompt.tags.contains(tag) { prompt.tags.append(tag) }
        if let body { prompt.body = body }
        return prompt
    }

    /// Fails with a conflict when a prompt with this id exists (on the variant's branch, with a variant).
    public func requireAbsent(_ id: PromptID, variant: String? = nil) throws {
        let branch = try variantBranch(variant)
        guard !existsOn(id, branch: branch) else {
            if let branch {
                let held = formerID(of: id, onBranch: branch)  // a variant made before a rename has its earlier id
                throw FolioError(.conflict, "prompt '\(id)' already exists on \(branch)\(held.map { " as '\($0)'" } ?? ""); change it with: folio edit \(held ?? id) --variant \(variant!)")
            }
            throw FolioError(.conflict, "prompt '\(id)' already exists (\(displayPath(of: id))); change it with: folio edit \(id)")
        }
    }

    /// Writes a new prompt. Fails when the id is taken (also when another process takes it meanwhile).
    public func add(_ prompt: Prompt, commit: Bool = true, variant: String? = nil) throws -> ChangeOutcome {
        try requireAbsent(prompt.id, variant: variant)
        let branch = try variantBranch(variant)
        return try apply([LibraryChange(path: prompt.id.relativePath, contents: PromptCodec.encode(prompt), base: .absent)],
                         message: "folio: add \(prompt.id)\(suffix(branch))", commit: commit, branch: branch)
    }

    /// Writes a new prompt from a whole file's text (frontmatter and body), validated strictly.
    /// `source` names where the text came from, for messages.
    public func add(_ id: PromptID, fileText: String, source: String, commit: Bool = true, variant: String? = nil) throws -> ChangeOutcome {
        _ = try PromptCodec.decode(fileText, id: id, path: source)
        try requireAbsent(id, variant: variant)
        let branch = try variantBranch(variant)
        return try apply([LibraryChange(path: id.relativePath, contents: Data(fileText.utf8), base: .absent)],
                         message: "folio: add \(id)\(suffix(branch))", commit: commit, branch: branch)
    }

    static func titleFromID(_ id: PromptID) -> String {
        let words = id.name.split(whereSeparator: { $0 == "-" || $0 == "_" })
        return words.enumerated().map { $0.offset == 0 ? $0.element.prefix(1).uppercased() + $0.element.dropFirst() : String($0.element) }
            .joined(separator: " ")
    }

    // MARK: - Editing

    /// Changes frontmatter fields (`title=…`, `model.parameters.temperature=0.2`, `tags=[a, b]`), removes fields,
    /// and/or replaces the body. Values are read as YAML, so `[a, b]` is a list and `0.2` a number.
    ///
    /// The change is made under the write lock on the file as it is then, so edits of different keys made at the
    /// same moment by other processes are all kept.
    public func edit(_ id: PromptID, set assignments: [(key: String, value: String)] = [], unset: [String] = [],
                     body: String? = nil, commit: Bool = true, variant: String? = nil) throws -> ChangeOutcome {
        let branch = try variantBranch(variant)
        let message = "folio: edit \(id)\(suffix(branch))"
        for key in unset + assignments.map(\.key) where key == "body" || key == "id" || key.isEmpty {
            throw FolioError(.invalidInput, key == "body" ? "the body is not a field; replace it with --body-file FILE"
                             : key == "id" ? "the id is the file's path; rename with: folio mv \(id) NEW-ID"
                             : "--set needs KEY=VALUE")
        }
        if assignments.isEmpty && unset.isEmpty && body == nil { return unchanged(message) }
        let before = try currentFile(id, branch: branch)  // a missing prompt is "not found" before any lock is taken
        // A key to remove that is not there is most likely a typo: said, not silently ignored.
        let text = String(decoding: before, as: UTF8.self)
        let absent = try unset.filter { key in
            try FrontmatterEditor.apply(to: text, set: [], unset: [key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)],
                                        path: displayPath(of: id)) == text
        }
        let warnings = absent.map { "\(displayPath(of: id)) has no '\($0)' to remove" }
        return try apply(message: message, commit: commit, warnings: warnings, branch: branch) { current in
            guard let original = try current.data(id.relativePath) else { throw notFound(id) }
            let edited = try Self.editedFile(original, id: id, set: assignments, unset: unset, body: body, path: displayPath(of: id))
            return [LibraryChange(path: id.relativePath, contents: edited)]
        }
    }

    /// A prompt file with fields set and removed and/or its body replaced, validated as a prompt. Only the touched
    /// keys change: comments, quoting, styles and the order of everything else stay as written.
    static func editedFile(_ original: Data, id: PromptID, set assignments: [(key: String, value: String)], unset: [String],
                           body: String?, path: String) throws -> Data {
        _ = try PromptCodec.decode(original, id: id, path: path)
        var data = original
        if !assignments.isEmpty || !unset.isEmpty {
            let split = { (key: String) in key.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }
            let text = try FrontmatterEditor.apply(to: String(decoding: original, as: UTF8.self),
                                                   set: assignments.map { (split($0.key), Self.parseAssignedValue($0.value)) },
                                                   unset: unset.map(split), path: path)
            data = Data(text.utf8)
        }
        if let body { data = try PromptCodec.replacingBody(of: data, with: body, path: path) }
        _ = try PromptCodec.decode(data, id: id, path: path)
        return data
    }

    /// A `--set` value: YAML for lists, mappings in braces, numbers, booleans and null; anything else,
    /// including text that only looks like `key: value` or is not valid YAML, is the text itself.
    static func parseAssignedValue(_ text: String) -> Value {
        guard let value = try? Value.parseYAML(text) else { return .string(text) }
        switch value {
        case .map where !text.trimmingCharacters(in: .whitespaces).hasPrefix("{"):
            return .string(text)
        case .null where !["null", "~"].contains(text.trimmingCharacters(in: .whitespaces)):
            return .string(text)
        default:
            return value
        }
    }

    /// Replaces a prompt's whole file with new text (from an editor), validated strictly first. `base` is the text
    /// the new text was made from (what the editor opened): when the file moved on meanwhile, the two changes are
    /// merged, or the replacement is refused as a conflict naming both versions. Without `base`, the file as it is
    /// now is the base.
    public func replace(_ id: PromptID, fileText: String, source: String, base: String? = nil, commit: Bool = true,
                        variant: String? = nil) throws -> ChangeOutcome {
        let branch = try variantBranch(variant)
        let message = "folio: edit \(id)\(suffix(branch))"
        let original = try base.map { Data($0.utf8) } ?? currentFile(id, branch: branch)
        let data = Data(fileText.utf8)
        // A text kept after a conflict holds both versions between markers until someone chooses.
        try Self.checkResolved(data, path: source, then: "then save it again")
        _ = try PromptCodec.decode(fileText, id: id, path: source)
        guard data != original else { return unchanged(message) }
        return try apply([LibraryChange(path: id.relativePath, contents: data, base: .bytes(original))], message: message,
                         commit: commit, branch: branch)
    }

    /// The text of a blob named by its id or a unique prefix of it (`--base`: the version a text was made from).
    public func blobText(_ id: String) throws -> String {
        let repository = try requireRepository()
        guard id.count >= 4, id.allSatisfy(\.isHexDigit) else {
            throw FolioError(.invalidInput, "'\(id)' is not a blob id; give the id folio printed (at least 4 hex digits)")
        }
        do {
            return String(decoding: try repository.blob(try repository.resolveBlob(id)), as: UTF8.self)
        } catch {
            throw FolioError(.notFound, "no blob '\(id)' in this repository; give the id folio printed with the conflict")
        }
    }

    /// The current file's text where a change will apply (for an editor): the work tree or the variant's branch.
    public func currentText(_ id: PromptID, variant: String? = nil) throws -> String {
        String(decoding: try currentFile(id, branch: try variantBranch(variant)), as: UTF8.self)
    }

    // MARK: - Moving and removing

    /// Renames a prompt and rewrites every `{{> old}}` include to `{{> new}}`, in one commit. The files are read
    /// under the write lock, so an edit made meanwhile moves with them. Experiments on the prompt name the new id in
    /// the same commit, and its labels follow it once committed (Library+Experiments, Library+Labels).
    public func move(_ old: PromptID, to new: PromptID, commit: Bool = true) throws -> ChangeOutcome {
        _ = try rawFile(old)
        guard old != new else { throw FolioError(.invalidInput, "'\(old)' and '\(new)' are the same id") }
        try requireAbsent(new)
        return try apply(message: "folio: mv \(old) -> \(new)", commit: commit,
                         afterWrite: { self.carryLabels(from: old, to: new, repository: $0, commit: $1) }) { current in
            try checkLabelsCanFollow(from: old, to: new)
            guard let data = try current.data(old.relativePath) else { throw notFound(old) }
            var changes = [LibraryChange(path: old.relativePath, contents: nil),
                           LibraryChange(path: new.relativePath, contents: data, base: .absent)]
            for id in try promptIDs() {
                guard let source = id == old ? data : try current.data(id.relativePath),
                      let rewritten = try Self.rewritingIncludes(in: source, from: old, to: new, path: displayPath(of: id)) else { continue }
                if id == old {
                    changes[1] = LibraryChange(path: new.relativePath, contents: rewritten, base: .absent)
                } else {
                    changes.append(LibraryChange(path: id.relativePath, contents: rewritten))
                }
            }
            return changes + (try experimentChanges(renaming: old, to: new, current: current))
        }
    }

    /// Deletes a prompt. Refuses when other prompts include it, when an experiment not closed names it, and when the
    /// file holds changes not committed yet (they would be lost), unless `force`. Its labels stay, with its past.
    /// `base` is the text the deletion was decided on (what a client last read): when the file moved on since, the
    /// deletion is refused as a conflict naming the file's blob now, whatever `force` says.
    public func remove(_ id: PromptID, force: Bool = false, commit: Bool = true, base: String? = nil) throws -> ChangeOutcome {
        _ = try rawFile(id)
        var warnings: [String] = []
        var outcome = try apply(message: "folio: rm \(id)", commit: commit) { current in
            guard let data = try current.data(id.relativePath) else { throw notFound(id) }
            // Moved on since the client read it: the write's check refuses it, naming the file's blob now.
            if let base, Data(base.utf8) != data { return [LibraryChange(path: id.relativePath, contents: nil, base: .bytes(Data(base.utf8)))] }
            let includers = try promptIDs().filter { other in
                guard other != id, let document = try? document(other) else { return false }
                return TemplateScanner.scan(document.prompt.body).includes.contains(id.rawValue)
            }
            if !includers.isEmpty && !force {
                throw FolioError(.conflict, "'\(id)' is included by \(includers.map(\.rawValue).joined(separator: ", ")); remove those includes first, or pass --force")
            }
            if !force, commit, try repository != nil, try committedBlob(of: id.relativePath) == nil {
                throw FolioError(.conflict, "\(displayPath(of: id)) was never committed, so removing it would lose it for good; pass --force to remove it anyway")
            }
            if !force, let committed = try committedBlob(of: id.relativePath), committed != (try gitCall { try Repository.blobID(of: data) }) {
                throw FolioError(.conflict, "\(displayPath(of: id)) has changes that are not committed (blob \(committed.short) is committed), and removing it would lose them; commit them first (git commit \(displayPath(of: id))), or pass --force to remove it anyway")
            }
            let experiments = try experimentsKeeping(id, force: force)
            warnings = includers.map { "\(displayPath(of: $0)) still includes '\(id)'" } + experiments
            return [LibraryChange(path: id.relativePath, contents: nil, base: .bytes(data))]
        }
        outcome.warnings = warnings + outcome.warnings
        return outcome
    }

    /// The blob HEAD holds at a library-relative path (nil: not committed, or no repository).
    func committedBlob(of path: String) throws -> OID? {
        guard let repository = try repository else { return nil }
        return try committedBlob(atRepositoryPath: repositoryPath(path, in: repository), in: repository)
    }

    /// The blob HEAD holds at a path relative to the repository's work tree (nil: not committed).
    func committedBlob(atRepositoryPath path: String, in repository: Repository) throws -> OID? {
        guard let head = try gitCall({ try repository.head().commit }) else { return nil }
        return try gitCall { try repository.entry(at: path, inTree: try repository.commit(head).tree)?.oid }
    }

    /// The file with its `{{> old}}` includes renamed, or nil when it has none. Only the body changes.
    static func rewritingIncludes(in data: Data, from old: PromptID, to new: PromptID, path: String) throws -> Data? {
        let text = String(decoding: data, as: UTF8.self)
        let split = try PromptCodec.split(text, path: path)
        let tags = TemplateScanner.scan(split.body).tags.filter { ($0.kind == .partial || $0.kind == .parent) && $0.name == old.rawValue }
        guard !tags.isEmpty else { return nil }
        var bytes = Array(split.body.utf8)
        for tag in tags.reversed() {
            bytes.replaceSubrange(tag.nameRange, with: Array(new.rawValue.utf8))
        }
        return try PromptCodec.replacingBody(of: data, with: String(decoding: bytes, as: UTF8.self), path: path)
    }
}
