/// A prompt with no body renders nothing.
struct EmptyBodyRule: LintRule {
    static let info = LintRuleInfo(
        id: "empty-body", name: "Empty body",
        description: "The body after the frontmatter should not be empty or blank.",
        severity: .warning,
        triggering: [LintExample("---\ntitle: x\n---\n↓"), LintExample("---\ntitle: x\n---\n↓\n  \n")],
        nonTriggering: [LintExample("---\ntitle: x\n---\nDo the thing.\n")])

    func check(_ file: LintFile, _ context: LintContext, _ report: inout FindingCollector) {
        guard let split = file.split, split.body.allSatisfy(\.isWhitespace) else { return }
        report.add("the body is empty; write the prompt after the closing ---", line: split.bodyLine, column: 1)
    }
}
