import ArgumentParser
import FolioKit

struct RemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Delete a prompt, in one commit (it stays in the history, with its labels).")

    @Argument(help: "The prompt's id, or the name of a file whose name is not a valid id ('Bad Name' for prompts/Bad Name.prompt.md).", completion: Completions.prompts)
    var id: String

    @Flag(help: "Delete it even if other prompts include it, an experiment not closed names it, or it has uncommitted changes.")
    var force = false

    @OptionGroup var library: LibraryOptions
    @OptionGroup var commit: CommitOptions

    func run() throws {
        let context = CLIContext.current
        let library = try library.open(context, commit)
        let outcome = try library.remove(try library.existingPrompt(named: id), force: force, commit: !commit.noCommit)
        context.report(outcome, done: "Removed \(id)")
    }
}
