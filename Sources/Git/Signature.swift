import Foundation
internal import CGit2

/// Who made a commit, and when (with the time zone offset git records).
public struct Signature: Sendable, Equatable {
    public var name: String
    public var email: String
    public var date: Date
    /// Offset from UTC in minutes, as git stores it.
    public var offsetMinutes: Int

    public init(name: String, email: String, date: Date, offsetMinutes: Int = 0) {
        self.name = name
        self.email = email
        self.date = date
        self.offsetMinutes = offsetMinutes
    }

    init(_ sig: UnsafePointer<git_signature>) {
        name = String(cString: sig.pointee.name)
        email = String(cString: sig.pointee.email)
        date = Date(timeIntervalSince1970: TimeInterval(sig.pointee.when.time))
        offsetMinutes = Int(sig.pointee.when.offset)
    }

    /// Calls `body` with a libgit2 signature built from this value.
    func withGitSignature<T>(_ body: (UnsafePointer<git_signature>) throws -> T) throws -> T {
        var out: UnsafeMutablePointer<git_signature>?
        try check(
            git_signature_new(&out, name, email, git_time_t(date.timeIntervalSince1970.rounded(.down)), Int32(offsetMinutes)),
            "make signature for '\(name) <\(email)>'")
        defer { git_signature_free(out) }
        return try body(out!)
    }
}

/// The author and committer of a new commit.
public struct Identity: Sendable, Equatable {
    public var author: Signature
    public var committer: Signature

    public init(author: Signature, committer: Signature) {
        self.author = author
        self.committer = committer
    }

    /// Config `user.name` / `user.email`, overridden by `GIT_AUTHOR_*` and `GIT_COMMITTER_*` (name, email, date)
    /// and `EMAIL`, as git does. Throws `.noIdentity` with the commands that fix it.
    static func resolve(name configName: String?, email configEmail: String?, environment: [String: String],
                        now: Date) throws -> Identity {
        func nonEmpty(_ value: String?) -> String? {
            guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            return value
        }
        let localOffset = TimeZone.current.secondsFromGMT(for: now) / 60
        func signature(_ role: String) throws -> Signature {
            let name = nonEmpty(environment["GIT_\(role)_NAME"]) ?? nonEmpty(configName)
            let email = nonEmpty(environment["GIT_\(role)_EMAIL"]) ?? nonEmpty(configEmail) ?? nonEmpty(environment["EMAIL"])
            guard let name, let email else {
                let missing = [name == nil ? "user.name" : nil, email == nil ? "user.email" : nil].compactMap { $0 }
                throw GitError(
                    code: .noIdentity, operation: "find your git identity",
                    message: "\(missing.joined(separator: " and ")) not set. Set it with:\n"
                        + "  git config --global user.name \"Your Name\"\n"
                        + "  git config --global user.email \"you@example.com\"\n"
                        + "(or set GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL)")
            }
            var date = now
            var offset = localOffset
            if let text = environment["GIT_\(role)_DATE"] {
                guard let parsed = Signature.parseGitDate(text) else {
                    throw GitError(code: .invalidSpec, operation: "read GIT_\(role)_DATE",
                                   message: "'\(text)' is not a date git understands (try '@1700000000 +0000')")
                }
                (date, offset) = parsed
            }
            return Signature(name: name, email: email, date: date, offsetMinutes: offset)
        }
        return Identity(author: try signature("AUTHOR"), committer: try signature("COMMITTER"))
    }
}

extension Signature {
    /// Parses a date the way git accepts it in `GIT_AUTHOR_DATE`: `@1700000000 +0100`,
    /// `1700000000 +0100`, or ISO 8601 (`2024-05-01T10:00:00+02:00`, `2024-05-01 10:00:00 +0200`).
    static func parseGitDate(_ text: String) -> (Date, Int)? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: " ")
        if let first = parts.first {
            let digits = first.hasPrefix("@") ? first.dropFirst() : first[...]
            if let seconds = Int(digits), parts.count <= 2 {
                let offset = parts.count == 2 ? parseOffset(String(parts[1])) : 0
                if let offset { return (Date(timeIntervalSince1970: TimeInterval(seconds)), offset) }
            }
        }
        // ISO 8601, with 'T' or a space, offset as +hh:mm, +hhmm or Z.
        var iso = trimmed
        var offsetMinutes = 0
        if parts.count == 3, let offset = parseOffset(String(parts[2])) {
            iso = "\(parts[0])T\(parts[1])"
            offsetMinutes = offset
            return isoDate(iso, offset: offsetMinutes).map { ($0, offsetMinutes) }
        }
        iso = iso.replacingOccurrences(of: " ", with: "T")
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: iso) {
            if let range = iso.range(of: "[+-][0-9]{2}:?[0-9]{2}$", options: .regularExpression) {
                offsetMinutes = parseOffset(String(iso[range]).replacingOccurrences(of: ":", with: "")) ?? 0
            }
            return (date, offsetMinutes)
        }
        return nil
    }

    private static func isoDate(_ text: String, offset: Int) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        formatter.timeZone = TimeZone(secondsFromGMT: offset * 60)
        return formatter.date(from: text)
    }

    private static func parseOffset(_ text: String) -> Int? {
        guard text.count == 5, let sign = text.first, sign == "+" || sign == "-",
              let hours = Int(text.dropFirst().prefix(2)), let minutes = Int(text.suffix(2)) else { return nil }
        let total = hours * 60 + minutes
        return sign == "-" ? -total : total
    }
}
