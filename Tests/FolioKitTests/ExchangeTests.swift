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
        // (The inputs, declared anew from the variables, are compared with the original file's below.)
        func withoutInputs(_ value: Value?) -> Value? {
            let rest = (value?.entries ?? []).filter { !["inputs", "input"].contains($0.key) }
            return rest.isEmpty ? nil : canonical(.map(rest))
        }
        #expect(withoutInputs(again.prompt.metadata) == withoutInputs(imported.prompt.metadata), "metadata changed in \(url.lastPathComponent)")
        // Field by field against the original file. Prompty's inputs may have more: names the body uses that
        // the file did not declare are declared (not required) on import.
        var notes: [String] = []
        let original = try fields(text, path: url.path, notes: &notes)
        let written = try fields(exported.text, path: exported.path, notes: &notes)
        for (key, value) in original where !["messages"].contains(key) {
            if key == "input", let schema = value["schema"]?.entries, let exportedSchema = written[key]?["schema"]?.entries {
                for property in schema {
                    #expect(exportedSchema.first { $0.key == property.key }.map { canonical($0.value) } == canonical(property.value),
                            "\(url.lastPathComponent): input.schema '\(property.key)' was \(property.value)")
                }
                continue
            }
            if key == "inputs", let inputs = value.entries, let exportedInputs = written[key]?.entries {
                for input in inputs {
                    #expect(exportedInputs.first { $0.key == input.key }.map { canonical($0.value) } == canonical(input.value),
                            "\(url.lastPathComponent): input '\(input.key)' was \(input.value)")
                }
                continue
            }
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
        #expect(export(.claudeCommands).text == "---\ndescription: \"Review an API change.\"\nargument-hint: \"<diff> <tone>\"\nvariables:\n- name: diff\n  description: The change\n- name: tone\n  default: kind\n---\nReview $1 in a $2 way.\n")
        #expect(export(.claudeCommands).path == ".claude/commands/review/api.md")
        #expect(export(.copilotPrompts).text.hasSuffix("---\nReview ${input:diff:The change} in a ${input:tone|kind} way.\n"))
        #expect(export(.copilotPrompts).path == ".github/prompts/review-api.prompt.md")
        #expect(export(.prompty).text.contains("inputs:\n  diff:\n    kind: \"string\"\n    description: \"The change\"\n  tone:\n    kind: \"string\"\n    default: \"kind\"\n"))
        #expect(export(.prompty).text.hasSuffix("---\nuser:\nReview {{diff}} in a {{tone}} way.\n"))
        #expect(export(.dotprompt).text.contains("input:\n  schema:\n    diff: string, The change\n    tone?: string\n"))
        #expect(export(.ghModels).text.contains("messages:\n  - role: user\n    content: |\n      Review {{diff}} in a {{tone}} way.\n"))
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

    /// An imported file's id is its name as folio would suggest it for a bad id, so `folio mv` and import agree.
    @Test(arguments: [("in/Café Notes.mdc", "cafe-notes"), (".claude/commands/Release Notes (v2).md", "release-notes-v2"),
                      (".claude/skills/Code Review/SKILL.md", "code-review"), ("in/日本.md", "prompt")])
    func importedIDsAreTheSuggestedIDs(_ path: String, _ expected: String) throws {
        #expect(try Library.importedID(path, prefix: nil).rawValue == expected)
        #expect(try Library.importedID(path, prefix: "team/").rawValue == "team/" + expected)
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
        let files = try library.export(.claudeCommands, to: folder.at("out")).files
        #expect(files.map(\.id) == ["review"])
        #expect(try String(contentsOfFile: folder.at("out/.claude/commands/review.md"), encoding: .utf8).hasSuffix("---\nReview $ARGUMENTS.\nBe brief.\n"))
    }

    // MARK: - Round trips keep meaning

    /// A prompt to start a round trip from: a starter template, or a corpus file imported into folio.
    struct Origin: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        /// The corpus file, imported into the library first; nil for a starter (added as a folio file).
        let corpusFile: URL?
        var testDescription: String { name }

        static var all: [Origin] {
            StarterTemplate.all.map { Origin(name: "starter " + $0.name, text: $0.text, corpusFile: nil) }
                + Corpus.promptFiles.map { Origin(name: "corpus " + $0.lastPathComponent, text: "", corpusFile: $0) }
        }
    }

    /// A value of each variable's type, distinct per variable.
    func sampleValue(_ variable: Variable) -> Value {
        switch variable.type {
        case .string: return .string("<\(variable.name) given>")
        case .number: return .int(7)
        case .boolean: return .bool(true)
        case .list: return .list([.string("first"), .string("second")])
        case .object: return .map([Value.Entry("id", .string("o-1")), Value.Entry("name", .string("Obi"))])
        case .enum: return variable.values?.last ?? .string("x")
        }
    }

    /// Every starter prompt and every corpus prompt, exported to each format and imported back: the imported
    /// prompt renders exactly as the original for the same values (all given; only the required ones, so
    /// defaults apply), and lint finds no error in it that the original did not have.
    @Test(arguments: Origin.all, ExchangeFormat.allCases)
    func exportThenImportKeepsRenderingAndLint(_ origin: Origin, _ format: ExchangeFormat) throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        let original: PromptID
        if let file = origin.corpusFile {
            original = try #require(try library.importPrompts([file.path], prefix: "original").imported.first).prompt.id
        } else {
            original = try PromptID("original/" + origin.name.dropFirst("starter ".count))
            try library.addFile(original.rawValue, origin.text)
        }
        let exported = try library.export(format, ids: [original], to: folder.at("out"))
        #expect(exported.failures.isEmpty)
        let file = try #require(exported.files.first)
        let back = try #require(try library.importPrompts([folder.at("out/" + file.path)], format: format, prefix: "back").imported.first).prompt

        let variables = try library.document(original).prompt.variables
            + library.includes(of: original).flatMap { try library.document($0).prompt.variables }
        #expect(back.variables.map(\.name).sorted() == Array(Set(variables.map(\.name))).sorted(), "variables of \(origin.name) via \(format)")
        for onlyRequired in [false, true] {
            var inputs: [String: VariableInput] = [:]
            for variable in variables where !onlyRequired || variable.isRequired { inputs[variable.name] = .value(sampleValue(variable)) }
            let before = Result { try library.render(original, inputs: inputs).text }
            let after = Result { try library.render(back.id, inputs: inputs).text }
            switch (before, after) {
            case (.success(let expected), .success(let actual)):
                #expect(actual == expected, "\(origin.name) via \(format) renders differently (\(onlyRequired ? "required values only" : "all values"))")
            case (.failure, .failure):
                break
            default:
                Issue.record("\(origin.name) via \(format): rendering was \(before), after the round trip \(after)")
            }
        }
        // Lint: no error after the round trip that the original did not have.
        let lint = try library.lint()
        func errors(_ id: PromptID) -> Set<String> {
            Set(lint.findings.filter { $0.relativePath == id.relativePath && $0.severity == .error }.map { "\($0.rule): \($0.message)" })
        }
        #expect(errors(back.id).subtracting(errors(original)).isEmpty, "\(origin.name) via \(format): \(errors(back.id))")
    }

    /// The issue's case: the starters as Claude commands lost their variables inside sections and their
    /// defaults; Prompty lost enum values.
    @Test func starterDeclarationsSurviveClaudeCommandsAndPrompty() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        let template = try #require(StarterTemplate.all.first { $0.name == "commit-message" })
        try library.addFile("commit-message", template.text)
        let style = try #require(try library.document(id("commit-message")).prompt.variable(named: "style"))
        #expect(style.type == .enum)
        for format in [ExchangeFormat.claudeCommands, .prompty] {
            let file = try #require(try library.export(format, ids: [id("commit-message")], to: folder.at(format.rawValue)).files.first)
            if format == .prompty {
                #expect(file.text.contains("enumValues: [" + (style.values ?? []).map(YAMLText.inline).joined(separator: ", ") + "]"))
            }
            let back = try #require(try library.importPrompts([folder.at(format.rawValue + "/" + file.path)], format: format,
                                                              prefix: format.rawValue).imported.first).prompt
            #expect(back.variable(named: "style")?.values == style.values, "\(format)")
            #expect(back.variable(named: "style")?.defaultValue == style.defaultValue, "\(format)")
        }
        #expect(try library.lint().errors == 0)
    }

    @Test func dotpromptPicoschemaInputsBecomeTypedVariables() throws {
        let text = """
            ---
            input:
              schema:
                name?: string, the person's name
                age: integer
                interests?(array, things they like): string
                tone(enum, how to answer): [formal, casual]
                address(object):
                  city: string
                subscribed?: boolean
              default:
                tone: casual
            ---
            Hello {{name}}, {{age}}: {{#interests}}{{.}} {{/interests}}{{tone}} {{address.city}} {{subscribed}}

            """
        let imported = try Importer.read(text, path: "greet.prompt", format: nil, id: id("greet")).prompt
        func variable(_ name: String) throws -> Variable { try #require(imported.variable(named: name)) }
        #expect(imported.variables.map(\.name) == ["name", "age", "interests", "tone", "address", "subscribed"])
        #expect(try variable("name").isRequired == false)
        #expect(try variable("name").description == "the person's name")
        #expect(try variable("age").type == .number)
        #expect(try variable("age").isRequired)
        #expect(try variable("interests").type == .list)
        #expect(try variable("interests").description == "things they like")
        #expect(try variable("interests").isRequired == false)
        #expect(try variable("tone").type == .enum)
        #expect(try variable("tone").values == [.string("formal"), .string("casual")])
        #expect(try variable("tone").defaultValue == .string("casual"))
        #expect(try variable("address").type == .object)
        #expect(try variable("subscribed").type == .boolean)
        // And written back in Picoschema, each property as it was.
        let exported = Exporter.export(imported, as: .dotprompt)
        for line in ["    name?: string, the person's name", "    age: integer", "    interests?(array, things they like): string",
                     "    tone(enum, how to answer): [\"formal\", \"casual\"]", "    address(object):", "      city: string", "    subscribed?: boolean",
                     "  default:\n    tone: casual"] {
            #expect(exported.text.contains(line + "\n"), "\(line) in\n\(exported.text)")
        }
    }

    /// Handlebars blocks in Dotprompt become Mustache sections; helpers folio cannot run stay text.
    @Test func dotpromptHandlebarsBecomesMustache() throws {
        let text = "{{role \"system\"}}\nYou are a {{#if personality}}{{personality}}{{else}}pirate{{/if}}.\n{{#each items}}- {{this}}\n{{/each}}"
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        folder.write("in/style.prompt", text)
        let outcome = try library.importPrompts([folder.at("in/style.prompt")])
        let prompt = try #require(outcome.imported.first).prompt
        let rendered = try library.render(prompt.id, inputs: ["items": .value(.list([.string("a"), .string("b")]))]).text
        #expect(rendered == "{{role \"system\"}}\nYou are a pirate.\n- a\n- b\n")
        #expect(try library.render(prompt.id, inputs: ["personality": .text("poet")]).text.contains("You are a poet."))
    }

    /// Cursor rules, Copilot instructions and prompts, Claude skills and commands have no templating: text that
    /// looks like a tag is text there, and stays text.
    @Test(arguments: [(ExchangeFormat.cursorRules, ".cursor/rules/dates.mdc"), (.copilotPrompts, "dates.instructions.md"),
                      (.copilotPrompts, ".github/prompts/dates.prompt.md"), (.claudeSkills, "dates/SKILL.md"),
                      (.claudeCommands, ".claude/commands/dates.md")])
    func textLikeMustacheStaysLiteralInToolsWithoutTemplating(_ format: ExchangeFormat, _ path: String) throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        let argument = format == .claudeCommands ? " for $ARGUMENTS" : format == .copilotPrompts && path.contains("prompts/") ? " for ${input:team}" : ""
        let body = "Name files {{yyyy-mm-dd}}-{{slug}}.md{{! not a comment }} and {{#each}} stays{{/each}}\(argument).\n"
        folder.write("in/" + path, "---\ndescription: Dates\n---\n" + body)
        let outcome = try library.importPrompts([folder.at("in/" + path)])
        let prompt = try #require(outcome.imported.first).prompt
        #expect(outcome.imported.first?.format == format)
        #expect(prompt.variables.map(\.name) == (argument.isEmpty ? [] : [format == .claudeCommands ? "arguments" : "team"]))
        let inputs: [String: VariableInput] = argument.isEmpty ? [:] : [prompt.variables[0].name: .text("ops")]
        let expected = body.replacingOccurrences(of: "$ARGUMENTS", with: "ops").replacingOccurrences(of: "${input:team}", with: "ops")
        #expect(try library.render(prompt.id, inputs: inputs).text == expected)
        #expect(try library.lint().errors == 0)
        // Exported again, the tool gets its text back as it was.
        let exported = try #require(try library.export(format, ids: [prompt.id], to: folder.at("out")).files.first)
        #expect(exported.text.hasSuffix("---\n" + body))
    }

    @Test func importLintsBeforeWritingRefusesErrorsAndReportsWarnings() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        folder.write("in/ok.mdc", "---\ndescription: Fine\n---\nUse strict types.   \n")
        folder.write("in/leak.mdc", "---\ndescription: Leaky\nglobs: \"*.ts\"\nalwaysApply: false\n---\nDeploy with AKIAIOSFODNN7EXAMPLE.\n")
        let head = try git("rev-parse", "HEAD", in: folder.path)
        let error = try #require(throws: FolioError.self) { try library.importPrompts([folder.at("in")]) }
        #expect(error.kind == .invalidInput)
        // Where the secret is in the file imported, and where it would have been in the library.
        #expect(error.message.contains("in/leak.mdc:6:13: error: "), "\(error.message)")
        #expect(error.message.contains("(prompts/leak.prompt.md:7:13 as imported)"), "\(error.message)")
        #expect(error.message.contains("[secret-detected]"))
        #expect(error.message.contains("nothing was imported"))
        #expect(try git("rev-parse", "HEAD", in: folder.path) == head)
        #expect(!folder.exists("prompts/ok.prompt.md") && !folder.exists("prompts/leak.prompt.md"))
        // The warning is reported with the import that goes through.
        let outcome = try library.importPrompts([folder.at("in/ok.mdc")])
        #expect(outcome.findings.map(\.rule) == ["whitespace"])
        #expect(outcome.change.commit != nil)
        // A false positive goes through when the user says so.
        library.allowSecrets = true
        #expect(try library.importPrompts([folder.at("in/leak.mdc")]).findings.map(\.rule) == ["secret-detected"])
    }

    @Test func exportGoesOnPastAPromptItCannotExpand() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        try library.addFile("shared/tone", "---\npartial: true\n---\nBe brief.\n")
        try library.addFile("a-broken", "Review.\n{{> shared/tone}}\n")
        try library.addFile("b-fine", "Explain.\n")
        try library.addFile("c-fine", "Summarise.\n")
        // The partial goes away afterwards (as a `git rm` would do it), leaving a-broken's include dangling.
        try FileManager.default.removeItem(atPath: folder.at("prompts/shared/tone.prompt.md"))
        let outcome = try library.export(.cursorRules, to: folder.at("out"))
        #expect(outcome.files.map(\.id) == ["b-fine", "c-fine"])
        #expect(outcome.failures.map(\.id) == ["a-broken"])
        let message = try #require(outcome.failures.first?.message)
        #expect(message.contains("'shared/tone' does not exist"), "\(message)")
        #expect(message.contains("add that prompt or remove the include"))
        #expect(folder.exists("out/.cursor/rules/b-fine.mdc") && folder.exists("out/.cursor/rules/c-fine.mdc"))
        #expect(!folder.exists("out/.cursor/rules/a-broken.mdc"))
    }

    /// A variable an included partial declares is the prompt's variable in the export, default and all.
    @Test func exportDeclaresTheVariablesOfIncludedPartials() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        try library.addFile("shared/tone", "---\npartial: true\nvariables:\n- name: tone\n  default: kind\n---\nBe {{tone}}.\n")
        try library.addFile("review", "---\nvariables: [code]\n---\nReview {{code}}.\n{{> shared/tone}}\n")
        let claude = try #require(try library.export(.claudeCommands, ids: [id("review")], to: folder.at("out")).files.first)
        #expect(claude.text.hasSuffix("---\nReview $1.\nBe $2.\n"))
        #expect(claude.text.contains("- name: tone\n  default: kind\n"))
        #expect(claude.notes.contains { $0.contains("'tone'") && $0.contains("kind") })
        let copilot = try #require(try library.export(.copilotPrompts, ids: [id("review")], to: folder.at("out")).files.first)
        #expect(copilot.text.hasSuffix("---\nReview ${input:code}.\nBe ${input:tone|kind}.\n"))
        let back = try library.importPrompts([folder.at("out/" + claude.path)], prefix: "back").imported[0].prompt
        #expect(try library.render(back.id, inputs: ["code": .text("x")]).text == "Review x.\nBe kind.\n")
    }

    // MARK: - Where the files go

    /// The tools that read no subfolders where their files live: VS Code reads `.github/prompts/*.prompt.md` only
    /// (it searches subfolders for instructions files, not prompt files), Claude Code one folder per skill.
    static let flatFormats: Set<ExchangeFormat> = [.copilotPrompts, .claudeSkills]

    /// `team/x` and `team-x`, exported together: where the tool reads subfolders they are two files; where it does
    /// not they would be one, so neither is written, each is reported with the fix, and the rest are written.
    @Test(arguments: ExchangeFormat.allCases)
    func exportNeverWritesTwoPromptsToOneFile(_ format: ExchangeFormat) throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        try library.addFile("team/x", "---\ntitle: Slash\n---\nI am the slash one\n")
        try library.addFile("team-x", "---\ntitle: Dash\n---\nI am the dash one\n")
        try library.addFile("other", "---\ntitle: Other\n---\nI am another one\n")
        let outcome = try library.export(format, to: folder.at("out"))
        // Every file written holds the prompt it is reported for.
        let bodies = ["team/x": "I am the slash one", "team-x": "I am the dash one", "other": "I am another one"]
        for file in outcome.files {
            #expect(try String(contentsOfFile: folder.at("out/" + file.path), encoding: .utf8) == file.text)
            #expect(file.text.contains(bodies[file.id] ?? "?"), "\(file.id) → \(file.path)")
        }
        if Self.flatFormats.contains(format) {
            #expect(outcome.files.map(\.id) == ["other"])
            #expect(outcome.failures.map(\.id).sorted() == ["team-x", "team/x"])
            let path = format == .copilotPrompts ? ".github/prompts/team-x.prompt.md" : ".claude/skills/team-x/SKILL.md"
            for failure in outcome.failures {
                let other = failure.id == "team/x" ? "team-x" : "team/x"
                #expect(failure.message.contains(path) && failure.message.contains("'\(other)'"), "\(failure.message)")
                #expect(failure.message.contains("--out") && failure.message.contains("folio mv"), "\(failure.message)")
            }
            #expect(!folder.exists("out/" + path))
        } else {
            #expect(outcome.failures.isEmpty)
            #expect(Set(outcome.files.map(\.path)).count == 3)
        }
    }

    /// An export replaces the files it wrote itself (and leaves one that would not change alone), but not a file
    /// someone else wrote or edited since: that prompt is reported with the fix, and replaced only when asked.
    @Test func exportReplacesOnlyTheFilesItWrote() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        try library.addFile("a", "Say a.\n")
        try library.addFile("b", "Say b.\n")
        folder.write("out/.cursor/rules/b.mdc", "A rule written by hand.\n")
        var outcome = try library.export(.cursorRules, to: folder.at("out"))
        #expect(outcome.files.map(\.id) == ["a"] && outcome.files.map(\.change) == [.added])
        #expect(outcome.failures.map(\.id) == ["b"])
        let message = try #require(outcome.failures.first?.message)
        #expect(message.contains(".cursor/rules/b.mdc") && message.contains("--force"), "\(message)")
        #expect(try String(contentsOfFile: folder.at("out/.cursor/rules/b.mdc"), encoding: .utf8) == "A rule written by hand.\n")

        outcome = try library.export(.cursorRules, ids: [id("a")], to: folder.at("out"))
        #expect(outcome.files.map(\.change) == [.unchanged] && outcome.failures.isEmpty)
        try library.edit(id("a"), body: "Say A.\n")
        outcome = try library.export(.cursorRules, ids: [id("a")], to: folder.at("out"))
        #expect(outcome.files.map(\.change) == [.updated] && outcome.failures.isEmpty)
        #expect(try String(contentsOfFile: folder.at("out/.cursor/rules/a.mdc"), encoding: .utf8).hasSuffix("Say A.\n"))

        // Edited by hand since: no longer folio's file.
        folder.write("out/.cursor/rules/a.mdc", "Edited by hand.\n")
        outcome = try library.export(.cursorRules, ids: [id("a")], to: folder.at("out"))
        #expect(outcome.files.isEmpty && outcome.failures.map(\.id) == ["a"])
        #expect(try String(contentsOfFile: folder.at("out/.cursor/rules/a.mdc"), encoding: .utf8) == "Edited by hand.\n")

        outcome = try library.export(.cursorRules, to: folder.at("out"), replace: true)
        #expect(outcome.files.map(\.id) == ["a", "b"] && outcome.files.map(\.change) == [.replaced, .replaced])
        #expect(try String(contentsOfFile: folder.at("out/.cursor/rules/b.mdc"), encoding: .utf8).hasSuffix("Say b.\n"))
        // Replaced, they are folio's now.
        try library.edit(id("b"), body: "Say B.\n")
        #expect(try library.export(.cursorRules, to: folder.at("out")).files.map(\.change) == [.unchanged, .updated])
    }

    /// A teammate's export, committed: this clone never wrote it, but git holds it, so exporting over it loses nothing.
    @Test func anExportCommittedByATeammateIsUpdated() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        try library.addFile("a", "Say a.\n")
        folder.write(".cursor/rules/a.mdc", "---\ndescription: their export\n---\nSay a, as they exported it.\n")
        try git("add", ".cursor", in: folder.path)
        try git("commit", "-qm", "their export", in: folder.path)
        let outcome = try library.export(.cursorRules, to: folder.path)
        #expect(outcome.failures.isEmpty && outcome.files.map(\.change) == [.updated])
        // Not committed and not folio's: left alone.
        folder.write(".cursor/rules/a.mdc", "Mine, not committed.\n")
        #expect(try library.export(.cursorRules, to: folder.path).failures.map(\.id) == ["a"])
    }

    /// A prompt with nothing to put in the frontmatter is written without one (an empty `---` block is noise the
    /// tool shows or trips on), and reads back the same; a body that itself starts with `---` keeps an empty block
    /// so that it is not taken for frontmatter.
    @Test(arguments: ExchangeFormat.allCases)
    func exportWritesNoEmptyFrontmatter(_ format: ExchangeFormat) throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        try library.addFile("plain", "Say hi.\n")
        try library.addFile("ruled", "---\n---\n---\nBelow a rule.\n")
        let files = try library.export(format, to: folder.at("out")).files
        #expect(files.count == 2)
        for file in files {
            #expect(!file.text.contains("---\n\n---"), "\(file.text)")
            let back = try library.importPrompts([folder.at("out/" + file.path)], prefix: "back").imported[0].prompt
            #expect(back.body == (try library.document(id(file.id)).prompt.body), "\(file.text)")
        }
        let plain = try #require(files.first { $0.id == "plain" })
        if [.claudeCommands, .copilotPrompts, .dotprompt].contains(format) { #expect(plain.text == "Say hi.\n") }
        let ruled = try #require(files.first { $0.id == "ruled" })
        if [.claudeCommands, .copilotPrompts, .dotprompt].contains(format) { #expect(ruled.text == "---\n---\n---\nBelow a rule.\n") }
    }

    @Test(arguments: ExchangeFormat.allCases)
    func emptyMetadataIsNotWrittenAsAStrayKey(_ format: ExchangeFormat) throws {
        let prompt = Prompt(id: id("plain"), title: "Plain", metadata: .map([Value.Entry("team", .map([])), Value.Entry("owner", .string("ops"))]),
                            body: "Say hi.\n")
        let text = Exporter.export(prompt, as: format).text
        #expect(!text.contains("team"), "\(text)")
        #expect(text.contains("owner: \"ops\"\n"))
    }
}
