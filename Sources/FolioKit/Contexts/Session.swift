import Foundation

/// An AI coding session as folio understands it, whichever tool wrote it: the conversation's turns on its
/// active branch, plus what the session knew about itself. Importers build it; the context file stores it;
/// restore targets translate it.
public struct Session: Sendable, Equatable {
    public enum Tool: String, Sendable, CaseIterable, Codable {
        case claudeCode = "claude-code", codex, aider, gemini, cline, roo, markdown, cursor, cursorAgent = "cursor-agent"
        case copilot, specstory

        /// The tool's name as people write it.
        public var displayName: String {
            switch self {
            case .claudeCode: "Claude Code"
            case .codex: "Codex"
            case .aider: "aider"
            case .gemini: "Gemini CLI"
            case .cline: "Cline"
            case .roo: "Roo"
            case .markdown: "Markdown"
            case .cursor: "Cursor"
            case .cursorAgent: "cursor-agent"
            case .copilot: "VS Code Copilot"
            case .specstory: "SpecStory"
            }
        }
    }

    public var tool: Tool
    public var toolVersion: String?
    public var sessionID: String?
    /// For a subagent's conversation captured on its own: the session that started it.
    public var parentSessionID: String?
    public var created: Date?
    public var updated: Date?
    /// The folder the tool ran in, as the tool recorded it (absolute).
    public var workingFolder: String?
    public var gitBranch: String?
    public var models: [String] = []
    public var turns: [Turn] = []
    public var tasks: [SessionTask] = []
    /// A summary the tool wrote (a compaction summary, a title), if any.
    public var summary: String?
    public var title: String?
    public var inputTokens = 0
    public var outputTokens = 0
    /// Messages of subagents or sidechains, counted but not part of the main transcript.
    public var sidechainMessages = 0
    /// Subagents the session started whose own transcripts sit beside it (Claude Code's
    /// `<session>/subagents/agent-<id>.jsonl`). Their work counts (files, commands, tokens); their
    /// conversations are not part of the transcript, where the call that started them has their answer.
    public var subagents: [Subagent] = []

    public init(tool: Tool) { self.tool = tool }

    /// The session's tool calls and its subagents'.
    public var allToolCalls: [ToolCall] { toolCalls + subagents.flatMap(\.toolCalls) }

    public var toolCalls: [ToolCall] { turns.flatMap(\.blocks).compactMap { if case .toolCall(let call) = $0 { call } else { nil } } }

    /// User and assistant turns that say something (not tool traffic alone, not summaries).
    public var messageCount: Int { turns.filter { $0.role != .summary && !$0.text.isEmpty }.count }

    /// Widens created…updated to include `time`.
    mutating func saw(_ time: Date?) {
        guard let time else { return }
        created = min(created ?? time, time)
        updated = max(updated ?? time, time)
    }
}

public struct Subagent: Sendable, Equatable {
    public var id: String
    /// `general-purpose`, `Explore`, … (from the agent's `.meta.json`).
    public var type: String?
    public var model: String?
    public var messages = 0
    public var toolCalls: [ToolCall] = []
    public var inputTokens = 0
    public var outputTokens = 0
}

public struct Turn: Sendable, Equatable {
    public enum Role: String, Sendable, Codable { case user, assistant, summary }
    public var role: Role
    public var time: Date?
    public var model: String?
    public var blocks: [Block]

    public init(role: Role, time: Date? = nil, model: String? = nil, blocks: [Block]) {
        self.role = role
        self.time = time
        self.model = model
        self.blocks = blocks
    }

    /// The turn's text, without tool calls, results or thinking.
    public var text: String {
        blocks.compactMap { if case .text(let text) = $0 { text } else { nil } }.joined(separator: "\n\n")
    }
}

public enum Block: Sendable, Equatable {
    case text(String)
    case thinking(String)
    case toolCall(ToolCall)
    /// A tool's output, matched to its call by id.
    case toolResult(id: String, output: String, isError: Bool)
    /// An image, referenced and never embedded.
    case image(String)
}

public struct ToolCall: Sendable, Equatable {
    public var id: String
    public var name: String
    /// The input as compact JSON (or the tool's own text, such as a patch).
    public var input: String

    public init(id: String, name: String, input: String) {
        self.id = id
        self.name = name
        self.input = input
    }
}

public struct SessionTask: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable { case pending, inProgress = "in_progress", completed }
    public var content: String
    public var status: Status

    public init(content: String, status: Status) {
        self.content = content
        self.status = status
    }
}

/// What a session did to files and the shell, read from its tool calls.
public struct SessionActivity: Sendable, Equatable {
    public enum FileAction: String, Sendable, Codable, Comparable {
        case read, edit, write
        public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
        private var rank: Int { switch self { case .read: 0; case .edit: 1; case .write: 2 } }
    }

    public struct FileTouch: Sendable, Equatable {
        public let path: String
        public let action: FileAction
    }

    /// Each file once, with the strongest action (write > edit > read), in first-touched order.
    public var files: [FileTouch] = []
    public var commands: [String] = []

    /// Whether a tool of that name returns a file's contents.
    static func readsFile(_ name: String) -> Bool {
        ["read", "read_file", "view", "notebookread", "readfile", "read_many_files", "read_file_v2"].contains(name.lowercased())
    }

    /// Whether a tool of that name runs shell commands.
    static func runsCommands(_ name: String) -> Bool {
        ["bash", "shell", "exec_command", "execute_command", "run_shell_command", "local_shell", "container.exec", "run_terminal_cmd",
         "run_terminal_command_v2", "run_in_terminal"].contains(name.lowercased())
    }

    /// The shell command a call ran, if it ran one.
    static func command(of call: ToolCall) -> String? {
        guard runsCommands(call.name) else { return nil }
        return command(JSONReader.parse(Data(call.input.utf8)) as? [String: Any] ?? [:])
    }

    private static func command(_ input: [String: Any]) -> String? {
        if let command = input["command"] as? String ?? input["cmd"] as? String { return command }
        guard let parts = (input["command"] ?? input["cmd"]) as? [String] else { return nil }
        // Codex's shell: ["bash", "-lc", "the command"].
        return parts.count >= 3 && parts[1] == "-lc" ? parts[2] : parts.joined(separator: " ")
    }

    /// Reads tool calls of every tool folio imports: Claude Code's Read/Edit/Write/Bash, Codex's shell and
    /// apply_patch, Cline's read_file/write_to_file/execute_command, Gemini's read_file/run_shell_command, Cursor's
    /// read_file/edit_file/search_replace/run_terminal_cmd (`target_file`) and cursor-agent's Read/Shell.
    public init(_ calls: [ToolCall]) {
        var order: [String] = []
        var actions: [String: FileAction] = [:]
        func touch(_ path: String?, _ action: FileAction) {
            guard let path, !path.isEmpty else { return }
            if let current = actions[path] {
                actions[path] = max(current, action)
            } else {
                actions[path] = action
                order.append(path)
            }
        }
        for call in calls {
            let input = JSONReader.parse(Data(call.input.utf8)) as? [String: Any] ?? [:]
            let path = (input["file_path"] ?? input["path"] ?? input["notebook_path"] ?? input["absolute_path"] ?? input["target_file"]
                ?? input["targetFile"] ?? input["relativeWorkspacePath"] ?? input["filePath"] ?? input["absolutePath"]) as? String
            switch call.name.lowercased() {
            case _ where Self.readsFile(call.name):
                touch(path, .read)
            case "edit", "multiedit", "notebookedit", "replace_in_file", "apply_diff", "str_replace_editor", "replace", "edit_file",
                 "search_replace", "edit_file_v2", "strreplace", "delete_file", "delete":
                touch(path, .edit)
            case "write", "write_to_file", "create_file", "write_file":
                touch(path, .write)
            // VS Code Copilot's and Cursor's names (as SpecStory writes them).
            case "replace_string_in_file", "insert_edit_into_file":
                touch(path, .edit)
            case _ where Self.runsCommands(call.name):
                if let command = Self.command(input) { commands.append(command) }
            case "apply_patch":
                let patch = input["input"] as? String ?? call.input
                for line in patch.split(separator: "\n") {
                    for (marker, action) in [("*** Add File: ", FileAction.write), ("*** Update File: ", .edit), ("*** Delete File: ", .edit)]
                    where line.hasPrefix(marker) {
                        touch(String(line.dropFirst(marker.count)).trimmingCharacters(in: .whitespaces), action)
                    }
                }
            default:
                break
            }
        }
        files = order.map { FileTouch(path: $0, action: actions[$0]!) }
    }
}
