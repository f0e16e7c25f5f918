import Foundation
import FolioKit
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL

/// How `folio serve` was asked to run.
public struct ServeOptions: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 8080
    public var readOnly = false
    /// Loopback only: no token at all.
    public var noToken = false
    /// Host names clients (or a reverse proxy) use for this server, besides loopback names.
    public var publicHosts: [String] = []
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// Largest request body taken, in bytes (413 above).
    public var bodyLimit = 1 << 20
    /// Failed authentications from one address within `failureWindow` seconds before it gets 429 for that long.
    public var failureLimit = 10
    public var failureWindow: TimeInterval = 60
    /// Seconds between heartbeats on a quiet event stream (GET /api/v1/events).
    public var heartbeat: Double = 15

    public init() {}

    /// Whether the server listens on this machine only.
    public var isLoopback: Bool { host == "localhost" || HostPolicy.isLoopbackAddress(HostPolicy.hostName(ofAuthority: host)) }
}

/// folio's HTTP server: the library's JSON API under /api/v1, behind the checks of `SecurityMiddleware`.
/// Like the CLI and the MCP server it only translates: every endpoint calls FolioKit.
public final class WebServer: Sendable {
    public static let version = "0.1.0"

    let options: ServeOptions
    let pool: LibraryPool
    let metrics = ServerMetrics()
    let access: AccessPolicy
    let limiter: FailureLimiter
    let logger: Logger
    /// The library's change feed, for GET /api/v1/events: started by `run`, stopped when the server stops.
    let events: ServerEvents
    /// The random token of this run, printed in the URL (loopback without --no-token).
    public let sessionToken: String?

    /// The resource groups under /api/v1, one file each in Routes/.
    static let routeGroups: [any APIRoutes.Type] = [HealthRoutes.self, OpenAPIRoutes.self, PromptRoutes.self, SearchRoutes.self,
                                                      LintRoutes.self, ReviewRoutes.self, ContextRoutes.self,
                                                      EventRoutes.self, SyncRoutes.self,
                                                      PromptChangeRoutes.self, LabelRoutes.self, CommentRoutes.self,
                                                      ExperimentRoutes.self, AnalyticsRoutes.self, TokenRoutes.self]

    /// A server for the library at `root`; `open` opens another `Library` on it (one per concurrent request).
    /// Refuses what the security model does not allow: --no-token off loopback, a non-loopback address without
    /// tokens, a certificate without its key.
    public init(options: ServeOptions, root: String, tokens: TokenStore?, logger: Logger,
                open: @escaping @Sendable () throws -> Library) throws {
        if options.noToken && !options.isLoopback {
            throw FolioError(.invalidInput, "--no-token is for loopback only (127.0.0.1, ::1, localhost); on \(options.host) every client needs a token: folio serve token add NAME --role read|write|admin")
        }
        if try !options.isLoopback && (tokens?.list().isEmpty ?? true) {
            throw FolioError(.invalidInput, "serving on \(options.host) needs access tokens and there are none; make one with: folio serve token add NAME --role read|write|admin (or serve on 127.0.0.1)")
        }
        if (options.tlsCertificate == nil) != (options.tlsKey == nil) {
            throw FolioError(.invalidInput, "--tls-cert and --tls-key go together")
        }
        guard (1...(1 << 30)).contains(options.bodyLimit) else {
            throw FolioError(.invalidInput, "--max-body must be from 1 byte to 1 GiB")
        }
        self.options = options
        self.logger = logger
        let metrics = metrics
        pool = LibraryPool(root: root) {
            try open().with { environment in
                environment.indexRefreshed = { report in
                    metrics.indexRefreshed(changed: report.added + report.updated + report.removed > 0, seconds: report.seconds)
                }
            }
        }
        guard options.heartbeat > 0 else { throw FolioError(.invalidInput, "the heartbeat interval must be more than 0 seconds") }
        events = ServerEvents(feed: LibraryChangeFeed(library: try open()), heartbeat: options.heartbeat)
        sessionToken = options.isLoopback && !options.noToken ? TokenStore.prefix + TokenStore.randomText() : nil
        access = AccessPolicy(sessionToken: sessionToken, tokens: tokens, open: options.noToken)
        limiter = FailureLimiter(limit: options.failureLimit, window: options.failureWindow)
    }

    /// The router with every middleware and route (the tests drive it in process).
    func router() -> Router<WebContext> {
        routerAndRoutes().router
    }

    /// The router, and every route registered on it (what the OpenAPI document must describe).
    func routerAndRoutes() -> (router: Router<WebContext>, routes: [RegisteredRoute]) {
        let router = Router(context: WebContext.self)
        router.add(middleware: FrontMiddleware(logger: logger, metrics: metrics, redacted: pool.redacted))
        router.add(middleware: SecurityMiddleware(hosts: HostPolicy(boundHost: options.host, publicHosts: options.publicHosts),
                                                  access: access, limiter: limiter, bodyLimit: options.bodyLimit,
                                                  secure: options.tlsCertificate != nil, publicPaths: HealthRoutes.publicPaths.union(OpenAPIRoutes.publicPaths)))
        let recording = RecordingRouter(router)
        let api = API(router: recording, library: pool, metrics: metrics, readOnly: options.readOnly, events: events, tokens: access.tokens)
        for group in Self.routeGroups { group.register(on: api) }
        return (router, recording.routes)
    }

    /// The application on the configured address (TLS when a certificate is given); `onListening` gets the URL it
    /// really listens on, with this run's token on loopback.
    func application(onListening: @escaping @Sendable (String) -> Void) throws -> some ApplicationProtocol {
        let server: HTTPServerBuilder
        if let certificate = options.tlsCertificate, let key = options.tlsKey {
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
                let configuration = TLSConfiguration.makeServerConfiguration(
                    certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
                server = try .tls(.http1(), tlsConfiguration: configuration)
            } catch {
                throw FolioError(.invalidInput, "cannot use --tls-cert \(certificate) with --tls-key \(key): \(error); give PEM files (a certificate chain and its private key)")
            }
        } else {
            server = .http1()
        }
        let scheme = options.tlsCertificate == nil ? "http" : "https"
        let host = options.host.contains(":") && !options.host.hasPrefix("[") ? "[\(options.host)]" : options.host
        let token = sessionToken
        return Application(router: router(), server: server,
                           configuration: .init(address: .hostname(options.host, port: options.port), serverName: nil),
                           onServerRunning: { channel in
                               let port = channel.localAddress?.port ?? 0
                               onListening("\(scheme)://\(host):\(port)/" + (token.map { "?token=\($0)" } ?? ""))
                           },
                           logger: logger)
    }

    /// Serves until SIGINT or SIGTERM; requests under way are finished first.
    public func run(onListening: @escaping @Sendable (String) -> Void) async throws {
        // The feed notes where the library stands before the first client can subscribe.
        events.feed.start()
        defer { events.feed.stop() }
        try await application(onListening: onListening).runService()
    }
}
