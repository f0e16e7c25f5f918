import Foundation

/// Cursor (the editor): chats ("composers") live in the global state database, `User/globalStorage/state.vscdb`,
/// table `cursorDiskKV`. `composerData:<composerId>` holds a chat's name, times, `modelConfig`, its plan
/// (`todos`) and its conversation, in one of two layouts: the current one lists the bubbles in order in
/// `fullConversationHeadersOnly` (`{bubbleId, type}`) and keeps each bubble in its own row,
/// `bubbleId:<composerId>:<bubbleId>`; older chats hold the bubbles inline, in `conversation` (or in
/// `conversationMap`, keyed by bubble id, beside the headers).
///
/// A bubble of type 1 is the user's, type 2 the assistant's: its words in `text` (else `rawText`, `content`, or
/// the Lexical `richText`), thinking in `thinking.text` (or the whole bubble when `isThought`), a tool call in
/// `toolFormerData` (`name`, `toolCallId`, arguments in `rawArgs` or `params` as JSON text, `result`, `status`),
/// times in `createdAt`, tokens in `tokenCount`, the model in `modelInfo.modelName`. Bubbles of other types carry
/// tool activity or notices: their tool calls are read, their text is kept as a note. A chat is named
/// `<database>#<composerId>` (`SessionImporters` and the locator agree on this).
enum CursorImporter: SessionImporter {
    static let tool = Session.Tool.cursor

    /// The name folio gives one chat of a database.
    static func location(database: String, composer: String) -> String { database + "#" + composer }

    /// The database and chat a location names; a bare database names its newest chat.
    static func split(_ location: String) -> (database: String, composer: String?) {
        if FileManager.default.fileExists(atPath: location) { return (location, nil) }
        guard let mark = location.lastIndex(of: "#") else { return (location, nil) }
        return (String(location[..<mark]), String(location[location.index(after: mark)...]))
    }

    static func read(_ path: String) throws -> Session {
        let (file, composer) = split(path)
        let database = try open(file)
        let id = try composer ?? newestChat(in: database)
        guard let data = try composerData(id, in: database) else {
            throw FolioError(.notFound, "\(file) holds no Cursor chat \(id) (no composerData:\(id) in cursorDiskKV)")
        }
        return try read(data, id: id, database: database)
    }

    /// How many bytes a chat's rows hold (its data and its bubbles), or nil for a bare database.
    static func size(_ location: String) -> Int? {
        let (file, composer) = split(location)
        guard let composer, let database = try? open(file) else { return nil }
        return try? database.first("SELECT sum(length(value)) FROM cursorDiskKV WHERE key = ? OR (key > ? AND key < ?)",
                                   ["composerData:" + composer, "bubbleId:\(composer):", "bubbleId:\(composer);"]) { $0.int(0).map { Int($0) } }
    }

    static func open(_ file: String) throws -> ForeignDatabase {
        let database = try ForeignDatabase(file)
        guard database.hasTable("cursorDiskKV") else {
            throw FolioError(.invalidInput, "\(file) is not Cursor's state database (it has no cursorDiskKV table); "
                             + "Cursor keeps chats in User/globalStorage/state.vscdb")
        }
        return database
    }

    static func composerData(_ id: String, in database: ForeignDatabase) throws -> JSONObject? {
        try database.first("SELECT value FROM cursorDiskKV WHERE key = ?", ["composerData:" + id]) { $0.json(0) as? JSONObject }
    }

    /// Whether a chat's data lists any bubble at all, read from the data alone: Cursor makes an empty chat for every
    /// new tab. A chat that passes may still have no message (`hasMessages` says).
    static func hasConversation(_ data: JSONObject) -> Bool {
        !((data["fullConversationHeadersOnly"] as? [Any])?.isEmpty ?? true) || !((data["conversation"] as? [Any])?.isEmpty ?? true)
    }

    /// Whether a chat has a message to read, as `read` reads it: in the current layout a header whose bubble is
    /// there (in `conversationMap` or in its own row; Cursor prunes some rows, and a header whose row is gone adds
    /// nothing); in the older one, an inline bubble with the user's or the assistant's words. What picks the latest
    /// chat (`save`, `--session`, `--file`) and what the watcher looks at agree on this.
    static func hasMessages(_ data: JSONObject, id: String, in database: ForeignDatabase) -> Bool {
        if let headers = data["fullConversationHeadersOnly"] as? [JSONObject], !headers.isEmpty {
            let inline = data["conversationMap"] as? JSONObject ?? [:]
            return headers.contains { header in
                guard let bubbleID = header["bubbleId"] as? String else { return false }
                if inline[bubbleID] is JSONObject { return true }
                return (try? database.first("SELECT 1 FROM cursorDiskKV WHERE key = ? AND length(value) > 0",
                                            ["bubbleId:\(id):\(bubbleID)"]) { _ in true }) != nil
            }
        }
        var reader = BubbleReader(chatModel: nil)
        for bubble in data["conversation"] as? [JSONObject] ?? [] {
            reader.add(bubble, headerType: nil)
            if !reader.turns.isEmpty { return true }
        }
        return false
    }

    /// When a chat last changed: its `lastUpdatedAt`, else its `createdAt`.
    static func updated(_ data: JSONObject) -> Date? { JSON.date(data["lastUpdatedAt"] ?? data["createdAt"]) }

    /// The chat updated last that has messages, for a database named with `--file`.
    static func newestChat(in database: ForeignDatabase) throws -> String {
        var chats: [(id: String, time: Double)] = []
        try database.rows("SELECT key, value FROM cursorDiskKV WHERE key >= 'composerData:' AND key < 'composerData;'") { row in
            guard let key = row.text(0), let data = row.json(1) as? JSONObject, hasConversation(data) else { return true }
            chats.append((String(key.dropFirst("composerData:".count)), updated(data)?.timeIntervalSince1970 ?? 0))
            return true
        }
        for chat in chats.sorted(by: { $0.time > $1.time }) {
            if let data = try composerData(chat.id, in: database), hasMessages(data, id: chat.id, in: database) { return chat.id }
        }
        throw FolioError(.invalidInput, "\(database.path) holds no Cursor chat with messages")
    }

    static func read(_ data: JSONObject, id: String, database: ForeignDatabase) throws -> Session {
        var session = Session(tool: tool)
        session.sessionID = data["composerId"] as? String ?? id
        if let name = (data["name"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines), !name.isEmpty { session.title = name }
        session.created = JSON.date(data["createdAt"])
        session.updated = JSON.date(data["lastUpdatedAt"]) ?? session.created
        session.workingFolder = folder(of: data["workspaceIdentifier"])
        session.gitBranch = data["createdOnBranch"] as? String
        let chatModel = model((data["modelConfig"] as? JSONObject)?["modelName"])
        if let chatModel { session.models.append(chatModel) }

        var reader = BubbleReader(chatModel: chatModel)
        if let headers = data["fullConversationHeadersOnly"] as? [JSONObject], !headers.isEmpty {
            let inline = data["conversationMap"] as? JSONObject ?? [:]
            for header in headers {
                guard let bubbleID = header["bubbleId"] as? String else { continue }
                if let bubble = inline[bubbleID] as? JSONObject {
                    reader.add(bubble, headerType: header["type"])
                    continue
                }
                // One bubble at a time: a bubble holding a tool's output can be tens of megabytes. A header whose row
                // is gone (Cursor prunes some) adds nothing.
                _ = try database.first("SELECT value FROM cursorDiskKV WHERE key = ?", ["bubbleId:\(id):\(bubbleID)"]) { row in
                    reader.add(row.json(0) as? JSONObject ?? [:], headerType: header["type"])
                    return true
                }
            }
        } else {
            for bubble in data["conversation"] as? [JSONObject] ?? [] { reader.add(bubble, headerType: nil) }
        }
        session.turns = reader.turns
        session.inputTokens = reader.inputTokens
        session.outputTokens = reader.outputTokens
        for model in reader.models where !session.models.contains(model) { session.models.append(model) }
        for time in reader.times { session.saw(time) }
        session.workingFolder = session.workingFolder ?? reader.workspace
        if session.workingFolder == nil, let storage = CursorStorage.around(database: database.path) {
            session.workingFolder = storage.heads(where: nil).first { $0.id == id }?.folder
        }
        session.tasks = tasks(data["todos"]) ?? reader.lastTodos ?? []
        return session
    }

    /// A folder from a VS Code workspace identifier (`{id, uri: {fsPath, path, external}}`) or a `file://` URI.
    static func folder(of value: Any?) -> String? {
        switch value {
        case let identifier as JSONObject:
            if let uri = identifier["uri"] as? JSONObject {
                if let path = uri["fsPath"] as? String ?? uri["path"] as? String, !path.isEmpty { return path }
                return folder(of: uri["external"])
            }
            return folder(of: identifier["folder"] ?? identifier["uri"])
        case let text as String:
            guard text.hasPrefix("file://"), let url = URL(string: text), url.isFileURL else { return text.hasPrefix("/") ? text : nil }
            let path = url.path
            return path.isEmpty ? nil : path
        default:
            return nil
        }
    }

    /// A model name, leaving out Cursor's "default" (its automatic choice, which names no model).
    static func model(_ value: Any?) -> String? {
        guard let name = (value as? String)?.trimmingCharacters(in: .whitespaces), !name.isEmpty, name != "default" else { return nil }
        return name
    }

    /// A plan: `[{content, status}]` (Cursor's todo_write), with `cancelled` counted as done.
    static func tasks(_ value: Any?) -> [SessionTask]? {
        guard let todos = value as? [JSONObject], !todos.isEmpty else { return nil }
        return todos.compactMap { todo in
            guard let content = todo["content"] as? String, !content.isEmpty else { return nil }
            let status = todo["status"] as? String ?? ""
            return SessionTask(content: content, status: SessionTask.Status(rawValue: status) ?? (status == "cancelled" ? .completed : .pending))
        }
    }
}

/// Turns out of bubbles, in order: a user bubble starts a turn; the assistant's bubbles (its words, thinking
/// and each tool call) make one turn until the user speaks again.
struct BubbleReader {
    let chatModel: String?
    var turns: [Turn] = []
    var inputTokens = 0
    var outputTokens = 0
    var models: [String] = []
    var times: [Date] = []
    /// The folder a user bubble names (`workspaceUris`), for chats whose data names none.
    var workspace: String?
    var lastTodos: [SessionTask]?

    init(chatModel: String?) { self.chatModel = chatModel }

    mutating func add(_ bubble: JSONObject, headerType: Any?) {
        let type = JSON.int(bubble["type"] ?? headerType)
        let time = JSON.date(bubble["createdAt"]) ?? JSON.date((bubble["timingInfo"] as? JSONObject)?["clientRpcSendTime"])
        if let time { times.append(time) }
        if let counts = bubble["tokenCount"] as? JSONObject {
            inputTokens += JSON.int(counts["inputTokens"])
            outputTokens += JSON.int(counts["outputTokens"])
        }
        let model = CursorImporter.model((bubble["modelInfo"] as? JSONObject)?["modelName"])
        if let model, !models.contains(model) { models.append(model) }
        if workspace == nil, let uris = bubble["workspaceUris"] as? [Any] { workspace = uris.lazy.compactMap(CursorImporter.folder).first }
        let text = Self.text(of: bubble)

        if type == 1 {
            var blocks: [Block] = text.isEmpty ? [] : [.text(text)]
            for image in bubble["images"] as? [Any] ?? [] { blocks.append(.image("image (\(Self.mediaType(image)))")) }
            if !blocks.isEmpty { turns.append(Turn(role: .user, time: time, blocks: blocks)) }
            return
        }
        var blocks: [Block] = []
        if let thinking = Self.thinking(of: bubble) { blocks.append(.thinking(thinking)) }
        if !text.isEmpty {
            if bubble["isThought"] as? Bool == true {
                blocks.append(.thinking(text))
            } else if type == 2 {
                blocks.append(.text(text))
            } else {
                // A bubble of a kind folio does not know: its words are kept, marked, so nothing is lost.
                blocks.append(.text("[Cursor bubble of type \(type)] " + text))
            }
        } else if type == 2, let code = Self.codeBlocks(of: bubble) {
            blocks.append(.text(code))
        }
        if let tool = bubble["toolFormerData"] as? JSONObject, let call = Self.call(tool, bubble: bubble) {
            blocks.append(.toolCall(call.call))
            if let result = call.result { blocks.append(result) }
            if call.call.name == "todo_write", let todos = CursorImporter.tasks(JSON.object(Data(call.call.input.utf8))?["todos"]) { lastTodos = todos }
        }
        guard !blocks.isEmpty else { return }
        if let last = turns.indices.last, turns[last].role == .assistant {
            turns[last].blocks += blocks
            if turns[last].model == nil { turns[last].model = model ?? chatModel }
        } else {
            turns.append(Turn(role: .assistant, time: time, model: model ?? chatModel, blocks: blocks))
        }
    }

    /// The bubble's words: `text`, else `rawText`, `content`, or the text of its Lexical `richText`.
    static func text(of bubble: JSONObject) -> String {
        for key in ["text", "rawText"] {
            if let text = bubble[key] as? String, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return text }
        }
        let content = JSON.text(bubble["content"])
        if !content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return content }
        if let rich = bubble["richText"] as? String, let root = JSON.object(Data(rich.utf8)) {
            return lexical(root).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return ""
    }

    /// The text of a Lexical editor state: text nodes joined, a line per paragraph.
    static func lexical(_ node: JSONObject) -> String {
        if let text = node["text"] as? String { return text }
        let children = (node["root"] as? JSONObject).map { [$0] } ?? node["children"] as? [JSONObject] ?? []
        let separator = node["type"] as? String == "root" || node["root"] != nil ? "\n" : ""
        return children.map(lexical).joined(separator: separator)
    }

    static func thinking(of bubble: JSONObject) -> String? {
        if let thinking = bubble["thinking"] as? JSONObject, let text = thinking["text"] as? String, !text.isEmpty { return text }
        if let text = bubble["thinking"] as? String, !text.isEmpty { return text }
        let blocks = (bubble["allThinkingBlocks"] as? [JSONObject] ?? []).compactMap { $0["text"] as? String }.filter { !$0.isEmpty }
        return blocks.isEmpty ? nil : blocks.joined(separator: "\n\n")
    }

    /// Code an older assistant bubble carries beside empty text, as fenced blocks.
    static func codeBlocks(of bubble: JSONObject) -> String? {
        let blocks = (bubble["codeBlocks"] as? [JSONObject] ?? []).compactMap { block -> String? in
            guard let code = block["content"] as? String ?? block["code"] as? String, !code.isEmpty else { return nil }
            return "```\(block["languageId"] as? String ?? "")\n\(code)\n```"
        }
        return blocks.isEmpty ? nil : blocks.joined(separator: "\n\n")
    }

    static func mediaType(_ image: Any) -> String {
        if let url = image as? String, url.hasPrefix("data:"), let end = url.firstIndex(of: ";") {
            return String(url[url.index(url.startIndex, offsetBy: 5)..<end])
        }
        return (image as? JSONObject)?["mimeType"] as? String ?? "unknown type"
    }

    /// A tool call from `toolFormerData`, with its result when it has one.
    static func call(_ tool: JSONObject, bubble: JSONObject) -> (call: ToolCall, result: Block?)? {
        // Cursor sometimes leaves only `additionalData` here: no call was made.
        guard tool["name"] != nil || tool["rawArgs"] != nil || tool["params"] != nil || tool["result"] != nil else { return nil }
        let id = tool["toolCallId"] as? String ?? bubble["bubbleId"] as? String ?? ""
        let name = tool["name"] as? String ?? (tool["tool"].map { "tool \(JSON.int($0))" } ?? "tool")
        var input = "{}"
        for key in ["rawArgs", "params"] {
            guard let value = tool[key], !(value is NSNull) else { continue }
            if let text = value as? String {
                if let parsed = structured(text) { input = JSON.compact(parsed); break }
                if !text.isEmpty { input = text; break }
            } else {
                input = JSON.compact(value)
                break
            }
        }
        var output = resultText(tool["result"])
        let status = tool["status"] as? String ?? ""
        var isError = status == "error"
        if let error = tool["error"], !(error is NSNull) {
            let message = (error as? String) ?? (error as? JSONObject).flatMap { $0["message"] as? String } ?? JSON.compact(error)
            if !message.isEmpty { output += (output.isEmpty ? "" : "\n") + message; isError = true }
        }
        if output.isEmpty, tool["userDecision"] as? String == "rejected" { output = "[rejected by the user]" }
        let result: Block? = output.isEmpty ? nil : .toolResult(id: id, output: output, isError: isError)
        return (ToolCall(id: id, name: name, input: input), result)
    }

    /// JSON text of an object or a list, parsed where it lies (a tool's result can be megabytes); nil for other text.
    static func structured(_ text: String) -> Any? {
        var text = text
        return text.withUTF8 { bytes -> Any? in
            guard let base = bytes.baseAddress, bytes.first == UInt8(ascii: "{") || bytes.first == UInt8(ascii: "[") else { return nil }
            let parsed = JSONReader.parse(Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count, deallocator: .none))
            return parsed is JSONObject || parsed is [Any] ? parsed : nil
        }
    }

    /// A tool's result as text: Cursor keeps it as JSON text; the field holding the output (a file's contents, a
    /// command's output) is taken when there is one.
    static func resultText(_ value: Any?) -> String {
        var value = value
        if let text = value as? String {
            guard let parsed = structured(text) else { return text }
            value = parsed
        }
        switch value {
        case let object as JSONObject:
            for key in ["contents", "content", "output", "stdout", "text", "result"] {
                guard let text = object[key] as? String else { continue }
                guard let errors = object["stderr"] as? String, !errors.isEmpty else { return text }
                return text + "\n" + errors
            }
            return object.isEmpty ? "" : JSON.compact(object)
        case nil, is NSNull: return ""
        default: return JSON.compact(value)
        }
    }
}
