import Foundation
import FolioKit

extension CLIContext {
    /// Prints a value as pretty JSON with sorted keys (stable output for scripts and tests), in folio's one
    /// style: snake_case keys, ISO 8601 dates (see `FolioJSON`).
    func printJSON<T: Encodable>(_ value: T) throws {
        stdout.write(String(decoding: try FolioJSON.encoder().encode(value), as: UTF8.self) + "\n")
    }
}

/// A variable as --json shows it.
struct VariableJSON: Encodable {
    let name: String
    let description: String?
    let type: String
    let required: Bool
    let `default`: Value?
    let values: [Value]?

    init(_ variable: Variable) {
        name = variable.name
        description = variable.description
        type = variable.type.rawValue
        required = variable.isRequired
        `default` = variable.defaultValue
        values = variable.values
    }
}

/// A prompt as --json shows it.
struct PromptJSON: Encodable {
    let id: String
    let path: String
    let title: String?
    let description: String?
    let tags: [String]
    let category: String?
    let status: String
    let owners: [String]
    let model: Value?
    let variables: [VariableJSON]
    let partial: Bool
    let metadata: Value?
    let extra: Value?
    let estimatedTokens: Int
    let body: String?

    enum CodingKeys: String, CodingKey {
        case id, path, title, description, tags, category, status, owners, model, variables, partial, metadata, extra, body
        case estimatedTokens = "estimated_tokens"
    }

    init(_ prompt: Prompt, path: String, includeBody: Bool) {
        id = prompt.id.rawValue
        self.path = path
        title = prompt.title
        description = prompt.description
        tags = prompt.tags
        category = prompt.category
        status = prompt.effectiveStatus.rawValue
        owners = prompt.owners
        if let spec = prompt.model {
            var entries: [Value.Entry] = []
            if let name = spec.name { entries.append(Value.Entry("name", .string(name))) }
            if !spec.parameters.isEmpty { entries.append(Value.Entry("parameters", .map(spec.parameters))) }
            model = .map(entries + spec.extra)
        } else {
            model = nil
        }
        variables = prompt.variables.map(VariableJSON.init)
        partial = prompt.partial
        metadata = prompt.metadata
        extra = prompt.extra.isEmpty ? nil : .map(prompt.extra)
        estimatedTokens = prompt.estimatedTokens
        body = includeBody ? prompt.body : nil
    }
}

/// A failure as `--json` reports it on stderr: `{"error": {"kind": …, "exit_code": …, "message": …}}`, with `file`,
/// `line` and `column` when the error is about a place in a file.
struct JSONError: Encodable {
    let kind: String
    let exitCode: Int32
    /// What went wrong and how to fix it, without the location (that is in `file`, `line`, `column`).
    let message: String
    let file: String?
    let line: Int?
    let column: Int?

    private init(kind: String, exitCode: Int32, message: String, file: String? = nil, line: Int? = nil, column: Int? = nil) {
        self.kind = kind
        self.exitCode = exitCode
        self.message = message
        self.file = file
        self.line = line
        self.column = column
    }

    init(_ error: FolioError) {
        let code = FolioExitCode(error.kind)
        // An error that knows its position: the file is what comes before it (a path may hold spaces).
        if let line = error.line, let column = error.column, let range = error.message.range(of: ":\(line):\(column): error: ") {
            self.init(kind: code.name, exitCode: code.rawValue, message: error.detail ?? String(error.message[range.upperBound...]),
                      file: String(error.message[..<range.lowerBound]), line: line, column: column)
        } else {
            self.init(error.message, kind: code.name, exitCode: code.rawValue)
        }
    }

    /// Splits `path:line:col: error: message`, folio's form for an error in a file, into its parts.
    init(_ text: String, kind: String, exitCode: Int32) {
        let text = text.hasPrefix("Error: ") ? String(text.dropFirst("Error: ".count)) : text
        guard let range = text.range(of: ": error: "), !text[..<range.lowerBound].contains(" ") else {
            self.init(kind: kind, exitCode: exitCode, message: text)
            return
        }
        var parts = text[..<range.lowerBound].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var numbers: [Int] = []
        while numbers.count < 2, parts.count > 1, let number = Int(parts[parts.count - 1]) {
            numbers.insert(number, at: 0)
            parts.removeLast()
        }
        self.init(kind: kind, exitCode: exitCode, message: String(text[range.upperBound...]), file: parts.joined(separator: ":"),
                  line: numbers.first, column: numbers.count == 2 ? numbers[1] : nil)
    }
}
