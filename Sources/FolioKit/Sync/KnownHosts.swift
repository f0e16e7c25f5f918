import Foundation

/// OpenSSH's `~/.ssh/known_hosts`: which host keys this user trusts. Read as ssh reads it: host patterns (with
/// `*` and `?`, `[host]:port` for other ports than 22), hashed names (`|1|salt|hash`, HMAC-SHA1), `@revoked`
/// keys; `@cert-authority` lines are left to ssh.
struct KnownHosts {
    let path: String

    enum Verdict: Equatable {
        case known
        /// The host is listed with another key of the same type (line number): a changed key, or someone in
        /// the middle.
        case changed(line: Int)
        case revoked(line: Int)
        case unknown
    }

    /// The name known_hosts uses for a host and port.
    static func name(host: String, port: Int) -> String { port == 22 ? host : "[\(host)]:\(port)" }

    func verdict(host: String, port: Int, key: Data) -> Verdict {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return .unknown }
        let name = Self.name(host: host, port: port)
        let type = Self.keyType(key)
        var changed: Int?
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard !fields.isEmpty, !fields[0].hasPrefix("#") else { continue }
            var marker: String?
            if fields[0].hasPrefix("@") { marker = fields.removeFirst() }
            guard fields.count >= 3, Self.matches(fields[0], name), let listed = Data(base64Encoded: fields[2]) else { continue }
            switch marker {
            case "@revoked"?: if listed == key { return .revoked(line: number + 1) }
            case nil:
                if listed == key { return .known }
                if fields[1] == type { changed = changed ?? number + 1 }
            default: continue
            }
        }
        return changed.map { .changed(line: $0) } ?? .unknown
    }

    /// Why a connection to `host` must be refused, or nil to go on. A new host is added when `acceptNew` says so;
    /// a changed or revoked key is always refused.
    func problem(host: String, port: Int, key: Data, acceptNew: Bool) -> String? {
        let name = Self.name(host: host, port: port)
        let shown = "\(Self.keyType(key)) key \(Self.fingerprint(key))"
        switch verdict(host: host, port: port, key: key) {
        case .known:
            return nil
        case .changed(let line):
            return "the host key of \(name) has CHANGED: it now shows \(shown), but \(path):\(line) holds another. Someone may be intercepting the connection, or the server was reinstalled; if you know it was, remove the old key (ssh-keygen -R '\(name)') and run again"
        case .revoked(let line):
            return "the host key of \(name) (\(shown)) is revoked at \(path):\(line); refusing to connect"
        case .unknown:
            guard acceptNew else {
                return "\(name) is not a known host: it shows \(shown). If that is the server's fingerprint, run again with --accept-new-host to add it to \(path)"
            }
            do { try add(host: host, port: port, key: key) } catch { return "\(error)" }
            return nil
        }
    }

    /// Appends `host`'s key, as `ssh` does when told to accept a new host.
    func add(host: String, port: Int, key: Data) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let existing = FileManager.default.contents(atPath: path) ?? Data()
        var text = existing
        if let last = existing.last, last != 0x0A { text.append(0x0A) }
        text.append(Data("\(Self.name(host: host, port: port)) \(Self.keyType(key)) \(key.base64EncodedString())\n".utf8))
        do {
            try text.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw FolioError(.io, "cannot add the host key to \(path): \(error.localizedDescription)")
        }
    }

    /// The key's type, the first string of its wire form (`ssh-ed25519`).
    static func keyType(_ key: Data) -> String {
        let bytes = [UInt8](key.prefix(64))
        guard bytes.count >= 4 else { return "unknown" }
        let length = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
        guard length > 0, bytes.count >= 4 + length else { return "unknown" }
        return String(decoding: bytes[4..<(4 + length)], as: UTF8.self)
    }

    /// `SHA256:…` as `ssh-keygen -l` prints it.
    static func fingerprint(_ key: Data) -> String {
        "SHA256:" + Data(SHA256.digest(key)).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    /// Whether a host field (comma-separated patterns, `!` negations, or one hashed name) covers `name`.
    static func matches(_ field: String, _ name: String) -> Bool {
        if field.hasPrefix("|1|") {
            let parts = field.split(separator: "|")
            guard parts.count == 3, let salt = Data(base64Encoded: String(parts[1])), let hash = Data(base64Encoded: String(parts[2])) else {
                return false
            }
            return Data(SHA1.hmac(key: salt, message: Data(name.utf8))) == hash
        }
        var matched = false
        for pattern in field.split(separator: ",") {
            if pattern.hasPrefix("!") {
                if wildcard(Array(pattern.dropFirst().lowercased().utf8), Array(name.lowercased().utf8)) { return false }
            } else if wildcard(Array(pattern.lowercased().utf8), Array(name.lowercased().utf8)) {
                matched = true
            }
        }
        return matched
    }

    /// OpenSSH's pattern match: `*` any run, `?` any one character, everything else itself (`[` included:
    /// `[host]:port` is a name, not a character class).
    static func wildcard(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
        var p = 0, t = 0, star: Int?, resume = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t] {
                p += 1; t += 1
            } else if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                star = p; resume = t; p += 1
            } else if let star {
                p = star + 1; resume += 1; t = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}
