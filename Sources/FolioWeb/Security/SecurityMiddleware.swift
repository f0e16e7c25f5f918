import Foundation
import Hummingbird
import HTTPTypes

/// The checks every request passes before its route, in this order:
///
/// 1. Host names a loopback name, the bound IP address or a public host (else 403: DNS rebinding);
/// 2. the address is not blocked for failing to authenticate too often (else 429 with Retry-After);
/// 3. a token (Bearer header, the cookie, or `?token=` which is exchanged for the cookie), unless the endpoint is
///    public (else 401);
/// 4. a state-changing request comes from this server's own pages or from no browser at all: Sec-Fetch-Site and
///    Origin (else 403: cross-site request forgery);
/// 5. a body on an API endpoint is JSON (else 415) and within the limit (else 413).
///
/// What each route's token may do (its role) and `--read-only` are checked by the route (`API.require`).
struct SecurityMiddleware: RouterMiddleware {
    typealias Context = WebContext

    let hosts: HostPolicy
    let access: AccessPolicy
    let limiter: FailureLimiter
    let bodyLimit: Int
    /// Whether the server speaks TLS (the cookie is then Secure).
    let secure: Bool
    /// Paths anyone may ask for (after the Host check): health checks.
    let publicPaths: Set<String>

    static let stateChanging: Set<HTTPRequest.Method> = [.post, .put, .patch, .delete]

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var request = request
        var context = context
        guard let authority = request.head.authority, hosts.allows(authority: authority) else {
            throw APIError(.forbidden, "forbidden_host", "this server does not answer to the host '\(request.head.authority ?? "")'",
                           fix: "use the URL folio serve printed, or start it with --public-host NAME for the name clients use")
        }
        if !publicPaths.contains(request.uri.path) {
            let address = context.clientAddress
            if let wait = limiter.retryAfter(address) { throw Self.tooMany(wait) }
            let query = request.uri.queryParameters
            let fromQuery = query["token"].map(String.init)
            let presented = Self.bearer(request.headers) ?? fromQuery ?? request.cookies[AccessPolicy.cookieName]?.value
            switch access.check(presented) {
            case .allowed(let role, let name):
                context.role = role
                context.notes.tokenName = name
                // The token in the URL (as printed) becomes an HttpOnly cookie, and the URL loses it.
                if fromQuery != nil, request.method == .get || request.method == .head {
                    return exchange(request, token: fromQuery!)
                }
            case .missing:
                throw APIError(.unauthorized, "unauthorized", "this server needs a token",
                               fix: "open the URL folio serve printed (it carries one), or send Authorization: Bearer TOKEN (folio serve token add NAME)")
                    .with(.wwwAuthenticate, "Bearer realm=\"folio\"")
            case .invalid:
                if let wait = limiter.fail(address) { throw Self.tooMany(wait) }
                throw APIError(.unauthorized, "unauthorized", "the token is not valid (it may have been removed)",
                               fix: "use a token from folio serve token add, or the URL folio serve printed at start")
                    .with(.wwwAuthenticate, "Bearer realm=\"folio\", error=\"invalid_token\"")
            }
        }
        if Self.stateChanging.contains(request.method) {
            try checkOrigin(request)
            if request.uri.path.hasPrefix(API.prefix) { try await checkBody(&request) }
        }
        return try await next(request, context)
    }

    // MARK: - Cross-site requests

    /// A browser names where a request comes from; anything but this server's own origin is refused. A request with
    /// neither header comes from no browser (curl, a script), which cannot be made to send the cookie.
    private func checkOrigin(_ request: Request) throws {
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!]?.lowercased(), site != "same-origin", site != "none" {
            throw APIError(.forbidden, "cross_site", "a \(site) request may not change anything here (Sec-Fetch-Site: \(site))",
                           fix: "send it from this server's own pages, or from a program rather than another web site")
        }
        guard let origin = request.headers[.origin] else { return }
        guard let authority = Self.authority(ofOrigin: origin), let host = request.head.authority,
              Self.normalized(authority) == Self.normalized(host), hosts.allows(authority: authority) else {
            throw APIError(.forbidden, "cross_site", "a request from the origin '\(origin)' may not change anything here",
                           fix: "send it from this server's own pages, or from a program rather than another web site")
        }
    }

    static func authority(ofOrigin origin: String) -> String? {
        guard origin != "null", let components = URLComponents(string: origin), let host = components.host, !host.isEmpty else { return nil }
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        if let port = components.port, !(components.scheme == "http" && port == 80), !(components.scheme == "https" && port == 443) {
            return "\(bracketed):\(port)"
        }
        return bracketed
    }

    /// Lower-case, without a default port.
    private static func normalized(_ authority: String) -> String {
        var text = authority.lowercased()
        for suffix in [":80", ":443"] where text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        return text
    }

    // MARK: - Bodies

    private func checkBody(_ request: inout Request) async throws {
        let length = request.headers[.contentLength].flatMap { Int($0) }
        let hasBody = (length ?? 0) > 0 || request.headers[.transferEncoding] != nil
        if let type = request.headers[.contentType] {
            guard Self.isJSON(type) else {
                throw APIError(.unsupportedMediaType, "unsupported_media_type", "this endpoint takes JSON, not \(type)",
                               fix: "send the body as JSON with Content-Type: application/json")
            }
        } else if hasBody {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "this endpoint takes JSON; the body has no Content-Type",
                           fix: "send the body as JSON with Content-Type: application/json")
        }
        if let length, length > bodyLimit { throw tooLarge() }
        do {
            _ = try await request.collectBody(upTo: bodyLimit)
        } catch {
            throw tooLarge()
        }
    }

    static func isJSON(_ contentType: String) -> Bool {
        let media = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return media == "application/json" || (media.hasPrefix("application/") && media.hasSuffix("+json"))
    }

    private func tooLarge() -> APIError {
        APIError(.contentTooLarge, "too_large", "the body is larger than this server takes (\(bodyLimit) bytes)",
                 fix: "send less, or start the server with a larger --max-body")
    }

    // MARK: - Tokens

    static func bearer(_ headers: HTTPFields) -> String? {
        guard let value = headers[.authorization] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    static func tooMany(_ seconds: Int) -> APIError {
        APIError(.tooManyRequests, "too_many_failures", "too many failed attempts to authenticate from this address",
                 fix: "wait \(seconds) s and use a valid token").with(.retryAfter, String(seconds))
    }

    /// 303 to the same URL without the token, setting the cookie: the token leaves the address bar and the history.
    private func exchange(_ request: Request, token: String) -> Response {
        let rest = request.uri.queryParameters.filter { $0.key != "token" }
            .map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        let location = request.uri.path + (rest.isEmpty ? "" : "?" + rest)
        var cookie = "\(AccessPolicy.cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict"
        if secure { cookie += "; Secure" }
        return Response(status: .seeOther, headers: [.location: location, .setCookie: cookie])
    }
}

extension APIError {
    func with(_ name: HTTPField.Name, _ value: String) -> APIError {
        var copy = self
        copy.headers[name] = value
        return copy
    }
}
