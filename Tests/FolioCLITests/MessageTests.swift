import Foundation
import Testing
import TestSupport
@testable import FolioCLI
@testable import FolioKit

/// Messages a newcomer reads: counts agree with what was named, a number out of range is said to be one, and a
/// name that cannot be a variable is pointed at literal braces instead of at a declaration that cannot work.
@Suite struct MessageTests {
    let folder = TemporaryFolder("messages")

    init() {
        _ = folio("init", in: folder.path)
    }

    @Test func lintCountsAFileThatDoesNotExistAmongTheFilesNamed() {
        let run = folio("lint", "nope.md", in: folder.path)
        #expect(run.code == 1)
        #expect(run.stderr.hasSuffix("1 error, 0 warnings in 1 of 1 file\n"), "\(run.stderr)")
    }

    @Test(arguments: [["search", "x"], ["history", "x"]])
    func aNegativeLimitIsSaidToBeOutOfRange(_ command: [String]) {
        for value in ["-1", "0"] {
            var arguments = command
            arguments.insert(contentsOf: ["--limit", value], at: 1)
            let out = BufferSink(), err = BufferSink()
            let context = CLIContext(environment: [:], currentDirectory: folder.path, stdout: out, stderr: err, stdin: { Data() },
                                     stdoutIsTerminal: false, stderrIsTerminal: false, now: { Date() })
            let code = Folio.run(arguments, context: context)
            #expect(code == FolioExitCode.usage.rawValue)
            #expect(err.text.contains("--limit must be a positive number"), "\(arguments): \(err.text)")
            #expect(!err.text.contains("Missing value"), "\(arguments): \(err.text)")
        }
    }

    @Test func aNameThatCannotBeAVariableIsPointedAtLiteralBraces() {
        let run = folio("new", "support/reply", "--file", "-", in: folder.path,
                        stdin: "---\ntitle: Reply\n---\nAnswer by {{yyyy-mm-dd}}.\n")
        #expect(run.code == FolioExitCode.invalidInput.rawValue)
        #expect(run.stderr.contains("'yyyy-mm-dd' cannot be a variable name"), "\(run.stderr)")
        #expect(run.stderr.contains("{{=<% %>=}}") && run.stderr.contains("Literal braces"), "\(run.stderr)")
        #expect(!run.stderr.contains("- name: yyyy-mm-dd"), "\(run.stderr)")
        // The fix it names works.
        let fixed = folio("new", "support/reply", "--file", "-", in: folder.path,
                          stdin: "---\ntitle: Reply\n---\n{{=<% %>=}}\nAnswer by {{yyyy-mm-dd}}.\n")
        #expect(fixed.code == 0, "\(fixed.stderr)")
        #expect(folio("render", "support/reply", in: folder.path).stdout == "Answer by {{yyyy-mm-dd}}.\n")
    }

    @Test func aValidNameIsStillToldToBeDeclared() {
        let run = folio("new", "support/reply", "--file", "-", in: folder.path, stdin: "---\ntitle: Reply\n---\nHi {{name}}.\n")
        #expect(run.code == FolioExitCode.invalidInput.rawValue)
        #expect(run.stderr.contains("declare it under variables (- name: name)"), "\(run.stderr)")
    }

    @Test func theExperimentVerdictCountsInTheSingular() {
        let arm = ArmReport(variant: "main", weight: 50, exposures: 1, successes: 1, failures: 0, successRate: 1, successInterval: nil,
                            scores: 1, meanScore: 4, scoreInterval: nil)
        let success = Library.verdict(.success, arms: [arm], comparisons: [])
        #expect(success == "not enough data yet: main has 1 exposure rated success or failure; each variant needs at least 10", "\(success)")
        #expect(Library.verdict(.score, arms: [arm], comparisons: []).contains("main has 1 scored exposure;"))
    }
}
