import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TestSupport
@testable import FolioKit
@testable import FolioWeb

/// Every endpoint in process (HummingbirdTesting's router mode): its answer and its errors, against a real library
/// in a temporary git repository.
@Suite struct RouterTests {
    let folder = TemporaryFolder("web")
    let environment: FolioEnvironment

    init() throws {
        environment = FolioEnvironment(variables: ["GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com",
                                                   "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.com",
                                                   "HOME": folder.path], currentDirectory: folder.path)
        _ = try Library.initialize(at: folder.path, withTemplates: false, environment: environment)
        let library = try Library.open(explicitPath: folder.path, environment: environment)
        for (id, text) in [("review/security", "---\ntitle: Security review\ntags: [review]\nstatus: active\nvariables:\n- name: code\n---\nReview {{code}} for injection.\n"),
                           ("teach/explain", "---\ntitle: Explain\ntags: [teaching]\nstatus: draft\n---\nExplain it simply.\n")] {
            _ = try library.add(try PromptID(id), fileText: text, source: id)
        }
    }

    func server(_ configure: (inout ServeOptions) -> Void = { _ in }) throws -> WebServer {
        var options = ServeOptions()
        options.port = 0
        configure(&options)
        let root = folder.path, environment = environment
        return try WebServer(options: options, root: root, tokens: TokenStore(path: folder.at(".git/folio/tokens.json")),
                             logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }) {
            try Library.open(explicitPath: root, environment: environment)
        }
    }

    /// Runs `body` against the server's router, with the session token as a Bearer header unless `token` says otherwise.
    func withClient(_ server: WebServer, _ body: @escaping @Sendable (Client) async throws -> Void) async throws {
        let app = Application(router: server.router())
        try await app.test(.router) { client in
            try await body(Client(client: client, token: server.sessionToken))
        }
    }

    struct Client {
        let client: any TestClientProtocol
        let token: String?

        @discardableResult
        func call(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, token: String?? = .none,
                  headers extra: HTTPFields = [:]) async throws -> (status: Int, json: [String: Any], text: String, headers: HTTPFields) {
            var headers = extra
            if let token = token ?? self.token { headers[.authorization] = "Bearer \(token)" }
            if json != nil && headers[.contentType] == nil { headers[.contentType] = "application/json" }
            return try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { response in
                let text = String(buffer: response.body)
                let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
                return (Int(response.status.code), object, text, response.headers)
            }
        }
    }

    static func error(_ object: [String: Any]) -> String? {
        (object["error"] as? [String: Any])?["code"] as? String
    }

    // MARK: - Health, metrics, security headers

    @Test func healthzAnswersWithoutATokenAndEveryAnswerCarriesTheSecurityHeaders() async throws {
        try await withClient(try server()) { client in
            let health = try await client.call(.get, "/healthz", token: .some(nil))
            #expect(health.status == 200)
            #expect(health.json["status"] as? String == "ok")
            let csp = try #require(health.headers[.contentSecurityPolicy])
            #expect(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"))
            #expect(health.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            let refused = try await client.call(.get, "/api/v1/prompts", token: .some(nil))
            #expect(refused.status == 401)
            #expect(refused.headers[.contentSecurityPolicy] != nil)
            #expect(Self.error(refused.json) == "unauthorized")
            #expect((refused.json["error"] as? [String: Any])?["fix"] is String)
        }
    }

    @Test func metricsCountRequestsByRouteAndStatusAndRenders() async throws {
        try await withClient(try server()) { client in
            try await client.call(.get, "/api/v1/prompts/review/security")
            try await client.call(.get, "/api/v1/prompts/nope")
            try await client.call(.post, "/api/v1/prompts/review/security/render", json: #"{"variables": {"code": "x"}}"#)
            try await client.call(.get, "/api/v1/prompts")  // the list reads the index, refreshing it first
            let metrics = try await client.call(.get, "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.text.contains(#"folio_http_requests_total{route="/api/v1/prompts/**",method="GET",status="200"} 1"#))
            #expect(metrics.text.contains(#"folio_http_requests_total{route="/api/v1/prompts/**",method="GET",status="404"} 1"#))
            #expect(metrics.text.contains("folio_http_request_duration_seconds_bucket"))
            #expect(metrics.text.contains(#"folio_renders_total{source="api"} 1"#))
            #expect(metrics.text.contains(#"folio_index_refreshes_total{result="unchanged"}"#))
            // An editor adds a prompt: the next request's refresh finds it.
            try "---\ntitle: New\n---\nHello.\n".write(toFile: folder.at("prompts/added-by-hand.prompt.md"), atomically: true, encoding: .utf8)
            #expect(try await client.call(.get, "/api/v1/prompts").text.contains("added-by-hand"))
            let after = try await client.call(.get, "/metrics")
            #expect(after.text.contains(#"folio_index_refreshes_total{result="changed"} 1"#), "\(after.text)")
            #expect(after.text.contains("folio_index_refresh_duration_seconds_count"))
            #expect(try await client.call(.get, "/metrics", token: .some(nil)).status == 401)
        }
    }

    @Test func theTokenInTheURLBecomesAnHttpOnlyStrictCookie() async throws {
        let server = try server()
        let token = try #require(server.sessionToken)
        try await withClient(server) { client in
            let exchanged = try await client.call(.get, "/?token=\(token)", token: .some(nil))
            #expect(exchanged.status == 303)
            #expect(exchanged.headers[.location] == "/")
            let cookie = try #require(exchanged.headers[.setCookie])
            #expect(cookie.contains("folio_token=\(token)") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            let withCookie = try await client.call(.get, "/api/v1/prompts", token: .some(nil), headers: [.cookie: "folio_token=\(token)"])
            #expect(withCookie.status == 200)
            let wrong = try await client.call(.get, "/?token=folio_wrong", token: .some(nil))
            #expect(wrong.status == 401)
        }
    }

    @Test func unknownRoutesAndMethodsAnswerJSON() async throws {
        try await withClient(try server()) { client in
            let missing = try await client.call(.get, "/api/v1/nothing")
            #expect(missing.status == 404)
            #expect(Self.error(missing.json) == "not_found")
        }
    }

    // MARK: - Prompts

    @Test func listFiltersAndPages() async throws {
        try await withClient(try server()) { client in
            let all = try await client.call(.get, "/api/v1/prompts")
            #expect(all.status == 200)
            #expect((all.json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["review/security", "teach/explain"])
            #expect(all.json["total"] as? Int == 2)
            let tagged = try await client.call(.get, "/api/v1/prompts?tag=teaching")
            #expect((tagged.json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["teach/explain"])
            let active = try await client.call(.get, "/api/v1/prompts?status=active")
            #expect((active.json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["review/security"])
            let page = try await client.call(.get, "/api/v1/prompts?limit=1&offset=1")
            #expect((page.json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["teach/explain"])
            #expect(page.json["next_offset"] == nil)
            let first = try await client.call(.get, "/api/v1/prompts?limit=1")
            #expect(first.json["next_offset"] as? Int == 1)
            #expect(try await client.call(.get, "/api/v1/prompts?status=shiny").status == 400)
            #expect(try await client.call(.get, "/api/v1/prompts?limit=0").status == 400)
        }
    }

    @Test func getReturnsThePromptItsTextAndBlobAtAnyRevision() async throws {
        let library = try Library.open(explicitPath: folder.path, environment: environment)
        _ = try library.replace(try PromptID("teach/explain"), fileText: "---\ntitle: Explain\ntags: [teaching]\n---\nExplain it to a child.\n", source: "test")
        try await withClient(try server()) { client in
            let now = try await client.call(.get, "/api/v1/prompts/teach/explain")
            #expect(now.status == 200)
            #expect((now.json["prompt"] as? [String: Any])?["body"] as? String == "Explain it to a child.\n")
            let blob = try #require(now.json["blob"] as? String)
            #expect(blob == (try git("rev-parse", "HEAD:prompts/teach/explain.prompt.md", in: folder.path)))
            #expect(now.headers[.eTag] == "\"\(blob)\"")
            let first = try await client.call(.get, "/api/v1/prompts/teach%2Fexplain?rev=v1")
            #expect(first.status == 200)
            #expect((first.json["text"] as? String)?.hasSuffix("Explain it simply.\n") == true)
            #expect(first.json["revision"] as? String == "v1")
            #expect(first.json["blob"] as? String != blob)
            let missing = try await client.call(.get, "/api/v1/prompts/teach/nope")
            #expect(missing.status == 404)
            #expect(Self.error(missing.json) == "not_found")
            // No answer names the server's folders.
            #expect(!missing.text.contains(folder.path))
            #expect(try await client.call(.get, "/api/v1/prompts/teach/explain?rev=v9").status == 404)
            #expect(try await client.call(.get, "/api/v1/prompts/Bad..ID").status == 400)
        }
    }

    @Test func historyListsTheVersions() async throws {
        try await withClient(try server()) { client in
            let history = try await client.call(.get, "/api/v1/prompts/review/security/history")
            #expect(history.status == 200)
            let versions = try #require(try JSONSerialization.jsonObject(with: Data(history.text.utf8)) as? [[String: Any]])
            #expect(versions.map { $0["number"] as? Int } == [1])
            #expect(versions.first?["message"] as? String == "folio: add review/security")
            #expect(try await client.call(.get, "/api/v1/prompts/nope/history").status == 404)
        }
    }

    @Test func createMakesOneCommitAndRefusesATakenIdOrABrokenFile() async throws {
        try await withClient(try server()) { client in
            let made = try await client.call(.post, "/api/v1/prompts", json: #"{"id": "ops/triage", "title": "Triage", "tags": ["ops"], "body": "Sort the alerts.\n"}"#)
            #expect(made.status == 201, "\(made.text)")
            #expect(made.headers[.location] == "/api/v1/prompts/ops/triage")
            #expect(made.json["message"] as? String == "folio: add ops/triage")
            #expect(try git("log", "-1", "--format=%s", in: folder.path) == "folio: add ops/triage")
            #expect(made.json["blob"] as? String == (try git("rev-parse", "HEAD:prompts/ops/triage.prompt.md", in: folder.path)))
            let whole = try await client.call(.post, "/api/v1/prompts", json: #"{"id": "ops/page", "text": "---\ntitle: Page\n---\nWake someone.\n", "message": "For the on-call rota."}"#)
            #expect(whole.status == 201)
            // A message is the commit's body; folio's line stays its subject.
            #expect(try git("log", "-1", "--format=%B", in: folder.path).trimmingCharacters(in: .whitespacesAndNewlines)
                        == "folio: add ops/page\n\nFor the on-call rota.")
            let taken = try await client.call(.post, "/api/v1/prompts", json: #"{"id": "ops/triage", "title": "Again"}"#)
            #expect(taken.status == 409)
            #expect(Self.error(taken.json) == "conflict")
            let broken = try await client.call(.post, "/api/v1/prompts", json: #"{"id": "ops/broken", "text": "---\ntitle: [unclosed\n---\nx\n"}"#)
            #expect(broken.status == 422)
            #expect(Self.error(broken.json) == "invalid_input")
            let badJSON = try await client.call(.post, "/api/v1/prompts", json: #"{"title": "no id"}"#)
            #expect(badJSON.status == 400)
            #expect(Self.error(badJSON.json) == "bad_json")
            let badID = try await client.call(.post, "/api/v1/prompts", json: #"{"id": "Ops/Upper"}"#)
            #expect(badID.status == 422)
        }
    }

    @Test func updateNeedsItsBaseAndRefusesAStaleOneWithBothVersions() async throws {
        try await withClient(try server()) { client in
            let got = try await client.call(.get, "/api/v1/prompts/teach/explain")
            let base = try #require(got.json["blob"] as? String)
            let text = "---\ntitle: Explain\ntags: [teaching]\n---\nExplain it with an example.\n"
            func body(_ text: String, _ base: String?) throws -> String {
                String(decoding: try JSONSerialization.data(withJSONObject: ["text": text, "base": base as Any].compactMapValues { $0 is NSNull ? nil : $0 }), as: UTF8.self)
            }
            var withMessage = try JSONSerialization.jsonObject(with: Data(try body(text, base).utf8)) as! [String: Any]
            withMessage["message"] = "Add an example."
            let updated = try await client.call(.put, "/api/v1/prompts/teach/explain",
                                                json: String(decoding: try JSONSerialization.data(withJSONObject: withMessage), as: UTF8.self))
            #expect(updated.status == 200, "\(updated.text)")
            #expect(updated.json["message"] as? String == "folio: edit teach/explain\n\nAdd an example.")
            let newBlob = try #require(updated.json["blob"] as? String)
            #expect(newBlob == (try git("rev-parse", "HEAD:prompts/teach/explain.prompt.md", in: folder.path)))
            // The same base again, changing the same line: the file moved on, so both versions come back.
            let stale = try await client.call(.put, "/api/v1/prompts/teach/explain",
                                              json: try body("---\ntitle: Explain\ntags: [teaching]\n---\nExplain it in one line.\n", base))
            #expect(stale.status == 409)
            let conflict = try #require((stale.json["error"] as? [String: Any])?["conflict"] as? [String: Any])
            #expect(conflict["yours"] as? String == "---\ntitle: Explain\ntags: [teaching]\n---\nExplain it in one line.\n")
            #expect(conflict["current"] as? String == text)
            #expect(conflict["current_blob"] as? String == newBlob)
            #expect((conflict["merged"] as? String)?.contains("<<<<<<<") == true)
            #expect(folder.read("prompts/teach/explain.prompt.md") == text)
            let noBase = try await client.call(.put, "/api/v1/prompts/teach/explain", json: try body(text, nil))
            #expect(noBase.status == 400)
            #expect(Self.error(noBase.json) == "base_required")
            let unknownBase = try await client.call(.put, "/api/v1/prompts/teach/explain", json: try body(text, "abcdef12"))
            #expect(unknownBase.status == 404)
            let missing = try await client.call(.put, "/api/v1/prompts/teach/nope", json: try body(text, base))
            #expect(missing.status == 404)
        }
    }

    @Test func renderRecordsAnAPIEventWithTheClient() async throws {
        try await withClient(try server()) { client in
            let rendered = try await client.call(.post, "/api/v1/prompts/review/security/render", json: #"{"variables": {"code": "login.swift"}}"#,
                                                 headers: [HTTPField.Name("X-Folio-Client")!: "review-bot"])
            #expect(rendered.status == 200, "\(rendered.text)")
            #expect(rendered.json["text"] as? String == "Review login.swift for injection.\n")
            let eventID = try #require(rendered.json["event_id"] as? String)
            let events = try Library.open(explicitPath: folder.path, environment: environment).events().events()
            #expect(events.map { "\($0.id) \($0.kind.rawValue) \($0.prompt) \($0.source) \($0.client ?? "-")" }
                    == ["\(eventID) render review/security api review-bot"])
            let missingVariable = try await client.call(.post, "/api/v1/prompts/review/security/render", json: "{}")
            #expect(missingVariable.status == 422)
            let atRevision = try await client.call(.post, "/api/v1/prompts/review/security/render?rev=v1", json: #"{"variables": {"code": "a"}}"#)
            #expect(atRevision.status == 200)
            #expect(try await client.call(.post, "/api/v1/prompts/nope/render").status == 404)
        }
    }

    @Test func searchFindsPrompts() async throws {
        try await withClient(try server()) { client in
            let found = try await client.call(.get, "/api/v1/search?q=injection")
            #expect(found.status == 200)
            let hits = try #require(try JSONSerialization.jsonObject(with: Data(found.text.utf8)) as? [[String: Any]])
            #expect(hits.map { $0["id"] as? String } == ["review/security"])
            let none = try await client.call(.get, "/api/v1/search?q=zebra")
            #expect(none.text == "[]")
            let contexts = try await client.call(.get, "/api/v1/search?q=x&contexts=true")
            #expect(contexts.status == 200)
            #expect(try await client.call(.get, "/api/v1/search?q=x&limit=-1").status == 400)
        }
    }

    // MARK: - Roles and --read-only

    @Test func aReadTokenReadsAndRendersButCannotWrite() async throws {
        let server = try server()
        let read = try TokenStore(path: folder.at(".git/folio/tokens.json")).add(name: "viewer", role: .read)
        try await withClient(server) { client in
            #expect(try await client.call(.get, "/api/v1/prompts", token: read).status == 200)
            #expect(try await client.call(.post, "/api/v1/prompts/review/security/render", json: #"{"variables": {"code": "a"}}"#, token: read).status == 200)
            let refused = try await client.call(.post, "/api/v1/prompts", json: #"{"id": "x"}"#, token: read)
            #expect(refused.status == 403)
            #expect(Self.error(refused.json) == "forbidden")
        }
    }

    @Test func readOnlyRefusesWritesWithAClearMessage() async throws {
        try await withClient(try server { $0.readOnly = true }) { client in
            #expect(try await client.call(.get, "/api/v1/prompts").status == 200)
            let refused = try await client.call(.post, "/api/v1/prompts", json: #"{"id": "x"}"#)
            #expect(refused.status == 403)
            #expect(Self.error(refused.json) == "read_only")
            #expect(((refused.json["error"] as? [String: Any])?["message"] as? String)?.contains("--read-only") == true)
            #expect(try git("log", "-1", "--format=%s", in: folder.path) == "folio: add teach/explain")
        }
    }

    @Test func theServerRefusesUnsafeSettings() throws {
        #expect(throws: FolioError.self) { try server { $0.host = "0.0.0.0"; $0.noToken = true } }
        // Off loopback without any token.
        #expect(throws: FolioError.self) { try server { $0.host = "0.0.0.0" } }
        _ = try TokenStore(path: folder.at(".git/folio/tokens.json")).add(name: "ci", role: .read)
        #expect(try server { $0.host = "0.0.0.0" }.sessionToken == nil)
        #expect(try server { $0.noToken = true }.sessionToken == nil)
    }
}
