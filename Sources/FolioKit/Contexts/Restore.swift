import Foundation

/// What `folio context restore` produces for each target.
public enum RestoreTarget: String, Sendable, CaseIterable {
    case brief, claudeCode = "claude-code", codex, gemini, cursor, copilot, openai, anthropic

    /// Whether `--write` puts it in a file where its tool reads it (the others are only printed).
    public var writesFile: Bool {
        switch self {
        case .brief, .openai, .anthropic: false
        case .claudeCode, .codex, .gemini, .cursor, .copilot: true
        }
    }
}

public struct RestoreOutcome: Sendable {
    /// The text to print (the brief, the JSON, or the file's contents).
    public let text: String
    /// The file written with `--write`, if any.
    public let writtenPath: String?
    /// The command that continues the session (`claude --resume …`), if any.
    public let resumeCommand: String?
    /// Turns left out of a brief to fit the budget.
    public let omittedTurns: Int
}

extension Library {
    /// `force` replaces a file already at the path `write` writes to (a Cursor rule or Copilot prompt file restored
    /// before); without it such a file is left alone and the error says how to replace it.
    public func restoreContext(_ query: String, for target: RestoreTarget, budget: Int = 8_000, write: Bool = false, force: Bool = false,
                               newSessionID: String = UUID().uuidString.lowercased()) throws -> RestoreOutcome {
        let context = try context(query)
        let workingFolder = context.folder.map { $0 == "." ? projectFolder : projectFolder + "/" + $0 } ?? projectFolder
        switch target {
        case .brief:
            let (text, omitted) = ContextRestore.brief(context, budget: budget)
            return RestoreOutcome(text: text, writtenPath: nil, resumeCommand: nil, omittedTurns: omitted)
        case .openai:
            return RestoreOutcome(text: ContextRestore.openAI(context), writtenPath: nil, resumeCommand: nil, omittedTurns: 0)
        case .anthropic:
            return RestoreOutcome(text: ContextRestore.anthropic(context), writtenPath: nil, resumeCommand: nil, omittedTurns: 0)
        case .claudeCode:
            let text = ContextRestore.claudeCode(context, sessionID: newSessionID, folder: workingFolder, now: environment.now())
            let base = environment.variables["CLAUDE_CONFIG_DIR"] ?? home + "/.claude"
            let path = base + "/projects/" + ClaudeCodeImporter.encodedFolder(workingFolder) + "/" + newSessionID + ".jsonl"
            return try finish(force: force, text, path: write ? path : nil, resume: "cd \(ContextRestore.shellQuote(workingFolder)) && claude --resume \(newSessionID)")
        case .codex:
            let now = environment.now()
            let text = ContextRestore.codex(context, sessionID: newSessionID, folder: workingFolder, now: now)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let day = calendar.dateComponents([.year, .month, .day], from: now)
            let stamp = Timestamps.format(now).replacingOccurrences(of: ":", with: "-").replacingOccurrences(of: "Z", with: "")
            let base = (environment.variables["CODEX_HOME"] ?? home + "/.codex") + "/sessions"
            let path = base + String(format: "/%04d/%02d/%02d/", day.year!, day.month!, day.day!) + "rollout-\(stamp)-\(newSessionID).jsonl"
            return try finish(force: force, text, path: write ? path : nil, resume: "cd \(ContextRestore.shellQuote(workingFolder)) && codex resume \(newSessionID)")
        case .gemini:
            guard context.session.turns.contains(where: { !$0.text.isEmpty || $0.blocks.contains { if case .toolCall = $0 { true } else { false } } }) else {
                throw FolioError(.invalidInput, "context \(context.id) has no messages for Gemini CLI to resume; restore it as a brief: folio context restore \(context.id)")
            }
            let now = environment.now()
            let text = ContextRestore.gemini(context, sessionID: newSessionID, folder: workingFolder, now: now)
            // Where Gemini CLI lists the project's sessions (`--resume`, `--list-sessions`): under its short id when
            // projects.json has one for the folder, else under the folder's hash (a Gemini CLI that has not given
            // the folder a short id yet moves that folder to it on its first start there).
            let folder = GeminiImporter.chatFolders(project: workingFolder, gemini: GeminiImporter.folder(variables: environment.variables, home: home))[0]
            let stamp = String(Timestamps.format(now).prefix(16)).replacingOccurrences(of: ":", with: "-")
            let path = folder + "/session-\(stamp)-\(newSessionID.prefix(8)).json"
            return try finish(force: force, text, path: write ? path : nil, resume: "cd \(ContextRestore.shellQuote(workingFolder)) && gemini --resume \(newSessionID)")
        case .copilot:
            let (brief, omitted) = ContextRestore.brief(context, budget: budget)
            let file = ContextRestore.copilot(context, brief: brief)
            let outcome = try finish(force: force, file.text, path: write ? projectFolder + "/" + file.path : nil, resume: nil)
            return RestoreOutcome(text: outcome.text, writtenPath: outcome.writtenPath, resumeCommand: nil, omittedTurns: omitted)
        case .cursor:
            let (brief, omitted) = ContextRestore.brief(context, budget: budget)
            let description = "folio context: \(context.title)".replacingOccurrences(of: "\n", with: " ")
            let text = "---\ndescription: \(ContextFile.quote(description))\nglobs:\nalwaysApply: false\n---\n\n" + brief
            let path = projectFolder + "/.cursor/rules/folio-context-" + ContextNaming.slug(context.title) + ".mdc"
            let outcome = try finish(force: force, text, path: write ? path : nil, resume: nil)
            return RestoreOutcome(text: outcome.text, writtenPath: outcome.writtenPath, resumeCommand: nil, omittedTurns: omitted)
        }
    }

    /// Writes atomically when asked: never over an existing file, unless `force` (then it is replaced whole).
    private func finish(force: Bool, _ text: String, path: String?, resume: String?) throws -> RestoreOutcome {
        guard let path else { return RestoreOutcome(text: text, writtenPath: nil, resumeCommand: nil, omittedTurns: 0) }
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let temporary = path + ".folio-\(getpid()).tmp"
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
            guard (force ? rename(temporary, path) : link(temporary, path)) == 0 else {
                let code = errno
                try? fm.removeItem(atPath: temporary)
                if code == EEXIST {
                    throw FolioError(.conflict, "cannot write \(displayPath(absolute: path)): it already exists (restored before?); "
                                     + "add --force to replace it, or move it away first")
                }
                throw FolioError(.conflict, "cannot write \(path): \(String(cString: strerror(code)))")
            }
            try? fm.removeItem(atPath: temporary)
        } catch let error as FolioError {
            throw error
        } catch {
            throw FolioError(.io, "cannot write \(path): \(error.localizedDescription)")
        }
        return RestoreOutcome(text: text, writtenPath: path, resumeCommand: resume, omittedTurns: 0)
    }
}

enum ContextRestore {
    // MARK: - Brief

    /// Summary, open tasks, files and git state first; then the most recent turns that fit the budget, with what
    /// their tool calls returned. Turns are taken newest first with each result at its shortest; what the budget
    /// has left then goes to the results, newest first, each up to its whole (or `resultLimit`). A result that
    /// does not fit whole keeps its start and, longer, its end (where a test run says what failed), and says that
    /// it was trimmed.
    static func brief(_ context: ContextFile, budget: Int) -> (String, Int) {
        let session = context.session
        var head = "# Resume: \(context.title)\n\n"
        var origin = "Captured from \(session.tool.rawValue)"
        if let created = session.created { origin += " on \(Timestamps.format(created))" }
        if let folder = context.folder { origin += ", working in `\(folder)`" }
        head += origin + ". Continue this work where it stopped.\n"
        if let summary = session.summary, !summary.isEmpty, summary != context.title { head += "\n## Summary\n\n\(summary)\n" }
        if !context.openTasks.isEmpty {
            head += "\n## Open tasks\n\n" + context.openTasks.map { "- [ ] \($0.content)\($0.status == .inProgress ? " (in progress)" : "")" }.joined(separator: "\n") + "\n"
        }
        let activity = context.activity
        if !activity.files.isEmpty {
            head += "\n## Files touched\n\n" + activity.files.prefix(40).map { "- \($0.path) (\($0.action.rawValue))" }.joined(separator: "\n") + "\n"
        }
        if let git = context.git, git.branch != nil || git.head != nil {
            head += "\n## Git\n\n"
            if let branch = git.branch { head += "- branch: \(branch)\n" }
            if let commit = git.head { head += "- commit: \(commit.prefix(12))\n" }
            if !git.dirty.isEmpty { head += "- uncommitted: \(git.dirty.prefix(20).joined(separator: ", "))\n" }
        }
        head += "\n## Recent conversation\n"
        let omittedNote = { (omitted: Int) in "\n(\(omitted) earlier turn\(omitted == 1 ? "" : "s") left out to fit \(budget) tokens.)\n" }
        var remaining = budget - TokenEstimator.estimate(head) - TokenEstimator.estimate(omittedNote(Int.max))
        let turns = session.turns.filter { turn in
            !turn.text.isEmpty || turn.blocks.contains { if case .toolCall = $0 { true } else if case .toolResult = $0 { true } else { false } }
        }
        let readCalls = Set(session.toolCalls.filter { SessionActivity.readsFile($0.name) }.map(\.id))

        // Which turns fit, newest first, each result at its shortest.
        var kept: [(turn: Turn, limits: [Int: Int])] = []
        for turn in turns.reversed() {
            let shortest = Dictionary(uniqueKeysWithValues: resultIndexes(turn).map { ($0, shortestResult) })
            let cost = TokenEstimator.estimate(briefTurn(turn, limits: shortest))
            guard cost <= remaining else { break }
            remaining -= cost
            kept.append((turn, shortest))
        }
        // What is left goes to the results, newest first.
        grow: for position in kept.indices {
            let turn = kept[position].turn
            for index in resultIndexes(turn).reversed() {
                guard remaining > 0 else { break grow }
                guard case .toolResult(let id, let output, _) = turn.blocks[index] else { continue }
                let whole = min(output.count, readCalls.contains(id) ? resultLimit / 4 : resultLimit)
                guard whole > shortestResult else { continue }
                let cost = { (limit: Int) in TokenEstimator.estimate(briefResult(turn.blocks[index], call: nil, limit: limit)) }
                let base = cost(shortestResult)
                var limit = min(whole, shortestResult + remaining * 4)
                while limit > shortestResult, cost(limit) - base > remaining { limit = max(shortestResult, limit - (cost(limit) - base - remaining) * 4 - 8) }
                remaining -= cost(limit) - base
                kept[position].limits[index] = limit
            }
        }
        let omitted = turns.count - kept.count
        var out = head
        if omitted > 0 { out += omittedNote(omitted) }
        out += kept.reversed().map { briefTurn($0.turn, limits: $0.limits) }.joined()
        return (out, omitted)
    }

    /// Characters of a tool result the brief keeps at least, and at most (a file read: a quarter).
    static let shortestResult = 240
    static let resultLimit = 4_000

    private static func resultIndexes(_ turn: Turn) -> [Int] {
        turn.blocks.indices.filter { if case .toolResult = turn.blocks[$0] { true } else { false } }
    }

    /// A turn: its text, its calls, and each result cut to `limits[block index]` characters.
    private static func briefTurn(_ turn: Turn, limits: [Int: Int]) -> String {
        let out = "\n**\(turn.role == .user ? "User" : turn.role == .assistant ? "Assistant" : "Summary")**: "
        var parts: [String] = []
        var calls: [String: ToolCall] = [:]
        for (index, block) in turn.blocks.enumerated() {
            switch block {
            case .text(let text): parts.append(TextCut.cut(text, to: 2_000))
            case .toolCall(let call):
                calls[call.id] = call
                parts.append("→ \(call.name) \(TextCut.cut(call.input.replacingOccurrences(of: "\n", with: " "), to: 160))")
            case .toolResult(let id, _, _):
                parts.append(briefResult(block, call: calls[id], limit: limits[index] ?? shortestResult))
            default: break
            }
        }
        return out + parts.joined(separator: "\n") + "\n"
    }

    /// `← Bash failed:` and the output in a fence, trimmed to `limit` characters: a third from its start, the rest
    /// from its end, with a line saying how much was trimmed.
    private static func briefResult(_ block: Block, call: ToolCall?, limit: Int) -> String {
        guard case .toolResult(_, let output, let isError) = block else { return "" }
        let text = output.trimmingCharacters(in: .newlines)
        var kept = text
        var label = "← \(call?.name ?? "result")\(isError ? " failed" : "")"
        if text.count > limit {
            // Whole lines where that costs less than half of either part.
            let headCount = limit / 3, tailCount = limit - headCount
            var head = text.prefix(headCount), tail = text.suffix(tailCount)
            if let newline = head.lastIndex(of: "\n"), head.distance(from: head.startIndex, to: newline) >= headCount / 2 { head = head[..<newline] }
            if let newline = tail.firstIndex(of: "\n"), tail.distance(from: tail.startIndex, to: newline) < tailCount / 2 {
                tail = tail[tail.index(after: newline)...]
            }
            kept = head + "\n[… \((text.count - head.count - tail.count).formatted()) characters trimmed to fit the brief …]\n" + tail
            label += " (trimmed)"
        }
        return label + ":\n" + ContextFile.fenced(kept, info: "text").dropLast()
    }

    // MARK: - Conversation JSON

    /// A tool input back as JSON (cut inputs become a string).
    static func input(_ call: ToolCall) -> Any {
        JSON.parse(Data(call.input.utf8)).flatMap { $0 as? JSONObject } ?? ["input": call.input]
    }

    static func json(_ value: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func pretty(_ value: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// OpenAI chat messages: tool calls on the assistant message, results as `tool` messages.
    static func openAI(_ context: ContextFile) -> String {
        var messages: [JSONObject] = [["role": "system", "content": "Conversation restored by folio from \(context.session.tool.rawValue): \(context.title)"]]
        for turn in context.session.turns {
            let text = turn.text
            if turn.role != .assistant {
                if !text.isEmpty { messages.append(["role": "user", "content": text]) }
                continue
            }
            var message: JSONObject = ["role": "assistant", "content": text]
            let calls = turn.blocks.compactMap { if case .toolCall(let call) = $0 { call } else { nil } }
            if !calls.isEmpty {
                message["tool_calls"] = calls.map { ["id": $0.id, "type": "function", "function": ["name": $0.name, "arguments": json(input($0))]] }
            }
            messages.append(message)
            for case .toolResult(let id, let output, _) in turn.blocks {
                messages.append(["role": "tool", "tool_call_id": id, "content": output])
            }
        }
        return pretty(["messages": messages])
    }

    /// A turn's blocks in Anthropic's content format: its own (text, tool_use) and the tool results, which
    /// belong in the user message that follows.
    static func anthropicBlocks(_ turn: Turn) -> (own: [JSONObject], results: [JSONObject]) {
        var own: [JSONObject] = [], results: [JSONObject] = []
        for block in turn.blocks {
            switch block {
            case .text(let text): own.append(["type": "text", "text": text])
            case .toolCall(let call): own.append(["type": "tool_use", "id": call.id, "name": call.name, "input": input(call)])
            case .toolResult(let id, let output, let isError):
                results.append(["type": "tool_result", "tool_use_id": id, "content": output, "is_error": isError])
            default: break
            }
        }
        return (own, results)
    }

    /// Anthropic messages: alternating roles, tool results in the user message after the call.
    static func anthropic(_ context: ContextFile) -> String {
        var messages: [JSONObject] = []
        func add(_ role: String, _ blocks: [JSONObject]) {
            guard !blocks.isEmpty else { return }
            if let last = messages.indices.last, messages[last]["role"] as? String == role {
                messages[last]["content"] = (messages[last]["content"] as? [JSONObject] ?? []) + blocks
            } else {
                messages.append(["role": role, "content": blocks])
            }
        }
        for turn in context.session.turns {
            let (own, results) = anthropicBlocks(turn)
            add(turn.role == .assistant ? "assistant" : "user", own)
            add("user", results)
        }
        return pretty(["system": "Conversation restored by folio from \(context.session.tool.rawValue): \(context.title)", "messages": messages])
    }

    // MARK: - Session files

    /// A Claude Code session: one record per message, chained by uuid, tool results in user records. Each record
    /// names the context it was restored from, so that `folio context save` does not take the copy for a new session.
    static func claudeCode(_ context: ContextFile, sessionID: String, folder: String, now: Date) -> String {
        var lines: [String] = []
        var parent: String?
        var counter = 0
        func record(_ type: String, _ message: JSONObject, time: Date?, extra: JSONObject = [:]) {
            counter += 1
            let uuid = UUID().uuidString.lowercased()
            var record: JSONObject = ["type": type, "uuid": uuid, "parentUuid": parent ?? NSNull(), "sessionId": sessionID,
                                      "cwd": folder, "version": "folio", "isSidechain": false, "userType": "external",
                                      "timestamp": Timestamps.format(time ?? now), "message": message,
                                      ClaudeCodeImporter.restoredMarker: context.id]
            for (key, value) in extra { record[key] = value }
            lines.append(json(record))
            parent = uuid
        }
        for turn in context.session.turns {
            let (content, results) = anthropicBlocks(turn)
            if turn.role == .assistant {
                if !content.isEmpty {
                    record("assistant", ["id": "msg_folio_\(counter)", "type": "message", "role": "assistant",
                                         "model": turn.model ?? context.session.models.first ?? "unknown", "content": content], time: turn.time)
                }
            } else if !content.isEmpty {
                record("user", ["role": "user", "content": content], time: turn.time,
                       extra: turn.role == .summary ? ["isCompactSummary": true] : [:])
            }
            if !results.isEmpty { record("user", ["role": "user", "content": results], time: turn.time) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A Codex rollout: session_meta, then response items.
    static func codex(_ context: ContextFile, sessionID: String, folder: String, now: Date) -> String {
        var lines = [json(["timestamp": Timestamps.format(now), "type": "session_meta",
                           "payload": ["id": sessionID, "timestamp": Timestamps.format(now), "cwd": folder, "originator": CodexImporter.restoredOriginator,
                                       "cli_version": "folio", "instructions": NSNull()] as JSONObject])]
        func item(_ payload: JSONObject, _ time: Date?) {
            lines.append(json(["timestamp": Timestamps.format(time ?? now), "type": "response_item", "payload": payload]))
        }
        for turn in context.session.turns {
            let assistant = turn.role == .assistant
            for block in turn.blocks {
                switch block {
                case .text(let text):
                    item(["type": "message", "role": assistant ? "assistant" : "user",
                          "content": [["type": assistant ? "output_text" : "input_text", "text": text]]], turn.time)
                case .toolCall(let call):
                    item(["type": "function_call", "name": call.name, "arguments": json(input(call)), "call_id": call.id], turn.time)
                case .toolResult(let id, let output, _):
                    item(["type": "function_call_output", "call_id": id, "output": output], turn.time)
                default: break
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A Gemini CLI session in the JSON form every version with `--resume` reads (current versions go on in a
    /// `.jsonl` beside it): the model's text and tool calls on `gemini` messages, each call with its result as
    /// the model saw it (`functionResponse`) and as the CLI showed it (`resultDisplay`). Text after a call's result
    /// starts a new message, as Gemini CLI records one message per model response. A model message with calls
    /// must follow the user or a function response, so one that would follow a model message without calls
    /// joins it; a conversation that starts with the model's calls gets a first user message naming the context.
    /// The document and each message name the context they came from.
    static func gemini(_ context: ContextFile, sessionID: String, folder: String, now: Date) -> String {
        var messages: [JSONObject] = []
        func message(_ type: String, time: Date?, model: String? = nil) -> JSONObject {
            var message: JSONObject = ["id": UUID().uuidString.lowercased(), "timestamp": Timestamps.format(time ?? now), "type": type,
                                       "content": [] as [JSONObject], GeminiImporter.restoredMarker: context.id]
            if let model { message["model"] = model }
            return message
        }
        func append(_ text: String, to message: inout JSONObject) {
            message["content"] = (message["content"] as? [JSONObject] ?? []) + [["text": text]]
        }
        for turn in context.session.turns {
            guard turn.role == .assistant else {
                // The user's words; a compaction summary is said to the model as the user's too. Gemini CLI leaves
                // out of the model's history what starts with `/` or `?` (its own commands): a request to another
                // tool written so (aider's `/code …`) is quoted, so the model still reads it.
                var text = turn.text
                if let first = text.drop(while: \.isWhitespace).first, "/?".contains(first) { text = "> " + text }
                if !text.isEmpty {
                    var user = message("user", time: turn.time)
                    append(text, to: &user)
                    messages.append(user)
                }
                continue
            }
            let model = turn.model ?? context.session.models.first ?? "unknown"
            var current: JSONObject?
            func flush() {
                guard let done = current else { return }
                current = nil
                guard !(done["content"] as? [JSONObject] ?? []).isEmpty || done["toolCalls"] != nil else { return }
                messages.append(done)
            }
            for block in turn.blocks {
                switch block {
                case .text(let text):
                    // Text after a call is the model's next response.
                    if current?["toolCalls"] != nil { flush() }
                    if current == nil { current = message("gemini", time: turn.time, model: model) }
                    append(text, to: &current!)
                case .toolCall(let call):
                    if current == nil { current = message("gemini", time: turn.time, model: model) }
                    current!["toolCalls"] = (current!["toolCalls"] as? [JSONObject] ?? []) + [[
                        "id": call.id, "name": call.name, "displayName": call.name, "args": input(call), "status": "success",
                        "timestamp": Timestamps.format(turn.time ?? now)] as JSONObject]
                case .toolResult(let id, let output, let isError):
                    // The result goes on its call, in this message or an earlier one.
                    func answer(_ message: inout JSONObject) -> Bool {
                        guard var calls = message["toolCalls"] as? [JSONObject], let index = calls.firstIndex(where: { $0["id"] as? String == id }) else { return false }
                        let name = calls[index]["name"] as? String ?? "tool"
                        calls[index]["result"] = [["functionResponse": ["id": id, "name": name, "response": [isError ? "error" : "output": output]]]]
                        calls[index]["resultDisplay"] = output
                        calls[index]["status"] = isError ? "error" : "success"
                        message["toolCalls"] = calls
                        return true
                    }
                    if current != nil, answer(&current!) { continue }
                    for index in messages.indices.reversed() where answer(&messages[index]) { break }
                default: break
                }
            }
            flush()
        }
        // A model message with calls right after a model message without any (no function response between) is
        // one response with it.
        var index = 1
        while index < messages.count {
            let previous = messages[index - 1]
            if messages[index]["toolCalls"] != nil, previous["type"] as? String == "gemini", previous["toolCalls"] == nil {
                messages[index]["content"] = (previous["content"] as? [JSONObject] ?? []) + (messages[index]["content"] as? [JSONObject] ?? [])
                messages[index]["timestamp"] = previous["timestamp"]
                messages.remove(at: index - 1)
            } else {
                index += 1
            }
        }
        // The conversation starts with the user (a session of a subagent's work starts with the model's calls).
        if messages.first?["type"] as? String == "gemini" {
            var user = message("user", time: context.session.turns.first?.time)
            append("Restored by folio from \(context.session.tool.rawValue): \(context.title)", to: &user)
            messages.insert(user, at: 0)
        }
        // A call with no recorded result gets one saying so: Gemini answers every call before the next turn.
        for index in messages.indices {
            guard var calls = messages[index]["toolCalls"] as? [JSONObject] else { continue }
            for call in calls.indices where calls[call]["result"] == nil {
                calls[call]["result"] = [["functionResponse": ["id": calls[call]["id"] ?? "", "name": calls[call]["name"] ?? "tool",
                                                               "response": ["error": "No result was recorded for this call."]]]]
                calls[call]["status"] = "cancelled"
            }
            messages[index]["toolCalls"] = calls
        }
        let stamp = Timestamps.format(now)
        return pretty(["sessionId": sessionID, "projectHash": GeminiImporter.projectHash(folder), "startTime": stamp, "lastUpdated": stamp,
                       "summary": context.title, "messages": messages, GeminiImporter.restoredMarker: context.id])
    }

    /// A GitHub Copilot prompt file (`.github/prompts/folio-context-<slug>.prompt.md`, run as `/folio-context-<slug>`
    /// in Copilot Chat) holding the brief, in agent mode; written by the same exporter as `folio export --format
    /// copilot-prompts`, the brief kept as literal text.
    static func copilot(_ context: ContextFile, brief: String) -> (path: String, text: String) {
        let id = (try? PromptID("folio-context-" + ContextNaming.slug(context.title))) ?? (try! PromptID("folio-context"))
        var literal = MustacheText(avoiding: brief)
        literal.literal(brief)
        let prompt = Prompt(id: id, description: "folio context: " + context.title.replacingOccurrences(of: "\n", with: " "),
                            metadata: .map([Value.Entry("agent", .string("agent"))]), body: literal.text)
        let file = Exporter.export(prompt, as: .copilotPrompts)
        return (file.path, file.text)
    }

    static func shellQuote(_ text: String) -> String {
        text.allSatisfy { $0.isLetter || $0.isNumber || "/._-~".contains($0) } ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
