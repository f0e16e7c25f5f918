import Foundation
import Testing
import TestSupport
@testable import FolioCLI
@testable import FolioKit

/// `folio context save --from cursor` and `--from cursor-agent` as a person runs them, on databases laid out as
/// Cursor writes them, with Cursor's connection open on the global database.
@Suite struct CursorCommandTests {
    let folder = TemporaryFolder("cursor-cli")
    var library: String { folder.at("repo") }
    var env: [String: String] { ["HOME": folder.path, "CURSOR_USER_DATA_DIR": folder.at("Cursor"), "CURSOR_CONFIG_DIR": folder.at("dot-cursor")] }
    let cursor: CursorFixture

    init() throws {
        try FileManager.default.createDirectory(atPath: folder.at("repo"), withIntermediateDirectories: true)
        _ = folio("init", in: folder.at("repo"))
        cursor = CursorFixture(root: folder.at("Cursor"))
        cursor.workspace("5f1e0c1d", folder: folder.at("repo"), composers: [
            ["composerId": "9d0c5e2a-0000-4000-8000-00000000000a", "name": "Flaky login test", "lastUpdatedAt": 1_772_355_000_000]])
        cursor.chat("9d0c5e2a-0000-4000-8000-00000000000a", ["name": "Flaky login test", "createdAt": 1_772_355_000_000,
                                                              "lastUpdatedAt": 1_772_355_600_000, "modelConfig": ["modelName": "gpt-5"]],
                    bubbles: [
                        ("u1", 1, ["type": 1, "text": "Fix the flaky login test; the key is AKIAIOSFODNN7EXAMPLE", "createdAt": "2026-03-01T09:00:00Z"]),
                        ("a1", 2, ["type": 2, "text": "", "toolFormerData": ["name": "run_terminal_cmd", "toolCallId": "c1", "status": "completed",
                                                                             "rawArgs": jsonText(["command": "pytest tests/test_login.py"]),
                                                                             "result": jsonText(["output": "1 failed", "exitCode": 1])]]),
                        ("a2", 2, ["type": 2, "text": "The timeout was too short; I raised it.", "createdAt": "2026-03-01T09:01:00Z"]),
                    ])
    }

    @Test func saveFromCursorTakesThisFoldersLatestChatAndShowReadsIt() throws {
        let save = folio("context", "save", "--from", "cursor", in: library, env: env)
        #expect(save.code == 0, "\(save.stderr)")
        #expect(save.stdout.contains("Read cursor session \(cursor.globalPath)#9d0c5e2a-0000-4000-8000-00000000000a"), "\(save.stdout)")
        #expect(save.stdout.contains("  2 messages, 1 tool call, 0 files, 0 open tasks"), "\(save.stdout)")
        #expect(save.stdout.contains("redacted: 1 × AWS access key"))
        #expect(save.stdout.contains("Saved 2026/03/01-flaky-login-test"))
        #expect(try git("log", "-1", "--format=%s", in: library) == "folio: save context 2026/03/01-flaky-login-test")
        let shown = folio("context", "show", "flaky-login-test", in: library, env: env)
        #expect(shown.code == 0)
        #expect(shown.stdout.contains("  tool: \"cursor\"\n"))
        #expect(shown.stdout.contains("models: [\"gpt-5\"]"))
        #expect(shown.stdout.contains("→ **run_terminal_cmd** {\"command\":\"pytest tests/test_login.py\"}"), "\(shown.stdout)")
        #expect(shown.stdout.contains("1 failed"))
        #expect(shown.stdout.contains("The timeout was too short; I raised it."))
        #expect(!shown.stdout.contains("AKIAIOSFODNN7EXAMPLE"))
        #expect(folio("context", "list", in: library, env: env).stdout.contains("cursor, 2 messages"))
        #expect(folio("lint", in: library, env: env).code == 0)
        // Named by its name, the same chat is up to date.
        let again = folio("context", "save", "--from", "cursor", "--session", "flaky login test", in: library, env: env)
        #expect(again.code == 0, "\(again.stderr)")
        #expect(again.stdout.contains("2026/03/01-flaky-login-test is up to date"))
    }

    @Test func saveFromCursorAgentAndTheErrorsSayWhereFolioLooked() throws {
        let missing = folio("context", "save", "--from", "cursor-agent", in: library, env: env)
        #expect(missing.code != 0)
        #expect(missing.stderr.contains("no cursor-agent session found for \(library)"), "\(missing.stderr)")
        // --from was given: no advice to give it.
        #expect(!missing.stderr.contains("pick the tool with --from"), "\(missing.stderr)")
        let chat = folder.at("dot-cursor/chats/\(MD5.hex(Data(library.utf8)))/2b7c0000-0000-4000-8000-00000000000b/store.db")
        writeCursorAgentChat(at: chat, meta: ["agentId": "2b7c0000-0000-4000-8000-00000000000b", "name": "Sources", "createdAt": 1_772_355_000_000],
                             messages: [["role": "user", "content": "<user_query>List the sources</user_query>"],
                                        ["role": "assistant", "content": "Parser.swift and Lexer.swift."]])
        let save = folio("context", "save", "--from", "cursor-agent", in: library, env: env)
        #expect(save.code == 0, "\(save.stderr)")
        #expect(save.stdout.contains("Read cursor-agent session \(chat)"))
        #expect(save.stdout.contains("Saved 2026/03/01-sources"))
        #expect(folio("context", "show", "sources", in: library, env: env).stdout.contains("Parser.swift and Lexer.swift."))
        let unknown = folio("context", "save", "--from", "cursor", "--session", "zanzibar", in: library, env: env)
        #expect(unknown.code != 0)
        #expect(unknown.stderr.contains("no cursor session with id zanzibar"))
    }
}
