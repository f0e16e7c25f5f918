import ArgumentParser
import FolioKit

struct OwnersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "owners",
        abstract: "Who owns a prompt (its `owners` frontmatter), or a CODEOWNERS fragment for all of them.",
        discussion: """
            With --codeowners, prints the lines a CODEOWNERS file needs so GitHub, GitLab or Gitea ask each prompt's
            owners to review changes to it; --write puts them into .github/CODEOWNERS (or the file given), replacing
            folio's earlier block and keeping every other line. `folio review` lists the owners a change needs.
            """)

    @Argument(help: "The prompt (omit to list every prompt with owners).", completion: Completions.prompts)
    var id: String?

    @Flag(help: "Print a CODEOWNERS fragment for every prompt with owners.")
    var codeowners = false

    @Flag(help: "With --codeowners: write into the CODEOWNERS file instead of printing.")
    var write = false

    @Option(help: ArgumentHelp("With --write: the CODEOWNERS file (default .github/CODEOWNERS).", valueName: "path"))
    var file: String?

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var library: LibraryOptions

    func validate() throws {
        if write && !codeowners { throw ValidationError("--write goes with --codeowners") }
        if file != nil && !write { throw ValidationError("--file goes with --codeowners --write") }
        if codeowners && id != nil { throw ValidationError("--codeowners covers every prompt; leave out the prompt id") }
        if codeowners && json { throw ValidationError("--codeowners prints CODEOWNERS lines, not JSON") }
    }

    func run() throws {
        let context = CLIContext.current
        let prompt = try id.map(promptID)
        let opened = try library.open(context)
        if codeowners {
            if write {
                let path = try opened.writeCodeowners(to: file)
                context.print("Wrote folio's owners into \(path); review and commit it")
            } else {
                context.stdout.write(try opened.codeownersFragment())
            }
            return
        }
        let entries = try prompt.map { [try opened.owners(of: $0)] } ?? opened.allOwners()
        if json {
            if id == nil { try context.printJSON(entries) } else { try context.printJSON(entries[0]) }
            return
        }
        if let id, entries.first?.owners.isEmpty != false {
            context.print(context.out.dim("\(id) names no owners; add some with: folio edit \(id) --set owners=[\"@you\"]"))
            return
        }
        if id == nil && entries.isEmpty { context.print(context.out.dim("No prompt names owners (the `owners` frontmatter key)")) }
        for entry in entries {
            context.print(id == nil ? "\(entry.prompt)  \(entry.owners.joined(separator: ", "))" : entry.owners.joined(separator: "\n"))
        }
    }
}
