import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The outermost middleware: turns every failure into the API's JSON error, adds the security headers to every
/// answer, counts it in the metrics and writes one log line for it.
struct FrontMiddleware: RouterMiddleware {
    typealias Context = WebContext

    let logger: Logger
    let metrics: ServerMetrics
    /// Paths never to show a client.
    let redacted: [String]

    /// No inline script, no framing, nothing from elsewhere.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let answer = APIError.from(error, redacting: redacted)
            if answer.status.code >= 500 {
                // The details stay here: the client gets only the code.
                logger.error("\(request.method) \(request.uri.path) failed: \(String(reflecting: error))")
            }
            response = answer.response()
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }

        let elapsed = ContinuousClock.now - start
        let route = context.endpointPath ?? "unmatched"
        metrics.request(route: route, method: request.method.rawValue, status: response.status.code, duration: elapsed)
        let milliseconds = Double(elapsed.components.attoseconds / 1_000_000_000_000) / 1000 + Double(elapsed.components.seconds) * 1000
        logger.info("\(request.method) \(request.uri.path) \(response.status.code)", metadata: [
            "client": .string(context.clientAddress),
            "status": .stringConvertible(response.status.code),
            "ms": .string(String(format: "%.1f", milliseconds)),
            "route": .string(route),
            "token": .string(context.notes.tokenName ?? "-"),
        ])
        return response
    }
}
