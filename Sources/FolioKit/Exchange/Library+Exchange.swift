import Foundation
internal import Git

/// What `folio import` did.
public struct ImportOutcome: Sendable {
    public let imported: [ImportedPrompt]
    public let change: ChangeOutcome
    /// Lint's warnings on the prompts as they were committed (errors stop the import).
    public let findings: [LintFinding]
}

/// What `folio export` did: the files written, and the prompts it could not export, each with why and the fix.
public struct ExportOutcome: Sendable {
    public let files: [ExportedFile]
    public let failures: [ExportFailure]
}

/// The files folio's exports wrote, by absolute path, with the blob id of the text written: what tells a file
/// folio may replace from one someone else wrote.
struct ExportRecord: Codable {
    var files: [String: String] = [:]
}

/// A prompt `folio export` could not write.
public struct ExportFailure: Sendable, Equatable {
    public let id: String
    public let message: String
}

extension Library {
    /// Where folio remembers the files this library's exports wrote: beside the search index, in the git
    /// directory (never committed).
    func exportRecordPath(_ repository: Repository) -> String {
        PromptIndex.folder(library: self, repository: repository, shared: false) + "/exports.json"
    }

    /// Writes prompts (all active ones that are not partials, or the ids given) in another tool's format under
    /// `folder`; includes are expanded (their variables declared with the prompt's), variables translated to the
    /// tool's syntax. Returns each file with what could not be carried over and what writing it did, and each
    /// prompt that could not be exported, with why and the fix: an include that is missing, two prompts that would
    /// share one file (in a tool that reads no subfolders), a file in the way that folio did not write (unless
    /// `replace`). The others are written all the same. Files are written atomically; nothing is committed (they
    /// belong to the tool). With `write` false, nothing is written: the outcome says what would be.
    public func export(_ format: ExchangeFormat, ids: [PromptID] = [], to folder: String, write: Bool = true,
                       replace: Bool = false) throws -> ExportOutcome {
        let chosen = try ids.isEmpty
            ? list().filter { $0.status == "active" && !$0.partial && $0.error == nil }.map { try PromptID($0.id) }
            : ids
        var files: [ExportedFile] = []
        var failures: [ExportFailure] = []
        for id in chosen {
            do {
                files.append(Exporter.export(try expanded(id), as: format))
            } catch let error as FolioError where error.kind != .io {
                failures.append(ExportFailure(id: id.rawValue, message: error.message))
            }
        }
        // Two prompts never go to one file: where the tool reads no subfolders, `team/x` and `team-x` would.
        let sharing = Dictionary(grouping: files, by: \.path).filter { $0.value.count > 1 }
        for file in files {
            guard let others = sharing[file.path] else { continue }
            let names = others.map { "'\($0.id)'" }
            let fix = "rename one of them (folio mv \(others[0].id) NEW-ID), or export them to different folders with --out"
            failures.append(ExportFailure(id: file.id, message: "\(names.dropLast().joined(separator: ", ")) and \(names.last ?? "") would both be written to \(file.path)\(format.flatFolder.map { " (\($0))" } ?? ""); \(fix)"))
        }
        files.removeAll { sharing[$0.path] != nil }
        let target = Self.absolute(folder, from: environment.currentDirectory)
        let placed: ([ExportedFile], [ExportFailure])
        if write, let repository = try repository, repository.workdir != nil {
            placed = try withWriteLock { repository in
                try place(files, in: target, shownAs: folder, write: true, replace: replace, record: exportRecordPath(repository))
            }
        } else {
            placed = try place(files, in: target, shownAs: folder, write: write, replace: replace,
                               record: try repository.map(exportRecordPath))
        }
        let order = Dictionary(chosen.enumerated().map { ($0.element.rawValue, $0.offset) }, uniquingKeysWith: { first, _ in first })
        return ExportOutcome(files: placed.0, failures: (failures + placed.1).sorted { order[$0.id, default: 0] < order[$1.id, default: 0] })
    }

    /// Whether `data` is what HEAD holds at an absolute path inside the library's repository.
    private func isCommitted(_ data: Data, at path: String) -> Bool {
        guard let repository = try? repository, let workdir = repository.workdir, path.hasPrefix(workdir + "/"),
              let committed = try? committedBlob(atRepositoryPath: String(path.dropFirst(workdir.count + 1)), in: repository)
        else { return false }
        return (try? Repository.blobID(of: data)) == committed
    }

    /// Writes exported files under `target`, replacing only files folio wrote there itself (their blob ids are in
    /// the record) or that git holds as they are, unless `replace`; a file already holding the text is left as it is. Returns the files written
    /// (or left alone) with what happened to each, and a failure for each file in the way.
    private func place(_ files: [ExportedFile], in target: String, shownAs folder: String, write: Bool, replace: Bool,
                       record recordPath: String?) throws -> ([ExportedFile], [ExportFailure]) {
        var record = recordPath.flatMap { FileManager.default.contents(atPath: $0) }
            .flatMap { try? JSONDecoder().decode(ExportRecord.self, from: $0) } ?? ExportRecord()
        var placed: [ExportedFile] = []
        var failures: [ExportFailure] = []
        for var file in files {
            let path = target + "/" + file.path
            let data = Data(file.text.utf8)
            if let existing = FileManager.default.contents(atPath: path) {
                if existing == data {
                    file.change = .unchanged
                } else if try record.files[path] == gitCall({ try Repository.blobID(of: existing).hex }) || isCommitted(existing, at: path) {
                    // folio wrote it, or git holds it as it is (a teammate's export, committed): nothing is lost.
                    file.change = .updated
                } else if replace {
                    file.change = .replaced
                } else {
                    let shown = folder == "." ? file.path : folder + "/" + file.path
                    failures.append(ExportFailure(id: file.id, message: "\(shown) is there already and folio did not write it (or it was changed since); move it away, or export again with --force to replace it"))
                    continue
                }
            }
            if write {
                if file.change != .unchanged {
                    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    try gitCall { try WorkTreeWriter.atomicWrite(data, to: path) }
                }
                record.files[path] = try gitCall { try Repository.blobID(of: data).hex }
            }
            placed.append(file)
        }
        if write, let recordPath {
            // Files removed since are forgotten.
            record.files = record.files.filter { FileManager.default.fileExists(atPath: $0.key) }
            try FileManager.default.createDirectory(atPath: (recordPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            try gitCall { try WorkTreeWriter.atomicWrite(try encoder.encode(record), to: recordPath) }
        }
        return (placed, failures)
    }

    /// A prompt as other tools get it: includes expanded, and the variables of the included prompts that it does
    /// not declare itself added to its own, as rendering takes them.
    func expanded(_ id: PromptID) throws -> Prompt {
        var prompt = try document(id).prompt
        let included: [PromptID]
        do {
            included = try includes(of: id)
        } catch let error as FolioError where error.kind == .notFound {
            throw FolioError(.notFound, "\(error.message); add that prompt or remove the include, then export again")
        }
        for other in included {
            for variable in try document(other).prompt.variables where prompt.variable(named: variable.name) == nil {
                prompt.variables.append(variable)
            }
        }
        prompt.body = try expandingIncludes(prompt.body, seen: [id])
        return prompt
    }

    /// A body with every `{{> id}}` replaced by that prompt's body (recursively): other tools have no includes.
    func expandingIncludes(_ body: String, seen: Set<PromptID>) throws -> String {
        let includes = TemplateScanner.scan(body).tags.filter { $0.kind == .partial }
        guard !includes.isEmpty else { return body }
        let bytes = Array(body.utf8)
        var out: [UInt8] = []
        var cursor = 0
        for tag in includes {
            let id = try PromptID(tag.name)
            guard !seen.contains(id) else { throw FolioError(.invalidInput, "'\(id)' includes itself; fix the include cycle before exporting") }
            var included = try expandingIncludes(document(id).prompt.body, seen: seen.union([id]))
            if included.hasSuffix("\n") { included.removeLast() }
            out += bytes[cursor..<tag.range.lowerBound] + Array(included.utf8)
            cursor = tag.range.upperBound
        }
        out += bytes[cursor...]
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads other tools' prompt files (or every file under a folder) and adds them as folio prompts in one
    /// commit, under `prefix` when given. Refuses, writing nothing, when a prompt with one of the new ids exists,
    /// two files would get the same id, or the write gate's lint finds an error in what would be committed (a secret:
    /// unless `allowSecrets`), each named where it is in the file imported; lint's warnings come back with the outcome.
    public func importPrompts(_ paths: [String], format: ExchangeFormat? = nil, prefix: String? = nil, commit: Bool = true) throws -> ImportOutcome {
        var files: [String] = []
        for path in paths {
            let absolute = Self.absolute(path, from: environment.currentDirectory)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isFolder) else {
                throw FolioError(.notFound, "\(path): no such file or folder")
            }
            if isFolder.boolValue {
                let found = (FileManager.default.enumerator(atPath: absolute)?.allObjects as? [String] ?? [])
                    .filter { name in [".md", ".mdc", ".prompty", ".prompt", ".yml", ".yaml"].contains { name.hasSuffix($0) } }
                    .sorted().map { absolute + "/" + $0 }
                files += found
            } else {
                files.append(absolute)
            }
        }
        guard !files.isEmpty else { throw FolioError(.invalidInput, "no prompt files to import in \(paths.joined(separator: ", "))") }
        var imported: [ImportedPrompt] = []
        var ids = Set<PromptID>()
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { throw FolioError(.io, "cannot read \(file)") }
            guard let text = String(validating: data, as: UTF8.self) else { throw FolioError(.invalidInput, "\(file) is not UTF-8 text") }
            let id = try Self.importedID(file, prefix: prefix)
            guard ids.insert(id).inserted else {
                throw FolioError(.conflict, "two files would both become '\(id)'; import them separately with --prefix")
            }
            guard !exists(id) else {
                throw FolioError(.conflict, "'\(id)' already exists (from \(displayPath(absolute: file))); nothing was imported. Use --prefix to import under a folder")
            }
            imported.append(try Importer.read(text, path: displayPath(absolute: file), format: format, id: id))
        }
        let changes = imported.map { LibraryChange(path: $0.prompt.id.relativePath, contents: PromptCodec.encode($0.prompt), base: .absent) }
        let change = try apply(changes, message: "folio: import \(Wording.count(imported.count, "prompt"))", commit: commit,
                               refusal: importRefusal(imported, changes))
        return ImportOutcome(imported: imported, change: change, findings: change.findings)
    }

    /// How the write gate refuses an import: each finding where it is in the file imported (and where it would have
    /// been in the library), then what to do.
    private func importRefusal(_ imported: [ImportedPrompt], _ changes: [LibraryChange]) -> ([LintFinding]) -> FolioError {
        let byPath = Dictionary(uniqueKeysWithValues: zip(changes, imported).map { ($0.0.path, ($0.1, $0.0.contents ?? Data())) })
        /// `source:line:col: error: message [rule]`, where the finding is in the source file, and where it would be.
        func located(_ finding: LintFinding) -> String {
            guard let (item, contents) = byPath[finding.relativePath] else { return finding.text }
            let written = "\(finding.path):\(finding.line):\(finding.column)"
            let promptBody = (try? PromptCodec.split(String(decoding: contents, as: UTF8.self), path: finding.path))?.bodyLine ?? 1
            if let bodyLine = item.bodyLine, finding.line >= promptBody {
                return "\(item.source):\(bodyLine + finding.line - promptBody):\(finding.column): \(finding.severity.rawValue): \(finding.message) [\(finding.rule)] (\(written) as imported)"
            }
            return "\(item.source): \(finding.severity.rawValue): \(finding.message) [\(finding.rule)] (\(written) as imported)"
        }
        return { errors in
            let secret = errors.contains { $0.rule == SecretDetectedRule.info.id }
            let files = Set(errors.map(\.relativePath)).count == 1 ? "file" : "files"
            return FolioError(.invalidInput, (errors.map(located) + [
                "nothing was imported: fix \(errors.count == 1 ? "this" : "these") in the imported \(files)"
                    + (secret ? " (or pass --allow-secret for a false positive)" : "") + " and import again",
            ]).joined(separator: "\n"))
        }
    }

    /// The id an imported file gets: its name without the tool's suffixes (a skill: its folder), made a valid id.
    static func importedID(_ path: String, prefix: String?) throws -> PromptID {
        var name = (path as NSString).lastPathComponent
        if name == "SKILL.md" { name = ((path as NSString).deletingLastPathComponent as NSString).lastPathComponent }
        if name.hasSuffix("SKILL.md"), name != "SKILL.md" { name = String(name.dropLast("SKILL.md".count)) }
        for suffix in [".prompt.yml", ".prompt.yaml", ".yml", ".yaml", ".instructions.md", ".prompt.md", ".prompty", ".prompt", ".mdc", ".md"] where name.hasSuffix(suffix) {
            name = String(name.dropLast(suffix.count))
            break
        }
        // The name as an id, made one as folio suggests ids for any text (`Release Notes` → `release-notes`).
        let slug = (try? PromptID(name))?.rawValue ?? PromptID.suggestion(for: name)?.rawValue ?? "prompt"
        return try PromptID(prefix.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/" + slug } ?? slug)
    }
}
