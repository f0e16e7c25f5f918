/// Trailing spaces and a missing final newline make noisy diffs.
struct WhitespaceRule: LintRule {
    static let info = LintRuleInfo(
        id: "whitespace", name: "Whitespace",
        description: "Lines should not end with spaces or tabs (in Markdown, end a line with a backslash for a hard break), and the file should end with a newline.",
        severity: .warning,
        triggering: [LintExample("Hello↓  \nworld\n"), LintExample("no newline at the end↓")],
        nonTriggering: [LintExample("clean\ntext\n")])

    func check(_ file: LintFile, _ context: LintContext, _ report: inout FindingCollector) {
        guard let text = file.text, !text.isEmpty else { return }
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let content = line.hasSuffix("\r") ? line.dropLast() : line
            guard let last = content.last, last == " " || last == "\t" else { continue }
            let trimmed = content.reversed().drop { $0 == " " || $0 == "\t" }.count
            report.add("trailing whitespace", line: lineNumber, column: trimmed + 1)
        }
        if !text.hasSuffix("\n") {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            report.add("no newline at the end of the file", line: lines.count, column: (lines.last?.count ?? 0) + 1)
        }
    }
}
