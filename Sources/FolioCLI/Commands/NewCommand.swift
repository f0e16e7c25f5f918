import ArgumentParser
import FolioKit

struct NewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create a prompt and commit it (opens $EDITOR unless given its text).")

    @Argument(help: "The new prompt's id, e.g. review/security.")
    var id: String

    @Option(help: "Title.")
    var title: String?

    @Option(help: "One-line description.")
    var description: String?

    @Option(name: .customLong("tag"), help: "A tag (repeat for several).")
    var tags: [String] = []

    @Option(help: "Start from a starter template (see `folio templates`).")
    var template: String?

    @Option(name: .customLong("body-file"), help: "Read the body from this file ('-' for stdin).")
    var bodyFile: String?

    @Option(name: .customLong("file"), help: "Read the whole prompt file (frontmatter and body) from this file ('-' for stdin).")
    var file: String?

    @Flag(name: .customLong("no-edit"), help: "Do not open an editor; create the prompt from the options.")
    var noEdit = false

    @Option(help: "Create it on this variant's branch (committed there; the work tree is untouched).", completion: Completions.variants)
    var variant: String?

    @OptionGroup var library: LibraryOptions
    @OptionGroup var commit: CommitOptions

    func validate() throws {
        if file != nil && (bodyFile != nil || template != nil) {
            throw ValidationError("--file gives the whole prompt; it cannot be combined with --body-file or --template")
        }
    }

    func run() throws {
        let context = CLIContext.current
        let id = try promptID(id)
        let library = try library.open(context, commit)
        let outcome: ChangeOutcome
        if let file {
            outcome = try library.add(id, fileText: try context.readText(file), source: file, commit: !commit.noCommit, variant: variant)
        } else if bodyFile != nil || noEdit {
            let body = try bodyFile.map { try context.readText($0) }
            let prompt = try library.newPrompt(id, title: title, description: description, tags: tags, template: template, body: body)
            outcome = try library.add(prompt, commit: !commit.noCommit, variant: variant)
        } else {
            try library.requireAbsent(id, variant: variant)  // before the editor opens, not after
            let draft = try library.draft(id, title: title, description: description, tags: tags, template: template)
            outcome = try Editor(context: context).edit(draft, for: id, command: "new", alternatives: "--no-edit, --body-file or --file") {
                try library.add(id, fileText: $0, source: $1, commit: !commit.noCommit, variant: variant)
            }
        }
        context.report(outcome, done: "Created \(id) " + (variant.map { "on variant \($0)" } ?? "(\(library.displayPath(of: id)))"))
    }
}
