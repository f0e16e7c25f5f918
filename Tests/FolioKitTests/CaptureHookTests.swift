import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// A clock a test moves by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var date: Date
    init(_ date: Date) { self.date = date }
    var now: Date { lock.withLock { date } }
    func set(_ date: Date) { lock.withLock { self.date = date } }
}

/// A repository holding a library at its root, with Claude Code's and Codex's folders in the test's home.
struct CaptureFixture {
    let folder = TemporaryFolder("capture")
    let clock = TestClock(Date(timeIntervalSince1970: 1_772_400_000))  // 2026-03-01T21:20:00Z
    var repo: String { folder.at("repo") }
    var claudeProjects: String { folder.at("claude/projects/" + ClaudeCodeImporter.encodedFolder(repo)) }

    func library(extra: [String: String] = [:]) throws -> Library {
        if !FileManager.default.fileExists(atPath: repo + "/folio.yaml") {
            try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
            _ = try Library.initialize(at: repo, withTemplates: false, environment: environment(repo))
        }
        let clock = self.clock
        var env = environment(repo, extra: ["HOME": folder.path, "CLAUDE_CONFIG_DIR": folder.at("claude"), "CODEX_HOME": folder.at("codex")].merging(extra) { $1 })
        env.now = { clock.now }
        return try Library.open(explicitPath: repo, environment: env)
    }

    /// A Claude Code session of the repository with `exchanges` question-and-answer pairs, where Claude Code keeps it.
    @discardableResult
    func writeClaudeSession(_ id: String, exchanges: Int, modified: Date? = nil) throws -> String {
        var records: [[String: Any]] = []
        var parent: Any = NSNull()
        for n in 0..<exchanges {
            let minute = String(format: "%02d", n)
            records.append(["type": "user", "uuid": "u\(n)", "parentUuid": parent, "cwd": repo, "sessionId": id,
                            "timestamp": "2026-03-01T09:\(minute):00Z",
                            "message": ["role": "user", "content": n == 0 ? "Fix the flaky login test" : "Now step \(n)"]])
            records.append(["type": "assistant", "uuid": "a\(n)", "parentUuid": "u\(n)", "cwd": repo, "sessionId": id,
                            "timestamp": "2026-03-01T09:\(minute):30Z",
                            "message": ["id": "m\(n)", "role": "assistant", "model": "claude-x",
                                        "content": [["type": "text", "text": "Done with step \(n)."]]]])
            parent = "a\(n)"
        }
        let lines = try records.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        try FileManager.default.createDirectory(atPath: claudeProjects, withIntermediateDirectories: true)
        let path = claudeProjects + "/\(id).jsonl"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        if let modified { try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: path) }
        return path
    }

    /// A Codex rollout of the repository (the corpus's, moved to this repository's folder).
    func writeCodexRollout(_ id: String) throws -> String {
        let corpus = try String(contentsOf: Corpus.session("codex", containing: "rollout-2026-01-02"), encoding: .utf8)
        let folder = self.folder.at("codex/sessions/2026/01/02")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/rollout-2026-01-02T03-04-05-\(id).jsonl"
        try corpus.replacingOccurrences(of: "/workspace/synthetic-project", with: repo)
            .replacingOccurrences(of: "11111111-1111-4111-8111-111111111111", with: id)
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

@Suite struct HookCaptureTests {
    @Test func eachToolsHookInputIsRead() throws {
        let claude = try CaptureEvent.parse(Data("""
            {"session_id":"0d5c3a0e-1111","transcript_path":"/home/ada/.claude/projects/-repo/0d5c3a0e-1111.jsonl","cwd":"/repo",
             "permission_mode":"default","hook_event_name":"PreCompact","trigger":"auto","custom_instructions":""}
            """.utf8))
        #expect(claude == CaptureEvent(event: "PreCompact", sessionID: "0d5c3a0e-1111", transcriptPath: "/home/ada/.claude/projects/-repo/0d5c3a0e-1111.jsonl",
                                       folder: "/repo", detail: "auto"))
        let end = try CaptureEvent.parse(Data(#"{"session_id":"s","transcript_path":"/t.jsonl","cwd":"/repo","hook_event_name":"SessionEnd","reason":"prompt_input_exit"}"#.utf8))
        #expect(end.event == "SessionEnd" && end.detail == "prompt_input_exit" && end.tool == nil)
        // Codex's hooks may give no transcript; its notify program gets kebab-case keys.
        let codexHook = try CaptureEvent.parse(Data(#"{"session_id":"019a","transcript_path":null,"cwd":"/repo","hook_event_name":"SessionEnd","reason":"other"}"#.utf8))
        #expect(codexHook.sessionID == "019a" && codexHook.transcriptPath == nil)
        let notify = try CaptureEvent.parse(Data("""
            {"type":"agent-turn-complete","thread-id":"b5f6c1c2-1111","turn-id":"12345","cwd":"/repo","client":"codex-tui",
             "input-messages":["Rename foo"],"last-assistant-message":"Done."}
            """.utf8))
        #expect(notify == CaptureEvent(event: "agent-turn-complete", sessionID: "b5f6c1c2-1111", folder: "/repo", tool: .codex))
        let gemini = try CaptureEvent.parse(Data(#"{"session_id":"g1","transcript_path":"/h/.gemini/tmp/x/chats/session-1.json","cwd":"/repo","hook_event_name":"PreCompress","timestamp":"2026-03-01T09:00:00Z","trigger":"manual"}"#.utf8))
        #expect(gemini.event == "PreCompress" && gemini.detail == "manual")

        for (input, says) in [("", "passed nothing"), ("  \n", "passed nothing"), ("{not json", "not a JSON object"), ("[1]", "not a JSON object"),
                              (#"{"hook_event_name":"Stop","cwd":"/repo"}"#, "names no session")] {
            let error = #expect(throws: FolioError.self) { try CaptureEvent.parse(Data(input.utf8)) }
            #expect(error?.message.contains(says) == true, "\(input): \(String(describing: error))")
        }
    }

    /// Acceptance: re-saving an updated session keeps one context file per session, one commit per update.
    @Test func aSessionSavedAtEachOfThreeUpdatesKeepsOneContextWithThreeCommits() throws {
        let fixture = CaptureFixture()
        let library = try fixture.library()
        let id = "0d5c3a0e-1111-4222-8333-444455556666"
        var added: [Int?] = []
        for (exchanges, event) in [(1, "PreCompact"), (2, "PreCompact"), (4, "SessionEnd")] {
            let path = try fixture.writeClaudeSession(id, exchanges: exchanges)
            let outcome = try library.saveContext(from: CaptureEvent(event: event, sessionID: id, transcriptPath: path, folder: fixture.repo),
                                                  options: ContextSaveOptions())
            #expect(outcome.change.commit != nil)
            #expect(outcome.context.session.messageCount == exchanges * 2)
            added.append(outcome.addedMessages)
        }
        #expect(added == [nil, 2, 4])
        #expect(library.contextIDs() == ["2026/03/01-fix-flaky-login-test"])
        let file = "contexts/2026/03/01-fix-flaky-login-test.context.md"
        #expect(try git("log", "--format=%s", "--", file, in: fixture.repo).split(separator: "\n") == [
            "folio: update context 2026/03/01-fix-flaky-login-test", "folio: update context 2026/03/01-fix-flaky-login-test",
            "folio: save context 2026/03/01-fix-flaky-login-test"])
        // The session end after a compaction that saw everything: nothing new, no commit.
        let again = try library.saveContext(from: CaptureEvent(event: "SessionEnd", sessionID: id, transcriptPath: fixture.claudeProjects + "/\(id).jsonl"),
                                            options: ContextSaveOptions())
        #expect(again.updated && !again.change.changed && again.addedMessages == 0)
        #expect(try git("rev-list", "--count", "HEAD", "--", file, in: fixture.repo) == "3")
    }

    @Test func aHookThatGivesNoTranscriptIsFoundByItsSessionID() throws {
        let fixture = CaptureFixture()
        let library = try fixture.library()
        let id = "019a2b3c-4d5e-4f60-8a1b-2c3d4e5f6a7b"
        let rollout = try fixture.writeCodexRollout(id)
        // Codex's notify: the tool is known from the input.
        let notify = try CaptureEvent.parse(Data(#"{"type":"agent-turn-complete","thread-id":"\#(id)","turn-id":"1","cwd":"\#(fixture.repo)"}"#.utf8))
        let saved = try library.saveContext(from: notify, options: ContextSaveOptions())
        #expect(saved.sourcePath == rollout && saved.context.session.tool == .codex && saved.context.session.sessionID == id)
        // Codex's SessionEnd hook with a null transcript, and the tool given by the hook's command (--from codex).
        let end = try CaptureEvent.parse(Data(#"{"session_id":"\#(id)","transcript_path":null,"cwd":"\#(fixture.repo)","hook_event_name":"SessionEnd","reason":"other"}"#.utf8))
        let again = try library.saveContext(from: end, tool: .codex, options: ContextSaveOptions())
        #expect(again.context.id == saved.context.id && again.updated && !again.change.changed)
        // A transcript that is not there (a session with nothing said yet), and no session of that id: not found.
        let nothing = CaptureEvent(event: "SessionEnd", sessionID: "no-such-session", transcriptPath: fixture.folder.at("gone.jsonl"))
        let error = #expect(throws: FolioError.self) { try library.saveContext(from: nothing, tool: .claudeCode, options: ContextSaveOptions()) }
        #expect(error?.kind == .notFound)
    }

    @Test func theCaptureLogKeepsOneLineAPerRunInTheGitDirectory() throws {
        let fixture = CaptureFixture()
        let library = try fixture.library()
        library.logCapture("SessionEnd claude-code s1: saved 2026/03/01-x (2 messages)")
        library.logCapture("PreCompact claude-code s1: not saved: a\nb")
        let log = try #require(fixture.folder.read("repo/.git/folio/capture.log"))
        #expect(log == "2026-03-01T21:20:00Z SessionEnd claude-code s1: saved 2026/03/01-x (2 messages)\n"
                + "2026-03-01T21:20:00Z PreCompact claude-code s1: not saved: a b\n")
        #expect(try git("status", "--porcelain", in: fixture.repo).isEmpty)
    }
}

@Suite struct SessionWatchTests {
    let start = Date(timeIntervalSince1970: 1_772_400_000)

    func candidate(_ name: String, _ modified: TimeInterval) -> SessionCandidate {
        SessionCandidate(tool: .claudeCode, path: "/sessions/\(name).jsonl", modified: start.addingTimeInterval(modified))
    }

    @Test func aSessionIsDueOnceItHasBeenIdleAndAgainOnlyAfterItChanges() {
        var watch = SessionWatch(idle: 600, settledUpTo: start.addingTimeInterval(-600 - SessionWatch.firstLookBack))
        let active = candidate("active", -60)          // changed a minute ago
        let ended = candidate("ended", -7_200)         // idle for two hours, within the first look's day
        let ancient = candidate("ancient", -3 * 86_400) // idle before the first look's day
        #expect(watch.due([active, ended, ancient], now: start) == [ended])
        #expect(watch.due([active, ended, ancient], now: start.addingTimeInterval(300)).isEmpty)  // idle 6 minutes
        #expect(watch.due([active, ended, ancient], now: start.addingTimeInterval(540)) == [active])  // idle 10 minutes
        #expect(watch.due([active, ended, ancient], now: start.addingTimeInterval(2_000)).isEmpty)  // nothing changed
        // It changes again: due once, when idle again, even when the next look comes a day late (a laptop asleep).
        let resumed = candidate("active", 2_100)
        #expect(watch.due([resumed, ended], now: start.addingTimeInterval(2_200)).isEmpty)
        #expect(watch.due([resumed, ended], now: start.addingTimeInterval(90_000)) == [resumed])
        #expect(watch.due([resumed, ended], now: start.addingTimeInterval(90_060)).isEmpty)
        #expect(watch.settledUpTo == start.addingTimeInterval(90_060 - 600))
        // A clock set back does not move the watch back.
        #expect(watch.due([resumed], now: start).isEmpty && watch.settledUpTo == start.addingTimeInterval(90_060 - 600))
    }

    @Test func sessionsGoneIdleAtOneLookAreDueOldestFirst() {
        var watch = SessionWatch(idle: 60, settledUpTo: start.addingTimeInterval(-3_600))
        let due = watch.due([candidate("b", -300), candidate("a", -900), candidate("c", -30)], now: start)
        #expect(due.map(\.path) == ["/sessions/a.jsonl", "/sessions/b.jsonl"])
    }

    @Test(arguments: [("10m", 600.0), ("90s", 90), ("1h", 3_600), ("1h30m", 5_400), ("2d", 172_800), ("0s", 0), ("1.5m", 90)])
    func durationsRead(_ text: String, _ seconds: TimeInterval) throws {
        #expect(try SessionWatch.duration(text) == seconds)
    }

    @Test(arguments: ["10", "ten minutes", "m", "", "10m5", "5x"])
    func whatIsNotADurationSaysWhatIs(_ text: String) {
        let error = #expect(throws: FolioError.self) { try SessionWatch.duration(text) }
        #expect(error?.message.contains("give one such as 10m, 90s, 1h") == true)
    }

    /// The watcher's looks against real session files, with a clock the test moves.
    @Test func eachLookSavesTheSessionsThatWentIdleAndTheNextWatcherGoesOnWhereItStopped() throws {
        let fixture = CaptureFixture()
        let library = try fixture.library()
        let now = fixture.clock.now
        let claude = try fixture.writeClaudeSession("5e55a0e0-1111-4222-8333-444455556666", exchanges: 1, modified: now.addingTimeInterval(-30))
        // aider: one history for every run; the watcher saves the last run.
        let aider = fixture.repo + "/.aider.chat.history.md"
        try """
            # aider chat started at 2026-02-27 10:00:00

            #### an older run's request

            An older answer.

            # aider chat started at 2026-03-01 08:00:00

            > Aider v0.86.1
            > Main model: gpt-x

            #### add a --verbose flag

            Added it.

            """.write(toFile: aider, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(-3 * 3_600)], ofItemAtPath: aider)

        var watch = library.resumeWatch(idle: 600)
        var looked = library.captureIdleSessions(&watch)
        #expect(looked.map(\.candidate.tool) == [.aider])
        let run = try #require(looked.first?.outcome)
        #expect(run.context.session.sessionID == "run-2026-03-01T08:00:00")
        #expect(run.context.session.turns.map(\.text) == ["add a --verbose flag", "Added it."])

        fixture.clock.set(now.addingTimeInterval(300))
        #expect(library.captureIdleSessions(&watch).isEmpty)  // the Claude Code session is still going
        fixture.clock.set(now.addingTimeInterval(600))
        looked = library.captureIdleSessions(&watch)
        #expect(looked.map(\.candidate.path) == [claude])
        #expect(looked.first?.outcome?.change.commit != nil && looked.first?.outcome?.addedMessages == nil)

        // The session goes on; the next watcher (the first one stopped) saves it once it is idle, in place.
        try fixture.writeClaudeSession("5e55a0e0-1111-4222-8333-444455556666", exchanges: 3, modified: now.addingTimeInterval(700))
        var next = library.resumeWatch(idle: 600)
        #expect(next.settledUpTo == watch.settledUpTo)
        fixture.clock.set(now.addingTimeInterval(1_000))
        #expect(library.captureIdleSessions(&next).isEmpty)
        fixture.clock.set(now.addingTimeInterval(1_300))
        looked = library.captureIdleSessions(&next)
        #expect(looked.first?.outcome?.addedMessages == 4)
        #expect(looked.first?.outcome?.change.message.hasPrefix("folio: update context ") == true)
        #expect(library.contextIDs().count == 2)

        // The aider run goes on: the same run's context is updated, not saved again.
        try (try String(contentsOfFile: aider, encoding: .utf8) + "#### and document it\n\nDocumented.\n").write(toFile: aider, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(1_400)], ofItemAtPath: aider)
        fixture.clock.set(now.addingTimeInterval(2_100))
        looked = library.captureIdleSessions(&next, tools: [.aider])
        #expect(looked.first?.outcome?.context.id == run.context.id && looked.first?.outcome?.addedMessages == 2)
        #expect(library.contextIDs().count == 2)
    }

    /// Cursor has no hook: the watcher saves its chats of this repository (rows in a database, each with its own
    /// date) once idle, skips the empty chat Cursor opens for every new tab, and updates a saved chat in place.
    @Test func theWatcherSavesCursorChatsOnceIdle() throws {
        let fixture = CaptureFixture()
        let library = try fixture.library(extra: ["CURSOR_USER_DATA_DIR": fixture.folder.at("Cursor"), "CURSOR_CONFIG_DIR": fixture.folder.at("dot-cursor")])
        let now = fixture.clock.now
        func millis(_ date: Date) -> Int { Int(date.timeIntervalSince1970 * 1_000) }
        let cursor = CursorFixture(root: fixture.folder.at("Cursor"))
        let chatID = "9d0c5e2a-0000-4000-8000-00000000000a"
        cursor.workspace("5f1e0c1d", folder: fixture.repo, composers: [
            ["composerId": chatID, "name": "Flaky login test", "lastUpdatedAt": millis(now.addingTimeInterval(-1_200))],
            ["composerId": "0e0e0e0e-0000-4000-8000-00000000000b", "lastUpdatedAt": millis(now.addingTimeInterval(-1_100))]])
        var bubbles: [(id: String, type: Int, value: Any)] = [
            ("u1", 1, ["type": 1, "text": "Fix the flaky login test"]), ("a1", 2, ["type": 2, "text": "The timeout was too short; I raised it."])]
        cursor.chat(chatID, ["name": "Flaky login test", "lastUpdatedAt": millis(now.addingTimeInterval(-1_200))], bubbles: bubbles)
        cursor.chat("0e0e0e0e-0000-4000-8000-00000000000b", ["lastUpdatedAt": millis(now.addingTimeInterval(-1_100))], bubbles: [])

        var watch = library.resumeWatch(idle: 600)
        var looked = library.captureIdleSessions(&watch)
        #expect(looked.map(\.candidate.tool) == [.cursor])
        #expect(looked.map(\.error) == [nil])
        let saved = try #require(looked.first?.outcome)
        #expect(saved.context.session.turns.map(\.text) == ["Fix the flaky login test", "The timeout was too short; I raised it."])

        // The chat goes on in Cursor; once idle again, the same context is updated.
        bubbles += [("u2", 1, ["type": 1, "text": "Now document it"]), ("a2", 2, ["type": 2, "text": "Documented."])]
        cursor.chat(chatID, ["name": "Flaky login test", "lastUpdatedAt": millis(now.addingTimeInterval(100))], bubbles: bubbles)
        fixture.clock.set(now.addingTimeInterval(300))
        #expect(library.captureIdleSessions(&watch).isEmpty)
        fixture.clock.set(now.addingTimeInterval(800))
        looked = library.captureIdleSessions(&watch)
        #expect(looked.first?.outcome?.context.id == saved.context.id)
        #expect(looked.first?.outcome?.addedMessages == 2)
        #expect(library.contextIDs().count == 1)
    }

    @Test func aSessionThatCannotBeSavedIsReportedAndTheOthersAreSaved() throws {
        let fixture = CaptureFixture()
        let library = try fixture.library()
        let now = fixture.clock.now
        try FileManager.default.createDirectory(atPath: fixture.claudeProjects, withIntermediateDirectories: true)
        let empty = fixture.claudeProjects + "/0e0e0e0e-1111-4222-8333-444455556666.jsonl"
        try "{\"type\":\"file-history-snapshot\"}\n".write(toFile: empty, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(-1_000)], ofItemAtPath: empty)
        try fixture.writeClaudeSession("5e55a0e0-1111-4222-8333-444455556666", exchanges: 1, modified: now.addingTimeInterval(-900))
        var watch = library.resumeWatch(idle: 600)
        let looked = library.captureIdleSessions(&watch)
        #expect(looked.count == 2)
        #expect(looked[0].outcome == nil && looked[0].error?.contains("holds no conversation") == true)
        #expect(looked[1].outcome?.change.commit != nil)
    }
}
