/// `required: true` with a default: the default is never used.
struct RequiredWithDefaultRule: LintRule {
    static let info = LintRuleInfo(
        id: "required-with-default", name: "Required with a default",
        description: "A variable marked `required: true` that also has a `default` contradicts itself: callers must pass it, so the default is never used. Drop one of them.",
        severity: .warning,
        triggering: [LintExample("---\nvariables:\n- name: a\n  required: ↓true\n  default: x\n---\n{{a}}\n")],
        nonTriggering: [LintExample("---\nvariables:\n- name: a\n  default: x\n---\n{{a}}\n")])

    func check(_ file: LintFile, _ context: LintContext, _ report: inout FindingCollector) {
        for variable in file.prompt?.variables ?? [] where variable.required == true && variable.defaultValue != nil {
            let node = file.variableNode(variable.name)?["required"]
            report.add("'\(variable.name)' is required and has a default, which is then never used; remove `required: true` or the default",
                       line: node.map { file.fileLine($0.mark) } ?? 1, column: node?.mark.column ?? 1)
        }
    }
}
