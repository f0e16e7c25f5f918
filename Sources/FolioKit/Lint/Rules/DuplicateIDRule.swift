/// Two files must not claim the same id.
struct DuplicateIDRule: LintRule {
    static let info = LintRuleInfo(
        id: "duplicate-id", name: "Duplicate id",
        description: "An `id:` in the frontmatter must not name another prompt of the library, and two files must not declare the same id.",
        severity: .error,
        triggering: [LintExample("---\nid: ↓other\n---\nx\n", files: ["prompts/other.prompt.md": "other\n"])],
        nonTriggering: [LintExample("---\nid: example\n---\nx\n", files: ["prompts/other.prompt.md": "other\n"])])

    func check(_ file: LintFile, _ context: LintContext, _ report: inout FindingCollector) {
        // A template's `id:` is id-matches-path's finding: a template has none.
        guard !file.isTemplate, let node = file.frontmatter?["id"], let declared = node.text, declared != file.id?.rawValue else { return }
        if let other = try? PromptID(declared), context.source.exists(other) {
            report.add("'\(declared)' is already the id of \(other.relativePath)", line: file.fileLine(node.mark), column: node.mark.column)
            return
        }
        let others = context.declaredIDs.filter { $0.key != file.relativePath && $0.value.contains(declared) }.keys.sorted()
        if let first = others.first {
            report.add("'\(declared)' is also declared by \(first)", line: file.fileLine(node.mark), column: node.mark.column)
        }
    }
}
