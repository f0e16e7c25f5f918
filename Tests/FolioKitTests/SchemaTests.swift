import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// docs/prompt.schema.json, checked by an independent validator (Python's jsonschema, installed by .ci/run).
@Suite struct SchemaTests {
    /// Validates each frontmatter (as JSON) against the schema; returns the ones that fail, by name.
    func invalid(_ frontmatters: [String: Value]) throws -> [String] {
        let encoder = JSONEncoder()
        let payload = String(decoding: try encoder.encode(frontmatters), as: UTF8.self)
        let script = """
            import json, sys
            from jsonschema import Draft202012Validator
            schema = json.load(open(sys.argv[1]))
            Draft202012Validator.check_schema(schema)
            validator = Draft202012Validator(schema)
            docs = json.load(sys.stdin)
            print("\\n".join(sorted(name for name, doc in docs.items() if not validator.is_valid(doc))))
            """
        let result = try run("/usr/bin/env", ["python3", "-c", script, packageRoot.appendingPathComponent("docs/prompt.schema.json").path],
                             environment: ProcessInfo.processInfo.environment, stdin: payload)
        guard result.status == 0 else {
            Issue.record("python3 with jsonschema is needed (pip install jsonschema): \(result.stderr)")
            return []
        }
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test func everyStarterTemplateIsValidUnderTheSchema() throws {
        var docs: [String: Value] = [:]
        for template in StarterTemplate.all {
            docs[template.name] = PromptCodec.frontmatterValue(try template.prompt())
        }
        #expect(try invalid(docs) == [])
    }

    @Test func theSchemaRejectsWhatFolioRejects() throws {
        let docs: [String: Value] = [
            "bad-status": .map([.init("status", .string("live"))]),
            "tags-not-list": .map([.init("tags", .string("review"))]),
            "enum-without-values": .map([.init("variables", .list([.map([.init("name", .string("e")), .init("type", .string("enum"))])]))]),
            "bad-variable-name": .map([.init("variables", .list([.string("my var")]))]),
            "good": .map([.init("title", .string("T")), .init("x-unknown", .int(1))]),
        ]
        #expect(try invalid(docs) == ["bad-status", "bad-variable-name", "enum-without-values", "tags-not-list"])
    }
}
