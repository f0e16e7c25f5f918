import Foundation
import FolioKit

extension AnalyticsRoutes {
    static var openAPI: OpenAPIPart {
        let prefix = API.prefix
        let count: JSONValue = Schema.ref("StatsCount")
        return OpenAPIPart(
            operations: [
                OpenAPIOperation(
                    method: .post, path: prefix + "/feedback", operationID: "feedback", tag: "analytics", summary: "Rate a render, use or exposure",
                    description: "By its event id (8 characters are enough): `score` 1–5, `success`, a `note`; at least one. Feedback on an event already rated replaces the parts it gives.",
                    role: .write,
                    parameters: [["name": "X-Folio-Client", "in": "header", "required": false, "schema": Schema.string,
                                  "description": "The client's name for the event (else `User-Agent`)."]],
                    requestBody: Schema.ref("Feedback"), requestExample: ["event": "3f2a9c1b", "success": true],
                    responses: [201: OpenAPIOperation.json("The feedback event and what it replaced.", Schema.ref("FeedbackRecorded"))],
                    errors: [404: ["not_found"], 422: ["invalid_input"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .get, path: prefix + "/stats", operationID: "stats", tag: "analytics", summary: "Usage statistics",
                    description: "As `folio stats --json`.", role: .read,
                    parameters: [
                        OpenAPIOperation.query("id", "One prompt.", schema: PromptRoutes.idSchema),
                        OpenAPIOperation.query("since", "A span (`24h`, `30d`, `12w`, `6m`, `1y`) or a start date (`2026-01-31`, `2026-01-31T09:00:00Z`); default `30d`."),
                        OpenAPIOperation.query("by", "Grouping (default `day`).", schema: Schema.enumeration(StatsRequest.Grouping.allCases.map(\.rawValue))),
                        OpenAPIOperation.query("team", "`true`: everyone's events as synced.", schema: Schema.enumeration(["true", "false"])),
                    ],
                    responses: [200: OpenAPIOperation.json("The report.", Schema.ref("StatsReport"))],
                    errors: [400: ["bad_query"], 404: ["not_found"], 422: ["invalid_input"], 503: ["git"]]),
            ],
            schemas: [
                "Feedback": Schema.object([
                    "event": Schema.string("The id of the event rated (a render's `event_id`)."),
                    "score": ["type": "number", "minimum": 1, "maximum": 5], "success": Schema.boolean, "note": Schema.string,
                    "source": Schema.string("Who gives the feedback (default `api`)."),
                ], required: ["event"]),
                "FeedbackRecorded": Schema.object([
                    "event": Schema.ref("Event"),
                    "replaced": Schema.described(Schema.strings, "What of the rated event's earlier outcome it replaced (`success`, `score 4`, `note`)."),
                ], required: ["event", "replaced"]),
                "Event": Schema.object([
                    "id": Schema.string, "kind": Schema.enumeration(Event.Kind.allCases.map(\.rawValue)), "prompt": Schema.string,
                    "blob": Schema.string, "commit": Schema.string, "variant": Schema.string, "experiment": Schema.string, "subject": Schema.string,
                    "source": Schema.string, "user": Schema.string, "time": Schema.dateTime,
                    "score": Schema.number, "success": Schema.boolean, "note": Schema.string,
                    "ref": Schema.string("The event rated."), "client": Schema.string,
                ], required: ["id", "kind", "prompt", "source", "user", "time"], description: "An analytics event."),
                "StatsReport": Schema.object([
                    "since": Schema.dateTime, "until": Schema.dateTime, "prompt": Schema.string,
                    "grouping": Schema.enumeration(StatsRequest.Grouping.allCases.map(\.rawValue)),
                    "totals": count, "top": Schema.array(count), "breakdown": Schema.array(count),
                    "versions": Schema.array(Schema.object([
                        "prompt": Schema.string, "blob": Schema.string, "version": Schema.string, "label": Schema.string,
                        "variants": Schema.strings, "commit": Schema.string, "first_used": Schema.dateTime, "uses": Schema.integer,
                        "successes": Schema.integer, "failures": Schema.integer, "scores": Schema.integer,
                        "mean_score": Schema.number, "success_rate": Schema.number, "best": Schema.boolean,
                    ], required: ["prompt", "blob", "label", "variants", "first_used", "uses", "successes", "failures", "scores", "best"])),
                    "unused": Schema.described(Schema.strings, "Prompts with no use in the span."),
                ], required: ["since", "until", "grouping", "totals", "top", "breakdown", "versions", "unused"],
                   description: "As `folio stats --json` prints it."),
                "StatsCount": Schema.object([
                    "key": Schema.string, "uses": Schema.integer, "renders": Schema.integer, "direct_uses": Schema.integer,
                    "copies": Schema.integer, "exposures": Schema.integer, "feedback": Schema.integer,
                ], required: ["key", "uses", "renders", "direct_uses", "copies", "exposures", "feedback"]),
            ],
            tags: ["analytics": "Analytics: feedback and usage statistics."])
    }
}
