import Foundation
import Testing
import TestSupport
@testable import FolioCLI
import FolioKit

/// What a script reads from `--json` (and `--format json`, `--csv`): one key style (snake_case) and one date form
/// (ISO 8601, UTC, `Z`) in every command's output; errors as one JSON object on stderr.
@Suite struct JSONOutputTests {
    let folder = TemporaryFolder("json-cli")
    var library: String { folder.at("lib") }
    /// JSON printed while building the library (`context save --json`), walked like the rest.
    private(set) var setupOutputs: [(String, String)] = []

    /// A small library with history, a variant and an experiment with feedback, labels, uses, a context and a
    /// remote. Its data uses camelCase names on purpose (a metadata key, a variable): those are data and must
    /// come out as written.
    init() throws {
        _ = try git("init", "-q", "--bare", "hub.git", in: folder.path)
        try require(folio("init", "lib", in: folder.path))
        try require(folio("new", "support/reply", "--file", "-", in: library, stdin: """
            ---
            title: Reply
            tags: [support]
            owners: ["@support-team"]
            metadata:
              ownerTeam: care
            variables:
            - name: ticketId
              description: The ticket
            ---
            Answer ticket {{ticketId}}.

            """))
        try require(folio("edit", "support/reply", "--body-file", "-", in: library, stdin: "Answer ticket {{ticketId}} politely.\n"))
        // Trailing spaces: a lint warning, which `import --json` reports under `warnings` when greet comes back.
        try require(folio("new", "greet", "--file", "-", in: library, stdin: "---\ntitle: Greet\n---\nHello.  \n"))
        try require(folio("label", "set", "support/reply", "production", "v1", in: library))
        try require(folio("label", "set", "support/reply", "production", in: library))
        try require(folio("variant", "create", "concise", in: library))
        try require(folio("edit", "support/reply", "--variant", "concise", "--body-file", "-", in: library, stdin: "Ticket {{ticketId}}.\n"))
        try require(folio("ab", "create", "tone", "--prompt", "support/reply", "--variants", "main,concise", in: library))
        let exposure = folio("render", "support/reply", "--experiment", "tone", "--subject", "alice", "--var", "ticketId=1", "--json", in: library)
        try require(exposure)
        let event = try #require(try json(exposure.stdout) as? [String: Any])["event_id"] as? String
        try require(folio("feedback", try #require(event), "--success", "--score", "4", in: library))
        try require(folio("use", "greet", in: library))
        let session = Corpus.session("claude-code", containing: "simonw").path
        let saved = folio("context", "save", "--from", "claude-code", "--file", session, "--json", in: library)
        try require(saved)
        setupOutputs.append(("context save --json", saved.stdout))
        try require(folio("remote", "add", "origin", "../hub.git", in: library))
    }

    private func require(_ run: Run, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try #require(run.code == 0, "\(run.stderr)", sourceLocation: sourceLocation)
    }

    /// Every command that prints JSON, in an order where each finds what it needs.
    static let commands: [[String]] = [
        ["list", "--json"],
        ["show", "support/reply", "--json"],
        ["render", "support/reply", "--var", "ticketId=42", "--json"],
        ["templates", "--json"],
        ["search", "ticket", "--json"],
        ["search", "--contexts", "--json"],
        ["index", "status", "--json"],
        ["index", "verify", "--json"],
        ["use", "support/reply", "--json"],
        ["history", "support/reply", "--json"],
        ["diff", "support/reply", "v1", "v2", "--json"],
        ["label", "list", "--json"],
        ["label", "log", "--json"],
        ["variant", "list", "--json"],
        ["variant", "diff", "concise", "--json"],
        ["ab", "report", "tone", "--json"],
        ["ab", "list", "--json"],
        ["stats", "--json"],
        ["stats", "--by", "variant", "--json"],
        ["stats", "support/reply", "--by", "version", "--json"],
        ["lint", "--format", "json"],
        ["lint", "--list-rules", "--format", "json"],
        ["hooks", "status", "--json"],
        ["review", "HEAD~3..HEAD", "--format", "json"],
        ["context", "list", "--json"],
        ["owners", "--json"],
        ["owners", "support/reply", "--json"],
        ["remote", "list", "--json"],
        ["sync", "--json"],
        ["integrate", "claude-code", "--json"],
        ["integrate", "claude-code", "--capture", "--json"],
        ["export", "--format", "prompty", "--out", "exported", "--json"],
        ["import", "exported", "--prefix", "imported", "--json"],
    ]

    /// Keys whose values hold the user's data (frontmatter values, variables as given): their own keys are names
    /// the user chose, not folio's field names.
    static let dataKeys: Set<String> = ["metadata", "extra", "model", "default", "values", "old", "new"]

    @Test func everyJSONOutputHasSnakeCaseKeysAndISODates() throws {
        var outputs = setupOutputs
        for arguments in Self.commands {
            let run = folioRun(arguments, in: library)
            #expect(run.code == 0, "folio \(arguments.joined(separator: " ")): \(run.stderr)")
            outputs.append((arguments.joined(separator: " "), run.stdout))
        }
        // `import --json` carried lint's findings, `export --json` a prompt it could not write (two prompts that
        // would share one Copilot file: exit 1, the report on stdout all the same).
        let imported = try #require(try json(outputs.first { $0.0.hasPrefix("import") }?.1 ?? "") as? [String: Any])
        #expect((imported["warnings"] as? [Any])?.isEmpty == false, "\(imported)")
        try require(folio("new", "team/x", "--file", "-", in: library, stdin: "---\ntitle: Slash\n---\nI am the slash one\n"))
        try require(folio("new", "team-x", "--file", "-", in: library, stdin: "---\ntitle: Dash\n---\nI am the dash one\n"))
        let collision = folioRun(["export", "--format", "copilot-prompts", "--out", "copilot", "--json"], in: library)
        #expect(collision.code == 1, "\(collision.stderr)")
        let failed = try #require(try json(collision.stdout) as? [String: Any])["failed"] as? [[String: Any]]
        #expect(failed?.map { $0.keys.sorted() } == [["error", "id"], ["error", "id"]], "\(collision.stdout)")
        outputs.append(("export --format copilot-prompts --json", collision.stdout))
        var walker = Walker()
        for (command, output) in outputs {
            let value = try #require(try? json(output), "folio \(command) printed no JSON: \(output)")
            walker.walk(value, path: command)
        }
        #expect(walker.camelCase == [], "camelCase keys")
        #expect(walker.badDates == [], "dates not in ISO 8601 with Z")
        // The walk saw the dates it is about (history, list, label log, events, stats, contexts) …
        for key in ["date", "last_date", "time", "since", "until", "first_used", "created"] {
            #expect(walker.dateKeys.contains(key), "no '\(key)' seen")
        }
        // … and the user's own names came through untouched.
        let show = try #require(try json(folio("show", "support/reply", "--json", in: library).stdout) as? [String: Any])
        #expect((show["metadata"] as? [String: Any])?["ownerTeam"] as? String == "care")
        #expect((show["variables"] as? [[String: Any]])?.first?["name"] as? String == "ticketId")
        let render = try #require(try json(folio("render", "support/reply", "--var", "ticketId=42", "--json", in: library).stdout) as? [String: Any])
        #expect((render["variables"] as? [String: Any])?["ticketId"] as? String == "42")
    }

    @Test func csvHeadersAreSnakeCase() {
        for by in ["day", "version", "source", "variant", "user"] {
            let run = folio("stats", "--by", by, "--csv", in: library)
            #expect(run.code == 0, "\(run.stderr)")
            let header = run.stdout.split(separator: "\n").first.map(String.init) ?? ""
            #expect(!header.isEmpty && header == header.lowercased() && !header.contains(" "), "\(header)")
        }
    }

    /// Collects what breaks the conventions, with where it was found.
    struct Walker {
        var camelCase: [String] = []
        var badDates: [String] = []
        var dateKeys: Set<String> = []

        static func isDateKey(_ key: String) -> Bool {
            ["date", "time", "since", "until", "created", "first_used", "last_used"].contains(key)
                || key.hasSuffix("_date") || key.hasSuffix("_at")
        }

        static func isISODate(_ text: String) -> Bool {
            text.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"#, options: .regularExpression) != nil
        }

        mutating func walk(_ value: Any, path: String, key: String? = nil) {
            if let object = value as? [String: Any] {
                // render's `variables` is an object of the values given, keyed by variable name.
                if let key, Self.dataKeys.contains(key) || key == "variables" { return }
                for (name, child) in object {
                    if name.contains(where: \.isUppercase) { camelCase.append("\(path).\(name)") }
                    if Self.isDateKey(name) {
                        dateKeys.insert(name)
                        if !(child is NSNull) && !((child as? String).map(Self.isISODate) ?? false) {
                            badDates.append("\(path).\(name) = \(child)")
                        }
                    }
                    walk(child, path: "\(path).\(name)", key: name)
                }
            } else if let array = value as? [Any] {
                if let key, Self.dataKeys.contains(key) { return }
                for (index, child) in array.enumerated() { walk(child, path: "\(path)[\(index)]") }
            } else if let text = value as? String, text.range(of: #"^\d{4}-\d{2}-\d{2}[T ]\d{2}:"#, options: .regularExpression) != nil,
                      !Self.isISODate(text) {
                badDates.append("\(path) = \(text)")
            }
        }

        static var dataKeys: Set<String> { JSONOutputTests.dataKeys }
    }
}

/// `folio(…)` with the arguments as an array.
private func folioRun(_ arguments: [String], in folder: String) -> Run {
    let out = BufferSink(), err = BufferSink()
    let environment = ["GIT_AUTHOR_NAME": "Ada Tester", "GIT_AUTHOR_EMAIL": "ada@example.com",
                       "GIT_COMMITTER_NAME": "Ada Tester", "GIT_COMMITTER_EMAIL": "ada@example.com"]
    let context = CLIContext(environment: environment, currentDirectory: folder, stdout: out, stderr: err)
    return Run(code: Folio.run(arguments, context: context), stdout: out.text, stderr: err.text)
}

/// With `--json` (or `--format json`), a failure is one JSON object on the last line of stderr, stdout stays empty,
/// and the exit code is the one the failure has without it.
@Suite struct JSONErrorTests {
    let folder = TemporaryFolder("json-errors")

    init() {
        _ = folio("init", in: folder.path)
    }

    /// The error object on the last line of stderr.
    func errorObject(_ run: Run, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        #expect(run.stdout == "", "stdout: \(run.stdout)", sourceLocation: sourceLocation)
        let last = try #require(run.stderr.split(separator: "\n").last, "nothing on stderr", sourceLocation: sourceLocation)
        let object = try #require(try? json(String(last)) as? [String: Any], "not JSON: \(run.stderr)", sourceLocation: sourceLocation)
        return try #require(object["error"] as? [String: Any], "no error key: \(object)", sourceLocation: sourceLocation)
    }

    @Test func aMissingPromptIsNotFound() throws {
        let run = folio("show", "nope", "--json", in: folder.path)
        #expect(run.code == FolioExitCode.notFound.rawValue)
        let error = try errorObject(run)
        #expect(error["kind"] as? String == "not_found")
        #expect(error["exit_code"] as? Int == 2)
        #expect((error["message"] as? String)?.contains("nope") == true)
        #expect(error["file"] == nil && error["line"] == nil)
    }

    @Test func aMalformedFileNamesItsLineAndColumn() throws {
        folder.write("prompts/broken.prompt.md", "---\ntitle: ok\nglobs: *.ts\n---\nbody\n")
        let run = folio("show", "broken", "--json", in: folder.path)
        #expect(run.code == FolioExitCode.invalidInput.rawValue)
        let error = try errorObject(run)
        #expect(error["kind"] as? String == "invalid_input")
        #expect(error["exit_code"] as? Int == 3)
        #expect(error["file"] as? String == "prompts/broken.prompt.md")
        #expect(error["line"] as? Int == 3)
        #expect(error["column"] as? Int == 8)
        let message = try #require(error["message"] as? String)
        #expect(message.contains("must be quoted") && !message.hasPrefix("prompts/"))
    }

    @Test func usageErrorsAndFormatJSONToo() throws {
        let usage = folio("list", "--json", "--frobnicate", in: folder.path)
        #expect(usage.code == FolioExitCode.usage.rawValue)
        let error = try errorObject(usage)
        #expect(error["kind"] as? String == "usage")
        #expect(error["exit_code"] as? Int == 64)
        #expect((error["message"] as? String)?.contains("--frobnicate") == true)

        let outside = TemporaryFolder()
        let lint = folio("lint", "--format", "json", in: outside.path)
        #expect(lint.code == FolioExitCode.notFound.rawValue)
        #expect(try errorObject(lint)["kind"] as? String == "not_found")
        let review = folio("review", "--format=json", "nope..HEAD", in: folder.path)
        #expect(review.code != 0)
        #expect(try errorObject(review)["exit_code"] as? Int == Int(review.code))
    }

    @Test func withoutJSONErrorsStayText() {
        let run = folio("show", "nope", in: folder.path)
        #expect(run.code == FolioExitCode.notFound.rawValue)
        #expect(run.stderr.hasPrefix("error: no prompt"))
    }

    @Test func findingsAreAReportNotAnError() throws {
        folder.write("prompts/undeclared.prompt.md", "---\ntitle: U\n---\nHello {{name}}.\n")
        let run = folio("lint", "--format", "json", in: folder.path)
        #expect(run.code == FolioExitCode.findings.rawValue)
        let report = try #require(try json(run.stdout) as? [String: Any])
        #expect(report["errors"] as? Int ?? 0 > 0)
        #expect(!run.stderr.contains("{\"error\""))
    }
}
