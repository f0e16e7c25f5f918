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

    /// Splits file text into frontmatter and body; `path` is for messages. Works on UTF-8 bytes: this runs
    /// for every file of a library when the index is built.
    static func split(_ text: String, path: String) throws -> Split {
        var bytes = Array(text.utf8)
        let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        if bom { bytes.removeFirst(3) }
        let newline: UInt8 = 0x0A, carriageReturn: UInt8 = 0x0D
        // The first line's ending decides: CRLF files are read as LF and written back as CRLF.
        var ending = PromptDocument.LineEnding.lf
        if let first = bytes.firstIndex(of: newline), first > 0, bytes[first - 1] == carriageReturn {
            ending = .crlf
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            for (index, byte) in bytes.enumerated()
            where !(byte == carriageReturn && index + 1 < bytes.count && bytes[index + 1] == newline) {
                out.append(byte)
            }
            bytes = out
        }
        let dashes: [UInt8] = [0x2D, 0x2D, 0x2D], dots: [UInt8] = [0x2E, 0x2E, 0x2E]
        guard bytes.starts(with: dashes + [newline]) || bytes == dashes else {
            return Split(frontmatter: nil, frontmatterLine: 1, body: String(decoding: bytes, as: UTF8.self), bodyLine: 1,
                         lineEnding: ending, hasByteOrderMark: bom)
        }
        var lineStart = 4
        var line = 2
        while lineStart <= bytes.count {
            let lineEnd = bytes[lineStart...].firstIndex(of: newline) ?? bytes.count
            let content = bytes[lineStart..<lineEnd]
            if content.elementsEqual(dashes) || content.elementsEqual(dots) {
                let frontmatter = lineStart > 4 ? String(decoding: bytes[4..<(lineStart - 1)], as: UTF8.self) : ""
                let body = lineEnd < bytes.count ? String(decoding: bytes[(lineEnd + 1)...], as: UTF8.self) : ""
                return Split(frontmatter: frontmatter, frontmatterLine: 2, body: body, bodyLine: line + 1,
                             lineEnding: ending, hasByteOrderMark: bom)
            }
            lineStart = lineEnd + 1
            line += 1
        }
        throw FolioError.invalidFile(path, line: 1, column: 1, "the frontmatter that starts here is not closed; add a line '---' after it")
    }

    /// Parses a folio prompt file strictly. Errors read `path:line:col: error: message`.
    public static func decode(_ data: Data, id: PromptID, path: String) throws -> PromptDocument {
        // Decoding drops a byte order mark; note it from the bytes so a rewrite keeps it.
        let bom = data.starts(with: [0xEF, 0xBB, 0xBF])
        if data.withUnsafeBytes({ $0.baseAddress.map { memchr($0, 0, data.count) != nil } ?? false }) {
            throw FolioError.invalidFile(path, line: 1, column: 1, "the file is binary (it contains NUL bytes), not a prompt")
        }
        guard let text = String(validating: bom ? data.dropFirst(3) : data, as: UTF8.self) else {
            throw FolioError.invalidFile(path, line: 1, column: 1, "the file is not valid UTF-8 text; save it as UTF-8")
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
