import Foundation
import Testing
import TestSupport
@testable import FolioCLI
import FolioKit

@Suite struct SidecarCommandTests {
    let folder = TemporaryFolder("sidecar")
    let day = Date(timeIntervalSince1970: 1_763_985_600)  // 2025-11-24 12:00 UTC

    init() {
        _ = folio("init", "--templates", in: folder.path)
    }

    @Test func searchPrintsRankedHitsWithSnippets() {
        let plain = folio("search", "injection", in: folder.path)
        #expect(plain.code == 0)
        #expect(plain.stdout.hasPrefix("security-review  Security review"))
        #expect(plain.stdout.contains("\n  …weaknesses an attacker could exploit, in particular: - injection (SQL"))
        #expect(!plain.stdout.contains("\u{1}"))
        let coloured = folio("search", "injection", in: folder.path, terminal: true)
        #expect(coloured.stdout.contains("\u{1B}[1;33minjection\u{1B}[0m"))
        #expect(folio("search", "nothing-like-this", in: folder.path).stdout == "No prompts match.\n")
    }

    @Test func searchHasJSONAndFilters() throws {
        let hits = try #require(try json(folio("search", "--tag", "review", "--json", in: folder.path).stdout) as? [[String: Any]])
        #expect(hits.map { $0["id"] as? String } == ["code-review", "performance-review", "pr-description", "security-review"])
        let ranked = try #require(try json(folio("search", "review", "--category", "review", "--limit", "1", "--json", in: folder.path).stdout) as? [[String: Any]])
        #expect(ranked.count == 1)
        #expect((ranked[0]["score"] as? Double ?? 0) > 0)
        #expect(folio("search", "x", "--limit", "0", in: folder.path).code == FolioExitCode.usage.rawValue)
    }

    @Test func aDeletedIndexIsRebuiltWithANotice() throws {
        _ = folio("search", "review", in: folder.path)
        try FileManager.default.removeItem(atPath: folder.at(".git/folio/index.sqlite"))
        let run = folio("search", "review", in: folder.path)
        #expect(run.code == 0)
        #expect(run.stderr == "folio: the search index was missing; rebuilding it\n")
        #expect(run.stdout.contains("code-review"))
    }

    @Test func listWorksWhenTheIndexCannotBeWrittenAndRebuildExitsSix() throws {
        // SQLite cannot open a folder (error 14, as with a folder the user may not write to; root writes anywhere).
        try? FileManager.default.removeItem(atPath: folder.at(".git/folio/index.sqlite"))
        try FileManager.default.createDirectory(atPath: folder.at(".git/folio/index.sqlite/keep"), withIntermediateDirectories: true)
        let list = folio("list", in: folder.path)
        #expect(list.code == 0)
        #expect(list.stdout.contains("code-review"))
        #expect(list.stderr.hasPrefix("folio: the search index at \(folder.at(".git/folio/index.sqlite")) is a folder; reading the files instead"))
        #expect(list.stderr.contains("fix: delete it"))
        #expect(folio("search", "injection", in: folder.path).stdout.hasPrefix("security-review"))
        let rebuild = folio("index", "rebuild", in: folder.path)
        #expect(rebuild.code == FolioExitCode.io.rawValue)
        #expect(rebuild.stderr.contains("is a folder; fix: delete it"))
    }

    @Test func indexStatusRebuildAndVerify() throws {
        let status = try #require(try json(folio("index", "status", "--json", in: folder.path).stdout) as? [String: Any])
        #expect(status["prompts"] as? Int == 12)
        #expect(status["head"] as? String == (try git("rev-parse", "HEAD", in: folder.path)))
        #expect(folio("index", "rebuild", in: folder.path).stdout.hasPrefix("Indexed 12 prompts"))
        #expect(folio("index", "verify", in: folder.path).stdout == "The index matches the files and HEAD.\n")
        #expect(folio("index", "refresh", in: folder.path).stdout == "Up to date.\n")
        folder.write("prompts/new.prompt.md", "---\ntitle: New\n---\nx\n")
        #expect(folio("index", "refresh", in: folder.path).stdout == "1 added, 0 updated, 0 removed\n")
    }

    @Test func verifyExitsOneAndListsDrift() throws {
        _ = folio("index", "refresh", in: folder.path)
        // Damage one row behind folio's back: its recorded content no longer matches the file.
        try run("/usr/bin/env", ["python3", "-c", """
            import sqlite3; c = sqlite3.connect('\(folder.at(".git/folio/index.sqlite"))')
            c.execute("UPDATE prompts SET blob = '0000000000000000000000000000000000000000' WHERE id = 'bug-fix'"); c.commit()
            """], environment: ProcessInfo.processInfo.environment)
        let run = folio("index", "verify", in: folder.path)
        #expect(run.code == FolioExitCode.findings.rawValue)
        #expect(run.stdout == "prompts/bug-fix.prompt.md: indexed content differs from the file\n")
        #expect(run.stderr.contains("folio index rebuild"))
    }

    @Test func useAndRenderRecordEvents() throws {
        let use = folio("use", "bug-fix", "--source", "claude-code", in: folder.path)
        #expect(use.code == 0)
        let eventID = use.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(UUID(uuidString: eventID) != nil)
        let rendered = try #require(try json(folio("render", "commit-message", "--var", "diff=x", "--json", in: folder.path).stdout) as? [String: Any])
        #expect(UUID(uuidString: rendered["event_id"] as? String ?? "") != nil)
        #expect(folio("use", "no-such-prompt", in: folder.path).code == FolioExitCode.notFound.rawValue)
        let stats = try #require(try json(folio("stats", "--json", "--by", "source", in: folder.path).stdout) as? [String: Any])
        let breakdown = try #require(stats["breakdown"] as? [[String: Any]])
        #expect(Set(breakdown.map { $0["key"] as? String }) == ["claude-code", "cli"])
    }

    @Test func statsReportsTopPromptsVersionsAndUnused() throws {
        let earlier = day.addingTimeInterval(-86_400 * 2)
        for _ in 0..<3 { _ = folio("use", "bug-fix", in: folder.path, now: earlier) }
        let event = folio("use", "code-review", "--source", "cursor", in: folder.path, now: earlier).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let library = try FolioKit.Library.open(explicitPath: folder.path, environment: .init(variables: [:], currentDirectory: folder.path, now: { self.day }))
        try library.recordFeedback(on: event, score: 4, success: true, source: "test")

        let report = try #require(try json(folio("stats", "--since", "7d", "--json", in: folder.path, now: day).stdout) as? [String: Any])
        let top = try #require(report["top"] as? [[String: Any]])
        #expect(top.map { $0["key"] as? String } == ["bug-fix", "code-review"])
        #expect(top.first?["uses"] as? Int == 3)
        let unused = try #require(report["unused"] as? [String])
        #expect(unused.count == 10 && !unused.contains("bug-fix"))
        let days = try #require(report["breakdown"] as? [[String: Any]])
        #expect(days.count == 8)
        #expect(days.map { $0["uses"] as? Int ?? 0 }.reduce(0, +) == 4)
        let versions = try #require(report["versions"] as? [[String: Any]])
        let rated = try #require(versions.first { $0["prompt"] as? String == "code-review" })
        #expect(rated["success_rate"] as? Double == 1.0)
        #expect(rated["version"] as? String == "v1")  // the templates' first commit
        #expect(rated["mean_score"] as? Double == 4.0)

        let text = folio("stats", "--since", "7d", in: folder.path, now: day).stdout
        #expect(text.contains("Top prompts"))
        #expect(text.contains("bug-fix") && text.contains("███"))
        #expect(text.contains("Unused in this period"))

        let csv = folio("stats", "--since", "7d", "--by", "source", "--csv", in: folder.path, now: day).stdout
        #expect(csv == "source,uses,renders,direct_uses,copies,exposures,feedback\ncli,3,0,3,0,0,0\ncursor,1,0,1,0,0,0\ntest,0,0,0,0,0,1\n")

        #expect(folio("stats", "--since", "7d", "--html", "report.html", in: folder.path, now: day).code == 0)
        let html = try #require(folder.read("report.html"))
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<svg"))
        #expect(!html.contains("<script") && !html.contains("<link") && !html.contains("@import"))
        #expect(!html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http"))
    }

    @Test func statsRejectsABadPeriod() {
        let run = folio("stats", "--since", "last tuesday", in: folder.path)
        #expect(run.code == FolioExitCode.invalidInput.rawValue)
        #expect(run.stderr.contains("24h, 30d, 12w, 6m (months), 1y"))
    }

    @Test func statsTextShowsOnlyDaysWithActivityAndPluralises() throws {
        _ = folio("use", "bug-fix", in: folder.path, now: day.addingTimeInterval(-86_400 * 3))
        _ = folio("use", "code-review", "--copy", in: folder.path, now: day)
        _ = folio("use", "code-review", in: folder.path, now: day)
        let text = folio("stats", "--since", "30d", in: folder.path, now: day).stdout
        #expect(text.hasPrefix("Usage, 2025-10-25 to 2025-11-24: 3 uses (2 direct uses, 1 copy), no feedback\n"), "\(text)")
        #expect(text.contains("Uses by day  (2 of 31 days with activity)\n  2025-11-21  "), "\(text)")
        #expect(!text.contains(" 0\n"), "\(text)")
        let one = folio("stats", "bug-fix", "--since", "30d", in: folder.path, now: day).stdout
        #expect(one.hasPrefix("Usage of bug-fix, 2025-10-25 to 2025-11-24: 1 use (1 direct use), no feedback\n"), "\(one)")
        #expect(one.contains("bug-fix@v1") && one.contains("    1 use  ") && !one.contains("1 uses"), "\(one)")
    }

    @Test func statsOfAnUnknownPromptIsNotFound() {
        let typo = folio("stats", "bug-fx", in: folder.path)
        #expect(typo.code == FolioExitCode.notFound.rawValue)
        #expect(typo.stderr.contains("no prompt 'bug-fx'") && typo.stderr.contains("did you mean bug-fix?"), "\(typo.stderr)")
        let nope = folio("stats", "nope", in: folder.path)
        #expect(nope.code == FolioExitCode.notFound.rawValue && nope.stderr.contains("folio list"))
        #expect(folio("stats", "bug-fix", "--since", "1y", in: folder.path).code == 0)
        #expect(folio("stats", "--since", "2025-01-01", in: folder.path).code == 0)
    }

    @Test func statsHTMLHasWholeLabelsNamesAndExperiments() throws {
        folder.write("prompts/team/support/escalation-to-a-human.prompt.md", "---\ntitle: Escalate\n---\nPlease escalate.\n")
        _ = folio("use", "team/support/escalation-to-a-human", in: folder.path, now: day)  // never committed
        _ = folio("variant", "create", "short", in: folder.path)
        _ = folio("edit", "bug-fix", "--variant", "short", "--body-file", "-", in: folder.path, stdin: "Fix the bug.\n")
        _ = folio("ab", "create", "brevity", "--prompt", "bug-fix", "--variants", "main,short", in: folder.path)
        for subject in ["a", "b", "c", "d"] {
            let run = folio("render", "bug-fix", "--experiment", "brevity", "--subject", subject, "--var", "report=x", "--var", "code=y", "--json",
                            in: folder.path, now: day)
            let event = (try json(run.stdout) as? [String: Any])?["event_id"] as? String ?? ""
            _ = folio("feedback", event, "--success", in: folder.path, now: day)
        }
        #expect(folio("stats", "--since", "7d", "--by", "version", "--html", "report.html", in: folder.path, now: day).code == 0)
        let html = try #require(folder.read("report.html"))
        #expect(html.contains(">team/support/escalation-to-a-human@uncommitted "), "labels are whole and name the prompt")
        #expect(html.contains(">team/support/escalation-to-a-human</text>"))
        #expect(html.contains("<h2>Experiments</h2><h3>brevity</h3>"))
        #expect(html.contains("<th>Success rate [95% CI]</th>"))
        #expect(html.contains("not enough data yet"))
        #expect(html.contains("<td>variant short</td>"))
    }
}
