import ArgumentParser
import FolioKit

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search prompts by words and filters (full-text, ranked).",
        discussion: """
            Words match ids, titles, tags, descriptions and bodies; id and title count most. revi* matches a prefix,
            "error handling" a phrase, title:review one field, -word excludes, a OR b either. Filters work without words.
            """)

    @Argument(help: "Words to look for.")
    var words: [String] = []

    @OptionGroup var filter: FilterOptions

    @Option(help: "Only prompts with this owner.")
    var owner: String?

    @Option(help: "Only prompts last changed by this author (name or email, in part).")
    var author: String?

    @Option(help: "At most this many results.")
    var limit = 20

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var library: LibraryOptions

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    struct Hit: Encodable {
        let id: String
        let title: String?
        let description: String?
        let tags: [String]
        let status: String
        let score: Double
        let snippet: String?
        let path: String
    }

    func run() throws {
        let context = CLIContext.current
        let library = try library.open(context)
        let text = words.joined(separator: " ")
        let query = SearchQuery(text: text.isEmpty ? nil : text, tags: filter.tags, category: filter.category, status: filter.status,
                                owner: owner, author: author, limit: limit)
        let hits = try library.index().search(query)
        if json {
            try context.printJSON(hits.map { hit in
                Hit(id: hit.entry.id, title: hit.entry.title, description: hit.entry.description, tags: hit.entry.tags,
                    status: hit.entry.status, score: (hit.score * 1000).rounded() / 1000,
                    snippet: hit.snippet.map { $0.replacingOccurrences(of: "\u{1}", with: "").replacingOccurrences(of: "\u{2}", with: "") },
                    path: hit.entry.path)
            })
            return
        }
        let term = context.out
        if hits.isEmpty {
            context.print(term.dim("No prompts match."))
            return
        }
        for hit in hits {
            let tags = hit.entry.tags.isEmpty ? "" : "  " + term.cyan(hit.entry.tags.map { "#\($0)" }.joined(separator: " "))
            context.print(term.bold(hit.entry.id) + (hit.entry.title.map { "  \($0)" } ?? "") + tags)
            if let snippet = hit.snippet {
                let flat = snippet.split(whereSeparator: \.isNewline).joined(separator: " ")
                let shown = term.enabled
                    ? flat.replacingOccurrences(of: "\u{1}", with: "\u{1B}[1;33m").replacingOccurrences(of: "\u{2}", with: "\u{1B}[0m")
                    : flat.replacingOccurrences(of: "\u{1}", with: "").replacingOccurrences(of: "\u{2}", with: "")
                context.print("  " + shown)
            }
        }
    }
}
