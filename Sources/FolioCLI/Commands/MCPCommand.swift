import ArgumentParser
import Dispatch
import FolioKit
import FolioMCP
import MCP

struct MCPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the library to AI tools over the Model Context Protocol (stdio).",
        discussion: """
            Prompts become MCP prompts (variables as arguments; in Claude Code: /mcp__folio__<id>), prompts and
            contexts become resources (folio://prompts/{id}, folio://contexts/{id}), and the tools search_prompts,
            get_prompt, render_prompt, list_contexts, get_context, save_context and record_feedback are offered.
            Every use is recorded with source mcp and the client's name. Standard output carries the protocol;
            messages go to standard error. See docs/mcp.md.
            """)

    @OptionGroup var library: LibraryOptions

    func run() throws {
        let context = CLIContext.current
        let opened = try library.open(context)
        let server = FolioMCPServer(library: opened, version: Folio.version)
        let feed = LibraryChangeFeed(library: opened)
        let done = DispatchSemaphore(value: 0)
        let failure = LockedError()
        Task.detached {
            do {
                try await server.start(transport: LineTransport())
                feed.start()
                let watcher = Task { await server.watchForChanges(feed) }
                await server.server.waitUntilCompleted()
                feed.stop()
                watcher.cancel()
            } catch {
                failure.error = error
            }
            done.signal()
        }
        done.wait()
        if let error = failure.error { throw FolioError(.io, "the MCP server stopped: \(error)") }
    }
}

/// An error handed from the server's task back to the command.
private final class LockedError: @unchecked Sendable {
    var error: Error?
}
