import Foundation

/// A JSON parser for the records of session files. Sessions run to hundreds of megabytes, almost all of it
/// long strings (file contents, command outputs); Foundation's JSONSerialization spends most of a capture
/// decoding those. This one finds a string's end with memchr and makes the String in one step when it has no
/// escapes. It yields what JSONSerialization yields, in Swift types: String, Bool, Int, Double, NSNull,
/// [Any] and [String: Any]; nil for anything that is not JSON. Invalid UTF-8 becomes U+FFFD, as sessions are
/// read leniently.
enum JSONReader {
    static func parse(_ data: Data) -> Any? {
        data.withUnsafeBytes { bytes in
            var parser = Parser(bytes: bytes)
            guard let value = parser.value(depth: 0) else { return nil }
            parser.skipSpace()
            return parser.position == bytes.count ? value : nil
        }
    }

    private struct Parser {
        let bytes: UnsafeRawBufferPointer
        var position = 0
        static let maximumDepth = 512

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        mutating func skipSpace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) -> Any? {
            skipSpace()
            guard position < bytes.count, depth < Self.maximumDepth else { return nil }
            switch bytes[position] {
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: "{"): return object(depth: depth)
            case UInt8(ascii: "["): return array(depth: depth)
            case UInt8(ascii: "t"): return literal("true", true)
            case UInt8(ascii: "f"): return literal("false", false)
            case UInt8(ascii: "n"): return literal("null", NSNull())
            default: return number()
            }
        }

        mutating func literal(_ word: StaticString, _ value: Any) -> Any? {
            let count = word.utf8CodeUnitCount
            guard position + count <= bytes.count, memcmp(bytes.baseAddress! + position, word.utf8Start, count) == 0 else { return nil }
            position += count
            return value
        }

        mutating func object(depth: Int) -> [String: Any]? {
            position += 1
            var object: [String: Any] = [:]
            skipSpace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return object }
            while true {
                skipSpace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\""), let key = string() else { return nil }
                skipSpace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return nil }
                position += 1
                guard let value = value(depth: depth + 1) else { return nil }
                object[key] = value
                skipSpace()
                guard position < bytes.count else { return nil }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                guard bytes[position] == UInt8(ascii: "}") else { return nil }
                position += 1
                return object
            }
        }

        mutating func array(depth: Int) -> [Any]? {
            position += 1
            var array: [Any] = []
            skipSpace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; return array }
            while true {
                guard let value = value(depth: depth + 1) else { return nil }
                array.append(value)
                skipSpace()
                guard position < bytes.count else { return nil }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                guard bytes[position] == UInt8(ascii: "]") else { return nil }
                position += 1
                return array
            }
        }

        /// At an opening quote.
        mutating func string() -> String? {
            let start = position + 1
            let base = bytes.baseAddress!
            guard let quote = memchr(base + start, Int32(UInt8(ascii: "\"")), bytes.count - start) else { return nil }
            let end = base.distance(to: UnsafeRawPointer(quote))
            if memchr(base + start, Int32(UInt8(ascii: "\\")), end - start) == nil {
                position = end + 1
                return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            }
            // With escapes: decoded byte by byte.
            guard case .string(let text, let after) = JSONText.readString(bytes, from: start) else { return nil }
            position = after
            return text
        }

        mutating func number() -> Any? {
            let start = position
            var integral = true
            while position < bytes.count {
                switch bytes[position] {
                case 0x30...0x39, UInt8(ascii: "-"), UInt8(ascii: "+"): position += 1
                case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): integral = false; position += 1
                default:
                    return makeNumber(start, integral)
                }
            }
            return makeNumber(start, integral)
        }

        func makeNumber(_ start: Int, _ integral: Bool) -> Any? {
            guard position > start else { return nil }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            if integral, let value = Int(text) { return value }
            return Double(text)
        }
    }
}
