import Foundation

/// Resolves plain scalars to typed values (YAML 1.2 core schema) and decides when a string needs quotes.
enum Resolver {
    static func resolve(_ text: String, style: ScalarStyle, tag: String?) -> ScalarValue {
        if let tag {
            switch tag {
            case "!!str", "tag:yaml.org,2002:str", "!": return .string(text)
            case "!!int", "tag:yaml.org,2002:int": if let value = int(text) { return .int(value) }
            case "!!float", "tag:yaml.org,2002:float": if let value = double(text) { return .double(value) }
            case "!!bool", "tag:yaml.org,2002:bool": if let value = bool(text) { return .bool(value) }
            case "!!null", "tag:yaml.org,2002:null": return .null
            default: break
            }
        }
        guard style == .plain else { return .string(text) }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        default: break
        }
        if let value = bool(text) { return .bool(value) }
        if let value = int(text) { return .int(value) }
        if let value = double(text) { return .double(value) }
        return .string(text)
    }

    static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    static func int(_ text: String) -> Int? {
        var body = Substring(text).utf8
        var sign = 1
        if let first = body.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            sign = first == UInt8(ascii: "-") ? -1 : 1
            body = body.dropFirst()
        }
        guard !body.isEmpty else { return nil }
        let digits = Substring(body)
        if digits.hasPrefix("0x") { return Int(digits.dropFirst(2), radix: 16).map { $0 * sign } }
        if digits.hasPrefix("0o") { return Int(digits.dropFirst(2), radix: 8).map { $0 * sign } }
        guard body.allSatisfy(isDigit) else { return nil }
        return Int(digits).map { $0 * sign }
    }

    /// ASCII digits only: YAML numbers are ASCII, and Unicode digit properties are slow to look up.
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func double(_ text: String) -> Double? {
        // Most scalars are words: a number starts with a digit, a sign or a point.
        guard let first = text.utf8.first, isDigit(first) || first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
                || first == UInt8(ascii: ".") else { return nil }
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
        var bytes = Substring(text).utf8[...]
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        let mantissaEnd = bytes.firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") } ?? bytes.endIndex
        let mantissa = bytes[..<mantissaEnd]
        let parts = mantissa.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard !mantissa.isEmpty, parts.count <= 2, parts.allSatisfy({ $0.allSatisfy(isDigit) }),
              parts.contains(where: { !$0.isEmpty }) else { return nil }
        if mantissaEnd != bytes.endIndex {
            var exponent = bytes[bytes.index(after: mantissaEnd)...]
            if let first = exponent.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { exponent = exponent.dropFirst() }
            guard !exponent.isEmpty, exponent.allSatisfy(isDigit) else { return nil }
        }
        return Double(text)
    }

    /// Writes a double so that it reads back as a double (`1.0`, not `1`).
    static func format(_ value: Double) -> String {
        if value.isNaN { return ".nan" }
        if value.isInfinite { return value < 0 ? "-.inf" : ".inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(format: "%.1f", value) }
        return "\(value)"
    }

    /// True when `text`, written plain, would read back as something other than this string — here or
    /// in a YAML 1.1 reader (PyYAML, older js-yaml), which also takes `yes`, `off` and dates as non-strings.
    static func needsQuotes(_ text: String) -> Bool {
        if text.isEmpty || text != text.trimmingCharacters(in: .whitespaces) { return true }
        if resolve(text, style: .plain, tag: nil) != .string(text) { return true }
        switch text.lowercased() {
        case "y", "n", "yes", "no", "on", "off": return true
        default: break
        }
        // Dates and times, sexagesimal numbers and the like.
        if let first = text.first, first.isNumber, text.contains(where: { $0 == "-" || $0 == ":" }),
           text.allSatisfy({ $0.isNumber || "-:.TtZz +".contains($0) }) {
            return true
        }
        return false
    }
}
