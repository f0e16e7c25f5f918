import Foundation
internal import YAML

/// A context file: `contexts/<yyyy>/<mm>/<dd>-<slug>.context.md`. YAML frontmatter describes the session;
/// the body has a summary, open tasks and the transcript. The transcript is readable Markdown whose turns,
/// tool calls and results are introduced by HTML comments (`<!-- folio:turn … -->`), invisible when rendered
/// and what lets folio read the turns back to restore them. See docs/contexts.md.
public struct ContextFile: Sendable, Equatable {
    public static let folder = "contexts"
    public static let suffix = ".context.md"

    public struct GitState: Sendable, Equatable {
        public var remote: String?
        public var branch: String?
        public var head: String?
        public var dirty: [String] = []
    }

    public struct Cuts: Sendable, Equatable {
        /// Tool outputs longer than this keep their start (three quarters) and end (a quarter). (See
        /// `Session.kept`.)
        public var toolOutput = 800
        /// What a tool that read a file returned: the file is in the repository, so less is kept.
        public var fileOutput = 400
        /// Tool inputs (file contents being written, patches) longer than this keep their start.
        public var toolInput = 300
        /// Messages longer than this keep their start and end.
        public var message = 12_000
        public var thinking = false
        public static let `default` = Cuts()
        public static let none = Cuts(toolOutput: .max, fileOutput: .max, toolInput: .max, message: .max, thinking: true)
        public init(toolOutput: Int = 800, fileOutput: Int = 400, toolInput: Int = 300, message: Int = 12_000, thinking: Bool = false) {
            self.toolOutput = toolOutput
            self.fileOutput = fileOutput
            self.toolInput = toolInput
            self.message = message
            self.thinking = thinking
        }
    }

    /// `2025/06/14-fix-login`: the path below contexts/ without the suffix. (Older contexts have the whole date in
    /// the name, `2025/06/2025-06-14-fix-the-login`; ids are never renamed.)
    public var id: String
    public var title: String
    public var session: Session
    /// The folder the session ran in, relative to the repository root (`.` for the root); nil when outside it.
    public var folder: String?
    public var git: GitState?
    public var tags: [String] = []
    /// Files touched and commands run, read from the whole session (its tool inputs are cut in the transcript).
    public var activity: SessionActivity

    public init(id: String, title: String, session: Session, folder: String? = nil, activity: SessionActivity? = nil) {
        self.id = id
        self.title = title
        self.session = session
        self.folder = folder
        self.activity = activity ?? SessionActivity(session.allToolCalls)
    }

    public var relativePath: String { Self.folder + "/" + id + Self.suffix }

    /// Tasks not completed.
    public var openTasks: [SessionTask] { session.tasks.filter { $0.status != .completed } }

    // MARK: - Writing

    /// The file's text. The session is written as it is: cut and redact it first (`Session.kept`).
    public func render() -> String {
        var out = "---\n"
        func line(_ key: String, _ value: String?, indent: String = "") {
            if let value { out += "\(indent)\(key): \(Self.quote(value))\n" }
        }
        line("id", id)
        line("title", title)
        out += "source:\n"
        line("tool", session.tool.rawValue, indent: "  ")
        line("version", session.toolVersion, indent: "  ")
        line("session", session.sessionID, indent: "  ")
        line("parent", session.parentSessionID, indent: "  ")
        line("created", session.created.map(Timestamps.format))
        line("updated", session.updated.map(Timestamps.format))
        line("folder", folder)
        if let git {
            out += "git:\n"
            line("remote", git.remote, indent: "  ")
            line("branch", git.branch, indent: "  ")
            line("head", git.head, indent: "  ")
            if !git.dirty.isEmpty { out += "  dirty: [\(git.dirty.map(Self.quote).joined(separator: ", "))]\n" }
        }
        if !session.models.isEmpty { out += "models: [\(session.models.map(Self.quote).joined(separator: ", "))]\n" }
        out += "stats:\n"
        out += "  messages: \(session.messageCount)\n"
        out += "  tool_calls: \(session.toolCalls.count)\n"
        out += "  input_tokens: \(session.inputTokens)\n"
        out += "  output_tokens: \(session.outputTokens)\n"
        if session.sidechainMessages > 0 { out += "  sidechain_messages: \(session.sidechainMessages)\n" }
        if !session.subagents.isEmpty {
            out += "subagents:\n"
            for agent in session.subagents {
                var fields = ["id: \(Self.quote(agent.id))"]
                if let type = agent.type { fields.append("type: \(Self.quote(type))") }
                if let model = agent.model { fields.append("model: \(Self.quote(model))") }
                fields += ["messages: \(agent.messages)", "tool_calls: \(agent.toolCalls.count)",
                           "input_tokens: \(agent.inputTokens)", "output_tokens: \(agent.outputTokens)"]
                out += "  - {\(fields.joined(separator: ", "))}\n"
            }
        }
        if !activity.files.isEmpty {
            out += "files:\n"
            for file in activity.files { out += "  - {path: \(Self.quote(relativeToFolder(file.path))), action: \(file.action.rawValue)}\n" }
        }
        if !activity.commands.isEmpty {
            out += "commands:\n"
            for command in activity.commands.prefix(200) { out += "  - \(Self.quote(TextCut.cut(command, to: 300)))\n" }
        }
        if !session.tasks.isEmpty {
            out += "tasks:\n"
            for task in session.tasks { out += "  - {content: \(Self.quote(task.content)), status: \(task.status.rawValue)}\n" }
        }
        line("summary", session.summary.map { TextCut.cut($0, to: 2_000) })
        if !tags.isEmpty { out += "tags: [\(tags.map(Self.quote).joined(separator: ", "))]\n" }
        out += "---\n\n# \(title)\n"

        // A summary that is the title (Claude Code's summary record often is) is not said twice.
        if let summary = session.summary, !summary.isEmpty, summary != title { out += "\n## Summary\n\n\(Self.escape(summary))\n" }
        if !openTasks.isEmpty {
            out += "\n## Open tasks\n\n"
            for task in openTasks { out += "- [ ] \(task.content)\(task.status == .inProgress ? " (in progress)" : "")\n" }
        }
        out += "\n## Transcript\n"
        for turn in session.turns { out += render(turn) }
        return out
    }

    private func render(_ turn: Turn) -> String {
        var attributes = "role=\(turn.role.rawValue)"
        if let time = turn.time { attributes += " time=\(Timestamps.format(time))" }
        if let model = turn.model, !model.contains(" ") { attributes += " model=\(model)" }
        let heading = turn.role == .summary ? "Summary of the earlier conversation" : turn.role == .user ? "User" : "Assistant"
        var out = "\n<!-- folio:turn \(attributes) -->\n### \(heading)\n"
        var lastWasText = false
        for block in turn.blocks {
            switch block {
            case .text(let text):
                out += "\n" + Self.escape(text) + "\n"
                lastWasText = true
                continue
            case .thinking(let text):
                out += "\n<!-- folio:thinking -->\n" + Self.fenced(text, info: "thinking")
            case .toolCall(let call):
                if lastWasText { out += "\n" }
                // One line: newlines in the input are written as \n.
                let input = call.input.utf8.contains(0x0A) ? call.input.replacingOccurrences(of: "\n", with: "\\n") : call.input
                out += "<!-- folio:call id=\(Self.token(call.id)) name=\(Self.token(call.name)) -->\n→ **\(call.name)** \(input)\n"
            case .toolResult(let id, let output, let isError):
                out += "<!-- folio:result id=\(Self.token(id))\(isError ? " error" : "") -->\n" + Self.fenced(output, info: "text")
            case .image(let reference):
                out += "\n[\(reference.hasPrefix("image") ? "" : "image: ")\(reference)]\n"
            }
            lastWasText = false
        }
        return out
    }

    /// Paths inside the session's folder are shown relative to it.
    private func relativeToFolder(_ path: String) -> String {
        guard let base = session.workingFolder, path.hasPrefix(base + "/") else { return path }
        return String(path.dropFirst(base.count + 1))
    }

    // MARK: - Reading

    /// Reads a context file folio wrote (for show and restore).
    public static func parse(_ text: String, path: String) throws -> ContextFile {
        try parse(try PromptCodec.split(text, path: path), path: path)
    }

    /// `source.tool` and `source.session` of a context file when its frontmatter mentions `session` at all, read
    /// from the frontmatter only: a context can be megabytes, and its frontmatter is at its start.
    static func source(atPath path: String, mentioning session: String) -> (tool: String?, session: String?)? {
        guard let frontmatter = frontmatter(atPath: path), frontmatter.contains(session) || frontmatter.contains(quote(session).dropFirst().dropLast()),
              let node = try? YAMLParser(mode: .lenient).parse(frontmatter).root else { return nil }
        return (node["source"]?["tool"]?.text, node["source"]?["session"]?.text)
    }

    /// The text between a file's first two `---` lines, read 16 KB at a time (up to 8 MB).
    static func frontmatter(atPath path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var bytes: [UInt8] = []
        var body: Int?  // where the frontmatter starts, after the opening line
        var lineStart = 0
        func line(_ range: Range<Int>) -> ArraySlice<UInt8> { bytes[range].last == 0x0D ? bytes[range].dropLast() : bytes[range] }
        while bytes.count < 8 << 20, let chunk = try? handle.read(upToCount: 16 << 10), !chunk.isEmpty {
            bytes += chunk
            if body == nil {
                let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
                guard let newline = bytes[start...].firstIndex(of: 0x0A) else { continue }
                guard line(start..<newline).elementsEqual("---".utf8) else { return nil }
                body = newline + 1
                lineStart = newline + 1
            }
            // Whole lines only: an unfinished one waits for the next read.
            while let newline = bytes[lineStart...].firstIndex(of: 0x0A) {
                let text = line(lineStart..<newline)
                if text.elementsEqual("---".utf8) || text.elementsEqual("...".utf8) {
                    return String(decoding: bytes[body!..<lineStart], as: UTF8.self)
                }
                lineStart = newline + 1
            }
        }
        return nil
    }

    /// A context file already split into frontmatter and body (the index needs the body too).
    static func parse(_ split: PromptCodec.Split, path: String) throws -> ContextFile {
        let node: Node?
        do {
            node = try split.frontmatter.flatMap { try YAMLParser(mode: .lenient).parse($0).root }
        } catch {
            throw FolioError(.invalidInput, "\(path): the frontmatter is not valid YAML: \(error)")
        }
        var session = Session(tool: Session.Tool(rawValue: node?["source"]?["tool"]?.text ?? "") ?? .markdown)
        session.toolVersion = node?["source"]?["version"]?.text
        session.sessionID = node?["source"]?["session"]?.text
        session.parentSessionID = node?["source"]?["parent"]?.text
        session.created = node?["created"]?.text.flatMap(Timestamps.parse)
        session.updated = node?["updated"]?.text.flatMap(Timestamps.parse)
        session.models = node?["models"]?.sequence?.compactMap { $0.text } ?? []
        session.inputTokens = node?["stats"]?["input_tokens"]?.text.flatMap { Int($0) } ?? 0
        session.outputTokens = node?["stats"]?["output_tokens"]?.text.flatMap { Int($0) } ?? 0
        session.summary = node?["summary"]?.text
        session.sidechainMessages = node?["stats"]?["sidechain_messages"]?.text.flatMap { Int($0) } ?? 0
        session.subagents = node?["subagents"]?.sequence?.compactMap { item in
            item["id"]?.text.map { id in
                Subagent(id: id, type: item["type"]?.text, model: item["model"]?.text, messages: item["messages"]?.text.flatMap { Int($0) } ?? 0,
                         inputTokens: item["input_tokens"]?.text.flatMap { Int($0) } ?? 0,
                         outputTokens: item["output_tokens"]?.text.flatMap { Int($0) } ?? 0)
            }
        } ?? []
        session.tasks = node?["tasks"]?.sequence?.compactMap { item in
            item["content"]?.text.map { SessionTask(content: $0, status: SessionTask.Status(rawValue: item["status"]?.text ?? "") ?? .pending) }
        } ?? []
        session.turns = parseTranscript(split.body)
        let id = node?["id"]?.text ?? ""
        var file = ContextFile(id: id, title: node?["title"]?.text ?? id, session: session, folder: node?["folder"]?.text)
        if let git = node?["git"] {
            file.git = GitState(remote: git["remote"]?.text, branch: git["branch"]?.text, head: git["head"]?.text,
                                dirty: git["dirty"]?.sequence?.compactMap { $0.text } ?? [])
        }
        file.tags = node?["tags"]?.sequence?.compactMap { $0.text } ?? []
        // Files and commands as the frontmatter lists them (the transcript's tool inputs may be cut).
        if let files = node?["files"]?.sequence {
            file.activity.files = files.compactMap { item in
                guard let path = item["path"]?.text else { return nil }
                return SessionActivity.FileTouch(path: path, action: SessionActivity.FileAction(rawValue: item["action"]?.text ?? "") ?? .read)
            }
        }
        if let commands = node?["commands"]?.sequence { file.activity.commands = commands.compactMap { $0.text } }
        return file
    }

    static func parseTranscript(_ body: String) -> [Turn] {
        guard let start = body.range(of: "\n## Transcript\n") ?? (body.hasPrefix("## Transcript\n") ? body.range(of: "## Transcript\n") : nil) else { return [] }
        var turns: [Turn] = []
        var text: [Substring] = []
        let lines = body[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false)
        func flushText() {
            let joined = text.joined(separator: "\n").trimmingCharacters(in: .newlines)
            if !joined.isEmpty, !turns.isEmpty { turns[turns.count - 1].blocks.append(.text(joined)) }
            text = []
        }
        var i = 0
        while i < lines.count {
            let line = lines[i]
            guard line.hasPrefix("<!-- folio:"), line.hasSuffix(" -->") else {
                text.append(line)
                i += 1
                continue
            }
            flushText()
            let parsed = marker(line)
            let fields = parsed.fields
            switch parsed.kind {
            case "turn":
                turns.append(Turn(role: Turn.Role(rawValue: fields["role"] ?? "") ?? .user, time: fields["time"].flatMap(Timestamps.parse),
                                  model: fields["model"], blocks: []))
                i += 2  // the heading
            case "call":
                let display = i + 1 < lines.count ? lines[i + 1] : ""
                let prefix = "→ **\(fields["name"] ?? "")** "
                let input = display.hasPrefix(prefix) ? String(display.dropFirst(prefix.count)) : String(display)
                if !turns.isEmpty {
                    turns[turns.count - 1].blocks.append(.toolCall(ToolCall(id: fields["id"] ?? "", name: fields["name"] ?? "tool",
                                                                            input: input.replacingOccurrences(of: "\\n", with: "\n"))))
                }
                i += 2
            case "result", "thinking":
                let (content, next) = fencedContent(lines, from: i + 1)
                if !turns.isEmpty {
                    turns[turns.count - 1].blocks.append(parsed.kind == "result"
                        ? .toolResult(id: fields["id"] ?? "", output: content, isError: parsed.flags.contains("error"))
                        : .thinking(content))
                }
                i = next
            default:
                text.append(line)
                i += 1
            }
        }
        flushText()
        return turns
    }

    /// `<!-- folio:call id=x name=Bash -->` → kind `call`, fields id and name.
    static func marker(_ line: Substring) -> (kind: String, fields: [String: String], flags: Set<String>) {
        let inner = line.dropFirst("<!-- folio:".count).dropLast(" -->".count)
        let parts = inner.split(separator: " ")
        var fields: [String: String] = [:], flags = Set<String>()
        for part in parts.dropFirst() {
            if let equals = part.firstIndex(of: "=") {
                fields[String(part[..<equals])] = String(part[part.index(after: equals)...]).removingPercentEncoding
            } else {
                flags.insert(String(part))
            }
        }
        return (parts.first.map(String.init) ?? "", fields, flags)
    }

    private static func fencedContent(_ lines: [Substring], from start: Int) -> (String, Int) {
        guard start < lines.count, lines[start].hasPrefix("```") else { return ("", start) }
        let fence = lines[start].prefix { $0 == "`" }
        var end = start + 1
        while end < lines.count, lines[end] != fence { end += 1 }
        return (lines[(start + 1)..<min(end, lines.count)].joined(separator: "\n"), end + 1)
    }

    // MARK: - Helpers

    /// A YAML double-quoted scalar: a JSON string literal is one.
    static func quote(_ value: String) -> String { JSONText.quoted(value) }

    /// Marker values have no spaces: ids and tool names are percent-encoded where needed.
    static func token(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.:"))) ?? value
    }

    /// Text that looks like folio's own markers is changed so it cannot be mistaken for one.
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "<")), text.contains("<!-- folio:") else { return text }
        return text.replacingOccurrences(of: "<!-- folio:", with: "<!-- folio :")
    }


    static func fenced(_ text: String, info: String) -> String {
        var longest = 0, run = 0
        for character in text { if character == "`" { run += 1; longest = max(longest, run) } else { run = 0 } }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return "\(fence)\(info)\n\(text)\n\(fence)\n"
    }
}
