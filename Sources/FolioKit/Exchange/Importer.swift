import Foundation
internal import YAML

/// A file of another tool read as a folio prompt, and what could not be translated.
public struct ImportedPrompt: Sendable, Equatable {
    public let source: String
    public let format: ExchangeFormat
    public let prompt: Prompt
    public let notes: [String]
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
        var metadata = entries.filter { !known.contains($0.key) }
        switch format {
        case .claudeCommands:
            body = translateClaude(body, variables: &variables)
        case .copilotPrompts:
            body = translateCopilot(body, variables: &variables)
        case .prompty:
            // A mapping by name (Prompty 1) or a list of {name, kind, …} (Prompty 2).
            let inputs = value("inputs")?.entries
                ?? (value("inputs")?.list ?? []).compactMap { item in item["name"]?.scalarText.map { Value.Entry($0, item) } }
            for entry in inputs {
                let spec = entry.value.entries.map(Value.map)
                let type = (spec?["type"] ?? spec?["kind"])?.scalarText.flatMap(VariableType.init(rawValue:))
                variables.append(Variable(name: entry.key, description: spec?["description"]?.scalarText, type: type,
                                          defaultValue: spec?["default"] ?? (spec == nil ? entry.value : nil)))
            }
            if let model = value("model") { metadata.append(Value.Entry("model", model)) }
            if let inputs = value("inputs") { metadata.append(Value.Entry("inputs", inputs)) }
            if body.contains("{%") { notes.append("Jinja blocks ({% … %}) kept as written; folio renders Mustache") }
        case .dotprompt:
            for entry in value("input")?["schema"]?.entries ?? [] {
                let optional = entry.key.hasSuffix("?")
                let name = optional ? String(entry.key.dropLast()) : entry.key
                let spec = entry.value.scalarText ?? ""
                let parts = spec.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                let type: VariableType? = switch parts.first {
                case "number", "integer": .number
                case "boolean": .boolean
                case "array": .list
                case "object": .object
                default: nil
                }
                variables.append(Variable(name: name, description: parts.count > 1 ? parts[1] : nil, type: type,
                                          required: optional ? false : nil))
            }
            if let model = value("model") { metadata.append(Value.Entry("model", model)) }
            if let defaults = value("input")?["default"] { metadata.append(Value.Entry("input", .map([Value.Entry("default", defaults)]))) }
            if body.contains("{{role") || body.contains("{{#") { notes.append("Handlebars helpers ({{role}}, {{#if}}) kept as written") }
        case .claudeSkills, .cursorRules, .ghModels:
            break
        }
        if variables.isEmpty { variables = declared(in: body) }
        let title = value("title")?.scalarText ?? value("name")?.scalarText ?? heading(body)
        let prompt = Prompt(id: id, title: title, description: value("description")?.scalarText, variables: variables,
                            metadata: metadata.isEmpty ? nil : .map(metadata), body: body)
        return ImportedPrompt(source: path, format: format, prompt: prompt, notes: notes)
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
            body = parts[0].1.hasSuffix("\n") ? parts[0].1 : parts[0].1 + "\n"
        } else {
            body = parts.map { "## \($0.0)\n\n\($0.1.trimmingCharacters(in: .newlines))\n" }.joined(separator: "\n")
            if parts.count > 1 { notes.append("\(parts.count) messages joined under role headings (## system, ## user)") }
        }
        var metadata = entries.filter { !known.contains($0.key) }
        if let model = value("model") { metadata.insert(Value.Entry("model", model), at: 0) }
        let prompt = Prompt(id: id, title: value("name")?.scalarText, description: value("description")?.scalarText,
                            variables: declared(in: body), metadata: metadata.isEmpty ? nil : .map(metadata), body: body)
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

    /// `$ARGUMENTS` → `{{arguments}}`, `$1`…`$9` → `{{arg1}}`…
    static func translateClaude(_ body: String, variables: inout [Variable]) -> String {
        var out = body
        if out.contains("$ARGUMENTS") {
            out = out.replacingOccurrences(of: "$ARGUMENTS", with: "{{arguments}}")
            variables.append(Variable(name: "arguments", description: "What follows the command"))
        }
        for n in 1...9 where out.contains("$\(n)") {
            out = out.replacingOccurrences(of: "$\(n)", with: "{{arg\(n)}}")
            variables.append(Variable(name: "arg\(n)", description: "Argument \(n)"))
        }
        return out
    }

    /// `${input:name}`, `${input:name:placeholder}`, `${input:name|default}` → `{{name}}`; Copilot's own
    /// variables (`${file}`, `${selection}`) stay.
    static func translateCopilot(_ body: String, variables: inout [Variable]) -> String {
        var out = ""
        var rest = Substring(body)
        while let start = rest.range(of: "${input:") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { break }
            let inside = rest[start.upperBound..<end]
            var name = Substring(inside), description: String?, fallback: String?
            if let bar = inside.firstIndex(of: "|") { name = inside[..<bar]; fallback = String(inside[inside.index(after: bar)...]) }
            if let colon = name.firstIndex(of: ":") { description = String(name[name.index(after: colon)...]); name = name[..<colon] }
            let key = String(name).trimmingCharacters(in: .whitespaces)
            if !variables.contains(where: { $0.name == key }) {
                variables.append(Variable(name: key, description: description, defaultValue: fallback.map(Value.string)))
            }
            out += "{{\(key)}}"
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }

    /// Variables a body uses (Mustache `{{name}}`), declared as required strings.
    static func declared(in body: String) -> [Variable] {
        // Names only: a Handlebars helper call (`{{role "system"}}`, `{{#if x}}`) is not a variable.
        TemplateScanner.scan(body).topLevelNames.filter { name in
            name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        }.map { Variable(name: $0) }
    }

    static func heading(_ body: String) -> String? {
        body.split(separator: "\n").first { $0.hasPrefix("# ") }.map { String($0.dropFirst(2)).trimmingCharacters(in: .whitespaces) }
    }
}
