import Foundation
import Testing
import TestSupport

/// `folio serve` as a process on a free port, reached with curl: the security rules as a client meets them, two
/// clients editing one prompt, and a clean stop on SIGTERM.
@Suite(.serialized) struct ServeEndToEndTests {
    /// A running `folio serve`; stopped (SIGKILL) when released if the test did not stop it.
    final class Served: @unchecked Sendable {
        let process = Process()
        let output = Pipe(), errors = Pipe()
        private let lock = NSLock()
        private var stdoutText = "", stderrText = ""
        /// The URL it printed, with the token on loopback.
        private(set) var url = ""

        init(_ arguments: [String], in folder: String) throws {
            process.executableURL = URL(fileURLWithPath: folioBinary)
            process.arguments = ["serve", "--port", "0"] + arguments
            process.currentDirectoryURL = URL(fileURLWithPath: folder)
            process.environment = testEnvironment(home: folder)
            process.standardOutput = output
            process.standardError = errors
            output.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let text = String(decoding: handle.availableData, as: UTF8.self)
                self?.lock.withLock { self?.stdoutText += text }
            }
            errors.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let text = String(decoding: handle.availableData, as: UTF8.self)
                self?.lock.withLock { self?.stderrText += text }
            }
            try process.run()
            for _ in 0..<400 {
                if let line = stdout.split(separator: "\n").first(where: { $0.hasPrefix("http") }) {
                    url = String(line)
                    return
                }
                if !process.isRunning { break }
                usleep(50_000)
            }
            throw ServeFailed(output: stdout + stderr)
        }

        deinit {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            output.fileHandleForReading.readabilityHandler = nil
            errors.fileHandleForReading.readabilityHandler = nil
        }

        var stdout: String { lock.withLock { stdoutText } }
        var stderr: String { lock.withLock { stderrText } }
        /// `http://127.0.0.1:PORT`.
        var base: String {
            let withoutQuery = url.split(separator: "?").first.map(String.init) ?? url
            return withoutQuery.hasSuffix("/") ? String(withoutQuery.dropLast()) : withoutQuery
        }
        var token: String? { url.components(separatedBy: "?token=").dropFirst().first }
    }

    struct ServeFailed: Error, CustomStringConvertible {
        let output: String
        var description: String { "folio serve did not print its URL:\n\(output)" }
    }

    struct Answer {
        let status: Int
        let headers: String
        let body: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
        var code: String? { (json["error"] as? [String: Any])?["code"] as? String }
    }

    /// One request with curl: `-X method`, extra headers, a body.
    static func curl(_ method: String, _ url: String, headers: [String] = [], body: String? = nil, in folder: TemporaryFolder) throws -> Answer {
        let headerFile = folder.at("headers-\(UUID().uuidString)")
        var arguments = ["-s", "-X", method, "-D", headerFile, "-o", "-", "-w", "\n%{http_code}", url]
        for header in headers { arguments += ["-H", header] }
        if let body { arguments += ["--data-binary", "@-"] }
        let result = try run("/usr/bin/curl", arguments, stdin: body)
        var lines = result.stdout.components(separatedBy: "\n")
        let status = Int(lines.removeLast()) ?? 0
        let headers = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: headerFile)
        return Answer(status: status, headers: headers.lowercased(), body: lines.joined(separator: "\n"))
    }

    func library(_ name: String) throws -> TemporaryFolder {
        let folder = TemporaryFolder(name)
        #expect(try folio("init", in: folder.path).status == 0)
        folder.write("body.md", "Review the code for injection.\n")
        let made = try folio("new", "review/security", "--title", "Security review", "--body-file", "body.md", in: folder.path)
        #expect(made.status == 0, "\(made.stderr)")
        try FileManager.default.removeItem(atPath: folder.at("body.md"))
        return folder
    }

    @Test func theLoopbackURLCarriesATokenAndTheCookieWorks() throws {
        let folder = try library("serve-url")
        let served = try Served([], in: folder.path)
        #expect(served.url.hasPrefix("http://127.0.0.1:"))
        let token = try #require(served.token)
        let exchanged = try Self.curl("GET", served.url, in: folder)
        #expect(exchanged.status == 303)
        #expect(exchanged.headers.contains("set-cookie: folio_token=\(token.lowercased()); path=/; httponly; samesite=strict"))
        #expect(try Self.curl("GET", served.base + "/api/v1/prompts", headers: ["Cookie: folio_token=\(token)"], in: folder).status == 200)
        #expect(try Self.curl("GET", served.base + "/api/v1/prompts", in: folder).status == 401)
        #expect(try Self.curl("GET", served.base + "/healthz", in: folder).status == 200)
        // One log line per request, without the token.
        usleep(200_000)
        #expect(served.stderr.contains("GET /api/v1/prompts 401"))
        #expect(!served.stderr.contains(token))
    }

    @Test func aForeignHostIsRefused() throws {
        let folder = try library("serve-host")
        let served = try Served([], in: folder.path)
        let token = try #require(served.token)
        let rebound = try Self.curl("GET", served.base + "/api/v1/prompts", headers: ["Host: attacker.example", "Authorization: Bearer \(token)"], in: folder)
        #expect(rebound.status == 403)
        #expect(rebound.code == "forbidden_host")
        #expect(rebound.headers.contains("content-security-policy:"))
        #expect(try Self.curl("GET", served.base + "/healthz", headers: ["Host: attacker.example"], in: folder).status == 403)
        #expect(try Self.curl("GET", served.base + "/api/v1/prompts", headers: ["Host: localhost", "Authorization: Bearer \(token)"], in: folder).status == 200)
    }

    @Test func aForeignOriginCannotChangeAnything() throws {
        let folder = try library("serve-origin")
        let served = try Served([], in: folder.path)
        let token = try #require(served.token)
        let auth = "Authorization: Bearer \(token)"
        let json = "Content-Type: application/json"
        let body = #"{"id": "ops/triage", "title": "Triage"}"#
        let forged = try Self.curl("POST", served.base + "/api/v1/prompts", headers: [auth, json, "Origin: https://evil.example"], body: body, in: folder)
        #expect(forged.status == 403)
        #expect(forged.code == "cross_site")
        let crossSite = try Self.curl("POST", served.base + "/api/v1/prompts", headers: [auth, json, "Sec-Fetch-Site: cross-site"], body: body, in: folder)
        #expect(crossSite.status == 403)
        let sameOrigin = try Self.curl("POST", served.base + "/api/v1/prompts", headers: [auth, json, "Origin: \(served.base)"], body: body, in: folder)
        #expect(sameOrigin.status == 201, "\(sameOrigin.body)")
        #expect(try git("log", "-1", "--format=%s", in: folder.path) == "folio: add ops/triage")
    }

    @Test func bodiesMustBeJSONAndSmall() throws {
        let folder = try library("serve-body")
        let served = try Served(["--max-body", "2048"], in: folder.path)
        let auth = "Authorization: Bearer \(try #require(served.token))"
        let plain = try Self.curl("POST", served.base + "/api/v1/prompts", headers: [auth, "Content-Type: text/plain"], body: #"{"id": "x"}"#, in: folder)
        #expect(plain.status == 415)
        #expect(plain.code == "unsupported_media_type")
        let big = #"{"id": "ops/big", "body": ""# + String(repeating: "x", count: 4096) + #""}"#
        let tooLarge = try Self.curl("POST", served.base + "/api/v1/prompts", headers: [auth, "Content-Type: application/json"], body: big, in: folder)
        #expect(tooLarge.status == 413)
        #expect(tooLarge.code == "too_large")
        #expect(try git("log", "-1", "--format=%s", in: folder.path) == "folio: add review/security")
    }

    @Test func offLoopbackEveryRequestNeedsAStoredTokenOfTheRightRole() throws {
        let folder = try library("serve-tokens")
        let noTokens = try folio("serve", "--host", "0.0.0.0", "--port", "0", in: folder.path)
        #expect(noTokens.status != 0)
        #expect(noTokens.stderr.contains("folio serve token add"))
        let noTokenFlag = try folio("serve", "--host", "0.0.0.0", "--port", "0", "--no-token", in: folder.path)
        #expect(noTokenFlag.status != 0)
        #expect(noTokenFlag.stderr.contains("--no-token is for loopback only"))

        let reader = try folio("serve", "token", "add", "viewer", "--role", "read", in: folder.path)
        #expect(reader.status == 0, "\(reader.stderr)")
        let readToken = reader.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(readToken.hasPrefix("folio_"))
        let writeToken = try folio("serve", "token", "add", "ci", "--role", "write", in: folder.path).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // Stored hashed, readable by its owner only, never committed.
        let file = folder.at(".git/folio/tokens.json")
        let stored = try #require(folder.read(".git/folio/tokens.json"))
        #expect(!stored.contains(readToken) && !stored.contains(writeToken))
        #expect((try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int) == 0o600)
        #expect(try git("status", "--porcelain", in: folder.path).isEmpty)
        #expect(try folio("serve", "token", "list", in: folder.path).stdout.contains("viewer  read"))

        let served = try Served(["--host", "0.0.0.0", "--public-host", "folio.test"], in: folder.path)
        #expect(served.token == nil)
        let host = "Host: folio.test"
        let base = served.base.replacingOccurrences(of: "0.0.0.0", with: "127.0.0.1")
        let anonymous = try Self.curl("GET", base + "/api/v1/prompts", headers: [host], in: folder)
        #expect(anonymous.status == 401)
        #expect(anonymous.headers.contains("www-authenticate: bearer"))
        #expect(try Self.curl("GET", base + "/api/v1/prompts", headers: [host, "Authorization: Bearer \(readToken)"], in: folder).status == 200)
        let json = "Content-Type: application/json"
        let refused = try Self.curl("POST", base + "/api/v1/prompts", headers: [host, json, "Authorization: Bearer \(readToken)"],
                                    body: #"{"id": "ops/x", "title": "X"}"#, in: folder)
        #expect(refused.status == 403)
        #expect(refused.code == "forbidden")
        #expect(try Self.curl("POST", base + "/api/v1/prompts", headers: [host, json, "Authorization: Bearer \(writeToken)"],
                              body: #"{"id": "ops/x", "title": "X"}"#, in: folder).status == 201)
        // A removed token stops working at once.
        #expect(try folio("serve", "token", "rm", "viewer", in: folder.path).status == 0)
        #expect(try Self.curl("GET", base + "/api/v1/prompts", headers: [host, "Authorization: Bearer \(readToken)"], in: folder).status == 401)
    }

    @Test func aBurstOfBadTokensIsSlowedDown() throws {
        let folder = try library("serve-burst")
        let served = try Served([], in: folder.path)
        var statuses: [Int] = []
        var retryAfter: String?
        for attempt in 0..<12 {
            let answer = try Self.curl("GET", served.base + "/api/v1/prompts", headers: ["Authorization: Bearer folio_guess\(attempt)"], in: folder)
            statuses.append(answer.status)
            if answer.status == 429 {
                retryAfter = answer.headers.split(separator: "\r\n").first { $0.hasPrefix("retry-after:") }.map(String.init)
            }
        }
        #expect(statuses.prefix(9).allSatisfy { $0 == 401 })
        #expect(statuses.suffix(3).allSatisfy { $0 == 429 })
        #expect(retryAfter == "retry-after: 60")
        // Blocked means blocked: even the right token waits.
        #expect(try Self.curl("GET", served.base + "/api/v1/prompts", headers: ["Authorization: Bearer \(try #require(served.token))"], in: folder).status == 429)
    }

    @Test func twoClientsEditingOnePromptOneWinsTheOtherGetsBothVersions() throws {
        let folder = try library("serve-race")
        let served = try Served([], in: folder.path)
        let auth = "Authorization: Bearer \(try #require(served.token))"
        let got = try Self.curl("GET", served.base + "/api/v1/prompts/review/security", headers: [auth], in: folder)
        let base = try #require(got.json["blob"] as? String)
        let original = try #require(got.json["text"] as? String)
        let texts = ["Review the code for SQL injection.\n", "Review the code for command injection.\n"].map {
            original.replacingOccurrences(of: "Review the code for injection.\n", with: $0)
        }
        // Both at once, from two curl processes.
        final class Results: @unchecked Sendable { var answers: [Int: Answer] = [:]; let lock = NSLock() }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let body = String(decoding: try! JSONSerialization.data(withJSONObject: ["text": texts[index], "base": base]), as: UTF8.self)
            let answer = try? Self.curl("PUT", served.base + "/api/v1/prompts/review/security", headers: [auth, "Content-Type: application/json"], body: body, in: folder)
            results.lock.withLock { results.answers[index] = answer }
        }
        let statuses = (0..<2).map { results.answers[$0]?.status ?? 0 }
        #expect(statuses.sorted() == [200, 409])
        let winner = try #require(statuses.firstIndex(of: 200))
        let loser = 1 - winner
        let conflict = try #require((results.answers[loser]?.json["error"] as? [String: Any])?["conflict"] as? [String: Any])
        #expect(conflict["yours"] as? String == texts[loser])
        #expect(conflict["current"] as? String == texts[winner])
        // Nothing lost, nothing half-written: the file, HEAD and the log agree on the winner.
        #expect(folder.read("prompts/review/security.prompt.md") == texts[winner])
        #expect(try git("show", "HEAD:prompts/review/security.prompt.md", in: folder.path) + "\n" == texts[winner])
        #expect(try git("log", "--format=%s", in: folder.path).components(separatedBy: "\n").prefix(2) == ["folio: edit review/security", "folio: add review/security"])
        #expect(try git("status", "--porcelain", in: folder.path).isEmpty)
        #expect(conflict["current_blob"] as? String == (try git("rev-parse", "HEAD:prompts/review/security.prompt.md", in: folder.path)))
    }

    @Test func sigtermStopsItCleanly() throws {
        let folder = try library("serve-stop")
        let served = try Served(["--read-only"], in: folder.path)
        #expect(served.stdout.contains("(read-only)"))
        #expect(try Self.curl("GET", served.base + "/healthz", in: folder).status == 200)
        kill(served.process.processIdentifier, SIGTERM)
        for _ in 0..<200 where served.process.isRunning { usleep(50_000) }
        #expect(!served.process.isRunning)
        #expect(served.process.terminationReason == .exit)
        #expect(served.process.terminationStatus == 0)
        usleep(100_000)
        #expect(served.stdout.hasSuffix("Stopped.\n"))
    }
}
