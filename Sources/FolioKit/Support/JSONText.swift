import Foundation

/// JSON strings by hand, for the places that read or write JSON text themselves (the session reader, the JSONC
/// editor, the index's string lists, and YAML double-quoted scalars in exports and context files, which are JSON
/// string literals): one escaping and one unescaping for all of them.
enum JSONText {
    /// `text` as a JSON string literal, quotes included.
    static func quoted(_ text: String) -> String {
        var out = ""
        appendQuoted(text, to: &out)
        return out
    }

    /// Appends `text` as a JSON string literal, quotes included.
    static func appendQuoted(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// What reading a string literal gave.
    enum Read: Equatable {
        /// The string, and the index just after its closing quote.
        case string(String, end: Int)
        /// Why it is not a string literal, and where.
        case malformed(String, at: Int)
    }

    /// Reads the string literal whose content starts at `start` (just after the opening quote). A surrogate pair
    /// is one character; a lone surrogate becomes U+FFFD. With `singleLine`, a line break ends it as unclosed.
    static func readString<Bytes: RandomAccessCollection>(_ bytes: Bytes, from start: Int, singleLine: Bool = false) -> Read
    where Bytes.Element == UInt8, Bytes.Index == Int {
        var out: [UInt8] = []
        var index = start
        // Bytes between escapes are copied a run at a time (a file's contents inside a JSON string have an escape
        // on every line, and appending byte by byte was most of the time of reading them).
        var run = start
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                out.append(contentsOf: bytes[run..<index])
                return .string(String(decoding: out, as: UTF8.self), end: index + 1)
            }
            if singleLine, byte == UInt8(ascii: "\n") { break }
            guard byte == UInt8(ascii: "\\") else { index += 1; continue }
            out.append(contentsOf: bytes[run..<index])
            guard index + 1 < bytes.endIndex else { break }
            let escaped = bytes[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escaped)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard var scalar = hex4(bytes, at: index) else { return .malformed("a \\u escape needs four hex digits", at: index - 2) }
                index += 4
                if (0xD800..<0xDC00).contains(scalar) {
                    if index + 6 <= bytes.endIndex, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                       let low = hex4(bytes, at: index + 2), (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00..<0xE000).contains(scalar) {
                    scalar = 0xFFFD
                }
                UTF8.encode(Unicode.Scalar(scalar) ?? "\u{FFFD}") { out.append($0) }
            default:
                return .malformed("unknown escape '\\\(Character(Unicode.Scalar(escaped)))'", at: index - 2)
            }
            run = index
        }
        return .malformed("a string is not closed; add '\"'", at: start - 1)
    }

    /// Four hex digits at `index` as a number.
    static func hex4<Bytes: RandomAccessCollection>(_ bytes: Bytes, at index: Int) -> UInt32?
    where Bytes.Element == UInt8, Bytes.Index == Int {
        guard index + 4 <= bytes.endIndex else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = bytes[index + offset]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
