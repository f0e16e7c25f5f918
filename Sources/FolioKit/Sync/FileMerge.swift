import Foundation
internal import Git
internal import YAML

/// Merges a prompt or context file that both sides of a sync changed: the frontmatter key by key (a key only
/// one side changed takes that side's value; a key both changed to different values is a conflict), the body by
/// git's three-way text merge. Each key keeps its text as written (comments, quoting, multi-line values).
enum FileMerge {
    /// The merged file, with conflict markers around each conflicting key or body hunk when `clean` is false;
    /// nil when the file has no frontmatter on every side (git's own line merge then stands).
    static func merge(base: Data?, ours: Data, theirs: Data, ourLabel: String, theirLabel: String) throws -> TextMerge? {
        let texts = [base, ours, theirs].map { $0.map { String(decoding: $0, as: UTF8.self) } }
        guard let our = Parts(texts[1]!), let their = Parts(texts[2]!) else { return nil }
        let ancestor = texts[0].map(Parts.init) ?? Parts.empty
        guard let ancestor else { return nil }
        var clean = true
        var lines = "---\n"
        for key in mergedKeyOrder(ancestor: ancestor, ours: our, theirs: their) {
            let (b, o, t) = (ancestor.entries[key], our.entries[key], their.entries[key])
            if o == t { lines += o ?? "" }
            else if b == o { lines += t ?? "" }
            else if b == t { lines += o ?? "" }
            else {
                clean = false
                lines += "<<<<<<< \(ourLabel)\n\(o ?? "")=======\n\(t ?? "")>>>>>>> \(theirLabel)\n"
            }
        }
        lines += "---\n"
        let body = try Repository.mergeText(ancestor: ancestor.body, ours: our.body, theirs: their.body,
                                            ourLabel: ourLabel, theirLabel: theirLabel)
        var text = lines + body.text
        if our.crlf { text = text.replacingOccurrences(of: "\n", with: "\r\n") }
        if our.bom { text = "\u{FEFF}" + text }
        return TextMerge(text: text, clean: clean && body.clean)
    }

    /// Ours' keys in ours' order, each key only theirs has placed after the key it follows in theirs.
    private static func mergedKeyOrder(ancestor: Parts, ours: Parts, theirs: Parts) -> [String] {
        var order = ours.order
        for (position, key) in theirs.order.enumerated() where !order.contains(key) {
            let after = theirs.order[..<position].last { order.contains($0) }
            order.insert(key, at: after.flatMap { order.firstIndex(of: $0).map { $0 + 1 } } ?? 0)
        }
        // A key the ancestor had and both sides removed stays removed; one side's removal is decided per key.
        for key in ancestor.order where !order.contains(key) { order.append(key) }
        return order
    }

    /// A file's frontmatter split into top-level entries (the key's lines, with the comments and blank lines
    /// after it) and its body. The lines before the first key are the entry "".
    private struct Parts {
        var order: [String] = []
        var entries: [String: String] = [:]
        var body = ""
        var crlf = false
        var bom = false

        static let empty = Parts()

        private init() {}

        init?(_ text: String) {
            guard let split = try? PromptCodec.split(text, path: ""), let frontmatter = split.frontmatter else { return nil }
            body = split.body
            crlf = split.lineEnding == .crlf
            bom = split.hasByteOrderMark
            guard let root = try? YAMLParser(mode: .strict).parse(frontmatter).root else {
                if frontmatter.allSatisfy(\.isWhitespace) { return }
                return nil
            }
            guard case .mapping(let pairs, .block) = root.content else { return nil }
            var lines = frontmatter.split(separator: "\n", omittingEmptySubsequences: false).map { $0 + "\n" }
            if lines.last == "\n" { lines.removeLast() }  // the text's final newline made an empty last line
            let starts = pairs.map { $0.key.mark.line - 1 }
            guard starts.allSatisfy({ $0 >= 0 && $0 < lines.count }), starts == starts.sorted() else { return nil }
            if starts.first.map({ $0 > 0 }) == true {
                order.append("")
                entries[""] = lines[0..<starts[0]].joined()
            }
            for (index, pair) in pairs.enumerated() {
                guard let key = pair.key.text else { return nil }
                let end = index + 1 < starts.count ? starts[index + 1] : lines.count
                order.append(key)
                entries[key] = lines[starts[index]..<end].joined()
            }
        }
    }
}
