/// One Mustache tag in a template, with where it is.
public struct TemplateTag: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `{{name}}`, `{{{name}}}` or `{{& name}}`.
        case variable
        /// `{{#name}}`
        case section
        /// `{{^name}}`
        case invertedSection
        /// `{{/name}}`
        case close
        /// `{{> id}}`: an include.
        case partial
        /// `{{< id}}` (a parent, for template inheritance) and `{{$name}}` (a block).
        case parent, block
        case comment, setDelimiter, pragma
    }

    public let kind: Kind
    /// The name, trimmed (empty for comments and delimiter changes).
    public let name: String
    /// 1-based line and column of the tag's opening delimiter.
    public let line: Int
    public let column: Int
    /// Byte offsets (UTF-8) of the whole tag and of its name in the template.
    public let range: Range<Int>
    public let nameRange: Range<Int>
    /// The names of the sections this tag is inside, outermost first.
    public let enclosingSections: [String]
}

/// A template syntax problem: an unclosed tag, a section never closed, a mismatched close.
public struct TemplateSyntaxError: Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public let line: Int
    public let column: Int

    public var description: String { "\(line):\(column): \(message)" }
}

/// The tags of a Mustache template and its syntax errors.
public struct TemplateScan: Sendable {
    public let tags: [TemplateTag]
    public let errors: [TemplateSyntaxError]

    /// Included prompt ids (`{{> id}}`), in order of first use.
    public var includes: [String] {
        var seen = Set<String>()
        return tags.filter { $0.kind == .partial && seen.insert($0.name).inserted }.map(\.name)
    }

    /// Names the template reads from its top-level context: variables and sections outside any section,
    /// by their first dotted segment (`{{user.name}}` reads `user`).
    public var topLevelNames: [String] {
        var seen = Set<String>()
        var names: [String] = []
        for tag in tags where tag.enclosingSections.isEmpty
            && [.variable, .section, .invertedSection].contains(tag.kind) && tag.name != "." {
            let root = String(tag.name.split(separator: ".").first ?? "")
            if !root.isEmpty, seen.insert(root).inserted { names.append(root) }
        }
        return names
    }
}

/// Scans Mustache templates the way the Mustache spec reads them: `{{` `}}` delimiters that
/// `{{=<% %>=}}` can change, triple mustaches, sections that must nest.
public enum TemplateScanner {
    public static func scan(_ template: String) -> TemplateScan {
        let bytes = Array(template.utf8)
        var open = Array("{{".utf8)
        var close = Array("}}".utf8)
        var tags: [TemplateTag] = []
        var errors: [TemplateSyntaxError] = []
        var sections: [(name: String, line: Int, column: Int)] = []
        var forced: [String] = []
        let lines = LineIndex(bytes)

        var position = 0
        while let start = find(open, in: bytes, from: position) {
            var contentStart = start + open.count
            var closer = close
            var triple = false
            if open == Array("{{".utf8), contentStart < bytes.count, bytes[contentStart] == UInt8(ascii: "{") {
                triple = true
                contentStart += 1
                closer = Array("}".utf8) + close
            }
            let (line, column) = lines.position(of: start, in: bytes)
            guard let end = find(closer, in: bytes, from: contentStart) else {
                let shown = String(decoding: open, as: UTF8.self)
                errors.append(TemplateSyntaxError(
                    message: "unclosed tag '\(shown)': add '\(String(decoding: closer, as: UTF8.self))' (to write a literal '\(shown)', see \"Literal braces\" in docs/format.md)",
                    line: line, column: column))
                break
            }
            position = end + closer.count
            var content = contentStart..<end
            var kind = TemplateTag.Kind.variable
            if !triple, let first = firstNonSpace(bytes, content) {
                switch bytes[first] {
                case UInt8(ascii: "#"): kind = .section
                case UInt8(ascii: "^"): kind = .invertedSection
                case UInt8(ascii: "/"): kind = .close
                case UInt8(ascii: ">"): kind = .partial
                case UInt8(ascii: "<"): kind = .parent
                case UInt8(ascii: "$"): kind = .block
                case UInt8(ascii: "!"): kind = .comment
                case UInt8(ascii: "="): kind = .setDelimiter
                case UInt8(ascii: "%"): kind = .pragma
                case UInt8(ascii: "&"): kind = .variable
                default: break
                }
                if kind != .variable || bytes[first] == UInt8(ascii: "&") { content = (first + 1)..<end }
            }
            let nameRange = trimmed(bytes, content)
            let name = String(decoding: bytes[nameRange], as: UTF8.self)
            let tag = TemplateTag(kind: kind, name: kind == .comment ? "" : name, line: line, column: column,
                                  range: start..<position, nameRange: nameRange,
                                  enclosingSections: sections.map(\.name))

            switch kind {
            case .comment, .pragma:
                break
            case .setDelimiter:
                // {{=<% %>=}}: the new opening and closing delimiters, separated by spaces.
                var spec = name
                if spec.hasSuffix("=") { spec.removeLast() }
                let parts = spec.split(whereSeparator: { $0 == " " || $0 == "\t" })
                if parts.count == 2, !parts[0].contains("="), !parts[1].contains("=") {
                    open = Array(parts[0].utf8)
                    close = Array(parts[1].utf8)
                } else {
                    errors.append(TemplateSyntaxError(message: "a delimiter change is written {{=<% %>=}}", line: line, column: column))
                }
            default:
                if name.isEmpty {
                    errors.append(TemplateSyntaxError(message: "empty tag: put a name between the braces", line: line, column: column))
                } else if name.contains(where: { $0 == " " || $0 == "\n" }) && kind != .partial {
                    errors.append(TemplateSyntaxError(message: "tag name '\(name)' contains a space", line: line, column: column))
                }
            }
            switch kind {
            case .section, .invertedSection, .parent, .block:
                sections.append((name, line, column))
            case .close:
                if !sections.contains(where: { $0.name == name }), let index = forced.lastIndex(of: name) {
                    forced.remove(at: index)
                } else if let top = sections.last {
                    if top.name == name {
                        sections.removeLast()
                    } else {
                        errors.append(TemplateSyntaxError(
                            message: "{{/\(name)}} does not match {{#\(top.name)}} opened at line \(top.line); close '\(top.name)' first",
                            line: line, column: column))
                        if let index = sections.lastIndex(where: { $0.name == name }) {
                            // Recover by closing through the named section; the sections closed with it were
                            // reported by this error, so their own closing tags later are not reported again.
                            forced += sections[(index + 1)...].map(\.name)
                            sections.removeSubrange(index...)
                        }
                    }
                } else {
                    errors.append(TemplateSyntaxError(message: "{{/\(name)}} closes a section that was never opened",
                                                      line: line, column: column))
                }
            default:
                break
            }
            tags.append(tag)
        }
        for section in sections.reversed() {
            errors.append(TemplateSyntaxError(message: "section '\(section.name)' is never closed: add {{/\(section.name)}}",
                                              line: section.line, column: section.column))
        }
        return TemplateScan(tags: tags, errors: errors)
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, start <= bytes.count - needle.count else { return nil }
        let first = needle[0]
        var i = start
        let last = bytes.count - needle.count
        while i <= last {
            if bytes[i] == first {
                var matched = true
                for j in 1..<needle.count where bytes[i + j] != needle[j] {
                    matched = false
                    break
                }
                if matched { return i }
            }
            i += 1
        }
        return nil
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func firstNonSpace(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        range.first { !isSpace(bytes[$0]) }
    }

    private static func trimmed(_ bytes: [UInt8], _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound, upper = range.upperBound
        while lower < upper, isSpace(bytes[lower]) { lower += 1 }
        while upper > lower, isSpace(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    /// Maps byte offsets to 1-based lines and character columns.
    private struct LineIndex {
        let starts: [Int]

        init(_ bytes: [UInt8]) {
            var starts = [0]
            for (i, byte) in bytes.enumerated() where byte == 0x0A { starts.append(i + 1) }
            self.starts = starts
        }

        func position(of offset: Int, in bytes: [UInt8]) -> (Int, Int) {
            var low = 0, high = starts.count - 1
            while low < high {
                let mid = (low + high + 1) / 2
                if starts[mid] <= offset { low = mid } else { high = mid - 1 }
            }
            let lineStart = starts[low]
            // Count characters, not bytes: continuation bytes (10xxxxxx) do not start one.
            let column = bytes[lineStart..<offset].reduce(1) { $0 + (($1 & 0xC0) == 0x80 ? 0 : 1) }
            return (low + 1, column)
        }
    }
}
