import Foundation

/// The change feed's messages as Server-Sent Events frames (the text/event-stream format of the HTML standard), so
/// an HTTP endpoint only writes what it is given: `id:` (what the browser sends back as Last-Event-ID), `event:`
/// (the kind, `prompt.changed`), one `data:` line of JSON (folio's JSON: snake_case, ISO dates), a blank line.
public enum ServerSentEvent {
    /// The frame for one message. A missed note is the event `missed`, whose id is where the held events resume.
    public static func frame(_ message: LibraryFeedMessage) -> String {
        switch message {
        case .change(let change):
            return frame(id: change.id, event: change.kind.rawValue, json: json(change))
        case .missed(let after, let resumeFrom):
            return frame(id: resumeFrom, event: "missed", json: json(Missed(after: after, resumeFrom: resumeFrom)))
        }
    }

    /// The frames of one batch, in order.
    public static func frames(_ batch: [LibraryFeedMessage]) -> String {
        batch.map(frame).joined()
    }

    /// A comment frame, which clients ignore: sent every few seconds, it keeps proxies from closing a quiet stream.
    public static let heartbeat = ": heartbeat\n\n"

    /// Tells the client how many milliseconds to wait before reconnecting.
    public static func retry(milliseconds: Int) -> String { "retry: \(milliseconds)\n\n" }

    /// The event id in a Last-Event-ID header, if it is one this feed could have given out.
    public static func lastEventID(_ header: String?) -> Int? {
        header.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// The `missed` event's data.
    struct Missed: Codable {
        let after: Int
        let resumeFrom: Int
    }

    private static func frame(id: Int, event: String, json: String) -> String {
        "id: \(id)\nevent: \(event)\ndata: \(json)\n\n"
    }

    /// Compact JSON on one line: the encoder escapes line breaks inside strings, so one `data:` line holds it all.
    private static func json(_ value: some Encodable) -> String {
        let data = (try? FolioJSON.encoder(pretty: false).encode(value)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
