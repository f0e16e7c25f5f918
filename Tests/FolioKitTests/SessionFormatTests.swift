import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// A fixture of Tests/Fixtures, named after the test that reads it.
func fixture(_ name: String) -> String { packageRoot.appendingPathComponent("Tests/Fixtures/" + name).path }

func utc(_ text: String) -> Date { Timestamps.parse(text)! }

/// VS Code Copilot Chat sessions, in both forms VS Code writes.
@Suite struct CopilotImportTests {
    @Test func copilotChatJSONHasTurnsToolCallsAndModel() throws {
        let session = try CopilotImporter.read(fixture("copilotChatJSONHasTurnsToolCallsAndModel.json"))
        #expect(session.tool == .copilot)
        #expect(session.sessionID == "6f1e2b6a-0d7c-4c1e-9a55-3f0b8e2d4c11")
        #expect(session.title == "Login test on CI")
        #expect(session.created == utc("2026-01-01T09:59:50Z") && session.updated == utc("2026-01-01T10:05:06Z"))
        #expect(session.turns.map(\.role) == [.user, .assistant, .user, .assistant])
        #expect(session.turns[0].text == "Why does the login test fail on CI?")
        #expect(session.turns[0].time == utc("2026-01-01T10:00:00Z"))
        // The answer as it streamed: text (with the file it named), thinking, calls with their results, text.
        let answer = session.turns[1]
        #expect(answer.model == "claude-sonnet-4" && answer.time == utc("2026-01-01T10:00:12Z"))
        #expect(answer.text == "Let me look at `test_login.py` first.\n\nThe test waits 1 second for the redirect; CI is slower. I raised the timeout to 5 seconds.")
        #expect(answer.blocks.contains(.thinking("The test probably waits for the page longer than CI allows.")))
        #expect(session.toolCalls.map(\.name) == ["read_file", "run_in_terminal", "edit_file", "manage_todo_list"])
        // Arguments as the model sent them, matched by id across the `__vscode` suffix.
        #expect(session.toolCalls[0].input == #"{"filePath":"/home/ada/shop/tests/test_login.py","endLine":40,"startLine":1}"#)
        #expect(answer.blocks.contains(.toolResult(id: "toolu_01RdLogin", output: "import pytest\nTIMEOUT = 1\n\ndef test_login(page):\n    page.wait_for_url(\"/home\", timeout=TIMEOUT)\n", isError: false)))
        // A terminal's output and failing exit code when the model's result was not kept.
        #expect(answer.blocks.contains(.toolResult(id: "toolu_02RunTest", output: "F\n1 failed in 1.02s", isError: true)))
        let activity = SessionActivity(session.toolCalls)
        #expect(activity.commands == ["pytest tests/test_login.py -q"])
        #expect(activity.files == [SessionActivity.FileTouch(path: "/home/ada/shop/tests/test_login.py", action: .edit)])
        // The todo list is the session's tasks; its call (an older id VS Code made up) is matched in order.
        #expect(session.tasks.map(\.content) == ["Raise the login timeout", "Run the suite on CI", "Remove the retry decorator"])
        #expect(session.tasks.map(\.status) == [.completed, .inProgress, .pending])
        #expect(session.toolCalls[3].input.hasPrefix(#"{"operation":"write""#))
        #expect(session.turns[3].model == "gpt-4.1" && session.turns[3].time == utc("2026-01-01T10:05:06Z"))
        #expect(session.models == ["claude-sonnet-4", "gpt-4.1"])
    }

    @Test func copilotChangeLogReplaysToTheSameChat() throws {
        // The log sets, appends (cutting streamed text back first), deletes; a broken line, a kind folio does not
        // know and a path that leads nowhere change nothing.
        let log = try CopilotImporter.read(fixture("copilotChangeLogReplaysToTheSameChat.jsonl"))
        let document = try CopilotImporter.read(fixture("copilotChatJSONHasTurnsToolCallsAndModel.json"))
        #expect(log.turns == document.turns)
        #expect(log.tasks == document.tasks)
        #expect(log.sessionID == document.sessionID && log.title == "Login test on CI")
        #expect(log.created == document.created && log.updated == document.updated)
        let replayed = try #require(try CopilotImporter.replay(fixture("copilotChangeLogReplaysToTheSameChat.jsonl")))
        #expect((replayed["inputState"] as? [String: Any])?["inputText"] as? String == "Keep a todo")
        #expect(((replayed["requests"] as? [[String: Any]])?.first?["vote"]) == nil)
    }

    @Test func copilotSessionsOfThisRepositoryAreFoundInTheWorkspaceStorage() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        let appData = TemporaryFolder("vscode")
        let variables = ["VSCODE_APPDATA": appData.path]
        func workspace(_ product: String, _ hash: String, folder: String, sessions: [(String, String, TimeInterval)]) throws {
            let base = appData.at("\(product)/User/workspaceStorage/\(hash)")
            appData.write("\(product)/User/workspaceStorage/\(hash)/workspace.json",
                          #"{"folder":"\#(URL(fileURLWithPath: folder).absoluteString)"}"#)
            for (name, text, age) in sessions {
                appData.write("\(product)/User/workspaceStorage/\(hash)/chatSessions/\(name)", text)
                try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -age)], ofItemAtPath: base + "/chatSessions/" + name)
            }
        }
        let chat = try String(contentsOfFile: fixture("copilotChangeLogReplaysToTheSameChat.jsonl"), encoding: .utf8)
        let older = try String(contentsOfFile: fixture("copilotChatJSONHasTurnsToolCallsAndModel.json"), encoding: .utf8)
        // This repository's chats (Code - Insiders has one too); a newer empty chat, and a newer chat of another folder.
        try workspace("Code", "a1b2c3", folder: folder.path, sessions: [("6f1e2b6a.jsonl", chat, 600), ("empty.json", #"{"version":3,"requests":[]}"#, 10)])
        try workspace("Code - Insiders", "d4e5f6", folder: folder.path + "/web", sessions: [("0a0b0c0d.json", older, 1_200)])
        try workspace("Code", "ffffff", folder: "/somewhere/else", sessions: [("other.json", older, 5)])
        let found = try Library.open(explicitPath: folder.path, environment: environment(folder.path, extra: variables))
        #expect(Set(found.sessionFiles(of: .copilot).map { ($0 as NSString).lastPathComponent }) == ["6f1e2b6a.jsonl", "0a0b0c0d.json"])
        let latest = try found.locateSession(SessionSource(tool: .copilot))
        #expect(latest.path.hasSuffix("/Code/User/workspaceStorage/a1b2c3/chatSessions/6f1e2b6a.jsonl"))
        #expect(try found.locateSession(SessionSource(tool: .copilot, sessionID: "0a0b0c0d")).path.hasSuffix("0a0b0c0d.json"))
        // Saved, it knows the folder it ran in (from workspace.json) and its tool.
        let outcome = try found.saveContext(from: SessionSource(tool: .copilot), options: ContextSaveOptions())
        #expect(outcome.context.folder == ".")
        #expect(outcome.context.title == "Login test on CI")
        #expect(outcome.context.id == "2026/01/01-login-test-ci")
        #expect(try found.context(outcome.context.id).session.tool == .copilot)
        _ = library
    }
}

/// What a tool may leave out or add later, and very long lines.
@Suite struct SessionFormatToleranceTests {
    @Test func copilotChatsWithMissingFieldsUnknownPartsAndHugeLinesStillRead() throws {
        let folder = TemporaryFolder("copilot-tolerance")
        let huge = String(repeating: "x", count: 3_000_000)
        // No session fields, a request without a message, parts that are not objects or of kinds folio does not know,
        // a tool part with nothing but its kind, an older `markdownContent` part, a message as a plain string.
        folder.write("chat.json", """
            {"requests": [
              {"response": [{"value": "orphan answer"}]},
              {"message": "plain string request", "timestamp": 1767261600000, "response": [
                 7, null, {"kind": "somethingNew", "value": 1}, {"kind": "toolInvocationSerialized"},
                 {"kind": "markdownContent", "content": {"value": "older markdown"}}, {"kind": "thinking"},
                 {"kind": "inlineReference", "inlineReference": {"name": "Parser", "kind": 5, "location": {"uri": {"path": "/a/Parser.swift"}}}}]},
              {"message": {"text": "huge"}, "response": [{"value": "\(huge)"}], "result": {"errorDetails": {"message": "ignored: there is an answer"}}},
              {"message": {"text": "failed"}, "response": [], "result": {"errorDetails": {"message": "Rate limit exceeded"}}}
            ]}
            """)
        let session = try CopilotImporter.read(folder.at("chat.json"))
        #expect(session.turns.map(\.role) == [.assistant, .user, .assistant, .user, .assistant, .user, .assistant])
        #expect(session.turns[1].text == "plain string request")
        #expect(session.turns[2].text == "older markdown`Parser`")
        #expect(session.turns[2].blocks.contains(.toolCall(ToolCall(id: "", name: "tool", input: "{}"))))
        #expect(session.turns[4].text.count == huge.count)
        #expect(session.turns[6].text == "Error: Rate limit exceeded")
        #expect(session.sessionID == "chat")
        // A log: a first line of 3 MB, a change before any whole document, lines that are not JSON.
        folder.write("log.jsonl", "{\"kind\":1,\"k\":[\"requests\"],\"v\":[]}\nnot json\n{\"kind\":0,\"v\":{\"requests\":[{\"message\":{\"text\":\"\(huge)\"}}]}}\n"
                     + "{\"kind\":2,\"k\":[\"requests\",0,\"response\"],\"v\":[{\"value\":\"answer\"}]}\n{\"kind\":2,\"k\":[\"nowhere\",3],\"v\":[1]}\n")
        let log = try CopilotImporter.read(folder.at("log.jsonl"))
        #expect(log.turns.map(\.role) == [.user, .assistant])
        #expect(log.turns[0].text.count == huge.count && log.turns[1].text == "answer")
        // A log with no whole document is refused, saying what was expected.
        folder.write("empty.jsonl", "{\"kind\":1,\"k\":[\"x\"],\"v\":1}\n")
        let error = try #require(throws: FolioError.self) { try CopilotImporter.read(folder.at("empty.jsonl")) }
        #expect(error.message.contains("not a VS Code chat session log"))
    }

    @Test func specstoryHistoriesThatEndMidBlockOrUseCRLFStillRead() throws {
        let huge = String(repeating: "y", count: 2_000_000)
        let text = [
            "<!-- Generated by SpecStory -->", "", "# Untitled (2025-04-24 13:10:01)", "",
            "_**User**_", "", "first request", "", "---", "",
            "_**Note**_ is not a speaker", "",
            "_**Assistant**_", "", huge, "",
            "<tool-use data-tool-type=\"shell\" data-tool-name=\"Bash\"><details>", "<summary>Tool use: **Bash**</summary>",
            "```bash", "ls", "```", "",
            "_**User (2025-04-24 13:12:00)**_", "", "the block above never closed; this is still a turn", "",
            "_**Assistant**_", "", "```", "a fence that never closes", "_**User**_",
        ].joined(separator: "\r\n")
        let session = SpecStoryImporter.parse(text)
        #expect(session.title == nil)
        #expect(session.turns.map(\.role) == [.user, .assistant, .user, .assistant])
        #expect(session.turns[0].text == "first request\n\n_**Note**_ is not a speaker")
        #expect(session.turns[1].text.count == huge.count)
        #expect(session.toolCalls.map(\.name) == ["Bash"] && SessionActivity(session.toolCalls).commands == ["ls"])
        #expect(session.turns[2].text == "the block above never closed; this is still a turn" && session.turns[2].time == utc("2025-04-24T13:12:00Z"))
        #expect(session.turns[3].text.hasSuffix("_**User**_"))
        #expect(session.created == utc("2025-04-24T13:10:01Z"))
        // Not SpecStory at all: read without a turn, never a crash.
        #expect(SpecStoryImporter.parse("just notes\n").turns.isEmpty)
    }
}

/// SpecStory's Markdown histories, in the layouts its extension and CLI have written.
@Suite struct SpecStoryImportTests {
    @Test func specstoryCLIHistoryHasTurnsTimesToolsAndModel() throws {
        let session = try SpecStoryImporter.read(fixture("specstoryCLIHistoryHasTurnsTimesToolsAndModel.md"))
        #expect(session.tool == .specstory)
        #expect(session.sessionID == "1c9e7a52-3f4b-4d8e-b2a1-6e0f5c7d9a31")
        // The heading is only a time: the title is left to the first request.
        #expect(session.title == nil)
        #expect(ContextNaming.title(of: session) == "The price filter drops items that cost exactly the maximum. Fix it.")
        #expect(session.turns.map(\.role) == [.user, .assistant, .assistant, .assistant, .assistant, .assistant, .user])
        #expect(session.turns.map(\.time) == ["14:05:10", "14:05:16", "14:05:18", "14:05:25", "14:05:40", "14:05:52", "14:07:03"]
            .map { utc("2026-03-02T\($0)Z") })
        #expect(session.created == utc("2026-03-02T14:05:10Z") && session.updated == utc("2026-03-02T14:07:03Z"))
        #expect(session.models == ["claude-sonnet-4-5-20250929"])
        #expect(session.turns[1].model == "claude-sonnet-4-5-20250929")
        // Tool blocks are calls: the command and the file they name, and what they returned.
        #expect(session.toolCalls.map(\.name) == ["Bash", "Read", "Edit"])
        #expect(session.toolCalls[0].input == #"{"command":"pytest tests/test_filter.py -q","description":"Run the filter tests"}"#)
        #expect(session.turns[2].blocks.last == .toolResult(id: session.toolCalls[0].id, output: "F.\n1 failed, 1 passed in 0.08s", isError: false))
        #expect(session.toolCalls[1].input == #"{"file_path":"shop/filter.py"}"#)
        #expect(SessionActivity(session.toolCalls).commands == ["pytest tests/test_filter.py -q"])
        #expect(SessionActivity(session.toolCalls).files.map(\.path) == ["shop/filter.py"])
        // A header inside a code block is text; a subagent's turns are counted, not kept.
        #expect(session.turns[5].text.contains("_**User**_ is not a turn inside a code block"))
        #expect(session.sidechainMessages == 2)
        #expect(session.turns.last?.text == "Thanks. Run the whole suite too.")
    }

    @Test func specstoryCursorHistoryHasToolBlocksThinkingAndItsName() throws {
        let session = try SpecStoryImporter.read(fixture("specstoryCursorHistoryHasToolBlocksThinkingAndItsName.md"))
        #expect(session.sessionID == "4b2d8f10-7c3e-4a59-8e61-0d9c2b7a5f44")
        #expect(session.title == "Remove the legacy coupon code")
        #expect(session.created == utc("2025-12-04T09:12:00Z") && session.updated == utc("2025-12-04T09:20:00Z"))
        #expect(session.turns.map(\.role) == [.user, .assistant, .user, .assistant])
        #expect(session.turns[1].model == "claude-4.5-sonnet-thinking" && session.turns[1].time == nil)
        #expect(session.turns[1].blocks.first == .thinking("The legacy path lives in checkout. I should grep for it before editing."))
        #expect(session.turns[1].text == "Found it in checkout; removing it now.")
        #expect(session.toolCalls.map(\.name) == ["grep", "read_file", "search_replace", "run_terminal_cmd"])
        #expect(session.toolCalls[0].input == #"{"description":"Grep for \"legacy_coupon\" • 2 matches"}"#)
        // The summary's HTML escapes are undone.
        #expect(session.toolCalls[3].input == #"{"command":"cd /home/ada/shop && pytest -q","description":"Run command: cd /home/ada/shop && pytest -q"}"#)
        let results = session.turns[1].blocks.compactMap { if case .toolResult(_, let output, _) = $0 { output } else { nil } }
        #expect(results.contains("12 passed in 0.41s"))
        #expect(results.contains { $0.contains("-     if cart.legacy_coupon:") })
        let activity = SessionActivity(session.toolCalls)
        #expect(activity.files == [SessionActivity.FileTouch(path: "/home/ada/shop/shop/checkout.py", action: .edit)])
        #expect(activity.commands == ["cd /home/ada/shop && pytest -q"])
    }

    @Test func specstoryOldestHistoryReadsItsSections() throws {
        let session = try SpecStoryImporter.read(fixture("specstoryOldestHistoryReadsItsSections.md"))
        #expect(session.title == "Make the banner responsive")
        #expect(session.created == utc("2025-03-11T20:11:06Z"))
        // `_****_` sections are the assistant's; an empty user turn is dropped.
        #expect(session.turns.map(\.role) == [.user, .assistant, .user, .assistant])
        #expect(session.turns[1].text.hasPrefix("I'll read the stylesheet first.\n\nRead file: src/banner.css"))
        #expect(session.turns[1].text.hasSuffix("The banner now spans the screen on phones."))
        #expect(session.toolCalls.map(\.name) == ["run_terminal_cmd"])
        #expect(SessionActivity(session.toolCalls).commands == ["npm run build"])
        #expect(session.turns[2].text == "and center the logo")
        // No session id in the file: it is known by its name.
        #expect(session.sessionID == "specstoryOldestHistoryReadsItsSections.md")
    }

    @Test(arguments: [
        ("2025-12-02 12:49Z", "2025-12-02T12:49:00Z"), ("2026-07-13 13:40:49Z", "2026-07-13T13:40:49Z"),
        ("2025-11-13 21:12:14-0700", "2025-11-14T04:12:14Z"), ("2025-04-24 13:10:01", "2025-04-24T13:10:01Z"),
        ("2025-12-09_09-48-20Z", "2025-12-09T09:48:20Z"), ("3/11/2025, 8:11:06 PM", "2025-03-11T20:11:06Z"),
        ("12/1/2025, 12:05:00 AM", "2025-12-01T00:05:00Z"),
    ])
    func specstoryTimesOfEveryVersionAreRead(_ text: String, _ expected: String) {
        #expect(SpecStoryImporter.time(text) == utc(expected))
    }

    @Test func specstoryTimesThatAreNotTimesAreNot() {
        for text in ["claude-opus-4-8", "mode Agent", "2025-13-01 10:00Z", "Untitled", ""] { #expect(SpecStoryImporter.time(text) == nil, "\(text)") }
        #expect(SpecStoryImporter.fileNameTime("2025-12-02_12-49Z-remove-coupons.md") == utc("2025-12-02T12:49:00Z"))
        #expect(SpecStoryImporter.fileNameTime("2026-07-13_13-40-49Z-fix-filter.md") == utc("2026-07-13T13:40:49Z"))
        #expect(SpecStoryImporter.fileNameTime("notes.md") == nil)
    }

    @Test func specstoryLatestHistoryOfThisRepositoryIsFoundAndSavedAgainInPlace() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        for (name, source, age) in [("2025-03-11_20-11Z-banner.md", "specstoryOldestHistoryReadsItsSections.md", 7_200.0),
                                    ("2025-12-04_09-12Z-remove-legacy-coupon.md", "specstoryCursorHistoryHasToolBlocksThinkingAndItsName.md", 60)] {
            folder.write(".specstory/history/" + name, try String(contentsOfFile: fixture(source), encoding: .utf8))
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -age)], ofItemAtPath: folder.at(".specstory/history/" + name))
        }
        let located = try library.locateSession(SessionSource(tool: .specstory))
        #expect(located.path.hasSuffix("/.specstory/history/2025-12-04_09-12Z-remove-legacy-coupon.md"))
        let first = try library.saveContext(from: SessionSource(tool: .specstory), options: ContextSaveOptions())
        #expect(first.context.id == "2025/12/04-remove-legacy-coupon-code")
        #expect(first.context.session.tool == .specstory)
        // SpecStory rewrites the file as the chat goes on: the same context is updated.
        folder.write(".specstory/history/2025-12-04_09-12Z-remove-legacy-coupon.md",
                     try String(contentsOfFile: fixture("specstoryCursorHistoryHasToolBlocksThinkingAndItsName.md"), encoding: .utf8)
                        + "\n_**User (2025-12-04 09:31Z)**_\n\nand bump the version\n\n---\n")
        let again = try library.saveContext(from: SessionSource(tool: .specstory), options: ContextSaveOptions())
        #expect(again.updated && again.change.changed && again.context.id == first.context.id)
        #expect(try library.context(first.context.id).session.updated == utc("2025-12-04T09:31:00Z"))
        // The oldest file, named: its time comes from its heading.
        let oldest = try library.saveContext(from: SessionSource(file: folder.at(".specstory/history/2025-03-11_20-11Z-banner.md")), options: ContextSaveOptions())
        #expect(oldest.context.id == "2025/03/11-make-banner-responsive")
    }
}

/// Claude Code files that are not a whole session's JSONL.
@Suite struct ClaudeCodeFormatTests {
    @Test func claudeCodeSubagentFileOnItsOwnIsThatAgentsConversation() throws {
        // Named as Claude Code 2 names it, beside its .meta.json.
        let folder = TemporaryFolder("subagent")
        let parent = "8a4f1b2c-5d6e-4f70-9a81-b2c3d4e5f607"
        folder.write("\(parent)/subagents/agent-a3f9c2e1.jsonl",
                     try String(contentsOfFile: fixture("claudeCodeSubagentFileOnItsOwnIsThatAgentsConversation.jsonl"), encoding: .utf8))
        folder.write("\(parent)/subagents/agent-a3f9c2e1.meta.json", #"{"agentType":"Explore","description":"Find the callers of in_range"}"#)
        let session = try ClaudeCodeImporter.read(folder.at("\(parent)/subagents/agent-a3f9c2e1.jsonl"))
        #expect(session.sessionID == "a3f9c2e1" && session.parentSessionID == parent)
        #expect(session.title == "Find the callers of in_range")
        #expect(session.turns.map(\.role) == [.user, .assistant, .assistant, .assistant])
        #expect(session.toolCalls.map(\.name) == ["Grep", "Read"])
        #expect(session.models == ["claude-haiku-4-5-20251001"])
        #expect(session.inputTokens == 312 + 308 + 325 && session.outputTokens == 75)
        #expect(session.created == utc("2026-03-02T14:05:20.100Z"))

        // On its own under another name (an older agent-<id>.jsonl, or a copy): the same conversation; its title is
        // its first prompt, and its parent is the session its records name.
        let alone = try ClaudeCodeImporter.read(fixture("claudeCodeSubagentFileOnItsOwnIsThatAgentsConversation.jsonl"))
        #expect(alone.turns == session.turns)
        #expect(alone.sessionID == "a3f9c2e1" && alone.parentSessionID == parent && alone.title == nil)

        // Saved, its context names the parent session, and reads back.
        let (libraryFolder, library) = try makeLibrary()
        defer { withExtendedLifetime(libraryFolder) {} }
        let outcome = try library.saveContext(from: SessionSource(file: fixture("claudeCodeSubagentFileOnItsOwnIsThatAgentsConversation.jsonl")),
                                              options: ContextSaveOptions())
        #expect(outcome.context.title == "Find every caller of in_range in the shop package and say which file…")
        let text = try library.contextText(outcome.context.id)
        #expect(text.contains("source:\n  tool: \"claude-code\"\n  version: \"2.0.46\"\n  session: \"a3f9c2e1\"\n  parent: \"\(parent)\"\n"))
        #expect(try library.context(outcome.context.id).session.parentSessionID == parent)
        #expect(try library.lint(paths: [outcome.context.relativePath]).findings.isEmpty)
    }

    @Test func claudeCodeLoglinesJSONReadsLikeItsJSONL() throws {
        let path = fixture("claudeCodeLoglinesJSONReadsLikeItsJSONL.json")
        let session = try ClaudeCodeImporter.read(path)
        #expect(session.sessionID == "2e7d9c41-6a5b-4f38-8c12-9d0e1f2a3b4c")
        #expect(session.title == "Inclusive upper bound in the price filter")
        #expect(session.turns.map(\.role) == [.user, .assistant, .assistant, .assistant])
        #expect(session.toolCalls.map(\.name) == ["Edit", "Bash"])
        #expect(session.inputTokens == 60 && session.outputTokens == 25)
        // The same records as JSONL lines read the same, and so does a JSONL line holding the whole object.
        let records = try #require(JSON.object(Data(contentsOf: URL(fileURLWithPath: path)))?["loglines"] as? [[String: Any]])
        let folder = TemporaryFolder("loglines")
        folder.write("session.jsonl", try records.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }.joined(separator: "\n"))
        folder.write("wrapped.jsonl", String(decoding: try JSONSerialization.data(withJSONObject: ["loglines": records]), as: UTF8.self))
        for other in ["session.jsonl", "wrapped.jsonl"] {
            let read = try ClaudeCodeImporter.read(folder.at(other))
            #expect(read.turns == session.turns && read.inputTokens == session.inputTokens && read.title == session.title, "\(other)")
        }
        folder.write("not-loglines.json", #"{"something": "else"}"#)
        #expect(throws: FolioError.self) { try ClaudeCodeImporter.read(folder.at("not-loglines.json")) }
    }
}

/// Every format folio reads, told apart by content.
@Suite struct SessionDetectionTests {
    @Test(arguments: [
        ("copilotChatJSONHasTurnsToolCallsAndModel.json", Session.Tool.copilot),
        ("copilotChangeLogReplaysToTheSameChat.jsonl", .copilot),
        ("specstoryCLIHistoryHasTurnsTimesToolsAndModel.md", .specstory),
        ("specstoryCursorHistoryHasToolBlocksThinkingAndItsName.md", .specstory),
        ("specstoryOldestHistoryReadsItsSections.md", .specstory),
        ("claudeCodeSubagentFileOnItsOwnIsThatAgentsConversation.jsonl", .claudeCode),
        ("claudeCodeLoglinesJSONReadsLikeItsJSONL.json", .claudeCode),
    ])
    func formatsAreDetectedByContentAndSaveAndReadBack(_ name: String, _ tool: Session.Tool) throws {
        // Under a name that says nothing, outside any tool's folder.
        let folder = TemporaryFolder("detect")
        let plain = folder.at("session." + (name as NSString).pathExtension)
        try FileManager.default.copyItem(atPath: fixture(name), toPath: plain)
        #expect(SessionImporters.detect(plain) == tool)
        let (libraryFolder, library) = try makeLibrary()
        defer { withExtendedLifetime(libraryFolder) {} }
        let outcome = try library.saveContext(from: SessionSource(file: plain), options: ContextSaveOptions())
        #expect(outcome.context.session.tool == tool)
        let reread = try library.context(outcome.context.id)
        #expect(reread.session.turns.map(\.role) == outcome.context.session.turns.map(\.role))
        #expect(reread.session.toolCalls.map(\.name) == outcome.context.session.toolCalls.map(\.name))
        #expect(try library.lint(paths: [outcome.context.relativePath]).findings.map(\.text) == [])
    }

    @Test func theCorpusIsStillDetectedAsItsTool() {
        for url in Corpus.sessionFiles {
            let tool = url.deletingLastPathComponent().lastPathComponent
            #expect(SessionImporters.detect(url.path).rawValue == tool, "\(url.lastPathComponent)")
        }
    }

    @Test func notesAreStillMarkdown() {
        let folder = TemporaryFolder("notes")
        folder.write("notes.md", "# Refactor notes\n\nUser: split the parser\nAssistant: done\n")
        #expect(SessionImporters.detect(folder.at("notes.md")) == .markdown)
    }
}
