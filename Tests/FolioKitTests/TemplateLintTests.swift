import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// A library's starter templates (`templates/NAME.prompt.md`) are prompts to start from, and lint checks them as
/// prompts; their name is what `folio new --template NAME` takes, and they carry no id of their own.
@Suite struct TemplateLintTests {
    @Test func theWholeLibraryLintIncludesTemplates() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        folder.write("templates/triage.prompt.md", "---\ntitle: Triage\nvariables: [issue]\n---\nTriage {{issue}} for {{team}}.\n")
        folder.write("templates/good.prompt.md", "---\ntitle: Good\nvariables: [x]\n---\nUse {{x}}.\n")
        folder.write("templates/notes/readme.prompt.md", "Not a template folio reads (templates are one level).\n")
        let report = try library.lint()
        #expect(report.files.contains("templates/triage.prompt.md") && report.files.contains("templates/good.prompt.md"), "\(report.files)")
        #expect(!report.files.contains("templates/notes/readme.prompt.md"))
        #expect(report.findings.map { "\($0.relativePath):\($0.line):\($0.column) \($0.rule)" } == ["templates/triage.prompt.md:5:22 undeclared-variable"],
                "\(report.findings.map(\.text))")
    }

    @Test func aTemplateNamedOnTheCommandLineIsLintedAsATemplate() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        folder.write("templates/good.prompt.md", "---\ntitle: Good\nvariables: [x]\n---\nUse {{x}}.\n")
        let report = try library.lint(paths: ["templates/good.prompt.md"])
        #expect(report.files == ["templates/good.prompt.md"])
        #expect(report.findings.isEmpty, "\(report.findings.map(\.text))")
    }

    @Test func aTemplateNameMustBeAValidIDAndATemplateHasNoID() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        folder.write("prompts/triage.prompt.md", "x\n")
        folder.write("templates/Bug Report.prompt.md", "---\ntitle: Bug\n---\nx\n")
        folder.write("templates/triage.prompt.md", "---\nid: triage\n---\nx\n")
        let findings = try library.lint().findings.filter { $0.rule == "id-matches-path" || $0.rule == "duplicate-id" }
        #expect(findings.map(\.text) == [
            "templates/Bug Report.prompt.md:1:1: error: 'Bug Report' is not a valid template name (folio new ID --template NAME takes it): ids are lowercase; try 'bug-report'; rename the file to templates/bug-report.prompt.md [id-matches-path]",
            "templates/triage.prompt.md:2:5: error: a template has no id: each prompt made from it gets its own; remove the id [id-matches-path]",
        ], "\(findings.map(\.text))")
    }

    @Test func stagedTemplatesAreLinted() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        folder.write("templates/triage.prompt.md", "Triage {{issue}}.\n")
        folder.write("templates/notes/readme.prompt.md", "{{nothing}}\n")
        try git("add", "-A", in: folder.path)
        let staged = try library.lintStaged()
        #expect(staged.files == ["templates/triage.prompt.md"])
        #expect(staged.findings.map(\.rule) == ["undeclared-variable"])
    }
}
