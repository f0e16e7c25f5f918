import Foundation

/// Cursor's command-line agent (`cursor-agent`, `agent`): one SQLite database per chat,
/// `~/.cursor/chats/<MD5 of the folder>/<chat id>/store.db` (`CURSOR_CONFIG_DIR` for `~/.cursor`).
///
/// Table `meta` has one row, key `0`, whose value is JSON written as hex text: `agentId`, `name`, `createdAt`
/// (milliseconds), `mode`, `lastUsedModel` and `latestRootBlobId`. Table `blobs` is content-addressed (`id` is
/// the SHA-256 of `data`): the messages are JSON in the Vercel AI SDK's shape (`role` system, user, assistant or
/// tool; `content` a string or parts: `text`, `reasoning`, `tool-call` with `toolCallId`, `toolName`, `args`,
/// `tool-result` with `toolCallId`, `result`), and the conversation is a protobuf root blob whose field 1
/// repeats the ids (32 bytes) of its messages in order, or of nodes that do the same. Newer versions also write
/// a `meta.json` beside the database (`title`, `cwd`, `updatedAtMs`). The CLI wraps each request in
/// `<user_info>` (which names the workspace path) and `<user_query>`; the query is the user's words.
///
/// Not read, because the store does not hold it in a form folio can read: per-message times (only the chat's
/// creation), token counts (the root's other protobuf fields hold a snapshot of the context's size, not usage),
/// and anything in blobs that are neither JSON messages nor nodes of ids.
enum CursorAgentImporter: SessionImporter {
    static let tool = Session.Tool.cursorAgent

    /// The chat's database: the file, or the chat's folder holding it.
    static func databasePath(_ path: String) -> String {
        var isFolder: ObjCBool = false
        FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        return isFolder.boolValue ? path + "/store.db" : path
    }

    /// The chat's metadata from `meta` (hex-encoded JSON, or plain JSON), or nil when it has none.
    static func meta(_ database: ForeignDatabase) throws -> JSONObject? {
        guard database.hasTable("meta") else { return nil }
        return try database.first("SELECT value FROM meta ORDER BY key = '0' DESC") { row -> JSONObject? in
            guard let text = row.text(0) else { return nil }
            return JSON.object(Data(text.utf8)) ?? hexDecoded(text).flatMap(JSON.object)
        }
    }

    static func hexDecoded(_ text: String) -> Data? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(digits.count / 2)
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case 0x30...0x39: digit - 0x30
            case 0x61...0x66: digit - 0x61 + 10
            case 0x41...0x46: digit - 0x41 + 10
            default: nil
            }
        }
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return Data(bytes)
    }

    static func read(_ path: String) throws -> Session {
        let file = databasePath(path)
        let folder = (file as NSString).deletingLastPathComponent
        let database = try ForeignDatabase(file)
        guard database.hasTable("blobs"), let meta = try meta(database) else {
            throw FolioError(.invalidInput, "\(file) is not a cursor-agent chat (expected the tables meta and blobs of ~/.cursor/chats/<folder hash>/<chat>/store.db)")
        }
        var session = Session(tool: tool)
        session.sessionID = meta["agentId"] as? String ?? (folder as NSString).lastPathComponent
        if let name = (meta["name"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines), !name.isEmpty, name != "New Agent" {
            session.title = name
        }
        session.created = JSON.date(meta["createdAt"]) ?? (meta["createdAt"] as? String).flatMap { Int($0) }.flatMap { JSON.date($0) }
        if let model = CursorImporter.model(meta["lastUsedModel"]) { session.models.append(model) }
        session.updated = [file, file + "-wal"].compactMap {
            (try? FileManager.default.attributesOfItem(atPath: $0))?[.modificationDate] as? Date
        }.max()
        if let sidecar = FileManager.default.contents(atPath: folder + "/meta.json").flatMap(JSON.object) {
            if let title = (sidecar["title"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines), !title.isEmpty { session.title = title }
            session.workingFolder = sidecar["cwd"] as? String
            session.created = session.created ?? JSON.date(sidecar["createdAtMs"])
            session.updated = JSON.date(sidecar["updatedAtMs"]) ?? session.updated
        }
        if let updated = session.updated, let created = session.created, updated < created { session.updated = created }

        var turns: [Turn] = []
        var callTurn: [String: Int] = [:]
        func assistant(_ block: Block) {
            if let last = turns.indices.last, turns[last].role == .assistant {
                turns[last].blocks.append(block)
            } else {
                turns.append(Turn(role: .assistant, time: nil, model: session.models.first, blocks: [block]))
            }
        }
        if let root = meta["latestRootBlobId"] as? String, !root.isEmpty {
            try messages(from: root, in: database) { message in
                let content = message["content"]
                let parts = content as? [JSONObject] ?? []
                switch message["role"] as? String {
                case "user":
                    let raw = (content as? String) ?? parts.filter { $0["type"] as? String == "text" }.compactMap { $0["text"] as? String }.joined(separator: "\n")
                    let (text, workspace) = request(raw)
                    if session.workingFolder == nil, let workspace { session.workingFolder = workspace }
                    var blocks: [Block] = text.isEmpty ? [] : [.text(text)]
                    for part in parts where ["image", "file"].contains(part["type"] as? String ?? "") {
                        blocks.append(.image("image (\(part["mimeType"] as? String ?? part["mediaType"] as? String ?? "unknown type"))"))
                    }
                    if !blocks.isEmpty { turns.append(Turn(role: .user, blocks: blocks)) }
                case "assistant":
                    if let text = content as? String, !text.isEmpty { assistant(.text(text)) }
                    for part in parts {
                        switch part["type"] as? String {
                        case "text": if let text = part["text"] as? String, !text.isEmpty { assistant(.text(text)) }
                        case "reasoning": if let text = part["text"] as? String, !text.isEmpty { assistant(.thinking(text)) }
                        case "tool-call":
                            let id = part["toolCallId"] as? String ?? ""
                            var args = part["args"] ?? part["input"]
                            if let text = args as? String, let parsed = JSON.parse(Data(text.utf8)) { args = parsed }
                            assistant(.toolCall(ToolCall(id: id, name: part["toolName"] as? String ?? "tool", input: JSON.compact(args))))
                            callTurn[id] = turns.count - 1
                        default: break
                        }
                    }
                case "tool":
                    for part in parts where part["type"] as? String == "tool-result" {
                        let id = part["toolCallId"] as? String ?? ""
                        let output = BubbleReader.resultText(part["result"] ?? part["output"])
                        let block = Block.toolResult(id: id, output: output, isError: part["isError"] as? Bool ?? false)
                        if let index = callTurn[id] { turns[index].blocks.append(block) } else { assistant(block) }
                    }
                default:
                    break  // the system prompt
                }
            }
        }
        session.turns = turns
        if let plan = session.toolCalls.last(where: { ["todowrite", "todo_write", "updatetodos"].contains($0.name.lowercased()) }),
           let todos = CursorImporter.tasks(JSON.object(Data(plan.input.utf8))?["todos"]) {
            session.tasks = todos
        }
        return session
    }

    /// The user's words in a request the CLI wrapped, and the workspace path its `<user_info>` names.
    static func request(_ text: String) -> (text: String, workspace: String?) {
        var workspace: String?
        if let info = text.range(of: "<user_info>"), let end = text.range(of: "</user_info>", range: info.upperBound..<text.endIndex) {
            for line in text[info.upperBound..<end.lowerBound].split(separator: "\n") {
                let line = line.trimmingCharacters(in: .whitespaces)
                if line.hasPrefix("Workspace Path:") {
                    workspace = String(line.dropFirst("Workspace Path:".count)).trimmingCharacters(in: .whitespaces)
                }
            }
        }
        if let query = text.range(of: "<user_query>") {
            let end = text.range(of: "</user_query>", range: query.upperBound..<text.endIndex)?.lowerBound ?? text.endIndex
            return (String(text[query.upperBound..<end]).trimmingCharacters(in: .whitespacesAndNewlines), workspace)
        }
        var rest = text
        while let open = rest.range(of: "<user_info>") {
            let close = rest.range(of: "</user_info>", range: open.upperBound..<rest.endIndex)?.upperBound ?? rest.endIndex
            rest.removeSubrange(open.lowerBound..<close)
        }
        return (rest.trimmingCharacters(in: .whitespacesAndNewlines), workspace)
    }

    /// Calls `body` with each message the conversation rooted at `root` holds, in order: a blob that is a JSON
    /// message is one; any other blob is read as a node listing blob ids (protobuf field 1, 32 bytes each).
    static func messages(from root: String, in database: ForeignDatabase, _ body: (JSONObject) throws -> Void) throws {
        var visited = Set<String>()
        func visit(_ id: String, depth: Int) throws {
            guard depth < 64, visited.insert(id).inserted else { return }
            var children: [String] = []
            _ = try database.first("SELECT data FROM blobs WHERE id = ?", [id]) { row -> Bool in
                let message = row.json(0) as? JSONObject
                if let message, message["role"] != nil {
                    try body(message)
                } else if message == nil {
                    children = row.withBytes(0) { Protobuf.references(in: $0) }
                }
                return true
            }
            for child in children { try visit(child, depth: depth + 1) }
        }
        try visit(root, depth: 0)
    }
}

/// Just enough of the protobuf wire format to follow cursor-agent's nodes.
enum Protobuf {
    /// The 32-byte values of field 1 of a message, as lowercase hex ids; none when the bytes are not a message.
    static func references(in bytes: UnsafeRawBufferPointer) -> [String] {
        var position = 0
        func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while position < bytes.count, shift < 64 {
                let byte = bytes[position]
                position += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }
        var found: [String] = []
        let digits = Array("0123456789abcdef".utf8)
        while position < bytes.count {
            guard let key = varint() else { return [] }
            switch key & 7 {
            case 0: guard varint() != nil else { return [] }
            case 1: position += 8
            case 5: position += 4
            case 2:
                guard let length = varint(), length <= UInt64(bytes.count - position) else { return [] }
                if key >> 3 == 1, length == 32 {
                    var hex = [UInt8]()
                    hex.reserveCapacity(64)
                    for byte in bytes[position..<position + 32] { hex += [digits[Int(byte >> 4)], digits[Int(byte & 15)]] }
                    found.append(String(decoding: hex, as: UTF8.self))
                }
                position += Int(length)
            default: return []
            }
            if position > bytes.count { return [] }
        }
        return found
    }
}
