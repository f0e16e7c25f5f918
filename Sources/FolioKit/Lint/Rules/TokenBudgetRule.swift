/// A prompt over its token budget costs more than its authors intended.
struct TokenBudgetRule: LintRule {
    static let info = LintRuleInfo(
        id: "token-budget", name: "Token budget",
        description: "The body's estimated tokens (characters ÷ 4) must not exceed `max_tokens`, set in the frontmatter or for the whole library under `lint: max_tokens:` in folio.yaml.",
        severity: .warning,
        triggering: [LintExample("---\nmax_tokens: 5\n---\n↓This body is well over twenty characters long.\n")],
        nonTriggering: [LintExample("---\nmax_tokens: 50\n---\nShort enough.\n")])

    func check(_ file: LintFile, _ context: LintContext, _ report: inout FindingCollector) {
        guard let split = file.split else { return }
        var limit = context.maxTokens
        if case .int(let value)? = file.frontmatter?["max_tokens"]?.scalarValue { limit = value }
        guard let limit else { return }
        let tokens = TokenEstimator.estimate(split.body)
        if tokens > limit {
            report.add("about \(tokens) tokens, over the budget of \(limit); shorten the prompt or raise max_tokens", line: split.bodyLine, column: 1)
        }
    }
}
