import ArgumentParser
import FolioKit

struct HooksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hooks",
        abstract: "Install, remove or show folio's git hooks (lint before commit, refresh the index after checkout).",
        subcommands: [Status.self, Install.self, Uninstall.self],
        defaultSubcommand: Status.self)

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show which of folio's hooks are installed.")

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            let (directory, hooks) = try library.open(context).hookStatus(executable: context.executablePath)
            if json {
                try context.printJSON(hooks.map(HookJSON.init))
                return
            }
            let term = context.out
            for hook in hooks {
                let state: String
                switch hook.state {
                case .installed: state = term.green("installed")
                case .outdated: state = term.yellow("outdated: run folio hooks install")
                case .absent: state = term.dim("not installed")
                case .foreign: state = term.yellow("another tool's hook (folio hooks install keeps it and runs it first)")
                }
                context.print("\(hook.hook.padding(toLength: 14, withPad: " ", startingAt: 0)) \(state)"
                              + (hook.chained.map { term.dim(" · runs \($0) first") } ?? ""))
            }
            context.print(term.dim("in \(directory)"))
        }
    }

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install folio's hooks where git looks for them (core.hooksPath, else .git/hooks).",
            discussion: """
                A hook already there is kept as <hook>.pre-folio, and folio's hook runs it first. With --force it is
                moved to <hook>.folio-backup instead and no longer runs. Running install again updates folio's hooks.
                """)

        @Flag(help: "Move existing hooks aside instead of chaining them.")
        var force = false

        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            let (_, hooks) = try library.open(context).installHooks(executable: context.executablePath, force: force)
            for hook in hooks { context.print(HooksCommand.describe(hook)) }
        }
    }

    struct Uninstall: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove folio's hooks, putting back any hook folio had chained.")

        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            let (_, hooks) = try library.open(context).uninstallHooks()
            for hook in hooks { context.print(HooksCommand.describe(hook)) }
        }
    }

    static func describe(_ hook: HookState) -> String {
        switch hook.action {
        case .installed?: return "installed \(hook.path)"
        case .updated?: return "updated \(hook.path)"
        case .unchanged?: return "up to date \(hook.path)"
        case .chained(let keptAs)?: return "installed \(hook.path); the hook that was there is kept as \(hook.chained ?? keptAs) and runs first"
        case .replaced(let backup)?: return "installed \(hook.path); the hook that was there was moved to \(backup) and no longer runs"
        case .removed?: return "removed \(hook.path)"
        case .restored?: return "removed folio's \(hook.hook); put back the hook that was there before"
        case .leftAlone?, nil: return hook.state == .absent ? "no folio hook at \(hook.path)" : "left \(hook.path) alone: it is not folio's"
        }
    }

    struct HookJSON: Encodable {
        let hook: String
        let path: String
        let state: String
        let chained: String?

        init(_ hook: HookState) {
            self.hook = hook.hook
            path = hook.path
            chained = hook.chained
            switch hook.state {
            case .installed: state = "installed"
            case .outdated: state = "outdated"
            case .absent: state = "absent"
            case .foreign: state = "foreign"
            }
        }
    }
}
