import Foundation

/// A notes file or a pasted transcript. Speaker markers split it into turns when it has them —
/// `User:` / `Assistant:` (also `Human:`, `AI:`, `Claude:`), `## User`, `**User:**`, `> User:` — otherwise the
/// whole text is one user turn. A first `# Heading` is the title.
enum MarkdownImporter: SessionImporter {
    static let tool = Session.Tool.markdown

    static func read(_ path: String) throws -> Session {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FolioError(.notFound, "cannot read \(path): no such file, or no permission")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw FolioError(.invalidInput, "\(path) is not UTF-8 text; folio imports Markdown notes and transcripts as text")
        }
        // Markdown is for text: JSON that no importer recognised (a package.json, a tool's own data) is not a session.
        if let first = data.first(where: { !Set(" \t\r\n".utf8).contains($0) }), first == UInt8(ascii: "{") || first == UInt8(ascii: "["),
           case let parsed = JSON.parse(data), parsed is JSONObject || parsed is [Any] {
            throw FolioError(.invalidInput, "\(path) is JSON, but not a session format folio reads. folio reads "
                             + SessionImporters.formats + "; if it is one of these, name its tool with --from")
        }
        var session = parse(text)
        session.sessionID = (path as NSString).lastPathComponent
        if let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date {
            session.created = modified
            session.updated = modified
        }
        return session
    }

    static func parse(_ text: String) -> Session {
        var session = Session(tool: tool)
        var role: Turn.Role?
        var lines: [Substring] = []
        var preamble: [Substring] = []
        func flush() {
            let body = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            if let role, !body.isEmpty { session.turns.append(Turn(role: role, blocks: [.text(body)])) }
            lines = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if session.title == nil, role == nil, line.hasPrefix("# ") {
                session.title = String(line.dropFirst(2)).trimmingCharacters(in: .whitespaces)
                continue
            }
            if let (speaker, rest) = speaker(line) {
                flush()
                role = speaker
                if !rest.isEmpty { lines.append(rest) }
            } else if role == nil {
                preamble.append(line)
            } else {
                lines.append(line)
            }
        }
        flush()
        let notes = preamble.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        if !notes.isEmpty {
            if session.turns.isEmpty { session.turns = [Turn(role: .user, blocks: [.text(notes)])] } else { session.summary = notes }
        }
        return session
    }

    private static let users = ["user", "human", "me", "you"]
    private static let assistants = ["assistant", "ai", "claude", "chatgpt", "gpt", "gemini", "codex", "copilot", "model", "bot"]

    /// `User: text`, `## Assistant`, `**User:** text`, `> Human: text`.
    static func speaker(_ line: Substring) -> (Turn.Role, Substring)? {
        var rest = line.drop { $0 == ">" || $0 == " " }
        var heading = false
        if rest.hasPrefix("#") { rest = rest.drop { $0 == "#" }.drop { $0 == " " }; heading = true }
        let bold = rest.hasPrefix("**")
        if bold { rest = rest.dropFirst(2) }
        let word = rest.prefix { $0.isLetter }
        guard !word.isEmpty else { return nil }
        var after = rest.dropFirst(word.count)
        if bold, after.hasPrefix(":**") { after = after.dropFirst(3) } else if bold, after.hasPrefix("**:") { after = after.dropFirst(3) }
        else if bold, after.hasPrefix("**") { after = after.dropFirst(2) } else if after.hasPrefix(":") { after = after.dropFirst() }
        else if !(heading && after.trimmingCharacters(in: .whitespaces).isEmpty) { return nil }
        let name = word.lowercased()
        let role: Turn.Role? = users.contains(name) ? .user : assistants.contains(name) ? .assistant : nil
        guard let role else { return nil }
        return (role, after.drop { $0 == " " })
    }
}
