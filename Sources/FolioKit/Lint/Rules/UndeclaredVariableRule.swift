/// A variable the body uses must be declared (here or in an included prompt).
struct UndeclaredVariableRule: LintRule {
    static let info = LintRuleInfo(
        id: "undeclared-variable", name: "Undeclared variable",
        description: "A variable used in the body outside any section ({{name}}, {{#name}}) must be declared under `variables`, by this prompt or by one it includes. Names inside a section may be fields of list items and are not checked.",
        severity: .error,
        triggering: [LintExample("---\nvariables: [a]\n---\n{{a}} and ↓{{b}}\n")],
        nonTriggering: [
            LintExample("---\nvariables: [a, items]\n---\n{{a}} {{#items}}{{name}}{{/items}}\n"),
            LintExample("{{> part}}\n{{tone}}\n", files: ["prompts/part.prompt.md": "---\nvariables: [tone]\n---\n{{tone}}\n"]),
        ])

    func check(_ file: LintFile, _ context: LintContext, _ report: inout FindingCollector) {
        guard let prompt = file.prompt, let scan = file.scan else { return }
        let declared = Set(context.includeClosure(of: prompt).flatMap { $0.variables.map(\.name) })
        var reported = Set<String>()
        for tag in scan.tags where tag.enclosingSections.isEmpty && [.variable, .section, .invertedSection].contains(tag.kind) && tag.name != "." {
            let name = String(tag.name.split(separator: ".").first ?? "")
            guard !name.isEmpty, !declared.contains(name), reported.insert(name).inserted else { continue }
            report.add("'\(name)' is used but not declared; add it under variables (- name: \(name))",
                       line: file.fileLine(bodyLine: tag.line), column: tag.column)
        }
    }
}
