import ArgumentParser
import FolioKit

struct TemplatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates",
        abstract: "List the starter templates `folio new --template` and `folio init --templates` use.")

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var library: LibraryOptions

    struct Row: Encodable {
        let name: String
        let title: String?
        let description: String?
        let variables: [VariableJSON]
        /// The template's status, or `invalid` when `folio new --template` refuses it.
        let status: String
        let error: String?
    }

    func run() throws {
        let context = CLIContext.current
        // Outside a library, folio's own templates are still listed.
        let entries = try (try? library.open(context))?.starterTemplateEntries()
            ?? StarterTemplate.all.map(StarterTemplateEntry.init)
        let rows = entries.map { entry in
            Row(name: entry.name, title: entry.prompt?.title, description: entry.prompt?.description,
                variables: entry.prompt?.variables.map(VariableJSON.init) ?? [],
                status: entry.error == nil ? (entry.prompt?.effectiveStatus.rawValue ?? "invalid") : "invalid", error: entry.error)
        }
        if json {
            for row in rows { for line in row.error?.split(separator: "\n") ?? [] { context.warn(String(line)) } }
            try context.printJSON(rows)
            return
        }
        let term = context.out
        let width = rows.map(\.name.count).max() ?? 0
        for row in rows {
            let name = term.bold(row.name.padding(toLength: width, withPad: " ", startingAt: 0)) + "  "
            if let error = row.error {
                context.print(name + term.red("invalid") + "  " + (row.title ?? ""))
                for line in error.split(separator: "\n") { context.warn(String(line)) }
                continue
            }
            let required = row.variables.filter(\.required).map(\.name)
            context.print(name + (row.description ?? "")
                          + (required.isEmpty ? "" : term.dim("  (needs \(required.joined(separator: ", ")))")))
        }
        context.print(term.dim("Use one: folio new my/prompt --template \(rows.first { $0.error == nil }?.name ?? "NAME")"))
    }
}
