import Foundation
import FolioKit
import HTTPTypes
import Hummingbird

/// A group of endpoints, one file per resource (Routes/Prompts.swift, Routes/Search.swift, …). To add one: write an
/// `enum XRoutes: APIRoutes` whose `register(on:)` adds its endpoints with `api.get/post/put/delete`, list it in
/// `WebServer.routeGroups`, and describe its endpoints in `OpenAPI/OpenAPI+X.swift` (`static var openAPI`); the
/// OpenAPI tests fail for a route the document does not describe.
protocol APIRoutes {
    static func register(on api: API)
    /// This group's part of the OpenAPI document: its operations and the schemas they name.
    static var openAPI: OpenAPIPart { get }
}

extension APIRoutes {
    /// No part yet: the OpenAPI tests then name each of the group's routes as undocumented.
    static var openAPI: OpenAPIPart { OpenAPIPart() }
}

/// What routes are registered on: `/api/v1` of the router, the role each endpoint needs, the library and the metrics.
///
/// Every handler is parse → FolioKit (through `library.read` or `library.write`) → encode with the models behind
/// the CLI's `--json` (`FolioJSON`). Errors are thrown and answered by `FrontMiddleware` through `APIError.from`.
struct API {
    static let prefix = "/api/v1"

    /// Hummingbird's router, recording what is registered on it (for the OpenAPI tests).
    let router: RecordingRouter
    let library: LibraryPool
    let metrics: ServerMetrics
    let readOnly: Bool
    /// The change feed behind `GET /events`.
    let events: ServerEvents
    /// The access tokens (nil when the library has no git directory to keep them in).
    var tokens: TokenStore? = nil

    typealias Handler = @Sendable (Request, WebContext) async throws -> Response

    /// A read endpoint (role read unless given).
    func get(_ path: String, role: Role = .read, _ handler: @escaping Handler) {
        router.nextRoute(role: role)
        router.get(RouterPath(Self.prefix + path), use: guarded(role, handler))
    }

    /// A state-changing endpoint: role write unless given (render, which only records an event, is read).
    func post(_ path: String, role: Role = .write, _ handler: @escaping Handler) {
        router.nextRoute(role: role)
        router.post(RouterPath(Self.prefix + path), use: guarded(role, handler))
    }

    func put(_ path: String, role: Role = .write, _ handler: @escaping Handler) {
        router.nextRoute(role: role)
        router.put(RouterPath(Self.prefix + path), use: guarded(role, handler))
    }

    func delete(_ path: String, role: Role = .write, _ handler: @escaping Handler) {
        router.nextRoute(role: role)
        router.delete(RouterPath(Self.prefix + path), use: guarded(role, handler))
    }

    private func guarded(_ role: Role, _ handler: @escaping Handler) -> Handler {
        let readOnly = readOnly
        return { request, context in
            try Self.require(role, of: context, readOnly: readOnly)
            return try await handler(request, context)
        }
    }

    /// The token's role must reach `role`; a server started with --read-only refuses writes whatever the token.
    static func require(_ role: Role, of context: WebContext, readOnly: Bool) throws {
        if role >= .write && readOnly {
            throw APIError(.forbidden, "read_only", "this server was started with --read-only: it does not change the library",
                           fix: "restart it without --read-only, or make the change with the folio command")
        }
        guard let held = context.role else {
            throw APIError(.unauthorized, "unauthorized", "this endpoint needs a token", fix: "send Authorization: Bearer TOKEN")
        }
        guard held >= role else {
            throw APIError(.forbidden, "forbidden", "this needs a \(role.rawValue) token; yours is \(held.rawValue)",
                           fix: "ask an admin for one: folio serve token add NAME --role \(role.rawValue)")
        }
    }
}

// MARK: - Reading requests

extension Request {
    /// The JSON body as `T` (checked by SecurityMiddleware: JSON, within the size limit).
    func json<T: Decodable>(_ type: T.Type) async throws -> T {
        var request = self
        let buffer = try await request.collectBody(upTo: .max)
        guard buffer.readableBytes > 0 else {
            throw APIError(.badRequest, "bad_json", "this endpoint needs a JSON body", fix: "send a JSON object (Content-Type: application/json)")
        }
        return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
    }

    /// The JSON body as `T`, or nil without a body.
    func optionalJSON<T: Decodable>(_ type: T.Type) async throws -> T? {
        var request = self
        let buffer = try await request.collectBody(upTo: .max)
        guard buffer.readableBytes > 0 else { return nil }
        return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
    }

    /// A query parameter (Hummingbird percent-decodes it) (nil when absent or empty).
    func query(_ name: String) -> String? {
        uri.queryParameters[name[...]].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Every value of a repeatable query parameter (`?tag=a&tag=b`).
    func queryAll(_ name: String) -> [String] {
        uri.queryParameters[values: name[...]].map(String.init).filter { !$0.isEmpty }
    }

    /// A whole-number query parameter within `range`, or `fallback` when absent.
    func intQuery(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = query(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw APIError(.badRequest, "bad_query", "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return value
    }
}

// MARK: - Writing answers

extension Response {
    /// `value` as JSON in folio's one style (snake_case keys, ISO 8601 dates).
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        let data = try FolioJSON.encoder(pretty: false).encode(value)
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
