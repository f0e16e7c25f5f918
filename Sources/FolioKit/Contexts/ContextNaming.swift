import Foundation

/// A context's title and id: read and typed by people, so short, and cut where words or sentences end.
enum ContextNaming {
    /// Titles longer than this are cut (at a sentence's end, or else at a word boundary with an ellipsis).
    static let titleLimit = 72
    /// A slug has at most this many words and characters.
    static let slugWords = 4
    static let slugLimit = 40

    /// The session's title: the one its tool gave it (a name the user chose, a generated title, a summary), else
    /// its first request; shortened.
    static func title(of session: Session) -> String {
        if let own = session.title.map({ title(fromText: $0) }), !own.isEmpty { return own }
        let requests = session.turns.filter { $0.role == .user && !$0.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        // Tools wrap some requests in their own tags (`<command-name>`, `<system-reminder>`): a plain one reads better.
        let request = requests.first { !$0.text.drop { $0.isWhitespace }.hasPrefix("<") } ?? requests.first
        if let text = request.map({ title(fromText: $0.text) }), !text.isEmpty { return text }
        if let summary = session.summary.map({ title(fromText: $0) }), !summary.isEmpty { return summary }
        return "Session \(session.sessionID ?? "")".trimmingCharacters(in: .whitespaces)
    }

    /// The first line of `text` that says something, without Markdown heading marks, cut to `titleLimit`:
    /// at the end of its first sentence when that is long enough to be a title, else at the last word boundary,
    /// with `…`.
    static func title(fromText text: String) -> String {
        guard let first = text.split(whereSeparator: \.isNewline).lazy
            .map({ $0.trimmingCharacters(in: .whitespaces) }).first(where: { !$0.isEmpty }) else { return "" }
        var line = Substring(first)
        if line.hasPrefix("#") { line = line.drop { $0 == "#" }.drop { $0 == " " } }
        let words = line.split(whereSeparator: \.isWhitespace)
        let collapsed = words.joined(separator: " ")
        guard collapsed.count > titleLimit else { return collapsed }
        // The end of a sentence within the limit, if the sentence is long enough to say what the session is.
        var end: String.Index?
        var index = collapsed.startIndex
        var count = 0
        while index < collapsed.endIndex, count < titleLimit {
            let next = collapsed.index(after: index)
            if ".?!".contains(collapsed[index]), next < collapsed.endIndex, collapsed[next] == " ", count >= 16 { end = next }
            index = next
            count += 1
        }
        if let end { return String(collapsed[..<end]) }
        // The last word boundary within the limit (one character is left for the ellipsis).
        let limit = collapsed.index(collapsed.startIndex, offsetBy: titleLimit)
        var cut = collapsed[..<limit]
        if collapsed[limit] != " ", let space = cut.lastIndex(of: " "), collapsed.distance(from: collapsed.startIndex, to: space) >= titleLimit / 2 {
            cut = cut[..<space]
        }
        while let last = cut.last, ",;:-–—(".contains(last) || last == " " { cut = cut.dropLast() }
        return cut + "…"
    }

    /// Words that say little in an id.
    static let stopWords: Set<String> = ["a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "with", "by", "from", "is", "are",
                                         "be", "please", "can", "could", "would", "will", "you", "me", "my", "i", "we", "us", "it", "its",
                                         "this", "that", "help", "lets", "let", "s", "some"]

    /// `fix-flaky-login-test`: up to four words of the title (lower case, ASCII, little words left out), at most
    /// 40 characters, cut between words.
    static func slug(_ title: String) -> String {
        let folded = title.lowercased().folding(options: .diacriticInsensitive, locale: nil)
        let words = folded.split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }.map(String.init)
        let meaningful = words.filter { !stopWords.contains($0) }
        var slug = ""
        for word in (meaningful.isEmpty ? words : meaningful).prefix(slugWords) {
            if slug.isEmpty {
                slug = String(word.prefix(slugLimit))
            } else if slug.count + 1 + word.count <= slugLimit {
                slug += "-" + word
            } else {
                break
            }
        }
        return slug.isEmpty ? "session" : slug
    }
}
