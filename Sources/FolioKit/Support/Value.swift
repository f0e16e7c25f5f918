import Foundation
internal import YAML

/// A structured value: what YAML frontmatter, JSON files and variables hold. Mappings keep their order.
public enum Value: Sendable, Equatable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([Value])
    case map([Entry])

    /// One key of a mapping.
    public struct Entry: Sendable, Equatable, Hashable {
        public var key: String
        public var value: Value

        public init(_ key: String, _ value: Value) {
            self.key = key
            self.value = value
        }
    }

    /// The value under `key` in a mapping.
    public subscript(key: String) -> Value? {
        guard case .map(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The text of a scalar of any kind (`12` gives "12"); nil for lists, maps and null.
    public var scalarText: String? {
        switch self {
        case .string(let text): return text
        case .int(let value): return String(value)
        case .double(let value): return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .bool(let value): return value ? "true" : "false"
        default: return nil
        }
    }

    public var entries: [Entry]? {
        if case .map(let entries) = self { return entries }
        return nil
    }

    public var list: [Value]? {
        if case .list(let items) = self { return items }
        return nil
    }

    /// A short name for the value's kind, for messages ("a list", "a number").
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .list: return "a list"
        case .map: return "a mapping"
        }
    }

    /// Sets the value at a dotted path (`model.parameters.temperature`), creating mappings on the way.
    mutating func set(path: [String], to newValue: Value?) throws {
        guard let key = path.first else {
            self = newValue ?? .null
            return
        }
        var entries: [Entry]
        switch self {
        case .map(let existing): entries = existing
        case .null: entries = []
        default:
            throw FolioError(.invalidInput, "cannot set '\(path.joined(separator: "."))': the value there is \(kindName), not a mapping")
        }
        if let index = entries.firstIndex(where: { $0.key == key }) {
            if path.count == 1, newValue == nil {
                entries.remove(at: index)
            } else {
                try entries[index].value.set(path: Array(path.dropFirst()), to: newValue)
            }
        } else if newValue != nil {
            var child = Value.null
            try child.set(path: Array(path.dropFirst()), to: newValue)
            entries.append(Entry(key, child))
        }
        self = .map(entries)
    }
}

// MARK: - YAML

extension Value {
    init(node: Node) {
        switch node.content {
        case .scalar:
            switch node.scalarValue ?? .null {
            case .null: self = .null
            case .bool(let value): self = .bool(value)
            case .int(let value): self = .int(value)
            case .double(let value): self = .double(value)
            case .string(let value): self = .string(value)
            }
        case .sequence(let items, _):
            self = .list(items.map(Value.init(node:)))
        case .mapping(let pairs, _):
            self = .map(pairs.map { Entry($0.key.text ?? "", Value(node: $0.value)) })
        }
    }

    var node: Node {
        switch self {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .int(let value): return .int(value)
        case .double(let value): return .double(value)
        case .string(let value): return .string(value)
        case .list(let items): return .sequence(items.map(\.node))
        case .map(let entries): return .mapping(entries.map { ($0.key, $0.value.node) })
        }
    }

    /// Parses YAML text: lenient about duplicate keys and aliases, but invalid YAML is an error.
    static func parseYAML(_ text: String) throws -> Value {
        let document = try YAMLParser(mode: .lenient, recoversInvalidEntries: false).parse(text)
        return document.root.map(Value.init(node:)) ?? .null
    }
}

// MARK: - JSON

extension Value {
    /// Parses a YAML or JSON document (a file of values given to folio); `name` is for messages.
    public static func parse(_ data: Data, name: String) throws -> Value {
        let text = String(decoding: data, as: UTF8.self)
        let start = text.first { !$0.isWhitespace }
        if start == "{" || start == "[" {
            do {
                return try parseJSON(data)
            } catch {
                throw FolioError(.invalidInput, "\(name): error: not valid JSON: \(Self.describe(error))")
            }
        }
        do {
            return try parseYAML(text)
        } catch let error as YAMLError {
            throw FolioError.invalidFile(name, line: error.mark.line, column: error.mark.column, error.message)
        }
    }

    private static func describe(_ error: Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            return (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String ?? context.debugDescription
        }
        return error.localizedDescription
    }

    /// Parses a JSON document.
    static func parseJSON(_ data: Data) throws -> Value {
        try JSONDecoder().decode(Value.self, from: data)
    }
}

extension Value: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([Value].self) { self = .list(value) }
        else {
            let object = try container.decode([String: Value].self)
            self = .map(object.keys.sorted().map { Entry($0, object[$0]!) })
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .list(let items): try container.encode(items)
        case .map(let entries):
            try container.encode(Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 }))
        }
    }
}

// MARK: - Rendering

extension Value {
    /// The object swift-mustache renders: strings, numbers, booleans, arrays and dictionaries.
    var mustacheObject: Any? {
        switch self {
        case .null: return nil
        case .bool(let value): return value
        case .int(let value): return value
        case .double(let value): return value
        case .string(let value): return value
        case .list(let items): return items.map { $0.mustacheObject ?? "" }
        case .map(let entries):
            var dictionary: [String: Any] = [:]
            for entry in entries { if let object = entry.value.mustacheObject { dictionary[entry.key] = object } }
            return dictionary
        }
    }
}
