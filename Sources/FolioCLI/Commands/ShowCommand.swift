import ArgumentParser
import FolioKit

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a prompt: its fields, variables and body.")

    @Argument(help: "The prompt's id, optionally at a revision: ID@v3, ID@production, ID@main, ID@HEAD~2.", completion: Completions.prompts)
    var id: String

    @Option(help: "Show the prompt as it is on this variant's branch.", completion: Completions.variants)
    var variant: String?

    @Flag(help: "Print the file exactly as it is on disk.")
    var raw = false

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var library: LibraryOptions

    func validate() throws {
        if raw && json { throw ValidationError("choose one of --raw and --json") }
        if variant != nil, id.contains("@") { throw ValidationError("give either ID@REV or --variant, not both") }
    }

    func run() throws {
        let context = CLIContext.current
        _ = try promptReference(self.id)
        let library = try library.open(context)
        let reference = try promptReference(self.id, variant: variant, in: library)
        let id = reference.id
        if raw {
            context.stdout.write(String(decoding: try library.rawFile(reference), as: UTF8.self))
            return
        }
        let prompt = try library.document(reference).prompt
        if json {
            try context.printJSON(PromptJSON(prompt, path: id.relativePath, includeBody: true))
            return
        }
        let term = context.out
        context.print(term.bold(reference.description) + (prompt.title.map { " — \($0)" } ?? ""))
        if let description = prompt.description { context.print(description) }
        var facts = ["status: \(prompt.effectiveStatus.rawValue)"]
        if prompt.partial { facts.append("partial") }
        if let category = prompt.category { facts.append("category: \(category)") }
        if !prompt.tags.isEmpty { facts.append("tags: \(prompt.tags.joined(separator: ", "))") }
        if !prompt.owners.isEmpty { facts.append("owners: \(prompt.owners.joined(separator: ", "))") }
        context.print(term.dim(facts.joined(separator: " · ")))
        if let model = prompt.model {
            let parameters = model.parameters.map { "\($0.key) \($0.value.shortText)" }
            context.print(term.dim("model: \(model.name ?? "?")" + (parameters.isEmpty ? "" : " (\(parameters.joined(separator: ", ")))")))
        }
        context.print(term.dim("~\(prompt.estimatedTokens) tokens · \(library.displayPath(of: id))"))
        if !prompt.variables.isEmpty {
            context.print()
            context.print(term.bold("Variables"))
            let nameWidth = prompt.variables.map(\.name.count).max() ?? 0
            for variable in prompt.variables {
                var need = variable.isRequired ? "required" : "optional"
                if let value = variable.defaultValue { need = "default \(value.shortText)" }
                var line = "  " + term.cyan(variable.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0))
                line += "  " + variable.type.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                line += "  " + need
                if let values = variable.values { line += " (one of \(values.map(\.shortText).joined(separator: ", ")))" }
                if let description = variable.description { line += term.dim("  \(description)") }
                context.print(line)
            }
        }
        context.print()
        context.stdout.write(prompt.body.hasSuffix("\n") || prompt.body.isEmpty ? prompt.body : prompt.body + "\n")
    }
}
