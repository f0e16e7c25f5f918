/// A prompt or context file must be UTF-8 text of reasonable size; anything else is reported and not analysed
/// further.
struct FileReadableRule: LintRule {
    static let info = LintRuleInfo(
        id: "file-readable", name: "File readable",
        description: "A prompt file must be UTF-8 text without NUL bytes and at most 1 MB (a context file at most 64 MB); other files are reported and skipped by the other rules.",
        severity: .error,
        triggering: [LintExample("↓Hello\u{0}world\n")],
        nonTriggering: [LintExample("Hello world\n")],
        kinds: [.prompt, .context])

    func check(_ file: LintFile, _ context: LintContext, _ report: inout FindingCollector) {
        // Files larger than the limit are not analysed (the search index lists them as invalid, with this message).
        if let problem = file.kind.sizeProblem(file.data.count) {
            report.add(problem, line: 1, column: 1)
        } else if file.text == nil {
            let binary = file.data.contains(0)
            report.add(binary ? "the file is binary (it contains NUL bytes), not a \(file.kind.rawValue)" : "the file is not valid UTF-8 text; save it as UTF-8",
                       line: 1, column: 1)
        }
    }
}
