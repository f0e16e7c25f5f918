/// A position in a YAML text, 1-based.
public struct Mark: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// The mark of a node built in code rather than parsed.
    public static let none = Mark(line: 0, column: 0)

    public var description: String { "\(line):\(column)" }
}

/// How a scalar was (or should be) written.
public enum ScalarStyle: Sendable, Equatable {
    case plain, singleQuoted, doubleQuoted, literal, folded
}

/// How a mapping or sequence was (or should be) written.
public enum CollectionStyle: Sendable, Equatable {
    case block, flow
}

/// A YAML node: a scalar, a sequence or a mapping, with where it started.
public struct Node: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        case scalar(String, ScalarStyle)
        case sequence([Node], CollectionStyle)
        case mapping([Pair], CollectionStyle)
    }

    /// A key and its value, in document order.
    public struct Pair: Sendable, Equatable {
        public var key: Node
        public var value: Node

        public init(key: Node, value: Node) {
            self.key = key
            self.value = value
        }
    }

    public var content: Content
    public var mark: Mark
    /// Where the node ends, as libyaml reports it: just after a flow scalar's last character or a flow
    /// collection's closing bracket; at the start of the line after a block scalar's last line break; for a
    /// block collection, where the next token starts (comments and blank lines included). `.none` when built.
    public var end: Mark
    /// An explicit tag (`!!str`, `tag:yaml.org,2002:int`), as written.
    public var tag: String?

    public init(_ content: Content, mark: Mark = .none, end: Mark = .none, tag: String? = nil) {
        self.content = content
        self.mark = mark
        self.end = end
        self.tag = tag
    }
}

/// A scalar's value under the YAML 1.2 core schema.
public enum ScalarValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
}

extension Node {
    // MARK: Building

    /// A string, written plain when that reads back as the same string, quoted otherwise,
    /// and as a literal block when it spans several lines.
    public static func string(_ value: String) -> Node {
        if value.contains("\n") { return Node(.scalar(value, .literal)) }
        return Node(.scalar(value, Resolver.needsQuotes(value) ? .doubleQuoted : .plain))
    }

    public static func bool(_ value: Bool) -> Node { Node(.scalar(value ? "true" : "false", .plain)) }
    public static func int(_ value: Int) -> Node { Node(.scalar(String(value), .plain)) }
    public static func double(_ value: Double) -> Node { Node(.scalar(Resolver.format(value), .plain)) }
    public static var null: Node { Node(.scalar("null", .plain)) }
    public static func sequence(_ items: [Node], style: CollectionStyle = .block) -> Node { Node(.sequence(items, style)) }
    public static func mapping(_ pairs: [Pair], style: CollectionStyle = .block) -> Node { Node(.mapping(pairs, style)) }

    /// A mapping from string keys, in the order given.
    public static func mapping(_ pairs: [(String, Node)], style: CollectionStyle = .block) -> Node {
        Node(.mapping(pairs.map { Pair(key: .string($0.0), value: $0.1) }, style))
    }

    // MARK: Reading

    /// The scalar's resolved value, or nil for a sequence or mapping.
    public var scalarValue: ScalarValue? {
        guard case .scalar(let text, let style) = content else { return nil }
        return Resolver.resolve(text, style: style, tag: tag)
    }

    /// The scalar's text when it resolves to a string.
    public var string: String? {
        if case .string(let value) = scalarValue { return value }
        return nil
    }

    /// The scalar's text whatever it resolves to (`123` gives "123").
    public var text: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    public var isNull: Bool { scalarValue == .null }

    public var sequence: [Node]? {
        if case .sequence(let items, _) = content { return items }
        return nil
    }

    public var pairs: [Pair]? {
        if case .mapping(let pairs, _) = content { return pairs }
        return nil
    }

    /// The value for a scalar key in a mapping.
    public subscript(key: String) -> Node? {
        pairs?.first { $0.key.text == key }?.value
    }

    /// A short name for the node's kind, for error messages.
    public var kindName: String {
        switch content {
        case .scalar:
            switch scalarValue {
            case .null: return "null"
            case .bool: return "a boolean"
            case .int, .double: return "a number"
            default: return "a string"
            }
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}
