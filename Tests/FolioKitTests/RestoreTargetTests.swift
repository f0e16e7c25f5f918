import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// `folio context restore --for gemini` and `--for copilot`: files the tools read, which folio reads back.
@Suite struct RestoreTargetTests {
    /// A library whose user's home is inside the test's folder.
    func library(extra: [String: String] = [:]) throws -> (TemporaryFolder, Library) {
        let (folder, library) = try makeLibrary()
        let lib = try Library.open(explicitPath: library.root, environment: environment(library.root, extra: ["HOME": folder.path].merging(extra) { $1 }))
        return (folder, lib)
    }

    /// Turns as a reader compares them: role, and what was said, called and returned.
    func conversation(_ session: Session) -> [String] {
        session.turns.map { turn in
            "\(turn.role): " + turn.blocks.compactMap { block -> String? in
                switch block {
                case .text(let text): text
                case .toolCall(let call): "call \(call.id) \(call.name) \(call.input)"
                case .toolResult(let id, let output, let isError): "result \(id)\(isError ? " error" : ""): \(output)"
                default: nil
                }
            }.joined(separator: " | ")
        }
    }

    @Test func aSessionRestoredForGeminiIsOneGeminiCLIResumesAndReadsBackAsTheSameTurns() throws {
        let (folder, lib) = try library()
        let original = try lib.saveContext(from: SessionSource(file: Corpus.session("claude-code", containing: "representative").path),
                                           options: ContextSaveOptions(cuts: .none))
        let id = "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"
        let restored = try lib.restoreContext(original.context.id, for: .gemini, write: true, newSessionID: id)
        let written = try #require(restored.writtenPath)
        // Where Gemini CLI lists the folder's sessions, named as it names them (the time to the minute, the id's start).
        #expect(written == folder.path + "/.gemini/tmp/" + GeminiImporter.projectHash(lib.projectFolder) + "/chats/session-2023-11-14T22-13-3f2a1b4c.json")
        #expect(restored.resumeCommand == "cd \(ContextRestore.shellQuote(lib.projectFolder)) && gemini --resume \(id)")
        // folio's Gemini reader (which the corpus's Gemini session tests) reads the same conversation back.
        #expect(SessionImporters.detect(written) == .gemini)
        let again = try GeminiImporter.read(written)
        #expect(conversation(again) == conversation(original.context.session))
        #expect(again.sessionID == id)
        #expect(again.title == original.context.title)

        // What Gemini CLI's loader needs: the session's metadata, each message with an id, a time, a type and
        // content parts; each call with its result as the model's function response.
        let document = try #require(JSON.object(try Data(contentsOf: URL(fileURLWithPath: written))))
        #expect(document["sessionId"] as? String == id)
        #expect(document["projectHash"] as? String == GeminiImporter.projectHash(lib.projectFolder))
        #expect(document["startTime"] as? String == "2023-11-14T22:13:20Z")
        let messages = try #require(document["messages"] as? [[String: Any]])
        for message in messages {
            #expect(message["id"] is String && message["timestamp"] is String && message["content"] is [[String: Any]])
            #expect(["user", "gemini"].contains(message["type"] as? String ?? ""))
        }
        let calls = messages.flatMap { $0["toolCalls"] as? [[String: Any]] ?? [] }
        #expect(calls.count == original.context.session.toolCalls.count)
        for call in calls {
            let response = try #require(((call["result"] as? [[String: Any]])?.first?["functionResponse"]) as? [String: Any])
            #expect(response["id"] as? String == call["id"] as? String && response["name"] as? String == call["name"] as? String)
            #expect(call["args"] is [String: Any])
        }
        // Never over an existing file.
        #expect(throws: FolioError.self) { try lib.restoreContext(original.context.id, for: .gemini, write: true, newSessionID: id) }
    }

    @Test func modelMessagesWithCallsFollowTheUserOrAFunctionResponse() throws {
        // Gemini's API takes a model turn with function calls only after a user turn or the function responses
        // before it; Gemini CLI records one message per model response.
        var session = Session(tool: .codex)
        session.models = ["gpt-5"]
        session.turns = [
            Turn(role: .user, blocks: [.text("Rename the config loader")]),
            Turn(role: .assistant, blocks: [.text("Looking at the loader first.")]),
            Turn(role: .assistant, blocks: [.toolCall(ToolCall(id: "c1", name: "shell", input: #"{"command":["bash","-lc","rg -l loadConfig"]}"#)),
                                            .toolResult(id: "c1", output: "Sources/Config.swift", isError: false),
                                            .text("One file uses it."),
                                            .toolCall(ToolCall(id: "c2", name: "apply_patch", input: "*** Begin Patch\n*** Update File: Sources/Config.swift\n*** End Patch")),
                                            .toolCall(ToolCall(id: "c3", name: "shell", input: #"{"command":["bash","-lc","swift build"]}"#))]),
            Turn(role: .assistant, blocks: [.toolResult(id: "c2", output: "Done!", isError: false)]),
            Turn(role: .summary, blocks: [.text("Earlier: the loader was renamed.")]),
        ]
        let context = ContextFile(id: "2026/03/01-rename", title: "Rename the config loader", session: session)
        let text = ContextRestore.gemini(context, sessionID: "s", folder: "/w", now: Date(timeIntervalSince1970: 1_700_000_000))
        let messages = try #require(JSON.object(Data(text.utf8))?["messages"] as? [[String: Any]])
        #expect(messages.map { $0["type"] as? String ?? "" } == ["user", "gemini", "gemini", "user"])
        func texts(_ message: [String: Any]) -> [String] { (message["content"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String } }
        // The text-only model message and the calls after it are one response.
        #expect(texts(messages[1]) == ["Looking at the loader first."])
        #expect((messages[1]["toolCalls"] as? [[String: Any]])?.map { $0["id"] as? String } == ["c1"])
        // Text after a result starts the next response, with its calls; a result that came in a later turn is on
        // its call; a call with no result recorded gets one saying so, as Gemini answers every call.
        #expect(texts(messages[2]) == ["One file uses it."])
        let later = try #require(messages[2]["toolCalls"] as? [[String: Any]])
        #expect(later.map { $0["resultDisplay"] as? String } == ["Done!", nil])
        #expect(later[1]["status"] as? String == "cancelled")
        let unanswered = (later[1]["result"] as? [[String: Any]])?.first?["functionResponse"] as? [String: Any]
        #expect((unanswered?["response"] as? [String: Any])?["error"] as? String == "No result was recorded for this call.")
        // The compaction summary is said to the model as the user's words.
        #expect(texts(messages[3]) == ["Earlier: the loader was renamed."])
        for (index, message) in messages.enumerated() where message["toolCalls"] != nil {
            let before = messages[index - 1]
            #expect(before["type"] as? String == "user" || before["toolCalls"] != nil)
        }

        // A subagent's work starts with the model's calls: a first user message names the context. Gemini CLI
        // keeps what starts with `/` out of the model's history (its own commands): aider's `/code …` is quoted.
        var work = Session(tool: .claudeCode)
        work.turns = [Turn(role: .assistant, blocks: [.toolCall(ToolCall(id: "g1", name: "Grep", input: #"{"pattern":"TODO"}"#)),
                                                      .toolResult(id: "g1", output: "a.swift:3: TODO", isError: false)]),
                      Turn(role: .user, blocks: [.text("/code add a dark mode toggle")])]
        let restored = ContextRestore.gemini(ContextFile(id: "2026/03/01-todos", title: "Find the TODOs", session: work), sessionID: "s", folder: "/w",
                                             now: Date(timeIntervalSince1970: 1_700_000_000))
        let started = try #require(JSON.object(Data(restored.utf8))?["messages"] as? [[String: Any]])
        #expect(started.map { $0["type"] as? String ?? "" } == ["user", "gemini", "user"])
        #expect(texts(started[0]) == ["Restored by folio from claude-code: Find the TODOs"])
        #expect(texts(started[2]) == ["> /code add a dark mode toggle"])
    }

    @Test func aContextWithoutMessagesIsNotWrittenAsAGeminiSession() throws {
        let (folder, lib) = try library()
        defer { withExtendedLifetime(folder) {} }
        let saved = try lib.saveContext(from: SessionSource(file: Corpus.session("codex", containing: "session-alpha").path), options: ContextSaveOptions())
        #expect(saved.context.session.messageCount == 0)
        let error = #expect(throws: FolioError.self) { try lib.restoreContext(saved.context.id, for: .gemini, write: true) }
        #expect(error?.message.contains("restore it as a brief: folio context restore \(saved.context.id)") == true)
        #expect(!FileManager.default.fileExists(atPath: folder.at(".gemini")))
    }

    /// Gemini CLI's current JSONL form, as its chat recorder writes it.
    static let geminiJSONL = [
        #"{"sessionId":"7a1e0c2d-1111-4222-8333-444455556666","projectHash":"abc","startTime":"2026-05-02T10:00:00.000Z","lastUpdated":"2026-05-02T10:00:00.000Z"}"#,
        #"{"id":"m1","timestamp":"2026-05-02T10:00:01.000Z","type":"user","content":[{"text":"Why does the build fail?"}]}"#,
        #"{"id":"m2","timestamp":"2026-05-02T10:00:02.000Z","type":"gemini","content":[{"text":"Let me look."}],"model":"gemini-2.5-pro"}"#,
        // The same message again, now with its tool call and result.
        #"{"id":"m2","timestamp":"2026-05-02T10:00:02.000Z","type":"gemini","content":[{"text":"Let me look."}],"model":"gemini-2.5-pro","toolCalls":[{"id":"run_shell_command-1","name":"run_shell_command","args":{"command":"make"},"status":"error","timestamp":"2026-05-02T10:00:03.000Z","resultDisplay":"make: *** [all] Error 2"}],"tokens":{"input":120,"output":30,"cached":0,"total":150}}"#,
        #"{"id":"m3","timestamp":"2026-05-02T10:00:04.000Z","type":"user","content":[{"text":"never mind, try again"}]}"#,
        #"{"$rewindTo":"m3"}"#,
        #"{"id":"m4","timestamp":"2026-05-02T10:00:05.000Z","type":"gemini","content":[{"text":"The Makefile calls a missing script."}],"model":"gemini-2.5-pro"}"#,
        #"{"$set":{"summary":"Build failure in make","lastUpdated":"2026-05-02T10:00:06.000Z"}}"#,
        #"{"id":"m5","timestamp":"2026-05-02T10:00:06.000Z","type":"info","content":"Session saved."}"#,
        "",
    ].joined(separator: "\n")

    @Test func geminiCLIsJSONLSessionsAreReadWithTheirUpdatesAndRewinds() throws {
        let folder = TemporaryFolder("gemini")
        let path = folder.at("session-2026-05-02T10-00-7a1e0c2d.jsonl")
        try Self.geminiJSONL.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(SessionImporters.detect(path) == .gemini)
        let session = try GeminiImporter.read(path)
        #expect(session.sessionID == "7a1e0c2d-1111-4222-8333-444455556666")
        #expect(session.title == "Build failure in make")
        #expect(session.updated == Timestamps.parse("2026-05-02T10:00:06.000Z"))
        #expect(conversation(session) == [
            "user: Why does the build fail?",
            "assistant: Let me look. | call run_shell_command-1 run_shell_command {\"command\":\"make\"} | result run_shell_command-1 error: make: *** [all] Error 2",
            "assistant: The Makefile calls a missing script.",
        ])
        #expect(session.inputTokens == 120 && session.models == ["gemini-2.5-pro"])
        // A `$set` with the whole message list replaces the messages.
        try (Self.geminiJSONL + #"{"$set":{"messages":[{"id":"n1","timestamp":"2026-05-02T11:00:00.000Z","type":"user","content":"Start over"}]}}"# + "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(conversation(try GeminiImporter.read(path)) == ["user: Start over"])
    }

    @Test func currentGeminiCLIFoldersAreWhereSessionsAreFoundAndRestored() throws {
        let (folder, lib) = try library()
        // Gemini CLI since early 2026: projects.json gives the folder a short id, its tmp folder says whose it is.
        let gemini = folder.at(".gemini")
        try FileManager.default.createDirectory(atPath: gemini + "/tmp/shop/chats", withIntermediateDirectories: true)
        try #"{"projects":{"\#(lib.projectFolder)":"shop"}}"#.write(toFile: gemini + "/projects.json", atomically: true, encoding: .utf8)
        try lib.projectFolder.write(toFile: gemini + "/tmp/shop/.project_root", atomically: true, encoding: .utf8)
        let session = gemini + "/tmp/shop/chats/session-2026-05-02T10-00-7a1e0c2d.jsonl"
        try Self.geminiJSONL.write(toFile: session, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3_600)], ofItemAtPath: session)
        #expect(try lib.locateSession(SessionSource(tool: .gemini)).path == session)
        let saved = try lib.saveContext(from: SessionSource(tool: .gemini), options: ContextSaveOptions())
        #expect(saved.context.title == "Build failure in make")

        // Restored where that Gemini CLI lists the folder's sessions; not taken for the latest session while nobody
        // continued it.
        let restored = try #require(try lib.restoreContext(saved.context.id, for: .gemini, write: true, newSessionID: "9b8c7d6e-1111-4222-8333-444455556666").writtenPath)
        #expect(restored.hasPrefix(gemini + "/tmp/shop/chats/session-"))
        #expect(try lib.locateSession(SessionSource(tool: .gemini)).path == session)
        // Named by id, it is read.
        #expect(try lib.locateSession(SessionSource(tool: .gemini, sessionID: "9b8c7d6e")).path == restored)
        // A Gemini CLI that resumes it goes on in a .jsonl beside it: that is the latest session.
        let continued = String(restored.dropLast(".json".count)) + ".jsonl"
        try ([#"{"sessionId":"9b8c7d6e-1111-4222-8333-444455556666","projectHash":"x","startTime":"2023-11-14T22:13:20Z","lastUpdated":"2026-05-03T09:00:00Z"}"#,
              #"{"id":"k1","timestamp":"2026-05-03T09:00:00.000Z","type":"user","content":[{"text":"and now the tests"}]}"#].joined(separator: "\n") + "\n")
            .write(toFile: continued, atomically: true, encoding: .utf8)
        #expect(try lib.locateSession(SessionSource(tool: .gemini)).path == continued)
        // An older Gemini CLI writes its new messages into the .json itself: then it is a session like any other.
        try FileManager.default.removeItem(atPath: continued)
        var document = try #require(JSON.object(try Data(contentsOf: URL(fileURLWithPath: restored))))
        document["messages"] = (document["messages"] as? [[String: Any]] ?? []) + [["id": "k2", "timestamp": "2026-05-03T09:00:00Z", "type": "user", "content": "and now the tests"]]
        try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: restored))
        #expect(try lib.locateSession(SessionSource(tool: .gemini)).path == restored)

        // A folder projects.json does not name (or names for another folder) is under its hash, as before.
        try #"{"projects":{"/elsewhere":"shop"}}"#.write(toFile: gemini + "/projects.json", atomically: true, encoding: .utf8)
        #expect(GeminiImporter.chatFolders(project: lib.projectFolder, gemini: gemini) == [gemini + "/tmp/" + GeminiImporter.projectHash(lib.projectFolder) + "/chats"])
        // GEMINI_CLI_HOME moves Gemini CLI's folder.
        #expect(GeminiImporter.folder(variables: ["GEMINI_CLI_HOME": "/srv/ada"], home: "/home/ada") == "/srv/ada/.gemini")
    }

    @Test func aContextRestoredForCopilotIsAPromptFileHoldingTheBrief() throws {
        let (folder, lib) = try library()
        defer { withExtendedLifetime(folder) {} }
        // A conversation about templates: its braces and Copilot's own input syntax are text in the brief.
        let transcript = folder.at("templates.md")
        try "User: Why does {{name}} render empty in the greeting template?\n\nAssistant: The variable is declared as ${input:name} in the Copilot file; folio's {{name}} needs a value.\n"
            .write(toFile: transcript, atomically: true, encoding: .utf8)
        let saved = try lib.saveContext(from: SessionSource(file: transcript), options: ContextSaveOptions())
        let brief = try lib.restoreContext(saved.context.id, for: .brief).text
        let restored = try lib.restoreContext(saved.context.id, for: .copilot, write: true)
        let written = try #require(restored.writtenPath)
        #expect(written == lib.projectFolder + "/.github/prompts/folio-context-why-does-name-render.prompt.md")
        #expect(restored.resumeCommand == nil)
        let text = try String(contentsOfFile: written, encoding: .utf8)
        #expect(text.hasPrefix("---\ndescription: \"folio context: \(saved.context.title)\"\n"))
        #expect(text.contains("\nagent: \"agent\"\n"))
        // The brief is there as written: Copilot reads the body as text.
        #expect(text.hasSuffix("---\n" + brief))
        #expect(text.contains("Why does {{name}} render empty"))

        // folio's own importer takes it for a Copilot prompt file, and the prompt renders to the brief.
        let imported = try lib.importPrompts([written])
        #expect(imported.imported.first?.format == .copilotPrompts)
        #expect(imported.imported.first?.prompt.description == "folio context: \(saved.context.title)")
        #expect(try lib.render(try PromptID("folio-context-why-does-name-render")).text == brief)
        // Never over an existing file.
        #expect(throws: FolioError.self) { try lib.restoreContext(saved.context.id, for: .copilot, write: true) }
    }
}
