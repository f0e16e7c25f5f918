/// Builds a Mustache body from pieces: text that must render exactly as written, Mustache kept as it is, and
/// variable tags. Used by import, where another tool's text (which has no templating) must not become
/// variables: `{{yyyy-mm-dd}}` in a Cursor rule stays literal, written with a delimiter change
/// (`{{=<% %>=}}`, "Literal braces" in docs/format.md) placed just before the first `{{` that needs it.
struct MustacheText {
    private(set) var text = ""
    /// The delimiters in effect at the end of `text`.
    private var open = "{{", close = "}}"
    /// The delimiters switched to for literal braces: a pair that never occurs in the source.
    private let alternate: (open: String, close: String)

    /// `source` is everything the body will hold; the alternate delimiters are chosen to occur nowhere in it.
    init(avoiding source: String) {
        alternate = Self.alternate(avoiding: source)
    }

    /// Delimiters for literal braces that occur nowhere in `source`.
    static func alternate(avoiding source: String) -> (open: String, close: String) {
        let pairs = [("<%", "%>"), ("[[", "]]"), ("<<", ">>"), ("(%", "%)"), ("<?", "?>"), ("[%", "%]")]
        if let pair = pairs.first(where: { !source.contains($0.0) && !source.contains($0.1) }) { return pair }
        var n = 1
        while source.contains("<%\(n)") || source.contains("\(n)%>") { n += 1 }
        return ("<%\(n)", "\(n)%>")
    }

    /// Each delimiter change in a template: the byte offset after it and the delimiters it sets.
    static func delimiterChanges(_ template: String) -> [(offset: Int, open: String, close: String)] {
        TemplateScanner.scan(template).tags.filter { $0.kind == .setDelimiter }.compactMap { tag in
            var spec = tag.name
            if spec.hasSuffix("=") { spec.removeLast() }
            let parts = spec.split(whereSeparator: { $0 == " " || $0 == "\t" })
            return parts.count == 2 ? (tag.range.upperBound, String(parts[0]), String(parts[1])) : nil
        }
    }

    /// Text rendered exactly as written.
    mutating func literal(_ piece: String) {
        guard open == "{{", let first = piece.range(of: "{{") else {
            text += piece
            return
        }
        text += piece[..<first.lowerBound]
        switchToAlternate()
        text += piece[first.lowerBound...]
    }

    /// A variable tag, in the delimiters in effect.
    mutating func variable(_ name: String) { tag(name) }

    /// A tag (`#name`, `/name`, `name`), in the delimiters in effect.
    mutating func tag(_ inside: String) {
        // `{` just before `{{name}}` would make a triple mustache: change delimiters first.
        if open == "{{", text.hasSuffix("{") { switchToAlternate() }
        text += open + inside + close
    }

    private mutating func switchToAlternate() {
        text += "{{=\(alternate.open) \(alternate.close)=}}"
        open = alternate.open
        close = alternate.close
    }
}
