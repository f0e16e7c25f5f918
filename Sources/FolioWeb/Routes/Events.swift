import Foundation
import FolioKit
import HTTPTypes
import Hummingbird
import ServiceLifecycle

/// The server's one change feed (FolioKit's `LibraryChangeFeed`, the detector `folio mcp` uses too) and how often
/// a quiet event stream gets a heartbeat. `WebServer.run` starts it and stops it when the server stops.
final class ServerEvents: Sendable {
    let feed: LibraryChangeFeed
    /// Seconds between heartbeats on a quiet stream.
    let heartbeat: Double

    init(feed: LibraryChangeFeed, heartbeat: Double) {
        self.feed = feed
        self.heartbeat = heartbeat
    }
}

/// `GET /api/v1/events`: Server-Sent Events when a prompt or context changes, a label moves or an analytics event
/// lands, whoever made the change (this server, the CLI, an editor, a `git commit`, a sync).
///
/// The stream opens with `retry:` and, for a client that gave no Last-Event-ID, a `ready` event whose id is where it
/// starts (so a browser's EventSource reconnects from there); a client reconnecting with `Last-Event-ID` (or
/// `?last_event_id=`) first gets every event after it that the feed still holds, preceded by `missed` when some are
/// no longer held. A comment line every `heartbeat` seconds keeps proxies from closing a quiet stream. The stream
/// ends when the server stops (a graceful shutdown does not wait for it).
enum EventRoutes: APIRoutes {
    static func register(on api: API) {
        let events = api.events
        api.get("/events") { request, _ in
            let header = request.headers[HTTPField.Name("Last-Event-ID")!] ?? request.query("last_event_id")
            let resume = ServerSentEvent.lastEventID(header)
            if header != nil && resume == nil {
                throw APIError(.badRequest, "bad_last_event_id", "Last-Event-ID must be an event id (a whole number), not '\(header ?? "")'",
                               fix: "send the id of the last event you received, or no Last-Event-ID for events from now on")
            }
            events.feed.start()
            let start = resume ?? events.feed.lastID
            let messages = events.feed.subscribe(after: start)
            let opening = ServerSentEvent.retry(milliseconds: 3_000)
                + (resume == nil ? "id: \(start)\nevent: ready\ndata: {\"last_event_id\":\(start)}\n\n" : "")
            let heartbeat = events.heartbeat
            let body = ResponseBody { writer in
                // Feed batches and heartbeats go out through one queue, so writes never overlap.
                let (frames, outbox) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .unbounded)
                outbox.yield(opening)
                let relay = Task {
                    for await batch in messages { outbox.yield(ServerSentEvent.frames(batch)) }
                    outbox.finish()  // the feed stopped, or this subscriber fell too far behind: the client reconnects
                }
                let beat = Task {
                    while !Task.isCancelled {
                        try await Task.sleep(for: .seconds(heartbeat))
                        outbox.yield(ServerSentEvent.heartbeat)
                    }
                }
                defer {
                    relay.cancel()
                    beat.cancel()
                }
                // A graceful shutdown waits for requests to finish; this one would not by itself.
                try await withGracefulShutdownHandler {
                    // A write to a client that went away throws, which ends the stream and its subscription.
                    for await frame in frames { try await writer.write(ByteBuffer(string: frame)) }
                } onGracefulShutdown: {
                    outbox.finish()
                }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store",
                                                   HTTPField.Name("X-Accel-Buffering")!: "no"], body: body)
        }
    }
}
