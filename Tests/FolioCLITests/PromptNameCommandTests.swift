import Foundation
import Testing
import TestSupport
@testable import FolioCLI
@testable import FolioKit

/// Prompt ids on the command line: a bad one is invalid input (exit 3) with a valid id to try, and a file whose
/// name is not a valid id can still be renamed or removed by folio.
@Suite struct PromptNameCommandTests {
    let folder = TemporaryFolder("names")

    init() {
        _ = folio("init", in: folder.path)
    }

    static let commandsTakingAnID: [[String]] = [
        ["show", "Bad ID"], ["render", "Bad ID"], ["new", "Bad ID", "--no-edit"], ["edit", "Bad ID", "--set", "a=b"],
        ["mv", "ok", "Bad ID"], ["history", "Bad ID"], ["diff", "Bad ID"], ["revert", "Bad ID", "--to", "v1"],
        ["label", "set", "Bad ID", "prod"], ["label", "list", "Bad ID"], ["label", "rm", "Bad ID", "prod"], ["label", "log", "Bad ID"],
        ["use", "Bad ID"], ["stats", "Bad ID"], ["owners", "Bad ID"], ["export", "--format", "prompty", "Bad ID"],
        ["variant", "diff", "x", "Bad ID"], ["ab", "create", "e", "--prompt", "Bad ID", "--variants", "main,x"],
    ]

    @Test(arguments: commandsTakingAnID)
    func aBadIDIsInvalidInputWithoutTheUsageText(_ arguments: [String]) {
        let run = Folio.run(arguments, in: folder.path)
        #expect(run.code == FolioExitCode.invalidInput.rawValue, "\(arguments): \(run.stderr)")
        #expect(run.stderr.contains("invalid prompt id 'Bad ID': ids are lowercase; try 'bad-id'"), "\(arguments): \(run.stderr)")
        #expect(!run.stderr.contains("Usage:"), "\(arguments): \(run.stderr)")
    }

    @Test func aBadIDIsReportedEvenOutsideALibrary() {
        let outside = TemporaryFolder()
        let run = folio("show", "Support/Reply Email", in: outside.path)
        #expect(run.code == FolioExitCode.invalidInput.rawValue)
        #expect(run.stderr == "error: invalid prompt id 'Support/Reply Email': ids are lowercase; try 'support/reply-email'\n")
    }

    @Test func aFileWithABadNameSaysHowToRenameItAndFolioCanRenameIt() throws {
        folder.write("prompts/Bad Name.prompt.md", "---\ntitle: Bad\n---\nHello.\n")
        _ = try git("add", "-A", in: folder.path)
        _ = try git("commit", "-qm", "a file made by hand", in: folder.path)
        // list and lint point at the way out.
        let list = folio("list", in: folder.path)
        #expect(list.stderr.contains("rename it with: folio mv 'Bad Name' bad-name"), "\(list.stderr)")
        let lint = folio("lint", in: folder.path)
        #expect(lint.stdout.contains("rename it with: folio mv 'Bad Name' bad-name"), "\(lint.stdout)")
        // …which works, as one commit.
        let move = folio("mv", "Bad Name", "bad-name", in: folder.path)
        #expect(move.code == 0, "\(move.stderr)")
        #expect(!folder.exists("prompts/Bad Name.prompt.md"))
        #expect(folder.read("prompts/bad-name.prompt.md") == "---\ntitle: Bad\n---\nHello.\n")
        #expect(try git("status", "--porcelain", in: folder.path).isEmpty)
        #expect(try git("log", "-1", "--format=%s", in: folder.path) == "folio: mv Bad Name -> bad-name")
        #expect(folio("lint", in: folder.path).code == 0)
    }

    @Test func aFileWithABadNameCanBeRemovedByItsNameOrItsPath() throws {
        folder.write("prompts/Old Draft.prompt.md", "Old.\n")
        folder.write("prompts/team/Notes v2.prompt.md", "Notes.\n")
        _ = try git("add", "-A", in: folder.path)
        _ = try git("commit", "-qm", "files made by hand", in: folder.path)
        let byName = folio("rm", "Old Draft", in: folder.path)
        #expect(byName.code == 0, "\(byName.stderr)")
        #expect(!folder.exists("prompts/Old Draft.prompt.md"))
        let byPath = folio("rm", "prompts/team/Notes v2.prompt.md", in: folder.path)
        #expect(byPath.code == 0, "\(byPath.stderr)")
        #expect(!folder.exists("prompts/team/Notes v2.prompt.md"))
        #expect(try git("status", "--porcelain", in: folder.path).isEmpty)
        // A name no file has is still a bad id; a name cannot reach outside prompts/.
        #expect(folio("rm", "No Such File", in: folder.path).code == FolioExitCode.invalidInput.rawValue)
        folder.write("outside.prompt.md", "x\n")
        #expect(folio("rm", "../outside", in: folder.path).code == FolioExitCode.invalidInput.rawValue)
        #expect(folder.exists("outside.prompt.md"))
    }
}

extension Folio {
    /// `folio(…)` with the arguments as an array.
    static func run(_ arguments: [String], in folder: String) -> Run {
        let out = BufferSink(), err = BufferSink()
        let context = CLIContext(environment: ["GIT_AUTHOR_NAME": "Ada Tester", "GIT_AUTHOR_EMAIL": "ada@example.com",
                                               "GIT_COMMITTER_NAME": "Ada Tester", "GIT_COMMITTER_EMAIL": "ada@example.com"],
                                 currentDirectory: folder, stdout: out, stderr: err)
        let code = Folio.run(arguments, context: context)
        return Run(code: code, stdout: out.text, stderr: err.text)
    }
}
