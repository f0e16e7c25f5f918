import ArgumentParser
import FolioKit

struct RemoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remote",
        abstract: "Add, list or remove the remotes folio syncs with (git remotes).",
        subcommands: [List.self, Add.self, Remove.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the remotes and their URLs.")

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var library: LibraryOptions

        struct Item: Encodable { let name: String; let url: String }

        func run() throws {
            let context = CLIContext.current
            let remotes = try library.open(context).remotes()
            if json {
                try context.printJSON(remotes.map { Item(name: $0.name, url: $0.url) })
                return
            }
            if remotes.isEmpty { context.print(context.out.dim("No remotes; add one with: folio remote add origin URL")) }
            for remote in remotes { context.print("\(remote.name)  \(remote.url)") }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a remote: a path, file://, git://, ssh://, user@host:path or https:// URL.")

        @Argument(help: "The remote's name (origin, team).")
        var name: String

        @Argument(help: "Where it is.")
        var url: String

        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            try library.open(context).addRemote(name, url: url)
            context.print("Added remote \(name); share with: folio sync \(name)")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove a remote (nothing is deleted on it).")

        @Argument(help: "The remote's name.")
        var name: String

        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            try library.open(context).removeRemote(name)
            context.print("Removed remote \(name)")
        }
    }
}

struct CloneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clone",
        abstract: "Clone a folio library from a remote (a path, file://, git://, ssh://, user@host:path or https://).")

    @Argument(help: "Where the library is.")
    var url: String

    @Argument(help: "The folder to clone into (default: the URL's last part, without .git).")
    var folder: String?

    func run() throws {
        let context = CLIContext.current
        let target = folder ?? Self.defaultFolder(url)
        let library = try Library.clone(url, into: target, environment: context.folioEnvironment)
        context.print("Cloned \(url) into \(target) (\(try library.index().entries().count) prompts)")
    }

    static func defaultFolder(_ url: String) -> String {
        let last = url.split(whereSeparator: { $0 == "/" || $0 == ":" }).last.map(String.init) ?? "library"
        return last.hasSuffix(".git") ? String(last.dropLast(4)) : last
    }
}

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
        let (integration, commit): (String, String?) = switch outcome.integration {
        case .upToDate: ("up-to-date", nil)
        case .fastForward(let to): ("fast-forward", to)
        case .merged(let commit): ("merged", commit)
        }
        if json {
            try context.printJSON(Outcome(remote: outcome.remote, branch: outcome.branch, integration: integration, commit: commit,
                                          pushed: outcome.pushed, retried: outcome.retried))
            return
        }
        let received = switch outcome.integration {
        case .upToDate: "nothing new from \(outcome.remote)"
        case .fastForward(let to): "fast-forwarded to \(outcome.remote)/\(outcome.branch) (\(to.prefix(7)))"
        case .merged(let commit): "merged \(outcome.remote)/\(outcome.branch) (\(commit.prefix(7)))"
        }
        let sent = outcome.pushed ? "pushed \(outcome.branch)" + (outcome.retried ? " (after the remote moved: integrated and retried)" : "") : "nothing to push"
        context.print("Synced with \(outcome.remote): \(received); \(sent)")
    }
}
