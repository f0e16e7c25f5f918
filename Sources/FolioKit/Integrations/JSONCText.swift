import Foundation

/// A JSON file that may hold comments (`//`, `/* */`) and trailing commas — JSONC, as VS Code writes its
/// settings and `mcp.json`. It is read for its values and changed in place: only the members set are rewritten,
/// so comments, key order and layout everywhere else stay as the user wrote them. Plain JSON is JSONC too.
struct JSONCText {
    private(set) var bytes: [UInt8]

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// A value to write.
    indirect enum Value: Equatable {
        case string(String)
        case bool(Bool)
        case int(Int)
        case array([Value])
        /// Members in the order they are written.
        case object([(String, Value)])

        static func == (lhs: Value, rhs: Value) -> Bool {
            switch (lhs, rhs) {
            case let (.string(a), .string(b)): a == b
            case let (.bool(a), .bool(b)): a == b
            case let (.int(a), .int(b)): a == b
            case let (.array(a), .array(b)): a == b
            case let (.object(a), .object(b)): a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
            default: false
            }
        }
    }

    /// Where the text stops being JSONC.
    struct SyntaxError: Error, CustomStringConvertible {
        let message: String
        let line: Int
        let column: Int
        var description: String { "line \(line), column \(column): \(message)" }
    }

    /// The document's value, as JSONSerialization gives plain JSON's: [String: Any], [Any], String, Int, Double,
    /// Bool, NSNull.
    func value() throws -> Any {
        try parse().value
    }

    /// A step on the way to a value: an object's member, or a list's item (from 0).
    enum Key: Equatable {
        case member(String)
        case item(Int)
    }

    /// Sets the member at `path` (keys from the top object down), adding the objects on the way that are missing.
    /// An existing value there is replaced; its siblings, and every comment outside it, stay. Returns false when
    /// the value replaced held comments, which went with it.
    @discardableResult
    mutating func set(_ path: [String], to value: Value) throws -> Bool {
        try set(path.map { .member($0) }, to: value)
    }

    /// Sets the value at `path`, which may go through list items (`.item(2)`, an item that is there). Missing
    /// members on the way are added as objects; a missing list item is an error.
    @discardableResult
    mutating func set(_ path: [Key], to value: Value) throws -> Bool {
        precondition(!path.isEmpty)
        var node = try parse()
        guard node.kind == .object else { throw SyntaxError(message: "the top level is not an object", line: 1, column: 1) }
        for (depth, key) in path.enumerated() {
            let rest = Array(path[(depth + 1)...])
            let found: (keyStart: Int, value: Node)
            switch key {
            case .member(let name):
                guard node.kind == .object else { throw notA("an object", node) }
                guard let member = node.members.last(where: { $0.key == name }) else {
                    // Missing from here down: one new member holding the rest of the path.
                    let names = rest.compactMap { if case .member(let name) = $0 { name } else { nil } }
                    guard names.count == rest.count else { throw notA("a list with that item", node) }
                    let nested = names.reversed().reduce(value) { inner, key in .object([(key, inner)]) }
                    insert(name, nested, into: node)
                    return true
                }
                found = (member.keyStart, member.value)
            case .item(let index):
                guard node.kind == .array, node.items.indices.contains(index) else { throw notA("a list with that item", node) }
                found = (node.items[index].start, node.items[index])
            }
            let (keyStart, child) = found
            if rest.isEmpty {
                let indent = lineIndent(at: keyStart)
                let keptComments = !hasComment(child.start..<child.end)
                bytes.replaceSubrange(child.start..<child.end, with: Array(Self.write(value, indent: indent, unit: indentUnit).utf8))
                return keptComments
            }
            node = child
        }
        return true
    }

    /// Adds `value` as the last item of the list at `path` (the list is added when the member is missing). The
    /// items there, and the comments around them, stay.
    mutating func append(_ value: Value, to path: [Key]) throws {
        var node = try parse()
        for (depth, key) in path.enumerated() {
            switch key {
            case .member(let name):
                guard node.kind == .object else { throw notA("an object", node) }
                guard let member = node.members.last(where: { $0.key == name }) else {
                    // Missing from here down: the members on the way, holding a list of this one item.
                    try set(path, to: .array([value]))
                    return
                }
                node = member.value
            case .item(let index):
                guard node.kind == .array, node.items.indices.contains(index) else { throw notA("a list with that item", node) }
                node = node.items[index]
            }
        }
        guard node.kind == .array else { throw notA("a list", node) }
        let unit = indentUnit
        guard let last = node.items.last else {
            let outer = lineIndent(at: node.start)
            bytes.replaceSubrange(node.start..<node.end, with: Array(("[\n" + outer + unit + Self.write(value, indent: outer + unit, unit: unit) + "\n" + outer + "]").utf8))
            return
        }
        let indent = lineIndent(at: last.start)
        let item = Self.write(value, indent: indent, unit: unit)
        var position = last.end
        if let comma = skipTrivia(from: position, stopAtNewline: false), bytes[comma] == UInt8(ascii: ",") {
            position = comma + 1
        } else {
            bytes.insert(UInt8(ascii: ","), at: position)
            position += 1
        }
        // On a line of its own when the list has one item a line, else beside the last.
        let multiline = bytes[node.start..<last.start].contains(UInt8(ascii: "\n"))
        if multiline {
            if let next = skipTrivia(from: position, stopAtNewline: true), bytes[next] == UInt8(ascii: "\n") { position = next }
            bytes.insert(contentsOf: Array(("\n" + indent + item).utf8), at: position)
        } else {
            bytes.insert(contentsOf: Array((" " + Self.write(value, indent: "", unit: "")).utf8), at: position)
        }
    }

    private func notA(_ what: String, _ node: Node) -> SyntaxError {
        let (line, column) = position(node.start)
        return SyntaxError(message: "expected \(what) here", line: line, column: column)
    }

    /// Whether a comment starts in `range` (outside strings).
    private func hasComment(_ range: Range<Int>) -> Bool {
        var inString = false
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if inString {
                if byte == UInt8(ascii: "\\") { index += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "/"), index + 1 < range.upperBound,
                      bytes[index + 1] == UInt8(ascii: "/") || bytes[index + 1] == UInt8(ascii: "*") {
                return true
            }
            index += 1
        }
        return false
    }

    // MARK: - Writing

    /// Adds a member as the object's last: after the last member (and a comment that ends its line), or inside an
    /// empty object.
    private mutating func insert(_ key: String, _ value: Value, into object: Node) {
        let unit = indentUnit
        let singleLine = !bytes[object.start..<object.end].contains(UInt8(ascii: "\n"))
        guard let last = object.members.last else {
            let outer = lineIndent(at: object.start)
            let member = Self.quoted(key) + ": " + Self.write(value, indent: outer + unit, unit: unit)
            let closing = singleLine ? "\n" + outer : ""
            bytes.insert(contentsOf: Array(("\n" + outer + unit + member + closing).utf8), at: object.start + 1)
            return
        }
        var position = last.value.end
        let hasComma = skipTrivia(from: position, stopAtNewline: false).map { bytes[$0] == UInt8(ascii: ",") } ?? false
        if singleLine {
            // `{ "a": 1 }` stays on one line.
            let member = Self.quoted(key) + ": " + Self.write(value, indent: "", unit: "")
            if hasComma, let comma = skipTrivia(from: position, stopAtNewline: false) {
                bytes.insert(contentsOf: Array((" " + member + ",").utf8), at: comma + 1)
            } else {
                bytes.insert(contentsOf: Array((", " + member).utf8), at: position)
            }
            return
        }
        let indent = lineIndent(at: last.keyStart)
        let member = Self.quoted(key) + ": " + Self.write(value, indent: indent, unit: unit)
        if hasComma, let comma = skipTrivia(from: position, stopAtNewline: false) {
            position = comma + 1
        } else {
            bytes.insert(UInt8(ascii: ","), at: position)
            position += 1
        }
        // After a comment that ends the last member's line, so it stays with that member.
        if let next = skipTrivia(from: position, stopAtNewline: true), bytes[next] == UInt8(ascii: "\n") {
            position = next
        }
        bytes.insert(contentsOf: Array(("\n" + indent + member).utf8), at: position)
    }

    /// `value` as JSON text, objects one member a line at `indent` + `unit`, arrays of scalars on one line.
    static func write(_ value: Value, indent: String, unit: String) -> String {
        switch value {
        case .string(let text): return quoted(text)
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .array(let items):
            // On one line when scalars, or when everything is (no indentation unit: inside a one-line value).
            if unit.isEmpty || items.allSatisfy({ if case .object = $0 { false } else if case .array = $0 { false } else { true } }) {
                return "[" + items.map { write($0, indent: "", unit: "") }.joined(separator: ", ") + "]"
            }
            let inner = indent + unit
            return "[\n" + items.map { inner + write($0, indent: inner, unit: unit) }.joined(separator: ",\n") + "\n" + indent + "]"
        case .object(let members):
            guard !members.isEmpty else { return "{}" }
            if unit.isEmpty {
                return "{ " + members.map { quoted($0.0) + ": " + write($0.1, indent: "", unit: "") }.joined(separator: ", ") + " }"
            }
            let inner = indent + unit
            return "{\n" + members.map { inner + quoted($0.0) + ": " + write($0.1, indent: inner, unit: unit) }.joined(separator: ",\n")
                + "\n" + indent + "}"
        }
    }

    static func quoted(_ text: String) -> String { JSONText.quoted(text) }

    /// The indentation one level adds: that of the first indented line, else two spaces.
    private var indentUnit: String {
        var index = 0
        while let newline = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) {
            let start = newline + 1
            var end = start
            while end < bytes.count, bytes[end] == UInt8(ascii: " ") || bytes[end] == UInt8(ascii: "\t") { end += 1 }
            if end > start, end < bytes.count, bytes[end] != UInt8(ascii: "\n") {
                return String(decoding: bytes[start..<end], as: UTF8.self)
            }
            index = start
        }
        return "  "
    }

    /// The whitespace that starts the line holding `offset`.
    private func lineIndent(at offset: Int) -> String {
        var start = offset
        while start > 0, bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
        var end = start
        while end < bytes.count, bytes[end] == UInt8(ascii: " ") || bytes[end] == UInt8(ascii: "\t") { end += 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The offset of the next character that is neither whitespace nor comment (a newline, with
    /// `stopAtNewline`, outside a block comment); nil at the end.
    private func skipTrivia(from offset: Int, stopAtNewline: Bool) -> Int? {
        var index = offset
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\n") where stopAtNewline: return index
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"): index += 1
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "/"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                index += 2
                while index + 1 < bytes.count, !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/")) { index += 1 }
                index += 2
            default: return index
            }
        }
        return nil
    }

    private func position(_ offset: Int) -> (line: Int, column: Int) {
        let before = bytes[..<min(offset, bytes.count)]
        let line = before.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        let column = offset - ((before.lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1) + 1
        return (line, column)
    }

    // MARK: - Reading

    /// A value and where it is: `start..<end` covers its text, for objects the members with where each key starts.
    final class Node {
        enum Kind { case object, array, scalar }
        let kind: Kind
        let start: Int
        var end: Int
        var members: [(key: String, keyStart: Int, value: Node)] = []
        /// A list's items.
        var items: [Node] = []
        var value: Any

        init(kind: Kind, start: Int, end: Int, value: Any) {
            self.kind = kind
            self.start = start
            self.end = end
            self.value = value
        }
    }

    private func parse() throws -> Node {
        var index = 0
        let node = try parseValue(&index, depth: 0)
        if let extra = skipTrivia(from: index, stopAtNewline: false) {
            throw failure("unexpected text after the end of the document", at: extra)
        }
        return node
    }

    private func failure(_ message: String, at offset: Int) -> SyntaxError {
        let (line, column) = position(offset)
        return SyntaxError(message: message, line: line, column: column)
    }

    private func parseValue(_ index: inout Int, depth: Int) throws -> Node {
        guard let start = skipTrivia(from: index, stopAtNewline: false) else { throw failure("the document ends where a value should be", at: bytes.count) }
        guard depth < 512 else { throw failure("nested too deeply", at: start) }
        index = start
        switch bytes[start] {
        case UInt8(ascii: "{"):
            index += 1
            let node = Node(kind: .object, start: start, end: start, value: [String: Any]())
            var object: [String: Any] = [:]
            while true {
                guard let next = skipTrivia(from: index, stopAtNewline: false) else { throw failure("an object is not closed; add '}'", at: start) }
                if bytes[next] == UInt8(ascii: "}") {
                    index = next + 1
                    break
                }
                if !node.members.isEmpty {
                    guard bytes[next] == UInt8(ascii: ",") else { throw failure("expected ',' or '}' after a member", at: next) }
                    guard let afterComma = skipTrivia(from: next + 1, stopAtNewline: false) else { throw failure("an object is not closed; add '}'", at: start) }
                    if bytes[afterComma] == UInt8(ascii: "}") {  // a trailing comma
                        index = afterComma + 1
                        break
                    }
                    index = afterComma
                } else {
                    index = next
                }
                guard bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a key in double quotes", at: index) }
                let keyStart = index
                let key = try parseString(&index)
                guard let colon = skipTrivia(from: index, stopAtNewline: false), bytes[colon] == UInt8(ascii: ":") else {
                    throw failure("expected ':' after the key \"\(key)\"", at: index)
                }
                index = colon + 1
                let value = try parseValue(&index, depth: depth + 1)
                node.members.append((key, keyStart, value))
                object[key] = value.value
            }
            node.end = index
            node.value = object
            return node
        case UInt8(ascii: "["):
            index += 1
            var items: [Any] = []
            var nodes: [Node] = []
            var first = true
            while true {
                guard let next = skipTrivia(from: index, stopAtNewline: false) else { throw failure("a list is not closed; add ']'", at: start) }
                if bytes[next] == UInt8(ascii: "]") {
                    index = next + 1
                    break
                }
                if !first {
                    guard bytes[next] == UInt8(ascii: ",") else { throw failure("expected ',' or ']' after a list item", at: next) }
                    guard let afterComma = skipTrivia(from: next + 1, stopAtNewline: false) else { throw failure("a list is not closed; add ']'", at: start) }
                    if bytes[afterComma] == UInt8(ascii: "]") {
                        index = afterComma + 1
                        break
                    }
                    index = afterComma
                } else {
                    index = next
                }
                first = false
                let item = try parseValue(&index, depth: depth + 1)
                nodes.append(item)
                items.append(item.value)
            }
            let node = Node(kind: .array, start: start, end: index, value: items)
            node.items = nodes
            return node
        case UInt8(ascii: "\""):
            let text = try parseString(&index)
            return Node(kind: .scalar, start: start, end: index, value: text)
        default:
            for (word, value) in [("true", true as Any), ("false", false as Any), ("null", NSNull() as Any)] {
                let literal = Array(word.utf8)
                if bytes[start...].starts(with: literal) {
                    index = start + literal.count
                    return Node(kind: .scalar, start: start, end: index, value: value)
                }
            }
            var end = start
            while end < bytes.count, "+-.0123456789eE".utf8.contains(bytes[end]) { end += 1 }
            let text = String(decoding: bytes[start..<end], as: UTF8.self)
            let number: Any? = Int(text).map { $0 as Any } ?? Double(text).map { $0 as Any }
            guard end > start, let number else { throw failure("expected a value (a string in double quotes, a number, true, false, null, an object or a list)", at: start) }
            index = end
            return Node(kind: .scalar, start: start, end: end, value: number)
        }
    }

    /// At an opening quote; leaves `index` after the closing one.
    private func parseString(_ index: inout Int) throws -> String {
        switch JSONText.readString(bytes, from: index + 1, singleLine: true) {
        case .string(let text, let end):
            index = end
            return text
        case .malformed(let message, let offset):
            throw failure(message, at: offset)
        }
    }
}
