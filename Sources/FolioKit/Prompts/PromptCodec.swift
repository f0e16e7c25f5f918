import Foundation
internal import YAML

/// A prompt file as read from disk: the prompt and how the file was written (line endings, BOM),
/// so that a rewrite changes only what was edited.
public struct PromptDocument: Sendable, Equatable {
    public var prompt: Prompt
    public var lineEnding: LineEnding
    public var hasByteOrderMark: Bool
    /// The 1-based line the body starts on.
    public var bodyStartLine: Int

    public enum LineEnding: String, Sendable {
        case lf = "\n"
        case crlf = "\r\n"
    }

    public init(prompt: Prompt, lineEnding: LineEnding = .lf, hasByteOrderMark: Bool = false, bodyStartLine: Int = 1) {
        self.prompt = prompt
        self.lineEnding = lineEnding
        self.hasByteOrderMark = hasByteOrderMark
        self.bodyStartLine = bodyStartLine
    }
}

/// Reads and writes prompt files: YAML frontmatter between `---` lines, then the body.
public enum PromptCodec {
    /// The frontmatter and body of a file's text, with the line the frontmatter's YAML starts on.
    struct Split {
        var frontmatter: String?
        var frontmatterLine: Int
        var body: String
        var bodyLine: Int
        var lineEnding: PromptDocument.LineEnding
        var hasByteOrderMark: Bool
    }

    /// Splits file text into frontmatter and body; `path` is for messages.
    static func split(_ text: String, path: String) throws -> Split {
        var text = Substring(text)
        let bom = text.unicodeScalars.first == "\u{FEFF}"
        if bom { text = Substring(text.unicodeScalars.dropFirst()) }
        let crlf = text.range(of: "\r\n").map { text[..<$0.lowerBound].contains("\n") == false } ?? false
        let normalized = crlf ? text.replacingOccurrences(of: "\r\n", with: "\n") : String(text)
        let ending: PromptDocument.LineEnding = crlf ? .crlf : .lf

        guard normalized.hasPrefix("---\n") || normalized == "---" else {
            return Split(frontmatter: nil, frontmatterLine: 1, body: normalized, bodyLine: 1, lineEnding: ending,
                         hasByteOrderMark: bom)
        }
        let lines = normalized.split(separator: "\n", omittingEmptySubsequences: false)
        guard let close = lines.indices.dropFirst().first(where: { lines[$0] == "---" || lines[$0] == "..." }) else {
            throw FolioError.invalidFile(path, line: 1, column: 1,
                                         "the frontmatter that starts here is not closed; add a line '---' after it")
        }
        let frontmatter = lines[1..<close].joined(separator: "\n")
        let body = lines[(close + 1)...].joined(separator: "\n")
        return Split(frontmatter: frontmatter, frontmatterLine: 2, body: body, bodyLine: close + 2, lineEnding: ending,
                     hasByteOrderMark: bom)
    }

    /// Parses a folio prompt file strictly. Errors read `path:line:col: error: message`.
    public static func decode(_ data: Data, id: PromptID, path: String) throws -> PromptDocument {
        // Decoding drops a byte order mark; note it from the bytes so a rewrite keeps it.
        let bom = data.starts(with: [0xEF, 0xBB, 0xBF])
        guard let text = String(data: bom ? data.dropFirst(3) : data, encoding: .utf8) else {
            throw FolioError.invalidFile(path, line: 1, column: 1, "the file is not valid UTF-8 text; save it as UTF-8")
        }
        if text.contains("\0") {
            throw FolioError.invalidFile(path, line: 1, column: 1, "the file is binary (it contains NUL bytes), not a prompt")
        }
        var document = try decode(text, id: id, path: path)
        document.hasByteOrderMark = document.hasByteOrderMark || bom
        return document
    }

    /// Parses a folio prompt file's text strictly.
    public static func decode(_ text: String, id: PromptID, path: String) throws -> PromptDocument {
        let parts = try split(text, path: path)
        var prompt = Prompt(id: id, body: parts.body)
        if let frontmatter = parts.frontmatter {
            let root: Node?
            do {
                root = try YAMLParser(mode: .strict).parse(frontmatter).root
            } catch let error as YAMLError {
                throw FolioError.invalidFile(path, line: error.mark.line + parts.frontmatterLine - 1,
                                             column: error.mark.column, error.message(lineOffset: parts.frontmatterLine - 1))
            }
            if let root {
                try FrontmatterSchema(path: path, lineOffset: parts.frontmatterLine - 1).decode(root, into: &prompt)
            }
        }
        return PromptDocument(prompt: prompt, lineEnding: parts.lineEnding, hasByteOrderMark: parts.hasByteOrderMark,
                              bodyStartLine: parts.bodyLine)
    }

    /// Writes a prompt file: canonical frontmatter, then the body, with the document's line endings and BOM.
    public static func encode(_ document: PromptDocument) -> Data {
        var text = "---\n"
        let node = FrontmatterSchema.encode(document.prompt)
        if let pairs = node.pairs, !pairs.isEmpty {
            // The emitter fails only on invalid UTF-8, which a Swift String cannot hold.
            text += (try? YAMLEmitter().emit(node)) ?? ""
        }
        text += "---\n"
        text += document.prompt.body
        if document.lineEnding == .crlf { text = text.replacingOccurrences(of: "\n", with: "\r\n") }
        var data = Data()
        if document.hasByteOrderMark { data.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
        data.append(contentsOf: text.utf8)
        return data
    }

    /// The file with its body replaced and its frontmatter kept exactly as written.
    static func replacingBody(of data: Data, with body: String, path: String) throws -> Data {
        let parts = try split(String(decoding: data, as: UTF8.self), path: path)
        var text = ""
        if let frontmatter = parts.frontmatter {
            text = "---\n" + (frontmatter.isEmpty ? "" : frontmatter + "\n") + "---\n"
        }
        text += body
        if parts.lineEnding == .crlf { text = text.replacingOccurrences(of: "\n", with: "\r\n") }
        var out = Data()
        if parts.hasByteOrderMark { out.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
        out.append(contentsOf: text.utf8)
        return out
    }

    /// Writes a new prompt file with LF line endings.
    public static func encode(_ prompt: Prompt) -> Data {
        encode(PromptDocument(prompt: prompt))
    }

    /// The frontmatter fields as a mapping value (for `--set` edits and JSON output).
    static func frontmatterValue(_ prompt: Prompt) -> Value {
        Value(node: FrontmatterSchema.encode(prompt))
    }

    /// Rebuilds a prompt from an edited frontmatter mapping, validating it as if it were read from a file.
    static func prompt(fromFrontmatter value: Value, id: PromptID, body: String, path: String) throws -> Prompt {
        var prompt = Prompt(id: id, body: body)
        try FrontmatterSchema(path: path, lineOffset: 0).decode(value.node, into: &prompt)
        return prompt
    }
}
