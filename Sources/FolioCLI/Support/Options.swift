import ArgumentParser
import FolioKit

/// `--library PATH`, shared by every command that works on a library.
struct LibraryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The library's folder (default: $FOLIO_LIBRARY, else found from the current folder).",
                                            valueName: "path"), completion: .directory)
    var library: String?

    /// Opens the library: --library, then FOLIO_LIBRARY, then the one around the current folder.
    func open(_ context: CLIContext) throws -> Library {
        let explicit = library ?? context.environment["FOLIO_LIBRARY"].flatMap { $0.isEmpty ? nil : $0 }
        let library = try Library.open(explicitPath: explicit, environment: context.folioEnvironment)
        for notice in library.notices { context.warn(notice) }
        return library
    }

    /// Opens the library for a command that writes, with its commit options (`--allow-secret`).
    func open(_ context: CLIContext, _ commit: CommitOptions) throws -> Library {
        let library = try open(context)
        library.allowSecrets = commit.allowSecret
        return library
    }
}

/// `--tag`, `--category` and `--status`, shared by `list` and `search`.
struct FilterOptions: ParsableArguments {
    @Option(name: .customLong("tag"), help: "Only prompts with this tag (repeat: all of them).")
    var tags: [String] = []

    @Option(help: "Only prompts in this category.")
    var category: String?

    @Option(help: "Only prompts with this status: draft, active or deprecated.")
    var status: PromptStatus?

    var isEmpty: Bool { tags.isEmpty && category == nil && status == nil }
}

extension PromptStatus: ExpressibleByArgument {}

/// `--no-commit`, shared by every command that changes the library.
struct CommitOptions: ParsableArguments {
    @Flag(name: .long, help: "Write the files but do not commit them.")
    var noCommit = false

    @Flag(name: .long, help: "Commit even what lint's secret scanner flags (a false positive); the findings are still shown.")
    var allowSecret = false
}

/// Parses `ID` or `ID@REV`. A bad id is invalid input (exit 3), with the rule it breaks and a valid id to try;
/// commands parse ids in `run()`, not `validate()`, whose errors are usage errors (exit 64, with the usage text).
func promptReference(_ text: String) throws -> PromptReference {
    try PromptReference(parsing: text)
}

/// `ID@REV`, or the prompt on a variant's branch with `--variant`.
func promptReference(_ text: String, variant: String?, in library: Library) throws -> PromptReference {
    let reference = try promptReference(text)
    guard let variant else { return reference }
    return try library.reference(reference.id, variant: variant)
}

/// Parses a prompt id argument (see `promptReference`).
func promptID(_ text: String) throws -> PromptID {
    try PromptID(text)
}

extension CLIContext {
    /// Prints what a change did: the commit, or that nothing was committed; warnings go to stderr.
    func report(_ outcome: ChangeOutcome, done: String) {
        for warning in outcome.warnings { warn(warning) }
        guard outcome.changed else {
            print("No changes.")
            return
        }
        if let commit = outcome.commit {
            print("\(done) \(out.dim("[\(commit.prefix(7))] \(outcome.message)"))")
        } else {
            print("\(done) \(out.dim("(not committed)"))")
        }
    }
}
