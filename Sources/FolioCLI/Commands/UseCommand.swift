import ArgumentParser
import FolioKit

struct UseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "use",
        abstract: "Record that a prompt was used (for scripts and hooks); prints the event id.")

    @Argument(help: "The prompt's id.", completion: Completions.prompts)
    var id: String

    @Option(help: "Who used it: an AI tool's name (claude-code, cursor), a script, a service.")
    var source = "cli"

    @Flag(help: "Record a copy (to the clipboard) rather than a use.")
    var copy = false

    @Flag(help: "Print the event as JSON.")
    var json = false

    @OptionGroup var library: LibraryOptions

    func validate() throws {
        if source.isEmpty { throw ValidationError("--source cannot be empty") }
    }

    func run() throws {
        let context = CLIContext.current
        let id = try promptID(id)
        let library = try library.open(context)
        let event = try library.record(copy ? .copy : .use, prompt: id, source: source)
        if json {
            try context.printJSON(event)
        } else {
            context.print(event.id)
        }
    }
}
