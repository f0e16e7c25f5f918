import Foundation

/// Codex CLI: `~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl` (or under `CODEX_HOME`).
///
/// The current format wraps each item as `{timestamp, type, payload}`: `session_meta`, `turn_context`,
/// `response_item` (messages, reasoning, function and custom tool calls and their outputs) and `event_msg`
/// (which repeats messages for the UI, and carries token counts). The older flat format has the items
/// themselves on each line after a first `{id, timestamp, instructions}` line. Messages Codex injects
/// (AGENTS.md, the environment context) are not the user's turns. A name the user gave the thread is kept in
/// `CODEX_HOME/session_index.jsonl` (`{id, thread_name, updated_at}`, the newest entry winning).
enum CodexImporter: SessionImporter {
    static let tool = Session.Tool.codex

    /// The `originator` folio writes in the `session_meta` of a session it restores.
    static let restoredOriginator = "folio"

    /// Whether folio wrote this rollout (a restored context) and Codex did not go on with it: Codex starts every
    /// turn with a `turn_context` record, which folio never writes.
    static func isUnchangedRestore(_ path: String) -> Bool {
        guard let lines = try? LineReader(path: path) else { return false }
        var first = true
        for line in lines {
            guard !line.isEmpty, let record = JSON.object(line) else { continue }
            let type = record["type"] as? String
            if first {
                guard type == "session_meta", (record["payload"] as? JSONObject)?["originator"] as? String == restoredOriginator else { return false }
                first = false
            } else if type != "response_item" {
                return false
            }
        }
        return !first
    }

    /// The thread's name from `session_index.jsonl`, for a rollout under `<CODEX_HOME>/sessions/YYYY/MM/DD/`.
    static func threadName(_ id: String, rollout path: String) -> String? {
        var folder = path as NSString
        for _ in 0..<4 { folder = folder.deletingLastPathComponent as NSString }
        guard folder.lastPathComponent == "sessions",
              let lines = try? LineReader(path: folder.deletingLastPathComponent + "/session_index.jsonl") else { return nil }
        var name: String?
        for line in lines where !line.isEmpty {
            guard let entry = JSON.object(line), entry["id"] as? String == id,
                  let text = entry["thread_name"] as? String, !text.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            name = text
        }
        return name
    }

    static func read(_ path: String) throws -> Session {
        var session = Session(tool: tool)
        var turns: [Turn] = []
        var callTurn: [String: Int] = [:]
        var lastTotals: (input: Int, output: Int)?
        var summedInput = 0, summedOutput = 0
        var model: String?
        for line in try LineReader(path: path) {
            guard !line.isEmpty, let record = JSON.object(line) else { continue }
            let time = JSON.date(record["timestamp"])
            session.saw(time)
            let type = record["type"] as? String ?? ""
            let payload = record["payload"] as? JSONObject ?? record
            switch type {
            case "session_meta":
                session.sessionID = payload["id"] as? String ?? session.sessionID
                session.workingFolder = payload["cwd"] as? String ?? session.workingFolder
                session.toolVersion = payload["cli_version"] as? String ?? session.toolVersion
                if let git = payload["git"] as? JSONObject { session.gitBranch = git["branch"] as? String }
                continue
            case "turn_context":
                session.workingFolder = payload["cwd"] as? String ?? session.workingFolder
                model = payload["model"] as? String ?? model
                if let model, !session.models.contains(model) { session.models.append(model) }
                continue
            case "event_msg":
                if payload["type"] as? String == "token_count", let info = payload["info"] as? JSONObject {
                    if let total = info["total_token_usage"] as? JSONObject {
                        lastTotals = (JSON.int(total["input_tokens"]), JSON.int(total["output_tokens"]))
                    } else if let last = info["last_token_usage"] as? JSONObject {
                        summedInput += JSON.int(last["input_tokens"])
                        summedOutput += JSON.int(last["output_tokens"])
                    }
                    if let model = info["model"] as? String, !session.models.contains(model) { session.models.append(model) }
                }
                continue
            default:
                break
            }
            // A response item (wrapped, or a line of the older flat format).
            if record["id"] != nil, record["instructions"] != nil, session.sessionID == nil {
                session.sessionID = record["id"] as? String
                continue
            }
            switch payload["type"] as? String {
            case "message":
                let role = payload["role"] as? String
                let text = JSON.text(payload["content"])
                guard role == "user" || role == "assistant", !text.isEmpty, !(role == "user" && injected(text)) else { continue }
                if role == "assistant" {
                    append(.text(text), to: &turns, time: time, model: model)  // the answer after its tool calls
                } else {
                    turns.append(Turn(role: .user, time: time, blocks: [.text(text)]))
                }
            case "reasoning":
                let text = JSON.text(payload["summary"])
                if !text.isEmpty { append(.thinking(text), to: &turns, time: time, model: model) }
            case "function_call", "custom_tool_call", "local_shell_call":
                let name = payload["name"] as? String ?? (payload["type"] as? String == "local_shell_call" ? "local_shell" : "tool")
                let input = payload["arguments"] as? String ?? payload["input"] as? String ?? JSON.compact(payload["action"])
                let id = payload["call_id"] as? String ?? payload["id"] as? String ?? ""
                append(.toolCall(ToolCall(id: id, name: name, input: input)), to: &turns, time: time, model: model)
                callTurn[id] = turns.count - 1
                if name == "update_plan", let plan = (JSON.parse(Data(input.utf8)) as? JSONObject)?["plan"] as? [JSONObject] {
                    session.tasks = plan.compactMap(ClaudeCodeImporter.task)
                }
            case "function_call_output", "custom_tool_call_output", "local_shell_call_output":
                let id = payload["call_id"] as? String ?? ""
                var output = JSON.text(payload["output"])
                // Function outputs are often JSON of {output, metadata}.
                if let wrapped = JSON.parse(Data(output.utf8)) as? JSONObject, let inner = wrapped["output"] as? String { output = inner }
                let block = Block.toolResult(id: id, output: output, isError: false)
                if let index = callTurn[id] { turns[index].blocks.append(block) } else { append(block, to: &turns, time: time, model: model) }
            default:
                break
            }
        }
        if let lastTotals {
            (session.inputTokens, session.outputTokens) = lastTotals
        } else {
            (session.inputTokens, session.outputTokens) = (summedInput, summedOutput)
        }
        session.turns = turns
        session.title = session.sessionID.flatMap { threadName($0, rollout: path) }
        return session
    }

    /// Tool calls and reasoning belong to the assistant's turn; a new one starts after a user message.
    private static func append(_ block: Block, to turns: inout [Turn], time: Date?, model: String?) {
        if let last = turns.indices.last, turns[last].role == .assistant {
            turns[last].blocks.append(block)
        } else {
            turns.append(Turn(role: .assistant, time: time, model: model, blocks: [block]))
        }
    }

    /// Text Codex adds to the conversation itself.
    static func injected(_ text: String) -> Bool {
        let start = text.drop { $0.isWhitespace }
        return ["<environment_context>", "# AGENTS.md instructions", "<user_instructions>", "<INSTRUCTIONS>"].contains { start.hasPrefix($0) }
    }
}
