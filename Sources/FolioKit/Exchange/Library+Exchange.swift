import Foundation
internal import Git

/// What `folio import` did.
public struct ImportOutcome: Sendable {
    public let imported: [ImportedPrompt]
    public let change: ChangeOutcome
}

extension Library {
    /// Writes prompts (all active ones that are not partials, or the ids given) in another tool's format under
    /// `folder`; includes are expanded, variables translated to the tool's syntax. Returns each file with what
    /// could not be carried over. Files are written atomically; nothing is committed (they belong to the tool).
    public func export(_ format: ExchangeFormat, ids: [PromptID] = [], to folder: String, write: Bool = true) throws -> [ExportedFile] {
        let chosen = try ids.isEmpty
            ? list().filter { $0.status == "active" && !$0.partial && $0.error == nil }.map { try PromptID($0.id) }
            : ids
        let target = Self.absolute(folder, from: environment.currentDirectory)
        var files: [ExportedFile] = []
        for id in chosen {
            var prompt = try document(id).prompt
            prompt.body = try expandingIncludes(prompt.body, seen: [id])
            files.append(Exporter.export(prompt, as: format))
        }
        if write {
            for file in files {
                let path = target + "/" + file.path
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try gitCall { try WorkTreeWriter.atomicWrite(Data(file.text.utf8), to: path) }
            }
        }
        return files
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
    /// commit, under `prefix` when given. Refuses, writing nothing, when a prompt with one of the new ids exists
    /// or two files would get the same id.
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
        let change = try apply(changes, message: "folio: import \(imported.count) prompt\(imported.count == 1 ? "" : "s")", commit: commit)
        return ImportOutcome(imported: imported, change: change)
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
        // Lowercase letters, digits, '-' and '_'; anything else a '-'; starting with a letter or digit.
        var slug = ""
        for character in name.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber || character == "_") { slug.append(character) }
            else if slug.last != "-" { slug.append("-") }
        }
        slug = slug.trimmingCharacters(in: CharacterSet(charactersIn: "-_"))
        if slug.isEmpty { slug = "prompt" }
        return try PromptID(prefix.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/" + slug } ?? slug)
    }
}
