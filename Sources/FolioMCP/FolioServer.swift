import Foundation
import FolioKit
import MCP

/// folio's library over the Model Context Protocol: every active prompt as an MCP prompt (its variables as
/// arguments), prompts and contexts as resources, and tools to search, render, read and save. Every use is
/// recorded as an analytics event with source `mcp` and the client's name from its initialize request.
public final class FolioMCPServer: Sendable {
    let library: LockedLibrary
    public let server: Server
    let client = Locked<String?>(nil)

    public static let name = "folio"

    public init(library: Library, version: String) {
        self.library = LockedLibrary(library)
        server = Server(name: Self.name, version: version,
                        instructions: "A folio prompt library: versioned prompts and saved session contexts, kept in git.",
                        capabilities: .init(prompts: .init(listChanged: true), resources: .init(subscribe: false, listChanged: true),
                                            tools: .init(listChanged: false)))
    }

    /// Registers every handler and starts serving on `transport`; returns once the server runs.
    public func start(transport: any Transport) async throws {
        await register()
        try await server.start(transport: transport) { [client] info, _ in client.set(info.name) }
    }

    /// Sends `notifications/prompts/list_changed` and the resources' equivalent whenever the change feed reports a
    /// prompt or context added, changed or removed (once per batch of changes), until the feed stops or the task is
    /// cancelled.
    public func watchForChanges(_ feed: LibraryChangeFeed) async {
        for await batch in feed.subscribe() {
            let listsChanged = batch.contains { message in
                if case .change(let change) = message { return change.kind.changesLists }
                return true
            }
            guard listsChanged else { continue }
            try? await server.notify(PromptListChangedNotification.message())
            try? await server.notify(ResourceListChangedNotification.message())
        }
    }

    var clientName: String { client.get() ?? "unknown" }

    private func register() async {
        await server.withMethodHandler(ListPrompts.self) { [self] _ in
            ListPrompts.Result(prompts: try Self.listing { try library.use { try Self.prompts($0) } }, nextCursor: nil)
        }
        await server.withMethodHandler(GetPrompt.self) { [self] params in
            try library.use { library in
                let id = try Self.promptID(params.name)
                // Arguments are strings (MCP says so); a list or object variable reads one as JSON text, as --var does.
                let inputs = (params.arguments ?? [:]).mapValues { VariableInput.text($0) }
                let rendering: Rendering
                do {
                    rendering = try library.render(id, inputs: inputs)
                } catch let error as FolioError {
                    // The CLI's hint (--var) means nothing here: arguments are how a client passes values.
                    var lines = error.message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                    if let hint = lines.firstIndex(where: { $0.hasPrefix("pass them with") }) {
                        lines[hint] = "pass them as the prompt's arguments"
                    }
                    throw MCPError.invalidParams(lines.joined(separator: "\n"))
                }
                try library.record(.render, prompt: id, source: "mcp", client: clientName)
                let document = try library.document(id)
                return GetPrompt.Result(description: document.prompt.description ?? document.prompt.title,
                                        messages: [.user(.text(text: rendering.text))])
            }
        }
        await server.withMethodHandler(ListResources.self) { [self] _ in
            ListResources.Result(resources: try Self.listing { try library.use { try Self.resources($0) } }, nextCursor: nil)
        }
        await server.withMethodHandler(ListResourceTemplates.self) { _ in
            ListResourceTemplates.Result(templates: [
                Resource.Template(uriTemplate: "folio://prompts/{id}", name: "prompt", title: "A prompt file",
                                  description: "A prompt of the library by id (review/security), as its file: YAML frontmatter and body.",
                                  mimeType: "text/markdown"),
                Resource.Template(uriTemplate: "folio://contexts/{id}", name: "context", title: "A saved session context",
                                  description: "A saved session context by id (2026/11/24-fix-login).", mimeType: "text/markdown"),
            ], nextCursor: nil)
        }
        await server.withMethodHandler(ReadResource.self) { [self] params in
            let text = try library.use { library -> String in
                if let id = params.uri.removingPrefix("folio://prompts/") {
                    let promptID = try Self.promptID(id)
                    try library.record(.use, prompt: promptID, source: "mcp", client: clientName)
                    return String(decoding: try library.rawFile(promptID), as: UTF8.self)
                }
                if let id = params.uri.removingPrefix("folio://contexts/") {
                    return try Self.folio { try library.contextText(id) }
                }
                throw MCPError.invalidParams("unknown resource \(params.uri): folio serves folio://prompts/{id} and folio://contexts/{id}")
            }
            return ReadResource.Result(contents: [.text(text, uri: params.uri, mimeType: "text/markdown")])
        }
        await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: FolioTools.all) }
        await server.withMethodHandler(CallTool.self) { [self] params in
            do {
                let texts = try library.use { try FolioTools.call(params.name, params.arguments ?? [:], library: $0, client: clientName) }
                return CallTool.Result(content: texts.map { .text(text: $0, annotations: nil, _meta: nil) }, isError: false)
            } catch let error as FolioError {
                return CallTool.Result(content: [.text(text: error.message, annotations: nil, _meta: nil)], isError: true)
            }
        }
    }

    /// Every active prompt that is not a partial, named by its id, its variables as arguments.
    static func prompts(_ library: Library) throws -> [MCP.Prompt] {
        try library.list().filter { $0.status == "active" && !$0.partial && $0.error == nil }.compactMap { entry in
            guard let id = try? PromptID(entry.id), let document = try? library.document(id) else { return nil }
            let arguments = document.prompt.variables.map { variable in
                MCP.Prompt.Argument(name: variable.name, description: variable.description, required: variable.isRequired)
            }
            return MCP.Prompt(name: entry.id, title: entry.title, description: entry.description ?? entry.title,
                              arguments: arguments.isEmpty ? nil : arguments)
        }
    }

    static func resources(_ library: Library) throws -> [Resource] {
        let prompts = try library.list().filter { $0.error == nil }.map { entry in
            Resource(name: entry.id, uri: "folio://prompts/\(entry.id)", title: entry.title, description: entry.description,
                     mimeType: "text/markdown")
        }
        let contexts = try library.contextSummaries().map { context in
            Resource(name: context.id, uri: "folio://contexts/\(context.id)", title: context.title,
                     description: "A \(context.tool) session (\(Wording.count(context.messages, "message")))", mimeType: "text/markdown")
        }
        return prompts + contexts
    }

    static func promptID(_ text: String) throws -> PromptID {
        do { return try PromptID(text) } catch let error as FolioError { throw MCPError.invalidParams(error.message) }
    }

    /// Runs a listing: a folio error (the index cannot be read) becomes an internal error that says what folio said,
    /// not the error's type name.
    static func listing<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as FolioError { throw MCPError.internalError(error.message) }
    }

    /// Runs `body`, a folio error becoming the client's invalid-params error (its message says what to fix).
    static func folio<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as FolioError { throw MCPError.invalidParams(error.message) }
    }
}

/// The library behind a lock: MCP requests arrive concurrently, and a Library is used by one caller at a time.
final class LockedLibrary: @unchecked Sendable {
    private let library: Library
    private let lock = NSLock()

    init(_ library: Library) { self.library = library }

    func use<T>(_ body: (Library) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(library)
    }
}

/// A value behind a lock.
final class Locked<Value: Sendable>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }

    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
}

extension String {
    func removingPrefix(_ prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}
