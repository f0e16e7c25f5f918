import Foundation
internal import YAML

/// Changes a prompt file's frontmatter as a careful person would by hand (`folio edit --set/--unset`): only the
/// touched keys change; comments, quoting, flow and block styles, key order, blank lines, line endings, a byte
/// order mark and the body stay byte for byte.
///
/// Paths (split on dots by the caller) walk mappings by key. In a list, a segment of digits addresses an item
/// by position (0 is the first; past the end is an error, nothing is appended) and any other segment the item
/// whose `name` is that segment (`variables.code.default`); in `variables` a bare `- code` item counts too.
/// A field set below a bare variable (`- code`) or a model name (`model: gpt-4o`) turns it into a mapping with
/// `name:` first; a field set below a null value (`metadata:`) turns that into the mapping the path needs.
///
/// Setting replaces an existing value where it stands (a comment after it stays) and appends a missing key at
/// the end of its mapping with that mapping's indentation, creating missing parents. Text is quoted only when
/// YAML needs it; multi-line text is written as a literal block (`|`). A collection replacing a collection keeps
/// its style (flow stays flow, block stays block); any other new list is written flow when all its items are
/// one-line scalars and it is at most 60 characters long that way (`tags: [a, b]`), block otherwise; a new
/// mapping is written block (`{}` when empty).
///
/// Unsetting removes the key's lines with its nested lines (a list item likewise), then every parent that it
/// leaves empty. Unsetting something that is not there changes nothing. All unsets run before the sets.
enum FrontmatterEditor {
    /// The file text with only the touched keys changed; everything else byte for byte (comments, quoting,
    /// flow/block styles, key order, blank lines, CRLF, BOM, the body). A file without frontmatter gets one
    /// when something is set. `path` names the file in errors. The result is not validated against folio's
    /// schema: decode it (`PromptCodec.decode`) before writing it.
    static func apply(to fileText: String, set: [(path: [String], value: Value)], unset: [[String]],
                      path: String) throws -> String {
        for segments in unset + set.map(\.path) where segments.isEmpty || segments.contains(where: \.isEmpty) {
            throw FolioError(.invalidInput, "'\(segments.joined(separator: "."))' is not a field; name one as KEY or "
                             + "KEY.SUBKEY, e.g. model.name")
        }
        guard let file = try FrontmatterText(fileText, path: path, create: !set.isEmpty) else { return fileText }
        var editor = try Editor(file: file, path: path)
        for segments in unset { try editor.unset(segments) }
        for assignment in set { try editor.set(assignment.path, to: assignment.value) }
        return editor.file.text
    }
}

// MARK: - The text

/// A file's text around its frontmatter, the frontmatter cut into lines the way libyaml counts them (so a
/// node's mark is a line and column here), each line with its own line break.
private struct FrontmatterText {
    /// The byte order mark (if any) and the opening `---` line.
    var head: String
    var lines: [[Unicode.Scalar]]
    var breaks: [String]
    /// The closing `---` line and the body.
    var tail: String
    /// The line break for new lines: the file's.
    let newline: String

    /// nil when the file has no frontmatter and `create` is false.
    init?(_ text: String, path: String, create: Bool) throws {
        let split = try PromptCodec.split(text, path: path)
        newline = split.lineEnding.rawValue
        var rest = Substring(text).unicodeScalars[...]
        var bom = ""
        if rest.first == "\u{FEFF}" {
            bom = "\u{FEFF}"
            rest = rest.dropFirst()
        }
        lines = []
        breaks = []
        guard split.frontmatter != nil else {
            guard create else { return nil }
            head = bom + "---" + newline
            tail = "---" + newline + String(Substring(rest))
            return
        }
        // Lines as the splitter counts them ("\n"): the opening line, the frontmatter, the closing line, the body.
        var starts = [rest.startIndex]
        var index = rest.startIndex
        while index < rest.endIndex, starts.count < split.bodyLine - 1 {
            if rest[index] == "\n" { starts.append(rest.index(after: index)) }
            index = rest.index(after: index)
        }
        head = bom + String(Substring(rest[starts[0]..<starts[1]]))
        let closing = starts[split.bodyLine - 2]
        tail = String(Substring(rest[closing...]))
        // The frontmatter by YAML's line breaks: CRLF, CR, LF, NEL, LS and PS all end a line for libyaml.
        var line: [Unicode.Scalar] = []
        let yaml = rest[starts[1]..<closing]
        var position = yaml.startIndex
        while position < yaml.endIndex {
            let scalar = yaml[position]
            position = yaml.index(after: position)
            switch scalar {
            case "\r" where position < yaml.endIndex && yaml[position] == "\n":
                position = yaml.index(after: position)
                lines.append(line)
                breaks.append("\r\n")
                line = []
            case "\r", "\n", "\u{85}", "\u{2028}", "\u{2029}":
                lines.append(line)
                breaks.append(String(scalar))
                line = []
            default:
                line.append(scalar)
            }
        }
        if !line.isEmpty {
            lines.append(line)
            breaks.append("")
        }
    }

    /// The frontmatter's YAML, as written.
    var yaml: String {
        var out = String.UnicodeScalarView()
        for (line, lineBreak) in zip(lines, breaks) {
            out.append(contentsOf: line)
            out.append(contentsOf: lineBreak.unicodeScalars)
        }
        return String(out)
    }

    /// The whole file.
    var text: String { head + yaml + tail }

    /// Replaces the text between two positions; `replacement` may span lines ("\n" between them).
    mutating func replace(from start: Position, to end: Position, with replacement: String) {
        var pieces = replacement.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
        pieces[0] = Array(lines[start.line][..<start.column]) + pieces[0]
        pieces[pieces.count - 1] += lines[end.line][end.column...]
        let lastBreak = breaks[end.line]
        lines.replaceSubrange(start.line...end.line, with: pieces)
        breaks.replaceSubrange(start.line...end.line, with: Array(repeating: newline, count: pieces.count - 1) + [lastBreak])
    }

    mutating func removeLines(_ range: ClosedRange<Int>) {
        lines.removeSubrange(range)
        breaks.removeSubrange(range)
    }

    /// Inserts whole lines after line `index` (-1: at the top).
    mutating func insert(_ newLines: [String], after index: Int) {
        if index >= 0, breaks[index].isEmpty { breaks[index] = newline }
        lines.insert(contentsOf: newLines.map { Array($0.unicodeScalars) }, at: index + 1)
        breaks.insert(contentsOf: Array(repeating: newline, count: newLines.count), at: index + 1)
    }

    /// The text of line `index` from `column` to its end.
    func rest(of index: Int, from column: Int) -> String {
        String(String.UnicodeScalarView(lines[index][column...]))
    }

    func isBlank(_ index: Int, before column: Int? = nil) -> Bool {
        let line = lines[index]
        return line[..<(column ?? line.count)].allSatisfy { $0 == " " || $0 == "\t" }
    }
}

/// A place in the frontmatter: 0-based line and column, counted in Unicode scalars as libyaml counts them.
private struct Position: Equatable {
    var line: Int
    var column: Int

    init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    init(_ mark: Mark) {
        self.init(line: mark.line - 1, column: mark.column - 1)
    }
}

// MARK: - Editing

/// A node and the containers above it, from the root down, with the index taken in each.
private struct Location {
    var steps: [(container: Node, index: Int)]
    var node: Node

    var parent: Location? {
        steps.last.map { Location(steps: Array(steps.dropLast()), node: $0.container) }
    }

    func child(_ index: Int, _ node: Node) -> Location {
        Location(steps: steps + [(self.node, index)], node: node)
    }
}

private struct Editor {
    var file: FrontmatterText
    let path: String
    private var root: Node?

    init(file: FrontmatterText, path: String) throws {
        self.file = file
        self.path = path
        try parse(after: nil)
    }

    /// Reads the frontmatter again (after each change, so the next one sees current positions).
    private mutating func parse(after change: String?) throws {
        do {
            root = try YAMLParser(mode: .strict).parse(file.yaml).root
        } catch let error as YAMLError {
            if let change {
                throw FolioError(.internal, "\(path): editing '\(change)' gave invalid YAML (\(error)); this is a bug in "
                                 + "folio, please report it; make the change in the editor (folio edit without --set)")
            }
            throw FolioError.invalidFile(path, line: error.mark.line + 1, column: error.mark.column, error.message(lineOffset: 1))
        }
        if let root, root.pairs == nil {
            throw FolioError(.invalidInput, "\(path): the frontmatter is \(root.kindName), not a mapping of fields "
                             + "(title: …); fix it in the editor (folio edit without --set)")
        }
    }

    // MARK: Set

    private enum Target {
        case replace(Location, Value)
        case insert(key: String, Value, into: Location?)
    }

    mutating func set(_ segments: [String], to value: Value) throws {
        switch try target(segments, value) {
        case .replace(let location, let newValue): try replace(location, with: newValue)
        case .insert(let key, let newValue, let mapping): try insert(key, newValue, into: mapping)
        }
        try parse(after: segments.joined(separator: "."))
    }

    private func target(_ segments: [String], _ value: Value) throws -> Target {
        guard let root else { return .insert(key: segments[0], Self.nest(segments.dropFirst(), value), into: nil) }
        var location = Location(steps: [], node: root)
        for (depth, segment) in segments.enumerated() {
            switch location.node.content {
            case .mapping(let pairs, _):
                guard let index = pairs.firstIndex(where: { $0.key.text == segment }) else {
                    return .insert(key: segment, Self.nest(segments[(depth + 1)...], value), into: location)
                }
                location = location.child(index, pairs[index].value)
            case .sequence(let items, _):
                guard let index = itemIndex(segment, in: items, at: location) else {
                    throw missingItem(segment, in: items, at: location, listPath: segments[..<depth])
                }
                location = location.child(index, items[index])
            case .scalar:
                let remaining = Array(segments[depth...])
                if location.node.isNull { return .replace(location, Self.nest(remaining[...], value)) }
                if let name = shorthandName(location) {
                    var expanded = Value.map([Value.Entry("name", .string(name))])
                    try expanded.set(path: remaining, to: value)
                    return .replace(location, expanded)
                }
                let above = segments[..<depth].joined(separator: ".")
                throw FolioError(.invalidInput, "\(path): cannot set '\(segments.joined(separator: "."))': '\(above)' is "
                                 + "\(location.node.kindName) ('\(location.node.text ?? "")'), not a mapping; set '\(above)' "
                                 + "itself (--set \(above)=…)")
            }
        }
        return .replace(location, value)
    }

    /// `{a: {b: value}}` for the path `a.b`.
    private static func nest(_ segments: ArraySlice<String>, _ value: Value) -> Value {
        segments.reversed().reduce(value) { .map([Value.Entry($1, $0)]) }
    }

    /// The name a scalar stands for when it is shorthand for a mapping with a name: a bare variable (`- code`)
    /// or a model name (`model: gpt-4o`).
    private func shorthandName(_ location: Location) -> String? {
        guard let first = location.steps.first, let key = first.container.pairs?[first.index].key.text else { return nil }
        if location.steps.count == 1, key == "model" { return location.node.text }
        if location.steps.count == 2, key == "variables" { return location.node.string }
        return nil
    }

    private func isVariables(_ location: Location) -> Bool {
        location.steps.count == 1 && location.steps[0].container.pairs?[location.steps[0].index].key.text == "variables"
    }

    /// The item a segment names: digits give a position, anything else the item with that name.
    private func itemIndex(_ segment: String, in items: [Node], at location: Location) -> Int? {
        if Self.isPosition(segment) {
            return Int(segment).flatMap { $0 < items.count ? $0 : nil }
        }
        let bare = isVariables(location)
        return items.firstIndex { $0["name"]?.text == segment || (bare && $0.string == segment) }
    }

    private static func isPosition(_ segment: String) -> Bool {
        !segment.isEmpty && segment.allSatisfy { $0.isASCII && $0.isNumber }
    }

    private func missingItem(_ segment: String, in items: [Node], at location: Location,
                             listPath: ArraySlice<String>) -> FolioError {
        let list = listPath.joined(separator: ".")
        if Self.isPosition(segment) {
            return FolioError(.invalidInput, "\(path): '\(list)' has \(Wording.count(items.count, "item")); "
                              + "position \(segment) is past its end (the first is \(list).0)")
        }
        let bare = isVariables(location)
        let names = items.compactMap { $0["name"]?.text ?? (bare ? $0.string : nil) }
        guard !names.isEmpty else {
            return FolioError(.invalidInput, "\(path): '\(list)' is a list without names; address an item by its "
                              + "position, e.g. \(list).0")
        }
        let what = bare ? "variable" : "item"
        let fix = bare ? "declare a new variable in the editor (folio edit without --set)" : "names are: \(names.joined(separator: ", "))"
        return FolioError(.invalidInput, "\(path): no \(what) named '\(segment)' in \(list)"
                          + "\(Suggestions.hint(for: segment, in: names)); \(fix)")
    }

    // MARK: Unset

    mutating func unset(_ segments: [String]) throws {
        guard let root else { return }
        var location = Location(steps: [], node: root)
        for (depth, segment) in segments.enumerated() {
            switch location.node.content {
            case .mapping(let pairs, _):
                guard let index = pairs.firstIndex(where: { $0.key.text == segment }) else { return }
                location = location.child(index, pairs[index].value)
            case .sequence(let items, _):
                guard let index = itemIndex(segment, in: items, at: location) else { return }
                location = location.child(index, items[index])
            case .scalar:
                if location.node.isNull || shorthandName(location) != nil { return }
                let above = segments[..<depth].joined(separator: ".")
                throw FolioError(.invalidInput, "\(path): cannot unset '\(segments.joined(separator: "."))': '\(above)' "
                                 + "is \(location.node.kindName), not a mapping; unset '\(above)' itself")
            }
        }
        try remove(location)
        try parse(after: segments.joined(separator: "."))
    }

    /// Removes a node from its mapping or list; a container it leaves empty goes too (except the root).
    private mutating func remove(_ location: Location) throws {
        guard let (container, index) = location.steps.last, let parent = location.parent else { return }
        let count = container.pairs?.count ?? container.sequence?.count ?? 0
        if count == 1, !parent.steps.isEmpty { return try remove(parent) }
        // Each entry: where it starts (its key or dash), where its content ends, where the next one starts.
        let starts: [Position]
        let ends: [Position]
        let style: CollectionStyle
        switch container.content {
        case .mapping(let pairs, let s):
            starts = pairs.map { Position($0.key.mark) }
            ends = pairs.map { contentEnd($0.value) }
            style = s
        case .sequence(let items, let s):
            starts = s == .flow ? items.map { Position($0.mark) } : items.indices.map { dash(of: $0, in: container) }
            ends = items.map(contentEnd)
            style = s
        case .scalar:
            return
        }
        let start = starts[index], end = ends[index]
        if style == .block, file.isBlank(start.line, before: start.column) {
            file.removeLines(start.line...end.line)
        } else if style == .flow, index > 0 {
            file.replace(from: ends[index - 1], to: end, with: "")  // ", item"
        } else if index + 1 < starts.count {
            file.replace(from: start, to: starts[index + 1], with: "")  // "item, " or a first key after a dash
        } else {
            file.replace(from: start, to: end, with: "")
        }
    }

    // MARK: Writing values

    /// Replaces an existing node with a value, written in the node's place.
    private mutating func replace(_ location: Location, with value: Value) throws {
        let node = location.node
        guard let (container, index) = location.steps.last else { return }
        var keep: CollectionStyle?
        switch node.content {
        case .sequence(_, let style), .mapping(_, let style): keep = style
        case .scalar: keep = nil
        }
        let end = contentEnd(node)
        let empty = node.text == "" && node.tag == nil && node.isNull  // `key:` with nothing after it

        switch container.content {
        case .mapping(_, .flow), .sequence(_, .flow):
            let text = try Self.render(value, as: .flow, keeping: keep).first
            let start = Position(node.mark)
            let afterColon = start.column > 0 && file.lines[start.line][start.column - 1] == ":"
            file.replace(from: start, to: end, with: (empty && afterColon ? " " : "") + text)

        case .mapping(let pairs, _):
            let key = pairs[index].key
            let colon = try colonEnd(after: key)
            var (first, more) = try Self.render(value, as: .mappingValue, keeping: keep)
            // A block list keeps the indentation the old one had (`tags:\n  - a`); folio's own has none.
            var extra = 0
            if case .sequence(_, .block) = node.content, Self.node(value, style: keep, flow: false).sequence != nil {
                extra = max(0, Position(node.mark).column - Position(key.mark).column)
            }
            more = more.map { $0.isEmpty ? $0 : String(repeating: " ", count: Position(key.mark).column + extra) + $0 }
            let inline = Position(node.mark).line == colon.line
            try write(first: first, more: more, start: inline ? (empty ? colon : Position(node.mark)) : nil,
                      end: end, leadIn: colon, spaced: empty || !inline)

        case .sequence:
            let dash = dash(of: index, in: container)
            var (first, more) = try Self.render(value, as: .sequenceItem, keeping: keep)
            more = more.map { $0.isEmpty ? $0 : String(repeating: " ", count: dash.column) + $0 }
            let afterDash = Position(line: dash.line, column: dash.column + 1)
            let inline = Position(node.mark).line == dash.line
            try write(first: first, more: more, start: inline ? (empty ? afterDash : Position(node.mark)) : nil,
                      end: end, leadIn: afterDash, spaced: empty || !inline)

        case .scalar:
            return
        }
    }

    /// Writes a value's text in place of an old one. `start` is where the old value starts on the key's (or
    /// dash's) line, nil when it starts below it; `leadIn` is just after the colon or dash; `spaced` when the
    /// text goes right after `leadIn` (an empty old value, or one below the key).
    private mutating func write(first: String, more: [String], start: Position?, end: Position,
                                leadIn: Position, spaced: Bool) throws {
        let below = more.isEmpty ? "" : "\n" + more.joined(separator: "\n")
        let lineEnd = Position(line: end.line, column: file.lines[end.line].count)
        if let start, more.isEmpty {
            // One line for one line: the spacing before and a comment after the old value stay as they are.
            file.replace(from: spaced ? leadIn : start, to: end, with: (spaced ? " " : "") + first)
        } else if start != nil {
            // A comment after the old value moves up to the key's line, ahead of the new lines.
            let comment = file.rest(of: end.line, from: end.column)
            file.replace(from: leadIn, to: lineEnd, with: (first.isEmpty ? "" : " ") + first + comment + below)
        } else {
            // The old value started below the key: the key's line keeps its comment; the old lines go.
            let comment = file.rest(of: leadIn.line, from: leadIn.column)
            let kept = comment.allSatisfy { $0 == " " || $0 == "\t" } ? "" : comment
            file.replace(from: leadIn, to: lineEnd, with: (first.isEmpty ? "" : " ") + first + kept + below)
        }
    }

    /// Appends a key at the end of a mapping (the root when nil or absent).
    private mutating func insert(_ key: String, _ value: Value, into location: Location?) throws {
        guard let mapping = location?.node, case .mapping(let pairs, let style) = mapping.content else {
            file.insert(try Self.renderEntry(key, value), after: file.lines.count - 1)
            return
        }
        if style == .flow {
            let text = try Self.renderFlowEntry(key, value)
            if let last = pairs.last {
                let end = contentEnd(last.value)
                file.replace(from: end, to: end, with: ", " + text)
            } else {
                let open = Position(mapping.mark)
                let inside = Position(line: open.line, column: open.column + 1)
                file.replace(from: inside, to: inside, with: text)
            }
            return
        }
        let indent = String(repeating: " ", count: Position(pairs[0].key.mark).column)
        let lines = try Self.renderEntry(key, value).map { $0.isEmpty ? $0 : indent + $0 }
        file.insert(lines, after: contentEnd(pairs[pairs.count - 1].value).line)
    }

    // MARK: Where things are

    /// Just after the last character of a node's value: a block scalar's last non-blank line, a block
    /// collection's last item; the comments and blank lines after it are not part of it.
    private func contentEnd(_ node: Node) -> Position {
        switch node.content {
        case .scalar(_, .literal), .scalar(_, .folded):
            let end = Position(node.end), start = Position(node.mark)
            var line = min(end.column == 0 ? end.line - 1 : end.line, file.lines.count - 1)
            while line > start.line, file.isBlank(line) { line -= 1 }
            return Position(line: line, column: file.lines[line].count)
        case .mapping(let pairs, .block) where !pairs.isEmpty:
            return contentEnd(pairs[pairs.count - 1].value)
        case .sequence(let items, .block) where !items.isEmpty:
            return contentEnd(items[items.count - 1])
        default:
            return Position(node.end)
        }
    }

    /// Just after the `:` that follows a key.
    private func colonEnd(after key: Node) throws -> Position {
        let end = Position(key.end)
        let line = file.lines[end.line]
        var column = end.column
        while column < line.count, line[column] == " " || line[column] == "\t" { column += 1 }
        guard column < line.count, line[column] == ":" else {
            throw FolioError(.invalidInput, "\(path): the key '\(key.text ?? "")' is written in a form --set cannot edit "
                             + "(a complex key); make the change in the editor (folio edit without --set)")
        }
        return Position(line: end.line, column: column + 1)
    }

    /// The `-` of a block list's item: at the list's column, on the item's line or the nearest line above it.
    private func dash(of index: Int, in sequence: Node) -> Position {
        let column = Position(sequence.mark).column
        let item = Position(sequence.sequence![index].mark)
        for line in stride(from: item.line, through: 0, by: -1) {
            let text = file.lines[line]
            if text.count > column, text[column] == "-", line < item.line || column < item.column {
                return Position(line: line, column: column)
            }
        }
        return item
    }

    // MARK: Rendering

    private enum Slot { case mappingValue, sequenceItem, flow }

    /// A value's text for a slot: what goes on the key's (or dash's) line, and the lines below it, indented
    /// relative to the key (or dash).
    private static func render(_ value: Value, as slot: Slot, keeping style: CollectionStyle?) throws -> (first: String, more: [String]) {
        switch slot {
        case .mappingValue:
            let lines = try emit(.mapping([("k", node(value, style: style, flow: false))]))
            return (String(lines[0].dropFirst(2).drop { $0 == " " }), Array(lines.dropFirst()))
        case .sequenceItem:
            let lines = try emit(.sequence([node(value, style: style, flow: false)]))
            return (String(lines[0].dropFirst(1).drop { $0 == " " }), Array(lines.dropFirst()))
        case .flow:
            let lines = try emit(.sequence([node(value, style: .flow, flow: true)], style: .flow))
            return (String(lines.joined(separator: " ").dropFirst().dropLast()), [])
        }
    }

    /// `key: value` lines for a new entry of a block mapping, relative to its indentation.
    private static func renderEntry(_ key: String, _ value: Value) throws -> [String] {
        try emit(.mapping([(key, node(value, style: nil, flow: false))]))
    }

    /// `key: value` for a new entry of a flow mapping.
    private static func renderFlowEntry(_ key: String, _ value: Value) throws -> String {
        let lines = try emit(.mapping([(key, node(value, style: .flow, flow: true))], style: .flow))
        return String(lines.joined(separator: " ").dropFirst().dropLast())
    }

    private static func emit(_ node: Node) throws -> [String] {
        let text: String
        do {
            text = try YAMLEmitter().emit(node)
        } catch {
            throw FolioError(.invalidInput, "cannot write this value as YAML: \(error)")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last == "" || lines.last == "..." { lines.removeLast() }
        return lines
    }

    /// The node for a value: `style` for the value itself when it is a collection, the default choice below.
    static func node(_ value: Value, style: CollectionStyle?, flow: Bool) -> Node {
        switch value {
        case .list(let items):
            let chosen: CollectionStyle = flow ? .flow : style ?? (isShortScalarList(items) ? .flow : .block)
            return .sequence(items.map { node($0, style: nil, flow: chosen == .flow) }, style: chosen)
        case .map(let entries):
            let chosen: CollectionStyle = flow ? .flow : style ?? (entries.isEmpty ? .flow : .block)
            return .mapping(entries.map { ($0.key, node($0.value, style: nil, flow: chosen == .flow)) }, style: chosen)
        default:
            return value.node
        }
    }

    /// One-line scalars, at most 60 characters written as a flow list.
    private static func isShortScalarList(_ items: [Value]) -> Bool {
        var length = 2
        for item in items {
            switch item {
            case .list, .map: return false
            case .string(let text) where text.contains("\n"): return false
            default: length += (item.scalarText ?? "null").count + 2
            }
        }
        return length <= 60
    }
}
