/// A variable the body uses must be declared (here or in an included prompt): rendering refuses it otherwise. The
/// rule and the renderer share one definition, VariableScope.
struct UndeclaredVariableRule: LintRule {
    static let info = LintRuleInfo(
        id: "undeclared-variable", name: "Undeclared variable",
        description: "A name the body reads ({{name}}, {{#name}}, {{^name}}, also inside sections) must be declared under `variables`, by this prompt or by one it includes; rendering fails otherwise. Inside {{#name}}…{{/name}} over a list or an object, names may be fields of the item and are not checked. Names in an included prompt are checked where it is included (reported at the include); a prompt marked `partial: true` may use names the prompts including it declare. A name that cannot be a variable (`{{yyyy-mm-dd}}`) was meant as text: the message points to literal braces, `{{=<% %>=}}` (see format.md).",
        severity: .error,
        triggering: [
            LintExample("---\nvariables: [a]\n---\n{{a}} and ↓{{b}}\n"),
            LintExample("---\nvariables: [ticket, urgent]\n---\n{{#urgent}}Now: ↓{{tikcet}}{{/urgent}}{{^urgent}}Later: {{ticket}}{{/urgent}}\n"),
            LintExample("---\nvariables: [a]\n---\n{{a}}\n↓{{> part}}\n", files: ["prompts/part.prompt.md": "---\npartial: true\n---\n{{tone}}\n"]),
            LintExample("Reply by ↓{{yyyy-mm-dd}}.\n"),
        ],
        nonTriggering: [
            LintExample("---\nvariables:\n- a\n- name: items\n  type: list\n---\n{{a}} {{#items}}{{name}}{{/items}}\n"),
            LintExample("---\nvariables:\n- name: files\n  type: list\n- name: owner\n  type: object\n---\n{{#files}}- {{.}} by {{owner.name}}\n{{/files}}{{#owner}}{{email}}{{/owner}}\n"),
            LintExample("{{> part}}\n{{tone}}\n", files: ["prompts/part.prompt.md": "---\nvariables: [tone]\n---\n{{tone}}\n"]),
            LintExample("---\npartial: true\n---\nBe {{tone}}.\n"),
            LintExample("{{=<% %>=}}\nReply by {{yyyy-mm-dd}}.\n"),
            LintExample("---\nvariables:\n- name: rows\n  type: list\n---\n{{#rows}}{{> row}}{{/rows}}\n", files: ["prompts/row.prompt.md": "---\npartial: true\n---\n{{name}}\n"]),
        ])

    func check(_ file: LintFile, _ context: LintContext, _ report: inout FindingCollector) {
        // A partial is checked where it is included: the prompts including it may declare what it reads.
        guard let prompt = file.prompt, !prompt.partial else { return }
        for name in VariableScope.undeclared(in: context.includeClosure(of: prompt)) {
            guard let include = name.include else {
                report.add(name.message(), line: file.fileLine(bodyLine: name.line), column: name.column)
                continue
            }
            // Reported at the include, in this file; the message names the line in the included one.
            let body = context.source.data(name.prompt.relativePath)
                .flatMap { try? PromptCodec.split(String(decoding: $0, as: UTF8.self), path: name.prompt.relativePath) }
            report.add(name.message(atIncludeWithLine: name.line + (body?.bodyLine ?? 1) - 1),
                       line: file.fileLine(bodyLine: include.line), column: include.column)
        }
    }
}
