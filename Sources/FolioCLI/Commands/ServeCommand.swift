import ArgumentParser
import Dispatch
import Foundation
import FolioKit
import FolioWeb
import Logging

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the library over HTTP: a JSON API under /api/v1 (see docs/serve.md).",
        discussion: """
            Listens on 127.0.0.1 by default and prints its URL with a token for this run (opened in a browser it
            becomes a cookie). Any other address needs tokens: folio serve token add NAME --role read|write|admin.
            Stops on Ctrl-C or SIGTERM once the requests under way are answered.
            """,
        subcommands: [ServeTokenCommand.self])

    @Option(help: "The address to listen on (127.0.0.1, ::1, 0.0.0.0, a LAN address).")
    var host = "127.0.0.1"

    @Option(help: "The port (0: a free one, printed).")
    var port = 8080

    @Flag(name: .customLong("read-only"), help: "Refuse every change (403).")
    var readOnly = false

    @Flag(name: .customLong("no-token"), help: "Loopback only: no token (anyone on this machine can use the server).")
    var noToken = false

    @Option(name: .customLong("public-host"), help: ArgumentHelp("A host name clients use (a reverse proxy's name; repeatable). Other Host headers get 403.", valueName: "name"))
    var publicHosts: [String] = []

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("Serve HTTPS with this PEM certificate chain (with --tls-key).", valueName: "file"))
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("The PEM private key of --tls-cert.", valueName: "file"))
    var tlsKey: String?

    @Option(name: .customLong("max-body"), help: ArgumentHelp("The largest request body taken, in bytes (413 above).", valueName: "bytes"))
    var maxBody = 1 << 20

    @Option(name: .customLong("log-format"), help: "One line per request on stderr: text or json.")
    var logFormat: LogFormat = .text

    @Option(help: ArgumentHelp("Seconds between heartbeats on a quiet event stream (GET /api/v1/events).", valueName: "seconds"))
    var heartbeat: Double = 15

    @OptionGroup var library: LibraryOptions

    enum LogFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port must be from 0 to 65535 (0: a free one)") }
        if (tlsCertificate == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        if !(heartbeat > 0) { throw ValidationError("--heartbeat must be more than 0 seconds") }
    }

    func run() throws {
        let context = CLIContext.current
        let opened = try library.open(context)
        let root = opened.root
        let environment = context.folioEnvironment
        var options = ServeOptions()
        options.host = host
        options.port = port
        options.readOnly = readOnly
        options.noToken = noToken
        options.publicHosts = publicHosts
        options.tlsCertificate = tlsCertificate
        options.tlsKey = tlsKey
        options.bodyLimit = maxBody
        options.heartbeat = heartbeat
        let format = logFormat
        let stderr = context.stderr
        let logger = Logger(label: "folio.serve") { label in
            switch format {
            case .json: return JSONLogHandler(label: label) { stderr.write($0) }
            case .text: return StreamLogHandler.standardError(label: label)
            }
        }
        let server = try WebServer(options: options, root: root, tokens: try? TokenStore(library: opened), logger: logger) {
            try Library.open(explicitPath: root, environment: environment)
        }
        let stdout = context.stdout
        let readOnly = readOnly
        let done = DispatchSemaphore(value: 0)
        let failure = ServeFailure()
        Task.detached {
            do {
                try await server.run { url in
                    stdout.write("Serving \(root)\(readOnly ? " (read-only)" : "") at\n\(url)\n")
                }
            } catch {
                failure.error = error
            }
            done.signal()
        }
        done.wait()
        if let error = failure.error {
            if let error = error as? FolioError { throw error }
            throw FolioError(.io, "the server stopped: \(error)")
        }
        stdout.write("Stopped.\n")
    }
}

private final class ServeFailure: @unchecked Sendable {
    var error: Error?
}

/// `folio serve token add|list|rm`: the access tokens a server off loopback requires.
struct ServeTokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Manage the server's access tokens (stored hashed in the git directory, never committed).",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Make a token; it is printed once.")

        @Argument(help: "A name for who or what uses it (ada, ci, grafana).")
        var name: String

        @Option(help: "read (browse, search, render, stats), write (also change the library) or admin (also tokens).")
        var role: Role = .read

        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            let store = try TokenStore(library: try library.open(context))
            let token = try store.add(name: name, role: role)
            context.print(token)
            context.warn("this is the only time the token is shown; give it to \(name) (Authorization: Bearer TOKEN)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the tokens' names and roles.")

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            let tokens = try TokenStore(library: try library.open(context)).list()
            if json {
                try context.printJSON(tokens.map(\.listed))
                return
            }
            if tokens.isEmpty { context.print("No tokens; make one with: folio serve token add NAME --role read|write|admin") }
            for token in tokens {
                context.print("\(token.name)  \(token.role.rawValue)  \(token.created.ISO8601Format())")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove a token (a running server stops taking it at once).")

        @Argument(help: "The token's name.")
        var name: String

        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            try TokenStore(library: try library.open(context)).remove(name: name)
            context.print("Removed token \(name).")
        }
    }
}

extension Role: ExpressibleByArgument {}
