import Foundation

/// Cutting long text: its start (three quarters of the limit) and end (a quarter) are kept, with a line between
/// that says how much was cut; a tool input keeps its start only.
enum TextCut {
    /// The end of the kept start and the start of the kept end, or nil when the text fits.
    static func bounds(_ text: String, limit: Int, keepEnd: Bool = true) -> (headEnd: String.Index, tailStart: String.Index)? {
        guard limit != .max, text.utf8.count > limit else { return nil }
        let headLength = keepEnd ? limit * 3 / 4 : limit, tailLength = keepEnd ? limit / 4 : 0
        guard let headEnd = text.index(text.startIndex, offsetBy: headLength, limitedBy: text.endIndex) else { return nil }
        let tailStart = text.index(text.endIndex, offsetBy: -tailLength, limitedBy: headEnd) ?? headEnd
        return headEnd < tailStart ? (headEnd, tailStart) : nil
    }

    static func join(head: String, cut: Int, tail: String?) -> String {
        guard let tail else { return "\(head) [… \(cut.formatted()) characters cut …]" }
        return "\(head)\n[… \(cut.formatted()) characters cut …]\n\(tail)"
    }

    /// `text` cut to `limit`, nothing redacted.
    static func cut(_ text: String, to limit: Int, keepEnd: Bool = true) -> String {
        guard let (headEnd, tailStart) = bounds(text, limit: limit, keepEnd: keepEnd) else { return text }
        return join(head: String(text[..<headEnd]), cut: Bytes.scalarCount(text.utf8[headEnd..<tailStart]),
                    tail: keepEnd ? String(text[tailStart...]) : nil)
    }
}

extension Session {
    /// What a context file keeps of the session: long messages and tool outputs cut, long tool inputs cut to
    /// their start, thinking left out unless asked for, and — through `redactor` — secrets and the home folder
    /// taken out of what is kept. Cutting comes before redaction so that a 50 MB session is scanned only where
    /// its text is kept. Turns and tool calls are all kept, so the counts stay those of the session.
    func kept(_ cuts: ContextFile.Cuts, redactor: inout Redactor) -> Session {
        let readCalls = Set(toolCalls.filter { SessionActivity.readsFile($0.name) }.map(\.id))
        var copy = self
        copy.workingFolder = workingFolder.map { redactor.redact($0) }
        copy.summary = summary.map { redactor.redact($0) }
        copy.title = title.map { redactor.redact($0) }
        copy.tasks = tasks.map { SessionTask(content: redactor.redact($0.content), status: $0.status) }
        copy.turns = turns.map { turn in
            var turn = turn
            turn.blocks = turn.blocks.compactMap { block -> Block? in
                switch block {
                case .text(let text): .text(redactor.keep(text, limit: cuts.message))
                case .thinking(let text): cuts.thinking ? .thinking(redactor.keep(text, limit: cuts.message)) : nil
                case .toolCall(let call):
                    .toolCall(ToolCall(id: call.id, name: call.name, input: redactor.keep(call.input, limit: cuts.toolInput, keepEnd: false)))
                case .toolResult(let id, let output, let isError):
                    .toolResult(id: id, output: redactor.keep(output, limit: readCalls.contains(id) ? cuts.fileOutput : cuts.toolOutput),
                                isError: isError)
                case .image: block
                }
            }
            return turn
        }
        return copy
    }
}
