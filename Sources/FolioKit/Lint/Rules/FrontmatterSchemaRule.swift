/// Known frontmatter fields must have the right types; unknown keys are kept but worth a look.
struct FrontmatterSchemaRule: LintRule {
    static let info = LintRuleInfo(
        id: "frontmatter-schema", name: "Frontmatter schema",
        description: "Known frontmatter fields must have their types (status one of draft, active, deprecated; tags a list; variables well formed; …). Unknown top-level keys are kept by folio but reported as warnings, in case of a typo.",
        severity: .error,
        triggering: [
            LintExample("---\nstatus: ↓live\n---\nx\n"),
            LintExample("---\ntags: ↓review\n---\nx\n"),
            LintExample("---\ntitle: x\n↓colour: red\n---\nx\n"),
        ],
        nonTriggering: [LintExample("---\ntitle: x\nstatus: active\ntags: [a]\nmetadata:\n  colour: red\n---\nx\n")])

    /// Top-level keys folio knows (`id` and `max_tokens` are read by lint).
    static let known = Set(FrontmatterSchema.canonicalOrder + ["id", "max_tokens"])

    func check(_ file: LintFile, _ context: LintContext, _ report: inout FindingCollector) {
        guard file.yamlError == nil else { return }
        if let error = file.decodeError {
            report.add(error.detail ?? error.message, line: error.line ?? 1, column: error.column ?? 1)
        }
        for pair in file.frontmatter?.pairs ?? [] {
            guard let key = pair.key.text, !Self.known.contains(key) else { continue }
            report.add("unknown key '\(key)' (kept as is; known keys: \(FrontmatterSchema.canonicalOrder.joined(separator: ", ")); put your own under metadata)",
                       line: file.fileLine(pair.key.mark), column: pair.key.mark.column, severity: .warning)
        }
    }
}
