/// A prompt's id is its path; an `id:` in the frontmatter must agree.
struct IDMatchesPathRule: LintRule {
    static let info = LintRuleInfo(
        id: "id-matches-path", name: "Id matches path",
        description: "A prompt lives at prompts/<id>.prompt.md, with an id of lowercase letters, digits, '-', '_' and '/'. An `id:` in the frontmatter, when present, must equal the id its path gives.",
        severity: .error,
        triggering: [
            LintExample("↓Hello\n", path: "prompts/Review Code.prompt.md"),
            LintExample("---\nid: ↓other\n---\nx\n"),
        ],
        nonTriggering: [LintExample("---\nid: example\n---\nx\n"), LintExample("x\n", path: "prompts/review/security.prompt.md")])

    func check(_ file: LintFile, _ context: LintContext, _ report: inout FindingCollector) {
        guard let id = file.id else {
            let relative = file.relativePath
            if relative.hasPrefix("prompts/"), relative.hasSuffix(PromptID.fileSuffix) {
                let text = String(relative.dropFirst("prompts/".count).dropLast(PromptID.fileSuffix.count))
                report.add("'\(text)' is not a valid prompt id: \(PromptID.problem(with: text) ?? ""); \(PromptID.renameHint(forFileNamed: text))",
                           line: 1, column: 1)
            } else {
                report.add("not a prompt file: prompts are prompts/<id>\(PromptID.fileSuffix)", line: 1, column: 1)
            }
            return
        }
        if let node = file.frontmatter?["id"], let declared = node.text, declared != id.rawValue {
            report.add("id '\(declared)' does not match the path, whose id is '\(id)'; remove the id or rename the file with folio mv",
                       line: file.fileLine(node.mark), column: node.mark.column)
        }
    }
}
