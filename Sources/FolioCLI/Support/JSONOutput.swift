import Foundation
import FolioKit

extension CLIContext {
    /// Prints a value as pretty JSON with sorted keys (stable output for scripts and tests), in folio's one
    /// style: snake_case keys, ISO 8601 dates (see `FolioJSON`).
    func printJSON<T: Encodable>(_ value: T) throws {
        stdout.write(String(decoding: try FolioJSON.encoder().encode(value), as: UTF8.self) + "\n")
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
