/// A declared variable the prompt never uses is probably a leftover.
struct UnusedVariableRule: LintRule {
    static let info = LintRuleInfo(
        id: "unused-variable", name: "Unused variable",
        description: "A declared variable should be used somewhere in the body or in the prompts it includes; callers otherwise pass values that go nowhere.",
        severity: .warning,
        triggering: [LintExample("---\nvariables:\n- name: a\n- ↓name: b\n---\n{{a}}\n")],
        nonTriggering: [
            LintExample("---\nvariables: [a, flag]\n---\n{{#flag}}{{a}}{{/flag}}\n"),
            LintExample("---\nvariables: [tone]\n---\n{{> part}}\n", files: ["prompts/part.prompt.md": "{{tone}}\n"]),
        ])

    func check(_ file: LintFile, _ context: LintContext, _ report: inout FindingCollector) {
        guard let prompt = file.prompt, !prompt.variables.isEmpty else { return }
        var used = Set<String>()
        for member in context.includeClosure(of: prompt) {
            for tag in TemplateScanner.scan(member.body).tags where [.variable, .section, .invertedSection].contains(tag.kind) {
                used.insert(String(tag.name.split(separator: ".").first ?? ""))
            }
        }
        for variable in prompt.variables where !used.contains(variable.name) {
            let node = file.variableNode(variable.name)
            report.add("variable '\(variable.name)' is declared but never used", line: node.map { file.fileLine($0.mark) } ?? 1,
                       column: node?.mark.column ?? 1)
        }
    }
}
