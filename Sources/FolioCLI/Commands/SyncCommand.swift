import ArgumentParser
import FolioKit

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Share with a remote: fetch, integrate (fast-forward or merge), push.",
        discussion: """
            Integrates by merging, never by rewriting local commits (see docs/sync.md). A push the remote refuses
            because it moved meanwhile is fetched, integrated and retried once. A prompt or context both sides
            changed is merged key by key in its frontmatter and by three-way merge in its body. When both sides
            changed the same key or lines, sync stops with conflict markers in those files and names them: fix
            them and run `folio sync --continue`, or run `folio sync --abort` to return to where you were.
            """)

    @Argument(help: "The remote (default: origin).")
    var remote = "origin"

    @Flag(help: "Finish a sync that stopped on conflicts, once the conflicted files are fixed.")
    var `continue` = false

    @Flag(help: "Give up a sync that stopped on conflicts: every file back as it was before it.")
    var abort = false

    @Flag(help: "Trust an ssh server folio has not seen before and add its key to ~/.ssh/known_hosts (check the fingerprint first).")
    var acceptNewHost = false

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var library: LibraryOptions

    func validate() throws {
        if `continue` && abort { throw ValidationError("--continue and --abort cannot be used together") }
    }

    func run() throws {
        let context = CLIContext.current
        let opened = try library.open(context)
        if abort {
            try opened.abortSync()
            if json { try context.printJSON(["aborted": true]) } else { context.print("Sync aborted: your branch and files are as they were before it") }
            return
        }
        let outcome = try `continue` ? opened.continueSync() : opened.sync(remote: remote, acceptNewHost: acceptNewHost)
        let target = "\(outcome.remote)/\(outcome.branch)"
        if json {
            try context.printJSON(SyncOutcomeJSON(outcome))
            return
        }
        let received = switch outcome.integration {
        case .upToDate: "nothing new from \(outcome.remote)"
        case .fastForward(let to): "fast-forwarded to \(target) (\(to.prefix(7)))"
        case .merged(let commit): "merged \(target) (\(commit.prefix(7)))"
        }
        let sent = outcome.pushed ? "pushed" + (outcome.retried ? " (after the remote moved: integrated and retried)" : "") : "nothing to push"
        context.print("Synced \(outcome.branch) with \(outcome.remote): \(received); \(sent)")
        for note in outcome.notes { context.print("  \(note)") }
    }
}
