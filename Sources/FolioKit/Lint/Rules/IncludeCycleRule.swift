/// Includes must not lead back to the prompt.
struct IncludeCycleRule: LintRule {
    static let info = LintRuleInfo(
        id: "include-cycle", name: "Include cycle",
        description: "A prompt must not include itself, directly or through other prompts; rendering would never end. The finding names the cycle.",
        severity: .error,
        triggering: [LintExample("↓{{> b}}\n", files: ["prompts/b.prompt.md": "{{> example}}\n"]), LintExample("↓{{> example}}\n")],
        nonTriggering: [LintExample("{{> b}} {{> b}}\n", files: ["prompts/b.prompt.md": "b\n"])])

    func check(_ file: LintFile, _ context: LintContext, _ report: inout FindingCollector) {
        guard let me = file.id else { return }
        for tag in file.scan?.tags ?? [] where tag.kind == .partial || tag.kind == .parent {
            guard let start = try? PromptID(tag.name) else { continue }
            if let path = cycle(from: start, to: me, context: context) {
                report.add("include cycle: " + ([me] + path).map(\.rawValue).joined(separator: " → "),
                           line: file.fileLine(bodyLine: tag.line), column: tag.column)
            }
        }
    }

    /// The include path from `start` back to `target`, if there is one.
    private func cycle(from start: PromptID, to target: PromptID, context: LintContext) -> [PromptID]? {
        var visited = Set<PromptID>()
        func walk(_ id: PromptID, _ path: [PromptID]) -> [PromptID]? {
            if id == target { return path + [id] }
            guard visited.insert(id).inserted, let prompt = context.prompt(id) else { return nil }
            for name in TemplateScanner.scan(prompt.body).includes {
                guard let next = try? PromptID(name), let found = walk(next, path + [id]) else { continue }
                return found
            }
            return nil
        }
        return walk(start, [])
    }
}
