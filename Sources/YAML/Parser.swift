import Foundation
internal import CYAML

/// A YAML error with the line and column it was found at.
public struct YAMLError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case syntax, duplicateKey, anchor, alias, multipleDocuments, tooLarge
    }

    public let kind: Kind
    let text: String
    public let mark: Mark
    /// Another place the message refers to (the first of two duplicate keys, the bracket never closed).
    public let relatedMark: Mark?
    /// How the message names the related place: `first at` (duplicates), `opened at` (brackets).
    let relatedLabel: String

    public init(kind: Kind, message: String, mark: Mark, relatedMark: Mark? = nil, relatedLabel: String = "first at") {
        self.kind = kind
        self.text = message
        self.mark = mark
        self.relatedMark = relatedMark
        self.relatedLabel = relatedLabel
    }

    /// The message, with the lines it mentions shifted by `lineOffset` (for YAML embedded in a larger file).
    public func message(lineOffset: Int) -> String {
        guard let relatedMark else { return text }
        return "\(text) (\(relatedLabel) line \(relatedMark.line + lineOffset))"
    }

    public var message: String { message(lineOffset: 0) }

    /// `line:col: message`
    public var description: String { "\(mark): \(message)" }
}

/// Something a lenient parse accepted that a strict one would not.
public struct YAMLWarning: Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public let mark: Mark

    public var description: String { "\(mark): \(message)" }
}

/// The result of a parse: the root node (nil for an empty document) and any warnings.
public struct YAMLDocument: Sendable, Equatable {
    public let root: Node?
    public let warnings: [YAMLWarning]
}

/// Parses YAML into nodes that keep their line and column.
public struct YAMLParser: Sendable {
    public enum Mode: Sendable {
        /// For folio's own files: duplicate keys, anchors, aliases and extra documents are errors.
        case strict
        /// For files other tools wrote: duplicate keys keep the last value, aliases are expanded, and
        /// a top-level entry that is not valid YAML (`globs: *.ts`) is read as text, with a warning.
        case lenient
    }

    public let mode: Mode
    /// In lenient mode, read a top-level entry that is not valid YAML as text instead of failing.
    public var recoversInvalidEntries: Bool
    /// Nodes an alias may expand to in lenient mode, in all (guards against "billion laughs").
    public var aliasBudget = 100_000

    public init(mode: Mode, recoversInvalidEntries: Bool = true) {
        self.mode = mode
        self.recoversInvalidEntries = recoversInvalidEntries
    }

    /// Parses one document.
    public func parse(_ text: String) throws -> YAMLDocument {
        do {
            return try parseEvents(text, lineOffset: 0)
        } catch let error as YAMLError where mode == .lenient && recoversInvalidEntries && error.kind == .syntax {
            guard let recovered = recoverTopLevel(text, originalError: error) else { throw error }
            return recovered
        }
    }

    // MARK: - Events to nodes

    private enum Frame {
        case sequence(mark: Mark, tag: String?, anchor: String?, style: CollectionStyle, items: [Node])
        case mapping(mark: Mark, tag: String?, anchor: String?, style: CollectionStyle, pairs: [Node.Pair],
                     key: Node?, seen: [String: Int])
    }

    private func parseEvents(_ text: String, lineOffset: Int) throws -> YAMLDocument {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLError(kind: .syntax, message: "could not start the YAML parser", mark: Mark(line: 1, column: 1))
        }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            return try build(&parser, lineOffset: lineOffset)
        }
    }

    private func build(_ parser: inout yaml_parser_t, lineOffset: Int) throws -> YAMLDocument {
        var stack: [Frame] = []
        var root: Node?
        var warnings: [YAMLWarning] = []
        var anchors: [String: Node] = [:]
        var expanded = 0
        var documents = 0

        func mark(_ m: yaml_mark_t) -> Mark { Mark(line: Int(m.line) + 1 + lineOffset, column: Int(m.column) + 1) }
        func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
        }

        func checkAnchor(_ anchor: String?, at position: Mark) throws {
            if anchor != nil, mode == .strict {
                throw YAMLError(kind: .anchor, message: "anchors (&\(anchor!)) are not allowed in folio files; write the value out",
                                mark: position)
            }
        }

        // Adds a finished node to its parent (or makes it the root).
        func add(_ node: Node, anchor: String?) throws {
            if let anchor { anchors[anchor] = node }
            guard let top = stack.popLast() else {
                root = node
                return
            }
            switch top {
            case .sequence(let m, let tag, let a, let style, var items):
                items.append(node)
                stack.append(.sequence(mark: m, tag: tag, anchor: a, style: style, items: items))
            case .mapping(let m, let tag, let a, let style, var pairs, let key, var seen):
                guard let key else {
                    stack.append(.mapping(mark: m, tag: tag, anchor: a, style: style, pairs: pairs, key: node, seen: seen))
                    return
                }
                if let name = key.text, let first = seen[name] {
                    if mode == .strict {
                        throw YAMLError(kind: .duplicateKey, message: "duplicate key '\(name)'", mark: key.mark,
                                        relatedMark: pairs[first].key.mark)
                    }
                    warnings.append(YAMLWarning(message: "duplicate key '\(name)'; the last value is kept", mark: key.mark))
                    pairs[first].value = node
                } else {
                    if let name = key.text { seen[name] = pairs.count }
                    pairs.append(Node.Pair(key: key, value: node))
                }
                stack.append(.mapping(mark: m, tag: tag, anchor: a, style: style, pairs: pairs, key: nil, seen: seen))
            }
        }

        func nodeCount(_ node: Node) -> Int {
            switch node.content {
            case .scalar: return 1
            case .sequence(let items, _): return items.reduce(1) { $0 + nodeCount($1) }
            case .mapping(let pairs, _): return pairs.reduce(1) { $0 + nodeCount($1.key) + nodeCount($1.value) }
            }
        }

        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else {
                throw Self.syntaxError(parser, lineOffset: lineOffset)
            }
            defer { yaml_event_delete(&event) }
            let position = mark(event.start_mark)
            let end = mark(event.end_mark)
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return YAMLDocument(root: root, warnings: warnings)
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 {
                    if mode == .strict {
                        throw YAMLError(kind: .multipleDocuments,
                                        message: "a second YAML document starts here; a folio file holds one", mark: position)
                    }
                    warnings.append(YAMLWarning(message: "only the first YAML document is read", mark: position))
                    return YAMLDocument(root: root, warnings: warnings)
                }
            case YAML_ALIAS_EVENT:
                let name = string(event.data.alias.anchor) ?? ""
                if mode == .strict {
                    throw YAMLError(kind: .alias, message: "aliases (*\(name)) are not allowed in folio files; write the value out",
                                    mark: position)
                }
                guard let target = anchors[name] else {
                    throw YAMLError(kind: .alias, message: "unknown anchor '\(name)'", mark: position)
                }
                expanded += nodeCount(target)
                if expanded > aliasBudget {
                    throw YAMLError(kind: .tooLarge, message: "aliases expand to more than \(aliasBudget) nodes", mark: position)
                }
                try add(target, anchor: nil)
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let anchor = string(scalar.anchor)
                try checkAnchor(anchor, at: position)
                let value = scalar.value.map {
                    String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self)
                } ?? ""
                let style: ScalarStyle
                switch scalar.style {
                case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
                case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
                case YAML_LITERAL_SCALAR_STYLE: style = .literal
                case YAML_FOLDED_SCALAR_STYLE: style = .folded
                default: style = .plain
                }
                try add(Node(.scalar(value, style), mark: position, end: end, tag: string(scalar.tag)), anchor: anchor)
            case YAML_SEQUENCE_START_EVENT:
                let start = event.data.sequence_start
                let anchor = string(start.anchor)
                try checkAnchor(anchor, at: position)
                stack.append(.sequence(mark: position, tag: string(start.tag), anchor: anchor,
                                       style: start.style == YAML_FLOW_SEQUENCE_STYLE ? .flow : .block, items: []))
            case YAML_MAPPING_START_EVENT:
                let start = event.data.mapping_start
                let anchor = string(start.anchor)
                try checkAnchor(anchor, at: position)
                stack.append(.mapping(mark: position, tag: string(start.tag), anchor: anchor,
                                      style: start.style == YAML_FLOW_MAPPING_STYLE ? .flow : .block,
                                      pairs: [], key: nil, seen: [:]))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let top = stack.popLast() else { break }
                switch top {
                case .sequence(let m, let tag, let anchor, let style, let items):
                    try add(Node(.sequence(items, style), mark: m, end: end, tag: tag), anchor: anchor)
                case .mapping(let m, let tag, let anchor, let style, let pairs, _, _):
                    try add(Node(.mapping(pairs, style), mark: m, end: end, tag: tag), anchor: anchor)
                }
            default:
                break
            }
        }
    }

    private static func syntaxError(_ parser: yaml_parser_t, lineOffset: Int) -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let context = parser.context.map { String(cString: $0) }
        // While scanning a token, libyaml's context mark is where the token starts: the place to fix.
        let m = context?.hasPrefix("while scanning") == true ? parser.context_mark : parser.problem_mark
        let position = Mark(line: Int(m.line) + 1 + lineOffset, column: Int(m.column) + 1)
        var message = context.map { "\($0): \(problem)" } ?? problem
        // Hints for the mistakes people make most in frontmatter.
        if context?.contains("alias") == true || context?.contains("anchor") == true {
            message += " (a value starting with * or & must be quoted, e.g. globs: \"**/*.ts\")"
        } else if problem.contains("mapping values are not allowed") {
            message += " (a value containing ': ' must be quoted)"
        } else if problem.contains("expected <block end>") {
            message += " (text after a quoted value, or a bad indent; quote the whole value)"
        } else if problem.contains("cannot start any token") {
            message += " (a value starting with @ or ` must be quoted; indent with spaces, not tabs)"
        }
        // An unclosed [ or {: libyaml stops where it gave up (often the end); name where it was opened.
        if context?.hasPrefix("while parsing a flow") == true {
            let opened = Mark(line: Int(parser.context_mark.line) + 1 + lineOffset, column: Int(parser.context_mark.column) + 1)
            return YAMLError(kind: .syntax, message: message + "; quote the value or close the bracket", mark: position,
                             relatedMark: opened, relatedLabel: "opened at")
        }
        return YAMLError(kind: .syntax, message: message, mark: position)
    }

    // MARK: - Lenient recovery

    /// Parses a top-level mapping entry by entry; an entry that is not valid YAML becomes its raw text.
    private func recoverTopLevel(_ text: String, originalError: YAMLError) -> YAMLDocument? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        // An entry starts at a line in column 0 that looks like `key:`; everything until the next one
        // (indented lines, list items, comments, blank lines) belongs to it.
        func startsEntry(_ line: Substring) -> Bool {
            guard let first = line.first, !first.isWhitespace, first != "#", first != "-", line != "..." else { return false }
            return Self.keyOfEntry(line) != nil
        }
        var starts = lines.indices.filter { startsEntry(lines[$0]) }
        guard !starts.isEmpty else { return nil }
        // Lines before the first entry must be blank or comments.
        guard lines[..<starts[0]].allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty || $0.hasPrefix("#") })
        else { return nil }
        starts.append(lines.count)

        var pairs: [Node.Pair] = []
        var seen: [String: Int] = [:]
        var warnings: [YAMLWarning] = []
        for (start, end) in zip(starts, starts.dropFirst()) {
            let chunk = lines[start..<end].joined(separator: "\n")
            var pair: Node.Pair
            if let parsed = try? parseEvents(chunk, lineOffset: start), let entry = parsed.root?.pairs, entry.count == 1 {
                pair = entry[0]
                warnings += parsed.warnings
            } else {
                guard let (key, column) = Self.keyOfEntry(lines[start]) else { return nil }
                let first = lines[start].dropFirst(column).trimmingCharacters(in: .whitespaces)
                let rest = lines[(start + 1)..<end].map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                let value = ([first] + rest).filter { !$0.isEmpty }.joined(separator: " ")
                let valueMark = Mark(line: start + 1, column: column + 1)
                warnings.append(YAMLWarning(message: "'\(key)' is not valid YAML; its value is read as text", mark: valueMark))
                pair = Node.Pair(key: Node(.scalar(key, .plain), mark: Mark(line: start + 1, column: 1)),
                                 value: Node(.scalar(value, .doubleQuoted), mark: valueMark))
            }
            if let name = pair.key.text, let index = seen[name] {
                warnings.append(YAMLWarning(message: "duplicate key '\(name)'; the last value is kept", mark: pair.key.mark))
                pairs[index].value = pair.value
            } else {
                if let name = pair.key.text { seen[name] = pairs.count }
                pairs.append(pair)
            }
        }
        let root = Node(.mapping(pairs, .block), mark: pairs.first?.key.mark ?? Mark(line: 1, column: 1))
        return YAMLDocument(root: root, warnings: warnings)
    }

    /// For `key: value`, the key and the column where the value starts (0-based).
    private static func keyOfEntry(_ line: Substring) -> (String, Int)? {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let after = line.index(after: colon)
        guard after == line.endIndex || line[after] == " " || line[after] == "\t" else { return nil }
        let key = line[..<colon].trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty, !key.contains(" #") else { return nil }
        let unquoted = (key.hasPrefix("\"") && key.hasSuffix("\"")) || (key.hasPrefix("'") && key.hasSuffix("'"))
            ? String(key.dropFirst().dropLast()) : key
        return (unquoted, line.distance(from: line.startIndex, to: after))
    }
}
