/// Including a deprecated prompt keeps it alive.
struct DeprecatedIncludeRule: LintRule {
    static let info = LintRuleInfo(
        id: "deprecated-include", name: "Deprecated include",
        description: "A prompt should not include one whose status is deprecated; move to its replacement.",
        severity: .warning,
        triggering: [LintExample("↓{{> old}}\n", files: ["prompts/old.prompt.md": "---\nstatus: deprecated\n---\nold\n"])],
        nonTriggering: [LintExample("{{> current}}\n", files: ["prompts/current.prompt.md": "---\nstatus: active\n---\nnew\n"])])

    func check(_ file: LintFile, _ context: LintContext, _ report: inout FindingCollector) {
        for tag in file.scan?.tags ?? [] where tag.kind == .partial || tag.kind == .parent {
            guard let id = try? PromptID(tag.name), id != file.id, let included = context.prompt(id),
                  included.effectiveStatus == .deprecated else { continue }
            report.add("'\(id)' is deprecated\(included.description.map { ": \($0)" } ?? "")",
                       line: file.fileLine(bodyLine: tag.line), column: tag.column)
        }
    }
}
