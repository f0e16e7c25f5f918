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
        /// Whether a trigger must be followed by `:` or `=` (the pattern is a name assigned a value): checked on
        /// bytes before the regex runs, as words like `token` and `key` are everywhere in code and sessions.
        var assigned = false
    }

    static let patterns: [Pattern] = {
        func pattern(_ kind: String, _ triggers: [String], _ regex: String, group: Int = 0, entropy: Double? = nil, assigned: Bool = false) -> Pattern {
            Pattern(kind: kind, triggers: triggers, regex: try! NSRegularExpression(pattern: regex), group: group, minimumEntropy: entropy,
                    assigned: assigned)
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
                    group: 1, entropy: 3.5, assigned: true),
            pattern("high-entropy string", [], #"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{32,}={0,2}(?![A-Za-z0-9+/=_-])"#, entropy: 4.5),
        ]
    }()

    static let allowMarkers = ["folio:allow-secret", "gitleaks:allow", "pragma: allowlist secret"]

    /// Every secret found in `text`.
    public static func scan(_ text: String) -> [Match] { scan(text[...]) }

    /// Every secret in part of a text; the ranges are indices of the whole text.
    public static func scan(_ text: Substring) -> [Match] {
        // Work on bytes: lowercased ASCII for the trigger words, and lines found by their newlines. Only a line
        // that holds a trigger of some pattern becomes a String for the regular expressions; most lines of a
        // prompt hold none.
        let bytes = Array(text.utf8)
        let lowered = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        let whole = 0..<bytes.count
        let present = patterns.indices.filter { index in
            patterns[index].triggers.isEmpty || patterns[index].triggers.contains { contains(lowered, $0, in: whole) }
        }
        let hasTriggered = present.contains { !patterns[$0].triggers.isEmpty }
        if !hasTriggered && !hasLongToken(bytes[whole]) { return [] }

        var matches: [Match] = []
        var lineStart = 0
        var lineNumber = 0
        while lineStart <= bytes.count {
            lineNumber += 1
            let lineEnd = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.count
            let range = lineStart..<lineEnd
            lineStart = lineEnd + 1
            let active = present.filter { index in
                let pattern = patterns[index]
                if pattern.triggers.isEmpty { return hasLongToken(bytes[range]) }
                return pattern.triggers.contains { pattern.assigned ? assignedAfter(lowered, $0, in: range) : contains(lowered, $0, in: range) }
            }
            if active.isEmpty || allowMarkers.contains(where: { contains(lowered, $0, in: range) }) { continue }
            let line = String(decoding: bytes[range], as: UTF8.self)
            let nsLine = line as NSString
            var taken: [NSRange] = []
            for pattern in active.map({ patterns[$0] }) {
                for result in pattern.regex.matches(in: line, range: NSRange(location: 0, length: nsLine.length)) {
                    let found = result.range(at: pattern.group)
                    guard found.location != NSNotFound else { continue }
                    // One finding per place: a more specific pattern already took it.
                    if taken.contains(where: { NSIntersectionRange($0, found).length > 0 }) { continue }
                    let secret = nsLine.substring(with: found)
                    if let minimum = pattern.minimumEntropy, entropy(secret) < minimum { continue }
                    if pattern.triggers.isEmpty, !looksRandom(secret) { continue }
                    taken.append(found)
                    guard let inLine = Range(found, in: line) else { continue }
                    let column = line.distance(from: line.startIndex, to: inLine.lowerBound) + 1
                    let startOffset = range.lowerBound + line.utf8.distance(from: line.startIndex, to: inLine.lowerBound)
                    let endOffset = range.lowerBound + line.utf8.distance(from: line.startIndex, to: inLine.upperBound)
                    let start = text.utf8.index(text.startIndex, offsetBy: startOffset)
                    let end = text.utf8.index(text.startIndex, offsetBy: endOffset)
                    matches.append(Match(kind: pattern.kind, line: lineNumber, column: column, range: start..<end))
                }
            }
        }
        return matches.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
    }

    /// Whether `needle` (lowercase ASCII) occurs in `haystack[range]`.
    static func contains(_ haystack: [UInt8], _ needle: String, in range: Range<Int>) -> Bool {
        haystack.withUnsafeBytes { Bytes.firstOffset(of: needle, in: $0, from: range.lowerBound, to: range.upperBound) != nil }
    }

    /// Whether `word` occurs in `haystack[range]` followed by the rest of a name, an optional quote, spaces and
    /// `:` or `=` — what the assignment pattern needs before its regex can match.
    static func assignedAfter(_ haystack: [UInt8], _ word: String, in range: Range<Int>) -> Bool {
        haystack.withUnsafeBytes { bytes in
            var from = range.lowerBound
            while let hit = Bytes.firstOffset(of: word, in: bytes, from: from, to: range.upperBound) {
                var index = hit + word.utf8.count
                while index < range.upperBound, (bytes[index] >= 0x61 && bytes[index] <= 0x7A) || (bytes[index] >= 0x30 && bytes[index] <= 0x39)
                        || bytes[index] == 0x5F || bytes[index] == 0x2D { index += 1 }
                if index < range.upperBound, bytes[index] == 0x22 || bytes[index] == 0x27 { index += 1 }
                while index < range.upperBound, bytes[index] == 0x20 || (bytes[index] >= 0x09 && bytes[index] <= 0x0D) { index += 1 }
                if index < range.upperBound, bytes[index] == 0x3A || bytes[index] == 0x3D { return true }
                from = hit + 1
            }
            return false
        }
    }

    /// Whether a line has a run of 32 or more token characters (what the high-entropy pattern needs), checked
    /// without a regex: most lines of prose do not.
    static func hasLongToken(_ line: ArraySlice<UInt8>) -> Bool {
        var run = 0
        for byte in line {
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
