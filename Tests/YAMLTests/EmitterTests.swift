import Foundation
import Testing
@testable import YAML

@Suite struct EmitterTests {
    let emitter = YAMLEmitter()

    @Test func writesBlockStyleWithLiteralMultilineStrings() throws {
        let node = Node.mapping([
            ("title", .string("Security review")),
            ("tags", .sequence([.string("review"), .string("security")])),
            ("notes", .string("line one\nline two\n")),
            ("model", .mapping([("name", .string("gpt-4o")), ("temperature", .double(0.2))])),
        ])
        let text = try emitter.emit(node)
        #expect(text == """
            title: Security review
            tags:
            - review
            - security
            notes: |
              line one
              line two
            model:
              name: gpt-4o
              temperature: 0.2

            """)
    }

    @Test func quotesStringsThatWouldReadBackAsSomethingElse() throws {
        let values = ["true", "12", "", "yes", "off", "null", "2024-01-01", "1.5", " lead", "a: b", "#x", "*.ts", "- x"]
        let node = Node.mapping(values.enumerated().map { ("k\($0.offset)", Node.string($0.element)) })
        let text = try emitter.emit(node)
        let back = try #require(try YAMLParser(mode: .strict).parse(text).root)
        for (i, value) in values.enumerated() {
            #expect(back["k\(i)"]?.scalarValue == .string(value), "\(value) came back as \(String(describing: back["k\(i)"]))")
        }
    }

    @Test func keepsUnicodeAndDoesNotFoldLongLines() throws {
        let long = String(repeating: "word ", count: 60) + "end"
        let text = try emitter.emit(.mapping([("title", .string("Revue de sécurité 🔒")), ("long", .string(long))]))
        #expect(text.contains("Revue de sécurité 🔒"))
        #expect(text.split(separator: "\n").count == 2)
    }

    @Test func roundTripsEveryKindOfNode() throws {
        let node = Node.mapping([
            ("empty list", .sequence([])),
            ("empty map", .mapping([Node.Pair]())),
            ("nested", .sequence([.mapping([("a", .int(1)), ("b", .bool(false)), ("c", .null)])])),
            ("text", .string("  indented first line\nsecond\n")),
            ("trailing", .string("has trailing space \nx")),
        ])
        let text = try emitter.emit(node)
        let back = try #require(try YAMLParser(mode: .strict).parse(text).root)
        #expect(back["empty list"]?.sequence == [])
        #expect(back["empty map"]?.pairs == [])
        #expect(back["nested"]?.sequence?[0]["a"]?.scalarValue == .int(1))
        #expect(back["nested"]?.sequence?[0]["c"]?.isNull == true)
        #expect(back["text"]?.string == "  indented first line\nsecond\n")
        #expect(back["trailing"]?.string == "has trailing space \nx")
    }

    @Test func isStable() throws {
        let text = "title: A\ntags:\n- x\nbody: |\n  one\n  two\n"
        let once = try emitter.emit(try #require(try YAMLParser(mode: .strict).parse(text).root))
        let twice = try emitter.emit(try #require(try YAMLParser(mode: .strict).parse(once).root))
        #expect(once == text)
        #expect(twice == once)
    }
}
