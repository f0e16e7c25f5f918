import ArgumentParser
import FolioKit

struct VariantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "variant",
        abstract: "Variants: branches variant/NAME with other versions of prompts (edit them with --variant).",
        subcommands: [Create.self, List.self, Diff.self, Remove.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make branch variant/NAME (the current branch is its base).")

        @Argument(help: "The variant's name, e.g. concise.") var name: String
        @Option(help: "Start from this revision (default: HEAD).") var from: String?
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            let variant = try library.open(context).createVariant(name, from: from)
            context.print("Created \(variant.branch) at \(variant.tip.prefix(7)) (base \(variant.base))")
            context.print(context.out.dim("Next: folio edit ID --variant \(name)"))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Each variant and the prompts it changed.")

        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            let variants = try library.open(context).variants()
            if json {
                try context.printJSON(variants)
                return
            }
            if variants.isEmpty { context.print(context.out.dim("No variants; make one with: folio variant create NAME")) }
            for variant in variants {
                context.print(context.out.bold(variant.name) + context.out.dim("  \(variant.branch) from \(variant.base)")
                              + "  " + (variant.changed.isEmpty ? context.out.dim("no prompt changed") : variant.changed.joined(separator: ", ")))
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm",
            abstract: "Delete branch variant/NAME; refused while an experiment that is not closed uses it, unless --force.")

        @Argument(help: "The variant.", completion: Completions.variants) var name: String
        @Flag(help: "Delete it even when a running or stopped experiment names it (its renders will fail).") var force = false
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            let removed = try library.open(context).removeVariant(name, force: force)
            for experiment in removed.experiments {
                context.warn("experiment \(experiment) still names \(removed.name); its renders fail until you promote another variant or bring this one back")
            }
            context.print("Deleted \(removed.branch) (was \(removed.tip.prefix(7)))")
            context.print(context.out.dim("To get it back: folio variant create \(removed.name) --from \(removed.tip)"))
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "How a variant's prompts differ from its base.")

        @Argument(help: "The variant.", completion: Completions.variants) var name: String
        @Argument(help: "Only this prompt.", completion: Completions.prompts) var id: String?
        @Flag(help: "Show bodies word by word.") var word = false
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            let id = try id.map(promptID)
            let diffs = try library.open(context).variantDiff(name, prompt: id)
            if json {
                try context.printJSON(diffs)
                return
            }
            if diffs.isEmpty { context.print(context.out.dim("The variant changes no prompt.")) }
            for (index, diff) in diffs.enumerated() {
                if index > 0 { context.print() }
                DiffFormatter.print(diff, title: diff.prompt, word: word, context: context)
            }
        }
    }
}
