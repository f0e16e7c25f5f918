import Foundation

/// Gemini CLI: `~/.gemini/tmp/<project>/chats/session-*.jsonl` (or `.json`), where `<project>` is the short id
/// `~/.gemini/projects.json` gives the folder (Gemini CLI since early 2026) or, before, the SHA-256 of the folder.
///
/// Older versions write one JSON document per session: `sessionId`, `projectHash`, `startTime`, `lastUpdated`,
/// `summary` and `messages` of type `user`, `gemini` (or `model`), `info`, `error` and `warning`; tool calls ride
/// on the model's messages with their results. Current versions append records to a JSONL file instead: the
/// metadata first, then each message (written again, with the same `id`, when it changes), `{"$set": {…}}` for
/// metadata updates (or a whole `messages` list), and `{"$rewindTo": id}` when the user rewinds (that message and
/// all after it are gone). Gemini CLI writes a one-line `summary` of the session, its title.
enum GeminiImporter: SessionImporter {
    static let tool = Session.Tool.gemini

    /// The field folio puts on a session it restores (`folio context restore --for gemini`), and on each of its
    /// messages, naming the context: a copy nobody continued is not taken for the latest session.
    static let restoredMarker = "folioRestoredFrom"

    static func read(_ path: String) throws -> Session {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw FolioError(.notFound, "cannot read \(path): no such file, or no permission")
        }
        if !path.hasSuffix(".jsonl"), let data = FileManager.default.contents(atPath: path), let document = JSON.object(data) {
            return session(document, messages: document["messages"] as? [JSONObject] ?? [])
        }
        var metadata: JSONObject = [:]
        var order: [String] = []
        var messages: [String: JSONObject] = [:]
        var records = 0
        func keep(_ message: JSONObject) {
            guard let id = message["id"] as? String else { return }
            if messages[id] == nil { order.append(id) }
            messages[id] = message
        }
        for line in try LineReader(path: path) {
            guard !line.isEmpty, let record = JSON.object(line) else { continue }
            records += 1
            if let target = record["$rewindTo"] as? String {
                let cut = order.firstIndex(of: target) ?? 0
                for id in order[cut...] { messages[id] = nil }
                order.removeSubrange(cut...)
            } else if let update = record["$set"] as? JSONObject {
                if let list = update["messages"] as? [JSONObject] {
                    order = []
                    messages = [:]
                    list.forEach(keep)
                }
                metadata.merge(update.filter { $0.key != "messages" }) { $1 }
            } else if record["id"] is String {
                keep(record)
            } else if record["sessionId"] != nil {
                metadata.merge(record.filter { $0.key != "messages" }) { $1 }
                (record["messages"] as? [JSONObject])?.forEach(keep)
            }
        }
        guard records > 0 else {
            throw FolioError(.invalidInput, "\(path): not a Gemini CLI session (expected a JSON object with messages, or JSONL records)")
        }
        return session(metadata, messages: order.compactMap { messages[$0] })
    }

    private static func session(_ document: JSONObject, messages: [JSONObject]) -> Session {
        var session = Session(tool: tool)
        session.sessionID = document["sessionId"] as? String
        session.created = JSON.date(document["startTime"])
        session.updated = JSON.date(document["lastUpdated"]) ?? session.created
        if let summary = document["summary"] as? String, !summary.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { session.title = summary }
        for message in messages {
            let time = JSON.date(message["timestamp"])
            let type = message["type"] as? String ?? message["role"] as? String ?? ""
            let model = message["model"] as? String
            if let model, !session.models.contains(model) { session.models.append(model) }
            if let tokens = message["tokens"] as? JSONObject {
                session.inputTokens += JSON.int(tokens["input"])
                session.outputTokens += JSON.int(tokens["output"])
            }
            var blocks: [Block] = []
            let text = JSON.text(message["content"] ?? message["parts"])
            if !text.isEmpty { blocks.append(.text(text)) }
            for thought in message["thoughts"] as? [JSONObject] ?? [] {
                let text = [thought["subject"] as? String, thought["description"] as? String].compactMap { $0 }.joined(separator: ": ")
                if !text.isEmpty { blocks.insert(.thinking(text), at: 0) }
            }
            for call in message["toolCalls"] as? [JSONObject] ?? [] {
                let id = call["id"] as? String ?? ""
                blocks.append(.toolCall(ToolCall(id: id, name: call["name"] as? String ?? "tool", input: JSON.compact(call["args"]))))
                if let result = call["resultDisplay"] as? String ?? (call["result"]).map({ JSON.text($0) }), !result.isEmpty {
                    blocks.append(.toolResult(id: id, output: result, isError: call["status"] as? String == "error"))
                }
            }
            guard !blocks.isEmpty else { continue }
            switch type {
            case "user": session.turns.append(Turn(role: .user, time: time, blocks: blocks))
            case "gemini", "model", "assistant": session.turns.append(Turn(role: .assistant, time: time, model: model, blocks: blocks))
            default: break  // info, error and warning notices of the CLI itself
            }
        }
        return session
    }

    /// Whether folio wrote this session (a restored context) and Gemini CLI added no message to it since. (When a
    /// current Gemini CLI resumes it, it goes on in a `.jsonl` file beside it, which is a session like any other.)
    static func isUnchangedRestore(_ path: String) -> Bool {
        guard path.hasSuffix(".json"), let data = FileManager.default.contents(atPath: path), let document = JSON.object(data),
              document[restoredMarker] != nil else { return false }
        return (document["messages"] as? [JSONObject] ?? []).allSatisfy { $0[restoredMarker] != nil }
    }

    // MARK: - Where Gemini CLI keeps sessions

    /// Gemini CLI's folder: `~/.gemini`, or `$GEMINI_CLI_HOME/.gemini`.
    static func folder(variables: [String: String], home: String) -> String {
        (variables["GEMINI_CLI_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home) + "/.gemini"
    }

    /// The folders holding a project's chats, the current one first: `tmp/<short id>/chats` when
    /// `projects.json` names the project (and the folder's `.project_root` does not name another), and
    /// `tmp/<sha256 of the folder>/chats`, where versions before the short ids kept them.
    static func chatFolders(project: String, gemini: String) -> [String] {
        var folders: [String] = []
        if let id = shortID(project: project, gemini: gemini) { folders.append(gemini + "/tmp/" + id + "/chats") }
        folders.append(gemini + "/tmp/" + projectHash(project) + "/chats")
        return folders
    }

    static func shortID(project: String, gemini: String) -> String? {
        guard let data = FileManager.default.contents(atPath: gemini + "/projects.json"),
              let id = (JSON.object(data)?["projects"] as? JSONObject)?[project] as? String,
              !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else { return nil }
        if let owner = FileManager.default.contents(atPath: gemini + "/tmp/" + id + "/.project_root"),
           String(decoding: owner, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) != project { return nil }
        return id
    }

    /// The folder name Gemini CLI used for a project before short ids: the SHA-256 of its root path, in hex (also
    /// the `projectHash` of its sessions).
    static func projectHash(_ root: String) -> String {
        SHA256.hex(Data(root.utf8))
    }
}
