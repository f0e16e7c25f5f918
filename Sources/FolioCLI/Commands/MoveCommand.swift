import ArgumentParser
import FolioKit

struct MoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mv",
        abstract: "Rename a prompt and update every {{> old}} include, in one commit.")

    @Argument(help: "The current id, or the name of a file whose name is not a valid id ('Bad Name' for prompts/Bad Name.prompt.md).", completion: Completions.prompts)
    var old: String

    @Argument(help: "The new id.")
    var new: String

    @OptionGroup var library: LibraryOptions
    @OptionGroup var commit: CommitOptions

    func run() throws {
        let context = CLIContext.current
        let new = try promptID(new)
        let library = try library.open(context, commit)
        let outcome = try library.move(try library.existingPrompt(named: old), to: new, commit: !commit.noCommit)
        let updated = outcome.paths.count - 2
        context.report(outcome, done: "Moved \(old) to \(new)" + (updated > 0 ? ", updated \(updated) include\(updated == 1 ? "" : "s")" : ""))
    }
}
