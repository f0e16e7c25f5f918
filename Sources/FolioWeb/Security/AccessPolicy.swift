import Foundation
import NIOCore

/// Who may do what: the session token printed in the URL on loopback, the stored tokens, or (`--no-token`, loopback
/// only) everyone on this machine.
struct AccessPolicy: Sendable {
    /// The random token of this run (loopback only), admin; nil off loopback or with --no-token.
    let sessionToken: String?
    /// The named tokens (`folio serve token add`).
    let tokens: TokenStore?
    /// `--no-token`: every request is admin.
    let open: Bool

    /// The cookie the URL's token is exchanged for.
    static let cookieName = "folio_token"

    enum Outcome {
        case allowed(Role, name: String)
        /// No credential at all.
        case missing
        /// A credential that matches no token (counted towards the address's failures).
        case invalid
    }

    /// Checks a presented token (nil when none was presented).
    func check(_ token: String?) -> Outcome {
        if open { return .allowed(.admin, name: "local") }
        guard let token, !token.isEmpty else { return .missing }
        if let sessionToken, TokenStore.constantTimeEqual(token, sessionToken) { return .allowed(.admin, name: "session") }
        if let info = tokens?.match(token) { return .allowed(info.role, name: info.name) }
        return .invalid
    }
}

/// Counts failed authentications per address; after `limit` in `window` seconds the address is refused (429) for
/// `window` seconds, whatever it sends.
final class FailureLimiter: @unchecked Sendable {
    let limit: Int
    let window: TimeInterval
    private let lock = NSLock()
    private var failures: [String: [Date]] = [:]
    private var blockedUntil: [String: Date] = [:]

    init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Seconds until `address` may try again, when it is blocked now.
    func retryAfter(_ address: String, now: Date = Date()) -> Int? {
        lock.withLock {
            guard let until = blockedUntil[address] else { return nil }
            if until <= now {
                blockedUntil[address] = nil
                return nil
            }
            return max(1, Int(until.timeIntervalSince(now).rounded(.up)))
        }
    }

    /// Records a failure; returns the seconds to wait when this one reached the limit.
    @discardableResult
    func fail(_ address: String, now: Date = Date()) -> Int? {
        lock.withLock {
            var recent = (failures[address] ?? []).filter { now.timeIntervalSince($0) < window }
            recent.append(now)
            // Addresses that stopped failing are forgotten, so the table cannot grow without end.
            if failures.count > 10_000 { failures = failures.filter { $0.value.contains { now.timeIntervalSince($0) < window } } }
            if recent.count >= limit {
                failures[address] = nil
                blockedUntil[address] = now.addingTimeInterval(window)
                return Int(window)
            }
            failures[address] = recent
            return nil
        }
    }
}

/// The hosts a request's Host header may name: loopback names, the address the server is bound to when it is an IP
/// address, and the public host names it was given. Anything else is a DNS-rebinding attempt (or a misconfigured
/// proxy) and gets 403.
struct HostPolicy: Sendable {
    let boundHost: String
    let publicHosts: [String]

    /// The host part of a Host header or an origin's authority, lower-cased, without port or IPv6 brackets.
    static func hostName(ofAuthority authority: String) -> String {
        var text = authority.lowercased()
        if text.hasPrefix("[") {
            if let end = text.firstIndex(of: "]") { return String(text[text.index(after: text.startIndex)..<end]) }
            return text
        }
        if let colon = text.lastIndex(of: ":"), text.firstIndex(of: ":") == colon { text = String(text[..<colon]) }
        return text.hasSuffix(".") ? String(text.dropLast()) : text
    }

    static func isLoopbackName(_ host: String) -> Bool {
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// Whether an IP address (as text) is a loopback address.
    static func isLoopbackAddress(_ host: String) -> Bool {
        host == "::1" || (host.hasPrefix("127.") && isLoopbackName(host))
    }

    func allows(authority: String) -> Bool {
        let host = Self.hostName(ofAuthority: authority)
        if host.isEmpty { return false }
        if Self.isLoopbackName(host) { return true }
        if publicHosts.contains(where: { Self.hostName(ofAuthority: $0) == host }) { return true }
        // An IP literal naming the bound address is what a client on the network types; a rebinding attack has a name.
        let bound = Self.hostName(ofAuthority: boundHost)
        return host == bound && bound != "0.0.0.0" && bound != "::" && (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}
