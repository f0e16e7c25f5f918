import Foundation

/// The formats CI systems read lint results in. Each is a pure function of the report.
extension LintReport {
    /// Whether a finding fails the run: errors always, warnings with `strict`.
    public static func fails(_ finding: LintFinding, strict: Bool) -> Bool { finding.severity == .error || strict }

    /// SARIF 2.1.0 (GitHub code scanning, VS Code's SARIF viewer, Azure DevOps). Paths are relative to the
    /// repository's work tree, as code scanning expects.
    public func sarif(toolVersion: String) throws -> String {
        let infos = LintRules.infos
        let ruleIndex = Dictionary(uniqueKeysWithValues: infos.enumerated().map { ($0.element.id, $0.offset) })
        let rules: [[String: Any]] = infos.map { info in
            [
                "id": info.id,
                "name": info.name.split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(),
                "shortDescription": ["text": info.name],
                "fullDescription": ["text": info.description],
                "defaultConfiguration": ["level": info.severity.rawValue],
                "help": ["text": info.description + " (docs/lint-rules.md#\(info.id))"],
            ]
        }
        let results: [[String: Any]] = findings.map { finding in
            var result: [String: Any] = [
                "ruleId": finding.rule,
                "level": finding.severity.rawValue,
                "message": ["text": finding.message],
                "locations": [[
                    "physicalLocation": [
                        "artifactLocation": ["uri": Self.uri(finding.repositoryPath), "uriBaseId": "%SRCROOT%"],
                        "region": ["startLine": finding.line, "startColumn": finding.column],
                    ],
                ]],
            ]
            if let index = ruleIndex[finding.rule] { result["ruleIndex"] = index }
            return result
        }
        let log: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [[
                "tool": ["driver": [
                    "name": "folio", "version": toolVersion, "semanticVersion": toolVersion,
                    "rules": rules,
                ]],
                "columnKind": "unicodeCodePoints",
                "results": results,
            ]],
        ]
        let data = try JSONSerialization.data(withJSONObject: log, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// A relative path as a URI reference: each segment percent-encoded.
    private static func uri(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#[]@!$&'()*+,;=:")
        allowed.insert("/")
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }

    /// JUnit XML (GitLab test reports, Jenkins, Azure): one test case per finding that fails the run, and one
    /// per file for the rest (passing, with any warnings that do not fail the run in its system-out).
    public func junit(strict: Bool) -> String {
        var byFile: [String: [LintFinding]] = [:]
        for finding in findings { byFile[finding.repositoryPath, default: []].append(finding) }
        var paths = Set(byFile.keys)
        let prefix = findings.first.map { String($0.repositoryPath.dropLast($0.relativePath.count)) } ?? ""
        for file in files { paths.insert(prefix + file) }
        var cases: [String] = []
        var failures = 0
        for path in paths.sorted() {
            let found = byFile[path] ?? []
            let failing = found.filter { Self.fails($0, strict: strict) }
            let other = found.filter { !Self.fails($0, strict: strict) }
            let out = other.isEmpty ? "" : "\n      <system-out>\(Self.xml(other.map(\.text).joined(separator: "\n")))</system-out>"
            if failing.isEmpty || !other.isEmpty {
                cases.append("    <testcase classname=\"\(Self.xml(path))\" name=\"\(Self.xml(path))\" file=\"\(Self.xml(path))\">\(out)\(out.isEmpty ? "" : "\n    ")</testcase>")
            }
            for finding in failing {
                failures += 1
                cases.append("""
                        <testcase classname="\(Self.xml(path))" name="\(Self.xml("\(finding.rule) at \(finding.line):\(finding.column)"))" file="\(Self.xml(path))" line="\(finding.line)">
                          <failure type="\(Self.xml(finding.rule))" message="\(Self.xml(finding.message))">\(Self.xml(finding.text))</failure>
                        </testcase>
                    """)
            }
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="folio lint" tests="\(cases.count)" failures="\(failures)" errors="0">
              <testsuite name="folio lint" tests="\(cases.count)" failures="\(failures)" errors="0" skipped="0">
            \(cases.joined(separator: "\n"))
              </testsuite>
            </testsuites>

            """
    }

    /// Text for XML attributes and content; characters XML 1.0 cannot hold become U+FFFD.
    static func xml(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let valid = (0x20...0xD7FF).contains(scalar.value) || (0xE000...0xFFFD).contains(scalar.value) || scalar.value >= 0x10000
                out.unicodeScalars.append(valid ? scalar : "\u{FFFD}")
            }
        }
        return out
    }

    /// GitHub Actions workflow commands: each finding becomes an annotation on the pull request's diff.
    public func githubAnnotations() -> String {
        findings.map { finding in
            let command = finding.severity == .error ? "error" : "warning"
            let properties = "file=\(Self.property(finding.repositoryPath)),line=\(finding.line),col=\(finding.column),title=\(Self.property("folio lint: \(finding.rule)"))"
            return "::\(command) \(properties)::\(Self.data(finding.message))\n"
        }.joined()
    }

    /// Escaping for a workflow command's message.
    private static func data(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    /// Escaping for a workflow command's property values.
    private static func property(_ text: String) -> String {
        data(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}

extension LintRules {
    /// docs/lint-rules.md: every rule's description, default severity and examples.
    public static var documentation: String {
        var out = """
            # Lint rules

            <!-- Generated from the rules' own descriptions and examples by `make docs` (folio lint --rules-doc). Do not edit. -->

            `folio lint` checks prompt files (`prompts/**/*.prompt.md`) and session contexts
            (`contexts/**/*.context.md`) against these rules; the Files column says which. Each rule's examples are
            also its tests: ↓ marks where the rule reports a finding.

            Change a rule's severity, or turn it off, in folio.yaml:

            ```yaml
            lint:
              max_tokens: 4000        # token-budget for every prompt (a prompt's own max_tokens wins)
              rules:
                unused-variable: error
                whitespace: off
            ```

            Turn rules off for one file with a comment anywhere in it: `<!-- folio-lint-disable: whitespace, token-budget -->`.

            | Rule | Default | Files | What it checks |
            |---|---|---|---|

            """
        for info in infos {
            let firstSentence = info.description.components(separatedBy: ". ").first ?? info.description
            let kinds = LintFileKind.allCases.filter { info.kinds.contains($0) }.map { $0.rawValue + "s" }.joined(separator: ", ")
            out += "| [`\(info.id)`](#\(info.id)) | \(info.severity.rawValue) | \(kinds) | \(firstSentence.hasSuffix(".") ? firstSentence : firstSentence + ".") |\n"
        }
        for info in infos {
            let kinds = LintFileKind.allCases.filter { info.kinds.contains($0) }.map { $0.rawValue + " files" }.joined(separator: " and ")
            out += "\n## \(info.id)\n\n\(info.description)\n\nDefault severity: **\(info.severity.rawValue)**. Checks \(kinds).\n"
            for (title, examples) in [("Triggers", info.triggering), ("Does not trigger", info.nonTriggering)] {
                out += "\n\(title):\n"
                for example in examples {
                    for (path, text) in example.files.sorted(by: { $0.key < $1.key }) {
                        out += "\n" + fenced(text, title: path)
                    }
                    out += "\n" + fenced(example.text, title: example.files.isEmpty && example.path == LintExample.defaultPath ? nil : example.path)
                }
            }
        }
        return out
    }

    /// A code block; invisible characters in examples made visible so the reader sees what the rule sees.
    private static func fenced(_ text: String, title: String?) -> String {
        var shown = text.replacingOccurrences(of: "\u{0}", with: "␀").replacingOccurrences(of: "\r\n", with: "␍\n")
        // Trailing spaces (shown as ·) and tabs (→), Windows line ends (␍) and a missing final newline matter
        // to some rules.
        shown = shown.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var line = String(line)
            var trailing = line.hasSuffix("␍") ? String(line.removeLast()) : ""
            while let last = line.last, last == " " || last == "\t" {
                trailing = (last == " " ? "·" : "→") + trailing
                line.removeLast()
            }
            return line + trailing
        }.joined(separator: "\n")
        let finalNewline = shown.hasSuffix("\n")
        if finalNewline { shown.removeLast() }
        return (title.map { "`\($0)`:\n\n" } ?? "") + "```markdown\n\(shown)\n```\n"
            + (finalNewline ? "" : "\n(No newline at the end of the file.)\n")
    }
}
