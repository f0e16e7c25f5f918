import Foundation
import Testing
@testable import YAML

@Suite struct ParserTests {
    let strict = YAMLParser(mode: .strict)
    let lenient = YAMLParser(mode: .lenient)

    @Test func keepsLineAndColumnOfEveryNode() throws {
        let doc = try strict.parse("title: Review\ntags:\n  - a\n  - b\nmodel:\n  name: gpt\n")
        let root = try #require(doc.root)
        #expect(root["title"]?.string == "Review")
        #expect(root["title"]?.mark == Mark(line: 1, column: 8))
        #expect(root["tags"]?.sequence?[1].mark == Mark(line: 4, column: 5))
        #expect(root["model"]?["name"]?.mark == Mark(line: 6, column: 9))
    }

    @Test func keepsWhereEachNodeEnds() throws {
        let root = try #require(try strict.parse("title: Review  # c\ntags: [a, b]\ntext: |\n  x\n\nq: 'it''s'\n").root)
        #expect(root["title"]?.end == Mark(line: 1, column: 14))  // before the comment
        #expect(root["tags"]?.end == Mark(line: 2, column: 13))   // after the bracket
        #expect(root["text"]?.end == Mark(line: 6, column: 1))    // a block scalar: after its trailing line breaks
        #expect(root["q"]?.end == Mark(line: 6, column: 11))
    }

    @Test func resolvesScalarsWithTheCoreSchema() throws {
        let root = try #require(try strict.parse("""
            a: true
            b: 12
            c: 1.5
            d: ~
            e: "12"
            f: yes
            g: 0x1F
            h: !!str 7
            i:
            """).root)
        #expect(root["a"]?.scalarValue == .bool(true))
        #expect(root["b"]?.scalarValue == .int(12))
        #expect(root["c"]?.scalarValue == .double(1.5))
        #expect(root["d"]?.isNull == true)
        #expect(root["e"]?.scalarValue == .string("12"))
        #expect(root["f"]?.scalarValue == .string("yes"))
        #expect(root["g"]?.scalarValue == .int(31))
        #expect(root["h"]?.scalarValue == .string("7"))
        #expect(root["i"]?.isNull == true)
    }

    @Test func strictRejectsDuplicateKeysNamingBothLines() throws {
        let error = #expect(throws: YAMLError.self) { try strict.parse("title: a\ndescription: b\ntitle: c\n") }
        #expect(error?.kind == .duplicateKey)
        #expect(error?.description == "3:1: duplicate key 'title' (first at line 1)")
        #expect(error?.message(lineOffset: 1) == "duplicate key 'title' (first at line 2)")
    }

    @Test func strictRejectsAnchorsAndAliases() throws {
        let anchor = #expect(throws: YAMLError.self) { try strict.parse("a: &x 1\nb: 2\n") }
        #expect(anchor?.kind == .anchor)
        #expect(anchor?.mark == Mark(line: 1, column: 4))
        let alias = #expect(throws: YAMLError.self) { try strict.parse("b: *x\n") }
        #expect(alias?.kind == .alias)
    }

    @Test func strictRejectsASecondDocument() throws {
        let error = #expect(throws: YAMLError.self) { try strict.parse("a: 1\n---\nb: 2\n") }
        #expect(error?.kind == .multipleDocuments)
        #expect(error?.mark.line == 2)
    }

    @Test func lenientKeepsTheLastDuplicateAndWarns() throws {
        let doc = try lenient.parse("title: a\ntitle: b\n")
        #expect(doc.root?["title"]?.string == "b")
        #expect(doc.root?.pairs?.count == 1)
        #expect(doc.warnings.map(\.description) == ["2:1: duplicate key 'title'; the last value is kept"])
    }

    @Test func lenientExpandsAliases() throws {
        let doc = try lenient.parse("base: &b {model: x}\ncopy: *b\n")
        #expect(doc.root?["copy"]?["model"]?.string == "x")
    }

    @Test func lenientStopsAliasBombs() throws {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...8 {
            yaml += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let error = #expect(throws: YAMLError.self) { try lenient.parse(yaml) }
        #expect(error?.kind == .tooLarge)
    }

    @Test func lenientReadsUnquotedGlobsAndArgumentHintsAsText() throws {
        let text = """
            description: Debate
            globs: **/*.java, **/pom.xml
            argument-hint: "<question>" --project <slug>
            alwaysApply: false
            """
        #expect(throws: YAMLError.self) { try strict.parse(text) }
        let doc = try lenient.parse(text)
        let root = try #require(doc.root)
        #expect(root["description"]?.string == "Debate")
        #expect(root["globs"]?.string == "**/*.java, **/pom.xml")
        #expect(root["argument-hint"]?.string == "\"<question>\" --project <slug>")
        #expect(root["alwaysApply"]?.scalarValue == .bool(false))
        #expect(root["alwaysApply"]?.mark.line == 4)
        #expect(doc.warnings.count == 2)
        #expect(doc.warnings[0].mark.line == 2)
    }

    @Test func syntaxErrorsNameLineColumnAndAFix() throws {
        let error = #expect(throws: YAMLError.self) { try strict.parse("title: ok\nglobs: *.ts\n") }
        #expect(error?.mark == Mark(line: 2, column: 8))
        #expect(error?.description.contains("must be quoted") == true)
        let colon = #expect(throws: YAMLError.self) { try strict.parse("title: a: b\n") }
        #expect(colon?.mark.line == 1)
    }

    @Test func emptyInputHasNoRoot() throws {
        #expect(try strict.parse("").root == nil)
        #expect(try strict.parse("# only a comment\n").root == nil)
    }
}
