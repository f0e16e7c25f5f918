import ArgumentParser
import FolioKit

struct MoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mv",
        abstract: "Rename a prompt, updating every {{> old}} include and the experiments on it in one commit; its labels follow it.")

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
        let id = try library.existingPrompt(named: old)
        let labels = (try? library.labels(of: id).map(\.name)) ?? []
        let outcome = try library.move(id, to: new, commit: !commit.noCommit)
        let updated = outcome.paths.filter { $0.hasPrefix("prompts/") }.count - 2
        context.report(outcome, done: "Moved \(old) to \(new)" + (updated > 0 ? ", updated \(Wording.count(updated, "include"))" : ""))
        let carried = Set((try? library.labels(of: new).map(\.name)) ?? [])
        let labelsNow = outcome.commit == nil ? [] : labels.filter { carried.contains($0) }
        if !labelsNow.isEmpty {
            context.print("label\(labelsNow.count == 1 ? "" : "s") \(labelsNow.joined(separator: ", ")) now on \(new)")
        }
        for path in outcome.paths where path.hasPrefix("experiments/") && path.hasSuffix(".yaml") {
            context.print("experiment \(path.dropFirst("experiments/".count).dropLast(".yaml".count)) now names \(new)")
        }
    }
}
