import ArgumentParser
import Foundation
import FolioKit

extension Session.Tool: ExpressibleByArgument {}
extension RestoreTarget: ExpressibleByArgument {}

struct ContextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "context",
        abstract: "Capture AI coding sessions into the repository and restore them in any tool.",
        subcommands: [Save.self, List.self, Show.self, Restore.self, Remove.self, Watch.self],
        defaultSubcommand: List.self)

    struct Save: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Capture a session (Claude Code, Codex, Gemini CLI, aider, Cline, Roo, Cursor, cursor-agent, VS Code Copilot, SpecStory, or Markdown) as a context file, in one commit.",
            discussion: """
                With no --from, folio takes the most recent session for this repository among the tools it finds
                (not a copy folio restored that nobody continued). A session saved before is updated in place, in a
                new commit: its id stays, and so do its title and tags unless --title or --tag are given.
                Secrets become [REDACTED:kind] and your home folder becomes ~ before anything is written; folio
                says what it redacted. --file - reads a pasted transcript or notes from standard input.
                --hook is what the hooks folio integrate TOOL --capture adds run: it saves the session the tool's hook
                names (JSON on standard input, or as the last argument as Codex's notify passes it), prints nothing on
                standard output, and always exits 0, saying what it did on stderr and in .git/folio/capture.log.
                """)

        @Option(name: .customLong("from"), help: "The tool: \(Session.Tool.allCases.map(\.rawValue).joined(separator: ", ")).")
        var tool: Session.Tool?

        @Option(help: "A session id (or part of its file name); for Cursor and cursor-agent, a chat's id or name.")
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

        @Flag(help: "Save the session an AI tool's hook names (the hook's JSON on standard input); never fails the tool.")
        var hook = false

        @Argument(help: ArgumentHelp("The hook's JSON, when the tool passes it as an argument (Codex's notify).", visibility: .hidden))
        var payload: String?

        @OptionGroup var library: LibraryOptions
        @OptionGroup var commit: CommitOptions

        func validate() throws {
            if latest, session != nil { throw ValidationError("--latest and --session name different sessions; give one") }
            if file != nil, session != nil { throw ValidationError("--file and --session name different sessions; give one") }
            if hook, file != nil || session != nil || latest || json {
                throw ValidationError("--hook saves the session the hook names; it takes no --file, --session, --latest or --json")
            }
            if payload != nil, !hook { throw ValidationError("unexpected argument '\(payload ?? "")'; name a session file with --file") }
        }

        func run() throws {
            let context = CLIContext.current
            if hook { return runHook(context) }
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
                try context.printJSON(ContextSaveJSON(outcome))
                return
            }
            let saved = outcome.context
            context.print("Read \(saved.session.tool.rawValue) session \(context.out.dim(outcome.sourcePath))")
            context.print("  " + [Wording.count(saved.session.messageCount, "message"), Wording.count(saved.session.toolCalls.count, "tool call"),
                                  Wording.count(saved.activity.files.count, "file"), Wording.count(saved.openTasks.count, "open task")]
                .joined(separator: ", "))
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
                let added = outcome.addedMessages.map { ": \($0) message\($0 == 1 ? "" : "s") added" } ?? ""
                context.report(outcome.change, done: "\(outcome.updated ? "Updated" : "Saved") \(saved.id)\(added)")
            }
        }

        /// A hook's run: whatever happens, nothing on stdout (Gemini CLI reads it as JSON), one line on stderr, a
        /// line in the capture log, and exit 0, so the tool is never held up or failed by a session folio could not
        /// save.
        func runHook(_ context: CLIContext) {
            var opened: Library?
            var about = "hook"
            do {
                let data = payload.map { Data($0.utf8) } ?? (context.stdinIsTerminal ? Data() : context.readStandardInput())
                let event = try CaptureEvent.parse(data)
                about = [event.event, (tool ?? event.tool)?.rawValue, event.sessionID].compactMap { $0 }.joined(separator: " ")
                let library = try openForHook(context, folder: event.folder)
                opened = library
                var cuts = full ? ContextFile.Cuts.none : .default
                cuts.thinking = thinking
                let outcome = try library.saveContext(from: event, tool: tool, options: ContextSaveOptions(
                    title: title, tags: tags, redact: !noRedact, commit: !commit.noCommit, cuts: cuts))
                let line = ContextCommand.describe(outcome)
                library.logCapture(about + ": " + line)
                context.stderr.write("folio: \(line)\n")
            } catch {
                let message = ((error as? FolioError)?.message ?? "\(error)").replacingOccurrences(of: "\n", with: " ")
                // Input folio could not read is logged where the tool runs, when there is a library there.
                (opened ?? (try? library.open(context, commit)))?.logCapture(about + ": not saved: " + message)
                context.stderr.write("folio: the session was not saved: \(message)\n")
            }
        }

        /// The library as any command finds it, else the one around the session's folder (a hook in the user's
        /// settings runs wherever the tool runs).
        private func openForHook(_ context: CLIContext, folder: String?) throws -> Library {
            do {
                return try library.open(context, commit)
            } catch let error as FolioError where error.kind == .notFound {
                guard library.library == nil, context.environment["FOLIO_LIBRARY"] == nil, let folder, folder != context.currentDirectory,
                      FileManager.default.fileExists(atPath: folder) else { throw error }
                return try library.open(context.inFolder(folder), commit)
            }
        }
    }

    /// What a save did, in a line: `saved ID (12 messages)`, `updated ID: 3 messages added (15 in all)`, `ID is up to date`.
    static func describe(_ outcome: ContextSaveOutcome) -> String {
        let id = outcome.context.id
        let messages = outcome.context.session.messageCount
        let plural = { (count: Int) in "\(count) message\(count == 1 ? "" : "s")" }
        if outcome.updated, !outcome.change.changed { return "\(id) is up to date (\(plural(messages)))" }
        let committed = outcome.change.commit == nil ? ", not committed" : ""
        guard let added = outcome.addedMessages else { return "saved \(id) (\(plural(messages))\(committed))" }
        return "updated \(id): \(plural(added)) added (\(messages) in all\(committed))"
    }

    struct Watch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Save this repository's AI sessions once they have been idle for a while, until stopped (Ctrl-C).",
            discussion: """
                For tools with no hook to run folio at the end of a session. Every session of this repository that
                folio finds (Claude Code, Codex, Gemini CLI, aider: its latest run) is saved once it has been
                unchanged for --idle, and again each time it changes and goes idle again, as folio context save would:
                redacted, one commit each, updated in place. One line per save, here and in .git/folio/capture.log.
                The watcher remembers how far it got (.git/folio/watch.json): sessions that went idle while it was
                stopped are saved when it starts again; the first time, those of the last day.
                """)

        @Option(help: "How long a session stays unchanged before it is saved: 90s, 10m, 1h.")
        var idle = "10m"

        @Option(name: .customLong("from"), help: "Only this tool's sessions; repeat for more.")
        var tools: [Session.Tool] = []

        @OptionGroup var library: LibraryOptions
        @OptionGroup var commit: CommitOptions

        func validate() throws {
            let idle: TimeInterval
            do { idle = try SessionWatch.duration(self.idle) } catch let error as FolioError { throw ValidationError(error.message) }
            if idle <= 0 { throw ValidationError("--idle must be longer than 0s: a session is saved once it has been unchanged that long (90s, 10m, 1h)") }
            for tool in tools where !Library.watchableTools.contains(tool) {
                throw ValidationError("--from \(tool.rawValue) cannot be watched: \(Library.whyNotWatched(tool)); "
                                      + "watch \(Library.watchableTools.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() throws {
            let context = CLIContext.current
            let idle = try SessionWatch.duration(self.idle)
            let library = try library.open(context, commit)
            let tools = self.tools.isEmpty ? Library.repositoryTools : self.tools
            var watch = library.resumeWatch(idle: idle)
            let stop = StopSignal()
            context.print("Watching the \(tools.map(\.rawValue).joined(separator: ", ")) sessions of \(library.projectFolder): each is saved once it has been idle for \(self.idle). Ctrl-C stops.")
            let home = context.environment["HOME"].map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = "HH:mm:ss"
            // Often enough that a session is saved soon after it has been idle long enough.
            let interval = min(60, max(1, idle / 10))
            while !stop.requested {
                for capture in library.captureIdleSessions(&watch, tools: tools, options: ContextSaveOptions(commit: !commit.noCommit)) {
                    var file = capture.candidate.path
                    if let home, file.hasPrefix(home + "/") { file = "~" + file.dropFirst(home.count) }
                    let line = capture.outcome.map(ContextCommand.describe) ?? "not saved: \(capture.error ?? "")"
                    library.logCapture("watch \(capture.candidate.tool.rawValue) \(file): \(line)")
                    context.print("\(formatter.string(from: context.now()))  \(line)  \(context.out.dim("\(capture.candidate.tool.rawValue) \(file)"))")
                }
                stop.wait(seconds: interval)
            }
            context.print("Stopped.")
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

        @Flag(help: "Print JSON: the frontmatter's fields, path and body.")
        var json = false

        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            let library = try library.open(context)
            if json {
                try context.printJSON(try library.contextData(id))
                return
            }
            context.stdout.write(try library.contextText(id))
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

        @Flag(help: "With --write: replace a file already there (a rule or prompt file restored before).")
        var force = false

        @OptionGroup var library: LibraryOptions

        func validate() throws {
            if budget < 200 { throw ValidationError("--budget must be at least 200 tokens") }
            if force, !write { throw ValidationError("--force replaces a file --write would write; give --write too") }
            if write, !target.writesFile {
                let writers = RestoreTarget.allCases.filter(\.writesFile).map(\.rawValue).joined(separator: ", ")
                throw ValidationError("--for \(target.rawValue) prints to standard output (redirect it to keep it: > FILE); --write is for \(writers)")
            }
        }

        func run() throws {
            let context = CLIContext.current
            let outcome = try library.open(context).restoreContext(id, for: target, budget: budget, write: write, force: force)
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
