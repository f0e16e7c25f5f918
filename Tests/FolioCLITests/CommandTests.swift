import Foundation
import Testing
import TestSupport
@testable import FolioCLI
@testable import FolioKit

struct Run {
    let code: Int32
    let stdout: String
    let stderr: String
}

/// Runs folio in process, in `folder`, with a fixed identity and no terminal.
func folio(_ arguments: String..., in folder: String, env: [String: String] = [:], stdin: String = "",
           terminal: Bool = false, now: Date? = nil) -> Run {
    let out = BufferSink(), err = BufferSink()
    var environment = ["GIT_AUTHOR_NAME": "Ada Tester", "GIT_AUTHOR_EMAIL": "ada@example.com",
                       "GIT_COMMITTER_NAME": "Ada Tester", "GIT_COMMITTER_EMAIL": "ada@example.com"]
    environment.merge(env) { $1 }
    let input = Data(stdin.utf8)
    let clock = now
    let context = CLIContext(environment: environment, currentDirectory: folder, stdout: out, stderr: err,
                             stdin: { input }, stdoutIsTerminal: terminal, stderrIsTerminal: terminal,
                             now: { clock ?? Date() })
    let code = Folio.run(arguments, context: context)
    return Run(code: code, stdout: out.text, stderr: err.text)
}

func json(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8))
}

@Suite struct CommandTests {
    let folder = TemporaryFolder("cli")

    init() {
        _ = folio("init", in: folder.path)
    }

    func add(_ id: String, _ text: String) {
        let run = folio("new", id, "--file", "-", in: folder.path, stdin: text)
        precondition(run.code == 0, run.stderr)
    }

    @Test func exitCodesFollowTheKindOfError() {
        #expect(folio("show", "nope", in: folder.path).code == FolioExitCode.notFound.rawValue)
        #expect(folio("show", "Bad ID", in: folder.path).code == FolioExitCode.invalidInput.rawValue)
        add("a", "hello\n")
        #expect(folio("new", "a", "--no-edit", in: folder.path).code == FolioExitCode.conflict.rawValue)
        #expect(folio("render", "a", "--var", "x=1", in: folder.path).code == FolioExitCode.invalidInput.rawValue)
        #expect(folio("frobnicate", in: folder.path).code == FolioExitCode.usage.rawValue)
        let outside = TemporaryFolder()
        let run = folio("list", in: outside.path)
        #expect(run.code == FolioExitCode.notFound.rawValue)
        #expect(run.stderr.contains("folio init"))
    }

    @Test func invalidIDsSayWhichRuleTheyBreak() {
        let run = folio("new", "../escape", "--no-edit", in: folder.path)
        #expect(run.code == FolioExitCode.invalidInput.rawValue)
        #expect(run.stderr.contains("'.' and '..' are not allowed"))
    }

    @Test func malformedYAMLIsReportedWithPathLineAndColumn() {
        folder.write("prompts/broken.prompt.md", "---\ntitle: ok\nglobs: *.ts\n---\nbody\n")
        let run = folio("show", "broken", in: folder.path)
        #expect(run.code == FolioExitCode.invalidInput.rawValue)
        #expect(run.stderr.hasPrefix("prompts/broken.prompt.md:3:8: error: "))
        #expect(run.stderr.contains("must be quoted"))
    }

    @Test func listShowAndRenderHaveJSON() throws {
        add("review/security", "---\ntitle: Sec\ntags: [review]\nvariables:\n- name: code\n---\nCheck {{code}}\n")
        let list = try #require(try json(folio("list", "--json", in: folder.path).stdout) as? [[String: Any]])
        #expect(list.map { $0["id"] as? String } == ["review/security"])
        #expect(list[0]["tags"] as? [String] == ["review"])

        let show = try #require(try json(folio("show", "review/security", "--json", in: folder.path).stdout) as? [String: Any])
        #expect(show["title"] as? String == "Sec")
        #expect(show["body"] as? String == "Check {{code}}\n")
        #expect((show["variables"] as? [[String: Any]])?.first?["required"] as? Bool == true)

        let render = try #require(try json(folio("render", "review/security", "--var", "code=x<y", "--json", in: folder.path).stdout) as? [String: Any])
        #expect(render["text"] as? String == "Check x<y\n")
        #expect((render["variables"] as? [String: Any])?["code"] as? String == "x<y")
        #expect(render["estimated_tokens"] as? Int == 3)
    }

    @Test func showRawPrintsTheFileByteForByte() {
        let text = "---\ntitle:   spaced   # comment\n---\nBody\n"
        add("raw", text)
        #expect(folio("show", "raw", "--raw", in: folder.path).stdout == text)
    }

    @Test func colourOnlyOnATerminalAndNeverWithNoColor() {
        add("c", "---\ntitle: C\nstatus: draft\n---\nc\n")
        #expect(!folio("list", in: folder.path).stdout.contains("\u{1B}["))
        #expect(folio("list", in: folder.path, terminal: true).stdout.contains("\u{1B}["))
        #expect(!folio("list", in: folder.path, env: ["NO_COLOR": "1"], terminal: true).stdout.contains("\u{1B}["))
    }

    @Test func renderReadsVarsFilesInYAMLAndJSONAndVarWins() {
        add("v", "---\nvariables:\n- name: who\n- name: n\n  type: number\n---\n{{who}} {{n}}\n")
        folder.write("vars.yaml", "who: Ada\nn: 2\n")
        folder.write("vars.json", "{\"who\": \"Bo\", \"n\": 3.5}")
        #expect(folio("render", "v", "--vars-file", "vars.yaml", in: folder.path).stdout == "Ada 2\n")
        #expect(folio("render", "v", "--vars-file", "vars.json", in: folder.path).stdout == "Bo 3.5\n")
        #expect(folio("render", "v", "--vars-file", "vars.json", "--var", "who=Cy", in: folder.path).stdout == "Cy 3.5\n")
        #expect(folio("render", "v", "--vars-file", "-", in: folder.path, stdin: "who: In\nn: 1\n").stdout == "In 1\n")
        folder.write("bad.yaml", "who: [unclosed\n")
        let bad = folio("render", "v", "--vars-file", "bad.yaml", in: folder.path)
        #expect(bad.code == FolioExitCode.invalidInput.rawValue)
        #expect(bad.stderr.hasPrefix("bad.yaml:"))
    }

    @Test func varsFilesGiveListsObjectsNumbersAndBooleansAsTheyAre() {
        add("typed", """
            ---
            variables:
            - name: focus
              type: list
            - name: owner
              type: object
            - name: count
              type: number
            - name: strict
              type: boolean
            ---
            {{#focus}}{{.}};{{/focus}} {{owner.name}} {{count}}{{#strict}} strictly{{/strict}}

            """)
        folder.write("typed.yaml", "focus: [security, naming]\nowner:\n  name: Ada\ncount: 3\nstrict: true\n")
        folder.write("typed.json", "{\"focus\": [\"security\", \"naming\"], \"owner\": {\"name\": \"Ada\"}, \"count\": 3, \"strict\": true}")
        folder.write("text.yaml", "focus: security, naming\nowner: '{\"name\": \"Ada\"}'\ncount: '3'\nstrict: 'yes'\n")
        for file in ["typed.yaml", "typed.json", "text.yaml"] {
            let run = folio("render", "typed", "--vars-file", file, in: folder.path)
            #expect(run.code == 0, "\(file): \(run.stderr)")
            #expect(run.stdout == "security;naming; Ada 3 strictly\n", "\(file)")
        }
        folder.write("wrong.json", "{\"focus\": {\"a\": 1}, \"owner\": [1], \"count\": 3, \"strict\": true}")
        let wrong = folio("render", "typed", "--vars-file", "wrong.json", in: folder.path)
        #expect(wrong.code == FolioExitCode.invalidInput.rawValue)
        #expect(wrong.stderr.contains("variable 'focus' expects a list, got a mapping"), "\(wrong.stderr)")
        #expect(wrong.stderr.contains("variable 'owner' expects an object, got a list"), "\(wrong.stderr)")
    }

    @Test func renderRefusesANameTheBodyReadsButDoesNotDeclare() {
        // Written without committing: folio refuses to commit such a prompt.
        folder.write("prompts/support/reply.prompt.md", "---\nvariables: [ticket]\n---\nHandle this: {{tikcet}}\n")
        let run = folio("render", "support/reply", "--var", "ticket=refund", in: folder.path)
        #expect(run.code == FolioExitCode.invalidInput.rawValue)
        #expect(run.stdout == "")
        #expect(run.stderr.contains("prompts/support/reply.prompt.md:4:14: error: 'tikcet' is used but not declared (did you mean ticket?)"), "\(run.stderr)")
    }

    @Test func aNewPromptWithoutAnEditorPassesLint() {
        let new = folio("new", "x", "--no-edit", in: folder.path)
        #expect(new.code == 0, "\(new.stderr)")
        let lint = folio("lint", in: folder.path)
        #expect(lint.code == 0, "\(lint.stdout)\(lint.stderr)")
        #expect(!lint.stdout.contains("error"), "\(lint.stdout)")
    }

    @Test func newFromTemplateAndBodyFromStdin() throws {
        let run = folio("new", "my/review", "--template", "code-review", "--title", "Mine", "--tag", "team", "--no-edit", in: folder.path)
        #expect(run.code == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Created my/review"))
        let body = folio("new", "piped", "--body-file", "-", "--title", "Piped", in: folder.path, stdin: "From stdin {{! a comment }}\n")
        #expect(body.code == 0, "\(body.stderr)")
        #expect(try git("show", "HEAD:prompts/piped.prompt.md", in: folder.path) == "---\ntitle: Piped\nstatus: draft\n---\nFrom stdin {{! a comment }}")
    }

    @Test func newAndEditOpenTheEditor() throws {
        // An "editor" that appends a line to the file it is given.
        folder.write("editor.sh", "#!/bin/sh\nprintf 'Added by the editor.\\n' >> \"$1\"\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.at("editor.sh"))
        let env = ["EDITOR": folder.at("editor.sh")]
        let created = folio("new", "edited", "--title", "E", in: folder.path, env: env)
        #expect(created.code == 0, "\(created.stderr)")
        #expect(folder.read("prompts/edited.prompt.md")?.hasSuffix("Added by the editor.\n") == true)
        let edited = folio("edit", "edited", in: folder.path, env: env)
        #expect(edited.code == 0)
        #expect(folder.read("prompts/edited.prompt.md")?.hasSuffix("Added by the editor.\nAdded by the editor.\n") == true)
        #expect(try git("log", "-2", "--format=%s", in: folder.path) == "folio: edit edited\nfolio: add edited")
    }

    @Test func anInvalidEditIsRefusedAndTheTextIsKept() throws {
        add("p", "---\ntitle: T\n---\nBody\n")
        folder.write("breaker.sh", "#!/bin/sh\nprintf -- '---\\ntitle: [oops\\n---\\n' > \"$1\"\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.at("breaker.sh"))
        let head = try git("rev-parse", "HEAD", in: folder.path)
        let run = folio("edit", "p", in: folder.path, env: ["VISUAL": folder.at("breaker.sh")])
        #expect(run.code == FolioExitCode.invalidInput.rawValue)
        #expect(run.stderr.contains("your text is kept in "))
        let kept = try #require(run.stderr.components(separatedBy: "your text is kept in ").last?.components(separatedBy: ";").first)
        #expect(FileManager.default.contents(atPath: kept) == Data("---\ntitle: [oops\n---\n".utf8))
        #expect(folder.read("prompts/p.prompt.md") == "---\ntitle: T\n---\nBody\n")
        #expect(try git("rev-parse", "HEAD", in: folder.path) == head)
    }

    @Test func withoutAnEditorOrATerminalNewSaysWhatToPass() {
        let run = folio("new", "x", in: folder.path, env: ["EDITOR": "", "VISUAL": ""])
        #expect(run.code == FolioExitCode.invalidInput.rawValue)
        #expect(run.stderr.contains("set $EDITOR, or pass --no-edit, --body-file or --file"))
        #expect(!folder.exists("prompts/x.prompt.md"))
    }

    @Test func editSetMoveAndRemove() throws {
        add("shared/x", "X\n")
        add("a", "---\ntitle: A\n---\nA {{> shared/x}}\n")
        #expect(folio("edit", "a", "--set", "status=deprecated", "--set", "tags=[old]", in: folder.path).code == 0)
        #expect(folio("edit", "a", "--set", "nonsense", in: folder.path).code == FolioExitCode.usage.rawValue)
        let moved = folio("mv", "shared/x", "shared/y", in: folder.path)
        #expect(moved.stdout.contains("updated 1 include"))
        #expect(folder.read("prompts/a.prompt.md")?.contains("{{> shared/y}}") == true)
        let refused = folio("rm", "shared/y", in: folder.path)
        #expect(refused.code == FolioExitCode.conflict.rawValue)
        #expect(folio("rm", "shared/y", "--force", in: folder.path).code == 0)
        #expect(try git("log", "-4", "--format=%s", in: folder.path).split(separator: "\n")
                == ["folio: rm shared/y", "folio: mv shared/x -> shared/y", "folio: edit a", "folio: add a"])
    }

    @Test func noCommitLeavesTheChangeInTheWorkTree() throws {
        let head = try git("rev-parse", "HEAD", in: folder.path)
        let run = folio("new", "wip", "--no-edit", "--no-commit", in: folder.path)
        #expect(run.stdout.contains("(not committed)"))
        #expect(try git("rev-parse", "HEAD", in: folder.path) == head)
        #expect(folder.exists("prompts/wip.prompt.md"))
    }

    @Test func libraryOptionAndEnvironmentVariableChooseTheLibrary() {
        add("here", "h\n")
        let elsewhere = TemporaryFolder()
        #expect(folio("list", "--library", folder.path, in: elsewhere.path).stdout.contains("here"))
        #expect(folio("list", in: elsewhere.path, env: ["FOLIO_LIBRARY": folder.path]).stdout.contains("here"))
    }

    @Test func templatesAreListedEvenOutsideALibrary() throws {
        let outside = TemporaryFolder()
        let run = folio("templates", "--json", in: outside.path)
        let rows = try #require(try json(run.stdout) as? [[String: Any]])
        #expect(rows.count >= 12)
        #expect(rows.contains { $0["name"] as? String == "security-review" })
    }

    @Test func versionAndHelp() {
        #expect(folio("--version", in: folder.path).stdout == "folio \(Folio.version)\n")
        let help = folio("--help", in: folder.path)
        #expect(help.code == 0)
        #expect(help.stdout.contains("render"))
    }

    @Test func theExitCodesAreDocumentedInDocsCLI() throws {
        let doc = try String(contentsOf: packageRoot.appendingPathComponent("docs/cli.md"), encoding: .utf8)
        for code in FolioExitCode.allCases {
            #expect(doc.contains("| \(code.rawValue) | \(code.meaning) |"), "docs/cli.md is missing exit code \(code.rawValue)")
        }
    }
}
