import Foundation

extension HealthRoutes {
    static var openAPI: OpenAPIPart {
        let health = OpenAPIOperation.json("The library opens and its index reads.", Schema.ref("Health"))
        func healthz(_ path: String, _ id: String) -> OpenAPIOperation {
            OpenAPIOperation(method: .get, path: path, operationID: id, tag: "server", summary: "Health check",
                             description: "No token needed. 500 when the library cannot be opened or its index read.",
                             role: nil, responses: [200: health], errors: [503: ["git"]])
        }
        return OpenAPIPart(
            operations: [
                healthz("/healthz", "healthz"),
                healthz(API.prefix + "/healthz", "apiHealthz"),
                OpenAPIOperation(method: .get, path: "/metrics", operationID: "metrics", tag: "server", summary: "Prometheus metrics",
                                 description: "`folio_http_requests_total{route,method,status}`, `folio_http_request_duration_seconds{route}`, `folio_renders_total{source}`.",
                                 role: .read,
                                 responses: [200: ["description": "The Prometheus text format 0.0.4.",
                                                   "content": ["text/plain": ["schema": Schema.string]]]]),
                OpenAPIOperation(method: .get, path: "/", operationID: "index", tag: "server", summary: "What this server offers",
                                 description: "Where the URL `folio serve` prints lands. With `?token=` (on any GET) the token is exchanged for the `folio_token` cookie and the answer is 303 to the same URL without it.",
                                 role: .read,
                                 parameters: [OpenAPIOperation.query("token", "The token printed in the URL, exchanged for a cookie.")],
                                 responses: [
                                     200: OpenAPIOperation.json("The server's name, version and API prefix.", Schema.ref("ServerIndex")),
                                     303: ["description": "The token was exchanged for an HttpOnly, SameSite=Strict cookie.",
                                           "headers": ["Location": OpenAPIOperation.header("The same URL without the token."),
                                                       "Set-Cookie": OpenAPIOperation.header("`folio_token=…; Path=/; HttpOnly; SameSite=Strict` (`; Secure` under TLS).")]],
                                 ]),
            ],
            schemas: [
                "Health": Schema.object(["status": Schema.enumeration(["ok"]), "version": Schema.string, "read_only": Schema.boolean],
                                        required: ["status", "version", "read_only"]),
                "ServerIndex": Schema.object(["name": Schema.string, "version": Schema.string,
                                              "api": Schema.string("The API's prefix, `/api/v1`."), "read_only": Schema.boolean],
                                             required: ["name", "version", "api", "read_only"]),
            ],
            tags: ["server": "Health, metrics and the server itself."])
    }
}
