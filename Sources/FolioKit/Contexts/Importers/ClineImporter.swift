import Foundation

/// Cline and Roo Code: a task folder (in VS Code's global storage) holding `api_conversation_history.json`,
/// the conversation in Anthropic's messages format, and sometimes `task_metadata.json` (files in context,
/// models used). Cline adds `<environment_details>` to user messages; those are the editor's state, not the
/// user's words, and are left out.
enum ClineImporter: SessionImporter {
    static let tool = Session.Tool.cline

    static func read(_ path: String) throws -> Session {
        var isFolder: ObjCBool = false
        FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        let folder = isFolder.boolValue ? path : (path as NSString).deletingLastPathComponent
        let history = isFolder.boolValue ? folder + "/api_conversation_history.json"
            : ((path as NSString).lastPathComponent == "task_metadata.json" ? folder + "/api_conversation_history.json" : path)
        guard let data = FileManager.default.contents(atPath: history) else {
            throw FolioError(.notFound, "cannot read \(history): no such file, or no permission (a Cline task folder holds api_conversation_history.json)")
        }
        guard let messages = JSON.parse(data) as? [JSONObject] else {
            throw FolioError(.invalidInput, "\(history): not a Cline conversation (expected a JSON list of messages)")
        }
        var session = Session(tool: folder.contains("roo-cline") ? .roo : .cline)
        session.sessionID = (folder as NSString).lastPathComponent
        if let created = (try? FileManager.default.attributesOfItem(atPath: history))?[.modificationDate] as? Date {
            session.updated = created
        }
        if let number = Double(session.sessionID ?? ""), number > 1e12 { session.created = Date(timeIntervalSince1970: number / 1000) }
        var callTurn: [String: Int] = [:]
        for message in messages {
            let role = message["role"] as? String
            let time = JSON.date(message["ts"])
            var blocks: [Block] = []
            for block in (message["content"] as? [Any]) ?? [message["content"] as Any] {
                if let text = block as? String { blocks.append(.text(withoutEnvironment(text))); continue }
                guard let block = block as? JSONObject else { continue }
                switch block["type"] as? String {
                case "text": blocks.append(.text(withoutEnvironment(block["text"] as? String ?? "")))
                case "thinking":
                    if let text = block["thinking"] as? String, !text.isEmpty, text != "None" { blocks.append(.thinking(text)) }
                case "tool_use":
                    blocks.append(.toolCall(ToolCall(id: block["id"] as? String ?? "", name: block["name"] as? String ?? "tool",
                                                     input: JSON.compact(block["input"]))))
                case "tool_result":
                    let id = block["tool_use_id"] as? String ?? ""
                    let result = Block.toolResult(id: id, output: JSON.text(block["content"]), isError: block["is_error"] as? Bool ?? false)
                    if let index = callTurn[id] { session.turns[index].blocks.append(result) } else { blocks.append(result) }
                case "image": blocks.append(.image("image"))
                default: break
                }
            }
            blocks.removeAll { if case .text(let text) = $0 { text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } else { false } }
            guard !blocks.isEmpty else { continue }
            session.turns.append(Turn(role: role == "assistant" ? .assistant : .user, time: time, blocks: blocks))
            for case .toolCall(let call) in blocks { callTurn[call.id] = session.turns.count - 1 }
        }
        if let metadata = FileManager.default.contents(atPath: folder + "/task_metadata.json").flatMap(JSON.object) {
            for usage in metadata["model_usage"] as? [JSONObject] ?? [] {
                if let model = usage["model_id"] as? String, !session.models.contains(model) { session.models.append(model) }
            }
            // Files Cline had in context, as reads, unless a tool call already says more.
            for file in metadata["files_in_context"] as? [JSONObject] ?? [] {
                if let path = file["path"] as? String {
                    let action = file["record_source"] as? String == "cline_edited" ? "write_to_file" : "read_file"
                    session.turns.append(Turn(role: .assistant, blocks: [.toolCall(ToolCall(id: "metadata", name: action, input: JSON.compact(["path": path])))]))
                }
            }
        }
        return session
    }

    /// The user's words without Cline's wrapping: `<task>…</task>` around the first request, and the
    /// `<environment_details>` Cline appends.
    static func withoutEnvironment(_ text: String) -> String {
        var text = text
        if let open = text.range(of: "<task>"), let close = text.range(of: "</task>", range: open.upperBound..<text.endIndex) {
            text = String(text[open.upperBound..<close.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
                + String(text[close.upperBound...])
        }
        return withoutDetails(text)
    }

    private static func withoutDetails(_ text: String) -> String {
        guard let start = text.range(of: "<environment_details>") else { return text }
        let end = text.range(of: "</environment_details>", range: start.upperBound..<text.endIndex)?.upperBound ?? text.endIndex
        return withoutDetails(String(text[..<start.lowerBound] + text[end...])).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
