import Foundation

/// A value given for a variable: text from the command line (`--var k=v`), or a typed value from a
/// vars file or an API.
public enum VariableInput: Sendable, Equatable {
    case text(String)
    case value(Value)
}

/// Checks given values against declared variables and converts them to their declared types.
struct VariableBinding {
    let declared: [Variable]

    struct Problems {
        var missing: [Variable] = []
        var unknown: [String] = []
        var mistyped: [String] = []
    }

    /// The values to render with: given ones converted, defaults for the rest. Throws one error that lists
    /// every missing, unknown and mistyped variable.
    func bind(_ inputs: [String: VariableInput], allowExtra: Bool, promptID: PromptID) throws -> [Value.Entry] {
        var problems = Problems()
        var bound: [Value.Entry] = []
        let byName = Dictionary(declared.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

        for variable in declared {
            // A null (JSON `null`, YAML `~`) is no value: the default applies, or the variable is missing.
            if let input = inputs[variable.name], input != .value(.null) {
                do {
                    bound.append(Value.Entry(variable.name, try convert(input, to: variable)))
                } catch let error as FolioError {
                    problems.mistyped.append(error.message)
                }
            } else if let value = variable.defaultValue {
                bound.append(Value.Entry(variable.name, value))
            } else if variable.isRequired {
                problems.missing.append(variable)
            }
        }
        for name in inputs.keys.sorted() where byName[name] == nil {
            if allowExtra {
                switch inputs[name]! {
                case .text(let text): bound.append(Value.Entry(name, .string(text)))
                case .value(let value): bound.append(Value.Entry(name, value))
                }
            } else {
                problems.unknown.append(name)
            }
        }

        var lines: [String] = []
        if !problems.missing.isEmpty {
            lines.append("missing required variable\(problems.missing.count == 1 ? "" : "s") for '\(promptID)':")
            for variable in problems.missing {
                let about = [variable.type != .string ? variable.type.rawValue : nil, variable.description]
                    .compactMap { $0 }.joined(separator: ", ")
                lines.append("  \(variable.name)\(about.isEmpty ? "" : " (\(about))")")
            }
            lines.append("pass them with --var NAME=VALUE or --vars-file FILE")
        }
        if !problems.unknown.isEmpty {
            let names = declared.map(\.name)
            for name in problems.unknown {
                lines.append("'\(promptID)' has no variable '\(name)'\(Suggestions.hint(for: name, in: names))")
            }
            lines.append(names.isEmpty ? "it declares no variables; pass --allow-extra to render anyway"
                                       : "declared: \(names.joined(separator: ", ")); pass --allow-extra to ignore unknown ones")
        }
        lines += problems.mistyped
        if !lines.isEmpty { throw FolioError(.invalidInput, lines.joined(separator: "\n")) }
        return bound
    }

    /// Converts a given value to a variable's type, or explains why it cannot.
    func convert(_ input: VariableInput, to variable: Variable) throws -> Value {
        let name = variable.name
        func wrong(_ shown: String, _ expected: String) -> FolioError {
            FolioError(.invalidInput, "variable '\(name)' expects \(expected), got \(shown)")
        }
        switch (variable.type, input) {
        case (.string, .text(let text)):
            return .string(text)
        case (.string, .value(let value)):
            guard let text = value.scalarText else { throw wrong(value.kindName, "text") }
            return .string(text)

        case (.number, .text(let text)):
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if let int = Int(trimmed) { return .int(int) }
            if let double = Double(trimmed), double.isFinite { return .double(double) }
            throw wrong("'\(text)'", "a number")
        case (.number, .value(let value)):
            switch value {
            case .int, .double: return value
            case .string(let text): return try convert(.text(text), to: variable)
            default: throw wrong(value.kindName, "a number")
            }

        case (.boolean, .text(let text)):
            switch text.lowercased() {
            case "true", "yes", "1", "on": return .bool(true)
            case "false", "no", "0", "off": return .bool(false)
            default: throw wrong("'\(text)'", "true or false")
            }
        case (.boolean, .value(let value)):
            if case .bool = value { return value }
            if case .string(let text) = value { return try convert(.text(text), to: variable) }
            throw wrong(value.kindName, "true or false")

        case (.enum, _):
            let allowed = variable.values ?? []
            let given: Value
            switch input {
            case .text(let text): given = .string(text)
            case .value(let value): given = value
            }
            if let match = allowed.first(where: { $0 == given || ($0.scalarText != nil && $0.scalarText == given.scalarText) }) {
                return match
            }
            let shown = given.scalarText.map { "'\($0)'" } ?? given.kindName
            throw wrong(shown, "one of \(allowed.compactMap(\.scalarText).joined(separator: ", "))")

        case (.list, .text(let text)):
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("[") {
                // JSON, or YAML's flow form as `--set` reads it (`[a, b]`).
                guard let value = (try? Value.parseJSON(Data(trimmed.utf8))) ?? (try? Value.parseYAML(trimmed)), case .list = value else {
                    throw wrong("'\(text)'", "a list (a JSON array, [a, b], or items separated by commas)")
                }
                return value
            }
            if trimmed.isEmpty { return .list([]) }
            return .list(trimmed.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) })
        case (.list, .value(let value)):
            // Text is read as on the command line: a JSON array, or items separated by commas.
            if case .string(let text) = value { return try convert(.text(text), to: variable) }
            guard case .list = value else { throw wrong(value.kindName, "a list") }
            return value

        case (.object, .text(let text)):
            guard let value = (try? Value.parseJSON(Data(text.utf8))) ?? (try? Value.parseYAML(text)), case .map = value else {
                throw wrong("'\(text)'", "an object (a JSON object such as {\"name\": \"x\"}, or {name: x})")
            }
            return value
        case (.object, .value(let value)):
            if case .string(let text) = value { return try convert(.text(text), to: variable) }
            guard case .map = value else { throw wrong(value.kindName, "an object") }
            return value
        }
    }
}
