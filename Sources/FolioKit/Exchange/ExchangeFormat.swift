import Foundation

/// The prompt files other tools read, which folio exports to and imports from.
public enum ExchangeFormat: String, Sendable, CaseIterable, Codable {
    /// Claude Code slash commands: `.claude/commands/<id>.md` (`$ARGUMENTS`, `$1`…).
    case claudeCommands = "claude-commands"
    /// Claude skills: `.claude/skills/<name>/SKILL.md`.
    case claudeSkills = "claude-skills"
    /// Cursor rules: `.cursor/rules/<id>.mdc` (`globs` a bare comma-separated string).
    case cursorRules = "cursor-rules"
    /// GitHub Copilot prompt files: `.github/prompts/<id>.prompt.md` (`${input:name}`).
    case copilotPrompts = "copilot-prompts"
    /// Microsoft Prompty: `<id>.prompty` (`inputs`, `{{name}}`).
    case prompty
    /// Google's Dotprompt: `<id>.prompt` (`input.schema`, Handlebars `{{name}}`).
    case dotprompt
    /// GitHub Models prompt files: `<id>.prompt.yml` (`messages`, `{{name}}`).
    case ghModels = "gh-models"

    /// Where an exported prompt goes, relative to the output folder: the id's folders kept where the tool reads
    /// subfolders, else joined with '-' (so two ids can meet at one path; export refuses to write either).
    func path(for id: PromptID) -> String {
        let flat = id.rawValue.replacingOccurrences(of: "/", with: "-")
        switch self {
        case .claudeCommands: return ".claude/commands/\(id.rawValue).md"  // subfolders are namespaces in Claude Code
        case .claudeSkills: return ".claude/skills/\(flat)/SKILL.md"
        case .cursorRules: return ".cursor/rules/\(id.rawValue).mdc"  // Cursor reads subfolders of .cursor/rules
        case .copilotPrompts: return ".github/prompts/\(flat).prompt.md"
        case .prompty: return "\(id.rawValue).prompty"
        case .dotprompt: return "\(id.rawValue).prompt"
        case .ghModels: return "\(id.rawValue).prompt.yml"
        }
    }

    /// Why the tool's files cannot keep an id's folders; nil where they do.
    var flatFolder: String? {
        switch self {
        case .copilotPrompts: return "VS Code reads the prompt files in .github/prompts, not in its subfolders"
        case .claudeSkills: return "Claude Code reads each skill from a folder right under .claude/skills"
        default: return nil
        }
    }

    /// The format a file is in, from its name and (for Markdown) its frontmatter keys.
    static func detect(path: String, frontmatterKeys: Set<String>) -> ExchangeFormat? {
        // Collected files often flatten their folders into the name (`owner__repo__.claude__commands__x.md`).
        let path = path.replacingOccurrences(of: "__", with: "/")
        let name = (path as NSString).lastPathComponent
        if name.hasSuffix(".mdc") { return .cursorRules }
        if name == "SKILL.md" { return .claudeSkills }
        if name.hasSuffix(".prompty") { return .prompty }
        if name.hasSuffix(".yml") || name.hasSuffix(".yaml") { return .ghModels }
        if name.hasSuffix(".prompt") { return .dotprompt }
        if path.contains(".claude/commands/") { return .claudeCommands }
        if name.hasSuffix(".prompt.md") || name.hasSuffix(".instructions.md") || path.contains(".github/prompts/") {
            return .copilotPrompts
        }
        if name.hasSuffix(".md") {
            if !frontmatterKeys.isDisjoint(with: ["allowed-tools", "argument-hint", "disable-model-invocation"]) { return .claudeCommands }
            if !frontmatterKeys.isDisjoint(with: ["globs", "alwaysApply"]) { return .cursorRules }
            if !frontmatterKeys.isDisjoint(with: ["mode", "agent", "tools", "applyTo"]) { return .copilotPrompts }
            return .claudeCommands
        }
        return nil
    }
}

/// One prompt written in another tool's format, and what could not be carried over.
public struct ExportedFile: Sendable, Equatable {
    public let id: String
    public let path: String
    public let text: String
    public let notes: [String]
    /// What writing it did to the file that was there.
    public internal(set) var change: ExportChange = .added
}

/// What an export did to a file.
public enum ExportChange: String, Sendable, Codable {
    /// There was no file.
    case added
    /// The file folio had written there before, with other text.
    case updated
    /// The file there already had this text.
    case unchanged
    /// A file folio had not written (or that was changed since it did), replaced because the export was told to.
    case replaced
}

/// Writes a folio prompt in another tool's format. Pure: the prompt (its includes already expanded, their
/// variables declared) in, text out.
enum Exporter {
    /// Tools that read `{{` as text: folio writes their variable syntax where they have one, and its own
    /// declarations so that `folio import` can tell folio's variables from text.
    static let withoutTemplating: Set<ExchangeFormat> = [.claudeCommands, .claudeSkills, .cursorRules, .copilotPrompts]
    /// Tools with no place for a variable's type, default or values: folio writes its own `variables:` too.
    static let declaringVariables: Set<ExchangeFormat> = withoutTemplating.union([.ghModels])

    static func export(_ prompt: Prompt, as format: ExchangeFormat) -> ExportedFile {
        var notes: [String] = []
        let meta = prompt.metadata?.entries ?? []
        func metaValue(_ key: String) -> Value? { meta.first { $0.key == key }?.value }
        let variables = prompt.variables
        var lines: [String] = []
        var body = prompt.body
        let description = prompt.description
        let scan = TemplateScanner.scan(prompt.body)
        if scan.tags.contains(where: { [.section, .invertedSection].contains($0.kind) }) && declaringVariables.contains(format) {
            notes.append("Mustache sections ({{#…}}) have no equivalent in \(format.rawValue); kept as written")
        }
        // Variables an import made from `$ARGUMENTS` and `$1`…: no hint was written for them.
        let fromClaude = variables.allSatisfy { $0.name == "arguments" || ($0.name.hasPrefix("arg") && Int($0.name.dropFirst(3)) != nil) }
        switch format {
        case .claudeCommands:
            if let description { lines.append("description: \(YAMLText.quoted(description))") }
            // Claude Code fills $ARGUMENTS (everything) and $1…$9 (by position).
            let positional = Array(variables.prefix(9).enumerated())
            let positions = Dictionary(uniqueKeysWithValues: positional.map { ($0.element.name, $0.offset + 1) })
            body = toolText(body, variables) { name in
                variables.count == 1 ? (name == variables[0].name ? "$ARGUMENTS" : nil) : positions[name].map { "$\($0)" }
            }
            if variables.count > 9 { notes.append("Claude Code has 9 positional arguments: \(variables.dropFirst(9).map(\.name).joined(separator: ", ")) kept as {{name}}") }
            if !variables.isEmpty, !fromClaude || metaValue("argument-hint") != nil {
                lines.append("argument-hint: \(YAMLText.quoted(YAMLText.argumentHint(metaValue("argument-hint"), variables)))")
            }
            if let model = prompt.model?.name { lines.append("model: \(YAMLText.quoted(model))") }
            notes += unfilledDefaults(variables, tool: "Claude Code")
        case .claudeSkills:
            lines.append("name: \(YAMLText.quoted(prompt.title ?? prompt.id.rawValue.replacingOccurrences(of: "/", with: "-")))")
            lines.append("description: \(YAMLText.quoted(description ?? prompt.title ?? prompt.id.rawValue))")
            body = toolText(body, variables) { _ in nil }
            if !variables.isEmpty { notes.append("skills take no arguments: variables kept as {{name}}") }
        case .cursorRules:
            lines.append("description:" + (description.map { " " + YAMLText.quoted($0) } ?? ""))
            // Cursor reads globs as a bare comma-separated string, not a YAML list or a quoted string.
            let globs = metaValue("globs").map(YAMLText.globs) ?? ""
            lines.append("globs: \(globs)")
            lines.append("alwaysApply: \(metaValue("alwaysApply")?.scalarText ?? "false")")
            body = toolText(body, variables) { _ in nil }
            if !variables.isEmpty { notes.append("Cursor rules take no arguments: variables kept as {{name}}") }
        case .copilotPrompts:
            if let description { lines.append("description: \(YAMLText.quoted(description))") }
            if let model = prompt.model?.name { lines.append("model: \(YAMLText.quoted(model))") }
            let byName = Dictionary(uniqueKeysWithValues: variables.map { ($0.name, $0) })
            body = toolText(body, variables) { name in
                guard let variable = byName[name] else { return nil }
                if let value = variable.defaultValue?.scalarText { return "${input:\(name)|\(value)}" }
                return "${input:\(name)" + (variable.description.map { ":\($0)" } ?? "") + "}"
            }
            notes += unfilledDefaults(variables.filter { $0.defaultValue?.scalarText == nil }, tool: "Copilot")
        case .prompty:
            lines.append("name: \(YAMLText.quoted(prompt.title ?? prompt.id.rawValue))")
            if let description { lines.append("description: \(YAMLText.quoted(description))") }
            if let model = metaValue("model"), case .map = model { lines.append("model:\n" + YAMLText.block(model, indent: 2)) }
            else if let name = prompt.model?.name { lines.append("model:\n  api: chat\n  configuration:\n    name: \(YAMLText.quoted(name))") }
            // Prompty renders Jinja unless told otherwise; folio's sections and comments are Mustache.
            if metaValue("template") == nil, scan.tags.contains(where: { ![.variable, .close].contains($0.kind) }) {
                lines.append("template:\n  format: mustache\n  parser: prompty")
            }
            if !variables.isEmpty { lines.append(promptyInputs(variables, imported: metaValue("inputs"))) }
            // Prompty splits the body into messages at role lines; a folio prompt is one message.
            if !body.split(separator: "\n").contains(where: { ["system:", "user:", "assistant:"].contains($0.trimmingCharacters(in: .whitespaces)) }) {
                body = "user:\n" + body
            }
        case .dotprompt:
            if let description { lines.append("description: \(YAMLText.quoted(description))") }
            if let name = prompt.model?.name ?? metaValue("model")?.scalarText { lines.append("model: \(name)") }
            if !variables.isEmpty || metaValue("input") != nil {
                lines.append("input:\n" + YAMLText.block(dotpromptInput(variables, imported: metaValue("input")), indent: 2, plain: true))
            }
        case .ghModels:
            var yaml: [String] = []
            if let title = prompt.title { yaml.append("name: \(YAMLText.quoted(title))") }
            if let description { yaml.append("description: \(YAMLText.quoted(description))") }
            if let name = prompt.model?.name ?? metaValue("model")?.scalarText { yaml.append("model: \(name)") }
            if let declarations = declarations(variables) { yaml.append(declarations) }
            for entry in meta where entry.key != "model" && !isEmpty(entry.value) {
                if case .map = entry.value { yaml.append("\(entry.key):\n" + YAMLText.block(entry.value, indent: 2)) }
                else { yaml.append("\(entry.key): \(YAMLText.inline(entry.value))") }
            }
            yaml.append("messages:")
            for (role, content) in messages(body) {
                // The block scalar keeps the text's final line breaks as they are: none (|-), one (|), more (|+).
                let breaks = content.reversed().prefix { $0 == "\n" }.count
                let text = breaks == 0 ? content : String(content.dropLast())
                yaml.append("  - role: \(role)")
                yaml.append("    content: " + (breaks == 0 ? "|-" : breaks == 1 ? "|" : "|+"))
                yaml.append(contentsOf: text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "      " + $0 })
            }
            return ExportedFile(id: prompt.id.rawValue, path: format.path(for: prompt.id), text: yaml.joined(separator: "\n") + "\n", notes: notes)
        }
        if withoutTemplating.contains(format) {
            if let declarations = declarations(variables) {
                lines.append(declarations)
            } else if (format == .claudeCommands && !Importer.claudeArguments(body).isEmpty)
                        || (format == .copilotPrompts && !Importer.copilotInputs(body).isEmpty) {
                // The text has the tool's variable syntax but folio has no variables: say so, so that an import
                // keeps it as text.
                lines.append("variables: []")
                notes.append("the text has \(format == .claudeCommands ? "$ARGUMENTS or $1…" : "${input:…}"), which \(format == .claudeCommands ? "Claude Code" : "Copilot") fills as arguments")
            }
        }
        // Every other field the prompt brought from its tool goes back as it was; an empty one says nothing to
        // the tool, and written bare (`team:`) it would read as another value.
        let written = Set(lines.compactMap { $0.split(separator: ":", maxSplits: 1).first.map(String.init) }.filter { !$0.hasPrefix(" ") })
        for entry in meta where !written.contains(entry.key) && !isEmpty(entry.value)
            && !(format == .dotprompt && ["model", "input"].contains(entry.key)) && !(format == .prompty && entry.key == "inputs") {
            if case .map = entry.value { lines.append("\(entry.key):\n" + YAMLText.block(entry.value, indent: 2)) }
            else { lines.append("\(entry.key): \(YAMLText.inline(entry.value))") }
        }
        return ExportedFile(id: prompt.id.rawValue, path: format.path(for: prompt.id), text: withFrontmatter(lines, body), notes: notes)
    }

    /// The frontmatter lines and the body as one file. With no lines there is no frontmatter (an empty block is
    /// noise to the tool), unless the body starts with `---`, which would then be taken for one.
    static func withFrontmatter(_ lines: [String], _ body: String) -> String {
        guard lines.isEmpty else { return "---\n" + lines.joined(separator: "\n") + "\n---\n" + body }
        return body.hasPrefix("---\n") || body.hasPrefix("---\r\n") || body == "---" ? "---\n---\n" + body : body
    }

    /// A value that says nothing: null or an empty mapping. (An empty list does: `tools: []` is "no tools".)
    static func isEmpty(_ value: Value) -> Bool {
        switch value {
        case .null: return true
        case .map(let entries): return entries.isEmpty
        default: return false
        }
    }

    /// folio's `variables:` block (names, types, defaults, values), as a folio file writes it.
    static func declarations(_ variables: [Variable]) -> String? {
        guard !variables.isEmpty, let id = try? PromptID("declarations") else { return nil }
        let text = String(decoding: PromptCodec.encode(Prompt(id: id, variables: variables)), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().prefix { $0 != "---" }
        return lines.joined(separator: "\n")
    }

    /// A note for each default a tool will not fill in.
    static func unfilledDefaults(_ variables: [Variable], tool: String) -> [String] {
        variables.compactMap { variable in
            variable.defaultValue.map { "\(tool) has no defaults: '\(variable.name)' is empty unless given (folio's default: \(YAMLText.inline($0)))" }
        }
    }

    /// A Mustache body as a tool without templating reads it: each variable in the tool's syntax where it has
    /// one (`replacement`), other tags in the default delimiters; delimiter changes, pragmas and comments, which
    /// render to nothing, left out (with their line when they stand alone), so literal braces read as braces.
    /// Tags inside a section over a list or object are the items' fields, not the variables.
    static func toolText(_ body: String, _ variables: [Variable], replacement: (String) -> String?) -> String {
        let scan = TemplateScanner.scan(body)
        let bytes = Array(body.utf8)
        let collections = Set(variables.filter { [.list, .object].contains($0.type) }.map(\.name))
        var out: [UInt8] = []
        var cursor = 0
        for tag in scan.tags {
            var text: String
            var range = tag.range
            switch tag.kind {
            case .setDelimiter, .comment, .pragma:
                text = ""
                // A tag alone on its line takes the line with it, as Mustache renders it.
                var start = range.lowerBound, end = range.upperBound
                while start > 0, bytes[start - 1] == 0x20 || bytes[start - 1] == 0x09 { start -= 1 }
                while end < bytes.count, bytes[end] == 0x20 || bytes[end] == 0x09 || bytes[end] == 0x0D { end += 1 }
                if (start == 0 || bytes[start - 1] == 0x0A), end < bytes.count, bytes[end] == 0x0A, start >= cursor {
                    range = start..<(end + 1)
                }
            case .variable:
                let inCollection = tag.enclosingSections.contains { collections.contains($0) }
                text = (inCollection ? nil : replacement(tag.name)) ?? "{{\(tag.name)}}"
            case .section: text = "{{#\(tag.name)}}"
            case .invertedSection: text = "{{^\(tag.name)}}"
            case .close: text = "{{/\(tag.name)}}"
            case .partial: text = "{{> \(tag.name)}}"
            case .parent: text = "{{<\(tag.name)}}"
            case .block: text = "{{$\(tag.name)}}"
            }
            guard range.lowerBound >= cursor else { continue }
            out += bytes[cursor..<range.lowerBound] + Array(text.utf8)
            cursor = range.upperBound
        }
        out += bytes[cursor...]
        return String(decoding: out, as: UTF8.self)
    }

    /// Prompty inputs: each as imported (keeping keys folio has no place for, such as `internal`), with folio's
    /// kind, description, default, enum values and `required: false`. Prompty 1 writes inputs as a mapping by
    /// name (`type`), Prompty 2 as a list of {name, kind, …}.
    static func promptyInputs(_ variables: [Variable], imported: Value?) -> String {
        let listed = imported?.list
        let typeKey = imported?.entries?.contains { $0.value["type"] != nil } == true ? "type" : "kind"
        var entries: [Value.Entry] = []
        var items: [Value] = []
        for variable in variables {
            var spec = (listed?.first { $0["name"]?.scalarText == variable.name } ?? imported?[variable.name])?.entries ?? []
            func set(_ key: String, _ value: Value?) {
                if let index = spec.firstIndex(where: { $0.key == key }) {
                    if let value { spec[index].value = value } else { spec.remove(at: index) }
                } else if let value {
                    spec.append(Value.Entry(key, value))
                }
            }
            // A kind that means the same as folio's type stays as written (`integer` is a folio number).
            let original = (spec.first { $0.key == typeKey })?.value.scalarText
            let sameType = Importer.promptyType(original) == (variable.type == .string ? nil : variable.type)
                || (variable.type == .enum && Importer.promptyType(original) == nil && original != nil)
            let kind: String
            switch variable.type {
            case .string, .enum: kind = "string"
            case .number: kind = "number"
            case .boolean: kind = "boolean"
            case .list: kind = "array"
            case .object: kind = "object"
            }
            set(typeKey, .string(sameType ? original ?? kind : kind))
            set("description", variable.description.map(Value.string))
            set("default", variable.defaultValue)
            set("enumValues", variable.type == .enum ? .list(variable.values ?? []) : nil)
            // Prompty 2 requires an array's item kind; folio's lists hold text unless said otherwise.
            if kind == "array", !spec.contains(where: { $0.key == "items" }) { set("items", .map([Value.Entry("kind", .string("string"))])) }
            if variable.required == false { set("required", .bool(false)) }
            entries.append(Value.Entry(variable.name, .map(spec)))
            items.append(.map(spec))
        }
        if listed != nil {
            return "inputs:\n" + items.map { "  - " + YAMLText.inline($0) }.joined(separator: "\n")
        }
        return "inputs:\n" + YAMLText.block(.map(entries), indent: 2)
    }

    /// Dotprompt's `input`: `schema` in Picoschema (an imported property kept as written while it means the same
    /// as the variable), `default` with folio's defaults, other keys as imported.
    static func dotpromptInput(_ variables: [Variable], imported: Value?) -> Value {
        let importedSchema = imported?["schema"]?.entries ?? []
        var ignored: [String] = []
        var schema: [Value.Entry] = []
        for variable in variables {
            let kept = importedSchema.first { entry in
                let read = Picoschema.variable(entry, defaults: variable.defaultValue.map { .map([Value.Entry(variable.name, $0)]) }, notes: &ignored)
                return read.name == variable.name && read.declaredType == variable.declaredType && read.isRequired == variable.isRequired
                    && read.description == variable.description && read.values == variable.values
            }
            schema.append(kept ?? Picoschema.entry(variable))
        }
        var defaults = imported?["default"]?.entries ?? []
        for variable in variables {
            guard let value = variable.defaultValue else { continue }
            if let index = defaults.firstIndex(where: { $0.key == variable.name }) { defaults[index].value = value }
            else { defaults.append(Value.Entry(variable.name, value)) }
        }
        var input: [Value.Entry] = []
        if !schema.isEmpty { input.append(Value.Entry("schema", .map(schema))) }
        if !defaults.isEmpty { input.append(Value.Entry("default", .map(defaults))) }
        input += (imported?.entries ?? []).filter { !["schema", "default"].contains($0.key) }
        return .map(input)
    }

    /// A body as chat messages: split at `## system`, `## user`, `## assistant` headings when it starts with
    /// one (how folio imports several messages), else one user message.
    static func messages(_ body: String) -> [(String, String)] {
        let roles: Set<String> = ["system", "user", "assistant"]
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        func role(_ line: Substring) -> String? {
            guard line.hasPrefix("## ") else { return nil }
            let name = line.dropFirst(3).trimmingCharacters(in: .whitespaces)
            return roles.contains(name) ? name : nil
        }
        guard let first = lines.first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }), role(first) != nil else {
            return [("user", body)]
        }
        var result: [(String, [Substring])] = []
        for line in lines {
            if let name = role(line) { result.append((name, [])) } else if !result.isEmpty { result[result.count - 1].1.append(line) }
        }
        return result.map { ($0.0, $0.1.joined(separator: "\n").trimmingCharacters(in: .newlines)) }
    }
}

/// Small pieces of YAML text for the frontmatter folio writes for other tools.
enum YAMLText {
    /// A double-quoted scalar: a JSON string literal, which YAML reads.
    static func quoted(_ text: String) -> String { JSONText.quoted(text) }

    /// A value on one line: scalars plain when safe, lists and maps in flow style.
    static func inline(_ value: Value) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number): return number == number.rounded() && abs(number) < 1e15 ? String(format: "%.1f", number) : "\(number)"
        case .string(let text): return quoted(text)
        case .list(let items): return "[" + items.map(inline).joined(separator: ", ") + "]"
        case .map(let entries): return "{" + entries.map { "\(quoted($0.key)): \(inline($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    /// A mapping as block YAML, indented; `plain` writes strings unquoted where YAML reads them back as the
    /// same text (`diff: string, The change`).
    static func block(_ value: Value, indent: Int, plain: Bool = false) -> String {
        let pad = String(repeating: " ", count: indent)
        guard case .map(let entries) = value, !entries.isEmpty else { return pad + inline(value) }
        return entries.map { entry -> String in
            let key = isPlain(entry.key) ? entry.key : quoted(entry.key)
            if case .map(let inner) = entry.value, !inner.isEmpty { return "\(pad)\(key):\n" + block(entry.value, indent: indent + 2, plain: plain) }
            if plain, case .string(let text) = entry.value, isPlain(text) { return "\(pad)\(key): \(text)" }
            return "\(pad)\(key): \(inline(entry.value))"
        }.joined(separator: "\n")
    }

    /// Whether a string reads back as itself when written unquoted.
    static func isPlain(_ text: String) -> Bool {
        guard let first = text.first, let last = text.last, first != " ", last != " " else { return false }
        if "-?:,[]{}#&*!|>'\"%@`".contains(first) && !(first == "-" || first == "?" || first == ":") { return false }
        if first == "-" || first == "?" || first == ":" { if text.count == 1 || text.dropFirst().first == " " { return false } }
        if text.contains(": ") || text.contains(" #") || text.hasSuffix(":") || text.contains("\n") || text.contains("\t") { return false }
        if ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"].contains(text.lowercased()) { return false }
        if Double(text) != nil || Int(text) != nil || text.hasPrefix("0x") || text.hasPrefix("0o") { return false }
        return true
    }

    /// Cursor's globs: a bare comma-separated string.
    static func globs(_ value: Value) -> String {
        if let items = value.list { return items.compactMap(\.scalarText).joined(separator: ", ") }
        return value.scalarText ?? ""
    }

    /// Claude's argument hint: kept from an import, else one `<name>` per variable.
    static func argumentHint(_ kept: Value?, _ variables: [Variable]) -> String {
        kept?.scalarText ?? variables.map { "<\($0.name)>" }.joined(separator: " ")
    }
}
