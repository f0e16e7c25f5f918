import Foundation

/// Takes secrets and the home folder out of a session before anything is written, with the same detector as
/// the secret-detected lint rule, and counts what it took. A disabled redactor (`--no-redact`) still cuts.
struct Redactor {
    let home: String?
    let enabled: Bool
    private(set) var counts: [String: Int] = [:]
    private(set) var homePaths = 0
    /// How far around a cut the scanner looks for a secret that straddles it.
    static let margin = 2_048

    init(home: String?, enabled: Bool = true) {
        self.home = home.flatMap { $0.count > 1 ? ($0.hasSuffix("/") ? String($0.dropLast()) : $0) : nil }
        self.enabled = enabled
    }

    /// What was redacted, for the report: `2 × AWS access key`, `14 × home folder → ~`.
    var report: [String] {
        counts.sorted { $0.key < $1.key }.map { "\($0.value) × \($0.key)" } + (homePaths > 0 ? ["\(homePaths) × home folder → ~"] : [])
    }

    mutating func redact(_ text: String) -> String {
        guard enabled, !text.isEmpty else { return text }
        var result = text
        let matches = SecretScanner.scan(text)
        if !matches.isEmpty {
            // Replace from the end so earlier ranges stay valid; a private key goes with its whole block.
            var ranges: [(Range<String.Index>, String)] = []
            for match in matches {
                var range = match.range
                if match.kind == "private key" { range = range.lowerBound..<Self.endOfKeyBlock(text, after: range.upperBound) }
                if let last = ranges.last, last.0.overlaps(range) { continue }
                ranges.append((range, match.kind))
            }
            for (range, kind) in ranges.sorted(by: { $0.0.lowerBound > $1.0.lowerBound }) {
                result.replaceSubrange(range, with: "[REDACTED:\(Self.slug(kind))]")
                counts[kind, default: 0] += 1
            }
        }
        if let home { result = replacingHome(home, in: result) }
        return result
    }

    /// `text` cut to `limit` (its start and, with `keepEnd`, its end, with a line saying how much was cut), and
    /// what is kept redacted. Only the kept parts and a margin around each cut are scanned; a secret that
    /// straddles a cut is dropped whole rather than kept in part.
    mutating func keep(_ text: String, limit: Int, keepEnd: Bool = true) -> String {
        guard var (headEnd, tailStart) = TextCut.bounds(text, limit: limit, keepEnd: keepEnd) else { return redact(text) }
        if enabled {
            for match in SecretScanner.scan(Self.window(text, around: headEnd))
            where match.range.lowerBound < headEnd && headEnd < match.range.upperBound {
                headEnd = min(headEnd, match.range.lowerBound)
            }
            if keepEnd {
                for match in SecretScanner.scan(Self.window(text, around: tailStart))
                where match.range.lowerBound < tailStart && tailStart < match.range.upperBound {
                    tailStart = max(tailStart, match.range.upperBound)
                }
            }
        }
        let cut = Bytes.scalarCount(text.utf8[headEnd..<tailStart])
        let head = redact(String(text[..<headEnd]))
        return TextCut.join(head: head, cut: cut, tail: keepEnd ? redact(String(text[tailStart...])) : nil)
    }

    /// File paths and commands, redacted like the transcript.
    mutating func redact(_ activity: SessionActivity) -> SessionActivity {
        guard enabled else { return activity }
        var copy = activity
        copy.files = activity.files.map { SessionActivity.FileTouch(path: redact($0.path), action: $0.action) }
        copy.commands = activity.commands.map { redact($0) }
        return copy
    }

    private static func window(_ text: String, around index: String.Index) -> Substring {
        let start = text.index(index, offsetBy: -margin, limitedBy: text.startIndex) ?? text.startIndex
        let end = text.index(index, offsetBy: margin, limitedBy: text.endIndex) ?? text.endIndex
        return text[start..<end]
    }

    /// Where a private key that begins before `start` ends: after its END line, or, when that is missing (a cut
    /// text), after the key's body (lines of base64 and `Name: value` headers).
    private static func endOfKeyBlock(_ text: String, after start: String.Index) -> String.Index {
        if let end = text.range(of: "-----END", range: start..<text.endIndex) {
            return text.range(of: "-----", range: end.upperBound..<text.endIndex)?.upperBound ?? text.endIndex
        }
        var position = start
        for line in text[start...].split(separator: "\n", omittingEmptySubsequences: false) {
            let body = line.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+/=\r".contains($0)) }
            guard body || line.contains(": ") else { break }
            position = line.endIndex
        }
        return position
    }

    /// The home folder as `~`, where it is a whole path component (`/home/ada`, not `/home/adam`).
    private mutating func replacingHome(_ home: String, in text: String) -> String {
        var text = text
        return text.withUTF8 { bytes -> String in
            let raw = UnsafeRawBufferPointer(bytes)
            guard var hit = Bytes.firstOffset(of: home, in: raw) else { return String(decoding: bytes, as: UTF8.self) }
            let length = home.utf8.count
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var copied = 0
            while true {
                let after = hit + length
                let next = after < bytes.count ? bytes[after] : nil
                let isComponent = next.map { byte in
                    !(byte >= 0x80 || (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
                      || byte == 0x5F || byte == 0x2D || byte == 0x2E)
                } ?? true
                if isComponent {
                    out += bytes[copied..<hit]
                    out.append(UInt8(ascii: "~"))
                    copied = after
                    homePaths += 1
                }
                guard let found = Bytes.firstOffset(of: home, in: raw, from: after) else { break }
                hit = found
            }
            out += bytes[copied...]
            return String(decoding: out, as: UTF8.self)
        }
    }

    static func slug(_ kind: String) -> String {
        kind.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }.reduce(into: "") { out, c in
            if !(c == "-" && out.last == "-") { out.append(c) }
        }
    }
}
