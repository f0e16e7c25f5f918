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
    }

    func run() throws {
        let context = CLIContext.current
        // Outside a library, folio's own templates are still listed.
        let templates = (try? library.open(context).starterTemplates()) ?? StarterTemplate.all
        let rows = try templates.map { template -> Row in
            let prompt = try template.prompt()
            return Row(name: template.name, title: prompt.title, description: prompt.description,
                       variables: prompt.variables.map(VariableJSON.init))
        }
        if json {
            try context.printJSON(rows)
            return
        }
        let term = context.out
        let width = rows.map(\.name.count).max() ?? 0
        for row in rows {
            let required = row.variables.filter(\.required).map(\.name)
            context.print(term.bold(row.name.padding(toLength: width, withPad: " ", startingAt: 0)) + "  " + (row.description ?? "")
                          + (required.isEmpty ? "" : term.dim("  (needs \(required.joined(separator: ", ")))")))
        }
        context.print(term.dim("Use one: folio new my/prompt --template \(rows.first?.name ?? "NAME")"))
    }
}
