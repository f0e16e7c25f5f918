/// Dotprompt's input schemas, Picoschema (`name?: type, description`, `field(array, description): items`,
/// `field(enum): [a, b]`, `field(object): {…}`) or JSON Schema, read as folio variables and written from them.
/// As google/dotprompt's picoschema.ts reads them.
enum Picoschema {
    /// The variables an `input.schema` declares, with the defaults of `input.default`.
    static func variables(_ schema: Value?, defaults: Value?, notes: inout [String]) -> [Variable] {
        guard let schema else { return [] }
        if let name = schema.scalarText {
            notes.append("input.schema names the schema '\(name)', which folio cannot see: declare the variables by hand")
            return []
        }
        if schema["properties"] != nil || schema["type"]?.scalarText == "object" {
            return jsonSchema(schema, defaults: defaults)
        }
        return (schema.entries ?? []).compactMap { entry in
            guard entry.key != "(*)" else { return nil }
            return variable(entry, defaults: defaults, notes: &notes)
        }
    }

    /// One property: its key read for name, optional marker and parenthesised type, its value for the rest.
    static func variable(_ entry: Value.Entry, defaults: Value?, notes: inout [String]) -> Variable {
        var key = Substring(entry.key)
        var typeInfo: Substring?
        if let paren = key.firstIndex(of: "(") {
            typeInfo = key[key.index(after: paren)...]
            if typeInfo?.hasSuffix(")") == true { typeInfo = typeInfo?.dropLast() }
            key = key[..<paren]
        }
        let optional = key.hasSuffix("?")
        let name = Importer.variableName(String(optional ? key.dropLast() : key).trimmingCharacters(in: .whitespaces))
        var type: VariableType?
        var description: String?
        var values: [Value]?
        if let typeInfo {
            let (kind, text) = extractDescription(String(typeInfo))
            description = text
            switch kind {
            case "array": type = .list
            case "object": type = .object
            case "enum":
                values = (entry.value.list ?? []).filter { $0 != .null }
                type = values?.isEmpty == false ? .enum : nil
            default: notes.append("input '\(name)': unknown type '\(kind)' read as a string")
            }
        } else if let text = entry.value.scalarText {
            let (kind, text) = extractDescription(text)
            description = text
            switch kind {
            case "string", "any", "null": type = nil
            case "number", "integer": type = .number
            case "boolean": type = .boolean
            default:
                notes.append("input '\(name)' is of the schema '\(kind)', which folio cannot see: read as an object")
                type = .object
            }
        } else if entry.value.entries != nil {
            type = .object
        }
        let fallback = defaults?[name]
        return Variable(name: name, description: description, type: type, required: optional && fallback == nil ? false : nil,
                        defaultValue: fallback, values: values)
    }

    /// `type, description` → (type, description).
    static func extractDescription(_ text: String) -> (String, String?) {
        guard let comma = text.firstIndex(of: ",") else { return (text.trimmingCharacters(in: .whitespaces), nil) }
        let description = text[text.index(after: comma)...].drop { $0 == " " }
        return (text[..<comma].trimmingCharacters(in: .whitespaces), String(description))
    }

    /// A JSON Schema object: `properties` with `type`, `description`, `enum`; `required` names.
    static func jsonSchema(_ schema: Value, defaults: Value?) -> [Variable] {
        let required = Set((schema["required"]?.list ?? []).compactMap(\.scalarText))
        return (schema["properties"]?.entries ?? []).map { entry in
            let spec = entry.value
            var type: VariableType?
            let typeName = spec["type"]?.scalarText ?? spec["type"]?.list?.first { $0.scalarText != "null" }?.scalarText
            switch typeName {
            case "number", "integer": type = .number
            case "boolean": type = .boolean
            case "array": type = .list
            case "object": type = .object
            default: type = nil
            }
            let values = spec["enum"]?.list?.filter { $0 != .null }
            if let values, !values.isEmpty { type = .enum }
            let fallback = defaults?[entry.key] ?? spec["default"]
            return Variable(name: Importer.variableName(entry.key), description: spec["description"]?.scalarText, type: type,
                            required: !required.contains(entry.key) && fallback == nil ? false : nil, defaultValue: fallback,
                            values: type == .enum ? values : nil)
        }
    }

    /// A variable as a Picoschema property (key and value).
    static func entry(_ variable: Variable) -> Value.Entry {
        let name = variable.name + (variable.isRequired ? "" : "?")
        func parenthesised(_ kind: String) -> String {
            // Dotprompt splits the key at '(' and drops its last character: the description cannot hold parentheses.
            let description = variable.description.map { String($0.map { $0 == "(" ? "[" : $0 == ")" ? "]" : $0 }) }
            return "\(name)(\(kind)" + (description.map { ", \($0)" } ?? "") + ")"
        }
        switch variable.type {
        case .list: return Value.Entry(parenthesised("array"), .string("any"))
        case .enum: return Value.Entry(parenthesised("enum"), .list(variable.values ?? []))
        case .object: return Value.Entry(parenthesised("object"), .map([Value.Entry("(*)", .string("any"))]))
        case .string, .number, .boolean:
            return Value.Entry(name, .string(variable.type.rawValue + (variable.description.map { ", \($0)" } ?? "")))
        }
    }
}

/// Handlebars (Dotprompt's templates) written as Mustache where Mustache can say the same: `{{#if x}}…{{else}}…{{/if}}`
/// → `{{#x}}…{{/x}}{{^x}}…{{/x}}`, `{{#unless x}}` → `{{^x}}`, `{{#each x}}`/`{{#with x}}` → `{{#x}}`, `{{this}}` → `{{.}}`.
/// Other helpers (`{{role "system"}}`, `{{media url=x}}`) are left for the importer to keep as text.
enum Handlebars {
    static func toMustache(_ body: String, notes: inout [String]) -> String {
        let tags = TemplateScanner.scan(body).tags
        let bytes = Array(body.utf8)
        var out: [UInt8] = []
        var cursor = 0
        var stack: [(helper: String, name: String)] = []
        var translated = false
        func replace(_ tag: TemplateTag, with text: String) {
            out += bytes[cursor..<tag.range.lowerBound] + Array(text.utf8)
            cursor = tag.range.upperBound
            translated = true
        }
        for tag in tags {
            let words = tag.name.split(separator: " ", maxSplits: 1).map(String.init)
            switch tag.kind {
            case .section, .invertedSection:
                if tag.kind == .section, words.count == 2, ["if", "unless", "each", "with"].contains(words[0]) {
                    let name = words[1].trimmingCharacters(in: .whitespaces)
                    stack.append((words[0], name))
                    replace(tag, with: (words[0] == "unless" ? "{{^" : "{{#") + name + "}}")
                } else {
                    stack.append(("", tag.name))
                }
            case .close:
                guard let top = stack.popLast() else { continue }
                if !top.helper.isEmpty, tag.name == top.helper { replace(tag, with: "{{/\(top.name)}}") }
            case .variable:
                if tag.name == "else", let top = stack.last, ["if", "unless"].contains(top.helper) {
                    replace(tag, with: "{{/\(top.name)}}" + (top.helper == "if" ? "{{^" : "{{#") + top.name + "}}")
                } else if tag.name == "this" {
                    replace(tag, with: "{{.}}")
                } else if tag.name.hasPrefix("this.") {
                    replace(tag, with: "{{\(tag.name.dropFirst(5))}}")
                }
            default:
                break
            }
        }
        guard translated else { return body }
        out += bytes[cursor...]
        notes.append("Handlebars blocks ({{#if}}, {{#each}}, {{else}}) written as Mustache sections")
        return String(decoding: out, as: UTF8.self)
    }
}
