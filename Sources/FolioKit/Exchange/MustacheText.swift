/// Builds a Mustache body from pieces: text that must render exactly as written, and tags (in the delimiters in
/// effect). Used by import, where another tool's text (which has no templating) must not become
/// variables: `{{yyyy-mm-dd}}` in a Cursor rule stays literal, written with a delimiter change
/// (`{{=<% %>=}}`, "Literal braces" in docs/format.md) placed just before the first `{{` that needs it.
struct MustacheText {
    private(set) var text = ""
    /// Whether literal braces made a delimiter change.
    private(set) var changedDelimiters = false
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
        changedDelimiters = true
        open = alternate.open
        close = alternate.close
    }
}
