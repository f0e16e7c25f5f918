import Foundation
import Testing
import TestSupport
@testable import FolioCLI
@testable import FolioKit

/// A session fixture of Tests/Fixtures (named after the FolioKit test that reads it).
private func sessionFixture(_ name: String) throws -> String {
    try String(contentsOfFile: packageRoot.appendingPathComponent("Tests/Fixtures/" + name).path, encoding: .utf8)
}

/// `folio context save --from copilot`, `--from specstory`, and Claude Code files that are not a whole session, as a
/// person runs them.
@Suite struct ContextFormatCommandTests {
    let folder = TemporaryFolder("formats-cli")
    var library: String { folder.at("repo") }
    /// Nothing of the machine's own tools: every tool's folder is under the test's home.
    var env: [String: String] { ["HOME": folder.path, "CLAUDE_CONFIG_DIR": folder.at("claude"), "CODEX_HOME": folder.at("codex")] }

    init() throws {
        try FileManager.default.createDirectory(atPath: folder.at("repo"), withIntermediateDirectories: true)
        _ = folio("init", in: folder.at("repo"))
    }

    /// VS Code's workspace storage where VS Code keeps it for this user.
    var workspaceStorage: String {
        #if os(macOS)
        folder.at("Library/Application Support/Code/User/workspaceStorage")
        #else
        folder.at(".config/Code/User/workspaceStorage")
        #endif
    }

    @Test func saveFromCopilotTakesTheLatestChatOfThisRepository() throws {
        let relative = String(workspaceStorage.dropFirst(folder.path.count + 1))
        folder.write(relative + "/9e1f0a/workspace.json", #"{"folder":"\#(URL(fileURLWithPath: library).absoluteString)"}"#)
        folder.write(relative + "/9e1f0a/chatSessions/6f1e2b6a-0d7c-4c1e-9a55-3f0b8e2d4c11.jsonl",
                     try sessionFixture("copilotChangeLogReplaysToTheSameChat.jsonl"))
        folder.write(relative + "/9e1f0a/chatSessions/new-empty-chat.json", #"{"version":3,"requests":[],"sessionId":"new-empty-chat"}"#)
        folder.write(relative + "/77aa00/workspace.json", #"{"folder":"file:///another/project"}"#)
        folder.write(relative + "/77aa00/chatSessions/other.json", try sessionFixture("copilotChatJSONHasTurnsToolCallsAndModel.json"))

        let save = folio("context", "save", "--from", "copilot", in: library, env: env)
        #expect(save.code == 0, "\(save.stderr)")
        #expect(save.stdout.contains("Read copilot session"))
        #expect(save.stdout.contains("6f1e2b6a-0d7c-4c1e-9a55-3f0b8e2d4c11.jsonl"))
        #expect(save.stdout.contains("Saved 2026/01/01-login-test-ci"), "\(save.stdout)")
        let shown = folio("context", "show", "login-test-ci", in: library, env: env)
        #expect(shown.stdout.contains("tool: \"copilot\""))
        #expect(shown.stdout.contains("→ **run_in_terminal** {\"command\":\"pytest tests/test_login.py -q\""))
        #expect(shown.stdout.contains("- [ ] Run the suite on CI (in progress)"))
        #expect(shown.stdout.contains("models: [\"claude-sonnet-4\", \"gpt-4.1\"]"))
        // By id, and, with no --from, as the newest session of any tool.
        let byID = folio("context", "save", "--from", "copilot", "--session", "6f1e2b6a", "--json", in: library, env: env)
        #expect(byID.code == 0, "\(byID.stderr)")
        #expect((try json(byID.stdout) as? [String: Any])?["changed"] as? Bool == false)
        #expect(folio("context", "save", in: library, env: env).stdout.contains("2026/01/01-login-test-ci is up to date"))
        // No chat of this repository: the error says where folio looked.
        try FileManager.default.removeItem(atPath: workspaceStorage + "/9e1f0a/chatSessions/6f1e2b6a-0d7c-4c1e-9a55-3f0b8e2d4c11.jsonl")
        let none = folio("context", "save", "--from", "copilot", in: library, env: env)
        #expect(none.code == FolioExitCode.notFound.rawValue)
        #expect(none.stderr.contains("no copilot session found for"))
    }

    @Test func saveFromSpecStoryTakesTheLatestHistoryOfThisRepository() throws {
        folder.write("repo/.specstory/history/2025-03-11_20-11Z-banner.md", try sessionFixture("specstoryOldestHistoryReadsItsSections.md"))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3_600)],
                                              ofItemAtPath: folder.at("repo/.specstory/history/2025-03-11_20-11Z-banner.md"))
        folder.write("repo/.specstory/history/2025-12-04_09-12Z-remove-coupons.md", try sessionFixture("specstoryCursorHistoryHasToolBlocksThinkingAndItsName.md"))
        let save = folio("context", "save", "--from", "specstory", in: library, env: env)
        #expect(save.code == 0, "\(save.stderr)")
        #expect(save.stdout.contains("Read specstory session"))
        #expect(save.stdout.contains("Saved 2025/12/04-remove-legacy-coupon-code"), "\(save.stdout)")
        #expect(save.stdout.contains("4 messages, 4 tool calls, 1 file,"), "\(save.stdout)")
        let shown = folio("context", "show", "remove-legacy-coupon-code", in: library, env: env)
        #expect(shown.stdout.contains("session: \"4b2d8f10-7c3e-4a59-8e61-0d9c2b7a5f44\""))
        #expect(shown.stdout.contains("<!-- folio:turn role=user time=2025-12-04T09:12:00Z -->"))
        // A history file named with --file is recognised by its content.
        let named = folio("context", "save", "--file", ".specstory/history/2025-03-11_20-11Z-banner.md", in: library, env: env)
        #expect(named.code == 0, "\(named.stderr)")
        #expect(named.stdout.contains("Saved 2025/03/11-make-banner-responsive"))
        #expect(folio("lint", in: library, env: env).code == 0)
    }

    @Test func saveFileTakesASubagentsTranscriptAndALoglinesExport() throws {
        folder.write("exports/agent-a3f9c2e1.jsonl", try sessionFixture("claudeCodeSubagentFileOnItsOwnIsThatAgentsConversation.jsonl"))
        folder.write("exports/web-session.json", try sessionFixture("claudeCodeLoglinesJSONReadsLikeItsJSONL.json"))
        let agent = folio("context", "save", "--file", folder.at("exports/agent-a3f9c2e1.jsonl"), "--json", in: library, env: env)
        #expect(agent.code == 0, "\(agent.stderr)")
        let saved = try #require(try json(agent.stdout) as? [String: Any])
        #expect(saved["tool"] as? String == "claude-code" && saved["messages"] as? Int == 3)
        let shown = folio("context", "show", try #require(saved["id"] as? String), in: library, env: env)
        #expect(shown.stdout.contains("  session: \"a3f9c2e1\"\n  parent: \"8a4f1b2c-5d6e-4f70-9a81-b2c3d4e5f607\""))
        let export = folio("context", "save", "--file", folder.at("exports/web-session.json"), in: library, env: env)
        #expect(export.code == 0, "\(export.stderr)")
        #expect(export.stdout.contains("Saved 2026/03/03-inclusive-upper-bound-price "), "\(export.stdout)")
    }
}
