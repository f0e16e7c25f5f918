import ArgumentParser
import Foundation
import FolioKit

/// The `folio` command.
public struct Folio: ParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "folio",
        abstract: "Prompts and AI coding sessions as files in git.",
        discussion: """
            A library is a folder with a folio.yaml; prompts live in prompts/<id>.prompt.md. Every change is a git commit.
            Exit codes: \(FolioExitCode.allCases.map { "\($0.rawValue) \($0)" }.joined(separator: ", ")) (see docs/cli.md).
            """,
        version: "folio \(version)",
        subcommands: [
            InitCommand.self, NewCommand.self, ListCommand.self, ShowCommand.self, EditCommand.self,
            RenderCommand.self, MoveCommand.self, RemoveCommand.self, TemplatesCommand.self,
            SearchCommand.self, IndexCommand.self, UseCommand.self, StatsCommand.self,
            HistoryCommand.self, DiffCommand.self, RevertCommand.self, LabelCommand.self, VariantCommand.self,
            ABCommand.self, FeedbackCommand.self, LintCommand.self, HooksCommand.self, ReviewCommand.self, ContextCommand.self,
            RemoteCommand.self, CloneCommand.self, SyncCommand.self, OwnersCommand.self, MCPCommand.self, IntegrateCommand.self, ExportCommand.self, ImportCommand.self,
            CompletionCommand.self,
        ])

    public init() {}

    /// Runs folio with `arguments` (without the program name) in `context`; returns the exit code.
    public static func run(_ arguments: [String], context: CLIContext) -> Int32 {
        CLIContext.$current.withValue(context) {
            do {
                var command = try parseAsRoot(arguments)
                try command.run()
                return FolioExitCode.success.rawValue
            } catch let error as FolioError {
                report(error.message, context: context)
                return FolioExitCode(error.kind).rawValue
            } catch let error as ExitCode {
                return error.rawValue
            } catch {
                let code = exitCode(for: error)
                let message = fullMessage(for: error)
                if code == .success {
                    context.print(message)
                } else if !message.isEmpty {
                    report(message, context: context)
                }
                return code.rawValue
            }
        }
    }

    /// Errors print as `error: …`, or as they are when they already name a file (`path:line:col: error: …`).
    private static func report(_ message: String, context: CLIContext) {
        let term = context.err
        if let range = message.range(of: ": error: "), !message[..<range.lowerBound].contains(" ") {
            context.stderr.write(message.replacingOccurrences(of: ": error: ", with: ": " + term.red("error: "), range: range) + "\n")
        } else if message.hasPrefix("Error: ") {
            context.stderr.write(term.red("error: ") + message.dropFirst("Error: ".count) + "\n")
        } else {
            context.stderr.write(term.red("error: ") + message + "\n")
        }
    }

    /// The entry point of the `folio` executable.
    public static func runProcess() -> Never {
        let code = run(Array(CommandLine.arguments.dropFirst()), context: .process())
        #if canImport(Glibc)
        Glibc.exit(code)
        #else
        Darwin.exit(code)
        #endif
    }
}
