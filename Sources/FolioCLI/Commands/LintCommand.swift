import ArgumentParser
import FolioKit

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check prompt and context files for errors, leaked secrets and style problems.",
        discussion: """
            With no paths, checks every prompt and saved context of the library; with --staged, what the next commit would contain.
            Exits 1 when a finding is an error (with --strict, a warning too), 0 otherwise. Rules, their severities
            and how to turn them off: folio lint --list-rules, and docs/lint-rules.md.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, sarif, junit, github
    }

    @Argument(help: "Prompt or context files, or folders (default: the whole library).")
    var paths: [String] = []

    @Flag(help: "Check the files staged for the next commit (the git index), not the work tree.")
    var staged = false

    @Option(help: "Output format: \(Format.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: Format = .text

    @Flag(help: "Fail on warnings too.")
    var strict = false

    @Flag(name: .shortAndLong, help: "Print nothing when there is nothing to report (the pre-commit hook uses this).")
    var quiet = false

    @Flag(help: "List the rules with their default severity.")
    var listRules = false

    @Flag(help: .hidden)
    var rulesDoc = false

    @OptionGroup var library: LibraryOptions

    func validate() throws {
        if staged && !paths.isEmpty { throw ValidationError("--staged checks every staged prompt; give either paths or --staged") }
    }

    func run() throws {
        let context = CLIContext.current
        if rulesDoc {
            context.stdout.write(LintRules.documentation)
            return
        }
        if listRules {
            try printRules(context)
            return
        }
        let library = try library.open(context)
        let report = staged ? try library.lintStaged() : try library.lint(paths: paths)
        switch format {
        case .text: printText(report, context)
        case .json: try context.printJSON(LintReportJSON(report, strict: strict))
        case .sarif: context.print(try report.sarif(toolVersion: Folio.version))
        case .junit: context.stdout.write(report.junit(strict: strict))
        case .github: context.stdout.write(report.githubAnnotations())
        }
        if format != .text { printSummary(report, context) }
        if report.findings.contains(where: { LintReport.fails($0, strict: strict) }) {
            throw ExitCode(FolioExitCode.findings.rawValue)
        }
    }

    private func printText(_ report: LintReport, _ context: CLIContext) {
        let term = context.out
        for finding in report.findings {
            let severity = finding.severity == .error ? term.red("error:") : term.yellow("warning:")
            context.print("\(term.bold("\(finding.path):\(finding.line):\(finding.column):")) \(severity) \(finding.message) \(term.dim("[\(finding.rule)]"))")
        }
        printSummary(report, context)
    }

    /// One line on stderr, so it never mixes into a machine format on stdout.
    private func printSummary(_ report: LintReport, _ context: CLIContext) {
        let term = context.err
        // A path named that does not exist is not checked, but it is counted: "1 error in 1 of 1 file".
        let files = Wording.count(Set(report.files + report.findings.map(\.relativePath)).count, "file")
        if report.findings.isEmpty {
            if quiet { return }
            context.stderr.write(term.green("✓ ") + "\(files) checked, no problems\n")
            return
        }
        let withFindings = Set(report.findings.map(\.relativePath)).count
        let errors = Wording.count(report.errors, "error"), warnings = Wording.count(report.warnings, "warning")
        context.stderr.write("\(errors), \(warnings) in \(withFindings) of \(files)\n")
    }

    private func printRules(_ context: CLIContext) throws {
        let infos = LintRules.infos
        if format == .json {
            try context.printJSON(infos.map { RuleJSON(id: $0.id, name: $0.name, severity: $0.severity.rawValue, description: $0.description) })
            return
        }
        let width = infos.map(\.id.count).max() ?? 0
        let term = context.out
        for info in infos {
            let severity = info.severity == .error ? term.red("error  ") : term.yellow("warning")
            context.print("\(term.bold(info.id.padding(toLength: width, withPad: " ", startingAt: 0)))  \(severity)  \(info.name)")
        }
    }

    struct RuleJSON: Encodable {
        let id, name, severity, description: String
    }
}
