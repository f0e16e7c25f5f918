import Foundation
import HTTPTypes
import Testing
import TestSupport
@testable import FolioKit
@testable import FolioWeb

/// The event stream in process. A stream runs until the server stops, so these tests stop the feed first and read
/// what a client gets before the stream ends; the live test (ServeEndToEndTests) reads a stream as it runs.
extension RouterTests {
    /// Waits until the feed has announced an event after `id` (the feed polls on its own thread).
    func waitForEvent(after id: Int, on feed: LibraryChangeFeed) -> Bool {
        for _ in 0..<1_000 where feed.lastID <= id { usleep(10_000) }
        return feed.lastID > id
    }

    @Test func aReconnectingClientGetsTheEventsItMissed() async throws {
        let server = try server()
        let feed = server.events.feed
        feed.start()
        let before = feed.lastID
        let library = try Library.open(explicitPath: folder.path, environment: environment)
        _ = try library.add(try PromptID("ops/triage"), fileText: "---\ntitle: Triage\n---\nSort the alerts.\n", source: "test")
        #expect(waitForEvent(after: before, on: feed))
        feed.stop()
        try await withClient(server) { client in
            let resumed = try await client.call(.get, "/api/v1/events", headers: [HTTPField.Name("Last-Event-ID")!: String(before)])
            #expect(resumed.status == 200)
            #expect(resumed.headers[.contentType] == "text/event-stream; charset=utf-8")
            #expect(resumed.headers[.cacheControl] == "no-store")
            #expect(resumed.text.hasPrefix("retry: 3000\n\n"))
            #expect(resumed.text.contains("id: \(before + 1)\nevent: prompt.added\ndata: {"))
            #expect(resumed.text.contains(#""ids":["ops/triage"]"#))
            #expect(!resumed.text.contains("event: ready"))
            // The same through the query, for clients that cannot set the header.
            let query = try await client.call(.get, "/api/v1/events?last_event_id=\(before)")
            #expect(query.text.contains("event: prompt.added"))
            // Nothing after the last id: nothing but the opening.
            let upToDate = try await client.call(.get, "/api/v1/events", headers: [HTTPField.Name("Last-Event-ID")!: String(feed.lastID)])
            #expect(upToDate.text == "retry: 3000\n\n")
            // An id this run never gave out: the client is told it missed something.
            let stale = try await client.call(.get, "/api/v1/events", headers: [HTTPField.Name("Last-Event-ID")!: "5"])
            #expect(stale.text.contains("event: missed"))
            // A new client starts from now, with its starting point as the ready event's id.
            let fresh = try await client.call(.get, "/api/v1/events")
            #expect(fresh.text == "retry: 3000\n\nid: \(feed.lastID)\nevent: ready\ndata: {\"last_event_id\":\(feed.lastID)}\n\n")
        }
    }

    @Test func theEventStreamNeedsATokenAndAnEventID() async throws {
        let server = try server()
        server.events.feed.stop()
        let read = try TokenStore(path: folder.at(".git/folio/tokens.json")).add(name: "viewer", role: .read)
        try await withClient(server) { client in
            #expect(try await client.call(.get, "/api/v1/events", token: .some(nil)).status == 401)
            #expect(try await client.call(.get, "/api/v1/events", token: read).status == 200)
            let bad = try await client.call(.get, "/api/v1/events", headers: [HTTPField.Name("Last-Event-ID")!: "yesterday"])
            #expect(bad.status == 400)
            #expect(Self.error(bad.json) == "bad_last_event_id")
        }
    }
}
