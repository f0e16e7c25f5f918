import Foundation
import Testing
import TestSupport
@testable import FolioCLI
@testable import FolioKit

/// An id that names no prompt is "not found" (exit 2) in every command that takes one, with --json too (the error
/// as JSON on stderr, nothing on stdout); a removed prompt with history is not unknown.
@Suite struct UnknownIDTests {
    let folder = TemporaryFolder("unknown-ids")

    init() {
        _ = folio("init", in: folder.path)
        let reply = folio("new", "support/reply", "--file", "-", in: folder.path, stdin: "---\ntitle: Reply\n---\nHello.\n")
        precondition(reply.code == 0, reply.stderr)
        let gone = folio("new", "support/gone", "--file", "-", in: folder.path, stdin: "---\ntitle: Gone\n---\nBye.\n")
        precondition(gone.code == 0, gone.stderr)
        precondition(folio("label", "set", "support/gone", "production", in: folder.path).code == 0)
        precondition(folio("rm", "support/gone", in: folder.path).code == 0)
        precondition(folio("variant", "create", "short", in: folder.path).code == 0)
    }

    func run(_ arguments: [String]) -> Run {
        let out = BufferSink(), err = BufferSink()
        let context = CLIContext(environment: ["GIT_AUTHOR_NAME": "Ada Tester", "GIT_AUTHOR_EMAIL": "ada@example.com"],
                                 currentDirectory: folder.path, stdout: out, stderr: err, stdin: { Data() },
                                 stdoutIsTerminal: false, stderrIsTerminal: false, now: { Date() })
        return Run(code: Folio.run(arguments, context: context), stdout: out.text, stderr: err.text)
    }

    static let commands: [[String]] = [
        ["history", "support/nope"],
        ["label", "list", "support/nope"],
        ["label", "log", "support/nope"],
        ["variant", "diff", "short", "support/nope"],
        ["diff", "support/nope"],
        ["owners", "support/nope"],
        ["stats", "support/nope"],
        ["show", "support/nope"],
        ["render", "support/nope"],
        ["use", "support/nope"],
        ["show", "support/nope@v1"],
        ["render", "support/nope@v1"],
        ["diff", "support/nope", "v1", "v2"],
        ["label", "set", "support/nope", "production"],
        ["label", "rm", "support/nope", "production"],
        ["revert", "support/nope", "--to", "v1"],
    ]

    @Test(arguments: commands)
    func anUnknownIDIsNotFound(_ arguments: [String]) throws {
        let text = run(arguments)
        #expect(text.code == FolioExitCode.notFound.rawValue, "\(arguments): \(text.stdout) \(text.stderr)")
        #expect(text.stderr.contains("no prompt 'support/nope'"), "\(arguments): \(text.stderr)")
        #expect(text.stderr.contains("support/reply"), "a suggestion: \(arguments): \(text.stderr)")
    }

    @Test(arguments: commands)
    func anUnknownIDIsNotFoundInJSONToo(_ arguments: [String]) throws {
        let run = run(arguments + ["--json"])
        guard run.code != FolioExitCode.usage.rawValue else { return }  // a command without --json
        #expect(run.code == FolioExitCode.notFound.rawValue, "\(arguments): \(run.stdout)")
        #expect(run.stdout.isEmpty, "\(arguments): \(run.stdout)")
        let last = try #require(run.stderr.split(separator: "\n").last.map(String.init))
        let error = try #require(try json(last) as? [String: Any])["error"] as? [String: Any]
        #expect(error?["kind"] as? String == "not_found", "\(arguments): \(run.stderr)")
    }

    @Test func aRemovedPromptWithHistoryIsNotUnknown() throws {
        let history = folio("history", "support/gone", "--json", in: folder.path)
        #expect(history.code == 0, "\(history.stderr)")
        #expect((try json(history.stdout) as? [Any])?.count == 1)
        let labels = folio("label", "list", "support/gone", in: folder.path)
        #expect(labels.code == 0, "\(labels.stderr)")
        #expect(labels.stdout.contains("production"))
        #expect(folio("label", "log", "support/gone", in: folder.path).code == 0)
        #expect(folio("show", "support/gone@v1", in: folder.path).code == 0)
    }

    @Test func aPromptWithoutLabelsOrHistoryYetIsNotUnknown() {
        #expect(folio("new", "draft/idea", "--no-edit", "--no-commit", in: folder.path).code == 0)
        let labels = folio("label", "list", "draft/idea", "--json", in: folder.path)
        #expect(labels.code == 0 && labels.stdout.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("["), "\(labels.stderr)")
        #expect(folio("history", "draft/idea", in: folder.path).code == 0)
        #expect(folio("label", "log", "support/reply", in: folder.path).code == 0)
    }

    @Test func aPromptOnlyOnTheVariantIsNotUnknownForVariantDiff() {
        #expect(folio("new", "support/extra", "--variant", "short", "--file", "-", in: folder.path, stdin: "---\ntitle: Extra\n---\nMore.\n").code == 0)
        let diff = folio("variant", "diff", "short", "support/extra", in: folder.path)
        #expect(diff.code == 0, "\(diff.stderr)")
        #expect(diff.stdout.contains("More."))
    }
}
