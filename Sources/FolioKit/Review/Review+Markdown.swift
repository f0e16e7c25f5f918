import Foundation

extension Review {
    /// The flavours of Markdown a review is written in.
    public enum Flavor: Sendable {
        /// CommonMark with tables: GitLab, Bitbucket, Gitea, anything.
        case portable
        /// GitHub's: alerts for breaking changes and collapsed body diffs.
        case github
    }

    /// The first line of every report, so a CI job can find and update its earlier comment.
    public static let marker = "<!-- folio-review -->"
    /// GitHub refuses comments over 65,536 characters; body diffs are left out past this.
    static let sizeBudget = 60_000

    /// The report as Markdown, ready to post as a pull-request comment.
    public func markdown(_ flavor: Flavor) -> String {
        var out = Self.marker + "\n"
        let count = prompts.count
        out += "## folio review: \(count == 0 ? "no prompt changes" : Wording.count(count, "prompt") + " changed")\n\n"
        out += summaryLine() + "\n"
        if count == 0 { return out }
        if !approvers.isEmpty {
            out += "\n**Approval needed from** (the changed prompts' owners): " + approvers.map(Self.escape).joined(separator: ", ") + "\n"
        }

        let breakingLines = prompts.flatMap { prompt in prompt.breakingChanges.map { "**`\(prompt.id)`** · \($0)" } }
        if !breakingLines.isEmpty {
            out += "\n"
            switch flavor {
            case .github:
                out += "> [!CAUTION]\n> **Breaking changes**: callers of these prompts need updating.\n>\n"
                out += breakingLines.map { "> - \($0)\n" }.joined()
            case .portable:
                out += "**⚠️ Breaking changes**: callers of these prompts need updating.\n\n"
                out += breakingLines.map { "- \($0)\n" }.joined()
            }
        }

        out += "\n| Prompt | Change | Tokens | Lint |\n|---|---|---|---|\n"
        for prompt in prompts {
            let change = prompt.kind == .renamed ? "renamed from `\(prompt.oldID ?? "")`" : prompt.kind.rawValue
            let breaking = prompt.breakingChanges.isEmpty ? "" : " · ⚠️ breaking"
            out += "| [`\(prompt.id)`](#\(Self.anchor(prompt.id))) | \(change)\(breaking) | \(tokens(prompt)) | \(lintCell(prompt)) |\n"
        }

        // Past the budget, sections lose their body diffs, then their details (room is kept for every later
        // prompt's brief section), and at last are only counted.
        let briefs = prompts.map { section($0, flavor: flavor, detail: .brief) }
        var reserved = briefs.map(\.count).reduce(0, +)
        var budgetLeft = Self.sizeBudget - out.count
        for (index, prompt) in prompts.enumerated() {
            reserved -= briefs[index].count
            let fuller = [section(prompt, flavor: flavor, detail: .full), section(prompt, flavor: flavor, detail: .withoutBody)]
            let text = fuller.first { $0.count <= budgetLeft - reserved } ?? briefs[index]
            guard text.count <= budgetLeft else {
                let more = prompts.count - index
                out += "\n…and \(Wording.count(more, "more prompt")), left out to keep this comment under GitHub's size limit; run `folio review` to see them.\n"
                break
            }
            out += text
            budgetLeft -= text.count
        }
        return out
    }

    /// `main...feature (a1b2c3d → d4e5f6a): 1 added, 1 modified · 1 breaking change · 2 lint errors · +40 tokens`
    public func summaryLine() -> String {
        var parts: [String] = []
        for (count, word) in [(added, "added"), (removed, "removed"), (renamed, "renamed"), (modified, "modified")] where count > 0 {
            parts.append("\(count) \(word)")
        }
        var line = "`\(base.name)\(fromMergeBase ? "..." : "..")\(head.name)` (\(base.commit.prefix(7)) → \(head.commit.prefix(7)))"
        line += parts.isEmpty ? ": no prompt changes" : ": " + parts.joined(separator: ", ")
        if prompts.isEmpty { return line }
        line += breaking == 0 ? " · no breaking changes" : " · **\(Wording.count(breaking, "breaking change"))**"
        line += errors == 0 ? " · no lint errors" : " · **\(Wording.count(errors, "lint error"))**"
        if warnings > 0 { line += " · \(Wording.count(warnings, "warning"))" }
        if missingApprovals > 0 { line += " · **\(Wording.count(missingApprovals, "approval")) missing**" }
        line += " · \(tokenChange >= 0 ? "+" : "−")\(abs(tokenChange)) tokens"
        return line
    }

    private func tokens(_ prompt: PromptChange) -> String {
        guard let diff = prompt.diff else { return "?" }
        switch prompt.kind {
        case .added: return "\(diff.newTokens)"
        case .removed: return "−\(diff.oldTokens)"
        default:
            let delta = diff.newTokens - diff.oldTokens
            return delta == 0 ? "\(diff.newTokens)" : "\(diff.oldTokens) → \(diff.newTokens) (\(delta > 0 ? "+" : "−")\(abs(delta)))"
        }
    }

    private func lintCell(_ prompt: PromptChange) -> String {
        if prompt.kind == .removed { return "" }
        let errors = prompt.findings.filter { $0.severity == .error }.count
        let warnings = prompt.findings.count - errors
        if prompt.findings.isEmpty { return "✅" }
        return [errors > 0 ? "❌ \(Wording.count(errors, "error"))" : nil,
                warnings > 0 ? "⚠️ \(Wording.count(warnings, "warning"))" : nil].compactMap { $0 }.joined(separator: ", ")
    }

    /// How much of a prompt's section to write.
    private enum Detail {
        case full, withoutBody, brief
    }

    /// Lint findings listed per prompt; the rest are counted.
    static let findingsShown = 10

    /// One prompt's section: fields, variables, body diff, lint, labels and experiments.
    private func section(_ prompt: PromptChange, flavor: Flavor, detail: Detail) -> String {
        let withBody = detail == .full
        var out = "\n### `\(prompt.id)`\n\n"
        var about: [String] = []
        switch prompt.kind {
        case .added: about.append("Added")
        case .removed: about.append("Removed")
        case .renamed: about.append("Renamed from `\(prompt.oldID ?? "")`")
        case .modified: about.append("Modified")
        }
        about.append("`\(prompt.path)`")
        if let title = prompt.title { about.append(Self.escape(title)) }
        if !prompt.owners.isEmpty { about.append("owners: " + prompt.owners.map(Self.escape).joined(separator: ", ")) }
        out += about.joined(separator: " · ") + "\n"
        if detail == .brief {
            out += "\nDetails left out to keep this comment under GitHub's size limit; run `folio review` to see them.\n"
            return out
        }

        if let problem = prompt.unreadable {
            out += "\nThe file could not be read as a prompt, so its changes are not itemised: \(Self.escape(problem))\n"
        }
        if let diff = prompt.diff {
            if !diff.fields.isEmpty && prompt.kind != .added && prompt.kind != .removed {
                out += "\n| Field | Before | After |\n|---|---|---|\n"
                for field in diff.fields {
                    out += "| `\(field.field)` | \(Self.cell(field.old)) | \(Self.cell(field.new)) |\n"
                }
            }
            if !diff.variables.isEmpty && prompt.kind != .removed {
                out += "\n| Variable | Change | Breaks callers |\n|---|---|---|\n"
                for variable in diff.variables {
                    let change = ([variable.kind.rawValue] + variable.details).joined(separator: ", ")
                    out += "| `\(variable.name)` | \(Self.escape(change)) | \(variable.breaking.map { "⚠️ " + Self.escape($0) } ?? "no") |\n"
                }
            }
            if !diff.hunks.isEmpty {
                let added = diff.hunks.flatMap(\.lines).filter { $0.hasPrefix("+") }.count
                let removed = diff.hunks.flatMap(\.lines).filter { $0.hasPrefix("-") }.count
                let title = "Body: +\(added) −\(removed) lines"
                if withBody {
                    let text = diff.hunks.map { ([$0.header] + $0.lines).joined(separator: "\n") }.joined(separator: "\n")
                    let fence = Self.fence(for: text)
                    switch flavor {
                    case .github:
                        out += "\n<details><summary>\(title)</summary>\n\n\(fence)diff\n\(text)\n\(fence)\n\n</details>\n"
                    case .portable:
                        out += "\n\(title)\n\n\(fence)diff\n\(text)\n\(fence)\n"
                    }
                } else {
                    out += "\n\(title) (diff left out to keep this comment under GitHub's size limit; run `folio review` to see it)\n"
                }
            }
        }
        if !prompt.findings.isEmpty {
            out += "\nLint:\n\n"
            // Errors first: they are what a reviewer must see.
            let ordered = prompt.findings.filter { $0.severity == .error } + prompt.findings.filter { $0.severity != .error }
            for finding in ordered.prefix(Self.findingsShown) {
                out += "- \(finding.severity == .error ? "❌" : "⚠️") line \(finding.line):\(finding.column): \(Self.escape(finding.message)) (`\(finding.rule)`)\n"
            }
            if ordered.count > Self.findingsShown {
                out += "- …and \(ordered.count - Self.findingsShown) more: `folio lint \(prompt.path)`\n"
            }
        }
        if !prompt.labels.isEmpty {
            let labels = prompt.labels.map { "`\($0.name)` → \($0.commit.prefix(7))" + ($0.prompt != prompt.id ? " (on `\($0.prompt)`)" : "") }
            out += "\nLabels: \(labels.joined(separator: ", ")). Labels stay on their commits; after merging, move them with `folio label set`.\n"
        }
        for check in prompt.protectedLabels {
            if check.approved {
                let who = check.approvals.map { "\(Self.escape($0.author)) (\(Timestamps.format($0.date).prefix(10)))" }.joined(separator: ", ")
                out += "\n✅ Protected label `\(check.label)`: this version is approved for it by \(who).\n"
            } else {
                let owners = check.owners.isEmpty ? "the prompt names no owners, so nobody can approve it yet"
                    : "one of " + check.owners.map(Self.escape).joined(separator: ", ") + " approves with `\(check.command)`"
                out += "\n🔒 Protected label `\(check.label)`: **approval missing** to move it to this version; \(owners).\n"
            }
        }
        if !prompt.experiments.isEmpty {
            out += "\nExperiments: \(prompt.experiments.map { "`\($0)`" }.joined(separator: ", ")) (a change to the prompt changes what they measure).\n"
        }
        if !prompt.staleExperiments.isEmpty {
            out += "\n⚠️ Running experiments still name `\(prompt.oldID ?? prompt.id)`: \(prompt.staleExperiments.map { "`\($0)`" }.joined(separator: ", ")); update their `prompt:`.\n"
        }
        return out
    }

    // MARK: - Markdown text

    /// A GitHub heading anchor for a prompt id heading (`### \`review/code\``).
    static func anchor(_ id: String) -> String {
        id.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == " " }.replacingOccurrences(of: " ", with: "-")
    }

    /// A value in a table cell.
    static func cell(_ value: Value?) -> String {
        guard let value else { return "—" }
        let text = value.shortText
        return text.isEmpty ? "\"\"" : escape(text.count > 120 ? String(text.prefix(117)) + "…" : text)
    }

    /// Text that may hold Markdown or HTML, shown literally on one line.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\n", "\r": out += " "
            case "|", "\\", "`", "*", "_", "[", "]", "<", ">", "#", "~": out += "\\" + String(character)
            default: out.append(character)
            }
        }
        return out
    }

    /// A code fence longer than any run of backticks in `text`.
    static func fence(for text: String) -> String {
        var longest = 0, run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }
}
