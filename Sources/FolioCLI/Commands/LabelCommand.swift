import ArgumentParser
import Foundation
import FolioKit

struct LabelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label",
        abstract: "Release labels (production, staging): git refs that point at a version of a prompt.",
        subcommands: [Set.self, List.self, Remove.self, Log.self])

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Point a label at a version (default: the latest).")

        @Argument(help: "The prompt's id.", completion: Completions.prompts) var id: String
        @Argument(help: "The label, e.g. production.", completion: Completions.labels) var label: String
        @Argument(help: "The version (v7) or revision; default: the latest version.", completion: Completions.revisions) var revision: String?
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            let id = try promptID(id)
            let library = try library.open(context)
            let move = try library.setLabel(label, on: id, to: revision)
            let version = try library.labels(of: id).first { $0.name == label }?.version
            context.print("\(label) of \(id) → \(version.map { "v\($0)" } ?? String(move.to?.prefix(7) ?? ""))"
                          + (move.from == move.to ? context.out.dim(" (unchanged)") : ""))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List labels, of one prompt or of all.")

        @Argument(help: "Only this prompt's labels.", completion: Completions.prompts) var id: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            let id = try id.map(promptID)
            let labels = try library.open(context).labels(of: id)
            if json {
                try context.printJSON(labels)
                return
            }
            if labels.isEmpty { context.print(context.out.dim("No labels.")) }
            for label in labels {
                context.print("\(context.out.bold(label.prompt))  \(context.out.green(label.name))  "
                              + (label.version.map { "v\($0)" } ?? "not on this branch") + context.out.dim("  \(label.commit.prefix(7))"))
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove a label (the move is logged).")

        @Argument(help: "The prompt's id.", completion: Completions.prompts) var id: String
        @Argument(help: "The label.", completion: Completions.labels) var label: String
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            let id = try promptID(id)
            try library.open(context).removeLabel(label, from: id)
            context.print("Removed \(label) from \(id)")
        }
    }

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every move of the labels: who, when, from which version to which.")

        @Argument(help: "Only this prompt's labels.", completion: Completions.prompts) var id: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            let id = try id.map(promptID)
            let library = try library.open(context)
            let moves = try library.labelLog(of: id)
            if json {
                try context.printJSON(moves)
                return
            }
            var versions: [String: [Version]] = [:]
            func name(_ commit: String?, _ prompt: String) -> String {
                guard let commit else { return "(none)" }
                if versions[prompt] == nil { versions[prompt] = (try? PromptID(prompt)).flatMap { try? library.history(of: $0) } ?? [] }
                return versions[prompt]?.last { $0.commit == commit }?.name ?? String(commit.prefix(7))
            }
            if moves.isEmpty { context.print(context.out.dim("No label has moved yet.")) }
            for move in moves {
                let rename = move.renamedFrom.map { "from \($0) (folio mv)  " } ?? move.renamedTo.map { "to \($0) (folio mv)  " } ?? ""
                context.print("\(context.shortDate(move.date))  \(move.prompt)  \(context.out.green(move.label))  "
                              + "\(name(move.from, move.prompt)) → \(name(move.to, move.prompt))  \(rename)" + context.out.dim(move.user))
            }
        }
    }
}
