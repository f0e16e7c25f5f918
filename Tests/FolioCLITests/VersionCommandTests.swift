import Foundation
import Testing
import TestSupport
@testable import FolioCLI

@Suite struct VersionCommandTests {
    let folder = TemporaryFolder("versions-cli")

    init() {
        _ = folio("init", in: folder.path)
        _ = folio("new", "tone", "--file", "-", in: folder.path, stdin: "---\ntitle: Tone\nvariables: [name]\n---\nHello {{name}}.\n")
        _ = folio("edit", "tone", "--body-file", "-", in: folder.path, stdin: "Hello {{name}}, welcome.\n")
    }

    @Test func historyShowAndRenderAtVersions() throws {
        let text = folio("history", "tone", in: folder.path).stdout.split(separator: "\n")
        #expect(text.count == 2)
        #expect(text[0].hasPrefix("v2  ") && text[0].hasSuffix("folio: edit tone"))
        let versions = try #require(try json(folio("history", "tone", "--json", in: folder.path).stdout) as? [[String: Any]])
        #expect(versions.map { $0["number"] as? Int } == [2, 1])
        #expect(folio("history", "tone", "--limit", "1", "--json", in: folder.path).stdout.contains("\"number\" : 2"))
        #expect(folio("show", "tone@v1", "--raw", in: folder.path).stdout.hasSuffix("Hello {{name}}.\n"))
        #expect(folio("render", "tone@v1", "--var", "name=Ada", in: folder.path).stdout == "Hello Ada.\n")
        let missing = folio("render", "tone@v7", "--var", "name=Ada", in: folder.path)
        #expect(missing.code == FolioExitCode.notFound.rawValue)
        #expect(missing.stderr.contains("versions v1 to v2"))
    }

    @Test func diffAndRevert() throws {
        let diff = folio("diff", "tone", "v1", "v2", in: folder.path)
        #expect(diff.code == 0)
        #expect(diff.stdout.contains("-Hello {{name}}.") && diff.stdout.contains("+Hello {{name}}, welcome."))
        let words = folio("diff", "tone", "v1", "v2", "--word", in: folder.path).stdout
        #expect(words.contains("[-{{name}}.-]{+{{name}}, welcome.+}"))
        let object = try #require(try json(folio("diff", "tone", "v1", "--json", in: folder.path).stdout) as? [String: Any])
        #expect(object["from"] as? String == "v1" && object["to"] as? String == "working copy")
        #expect(object["breaking"] as? Bool == false)
        #expect(folio("revert", "tone", "--to", "v1", in: folder.path).stdout.contains("folio: revert tone to v1"))
        #expect(folder.read("prompts/tone.prompt.md")?.hasSuffix("Hello {{name}}.\n") == true)
    }

    @Test func labels() throws {
        #expect(folio("label", "set", "tone", "production", "v1", in: folder.path).stdout == "production of tone → v1\n")
        #expect(folio("label", "set", "tone", "production", in: folder.path).stdout == "production of tone → v2\n")
        #expect(folio("render", "tone@production", "--var", "name=Bo", in: folder.path).stdout == "Hello Bo, welcome.\n")
        let list = try #require(try json(folio("label", "list", "--json", in: folder.path).stdout) as? [[String: Any]])
        #expect(list.first?["version"] as? Int == 2)
        #expect(folio("history", "tone", in: folder.path).stdout.contains("(production)"))
        let log = folio("label", "log", "tone", in: folder.path).stdout.split(separator: "\n")
        #expect(log.count == 2 && log[0].contains("(none) → v1") && log[1].contains("v1 → v2"))
        #expect(folio("label", "rm", "tone", "production", in: folder.path).code == 0)
        #expect(folio("label", "set", "tone", "v2", in: folder.path).code == FolioExitCode.invalidInput.rawValue)
    }

    @Test func variantsAndAnExperiment() throws {
        #expect(folio("variant", "create", "short", in: folder.path).code == 0)
        #expect(folio("edit", "tone", "--variant", "short", "--body-file", "-", in: folder.path, stdin: "Hi {{name}}.\n").code == 0)
        #expect(try git("status", "--porcelain", in: folder.path) == "")
        #expect(folio("variant", "list", in: folder.path).stdout.contains("short  variant/short from main  tone"))
        #expect(folio("render", "tone", "--variant", "short", "--var", "name=Cy", in: folder.path).stdout == "Hi Cy.\n")
        #expect(folio("variant", "diff", "short", in: folder.path).stdout.contains("+Hi {{name}}."))

        let created = folio("ab", "create", "t", "--prompt", "tone", "--variants", "main,short", "--weights", "60,40", in: folder.path)
        #expect(created.code == 0, "\(created.stderr)")
        let bad = folio("ab", "create", "u", "--prompt", "tone", "--variants", "main,short", "--weights", "60,30", in: folder.path)
        #expect(bad.code == FolioExitCode.invalidInput.rawValue)
        #expect(bad.stderr.contains("weights must sum to 100"))
        let rendered = try #require(try json(folio("render", "tone", "--experiment", "t", "--subject", "alice", "--var", "name=A", "--json",
                                                   in: folder.path).stdout) as? [String: Any])
        let variant = try #require(rendered["variant"] as? String)
        #expect(rendered["text"] as? String == (variant == "short" ? "Hi A.\n" : "Hello A, welcome.\n"))
        let stderr = folio("render", "tone", "--experiment", "t", "--subject", "alice", "--var", "name=A", in: folder.path).stderr
        #expect(stderr.hasPrefix("variant: \(variant) (event "))
        let eventID = try #require(rendered["event_id"] as? String)
        #expect(folio("feedback", String(eventID.prefix(8)), "--success", in: folder.path).code == 0)
        #expect(folio("feedback", "nope", "--success", in: folder.path).code == FolioExitCode.notFound.rawValue)
        let report = try #require(try json(folio("ab", "report", "t", "--json", in: folder.path).stdout) as? [String: Any])
        #expect((report["verdict"] as? String)?.hasPrefix("not enough data yet") == true)
        #expect(folio("ab", "report", "t", in: folder.path).stdout.contains("success 100.0%") )
        #expect(folio("ab", "promote", "t", "short", in: folder.path).code == 0)
        #expect(folder.read("prompts/tone.prompt.md")?.hasSuffix("Hi {{name}}.\n") == true)
    }

    @Test func ratingAnExposureAgainSaysWhatItReplaced() throws {
        _ = folio("variant", "create", "short", in: folder.path)
        _ = folio("ab", "create", "t", "--prompt", "tone", "--variants", "main,short", in: folder.path)
        let rendered = try #require(try json(folio("render", "tone", "--experiment", "t", "--subject", "alice", "--var", "name=A", "--json",
                                                   in: folder.path).stdout) as? [String: Any])
        let eventID = try #require(rendered["event_id"] as? String)
        let first = folio("feedback", eventID, "--success", in: folder.path)
        #expect(first.code == 0 && first.stderr.isEmpty)
        let again = folio("feedback", eventID, "--failure", in: folder.path)
        #expect(again.code == 0)
        #expect(UUID(uuidString: again.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) != nil)
        #expect(again.stderr.hasPrefix("Replaced the earlier rating success of "), "\(again.stderr)")
        let report = try #require(try json(folio("ab", "report", "t", "--json", in: folder.path).stdout) as? [String: Any])
        let arms = try #require(report["arms"] as? [[String: Any]])
        #expect(arms.map { ($0["successes"] as? Int ?? 0) + ($0["failures"] as? Int ?? 0) }.reduce(0, +) == 1)
        #expect(arms.map { $0["failures"] as? Int ?? 0 }.reduce(0, +) == 1)
    }

    @Test func abListStopAndVariantRm() throws {
        _ = folio("variant", "create", "short", in: folder.path)
        _ = folio("edit", "tone", "--variant", "short", "--body-file", "-", in: folder.path, stdin: "Hi {{name}}.\n")
        #expect(folio("ab", "list", in: folder.path).stdout.hasPrefix("No experiments"))
        _ = folio("ab", "create", "t", "--prompt", "tone", "--variants", "short,main", "--weights", "60,40", in: folder.path)
        var variants: [String: Int] = [:]
        for subject in ["a", "b", "c", "d", "e"] {
            let run = folio("render", "tone", "--experiment", "t", "--subject", subject, "--var", "name=X", "--json", in: folder.path)
            variants[(try json(run.stdout) as? [String: Any])?["variant"] as? String ?? "", default: 0] += 1
        }
        let text = folio("ab", "list", in: folder.path).stdout
        #expect(text == "t  tone  short 60% (\(variants["short", default: 0])), main 40% (\(variants["main", default: 0]))  5 exposures  running\n")
        let list = try #require(try json(folio("ab", "list", "--json", in: folder.path).stdout) as? [[String: Any]])
        #expect(list.count == 1 && list[0]["name"] as? String == "t" && list[0]["prompt"] as? String == "tone")
        #expect(list[0]["status"] as? String == "running" && list[0]["exposures"] as? Int == 5)
        #expect((list[0]["variants"] as? [[String: Any]])?.map { $0["name"] as? String } == ["short", "main"])
        #expect((list[0]["start"] as? String).flatMap { try? Date.ISO8601FormatStyle().parse($0) } != nil)

        let stopped = folio("ab", "stop", "t", in: folder.path)
        #expect(stopped.code == 0 && stopped.stdout.contains("Stopped t") && stopped.stdout.contains("folio: ab stop t (tone)"))
        let render = folio("render", "tone", "--experiment", "t", "--subject", "zed", "--var", "name=Z", in: folder.path)
        #expect(render.stdout == "Hi Z.\n")
        #expect(render.stderr.hasPrefix("experiment t is stopped: rendered its first variant, short, for everyone; no exposure recorded"))
        #expect(folio("ab", "list", in: folder.path).stdout.hasSuffix("5 exposures  stopped\n"))
        #expect(folio("ab", "stop", "t", in: folder.path).code == FolioExitCode.conflict.rawValue)

        let refused = folio("variant", "rm", "short", in: folder.path)
        #expect(refused.code == FolioExitCode.conflict.rawValue)
        #expect(refused.stderr.contains("t (stopped)") && refused.stderr.contains("--force"))
        let tip = try git("rev-parse", "variant/short", in: folder.path)
        let removed = folio("variant", "rm", "short", "--force", in: folder.path)
        #expect(removed.code == 0)
        #expect(removed.stdout == "Deleted variant/short (was \(tip.prefix(7)))\nTo get it back: folio variant create short --from \(tip)\n")
        #expect(removed.stderr.contains("experiment t still names short"))
        #expect(folio("variant", "list", in: folder.path).stdout.hasPrefix("No variants"))
        #expect(folio("variant", "rm", "short", in: folder.path).code == FolioExitCode.notFound.rawValue)
        #expect(folio("variant", "create", "short", "--from", tip, in: folder.path).code == 0)
        #expect(folio("render", "tone", "--variant", "short", "--var", "name=Y", in: folder.path).stdout == "Hi Y.\n")
    }
}

@Suite struct RemovedPromptCommandTests {
    let folder = TemporaryFolder("removed-cli")

    @Test func historyMarksTheRemovalAndRevertRestores() throws {
        _ = folio("init", in: folder.path)
        _ = folio("new", "greet", "--body-file", "-", in: folder.path, stdin: "Hello.\n")
        _ = folio("edit", "greet", "--body-file", "-", in: folder.path, stdin: "Hello there.\n")
        #expect(folio("rm", "greet", in: folder.path).code == 0)
        let history = folio("history", "greet", in: folder.path)
        #expect(history.code == 0, "\(history.stderr)")
        let lines = history.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 4, "\(history.stdout)")
        #expect(lines.first?.contains("folio: rm greet") == true && lines.first?.contains("(removed)") == true, "\(history.stdout)")
        #expect(lines[1].hasPrefix("v2") && lines[2].hasPrefix("v1"), "\(history.stdout)")
        #expect(lines.last == "greet was removed; bring it back with: folio revert greet --to v2", "\(history.stdout)")
        let versions = try #require(try json(folio("history", "greet", "--json", in: folder.path).stdout) as? [[String: Any]])
        #expect(((versions.first?["removal"] as? [String: Any])?["message"] as? String) == "folio: rm greet")
        let revert = folio("revert", "greet", "--to", "v2", in: folder.path)
        #expect(revert.code == 0, "\(revert.stderr)")
        #expect(folio("show", "greet", "--raw", in: folder.path).stdout.hasSuffix("---\nHello there.\n"))
    }
}
