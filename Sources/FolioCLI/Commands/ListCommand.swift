import ArgumentParser
import FolioKit

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List prompts, optionally filtered.")

    @OptionGroup var filter: FilterOptions

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var library: LibraryOptions

    func run() throws {
        let context = CLIContext.current
        let library = try library.open(context)
        let entries = try library.list(Library.Filter(tags: filter.tags, category: filter.category, status: filter.status))
        if json {
            try context.printJSON(entries)
            return
        }
        let term = context.out
        if entries.isEmpty {
            context.print(term.dim("No prompts" + (filter.isEmpty ? " yet; add one with: folio new ID" : " match.")))
            return
        }
        let width = min(40, entries.map(\.id.count).max() ?? 0)
        for entry in entries {
            let id = entry.id.padding(toLength: max(width, entry.id.count), withPad: " ", startingAt: 0)
            let label = (entry.partial && entry.error == nil ? "partial" : entry.status).padding(toLength: 10, withPad: " ", startingAt: 0)
            let styled: String
            switch entry.status {
            case "invalid": styled = term.red(label)
            case PromptStatus.draft.rawValue: styled = term.yellow(label)
            case PromptStatus.deprecated.rawValue: styled = term.dim(label)
            default: styled = term.green(label)
            }
            let tags = entry.tags.isEmpty ? "" : "  " + term.cyan(entry.tags.map { "#\($0)" }.joined(separator: " "))
            context.print("\(term.bold(id))  \(styled)\(entry.title ?? "")\(tags)")
            if let error = entry.error { context.warn(error) }
        }
    }
}
