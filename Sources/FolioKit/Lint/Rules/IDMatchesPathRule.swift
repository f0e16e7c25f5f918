/// A prompt's id is its path; an `id:` in the frontmatter must agree.
struct IDMatchesPathRule: LintRule {
    static let info = LintRuleInfo(
        id: "id-matches-path", name: "Id matches path",
        description: "A prompt lives at prompts/<id>.prompt.md, with an id of lowercase letters, digits, '-', '_' and '/'. An `id:` in the frontmatter, when present, must equal the id its path gives. A library's template (templates/<name>.prompt.md) has a name that is a valid id, and no `id:`: each prompt made from it gets its own.",
        severity: .error,
        triggering: [
            LintExample("↓Hello\n", path: "prompts/Review Code.prompt.md"),
            LintExample("---\nid: ↓other\n---\nx\n"),
            LintExample("---\nid: ↓triage\n---\nx\n", path: "templates/triage.prompt.md"),
        ],
        nonTriggering: [LintExample("---\nid: example\n---\nx\n"), LintExample("x\n", path: "prompts/review/security.prompt.md"),
                        LintExample("---\ntitle: Triage\n---\nx\n", path: "templates/triage.prompt.md")])

    func check(_ file: LintFile, _ context: LintContext, _ report: inout FindingCollector) {
        if file.isTemplate {
            checkTemplate(file, &report)
            return
        }
        guard let id = file.id else {
            let relative = file.relativePath
            if relative.hasPrefix("prompts/"), relative.hasSuffix(PromptID.fileSuffix) {
                let text = String(relative.dropFirst("prompts/".count).dropLast(PromptID.fileSuffix.count))
                report.add(PromptID.invalidFileName(text), line: 1, column: 1)
            } else {
                report.add("not a prompt file: prompts are prompts/<id>\(PromptID.fileSuffix), templates templates/<name>\(PromptID.fileSuffix)", line: 1, column: 1)
            }
            return
        }
        if let node = file.frontmatter?["id"], let declared = node.text, declared != id.rawValue {
            report.add("id '\(declared)' does not match the path, whose id is '\(id)'; remove the id or rename the file with folio mv",
                       line: file.fileLine(node.mark), column: node.mark.column)
        }
    }

    /// A template's name is what `folio new ID --template NAME` takes; the prompts made from it get their ids.
    private func checkTemplate(_ file: LintFile, _ report: inout FindingCollector) {
        let name = String(file.relativePath.dropFirst("templates/".count).dropLast(PromptID.fileSuffix.count))
        if let problem = PromptID.problem(with: name) {
            let rename = PromptID.suggestion(for: name).map { "rename the file to templates/\($0)\(PromptID.fileSuffix)" } ?? "rename the file"
            report.add("'\(name)' is not a valid template name (folio new ID --template NAME takes it): \(problem); \(rename)", line: 1, column: 1)
        }
        if let node = file.frontmatter?["id"] {
            report.add("a template has no id: each prompt made from it gets its own; remove the id",
                       line: file.fileLine(node.mark), column: node.mark.column)
        }
    }
}
