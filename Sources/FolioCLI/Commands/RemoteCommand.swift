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
