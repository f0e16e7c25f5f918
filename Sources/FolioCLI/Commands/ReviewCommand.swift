import ArgumentParser
import FolioKit

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Report what a branch or pull request changes in the prompts, ready to post as a comment.",
        discussion: """
            BASE...HEAD (or just BASE) compares HEAD with where it branched off BASE, as a pull request does;
            BASE..HEAD compares the two commits. Without a range: the default branch (origin/HEAD, main or master)...HEAD.
            The report lists prompts added, removed, renamed and modified; for each, its frontmatter and variable
            changes (breaking ones flagged), the body diff, the change in tokens, lint findings, labels and experiments,
            and for each protected label on it whether an owner approved the new version for it (folio approve).
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case markdown, github, json
    }

    enum FailOn: String, ExpressibleByArgument, CaseIterable {
        case breaking, error, approval
    }

    @Argument(help: ArgumentHelp("The commits to compare.", valueName: "BASE..HEAD | BASE...HEAD"))
    var range: String?

    @Option(help: "markdown (any host), github (GitHub's alerts and collapsed diffs) or json.")
    var format: Format = .markdown

    @Option(name: .customLong("fail-on"), help: "Exit 1 on breaking changes, on lint errors in the changed prompts, or on protected labels whose approval is missing (repeatable).")
    var failOn: [FailOn] = []

    @OptionGroup var library: LibraryOptions

    func run() throws {
        let context = CLIContext.current
        let review = try library.open(context).review(range)
        switch format {
        case .json: try context.printJSON(review)
        case .markdown: context.stdout.write(review.markdown(.portable))
        case .github: context.stdout.write(review.markdown(.github))
        }
        var failures: [String] = []
        if failOn.contains(.breaking) && review.breaking > 0 {
            failures.append(Wording.count(review.breaking, "breaking change"))
        }
        if failOn.contains(.error) && review.errors > 0 {
            failures.append(Wording.count(review.errors, "lint error"))
        }
        if failOn.contains(.approval) && review.missingApprovals > 0 {
            failures.append(Wording.count(review.missingApprovals, "missing approval"))
        }
        if !failures.isEmpty {
            context.stderr.write(context.err.red("review failed: ") + failures.joined(separator: " and ") + "\n")
            throw ExitCode(FolioExitCode.findings.rawValue)
        }
    }
}
