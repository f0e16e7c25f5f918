import Foundation
import Testing
import TestSupport
@testable import FolioCLI
@testable import FolioKit

/// `folio context …` and `folio search --contexts` as a person runs them.
@Suite struct ContextCommandTests {
    let folder = TemporaryFolder("contexts-cli")
    var library: String { folder.at("repo") }
    var env: [String: String] { ["HOME": folder.path, "CLAUDE_CONFIG_DIR": folder.at("claude"), "CODEX_HOME": folder.at("codex")] }

    init() throws {
        try FileManager.default.createDirectory(atPath: folder.at("repo"), withIntermediateDirectories: true)
        _ = folio("init", in: folder.at("repo"))
    }

    /// A Claude Code session for the library's folder where Claude Code keeps it, holding an AWS key.
    func putSession(_ name: String = "0d5c3a0e-1111-4222-8333-444455556666") throws -> String {
        let projects = folder.at("claude/projects/" + ClaudeCodeImporter.encodedFolder(library))
        try FileManager.default.createDirectory(atPath: projects, withIntermediateDirectories: true)
        let records: [[String: Any]] = [
            ["type": "user", "uuid": "u1", "parentUuid": NSNull(), "cwd": library, "sessionId": name, "timestamp": "2026-03-01T09:00:00Z",
             "message": ["role": "user", "content": "Fix the flaky login test in \(library)/Tests"]],
            ["type": "assistant", "uuid": "a1", "parentUuid": "u1", "cwd": library, "timestamp": "2026-03-01T09:00:05Z",
             "message": ["id": "m1", "role": "assistant", "model": "claude-x", "content": [
                ["type": "text", "text": "Reading the config."],
                ["type": "tool_use", "id": "t1", "name": "Read", "input": ["file_path": "\(library)/config.env"]]]]],
            ["type": "user", "uuid": "u2", "parentUuid": "a1", "cwd": library, "timestamp": "2026-03-01T09:00:06Z",
             "message": ["role": "user", "content": [["type": "tool_result", "tool_use_id": "t1", "content": "AWS_KEY=AKIAIOSFODNN7EXAMPLE"]]]],
            ["type": "assistant", "uuid": "a2", "parentUuid": "u2", "cwd": library, "timestamp": "2026-03-01T09:00:09Z",
             "message": ["id": "m2", "role": "assistant", "model": "claude-x", "content": [["type": "text", "text": "The timeout is too short; raised it."]]]],
        ]
        let lines = try records.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        let path = projects + "/\(name).jsonl"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func saveFindsTheLatestSessionRedactsAndCommits() throws {
        _ = try putSession()
        let save = folio("context", "save", "--tag", "tests", in: library, env: env)
        #expect(save.code == 0, "\(save.stderr)")
        #expect(save.stdout.contains("Read claude-code session"))
        #expect(save.stdout.contains("  3 turns, 1 tool calls, 1 files, 0 open tasks"))
        #expect(save.stdout.contains("redacted: 1 × AWS access key"))
        #expect(save.stdout.contains("Saved 2026/03/2026-03-01-fix-the-flaky-login-test"))
        #expect(try git("log", "-1", "--format=%s", in: library) == "folio: save context 2026/03/2026-03-01-fix-the-flaky-login-test-in-repo-tests")
        let shown = folio("context", "show", "flaky-login", in: library, env: env)
        #expect(shown.code == 0)
        #expect(shown.stdout.contains("AWS_KEY=[REDACTED:aws-access-key]"))
        #expect(!shown.stdout.contains("AKIAIOSFODNN7EXAMPLE"))
        #expect(shown.stdout.contains("~/repo"))
        let list = folio("context", "list", in: library, env: env)
        #expect(list.stdout.hasPrefix("2026/03/2026-03-01-fix-the-flaky-login-test-in-repo-tests  Fix the flaky login test"))
        // Lint passes on what folio wrote.
        #expect(folio("lint", in: library, env: env).code == 0)
    }

    @Test func searchContextsFindsTheTranscriptsWords() throws {
        _ = try putSession()
        _ = folio("context", "save", "--tag", "tests", in: library, env: env)
        let found = folio("search", "--contexts", "timeout", in: library, env: env)
        #expect(found.code == 0, "\(found.stderr)")
        #expect(found.stdout.hasPrefix("2026/03/2026-03-01-fix-the-flaky-login-test-in-repo-tests  Fix the flaky login test"))
        #expect(found.stdout.contains("(claude-code, 2026-03-01, 3 messages)  #tests"))
        #expect(found.stdout.contains("AWS_KEY=[REDACTED:aws-access-key] The timeout is too short; raised it."))
        let hits = try #require(try json(folio("search", "--contexts", "timeout", "--json", in: library, env: env).stdout) as? [[String: Any]])
        #expect(hits.first?["tool"] as? String == "claude-code")
        #expect((hits.first?["snippet"] as? String)?.contains("\u{1}") == false)
        #expect(folio("search", "--contexts", "zanzibar", in: library, env: env).stdout == "No contexts match.\n")
        let misuse = folio("search", "--contexts", "x", "--owner", "ada", in: library, env: env)
        #expect(misuse.code == FolioExitCode.usage.rawValue)
        #expect(misuse.stderr.contains("--owner filters prompts; with --contexts only --tag and --limit apply"))
    }

    @Test func restoreForClaudeCodeWritesASessionAndPrintsTheResumeCommand() throws {
        _ = try putSession()
        _ = folio("context", "save", in: library, env: env)
        let brief = folio("context", "restore", "flaky-login", in: library, env: env)
        #expect(brief.code == 0)
        #expect(brief.stdout.contains("The timeout is too short"))
        let written = folio("context", "restore", "flaky-login", "--for", "claude-code", "--write", in: library, env: env)
        #expect(written.code == 0, "\(written.stderr)")
        let resume = try #require(written.stdout.split(separator: "\n").first { $0.contains("claude --resume ") })
        let uuid = String(resume.split(separator: " ").last ?? "")
        #expect(FileManager.default.fileExists(atPath: folder.at("claude/projects/\(ClaudeCodeImporter.encodedFolder(library))/\(uuid).jsonl")))
    }

    @Test func flagsAndErrorsSayWhatTheyDid() throws {
        let path = try putSession()
        let raw = folio("context", "save", "--file", path, "--no-redact", "--no-commit", "--title", "raw copy", in: library, env: env)
        #expect(raw.code == 0)
        #expect(raw.stderr.contains("not redacted (--no-redact)"))
        // A context with a secret fails lint, naming the file and the rule.
        let lint = folio("lint", in: library, env: env)
        #expect(lint.code == 1)
        #expect(lint.stdout.contains("contexts/2026/03/2026-03-01-raw-copy.context.md") && lint.stdout.contains("[secret-detected]"))
        let missing = folio("context", "save", "--file", "nowhere.jsonl", in: library, env: env)
        #expect(missing.code != 0)
        #expect(missing.stderr.contains("no session file at nowhere.jsonl"))
        let both = folio("context", "save", "--file", path, "--session", "x", in: library, env: env)
        #expect(both.code == FolioExitCode.usage.rawValue)
        #expect(folio("context", "show", "no-such-context", in: library, env: env).stderr.contains("no context 'no-such-context'"))
    }
}
