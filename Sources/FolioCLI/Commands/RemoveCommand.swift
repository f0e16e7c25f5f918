import ArgumentParser
import FolioKit

struct RemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Delete a prompt, in one commit (it stays in the history).")

    @Argument(help: "The prompt's id.")
    var id: String

    @Flag(help: "Delete it even if other prompts include it.")
    var force = false

    @OptionGroup var library: LibraryOptions
    @OptionGroup var commit: CommitOptions

    func validate() throws { _ = try promptID(id) }

    func run() throws {
        let context = CLIContext.current
        let library = try library.open(context, commit)
        let outcome = try library.remove(try promptID(id), force: force, commit: !commit.noCommit)
        context.report(outcome, done: "Removed \(id)")
    }
}
