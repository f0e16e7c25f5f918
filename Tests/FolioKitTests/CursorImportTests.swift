import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// Cursor's chats, read from real SQLite files laid out as Cursor writes them (see CursorFixture).
@Suite struct CursorImportTests {
    let folder = TemporaryFolder("cursor")
    let library: Library
    let cursor: CursorFixture

    init() throws {
        try FileManager.default.createDirectory(atPath: folder.at("repo"), withIntermediateDirectories: true)
        _ = try Library.initialize(at: folder.at("repo"), withTemplates: false, environment: environment(folder.at("repo")))
        let env = environment(folder.at("repo"), extra: ["HOME": folder.path, "CURSOR_USER_DATA_DIR": folder.at("Cursor"),
                                                         "CURSOR_CONFIG_DIR": folder.at("dot-cursor")])
        library = try Library.open(explicitPath: nil, environment: env)
        cursor = CursorFixture(root: folder.at("Cursor"))
    }

    var project: String { library.projectFolder }

    /// A chat of the current layout, for the repository, with what Cursor's agent writes: a request, thinking,
    /// tool calls with their results (one failed), words, a bubble of a type folio does not know, and a header
    /// whose bubble is gone.
    func putAgentChat(_ id: String = "7a1c0de5-0000-4000-8000-000000000001", name: String = "Parser rewrite",
                      updated: Int = 1_767_261_000_000) {
        cursor.chat(id, ["name": name, "createdAt": 1_767_258_000_000, "lastUpdatedAt": updated, "modelConfig": ["modelName": "claude-4-sonnet"],
                         "createdOnBranch": "main",
                         "todos": [["id": "1", "content": "Rewrite the tokenizer", "status": "completed"],
                                   ["id": "2", "content": "Run the parser tests", "status": "in_progress"]],
                         "workspaceIdentifier": ["id": "ws-repo", "uri": ["fsPath": project, "scheme": "file"]]],
                    bubbles: [
                        ("b1", 1, ["_v": 3, "type": 1, "bubbleId": "b1", "text": "Rewrite the parser in \(project)/Sources/Parser.swift",
                                   "createdAt": "2026-01-01T09:00:00.000Z", "richText": "{\"root\":{}}",
                                   "images": ["data:image/png;base64,AAAA"]]),
                        ("b2", 2, ["_v": 3, "type": 2, "bubbleId": "b2", "text": "", "thinking": ["text": "The tokenizer is the slow part."],
                                   "createdAt": "2026-01-01T09:00:05.000Z", "modelInfo": ["modelName": "claude-4-sonnet"],
                                   "tokenCount": ["inputTokens": 1200, "outputTokens": 80]]),
                        ("b3", 2, ["type": 2, "bubbleId": "b3", "text": "", "capabilityType": 15,
                                   "toolFormerData": ["tool": 5, "toolCallId": "toolu_read", "name": "read_file", "status": "completed",
                                                      "rawArgs": jsonText(["target_file": "Sources/Parser.swift", "should_read_entire_file": true]),
                                                      "result": jsonText(["contents": "struct Parser {}"])]]),
                        ("b4", 2, ["type": 2, "bubbleId": "b4", "text": "", "capabilityType": 15,
                                   "toolFormerData": ["tool": 15, "toolCallId": "toolu_test", "name": "run_terminal_cmd", "status": "error",
                                                      "rawArgs": jsonText(["command": "swift test --filter Parser", "is_background": false]),
                                                      "result": jsonText(["output": "error: 2 tests failed", "exitCode": 1])]]),
                        ("gone", 2, NSNull()),
                        ("b5", 30, ["type": 30, "bubbleId": "b5", "text": "Checkpoint restored"]),
                        ("b6", 2, ["type": 2, "bubbleId": "b6", "text": "The tokenizer now scans bytes; two tests still fail.",
                                   "createdAt": "2026-01-01T09:02:00.000Z", "tokenCount": ["inputTokens": 300, "outputTokens": 40]]),
                        ("b7", 1, ["type": 1, "bubbleId": "b7", "text": "Fix those two as well", "createdAt": "2026-01-01T09:03:00.000Z"]),
                        ("b8", 2, "{\"type\": 2, \"text\": \"cut off in the mid"),
                    ])
    }

    @Test func aChatOfTheCurrentLayoutHasItsTurnsToolsResultsAndPlan() throws {
        putAgentChat()
        let session = try CursorImporter.read(CursorImporter.location(database: cursor.globalPath, composer: "7a1c0de5-0000-4000-8000-000000000001"))
        #expect(session.tool == .cursor)
        #expect(session.sessionID == "7a1c0de5-0000-4000-8000-000000000001")
        #expect(session.title == "Parser rewrite")
        #expect(session.workingFolder == project)
        #expect(session.gitBranch == "main")
        #expect(session.models == ["claude-4-sonnet"])
        #expect(session.turns.map(\.role) == [.user, .assistant, .user])
        #expect(session.turns[0].text == "Rewrite the parser in \(project)/Sources/Parser.swift")
        #expect(session.turns[0].blocks.contains(.image("image (image/png)")))
        // The assistant's bubbles are one turn: thinking, the calls each followed by its result, the note, the words.
        let answer = session.turns[1].blocks
        #expect(answer.first == .thinking("The tokenizer is the slow part."))
        #expect(session.toolCalls.map(\.name) == ["read_file", "run_terminal_cmd"])
        #expect(session.toolCalls[1].input == #"{"command":"swift test --filter Parser","is_background":false}"#)
        #expect(answer.contains(.toolResult(id: "toolu_read", output: "struct Parser {}", isError: false)))
        #expect(answer.contains(.toolResult(id: "toolu_test", output: "error: 2 tests failed", isError: true)))
        #expect(answer.contains(.text("[Cursor bubble of type 30] Checkpoint restored")))
        #expect(session.turns[1].text.hasSuffix("The tokenizer now scans bytes; two tests still fail."))
        #expect(session.turns[1].model == "claude-4-sonnet")
        #expect(session.turns[2].text == "Fix those two as well")
        #expect(session.inputTokens == 1_500 && session.outputTokens == 120)
        #expect(session.tasks == [SessionTask(content: "Rewrite the tokenizer", status: .completed),
                                  SessionTask(content: "Run the parser tests", status: .inProgress)])
        #expect(session.created == Date(timeIntervalSince1970: 1_767_258_000))
        #expect(session.updated == Date(timeIntervalSince1970: 1_767_261_000))
        // What the calls did, as folio reads it for every tool.
        let activity = SessionActivity(session.toolCalls)
        #expect(activity.files.map(\.path) == ["Sources/Parser.swift"])
        #expect(activity.commands == ["swift test --filter Parser"])
    }

    @Test func anOlderChatWithItsConversationInlineIsRead() throws {
        cursor.inlineChat("0ld0ld00-0000-4000-8000-000000000002", ["name": "Explain the index", "createdAt": 1_700_000_000_000,
                                                                    "lastUpdatedAt": 1_700_000_100_000],
                          conversation: [
                              ["type": 1, "bubbleId": "u1", "text": "", "richText": jsonText(["root": ["type": "root", "children": [
                                  ["type": "paragraph", "children": [["type": "text", "text": "How does the "], ["type": "text", "text": "index work?"]]],
                                  ["type": "paragraph", "children": [["type": "text", "text": "Briefly."]]]]]])],
                              ["type": 2, "bubbleId": "a1", "text": "", "codeBlocks": [["languageId": "swift", "content": "let index = Index()"]]],
                              ["type": 2, "bubbleId": "a2", "text": "It is rebuilt from the files.", "isThought": false],
                              ["type": 1, "bubbleId": "u2", "content": [["type": "text", "text": "Thanks"]]],
                          ])
        let session = try CursorImporter.read(CursorImporter.location(database: cursor.globalPath, composer: "0ld0ld00-0000-4000-8000-000000000002"))
        #expect(session.turns.map(\.role) == [.user, .assistant, .user])
        #expect(session.turns[0].text == "How does the index work?\nBriefly.")
        #expect(session.turns[1].text == "```swift\nlet index = Index()\n```\n\nIt is rebuilt from the files.")
        #expect(session.turns[2].text == "Thanks")
        #expect(session.title == "Explain the index")
        #expect(session.models.isEmpty)
    }

    @Test func theLatestChatOfThisRepositorysFolderIsTakenAndOthersAreNamed() throws {
        // This repository's workspace lists its chats the way Cursor before 3.0 does; another folder's chats
        // are in the global list (Cursor 3.0 on), with a newer one.
        putAgentChat(updated: 1_767_261_000_000)
        cursor.inlineChat("1a7e5700-0000-4000-8000-000000000003", ["name": "Lexer cleanup", "lastUpdatedAt": 1_767_262_000_000],
                          conversation: [["type": 1, "text": "Clean up the lexer"], ["type": 2, "text": "Done."]])
        cursor.chat("e3e3e3e3-0000-4000-8000-000000000004", ["name": "", "lastUpdatedAt": 1_767_263_000_000], bubbles: [])
        cursor.inlineChat("0717e400-0000-4000-8000-000000000005", ["name": "Elsewhere", "lastUpdatedAt": 1_767_264_000_000],
                          conversation: [["type": 1, "text": "Another project"]])
        cursor.workspace("ws-repo", folder: project, composers: [
            ["composerId": "7a1c0de5-0000-4000-8000-000000000001", "name": "Parser rewrite", "lastUpdatedAt": 1_767_261_000_000],
            ["composerId": "e3e3e3e3-0000-4000-8000-000000000004", "lastUpdatedAt": 1_767_263_000_000],
        ])
        cursor.workspace("ws-other", folder: folder.at("other"))
        cursor.headers([
            ["type": "head", "composerId": "1a7e5700-0000-4000-8000-000000000003", "name": "Lexer cleanup", "lastUpdatedAt": 1_767_262_000_000,
             "workspaceIdentifier": ["id": "ws-repo"]],
            ["type": "head", "composerId": "0717e400-0000-4000-8000-000000000005", "name": "Elsewhere", "lastUpdatedAt": 1_767_264_000_000,
             "workspaceIdentifier": ["id": "ws-other", "uri": ["fsPath": folder.at("other")]]],
        ])
        // The newest chat of this folder with a conversation (the newer empty tab and the other folder's chat are not).
        let latest = try library.locateSession(SessionSource(tool: .cursor))
        #expect(latest.tool == .cursor)
        #expect(latest.path == CursorImporter.location(database: cursor.globalPath, composer: "1a7e5700-0000-4000-8000-000000000003"))
        // With no --from, Cursor's chat is a candidate beside the other tools'.
        #expect(try library.locateSession(SessionSource()).path == latest.path)
        // --session: an id, a part of one, a name (letter case aside); a chat of another folder by its id or name.
        let byID = try library.locateSession(SessionSource(tool: .cursor, sessionID: "7a1c0de5-0000-4000-8000-000000000001"))
        #expect(byID.path.hasSuffix("#7a1c0de5-0000-4000-8000-000000000001"))
        #expect(try library.locateSession(SessionSource(tool: .cursor, sessionID: "7a1c0de5")).path == byID.path)
        #expect(try library.locateSession(SessionSource(tool: .cursor, sessionID: "parser REWRITE")).path == byID.path)
        #expect(try library.locateSession(SessionSource(tool: .cursor, sessionID: "Elsewhere")).path.hasSuffix("#0717e400-0000-4000-8000-000000000005"))
        #expect(try library.locateSession(SessionSource(tool: .cursor, sessionID: "0717e400-0000-4000-8000-000000000005")).path
                    .hasSuffix("#0717e400-0000-4000-8000-000000000005"))
        let missing = #expect(throws: FolioError.self) { try library.locateSession(SessionSource(tool: .cursor, sessionID: "zanzibar")) }
        #expect(missing?.message.contains("no cursor session with id zanzibar") == true)
        // A chat the workspace does not list, found through the global list's workspace id, reads its folder there.
        let lexer = try CursorImporter.read(latest.path)
        #expect(lexer.workingFolder == project)
    }

    @Test func savingAChatTwiceUpdatesOneContext() throws {
        putAgentChat()
        cursor.workspace("ws-repo", folder: project, composers: [["composerId": "7a1c0de5-0000-4000-8000-000000000001", "lastUpdatedAt": 1_767_261_000_000]])
        let first = try library.saveContext(from: SessionSource(tool: .cursor), options: ContextSaveOptions())
        #expect(first.context.id == "2026/01/01-parser-rewrite")
        #expect(first.context.folder == ".")
        #expect(first.bytesRead > 2_000)  // the chat's rows, not the whole database
        let text = try library.contextText(first.context.id)
        #expect(text.contains("tool: \"cursor\"\n"))
        #expect(text.contains("session: \"7a1c0de5-0000-4000-8000-000000000001\""))
        #expect(text.contains("[Cursor bubble of type 30] Checkpoint restored"))
        #expect(try library.lint(paths: [first.context.relativePath]).findings.map(\.text) == [])
        // Cursor goes on with the chat: the same context is updated.
        cursor.global.insert("cursorDiskKV", ["bubbleId:7a1c0de5-0000-4000-8000-000000000001:b9",
                                              jsonText(["type": 2, "text": "Both pass now."])])
        let data = try #require(try CursorImporter.composerData("7a1c0de5-0000-4000-8000-000000000001", in: CursorImporter.open(cursor.globalPath)))
        var headers = try #require(data["fullConversationHeadersOnly"] as? [[String: Any]])
        headers.append(["bubbleId": "b9", "type": 2])
        var updated = data
        updated["fullConversationHeadersOnly"] = headers
        cursor.global.insert("cursorDiskKV", ["composerData:7a1c0de5-0000-4000-8000-000000000001", jsonText(updated)])
        let second = try library.saveContext(from: SessionSource(tool: .cursor), options: ContextSaveOptions())
        #expect(second.updated && second.change.changed && second.context.id == first.context.id)
        #expect(try library.contextText(first.context.id).contains("Both pass now."))
        #expect(library.contextIDs() == [first.context.id])
    }

    @Test func theLatestChatWithMessagesIsTakenNotOneWhoseBubblesAreGoneOrANewTab() throws {
        let now = Int(Date().timeIntervalSince1970 * 1000)
        let here = ["uri": ["fsPath": project]]
        // A: updated 30 minutes ago; its only header names a bubble whose row Cursor pruned.
        cursor.chat("aaaaaaaa-0000-4000-8000-000000000001", ["name": "Pruned", "lastUpdatedAt": now - 1_800_000, "workspaceIdentifier": here],
                    bubbles: [])
        var pruned = try #require(try CursorImporter.composerData("aaaaaaaa-0000-4000-8000-000000000001", in: CursorImporter.open(cursor.globalPath)))
        pruned["fullConversationHeadersOnly"] = [["bubbleId": "gone", "type": 1]]
        cursor.global.insert("cursorDiskKV", ["composerData:aaaaaaaa-0000-4000-8000-000000000001", jsonText(pruned)])
        // B: two hours ago, the older inline layout.
        cursor.inlineChat("bbbbbbbb-0000-4000-8000-000000000002", ["name": "Inline", "lastUpdatedAt": now - 7_200_000, "workspaceIdentifier": here],
                          conversation: [["type": 1, "text": "Explain the index"], ["type": 2, "text": "It is rebuilt from the files."]])
        // E: a second ago, a new tab: no headers at all.
        cursor.chat("eeeeeeee-0000-4000-8000-000000000003", ["name": "", "lastUpdatedAt": now - 1_000, "workspaceIdentifier": here], bubbles: [])
        let inline = CursorImporter.location(database: cursor.globalPath, composer: "bbbbbbbb-0000-4000-8000-000000000002")
        let prunedChat = CursorImporter.location(database: cursor.globalPath, composer: "aaaaaaaa-0000-4000-8000-000000000001")
        #expect(try library.locateSession(SessionSource(tool: .cursor)).path == inline)
        #expect(try library.saveContext(from: SessionSource(tool: .cursor), options: ContextSaveOptions(commit: false)).context.title == "Inline")
        // Named by --file, the database gives the same chat.
        #expect(try library.readSession(SessionSource(file: cursor.globalPath)).session.title == "Inline")
        // The watcher sees only the chat with messages.
        #expect(library.sessionCandidates(of: [.cursor]).map(\.path) == [inline])
        // A header of the current layout names a bubble that is there with words in it: A is the latest now.
        cursor.global.insert("cursorDiskKV", ["bubbleId:aaaaaaaa-0000-4000-8000-000000000001:b1", jsonText(["type": 1, "text": "Rewrite the lexer"])])
        pruned["fullConversationHeadersOnly"] = [["bubbleId": "gone", "type": 1], ["bubbleId": "b1", "type": 1]]
        cursor.global.insert("cursorDiskKV", ["composerData:aaaaaaaa-0000-4000-8000-000000000001", jsonText(pruned)])
        #expect(try library.locateSession(SessionSource(tool: .cursor)).path == prunedChat)
        #expect(try library.readSession(SessionSource(file: cursor.globalPath)).session.title == "Pruned")
        #expect(Set(library.sessionCandidates(of: [.cursor]).map(\.path)) == [inline, prunedChat])
    }

    @Test func aDamagedDatabaseIsNamedAsDamagedNotBusy() throws {
        cursor.global.close()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: cursor.globalPath + suffix) }
        try Data((0..<8_192).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }).write(to: URL(fileURLWithPath: cursor.globalPath))
        for source in [SessionSource(file: cursor.globalPath), SessionSource(tool: .cursor)] {
            let error = #expect(throws: FolioError.self) { try library.readSession(source) }
            #expect(error?.kind == .invalidInput)
            #expect(error?.message.contains(cursor.globalPath) == true && error?.message.contains("damaged or not a SQLite database") == true,
                    "\(error?.message ?? "")")
            #expect(error?.message.contains("idle") == false)
        }
        // Looking at every tool, the damaged database is named beside "no session found".
        let any = #expect(throws: FolioError.self) { try library.readSession(SessionSource()) }
        #expect(any?.kind == .notFound && any?.message.contains(cursor.globalPath) == true, "\(any?.message ?? "")")
    }

    @Test func aChatIsReadWhileCursorHoldsTheDatabaseInAWriteTransaction() throws {
        putAgentChat()
        // Cursor's connection: a committed bubble still only in the WAL, and a transaction left open.
        cursor.global.insert("cursorDiskKV", ["composerData:c0ffee00-0000-4000-8000-000000000006",
                                              jsonText(["name": "Committed", "conversation": [["type": 1, "text": "in the WAL"]]])])
        cursor.global.execute("BEGIN IMMEDIATE")
        cursor.global.insert("cursorDiskKV", ["composerData:c0ffee00-0000-4000-8000-000000000007",
                                              jsonText(["name": "Uncommitted", "conversation": [["type": 1, "text": "not yet"]]])])
        let database = try CursorImporter.open(cursor.globalPath)
        #expect(database.access == .readOnly)
        #expect(try CursorImporter.read(CursorImporter.location(database: cursor.globalPath, composer: "c0ffee00-0000-4000-8000-000000000006")).turns.map(\.text)
                    == ["in the WAL"])
        #expect(try CursorImporter.composerData("c0ffee00-0000-4000-8000-000000000007", in: database) == nil)
        #expect(try CursorImporter.read(CursorImporter.location(database: cursor.globalPath, composer: "7a1c0de5-0000-4000-8000-000000000001")).turns.count == 3)
        cursor.global.execute("COMMIT")
    }

    @Test func aDatabaseLockedExclusivelyIsReadFromACopyWithItsWAL() throws {
        putAgentChat()
        cursor.global.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.global.insert("cursorDiskKV", ["composerData:c0ffee00-0000-4000-8000-000000000006",
                                              jsonText(["name": "Committed", "conversation": [["type": 1, "text": "in the WAL"]]])])
        // A writer in exclusive locking mode keeps every other connection out, readers too.
        cursor.global.execute("PRAGMA locking_mode=EXCLUSIVE")
        cursor.global.execute("BEGIN EXCLUSIVE")
        cursor.global.insert("cursorDiskKV", ["composerData:c0ffee00-0000-4000-8000-000000000007", jsonText(["name": "Uncommitted"])])
        let database = try CursorImporter.open(cursor.globalPath)
        #expect(database.access == .copy)
        #expect(try CursorImporter.composerData("c0ffee00-0000-4000-8000-000000000006", in: database)?["name"] as? String == "Committed")
        #expect(try CursorImporter.composerData("c0ffee00-0000-4000-8000-000000000007", in: database) == nil)
        // Only as a last resort the main file alone, which misses what the WAL holds.
        let immutable = try ForeignDatabase(cursor.globalPath, tries: [.immutable])
        #expect(immutable.access == .immutable)
        cursor.global.execute("COMMIT")
    }

    @Test func aBubbleOfManyMegabytesIsReadAndCutWhenSaved() throws {
        let output = String(repeating: "line of a long test log\n", count: 400_000)  // about 9.6 MB
        cursor.chat("b1b1b1b1-0000-4000-8000-000000000008", ["name": "Long log", "lastUpdatedAt": 1_767_261_000_000,
                                                              "workspaceIdentifier": ["uri": ["fsPath": project]]],
                    bubbles: [("u", 1, ["type": 1, "text": "Run the tests"]),
                              ("t", 2, ["type": 2, "toolFormerData": ["name": "run_terminal_cmd", "toolCallId": "t1",
                                                                      "rawArgs": jsonText(["command": "swift test"]), "result": jsonText(["output": output])]])])
        let saved = try library.saveContext(from: SessionSource(tool: .cursor, sessionID: "Long log"), options: ContextSaveOptions())
        let text = try library.contextText(saved.context.id)
        #expect(text.contains("characters cut"))
        #expect(text.utf8.count < 20_000)
    }

    @Test func toolResultsKeptAsJSONTextInsideJSONReadAsFoundationReadsThem() throws {
        // Cursor keeps a tool's result as JSON text inside the bubble's JSON: escapes on every line, twice over.
        let inner = jsonText(["contents": "\\start\n\tline \"one\"\nline two é 😀\n\\", "lines": [1, 2]])
        let bubble = Data(jsonText(["toolFormerData": ["result": inner, "rawArgs": "\"\"", "name": "x\\"]]).utf8)
        let ours = try #require(JSONReader.parse(bubble) as? [String: Any])
        let foundation = try #require(try JSONSerialization.jsonObject(with: bubble) as? [String: Any])
        let tool = try #require(ours["toolFormerData"] as? [String: Any])
        #expect(tool["result"] as? String == (foundation["toolFormerData"] as? [String: Any])?["result"] as? String)
        #expect(tool["name"] as? String == "x\\")
        #expect(BubbleReader.resultText(tool["result"]) == "\\start\n\tline \"one\"\nline two é 😀\n\\")
        #expect(BubbleReader.resultText("plain output, not JSON") == "plain output, not JSON")
        #expect(BubbleReader.resultText(jsonText(["output": "ok", "stderr": "warning: slow"])) == "ok\nwarning: slow")
    }

    @Test func aFileThatIsNotCursorsDatabaseIsRefusedWithTheReason() throws {
        let other = SQLiteFile(folder.at("other.vscdb"))
        other.execute("CREATE TABLE ItemTable (key TEXT, value BLOB)")
        let error = #expect(throws: FolioError.self) { try library.saveContext(from: SessionSource(file: folder.at("other.vscdb")), options: ContextSaveOptions()) }
        #expect(error?.message.contains("has no cursorDiskKV table") == true)
        // Named by --file, Cursor's database gives its newest chat with a conversation, whatever its folder.
        putAgentChat()
        let read = try library.readSession(SessionSource(file: cursor.globalPath))
        #expect(read.session.title == "Parser rewrite")
        // The source it names is the chat taken, not the whole database, and so are the bytes read.
        #expect(read.path == CursorImporter.location(database: cursor.globalPath, composer: "7a1c0de5-0000-4000-8000-000000000001"))
        let saved = try library.saveContext(from: SessionSource(file: cursor.globalPath), options: ContextSaveOptions(commit: false))
        #expect(saved.sourcePath == read.path && saved.bytesRead == read.bytes && read.bytes == CursorImporter.size(read.path))
    }
}

@Suite struct CursorAgentImportTests {
    let folder = TemporaryFolder("cursor-agent")
    let library: Library

    init() throws {
        try FileManager.default.createDirectory(atPath: folder.at("repo"), withIntermediateDirectories: true)
        _ = try Library.initialize(at: folder.at("repo"), withTemplates: false, environment: environment(folder.at("repo")))
        library = try Library.open(explicitPath: nil, environment: environment(folder.at("repo"), extra: [
            "HOME": folder.path, "CURSOR_CONFIG_DIR": folder.at("dot-cursor"), "CURSOR_USER_DATA_DIR": folder.at("Cursor")]))
    }

    /// Where cursor-agent keeps a chat of this repository: `chats/<MD5 of the folder>/<chat id>/store.db`.
    func chatPath(_ id: String) -> String {
        folder.at("dot-cursor/chats/\(MD5.hex(Data(library.projectFolder.utf8)))/\(id)/store.db")
    }

    func putChat(_ id: String = "f1ff7b74-0a28-4dd4-a452-e01ae080eb20") -> String {
        let path = chatPath(id)
        let project = library.projectFolder
        writeCursorAgentChat(at: path, meta: ["agentId": id, "name": "Backup chat", "mode": "default", "createdAt": 1_767_258_000_000,
                                              "lastUsedModel": "gpt-5"],
                             messages: [
                                 ["role": "system", "content": "You are an agent."],
                                 ["role": "user", "content": [["type": "text", "text": "<user_info>\nOS Version: linux\nWorkspace Path: \(project)\n</user_info>\n<user_query>\nList the sources\n</user_query>"]]],
                                 ["role": "assistant", "content": [["type": "reasoning", "text": "A shell call will do."],
                                                                   ["type": "text", "text": "Listing them."],
                                                                   ["type": "tool-call", "toolCallId": "t1", "toolName": "Shell", "args": ["command": "ls Sources"]]]],
                                 ["role": "tool", "content": [["type": "tool-result", "toolCallId": "t1", "toolName": "Shell", "result": "Parser.swift\nLexer.swift"]]],
                                 ["role": "assistant", "content": [["type": "text", "text": "Two files: Parser.swift and Lexer.swift."]]],
                             ],
                             // What else the root holds (a workspace descriptor), which folio does not need.
                             rootExtra: Data([0x4A, 0x04]) + Data("repo".utf8))
        return path
    }

    @Test func md5IsRFC1321s() {
        #expect(MD5.hex(Data()) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(MD5.hex(Data("abc".utf8)) == "900150983cd24fb0d6963f7d28e17f72")
        #expect(MD5.hex(Data("12345678901234567890123456789012345678901234567890123456789012345678901234567890".utf8))
                    == "57edf4a22be3c955ac49da2e2107b67a")
    }

    @Test func aChatHasItsRequestsCallsResultsAndFolder() throws {
        let path = putChat()
        let session = try CursorAgentImporter.read(path)
        #expect(session.tool == .cursorAgent)
        #expect(session.sessionID == "f1ff7b74-0a28-4dd4-a452-e01ae080eb20")
        #expect(session.title == "Backup chat")
        #expect(session.models == ["gpt-5"])
        #expect(session.workingFolder == library.projectFolder)
        #expect(session.created == Date(timeIntervalSince1970: 1_767_258_000))
        #expect(session.turns.map(\.role) == [.user, .assistant])
        #expect(session.turns[0].text == "List the sources")
        #expect(session.turns[1].blocks == [.thinking("A shell call will do."), .text("Listing them."),
                                            .toolCall(ToolCall(id: "t1", name: "Shell", input: #"{"command":"ls Sources"}"#)),
                                            .toolResult(id: "t1", output: "Parser.swift\nLexer.swift", isError: false),
                                            .text("Two files: Parser.swift and Lexer.swift.")])
        #expect(SessionActivity(session.toolCalls).commands == ["ls Sources"])
    }

    @Test func theLatestChatOfThisFolderIsTakenAndAnEmptyOneIsNot() throws {
        let path = putChat()
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -600)], ofItemAtPath: path)
        // `agent create-chat` leaves a chat with no conversation yet.
        writeCursorAgentChat(at: chatPath("0e0e0e0e-0000-4000-8000-000000000000"), meta: ["agentId": "0e0e0e0e-0000-4000-8000-000000000000",
                                                                                          "name": "New Agent", "latestRootBlobId": ""], messages: [])
        #expect(try library.locateSession(SessionSource(tool: .cursorAgent)).path == path)
        #expect(try library.locateSession(SessionSource(tool: .cursorAgent, sessionID: "f1ff7b74")).path == path)
        #expect(try library.locateSession(SessionSource(tool: .cursorAgent, sessionID: "backup chat")).path == path)
        let saved = try library.saveContext(from: SessionSource(tool: .cursorAgent), options: ContextSaveOptions())
        #expect(try library.contextText(saved.context.id).contains("tool: \"cursor-agent\"\n"))
        // Named by its folder with --file.
        #expect(SessionImporters.detect((path as NSString).deletingLastPathComponent) == .cursorAgent)
        #expect(try library.readSession(SessionSource(file: (path as NSString).deletingLastPathComponent)).session.title == "Backup chat")
    }
}
