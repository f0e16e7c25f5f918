import Foundation
import Testing
import TestSupport
@testable import FolioCLI
@testable import FolioKit

/// Runs a Python script with `input` on stdin (the tools scripts/install-deps installs read folio's output).
func python(_ script: String, input: String, arguments: [String] = []) throws -> ProcessResult {
    try run("/usr/bin/env", ["python3", "-c", script] + arguments, environment: ProcessInfo.processInfo.environment, stdin: input)
}

@Suite struct LintCommandTests {
    let repository = TemporaryFolder("lint")
    /// The library lives in a subfolder of the repository, as it does when prompts sit next to code.
    var folder: String { repository.at("ai") }

    init() throws {
        try git("init", "-q", "-b", "main", in: repository.path)
        try FileManager.default.createDirectory(atPath: repository.at("ai"), withIntermediateDirectories: true)
        _ = folio("init", in: repository.at("ai"))
        repository.write("ai/prompts/good.prompt.md", "---\ntitle: Good\nvariables: [x]\n---\nUse {{x}}.\n")
        repository.write("ai/prompts/review, final.prompt.md", "---\ntitle: Bad\nvariables: [a]\n---\n{{b}}\nkey AKIAIOSFODNN7EXAMPLE 100%\n")
        repository.write("ai/prompts/style.prompt.md", "---\ntitle: Style\n---\ntrailing   \n")
    }

    @Test func textFindingsAndExitCodes() {
        let all = folio("lint", in: folder)
        #expect(all.code == FolioExitCode.findings.rawValue)
        #expect(all.stdout.contains("prompts/style.prompt.md:4:9: warning: trailing whitespace [whitespace]\n"))
        #expect(all.stdout.contains("prompts/review, final.prompt.md:5:1: error: 'b' is used but not declared"))
        #expect(all.stdout.contains("prompts/review, final.prompt.md:1:1: error: 'review, final' is not a valid prompt id"))
        #expect(all.stderr == "3 errors, 2 warnings in 2 of 3 files\n")

        // Warnings alone pass, unless --strict.
        #expect(folio("lint", "prompts/style.prompt.md", in: folder).code == 0)
        #expect(folio("lint", "--strict", "prompts/style.prompt.md", in: folder).code == FolioExitCode.findings.rawValue)
        let clean = folio("lint", "prompts/good.prompt.md", in: folder)
        #expect(clean.code == 0 && clean.stdout.isEmpty)
        #expect(clean.stderr == "✓ 1 file checked, no problems\n")
        // From a subfolder, paths are relative to where the user stands.
        let inside = folio("lint", "style.prompt.md", in: folder + "/prompts")
        #expect(inside.stdout.hasPrefix("style.prompt.md:4:9:"))
        #expect(folio("lint", "--staged", "prompts", in: folder).code == FolioExitCode.usage.rawValue)
    }

    @Test func jsonReport() throws {
        let report = try #require(try json(folio("lint", "--format", "json", in: folder).stdout) as? [String: Any])
        #expect(report["files"] as? Int == 3)
        #expect(report["errors"] as? Int == 3)
        #expect(report["failed"] as? Bool == true)
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["rule"] as? String == "secret-detected" && $0["path"] as? String == "ai/prompts/review, final.prompt.md" && $0["line"] as? Int == 6 })
    }

    @Test func sarifValidatesAgainstTheSARIF210Schema() throws {
        let run = folio("lint", "--format", "sarif", in: folder)
        #expect(run.code == FolioExitCode.findings.rawValue)
        let schema = packageRoot.appendingPathComponent(".build/test-tools/sarif-schema-2.1.0.json").path
        try #require(FileManager.default.fileExists(atPath: schema), "run scripts/install-deps: it fetches the SARIF schema")
        let result = try python("""
            import json, sys
            from jsonschema import Draft7Validator
            schema = json.load(open(sys.argv[1]))
            log = json.load(sys.stdin)
            errors = list(Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER).iter_errors(log))
            for e in errors: print(list(e.absolute_path), e.message)
            run = log["runs"][0]
            rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
            for r in run["results"]:
                loc = r["locations"][0]["physicalLocation"]
                assert rules[r["ruleIndex"]] == r["ruleId"], r
                print("result", r["ruleId"], r["level"], loc["artifactLocation"]["uri"], loc["region"]["startLine"])
            sys.exit(1 if errors else 0)
            """, input: run.stdout, arguments: [schema])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        // Paths are relative to the repository (not the library) and percent-encoded.
        #expect(result.stdout.contains("result secret-detected error ai/prompts/review%2C%20final.prompt.md 6\n"), "\(result.stdout)")
        #expect(result.stdout.contains("result whitespace warning ai/prompts/style.prompt.md 4\n"))
    }

    @Test func junitIsReadByJunitparser() throws {
        let run = folio("lint", "--format", "junit", in: folder)
        let script = """
            import sys
            from junitparser import JUnitXml, Failure
            xml = JUnitXml.fromstring(sys.stdin.buffer.read())
            for suite in xml:
                print("suite", suite.name, suite.tests, suite.failures)
                for case in suite:
                    print("case", case.classname, "|", case.name, "|", ",".join(r.type for r in case.result if isinstance(r, Failure)))
            """
        let result = try python(script, input: run.stdout)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        // Three errors fail; the warnings do not (without --strict): they ride on their file's case.
        #expect(lines.first == "suite folio lint 6 3")
        #expect(lines.contains("case ai/prompts/review, final.prompt.md | secret-detected at 6:5 | secret-detected"))
        #expect(lines.contains("case ai/prompts/good.prompt.md | ai/prompts/good.prompt.md | "))
        #expect(lines.contains("case ai/prompts/style.prompt.md | ai/prompts/style.prompt.md | "))

        let strict = try python(script, input: folio("lint", "--format", "junit", "--strict", in: folder).stdout)
        #expect(strict.stdout.hasPrefix("suite folio lint 6 5\n"), "\(strict.stdout)")
    }

    @Test func githubAnnotationsEscapeWhatWorkflowCommandsReserve() {
        let run = folio("lint", "--format", "github", in: folder)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("::warning file=ai/prompts/style.prompt.md,line=4,col=9,title=folio lint%3A whitespace::trailing whitespace"))
        // A comma in a file name would end the property; it is escaped.
        #expect(lines.contains { $0.hasPrefix("::error file=ai/prompts/review%2C final.prompt.md,line=6,col=5,title=folio lint%3A secret-detected::AWS access key") })
        #expect(lines.count == 5)
    }

    @Test func listRulesAndTheirDocumentation() throws {
        let list = folio("lint", "--list-rules", in: folder)
        #expect(list.stdout.contains("secret-detected        error    Secret detected\n"))
        let rules = try #require(try json(folio("lint", "--list-rules", "--format", "json", in: folder).stdout) as? [[String: Any]])
        #expect(rules.count == LintRules.infos.count)
        #expect(folio("lint", "--rules-doc", in: folder).stdout == LintRules.documentation)
    }
}
