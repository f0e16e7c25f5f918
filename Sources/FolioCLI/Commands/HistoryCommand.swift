import ArgumentParser
import Foundation
import FolioKit

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "A prompt's versions: the commits that changed it on this branch (first parent, renames followed, a removed prompt's too).")

    @Argument(help: "The prompt's id.", completion: Completions.prompts)
    var id: String

    // Unconditional, so `--limit -1` reaches validate() instead of reading as an option.
    @Option(parsing: .unconditional, help: "Only the newest N versions.")
    var limit: Int?

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var library: LibraryOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be a positive number (1 or more), not \(limit)") }
    }

    func run() throws {
        let context = CLIContext.current
        let id = try promptID(id)
        let library = try library.open(context)
        var versions = Array(try library.history(of: id).reversed())
        if let limit { versions = Array(versions.prefix(limit)) }
        if json {
            try context.printJSON(versions)
            return
        }
        guard !versions.isEmpty else {
            // history(of:) refuses an id that names no prompt: this one is a file not committed yet.
            context.print(context.out.dim("\(id) has no committed version yet."))
            return
        }
        let term = context.out
        let width = versions.map(\.name.count).max() ?? 2
        for version in versions {
            if let removal = version.removal {
                context.print(String(repeating: " ", count: width) + "  " + term.yellow(removal.shortCommit) + "  "
                              + context.shortDate(removal.date) + "  " + removal.author + "  " + removal.message + " " + term.red("(removed)"))
            }
            let labels = version.labels.isEmpty ? "" : " " + term.green("(" + version.labels.joined(separator: ", ") + ")")
            let renamed = version.path == id.relativePath ? "" : term.dim(" [as \(version.path)]")
            context.print(term.bold(version.name.padding(toLength: width, withPad: " ", startingAt: 0)) + "  "
                          + term.yellow(version.shortCommit) + "  " + context.shortDate(version.date) + "  "
                          + version.author + "  " + version.message + labels + renamed)
        }
        if let newest = versions.first, newest.removal != nil, !library.exists(id) {
            context.print(term.dim("\(id) was removed; bring it back with: folio revert \(id) --to \(newest.name)"))
        }
    }
}
