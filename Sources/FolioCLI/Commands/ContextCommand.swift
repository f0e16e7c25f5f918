import ArgumentParser
import FolioKit

extension Session.Tool: ExpressibleByArgument {}
extension RestoreTarget: ExpressibleByArgument {}

struct ContextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "context",
        abstract: "Capture AI coding sessions into the repository and restore them in any tool.",
        subcommands: [Save.self, List.self, Show.self, Restore.self, Remove.self],
        defaultSubcommand: List.self)

    struct Save: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Capture a session (Claude Code, Codex, Gemini CLI, aider, Cline, Roo, or Markdown) as a context file, in one commit.",
            discussion: """
                With no --from, folio takes the most recent session for this repository among the tools it finds
                (not a copy folio restored that nobody continued). A session saved before is updated in place, in a
                new commit: its id stays, and so do its title and tags unless --title or --tag are given.
                Secrets become [REDACTED:kind] and your home folder becomes ~ before anything is written; folio
                says what it redacted. --file - reads a pasted transcript or notes from standard input.
                """)

        @Option(name: .customLong("from"), help: "The tool: \(Session.Tool.allCases.map(\.rawValue).joined(separator: ", ")).")
        var tool: Session.Tool?

        @Option(help: "A session id (or part of its file name).")
        var session: String?

        @Flag(help: "The most recent session (the default).")
        var latest = false

        @Option(help: "A session file or folder to read; - for standard input.")
        var file: String?

        @Option(help: "The context's title (default: the tool's own title for the session, else its first request).")
        var title: String?

        @Option(name: .customLong("tag"), help: "A tag; repeat for more.")
        var tags: [String] = []

        @Flag(name: .customLong("no-redact"), help: "Keep secrets and the home folder as they are (think twice).")
        var noRedact = false

        @Flag(help: "Keep the model's thinking (left out by default).")
        var thinking = false

        @Flag(help: "Keep every message, tool input and output whole (no cuts; the file can be as large as the session).")
        var full = false

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var library: LibraryOptions
        @OptionGroup var commit: CommitOptions

        func validate() throws {
            if latest, session != nil { throw ValidationError("--latest and --session name different sessions; give one") }
            if file != nil, session != nil { throw ValidationError("--file and --session name different sessions; give one") }
        }

        func run() throws {
            let context = CLIContext.current
            let library = try library.open(context, commit)
            var source = SessionSource(tool: tool, sessionID: session, file: file)
            if file == "-" {
                source.file = nil
                source.text = String(decoding: context.readStandardInput(), as: UTF8.self)
            }
            var cuts = full ? ContextFile.Cuts.none : .default
            cuts.thinking = thinking
            let outcome = try library.saveContext(from: source, options: ContextSaveOptions(
                title: title, tags: tags, redact: !noRedact, commit: !commit.noCommit, cuts: cuts))
            if json {
                try context.printJSON(SaveJSON(outcome))
                return
            }
            let saved = outcome.context
            context.print("Read \(saved.session.tool.rawValue) session \(context.out.dim(outcome.sourcePath))")
            context.print("  \(saved.session.messageCount) messages, \(saved.session.toolCalls.count) tool calls, \(saved.activity.files.count) files, \(saved.openTasks.count) open tasks")
            if noRedact {
                context.warn("not redacted (--no-redact): secrets in the session are in the file as they were")
            } else if outcome.redactions.isEmpty {
                context.print("  redacted: nothing found")
            } else {
                context.print("  redacted: \(outcome.redactions.joined(separator: ", "))")
            }
            if outcome.updated, !outcome.change.changed {
                context.print("\(saved.id) is up to date (nothing new in the session since it was saved)")
            } else {
                context.report(outcome.change, done: "\(outcome.updated ? "Updated" : "Saved") \(saved.id)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the library's contexts, newest first.")

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            let contexts = try library.open(context).contextSummaries()
            if json {
                try context.printJSON(contexts)
                return
            }
            if contexts.isEmpty {
                context.print("No contexts yet; capture one with: folio context save")
                return
            }
            for item in contexts {
                context.print("\(item.id)  \(item.title)  \(context.out.dim("\(item.tool), \(item.messages) messages"))")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a context file.")

        @Argument(help: "The context's id, or a part of it (several matches are listed).", completion: Completions.contexts)
        var id: String

        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            context.stdout.write(try library.open(context).contextText(id))
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore a context for a tool: a resume brief, a Claude Code, Codex or Gemini CLI session, a Cursor rule, a Copilot prompt file, or API messages.",
            discussion: """
                brief (default) prints a Markdown brief fitted to --budget tokens: folio context restore ID | claude
                claude-code, codex and gemini print a session file; with --write folio puts it where the tool looks
                and prints the command that resumes it. cursor writes .cursor/rules/folio-context-<slug>.mdc and
                copilot .github/prompts/folio-context-<slug>.prompt.md (run it as /folio-context-<slug> in Copilot
                Chat) with --write; both hold the brief. openai and anthropic print the conversation as those APIs'
                messages JSON.
                """)

        @Argument(help: "The context's id, or a part of it (several matches are listed).", completion: Completions.contexts)
        var id: String

        @Option(name: .customLong("for"), help: "brief, claude-code, codex, gemini, cursor, copilot, openai or anthropic.")
        var target: RestoreTarget = .brief

        @Option(help: "Token budget of the brief.")
        var budget = 8_000

        @Flag(help: "Write the session file, Cursor rule or Copilot prompt file where the tool reads it.")
        var write = false

        @OptionGroup var library: LibraryOptions

        func validate() throws {
            if budget < 200 { throw ValidationError("--budget must be at least 200 tokens") }
        }

        func run() throws {
            let context = CLIContext.current
            let outcome = try library.open(context).restoreContext(id, for: target, budget: budget, write: write)
            if let path = outcome.writtenPath {
                context.print("Wrote \(path)")
                if let command = outcome.resumeCommand { context.print("Resume with: \(command)") }
            } else {
                context.stdout.write(outcome.text)
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Delete a context, in one commit (it stays in the history).")

        @Argument(help: "The context's id, or a part of it (several matches are listed).", completion: Completions.contexts)
        var id: String

        @OptionGroup var library: LibraryOptions
        @OptionGroup var commit: CommitOptions

        func run() throws {
            let context = CLIContext.current
            let outcome = try library.open(context, commit).removeContext(id, commit: !commit.noCommit)
            context.report(outcome, done: "Removed \(id)")
        }
    }
}

private struct SaveJSON: Encodable {
    let id: String
    let path: String
    let tool: String
    let source: String
    let messages: Int
    let toolCalls: Int
    let updated: Bool
    let changed: Bool
    let redactions: [String]
    let commit: String?
    let bytesRead: Int
    let bytesWritten: Int

    init(_ outcome: ContextSaveOutcome) {
        id = outcome.context.id
        path = outcome.context.relativePath
        tool = outcome.context.session.tool.rawValue
        source = outcome.sourcePath
        messages = outcome.context.session.messageCount
        updated = outcome.updated
        changed = outcome.change.changed
        toolCalls = outcome.context.session.toolCalls.count
        redactions = outcome.redactions
        commit = outcome.change.commit
        bytesRead = outcome.bytesRead
        bytesWritten = outcome.bytesWritten
    }

    enum CodingKeys: String, CodingKey {
        case id, path, tool, source, messages, updated, changed, redactions, commit
        case toolCalls = "tool_calls"
        case bytesRead = "bytes_read"
        case bytesWritten = "bytes_written"
    }
}
