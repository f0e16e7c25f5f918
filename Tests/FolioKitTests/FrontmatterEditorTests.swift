import Foundation
import Testing
import TestSupport
@testable import FolioKit
internal import YAML

@Suite struct FrontmatterEditorTests {
    func edit(_ text: String, set: [(String, Value)] = [], unset: [String] = []) throws -> String {
        try FrontmatterEditor.apply(to: text, set: set.map { ($0.0.split(separator: ".").map(String.init), $0.1) },
                                    unset: unset.map { $0.split(separator: ".").map(String.init) }, path: "p.prompt.md")
    }

    /// The lines a line diff removes and adds (what `git diff` counts).
    func changes(_ before: String, _ after: String) -> (removed: [String], added: [String]) {
        let old = before.components(separatedBy: "\n"), new = after.components(separatedBy: "\n")
        let difference = new.difference(from: old)
        func lines(_ changes: [CollectionDifference<String>.Change]) -> [String] {
            changes.map { change -> (Int, String) in
                switch change {
                case .remove(let offset, let line, _), .insert(let offset, let line, _): return (offset, line)
                }
            }.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return (lines(difference.removals), lines(difference.insertions))
    }

    func decode(_ text: String) throws -> Prompt {
        try PromptCodec.decode(text, id: id("support/reply"), path: "p.prompt.md").prompt
    }

    static let handWritten = """
        ---
        # Support reply: reviewed by the support team
        title: 'Reply to a customer'
        status: draft
        tags: [support, email]   # the router reads these
        owners: ["@support"]
        model:
          name: gpt-4o
          parameters: {temperature: 0.7, max_tokens: 800}
        variables: [customer, ticket]

        description: >-
          Write a reply to a support ticket,
          friendly and short.
        metadata: {team: support, reviewed: "2024-05-01"}
        ---
        Hello {{customer}}, about {{ticket}}:

        """

    /// The issue's case: a two-value change to a hand-written file is a two-line diff.
    @Test func aTwoValueChangeChangesTwoLines() throws {
        let result = try edit(Self.handWritten, set: [("status", .string("active")), ("model.parameters.temperature", .double(0.2))])
        let (removed, added) = changes(Self.handWritten, result)
        #expect(removed == ["status: draft", "  parameters: {temperature: 0.7, max_tokens: 800}"])
        #expect(added == ["status: active", "  parameters: {temperature: 0.2, max_tokens: 800}"])
        let prompt = try decode(result)
        #expect(prompt.status == .active)
        #expect(prompt.model?.parameters.first { $0.key == "temperature" }?.value == .double(0.2))
        #expect(prompt.tags == ["support", "email"] && prompt.title == "Reply to a customer")
    }

    /// Through `folio edit`: the commit holds the two changed lines (and variables are found by name).
    @Test func folioEditCommitsOnlyTheTouchedLines() throws {
        let (folder, library) = try makeLibrary()
        try library.addFile("support/reply", Self.handWritten)
        _ = try library.edit(id("support/reply"), set: [("status", "active"), ("model.parameters.temperature", "0.2")])
        let after = try #require(folder.read("prompts/support/reply.prompt.md"))
        #expect(changes(Self.handWritten, after).added == ["status: active", "  parameters: {temperature: 0.2, max_tokens: 800}"])
        _ = try library.edit(id("support/reply"), set: [("variables.ticket.default", "refund")], unset: ["metadata.team"])
        #expect(changes(after, try #require(folder.read("prompts/support/reply.prompt.md"))).added
                == ["variables: [customer, {name: ticket, default: refund}]", "metadata: {reviewed: \"2024-05-01\"}"])
        let unknown = #expect(throws: FolioError.self) { try library.edit(id("support/reply"), set: [("variables.tikcet.default", "x")]) }
        #expect(unknown?.message.contains("did you mean ticket?") == true)
    }

    @Test func aScalarIsReplacedInPlaceKeepingItsComment() throws {
        let text = "---\ntitle: Old   # shown in lists\nmodel:\n  name: gpt-4o\n  parameters:\n    temperature: 0.7  # warm\n---\nBody\n"
        let result = try edit(text, set: [("title", .string("New title")), ("model.parameters.temperature", .double(0.2))])
        #expect(result == "---\ntitle: New title   # shown in lists\nmodel:\n  name: gpt-4o\n  parameters:\n    temperature: 0.2  # warm\n---\nBody\n")
        // Quoted only when YAML needs it: a string that reads as a boolean or number, text with ': '.
        let quoted = try edit(text, set: [("title", .string("yes")), ("model.name", .string("12"))])
        #expect(quoted.contains("title: \"yes\"   # shown in lists\n") && quoted.contains("  name: \"12\"\n"))
        #expect(try edit(text, set: [("title", .string("Review: security"))]).contains("title: 'Review: security'   #"))
        #expect(try decode(quoted).title == "yes")
    }

    @Test func aMissingKeyIsAppendedToItsMappingWithItsIndentation() throws {
        let text = "---\ntitle: T\nmodel:\n    name: gpt-4o\n    parameters:\n        temperature: 0.7\n# trailing note\n---\nBody\n"
        let result = try edit(text, set: [("model.parameters.top_p", .double(0.9)), ("status", .string("active"))])
        #expect(result == "---\ntitle: T\nmodel:\n    name: gpt-4o\n    parameters:\n        temperature: 0.7\n        top_p: 0.9\nstatus: active\n# trailing note\n---\nBody\n")
    }

    @Test func missingParentsAreCreated() throws {
        let text = "---\ntitle: T\n---\nBody\n"
        let result = try edit(text, set: [("metadata.review.owner", .string("ada"))])
        #expect(result == "---\ntitle: T\nmetadata:\n  review:\n    owner: ada\n---\nBody\n")
        // An empty value becomes the mapping the path needs; the comment on its line stays.
        let empty = try edit("---\ntitle: T\nmetadata:   # team data\nstatus: draft\n---\n", set: [("metadata.team", .string("search"))])
        #expect(empty == "---\ntitle: T\nmetadata:   # team data\n  team: search\nstatus: draft\n---\n")
        #expect(try decode(empty).metadata == .map([Value.Entry("team", .string("search"))]))
        // A model given by name becomes a mapping with that name.
        let model = try edit("---\nmodel: gpt-4o  # cheap\n---\n", set: [("model.parameters.temperature", .double(0.2))])
        #expect(model == "---\nmodel:  # cheap\n  name: gpt-4o\n  parameters:\n    temperature: 0.2\n---\n")
        #expect(try decode(model).model == ModelSpec(name: "gpt-4o", parameters: [Value.Entry("temperature", .double(0.2))]))
    }

    @Test func aVariableIsAddressedByName() throws {
        let text = """
            ---
            variables:
            - name: report
              description: The bug report.
            - name: language
              default: the language of the code  # a guess
            ---
            {{report}} {{language}}

            """
        let result = try edit(text, set: [("variables.language.default", .string("Swift")), ("variables.report.required", .bool(false))])
        #expect(result == """
            ---
            variables:
            - name: report
              description: The bug report.
              required: false
            - name: language
              default: Swift  # a guess
            ---
            {{report}} {{language}}

            """)
        let variables = try decode(result).variables
        #expect(variables.map(\.defaultValue) == [nil, .string("Swift")] && variables[0].required == false)
        // An indented list, and an item by its position.
        let indented = "---\nvariables:\n  - name: a\n  - name: b\n---\n{{a}}{{b}}\n"
        #expect(try edit(indented, set: [("variables.b.default", .int(3))]) == "---\nvariables:\n  - name: a\n  - name: b\n    default: 3\n---\n{{a}}{{b}}\n")
        #expect(try edit(indented, set: [("variables.0.default", .int(3))]) == "---\nvariables:\n  - name: a\n    default: 3\n  - name: b\n---\n{{a}}{{b}}\n")
    }

    @Test func aBareVariableBecomesAMappingWhenAFieldIsSet() throws {
        let block = "---\nvariables:\n- code\n- lang   # the language\n---\n{{code}} {{lang}}\n"
        let result = try edit(block, set: [("variables.lang.default", .string("python"))])
        #expect(result == "---\nvariables:\n- code\n- name: lang   # the language\n  default: python\n---\n{{code}} {{lang}}\n")
        #expect(try decode(result).variables.map(\.defaultValue) == [nil, .string("python")])
        let flow = "---\nvariables: [code, lang]\n---\n{{code}} {{lang}}\n"
        let flowResult = try edit(flow, set: [("variables.lang.default", .string("python"))])
        #expect(flowResult == "---\nvariables: [code, {name: lang, default: python}]\n---\n{{code}} {{lang}}\n")
        #expect(try decode(flowResult).variables.map(\.defaultValue) == [nil, .string("python")])
    }

    @Test func mistakesNameThePathAndTheFix() throws {
        let text = "---\ntitle: T\nvariables:\n- name: ticket\n- customer\ntags: [a, b]\n---\n{{ticket}}{{customer}}\n"
        let unknown = #expect(throws: FolioError.self) { try edit(text, set: [("variables.tikcet.default", .string("x"))]) }
        #expect(unknown?.kind == .invalidInput)
        #expect(unknown?.message.contains("p.prompt.md") == true && unknown?.message.contains("'tikcet'") == true)
        #expect(unknown?.message.contains("did you mean ticket?") == true)
        let underScalar = #expect(throws: FolioError.self) { try edit(text, set: [("title.text", .string("x"))]) }
        #expect(underScalar?.message.contains("'title' is a string") == true && underScalar?.message.contains("--set title=") == true)
        let pastEnd = #expect(throws: FolioError.self) { try edit(text, set: [("tags.5", .string("x"))]) }
        #expect(pastEnd?.message.contains("'tags' has 2 items") == true)
        let unnamed = #expect(throws: FolioError.self) { try edit(text, set: [("tags.a", .string("x"))]) }
        #expect(unnamed?.message.contains("tags.0") == true)
        // Unsetting what is not there changes nothing.
        #expect(try edit(text, unset: ["status", "metadata.team", "variables.nobody", "tags.7"]) == text)
    }

    @Test func unsetRemovesTheKeyItsLinesAndParentsLeftEmpty() throws {
        let text = """
            ---
            title: T
            metadata:
              team: search   # owner team
              review:
                by: ada
                notes: |
                  Two
                  lines.

            variables:
            - name: code
              default: x
            status: draft
            ---
            Body

            """
        let result = try edit(text, unset: ["metadata.review.by", "metadata.review.notes", "variables.code.default"])
        #expect(result == "---\ntitle: T\nmetadata:\n  team: search   # owner team\n\nvariables:\n- name: code\nstatus: draft\n---\nBody\n")
        let emptied = try edit(result, unset: ["metadata.team", "variables.code"])
        #expect(emptied == "---\ntitle: T\n\nstatus: draft\n---\nBody\n")
        #expect(try decode(emptied).metadata == nil)
        // Flow collections lose the item and its comma.
        #expect(try edit("---\ntags: [a, b, c]\nowners: [x]\ntitle: T\n---\n", unset: ["tags.1", "owners.0"]) == "---\ntags: [a, c]\ntitle: T\n---\n")
        #expect(try edit("---\nmodel: {name: m, parameters: {t: 1}}\n---\n", unset: ["model.parameters.t"]) == "---\nmodel: {name: m}\n---\n")
        // The first field of a list item (on the dash's line) goes, and the next moves up to the dash.
        #expect(try edit("---\nvariables:\n- name: a\n  default: 1\n---\n", unset: ["variables.0.name"]) == "---\nvariables:\n- default: 1\n---\n")
        // Unset, then set: the order folio edit runs them in.
        #expect(try edit("---\ntags: [a]\n---\n", set: [("tags", .list([.string("b")]))], unset: ["tags"]) == "---\ntags: [b]\n---\n")
    }

    @Test func lineEndingsAndTheByteOrderMarkAreKept() throws {
        let text = "\u{FEFF}---\r\ntitle: T\r\ntags: [a]\r\nmodel:\r\n  name: m\r\n---\r\nBody\r\nmixed\nend\r\n"
        let result = try edit(text, set: [("title", .string("U")), ("model.parameters.temperature", .double(0.1)),
                                          ("metadata.team", .string("x"))], unset: ["tags"])
        #expect(result == "\u{FEFF}---\r\ntitle: U\r\nmodel:\r\n  name: m\r\n  parameters:\r\n    temperature: 0.1\r\nmetadata:\r\n  team: x\r\n---\r\nBody\r\nmixed\nend\r\n")
        let document = try PromptCodec.decode(Data(result.utf8), id: id("a"), path: "p")
        #expect(document.hasByteOrderMark && document.lineEnding == .crlf && document.prompt.title == "U")
    }

    @Test func aFileWithoutFrontmatterGetsOne() throws {
        #expect(try edit("Hello {{name}}.\n", set: [("title", .string("Greet")), ("tags", .list([.string("a")]))])
                == "---\ntitle: Greet\ntags: [a]\n---\nHello {{name}}.\n")
        #expect(try edit("\u{FEFF}Hi\r\n", set: [("title", .string("T"))]) == "\u{FEFF}---\r\ntitle: T\r\n---\r\nHi\r\n")
        #expect(try edit("---\n---\nBody\n", set: [("title", .string("T"))]) == "---\ntitle: T\n---\nBody\n")
        #expect(try edit("Hello\n", unset: ["title"]) == "Hello\n")
    }

    @Test func blockScalarsAreReplacedCleanly() throws {
        let text = "---\ndescription: |\n  Two\n  # not a comment\n\ntags: [a]\n---\nBody\n"
        #expect(try edit(text, set: [("description", .string("One line"))]) == "---\ndescription: One line\n\ntags: [a]\n---\nBody\n")
        let multi = try edit(text, set: [("description", .string("New\nlines"))])
        #expect(multi == "---\ndescription: |-\n  New\n  lines\n\ntags: [a]\n---\nBody\n")
        #expect(try decode(multi).description == "New\nlines")
        // Text becoming several lines moves a comment after it up to the key's line.
        #expect(try edit("---\ntitle: T  # short\n---\n", set: [("title", .string("a\nb\n"))]) == "---\ntitle: |  # short\n  a\n  b\n---\n")
        // A folded value at the end of the frontmatter, and one in a nested mapping.
        #expect(try edit("---\ndescription: >\n  a\n  b\n---\n", set: [("description", .string("c"))]) == "---\ndescription: c\n---\n")
        #expect(try edit("---\nmodel:\n  notes: |\n    x\n  name: m\n---\n", set: [("model.notes", .string("z"))]) == "---\nmodel:\n  notes: z\n  name: m\n---\n")
    }

    @Test func collectionsKeepTheirStyle() throws {
        let text = "---\ntags: [a, b]  # routing\nowners:\n  - ada\n  - bob\ntitle: T\n---\n"
        let result = try edit(text, set: [("tags", .list([.string("x"), .string("w"), .string("z")])),
                                          ("owners", .list([.string("cy")]))])
        #expect(result == "---\ntags: [x, w, z]  # routing\nowners:\n  - cy\ntitle: T\n---\n")
        // New lists: flow when short lists of one-line scalars, block otherwise; new mappings block.
        let long = (1...8).map { Value.string("a-rather-long-tag-\($0)") }
        let added = try edit("---\ntitle: T\n---\n", set: [("tags", .list([.string("a"), .string("b")])), ("owners", .list(long)),
                                                          ("metadata", .map([Value.Entry("team", .string("x"))]))])
        #expect(added == "---\ntitle: T\ntags: [a, b]\nowners:\n" + long.map { "- \($0.string!)\n" }.joined() + "metadata:\n  team: x\n---\n")
        // A scalar replaced by a list, a list by a scalar; an item by position.
        #expect(try edit("---\ntags: a\n---\n", set: [("tags", .list([.string("a")]))]) == "---\ntags: [a]\n---\n")
        #expect(try edit(text, set: [("owners", .string("ada"))]) == "---\ntags: [a, b]  # routing\nowners: ada\ntitle: T\n---\n")
        #expect(try edit(text, set: [("tags.1", .string("c")), ("owners.0", .string("cy"))]) == "---\ntags: [a, c]  # routing\nowners:\n  - cy\n  - bob\ntitle: T\n---\n")
        // Text that needs quoting inside a flow list.
        #expect(try edit(text, set: [("tags.0", .string("a, b"))]).hasPrefix("---\ntags: ['a, b', b]  # routing\n"))
    }

    @Test(arguments: StarterTemplate.builtIn.map(\.name))
    func everyStarterTemplateSurvivesASetAndUnsetRoundTrip(_ name: String) throws {
        let template = try #require(StarterTemplate.builtIn.first { $0.name == name })
        let original = try template.prompt()
        let variable = try #require(original.variables.first)
        let result = try edit(template.text, set: [("title", .string("Edited: \(name)")), ("variables.\(variable.name).default", .string("given")),
                                                   ("metadata.team", .string("platform")), ("model.parameters.temperature", .double(0.3))],
                              unset: ["status"])
        let prompt = try decode(result)
        #expect(prompt.title == "Edited: \(name)" && prompt.status == nil && prompt.body == original.body)
        #expect(prompt.variables.first?.defaultValue == .string("given"))
        #expect(prompt.variables.dropFirst().map(\.name) == original.variables.dropFirst().map(\.name))
        #expect(prompt.metadata == .map([Value.Entry("team", .string("platform"))]))
        #expect(prompt.tags == original.tags && prompt.description == original.description)
        let (removed, added) = changes(template.text, result)
        #expect(removed.allSatisfy { $0.hasPrefix("title:") || $0.hasPrefix("status:") || $0.hasPrefix("  default:") }, "\(removed)")
        #expect(added.count <= 8, "\(added)")
        // Back again: unsetting what was added leaves the template as it was, but for the title and status.
        let back = try edit(result, set: [("title", .string(original.title!))], unset: ["metadata", "model"])
        #expect(try decode(back).metadata == nil)
        #expect(changes(template.text, back).added.allSatisfy { $0.hasPrefix("  default:") })
    }

    /// Files other tools wrote that folio reads: a set and an unset change only their keys.
    @Test(arguments: Corpus.promptFiles)
    func corpusFilesKeepEverythingButTheTouchedKeys(_ url: URL) throws {
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        guard let original = try? PromptCodec.decode(text, id: id("corpus"), path: url.lastPathComponent).prompt else { return }
        let result = try edit(text, set: [("title", .string("Edited")), ("metadata.folio.edited", .bool(true))], unset: ["description"])
        let prompt = try PromptCodec.decode(result, id: id("corpus"), path: url.lastPathComponent).prompt
        #expect(prompt.title == "Edited" && prompt.description == nil && prompt.body == original.body)
        #expect(prompt.metadata?["folio"]?["edited"] == .bool(true))
        #expect(prompt.variables == original.variables && prompt.tags == original.tags && prompt.model == original.model)
        // A file without frontmatter (a whole YAML file is read as the body) gets one.
        let added = changes(text, result).added.filter { $0 != "---" || text.hasPrefix("---") }
        #expect(added.count <= 4 && added.allSatisfy { $0.contains("title:") || $0.contains("folio:") || $0.contains("edited:")
                    || $0.contains("metadata:") }, "\(url.lastPathComponent): \(added)")
    }

    /// Every key and list item of every starter template and readable corpus file, unset, set, and set below:
    /// the frontmatter reads back as exactly the value expected and the body is untouched.
    @Test func everyPathOfEveryTemplateAndCorpusFileCanBeSetAndUnset() throws {
        var files = StarterTemplate.builtIn.map { ($0.name, $0.text) }
        for url in Corpus.promptFiles { files.append((url.lastPathComponent, String(decoding: try Data(contentsOf: url), as: UTF8.self))) }
        var checked = 0
        for (name, text) in files {
            guard let split = try? PromptCodec.split(text, path: name), let yaml = split.frontmatter,
                  let root = try? YAMLParser(mode: .strict).parse(yaml).root else { continue }
            for path in Self.paths(root, []) {
                let list = Value.list([.string("p"), .string("q")])
                let edits: [(set: [(path: [String], value: Value)], unset: [[String]])] =
                    [([], [path]), ([(path, .string("new value"))], []), ([(path + ["zz"], list)], [])]
                for edit in edits {
                    var expected = Value(node: root)
                    let change = edit.set.first.map { ($0.path[...], Optional($0.value)) } ?? (edit.unset[0][...], nil)
                    guard (try? Self.model(&expected, change)) != nil else { continue }
                    let result = try FrontmatterEditor.apply(to: text, set: edit.set, unset: edit.unset, path: name)
                    let after = try PromptCodec.split(result, path: name)
                    let value = try YAMLParser(mode: .strict).parse(after.frontmatter ?? "").root.map(Value.init(node:)) ?? .map([])
                    #expect(value == expected && after.body == split.body, "\(name): \(edit.set.map(\.path)) \(edit.unset)\n\(result)")
                    checked += 1
                }
            }
        }
        #expect(checked > 900)
    }

    static func paths(_ node: Node, _ prefix: [String]) -> [[String]] {
        switch node.content {
        case .mapping(let pairs, _): return pairs.flatMap { [prefix + [$0.key.text!]] + paths($0.value, prefix + [$0.key.text!]) }
        case .sequence(let items, _): return items.indices.flatMap { [prefix + [String($0)]] + paths(items[$0], prefix + [String($0)]) }
        case .scalar: return []
        }
    }

    /// What an edit does to the frontmatter's value (positions in lists, keys in mappings, a null becoming a
    /// mapping; unset removes emptied parents); throws where the editor refuses or converts shorthand.
    static func model(_ value: inout Value, _ change: (path: ArraySlice<String>, new: Value?)) throws {
        guard let key = change.path.first else {
            value = change.new ?? .null
            return
        }
        let rest = (change.path.dropFirst(), change.new)
        switch value {
        case .list(var items):
            guard let index = Int(key), index < items.count else { throw FolioError(.invalidInput, "no item") }
            if rest.0.isEmpty && change.new == nil { items.remove(at: index) } else { try model(&items[index], rest) }
            value = .list(items)
        case .map(var entries):
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if rest.0.isEmpty && change.new == nil { entries.remove(at: index) } else { try model(&entries[index].value, rest) }
            } else if change.new != nil {
                var child = Value.null
                try model(&child, rest)
                entries.append(Value.Entry(key, child))
            }
            value = .map(entries)
        case .null where change.new != nil:
            value = .map([])
            try model(&value, change)
        default:
            throw FolioError(.invalidInput, "not a collection")
        }
        // A parent an unset left empty goes too (the root stays).
        if change.new == nil, case .map(var entries) = value {
            entries.removeAll { $0.key == key && ($0.value == .map([]) || $0.value == .list([])) && !rest.0.isEmpty }
            value = .map(entries)
        } else if change.new == nil, case .list(var items) = value, let index = Int(key), index < items.count, !rest.0.isEmpty,
                  items[index] == .map([]) || items[index] == .list([]) {
            items.remove(at: index)
            value = .list(items)
        }
    }
}
