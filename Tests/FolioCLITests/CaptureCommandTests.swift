import Foundation
import Testing
import TestSupport
@testable import FolioCLI
@testable import FolioKit

/// `folio context save --hook`, `folio integrate … --capture` and `folio context watch` as the tools and a person run them.
@Suite struct CaptureCommandTests {
    let folder = TemporaryFolder("capture-cli")
    var library: String { folder.at("repo") }
    var env: [String: String] { ["HOME": folder.path, "CLAUDE_CONFIG_DIR": folder.at("claude"), "CODEX_HOME": folder.at("codex")] }
    let sessionID = "0d5c3a0e-1111-4222-8333-444455556666"

    init() throws {
        try FileManager.default.createDirectory(atPath: folder.at("repo"), withIntermediateDirectories: true)
        _ = folio("init", in: folder.at("repo"))
    }

    /// A Claude Code session of the library's folder, `exchanges` requests long; the last answer may hold a secret.
    @discardableResult
    func putSession(exchanges: Int, secret: Bool = false) throws -> String {
        let projects = folder.at("claude/projects/" + ClaudeCodeImporter.encodedFolder(library))
        try FileManager.default.createDirectory(atPath: projects, withIntermediateDirectories: true)
        var records: [[String: Any]] = []
        var parent: Any = NSNull()
        for n in 0..<exchanges {
            records.append(["type": "user", "uuid": "u\(n)", "parentUuid": parent, "cwd": library, "sessionId": sessionID,
                            "timestamp": "2026-03-01T09:0\(n):00Z", "message": ["role": "user", "content": n == 0 ? "Fix the flaky login test" : "Step \(n)"]])
            let answer = secret && n == exchanges - 1 ? "The key is AKIAIOSFODNN7EXAMPLE." : "Done \(n)."
            records.append(["type": "assistant", "uuid": "a\(n)", "parentUuid": "u\(n)", "cwd": library, "sessionId": sessionID,
                            "timestamp": "2026-03-01T09:0\(n):30Z",
                            "message": ["id": "m\(n)", "role": "assistant", "model": "claude-x", "content": [["type": "text", "text": answer]]]])
            parent = "a\(n)"
        }
        let lines = try records.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        let path = projects + "/\(sessionID).jsonl"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func payload(_ event: String, transcript: String?, extra: String = "") -> String {
        let path = transcript.map { "\"\($0)\"" } ?? "null"
        return #"{"session_id":"\#(sessionID)","transcript_path":\#(path),"cwd":"\#(library)","hook_event_name":"\#(event)"\#(extra)}"#
    }

    var log: String { folder.read("repo/.git/folio/capture.log") ?? "" }

    @Test func aHookSavesTheSessionItNamesWithNothingOnStdout() throws {
        let path = try putSession(exchanges: 1)
        let first = folio("context", "save", "--hook", "--from", "claude-code", in: library, env: env,
                          stdin: payload("PreCompact", transcript: path, extra: #","trigger":"auto""#))
        #expect(first.code == 0 && first.stdout.isEmpty)
        #expect(first.stderr == "folio: saved 2026/03/01-fix-flaky-login-test (2 messages)\n")
        #expect(try git("log", "-1", "--format=%s", in: library) == "folio: save context 2026/03/01-fix-flaky-login-test")
        try putSession(exchanges: 3)
        let second = folio("context", "save", "--hook", "--from", "claude-code", in: library, env: env,
                           stdin: payload("SessionEnd", transcript: path, extra: #","reason":"prompt_input_exit""#))
        #expect(second.code == 0 && second.stdout.isEmpty)
        #expect(second.stderr == "folio: updated 2026/03/01-fix-flaky-login-test: 4 messages added (6 in all)\n")
        let third = folio("context", "save", "--hook", in: library, env: env, stdin: payload("SessionEnd", transcript: path))
        #expect(third.stderr == "folio: 2026/03/01-fix-flaky-login-test is up to date (6 messages)\n")
        let lines = log.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasSuffix(" PreCompact claude-code \(sessionID): saved 2026/03/01-fix-flaky-login-test (2 messages)"), "\(log)")
        #expect(lines[1].hasSuffix(" SessionEnd claude-code \(sessionID): updated 2026/03/01-fix-flaky-login-test: 4 messages added (6 in all)"))
        #expect(lines[2].hasSuffix(" SessionEnd \(sessionID): 2026/03/01-fix-flaky-login-test is up to date (6 messages)"))
        // A person saving it by hand is told the same.
        try putSession(exchanges: 4)
        #expect(folio("context", "save", in: library, env: env).stdout.contains("Updated 2026/03/01-fix-flaky-login-test: 2 messages added"))
        try putSession(exchanges: 5)
        let saved = try #require(try json(folio("context", "save", "--json", in: library, env: env).stdout) as? [String: Any])
        #expect(saved["messages_added"] as? Int == 2 && saved["messages"] as? Int == 10)
    }

    @Test func aHookThatCannotSaveSaysWhyAndNeverFailsTheTool() throws {
        let path = try putSession(exchanges: 2, secret: true)
        for (input, says) in [("", "the hook passed nothing"), ("not json", "is not a JSON object"),
                              (#"{"hook_event_name":"Stop"}"#, "names no session")] {
            let run = folio("context", "save", "--hook", in: library, env: env, stdin: input)
            #expect(run.code == 0 && run.stdout.isEmpty)
            #expect(run.stderr.hasPrefix("folio: the session was not saved: ") && run.stderr.contains(says), "\(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count == 1)
        }
        #expect(log.split(separator: "\n").count == 3 && log.contains(" hook: not saved: the hook's input names no session"), "\(log)")
        // A save lint refuses (a secret kept with --no-redact) is logged, and nothing is committed.
        let head = try git("rev-parse", "HEAD", in: library)
        let refused = folio("context", "save", "--hook", "--no-redact", in: library, env: env, stdin: payload("SessionEnd", transcript: path))
        #expect(refused.code == 0 && refused.stdout.isEmpty)
        #expect(refused.stderr.contains("folio: the session was not saved: ") && refused.stderr.contains("secret-detected"), "\(refused.stderr)")
        #expect(try git("rev-parse", "HEAD", in: library) == head)
        #expect(log.contains(" SessionEnd \(sessionID): not saved: ") && log.contains("secret-detected"), "\(log)")
        #expect(!log.contains("AKIAIOSFODNN7EXAMPLE"))
        // Redacted (the default), the same session is saved.
        let saved = folio("context", "save", "--hook", in: library, env: env, stdin: payload("SessionEnd", transcript: path))
        #expect(saved.stderr.hasPrefix("folio: saved "), "\(saved.stderr)")
        // Outside any library, and the session's folder has none either: said, not failed.
        let elsewhere = folio("context", "save", "--hook", in: folder.path, env: env,
                              stdin: #"{"session_id":"x","transcript_path":"/nowhere.jsonl","cwd":"/","hook_event_name":"SessionEnd"}"#)
        #expect(elsewhere.code == 0 && elsewhere.stderr.contains("not inside a folio library"))
    }

    @Test func aUsersHookRunsWhereverTheToolIsAndFindsTheLibraryFromTheSessionsFolder() throws {
        let path = try putSession(exchanges: 1)
        let run = folio("context", "save", "--hook", "--from", "claude-code", in: folder.path, env: env, stdin: payload("SessionEnd", transcript: path))
        #expect(run.code == 0 && run.stderr == "folio: saved 2026/03/01-fix-flaky-login-test (2 messages)\n", "\(run.stderr)")
    }

    @Test func codexsNotifyPassesTheEventAsAnArgument() throws {
        let id = "019a2b3c-4d5e-4f60-8a1b-2c3d4e5f6a7b"
        let corpus = try String(contentsOf: Corpus.session("codex", containing: "rollout-2026-01-02"), encoding: .utf8)
        try FileManager.default.createDirectory(atPath: folder.at("codex/sessions/2026/01/02"), withIntermediateDirectories: true)
        try corpus.replacingOccurrences(of: "/workspace/synthetic-project", with: library)
            .write(toFile: folder.at("codex/sessions/2026/01/02/rollout-2026-01-02T03-04-05-\(id).jsonl"), atomically: true, encoding: .utf8)
        let notify = #"{"type":"agent-turn-complete","thread-id":"\#(id)","turn-id":"7","cwd":"\#(library)","input-messages":["List the files"]}"#
        let run = folio("context", "save", "--hook", notify, in: library, env: env)
        #expect(run.code == 0 && run.stdout.isEmpty)
        #expect(run.stderr.hasPrefix("folio: saved 2026/01/02-"), "\(run.stderr)")
        #expect(log.contains(" agent-turn-complete codex \(id): saved 2026/01/02-"))
        // Without --hook, a JSON argument is a mistake.
        #expect(folio("context", "save", notify, in: library, env: env).code == FolioExitCode.usage.rawValue)
        #expect(folio("context", "save", "--hook", "--file", "x.jsonl", in: library, env: env).code == FolioExitCode.usage.rawValue)
    }

    @Test func integrateCaptureSaysWhatItAddedAndWhatTheToolNeeds() throws {
        let added = folio("integrate", "claude-code", "--capture", in: library, env: env)
        #expect(added.code == 0, "\(added.stderr)")
        #expect(added.stdout.hasPrefix("Added folio's capture hooks to .claude/settings.json (Claude Code)\n"), "\(added.stdout)")
        #expect(added.stdout.contains("On SessionEnd and PreCompact, Claude Code runs: "))
        #expect(added.stdout.contains("context save --hook --from claude-code"))
        let again = try #require(try json(folio("integrate", "claude-code", "--capture", "--json", in: library, env: env).stdout) as? [String: Any])
        #expect(again["change"] as? String == "unchanged" && again["events"] as? [String] == ["SessionEnd", "PreCompact"])
        #expect((again["hook_command"] as? String)?.hasSuffix("context save --hook --from claude-code") == true && again["other_hooks"] as? Int == 0)
        let codex = folio("integrate", "codex", "--capture", in: library, env: env)
        #expect(codex.code == 0 && codex.stdout.contains("trust folio's two"))
        let cursor = folio("integrate", "cursor", "--capture", in: library, env: env)
        #expect(cursor.code == FolioExitCode.usage.rawValue && cursor.stderr.contains("run folio context watch"))
        let mcp = folio("integrate", "gemini", in: library, env: env)
        #expect(mcp.code == FolioExitCode.usage.rawValue && mcp.stderr.contains("folio integrate gemini --capture"))
    }

    @Test func userScopeHooksAreAddedOutsideAnyLibrary() throws {
        try FileManager.default.createDirectory(atPath: folder.at("elsewhere"), withIntermediateDirectories: true)
        let run = folio("integrate", "claude-code", "--capture", "--scope", "user", in: folder.at("elsewhere"), env: env)
        #expect(run.code == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("Added folio's capture hooks to \(folder.at("claude/settings.json")) (Claude Code)\n"), "\(run.stdout)")
        let settings = try String(contentsOfFile: folder.at("claude/settings.json"), encoding: .utf8)
        #expect(settings.contains("context save --hook --from claude-code") && settings.contains("SessionEnd"))
        let gemini = folio("integrate", "gemini", "--capture", "--scope", "user", "--json", in: folder.at("elsewhere"), env: env)
        #expect(gemini.code == 0, "\(gemini.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.at(".gemini/settings.json")))
        // The project's own file still needs a library.
        #expect(folio("integrate", "claude-code", "--capture", in: folder.at("elsewhere"), env: env).code == FolioExitCode.notFound.rawValue)
    }

    @Test func watchRefusesADurationItCannotRead() {
        let run = folio("context", "watch", "--idle", "soon", in: library, env: env)
        #expect(run.code == FolioExitCode.usage.rawValue && run.stderr.contains("'soon' is not a duration"))
        // A number needs its unit; no idle time at all is no setting either.
        let bare = folio("context", "watch", "--idle", "5", in: library, env: env)
        #expect(bare.code == FolioExitCode.usage.rawValue && bare.stderr.contains("'5' is not a duration") && bare.stderr.contains("90s"), "\(bare.stderr)")
        let zero = folio("context", "watch", "--idle", "0s", in: library, env: env)
        #expect(zero.code == FolioExitCode.usage.rawValue && zero.stderr.contains("--idle must be longer than 0s"), "\(zero.stderr)")
    }

    @Test func watchRefusesToolsItCannotWatch() {
        for tool in ["cline", "roo", "markdown"] {
            let run = folio("context", "watch", "--from", tool, in: library, env: env)
            #expect(run.code == FolioExitCode.usage.rawValue, "\(tool)")
            #expect(run.stderr.contains("--from \(tool) cannot be watched"), "\(run.stderr)")
            #expect(run.stderr.contains("folio context save"))
        }
    }
}
