/// A context file must be one folio can read back: frontmatter naming it and its source, and a transcript whose
/// markers restore can follow.
struct ContextFormatRule: LintRule {
    static let example = "---\nid: 2026/01/05-fix-login\ntitle: Fix login\nsource:\n  tool: claude-code\n---\n\n# Fix login\n\n## Transcript\n"
    static let examplePath = "contexts/2026/01/05-fix-login.context.md"

    static let info = LintRuleInfo(
        id: "context-format", name: "Context format",
        description: "A context file (contexts/<yyyy>/<mm>/<dd>-<slug>.context.md) has frontmatter with `id` (its path below contexts/), `title` and `source.tool` (a tool folio knows), and a transcript whose `<!-- folio:… -->` markers folio can read back: turns with a role of user, assistant or summary, calls with an id and name followed by their `→` line, results and thinking followed by a fenced block.",
        severity: .error,
        triggering: [
            LintExample("↓# Notes without frontmatter\n", path: examplePath),
            LintExample("---\nid: ↓2026/01/other\ntitle: Fix login\nsource:\n  tool: claude-code\n---\n", path: examplePath),
            LintExample("---\nid: 2026/01/05-fix-login\ntitle: Fix login\nsource:\n  tool: ↓vim\n---\n", path: examplePath),
            LintExample(example + "\n↓<!-- folio:turn role=robot -->\n### Robot\n\nbeep\n", path: examplePath),
            LintExample(example + "\n<!-- folio:turn role=assistant -->\n### Assistant\n\n<!-- folio:call id=t1 name=Bash -->\n→ **Bash** {\"command\":\"ls\"}\n↓<!-- folio:result id=t1 -->\na.txt\n",
                        path: examplePath),
        ],
        nonTriggering: [
            LintExample(example + "\n<!-- folio:turn role=user -->\n### User\n\nList the files.\n\n<!-- folio:turn role=assistant model=claude-x -->\n### Assistant\n\n<!-- folio:call id=t1 name=Bash -->\n→ **Bash** {\"command\":\"ls\"}\n<!-- folio:result id=t1 -->\n```text\na.txt\n```\n",
                        path: examplePath),
        ],
        kinds: [.context])

    func check(_ file: LintFile, _ context: LintContext, _ report: inout FindingCollector) {
        guard let split = file.split, file.splitError == nil, file.yamlError == nil else { return }  // yaml-syntax reports those
        guard split.frontmatter != nil, let frontmatter = file.frontmatter else {
            report.add("a context file starts with frontmatter between --- lines (id, title, source); folio context save writes one",
                       line: 1, column: 1)
            return
        }
        let top = split.frontmatterLine
        let expectedID = String(file.relativePath.dropFirst(ContextFile.folder.count + 1).dropLast(ContextFile.suffix.count))
        if let node = frontmatter["id"], let id = node.text {
            if id != expectedID {
                report.add("id '\(id)' does not match the path, whose id is '\(expectedID)'; set id to the path below contexts/",
                           line: file.fileLine(node.mark), column: node.mark.column)
            }
        } else {
            report.add("the frontmatter has no id; add id: \(expectedID)", line: top, column: 1)
        }
        if frontmatter["title"]?.text?.isEmpty ?? true {
            report.add("the frontmatter has no title; add one", line: top, column: 1)
        }
        if let node = frontmatter["source"]?["tool"], let tool = node.text {
            if Session.Tool(rawValue: tool) == nil {
                report.add("source.tool '\(tool)' is not a tool folio knows (\(Session.Tool.allCases.map(\.rawValue).joined(separator: ", ")))",
                           line: file.fileLine(node.mark), column: node.mark.column)
            }
        } else {
            report.add("the frontmatter has no source.tool; add source: {tool: …} naming the tool the session came from", line: top, column: 1)
        }
        checkMarkers(split.body, file, &report)
    }

    private func checkMarkers(_ body: String, _ file: LintFile, _ report: inout FindingCollector) {
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() where line.hasPrefix("<!-- folio:") && line.hasSuffix(" -->") {
            let marker = ContextFile.marker(line)
            let next = index + 1 < lines.count ? lines[index + 1] : ""
            let at = file.fileLine(bodyLine: index + 1)
            switch marker.kind {
            case "turn":
                let role = marker.fields["role"] ?? ""
                if Turn.Role(rawValue: role) == nil {
                    report.add("a turn's role is user, assistant or summary, not '\(role)'", line: at, column: 1)
                }
            case "call":
                if marker.fields["id"] == nil || marker.fields["name"] == nil {
                    report.add("a call marker needs id= and name=", line: at, column: 1)
                } else if !next.hasPrefix("→ ") {
                    report.add("a call marker is followed by its '→ **name** input' line", line: at, column: 1)
                }
            case "result", "thinking":
                if !next.hasPrefix("```") {
                    report.add("a \(marker.kind) marker is followed by a fenced block (```text … ```) holding it", line: at, column: 1)
                }
            default:
                report.add("'\(marker.kind)' is not a marker folio writes (turn, call, result, thinking); if it is text, write '<!-- folio :'",
                           line: at, column: 1)
            }
        }
    }
}
