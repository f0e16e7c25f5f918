import Foundation

/// VS Code Copilot Chat (VS Code's chat view, whatever participant answered): one file per chat in
/// `<user data>/User/workspaceStorage/<workspace>/chatSessions/`, where `<workspace>/workspace.json` names the
/// folder the window had open (`{"folder": "file:///…"}`). Two forms of the same document:
///
/// - `<session>.json`: the chat whole (`version` 3): `sessionId`, `creationDate` and `lastMessageDate` (ms),
///   `customTitle`, and `requests`, each one the user's `message.text` (older files: a string), its
///   `timestamp`, `modelId`, and the `response` parts that answered it. "Chat: Export Chat…" writes the same
///   shape without the session's own fields.
/// - `<session>.jsonl` (VS Code 1.109 on): a log of changes to that document, appended as the chat goes on.
///   Each line is `{kind, k, v, i}`: kind 0 is the whole document (`v`, the first line, and again after VS Code
///   compacts the file), 1 sets the value at the path `k` (keys and array indexes), 2 cuts the array at `k` to
///   `i` items when `i` is given and appends the items `v`, 3 deletes the value at `k`. Replaying the lines
///   gives the document.
///
/// A response lists its parts as they streamed: Markdown as a bare `{value}` (or `{kind: "markdownContent",
/// content}`), `inlineReference` (a file or symbol named inside the text), `thinking`, `toolInvocationSerialized`
/// (a tool call: `toolId`, `toolCallId`, `invocationMessage`/`pastTenseMessage`, `toolSpecificData` such as a
/// terminal's command line and output or a todo list, `resultDetails`), `textEditGroup` (edits to a file), and
/// parts that only drive the UI (progress, confirmations, undo stops), which are left out. The arguments and
/// result of each call as the model saw them are in `result.metadata.toolCallRounds` and `toolCallResults`,
/// matched to the part by call id (VS Code drops the `__vscode…` suffix the ids carry there).
enum CopilotImporter: SessionImporter {
    static let tool = Session.Tool.copilot

    static func read(_ path: String) throws -> Session {
        let document: JSONObject
        if path.hasSuffix(".jsonl") {
            guard let replayed = try replay(path) else {
                throw FolioError(.invalidInput, "\(path): not a VS Code chat session log (its lines hold no whole session, {\"kind\":0,\"v\":…})")
            }
            document = replayed
        } else {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw FolioError(.notFound, "cannot read \(path): no such file, or no permission")
            }
            guard let object = JSON.object(data) else {
                throw FolioError(.invalidInput, "\(path): not a VS Code chat session (expected a JSON object with requests)")
            }
            document = object
        }
        var session = read(document)
        if session.sessionID == nil {
            session.sessionID = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        }
        session.workingFolder = workspaceFolder(ofSessionFile: path)
        return session
    }

    // MARK: - The change log

    /// The document a `.jsonl` session log describes; nil when no line holds a whole one.
    static func replay(_ path: String) throws -> JSONObject? {
        var state: Any?
        for line in try LineReader(path: path) {
            guard !line.isEmpty, let entry = JSON.object(line) else { continue }
            let key = entry["k"] as? [Any] ?? []
            switch JSON.int(entry["kind"]) {
            case 0:
                state = entry["v"]
            case 1 where key.isEmpty:
                state = entry["v"]
            case 1:
                let value = entry["v"] ?? NSNull()
                change(&state, at: key[...]) { $0 = value }
            case 2:
                let items = entry["v"] as? [Any] ?? []
                let cut = entry["i"].map { JSON.int($0) }
                change(&state, at: key[...]) { value in
                    var list = value as? [Any] ?? []
                    value = nil
                    if let cut, cut >= 0, cut < list.count { list.removeSubrange(cut...) }
                    list += items
                    value = list
                }
            case 3 where !key.isEmpty:
                change(&state, at: key[...]) { $0 = nil }
            default:
                break  // a kind of change folio does not know: the rest still reads
            }
        }
        return state as? JSONObject
    }

    /// Changes the value at `path` inside `node` in place. Each container on the way is taken out of its parent
    /// while it changes, so it is not copied. A path that does not lead anywhere changes nothing.
    private static func change(_ node: inout Any?, at path: ArraySlice<Any>, _ body: (inout Any?) -> Void) {
        guard let step = path.first else { return body(&node) }
        if var object = node as? JSONObject, let key = step as? String {
            node = nil
            var child = object.removeValue(forKey: key)
            if path.count == 1 || child != nil { change(&child, at: path.dropFirst(), body) }
            object[key] = child
            node = object
        } else if var list = node as? [Any], let index = (step as? Int) ?? (step as? Double).map({ Int($0) }), list.indices.contains(index) {
            node = nil
            var child: Any? = list[index]
            list[index] = NSNull()
            change(&child, at: path.dropFirst(), body)
            list[index] = child ?? NSNull()
            node = list
        }
    }

    // MARK: - The document

    static func read(_ document: JSONObject) -> Session {
        var session = Session(tool: tool)
        session.sessionID = document["sessionId"] as? String
        if let title = document["customTitle"] as? String, !title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { session.title = title }
        session.saw(JSON.date(document["creationDate"]))
        session.saw(JSON.date(document["lastMessageDate"]))
        for request in document["requests"] as? [JSONObject] ?? [] {
            let time = JSON.date(request["timestamp"])
            session.saw(time)
            let message = request["message"]
            let text = (message as? String) ?? ((message as? JSONObject)?["text"] as? String) ?? ""
            if !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                session.turns.append(Turn(role: .user, time: time, blocks: [.text(text)]))
            }
            var answer = response(of: request, tasks: &session.tasks)
            let model = modelName(of: request)
            if let model, !session.models.contains(model) { session.models.append(model) }
            guard !answer.isEmpty else { continue }
            let state = request["modelState"] as? JSONObject
            let elapsed = ((request["result"] as? JSONObject)?["timings"] as? JSONObject)?["totalElapsed"]
            let answered = JSON.date(state?["completedAt"]) ?? time.map { $0.addingTimeInterval(Double(JSON.int(elapsed)) / 1000) }
            session.saw(answered)
            answer.removeAll { if case .text(let text) = $0 { text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } else { false } }
            session.turns.append(Turn(role: .assistant, time: answered, model: model, blocks: answer))
        }
        return session
    }

    /// `copilot/claude-sonnet-4` → `claude-sonnet-4`; in auto mode the model the router picked.
    static func modelName(of request: JSONObject) -> String? {
        for part in request["response"] as? [JSONObject] ?? [] where part["kind"] as? String == "autoModeResolution" {
            if let model = part["resolvedModel"] as? String, !model.isEmpty { return model }
        }
        guard let id = request["modelId"] as? String, !id.isEmpty else { return nil }
        return id.hasPrefix("copilot/") ? String(id.dropFirst("copilot/".count)) : id
    }

    /// The answer's blocks: text, thinking, tool calls with their results, in the order they streamed.
    static func response(of request: JSONObject, tasks: inout [SessionTask]) -> [Block] {
        let metadata = (request["result"] as? JSONObject)?["metadata"] as? JSONObject
        let rounds = (metadata?["toolCallRounds"] as? [JSONObject] ?? []).flatMap { $0["toolCalls"] as? [JSONObject] ?? [] }
        let results = metadata?["toolCallResults"] as? JSONObject ?? [:]
        let parts = request["response"] as? [Any] ?? []
        let invocations = parts.compactMap { $0 as? JSONObject }.filter { $0["kind"] as? String == "toolInvocationSerialized" }
        let calls = matchCalls(invocations, rounds)

        var blocks: [Block] = []
        var text = ""
        func flush() {
            if !text.isEmpty { blocks.append(.text(text)) }
            text = ""
        }
        var edits = 0
        for case let part as JSONObject in parts {
            switch part["kind"] as? String {
            case nil, "markdownContent", "markdownVuln":
                text += markdown(part["value"] ?? part["content"])
            case "inlineReference":
                if let name = referenceName(part) { text += "`\(name)`" }
            case "thinking":
                let value = (part["value"] as? [Any])?.compactMap { $0 as? String }.joined() ?? part["value"] as? String ?? ""
                guard !value.isEmpty else { continue }
                flush()
                if case .thinking(let earlier)? = blocks.last {
                    blocks[blocks.count - 1] = .thinking(earlier + value)
                } else {
                    blocks.append(.thinking(value))
                }
            case "toolInvocationSerialized":
                flush()
                let id = part["toolCallId"] as? String ?? ""
                let round = calls[id]
                let data = part["toolSpecificData"] as? JSONObject
                if data?["kind"] as? String == "todoList", let list = data?["todoList"] as? [JSONObject] {
                    tasks = list.compactMap(task)
                }
                let call = ToolCall(id: id, name: round?["name"] as? String ?? part["toolId"] as? String ?? "tool",
                                    input: round.map { JSON.compact(JSON.parse(Data(($0["arguments"] as? String ?? "{}").utf8)) ?? $0["arguments"]) }
                                        ?? input(of: part))
                blocks.append(.toolCall(call))
                if let result = output(of: part, modelResult: round.flatMap { ($0["id"] as? String).flatMap { results[$0] } }) {
                    blocks.append(.toolResult(id: id, output: result.text, isError: result.isError))
                }
            case "textEditGroup", "notebookEditGroup":
                // Edits VS Code applied to a file (Copilot Edits' only trace of them): the file counts as edited.
                guard let path = fsPath(part["uri"]) else { continue }
                flush()
                edits += 1
                blocks.append(.toolCall(ToolCall(id: "edit-\(edits)", name: "edit_file", input: JSON.compact(["path": path]))))
            default:
                break  // progress, confirmations, undo stops, code block links: what the chat view showed, not said
            }
        }
        flush()
        if blocks.isEmpty, let error = ((request["result"] as? JSONObject)?["errorDetails"] as? JSONObject)?["message"] as? String {
            blocks.append(.text("Error: \(error)"))
        }
        return blocks
    }

    /// Each tool part's call in `toolCallRounds`: by id (the rounds' ids may end in `__vscode-N`), else, when the
    /// parts left and the calls left are as many, in order.
    static func matchCalls(_ invocations: [JSONObject], _ rounds: [JSONObject]) -> [String: JSONObject] {
        var byID: [String: JSONObject] = [:]
        for call in rounds {
            guard let id = call["id"] as? String else { continue }
            byID[id.components(separatedBy: "__vscode").first ?? id] = call
        }
        var matched: [String: JSONObject] = [:]
        var usedRounds = Set<String>()
        var unmatched: [String] = []
        for part in invocations {
            let id = part["toolCallId"] as? String ?? ""
            if let call = byID[id] {
                matched[id] = call
                usedRounds.insert(id)
            } else if part["subAgentInvocationId"] == nil {
                unmatched.append(id)
            }
        }
        let left = rounds.filter { call in !usedRounds.contains((call["id"] as? String ?? "").components(separatedBy: "__vscode").first ?? "") }
        if !unmatched.isEmpty, unmatched.count == left.count {
            for (id, call) in zip(unmatched, left) where !id.isEmpty { matched[id] = call }
        }
        return matched
    }

    /// A call's input from what the part kept: a terminal's command line, else what the chat view said it did.
    static func input(of part: JSONObject) -> String {
        let data = part["toolSpecificData"] as? JSONObject
        if data?["kind"] as? String == "terminal" {
            let line = data?["commandLine"] as? JSONObject
            if let command = line?["userEdited"] as? String ?? line?["toolEdited"] as? String ?? line?["original"] as? String
                ?? data?["command"] as? String {
                return JSON.compact(["command": command])
            }
        }
        if let input = (part["resultDetails"] as? JSONObject)?["input"] as? String, !input.isEmpty {
            return JSON.compact(JSON.parse(Data(input.utf8)) ?? input)
        }
        let message = markdown(part["invocationMessage"] ?? part["pastTenseMessage"])
        return message.isEmpty ? "{}" : JSON.compact(["description": message])
    }

    /// A call's result: what the model was given, else what the part kept (a terminal's output, an MCP tool's
    /// output, the chat view's line about it).
    static func output(of part: JSONObject, modelResult: Any?) -> (text: String, isError: Bool)? {
        let details = part["resultDetails"] as? JSONObject
        let data = part["toolSpecificData"] as? JSONObject
        let exitCode = (data?["terminalCommandState"] as? JSONObject)?["exitCode"].map { JSON.int($0) }
        let isError = details?["isError"] as? Bool ?? (exitCode.map { $0 != 0 } ?? false)
        if let content = (modelResult as? JSONObject)?["content"] as? [Any] {
            let text = content.map { item -> String in
                let value = (item as? JSONObject)?["value"]
                return value as? String ?? JSON.text(value)
            }.filter { !$0.isEmpty }.joined(separator: "\n")
            if !text.isEmpty { return (text, isError) }
        }
        if let output = (data?["terminalCommandOutput"] as? JSONObject)?["text"] as? String, !output.isEmpty { return (output, isError) }
        if let outputs = details?["output"] as? [JSONObject] {
            let text = outputs.compactMap { $0["value"] as? String }.joined(separator: "\n")
            if !text.isEmpty { return (text, isError) }
        }
        let said = markdown(part["pastTenseMessage"])
        return said.isEmpty ? nil : (said, isError)
    }

    /// The text of a string or an `IMarkdownString` (`{value}`).
    static func markdown(_ value: Any?) -> String {
        if let string = value as? String { return string }
        return (value as? JSONObject)?["value"] as? String ?? ""
    }

    /// A reference's name as the chat view shows it: its own name, a symbol's name, else the file's name.
    static func referenceName(_ part: JSONObject) -> String? {
        if let name = part["name"] as? String, !name.isEmpty { return name }
        let reference = part["inlineReference"] as? JSONObject
        if let name = reference?["name"] as? String, !name.isEmpty { return name }
        let uri = reference?["uri"] ?? (reference?["location"] as? JSONObject)?["uri"] ?? reference
        return fsPath(uri).map { ($0 as NSString).lastPathComponent }
    }

    /// A serialized URI's path (`{fsPath}` or `{path}`, or a `file://` string).
    static func fsPath(_ uri: Any?) -> String? {
        if let string = uri as? String { return URL(string: string)?.path ?? string }
        guard let uri = uri as? JSONObject else { return nil }
        let path = uri["fsPath"] as? String ?? uri["path"] as? String
        return path?.isEmpty == false ? path : nil
    }

    /// A todo list item (`not-started`, `in-progress`, `completed`).
    static func task(_ item: JSONObject) -> SessionTask? {
        guard let title = item["title"] as? String ?? item["description"] as? String else { return nil }
        let status: SessionTask.Status = switch item["status"] as? String {
        case "completed": .completed
        case "in-progress": .inProgress
        default: .pending
        }
        return SessionTask(content: title, status: status)
    }

    // MARK: - Where the sessions are

    /// The folder of the workspace a session file belongs to, from `workspaceStorage/<hash>/workspace.json`.
    static func workspaceFolder(ofSessionFile path: String) -> String? {
        let storage = ((path as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        guard ((path as NSString).deletingLastPathComponent as NSString).lastPathComponent == "chatSessions" else { return nil }
        return workspaceFolder(storage)
    }

    /// The local folder a `workspaceStorage/<hash>` folder stands for (nil for remote and multi-root workspaces).
    static func workspaceFolder(_ storage: String) -> String? {
        guard let data = FileManager.default.contents(atPath: storage + "/workspace.json"), let folder = JSON.object(data)?["folder"] as? String,
              let url = URL(string: folder), url.scheme == "file" else { return nil }
        let path = url.path
        return path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    /// VS Code's user data folders, as VS Code finds its own: `$VSCODE_PORTABLE/user-data`, else
    /// `$VSCODE_APPDATA/<product>`, else `~/Library/Application Support/<product>` (macOS) or
    /// `${XDG_CONFIG_HOME:-~/.config}/<product>`, for Code and Code - Insiders.
    static func userDataFolders(variables: [String: String], home: String) -> [String] {
        if let portable = variables["VSCODE_PORTABLE"], !portable.isEmpty { return [portable + "/user-data"] }
        let base: String
        if let appData = variables["VSCODE_APPDATA"], !appData.isEmpty {
            base = appData
        } else {
            #if os(macOS)
            base = home + "/Library/Application Support"
            #else
            base = variables["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.config"
            #endif
        }
        return ["Code", "Code - Insiders"].map { base + "/" + $0 }
    }

    /// The chat session files of the workspaces opened on one of `folders` or a folder inside one, that hold at
    /// least one request (VS Code writes a file for every new, empty chat).
    static func sessionFiles(for folders: [String], variables: [String: String], home: String) -> [String] {
        let fm = FileManager.default
        var found: [String] = []
        for userData in userDataFolders(variables: variables, home: home) {
            let storage = userData + "/User/workspaceStorage"
            for hash in ((try? fm.contentsOfDirectory(atPath: storage)) ?? []).sorted() {
                guard let folder = workspaceFolder(storage + "/" + hash),
                      folders.contains(where: { folder == $0 || folder.hasPrefix($0 + "/") }) else { continue }
                let chats = storage + "/" + hash + "/chatSessions"
                for name in ((try? fm.contentsOfDirectory(atPath: chats)) ?? []).sorted()
                where name.hasSuffix(".json") || name.hasSuffix(".jsonl") {
                    let path = chats + "/" + name
                    if hasRequests(path) { found.append(path) }
                }
            }
        }
        return found
    }

    /// Whether a session file holds a request: a large one surely does; a small one is read.
    static func hasRequests(_ path: String) -> Bool {
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
        guard size < 256 << 10 else { return true }
        let document = path.hasSuffix(".jsonl") ? (try? replay(path)) ?? nil : FileManager.default.contents(atPath: path).flatMap(JSON.object)
        return !((document?["requests"] as? [Any]) ?? []).isEmpty
    }
}
