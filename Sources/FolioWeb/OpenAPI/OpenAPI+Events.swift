import Foundation
import FolioKit

extension EventRoutes {
    static var openAPI: OpenAPIPart {
        OpenAPIPart(
            operations: [
                OpenAPIOperation(
                    method: .get, path: API.prefix + "/events", operationID: "events", tag: "events", summary: "Live updates (Server-Sent Events)",
                    description: "A stream that does not end by itself: `retry: 3000`, then `ready` (without Last-Event-ID), then one event per change (`prompt.added`, `prompt.changed`, `prompt.removed`, `context.added`, `context.changed`, `context.removed`, `label.moved`, `analytics.event`, and `missed` when some were no longer held), each with a numeric `id:` and one `data:` line of JSON; `: heartbeat` comments on a quiet stream.",
                    role: .read,
                    parameters: [
                        ["name": "Last-Event-ID", "in": "header", "required": false, "schema": ["type": "string", "pattern": "^[0-9]+$"],
                         "description": "Resume after this event id."],
                        OpenAPIOperation.query("last_event_id", "As the Last-Event-ID header, for clients that cannot set it.",
                                               schema: ["type": "string", "pattern": "^[0-9]+$"]),
                    ],
                    responses: [200: [
                        "description": "The event stream.",
                        "headers": ["Cache-Control": OpenAPIOperation.header("`no-store`"), "X-Accel-Buffering": OpenAPIOperation.header("`no`")],
                        "content": ["text/event-stream": ["schema": Schema.string("Server-Sent Events; each `data:` is a `ChangeEvent` (or `{\"last_event_id\"}` for `ready`, `{\"after\", \"resume_from\"}` for `missed`).")]],
                    ]],
                    errors: [400: ["bad_last_event_id"]]),
            ],
            schemas: [
                "ChangeEvent": Schema.object([
                    "id": Schema.integer, "kind": Schema.string("`prompt.added`, `label.moved`, `analytics.event`, …"),
                    "ids": Schema.described(Schema.strings, "The prompt or context ids concerned, sorted."),
                    "many": Schema.described(Schema.boolean, "Too many changed at once to name: reload."),
                    "labels": Schema.array(Schema.object(["prompt": Schema.string, "label": Schema.string, "from": Schema.string, "to": Schema.string],
                                                         required: ["prompt", "label"])),
                    "events": Schema.described(Schema.integer, "How many analytics events landed."),
                    "time": Schema.dateTime,
                ], required: ["id", "kind", "ids", "many", "time"], description: "The `data:` of a change event on GET /api/v1/events."),
            ],
            tags: ["events": "Live updates: Server-Sent Events when prompts, contexts, labels or analytics change."])
    }
}
