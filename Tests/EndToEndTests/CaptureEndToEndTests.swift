import Foundation
import Testing
import TestSupport

/// Capture as the tools run it: the hook `folio integrate --capture` writes, run by a shell with the tool's JSON on
/// standard input; the watcher as a person starts and stops it.
@Suite(.serialized) struct CaptureEndToEndTests {
    let sessionID = "0d5c3a0e-1111-4222-8333-444455556666"

    /// A Claude Code transcript of `project`, `exchanges` requests long, under `claudeHome` (CLAUDE_CONFIG_DIR).
    @discardableResult
    func writeTranscript(claudeHome: String, project: String, exchanges: Int) throws -> String {
        var lines: [String] = []
        var parent = "null"
        for n in 0..<exchanges {
            let request = n == 0 ? "Fix the flaky login test" : "Step \(n)"
            lines.append(#"{"type":"user","uuid":"u\#(n)","parentUuid":\#(parent),"cwd":"\#(project)","sessionId":"\#(sessionID)","version":"2.1.3","gitBranch":"main","timestamp":"2026-03-01T09:0\#(n):00Z","message":{"role":"user","content":"\#(request)"}}"#)
            lines.append(#"{"type":"assistant","uuid":"a\#(n)","parentUuid":"u\#(n)","cwd":"\#(project)","sessionId":"\#(sessionID)","version":"2.1.3","timestamp":"2026-03-01T09:0\#(n):20Z","message":{"id":"msg_\#(n)","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"Running the test."},{"type":"tool_use","id":"toolu_\#(n)","name":"Bash","input":{"command":"pytest tests/test_login.py"}}],"usage":{"input_tokens":120,"output_tokens":40}}}"#)
            lines.append(#"{"type":"user","uuid":"r\#(n)","parentUuid":"a\#(n)","cwd":"\#(project)","sessionId":"\#(sessionID)","timestamp":"2026-03-01T09:0\#(n):25Z","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_\#(n)","content":"1 passed"}]}}"#)
            lines.append(#"{"type":"assistant","uuid":"b\#(n)","parentUuid":"r\#(n)","cwd":"\#(project)","sessionId":"\#(sessionID)","timestamp":"2026-03-01T09:0\#(n):30Z","message":{"id":"msg_b\#(n)","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"Step \#(n) passes."}]}}"#)
            parent = #""b\#(n)""#
        }
        let folder = claudeHome + "/projects/" + String(project.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/\(sessionID).jsonl"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Acceptance: a SessionEnd payload on stdin, the context appears and is committed; and saved at three updates,
    /// the session keeps one context file, with three commits on it.
    @Test func theHookIntegrateWritesSavesAndCommitsTheSessionItIsGiven() throws {
        let folder = TemporaryFolder("capture-e2e")
        let claude = TemporaryFolder("claude-home")
        let p = folder.path
        let env = ["CLAUDE_CONFIG_DIR": claude.path]
        #expect(try folio("init", in: p).status == 0)
        let integrate = try folio("integrate", "claude-code", "--capture", in: p, env: env)
        #expect(integrate.status == 0, "\(integrate.stderr)")
        let settings = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.at(".claude/settings.json")))) as? [String: Any])
        let hooks = try #require(settings["hooks"] as? [String: [[String: Any]]])
        func command(_ event: String) throws -> String {
            try #require((hooks[event]?.first?["hooks"] as? [[String: Any]])?.first?["command"] as? String)
        }
        #expect(try command("SessionEnd") == command("PreCompact"))
        #expect(try command("SessionEnd").hasSuffix(" context save --hook --from claude-code"))

        /// Runs a hook as Claude Code does: through the shell, in the project's folder, the event's JSON on stdin.
        func fire(_ event: String, _ extra: String, transcript: String) throws -> ProcessResult {
            let input = #"{"session_id":"\#(sessionID)","transcript_path":"\#(transcript)","cwd":"\#(p)","permission_mode":"default","hook_event_name":"\#(event)"\#(extra)}"#
            return try run("/bin/sh", ["-c", try command(event)], in: p, environment: testEnvironment(home: p, extra: env), stdin: input)
        }
        let transcript = try writeTranscript(claudeHome: claude.path, project: p, exchanges: 1)
        let ended = try fire("SessionEnd", #","reason":"prompt_input_exit""#, transcript: transcript)
        #expect(ended.status == 0 && ended.stdout.isEmpty)
        #expect(ended.stderr == "folio: saved 2026/03/01-fix-flaky-login-test (3 messages)\n", "\(ended.stderr)")
        let file = "contexts/2026/03/01-fix-flaky-login-test.context.md"
        #expect(folder.exists(file))
        #expect(try git("log", "-1", "--format=%s", in: p) == "folio: save context 2026/03/01-fix-flaky-login-test")
        #expect(try git("status", "--porcelain", "--", "contexts", in: p).isEmpty)
        let shown = try folio("context", "show", "flaky-login", in: p, env: env)
        #expect(shown.stdout.contains("pytest tests/test_login.py") && shown.stdout.contains("Step 0 passes."))

        // The session goes on, is compacted, goes on and ends: one file, a commit for each change.
        try writeTranscript(claudeHome: claude.path, project: p, exchanges: 2)
        let compacted = try fire("PreCompact", #","trigger":"auto","custom_instructions":"""#, transcript: transcript)
        #expect(compacted.stderr == "folio: updated 2026/03/01-fix-flaky-login-test: 3 messages added (6 in all)\n", "\(compacted.stderr)")
        try writeTranscript(claudeHome: claude.path, project: p, exchanges: 3)
        let last = try fire("SessionEnd", #","reason":"clear""#, transcript: transcript)
        #expect(last.status == 0 && last.stderr.contains("3 messages added (9 in all)"))
        #expect(try git("log", "--format=%s", "--", file, in: p).split(separator: "\n").count == 3)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(try folio("context", "list", "--json", in: p, env: env).stdout.utf8)) as? [[String: Any]])
        #expect(list.count == 1 && list.first?["messages"] as? Int == 9)
        let log = try #require(folder.read(".git/folio/capture.log"))
        #expect(log.split(separator: "\n").count == 3 && log.contains("SessionEnd claude-code \(sessionID): saved 2026/03/01-fix-flaky-login-test"))
    }

    @Test func theWatcherSavesAnIdleSessionAndStopsCleanlyOnCtrlC() throws {
        let folder = TemporaryFolder("watch-e2e")
        let claude = TemporaryFolder("claude-home")
        let p = folder.path
        #expect(try folio("init", in: p).status == 0)
        let transcript = try writeTranscript(claudeHome: claude.path, project: p, exchanges: 2)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3_600)], ofItemAtPath: transcript)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: folioBinary)
        process.arguments = ["context", "watch", "--idle", "10m", "--from", "claude-code"]
        process.currentDirectoryURL = URL(fileURLWithPath: p)
        process.environment = testEnvironment(home: p, extra: ["CLAUDE_CONFIG_DIR": claude.path])
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        final class Output: @unchecked Sendable {
            let lock = NSLock()
            var text = ""
        }
        let output = Output()
        out.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            output.lock.withLock { output.text += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        // Wait for the save it reports (a guard of a minute against a watcher that never says anything).
        var waited = 0
        while !output.lock.withLock({ output.text.contains("saved 2026/03/01-fix-flaky-login-test") }), waited < 600 {
            usleep(100_000)
            waited += 1
        }
        process.interrupt()
        process.waitUntilExit()
        out.fileHandleForReading.readabilityHandler = nil
        let text = output.lock.withLock { output.text } + String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(text)")
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("Watching the claude-code sessions of \(p): each is saved once it has been idle for 10m. Ctrl-C stops.") == true, "\(text)")
        #expect(lines.contains { $0.contains("saved 2026/03/01-fix-flaky-login-test (6 messages)") && $0.contains("claude-code ") }, "\(text)")
        #expect(lines.last == "Stopped.")
        #expect(try git("log", "-1", "--format=%s", in: p) == "folio: save context 2026/03/01-fix-flaky-login-test")
        #expect(folder.read(".git/folio/capture.log")?.contains("watch claude-code ") == true)
        #expect(folder.exists(".git/folio/watch.json"))
    }
}
