import Foundation
internal import YAML

/// A file of another tool read as a folio prompt, and what could not be translated.
public struct ImportedPrompt: Sendable, Equatable {
    public let source: String
    public let format: ExchangeFormat
    public let prompt: Prompt
    public let notes: [String]
    /// The line of the source file where the body starts, when the body keeps the file's lines (for messages
    /// that point into the source); nil when it does not (GitHub Models messages).
    public var bodyLine: Int? = nil
}

/// Reads other tools' prompt files. Lenient, as those tools are: YAML that strict parsers reject (`globs: *.ts`)
/// is read as text; fields folio has no place for are kept under `metadata`.
enum Importer {
    /// Fields each format has that map onto folio's own.
    static let known: Set<String> = ["name", "title", "description", "model", "inputs", "input", "messages"]

    static func read(_ text: String, path: String, format forced: ExchangeFormat?, id: PromptID) throws -> ImportedPrompt {
        var notes: [String] = []
        if path.hasSuffix(".yml") || path.hasSuffix(".yaml") || forced == .ghModels {
            return try readModels(text, path: path, id: id)
        }
        let split = try PromptCodec.split(text, path: path)
        let entries = try frontmatter(split.frontmatter, path: path, notes: &notes)
        let keys = Set(entries.map(\.key))
        guard let format = forced ?? ExchangeFormat.detect(path: path, frontmatterKeys: keys) else {
            throw FolioError(.invalidInput, "\(path): folio cannot tell which tool's format this is; name it with --format (\(ExchangeFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        func value(_ key: String) -> Value? { entries.first { $0.key == key }?.value }
        var body = split.body
        var variables: [Variable] = []
        // folio's own declarations, which `folio export` writes for tools that have no place for types and defaults.
        let ownVariables = folioVariables(value("variables"), id: id, path: path, notes: &notes)
        var metadata = entries.filter { !known.contains($0.key) && !($0.key == "variables" && ownVariables != nil) }
        var removedLines = 0
        switch format {
        case .claudeCommands:
            body = translate(body, uses: claudeArguments(body), declared: ownVariables, variables: &variables, notes: &notes)
        case .copilotPrompts:
            body = translate(body, uses: copilotInputs(body), declared: ownVariables, variables: &variables, notes: &notes)
        case .claudeSkills, .cursorRules:
            body = translate(body, uses: [], declared: ownVariables, variables: &variables, notes: &notes)
        case .prompty:
            variables = promptyInputs(value("inputs"), notes: &notes)
            if let model = value("model") { metadata.append(Value.Entry("model", model)) }
            if let inputs = value("inputs") { metadata.append(Value.Entry("inputs", inputs)) }
            let lines = body.utf8.count { $0 == 0x0A }
            body = withoutSoleUserRole(body)
            removedLines = lines - body.utf8.count { $0 == 0x0A }
            if body.contains("{%") { notes.append("Jinja blocks ({% … %}) kept as written; folio renders Mustache") }
            body = mustacheOnly(body, notes: &notes)
        case .dotprompt:
            variables = Picoschema.variables(value("input")?["schema"], defaults: value("input")?["default"], notes: &notes)
            if let model = value("model") { metadata.append(Value.Entry("model", model)) }
            if let input = value("input") { metadata.append(Value.Entry("input", input)) }
            body = Handlebars.toMustache(body, notes: &notes)
            body = mustacheOnly(body, notes: &notes)
        case .ghModels:
            break
        }
        if let ownVariables { variables = ownVariables }
        variables = declaringUsedNames(body, variables, fromFile: !variables.isEmpty || ownVariables != nil, notes: &notes)
        let title = value("title")?.scalarText ?? value("name")?.scalarText ?? heading(body)
        let prompt = Prompt(id: id, title: title, description: value("description")?.scalarText, variables: variables,
                            metadata: metadata.isEmpty ? nil : .map(metadata), body: body)
        return ImportedPrompt(source: path, format: format, prompt: prompt, notes: notes, bodyLine: split.bodyLine + removedLines)
    }

    /// GitHub Models `.prompt.yml`: messages become the body (one message as is; several under role headings).
    static func readModels(_ text: String, path: String, id: PromptID) throws -> ImportedPrompt {
        var notes: [String] = []
        let entries = try frontmatter(text, path: path, notes: &notes)
        func value(_ key: String) -> Value? { entries.first { $0.key == key }?.value }
        let messages = value("messages")?.list ?? []
        let parts = messages.compactMap { message -> (String, String)? in
            guard let content = message["content"]?.scalarText else { return nil }
            return (message["role"]?.scalarText ?? "user", content)
        }
        let body: String
        if parts.count == 1 && parts[0].0 == "user" {
            body = parts[0].1
        } else {
            body = parts.map { "## \($0.0)\n\n\($0.1.trimmingCharacters(in: .newlines))\n" }.joined(separator: "\n")
            if parts.count > 1 { notes.append("\(parts.count) messages joined under role headings (## system, ## user)") }
        }
        let ownVariables = folioVariables(value("variables"), id: id, path: path, notes: &notes)
        var metadata = entries.filter { !known.contains($0.key) && !($0.key == "variables" && ownVariables != nil) }
        if let model = value("model") { metadata.insert(Value.Entry("model", model), at: 0) }
        let variables = declaringUsedNames(body, ownVariables ?? [], fromFile: ownVariables != nil, notes: &notes)
        let prompt = Prompt(id: id, title: value("name")?.scalarText, description: value("description")?.scalarText,
                            variables: variables, metadata: metadata.isEmpty ? nil : .map(metadata), body: body)
        return ImportedPrompt(source: path, format: .ghModels, prompt: prompt, notes: notes)
    }

    /// The frontmatter's top-level entries, read leniently: an entry that is not valid YAML is kept as text.
    static func frontmatter(_ yaml: String?, path: String, notes: inout [String]) throws -> [Value.Entry] {
        guard let yaml, !yaml.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return [] }
        let document: YAMLDocument
        do {
            document = try YAMLParser(mode: .lenient).parse(yaml)
        } catch let error as YAMLError {
            throw FolioError.invalidFile(path, line: error.mark.line + 1, column: error.mark.column, "the frontmatter cannot be read even leniently: \(error.message)")
        }
        notes += document.warnings.map { "read leniently: \($0.message)" }
        return (document.root.map(Value.init(node:))?.entries) ?? []
    }

    /// folio's own `variables:` declarations, as `folio export` writes them; nil when the file has none (or
    /// something else under that name, which then stays in metadata).
    static func folioVariables(_ value: Value?, id: PromptID, path: String, notes: inout [String]) -> [Variable]? {
        guard let value, value.list != nil else { return nil }
        do {
            return try PromptCodec.prompt(fromFrontmatter: .map([Value.Entry("variables", value)]), id: id, body: "", path: path).variables
        } catch {
            notes.append("'variables' is not a folio declaration (\(error)); kept under metadata")
            return nil
        }
    }

    /// A use of a tool's own variable in a body: where, and which variable.
    struct ToolVariable {
        let range: Range<String.Index>
        /// `arguments`, `1`, `2`… for Claude; the input's name for Copilot.
        let key: String
        var description: String?
        var fallback: String?
    }

    /// Claude Code's `$ARGUMENTS` and `$1`, `$2`…
    static func claudeArguments(_ body: String) -> [ToolVariable] {
        var uses: [ToolVariable] = []
        var index = body.startIndex
        while let dollar = body[index...].firstIndex(of: "$") {
            let after = body.index(after: dollar)
            if body[after...].hasPrefix("ARGUMENTS") {
                let end = body.index(after, offsetBy: "ARGUMENTS".count)
                uses.append(ToolVariable(range: dollar..<end, key: "arguments"))
                index = end
                continue
            }
            var end = after
            while end < body.endIndex, body[end].isASCII, body[end].isNumber { end = body.index(after: end) }
            if end > after, let number = Int(body[after..<end]), number > 0 {
                uses.append(ToolVariable(range: dollar..<end, key: String(number)))
            }
            index = end > after ? end : after
        }
        return uses
    }

    /// Copilot's `${input:name}`, `${input:name:placeholder}`, `${input:name|default}`; its own variables
    /// (`${file}`, `${selection}`) stay text.
    static func copilotInputs(_ body: String) -> [ToolVariable] {
        var uses: [ToolVariable] = []
        var index = body.startIndex
        while let start = body.range(of: "${input:", range: index..<body.endIndex) {
            guard let end = body[start.upperBound...].firstIndex(of: "}") else { break }
            let inside = body[start.upperBound..<end]
            var name = Substring(inside), description: String?, fallback: String?
            if let bar = inside.firstIndex(of: "|") { name = inside[..<bar]; fallback = String(inside[inside.index(after: bar)...]) }
            if let colon = name.firstIndex(of: ":") { description = String(name[name.index(after: colon)...]); name = name[..<colon] }
            uses.append(ToolVariable(range: start.lowerBound..<body.index(after: end), key: name.trimmingCharacters(in: .whitespaces),
                                     description: description, fallback: fallback))
            index = body.index(after: end)
        }
        return uses
    }

    /// A body of a tool without Mustache, as a folio body: the tool's variables become folio's, and every other
    /// `{{` is text (the tool shows it as written) — except, in a file folio exported (its own declarations
    /// are there), the tags of the declared variables and of the sections over them, which are folio's.
    static func translate(_ body: String, uses: [ToolVariable], declared: [Variable]?, variables: inout [Variable],
                          notes: inout [String]) -> String {
        // With folio's declarations, a tool variable that is none of them was text in folio (Claude Code fills it
        // all the same).
        func name(_ use: ToolVariable) -> String? {
            if let declared {
                if use.key == "arguments" { return declared.count == 1 ? declared[0].name : nil }
                if let number = Int(use.key) { return number <= declared.count ? declared[number - 1].name : nil }
                return declared.contains { $0.name == use.key } ? use.key : nil
            }
            if use.key == "arguments" { return "arguments" }
            if Int(use.key) != nil { return "arg" + use.key }
            return variableName(use.key)
        }
        for use in uses where declared == nil {
            guard let variableName = name(use), !variables.contains(where: { $0.name == variableName }) else { continue }
            let description = use.description ?? (use.key == "arguments" ? "What follows the command" : Int(use.key).map { "Argument \($0)" })
            variables.append(Variable(name: variableName, description: description, defaultValue: use.fallback.map(Value.string)))
        }
        // folio's tags: those naming a declared variable, and everything inside a section over one.
        let names = Set((declared ?? []).map(\.name))
        let kept = names.isEmpty ? [] : TemplateScanner.scan(body).tags.filter { tag in
            guard [.variable, .section, .invertedSection, .close].contains(tag.kind) else { return false }
            let root = String(tag.name.split(separator: ".").first ?? "")
            return names.contains(root) || tag.enclosingSections.contains { names.contains($0) }
        }
        let bytes = Array(body.utf8)
        var pieces: [(offset: Int, end: Int, write: (inout MustacheText) -> Void)] = []
        for tag in kept {
            let inside: String
            switch tag.kind {
            case .section: inside = "#" + tag.name
            case .invertedSection: inside = "^" + tag.name
            case .close: inside = "/" + tag.name
            default: inside = tag.name
            }
            pieces.append((tag.range.lowerBound, tag.range.upperBound, { $0.tag(inside) }))
        }
        for use in uses {
            guard let variable = name(use) else { continue }
            let start = body.utf8.distance(from: body.startIndex, to: use.range.lowerBound)
            let end = body.utf8.distance(from: body.startIndex, to: use.range.upperBound)
            pieces.append((start, end, { $0.variable(variable) }))
        }
        pieces.sort { $0.offset < $1.offset }
        var out = MustacheText(avoiding: body)
        var cursor = 0
        for piece in pieces where piece.offset >= cursor {
            out.literal(String(decoding: bytes[cursor..<piece.offset], as: UTF8.self))
            piece.write(&out)
            cursor = piece.end
        }
        out.literal(String(decoding: bytes[cursor...], as: UTF8.self))
        if out.changedDelimiters {
            notes.append("'{{' is text in this format: kept literal (folio writes it after a delimiter change, {{=<% %>=}})")
        }
        return out.text
    }

    /// `name` made a name folio accepts for a variable (`Variable.isValidName`): anything else becomes '_'.
    static func variableName(_ name: String) -> String {
        var out = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
        if out.isEmpty || out.first!.isNumber { out = "_" + out }
        return out
    }

    /// Prompty inputs, a mapping by name (Prompty 1, `type`) or a list of {name, kind, …} (Prompty 2): kinds
    /// mapped to folio's types, `enumValues` to an enum, `required: false` kept.
    static func promptyInputs(_ inputs: Value?, notes: inout [String]) -> [Variable] {
        let entries = inputs?.entries
            ?? (inputs?.list ?? []).compactMap { item in item["name"]?.scalarText.map { Value.Entry($0, item) } }
        return entries.map { entry in
            guard let spec = entry.value.entries.map(Value.map) else {
                // Prompty 1 shorthand: `name: sample value`.
                return Variable(name: variableName(entry.key), defaultValue: entry.value)
            }
            var type = promptyType((spec["kind"] ?? spec["type"])?.scalarText)
            let values = spec["enumValues"]?.list ?? spec["values"]?.list
            if let values, !values.isEmpty { type = .enum }
            if type == .enum, values?.isEmpty ?? true {
                notes.append("input '\(entry.key)' is an enum without values: imported as a string")
                type = nil
            }
            var required: Bool?
            if case .bool(let flag)? = spec["required"], !flag, spec["default"] == nil { required = false }
            return Variable(name: variableName(entry.key), description: spec["description"]?.scalarText, type: type,
                            required: required, defaultValue: spec["default"], values: type == .enum ? values : nil)
        }
    }

    /// folio's type for a Prompty kind (nil: string).
    static func promptyType(_ kind: String?) -> VariableType? {
        switch kind?.lowercased() {
        case "number", "integer", "float", "int", "double": return .number
        case "boolean", "bool": return .boolean
        case "array", "list": return .list
        case "object", "dict": return .object
        case "enum": return .enum
        default: return nil
        }
    }

    /// Prompty splits a body into messages at role lines; the single `user:` line folio writes (or a file with
    /// one user message) is not part of the text.
    static func withoutSoleUserRole(_ body: String) -> String {
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        func isRole(_ line: Substring) -> Bool {
            let trimmed = line.trimmingCharacters(in: .whitespaces).lowercased()
            return ["system:", "user:", "assistant:", "developer:"].contains(trimmed)
        }
        guard let first = lines.firstIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }),
              lines[first].trimmingCharacters(in: .whitespaces).lowercased() == "user:",
              !lines[(first + 1)...].contains(where: isRole) else { return body }
        return lines[(first + 1)...].joined(separator: "\n")
    }

    /// Tags folio cannot render (a template language's helpers, `{{@index}}`) become text, so the prompt is valid
    /// Mustache; a body whose sections do not nest is kept entirely as text.
    static func mustacheOnly(_ body: String, notes: inout [String]) -> String {
        let scan = TemplateScanner.scan(body)
        let foreign = scan.tags.filter { tag in
            [.variable, .section, .invertedSection, .close].contains(tag.kind) && tag.name != "."
                && !(tag.name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { Variable.isValidName(String($0)) })
        }
        var result = body
        if !foreign.isEmpty {
            // A section's opening and closing tags go together.
            let names = Set(foreign.filter { $0.kind != .variable }.map(\.name))
            let literal = scan.tags.filter { tag in foreign.contains(tag) || ([.section, .invertedSection, .close].contains(tag.kind) && names.contains(tag.name)) }
            let bytes = Array(body.utf8)
            let alternate = MustacheText.alternate(avoiding: body)
            var out: [UInt8] = []
            var cursor = 0
            for tag in literal {
                out += bytes[cursor..<tag.range.lowerBound]
                out += Array("{{=\(alternate.open) \(alternate.close)=}}".utf8) + bytes[tag.range] + Array("\(alternate.open)={{ }}=\(alternate.close)".utf8)
                cursor = tag.range.upperBound
            }
            out += bytes[cursor...]
            result = String(decoding: out, as: UTF8.self)
            notes.append("kept as text (not Mustache): " + Array(Set(literal.filter { $0.kind != .close }.map { "{{\($0.name)}}" })).sorted().joined(separator: ", "))
        }
        if let error = TemplateScanner.scan(result).errors.first {
            var out = MustacheText(avoiding: body)
            out.literal(body)
            notes.append("the template is not Mustache (\(error.message)): kept as text")
            return out.text
        }
        return result
    }

    /// The variables, plus each name the body uses that nobody declared. When the file declared its variables,
    /// such a name (a Jinja loop variable, a value from `sample`) is not required: the tool leaves it empty.
    static func declaringUsedNames(_ body: String, _ variables: [Variable], fromFile: Bool, notes: inout [String]) -> [Variable] {
        let scan = TemplateScanner.scan(body)
        let tags = scan.tags
        let used = scan.topLevelNames.filter(Variable.isValidName)
        let missing = used.filter { name in !variables.contains { $0.name == name } }
        guard !missing.isEmpty else { return variables }
        if fromFile {
            notes.append("declared \(missing.joined(separator: ", ")) (used in the body, not declared in the file) as not required")
        }
        return variables + missing.map { name in
            // A name only ever used as a section is tested, not printed: it may be left out. With `{{.}}` right
            // inside, its items are printed: a list.
            let topLevel = tags.filter { $0.enclosingSections.isEmpty && $0.name.split(separator: ".").first.map(String.init) == name }
            let onlySections = topLevel.allSatisfy { [.section, .invertedSection].contains($0.kind) }
            let list = tags.contains { $0.kind == .variable && $0.name == "." && $0.enclosingSections == [name] }
            return Variable(name: name, type: list ? .list : nil, required: fromFile || onlySections ? false : nil)
        }
    }

    static func heading(_ body: String) -> String? {
        body.split(separator: "\n").first { $0.hasPrefix("# ") }.map { String($0.dropFirst(2)).trimmingCharacters(in: .whitespaces) }
    }
}
