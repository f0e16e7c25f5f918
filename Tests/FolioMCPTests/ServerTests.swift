import Foundation
import MCP
import Testing
import TestSupport
@testable import FolioKit
@testable import FolioMCP

/// folio's MCP server in process, reached through the Swift SDK's own client over its in-memory transport.
@Suite struct ServerTests {
    let folder = TemporaryFolder("mcp")

    func connect() async throws -> (Client, FolioMCPServer, Library) {
        let environment = FolioEnvironment(variables: ["GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com",
                                                       "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.com",
                                                       "HOME": folder.path], currentDirectory: folder.path)
        _ = try Library.initialize(at: folder.path, withTemplates: false, environment: environment)
        let library = try Library.open(explicitPath: folder.path, environment: environment)
        for (id, text) in [("review", "---\ntitle: Review\ndescription: Review code.\nvariables:\n- name: code\n- name: tone\n  default: kind\n---\nReview {{code}}, {{tone}}ly.\n"),
                           ("shared/tone", "---\npartial: true\n---\nBe brief.\n"),
                           ("old", "---\ntitle: Old\nstatus: deprecated\n---\nOld.\n")] {
            _ = try library.add(try PromptID(id), fileText: text, source: id)
        }
        let server = FolioMCPServer(library: library, version: "test")
        let (clientTransport, serverTransport) = await InMemoryTransport.createConnectedPair()
        try await server.start(transport: serverTransport)
        let client = Client(name: "swift-test-client", version: "1.0")
        _ = try await client.connect(transport: clientTransport)
        return (client, server, try Library.open(explicitPath: folder.path, environment: environment))
    }

    @Test func promptsAreListedWithArgumentsAndRenderedAndUsesRecorded() async throws {
        let (client, _, library) = try await connect()
        let prompts = try await client.listPrompts().prompts
        // Active prompts only: not the partial, not the deprecated one.
        #expect(prompts.map(\.name) == ["review"])
        #expect(prompts[0].arguments?.map { "\($0.name):\($0.required == true)" } == ["code:true", "tone:false"])
        let got = try await client.getPrompt(name: "review", arguments: ["code": "main.swift"])
        guard case .text(let text) = got.messages.first?.content else { Issue.record("no text"); return }
        #expect(text == "Review main.swift, kindly.\n")
        await #expect(throws: MCPError.self) { _ = try await client.getPrompt(name: "review", arguments: [:]) }
        await #expect(throws: MCPError.self) { _ = try await client.getPrompt(name: "nope") }
        let events = try library.events().events()
        #expect(events.map { "\($0.kind.rawValue) \($0.prompt) \($0.source) \($0.client ?? "-")" } == ["render review mcp swift-test-client"])
    }

    @Test func toolsSearchRenderAndSaveAContext() async throws {
        let (client, _, library) = try await connect()
        let tools = try await client.listTools().tools.map(\.name)
        #expect(tools == ["search_prompts", "get_prompt", "render_prompt", "list_contexts", "get_context", "save_context", "record_feedback"])
        let found = try await client.callTool(name: "search_prompts", arguments: ["query": "review"])
        guard case .text(let hits, _, _)? = found.content.first else { Issue.record("no text"); return }
        #expect(hits.contains("\"id\" : \"review\""))
        let rendered = try await client.callTool(name: "render_prompt", arguments: ["id": "review", "variables": ["code": "x.py", "tone": "firm"]])
        guard case .text(let text, _, _)? = rendered.content.first else { Issue.record("no text"); return }
        #expect(text == "Review x.py, firmly.\n")
        guard case .text(let note, _, _)? = rendered.content.last else { Issue.record("no event"); return }
        let eventID = try #require(note.split(separator: " ").first { $0.count == 36 }.map(String.init))
        let rated = try await client.callTool(name: "record_feedback", arguments: ["event_id": .string(eventID), "score": 5])
        #expect(rated.isError == false)
        let saved = try await client.callTool(name: "save_context", arguments: [
            "title": "Fix login", "summary": "Race found.", "open_tasks": ["add a test"], "transcript": "User: why?\nAssistant: a race.\n"])
        #expect(saved.isError == false)
        #expect(try library.contextSummaries().map(\.title) == ["Fix login"])
        #expect(try git("log", "-1", "--format=%s", in: folder.path).hasPrefix("folio: save context"))
        let bad = try await client.callTool(name: "get_prompt", arguments: ["id": "missing"])
        #expect(bad.isError == true)
        let missing = try await client.callTool(name: "save_context", arguments: ["title": "x"])
        #expect(missing.isError == true)
    }

    @Test func saveContextNeverCommitsASecret() async throws {
        let (client, _, library) = try await connect()
        let key = "AKIA" + "IOSFODNN7EXAMPLE"
        let head = try git("rev-parse", "HEAD", in: folder.path)
        // In the transcript the redactor replaces it; in the title, which is not redacted, the commit is refused.
        let saved = try await client.callTool(name: "save_context", arguments: [
            "title": "Keys", "transcript": "User: my key is \(key)\nAssistant: rotate it.\n"])
        #expect(saved.isError == false)
        let text = try library.contextText(try #require(library.contextSummaries().first?.id))
        #expect(!text.contains(key))
        let leaky = try await client.callTool(name: "save_context", arguments: ["title": "Key \(key)", "transcript": "User: hi\n"])
        #expect(leaky.isError == true)
        guard case .text(let message, _, _)? = leaky.content.first else { Issue.record("no text"); return }
        #expect(message.contains("secret-detected"))
        #expect(try git("rev-list", "--count", "\(head)..HEAD", in: folder.path) == "1")
    }

    /// A prompt with a variable of every structured type.
    static let typed = """
        ---
        title: Typed
        variables:
        - name: focus
          type: list
        - name: owner
          type: object
        - name: count
          type: number
        - name: strict
          type: boolean
          default: false
        ---
        Focus: {{#focus}}{{.}};{{/focus}} owner {{owner.name}}, {{count}} files{{#strict}}, strictly{{/strict}}.

        """

    @Test func renderPromptTakesJSONValuesAsTheyCome() async throws {
        let (client, _, library) = try await connect()
        _ = try library.add(try PromptID("typed"), fileText: Self.typed, source: "typed")
        let rendered = try await client.callTool(name: "render_prompt", arguments: [
            "id": "typed", "variables": ["focus": ["security", "naming"], "owner": ["name": "Ada"], "count": 3, "strict": true]])
        guard case .text(let text, _, _)? = rendered.content.first else { Issue.record("no text"); return }
        #expect(rendered.isError == false, "\(text)")
        #expect(text == "Focus: security;naming; owner Ada, 3 files, strictly.\n")
        let wrong = try await client.callTool(name: "render_prompt", arguments: [
            "id": "typed", "variables": ["focus": ["a"], "owner": ["x", "y"], "count": 1]])
        guard case .text(let message, _, _)? = wrong.content.first else { Issue.record("no text"); return }
        #expect(wrong.isError == true)
        #expect(message == "variable 'owner' expects an object, got a list")
    }

    @Test func getPromptTakesJSONTextForListsAndObjects() async throws {
        let (client, _, library) = try await connect()
        _ = try library.add(try PromptID("typed"), fileText: Self.typed, source: "typed")
        let got = try await client.getPrompt(name: "typed", arguments: [
            "focus": "[\"security\", \"naming\"]", "owner": "{\"name\": \"Ada\"}", "count": "3"])
        guard case .text(let text) = got.messages.first?.content else { Issue.record("no text"); return }
        #expect(text == "Focus: security;naming; owner Ada, 3 files.\n")
    }

    @Test func aNameNoOneDeclaresFailsGetPromptAndRenderPrompt() async throws {
        let (client, _, _) = try await connect()
        // Written without committing: folio refuses to commit such a prompt.
        folder.write("prompts/support/reply.prompt.md", "---\ntitle: Reply\nvariables: [ticket]\n---\nHandle this: {{tikcet}}\n")
        do {
            _ = try await client.getPrompt(name: "support/reply", arguments: ["ticket": "refund"])
            Issue.record("rendered although 'tikcet' is not declared")
        } catch let error as MCPError {
            #expect("\(error)".contains("'tikcet' is used but not declared (did you mean ticket?)"), "\(error)")
        }
        let rendered = try await client.callTool(name: "render_prompt", arguments: ["id": "support/reply", "variables": ["ticket": "refund"]])
        guard case .text(let text, _, _)? = rendered.content.first else { Issue.record("no text"); return }
        #expect(rendered.isError == true)
        #expect(text.contains("'tikcet' is used but not declared (did you mean ticket?)"), "\(text)")
    }

    @Test func listContextsGivesMessageCountsAsNumbers() async throws {
        let (client, _, _) = try await connect()
        _ = try await client.callTool(name: "save_context", arguments: [
            "title": "Fix login", "transcript": "User: why?\nAssistant: a race.\nUser: fix it\n"])
        let listed = try await client.callTool(name: "list_contexts", arguments: [:])
        guard case .text(let text, _, _)? = listed.content.first else { Issue.record("no text"); return }
        let contexts = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(contexts.count == 1)
        let messages = contexts.first?["messages"]
        #expect(messages is Int || messages is NSNumber, "\(text)")
        #expect((messages as? Int).map { $0 > 0 } == true, "\(text)")
    }

    @Test func resourcesAndTemplates() async throws {
        let (client, _, _) = try await connect()
        let contents = try await client.readResource(uri: "folio://prompts/review")
        #expect(contents.first?.text?.hasPrefix("---\ntitle: Review\n") == true)
        await #expect(throws: MCPError.self) { _ = try await client.readResource(uri: "https://example.com/x") }
        let (resources, _) = try await client.listResources()
        #expect(resources.map(\.uri).contains("folio://prompts/shared/tone"))
    }

    @Test func aChangedPromptFileIsAnnounced() async throws {
        let (client, server, library) = try await connect()
        let announced = Locked(0)
        await client.onNotification(PromptListChangedNotification.self) { _ in announced.set(announced.get() + 1) }
        let feed = LibraryChangeFeed(library: library, options: .init(pollInterval: 0.1))
        feed.start()
        defer { feed.stop() }
        let watcher = Task { await server.watchForChanges(feed) }
        defer { watcher.cancel() }
        _ = try library.add(try PromptID("fresh"), fileText: "---\ntitle: Fresh\n---\nNew.\n", source: "fresh")
        for _ in 0..<50 where announced.get() == 0 { try await Task.sleep(nanoseconds: 100_000_000) }
        #expect(announced.get() >= 1)
        #expect(try await client.listPrompts().prompts.map(\.name).contains("fresh"))
    }

    @Test func aCommitByTheGitCommandIsAnnouncedAndARenderIsNot() async throws {
        let (client, server, library) = try await connect()
        let announced = Locked(0)
        await client.onNotification(PromptListChangedNotification.self) { _ in announced.set(announced.get() + 1) }
        let feed = LibraryChangeFeed(library: library)
        feed.start()
        defer { feed.stop() }
        let watcher = Task { await server.watchForChanges(feed) }
        defer { watcher.cancel() }
        folder.write("prompts/from-git.prompt.md", "---\ntitle: From git\n---\nWritten by hand.\n")
        try git("add", "prompts/from-git.prompt.md", in: folder.path)
        try git("commit", "-q", "-m", "add a prompt by hand", in: folder.path)
        for _ in 0..<50 where announced.get() == 0 { try await Task.sleep(nanoseconds: 100_000_000) }
        #expect(announced.get() >= 1)
        #expect(try await client.listPrompts().prompts.map(\.name).contains("from-git"))
        // A render records an analytics event: the feed sees it, but the lists did not change, so nothing is announced.
        try await Task.sleep(nanoseconds: 700_000_000)
        let before = announced.get()
        _ = try await client.getPrompt(name: "from-git")
        try await Task.sleep(nanoseconds: 1_000_000_000)
        #expect(announced.get() == before)
    }
}
