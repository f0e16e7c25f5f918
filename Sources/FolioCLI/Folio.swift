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
            RemoteCommand.self, CloneCommand.self, SyncCommand.self, OwnersCommand.self, MCPCommand.self, ServeCommand.self, IntegrateCommand.self, ExportCommand.self, ImportCommand.self,
            CompletionCommand.self, CommentCommand.self, CommentsCommand.self, ApproveCommand.self,
        ])

    public init() {}

    /// Runs folio with `arguments` (without the program name) in `context`; returns the exit code.
    ///
    /// With `--json` (or `--format json`) a failure is reported as one JSON object on stderr and stdout stays
    /// empty: what the command printed is held back until it succeeds.
    public static func run(_ arguments: [String], context: CLIContext) -> Int32 {
        let json = wantsJSON(arguments)
        let held = BufferSink()
        let running = json ? context.writingStdout(to: held) : context
        let (code, failed) = CLIContext.$current.withValue(running) { () -> (Int32, Bool) in
            do {
                var command = try parseAsRoot(arguments)
                try command.run()
                return (FolioExitCode.success.rawValue, false)
            } catch let error as FolioError {
                let code = FolioExitCode(error.kind)
                if json { reportJSON(JSONError(error), context: context) } else { report(error.message, context: context) }
                return (code.rawValue, true)
            } catch let error as ExitCode {
                return (error.rawValue, false)
            } catch {
                let code = exitCode(for: error)
                if code == .success {
                    running.print(fullMessage(for: error))
                    return (code.rawValue, false)
                }
                if json {
                    // Errors folio did not classify exit 1 (ArgumentParser's choice), which is not a failure kind of its own.
                    let kind = FolioExitCode(rawValue: code.rawValue).flatMap { $0.rawValue > 1 ? $0.name : nil } ?? "error"
                    reportJSON(JSONError(message(for: error), kind: kind, exitCode: code.rawValue), context: context)
                } else {
                    let message = fullMessage(for: error)
                    if !message.isEmpty { report(message, context: context) }
                }
                return (code.rawValue, true)
            }
        }
        if json && !failed { context.stdout.write(held.text) }
        return code
    }

    /// Whether the command line asks for JSON: `--json`, `--format json` or `--format=json` (before any `--`).
    static func wantsJSON(_ arguments: [String]) -> Bool {
        var previous: String?
        for argument in arguments {
            if argument == "--" { return false }
            if argument == "--json" || argument == "--format=json" || (previous == "--format" && argument == "json") { return true }
            previous = argument
        }
        return false
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

    /// The error as one line of JSON on stderr (docs/cli.md, "Errors as JSON").
    private static func reportJSON(_ error: JSONError, context: CLIContext) {
        let line = (try? FolioJSON.encoder(pretty: false).encode(["error": error])).map { String(decoding: $0, as: UTF8.self) }
        context.stderr.write((line ?? #"{"error":{"kind":"internal","exit_code":70,"message":"cannot encode the error"}}"#) + "\n")
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
