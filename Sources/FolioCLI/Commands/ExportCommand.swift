import ArgumentParser
import FolioKit

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write prompts as another tool's files: Claude commands or skills, Cursor rules, Copilot prompts, Prompty, Dotprompt, GitHub Models.",
        discussion: """
            Each tool gets the frontmatter it expects and its own variable syntax: $ARGUMENTS and $1 for Claude
            commands, ${input:name} for Copilot, {{name}} for Prompty, Dotprompt and GitHub Models. Includes are
            expanded. What cannot be carried over is listed. The files are written, not committed.
            """)

    @Option(help: "claude-commands, claude-skills, cursor-rules, copilot-prompts, prompty, dotprompt or gh-models.")
    var format: ExchangeFormat

    @Option(help: ArgumentHelp("The folder to write into (default: the current folder, so .claude/commands/… lands where the tool looks).", valueName: "dir"))
    var out = "."

    @Argument(help: "The prompts (default: every active prompt that is not a partial).", completion: Completions.prompts)
    var ids: [String] = []

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var library: LibraryOptions

    struct Item: Encodable { let id: String; let path: String; let notes: [String] }

    func run() throws {
        let context = CLIContext.current
        let ids = try ids.map(promptID)
        let files = try library.open(context).export(format, ids: ids, to: out)
        if json {
            try context.printJSON(files.map { Item(id: $0.id, path: out == "." ? $0.path : out + "/" + $0.path, notes: $0.notes) })
            return
        }
        for file in files {
            context.print("\(file.id) → \(out == "." ? file.path : out + "/" + file.path)")
            for note in file.notes { context.print(context.out.dim("  \(note)")) }
        }
        context.print("Exported \(files.count) prompt\(files.count == 1 ? "" : "s") as \(format.rawValue)")
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
            """)

    @Argument(help: "Files or folders to import.")
    var paths: [String]

    @Option(help: "auto (told from each file's name and frontmatter) or one of claude-commands, claude-skills, cursor-rules, copilot-prompts, prompty, dotprompt, gh-models.")
    var format = "auto"

    @Option(help: "Put the imported prompts under this folder of prompts/ (imported/cursor).")
    var prefix: String?

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(name: .long, help: "Commit even what lint's secret scanner flags (a false positive); the findings are still shown.")
    var allowSecret = false

    @OptionGroup var library: LibraryOptions

    struct Item: Encodable { let id: String; let source: String; let format: String; let variables: [String]; let notes: [String] }

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
            try context.printJSON(items)
            return
        }
        for item in items {
            context.print("\(item.source) (\(item.format)) → \(item.id)" + (item.variables.isEmpty ? "" : "  variables: \(item.variables.joined(separator: ", "))"))
            for note in item.notes { context.print(context.out.dim("  \(note)")) }
        }
        context.print("Imported \(items.count) prompt\(items.count == 1 ? "" : "s")" + (outcome.change.commit.map { " in \($0.prefix(7))" } ?? ""))
    }
}

extension ExchangeFormat: ExpressibleByArgument {}
