import Foundation

/// A prompt's id: its path under `prompts/` without the `.prompt.md` suffix (`review/security`).
public struct PromptID: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public let rawValue: String

    /// The suffix every prompt file has.
    public static let fileSuffix = ".prompt.md"

    /// Validates an id, saying which rule it breaks.
    public init(_ text: String) throws {
        if let problem = Self.problem(with: text) {
            throw FolioError(.invalidInput, "invalid prompt id '\(text)': \(problem)")
        }
        rawValue = text
    }

    init(unchecked text: String) {
        rawValue = text
    }

    public var description: String { rawValue }

    /// The file path relative to the library root: `prompts/review/security.prompt.md`.
    public var relativePath: String { "prompts/\(rawValue)\(Self.fileSuffix)" }

    /// The last segment (`security`).
    public var name: String { String(rawValue.split(separator: "/").last ?? Substring(rawValue)) }

    public static func < (lhs: PromptID, rhs: PromptID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The rule `text` breaks, or nil when it is a valid id; with a valid id to use instead when one can be made.
    static func problem(with text: String) -> String? {
        if isPlainlyValid(text) { return nil }
        guard let rule = brokenRule(text) else { return nil }
        guard let suggestion = suggestion(for: text) else { return rule }
        return "\(rule); try '\(suggestion)'"
    }

    /// The first rule `text` breaks.
    static func brokenRule(_ text: String) -> String? {
        if text.isEmpty { return "an id cannot be empty" }
        if text.hasPrefix("/") { return "ids are relative paths under prompts/; remove the leading '/'" }
        if text.hasSuffix(fileSuffix) { return "leave out the '\(fileSuffix)' suffix" }
        if text.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == ".." || $0 == "." }) {
            return "'.' and '..' are not allowed: an id cannot leave the prompts/ folder"
        }
        if text.hasSuffix("/") { return "an id cannot end with '/'" }
        if text.contains("//") { return "an id cannot contain an empty segment ('//')" }
        if text.utf8.count > 200 { return "an id is at most 200 characters" }
        if text.contains(where: { $0.isUppercase }) { return "ids are lowercase" }
        if let bad = text.first(where: { !Self.allowed($0) }) {
            let shown = bad == " " ? "space" : "'\(bad)'"
            return "\(shown) is not allowed; use lowercase letters, digits, '-', '_' and '/' between segments"
        }
        if let segment = text.split(separator: "/").first(where: { !($0.first?.isLetter == true || $0.first?.isNumber == true) }) {
            return "each segment must start with a letter or a digit ('\(segment)' does not)"
        }
        return nil
    }

    /// A valid id close to what `text` means (`Support/Reply Email` → `support/reply-email`,
    /// `prompts/bug-fix.prompt.md` → `bug-fix`), or nil when nothing usable is left. It is what every "try '…'"
    /// in folio's messages offers.
    public static func suggestion(for text: String) -> PromptID? {
        var path = text.trimmingCharacters(in: .whitespacesAndNewlines)
        // A file path: the id is what lies between prompts/ and the suffix.
        if path.hasSuffix(fileSuffix) {
            path = String(path.dropLast(fileSuffix.count))
            if let range = path.range(of: "prompts/") { path = String(path[range.upperBound...]) }
        }
        let folded = path.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: Locale(identifier: "en_US_POSIX")).lowercased()
        var segments: [String] = []
        for part in folded.split(separator: "/", omittingEmptySubsequences: true) where part != "." && part != ".." {
            // Runs of anything not allowed become one '-'; a segment starts and ends with a letter or a digit.
            var segment = ""
            for character in part {
                if character.isASCII && (character.isLetter || character.isNumber || character == "_") {
                    segment.append(character)
                } else if segment.last != "-" {
                    segment.append("-")
                }
            }
            let trimmed = segment.drop { $0 == "-" || $0 == "_" }.reversed().drop { $0 == "-" }.reversed()
            if !trimmed.isEmpty { segments.append(String(trimmed)) }
        }
        var id = segments.joined(separator: "/")
        if id.utf8.count > 200 {
            id = String(id.prefix(200))  // ASCII by now: a character is a byte
            while let last = id.last, last == "/" || last == "-" || last == "_" { id.removeLast() }
        }
        guard !id.isEmpty, problem(with: id) == nil, id != text else { return nil }
        return PromptID(unchecked: id)
    }

    /// What is wrong with a file under prompts/ named `name` (without the suffix), which is not a valid id, and the
    /// rename that fixes it: lint and the search index say it in the same words.
    static func invalidFileName(_ name: String) -> String {
        "'\(name)' is not a valid prompt id: \(brokenRule(name) ?? "not a valid id"); "
            + "rename it with: folio mv \(shellQuoted(name)) \(suggestion(for: name)?.rawValue ?? "NEW-ID")"
    }

    /// `text` as one shell word: as it is when that is safe, else in single quotes.
    static func shellQuoted(_ text: String) -> String {
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_/.@%+=:,".contains($0)) }) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The common case, checked on bytes: segments of [a-z0-9_-] starting with a letter or digit, joined by
    /// single slashes. Anything else goes through the rules one by one to find the one it breaks.
    private static func isPlainlyValid(_ text: String) -> Bool {
        let bytes = text.utf8
        guard !bytes.isEmpty, bytes.count <= 200, !text.hasSuffix(fileSuffix) else { return false }
        var segmentStart = true
        for byte in bytes {
            let letterOrDigit = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            if segmentStart {
                guard letterOrDigit else { return false }
                segmentStart = false
            } else if byte == 0x2F {
                segmentStart = true
            } else if !(letterOrDigit || byte == 0x2D || byte == 0x5F) {
                return false
            }
        }
        return !segmentStart
    }

    private static func allowed(_ c: Character) -> Bool {
        guard c.isASCII else { return false }
        return (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c == "-" || c == "_" || c == "/"
    }

    /// The id of a file path relative to the library root, or nil when the path is not a prompt file.
    static func fromRelativePath(_ path: String) -> PromptID? {
        guard path.hasPrefix("prompts/"), path.hasSuffix(fileSuffix) else { return nil }
        let id = String(path.dropFirst("prompts/".count).dropLast(fileSuffix.count))
        return problem(with: id) == nil ? PromptID(unchecked: id) : nil
    }
}
