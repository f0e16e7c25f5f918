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
        try library.addFile("a", "A {{> b}}")
        try library.addFile("b", "B {{> c}}")
        try library.addFile("c", "C {{> a}}")
        let error = #expect(throws: FolioError.self) { try library.render(id("a")) }
        #expect(error?.message.contains("include cycle: a → b → c → a") == true)
        #expect(error?.message.hasPrefix("prompts/c.prompt.md:1:3: error:") == true)
        try library.addFile("self", "me {{> self}}")
        let selfError = #expect(throws: FolioError.self) { try library.render(id("self")) }
        #expect(selfError?.message.contains("include cycle: self → self") == true)
    }

    @Test func aMissingIncludeNamesTheFileAndLine() throws {
        try library.addFile("needs", "---\ntitle: x\n---\nline\n{{> nowhere/else}}\n")
        let error = #expect(throws: FolioError.self) { try library.render(id("needs")) }
        #expect(error?.message == "prompts/needs.prompt.md:5:1: error: included prompt 'nowhere/else' does not exist")
        #expect(error?.kind == .notFound)
    }

    @Test func literalBracesAreWrittenWithADelimiterChange() throws {
        try library.addFile("literal", "{{=<% %>=}}Use {{name}} in templates; hello <% who %>.")
        let out = try library.render(id("literal"), inputs: ["who": .text("Ada")], allowExtra: true)
        #expect(out.text == "Use {{name}} in templates; hello Ada.")
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
