import Foundation
import Testing
import TestSupport
@testable import FolioCLI

/// The README tour's library, then a rename and a removal of the prompt under a label and an experiment.
@Suite struct RenameCommandTests {
    let folder = TemporaryFolder("rename-cli")

    init() {
        _ = folio("init", "--templates", in: folder.path)
        _ = folio("label", "set", "security-review", "production", in: folder.path)
        _ = folio("variant", "create", "concise", in: folder.path)
        _ = folio("edit", "security-review", "--variant", "concise", "--set", "title=Security review (concise)", in: folder.path)
        _ = folio("ab", "create", "terse", "--prompt", "security-review", "--variants", "main,concise", in: folder.path)
    }

    @Test func mvCarriesTheLabelsAndTheExperiment() throws {
        let moved = folio("mv", "security-review", "review/security", in: folder.path)
        #expect(moved.code == 0, "\(moved.stderr)")
        #expect(moved.stdout.hasPrefix("Moved security-review to review/security"), "\(moved.stdout)")
        #expect(moved.stdout.contains("label production now on review/security"), "\(moved.stdout)")
        #expect(moved.stdout.contains("experiment terse now names review/security"), "\(moved.stdout)")
        #expect(!moved.stdout.contains("include"), "\(moved.stdout)")
        #expect(folder.read("experiments/terse.yaml")?.contains("prompt: review/security") == true)

        let labelled = folio("render", "review/security@production", "--var", "code=x", in: folder.path)
        #expect(labelled.code == 0, "\(labelled.stderr)")
        #expect(labelled.stdout.contains("x"))
        for subject in ["a", "b", "c", "d", "e", "f"] {
            let render = folio("render", "review/security", "--experiment", "terse", "--subject", subject, "--var", "code=x", in: folder.path)
            #expect(render.code == 0, "\(subject): \(render.stderr)")
        }
        #expect(folio("label", "list", in: folder.path).stdout.hasPrefix("review/security  production  v1"))
        let log = folio("label", "log", "review/security", in: folder.path).stdout.split(separator: "\n")
        #expect(log.count == 2, "\(log)")
        #expect(log.first?.contains("security-review  production  (none) → v1") == true, "\(log)")
        #expect(log.last?.contains("review/security  production  (none) → v1  from security-review (folio mv)") == true, "\(log)")
        #expect(folio("ab", "list", in: folder.path).stderr.isEmpty)
        #expect(folio("lint", in: folder.path).code == 0)
    }

    @Test func rmRefusesThePromptOfARunningExperimentAndForceSaysWhatItLeft() throws {
        let refused = folio("rm", "security-review", in: folder.path)
        #expect(refused.code == FolioExitCode.conflict.rawValue)
        #expect(refused.stderr.contains("terse (running)") && refused.stderr.contains("folio ab stop terse"), "\(refused.stderr)")
        #expect(folder.exists("prompts/security-review.prompt.md"))

        let forced = folio("rm", "security-review", "--force", in: folder.path)
        #expect(forced.code == 0, "\(forced.stderr)")
        #expect(forced.stderr.contains("experiment terse (running) still names security-review, a removed prompt"), "\(forced.stderr)")
        // The labels stay with the removed prompt's past.
        #expect(folio("label", "list", in: folder.path).stdout.hasPrefix("security-review  production  v1"))

        let list = folio("ab", "list", in: folder.path)
        #expect(list.code == 0)
        #expect(list.stderr.contains("warning: experiment terse: prompt 'security-review' does not exist"), "\(list.stderr)")
        let listed = try #require(try json(folio("ab", "list", "--json", in: folder.path).stdout) as? [[String: Any]])
        #expect((listed.first?["problems"] as? [String])?.count == 1)
        let report = folio("ab", "report", "terse", in: folder.path)
        #expect(report.code == 0 && report.stderr.contains("prompt 'security-review' does not exist"), "\(report.stderr)")
    }
}
