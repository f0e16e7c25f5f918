import Foundation
import Testing
import TestSupport
@testable import FolioCLI
@testable import FolioKit

@Suite struct ReviewCommandTests {
    let folder = TemporaryFolder("review")

    init() throws {
        _ = folio("init", in: folder.path)
        folder.write("prompts/a.prompt.md", "---\nvariables: [x, y]\n---\n{{x}} {{y}}\n")
        try git("add", "-A", in: folder.path)
        try git("commit", "-qm", "a", in: folder.path)
        try git("checkout", "-qb", "topic", in: folder.path)
    }

    func commit(_ path: String, _ text: String) throws {
        folder.write(path, text)
        try git("add", "-A", in: folder.path)
        try git("commit", "-qm", "change", in: folder.path)
    }

    @Test func failOnBreakingAndOnErrorSetTheExitCode() throws {
        try commit("prompts/a.prompt.md", "---\nvariables: [x]\n---\n{{x}}\n")
        let plain = folio("review", "main...topic", in: folder.path)
        #expect(plain.code == 0)
        #expect(plain.stdout.contains("**1 breaking change**"))
        let breaking = folio("review", "--fail-on", "breaking", in: folder.path)
        #expect(breaking.code == FolioExitCode.findings.rawValue)
        #expect(breaking.stderr == "review failed: 1 breaking change\n")
        #expect(folio("review", "--fail-on", "error", in: folder.path).code == 0)

        // Two errors: the section is never closed, and `open` is not declared.
        try commit("prompts/b.prompt.md", "{{#open}}\n")
        let error = folio("review", "main...topic", "--fail-on", "error", "--fail-on", "breaking", in: folder.path)
        #expect(error.stderr == "review failed: 1 breaking change and 2 lint errors\n")
        #expect(folio("review", "--fail-on", "everything", in: folder.path).code == FolioExitCode.usage.rawValue)
    }

    @Test func jsonAndGitHubFormats() throws {
        try commit("prompts/a.prompt.md", "---\nvariables: [x]\n---\n{{x}}\n")
        let report = try #require(try json(folio("review", "main...topic", "--format", "json", in: folder.path).stdout) as? [String: Any])
        #expect(report["breaking"] as? Int == 1)
        let prompts = try #require(report["prompts"] as? [[String: Any]])
        #expect(prompts.first?["kind"] as? String == "modified")
        #expect((prompts.first?["breaking_changes"] as? [String])?.first?.hasPrefix("`y`: removed") == true)
        let github = folio("review", "main...topic", "--format", "github", in: folder.path).stdout
        #expect(github.hasPrefix("<!-- folio-review -->\n"))
        #expect(github.contains("> [!CAUTION]"))
        let missing = folio("review", "main...nowhere", in: folder.path)
        #expect(missing.code == FolioExitCode.notFound.rawValue)
        #expect(missing.stderr.contains("no commit 'nowhere'"))
    }
}
