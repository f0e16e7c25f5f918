import ArgumentParser
import FolioKit

struct EditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Change a prompt and commit it (opens $EDITOR unless given changes).",
        discussion: """
            --set reads its value as YAML: --set tags=[review,security], --set model.parameters.temperature=0.2,
            --set status=deprecated. Text that is not a list, number or boolean stays text.
            """)

    @Argument(help: "The prompt's id.", completion: Completions.prompts)
    var id: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Set a frontmatter field (repeatable).", valueName: "key=value"))
    var assignments: [String] = []

    @Option(name: .customLong("unset"), help: ArgumentHelp("Remove a frontmatter field (repeatable).", valueName: "key"))
    var unset: [String] = []

    @Option(name: .customLong("body-file"), help: "Replace the body with this file ('-' for stdin).")
    var bodyFile: String?

    @Option(name: .customLong("file"), help: "Replace the whole prompt file with this file ('-' for stdin).")
    var file: String?

    @Option(help: ArgumentHelp("With --file: the version (blob id) the file was made from; a change made since is merged, not overwritten.",
                               valueName: "blob"))
    var base: String?

    @Option(help: "Change it on this variant's branch (committed there; the work tree is untouched).", completion: Completions.variants)
    var variant: String?

    @OptionGroup var library: LibraryOptions
    @OptionGroup var commit: CommitOptions

    func validate() throws {
        for assignment in assignments where !assignment.contains("=") || assignment.hasPrefix("=") {
            throw ValidationError("--set needs KEY=VALUE, e.g. --set status=active (got '\(assignment)')")
        }
        if base != nil && file == nil {
            throw ValidationError("--base names the version a --file was made from; give --file too")
        }
        if file != nil && (bodyFile != nil || !assignments.isEmpty || !unset.isEmpty) {
            throw ValidationError("--file replaces the whole prompt; it cannot be combined with --set, --unset or --body-file")
        }
    }

    func run() throws {
        let context = CLIContext.current
        let id = try promptID(id)
        let library = try library.open(context, commit)
        let outcome: ChangeOutcome
        if let file {
            let text = try context.readText(file)
            do {
                outcome = try library.replace(id, fileText: text, source: file, base: try base.map(library.blobText),
                                              commit: !commit.noCommit, variant: variant)
            } catch let error as FolioError where error.conflict != nil {
                // The user's file is left as it is; the merge with its markers goes into a draft of its own.
                let kept = try Editor.draftFile(id.name + PromptID.fileSuffix, text: text).path
                throw FolioError(error.kind, error.message + "\n" + Editor.retry(after: error, kept: kept, id: id, command: "edit"))
            }
        } else if !assignments.isEmpty || !unset.isEmpty || bodyFile != nil {
            let pairs = assignments.map { assignment -> (key: String, value: String) in
                let parts = assignment.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (String(parts[0]), String(parts[1]))
            }
            outcome = try library.edit(id, set: pairs, unset: unset, body: try bodyFile.map { try context.readText($0) },
                                       commit: !commit.noCommit, variant: variant)
        } else {
            let current = try library.currentText(id, variant: variant)
            outcome = try Editor(context: context).edit(current, for: id, command: "edit", alternatives: "--set, --body-file or --file") {
                try library.replace(id, fileText: $0, source: $1, base: current, commit: !commit.noCommit, variant: variant)
            }
        }
        context.report(outcome, done: "Updated \(id)" + (variant.map { " on variant \($0)" } ?? ""))
    }
}
