/// The frontmatter must be valid YAML, closed by a `---` line.
struct YAMLSyntaxRule: LintRule {
    static let info = LintRuleInfo(
        id: "yaml-syntax", name: "YAML syntax",
        description: "The frontmatter must be valid YAML (no duplicate keys, anchors or aliases) between two `---` lines. Reported at the line and column of the problem.",
        severity: .error,
        triggering: [
            LintExample("---\ntitle: ok\nglobs: ↓*.ts\n---\nbody\n"),
            LintExample("---\ntitle: a\n↓title: b\n---\nbody\n"),
            LintExample("↓---\ntitle: never closed\n"),
        ],
        nonTriggering: [LintExample("---\ntitle: ok\nglobs: \"*.ts\"\n---\nbody\n"), LintExample("No frontmatter at all.\n")],
        kinds: [.prompt, .context])

    func check(_ file: LintFile, _ context: LintContext, _ report: inout FindingCollector) {
        if let error = file.splitError {
            report.add(error.detail ?? error.message, line: error.line ?? 1, column: error.column ?? 1)
        }
        if let error = file.yamlError {
            report.add(error.message(lineOffset: (file.split?.frontmatterLine ?? 1) - 1), line: file.fileLine(error.mark), column: error.mark.column)
        }
    }
}
