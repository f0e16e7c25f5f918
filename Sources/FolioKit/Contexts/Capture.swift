import Foundation

/// What an AI tool's hook says about the session it runs for. Claude Code, Codex and Gemini CLI hooks get a JSON
/// object on standard input: `session_id`, `transcript_path` (Codex's may be null), `cwd`, `hook_event_name`,
/// and `trigger` (PreCompact, PreCompress) or `reason` (SessionEnd). Codex's `notify` program gets one as its last
/// argument: `type` (`agent-turn-complete`), `thread-id`, `turn-id`, `cwd`.
public struct CaptureEvent: Sendable, Equatable {
    /// `SessionEnd`, `PreCompact`, `PreCompress`, `agent-turn-complete`, …
    public var event: String
    public var sessionID: String?
    public var transcriptPath: String?
    /// The folder the session runs in.
    public var folder: String?
    /// Why it fired: a compaction's `trigger` (`manual`, `auto`) or a session end's `reason`.
    public var detail: String?
    /// The tool, when the event itself says (only Codex's `notify` does).
    public var tool: Session.Tool?

    public init(event: String, sessionID: String? = nil, transcriptPath: String? = nil, folder: String? = nil, detail: String? = nil,
                tool: Session.Tool? = nil) {
        self.event = event
        self.sessionID = sessionID
        self.transcriptPath = transcriptPath
        self.folder = folder
        self.detail = detail
        self.tool = tool
    }

    /// Reads the JSON a hook or `notify` passes. Unknown fields are ignored; what names no session is an error.
    public static func parse(_ data: Data) throws -> CaptureEvent {
        let trimmed = data.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        guard !trimmed.isEmpty else {
            throw FolioError(.invalidInput, "the hook passed nothing; folio context save --hook reads the JSON a tool's hook passes on standard input (or as its last argument)")
        }
        guard let object = JSON.object(Data(trimmed)) else {
            throw FolioError(.invalidInput, "the hook's input is not a JSON object: \(String(decoding: trimmed.prefix(80), as: UTF8.self))")
        }
        func text(_ keys: String...) -> String? {
            for key in keys { if let value = object[key] as? String, !value.isEmpty { return value } }
            return nil
        }
        var event = CaptureEvent(event: text("hook_event_name", "type") ?? "hook", sessionID: text("session_id", "thread-id", "thread_id"),
                                 transcriptPath: text("transcript_path"), folder: text("cwd"), detail: text("trigger", "reason", "source"))
        if object["thread-id"] != nil || text("type") == "agent-turn-complete" { event.tool = .codex }
        guard event.sessionID != nil || event.transcriptPath != nil else {
            throw FolioError(.invalidInput, "the hook's input names no session (no session_id, thread-id or transcript_path)")
        }
        return event
    }
}

extension ContextSaveOutcome {
    /// How many messages the session gained since it was saved last; nil for a first save.
    public var addedMessages: Int? {
        previousMessages.map { max(0, context.session.messageCount - $0) }
    }
}

extension Library {
    /// Saves the session a hook names: the transcript it gives when it is there, else the session of this
    /// repository with that id (`tool` narrows where it is looked for). As any save: redacted, checked, committed;
    /// a session saved before is updated in place.
    public func saveContext(from event: CaptureEvent, tool: Session.Tool? = nil, options: ContextSaveOptions) throws -> ContextSaveOutcome {
        var source = SessionSource(tool: tool ?? event.tool)
        if let path = event.transcriptPath, FileManager.default.fileExists(atPath: path) {
            source.file = path
        } else if let id = event.sessionID {
            source.sessionID = id
        } else {
            throw FolioError(.notFound, "the session's transcript is not at \(event.transcriptPath ?? "the path the hook gave") (nothing said yet?)")
        }
        return try saveContext(from: source, options: options)
    }

    /// Where hooks and the watcher say what they saved: `.git/folio/capture.log`, never committed.
    public var captureLogPath: String? {
        guard let repository = try? repository else { return nil }
        return (repository.gitDir.hasSuffix("/") ? repository.gitDir : repository.gitDir + "/") + "folio/capture.log"
    }

    /// Adds a line to the capture log, after the time. A log that cannot be written is no reason to fail a capture.
    public func logCapture(_ message: String) {
        guard let path = captureLogPath else { return }
        let line = Timestamps.format(environment.now()) + " " + message.replacingOccurrences(of: "\n", with: " ") + "\n"
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // Appended in one write: the lines of hooks running at once do not mix.
        let descriptor = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard descriptor >= 0 else { return }
        defer { Glibc.close(descriptor) }
        let bytes = Array(line.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
    }
}
