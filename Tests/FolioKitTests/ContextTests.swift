import Foundation
import Testing
import TestSupport
@testable import FolioKit

@Suite struct SessionImportTests {
    @Test(arguments: Corpus.sessionFiles)
    func everyCorpusSessionImportsAndSaves(_ url: URL) throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        let outcome = try library.saveContext(from: SessionSource(file: url.path), options: ContextSaveOptions())
        // What was written reads back as the same conversation.
        let reread = try library.context(outcome.context.id)
        #expect(reread.session.turns.map(\.role) == outcome.context.session.turns.map(\.role), "\(url.lastPathComponent)")
        // The text of every turn survives as it was kept (long messages keep their start and end; spacing may
        // differ).
        func words(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        let expected = outcome.context.session.turns.map { turn in
            words(turn.blocks.compactMap { if case .text(let text) = $0 { ContextFile.escape(text) } else { nil } }.joined(separator: "\n\n"))
        }
        #expect(reread.session.turns.map { words($0.text) } == expected, "\(url.lastPathComponent)")
        // What folio writes, folio lint accepts.
        #expect(try library.lint(paths: [outcome.context.relativePath]).findings.map(\.text) == [], "\(url.lastPathComponent)")
    }

    @Test func claudeCodeTodoWriteSessionHasItsTurnsToolsAndTasks() throws {
        let session = try ClaudeCodeImporter.read(Corpus.session("claude-code", containing: "todowrite").path)
        #expect(session.turns.filter { $0.role == .user }.map(\.text) == [
            "Can you help me implement a new feature with proper task management?", "Can you add a task for security review as well?"])
        #expect(session.toolCalls.map(\.name) == ["TodoWrite", "TodoWrite", "TodoWrite"])
        // The last TodoWrite is the task list; each result sits after its call.
        #expect(session.tasks.map(\.status) == [.completed, .completed, .inProgress, .pending, .pending, .pending])
        let results = session.turns.flatMap(\.blocks).filter { if case .toolResult = $0 { true } else { false } }
        #expect(results.count == 3)
    }

    @Test func claudeCodeSidechainsAreCountedNotFollowed() throws {
        let session = try ClaudeCodeImporter.read(Corpus.session("claude-code", containing: "sidechain").path)
        #expect(session.sidechainMessages == 3)
        #expect(session.toolCalls.map(\.name) == ["Task"])
        #expect(session.turns.allSatisfy { $0.role == .assistant })
    }

    @Test func codexSessionHasCallsPatchesAndFiles() throws {
        let session = try CodexImporter.read(Corpus.session("codex", containing: "rollout-2026").path)
        #expect(session.sessionID == "11111111-1111-4111-8111-111111111111")
        #expect(session.turns.map(\.role) == [.user, .assistant])
        #expect(session.turns[0].text == "List the synthetic files.")
        #expect(session.toolCalls.map(\.name) == ["exec_command", "apply_patch", "mcp__synthetic__lookup"])
        let activity = SessionActivity(session.toolCalls)
        #expect(activity.commands == ["find . -maxdepth 1 -type f"])
        #expect(activity.files.map(\.path) == ["gamma.txt"])
        // Codex's injected context is not a user turn.
        let other = try CodexImporter.read(Corpus.session("codex", containing: "sample_codex").path)
        #expect(other.turns.map(\.role) == [.user])
        #expect(other.turns[0].text.hasPrefix("can you analyse the MD files"))
    }

    @Test func aiderGeminiAndClineSessions() throws {
        let aider = try AiderImporter.read(Corpus.session("aider", containing: "zen-mcp").path)
        #expect(aider.models == ["gemini/gemini-2.5-pro-preview-06-05"])
        #expect(aider.toolVersion == "0.86.1")
        #expect(aider.turns.first?.role == .user)
        #expect(aider.turns.first?.text.hasPrefix("/add") == true)

        let gemini = try GeminiImporter.read(Corpus.session("gemini", containing: "session-test").path)
        #expect(gemini.turns.map(\.text) == ["Gemini hello", "Hello from Gemini!"])

        let cline = try ClineImporter.read(Corpus.session("cline", containing: "api_conversation").path)
        #expect(cline.turns.count == 94)
        #expect(cline.turns[0].text.hasPrefix("You have been given a Dockerized codebase"))
        #expect(!cline.turns.contains { $0.text.contains("<environment_details>") })
        #expect(SessionActivity(cline.toolCalls).files.contains { $0.path == "ActionSystem.cs" && $0.action == .read })
    }

    @Test func markdownTranscriptsAndNotes() {
        let transcript = MarkdownImporter.parse("# Fixing CI\n\n**User:** why is CI red?\n\n**Assistant:** The lint step fails.\nIt needs a key.\n\nUser: thanks\n")
        #expect(transcript.title == "Fixing CI")
        #expect(transcript.turns.map(\.role) == [.user, .assistant, .user])
        #expect(transcript.turns[1].text == "The lint step fails.\nIt needs a key.")
        let notes = MarkdownImporter.parse("Just some notes\nabout the refactor.\n")
        #expect(notes.turns.map(\.text) == ["Just some notes\nabout the refactor."])
    }

    @Test func jsonThatIsNoSessionFormatIsRefusedNotSavedAsNotes() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        let files = ["x.json": #"{"foo": 1}"# + "\n",
                     "package.json": "{\n  \"name\": \"shop\",\n  \"version\": \"1.0.0\",\n  \"scripts\": {\"test\": \"jest\"}\n}\n",
                     "pretty.json": "{\n  \"foo\": 1\n}\n",
                     "list.txt": "[1, 2, 3]\n"]
        for (name, text) in files {
            try text.write(toFile: folder.at(name), atomically: true, encoding: .utf8)
            let error = #expect(throws: FolioError.self, "\(name)") {
                try library.saveContext(from: SessionSource(file: folder.at(name)), options: ContextSaveOptions())
            }
            #expect(error?.kind == .invalidInput, "\(name)")
            #expect(error?.message.contains("\(name) is JSON, but not a session format folio reads") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("Claude Code") == true && error?.message.contains("--from") == true)
        }
        #expect(library.contextIDs().isEmpty)
        // Markdown that starts with a brace is still text.
        try "{draft} notes on the parser\n".write(toFile: folder.at("notes.md"), atomically: true, encoding: .utf8)
        #expect(try library.saveContext(from: SessionSource(file: folder.at("notes.md")), options: ContextSaveOptions()).context.session.turns.count == 1)
    }
}

/// Synthetic Claude Code sessions for the cases the corpus does not cover.
@Suite struct ClaudeCodeEdgeCaseTests {
    func write(_ records: [[String: Any]], in folder: TemporaryFolder, extraLines: [String] = []) throws -> String {
        let lines = try records.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) } + extraLines
        let path = folder.at("session.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func user(_ uuid: String, _ parent: String?, _ text: Any, extra: [String: Any] = [:]) -> [String: Any] {
        var record: [String: Any] = ["type": "user", "uuid": uuid, "parentUuid": parent ?? NSNull(), "sessionId": "s1",
                                     "timestamp": "2026-01-01T10:00:00Z", "message": ["role": "user", "content": text]]
        record.merge(extra) { $1 }
        return record
    }

    func assistant(_ uuid: String, _ parent: String?, id: String, _ content: [[String: Any]]) -> [String: Any] {
        ["type": "assistant", "uuid": uuid, "parentUuid": parent ?? NSNull(), "sessionId": "s1", "timestamp": "2026-01-01T10:00:01Z",
         "message": ["id": id, "role": "assistant", "model": "claude-x", "content": content,
                     "usage": ["input_tokens": 10, "output_tokens": 5]]]
    }

    @Test func aRewoundBranchIsNotTheConversation() throws {
        let folder = TemporaryFolder("rewind")
        let path = try write([
            user("u1", nil, "first question"),
            assistant("a1", "u1", id: "m1", [["type": "text", "text": "first answer"]]),
            user("u2", "a1", "abandoned follow-up"),
            assistant("a2", "u2", id: "m2", [["type": "text", "text": "abandoned answer"]]),
            // The user rewound to a1 and asked something else.
            user("u3", "a1", "better follow-up"),
            assistant("a3", "u3", id: "m3", [["type": "text", "text": "better answer"]]),
        ], in: folder)
        let session = try ClaudeCodeImporter.read(path)
        #expect(session.turns.map(\.text) == ["first question", "first answer", "better follow-up", "better answer"])
        // Tokens are those of the kept conversation: a1 and a3, not the abandoned a2.
        #expect(session.inputTokens == 20 && session.outputTokens == 10)
    }

    @Test func theTasksAreThoseOfTheKeptBranch() throws {
        let folder = TemporaryFolder("rewind-tasks")
        func todo(_ content: String) -> [[String: Any]] {
            [["type": "tool_use", "id": "t-\(content)", "name": "TodoWrite", "input": ["todos": [["content": content, "status": "pending"]]]]]
        }
        let path = try write([
            user("u1", nil, "plan the work"),
            assistant("a1", "u1", id: "m1", todo("kept task")),
            user("u2", "a1", "no, plan it differently"),
            assistant("a2", "u2", id: "m2", todo("abandoned task")),
            // Rewound to a1: the abandoned branch's plan is not the session's.
            user("u3", "a1", "go on"),
            assistant("a3", "u3", id: "m3", [["type": "text", "text": "On it."]]),
        ], in: folder)
        let session = try ClaudeCodeImporter.read(path)
        #expect(session.tasks.map(\.content) == ["kept task"])
    }

    @Test func subagentFilesBesideTheSessionCountTheirWorkNotTheirWords() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        let path = try write([
            user("u1", nil, "find where the parser is tested"),
            assistant("a1", "u1", id: "m1", [["type": "tool_use", "id": "t1", "name": "Task",
                                              "input": ["description": "find parser tests", "subagent_type": "Explore"]]]),
            user("u2", "a1", [["type": "tool_result", "tool_use_id": "t1", "content": "Tests/ParserTests.swift covers it."]]),
            assistant("a2", "u2", id: "m2", [["type": "text", "text": "It is in Tests/ParserTests.swift."]]),
        ], in: folder)
        // Claude Code 2: <session>/subagents/agent-<id>.jsonl and its .meta.json.
        let agentRecords: [[String: Any]] = [
            user("s1", nil, "find parser tests", extra: ["isSidechain": true, "agentId": "a7"]),
            assistant("s2", "s1", id: "sm1", [["type": "tool_use", "id": "st1", "name": "Grep", "input": ["pattern": "parse"]]])
                .merging(["isSidechain": true, "agentId": "a7"]) { $1 },
            user("s3", "s2", [["type": "tool_result", "tool_use_id": "st1", "content": "Tests/ParserTests.swift"]], extra: ["isSidechain": true]),
            assistant("s4", "s3", id: "sm2", [["type": "tool_use", "id": "st2", "name": "Read", "input": ["file_path": "Tests/ParserTests.swift"]]])
                .merging(["isSidechain": true]) { $1 },
            user("s5", "s4", [["type": "tool_result", "tool_use_id": "st2", "content": "import Testing"]], extra: ["isSidechain": true]),
            assistant("s6", "s5", id: "sm3", [["type": "text", "text": "Tests/ParserTests.swift covers it."]]).merging(["isSidechain": true]) { $1 },
        ]
        let agents = folder.at("session/subagents")
        try FileManager.default.createDirectory(atPath: agents, withIntermediateDirectories: true)
        let lines = try agentRecords.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        try (lines.joined(separator: "\n") + "\n").write(toFile: agents + "/agent-a7.jsonl", atomically: true, encoding: .utf8)
        try #"{"agentType":"Explore","spawnDepth":1,"model":"claude-haiku-x"}"#.write(toFile: agents + "/agent-a7.meta.json", atomically: true, encoding: .utf8)
        try "{broken".write(toFile: agents + "/agent-b8.jsonl", atomically: true, encoding: .utf8)

        let session = try ClaudeCodeImporter.read(path)
        // The transcript is the main conversation; the subagent's answer is the Task result in it.
        #expect(session.turns.map(\.role) == [.user, .assistant, .assistant])
        let agent = try #require(session.subagents.first { $0.id == "a7" })
        #expect(agent.type == "Explore" && agent.model == "claude-haiku-x")
        #expect(agent.toolCalls.map(\.name) == ["Grep", "Read"])
        #expect(agent.messages == 2)
        #expect(session.sidechainMessages == session.subagents.reduce(0) { $0 + $1.messages })
        #expect(session.inputTokens == 2 * 10 + 3 * 10 && session.outputTokens == 2 * 5 + 3 * 5)
        // Saved: the files it read are the session's, and the frontmatter lists it.
        let outcome = try library.saveContext(from: SessionSource(file: path), options: ContextSaveOptions())
        #expect(outcome.context.activity.files.map(\.path) == ["Tests/ParserTests.swift"])
        let reread = try library.context(outcome.context.id)
        #expect(reread.session.subagents.map(\.id).contains("a7"))
        #expect(reread.session.subagents.first { $0.id == "a7" }?.type == "Explore")
        #expect(try library.lint(paths: [outcome.context.relativePath]).findings.isEmpty)
    }

    @Test func aCompactedSessionKeepsTheSummaryAndWhatFollows() throws {
        let folder = TemporaryFolder("compact")
        let path = try write([
            user("u1", nil, "old question"),
            assistant("a1", "u1", id: "m1", [["type": "text", "text": "old answer"]]),
            ["type": "system", "subtype": "compact_boundary", "uuid": "c1", "parentUuid": NSNull(), "logicalParentUuid": "a1",
             "timestamp": "2026-01-01T11:00:00Z"],
            user("u2", "c1", "This session continues: we were fixing the parser.", extra: ["isCompactSummary": true]),
            user("u3", "u2", "new question"),
            assistant("a3", "u3", id: "m3", [["type": "text", "text": "new answer"]]),
        ], in: folder)
        let session = try ClaudeCodeImporter.read(path)
        #expect(session.turns.map(\.role) == [.user, .assistant, .summary, .user, .assistant])
        #expect(session.turns[2].text == "This session continues: we were fixing the parser.")
    }

    @Test func oneMessageSplitOverLinesIsOneTurnAndToolResultsFollowTheirCalls() throws {
        let folder = TemporaryFolder("split")
        let path = try write([
            user("u1", nil, "list files"),
            assistant("a1", "u1", id: "m1", [["type": "thinking", "thinking": "let me look"]]),
            assistant("a2", "a1", id: "m1", [["type": "text", "text": "Looking."]]),
            assistant("a3", "a2", id: "m1", [["type": "tool_use", "id": "t1", "name": "Bash", "input": ["command": "ls"]]]),
            user("u2", "a3", [["type": "tool_result", "tool_use_id": "t1", "content": [["type": "text", "text": "a.txt"]]]]),
            assistant("a4", "u2", id: "m2", [["type": "text", "text": "One file."]]),
        ], in: folder)
        let session = try ClaudeCodeImporter.read(path)
        #expect(session.turns.map(\.role) == [.user, .assistant, .assistant])
        #expect(session.turns[1].blocks == [.thinking("let me look"), .text("Looking."),
                                            .toolCall(ToolCall(id: "t1", name: "Bash", input: #"{"command":"ls"}"#)),
                                            .toolResult(id: "t1", output: "a.txt", isError: false)])
        // Usage repeated on each line of one message counts once.
        #expect(session.inputTokens == 20)
    }

    @Test func aSecretInAToolOutputIsRedactedAndReported() throws {
        let (folder, library) = try makeLibrary()
        let path = try write([
            user("u1", nil, "show the env file in \(folder.path)/app"),
            assistant("a1", "u1", id: "m1", [["type": "tool_use", "id": "t1", "name": "Read", "input": ["file_path": "\(folder.path)/.env"]]]),
            user("u2", "a1", [["type": "tool_result", "tool_use_id": "t1", "content": "AWS_KEY=AKIAIOSFODNN7EXAMPLE\nDEBUG=1"]]),
        ], in: folder)
        let library2 = try Library.open(explicitPath: library.root, environment: environment(library.root, extra: ["HOME": folder.path]))
        let outcome = try library2.saveContext(from: SessionSource(file: path), options: ContextSaveOptions())
        let text = try library2.contextText(outcome.context.id)
        #expect(!text.contains("AKIAIOSFODNN7EXAMPLE"))
        #expect(text.contains("AWS_KEY=[REDACTED:aws-access-key]"))
        #expect(!text.contains(folder.path))
        #expect(text.contains("~/app"))
        #expect(outcome.redactions.contains("1 × AWS access key"))
        // Asked for by name, nothing is redacted.
        let raw = try library2.saveContext(from: SessionSource(file: path), options: ContextSaveOptions(redact: false, commit: false))
        #expect(try library2.contextText(raw.context.id).contains("AKIAIOSFODNN7EXAMPLE"))
    }

    @Test func aLineOfSixtyKilobytesAndBrokenLinesAreRead() throws {
        let folder = TemporaryFolder("long")
        let long = String(repeating: "x", count: 60_000)
        let path = try write([
            user("u1", nil, "read the big file"),
            assistant("a1", "u1", id: "m1", [["type": "tool_use", "id": "t1", "name": "Read", "input": ["file_path": "big.txt"]]]),
            user("u2", "a1", [["type": "tool_result", "tool_use_id": "t1", "content": long]]),
        ], in: folder, extraLines: ["{not json", "", "[1,2]", #"{"type":"future-record","data":1}"#])
        let session = try ClaudeCodeImporter.read(path)
        #expect(session.turns.count == 2)
        var redactor = Redactor(home: nil)
        let context = ContextFile(id: "x", title: "x", session: session.kept(.default, redactor: &redactor))
        let rendered = context.render()
        #expect(rendered.contains("[… 59,600 characters cut …]"))  // a file read keeps 400 characters
        #expect(rendered.utf8.count < 5_000)
    }
}

@Suite struct ContextRestoreTests {
    @Test func aClaudeCodeSessionRoundTripsThroughItsRestoredFile() throws {
        let (folder, library) = try makeLibrary()
        let claudeHome = folder.at(".claude-home")
        let env = environment(library.root, extra: ["CLAUDE_CONFIG_DIR": claudeHome, "HOME": folder.path])
        let lib = try Library.open(explicitPath: library.root, environment: env)
        let original = try lib.saveContext(from: SessionSource(file: Corpus.session("claude-code", containing: "representative").path),
                                           options: ContextSaveOptions(cuts: .none))
        let restored = try lib.restoreContext(original.context.id, for: .claudeCode, write: true, newSessionID: "11111111-2222-3333-4444-555555555555")
        let written = try #require(restored.writtenPath)
        #expect(written.hasPrefix(claudeHome + "/projects/"))
        #expect(restored.resumeCommand?.hasSuffix("claude --resume 11111111-2222-3333-4444-555555555555") == true)
        // Every line is JSON Claude Code can read, chained by parentUuid.
        let again = try ClaudeCodeImporter.read(written)
        #expect(again.turns.map(\.role) == original.context.session.turns.map(\.role))
        #expect(again.turns.map(\.text) == original.context.session.turns.map(\.text))
        #expect(again.toolCalls.map(\.name) == original.context.session.toolCalls.map(\.name))
        // Never over an existing file.
        #expect(throws: FolioError.self) { try lib.restoreContext(original.context.id, for: .claudeCode, write: true, newSessionID: "11111111-2222-3333-4444-555555555555") }
    }

    @Test func aClaudeCodeSessionRestoredForCodexReadsBackAsTheSameConversation() throws {
        let (folder, library) = try makeLibrary()
        let codexHome = folder.at(".codex-home")
        let lib = try Library.open(explicitPath: library.root, environment: environment(library.root, extra: ["CODEX_HOME": codexHome, "HOME": folder.path]))
        let original = try lib.saveContext(from: SessionSource(file: Corpus.session("claude-code", containing: "representative").path),
                                           options: ContextSaveOptions(cuts: .none))
        let restored = try lib.restoreContext(original.context.id, for: .codex, write: true, newSessionID: "22222222-3333-4444-5555-666666666666")
        let written = try #require(restored.writtenPath)
        #expect(written.hasPrefix(codexHome + "/sessions/"))
        #expect((written as NSString).lastPathComponent.hasPrefix("rollout-"))
        #expect(restored.resumeCommand?.hasSuffix("codex resume 22222222-3333-4444-5555-666666666666") == true)
        // folio's own Codex reader (which the corpus's real rollouts test) reads the same conversation back.
        #expect(SessionImporters.detect(written) == .codex)
        let again = try CodexImporter.read(written)
        let said = { (session: Session) in session.turns.filter { $0.role != .summary && !$0.text.isEmpty }.map { "\($0.role): \($0.text)" } }
        #expect(said(again) == said(original.context.session))
        #expect(again.toolCalls.map(\.name) == original.context.session.toolCalls.map(\.name))
        #expect(again.sessionID == "22222222-3333-4444-5555-666666666666")
    }

    @Test func theBriefFitsItsBudgetDroppingOlderTurnsFirst() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        let saved = try library.saveContext(from: SessionSource(file: Corpus.session("cline", containing: "api_conversation").path), options: ContextSaveOptions())
        let small = try library.restoreContext(saved.context.id, for: .brief, budget: 1_000)
        #expect(TokenEstimator.estimate(small.text) <= 1_100)
        #expect(small.omittedTurns > 0)
        #expect(small.text.contains("## Files touched"))
        let large = try library.restoreContext(saved.context.id, for: .brief, budget: 200_000)
        #expect(large.omittedTurns == 0)
    }

    @Test func apiMessagesAlternateAndPairToolResults() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        let saved = try library.saveContext(from: SessionSource(file: Corpus.session("claude-code", containing: "representative").path), options: ContextSaveOptions())
        let anthropic = try #require(JSON.object(Data(try library.restoreContext(saved.context.id, for: .anthropic).text.utf8)))
        let messages = try #require(anthropic["messages"] as? [[String: Any]])
        let roles = messages.compactMap { $0["role"] as? String }
        #expect(zip(roles, roles.dropFirst()).allSatisfy { $0 != $1 })
        let openai = try #require(JSON.object(Data(try library.restoreContext(saved.context.id, for: .openai).text.utf8)))
        let chat = try #require(openai["messages"] as? [[String: Any]])
        let callIDs = chat.flatMap { ($0["tool_calls"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } }
        let answered = chat.compactMap { $0["tool_call_id"] as? String }
        #expect(!callIDs.isEmpty)
        #expect(Set(callIDs) == Set(answered))
    }
}

@Suite struct ContextSearchTests {
    @Test func contextsAreFoundByTheirWordsAndTheIndexFollowsEditsAndRemovals() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        let todo = try library.saveContext(from: SessionSource(file: Corpus.session("claude-code", containing: "todowrite").path),
                                           options: ContextSaveOptions(tags: ["planning"]))
        let codex = try library.saveContext(from: SessionSource(file: Corpus.session("codex", containing: "rollout").path), options: ContextSaveOptions())
        let index = try library.index()
        // A word said in one transcript finds that context, not the other; tags filter.
        #expect(try index.searchContexts("security review").map(\.id) == [todo.context.id])
        #expect(try index.searchContexts("security", tags: ["planning"]).map(\.id) == [todo.context.id])
        #expect(try index.searchContexts("security", tags: ["nothing"]).isEmpty)
        let hit = try #require(try index.searchContexts("security review").first)
        #expect(hit.tool == "claude-code" && hit.messages == todo.context.session.messageCount && hit.tags == ["planning"])
        #expect(hit.snippet?.contains("\u{1}") == true)
        // Without words: every context, newest first.
        #expect(try Set(index.searchContexts(nil).map(\.id)) == [todo.context.id, codex.context.id])
        // An edit to a context file is seen at the next search.
        let path = library.root + "/" + todo.context.relativePath
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "## Transcript\n", with: "## Transcript\n\nA note about zanzibar.\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try index.searchContexts("zanzibar").map(\.id) == [todo.context.id])
        // A file folio cannot read is still listed, with the reason; a removed context is gone.
        try "---\n\tid: tab-indented\n---\n".write(toFile: library.root + "/contexts/broken.context.md", atomically: true, encoding: .utf8)
        let broken = try #require(try index.searchContexts(nil).first { $0.id == "broken" })
        #expect(broken.error?.contains("the frontmatter is not valid YAML") == true)
        _ = try library.removeContext(todo.context.id, commit: true)
        #expect(try index.searchContexts("security review").isEmpty)
    }
}

/// Claude Code records for the tests below, one JSON object per line as Claude Code writes them.
private func claudeLines(_ records: [[String: Any]]) throws -> String {
    try records.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
        .joined(separator: "\n") + "\n"
}

private func claudeUser(_ uuid: String, _ parent: String?, _ content: Any, session: String = "s1", time: String = "2026-03-01T09:00:00Z",
                        cwd: String? = nil) -> [String: Any] {
    var record: [String: Any] = ["type": "user", "uuid": uuid, "parentUuid": parent ?? NSNull(), "sessionId": session, "timestamp": time,
                                 "message": ["role": "user", "content": content]]
    if let cwd { record["cwd"] = cwd }
    return record
}

private func claudeAssistant(_ uuid: String, _ parent: String?, _ content: [[String: Any]], session: String = "s1",
                             time: String = "2026-03-01T09:00:05Z", cwd: String? = nil) -> [String: Any] {
    var record: [String: Any] = ["type": "assistant", "uuid": uuid, "parentUuid": parent ?? NSNull(), "sessionId": session, "timestamp": time,
                                 "message": ["id": "m-\(uuid)", "role": "assistant", "model": "claude-x", "content": content,
                                             "usage": ["input_tokens": 10, "output_tokens": 5]]]
    if let cwd { record["cwd"] = cwd }
    return record
}

/// Titles and ids a person can read and type.
@Suite struct ContextNamingTests {
    @Test func aLongRequestIsCutAtAWordBoundaryWithAnEllipsis() {
        let request = "Fix the flaky login test in tests/test_login.py, which fails about one run in five on CI because the session cookie expires before the redirect"
        let title = ContextNaming.title(fromText: request)
        #expect(title.hasSuffix("…"))
        #expect(title.count <= 73)
        let kept = String(title.dropLast())
        #expect(request.hasPrefix(kept))
        // The cut falls between words, not inside one.
        #expect(request.dropFirst(kept.count).first == " ")
        #expect(ContextNaming.slug(title) == "fix-flaky-login-test")
    }

    @Test func aRequestWhoseFirstSentenceIsATitleKeepsThatSentence() {
        let request = "The login test is flaky. It fails about one run in five on CI because the session cookie expires before the redirect happens."
        #expect(ContextNaming.title(fromText: request) == "The login test is flaky.")
        // Only the first line counts; markdown heading marks go.
        #expect(ContextNaming.title(fromText: "## Parser rewrite\n\nMore details here.") == "Parser rewrite")
        #expect(ContextNaming.title(fromText: "Parser rewrite") == "Parser rewrite")
    }

    @Test func slugsAreAFewWordsCutAtAWordBoundary() {
        #expect(ContextNaming.slug("Parser rewrite") == "parser-rewrite")
        #expect(ContextNaming.slug("Feature Implementation with Task Management") == "feature-implementation-task-management")
        #expect(ContextNaming.slug("Can you help me implement a new feature with proper task management?") == "implement-new-feature-proper")
        #expect(ContextNaming.slug("Résumé généré") == "resume-genere")
        #expect(ContextNaming.slug("???") == "session")
        #expect(ContextNaming.slug("the") == "the")  // stop words only: kept rather than nothing
        let long = ContextNaming.slug("Supercalifragilisticexpialidocious internationalization considerations")
        #expect(long.count <= 40 && !long.hasSuffix("-"))
    }

    @Test func claudeCodesOwnTitlesComeFirst() throws {
        // The summary record Claude Code writes names the session.
        let todo = try ClaudeCodeImporter.read(Corpus.session("claude-code", containing: "todowrite").path)
        #expect(todo.title == "Feature Implementation with Task Management")
        // A title the user gave (/rename) comes before the generated one, which comes before a summary record.
        let folder = TemporaryFolder("titles")
        let records: [[String: Any]] = [
            ["type": "summary", "summary": "Login test investigation", "leafUuid": "a1"],
            claudeUser("u1", nil, "why does the login test fail?"),
            claudeAssistant("a1", "u1", [["type": "text", "text": "The cookie expires."]]),
            ["type": "ai-title", "aiTitle": "Investigate flaky login test", "sessionId": "s1"],
        ]
        try claudeLines(records).write(toFile: folder.at("s1.jsonl"), atomically: true, encoding: .utf8)
        #expect(try ClaudeCodeImporter.read(folder.at("s1.jsonl")).title == "Investigate flaky login test")
        let renamed = records + [["type": "custom-title", "customTitle": "Login cookie fix", "sessionId": "s1"]]
        try claudeLines(renamed).write(toFile: folder.at("s1.jsonl"), atomically: true, encoding: .utf8)
        #expect(try ClaudeCodeImporter.read(folder.at("s1.jsonl")).title == "Login cookie fix")
    }

    @Test func codexAndGeminiTitlesAreRead() throws {
        let folder = TemporaryFolder("tool-titles")
        // Codex: names given to threads are kept in CODEX_HOME/session_index.jsonl; the newest entry wins.
        let id = "33333333-4444-4555-8666-777777777777"
        let day = folder.at("codex/sessions/2026/01/02")
        try FileManager.default.createDirectory(atPath: day, withIntermediateDirectories: true)
        let rollout = day + "/rollout-2026-01-02T03-04-05-\(id).jsonl"
        try """
            {"timestamp":"2026-01-02T03:04:05.000Z","type":"session_meta","payload":{"id":"\(id)","timestamp":"2026-01-02T03:04:05.000Z","cwd":"/w","originator":"codex_cli_rs","cli_version":"0.77.0"}}
            {"timestamp":"2026-01-02T03:04:07.001Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"list the files"}]}}

            """.write(toFile: rollout, atomically: true, encoding: .utf8)
        try """
            {"id":"\(id)","thread_name":"first name","updated_at":"2026-01-02T03:05:00Z"}
            {"id":"another","thread_name":"not this one","updated_at":"2026-01-02T03:06:00Z"}
            {"id":"\(id)","thread_name":"Synthetic file listing","updated_at":"2026-01-02T03:07:00Z"}

            """.write(toFile: folder.at("codex/session_index.jsonl"), atomically: true, encoding: .utf8)
        #expect(try CodexImporter.read(rollout).title == "Synthetic file listing")
        // Gemini CLI writes a summary of the session beside its messages.
        try """
            {"sessionId": "g1", "startTime": "2024-01-01T12:00:00Z", "summary": "Greeting Gemini",
             "messages": [{"type": "user", "content": "Gemini hello", "timestamp": "2024-01-01T12:00:00Z"}]}
            """.write(toFile: folder.at("session-g1.json"), atomically: true, encoding: .utf8)
        #expect(try GeminiImporter.read(folder.at("session-g1.json")).title == "Greeting Gemini")
    }

    @Test func theIdIsTheDayAndAShortSlugWithoutTheDateTwice() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        let saved = try library.saveContext(from: SessionSource(file: Corpus.session("claude-code", containing: "todowrite").path),
                                            options: ContextSaveOptions())
        #expect(saved.context.title == "Feature Implementation with Task Management")
        let parts = saved.context.id.split(separator: "/").map(String.init)
        #expect(parts.count == 3)
        #expect(parts[2].hasSuffix("-feature-implementation-task-management"))
        // yyyy/mm/dd-slug: the year and month are the folders, not repeated in the name.
        #expect(parts[2].prefix(3).allSatisfy { $0.isNumber || $0 == "-" } && parts[2].dropFirst(2).hasPrefix("-"))
        #expect(!parts[2].hasPrefix(parts[0]))
        // The file's summary is not repeated under its own title.
        let text = try library.contextText(saved.context.id)
        #expect(!text.contains("## Summary\n\nFeature Implementation with Task Management"))
    }
}

/// Saving a session folio already keeps, and sessions folio wrote itself.
@Suite struct ContextSaveAgainTests {
    @Test func savingTheSameSessionAgainUpdatesItsContextKeepingWhatTheUserEdited() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.at("session.jsonl")
        var records = [claudeUser("u1", nil, "fix the parser"), claudeAssistant("a1", "u1", [["type": "text", "text": "Looking."]])]
        try claudeLines(records).write(toFile: path, atomically: true, encoding: .utf8)
        let first = try library.saveContext(from: SessionSource(file: path), options: ContextSaveOptions(tags: ["parser"]))
        #expect(!first.updated)
        // The user renames it and changes its tags by hand, then the session goes on.
        let file = library.root + "/" + first.context.relativePath
        let edited = try String(contentsOfFile: file, encoding: .utf8)
            .replacingOccurrences(of: "title: \"fix the parser\"", with: "title: \"Parser: the lexer bug\"")
            .replacingOccurrences(of: "tags: [\"parser\"]", with: "tags: [\"parser\", \"lexer\"]")
        try edited.write(toFile: file, atomically: true, encoding: .utf8)
        records += [claudeUser("u2", "a1", "and the tests"), claudeAssistant("a2", "u2", [["type": "text", "text": "Tests fixed too."]])]
        try claudeLines(records).write(toFile: path, atomically: true, encoding: .utf8)
        let second = try library.saveContext(from: SessionSource(file: path), options: ContextSaveOptions())
        #expect(second.updated)
        #expect(second.change.changed && second.change.commit != nil)
        #expect(second.change.message == "folio: update context \(first.context.id)")
        #expect(second.context.id == first.context.id)
        #expect(library.contextIDs() == [first.context.id])
        let reread = try library.context(first.context.id)
        #expect(reread.title == "Parser: the lexer bug")
        #expect(reread.tags == ["parser", "lexer"])
        #expect(reread.session.turns.map(\.text).last == "Tests fixed too.")
        // Nothing new in the session: nothing written, no commit.
        let third = try library.saveContext(from: SessionSource(file: path), options: ContextSaveOptions())
        #expect(third.updated && !third.change.changed && third.change.commit == nil)
        // A title or tags given now replace the kept ones.
        let fourth = try library.saveContext(from: SessionSource(file: path), options: ContextSaveOptions(title: "Lexer", tags: ["lexer"]))
        #expect(fourth.context.id == first.context.id)
        #expect(try library.context(first.context.id).title == "Lexer")
        #expect(try library.context(first.context.id).tags == ["lexer"])
    }

    @Test func handEditsToAContextSurviveEveryLaterUpdate() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.at("session.jsonl")
        var records = [claudeUser("u1", nil, "fix the parser"), claudeAssistant("a1", "u1", [["type": "text", "text": "Looking."]])]
        try claudeLines(records).write(toFile: path, atomically: true, encoding: .utf8)
        let first = try library.saveContext(from: SessionSource(file: path), options: ContextSaveOptions())
        let file = library.root + "/" + first.context.relativePath
        // A note added by hand, not committed; the session goes on.
        try (try String(contentsOfFile: file, encoding: .utf8) + "\nReviewer note: the lexer is the real culprit.\n")
            .write(toFile: file, atomically: true, encoding: .utf8)
        records += [claudeUser("u2", "a1", "and the tests"), claudeAssistant("a2", "u2", [["type": "text", "text": "Tests fixed too."]])]
        try claudeLines(records).write(toFile: path, atomically: true, encoding: .utf8)
        let second = try library.saveContext(from: SessionSource(file: path), options: ContextSaveOptions())
        #expect(second.change.warnings.contains { $0.contains("were kept") })
        var text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("Reviewer note: the lexer is the real culprit.") && text.contains("Tests fixed too."))
        #expect(try git("show", "HEAD:\(first.context.relativePath)", in: folder.path).contains("Reviewer note"))
        // The note is committed now; the session goes on again: the note stays through this update too.
        records += [claudeUser("u3", "a2", "ship it"), claudeAssistant("a3", "u3", [["type": "text", "text": "Shipped."]])]
        try claudeLines(records).write(toFile: path, atomically: true, encoding: .utf8)
        _ = try library.saveContext(from: SessionSource(file: path), options: ContextSaveOptions())
        text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("Reviewer note: the lexer is the real culprit.") && text.contains("Shipped."))
        // Another clone (no record of what folio generated) keeps it too, from the last save's commit.
        try FileManager.default.removeItem(atPath: folder.at(".git/folio/generated"))
        records += [claudeUser("u4", "a3", "thanks"), claudeAssistant("a4", "u4", [["type": "text", "text": "Welcome."]])]
        try claudeLines(records).write(toFile: path, atomically: true, encoding: .utf8)
        _ = try library.saveContext(from: SessionSource(file: path), options: ContextSaveOptions())
        text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("Welcome."))
    }

    @Test func anUpdateThrownAwayWithGitCheckoutIsMadeAgainByTheNextSave() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.at("session.jsonl")
        var records = [claudeUser("u1", nil, "fix the parser"), claudeAssistant("a1", "u1", [["type": "text", "text": "Looking."]])]
        try claudeLines(records).write(toFile: path, atomically: true, encoding: .utf8)
        let first = try library.saveContext(from: SessionSource(file: path), options: ContextSaveOptions())
        let file = library.root + "/" + first.context.relativePath
        // A note the user commits by hand.
        try (try String(contentsOfFile: file, encoding: .utf8) + "\nReviewer note: the lexer is the real culprit.\n")
            .write(toFile: file, atomically: true, encoding: .utf8)
        _ = try git("commit", "-qam", "note", in: folder.path)
        // The session goes on; an update is written, not committed, then thrown away.
        records += [claudeUser("u2", "a1", "and the tests"), claudeAssistant("a2", "u2", [["type": "text", "text": "Tests fixed too."]])]
        try claudeLines(records).write(toFile: path, atomically: true, encoding: .utf8)
        let uncommitted = try library.saveContext(from: SessionSource(file: path), options: ContextSaveOptions(commit: false))
        #expect(uncommitted.change.changed && uncommitted.change.commit == nil)
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("Tests fixed too."))
        _ = try git("checkout", "--", "contexts", in: folder.path)
        #expect(try !String(contentsOfFile: file, encoding: .utf8).contains("Tests fixed too."))
        // The next save is not "up to date": the messages come back, and the note stays.
        let again = try library.saveContext(from: SessionSource(file: path), options: ContextSaveOptions())
        #expect(again.updated && again.change.changed && again.change.commit != nil)
        #expect(again.previousMessages == 2 && again.addedMessages == 2)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("Tests fixed too.") && text.contains("Reviewer note: the lexer is the real culprit."))
        #expect(try git("show", "HEAD:\(first.context.relativePath)", in: folder.path).contains("Tests fixed too."))
        // And now it is up to date.
        let third = try library.saveContext(from: SessionSource(file: path), options: ContextSaveOptions())
        #expect(third.updated && !third.change.changed)
        // Two updates thrown away, then the session goes on.
        records += [claudeUser("u3", "a2", "ship it"), claudeAssistant("a3", "u3", [["type": "text", "text": "Shipped."]])]
        try claudeLines(records).write(toFile: path, atomically: true, encoding: .utf8)
        _ = try library.saveContext(from: SessionSource(file: path), options: ContextSaveOptions(commit: false))
        _ = try library.saveContext(from: SessionSource(file: path), options: ContextSaveOptions(commit: false))
        _ = try git("checkout", "--", "contexts", in: folder.path)
        records += [claudeUser("u4", "a3", "thanks"), claudeAssistant("a4", "u4", [["type": "text", "text": "Welcome."]])]
        try claudeLines(records).write(toFile: path, atomically: true, encoding: .utf8)
        let fourth = try library.saveContext(from: SessionSource(file: path), options: ContextSaveOptions())
        #expect(fourth.change.changed && fourth.addedMessages == 4)
        let last = try String(contentsOfFile: file, encoding: .utf8)
        #expect(last.contains("Shipped.") && last.contains("Welcome.") && last.contains("Reviewer note"))

        // A context with no hand edit: the update is made again and no edit is reported.
        let other = folder.at("other.jsonl")
        var more = [claudeUser("v1", nil, "rename the lexer", session: "s2"), claudeAssistant("w1", "v1", [["type": "text", "text": "Renamed."]], session: "s2")]
        try claudeLines(more).write(toFile: other, atomically: true, encoding: .utf8)
        let saved = try library.saveContext(from: SessionSource(file: other), options: ContextSaveOptions())
        more += [claudeUser("v2", "w1", "and its tests", session: "s2"), claudeAssistant("w2", "v2", [["type": "text", "text": "Tests renamed."]], session: "s2")]
        try claudeLines(more).write(toFile: other, atomically: true, encoding: .utf8)
        _ = try library.saveContext(from: SessionSource(file: other), options: ContextSaveOptions(commit: false))
        _ = try git("checkout", "--", "contexts", in: folder.path)
        let redone = try library.saveContext(from: SessionSource(file: other), options: ContextSaveOptions())
        #expect(redone.change.changed && redone.change.warnings.isEmpty && redone.addedMessages == 2)
        #expect(try library.contextText(saved.context.id).contains("Tests renamed."))
    }

    @Test func theSameSessionIDFromAnotherToolIsAnotherContext() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        let claude = folder.at("shared.jsonl")
        try claudeLines([claudeUser("u1", nil, "fix the parser", session: "shared-id"),
                         claudeAssistant("a1", "u1", [["type": "text", "text": "Looking."]], session: "shared-id")])
            .write(toFile: claude, atomically: true, encoding: .utf8)
        let codex = folder.at("rollout-2026-03-01T09-00-00-shared-id.jsonl")
        try """
            {"timestamp":"2026-03-01T09:00:00.000Z","type":"session_meta","payload":{"id":"shared-id","cwd":"/w","originator":"codex_cli_rs"}}
            {"timestamp":"2026-03-01T09:00:01.000Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"fix the parser"}]}}

            """.write(toFile: codex, atomically: true, encoding: .utf8)
        let a = try library.saveContext(from: SessionSource(file: claude), options: ContextSaveOptions())
        let b = try library.saveContext(from: SessionSource(file: codex), options: ContextSaveOptions())
        #expect(!a.updated && !b.updated)
        #expect(library.contextIDs().count == 2)
    }

    @Test func aRestoredCopyIsNotTheLatestSessionUntilSomeoneContinuesIt() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        let env = environment(library.root, extra: ["CLAUDE_CONFIG_DIR": folder.at(".claude"), "CODEX_HOME": folder.at(".codex"), "HOME": folder.path])
        let lib = try Library.open(explicitPath: library.root, environment: env)
        // The real layout: ~/.claude/projects/<encoded folder>/<session>.jsonl.
        let project = folder.at(".claude/projects/" + ClaudeCodeImporter.encodedFolder(lib.projectFolder))
        try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
        let original = project + "/0d5c3a0e-1111-4222-8333-444455556666.jsonl"
        try claudeLines([claudeUser("u1", nil, "fix the parser", session: "0d5c3a0e-1111-4222-8333-444455556666", cwd: lib.projectFolder),
                         claudeAssistant("a1", "u1", [["type": "text", "text": "Looking."]], session: "0d5c3a0e-1111-4222-8333-444455556666",
                                         cwd: lib.projectFolder)])
            .write(toFile: original, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3_600)], ofItemAtPath: original)
        let saved = try lib.saveContext(from: SessionSource(), options: ContextSaveOptions())
        let restored = try #require(try lib.restoreContext(saved.context.id, for: .claudeCode, write: true).writtenPath)
        // The restored copy is newer, yet the latest session is still the original.
        #expect(try lib.locateSession(SessionSource()).path == original)
        let again = try lib.saveContext(from: SessionSource(), options: ContextSaveOptions())
        #expect(again.updated && again.context.id == saved.context.id && !again.change.changed)
        #expect(lib.contextIDs().count == 1)
        // Named by file, it is read (the user asked for it).
        #expect(try lib.locateSession(SessionSource(file: restored)).path == restored)
        // Once Claude Code continued it, it is a session of its own.
        let last = try #require(String(contentsOfFile: restored, encoding: .utf8).split(separator: "\n").last)
        let lastUUID = try #require((JSON.object(Data(last.utf8)))?["uuid"] as? String)
        let handle = try #require(FileHandle(forWritingAtPath: restored))
        handle.seekToEndOfFile()
        handle.write(Data(try claudeLines([claudeUser("u9", lastUUID, "and now the lexer", cwd: lib.projectFolder)]).utf8))
        try handle.close()
        #expect(try lib.locateSession(SessionSource()).path == restored)
        // A copy restored by an earlier folio, whose records say "version": "folio" and carry no marker, is skipped too.
        let older = try String(contentsOfFile: restored, encoding: .utf8).split(separator: "\n").dropLast()
            .map { $0.replacingOccurrences(of: "\"\(ClaudeCodeImporter.restoredMarker)\":", with: "\"unrelated\":") }
        try (older.joined(separator: "\n") + "\n").write(toFile: project + "/99999999-1111-4222-8333-444455556666.jsonl", atomically: true, encoding: .utf8)
        #expect(try lib.locateSession(SessionSource()).path == restored)

        // The same for Codex: a rollout folio wrote is skipped; one Codex went on with is not.
        let codex = try lib.saveContext(from: SessionSource(file: Corpus.session("codex", containing: "rollout-2026").path), options: ContextSaveOptions())
        let rollout = try #require(try lib.restoreContext(codex.context.id, for: .codex, write: true).writtenPath)
        #expect(throws: FolioError.self) { try lib.locateSession(SessionSource(tool: .codex)) }
        let turn = #"{"timestamp":"2026-03-02T09:00:00.000Z","type":"turn_context","payload":{"cwd":"\#(lib.projectFolder)","model":"gpt-5"}}"#
        try (String(contentsOfFile: rollout, encoding: .utf8) + turn + "\n").write(toFile: rollout, atomically: true, encoding: .utf8)
        #expect(try lib.locateSession(SessionSource(tool: .codex)).path == rollout)
    }
}

@Suite struct ContextLookupTests {
    @Test func anAmbiguousPartListsTheCandidatesAndAnExactNameWins() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        for (name, text) in [("a", "Fix the login"), ("b", "Fix the login page layout"), ("c", "Parser rewrite")] {
            let path = folder.at("\(name).jsonl")
            try claudeLines([claudeUser("u1", nil, text, session: name), claudeAssistant("a1", "u1", [["type": "text", "text": "ok"]], session: name)])
                .write(toFile: path, atomically: true, encoding: .utf8)
            _ = try library.saveContext(from: SessionSource(file: path), options: ContextSaveOptions())
        }
        #expect(library.contextIDs() == ["2026/03/01-fix-login", "2026/03/01-fix-login-page-layout", "2026/03/01-parser-rewrite"])
        // A unique part, a full name and the whole id each name one context.
        #expect(try library.resolveContextID("parser") == "2026/03/01-parser-rewrite")
        #expect(try library.resolveContextID("fix-login") == "2026/03/01-fix-login")
        #expect(try library.resolveContextID("01-fix-login") == "2026/03/01-fix-login")
        #expect(try library.resolveContextID("2026/03/01-fix-login-p") == "2026/03/01-fix-login-page-layout")
        // A part several ids share: every candidate, with its title, and the exit code of invalid input.
        for query in ["login", "2026/03", "fix"] {
            let error = #expect(throws: FolioError.self) { try library.resolveContextID(query) }
            #expect(error?.kind == .invalidInput, "\(query)")
            let message = error?.message ?? ""
            #expect(message.contains("2026/03/01-fix-login ") && message.contains("2026/03/01-fix-login-page-layout"), "\(message)")
            #expect(message.contains("Fix the login page layout"), "\(message)")
        }
        #expect(throws: FolioError.self) { try library.restoreContext("login", for: .brief) }
        #expect((#expect(throws: FolioError.self) { try library.resolveContextID("zanzibar") })?.kind == .notFound)
    }
}

@Suite struct ContextBriefTests {
    /// A session that ends on a failing test run, the evidence of where the work stopped.
    func failingSession(outputLines: Int) -> Session {
        var session = Session(tool: .claudeCode)
        let failure = (1...outputLines).map { "line \($0) of the test run" }.joined(separator: "\n")
            + "\nFAIL: testLogin: expected status 200, got 302 (cookie expired)"
        session.turns = [
            Turn(role: .user, blocks: [.text("Fix the flaky login test")]),
            Turn(role: .assistant, blocks: [
                .text("Reading the test."),
                .toolCall(ToolCall(id: "r1", name: "Read", input: #"{"file_path":"Tests/LoginTests.swift"}"#)),
                .toolResult(id: "r1", output: "import Testing\nstruct LoginTests {}", isError: false),
                .toolCall(ToolCall(id: "b1", name: "Bash", input: #"{"command":"swift test --filter Login"}"#)),
                .toolResult(id: "b1", output: failure, isError: true),
            ]),
        ]
        return session
    }

    @Test func theBriefKeepsTheLastToolResults() {
        let context = ContextFile(id: "2026/03/01-login", title: "Login", session: failingSession(outputLines: 5))
        let (brief, omitted) = ContextRestore.brief(context, budget: 8_000)
        #expect(omitted == 0)
        #expect(brief.contains("FAIL: testLogin: expected status 200, got 302 (cookie expired)"))
        #expect(brief.contains("struct LoginTests {}"))
    }

    @Test func aResultTooLongForTheBudgetIsTrimmedAndSaysSo() {
        let context = ContextFile(id: "2026/03/01-login", title: "Login", session: failingSession(outputLines: 3_000))
        let (brief, _) = ContextRestore.brief(context, budget: 1_000)
        #expect(TokenEstimator.estimate(brief) <= 1_000)
        // The failure at the end of the output is kept; what was left out is marked.
        #expect(brief.contains("FAIL: testLogin: expected status 200, got 302 (cookie expired)"))
        #expect(brief.contains("trimmed"))
        #expect(brief.contains("Fix the flaky login test"))
    }
}

/// Which Claude Code sessions are this repository's: Claude Code names a project's folder by its path with every
/// other character than a letter or digit made `-`, so `/x/repo`'s folder is a prefix of `/x/repo-old`'s.
@Suite struct ClaudeCodeProjectFolderTests {
    @Test func siblingFoldersSessionsAreNotThisRepositorysButSubfoldersAre() throws {
        let folder = TemporaryFolder("claude-siblings")
        try FileManager.default.createDirectory(atPath: folder.at("repo"), withIntermediateDirectories: true)
        _ = try Library.initialize(at: folder.at("repo"), withTemplates: false, environment: environment(folder.at("repo")))
        var env = environment(folder.at("repo"), extra: ["HOME": folder.path, "CLAUDE_CONFIG_DIR": folder.at("claude")])
        env.now = { Date() }  // the watcher compares it with the files' times
        let library = try Library.open(explicitPath: nil, environment: env)
        let project = library.projectFolder
        var age: TimeInterval = 600
        func put(_ session: String, in projectFolder: String, cwd: String?) throws -> String {
            let base = folder.at("claude/projects/" + ClaudeCodeImporter.encodedFolder(projectFolder))
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
            let path = base + "/\(session).jsonl"
            try claudeLines([["type": "file-history-snapshot", "messageId": "x"],
                             claudeUser("u1", nil, "work in \(cwd ?? "somewhere")", session: session, cwd: cwd),
                             claudeAssistant("a1", "u1", [["type": "text", "text": "Done."]], session: session, cwd: cwd)])
                .write(toFile: path, atomically: true, encoding: .utf8)
            // Older first: the sibling folders' sessions are the newest.
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -age)], ofItemAtPath: path)
            age -= 60
            return path
        }
        let mine = try put("11111111-0000-4000-8000-000000000001", in: project, cwd: project)
        let noFolder = try put("11111111-0000-4000-8000-000000000002", in: project, cwd: nil)
        let inside = try put("11111111-0000-4000-8000-000000000003", in: project + "/Sources", cwd: project + "/Sources")
        _ = try put("22222222-0000-4000-8000-000000000001", in: project + "-old", cwd: project + "-old")
        _ = try put("22222222-0000-4000-8000-000000000002", in: project + "-feature", cwd: nil)
        let old = try put("22222222-0000-4000-8000-000000000003", in: project + "-old", cwd: project + "-old")

        #expect(Set(library.sessionCandidates(of: [.claudeCode]).map(\.path)) == [mine, noFolder, inside])
        #expect(try library.locateSession(SessionSource(tool: .claudeCode)).path == inside)
        #expect(try library.locateSession(SessionSource()).path == inside)
        // The watcher takes only this repository's sessions too.
        var watch = SessionWatch(idle: 60, settledUpTo: .distantPast)
        let saved = library.captureIdleSessions(&watch, tools: [.claudeCode]).map(\.candidate.path)
        #expect(Set(saved) == [mine, noFolder, inside])
        #expect(!saved.contains(old))
    }
}
