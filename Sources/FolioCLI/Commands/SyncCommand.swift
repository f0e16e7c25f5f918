import ArgumentParser
import FolioKit

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Share with a remote: fetch, integrate (fast-forward or merge), push.",
        discussion: """
            Integrates by merging, never by rewriting local commits (see docs/sync.md). A push the remote refuses
            because it moved meanwhile is fetched, integrated and retried once. When both sides changed the same
            lines, sync stops before changing anything local and names the files.
            """)

    @Argument(help: "The remote (default: origin).")
    var remote = "origin"

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var library: LibraryOptions

    struct Outcome: Encodable {
        let remote: String
        let branch: String
        let integration: String
        let commit: String?
        let pushed: Bool
        let retried: Bool
    }

    func run() throws {
        let context = CLIContext.current
        let outcome = try library.open(context).sync(remote: remote)
        let target = "\(outcome.remote)/\(outcome.branch)"
        let (integration, commit, received): (String, String?, String) = switch outcome.integration {
        case .upToDate: ("up-to-date", nil, "nothing new from \(outcome.remote)")
        case .fastForward(let to): ("fast-forward", to, "fast-forwarded to \(target) (\(to.prefix(7)))")
        case .merged(let commit): ("merged", commit, "merged \(target) (\(commit.prefix(7)))")
        }
        if json {
            try context.printJSON(Outcome(remote: outcome.remote, branch: outcome.branch, integration: integration, commit: commit,
                                          pushed: outcome.pushed, retried: outcome.retried))
            return
        }
        let sent = outcome.pushed ? "pushed \(outcome.branch)" + (outcome.retried ? " (after the remote moved: integrated and retried)" : "") : "nothing to push"
        context.print("Synced with \(outcome.remote): \(received); \(sent)")
    }
}
