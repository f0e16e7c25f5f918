import ArgumentParser
import FolioKit

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List prompts, optionally filtered.")

    @Option(name: .customLong("tag"), help: "Only prompts with this tag (repeat: all of them).")
    var tags: [String] = []

    @Option(help: "Only prompts in this category.")
    var category: String?

    @Option(help: "Only prompts with this status: draft, active or deprecated.")
    var status: PromptStatus?

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var library: LibraryOptions

    /// A row of --json: the prompt (without its body), or the file's error.
    enum Row: Encodable {
        case prompt(PromptJSON)
        case invalid(id: String, path: String, error: String)

        func encode(to encoder: Encoder) throws {
            switch self {
            case .prompt(let prompt): try prompt.encode(to: encoder)
            case .invalid(let id, let path, let error):
                try ["id": id, "path": path, "error": error].encode(to: encoder)
            }
        }
    }

    func run() throws {
        let context = CLIContext.current
        let library = try library.open(context)
        let listings = try library.list(Library.Filter(tags: tags, category: category, status: status))
        if json {
            try context.printJSON(listings.map { listing in
                listing.prompt.map { Row.prompt(PromptJSON($0, path: $0.id.relativePath, includeBody: false)) }
                    ?? .invalid(id: listing.id.rawValue, path: listing.id.relativePath, error: listing.error?.message ?? "")
            })
            return
        }
        let term = context.out
        if listings.isEmpty {
            context.print(term.dim("No prompts" + (tags.isEmpty && category == nil && status == nil ? " yet; add one with: folio new ID" : " match.")))
            return
        }
        let width = min(40, listings.map(\.id.rawValue.count).max() ?? 0)
        for listing in listings {
            let id = listing.id.rawValue.padding(toLength: max(width, listing.id.rawValue.count), withPad: " ", startingAt: 0)
            guard let prompt = listing.prompt else {
                context.print("\(term.bold(id))  \(term.red("invalid ".padding(toLength: 10, withPad: " ", startingAt: 0)))")
                context.warn(listing.error?.message ?? "")
                continue
            }
            var status = prompt.effectiveStatus.rawValue
            if prompt.partial { status = "partial" }
            let styled: String
            switch prompt.effectiveStatus {
            case .draft: styled = term.yellow(status.padding(toLength: 10, withPad: " ", startingAt: 0))
            case .deprecated: styled = term.dim(status.padding(toLength: 10, withPad: " ", startingAt: 0))
            case .active: styled = term.green(status.padding(toLength: 10, withPad: " ", startingAt: 0))
            }
            let tags = prompt.tags.isEmpty ? "" : "  " + term.cyan(prompt.tags.map { "#\($0)" }.joined(separator: " "))
            context.print("\(term.bold(id))  \(styled)\(prompt.title ?? "")\(tags)")
        }
    }
}

extension PromptStatus: ExpressibleByArgument {}
