import Foundation

/// Reads one tool's session files into a `Session`. Importers are tolerant: unknown record types, missing
/// fields, content as a string or a list of blocks, and very long lines are all expected.
protocol SessionImporter {
    static var tool: Session.Tool { get }
    /// Reads a session file (or folder, for tools that keep one folder per session).
    static func read(_ path: String) throws -> Session
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
        }
    }

    /// Guesses the tool from a file's name and first bytes.
    static func detect(_ path: String) -> Session.Tool {
        let name = (path as NSString).lastPathComponent
        if name.hasSuffix(".aider.chat.history.md") { return .aider }
        if name == "api_conversation_history.json" || name == "task_metadata.json" { return .cline }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue { return .cline }
        let head = (FileHandle(forReadingAtPath: path).flatMap { try? $0.read(upToCount: 4096) }).map { String(decoding: $0, as: UTF8.self) } ?? ""
        if name.hasSuffix(".jsonl") {
            if head.contains("\"session_meta\"") || head.contains("\"response_item\"") || head.contains("\"turn_context\"")
                || name.hasPrefix("rollout-") { return .codex }
            return .claudeCode
        }
        if name.hasSuffix(".json") {
            let trimmed = head.drop { $0.isWhitespace }
            if trimmed.hasPrefix("[") { return .cline }
            if head.contains("\"messages\"") || head.contains("\"sessionId\"") { return .gemini }
        }
        return .markdown
    }
}

// MARK: - Reading JSON leniently

typealias JSONObject = [String: Any]

enum JSON {
    static func object(_ data: Data) -> JSONObject? {
        (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) as? JSONObject
    }

    static func parse(_ data: Data) -> Any? {
        try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }

    /// Compact JSON for a value (tool inputs are kept this way).
    static func compact(_ value: Any?) -> String {
        guard let value else { return "{}" }
        if let string = value as? String { return string }
        guard JSONSerialization.isValidJSONObject(value),
              let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "\(value)"
        }
        return String(decoding: data, as: UTF8.self)
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
            if let number = value as? Double { return Date(timeIntervalSince1970: number > 1e12 ? number / 1000 : number) }
            return nil
        }
        return Timestamps.parse(string)
    }

    static func int(_ value: Any?) -> Int {
        switch value {
        case let number as Int: number
        case let number as Double: Int(number)
        case let number as NSNumber: number.intValue
        case let string as String: Int(string) ?? 0
        default: 0
        }
    }
}

enum Timestamps {
    nonisolated(unsafe) private static let fractional: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
    nonisolated(unsafe) private static let plain = ISO8601DateFormatter()
    private static let lock = NSLock()

    static func parse(_ string: String) -> Date? {
        lock.lock()
        defer { lock.unlock() }
        return fractional.date(from: string) ?? plain.date(from: string)
    }

    static func format(_ date: Date) -> String {
        lock.lock()
        defer { lock.unlock() }
        return plain.string(from: date)
    }
}

/// Reads a file line by line without loading it whole (sessions can be hundreds of megabytes; one line can
/// be megabytes long).
struct LineReader: Sequence, IteratorProtocol {
    private let handle: FileHandle
    private var buffer = Data()
    private var atEnd = false
    private static let chunk = 1 << 20

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FolioError(.notFound, "cannot read \(path): no such file, or no permission")
        }
        self.handle = handle
    }

    mutating func next() -> Data? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[buffer.startIndex..<newline]
                buffer = buffer[(newline + 1)...]
                return Data(line)
            }
            if atEnd {
                guard !buffer.isEmpty else { return nil }
                defer { buffer = Data() }
                return Data(buffer)
            }
            let more = (try? handle.read(upToCount: Self.chunk)) ?? nil
            if let more, !more.isEmpty {
                buffer = buffer.isEmpty ? more : Data(buffer) + more
            } else {
                atEnd = true
            }
        }
    }
}
