import Foundation
import HTTPTypes
import Testing
import TestSupport
@testable import FolioKit
@testable import FolioWeb

/// Lint and review over the API: the same reports as `folio lint --format json` and `folio review --format json`.
extension RouterTests {
    static func body(_ object: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    static func findings(_ json: [String: Any]) -> [String] {
        ((json["findings"] as? [[String: Any]]) ?? []).map { "\($0["path"] ?? "") \($0["rule"] ?? "") \($0["severity"] ?? "")" }
    }

    @Test func lintChecksTheLibraryOrAFolderAsTheCLIDoes() async throws {
        // A file saved by an editor, not through folio: an undeclared variable.
        folder.write("prompts/teach/loose.prompt.md", "---\ntitle: Loose\n---\nExplain {{topic}}.\n")
        try await withClient(try server()) { client in
            let all = try await client.call(.get, "/api/v1/lint")
            #expect(all.status == 200, "\(all.text)")
            #expect(all.json["files"] as? Int == 3)
            #expect(Self.findings(all.json) == ["prompts/teach/loose.prompt.md undeclared-variable error"])
            #expect(all.json["errors"] as? Int == 1 && all.json["failed"] as? Bool == true)
            let finding = try #require((all.json["findings"] as? [[String: Any]])?.first)
            #expect(finding["line"] as? Int == 4 && finding["column"] as? Int == 9)
            // The same JSON as the CLI prints.
            let library = try Library.open(explicitPath: folder.path, environment: environment)
            let cli = try JSONSerialization.jsonObject(with: FolioJSON.encoder(pretty: false).encode(LintReportJSON(try library.lint(), strict: false))) as? NSDictionary
            #expect(cli == all.json as NSDictionary)
            let review = try await client.call(.get, "/api/v1/lint?path=prompts/review")
            #expect(review.json["files"] as? Int == 1 && Self.findings(review.json) == [])
            #expect(try await client.call(.get, "/api/v1/lint?path=../etc").status == 400)
            let missing = try await client.call(.get, "/api/v1/lint?path=prompts/nothing")
            #expect(missing.status == 404 && !missing.text.contains(folder.path))
            #expect(try await client.call(.get, "/api/v1/lint?strict=maybe").status == 400)
        }
    }

    @Test func lintTakesAFilesTextWithoutSavingIt() async throws {
        let read = try TokenStore(path: folder.at(".git/folio/tokens.json")).add(name: "editor", role: .read)
        try await withClient(try server()) { client in
            let text = "---\ntitle: Security review\nvariables:\n- name: code\n---\nReview {{code}} and {{lang}}.\n"
            let checked = try await client.call(.post, "/api/v1/lint", json: Self.body(["path": "prompts/review/security.prompt.md", "text": text]), token: read)
            #expect(checked.status == 200, "\(checked.text)")
            #expect(Self.findings(checked.json) == ["prompts/review/security.prompt.md undeclared-variable error"])
            #expect(checked.json["files"] as? Int == 1)
            // Nothing was written.
            #expect(folder.read("prompts/review/security.prompt.md")?.contains("{{lang}}") == false)
            #expect(try git("status", "--porcelain", in: folder.path) == "")
            let clean = try await client.call(.post, "/api/v1/lint", json: Self.body(["path": "prompts/new/one.prompt.md", "text": "---\ntitle: One\n---\nHello.\n"]))
            #expect(clean.json["failed"] as? Bool == false && Self.findings(clean.json) == [])
            // A warning fails only with strict.
            let trailing = "---\ntitle: One\n---\nHello.   \n"
            let lenient = try await client.call(.post, "/api/v1/lint", json: Self.body(["path": "prompts/new/one.prompt.md", "text": trailing]))
            #expect(lenient.json["warnings"] as? Int ?? 0 >= 1 && lenient.json["failed"] as? Bool == false, "\(lenient.text)")
            let strict = try await client.call(.post, "/api/v1/lint", json: Self.body(["path": "prompts/new/one.prompt.md", "text": trailing, "strict": true]))
            #expect(strict.json["failed"] as? Bool == true)
            let outside = try await client.call(.post, "/api/v1/lint", json: Self.body(["path": "../outside.prompt.md", "text": "x"]))
            #expect(outside.status == 422)
            #expect(Self.error(outside.json) == "invalid_input")
            let notPrompt = try await client.call(.post, "/api/v1/lint", json: Self.body(["path": "README.md", "text": "x"]))
            #expect(notPrompt.status == 422)
            #expect(try await client.call(.post, "/api/v1/lint", json: Self.body(["text": "x"])).status == 400)
        }
    }

    @Test func reviewReportsARangeAsTheCLIDoes() async throws {
        let library = try Library.open(explicitPath: folder.path, environment: environment)
        _ = try library.replace(try PromptID("teach/explain"), fileText: "---\ntitle: Explain\ntags: [teaching]\nstatus: draft\nvariables:\n- name: topic\n---\nExplain {{topic}} simply.\n", source: "test")
        let expected = try FolioJSON.encoder(pretty: false).encode(try library.review("HEAD~1..HEAD"))
        try await withClient(try server()) { client in
            let review = try await client.call(.get, "/api/v1/review?range=HEAD~1..HEAD")
            #expect(review.status == 200, "\(review.text)")
            let prompts = try #require(review.json["prompts"] as? [[String: Any]])
            #expect(prompts.map { "\($0["kind"] ?? "") \($0["id"] ?? "")" } == ["modified teach/explain"])
            let cli = try JSONSerialization.jsonObject(with: expected) as? NSDictionary
            #expect(cli == review.json as NSDictionary)
            let unknown = try await client.call(.get, "/api/v1/review?range=nope..HEAD")
            #expect([404, 422].contains(unknown.status), "\(unknown.text)")
            #expect(!unknown.text.contains(folder.path))
        }
    }
}
