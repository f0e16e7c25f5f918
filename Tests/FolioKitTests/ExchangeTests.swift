import Foundation
import Testing
import TestSupport
@testable import FolioKit

@Suite struct ExchangeTests {
    /// Every corpus prompt file is imported, exported back to its own format and read again: the fields, the
    /// variables and the body (apart from variable syntax) survive, and every field of the original file is in
    /// the exported one with the same value.
    @Test(arguments: Corpus.promptFiles)
    func corpusFilesSurviveImportAndExportToTheirOwnFormat(_ url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        let id = try Library.importedID(url.path, prefix: nil)
        let imported = try Importer.read(text, path: url.path, format: nil, id: id)
        let exported = Exporter.export(imported.prompt, as: imported.format)
        let again = try Importer.read(exported.text, path: exported.path, format: imported.format, id: id)
        #expect(again.prompt.body == imported.prompt.body, "body changed in \(url.lastPathComponent)")
        #expect(again.prompt.variables.map(\.name) == imported.prompt.variables.map(\.name))
        #expect(again.prompt.variables.map(\.defaultValue) == imported.prompt.variables.map(\.defaultValue))
        #expect(again.prompt.title == imported.prompt.title)
        #expect(again.prompt.description == imported.prompt.description)
        #expect(again.prompt.metadata.map(canonical) == imported.prompt.metadata.map(canonical), "metadata changed in \(url.lastPathComponent)")
        // Field by field against the original file.
        var notes: [String] = []
        let original = try fields(text, path: url.path, notes: &notes)
        let written = try fields(exported.text, path: exported.path, notes: &notes)
        for (key, value) in original where !["messages"].contains(key) {
            #expect(written[key].map(canonical) == canonical(value), "\(url.lastPathComponent): field '\(key)' was \(value), exported as \(String(describing: written[key]))")
        }
    }

    /// A value with every mapping's keys sorted: YAML mappings have no order.
    func canonical(_ value: Value) -> Value {
        switch value {
        case .map(let entries): return .map(entries.map { Value.Entry($0.key, canonical($0.value)) }.sorted { $0.key < $1.key })
        case .list(let items): return .list(items.map(canonical))
        default: return value
        }
    }

    func fields(_ text: String, path: String, notes: inout [String]) throws -> [String: Value] {
        let yaml = path.hasSuffix(".yml") ? text : try PromptCodec.split(text, path: path).frontmatter
        return Dictionary(try Importer.frontmatter(yaml, path: path, notes: &notes).map { ($0.key, $0.value) }) { first, _ in first }
    }

    @Test func variablesAreTranslatedToEachToolsSyntax() throws {
        let prompt = Prompt(id: try PromptID("review/api"), title: "API review", description: "Review an API change.",
                            variables: [Variable(name: "diff", description: "The change"), Variable(name: "tone", defaultValue: .string("kind"))],
                            body: "Review {{diff}} in a {{tone}} way.\n")
        func export(_ format: ExchangeFormat) -> ExportedFile { Exporter.export(prompt, as: format) }
        #expect(export(.claudeCommands).text == "---\ndescription: \"Review an API change.\"\nargument-hint: \"<diff> <tone>\"\n---\nReview $1 in a $2 way.\n")
        #expect(export(.claudeCommands).path == ".claude/commands/review/api.md")
        #expect(export(.copilotPrompts).text.hasSuffix("---\nReview ${input:diff:The change} in a ${input:tone|kind} way.\n"))
        #expect(export(.copilotPrompts).path == ".github/prompts/review-api.prompt.md")
        #expect(export(.prompty).text.contains("inputs:\n  diff:\n    kind: \"string\"\n    description: \"The change\"\n  tone:\n    kind: \"string\"\n    default: \"kind\"\n"))
        #expect(export(.prompty).text.hasSuffix("---\nuser:\nReview {{diff}} in a {{tone}} way.\n"))
        #expect(export(.dotprompt).text.contains("input:\n  schema:\n    diff: string, The change\n    tone?: string\n"))
        #expect(export(.ghModels).text.contains("messages:\n  - role: user\n    content: |-\n      Review {{diff}} in a {{tone}} way.\n"))
        let cursor = export(.cursorRules)
        #expect(cursor.notes == ["Cursor rules take no arguments: variables kept as {{name}}"])
        // A single variable is $ARGUMENTS.
        var single = prompt
        single.variables = [Variable(name: "diff")]
        single.body = "Review {{diff}}.\n"
        #expect(Exporter.export(single, as: .claudeCommands).text.hasSuffix("---\nReview $ARGUMENTS.\n"))
    }

    @Test func cursorGlobsAreABareCommaSeparatedString() throws {
        let text = "---\ndescription: TS\nglobs: *.ts, src/**/*.tsx\nalwaysApply: false\n---\nUse strict types.\n"
        let imported = try Importer.read(text, path: ".cursor/rules/ts.mdc", format: nil, id: try PromptID("ts"))
        #expect(imported.format == .cursorRules)
        let exported = Exporter.export(imported.prompt, as: .cursorRules)
        #expect(exported.text == "---\ndescription: \"TS\"\nglobs: *.ts, src/**/*.tsx\nalwaysApply: false\n---\nUse strict types.\n")
    }

    @Test func importIsOneCommitAndRefusesExistingIDs() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        let corpus = Corpus.root.appendingPathComponent("prompts").path
        let outcome = try library.importPrompts([corpus], prefix: "imported")
        #expect(outcome.imported.count == Corpus.promptFiles.count)
        #expect(try git("log", "-1", "--format=%s", in: folder.path) == "folio: import \(outcome.imported.count) prompts")
        #expect(try git("show", "--name-only", "--format=", "HEAD", in: folder.path).split(separator: "\n").count == outcome.imported.count)
        // Every imported prompt reads back as a valid folio prompt.
        for item in outcome.imported { _ = try library.document(item.prompt.id) }
        let head = try git("rev-parse", "HEAD", in: folder.path)
        #expect(throws: FolioError.self) { try library.importPrompts([corpus], prefix: "imported") }
        #expect(try git("rev-parse", "HEAD", in: folder.path) == head)
        #expect(try git("status", "--porcelain", in: folder.path).isEmpty)
    }

    @Test func exportExpandsIncludesAndWritesWhereTheToolLooks() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        try library.addFile("shared/tone", "---\npartial: true\n---\nBe brief.\n")
        try library.addFile("review", "---\ntitle: Review\nvariables: [code]\n---\nReview {{code}}.\n{{> shared/tone}}\n")
        let files = try library.export(.claudeCommands, to: folder.at("out"))
        #expect(files.map(\.id) == ["review"])
        #expect(try String(contentsOfFile: folder.at("out/.claude/commands/review.md"), encoding: .utf8).hasSuffix("---\nReview $ARGUMENTS.\nBe brief.\n"))
    }
}
