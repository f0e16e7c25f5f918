import Foundation
import Testing
import TestSupport
@testable import FolioCLI

@Suite struct SyncCommandTests {
    let folder = TemporaryFolder("sync-cli")

    /// A hub, Ada's library pushed to it with `greet`, and Bob's clone.
    init() throws {
        _ = try git("init", "-q", "--bare", "hub.git", in: folder.path)
        _ = folio("init", "ada", in: folder.path)
        _ = folio("new", "greet", "--file", "-", in: folder.at("ada"), stdin: "---\ntitle: Greet\n---\nHello.\n")
        precondition(folio("remote", "add", "origin", "../hub.git", in: folder.at("ada")).code == 0)
        precondition(folio("sync", in: folder.at("ada")).code == 0)
    }

    func edit(_ who: String, _ body: String) {
        let run = folio("edit", "greet", "--body-file", "-", in: folder.at(who), stdin: body)
        precondition(run.code == 0, run.stderr)
    }

    @Test func cloneRemoteAndSyncThroughAConflict() throws {
        let cloned = folio("clone", folder.at("hub.git"), "bob", in: folder.path)
        #expect(cloned.code == 0, "\(cloned.stderr)")
        let remotes = folio("remote", "list", "--json", in: folder.at("bob"))
        #expect(remotes.stdout.contains(folder.at("hub.git")), "\(remotes.stdout)")
        edit("ada", "Hello, Ada.\n")
        #expect(folio("sync", in: folder.at("ada")).stdout.contains("Synced main with origin: nothing new from origin; pushed"))
        edit("bob", "Hello, Bob.\n")
        let stopped = folio("sync", in: folder.at("bob"))
        #expect(stopped.code == FolioExitCode.conflict.rawValue)
        #expect(stopped.stderr.contains("prompts/greet.prompt.md") && stopped.stderr.contains("folio sync --continue"), "\(stopped.stderr)")
        // Abort, then sync again and finish with --continue.
        #expect(folio("sync", "--abort", in: folder.at("bob")).code == 0)
        #expect(try String(contentsOfFile: folder.at("bob/prompts/greet.prompt.md"), encoding: .utf8).contains("Hello, Bob."))
        #expect(folio("sync", in: folder.at("bob")).code == FolioExitCode.conflict.rawValue)
        try "---\ntitle: Greet\n---\nHello, Ada and Bob.\n".write(toFile: folder.at("bob/prompts/greet.prompt.md"), atomically: true, encoding: .utf8)
        let finished = folio("sync", "--continue", "--json", in: folder.at("bob"))
        #expect(finished.code == 0, "\(finished.stderr)")
        let outcome = try #require(try json(finished.stdout) as? [String: Any])
        #expect(outcome["integration"] as? String == "merged" && outcome["pushed"] as? Bool == true)
        #expect(folio("sync", in: folder.at("ada")).code == 0)
        #expect(folio("show", "greet", in: folder.at("ada")).stdout.contains("Hello, Ada and Bob."))
        #expect(folio("sync", "--continue", "--abort", in: folder.at("bob")).code == FolioExitCode.usage.rawValue)
    }

    @Test func teamStatsAfterSync() throws {
        _ = folio("clone", folder.at("hub.git"), "bob", in: folder.path)
        _ = folio("use", "greet", in: folder.at("ada"))
        for _ in 0..<2 { _ = folio("use", "greet", in: folder.at("bob"), env: ["GIT_AUTHOR_NAME": "Bob", "GIT_AUTHOR_EMAIL": "bob@example.com"]) }
        let shared = folio("sync", in: folder.at("ada"))
        #expect(shared.stdout.contains("analytics: shared 1 new event\n"), "\(shared.stdout)")
        _ = folio("sync", in: folder.at("bob"))
        _ = folio("sync", in: folder.at("ada"))
        let mine = try #require(try json(folio("stats", "--by", "user", "--json", in: folder.at("ada")).stdout) as? [String: Any])
        let team = try #require(try json(folio("stats", "--team", "--by", "user", "--json", in: folder.at("ada")).stdout) as? [String: Any])
        func users(_ report: [String: Any]) -> [String] {
            ((report["breakdown"] as? [[String: Any]]) ?? []).map { "\($0["key"] ?? ""): \($0["uses"] ?? "")" }
        }
        #expect(users(mine) == ["Ada Tester <ada@example.com>: 1"])
        #expect(users(team) == ["Bob <bob@example.com>: 2", "Ada Tester <ada@example.com>: 1"])
    }
}

@Suite struct OwnersCommandTests {
    @Test func ownersAndCodeowners() throws {
        let folder = TemporaryFolder("owners-cli")
        _ = folio("init", in: folder.path)
        _ = folio("new", "greet", "--file", "-", in: folder.path, stdin: "---\ntitle: Greet\nowners: ['@ada', bob]\n---\nHello.\n")
        _ = folio("new", "plain", "--file", "-", in: folder.path, stdin: "---\ntitle: Plain\n---\nHi.\n")
        #expect(folio("owners", "greet", in: folder.path).stdout == "@ada\nbob\n")
        #expect(folio("owners", "plain", in: folder.path).stdout.contains("names no owners"))
        #expect(folio("owners", in: folder.path).stdout == "greet  @ada, bob\n")
        let listed = try #require(try json(folio("owners", "--json", in: folder.path).stdout) as? [[String: Any]])
        #expect(listed.first?["path"] as? String == "prompts/greet.prompt.md")
        #expect(folio("owners", "--codeowners", in: folder.path).stdout.contains("\n/prompts/greet.prompt.md @ada @bob\n"))
        #expect(folio("owners", "--codeowners", "--write", in: folder.path).code == 0)
        #expect(try String(contentsOfFile: folder.at(".github/CODEOWNERS"), encoding: .utf8).contains("/prompts/greet.prompt.md @ada @bob"))
        #expect(folio("owners", "--write", in: folder.path).code == FolioExitCode.usage.rawValue)
        #expect(folio("owners", "nope", in: folder.path).code == FolioExitCode.notFound.rawValue)
    }
}

@Suite struct IntegrateCommandTests {
    @Test func integrateClaudeCodeSaysHowPromptsAppear() throws {
        let folder = TemporaryFolder("integrate-cli")
        _ = folio("init", in: folder.path)
        _ = folio("new", "review", "--file", "-", in: folder.path, stdin: "---\ntitle: Review\n---\nReview.\n")
        let run = folio("integrate", "claude-code", in: folder.path)
        #expect(run.code == 0, "\(run.stderr)")
        #expect(run.stdout.contains("/mcp__folio__review"), "\(run.stdout)")
        #expect(FileManager.default.fileExists(atPath: folder.at(".mcp.json")))
        #expect(folio("integrate", "emacs", in: folder.path).code == FolioExitCode.usage.rawValue)
    }
}

@Suite struct ExchangeCommandTests {
    @Test func importWithAutoOrANamedFormatAndExportAsJSON() throws {
        let folder = TemporaryFolder("exchange-cli")
        _ = folio("init", in: folder.path)
        folder.write("in/ts.mdc", "---\ndescription: TS\nglobs: *.ts\nalwaysApply: false\n---\nUse strict types.\n")
        #expect(folio("import", "in", "--format", "nope", in: folder.path).code == FolioExitCode.usage.rawValue)
        let imported = folio("import", "in", "--format", "auto", "--json", in: folder.path)
        #expect(imported.code == 0, "\(imported.stderr)")
        let report = try #require(try json(imported.stdout) as? [String: Any])
        let items = try #require(report["imported"] as? [[String: Any]])
        #expect(items.first?["format"] as? String == "cursor-rules" && items.first?["id"] as? String == "ts")
        #expect((report["warnings"] as? [Any])?.isEmpty == true)
        #expect(report["commit"] is String)
        let exportReport = try #require(try json(folio("export", "--format", "cursor-rules", "--json", in: folder.path).stdout) as? [String: Any])
        let exported = try #require(exportReport["exported"] as? [[String: Any]])
        #expect(exported.first?["path"] as? String == ".cursor/rules/ts.mdc")
        #expect((exportReport["failed"] as? [Any])?.isEmpty == true)
        #expect(try String(contentsOfFile: folder.at(".cursor/rules/ts.mdc"), encoding: .utf8).contains("\nglobs: *.ts\n"))
    }

    /// The newcomer's report: `team/x` and `team-x` exported as Copilot prompt files both went to
    /// `.github/prompts/team-x.prompt.md`, one overwriting the other, "Exported 2 prompts", exit 0.
    @Test func exportReportsTwoPromptsThatWouldShareAFile() throws {
        let folder = TemporaryFolder("exchange-cli-collision")
        _ = folio("init", "lib", in: folder.path)
        let library = folder.at("lib")
        _ = folio("new", "team/x", "--file", "-", in: library, stdin: "---\ntitle: Slash\n---\nI am the slash one\n")
        _ = folio("new", "team-x", "--file", "-", in: library, stdin: "---\ntitle: Dash\n---\nI am the dash one\n")
        _ = folio("new", "other", "--file", "-", in: library, stdin: "---\ntitle: Other\n---\nI am another one\n")
        let out = folder.at("e")
        let run = folio("export", "--format", "copilot-prompts", "--out", out, "team/x", "team-x", "other", in: library)
        #expect(run.code == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("other → \(out)/.github/prompts/other.prompt.md"), "\(run.stdout)")
        #expect(run.stdout.contains("Exported 1 prompt as copilot-prompts; 2 could not be exported"), "\(run.stdout)")
        #expect(run.stderr.contains("error: team/x was not exported: 'team/x' and 'team-x' would both be written to .github/prompts/team-x.prompt.md"), "\(run.stderr)")
        #expect(run.stderr.contains("error: team-x was not exported: "), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/.github/prompts/team-x.prompt.md"))

        // Claude commands keep folders (namespaces): both are written.
        let claude = folio("export", "--format", "claude-commands", "--out", out, "team/x", "team-x", "--json", in: library)
        #expect(claude.code == 0, "\(claude.stderr)")
        let report = try #require(try json(claude.stdout) as? [String: Any])
        let paths = (report["exported"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
        #expect(paths == [out + "/.claude/commands/team/x.md", out + "/.claude/commands/team-x.md"])
        #expect((report["exported"] as? [[String: Any]])?.compactMap { $0["change"] as? String } == ["added", "added"])
    }

    /// A file in the way that folio did not write is left alone, named with the fix; `--force` replaces it, and
    /// the output says so.
    @Test func exportSaysWhichFilesItReplaced() throws {
        let folder = TemporaryFolder("exchange-cli-replace")
        _ = folio("init", in: folder.path)
        _ = folio("new", "review", "--file", "-", in: folder.path, stdin: "---\ndescription: Review\n---\nReview it.\n")
        folder.write(".claude/commands/review.md", "My own review command.\n")
        let refused = folio("export", "--format", "claude-commands", in: folder.path)
        #expect(refused.code == 1)
        #expect(refused.stderr.contains(".claude/commands/review.md"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--force"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: folder.at(".claude/commands/review.md"), encoding: .utf8) == "My own review command.\n")
        let forced = folio("export", "--format", "claude-commands", "--force", in: folder.path)
        #expect(forced.code == 0, "\(forced.stderr)")
        #expect(forced.stdout.contains("review → .claude/commands/review.md (replaced a file folio had not written)"), "\(forced.stdout)")
        let again = folio("export", "--format", "claude-commands", "--json", in: folder.path)
        let item = try #require((try json(again.stdout) as? [String: Any])?["exported"] as? [[String: Any]]).first
        #expect(item?["change"] as? String == "unchanged")
    }
}

@Suite struct CloneCommandTests {
    @Test func cloningFromANonexistentPathIsNotFound() {
        let folder = TemporaryFolder("clone-cli")
        let run = folio("clone", "/nonexistent-\(UUID().uuidString)", in: folder.path)
        #expect(run.code == FolioExitCode.notFound.rawValue, "\(run.stderr)")
        #expect(run.stderr.contains("there is no repository at /nonexistent-"), "\(run.stderr)")
        #expect(!run.stderr.contains("unsupported URL protocol"))
    }
}
