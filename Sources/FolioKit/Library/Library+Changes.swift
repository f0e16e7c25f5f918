import Foundation
internal import Git

/// What a change to the library did.
public struct ChangeOutcome: Sendable, Equatable {
    /// `folio: add review/security`: the commit message, also when nothing was committed.
    public let message: String
    /// The new commit's id; nil with `--no-commit` or when nothing changed.
    public let commit: String?
    /// Files written or deleted, relative to the library.
    public let paths: [String]
    /// False when the change turned out to change nothing.
    public let changed: Bool
    /// Things worth knowing that did not stop the change (an include that does not exist yet).
    public let warnings: [String]
}

/// A file to write (or delete, when `contents` is nil), relative to the library root.
struct LibraryChange {
    let path: String
    let contents: Data?
}

extension Library {
    // MARK: - Applying changes

    /// Writes the changes and, when `commit` is set, makes them one commit on the current branch.
    /// Nothing is written when the identity is missing or a file cannot be written; a failed commit puts
    /// everything back.
    func apply(_ changes: [LibraryChange], message: String, commit: Bool, warnings: [String] = [],
               branch: String? = nil) throws -> ChangeOutcome {
        var hash: String?
        do {
            if let branch {
                guard commit else { throw FolioError(.invalidInput, "a change to a variant is always a commit; leave out --no-commit") }
                let repository = try requireRepository()
                let identity = try gitCall { try repository.identity(environment: environment.variables, now: environment.now()) }
                let fileChanges = changes.map { FileChange(path: repositoryPath($0.path, in: repository), contents: $0.contents) }
                hash = try gitCall("commit '\(message)' on \(branch)") {
                    try Self.commitSerialized(fileChanges, in: repository, message: message, identity: identity, branch: branch).hex
                }
            } else if commit {
                let repository = try requireRepository()
                let identity = try gitCall { try repository.identity(environment: environment.variables, now: environment.now()) }
                let fileChanges = changes.map { FileChange(path: repositoryPath($0.path, in: repository), contents: $0.contents) }
                // Like `git add` without -f: an ignored file is not committed behind the user's back.
                for change in fileChanges where change.contents != nil {
                    if try gitCall(nil, { try repository.isIgnored(change.path) }) {
                        throw FolioError(.conflict, "\(change.path) is ignored by the repository's .gitignore, so folio will not commit it; remove the ignore rule, or keep the library in a repository of its own (folio init --new-repo), or pass --no-commit")
                    }
                }
                hash = try gitCall("commit '\(message)'") {
                    try Self.commitSerialized(fileChanges, in: repository, message: message, identity: identity).hex
                }
            } else {
                _ = try WorkTreeWriter(root: root).apply(changes.map { FileChange(path: $0.path, contents: $0.contents) })
            }
        } catch let error as FolioError {
            throw error
        } catch {
            throw FolioError(.io, "could not write \(changes.map(\.path).joined(separator: ", ")): \(error.localizedDescription)")
        }
        return ChangeOutcome(message: message, commit: hash, paths: changes.map(\.path), changed: true, warnings: warnings)
    }

    /// Commits under folio's lock in the git directory, so two folio processes never interleave their index
    /// updates; retries when a `git` command moved the branch or held a lock meanwhile.
    static func commitSerialized(_ changes: [FileChange], in repository: Repository, message: String,
                                 identity: Identity, branch: String? = nil) throws -> OID {
        let lock = try FileLock.acquire(at: repository.gitDir + "/folio/commit.lock", timeout: 30)
        defer { lock.release() }
        var attempt = 1
        while true {
            do {
                if let branch { return try repository.commit(changes, onBranch: branch, message: message, identity: identity) }
                return try repository.commitOnHead(changes, message: message, identity: identity)
            } catch let error as GitError where (error.code == .modified || error.code == .locked) && attempt < 5 {
                // commitOnHead put everything back; wait a little and build the commit again on the new HEAD.
                usleep(UInt32(20_000 * attempt))
                attempt += 1
            }
        }
    }

    /// The branch of a variant (nil: the work tree and the current branch).
    private func variantBranch(_ variant: String?) throws -> String? {
        guard let variant else { return nil }
        return try requireVariantBranch(variant, repository: try requireRepository())
    }

    /// The file's bytes where a change will apply: the work tree, or the variant's branch.
    private func currentFile(_ id: PromptID, branch: String?) throws -> Data {
        guard let branch else { return try rawFile(id) }
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

    /// Template errors stop a change (for a variant, where the work tree says nothing about includes).
    private func checkSyntax(of prompt: Prompt, bodyStartLine: Int) throws -> [String] {
        if let error = TemplateScanner.scan(prompt.body).errors.first {
            throw FolioError.invalidFile(displayPath(of: prompt.id), line: error.line + bodyStartLine - 1,
                                         column: error.column, error.message)
        }
        return []
    }

    /// Template errors stop a change; includes that do not exist yet are warnings.
    private func checkBody(of prompt: Prompt, bodyStartLine: Int) throws -> [String] {
        let scan = TemplateScanner.scan(prompt.body)
        if let error = scan.errors.first {
            throw FolioError.invalidFile(displayPath(of: prompt.id), line: error.line + bodyStartLine - 1,
                                         column: error.column, error.message)
        }
        return scan.includes.compactMap { name in
            guard let included = try? PromptID(name) else {
                return "\(displayPath(of: prompt.id)): '{{> \(name)}}' is not a valid prompt id"
            }
            return included == prompt.id || exists(included) ? nil
                : "\(displayPath(of: prompt.id)) includes '\(name)', which does not exist yet"
        }
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
                throw FolioError(.conflict, "prompt '\(id)' already exists on \(branch); change it with: folio edit \(id) --variant \(variant!)")
            }
            throw FolioError(.conflict, "prompt '\(id)' already exists (\(displayPath(of: id))); change it with: folio edit \(id)")
        }
    }

    /// Writes a new prompt. Fails when the id is taken.
    public func add(_ prompt: Prompt, commit: Bool = true, variant: String? = nil) throws -> ChangeOutcome {
        try requireAbsent(prompt.id, variant: variant)
        let branch = try variantBranch(variant)
        let warnings = branch == nil ? try checkBody(of: prompt, bodyStartLine: 1) : try checkSyntax(of: prompt, bodyStartLine: 1)
        return try apply([LibraryChange(path: prompt.id.relativePath, contents: PromptCodec.encode(prompt))],
                         message: "folio: add \(prompt.id)\(suffix(branch))", commit: commit, warnings: warnings, branch: branch)
    }

    /// Writes a new prompt from a whole file's text (frontmatter and body), validated strictly.
    /// `source` names where the text came from, for messages.
    public func add(_ id: PromptID, fileText: String, source: String, commit: Bool = true, variant: String? = nil) throws -> ChangeOutcome {
        let document = try PromptCodec.decode(fileText, id: id, path: source)
        try requireAbsent(id, variant: variant)
        let branch = try variantBranch(variant)
        let warnings = branch == nil ? try checkBody(of: document.prompt, bodyStartLine: document.bodyStartLine)
            : try checkSyntax(of: document.prompt, bodyStartLine: document.bodyStartLine)
        return try apply([LibraryChange(path: id.relativePath, contents: Data(fileText.utf8))],
                         message: "folio: add \(id)\(suffix(branch))", commit: commit, warnings: warnings, branch: branch)
    }

    static func titleFromID(_ id: PromptID) -> String {
        let words = id.name.split(whereSeparator: { $0 == "-" || $0 == "_" })
        return words.enumerated().map { $0.offset == 0 ? $0.element.prefix(1).uppercased() + $0.element.dropFirst() : String($0.element) }
            .joined(separator: " ")
    }

    // MARK: - Editing

    /// Changes frontmatter fields (`title=…`, `model.parameters.temperature=0.2`, `tags=[a, b]`), removes fields,
    /// and/or replaces the body. Values are read as YAML, so `[a, b]` is a list and `0.2` a number.
    public func edit(_ id: PromptID, set assignments: [(key: String, value: String)] = [], unset: [String] = [],
                     body: String? = nil, commit: Bool = true, variant: String? = nil) throws -> ChangeOutcome {
        let branch = try variantBranch(variant)
        let message = "folio: edit \(id)\(suffix(branch))"
        let original = try currentFile(id, branch: branch)
        var document = try PromptCodec.decode(original, id: id, path: displayPath(of: id))
        var newData: Data
        if assignments.isEmpty && unset.isEmpty {
            guard let body else { return unchanged(message) }
            document.prompt.body = body
            newData = try PromptCodec.replacingBody(of: original, with: body, path: displayPath(of: id))
        } else {
            var frontmatter = PromptCodec.frontmatterValue(document.prompt)
            for key in unset + assignments.map(\.key) where key == "body" || key == "id" || key.isEmpty {
                throw FolioError(.invalidInput, key == "body" ? "the body is not a field; replace it with --body-file FILE"
                                 : key == "id" ? "the id is the file's path; rename with: folio mv \(id) NEW-ID"
                                 : "--set needs KEY=VALUE")
            }
            for key in unset {
                try frontmatter.set(path: key.split(separator: ".").map(String.init), to: nil)
            }
            for assignment in assignments {
                try frontmatter.set(path: assignment.key.split(separator: ".").map(String.init),
                                    to: Self.parseAssignedValue(assignment.value))
            }
            var prompt = try PromptCodec.prompt(fromFrontmatter: frontmatter, id: id,
                                                body: body ?? document.prompt.body, path: displayPath(of: id))
            prompt.body = body ?? document.prompt.body
            document.prompt = prompt
            newData = PromptCodec.encode(document)
        }
        guard newData != original else { return unchanged(message) }
        let warnings = branch == nil ? try checkBody(of: document.prompt, bodyStartLine: document.bodyStartLine)
            : try checkSyntax(of: document.prompt, bodyStartLine: document.bodyStartLine)
        return try apply([LibraryChange(path: id.relativePath, contents: newData)], message: message, commit: commit,
                         warnings: warnings, branch: branch)
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

    /// Replaces a prompt's whole file with new text (from an editor), validated strictly first.
    public func replace(_ id: PromptID, fileText: String, source: String, commit: Bool = true, variant: String? = nil) throws -> ChangeOutcome {
        let branch = try variantBranch(variant)
        let message = "folio: edit \(id)\(suffix(branch))"
        let original = try currentFile(id, branch: branch)
        let document = try PromptCodec.decode(fileText, id: id, path: source)
        let data = Data(fileText.utf8)
        guard data != original else { return unchanged(message) }
        let warnings = branch == nil ? try checkBody(of: document.prompt, bodyStartLine: document.bodyStartLine)
            : try checkSyntax(of: document.prompt, bodyStartLine: document.bodyStartLine)
        return try apply([LibraryChange(path: id.relativePath, contents: data)], message: message, commit: commit,
                         warnings: warnings, branch: branch)
    }

    /// The current file's text where a change will apply (for an editor): the work tree or the variant's branch.
    public func currentText(_ id: PromptID, variant: String? = nil) throws -> String {
        String(decoding: try currentFile(id, branch: try variantBranch(variant)), as: UTF8.self)
    }

    // MARK: - Moving and removing

    /// Renames a prompt and rewrites every `{{> old}}` include to `{{> new}}`, in one commit.
    public func move(_ old: PromptID, to new: PromptID, commit: Bool = true) throws -> ChangeOutcome {
        let data = try rawFile(old)
        guard old != new else { throw FolioError(.invalidInput, "'\(old)' and '\(new)' are the same id") }
        try requireAbsent(new)
        var changes = [LibraryChange(path: old.relativePath, contents: nil), LibraryChange(path: new.relativePath, contents: data)]
        for id in try promptIDs() {
            let source = id == old ? data : try rawFile(id)
            guard let rewritten = try Self.rewritingIncludes(in: source, from: old, to: new, path: displayPath(of: id)) else { continue }
            if id == old {
                changes[1] = LibraryChange(path: new.relativePath, contents: rewritten)
            } else {
                changes.append(LibraryChange(path: id.relativePath, contents: rewritten))
            }
        }
        return try apply(changes, message: "folio: mv \(old) -> \(new)", commit: commit)
    }

    /// Deletes a prompt. Refuses when other prompts include it, unless `force`.
    public func remove(_ id: PromptID, force: Bool = false, commit: Bool = true) throws -> ChangeOutcome {
        _ = try rawFile(id)
        let includers = try promptIDs().filter { other in
            guard other != id, let document = try? document(other) else { return false }
            return TemplateScanner.scan(document.prompt.body).includes.contains(id.rawValue)
        }
        if !includers.isEmpty && !force {
            throw FolioError(.conflict, "'\(id)' is included by \(includers.map(\.rawValue).joined(separator: ", ")); remove those includes first, or pass --force")
        }
        let warnings = includers.map { "\(displayPath(of: $0)) still includes '\(id)'" }
        return try apply([LibraryChange(path: id.relativePath, contents: nil)], message: "folio: rm \(id)", commit: commit,
                         warnings: warnings)
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
