import ArgumentParser
import Foundation
import FolioKit

struct IntegrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "integrate",
        abstract: "Add folio's MCP server to Claude Code, Cursor or VS Code, or (--capture) hooks that save every session.",
        discussion: """
            Merges into the file that is there: other servers and settings are kept, folio's entry is added or
            brought up to date; comments and trailing commas (JSONC, as VS Code writes it) are kept. A project's
            file names the command `folio`, found on each machine's PATH; --scope user writes the user-level file
            instead (~/.claude.json, ~/.cursor/mcp.json, VS Code's user mcp.json), with this machine's folio binary.
            --capture adds hooks instead, to Claude Code (.claude/settings.json), Codex (.codex/hooks.json) or
            Gemini CLI (.gemini/settings.json): at the end of a session and before its history is compacted, the
            tool runs folio context save --hook, which saves that session. The other hooks in the file are kept;
            running it again adds nothing twice.
            The file is not committed: commit a project's file to share it with the team.
            """)

    @Argument(help: "claude-code, cursor or vscode; with --capture: claude-code, codex or gemini.",
              completion: .list(["claude-code", "cursor", "vscode", "codex", "gemini"]))
    var tool: String

    @Option(help: "project (the repository's file) or user (your own, for every project).")
    var scope: Scope = .project

    enum Scope: String, ExpressibleByArgument, CaseIterable { case project, user }

    @Flag(help: "Add hooks that save each session when it ends and before it is compacted, instead of the MCP server.")
    var capture = false

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var library: LibraryOptions

    struct Outcome: Encodable {
        let tool: String
        let file: String
        let change: String
        let command: [String]
        let otherServers: [String]
    }

    struct CaptureOutcome: Encodable {
        let tool: String
        let file: String
        let change: String
        let events: [String]
        let hookCommand: String
        let otherHooks: Int
    }

    func validate() throws {
        if capture {
            guard CaptureTarget(rawValue: tool) != nil else {
                throw ValidationError("--capture adds hooks to claude-code, codex or gemini (\(tool) has no hook folio can use; run folio context watch to save its sessions)")
            }
        } else if IntegrationTarget(rawValue: tool) == nil {
            let more = CaptureTarget(rawValue: tool) != nil ? "; for \(tool), folio integrate \(tool) --capture adds the hooks that save its sessions" : ""
            throw ValidationError("folio integrate adds its MCP server to claude-code, cursor or vscode\(more)")
        }
    }

    func run() throws {
        let context = CLIContext.current
        let opened: Library
        do {
            opened = try library.open(context)
        } catch let error as FolioError where error.kind == .notFound && capture && scope == .user && library.library == nil {
            // The user's own settings need no library: the hook finds one from the folder the tool runs in.
            guard let target = CaptureTarget(rawValue: tool) else { throw error }
            return try report(target, try Library.integrateUserCapture(target, environment: context.folioEnvironment, executable: Self.executable), context)
        }
        if capture, let target = CaptureTarget(rawValue: tool) { return try runCapture(target, opened, context) }
        guard let tool = IntegrationTarget(rawValue: tool) else { return }
        let outcome = try opened.integrate(tool, userScope: scope == .user, executable: Self.executable)
        for warning in outcome.warnings { context.warn(warning) }
        if json {
            try context.printJSON(Outcome(tool: tool.rawValue, file: outcome.file, change: outcome.change.rawValue,
                                          command: outcome.command, otherServers: outcome.otherServers))
            return
        }
        let verb = switch outcome.change {
        case .added: "Added folio to"
        case .updated: "Updated folio in"
        case .unchanged: "folio is already in"
        }
        context.print("\(verb) \(outcome.file) (\(tool.displayName))" + (outcome.otherServers.isEmpty ? "" : "; kept \(outcome.otherServers.joined(separator: ", "))"))
        let example = (try? opened.list().first { $0.status == "active" && !$0.partial }?.id) ?? "ID"
        switch tool {
        case .claudeCode:
            context.print("In Claude Code, prompts appear as /mcp__folio__<id> (e.g. /mcp__folio__\(example)); run /mcp to see the server.")
        case .cursor:
            context.print("In Cursor, enable folio under Settings → MCP; prompts appear with / in the chat (e.g. /\(example)).")
        case .vscode:
            context.print("In VS Code, start folio from the MCP: List Servers command; prompts appear as /mcp.folio.\(example) in chat.")
        }
    }

    private func runCapture(_ target: CaptureTarget, _ library: Library, _ context: CLIContext) throws {
        try report(target, try library.integrateCapture(target, userScope: scope == .user, executable: Self.executable), context)
    }

    private func report(_ target: CaptureTarget, _ outcome: CaptureIntegrationOutcome, _ context: CLIContext) throws {
        for warning in outcome.warnings { context.warn(warning) }
        if json {
            try context.printJSON(CaptureOutcome(tool: target.rawValue, file: outcome.file, change: outcome.change.rawValue,
                                                 events: outcome.events, hookCommand: outcome.command, otherHooks: outcome.otherHooks))
            return
        }
        let events = outcome.events.joined(separator: " and ")
        let kept = outcome.otherHooks == 0 ? "" : "; kept the \(outcome.otherHooks) other hook\(outcome.otherHooks == 1 ? "" : "s") there"
        switch outcome.change {
        case .added: context.print("Added folio's capture hooks to \(outcome.file) (\(target.displayName))\(kept)")
        case .updated: context.print("Updated folio's capture hooks in \(outcome.file) (\(target.displayName))\(kept)")
        case .unchanged: context.print("folio's capture hooks are already in \(outcome.file) (\(target.displayName))\(kept)")
        }
        context.print("On \(events), \(target.displayName) runs: \(outcome.command)")
        context.print("Each session is saved in the library (one commit each, updated in place); what the hooks did is in .git/folio/capture.log.")
        switch target {
        case .claudeCode:
            context.print("Claude Code takes hooks in when a session starts: sessions running now keep the ones they had (/hooks shows them).")
        case .codex:
            context.print("Codex runs a new hook only once you trust it: open /hooks in Codex and trust folio's two. A project's .codex/hooks.json is read only in a trusted project.")
            context.print("Codex versions without hooks: set notify = [\"folio\", \"context\", \"save\", \"--hook\"] in ~/.codex/config.toml instead (it saves after every turn).")
        case .gemini:
            context.print("Gemini CLI runs hooks when its hooks system is on: check /hooks panel (turn it on under /settings, Advanced, if it is off).")
        }
    }

    /// This folio's own path, so the tool finds the same binary whatever its PATH.
    static var executable: String {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        let argument = CommandLine.arguments.first ?? "folio"
        return argument.hasPrefix("/") ? argument : "folio"
    }
}

extension IntegrationTarget: ExpressibleByArgument {}
