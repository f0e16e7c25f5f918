/// The body must be valid Mustache.
struct TemplateSyntaxRule: LintRule {
    static let info = LintRuleInfo(
        id: "template-syntax", name: "Template syntax",
        description: "The body must be valid Mustache: every `{{` closed, sections closed in order, no empty tags. To write a literal `{{`, change the delimiters (`{{=<% %>=}}`).",
        severity: .error,
        triggering: [LintExample("↓{{#open}} never closed\n"), LintExample("text ↓{{name\n"), LintExample("{{#a}}{{#b}}↓{{/a}}{{/b}}\n")],
        nonTriggering: [LintExample("{{#a}}{{b}}{{/a}} {{=<% %>=}}literal {{braces}}\n")])

    func check(_ file: LintFile, _ context: LintContext, _ report: inout FindingCollector) {
        for error in file.scan?.errors ?? [] {
            report.add(error.message, line: file.fileLine(bodyLine: error.line), column: error.column)
        }
    }
}
