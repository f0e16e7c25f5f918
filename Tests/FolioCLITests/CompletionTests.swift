import Foundation
import Testing
import TestSupport
@testable import FolioCLI
@testable import FolioKit

/// What `folio completion`'s scripts offer when they call folio back: read from the library on the command line.
@Suite struct CompletionTests {
    let folder = TemporaryFolder("completion")

    init() throws {
        _ = folio("init", in: folder.path)
        for id in ["security-review", "review/security", "other"] {
            let run = folio("new", id, "--body-file", "-", in: folder.path, stdin: "Check it.\n")
            precondition(run.code == 0, run.stderr)
        }
        _ = folio("edit", "security-review", "--body-file", "-", in: folder.path, stdin: "Check it twice.\n")
        precondition(folio("label", "set", "security-review", "production", "v1", in: folder.path).code == 0)
        precondition(folio("variant", "create", "concise", in: folder.path).code == 0)
        let ab = folio("ab", "create", "tone-test", "--prompt", "security-review", "--variants", "main,concise", in: folder.path)
        precondition(ab.code == 0, ab.stderr)
        folder.write("contexts/2026/11/fix-the-login.context.md", "---\nid: 2026/11/fix-the-login\n---\n")
    }

    /// Runs `body` as the completion callback would: with a context standing in `directory`.
    func completing(in directory: String? = nil, env: [String: String] = [:], _ body: () -> [String]) -> [String] {
        let context = CLIContext(environment: env, currentDirectory: directory ?? folder.path, stdout: BufferSink(), stderr: BufferSink())
        return CLIContext.$current.withValue(context, operation: body)
    }

    @Test func promptIDsAndTheirRevisions() {
        #expect(completing { Completions.promptCandidates(["folio", "show", "sec"], prefix: "sec") } == ["other", "review/security", "security-review"])
        #expect(completing { Completions.promptCandidates(["folio", "show", "security-review@"], prefix: "security-review@") }
                == ["security-review@v2", "security-review@v1", "security-review@production"])
        #expect(completing { Completions.revisionCandidates(["folio", "revert", "security-review", "--to", ""]) } == ["v2", "v1", "production"])
    }

    @Test func labelsVariantsExperimentsAndContexts() {
        #expect(completing { Completions.labelCandidates(["folio", "label", "rm", "security-review", ""]) } == ["production"])
        #expect(completing { Completions.labelCandidates(["folio", "label", "rm", "other", ""]) } == [])
        #expect(completing { Completions.variantCandidates(["folio", "show", "x", "--variant", ""]) } == ["concise"])
        #expect(completing { Completions.experimentCandidates(["folio", "ab", "report", ""]) } == ["tone-test"])
        #expect(completing { Completions.experimentVariantCandidates(["folio", "ab", "promote", "tone-test", ""]) } == ["main", "concise"])
        #expect(completing { Completions.contextCandidates(["folio", "context", "show", ""]) } == ["2026/11/fix-the-login"])
    }

    @Test func theLibraryComesFromTheCommandLineOrTheEnvironmentAndNothingFailsLoudly() {
        let elsewhere = TemporaryFolder()
        #expect(completing(in: elsewhere.path) { Completions.promptCandidates(["folio", "show", ""], prefix: "") } == [])
        #expect(completing(in: elsewhere.path) { Completions.promptCandidates(["folio", "show", "--library", folder.path, ""], prefix: "") }
                == ["other", "review/security", "security-review"])
        #expect(completing(in: elsewhere.path) { Completions.promptCandidates(["folio", "show", "--library='\(folder.path)'", ""], prefix: "") }.count == 3)
        #expect(completing(in: elsewhere.path, env: ["FOLIO_LIBRARY": folder.path]) { Completions.promptCandidates(["folio", "show", ""], prefix: "") }.count == 3)
        #expect(completing { Completions.promptCandidates(["folio", "show", "Bad ID@"], prefix: "Bad ID@") } == [])
    }

    @Test func theCompletionCommandPrintsEachShellsScript() {
        for shell in ["bash", "zsh", "fish"] {
            let run = folio("completion", shell, in: folder.path)
            #expect(run.code == 0, "\(run.stderr)")
            #expect(run.stdout.contains("---completion"), "\(shell): the script calls folio back for prompt ids")
        }
        #expect(folio("completion", "tcsh", in: folder.path).code == FolioExitCode.usage.rawValue)
    }
}
