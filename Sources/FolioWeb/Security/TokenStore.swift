import Crypto
import Foundation
import FolioKit

/// What a token may do. read: browse, search, render, stats; write: also change the library; admin: also tokens.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    case read, write, admin

    private var rank: Int { Role.allCases.firstIndex(of: self)! }
    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// A named access token as `folio serve token list` shows it (never the token itself).
public struct TokenInfo: Codable, Sendable, Equatable {
    public let name: String
    public let role: Role
    public let created: Date
    /// SHA-256 of the token, hex: the only form kept.
    let sha256: String

    enum CodingKeys: String, CodingKey { case name, role, created, sha256 }

    /// What `token list --json` prints: the hash stays in the file.
    public struct Listed: Encodable, Sendable {
        public let name: String
        public let role: Role
        public let created: Date
    }

    public var listed: Listed { Listed(name: name, role: role, created: created) }
}

/// The server's access tokens, stored hashed (SHA-256) in `tokens.json` in folio's folder of the git directory, mode
/// 0600, never committed. A token is shown once, when it is made. The server re-reads the file when it changes, so
/// `token add` and `token rm` take effect without a restart.
public final class TokenStore: @unchecked Sendable {
    public let path: String
    private let lock = NSLock()
    private var loaded: [TokenInfo] = []
    private var loadedStamp: (modified: Date, size: Int)?

    public static let fileName = "tokens.json"
    /// Tokens start with this, so a leaked one is recognisable (secret scanners, logs).
    public static let prefix = "folio_"

    public init(path: String) {
        self.path = path
    }

    /// The store of `library` (in its git directory).
    public convenience init(library: Library) throws {
        self.init(path: try library.privateFolder() + "/" + Self.fileName)
    }

    /// Every token's name, role and date, by name.
    public func list() throws -> [TokenInfo] {
        try lock.withLock { try current() }
    }

    /// Makes a token named `name` with `role`; returns the token (the only time it exists outside the client).
    public func add(name: String, role: Role, now: Date = Date()) throws -> String {
        guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.@".contains($0) }) else {
            throw FolioError(.invalidInput, "a token name is 1 to 64 letters, digits, '-', '_', '.' or '@' (got '\(name)')")
        }
        let token = Self.prefix + Self.randomText()
        try lock.withLock {
            var tokens = try current()
            guard !tokens.contains(where: { $0.name == name }) else {
                throw FolioError(.conflict, "a token named '\(name)' exists; remove it first with: folio serve token rm \(name)")
            }
            tokens.append(TokenInfo(name: name, role: role, created: now, sha256: Self.hash(token)))
            try save(tokens.sorted { $0.name < $1.name })
        }
        return token
    }

    /// Removes the token named `name`.
    public func remove(name: String) throws {
        try lock.withLock {
            var tokens = try current()
            guard let index = tokens.firstIndex(where: { $0.name == name }) else {
                let names = tokens.map(\.name)
                throw FolioError(.notFound, "no token named '\(name)'" + (names.isEmpty ? " (there are none)" : "; there are: \(names.joined(separator: ", "))"))
            }
            tokens.remove(at: index)
            try save(tokens)
        }
    }

    /// The token whose hash matches `token`, if any.
    func match(_ token: String) -> TokenInfo? {
        let digest = Self.hash(token)
        let tokens = (try? lock.withLock { try current() }) ?? []
        return tokens.first { Self.constantTimeEqual($0.sha256, digest) }
    }

    // MARK: - The file

    private struct File: Codable {
        var tokens: [TokenInfo]
    }

    /// The tokens as the file holds them now (read again when it changed).
    private func current() throws -> [TokenInfo] {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            loaded = []
            loadedStamp = nil
            return []
        }
        let stamp = ((attributes[.modificationDate] as? Date) ?? .distantPast, (attributes[.size] as? Int) ?? 0)
        if let loadedStamp, loadedStamp == stamp { return loaded }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FolioError(.io, "cannot read the token file \(path)")
        }
        do {
            loaded = try Self.decoder.decode(File.self, from: data).tokens
        } catch {
            throw FolioError(.invalidInput, "the token file \(path) is damaged (\(error)); remove it and add the tokens again")
        }
        loadedStamp = stamp
        return loaded
    }

    /// Writes the file whole, readable by its owner only (a temporary file renamed over it).
    private func save(_ tokens: [TokenInfo]) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let data = try Self.encoder.encode(File(tokens: tokens))
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw FolioError(.io, "cannot write \(temporary): \(String(cString: strerror(errno)))") }
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        fchmod(descriptor, 0o600)
        close(descriptor)
        guard written == data.count, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw FolioError(.io, "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        loadedStamp = nil
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    // MARK: - Secrets

    /// SHA-256 of a token, hex.
    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// 32 random bytes (the system's CSPRNG), base64url without padding.
    static func randomText() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Compares without stopping at the first difference.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
