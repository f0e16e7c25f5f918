import Hummingbird
import NIOCore

/// What a request carries from the middleware to its route: where it came from and whom it authenticated as.
public struct WebContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The role the request's token grants; set by `SecurityMiddleware` (nil before it, and on public endpoints).
    public var role: Role?
    /// What the inner middleware learned that the outer one logs (a reference: each middleware has its own copy of
    /// the context).
    let notes = RequestNotes()

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's address, as the failure limiter counts it.
    var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}

/// Facts about a request noted by one middleware for another.
final class RequestNotes: @unchecked Sendable {
    /// The token's name (`session`, `local`, or a stored token's name), for the log.
    var tokenName: String?
}
