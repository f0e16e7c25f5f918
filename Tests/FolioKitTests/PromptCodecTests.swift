import Foundation
import Testing
import TestSupport
@testable import FolioKit

let fullPrompt = """
    ---
    title: Security review
    description: Find exploitable weaknesses.
    tags:
    - review
    - security
    category: review
    status: active
    owners:
    - "@ada"
    model:
      name: gpt-4o
      parameters:
        temperature: 0.2
        max_tokens: 800
    variables:
    - name: code
      description: The code.
    - name: level
      type: enum
      values:
      - low
      - high
      default: low
    - name: notes
      required: false
    partial: false
    metadata:
      team: appsec
    x-reviewed-by: bob
    ---
    Review {{code}} at {{level}}.

    """

@Suite struct PromptCodecTests {
    @Test func readsEveryField() throws {
        let prompt = try PromptCodec.decode(fullPrompt, id: id("review/security"), path: "p").prompt
        #expect(prompt.title == "Security review")
        #expect(prompt.tags == ["review", "security"])
        #expect(prompt.status == .active)
        #expect(prompt.owners == ["@ada"])
        #expect(prompt.model?.name == "gpt-4o")
        #expect(prompt.model?.parameters == [Value.Entry("temperature", .double(0.2)), Value.Entry("max_tokens", .int(800))])
        #expect(prompt.variables.map(\.name) == ["code", "level", "notes"])
        #expect(prompt.variables[0].isRequired)
        #expect(prompt.variables[1].type == .enum)
        #expect(prompt.variables[1].values == [.string("low"), .string("high")])
        #expect(!prompt.variables[1].isRequired)
        #expect(!prompt.variables[2].isRequired)
        #expect(prompt.metadata?["team"] == .string("appsec"))
        #expect(prompt.extra == [Value.Entry("x-reviewed-by", .string("bob"))])
        #expect(prompt.body == "Review {{code}} at {{level}}.\n")
    }

    @Test func parseWriteParseGivesTheSamePromptAndKeepsUnknownKeys() throws {
        let first = try PromptCodec.decode(fullPrompt, id: id("a"), path: "p")
        let written = String(decoding: PromptCodec.encode(first), as: UTF8.self)
        let second = try PromptCodec.decode(written, id: id("a"), path: "p")
        #expect(second.prompt == first.prompt)
        #expect(written.contains("x-reviewed-by: bob"))
        // Canonical, so writing again changes nothing.
        #expect(String(decoding: PromptCodec.encode(second), as: UTF8.self) == written)
    }

    @Test func writesKnownFieldsInCanonicalOrderAndUnknownOnesAfter() throws {
        let text = "---\nzeta: 1\nstatus: draft\ntitle: T\ntags: [b, a]\n---\nbody\n"
        let document = try PromptCodec.decode(text, id: id("a"), path: "p")
        let written = String(decoding: PromptCodec.encode(document), as: UTF8.self)
        #expect(written == "---\ntitle: T\ntags:\n- b\n- a\nstatus: draft\nzeta: 1\n---\nbody\n")
    }

    @Test func keepsCRLFAndByteOrderMark() throws {
        let text = "\u{FEFF}---\r\ntitle: Windows\r\n---\r\nline one\r\nline two\r\n"
        let document = try PromptCodec.decode(Data(text.utf8), id: id("a"), path: "p")
        #expect(document.prompt.title == "Windows")
        #expect(document.prompt.body == "line one\nline two\n")
        #expect(document.lineEnding == .crlf)
        #expect(document.hasByteOrderMark)
        #expect(PromptCodec.encode(document) == Data(text.utf8))
        let again = try PromptCodec.decode(PromptCodec.encode(document), id: id("a"), path: "p")
        #expect(again == document)
    }

    @Test func aFileWithoutFrontmatterIsAllBody() throws {
        let document = try PromptCodec.decode("Just a prompt.\n", id: id("a"), path: "p")
        #expect(document.prompt.body == "Just a prompt.\n")
        #expect(document.prompt.title == nil)
    }

    @Test(arguments: [
        ("---\ntitle: a\ntitle: b\n---\n", "p:3:1: error: duplicate key 'title' (first at line 2)"),
        ("---\nstatus: live\n---\n", "p:2:9: error: status must be one of draft, active, deprecated (not 'live')"),
        ("---\ntags: review\n---\n", "p:2:7: error: tags must be a list, e.g. tags: [review]"),
        ("---\nvariables:\n- name: x\n  type: text\n---\n", "p:4:9: error: unknown type 'text' for variable 'x'; use one of string, number, boolean, enum, list, object"),
        ("---\nvariables:\n- name: x\n- name: x\n---\n", "p:4:3: error: variable 'x' is declared twice (first at line 3)"),
        ("---\nvariables:\n- name: my var\n---\n", "p:3:9: error: variable name 'my var' must be letters, digits and '_', starting with a letter (it is used as {{my var}})"),
        ("---\nvariables:\n- type: number\n---\n", "p:3:3: error: this variable has no name; add 'name: …'"),
        ("---\nvariables:\n- name: e\n  type: enum\n---\n", "p:3:3: error: enum variable 'e' needs its allowed values: values: [a, b]"),
        ("---\ntitle: x\n", "p:1:1: error: the frontmatter that starts here is not closed; add a line '---' after it"),
        ("---\nglobs: *.ts\n---\n", "p:2:8: error: while scanning an alias: did not find expected alphabetic or numeric character (a value starting with * or & must be quoted, e.g. globs: \"**/*.ts\")"),
        ("---\n- a\n- b\n---\n", "p:2:1: error: the frontmatter must be a mapping of fields (title: …), not a list"),
        ("---\nbase: &b x\n---\n", "p:2:7: error: anchors (&b) are not allowed in folio files; write the value out"),
    ])
    func invalidFrontmatterIsAnErrorWithPathLineAndColumn(_ text: String, _ message: String) {
        let error = #expect(throws: FolioError.self) { try PromptCodec.decode(text, id: id("a"), path: "p") }
        #expect(error?.message == message)
        #expect(error?.kind == .invalidInput)
    }

    @Test func binaryAndNonUTF8FilesAreClearErrors() {
        let latin1 = #expect(throws: FolioError.self) { try PromptCodec.decode(Data([0x2D, 0xE9, 0xFF]), id: id("a"), path: "p") }
        #expect(latin1?.message.contains("not valid UTF-8") == true)
        let binary = #expect(throws: FolioError.self) { try PromptCodec.decode(Data([0x41, 0x00, 0x42]), id: id("a"), path: "p") }
        #expect(binary?.message.contains("binary") == true)
    }

    @Test func theShorthandForVariablesAndModelIsRead() throws {
        let prompt = try PromptCodec.decode("---\nmodel: claude-sonnet\nvariables: [code, lang]\n---\n", id: id("a"), path: "p").prompt
        #expect(prompt.model?.name == "claude-sonnet")
        #expect(prompt.variables.map(\.name) == ["code", "lang"])
        #expect(prompt.variables.allSatisfy { $0.isRequired })
    }

    @Test func replacingTheBodyKeepsTheFrontmatterAsWritten() throws {
        let text = "---\r\nzeta: 1   # a comment\r\ntitle: T\r\n---\r\nold\r\n"
        let data = try PromptCodec.replacingBody(of: Data(text.utf8), with: "new\n", path: "p")
        #expect(String(decoding: data, as: UTF8.self) == "---\r\nzeta: 1   # a comment\r\ntitle: T\r\n---\r\nnew\r\n")
    }

    /// Files written by other tools: folio's strict reader either reads them or names the line to fix.
    @Test(arguments: Corpus.promptFiles)
    func readsOrExplainsEveryCorpusFile(_ url: URL) throws {
        let data = try Data(contentsOf: url)
        do {
            _ = try PromptCodec.decode(data, id: id("corpus"), path: url.lastPathComponent)
        } catch let error as FolioError {
            #expect(error.message.hasPrefix(url.lastPathComponent + ":"), "\(error.message)")
            #expect(error.message.contains(": error: "))
        }
    }

    @Test func everyStarterTemplateIsValidAndDeclaresWhatItUses() throws {
        #expect(StarterTemplate.builtIn.count >= 12)
        for template in StarterTemplate.builtIn {
            let prompt = try template.prompt()
            #expect(prompt.title != nil && prompt.description != nil, "\(template.name)")
            let scan = TemplateScanner.scan(prompt.body)
            #expect(scan.errors.isEmpty, "\(template.name): \(scan.errors)")
            let declared = Set(prompt.variables.map(\.name))
            #expect(Set(scan.topLevelNames).isSubset(of: declared), "\(template.name) uses undeclared \(Set(scan.topLevelNames).subtracting(declared))")
            #expect(declared.isSubset(of: Set(scan.topLevelNames)), "\(template.name) declares unused \(declared.subtracting(scan.topLevelNames))")
        }
    }

    @Test func theEmbeddedTemplatesMatchTheTemplatesFolder() throws {
        let folder = packageRoot.appendingPathComponent("templates")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".prompt.md") }.sorted()
        #expect(files.map { String($0.dropLast(".prompt.md".count)) } == StarterTemplate.builtIn.map(\.name),
                "run scripts/embed-resources")
        for template in StarterTemplate.builtIn {
            let text = try String(contentsOf: folder.appendingPathComponent(template.name + ".prompt.md"), encoding: .utf8)
            #expect(text == template.text, "templates/\(template.name).prompt.md changed: run scripts/embed-resources")
        }
    }
}
