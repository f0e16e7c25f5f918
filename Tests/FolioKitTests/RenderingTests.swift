import Foundation
import Testing
import TestSupport
@testable import FolioKit

@Suite struct RenderingTests {
    let folder: TemporaryFolder
    let library: Library

    init() throws {
        (folder, library) = try makeLibrary()
        try library.addFile("typed", """
            ---
            variables:
            - name: code
            - name: count
              type: number
            - name: strict
              type: boolean
              default: false
            - name: level
              type: enum
              values: [low, high]
              default: low
            - name: files
              type: list
              required: false
            - name: owner
              type: object
              required: false
            ---
            Code: {{code}} ({{count}}, {{level}}){{#strict}} STRICT{{/strict}}
            {{#files}}- {{.}}
            {{/files}}{{#owner}}Owner: {{name}}{{/owner}}
            """)
    }

    /// Writes a prompt file without committing it: folio refuses to commit a prompt that reads undeclared names.
    func write(_ id: String, _ text: String) throws {
        folder.write("prompts/\(id).prompt.md", text)
    }

    @Test func listsAndObjectsAreReadAsSetReadsThem() throws {
        // `--var files=[a, b]` as `--set tags=[a, b]` would read it (YAML's flow form), not only JSON.
        let out = try library.render(id("typed"), inputs: ["code": .text("x"), "count": .text("1"), "files": .text("[a.swift, b.swift]"),
                                                           "owner": .text("{name: Ada}")])
        #expect(out.text.contains("- a.swift\n- b.swift\n") && out.text.contains("Owner: Ada"))
    }

    @Test func substitutesWithoutHTMLEscaping() throws {
        let out = try library.render(id("typed"), inputs: ["code": .text("if a < b && c > \"d\" {}"), "count": .text("3")])
        #expect(out.text == "Code: if a < b && c > \"d\" {} (3, low)\n")
        #expect(out.variables.map(\.key) == ["code", "count", "strict", "level"])
    }

    @Test func listsEveryMissingRequiredVariable() throws {
        let error = #expect(throws: FolioError.self) { try library.render(id("typed")) }
        #expect(error?.kind == .invalidInput)
        #expect(error?.message == """
            missing required variables for 'typed':
              code
              count (number)
            pass them with --var NAME=VALUE or --vars-file FILE
            """)
    }

    @Test func anUndeclaredVariableIsAnErrorUnlessAllowed() throws {
        let inputs: [String: VariableInput] = ["code": .text("x"), "count": .text("1"), "cout": .text("2")]
        let error = #expect(throws: FolioError.self) { try library.render(id("typed"), inputs: inputs) }
        #expect(error?.message.contains("'typed' has no variable 'cout' (did you mean count?)") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("--allow-extra") == true)
        #expect(try library.render(id("typed"), inputs: inputs, allowExtra: true).text.hasPrefix("Code: x (1, low)"))
    }

    @Test func checksAndConvertsTypes() throws {
        let base: [String: VariableInput] = ["code": .text("x"), "count": .text("2")]
        let typed = try library.render(id("typed"), inputs: base.merging([
            "strict": .text("yes"), "level": .text("high"), "files": .text("a.swift, b.swift"),
            "owner": .text("{\"name\": \"ada\"}"),
        ]) { $1 })
        #expect(typed.text == "Code: x (2, high) STRICT\n- a.swift\n- b.swift\nOwner: ada")

        let error = #expect(throws: FolioError.self) {
            try library.render(id("typed"), inputs: [
                "code": .text("x"), "count": .text("two"), "strict": .text("maybe"), "level": .text("medium"),
                "owner": .text("[1]"),
            ])
        }
        let message = error?.message ?? ""
        #expect(message.contains("variable 'count' expects a number, got 'two'"))
        #expect(message.contains("variable 'strict' expects true or false, got 'maybe'"))
        #expect(message.contains("variable 'level' expects one of low, high, got 'medium'"))
        #expect(message.contains("variable 'owner' expects an object"))
    }

    @Test func typedValuesFromAVarsFileAreChecked() throws {
        let ok = try library.render(id("typed"), inputs: ["code": .value(.int(42)), "count": .value(.double(1.5)),
                                                          "files": .value(.list([.string("x")]))])
        #expect(ok.text.hasPrefix("Code: 42 (1.5, low)\n- x\n"))
        let error = #expect(throws: FolioError.self) {
            try library.render(id("typed"), inputs: ["code": .value(.list([])), "count": .value(.bool(true))])
        }
        #expect(error?.message.contains("variable 'code' expects text, got a list") == true)
        #expect(error?.message.contains("variable 'count' expects a number, got a boolean") == true)
    }

    @Test func includesRenderWithTheCallersVariablesAndTheirOwnDefaults() throws {
        try library.addFile("shared/tone", """
            ---
            partial: true
            variables:
            - name: tone
              default: friendly
            ---
            Be {{tone}} with {{user}}.

            """)
        try library.addFile("shared/outer", "---\npartial: true\n---\nOuter:\n  {{> shared/tone}}\n")
        try library.addFile("greet", """
            ---
            variables:
            - name: user
            ---
            Hello {{user}}.
            {{> shared/outer}}
            Inline: {{> shared/tone}}
            """)
        let out = try library.render(id("greet"), inputs: ["user": .text("Ada"), "tone": .text("brief")])
        // An include alone on its line stands for whole lines (indented like the tag); inline, it is text.
        #expect(out.text == "Hello Ada.\nOuter:\n  Be brief with Ada.\nInline: Be brief with Ada.\n")
        #expect(out.includes == [id("shared/outer"), id("shared/tone")])
        #expect(try library.render(id("greet"), inputs: ["user": .text("Bo")]).text.contains("Be friendly with Bo."))
    }

    @Test func anIncludeCycleIsAnErrorNamingTheCycle() throws {
        // Lint calls a cycle an error, so folio would not commit one: the files are written as another tool would.
        try write("a", "A {{> b}}")
        try write("b", "B {{> c}}")
        try write("c", "C {{> a}}")
        let error = #expect(throws: FolioError.self) { try library.render(id("a")) }
        #expect(error?.message.contains("include cycle: a → b → c → a") == true)
        #expect(error?.message.hasPrefix("prompts/c.prompt.md:1:3: error:") == true)
        try write("self", "me {{> self}}")
        let selfError = #expect(throws: FolioError.self) { try library.render(id("self")) }
        #expect(selfError?.message.contains("include cycle: self → self") == true)
    }

    @Test func aMissingIncludeNamesTheFileAndLine() throws {
        try write("needs", "---\ntitle: x\n---\nline\n{{> nowhere/else}}\n")
        let error = #expect(throws: FolioError.self) { try library.render(id("needs")) }
        #expect(error?.message == "prompts/needs.prompt.md:5:1: error: included prompt 'nowhere/else' does not exist")
        #expect(error?.kind == .notFound)
    }

    @Test func literalBracesAreWrittenWithADelimiterChange() throws {
        try library.addFile("literal", "---\nvariables: [who]\n---\n{{=<% %>=}}Use {{name}} in templates; hello <% who %>.")
        let out = try library.render(id("literal"), inputs: ["who": .text("Ada")])
        #expect(out.text == "Use {{name}} in templates; hello Ada.")
    }

    @Test func aNameTheBodyReadsButNoOneDeclaresFailsNamingTheClosestDeclaredOne() throws {
        try write("support/reply", "---\nvariables: [ticket]\n---\nHandle this: {{tikcet}}\n")
        let error = #expect(throws: FolioError.self) { try library.render(id("support/reply"), inputs: ["ticket": .text("refund")]) }
        #expect(error?.kind == .invalidInput)
        #expect(error?.message == "prompts/support/reply.prompt.md:4:14: error: 'tikcet' is used but not declared (did you mean ticket?); correct it, or declare it under variables (- name: tikcet)")
    }

    @Test func namesInsideSectionsAndInvertedSectionsMustBeDeclared() throws {
        try write("sections", """
            ---
            variables:
            - name: ticket
            - name: urgent
              type: boolean
              default: false
            - name: note
              required: false
            ---
            {{#urgent}}Now: {{tikcet}}{{/urgent}}
            {{^urgent}}Later: {{ticekt}}{{/urgent}}
            {{#note}}Note: {{nots}}{{/note}}

            """)
        let error = #expect(throws: FolioError.self) { try library.render(id("sections"), inputs: ["ticket": .text("x")]) }
        let lines = error?.message.split(separator: "\n").map(String.init) ?? []
        #expect(lines.count == 3, "\(error?.message ?? "")")
        #expect(lines.first?.hasPrefix("prompts/sections.prompt.md:10:17: error: 'tikcet' is used but not declared (did you mean ticket?)") == true)
        #expect(lines.dropFirst().first?.hasPrefix("prompts/sections.prompt.md:11:19: error: 'ticekt'") == true)
        #expect(lines.last?.hasPrefix("prompts/sections.prompt.md:12:16: error: 'nots' is used but not declared (did you mean note?)") == true)
    }

    @Test func namesInAnIncludedPromptMustBeDeclaredByItOrByThePromptIncludingIt() throws {
        try write("shared/sign", "---\npartial: true\n---\nThanks, {{agnet}}.\n")
        try write("reply", "---\nvariables: [agent]\n---\nHi.\n{{> shared/sign}}\n")
        let error = #expect(throws: FolioError.self) { try library.render(id("reply"), inputs: ["agent": .text("Ada")]) }
        #expect(error?.message == "prompts/shared/sign.prompt.md:4:9: error: 'agnet' is used in the included prompt 'shared/sign' but declared neither there nor by 'reply', which includes it (did you mean agent?); correct it, or declare it under variables (- name: agnet)")
    }

    @Test func namesOfListItemsObjectFieldsAndTheCurrentItemAreNotVariables() throws {
        try write("shared/row", "---\npartial: true\n---\n- {{name}} ({{role}})\n")
        try write("team", """
            ---
            variables:
            - name: people
              type: list
            - name: lead
              type: object
            - name: tags
              type: list
              required: false
            - name: title
            ---
            {{uppercased(title)}} led by {{lead.name}}{{#lead}} <{{email}}>{{/lead}}
            {{#people}}
            {{> shared/row}}
            {{/people}}
            {{#tags}}{{.}}{{^last()}}, {{/last()}}{{/tags}}

            """)
        let out = try library.render(id("team"), inputs: [
            "title": .text("core"), "lead": .value(.map([.init("name", .string("Ada")), .init("email", .string("ada@x"))])),
            "people": .value(.list([.map([.init("name", .string("Bo")), .init("role", .string("dev"))])])),
            "tags": .text("a, b"),
        ])
        #expect(out.text == "CORE led by Ada <ada@x>\n- Bo (dev)\na, b\n")
    }

    @Test func aStandaloneTagOnTheFirstOrLastLineLeavesNoBlankLine() throws {
        try write("shared/intro", "---\npartial: true\n---\nYou are a reviewer.\n")
        try write("first-include", "{{> shared/intro}}\nReview it.\n")
        try write("first-comment", "{{! why this prompt exists }}\nReview it.\n")
        try write("first-delimiters", "---\nvariables: [code]\n---\n{{=<% %>=}}\nReview <% code %>, not {{code}}.\n")
        try write("last-comment", "Review it.\n{{! the end }}")
        try write("last-include", "Review it.\n  {{> shared/intro}}")
        #expect(try library.render(id("first-include")).text == "You are a reviewer.\nReview it.\n")
        #expect(try library.render(id("first-comment")).text == "Review it.\n")
        #expect(try library.render(id("first-delimiters"), inputs: ["code": .text("x")]).text == "Review x, not {{code}}.\n")
        #expect(try library.render(id("last-comment")).text == "Review it.\n")
        #expect(try library.render(id("last-include")).text == "Review it.\n  You are a reviewer.\n")
    }

    @Test func aTemplateErrorNamesTheLineInTheFile() throws {
        // Found by swift-mustache, not by folio's own scan: an unknown pragma.
        try write("broken", "---\ntitle: x\n---\nline\n{{% FLAVOUR: SPICY }}\n")
        let error = #expect(throws: FolioError.self) { try library.render(id("broken")) }
        #expect(error?.message.hasPrefix("prompts/broken.prompt.md:5:") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("template error") == true, "\(error?.message ?? "")")
    }

    @Test func everyStarterTemplateRendersWithItsRequiredVariables() throws {
        let (templatesFolder, library) = try makeLibrary(templates: true)
        defer { withExtendedLifetime(templatesFolder) {} }
        for template in StarterTemplate.builtIn {
            let prompt = try template.prompt()
            var inputs: [String: VariableInput] = [:]
            for variable in prompt.variables where variable.isRequired {
                inputs[variable.name] = .text("<\(variable.name) value>")
            }
            let out = try library.render(try PromptID(template.name), inputs: inputs)
            for name in inputs.keys { #expect(out.text.contains("<\(name) value>"), "\(template.name) drops \(name)") }
            #expect(!out.text.contains("{{"), "\(template.name) left a tag unrendered")
            #expect(!out.text.contains("&lt;"), "\(template.name) escaped HTML")
        }
    }
}

/// One case of the undeclared-variable definition: a body, the prompts it includes, and whether it reads a name nothing
/// declares.
struct ScopeCase: Sendable, CustomTestStringConvertible {
    let name: String
    let body: String
    var files: [String: String] = [:]
    let undeclared: Bool

    var testDescription: String { name }

    static let variables = """
        ---
        variables:
        - name: text
          default: t
        - name: flag
          type: boolean
          default: false
        - name: items
          type: list
          default: []
        - name: owner
          type: object
          default: {}
        ---

        """

    static let all: [ScopeCase] = [
        ScopeCase(name: "declared", body: "{{text}} {{owner.name}} {{{text}}} {{& text}}", undeclared: false),
        ScopeCase(name: "undeclared", body: "{{txet}}", undeclared: true),
        ScopeCase(name: "undeclared section", body: "{{#flga}}x{{/flga}}", undeclared: true),
        ScopeCase(name: "in a boolean section", body: "{{#flag}}{{txet}}{{/flag}}", undeclared: true),
        ScopeCase(name: "in a text section", body: "{{#text}}{{txet}}{{/text}}", undeclared: true),
        ScopeCase(name: "in an inverted section", body: "{{^items}}{{txet}}{{/items}}", undeclared: true),
        ScopeCase(name: "item fields in a list section", body: "{{#items}}{{name}} {{.}}{{/items}}", undeclared: false),
        ScopeCase(name: "fields in an object section", body: "{{#owner}}{{email}}{{/owner}}", undeclared: false),
        ScopeCase(name: "after a list section", body: "{{#items}}{{name}}{{/items}}{{name}}", undeclared: true),
        ScopeCase(name: "transform argument", body: "{{uppercased(txet)}}", undeclared: true),
        ScopeCase(name: "sequence transform", body: "{{#items}}{{index()}}{{/items}}", undeclared: false),
        ScopeCase(name: "partial using the includer's names", body: "{{> part}}",
                  files: ["part": "---\npartial: true\n---\n{{text}} {{#flag}}{{text}}{{/flag}}\n"], undeclared: false),
        ScopeCase(name: "partial declaring its own", body: "{{> part}}",
                  files: ["part": "---\npartial: true\nvariables:\n- name: tone\n  default: kind\n---\n{{tone}}\n"], undeclared: false),
        ScopeCase(name: "partial with a typo", body: "{{> part}}", files: ["part": "---\npartial: true\n---\n{{txet}}\n"], undeclared: true),
        ScopeCase(name: "nested partial with a typo", body: "{{> part}}",
                  files: ["part": "---\npartial: true\n---\n{{> inner}}\n", "inner": "---\npartial: true\n---\n{{#flag}}{{txet}}{{/flag}}\n"],
                  undeclared: true),
        ScopeCase(name: "partial inside a list section", body: "{{#items}}{{> part}}{{/items}}",
                  files: ["part": "---\npartial: true\n---\n{{name}}\n"], undeclared: false),
    ]
}

@Suite struct VariableScopeTests {
    /// Rendering and the undeclared-variable lint rule apply one definition: lint reports a body exactly when
    /// rendering it fails for a name not declared.
    @Test(arguments: ScopeCase.all)
    func lintAndRenderingAgree(_ case: ScopeCase) throws {
        let (folder, library) = try makeLibrary()
        for (name, text) in `case`.files { folder.write("prompts/\(name).prompt.md", text) }
        folder.write("prompts/root.prompt.md", ScopeCase.variables + `case`.body + "\n")
        let findings = try library.lint(paths: ["prompts/root.prompt.md"]).findings.filter { $0.rule == "undeclared-variable" }
        #expect(findings.isEmpty == !`case`.undeclared, "\(findings.map(\.text))")
        do {
            _ = try library.render(id("root"))
            #expect(!`case`.undeclared, "rendered although a name is not declared")
        } catch let error as FolioError {
            #expect(`case`.undeclared, "\(error.message)")
            #expect(error.message.contains("txet") || error.message.contains("flga") || error.message.contains("'name'"), "\(error.message)")
        }
    }

    @Test func lintReportsANameOfAnIncludedPromptAtTheIncludeNamingItsLine() throws {
        let (folder, library) = try makeLibrary()
        folder.write("prompts/shared/sign.prompt.md", "---\npartial: true\n---\nThanks,\n{{agnet}}\n")
        folder.write("prompts/reply.prompt.md", "---\nvariables: [agent]\n---\nHi {{agent}}.\n{{> shared/sign}}\n")
        let report = try library.lint()
        let findings = report.findings.filter { $0.rule == "undeclared-variable" }
        // The partial itself is not reported: the prompts including it may declare what it reads.
        #expect(findings.map(\.text) == ["prompts/reply.prompt.md:5:1: error: 'agnet' is used in the included prompt 'shared/sign' (line 5) but declared neither there nor here (did you mean agent?); correct it, or declare it under variables (- name: agnet) [undeclared-variable]"])
    }
}
