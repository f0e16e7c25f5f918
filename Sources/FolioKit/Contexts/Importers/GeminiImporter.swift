import Foundation

/// Gemini CLI: `~/.gemini/tmp/<project hash>/chats/session-*.json`, one JSON document per session with
/// `messages` of type `user`, `gemini` (or `model`), `info` and `error`; tool calls ride on the model's
/// messages with their results. Gemini CLI writes a one-line `summary` of the session, its title.
enum GeminiImporter: SessionImporter {
    static let tool = Session.Tool.gemini

    static func read(_ path: String) throws -> Session {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FolioError(.notFound, "cannot read \(path): no such file, or no permission")
        }
        guard let document = JSON.object(data) else {
            throw FolioError(.invalidInput, "\(path): not a Gemini CLI session (expected a JSON object with messages)")
        }
        var session = Session(tool: tool)
        session.sessionID = document["sessionId"] as? String
        session.created = JSON.date(document["startTime"])
        session.updated = JSON.date(document["lastUpdated"]) ?? session.created
        if let summary = document["summary"] as? String, !summary.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { session.title = summary }
        for message in document["messages"] as? [JSONObject] ?? [] {
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
            default: break  // info and error notices of the CLI itself
            }
        }
        return session
    }

    /// The folder name Gemini CLI uses for a project: the SHA-256 of its root path, in hex.
    static func projectHash(_ root: String) -> String {
        SHA256.hex(Data(root.utf8))
    }
}
