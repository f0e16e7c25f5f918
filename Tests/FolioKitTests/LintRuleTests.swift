import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// One documented example of one rule: the test input.
struct RuleExample: Sendable, CustomTestStringConvertible {
    let rule: String
    let triggers: Bool
    let number: Int
    let example: LintExample

    var testDescription: String { "\(rule) \(triggers ? "triggering" : "non-triggering") #\(number)" }

    static let all: [RuleExample] = LintRules.infos.flatMap { info in
        info.triggering.enumerated().map { RuleExample(rule: info.id, triggers: true, number: $0.offset + 1, example: $0.element) }
            + info.nonTriggering.enumerated().map { RuleExample(rule: info.id, triggers: false, number: $0.offset + 1, example: $0.element) }
    }
}

@Suite struct LintRuleTests {
    /// Every rule's examples, as docs/lint-rules.md shows them: a triggering example yields exactly the marked
    /// findings of its rule, a non-triggering one none.
    @Test(arguments: RuleExample.all)
    func example(_ case: RuleExample) throws {
        let (folder, library) = try makeLibrary()
        let (text, positions) = `case`.example.unmarked
        for (path, contents) in `case`.example.files { folder.write(path, contents) }
        folder.write(`case`.example.path, text)
        let report = try library.lint(paths: [`case`.example.path])
        let found = report.findings.filter { $0.rule == `case`.rule }
        let foundPositions = found.map { "\($0.line):\($0.column)" }
        let expected = positions.map { "\($0.line):\($0.column)" }
        #expect(foundPositions == expected, "findings: \(report.findings.map(\.text))")
        if `case`.triggers { #expect(!expected.isEmpty, "a triggering example needs a ↓ marker") }
    }

    @Test func everyRuleHasExamplesOfBothKindsAndAUniqueID() {
        let infos = LintRules.infos
        #expect(Set(infos.map(\.id)).count == infos.count)
        for info in infos {
            #expect(!info.triggering.isEmpty, "\(info.id) has no triggering example")
            #expect(!info.nonTriggering.isEmpty, "\(info.id) has no non-triggering example")
        }
        // The rules the issue asks for, all present.
        let wanted = ["yaml-syntax", "frontmatter-schema", "id-matches-path", "duplicate-id", "undeclared-variable",
                      "unused-variable", "required-with-default", "invalid-default", "missing-include", "include-cycle",
                      "template-syntax", "secret-detected", "token-budget", "deprecated-include", "empty-body", "whitespace"]
        #expect(Set(wanted).isSubset(of: Set(infos.map(\.id))))
    }
}

@Suite struct LintTests {
    @Test func badFilesEachGetAFindingAndLintGoesOn() throws {
        let (folder, library) = try makeLibrary()
        folder.write("prompts/broken.prompt.md", "---\ntitle: [unclosed\n---\nbody\n")
        try Data([0x2D, 0x2D, 0x2D, 0x0A, 0xC3, 0x28, 0x0A]).write(to: URL(fileURLWithPath: folder.at("prompts/latin1.prompt.md")))
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00]).write(to: URL(fileURLWithPath: folder.at("prompts/image.prompt.md")))
        try Data(repeating: UInt8(ascii: "a"), count: 50 * 1_048_576).write(to: URL(fileURLWithPath: folder.at("prompts/huge.prompt.md")))
        folder.write("prompts/good.prompt.md", "---\ntitle: Good\n---\nFine.\n")
        let report = try library.lint()
        #expect(report.files.count == 5)
        func rules(_ name: String) -> [String] { report.findings.filter { $0.relativePath == "prompts/\(name).prompt.md" }.map(\.rule) }
        #expect(rules("broken") == ["yaml-syntax"])
        let yaml = try #require(report.findings.first { $0.rule == "yaml-syntax" })
        // libyaml gives up at the closing ---; the message names where the bracket was opened.
        #expect(yaml.line == 3, "\(yaml.text)")
        #expect(yaml.message.contains("opened at line 2"), "\(yaml.text)")
        #expect(rules("latin1") == ["file-readable"])
        #expect(report.findings.first { $0.relativePath == "prompts/latin1.prompt.md" }?.message.contains("UTF-8") == true)
        #expect(rules("image") == ["file-readable"])
        #expect(rules("huge") == ["file-readable"])
        #expect(report.findings.first { $0.relativePath == "prompts/huge.prompt.md" }?.message.contains("MB") == true)
        #expect(rules("good").isEmpty)
    }

    @Test func pathsOutsideTheLibraryOrMissingAreFindingsNotCrashes() throws {
        let (folder, library) = try makeLibrary()
        folder.write("prompts/a.prompt.md", "a\n")
        let report = try library.lint(paths: ["/etc/hostname", "prompts/missing.prompt.md", "prompts"])
        #expect(report.findings.map(\.rule) == ["file-readable", "file-readable"])
        #expect(report.findings[0].message.contains("outside the library"))
        #expect(report.findings[1].message.contains("does not exist"))
        #expect(report.files == ["prompts/a.prompt.md"])
    }

    @Test func stagedLintReadsTheIndexNotTheWorkTree() throws {
        let (folder, library) = try makeLibrary()
        folder.write("prompts/a.prompt.md", "clean\n")
        try git("add", "-A", in: folder.path)
        try git("commit", "-qm", "a", in: folder.path)
        // Staged: a secret. Work tree: fixed but not staged. Untracked: a broken file nobody staged.
        folder.write("prompts/a.prompt.md", "key AKIAIOSFODNN7EXAMPLE\n")
        try git("add", "prompts/a.prompt.md", in: folder.path)
        folder.write("prompts/a.prompt.md", "clean again\n")
        folder.write("prompts/untracked.prompt.md", "---\nbroken: [\n---\n")
        let staged = try library.lintStaged()
        #expect(staged.files == ["prompts/a.prompt.md"])
        #expect(staged.findings.map(\.rule) == ["secret-detected"])
        let workTree = try library.lint(paths: ["prompts/a.prompt.md"])
        #expect(workTree.findings.isEmpty)

        // Includes resolve against what is staged: a staged new prompt counts, an unstaged deletion does not.
        folder.write("prompts/a.prompt.md", "{{> shared/part}} {{> shared/gone}}\n")
        folder.write("prompts/shared/part.prompt.md", "part\n")
        try git("add", "prompts/a.prompt.md", "prompts/shared", in: folder.path)
        let includes = try library.lintStaged()
        #expect(includes.findings.map(\.rule) == ["missing-include"])
        #expect(includes.findings.first?.message.contains("shared/gone") == true)

        // An index neither reader understands: a clear error with the way out, not a crash.
        try git("update-index", "--split-index", in: folder.path)
        let error = #expect(throws: FolioError.self) { try library.lintStaged() }
        #expect(error?.message.contains("git update-index --no-split-index") == true, "\(String(describing: error))")
    }

    @Test func contextsAreLintedInTheWorkTreeAndWhenStaged() throws {
        let (folder, library) = try makeLibrary()
        // A context saved by folio is clean; one saved without redaction and committed through git is not.
        let clean = try library.saveContext(from: SessionSource(file: Corpus.session("claude-code", containing: "todowrite").path),
                                            options: ContextSaveOptions())
        #expect(try library.lint().findings.isEmpty)
        let raw = try library.saveContext(from: SessionSource(file: Corpus.session("claude-code", containing: "sample_session").path),
                                          options: ContextSaveOptions(redact: false, commit: false))
        let path = library.root + "/" + raw.context.relativePath
        try (try String(contentsOfFile: path, encoding: .utf8) + "\nAWS key: AKIAIOSFODNN7EXAMPLE\n").write(toFile: path, atomically: true, encoding: .utf8)
        try git("add", raw.context.relativePath, in: folder.path)
        let staged = try library.lintStaged()
        #expect(staged.files == [raw.context.relativePath])
        #expect(staged.findings.map(\.rule) == ["secret-detected"])
        // The whole library: prompts and contexts; a context with a wrong id is named with the fix.
        let cleanPath = library.root + "/" + clean.context.relativePath
        let text = try String(contentsOfFile: cleanPath, encoding: .utf8)
        try text.replacingOccurrences(of: "id: \"\(clean.context.id)\"", with: "id: \"2020/01/elsewhere\"").write(toFile: cleanPath, atomically: true, encoding: .utf8)
        let all = try library.lint()
        #expect(Set(all.files) == [clean.context.relativePath, raw.context.relativePath])
        let wrongID = try #require(all.findings.first { $0.rule == "context-format" })
        #expect(wrongID.relativePath == clean.context.relativePath && wrongID.line == 2)
        #expect(wrongID.message.contains("set id to the path below contexts/"))
    }

    @Test func folioYAMLSetsSeveritiesAndAnInlineCommentDisablesARule() throws {
        let (folder, library) = try makeLibrary()
        folder.write("folio.yaml", "lint:\n  max_tokens: 3\n  rules:\n    whitespace: off\n    unused-variable: error\n")
        folder.write("prompts/a.prompt.md", "---\nvariables: [x]\n---\nA body that is longer than three tokens.   \n")
        folder.write("prompts/b.prompt.md", "<!-- folio-lint-disable: token-budget -->\nAnother body longer than three tokens.\n")
        let reopened = try Library.open(explicitPath: folder.path, environment: environment(folder.path))
        _ = library
        let report = try reopened.lint()
        let a = report.findings.filter { $0.relativePath == "prompts/a.prompt.md" }
        #expect(a.map(\.rule).sorted() == ["token-budget", "unused-variable"])
        #expect(a.first { $0.rule == "unused-variable" }?.severity == .error)
        #expect(report.findings.filter { $0.relativePath == "prompts/b.prompt.md" }.isEmpty)

        folder.write("folio.yaml", "lint:\n  rules:\n    white-space: off\n")
        let error = #expect(throws: FolioError.self) { try Library.open(explicitPath: folder.path, environment: environment(folder.path)).lint() }
        #expect(error?.message.contains("did you mean whitespace") == true, "\(String(describing: error))")
    }

    @Test func everyCorpusPromptIsLintedWithoutACrash() throws {
        let (folder, library) = try makeLibrary()
        var count = 0
        for url in Corpus.promptFiles {
            count += 1
            try FileManager.default.copyItem(atPath: url.path, toPath: folder.at("prompts/corpus-\(count).prompt.md"))
        }
        let report = try library.lint()
        #expect(report.files.count == count)
        // Every finding points into a file, at a real line.
        for finding in report.findings { #expect(finding.line >= 1 && finding.column >= 1) }
    }
}

@Suite struct LintDocumentationTests {
    @Test func docsLintRulesIsGeneratedFromTheRules() throws {
        let file = packageRoot.appendingPathComponent("docs/lint-rules.md")
        let onDisk = try String(contentsOf: file, encoding: .utf8)
        #expect(onDisk == LintRules.documentation, "docs/lint-rules.md is stale: run `make docs`")
        for info in LintRules.infos { #expect(onDisk.contains("## \(info.id)\n")) }
    }
}
