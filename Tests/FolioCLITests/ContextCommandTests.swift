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
        #expect(save.stdout.contains("  3 messages, 1 tool call, 1 file, 0 open tasks"))
        #expect(save.stdout.contains("redacted: 1 × AWS access key"))
        #expect(save.stdout.contains("Saved 2026/03/01-fix-flaky-login-test"))
        #expect(try git("log", "-1", "--format=%s", in: library) == "folio: save context 2026/03/01-fix-flaky-login-test")
        let shown = folio("context", "show", "flaky-login", in: library, env: env)
        #expect(shown.code == 0)
        #expect(shown.stdout.contains("AWS_KEY=[REDACTED:aws-access-key]"))
        #expect(!shown.stdout.contains("AKIAIOSFODNN7EXAMPLE"))
        #expect(shown.stdout.contains("~/repo"))
        let list = folio("context", "list", in: library, env: env)
        #expect(list.stdout.hasPrefix("2026/03/01-fix-flaky-login-test  Fix the flaky login test"))
        // Lint passes on what folio wrote.
        #expect(folio("lint", in: library, env: env).code == 0)
    }

    @Test func searchContextsFindsTheTranscriptsWords() throws {
        _ = try putSession()
        _ = folio("context", "save", "--tag", "tests", in: library, env: env)
        let found = folio("search", "--contexts", "timeout", in: library, env: env)
        #expect(found.code == 0, "\(found.stderr)")
        #expect(found.stdout.hasPrefix("2026/03/01-fix-flaky-login-test  Fix the flaky login test"))
        #expect(found.stdout.contains("(claude-code, 2026-03-01, 3 messages)  #tests"))
        // The words are in the summary folio wrote (where the session stopped) and in the transcript.
        #expect(found.stdout.contains("The timeout is too short; raised it."))
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

    @Test func restoreForGeminiAndCopilotWritesWhereThoseToolsLook() throws {
        _ = try putSession()
        _ = folio("context", "save", in: library, env: env)
        let gemini = folio("context", "restore", "flaky-login", "--for", "gemini", "--write", in: library, env: env)
        #expect(gemini.code == 0, "\(gemini.stderr)")
        let resume = try #require(gemini.stdout.split(separator: "\n").first { $0.hasPrefix("Resume with: ") })
        #expect(resume.contains("&& gemini --resume "))
        let uuid = String(resume.split(separator: " ").last ?? "")
        let chats = folder.at(".gemini/tmp/" + GeminiImporter.projectHash(library) + "/chats")
        let written = try #require(try FileManager.default.contentsOfDirectory(atPath: chats).first)
        #expect(written.hasPrefix("session-") && written.hasSuffix("-\(uuid.prefix(8)).json"))
        #expect(gemini.stdout.hasPrefix("Wrote \(chats)/\(written)\n"))
        let copilot = folio("context", "restore", "flaky-login", "--for", "copilot", "--write", in: library, env: env)
        #expect(copilot.code == 0, "\(copilot.stderr)")
        #expect(copilot.stdout == "Wrote \(library)/.github/prompts/folio-context-fix-flaky-login-test.prompt.md\n")
        // Without --write, the file's text.
        #expect(folio("context", "restore", "flaky-login", "--for", "copilot", in: library, env: env).stdout.hasPrefix("---\ndescription: \"folio context: Fix the flaky login test"))
    }

    @Test func showJSONHasTheFrontmatterFieldsAndTheBody() throws {
        _ = try putSession()
        _ = folio("context", "save", "--tag", "tests", in: library, env: env)
        let run = folio("context", "show", "flaky-login", "--json", in: library, env: env)
        #expect(run.code == 0, "\(run.stderr)")
        let shown = try #require(try json(run.stdout) as? [String: Any])
        #expect(shown["id"] as? String == "2026/03/01-fix-flaky-login-test")
        #expect(shown["title"] as? String == "Fix the flaky login test in ~/repo/Tests")
        #expect((shown["source"] as? [String: Any])?["tool"] as? String == "claude-code")
        #expect((shown["stats"] as? [String: Any])?["messages"] as? Int == 3)
        #expect(shown["tags"] as? [String] == ["tests"])
        #expect(shown["path"] as? String == "contexts/2026/03/01-fix-flaky-login-test.context.md")
        let body = try #require(shown["body"] as? String)
        #expect(body.hasPrefix("\n# Fix the flaky login test") || body.hasPrefix("# Fix the flaky login test"))
        #expect(body.contains("The timeout is too short; raised it."))
    }

    @Test func writingARuleOrPromptFileAgainSaysHowToReplaceIt() throws {
        _ = try putSession()
        _ = folio("context", "save", in: library, env: env)
        for (target, file) in [("cursor", ".cursor/rules/folio-context-fix-flaky-login-test.mdc"),
                               ("copilot", ".github/prompts/folio-context-fix-flaky-login-test.prompt.md")] {
            #expect(folio("context", "restore", "flaky-login", "--for", target, "--write", in: library, env: env).code == 0)
            try "stale\n".write(toFile: library + "/" + file, atomically: true, encoding: .utf8)
            let again = folio("context", "restore", "flaky-login", "--for", target, "--write", in: library, env: env)
            #expect(again.code == FolioExitCode.conflict.rawValue)
            #expect(again.stderr.contains(file) && again.stderr.contains("already exists") && again.stderr.contains("--force"), "\(again.stderr)")
            #expect(try String(contentsOfFile: library + "/" + file, encoding: .utf8) == "stale\n")
            let forced = folio("context", "restore", "flaky-login", "--for", target, "--write", "--force", in: library, env: env)
            #expect(forced.code == 0, "\(forced.stderr)")
            #expect(try String(contentsOfFile: library + "/" + file, encoding: .utf8).contains("The timeout is too short"))
        }
        #expect(folio("context", "restore", "flaky-login", "--force", in: library, env: env).code == FolioExitCode.usage.rawValue)
    }

    @Test func writeIsAUsageErrorForTargetsThatPrint() throws {
        _ = try putSession()
        _ = folio("context", "save", in: library, env: env)
        for target in ["brief", "openai", "anthropic"] {
            let run = folio("context", "restore", "flaky-login", "--for", target, "--write", in: library, env: env)
            #expect(run.code == FolioExitCode.usage.rawValue, "\(target): \(run.stdout)")
            #expect(run.stderr.contains("--for \(target) prints to standard output"), "\(run.stderr)")
            #expect(run.stdout.isEmpty)
        }
    }

    @Test func flagsAndErrorsSayWhatTheyDid() throws {
        let path = try putSession()
        let raw = folio("context", "save", "--file", path, "--no-redact", "--no-commit", "--title", "raw copy", in: library, env: env)
        #expect(raw.code == 0)
        #expect(raw.stderr.contains("not redacted (--no-redact)"))
        // A context with a secret fails lint, naming the file and the rule.
        let lint = folio("lint", in: library, env: env)
        #expect(lint.code == 1)
        #expect(lint.stdout.contains("contexts/2026/03/01-raw-copy.context.md") && lint.stdout.contains("[secret-detected]"))
        let missing = folio("context", "save", "--file", "nowhere.jsonl", in: library, env: env)
        #expect(missing.code != 0)
        #expect(missing.stderr.contains("no session file at nowhere.jsonl"))
        // With no session to take, every tool folio looked at is named.
        let none = folio("context", "save", in: library, env: env.merging(["CLAUDE_CONFIG_DIR": folder.at("none")]) { $1 })
        #expect(none.stderr.contains("no session of Claude Code, Codex, Gemini CLI, aider, VS Code Copilot, Cursor or cursor-agent found"), "\(none.stderr)")
        #expect(none.stderr.contains("pick the tool with --from"))
        let both = folio("context", "save", "--file", path, "--session", "x", in: library, env: env)
        #expect(both.code == FolioExitCode.usage.rawValue)
        #expect(folio("context", "show", "no-such-context", in: library, env: env).stderr.contains("no context 'no-such-context'"))
    }

    @Test func savingTheSameSessionAgainUpdatesItAndARestoredCopyIsSkipped() throws {
        let path = try putSession()
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3_600)], ofItemAtPath: path)
        #expect(folio("context", "save", in: library, env: env).code == 0)
        // The session goes on; saving it again updates the same context in a new commit.
        let more: [String: Any] = ["type": "user", "uuid": "u3", "parentUuid": "a2", "cwd": library, "timestamp": "2026-03-01T09:10:00Z",
                                   "message": ["role": "user", "content": "Now run the whole suite"]]
        let line = String(decoding: try JSONSerialization.data(withJSONObject: more), as: UTF8.self)
        try (String(contentsOfFile: path, encoding: .utf8) + line + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -1_800)], ofItemAtPath: path)
        let again = folio("context", "save", in: library, env: env)
        #expect(again.code == 0, "\(again.stderr)")
        #expect(again.stdout.contains("Updated 2026/03/01-fix-flaky-login-test"), "\(again.stdout)")
        #expect(try git("log", "-1", "--format=%s", in: library) == "folio: update context 2026/03/01-fix-flaky-login-test")
        // Restored for Claude Code where Claude Code reads it, the copy is newer than the session, and is not taken for it.
        let restored = folio("context", "restore", "flaky-login", "--for", "claude-code", "--write", in: library, env: env)
        #expect(restored.code == 0, "\(restored.stderr)")
        let third = folio("context", "save", "--json", in: library, env: env)
        #expect(third.code == 0, "\(third.stderr)")
        let saved = try #require(try json(third.stdout) as? [String: Any])
        #expect(saved["source"] as? String == path)
        #expect(saved["updated"] as? Bool == true && saved["changed"] as? Bool == false)
        let list = try #require(try json(folio("context", "list", "--json", in: library, env: env).stdout) as? [[String: Any]])
        #expect(list.map { $0["id"] as? String } == ["2026/03/01-fix-flaky-login-test"])
        #expect(folio("context", "save", in: library, env: env).stdout.contains("2026/03/01-fix-flaky-login-test is up to date"))
    }

    @Test func oneCountOfMessagesEverywhere() throws {
        // A rewound session whose kept branch has an assistant turn of tool calls only.
        let projects = folder.at("claude/projects/" + ClaudeCodeImporter.encodedFolder(library))
        try FileManager.default.createDirectory(atPath: projects, withIntermediateDirectories: true)
        func record(_ type: String, _ uuid: String, _ parent: String?, _ content: Any) -> [String: Any] {
            var message: [String: Any] = ["role": type, "content": content]
            if type == "assistant" { message["id"] = "m-\(uuid)"; message["usage"] = ["input_tokens": 100, "output_tokens": 10] }
            return ["type": type, "uuid": uuid, "parentUuid": parent ?? NSNull(), "cwd": library, "sessionId": "s-count",
                    "timestamp": "2026-03-02T09:00:00Z", "message": message]
        }
        let records = [
            record("user", "u1", nil, "Run the tests"),
            record("assistant", "a1", "u1", [["type": "tool_use", "id": "t1", "name": "Bash", "input": ["command": "swift test"]]]),
            record("user", "u2", "a1", [["type": "tool_result", "tool_use_id": "t1", "content": "1 failure"]]),
            record("assistant", "a2", "u2", [["type": "text", "text": "One test fails."]]),
            record("user", "u3", "a2", "Abandoned question"),
            record("assistant", "a3", "u3", [["type": "text", "text": "Abandoned answer."]]),
            record("user", "u4", "a2", "Fix it"),
            record("assistant", "a4", "u4", [["type": "text", "text": "Fixed."]]),
        ]
        let lines = try records.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        try (lines.joined(separator: "\n") + "\n").write(toFile: projects + "/s-count.jsonl", atomically: true, encoding: .utf8)
        let save = folio("context", "save", in: library, env: env)
        #expect(save.code == 0, "\(save.stderr)")
        // Kept: Run the tests, One test fails., Fix it, Fixed. (the call-only turn says nothing; the abandoned branch is gone).
        #expect(save.stdout.contains("  4 messages, 1 tool call,"), "\(save.stdout)")
        let list = try #require(try json(folio("context", "list", "--json", in: library, env: env).stdout) as? [[String: Any]])
        #expect(list.first?["messages"] as? Int == 4)
        #expect(folio("context", "list", in: library, env: env).stdout.contains("4 messages"))
        let shown = folio("context", "show", "run-tests", in: library, env: env).stdout
        #expect(shown.contains("  messages: 4\n"))
        #expect(shown.contains("  input_tokens: 300\n"))  // a1, a2 and a4; not the abandoned a3
        #expect(!shown.contains("Abandoned"))
    }

    @Test func anAmbiguousIdListsTheCandidates() throws {
        for (name, title) in [("one", "Fix the login"), ("two", "Fix the login page")] {
            let path = folder.at("\(name).md")
            try "User: \(title)\n\nAssistant: ok\n".write(toFile: path, atomically: true, encoding: .utf8)
            #expect(folio("context", "save", "--file", path, in: library, env: env).code == 0)
        }
        for command in [["restore", "login"], ["show", "login"], ["rm", "login"]] {
            let result = folio("context", command[0], command[1], in: library, env: env)
            #expect(result.code == FolioExitCode.invalidInput.rawValue, "\(command)")
            #expect(result.stderr.contains("'login' matches 2 contexts"), "\(result.stderr)")
            #expect(result.stderr.contains("Fix the login page"), "\(result.stderr)")
        }
    }
}
