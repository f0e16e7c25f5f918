import Foundation
import FolioKit
import HTTPTypes
import Hummingbird

/// Analytics: feedback on an earlier render, use or exposure (`folio feedback`), and usage statistics with the
/// filters of `folio stats` (the model of `folio stats --json`).
enum AnalyticsRoutes: APIRoutes {
    static func register(on api: API) {
        let pool = api.library

        api.post("/feedback") { request, _ in
            let body = try await request.json(Feedback.self)
            guard !body.event.isEmpty else {
                throw APIError(.badRequest, "bad_json", "'event' is the id of the render, use or exposure rated (a render's event_id)")
            }
            let client = String((request.headers[HTTPField.Name("X-Folio-Client")!] ?? request.headers[.userAgent] ?? "unknown").prefix(200))
            let source = body.source.flatMap { $0.isEmpty ? nil : String($0.prefix(100)) } ?? "api"
            let recorded = try await pool.write { library in
                let recorded = try library.recordFeedback(on: body.event, score: body.score, success: body.success, note: body.note,
                                                          source: source, client: client)
                return Recorded(event: recorded.event, replaced: recorded.replaced)
            }
            return try .json(recorded, status: .created)
        }

        api.get("/stats") { request, _ in
            let id = try request.query("id").map(LabelRoutes.promptID)
            let since = request.query("since") ?? "30d"
            let grouping = try request.query("by").map { text -> StatsRequest.Grouping in
                guard let grouping = StatsRequest.Grouping(rawValue: text) else {
                    throw APIError(.badRequest, "bad_query", "by is one of \(StatsRequest.Grouping.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'")
                }
                return grouping
            } ?? .day
            let team = try CommentRoutes.flag(request, "team")
            let report = try await pool.read { library in
                let now = Date()
                let start: Date
                do {
                    start = try StatsRequest.parseSince(since, now: now)
                } catch let error as FolioError {
                    throw APIError(.badRequest, "bad_query", error.message.replacingOccurrences(of: "--since", with: "since"))
                }
                return try library.stats(StatsRequest(prompt: id, since: start, until: now, by: grouping, team: team))
            }
            return try .json(report)
        }
    }

    // MARK: - Bodies

    struct Feedback: Decodable {
        /// The id of the event rated (a render's `event_id`; 8 characters are enough).
        let event: String
        /// From 1 to 5.
        let score: Double?
        /// It worked (true) or did not (false).
        let success: Bool?
        let note: String?
        /// Who gives the feedback (default `api`).
        let source: String?
    }

    // MARK: - Answers

    /// The feedback event recorded, and what of the rated event's earlier outcome it replaced (`success`, `score 4`,
    /// `note`): an event has one outcome, the latest.
    struct Recorded: Encodable, Sendable {
        let event: Event
        let replaced: [String]
    }
}
