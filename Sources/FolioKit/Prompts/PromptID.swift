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

    /// The rule `text` breaks, or nil when it is a valid id.
    static func problem(with text: String) -> String? {
        if isPlainlyValid(text) { return nil }
        if text.isEmpty { return "an id cannot be empty" }
        if text.hasPrefix("/") { return "ids are relative paths under prompts/; remove the leading '/'" }
        if text.hasSuffix(fileSuffix) { return "leave out the '\(fileSuffix)' suffix: '\(text.dropLast(fileSuffix.count))'" }
        if text.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == ".." || $0 == "." }) {
            return "'.' and '..' are not allowed: an id cannot leave the prompts/ folder"
        }
        if text.hasSuffix("/") { return "an id cannot end with '/'" }
        if text.contains("//") { return "an id cannot contain an empty segment ('//')" }
        if text.utf8.count > 200 { return "an id is at most 200 characters" }
        if text.contains(where: { $0.isUppercase }) {
            return "ids are lowercase: try '\(text.lowercased())'"
        }
        if let bad = text.first(where: { !Self.allowed($0) }) {
            let shown = bad == " " ? "space" : "'\(bad)'"
            return "\(shown) is not allowed; use lowercase letters, digits, '-', '_' and '/' between segments"
        }
        if let segment = text.split(separator: "/").first(where: { !($0.first?.isLetter == true || $0.first?.isNumber == true) }) {
            return "each segment must start with a letter or a digit ('\(segment)' does not)"
        }
        return nil
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
