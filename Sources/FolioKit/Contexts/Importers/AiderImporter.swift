import Foundation

/// Aider: `.aider.chat.history.md` in the repository. `# aider chat started at …` opens a run, `#### ` lines
/// are the user's, `> ` lines are aider's own notices (models, files added, edits applied), and everything
/// else is the assistant's reply.
enum AiderImporter: SessionImporter {
    static let tool = Session.Tool.aider

    static let runMarker = "# aider chat started at "

    static func read(_ path: String) throws -> Session {
        parse(try text(path), folder: (path as NSString).deletingLastPathComponent)
    }

    /// The last run of the history on its own (what the watcher saves as aider's session): from the last
    /// `# aider chat started at …` on, with that start as its session id, so saving the run again updates it.
    static func readLatestRun(_ path: String) throws -> Session {
        let text = try text(path)
        let start = text.range(of: "\n" + runMarker, options: .backwards).map { text.index(after: $0.lowerBound) } ?? text.startIndex
        let run = text[start...]
        var session = parse(String(run), folder: (path as NSString).deletingLastPathComponent)
        if run.hasPrefix(runMarker) {
            let stamp = run.dropFirst(runMarker.count).prefix { $0 != "\n" && $0 != "\r" }.trimmingCharacters(in: .whitespaces)
            session.sessionID = "run-" + stamp.replacingOccurrences(of: " ", with: "T")
        }
        return session
    }

    private static func text(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FolioError(.notFound, "cannot read \(path): no such file, or no permission")
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func parse(_ text: String, folder: String) -> Session {
        var session = Session(tool: tool)
        session.workingFolder = folder
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        var turns: [Turn] = []
        var user: [String] = [], assistant: [String] = []
        var runTime: Date?
        var calls = 0
        /// An edit applied or a command run, kept as a tool call of the current assistant turn.
        func inferredCall(_ name: String, _ input: [String: String]) {
            calls += 1
            let call = ToolCall(id: "aider-\(calls)", name: name, input: JSON.compact(input))
            if let last = turns.indices.last, turns[last].role == .assistant {
                turns[last].blocks.append(.toolCall(call))
            } else {
                turns.append(Turn(role: .assistant, time: runTime, blocks: [.toolCall(call)]))
            }
        }
        func flush() {
            let question = user.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            if !question.isEmpty { turns.append(Turn(role: .user, time: runTime, blocks: [.text(question)])) }
            let answer = assistant.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            if !answer.isEmpty {
                if let last = turns.indices.last, turns[last].role == .assistant, question.isEmpty {
                    turns[last].blocks.append(.text(answer))
                } else {
                    turns.append(Turn(role: .assistant, time: runTime, model: session.models.first, blocks: [.text(answer)]))
                }
            }
            user = []
            assistant = []
        }
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.hasPrefix(runMarker) {
                flush()
                runTime = formatter.date(from: String(line.dropFirst(runMarker.count)).trimmingCharacters(in: .whitespaces))
                session.saw(runTime)
            } else if line.hasPrefix("####") {
                if !assistant.isEmpty { flush() }
                user.append(String(line.dropFirst(4).drop { $0 == " " }).trimmingTrailingSpaces())
            } else if line.hasPrefix(">") {
                if !user.isEmpty || !assistant.isEmpty { flush() }
                let notice = String(line.dropFirst().drop { $0 == " " }).trimmingTrailingSpaces()
                if notice.hasPrefix("Main model: ") {
                    let model = String(notice.dropFirst("Main model: ".count).prefix { $0 != " " })
                    if !session.models.contains(model) { session.models.append(model) }
                } else if notice.hasPrefix("Aider v") {
                    session.toolVersion = String(notice.dropFirst("Aider v".count))
                } else if notice.hasPrefix("Applied edit to ") {
                    inferredCall("Edit", ["file_path": String(notice.dropFirst("Applied edit to ".count))])
                } else if notice.hasPrefix("Running ") {
                    inferredCall("Bash", ["command": String(notice.dropFirst("Running ".count))])
                }
            } else if !user.isEmpty && line.trimmingCharacters(in: .whitespaces).isEmpty && assistant.isEmpty {
                continue
            } else {
                assistant.append(String(line))
            }
        }
        flush()
        session.turns = turns
        return session
    }
}

extension String {
    /// Aider ends its lines with two spaces (a Markdown line break).
    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
