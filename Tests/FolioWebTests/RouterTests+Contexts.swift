import Foundation
import HTTPTypes
import Testing
import TestSupport
@testable import FolioKit
@testable import FolioWeb

/// Contexts over the API: list, get as stored, save from an uploaded session file, restore for every target.
extension RouterTests {
    /// A Claude Code session (JSONL) that ran in the library's folder, holding an AWS key.
    func claudeSession(_ id: String = "0d5c3a0e-1111-4222-8333-444455556666") throws -> String {
        let cwd = folder.path
        let records: [[String: Any]] = [
            ["type": "user", "uuid": "u1", "parentUuid": NSNull(), "cwd": cwd, "sessionId": id, "timestamp": "2026-03-01T09:00:00Z",
             "message": ["role": "user", "content": "Fix the flaky login test"]],
            ["type": "assistant", "uuid": "a1", "parentUuid": "u1", "cwd": cwd, "timestamp": "2026-03-01T09:00:05Z",
             "message": ["id": "m1", "role": "assistant", "model": "claude-x", "content": [
                ["type": "text", "text": "Reading the config."],
                ["type": "tool_use", "id": "t1", "name": "Read", "input": ["file_path": "\(cwd)/config.env"]]]]],
            ["type": "user", "uuid": "u2", "parentUuid": "a1", "cwd": cwd, "timestamp": "2026-03-01T09:00:06Z",
             "message": ["role": "user", "content": [["type": "tool_result", "tool_use_id": "t1", "content": "AWS_KEY=AKIAIOSFODNN7EXAMPLE"]]]],
            ["type": "assistant", "uuid": "a2", "parentUuid": "u2", "cwd": cwd, "timestamp": "2026-03-01T09:00:09Z",
             "message": ["id": "m2", "role": "assistant", "model": "claude-x", "content": [["type": "text", "text": "The timeout is too short; raised it."]]]],
        ]
        return try records.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }.joined(separator: "\n") + "\n"
    }

    @Test func anUploadedSessionIsRedactedCommittedAndListed() async throws {
        let session = try claudeSession()
        try await withClient(try server()) { client in
            #expect((try await client.call(.get, "/api/v1/contexts")).json["total"] as? Int == 0)
            // No tool named: told from the name and the content.
            let saved = try await client.call(.post, "/api/v1/contexts",
                                              json: Self.body(["name": "0d5c3a0e-1111-4222-8333-444455556666.jsonl", "text": session, "tags": ["login"]]))
            #expect(saved.status == 201, "\(saved.text)")
            let id = try #require(saved.json["id"] as? String)
            #expect(id == "2026/03/01-fix-flaky-login-test")
            #expect(saved.headers[.location] == "/api/v1/contexts/" + id)
            #expect(saved.json["tool"] as? String == "claude-code")
            #expect(saved.json["messages"] as? Int == 3 && saved.json["tool_calls"] as? Int == 1)
            #expect((saved.json["redactions"] as? [String])?.contains("1 × AWS access key") == true, "\(saved.text)")
            #expect(saved.json["source"] as? String == "uploaded 0d5c3a0e-1111-4222-8333-444455556666.jsonl")
            #expect(try git("log", "-1", "--format=%s", in: folder.path) == "folio: save context \(id)")
            let file = try #require(folder.read("contexts/\(id).context.md"))
            #expect(!file.contains("AKIAIOSFODNN7EXAMPLE") && file.contains("[REDACTED:"))

            let listed = try await client.call(.get, "/api/v1/contexts")
            #expect((listed.json["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
            #expect((listed.json["items"] as? [[String: Any]])?.first?["path"] as? String == "contexts/\(id).context.md")
            let got = try await client.call(.get, "/api/v1/contexts/" + id)
            #expect(got.status == 200)
            #expect(got.json["text"] as? String == file)
            #expect(got.json["title"] as? String == "Fix the flaky login test" && got.json["tags"] as? [String] == ["login"])
            #expect(got.headers[.contentType]?.hasPrefix("application/json") == true)
            // A unique part of the id works as in the CLI.
            #expect(try await client.call(.get, "/api/v1/contexts/fix-flaky-login-test").json["id"] as? String == id)

            // The same session again: the context is updated in place (nothing new: unchanged).
            let again = try await client.call(.post, "/api/v1/contexts", json: Self.body(["name": "s.jsonl", "text": session, "tool": "claude-code"]))
            #expect(again.status == 200, "\(again.text)")
            #expect(again.json["id"] as? String == id && again.json["updated"] as? Bool == true && again.json["changed"] as? Bool == false)
            // As bytes.
            let encoded = try await client.call(.post, "/api/v1/contexts",
                                                json: Self.body(["name": "notes.md", "base64": Data("# Notes\n\nUser: plan the release\n\nAssistant: Done.\n".utf8).base64EncodedString(), "title": "Release notes"]))
            #expect(encoded.status == 201, "\(encoded.text)")
            #expect(encoded.json["tool"] as? String == "markdown")
        }
    }

    @Test func uploadsThatCannotBeSavedSayWhy() async throws {
        let read = try TokenStore(path: folder.at(".git/folio/tokens.json")).add(name: "viewer", role: .read)
        try await withClient(try server()) { client in
            let neither = try await client.call(.post, "/api/v1/contexts", json: Self.body(["name": "x.jsonl"]))
            #expect(neither.status == 400 && Self.error(neither.json) == "bad_json")
            let both = try await client.call(.post, "/api/v1/contexts", json: Self.body(["text": "a", "base64": "YQ=="]))
            #expect(both.status == 400)
            let badBase64 = try await client.call(.post, "/api/v1/contexts", json: Self.body(["base64": "***"]))
            #expect(badBase64.status == 400)
            let unknownTool = try await client.call(.post, "/api/v1/contexts", json: Self.body(["text": "x", "tool": "notepad"]))
            #expect(unknownTool.status == 422 && Self.error(unknownTool.json) == "invalid_input")
            let cursor = try await client.call(.post, "/api/v1/contexts", json: Self.body(["text": "x", "tool": "cursor"]))
            #expect(cursor.status == 422)
            // A Codex file with nothing in it: the message names the upload, never a temporary file.
            let empty = try await client.call(.post, "/api/v1/contexts", json: Self.body(["name": "rollout-x.jsonl", "text": "{}\n", "tool": "codex"]))
            #expect(empty.status == 422, "\(empty.text)")
            let message = try #require((empty.json["error"] as? [String: Any])?["message"] as? String)
            #expect(message.contains("uploaded rollout-x.jsonl") && !message.contains("folio-upload-") && !message.contains("/tmp"))
            let refused = try await client.call(.post, "/api/v1/contexts", json: Self.body(["text": try claudeSession()]), token: read)
            #expect(refused.status == 403)
            #expect(try await client.call(.get, "/api/v1/contexts", token: read).status == 200)
            #expect(try git("log", "-1", "--format=%s", in: folder.path) == "folio: add teach/explain")
        }
    }

    @Test func restoreAnswersEveryTargetAndWritesNothing() async throws {
        let library = try Library.open(explicitPath: folder.path, environment: environment)
        var source = SessionSource(tool: .claudeCode)
        source.upload = Data(try claudeSession().utf8)
        let id = try library.saveContext(from: source, options: ContextSaveOptions()).context.id
        let before = try git("status", "--porcelain", "--ignored", in: folder.path)
        try await withClient(try server()) { client in
            for target in RestoreTarget.allCases {
                let restored = try await client.call(.get, "/api/v1/contexts/\(id)/restore?for=\(target.rawValue)")
                #expect(restored.status == 200, "\(target): \(restored.text)")
                #expect(restored.json["id"] as? String == id && restored.json["target"] as? String == target.rawValue)
                let text = try #require(restored.json["text"] as? String)
                #expect(text.contains("flaky login test") || text.contains("flaky login"), "\(target)")
                #expect(!text.contains("AKIAIOSFODNN7EXAMPLE"))
                switch target {
                case .openai, .anthropic, .gemini:
                    #expect(restored.json["media_type"] as? String == "application/json")
                    #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil, "\(target)")
                case .claudeCode, .codex:
                    #expect(restored.json["media_type"] as? String == "application/x-ndjson")
                    #expect(text.split(separator: "\n").allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil }, "\(target)")
                case .brief, .cursor, .copilot:
                    #expect(restored.json["media_type"] as? String == "text/markdown")
                }
            }
            let brief = try await client.call(.get, "/api/v1/contexts/\(id)/restore")
            #expect(brief.json["target"] as? String == "brief")
            let raw = try await client.call(.get, "/api/v1/contexts/\(id)/restore?for=anthropic&raw=true")
            #expect(raw.headers[.contentType] == "application/json; charset=utf-8")
            #expect((try? JSONSerialization.jsonObject(with: Data(raw.text.utf8))) != nil)
            #expect(try await client.call(.get, "/api/v1/contexts/\(id)/restore?for=vim").status == 400)
            #expect(try await client.call(.get, "/api/v1/contexts/\(id)/restore?budget=10").status == 400)
            #expect(try await client.call(.get, "/api/v1/contexts/nope/restore").status == 404)
            #expect(try await client.call(.get, "/api/v1/contexts/nope").status == 404)
        }
        // Nothing was written: no session file under HOME, no rule or prompt file in the work tree.
        #expect(try git("status", "--porcelain", "--ignored", in: folder.path) == before)
        #expect(!folder.exists(".claude") && !folder.exists(".codex") && !folder.exists(".gemini"))
    }
}
