import ArgumentParser
import FolioKit

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write prompts as another tool's files: Claude commands or skills, Cursor rules, Copilot prompts, Prompty, Dotprompt, GitHub Models.",
        discussion: """
            Each tool gets the frontmatter it expects and its own variable syntax: $ARGUMENTS and $1 for Claude
            commands, ${input:name} for Copilot, {{name}} for Prompty, Dotprompt and GitHub Models. Includes are
            expanded. What cannot be carried over is listed. The files are written, not committed. A prompt that
            cannot be exported is reported with its fix, the others are written, and the exit code is 1: an include
            that is missing, two prompts that would share one file (team/x and team-x as Copilot prompt files,
            which VS Code reads from .github/prompts without subfolders), or a file in the way that folio did not
            write (--force replaces it; the output says which files were replaced).
            """)

    @Option(help: "claude-commands, claude-skills, cursor-rules, copilot-prompts, prompty, dotprompt or gh-models.")
    var format: ExchangeFormat

    @Option(help: ArgumentHelp("The folder to write into (default: the current folder, so .claude/commands/… lands where the tool looks).", valueName: "dir"))
    var out = "."

    @Argument(help: "The prompts (default: every active prompt that is not a partial).", completion: Completions.prompts)
    var ids: [String] = []

    @Flag(help: "Replace files in the way that folio did not write (or that were changed since it did).")
    var force = false

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var library: LibraryOptions

    struct Item: Encodable { let id: String; let path: String; let change: String; let notes: [String] }
    struct Failure: Encodable { let id: String; let error: String }
    struct Report: Encodable { let exported: [Item]; let failed: [Failure] }

    func run() throws {
        let context = CLIContext.current
        let outcome = try library.open(context).export(format, ids: try ids.map(promptID), to: out, replace: force)
        let items = outcome.files.map {
            Item(id: $0.id, path: out == "." ? $0.path : out + "/" + $0.path, change: $0.change.rawValue, notes: $0.notes)
        }
        if json {
            try context.printJSON(Report(exported: items, failed: outcome.failures.map { Failure(id: $0.id, error: $0.message) }))
        } else {
            for item in items {
                let change = ["unchanged": " (unchanged)", "replaced": " (replaced a file folio had not written)"][item.change] ?? ""
                context.print("\(item.id) → \(item.path)" + change)
                for note in item.notes { context.print(context.out.dim("  \(note)")) }
            }
            context.print("Exported \(Wording.count(items.count, "prompt")) as \(format.rawValue)"
                          + (outcome.failures.isEmpty ? "" : "; \(outcome.failures.count) could not be exported"))
            for failure in outcome.failures {
                // Most messages already read `path:line:col: error: …`.
                if failure.message.contains(": error: ") {
                    context.stderr.write("\(failure.message) (\(failure.id) was not exported)\n")
                } else {
                    context.stderr.write(context.err.red("error: ") + "\(failure.id) was not exported: \(failure.message)\n")
                }
            }
        }
        // Everything that could be exported is written; the run still fails, as a check that found problems.
        if !outcome.failures.isEmpty { throw ExitCode(FolioExitCode.findings.rawValue) }
    }
}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add other tools' prompt files (or folders of them) as folio prompts, in one commit.",
        discussion: """
            Reads Claude commands and skills, Cursor rules (.mdc), Copilot prompt files, Prompty, Dotprompt and
            GitHub Models files, leniently as those tools do. Variables become folio variables ({{name}}); fields
            folio has no place for are kept under metadata; anything that could not be translated is reported.
            The prompts are linted before anything is written: warnings are listed, an error stops the import.
            """)

    @Argument(help: "Files or folders to import.")
    var paths: [String]

    @Option(help: "auto (told from each file's name and frontmatter) or one of claude-commands, claude-skills, cursor-rules, copilot-prompts, prompty, dotprompt, gh-models.")
    var format = "auto"

    @Option(help: "Put the imported prompts under this folder of prompts/ (imported/cursor).")
    var prefix: String?

    @Flag(help: "Import even when lint takes a value for a secret (a false positive).")
    var allowSecret = false

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var library: LibraryOptions

    struct Item: Encodable { let id: String; let source: String; let format: String; let variables: [String]; let notes: [String] }
    struct Report: Encodable { let imported: [Item]; let commit: String?; let warnings: [LintFinding] }

    /// The format named, or nil for auto.
    var chosenFormat: ExchangeFormat? {
        get throws {
            if format == "auto" { return nil }
            guard let chosen = ExchangeFormat(rawValue: format) else {
                throw ValidationError("unknown format '\(format)': use auto, \(ExchangeFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return chosen
        }
    }

    func validate() throws { _ = try chosenFormat }

    func run() throws {
        let context = CLIContext.current
        let library = try library.open(context)
        library.allowSecrets = allowSecret
        let outcome = try library.importPrompts(paths, format: try chosenFormat, prefix: prefix)
        let items = outcome.imported.map {
            Item(id: $0.prompt.id.rawValue, source: $0.source, format: $0.format.rawValue, variables: $0.prompt.variables.map(\.name), notes: $0.notes)
        }
        if json {
            try context.printJSON(Report(imported: items, commit: outcome.change.commit, warnings: outcome.findings))
            return
        }
        for item in items {
            context.print("\(item.source) (\(item.format)) → \(item.id)" + (item.variables.isEmpty ? "" : "  variables: \(item.variables.joined(separator: ", "))"))
            for note in item.notes { context.print(context.out.dim("  \(note)")) }
        }
        for finding in outcome.findings { context.print(finding.text) }
        context.print("Imported \(Wording.count(items.count, "prompt"))" + (outcome.change.commit.map { " in \($0.prefix(7))" } ?? "")
                      + (outcome.findings.isEmpty ? "" : ", \(Wording.count(outcome.findings.count, "lint warning"))"))
    }
}

extension ExchangeFormat: ExpressibleByArgument {}
