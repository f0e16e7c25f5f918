import Foundation
import FolioKit
import HTTPTypes
import Hummingbird

/// `GET /healthz` (also under /api/v1; no token needed), `GET /metrics` (Prometheus text) and `GET /` (a read token).
enum HealthRoutes: APIRoutes {
    /// Paths that answer without a token (SecurityMiddleware).
    static let publicPaths: Set<String> = ["/healthz", API.prefix + "/healthz"]

    struct Health: Encodable, Sendable {
        let status: String
        let version: String
        let readOnly: Bool
    }

    struct Index: Encodable, Sendable {
        let name: String
        let version: String
        let api: String
        let readOnly: Bool
    }

    static func register(on api: API) {
        let pool = api.library
        let readOnly = api.readOnly
        let health: API.Handler = { _, _ in
            // The library must still open and read its index: a server whose library moved away is not healthy.
            _ = try await pool.read { library in try library.changeStamp() }
            return try .json(Health(status: "ok", version: WebServer.version, readOnly: readOnly))
        }
        api.router.get("/healthz", use: health)
        api.router.get(RouterPath(API.prefix + "/healthz"), use: health)
        let metrics = api.metrics
        let text: API.Handler = { request, context in
            try API.require(.read, of: context, readOnly: false)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: metrics.text)))
        }
        api.router.get("/metrics", use: text)
        // Where the URL folio serve prints lands (the web interface will live here): what this server offers.
        api.router.get("/") { _, context -> Response in
            try API.require(.read, of: context, readOnly: false)
            return try .json(Index(name: "folio", version: WebServer.version, api: API.prefix, readOnly: readOnly))
        }
    }
}
