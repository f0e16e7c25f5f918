import ArgumentParser
import Foundation
import FolioKit

struct IntegrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "integrate",
        abstract: "Add folio's MCP server to Claude Code, Cursor or VS Code (.mcp.json, .cursor/mcp.json, .vscode/mcp.json).",
        discussion: """
            Merges into the file that is there: other servers and settings are kept, folio's entry is added or
            brought up to date; comments and trailing commas (JSONC, as VS Code writes it) are kept. A project's
            file names the command `folio`, found on each machine's PATH; --scope user writes the user-level file
            instead (~/.claude.json, ~/.cursor/mcp.json, VS Code's user mcp.json), with this machine's folio binary.
            The file is not committed: commit a project's file to share it with the team.
            """)

    @Argument(help: "claude-code, cursor or vscode.")
    var tool: IntegrationTarget

    @Option(help: "project (the repository's file) or user (your own, for every project).")
    var scope: Scope = .project

    enum Scope: String, ExpressibleByArgument, CaseIterable { case project, user }

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

    func run() throws {
        let context = CLIContext.current
        let opened = try library.open(context)
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

    /// This folio's own path, so the tool finds the same binary whatever its PATH.
    static var executable: String {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        let argument = CommandLine.arguments.first ?? "folio"
        return argument.hasPrefix("/") ? argument : "folio"
    }
}

extension IntegrationTarget: ExpressibleByArgument {}
