import Foundation
import Testing
import TestSupport

/// `folio mcp` driven by the official MCP Python SDK client (the `mcp` package from PyPI; scripts/install-deps
/// installs it), as Claude Code or Cursor would drive it.
@Suite struct MCPEndToEndTests {
    @Test func theOfficialPythonClientListsGetsCallsAndReads() throws {
        let folder = TemporaryFolder("mcp-e2e")
        _ = try folio("init", in: folder.path)
        _ = try folio("new", "review", "--file", "-", in: folder.path,
                      stdin: "---\ntitle: Review\ndescription: Review code.\nvariables: [code]\n---\nReview this:\n{{code}}\n")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts/mcp_client.py").path
        let result = try run("/usr/bin/env", ["python3", script, folioBinary, folder.path], in: folder.path,
                             environment: testEnvironment(home: folder.path))
        #expect(result.status == 0, "\(result.stderr)")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(seen["server"] as? String == "folio")
        #expect(seen["protocol"] as? String == "2025-11-25")
        #expect((seen["prompts"] as? [String: [[Any]]])?["review"]?.first?.first as? String == "code")
        #expect(seen["rendered"] as? String == "Review this:\nprint(1)\n")
        #expect((seen["missing"] as? String)?.contains("missing required variable for 'review'") == true, "\(seen["missing"] ?? "")")
        #expect((seen["tools"] as? [String])?.count == 7)
        #expect(((seen["search"] as? [[String: Any]])?.first?["id"]) as? String == "review")
        let saved = try #require(seen["saved"] as? [String: Any])
        #expect(saved["redacted"] as? String == "1 × AWS access key")
        #expect((seen["bad_tool"] as? [Any])?.first as? Bool == true)
        #expect(seen["templates"] as? [String] == ["folio://contexts/{id}", "folio://prompts/{id}"])
        #expect((seen["resource"] as? String)?.hasPrefix("---\ntitle: Review\n") == true)
        #expect((seen["context"] as? String)?.contains("[REDACTED:aws-access-key]") == true)
        // The context was committed, and git reads it.
        let path = try #require(saved["path"] as? String)
        #expect(try git("log", "-1", "--format=%s", "--", path, in: folder.path).hasPrefix("folio: save context"))
        // Every use was recorded with source mcp and the client's name.
        let stats = try folio("stats", "--by", "source", "--json", in: folder.path)
        #expect(stats.stdout.contains("\"key\" : \"mcp\""), "\(stats.stdout)")
    }

    /// A script that pipes its requests and closes standard input at once (`printf … | folio mcp`) gets every
    /// reply: the server answers what it received before it exits, and exits 0. Twenty runs, because the
    /// replies used to be lost only some of the time.
    @Test func requestsFollowedByEndOfInputAreAllAnswered() throws {
        let folder = TemporaryFolder("mcp-eof")
        _ = try folio("init", in: folder.path)
        _ = try folio("new", "review", "--file", "-", in: folder.path,
                      stdin: "---\ntitle: Review\nvariables: [code]\n---\nReview this:\n{{code}}\n")
        let requests = [
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"script","version":"1"}}}"#,
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"prompts/list"}"#,
            #"{"jsonrpc":"2.0","id":"four","method":"prompts/get","params":{"name":"review","arguments":{"code":"print(1)"}}}"#,
        ]
        for attempt in 1...20 {
            let result = try folio("mcp", in: folder.path, stdin: requests.joined(separator: "\n") + "\n")
            #expect(result.status == 0, "run \(attempt): \(result.stderr)")
            let replies = result.stdout.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            let answered = replies.compactMap { reply in reply["id"].map { "\($0)" } }
            #expect(Set(answered) == ["1", "2", "3", "four"], "run \(attempt): \(result.stdout)")
            #expect(replies.allSatisfy { $0["error"] == nil }, "run \(attempt): \(result.stdout)")
            let rendered = replies.first { $0["id"] as? String == "four" }
                .flatMap { (($0["result"] as? [String: Any])?["messages"] as? [[String: Any]])?.first?["content"] as? [String: Any] }
            #expect(rendered?["text"] as? String == "Review this:\nprint(1)\n", "run \(attempt)")
        }
    }
}
