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

    /// Where an exported prompt goes, relative to the output folder.
    func path(for id: PromptID) -> String {
        let flat = id.rawValue.replacingOccurrences(of: "/", with: "-")
        switch self {
        case .claudeCommands: return ".claude/commands/\(id.rawValue).md"  // subfolders are namespaces in Claude Code
        case .claudeSkills: return ".claude/skills/\(flat)/SKILL.md"
        case .cursorRules: return ".cursor/rules/\(id.rawValue).mdc"
        case .copilotPrompts: return ".github/prompts/\(flat).prompt.md"
        case .prompty: return "\(id.rawValue).prompty"
        case .dotprompt: return "\(id.rawValue).prompt"
        case .ghModels: return "\(id.rawValue).prompt.yml"
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
}

/// Writes a folio prompt in another tool's format. Pure: the prompt (its includes already expanded) in, text out.
enum Exporter {
    static func export(_ prompt: Prompt, as format: ExchangeFormat) -> ExportedFile {
        var notes: [String] = []
        let meta = prompt.metadata?.entries ?? []
        func metaValue(_ key: String) -> Value? { meta.first { $0.key == key }?.value }
        let variables = prompt.variables
        var lines: [String] = []
        var body = prompt.body
        let description = prompt.description
        let scan = TemplateScanner.scan(prompt.body)
        if scan.tags.contains(where: { [.section, .invertedSection].contains($0.kind) }) && [.claudeCommands, .claudeSkills, .cursorRules, .copilotPrompts].contains(format) {
            notes.append("Mustache sections ({{#…}}) have no equivalent in \(format.rawValue); kept as written")
        }
        // Variables an import made from `$ARGUMENTS` and `$1`…: no hint was written for them.
        let fromClaude = variables.allSatisfy { $0.name == "arguments" || ($0.name.hasPrefix("arg") && Int($0.name.dropFirst(3)) != nil) }
        switch format {
        case .claudeCommands:
            if let description { lines.append("description: \(YAMLText.quoted(description))") }
            if variables.count == 1 {
                body = replacingVariables(body) { $0 == variables[0].name ? "$ARGUMENTS" : nil }
                if !fromClaude || metaValue("argument-hint") != nil {
                    lines.append("argument-hint: \(YAMLText.quoted(YAMLText.argumentHint(metaValue("argument-hint"), variables)))")
                }
            } else if !variables.isEmpty {
                let positions = Dictionary(uniqueKeysWithValues: variables.enumerated().map { ($0.element.name, $0.offset + 1) })
                body = replacingVariables(body) { name in positions[name].map { "$\($0)" } }
                if !fromClaude || metaValue("argument-hint") != nil {
                    lines.append("argument-hint: \(YAMLText.quoted(YAMLText.argumentHint(metaValue("argument-hint"), variables)))")
                }
            }
            if let model = prompt.model?.name { lines.append("model: \(YAMLText.quoted(model))") }
        case .claudeSkills:
            lines.append("name: \(YAMLText.quoted(prompt.title ?? prompt.id.rawValue.replacingOccurrences(of: "/", with: "-")))")
            lines.append("description: \(YAMLText.quoted(description ?? prompt.title ?? prompt.id.rawValue))")
            if !variables.isEmpty { notes.append("skills take no arguments: variables kept as {{name}}") }
        case .cursorRules:
            lines.append("description:" + (description.map { " " + YAMLText.quoted($0) } ?? ""))
            // Cursor reads globs as a bare comma-separated string, not a YAML list or a quoted string.
            let globs = metaValue("globs").map(YAMLText.globs) ?? ""
            lines.append("globs: \(globs)")
            lines.append("alwaysApply: \(metaValue("alwaysApply")?.scalarText ?? "false")")
            if !variables.isEmpty { notes.append("Cursor rules take no arguments: variables kept as {{name}}") }
        case .copilotPrompts:
            if let description { lines.append("description: \(YAMLText.quoted(description))") }
            if let model = prompt.model?.name { lines.append("model: \(YAMLText.quoted(model))") }
            let byName = Dictionary(uniqueKeysWithValues: variables.map { ($0.name, $0) })
            body = replacingVariables(body) { name in
                guard let variable = byName[name] else { return nil }
                if let value = variable.defaultValue?.scalarText { return "${input:\(name)|\(value)}" }
                return "${input:\(name)" + (variable.description.map { ":\($0)" } ?? "") + "}"
            }
        case .prompty:
            lines.append("name: \(YAMLText.quoted(prompt.title ?? prompt.id.rawValue))")
            if let description { lines.append("description: \(YAMLText.quoted(description))") }
            if let model = metaValue("model"), case .map = model { lines.append("model:\n" + YAMLText.block(model, indent: 2)) }
            else if let name = prompt.model?.name { lines.append("model:\n  api: chat\n  configuration:\n    name: \(YAMLText.quoted(name))") }
            if !variables.isEmpty {
                // Each input as imported (keeping keys folio has no place for, such as `internal`), with folio's
                // type, description and default.
                let imported = metaValue("inputs")
                // Prompty 1 writes inputs as a mapping by name; Prompty 2 as a list of {name, kind, …}.
                let listed = imported?.list
                var inputs: [Value.Entry] = []
                var items: [Value] = []
                for variable in variables {
                    var spec = (listed?.first { $0["name"]?.scalarText == variable.name } ?? imported?[variable.name])?.entries ?? []
                    func set(_ key: String, _ value: Value?) {
                        spec.removeAll { $0.key == key }
                        if let value { spec.append(Value.Entry(key, value)) }
                    }
                    // Prompty 2 (PyPI prompty 2.x) requires `kind`; a file imported from Prompty 1 keeps its `type`.
                    let typeKey = imported?.entries?.contains { $0.value["type"] != nil } == true ? "type" : "kind"
                    set(typeKey, .string(variable.declaredType?.rawValue ?? "string"))
                    set("description", variable.description.map(Value.string))
                    set("default", variable.defaultValue)
                    inputs.append(Value.Entry(variable.name, .map(spec)))
                    items.append(.map(spec))
                }
                if listed != nil {
                    lines.append("inputs:\n" + items.map { "  - " + YAMLText.inline($0) }.joined(separator: "\n"))
                } else {
                    lines.append("inputs:\n" + YAMLText.block(.map(inputs), indent: 2))
                }
            }
            // Prompty splits the body into messages at role lines; a folio prompt is one message.
            if !body.split(separator: "\n").contains(where: { ["system:", "user:", "assistant:"].contains($0.trimmingCharacters(in: .whitespaces)) }) {
                body = "user:\n" + body
            }
        case .dotprompt:
            if let description { lines.append("description: \(YAMLText.quoted(description))") }
            if let name = prompt.model?.name ?? metaValue("model")?.scalarText { lines.append("model: \(name)") }
            if !variables.isEmpty {
                lines.append("input:")
                if let defaults = metaValue("input")?["default"] { lines.append("  default:\n" + YAMLText.block(defaults, indent: 4)) }
                lines.append("  schema:")
                for variable in variables {
                    let type = variable.declaredType.map { $0 == .list ? "array" : $0 == .enum ? "string" : $0.rawValue } ?? "string"
                    let key = variable.isRequired ? variable.name : variable.name + "?"
                    lines.append("    \(key): \(type)" + (variable.description.map { ", \($0)" } ?? ""))
                }
            }
        case .ghModels:
            var yaml: [String] = []
            if let title = prompt.title { yaml.append("name: \(YAMLText.quoted(title))") }
            if let description { yaml.append("description: \(YAMLText.quoted(description))") }
            if let name = prompt.model?.name ?? metaValue("model")?.scalarText { yaml.append("model: \(name)") }
            for entry in meta where entry.key != "model" {
                if case .map = entry.value { yaml.append("\(entry.key):\n" + YAMLText.block(entry.value, indent: 2)) }
                else { yaml.append("\(entry.key): \(YAMLText.inline(entry.value))") }
            }
            yaml.append("messages:")
            for (role, content) in messages(body) {
                yaml.append("  - role: \(role)")
                yaml.append("    content: |-")
                yaml.append(contentsOf: content.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "      " + $0 })
            }
            return ExportedFile(id: prompt.id.rawValue, path: format.path(for: prompt.id), text: yaml.joined(separator: "\n") + "\n", notes: notes)
        }
        // Every other field the prompt brought from its tool goes back as it was.
        let written = Set(lines.compactMap { $0.split(separator: ":", maxSplits: 1).first.map(String.init) }.filter { !$0.hasPrefix(" ") })
        for entry in meta where !written.contains(entry.key) && !(format == .dotprompt && entry.key == "model") && !(format == .prompty && entry.key == "inputs") {
            if case .map = entry.value { lines.append("\(entry.key):\n" + YAMLText.block(entry.value, indent: 2)) }
            else { lines.append("\(entry.key): \(YAMLText.inline(entry.value))") }
        }
        let text = "---\n" + lines.joined(separator: "\n") + "\n---\n" + body
        return ExportedFile(id: prompt.id.rawValue, path: format.path(for: prompt.id), text: text, notes: notes)
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
            return [("user", body.trimmingCharacters(in: .newlines))]
        }
        var result: [(String, [Substring])] = []
        for line in lines {
            if let name = role(line) { result.append((name, [])) } else if !result.isEmpty { result[result.count - 1].1.append(line) }
        }
        return result.map { ($0.0, $0.1.joined(separator: "\n").trimmingCharacters(in: .newlines)) }
    }

    /// The body with each `{{name}}` (and `{{{name}}}`) whose replacement is given rewritten.
    static func replacingVariables(_ body: String, _ replacement: (String) -> String?) -> String {
        let bytes = Array(body.utf8)
        var out: [UInt8] = []
        var cursor = 0
        for tag in TemplateScanner.scan(body).tags where tag.kind == .variable {
            guard let text = replacement(tag.name), tag.range.lowerBound >= cursor else { continue }
            out += bytes[cursor..<tag.range.lowerBound]
            out += Array(text.utf8)
            cursor = tag.range.upperBound
        }
        out += bytes[cursor...]
        return String(decoding: out, as: UTF8.self)
    }
}

/// Small pieces of YAML text for the frontmatter folio writes for other tools.
enum YAMLText {
    /// A double-quoted scalar (JSON string syntax, which YAML reads).
    static func quoted(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }

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

    /// A mapping as block YAML, indented.
    static func block(_ value: Value, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        guard case .map(let entries) = value else { return pad + inline(value) }
        return entries.map { entry -> String in
            if case .map = entry.value { return "\(pad)\(entry.key):\n" + block(entry.value, indent: indent + 2) }
            return "\(pad)\(entry.key): \(inline(entry.value))"
        }.joined(separator: "\n")
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
