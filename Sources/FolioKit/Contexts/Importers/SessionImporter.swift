import Foundation

/// Reads one tool's session files into a `Session`. Importers are tolerant: unknown record types, missing
/// fields, content as a string or a list of blocks, and very long lines are all expected.
protocol SessionImporter {
    static var tool: Session.Tool { get }
    /// Reads a session file (or folder, for tools that keep one folder per session).
    static func read(_ path: String) throws -> Session
    /// Whether the file is a session folio wrote (`folio context restore … --write`) that the tool has not
    /// continued since: such a copy is never taken for the latest session.
    static func isUnchangedRestore(_ path: String) -> Bool
}

extension SessionImporter {
    static func isUnchangedRestore(_ path: String) -> Bool { false }
}

enum SessionImporters {
    static func importer(for tool: Session.Tool) -> any SessionImporter.Type {
        switch tool {
        case .claudeCode: ClaudeCodeImporter.self
        case .codex: CodexImporter.self
        case .aider: AiderImporter.self
        case .gemini: GeminiImporter.self
        case .cline, .roo: ClineImporter.self
        case .markdown: MarkdownImporter.self
        case .cursor: CursorImporter.self
        case .cursorAgent: CursorAgentImporter.self
        case .copilot: CopilotImporter.self
        case .specstory: SpecStoryImporter.self
        }
    }

    /// The session files folio reads, for messages about a file it does not.
    static let formats = "Claude Code (a session's .jsonl, a subagent's, or JSON with a \"loglines\" list), Codex (rollout-*.jsonl), "
        + "Gemini CLI (session-*.json or .jsonl), aider (.aider.chat.history.md), Cline and Roo (api_conversation_history.json), "
        + "VS Code Copilot (chatSessions/*.json or .jsonl, Export Chat's JSON), Cursor (state.vscdb), cursor-agent (store.db), "
        + "SpecStory (.specstory/history/*.md) and Markdown notes or transcripts (text)"

    /// Guesses the tool from a file's name and first bytes.
    static func detect(_ path: String) -> Session.Tool {
        let name = (path as NSString).lastPathComponent
        if name.hasSuffix(".aider.chat.history.md") { return .aider }
        if name == "api_conversation_history.json" || name == "task_metadata.json" { return .cline }
        if name.hasSuffix(".vscdb") || CursorImporter.split(path).composer != nil { return .cursor }
        if name == "store.db" { return .cursorAgent }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            return FileManager.default.fileExists(atPath: path + "/store.db") ? .cursorAgent : .cline
        }
        let head = (FileHandle(forReadingAtPath: path).flatMap { try? $0.read(upToCount: 4096) }).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let trimmed = head.drop { $0.isWhitespace }
        // VS Code chat sessions: a change log whose first line is the whole chat, or the chat as one document.
        if name.hasSuffix(".jsonl"), trimmed.hasPrefix("{\"kind\":0,\"v\":") || path.contains("/chatSessions/") { return .copilot }
        if name.hasSuffix(".json"), path.contains("/chatSessions/") { return .copilot }
        if name.hasSuffix(".json"), head.contains("\"requests\""),
           ["\"requesterUsername\"", "\"responderUsername\"", "\"initialLocation\""].contains(where: head.contains) { return .copilot }
        if name.hasSuffix(".json"), head.contains("\"loglines\"") { return .claudeCode }
        if name.hasSuffix(".md"), path.contains("/.specstory/history/") || SpecStoryImporter.recognizes(head) { return .specstory }
        if name.hasSuffix(".jsonl") {
            if head.contains("\"session_meta\"") || head.contains("\"response_item\"") || head.contains("\"turn_context\"")
                || name.hasPrefix("rollout-") { return .codex }
            // Gemini CLI's JSONL sessions start with their metadata: sessionId and projectHash.
            if head.contains("\"projectHash\"") { return .gemini }
            return .claudeCode
        }
        if name.hasSuffix(".json") {
            if trimmed.hasPrefix("[") { return .cline }
            if head.contains("\"messages\"") || head.contains("\"sessionId\"") { return .gemini }
        }
        return .markdown
    }
}

// MARK: - Reading JSON leniently

typealias JSONObject = [String: Any]

enum JSON {
    static func object(_ data: Data) -> JSONObject? { JSONReader.parse(data) as? JSONObject }

    static func parse(_ data: Data) -> Any? { JSONReader.parse(data) }

    /// Compact JSON for a value (tool inputs are kept this way): no spaces, slashes unescaped, and the keys
    /// that say what a call is about (`file_path`, `command`, `pattern`, …) first, so a cut input keeps them;
    /// the other keys sorted.
    static func compact(_ value: Any?) -> String {
        guard let value else { return "{}" }
        if let string = value as? String { return string }
        var out: [UInt8] = []
        write(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static let leadingKeys = ["file_path", "path", "notebook_path", "absolute_path", "target_file", "filePath", "command", "cmd", "pattern", "url", "query",
                              "description"]

    private static func write(_ value: Any, to out: inout [UInt8]) {
        switch value {
        case let string as String:
            writeString(string, to: &out)
        case let object as JSONObject:
            out.append(UInt8(ascii: "{"))
            let lead = leadingKeys.filter { object[$0] != nil }
            let rest = object.keys.filter { !leadingKeys.contains($0) }.sorted()
            for (index, key) in (lead + rest).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                write(object[key]!, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case let list as [Any]:
            out.append(UInt8(ascii: "["))
            for (index, item) in list.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let bool as Bool:
            out += (bool ? "true" : "false").utf8
        case let number as Int:
            out += String(number).utf8
        case let number as Double:
            out += (number.isFinite && number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)).utf8
        case let number as NSNumber:  // from Foundation: its booleans are a class of their own
            out += ("\(type(of: number))".contains("Boolean") ? (number.boolValue ? "true" : "false") : number.stringValue).utf8
        case is NSNull:
            out += "null".utf8
        default:
            writeString("\(value)", to: &out)
        }
    }

    private static func writeString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Text of content given as a string, a list of blocks, or a block.
    static func text(_ content: Any?) -> String {
        switch content {
        case let string as String: return string
        case let list as [Any]:
            return list.map { text($0) }.filter { !$0.isEmpty }.joined(separator: "\n")
        case let block as JSONObject:
            if let text = block["text"] as? String { return text }
            if let content = block["content"] { return text(content) }
            if let output = block["output"] { return text(output) }
            if block["type"] as? String == "image" || block["type"] as? String == "input_image" { return "[image]" }
            return ""
        default: return ""
        }
    }

    static func date(_ value: Any?) -> Date? {
        guard let string = value as? String else {
            if let number = value as? Int { return Date(timeIntervalSince1970: number > 1_000_000_000_000 ? Double(number) / 1000 : Double(number)) }
            if let number = value as? Double { return Date(timeIntervalSince1970: number > 1e12 ? number / 1000 : number) }
            return nil
        }
        return Timestamps.parse(string)
    }

    static func int(_ value: Any?) -> Int {
        switch value {
        case let number as Int: number
        case let number as Double: number.isFinite && abs(number) < 9e18 ? Int(number) : 0
        case let number as NSNumber: number.intValue
        case let string as String: Int(string) ?? 0
        default: 0
        }
    }
}

/// Reads a file line by line without loading it whole (sessions can be hundreds of megabytes; one line can
/// be megabytes long).
struct LineReader: Sequence, IteratorProtocol {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    /// Where the next line starts in `buffer`.
    private var position = 0
    private var atEnd = false
    private static let chunk = 1 << 20

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FolioError(.notFound, "cannot read \(path): no such file, or no permission")
        }
        self.handle = handle
    }

    mutating func next() -> Data? { nextLine { Data($0) } }

    /// The next line as text (invalid UTF-8 repaired), decoded straight from what was read: no copy in between.
    mutating func nextText() -> String? { nextLine { String(decoding: $0, as: UTF8.self) } }

    private mutating func nextLine<Line>(_ make: (ArraySlice<UInt8>) -> Line) -> Line? {
        while true {
            let start = position
            let newline: Int? = buffer.withUnsafeBytes { bytes in
                guard start < bytes.count, let hit = memchr(bytes.baseAddress! + start, 0x0A, bytes.count - start) else { return nil }
                return bytes.baseAddress!.distance(to: UnsafeRawPointer(hit))
            }
            if let newline {
                position = newline + 1
                return make(buffer[start..<newline])
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                position = buffer.count
                return make(buffer[start...])
            }
            // Keep the unfinished line, then read more after it.
            if start > 0 {
                buffer.removeSubrange(0..<start)
                position = 0
            }
            let old = buffer.count
            buffer.reserveCapacity(old + Self.chunk)
            var got = 0
            buffer.append(contentsOf: repeatElement(0, count: Self.chunk))
            buffer.withUnsafeMutableBytes { bytes in
                got = Glibc.read(handle.fileDescriptor, bytes.baseAddress! + old, Self.chunk)
            }
            buffer.removeLast(Self.chunk - Swift.max(got, 0))
            if got <= 0 { atEnd = true }
        }
    }
}
