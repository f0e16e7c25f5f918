import Foundation

/// Finds credentials in text: known token formats (the kind gitleaks and detect-secrets look for), private
/// keys, connection strings with a password, and high-entropy values assigned to secret-sounding names.
/// A line that says `folio:allow-secret` (or `gitleaks:allow`, or `pragma: allowlist secret`) is skipped.
public enum SecretScanner {
    public struct Match: Sendable, Equatable {
        /// What it looks like: `AWS access key`, `private key`, …
        public let kind: String
        /// 1-based line and column of the secret's first character.
        public let line: Int
        public let column: Int
        /// The secret's range in the text (for redaction).
        public let range: Range<String.Index>
    }

    struct Pattern {
        let kind: String
        /// Substrings one of which must appear (lowercased) before the regex runs: most text has none.
        let triggers: [String]
        let regex: NSRegularExpression
        /// The capture group holding the secret (0: the whole match).
        let group: Int
        /// Minimum Shannon entropy (bits per character) of the secret, when it must look random.
        let minimumEntropy: Double?
    }

    static let patterns: [Pattern] = {
        func pattern(_ kind: String, _ triggers: [String], _ regex: String, group: Int = 0, entropy: Double? = nil) -> Pattern {
            Pattern(kind: kind, triggers: triggers, regex: try! NSRegularExpression(pattern: regex), group: group, minimumEntropy: entropy)
        }
        return [
            pattern("private key", ["-----begin"], #"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----"#),
            pattern("AWS access key", ["akia", "asia"], #"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"#),
            pattern("GitHub token", ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
                    #"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})\b"#),
            pattern("Anthropic API key", ["sk-ant-"], #"\bsk-ant-[A-Za-z0-9_-]{20,}"#),
            pattern("OpenAI API key", ["sk-"], #"\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}"#, entropy: 3.0),
            pattern("Slack token", ["xox"], #"\bxox[abposr]-[A-Za-z0-9-]{10,}"#),
            pattern("Stripe key", ["sk_live", "rk_live", "sk_test", "rk_test"], #"\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\b"#),
            pattern("Google API key", ["aiza"], #"\bAIza[0-9A-Za-z_-]{35}\b"#),
            pattern("JSON web token", ["eyj"], #"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"#),
            pattern("connection string with a password", ["://"],
                    #"\b[a-z][a-z0-9+.-]*://[^\s:/@'"]+:([^\s:/@'"{}]{3,})@[^\s/'"]+"#, group: 1),
            pattern("secret assigned in text", ["key", "secret", "token", "password", "passwd", "pwd", "credential"],
                    #"(?i)\b(?:api[_-]?key|secret(?:[_-]?key)?|access[_-]?key|auth[_-]?token|token|password|passwd|pwd|credentials?)\b["']?\s*[:=]\s*["']?([A-Za-z0-9_/+=.\-]{12,})"#,
                    group: 1, entropy: 3.5),
            pattern("high-entropy string", [], #"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{32,}={0,2}(?![A-Za-z0-9+/=_-])"#, entropy: 4.5),
        ]
    }()

    static let allowMarkers = ["folio:allow-secret", "gitleaks:allow", "pragma: allowlist secret"]

    /// Every secret found in `text`.
    public static func scan(_ text: String) -> [Match] {
        var matches: [Match] = []
        var lineStart = text.startIndex
        var lineNumber = 1
        while lineStart < text.endIndex {
            let lineEnd = text[lineStart...].firstIndex(of: "\n") ?? text.endIndex
            let line = text[lineStart..<lineEnd]
            defer {
                lineStart = lineEnd < text.endIndex ? text.index(after: lineEnd) : text.endIndex
                lineNumber += 1
            }
            let lower = line.lowercased()
            if allowMarkers.contains(where: { lower.contains($0) }) { continue }
            let lineString = String(line)
            let nsLine = lineString as NSString
            var taken: [NSRange] = []
            for pattern in patterns where pattern.triggers.isEmpty || pattern.triggers.contains(where: { lower.contains($0) }) {
                if pattern.triggers.isEmpty, !hasLongToken(line) { continue }
                for result in pattern.regex.matches(in: lineString, range: NSRange(location: 0, length: nsLine.length)) {
                    let range = result.range(at: pattern.group)
                    guard range.location != NSNotFound else { continue }
                    // One finding per place: a more specific pattern already took it.
                    if taken.contains(where: { NSIntersectionRange($0, range).length > 0 }) { continue }
                    let secret = nsLine.substring(with: range)
                    if let minimum = pattern.minimumEntropy, entropy(secret) < minimum { continue }
                    if pattern.triggers.isEmpty, !looksRandom(secret) { continue }
                    taken.append(range)
                    guard let swiftRange = Range(range, in: lineString),
                          let start = line.index(line.startIndex, offsetBy: lineString.distance(from: lineString.startIndex, to: swiftRange.lowerBound), limitedBy: line.endIndex),
                          let end = line.index(start, offsetBy: secret.count, limitedBy: line.endIndex) else { continue }
                    let column = line.distance(from: line.startIndex, to: start) + 1
                    matches.append(Match(kind: pattern.kind, line: lineNumber, column: column, range: start..<end))
                }
            }
        }
        return matches.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
    }

    /// Whether a line has a run of 32 or more token characters (what the high-entropy pattern needs), checked
    /// without a regex: most lines of prose do not.
    static func hasLongToken(_ line: Substring) -> Bool {
        var run = 0
        for byte in line.utf8 {
            let token = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2B || byte == 0x2F || byte == 0x5F || byte == 0x2D
            run = token ? run + 1 : 0
            if run >= 32 { return true }
        }
        return false
    }

    /// Shannon entropy in bits per character.
    static func entropy(_ text: String) -> Double {
        guard !text.isEmpty else { return 0 }
        var counts: [Character: Int] = [:]
        for character in text { counts[character, default: 0] += 1 }
        let length = Double(text.count)
        return counts.values.reduce(0) { total, count in
            let p = Double(count) / length
            return total - p * log2(p)
        }
    }

    /// A long run of letters and digits is a secret only if it mixes cases and digits (not a word, a path, a hex
    /// hash or a version).
    static func looksRandom(_ text: String) -> Bool {
        let upper = text.contains { $0.isUppercase }, lower = text.contains { $0.isLowercase }, digit = text.contains { $0.isNumber }
        return upper && lower && digit
    }
}
