import ArgumentParser
import FolioKit

struct RevertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revert",
        abstract: "Make a new commit that restores a prompt to an earlier version (history is kept).")

    @Argument(help: "The prompt's id.", completion: Completions.prompts)
    var id: String

    @Option(help: "The version (v3) or revision to restore.", completion: Completions.revisions)
    var to: String

    @OptionGroup var library: LibraryOptions
    @OptionGroup var commit: CommitOptions

    func run() throws {
        let context = CLIContext.current
        let id = try promptID(id)
        let outcome = try library.open(context, commit).revert(id, to: to, commit: !commit.noCommit)
        context.report(outcome, done: "Restored \(id) to \(to)")
    }
}
