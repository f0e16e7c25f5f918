import ArgumentParser
import FolioKit

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search prompts (or, with --contexts, saved sessions) by words and filters (full-text, ranked).",
        discussion: """
            Words match ids, titles, tags, descriptions and bodies; id and title count most. revi* matches a prefix,
            "error handling" a phrase, title:review one field, -word excludes, a OR b either. Filters work without words.
            With --contexts, words match the contexts' titles, tags, summaries and transcripts (summary:x one field);
            without words, the newest contexts come first.
            """)

    @Argument(help: "Words to look for.")
    var words: [String] = []

    @OptionGroup var filter: FilterOptions

    @Option(help: "Only prompts with this owner.")
    var owner: String?

    @Option(help: "Only prompts last changed by this author (name or email, in part).")
    var author: String?

    // Unconditional, so `--limit -1` reaches validate() instead of reading as an option.
    @Option(parsing: .unconditional, help: "At most this many results.")
    var limit = 20

    @Flag(help: "Search the saved session contexts instead of the prompts.")
    var contexts = false

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var library: LibraryOptions

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be a positive number (1 or more), not \(limit)") }
        if contexts {
            let prompts = [filter.category.map { _ in "--category" }, filter.status.map { _ in "--status" }, owner.map { _ in "--owner" },
                           author.map { _ in "--author" }].compactMap { $0 }
            if let first = prompts.first { throw ValidationError("\(first) filters prompts; with --contexts only --tag and --limit apply") }
        }
    }

    func run() throws {
        let context = CLIContext.current
        let library = try library.open(context)
        let text = words.joined(separator: " ")
        if contexts { return try runContexts(library, text, context) }
        let query = SearchQuery(text: text.isEmpty ? nil : text, tags: filter.tags, category: filter.category, status: filter.status,
                                owner: owner, author: author, limit: limit)
        let hits = try library.index().search(query)
        if json {
            try context.printJSON(hits.map(SearchHitJSON.init))
            return
        }
        let term = context.out
        show(hits.map { hit in
            (term.bold(hit.entry.id) + (hit.entry.title.map { "  \($0)" } ?? ""), hit.entry.tags, [hit.snippet.map { shown($0, term) }])
        }, none: "No prompts match.", context)
    }

    private func runContexts(_ library: Library, _ text: String, _ context: CLIContext) throws {
        let hits = try library.index().searchContexts(text.isEmpty ? nil : text, tags: filter.tags, limit: limit)
        if json {
            try context.printJSON(hits.map(\.printable))
            return
        }
        let term = context.out
        show(hits.map { hit in
            let facts = [hit.tool.isEmpty ? nil : hit.tool, hit.created.map { String($0.prefix(10)) }, Wording.count(hit.messages, "message")]
                .compactMap { $0 }.joined(separator: ", ")
            return (term.bold(hit.id) + "  \(hit.title)  " + term.dim("(\(facts))"), hit.tags,
                    [hit.error.map { term.red("unreadable: \($0)") }, hit.snippet.map { shown($0, term) }])
        }, none: "No contexts match.", context)
    }

    /// One result per heading line (with its tags), then its notes indented below it.
    private func show(_ rows: [(heading: String, tags: [String], notes: [String?])], none: String, _ context: CLIContext) {
        let term = context.out
        if rows.isEmpty { context.print(term.dim(none)) }
        for row in rows {
            let tags = row.tags.isEmpty ? "" : "  " + term.cyan(row.tags.map { "#\($0)" }.joined(separator: " "))
            context.print(row.heading + tags)
            for case let note? in row.notes { context.print("  " + note) }
        }
    }

    /// A snippet on one line, its matches highlighted on a terminal.
    private func shown(_ snippet: String, _ term: Terminal) -> String {
        let flat = snippet.split(whereSeparator: \.isNewline).joined(separator: " ")
        return term.enabled
            ? flat.replacingOccurrences(of: "\u{1}", with: "\u{1B}[1;33m").replacingOccurrences(of: "\u{2}", with: "\u{1B}[0m")
            : SearchHit.withoutMarks(flat)
    }
}
