import Foundation

/// Takes secrets and the home folder out of a session before anything is written, with the same detector as
/// the secret-detected lint rule, and counts what it took.
struct Redactor {
    let home: String?
    private(set) var counts: [String: Int] = [:]
    private(set) var homePaths = 0

    init(home: String?) {
        self.home = home.flatMap { $0.count > 1 ? ($0.hasSuffix("/") ? String($0.dropLast()) : $0) : nil }
    }

    /// What was redacted, for the report: `2 AWS access keys`, `home folder (14 places)`.
    var report: [String] {
        counts.sorted { $0.key < $1.key }.map { "\($0.value) × \($0.key)" } + (homePaths > 0 ? ["\(homePaths) × home folder → ~"] : [])
    }

    mutating func redact(_ text: String) -> String {
        guard !text.isEmpty else { return text }
        var result = text
        let matches = SecretScanner.scan(text)
        if !matches.isEmpty {
            // Replace from the end so earlier ranges stay valid; a private key goes with its whole block.
            var ranges: [(Range<String.Index>, String)] = []
            for match in matches {
                var range = match.range
                if match.kind == "private key", let end = text.range(of: "PRIVATE KEY-----", range: range.upperBound..<text.endIndex),
                   let close = text.range(of: "-----END", range: range.upperBound..<text.endIndex), close.lowerBound < end.lowerBound {
                    range = range.lowerBound..<end.upperBound
                }
                if let last = ranges.last, last.0.overlaps(range) { continue }
                ranges.append((range, match.kind))
            }
            for (range, kind) in ranges.sorted(by: { $0.0.lowerBound > $1.0.lowerBound }) {
                result.replaceSubrange(range, with: "[REDACTED:\(Self.slug(kind))]")
                counts[kind, default: 0] += 1
            }
        }
        if let home, result.contains(home) {
            let parts = result.components(separatedBy: home)
            var out = parts[0]
            for part in parts.dropFirst() {
                // Only where the home folder is a whole path component (`/home/ada`, not `/home/adam`).
                if part.isEmpty || part.first == "/" || part.first.map({ !$0.isLetter && !$0.isNumber && $0 != "_" && $0 != "-" && $0 != "." }) == true {
                    out += "~" + part
                    homePaths += 1
                } else {
                    out += home + part
                }
            }
            result = out
        }
        return result
    }

    static func slug(_ kind: String) -> String {
        kind.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }.reduce(into: "") { out, c in
            if !(c == "-" && out.last == "-") { out.append(c) }
        }
    }

    /// Every text of the session, redacted.
    mutating func redact(_ session: Session) -> Session {
        var copy = session
        copy.workingFolder = session.workingFolder.map { redact($0) }
        copy.summary = session.summary.map { redact($0) }
        copy.title = session.title.map { redact($0) }
        copy.tasks = session.tasks.map { SessionTask(content: redact($0.content), status: $0.status) }
        copy.turns = session.turns.map { turn in
            var turn = turn
            turn.blocks = turn.blocks.map { block in
                switch block {
                case .text(let text): .text(redact(text))
                case .thinking(let text): .thinking(redact(text))
                case .toolCall(let call): .toolCall(ToolCall(id: call.id, name: call.name, input: redact(call.input)))
                case .toolResult(let id, let output, let isError): .toolResult(id: id, output: redact(output), isError: isError)
                case .image(let reference): .image(reference)
                }
            }
            return turn
        }
        return copy
    }
}
