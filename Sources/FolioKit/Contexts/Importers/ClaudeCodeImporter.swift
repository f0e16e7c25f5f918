import Foundation

/// Claude Code: `~/.claude/projects/<encoded folder>/<session>.jsonl` (or under `CLAUDE_CONFIG_DIR`).
///
/// Each line is a record; user and assistant records form a tree through `uuid`/`parentUuid`. After a rewind
/// the file still holds the abandoned branch, so the conversation is the path from the last record back to the
/// root. A compaction starts a new root (`compact_boundary`, with `logicalParentUuid` naming the record before)
/// followed by a user record marked `isCompactSummary`. One API message may be split over several lines that
/// share `message.id`; tool results come back in user records and are matched to their call by `tool_use_id`.
/// Sidechain records (subagents, in older versions) are counted, not followed. Token counts and tasks are those of
/// the kept conversation, not of an abandoned branch. The session's title is the one the user gave (`custom-title`,
/// from /rename), else the one Claude Code generated (`ai-title`), else a `summary` record's (the one whose
/// `leafUuid` is in this file first). Claude Code 2 keeps each
/// subagent's transcript beside the session, in `<session>/subagents/agent-<id>.jsonl` with an
/// `agent-<id>.meta.json`; those are read as subagents (their calls, files and tokens count). Such a file given on its
/// own is that subagent's conversation. The JSON that session viewers and exporters pass around, an object whose
/// `loglines` list these same records, is read the same way.
enum ClaudeCodeImporter: SessionImporter {
    static let tool = Session.Tool.claudeCode

    /// What folio keeps of one record while reading (not the whole JSON: sessions can be large).
    struct Record {
        let uuid: String?
        let parent: String?
        let logicalParent: String?
        let turn: Turn?
        let messageID: String?
        let results: [(id: String, output: String, isError: Bool)]
        /// The usage this record adds (a message split over lines counts once).
        let usage: (input: Int, output: Int)?
    }

    /// The field folio puts on every record of a session it restores (`folio context restore --for claude-code`),
    /// naming the context: a copy nobody continued is not taken for the latest session.
    static let restoredMarker = "folioRestoredFrom"

    /// Whether folio wrote this file (a restored context) and Claude Code added no message to it since.
    static func isUnchangedRestore(_ path: String) -> Bool {
        guard let lines = try? LineReader(path: path) else { return false }
        var marked = false
        for line in lines {
            guard !line.isEmpty, let record = JSON.object(line) else { continue }
            guard ["user", "assistant"].contains(record["type"] as? String ?? "") else { continue }
            // Copies restored by earlier folio versions have no marker, but say `"version": "folio"`.
            guard record[restoredMarker] != nil || record["version"] as? String == "folio" else { return false }
            marked = true
        }
        return marked
    }

    static func read(_ path: String) throws -> Session {
        // A subagent's transcript on its own (`agent-<id>.jsonl`, every record a sidechain) is that agent's
        // conversation.
        if (path as NSString).lastPathComponent.hasPrefix("agent-") { return try readAgent(path) }
        var session = try read(path, subagent: false)
        if session.turns.isEmpty, session.sidechainMessages > 0 { return try readAgent(path) }
        let folder = (path as NSString).deletingPathExtension + "/subagents"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasPrefix("agent-") && $0.hasSuffix(".jsonl") }.sorted()
        for name in names {
            // A subagent file folio cannot read does not stop the capture of the session.
            guard let agent = try? read(folder + "/" + name, subagent: true) else { continue }
            let base = String(name.dropLast(".jsonl".count))
            let meta = FileManager.default.contents(atPath: folder + "/" + base + ".meta.json").flatMap(JSON.object)
            session.subagents.append(Subagent(id: String(base.dropFirst("agent-".count)), type: meta?["agentType"] as? String,
                                              model: meta?["model"] as? String ?? agent.models.first, messages: agent.messageCount,
                                              toolCalls: agent.toolCalls, inputTokens: agent.inputTokens, outputTokens: agent.outputTokens))
            session.sidechainMessages += agent.messageCount
            session.inputTokens += agent.inputTokens
            session.outputTokens += agent.outputTokens
            for model in agent.models where !session.models.contains(model) { session.models.append(model) }
        }
        return session
    }

    /// A subagent's transcript as a session of its own: its id is the agent's (`agentId`, or the file's name after
    /// `agent-`), its parent the session that started it (the records' `sessionId`, or the `<session>` folder of
    /// `<session>/subagents/`). Its title is the task's description in `agent-<id>.meta.json`, else its first prompt.
    static func readAgent(_ path: String) throws -> Session {
        var reader = Reader(subagent: true)
        try forEachRecord(in: path) { reader.add($0) }
        var session = reader.finish()
        let base = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let folder = (path as NSString).deletingLastPathComponent
        session.sessionID = reader.agentID ?? (base.hasPrefix("agent-") ? String(base.dropFirst("agent-".count)) : base)
        session.parentSessionID = reader.recordSessionID
            ?? ((folder as NSString).lastPathComponent == "subagents" ? ((folder as NSString).deletingLastPathComponent as NSString).lastPathComponent : nil)
        let meta = FileManager.default.contents(atPath: folder + "/" + base + ".meta.json").flatMap(JSON.object)
        if let description = meta?["description"] as? String, !description.isEmpty { session.title = description }
        if let model = meta?["model"] as? String, !session.models.contains(model) { session.models.append(model) }
        return session
    }

    /// One file: a session, or (`subagent`) a subagent's transcript, whose records are all sidechain records.
    static func read(_ path: String, subagent: Bool) throws -> Session {
        var reader = Reader(subagent: subagent)
        reader.session.sessionID = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        try forEachRecord(in: path) { reader.add($0) }
        return reader.finish()
    }

    /// Each record of a session file: the lines of a `.jsonl`, or the `loglines` of the JSON that session viewers
    /// and exporters pass around (`{"loglines": [record, …]}`, as Claude Code's web sessions are served).
    static func forEachRecord(in path: String, _ body: (JSONObject) -> Void) throws {
        if path.hasSuffix(".json") {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw FolioError(.notFound, "cannot read \(path): no such file, or no permission")
            }
            let document = JSON.parse(data)
            guard let records = (document as? JSONObject)?["loglines"] as? [Any] ?? document as? [Any] else {
                throw FolioError(.invalidInput, "\(path): not a Claude Code session (expected a JSON object whose loglines list the session's records)")
            }
            for case let record as JSONObject in records { body(record) }
            return
        }
        for line in try LineReader(path: path) {
            guard !line.isEmpty, let record = JSON.object(line) else { continue }
            if let loglines = record["loglines"] as? [Any] {
                for case let inner as JSONObject in loglines { body(inner) }
            } else {
                body(record)
            }
        }
    }

    /// Reads records one at a time into a session.
    struct Reader {
        let subagent: Bool
        var session = Session(tool: ClaudeCodeImporter.tool)
        var records: [Record] = []
        var byUUID: [String: Int] = [:]
        var usageSeen = Set<String>()
        var summaries: [(text: String, leaf: String?)] = []
        var customTitle: String?, generatedTitle: String?
        /// Usage of records outside the conversation's tree (some files hold only usage records).
        var looseUsage = (input: 0, output: 0)
        var recordNumber = 0
        /// The `agentId` and `sessionId` the records carry (a subagent's are its own id and its parent's).
        var agentID: String?
        var recordSessionID: String?

        init(subagent: Bool) { self.subagent = subagent }

        mutating func add(_ record: JSONObject) {
            recordNumber += 1
            let kind = record["type"] as? String ?? ""
            if kind == "summary", let text = record["summary"] as? String { summaries.append((text, record["leafUuid"] as? String)); return }
            if kind == "custom-title", let text = record["customTitle"] as? String, !text.isEmpty { customTitle = text; return }
            if kind == "ai-title", let text = record["aiTitle"] as? String ?? record["title"] as? String, !text.isEmpty { generatedTitle = text; return }
            if let version = record["version"] as? String { session.toolVersion = version }
            if let id = record["sessionId"] as? String { session.sessionID = id; recordSessionID = id }
            if agentID == nil, let id = record["agentId"] as? String, !id.isEmpty { agentID = id }
            if let cwd = record["cwd"] as? String, !cwd.isEmpty { session.workingFolder = cwd }
            if let branch = record["gitBranch"] as? String, !branch.isEmpty { session.gitBranch = branch }
            let time = JSON.date(record["timestamp"])
            session.saw(time)
            if !subagent, record["isSidechain"] as? Bool == true { session.sidechainMessages += 1; return }
            // Models and usage count wherever they appear (some files hold only usage records).
            let message = record["message"] as? JSONObject
            let messageID = message?["id"] as? String
            if let model = message?["model"] as? String, !model.hasPrefix("<"), !session.models.contains(model) {
                session.models.append(model)
            }
            var usage: (input: Int, output: Int)?
            if let counts = message?["usage"] as? JSONObject, usageSeen.insert(messageID ?? "record \(recordNumber)").inserted {
                usage = (JSON.int(counts["input_tokens"]) + JSON.int(counts["cache_creation_input_tokens"]) + JSON.int(counts["cache_read_input_tokens"]),
                         JSON.int(counts["output_tokens"]))
            }
            guard kind == "user" || kind == "assistant" || kind == "system" else {
                if let usage { looseUsage = (looseUsage.input + usage.input, looseUsage.output + usage.output) }
                return
            }
            var turn: Turn?
            var results: [(String, String, Bool)] = []
            // System records (a compaction's boundary among them) only link the tree.
            if kind != "system", record["isMeta"] as? Bool != true {
                let content: Any? = message?["content"] ?? (record["message"] as? String)
                var blocks: [Block] = []
                for block in (content as? [Any]) ?? [content as Any] {
                    if let text = block as? String {
                        if !text.isEmpty { blocks.append(.text(text)) }
                        continue
                    }
                    guard let block = block as? JSONObject else { continue }
                    switch block["type"] as? String {
                    case "text": if let text = block["text"] as? String, !text.isEmpty { blocks.append(.text(text)) }
                    case "thinking": if let text = block["thinking"] as? String, !text.isEmpty { blocks.append(.thinking(text)) }
                    case "tool_use":
                        let call = ToolCall(id: block["id"] as? String ?? "", name: block["name"] as? String ?? "tool",
                                            input: JSON.compact(block["input"]))
                        blocks.append(.toolCall(call))
                    case "tool_result":
                        results.append((block["tool_use_id"] as? String ?? "", JSON.text(block["content"]),
                                        block["is_error"] as? Bool ?? false))
                    case "image": blocks.append(.image("image (\((block["source"] as? JSONObject)?["media_type"] as? String ?? "unknown type"))"))
                    default: break
                    }
                }
                let role: Turn.Role = record["isCompactSummary"] as? Bool == true ? .summary : (kind == "assistant" ? .assistant : .user)
                if !blocks.isEmpty {
                    turn = Turn(role: role, time: time, model: message?["model"] as? String, blocks: blocks)
                }
            }
            let uuid = record["uuid"] as? String
            if let uuid { byUUID[uuid] = records.count }
            records.append(Record(uuid: uuid, parent: record["parentUuid"] as? String,
                                  logicalParent: record["logicalParentUuid"] as? String, turn: turn, messageID: messageID, results: results,
                                  usage: usage))
        }

        func finish() -> Session {
            var session = self.session
            // A summary of this conversation (its leaf is in the file) rather than of one it continued.
            let summary = summaries.last { $0.leaf.map { byUUID[$0] != nil } ?? false } ?? summaries.last
            session.summary = summary?.text
            session.title = customTitle ?? generatedTitle ?? summary?.text
            let branch = activeBranch(records, byUUID: byUUID)
            session.inputTokens = looseUsage.input
            session.outputTokens = looseUsage.output
            for usage in branch.compactMap(\.usage) {
                session.inputTokens += usage.input
                session.outputTokens += usage.output
            }
            session.turns = assemble(branch)
            // The plan is the last TodoWrite of the kept conversation.
            if let plan = session.toolCalls.last(where: { $0.name == "TodoWrite" }),
               let todos = JSON.object(Data(plan.input.utf8))?["todos"] as? [JSONObject] {
                session.tasks = todos.compactMap(task)
            }
            return session
        }
    }

    /// The records on the path from the last record back to the root, in conversation order.
    static func activeBranch(_ records: [Record], byUUID: [String: Int]) -> [Record] {
        guard var current = records.indices.last else { return [] }
        var chain: [Int] = []
        var visited = Set<Int>()
        while visited.insert(current).inserted {
            chain.append(current)
            let record = records[current]
            if let parent = record.parent, let index = byUUID[parent] {
                current = index
            } else if let parent = record.logicalParent, let index = byUUID[parent] {
                current = index  // across a compaction
            } else if current > 0, !visited.contains(current - 1) {
                // No parent, or one that is not in the file (a fragment, a hand-edited file): the file's order.
                current -= 1
            } else {
                break
            }
        }
        return chain.reversed().map { records[$0] }
    }

    /// Turns from records: split messages merged, tool results put after their calls.
    static func assemble(_ records: [Record]) -> [Turn] {
        var turns: [Turn] = []
        var lastMessageID: String?
        var callTurn: [String: Int] = [:]
        for record in records {
            for result in record.results {
                let block = Block.toolResult(id: result.id, output: result.output, isError: result.isError)
                if let index = callTurn[result.id] ?? turns.lastIndex(where: { $0.role == .assistant }) {
                    turns[index].blocks.append(block)
                } else {
                    turns.append(Turn(role: .user, blocks: [block]))
                }
            }
            guard let turn = record.turn else { continue }
            if turn.role == .assistant, let id = record.messageID, id == lastMessageID, let last = turns.indices.last {
                for block in turn.blocks where !turns[last].blocks.contains(block) { turns[last].blocks.append(block) }
            } else {
                turns.append(turn)
            }
            lastMessageID = turn.role == .assistant ? record.messageID : nil
            for case .toolCall(let call) in turn.blocks { callTurn[call.id] = turns.count - 1 }
        }
        return turns.filter { !$0.blocks.isEmpty }
    }

    static func task(_ todo: JSONObject) -> SessionTask? {
        guard let content = todo["content"] as? String ?? todo["step"] as? String else { return nil }
        return SessionTask(content: content, status: SessionTask.Status(rawValue: todo["status"] as? String ?? "") ?? .pending)
    }

    /// The folder a session ran in: the `cwd` of its first records that have one (a session's first lines can be
    /// summaries and file snapshots, which have none); nil when none of its first records names one.
    static func workingFolder(ofFile path: String, records limit: Int = 64) -> String? {
        guard var lines = try? LineReader(path: path) else { return nil }
        var seen = 0
        while seen < limit, let line = lines.next() {
            seen += 1
            // Only lines that mention it are parsed.
            guard line.range(of: Data("\"cwd\"".utf8)) != nil, let record = JSON.object(line),
                  let cwd = record["cwd"] as? String, !cwd.isEmpty else { continue }
            return cwd
        }
        return nil
    }

    /// Claude Code's folder name for a project: every character other than a letter or digit becomes `-`.
    static func encodedFolder(_ path: String) -> String {
        String(path.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
    }
}
