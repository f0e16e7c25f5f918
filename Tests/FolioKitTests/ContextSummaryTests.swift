import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// The summary folio writes for a session whose tool gave none.
@Suite struct ContextSummaryTests {
    static let folder = "/home/ada/work/shop"

    /// A Claude Code session, as Claude Code writes it, of someone fixing a flaky test: a failing run, a cause
    /// found, a fix that did not work and was reverted, the fix that did, a plan with open tasks.
    static func flakyLoginSession() throws -> String {
        var records: [[String: Any]] = []
        var parent: String?
        var clock = 0
        func add(_ type: String, _ content: Any, isError: Bool = false) {
            clock += 1
            let uuid = "r\(clock)"
            var message: [String: Any] = ["role": type, "content": content]
            if type == "assistant" {
                message["id"] = "msg_\(clock)"
                message["model"] = "claude-sonnet-4-5"
                message["usage"] = ["input_tokens": 100, "output_tokens": 20]
            }
            records.append(["type": type, "uuid": uuid, "parentUuid": parent ?? NSNull(), "sessionId": "5f1d7a0e-1111-4222-8333-444455556666",
                            "cwd": folder, "version": "2.0.14", "timestamp": String(format: "2026-03-01T09:%02d:00Z", clock), "message": message])
            parent = uuid
        }
        func call(_ id: String, _ name: String, _ input: [String: Any], text: String? = nil) {
            var content: [[String: Any]] = []
            if let text { content.append(["type": "text", "text": text]) }
            content.append(["type": "tool_use", "id": id, "name": name, "input": input])
            add("assistant", content)
        }
        func result(_ id: String, _ output: String, isError: Bool = false) {
            add("user", [["type": "tool_result", "tool_use_id": id, "content": output, "is_error": isError]])
        }
        let failing = (1...40).map { "Test Case 'LoginTests.test\($0)' passed (0.010 seconds)." }.joined(separator: "\n")
            + "\n/home/ada/work/shop/Tests/LoginTests.swift:14: error: -[LoginTests testRedirect] : XCTAssertEqual failed: (\"302\") is not equal to (\"200\")"
            + "\nExecuted 12 tests, with 1 failure (0 unexpected) in 0.512 (0.520) seconds"
        add("user", "Fix the flaky login test in Tests/LoginTests.swift: it fails about one run in five on CI.\n\nThe log is attached to the CI run.")
        call("t1", "Bash", ["command": "swift test --filter Login", "description": "Run the login tests"], text: "I'll run the login tests first.")
        result("t1", "Exit code 1\n" + failing, isError: true)
        call("t2", "TodoWrite", ["todos": [["content": "Use a fake clock in LoginTests", "status": "completed", "activeForm": "Using a fake clock"],
                                           ["content": "Remove the sleep from SessionStore", "status": "in_progress", "activeForm": "Removing the sleep"],
                                           ["content": "Document the clock injection in docs/testing.md", "status": "pending", "activeForm": "Documenting"]]],
             text: "The cause is the session cookie expiring before the redirect, because the test sleeps for two seconds of wall time.")
        result("t2", "Todos have been modified successfully.")
        call("t3", "Edit", ["file_path": folder + "/Sources/Auth/Session.swift", "old_string": "return response", "new_string": "return try retry(response)"],
             text: "First, a retry on 302.")
        result("t3", "The file has been updated.")
        call("t4", "Bash", ["command": "swift test --filter Login"])
        result("t4", "Exit code 1\n" + failing, isError: true)
        call("t5", "Bash", ["command": "git checkout -- Sources/Auth/Session.swift"],
             text: "That didn't work: the retry hides the expired cookie instead of fixing it. I'm going back to the test.")
        result("t5", "Updated 1 path from the index")
        call("t6", "Edit", ["file_path": folder + "/Tests/LoginTests.swift", "old_string": "sleep(2)", "new_string": "clock.advance(by: .seconds(2))"],
             text: "I'll use an injected clock instead of sleeping, because the expiry depends on wall time.")
        result("t6", "The file has been updated.")
        call("t7", "Write", ["file_path": folder + "/Sources/Auth/Clock.swift", "content": "protocol Clock { var now: Date { get } }\n"])
        result("t7", "File created successfully at: \(folder)/Sources/Auth/Clock.swift")
        call("t8", "Bash", ["command": "swift test --filter Login"])
        result("t8", (1...12).map { "Test Case 'LoginTests.test\($0)' passed (0.010 seconds)." }.joined(separator: "\n")
               + "\nExecuted 12 tests, with 0 failures (0 unexpected) in 0.401 (0.410) seconds")
        add("assistant", [["type": "text", "text": "Here is what changed:\n\n- `Clock.swift` is new\n- the test advances the clock\n\nThe login tests pass now with the fake clock; next is removing the sleep from SessionStore."]])
        return try records.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
            .joined(separator: "\n") + "\n"
    }

    @Test func aSessionWithoutASummaryGetsOneThatSaysWhatHappened() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.at("5f1d7a0e-1111-4222-8333-444455556666.jsonl")
        try Self.flakyLoginSession().write(toFile: path, atomically: true, encoding: .utf8)
        let saved = try library.saveContext(from: SessionSource(file: path), options: ContextSaveOptions())
        let summary = try #require(saved.context.session.summary)
        let lines = summary.split(separator: "\n").map(String.init)
        func line(_ label: String) -> String { lines.first { $0.hasPrefix("- \(label): ") } ?? "" }
        // The goal: the first request.
        #expect(line("Goal") == "- Goal: Fix the flaky login test in Tests/LoginTests.swift: it fails about one run in five on CI.")
        // What was done: files edited and created (relative to the session's folder), the test command, how often it
        // ran and that it passed at the end, with the runner's counts.
        let done = line("Done")
        #expect(done.contains("Edited `Sources/Auth/Session.swift`, `Tests/LoginTests.swift`; created `Sources/Auth/Clock.swift`."), "\(done)")
        #expect(done.contains("`swift test --filter Login` ran 3 times, failed, then passed at the end (12 passed, 0 failed)."), "\(done)")
        #expect(done.contains("Ran 1 other command: `git checkout -- Sources/Auth/Session.swift`."), "\(done)")
        // The decisions the assistant stated (the cause found, the approach chosen), not the dead end.
        let decisions = line("Decisions")
        #expect(decisions.contains("The cause is the session cookie expiring before the redirect"), "\(decisions)")
        #expect(decisions.contains("I'll use an injected clock instead of sleeping, because the expiry depends on wall time."), "\(decisions)")
        #expect(!decisions.contains("didn't work"))
        // The dead end, in the assistant's words and as the revert it ran.
        let deadEnds = line("Dead ends")
        #expect(deadEnds.contains("That didn't work: the retry hides the expired cookie instead of fixing it."), "\(deadEnds)")
        #expect(deadEnds.contains("Reverted with `git checkout -- Sources/Auth/Session.swift`."), "\(deadEnds)")
        // The plan's open tasks, and where the session stopped: the last message's closing words.
        #expect(line("Open tasks") == "- Open tasks: Remove the sleep from SessionStore (in progress); Document the clock injection in docs/testing.md.")
        #expect(line("Stopped at") == "- Stopped at: The login tests pass now with the fake clock; next is removing the sleep from SessionStore.")
        #expect(Words.split(summary).count <= SessionSummarizer.wordLimit)

        // The context file shows it under ## Summary and keeps it in the frontmatter; the resume brief starts with it.
        let text = try library.contextText(saved.context.id)
        #expect(text.contains("\n## Summary\n\n- Goal: Fix the flaky login test"))
        #expect(try library.context(saved.context.id).session.summary == summary)
        #expect(try library.restoreContext(saved.context.id, for: .brief).text.contains("## Summary\n\n- Goal: Fix the flaky login test"))
        // Saving the session again writes nothing new: the summary is the same.
        #expect(try library.saveContext(from: SessionSource(file: path), options: ContextSaveOptions()).change.changed == false)
    }

    @Test func aSummaryTheToolWroteIsKeptAndOneThatIsOnlyTheTitleIsNot() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        // Markdown notes before the transcript are the session's own summary.
        let notes = folder.at("notes.md")
        try "We moved the parser to a table-driven design.\n\nUser: why is CI red?\n\nAssistant: The lint step fails.\n".write(toFile: notes, atomically: true, encoding: .utf8)
        let own = try library.saveContext(from: SessionSource(file: notes), options: ContextSaveOptions())
        #expect(own.context.session.summary == "We moved the parser to a table-driven design.")
        // A Claude Code `summary` record is the session's title (nothing else gave one): folio writes the summary.
        let titled = folder.at("titled.jsonl")
        try (#"{"type":"summary","summary":"Parser rewrite","leafUuid":"a1"}"# + "\n"
             + #"{"type":"user","uuid":"u1","parentUuid":null,"sessionId":"t1","timestamp":"2026-03-01T09:00:00Z","message":{"role":"user","content":"Rewrite the parser as a table."}}"# + "\n"
             + #"{"type":"assistant","uuid":"a1","parentUuid":"u1","sessionId":"t1","timestamp":"2026-03-01T09:00:05Z","message":{"id":"m1","role":"assistant","model":"claude-x","content":[{"type":"text","text":"The table is in place and every parser test passes."}]}}"# + "\n")
            .write(toFile: titled, atomically: true, encoding: .utf8)
        let saved = try library.saveContext(from: SessionSource(file: titled), options: ContextSaveOptions())
        #expect(saved.context.title == "Parser rewrite")
        #expect(saved.context.session.summary == "- Goal: Rewrite the parser as a table.\n- Stopped at: The table is in place and every parser test passes.")
    }

    @Test func theSummaryIsReadFromTheWholeSessionNotFromWhatTheCutsKeep() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        // `go test ./...` over 40 packages: the one that failed is in the middle of the output, which the context
        // file cuts (it keeps the start and the end, where the later packages passed).
        let packages = (1...40).map { $0 == 20 ? "--- FAIL: TestLogin (0.01s)\n    login_test.go:14: got 302, want 200\nFAIL\texample.com/shop/auth\t0.012s"
                                               : "ok  \texample.com/shop/pkg\($0)\t0.0\($0 % 10)s" }.joined(separator: "\n")
        let session = folder.at("go.jsonl")
        let records: [[String: Any]] = [
            ["type": "user", "uuid": "u1", "parentUuid": NSNull(), "sessionId": "g1", "timestamp": "2026-03-01T09:00:00Z",
             "message": ["role": "user", "content": "Run the whole test suite."]],
            ["type": "assistant", "uuid": "a1", "parentUuid": "u1", "sessionId": "g1", "timestamp": "2026-03-01T09:00:05Z",
             "message": ["id": "m1", "role": "assistant", "model": "claude-x",
                         "content": [["type": "tool_use", "id": "t1", "name": "Bash", "input": ["command": "go test ./..."]]]]],
            ["type": "user", "uuid": "u2", "parentUuid": "a1", "sessionId": "g1", "timestamp": "2026-03-01T09:00:09Z",
             "message": ["role": "user", "content": [["type": "tool_result", "tool_use_id": "t1", "content": packages, "is_error": false]]]],
        ]
        try records.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
            .joined(separator: "\n").write(toFile: session, atomically: true, encoding: .utf8)
        let saved = try library.saveContext(from: SessionSource(file: session), options: ContextSaveOptions())
        let kept = saved.context.session.turns.flatMap(\.blocks).compactMap { if case .toolResult(_, let output, _) = $0 { output } else { nil } }
        #expect(kept.count == 1 && kept.allSatisfy { $0.contains("characters cut") && !$0.contains("FAIL") }, "the failing package is cut out: \(kept)")
        #expect(saved.context.session.summary?.contains("`go test ./...` failed (--- FAIL: TestLogin (0.01s))") == true,
                "\(saved.context.session.summary ?? "no summary")")
    }

    @Test func whereASessionStoppedIsItsLastWordsACallThatNeverReturnedOrAnUnansweredRequest() {
        func stopped(_ turns: [Turn]) -> String? {
            var session = Session(tool: .claudeCode)
            session.turns = turns
            return SessionSummarizer.stopped(session)
        }
        let request = Turn(role: .user, blocks: [.text("Speed up the importer")])
        let profiled = Turn(role: .assistant, blocks: [.text("Profiling shows JSON parsing dominates."),
                                                       .toolCall(ToolCall(id: "b1", name: "Bash", input: #"{"command":"swift test"}"#)),
                                                       .toolResult(id: "b1", output: "ok", isError: false)])
        #expect(stopped([request, profiled]) == "Profiling shows JSON parsing dominates. Then ran `swift test`.")
        // A call whose result never came: the session was cut off while it ran.
        let running = Turn(role: .assistant, blocks: [.toolCall(ToolCall(id: "b2", name: "Bash", input: #"{"command":"swift build -c release"}"#))])
        #expect(stopped([request, profiled, running]) == "Profiling shows JSON parsing dominates. `swift build -c release` was running; its result was not recorded.")
        // Claude Code's interruption.
        let interrupted = Turn(role: .user, blocks: [.text("[Request interrupted by user for tool use]")])
        #expect(stopped([request, profiled, running, interrupted])
                == "Profiling shows JSON parsing dominates. `swift build -c release` was running; its result was not recorded; then the user interrupted.")
        // A request nobody answered.
        #expect(stopped([request, profiled, Turn(role: .user, blocks: [.text("Now the exporter, please.")])])
                == "the user's request “Now the exporter, please.”, with no answer.")
    }

    @Test func theSummaryStaysWithinItsWordLimitAndKeepsEveryPart() {
        var session = Session(tool: .claudeCode)
        session.workingFolder = "/w"
        let long = (1...300).map { "word\($0)" }.joined(separator: " ")
        var blocks: [Block] = []
        for index in 1...40 {
            blocks.append(.text("I'll use approach \(index) instead of approach \(index + 1) because the numbers say so \(long.prefix(200))."))
            blocks.append(.text("Attempt \(index) didn't work at all, the build still fails."))
            blocks.append(.toolCall(ToolCall(id: "e\(index)", name: "Edit", input: #"{"file_path":"/w/Sources/File\#(index).swift"}"#)))
            blocks.append(.toolCall(ToolCall(id: "b\(index)", name: "Bash", input: #"{"command":"make test\#(index)"}"#)))
            blocks.append(.toolResult(id: "b\(index)", output: "2 failed, 10 passed", isError: true))
        }
        blocks.append(.text(long + "."))
        session.turns = [Turn(role: .user, blocks: [.text(long)]), Turn(role: .assistant, blocks: blocks)]
        session.tasks = (1...30).map { SessionTask(content: "Task \($0) " + long.prefix(120), status: .pending) }
        let summary = SessionSummarizer.summary(of: session)!
        #expect(Words.split(summary).count <= SessionSummarizer.wordLimit)
        for label in ["Goal", "Done", "Decisions", "Dead ends", "Open tasks", "Stopped at"] {
            #expect(summary.contains("- \(label): "), "\(label) in \(summary)")
        }
        #expect(SessionSummarizer.summary(of: session, wordLimit: 60).map { Words.split($0).count <= 60 } == true)
    }

    @Test(arguments: [
        ("pytest", "===== 1 failed, 11 passed in 0.51s =====", TestCounts(passed: 11, failed: 1)),
        ("pytest, errors", "==== 2 failed, 3 passed, 1 error in 2.00s ====", TestCounts(passed: 3, failed: 3)),
        ("jest", "Tests:       1 failed, 11 passed, 12 total\nTime:        1.2 s", TestCounts(passed: 11, failed: 1)),
        ("vitest", " Test Files  1 passed (1)\n      Tests  4 passed (4)", TestCounts(passed: 4, failed: 0)),
        ("cargo", "test result: ok. 12 passed; 0 failed; 0 ignored; 0 measured", TestCounts(passed: 12, failed: 0)),
        ("mocha", "  12 passing (30ms)\n  2 failing", TestCounts(passed: 12, failed: 2)),
        ("XCTest", "Executed 12 tests, with 1 failure (0 unexpected) in 0.512 (0.520) seconds", TestCounts(passed: 11, failed: 1)),
        ("Swift Testing", "✔ Test run with 12 tests in 3 suites passed after 0.501 seconds.", TestCounts(passed: 12, failed: 0)),
        ("Swift Testing, failed", "✘ Test run with 12 tests in 3 suites failed after 0.501 seconds with 2 issues.", TestCounts(passed: nil, failed: 2)),
        ("RSpec", "Finished in 0.5 seconds\n12 examples, 1 failure", TestCounts(passed: 11, failed: 1)),
        ("unittest", "Ran 12 tests in 0.010s\n\nFAILED (failures=1, errors=1)", TestCounts(passed: 10, failed: 2)),
        ("unittest, ok", "Ran 12 tests in 0.010s\n\nOK", TestCounts(passed: 12, failed: 0)),
        ("go", "--- FAIL: TestLogin (0.00s)\nFAIL\nFAIL\texample.com/shop\t0.012s", TestCounts(failedWithoutCount: true)),
        ("go, ok", "ok  \texample.com/shop\t0.012s", TestCounts(passed: nil, failed: 0)),
    ])
    func testRunnersSayHowTheirRunWent(_ runner: String, _ output: String, _ expected: TestCounts) {
        #expect(TestCounts.read(output) == expected, "\(runner)")
    }

    @Test func theOutcomeOfACommandComesFromItsExitCodeItsCountsOrTheToolsErrorFlag() {
        // Codex (exec_command): no error flag, the exit code in the output.
        let codex = SessionSummarizer.run("pytest -q", output: "Chunk ID: 1\nProcess exited with code 1\nOutput:\n1 failed, 4 passed in 0.2s", isError: false, position: 0)
        #expect(codex.outcome == .failed && codex.isTest && codex.counts == "4 passed, 1 failed")
        // Gemini CLI (run_shell_command).
        let gemini = SessionSummarizer.run("npm run build", output: "Command: npm run build\nDirectory: (root)\nOutput: src/a.ts(3,1): error TS2304: Cannot find name 'x'.\nError: (none)\nExit Code: 2", isError: false, position: 0)
        #expect(gemini.outcome == .failed && !gemini.isTest)
        #expect(gemini.errorLine == "Output: src/a.ts(3,1): error TS2304: Cannot find name 'x'.")
        // Claude Code: is_error marks a failed command.
        let claude = SessionSummarizer.run("cargo build", output: "error[E0425]: cannot find value `x` in this scope", isError: true, position: 0)
        #expect(claude.outcome == .failed)
        #expect(SessionSummarizer.run("ls", output: "a\nb", isError: false, position: 0).outcome == .passed)
        #expect(SessionSummarizer.run("swift test", output: nil, isError: false, position: 0).outcome == .unknown)
        // What runs tests.
        for command in ["swift test --filter Login", "cd app && npm test", "FOO=1 pytest tests/", "go test ./...", "cargo test", "npm run test:unit",
                        "bundle exec rspec", "python -m pytest", "make check", "uv run pytest -x"] {
            #expect(SessionSummarizer.isTestCommand(command), "\(command)")
        }
        for command in ["cat test.txt", "ls tests", "git commit -m 'test'", "swift build"] {
            #expect(!SessionSummarizer.isTestCommand(command), "\(command)")
        }
    }

    @Test func everyCorpusSessionGetsASummaryWithinTheLimit() throws {
        for url in Corpus.sessionFiles {
            let session = try SessionImporters.importer(for: SessionImporters.detect(url.path)).read(url.path)
            guard let summary = SessionSummarizer.summary(of: session) else {
                // Only sessions without a single message have none.
                #expect(session.messageCount == 0, "\(url.lastPathComponent)")
                continue
            }
            #expect(Words.split(summary).count <= SessionSummarizer.wordLimit, "\(url.lastPathComponent)")
            #expect(summary.split(separator: "\n").allSatisfy { $0.hasPrefix("- ") }, "\(url.lastPathComponent)")
        }
        // The Cline task: the files it wrote, relative to the folder they share, and where it stopped (its
        // attempt_completion's result).
        let cline = try ClineImporter.read(Corpus.session("cline", containing: "api_conversation").path)
        let summary = try #require(SessionSummarizer.summary(of: cline))
        #expect(summary.contains("created `BeginTurnGA.cs`"), "\(summary)")
        #expect(summary.contains("`dotnet run --configuration Release`"), "\(summary)")
        #expect(summary.contains("- Stopped at: The architecture is production-ready"), "\(summary)")
        // The TodoWrite session: its open tasks.
        let todo = try ClaudeCodeImporter.read(Corpus.session("claude-code", containing: "todowrite").path)
        #expect(SessionSummarizer.summary(of: todo)?.contains("- Open tasks: Add comprehensive tests (in progress); Write user documentation;") == true)
    }
}
