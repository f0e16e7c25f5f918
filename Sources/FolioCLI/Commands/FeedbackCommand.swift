import ArgumentParser
import FolioKit

struct FeedbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedback",
        abstract: "Rate an earlier render, use or exposure by its event id (score 1-5, success or failure, a note).")

    @Argument(help: "The event id (printed by render --json, use, and experiment renders; 8 characters are enough).")
    var event: String

    @Option(help: "A score from 1 to 5.") var score: Double?
    @Flag(help: "It worked.") var success = false
    @Flag(help: "It did not work.") var failure = false
    @Option(help: "A note.") var note: String?
    @Option(help: "Who gives the feedback: cli, an AI tool, a script.") var source = "cli"
    @OptionGroup var library: LibraryOptions

    func validate() throws {
        if success && failure { throw ValidationError("choose one of --success and --failure") }
        if score == nil && !success && !failure && note == nil {
            throw ValidationError("give --score N, --success, --failure or --note")
        }
    }

    func run() throws {
        let context = CLIContext.current
        let recorded = try library.open(context).recordFeedback(
            on: event, score: score, success: success ? true : failure ? false : nil, note: note, source: source)
        context.print(recorded.event.id)
        // An event has one outcome: say what this rating replaced (stdout stays the id, for scripts).
        if let earlier = recorded.earlier, !recorded.replaced.isEmpty {
            let by = earlier.user == recorded.event.user ? "" : " by \(earlier.user)"
            context.stderr.write("Replaced the earlier rating \(recorded.replaced.joined(separator: ", ")) of \(context.shortDate(earlier.time))\(by); "
                                 + "an event has one outcome, the latest.\n")
        }
    }
}
