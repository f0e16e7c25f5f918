/// An include must name a prompt that exists.
struct MissingIncludeRule: LintRule {
    static let info = LintRuleInfo(
        id: "missing-include", name: "Missing include",
        description: "`{{> id}}` must name a prompt of the library; rendering fails otherwise.",
        severity: .error,
        triggering: [LintExample("See ↓{{> nowhere}}\n"), LintExample("See ↓{{> Bad Id}}\n")],
        nonTriggering: [LintExample("See {{> part}}\n", files: ["prompts/part.prompt.md": "part\n"])])

    func check(_ file: LintFile, _ context: LintContext, _ report: inout FindingCollector) {
        for tag in file.scan?.tags ?? [] where tag.kind == .partial || tag.kind == .parent {
            let line = file.fileLine(bodyLine: tag.line)
            guard let id = try? PromptID(tag.name) else {
                report.add("'\(tag.name)' is not a prompt id: \(PromptID.problem(with: tag.name) ?? "")", line: line, column: tag.column)
                continue
            }
            if id != file.id, !context.source.exists(id) {
                report.add("included prompt '\(id)' does not exist (\(id.relativePath))", line: line, column: tag.column)
            }
        }
    }
}
