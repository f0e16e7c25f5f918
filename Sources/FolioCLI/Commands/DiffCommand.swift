import ArgumentParser
import FolioKit

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "What changed in a prompt: fields, variables (breaking changes flagged), body, tokens.",
        discussion: "FROM and TO are revisions (v3, a label, a branch, a sha, HEAD~2, or 'working'). Defaults: the latest committed version → the working copy.")

    @Argument(help: "The prompt's id.", completion: Completions.prompts)
    var id: String

    @Argument(help: "From this revision.", completion: Completions.revisions)
    var from: String?

    @Argument(help: "To this revision.", completion: Completions.revisions)
    var to: String?

    @Flag(help: "Show the body word by word.")
    var word = false

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var library: LibraryOptions

    func run() throws {
        let context = CLIContext.current
        let id = try promptID(id)
        let library = try library.open(context)
        let diff = try library.diff(id, from: from, to: to)
        if json {
            try context.printJSON(diff)
            return
        }
        DiffFormatter.print(diff, title: diff.prompt, word: word, context: context)
    }
}

/// Prints a semantic prompt diff for people.
enum DiffFormatter {
    static func print(_ diff: PromptDiff, title: String, word: Bool, context: CLIContext) {
        let term = context.out
        context.print(term.bold(title) + term.dim("  \(diff.from) → \(diff.to)"))
        if diff.isEmpty {
            context.print(term.dim("  no changes"))
            return
        }
        if !diff.fields.isEmpty {
            context.print(term.bold("Fields"))
            for field in diff.fields {
                let old = field.old.map(\.shortText) ?? "(none)", new = field.new.map(\.shortText) ?? "(none)"
                context.print("  \(field.field): \(term.red(old)) → \(term.green(new))")
            }
        }
        if !diff.variables.isEmpty {
            context.print(term.bold("Variables"))
            for change in diff.variables {
                let sign = change.kind == .added ? term.green("+") : change.kind == .removed ? term.red("-") : term.yellow("~")
                var line = "  \(sign) \(change.name)"
                if !change.details.isEmpty { line += term.dim("  " + change.details.joined(separator: "; ")) }
                if let breaking = change.breaking { line += "  " + term.red("BREAKING: \(breaking)") }
                context.print(line)
            }
        }
        if !diff.hunks.isEmpty {
            context.print(term.bold("Body"))
            if word {
                var text = ""
                for edit in TextDiff.wordEdits(from: diff.oldBody, to: diff.newBody) {
                    switch edit {
                    case .same(let part): text += part
                    case .removed(let part): text += term.enabled ? term.red(part) : "[-\(part)-]"
                    case .added(let part): text += term.enabled ? term.green(part) : "{+\(part)+}"
                    }
                }
                context.stdout.write(text.hasSuffix("\n") ? text : text + "\n")
            } else {
                for hunk in diff.hunks {
                    context.print(term.cyan(hunk.header))
                    for line in hunk.lines {
                        switch line.first {
                        case "+": context.print(term.green(line))
                        case "-": context.print(term.red(line))
                        default: context.print(line)
                        }
                    }
                }
            }
        }
        let delta = diff.newTokens - diff.oldTokens
        context.print(term.dim("Tokens: ~\(diff.oldTokens) → ~\(diff.newTokens) (\(delta >= 0 ? "+" : "")\(delta))"))
        if diff.breaking { context.print(term.red("This change breaks callers.")) }
    }
}
