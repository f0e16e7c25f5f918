import Foundation

/// How folio writes JSON for scripts (the CLI's `--json`, the MCP tools' results): one encoder, so every output
/// has the same key style and date form. docs/cli.md describes it.
///
/// - Field names are snake_case (`success_rate`, `last_date`), whatever the Swift property is called.
/// - Keys that are data stay as written: dictionary keys, a variable's name, a metadata key (`ownerTeam`).
/// - Dates are ISO 8601 in UTC with whole seconds (`2026-11-24T09:30:00Z`): what git records and what context
///   files hold, so a date read from JSON compares equal to the same date anywhere else in folio.
///
/// A central key strategy rather than CodingKeys on every type, so that a new output cannot forget it and the
/// models' Codable forms used for storage (analytics events) stay as they are.
public enum FolioJSON {
    /// An encoder applying folio's policy: pretty-printed with sorted keys (stable for diffs and tests), or
    /// compact on one line.
    public static func encoder(pretty: Bool = true) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamps.format(date))
        }
        let keys = KeyStyle()
        encoder.keyEncodingStrategy = .custom { path in keys.convert(path[path.count - 1]) }
        return encoder
    }

    /// `successRate` → `success_rate`, `eventID` → `event_id`, `URLPath` → `url_path`; snake_case stays as it is.
    public static func snakeCase(_ name: String) -> String {
        guard name.contains(where: \.isUppercase) else { return name }
        let characters = Array(name)
        var result = ""
        for (index, character) in characters.enumerated() {
            if character.isUppercase, index > 0 {
                let previous = characters[index - 1]
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                // A new word starts at an upper-case letter after a lower-case one or a digit (`successRate`), and at
                // the last capital of an acronym followed by a lower-case letter (`URLPath`).
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && next?.isLowercase == true) {
                    result.append("_")
                }
            }
            result += character.lowercased()
        }
        return result
    }

    /// Tells field names from data keys, and remembers both answers.
    ///
    /// A type's field names come from its `CodingKeys`, which Swift makes an enum (and which folio writes as
    /// one); keys made at run time from data (a dictionary's, Foundation's `_DictionaryCodingKey`, any key
    /// struct built from a string) are structs. Only enum keys are converted.
    private final class KeyStyle: @unchecked Sendable {
        private let lock = NSLock()
        private var isFieldName: [ObjectIdentifier: Bool] = [:]
        private var converted: [String: String] = [:]

        func convert(_ key: any CodingKey) -> any CodingKey {
            let type = ObjectIdentifier(Swift.type(of: key))
            let name = key.stringValue
            return lock.withLock { () -> any CodingKey in
                let field: Bool
                if let known = isFieldName[type] {
                    field = known
                } else {
                    field = Mirror(reflecting: key).displayStyle == .enum
                    isFieldName[type] = field
                }
                guard field else { return key }
                if let snake = converted[name] { return snake == name ? key : FieldKey(snake) }
                let snake = FolioJSON.snakeCase(name)
                converted[name] = snake
                return snake == name ? key : FieldKey(snake)
            }
        }
    }

    private struct FieldKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
