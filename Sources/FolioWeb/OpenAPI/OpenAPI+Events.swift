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
                        "content": ["text/event-stream": ["schema": Schema.ref("ServerSentEvent")]],
                    ]],
                    errors: [400: ["bad_last_event_id"]]),
            ],
            schemas: [
                "ServerSentEvent": Schema.object([
                    "event": Schema.enumeration(["ready", "missed"] + LibraryChangeEvent.Kind.allCases.map(\.rawValue)),
                    "id": ["type": "string", "pattern": "^[0-9]+$", "description": "The event's id: send it back as Last-Event-ID."],
                    "data": ["type": "string", "contentMediaType": "application/json",
                             "description": "One line of JSON: a `ChangeEvent`; `{\"last_event_id\"}` for `ready`; `{\"after\", \"resume_from\"}` for `missed`."],
                    "retry": Schema.described(Schema.integer, "Milliseconds before a reconnection (the stream opens with 3000)."),
                ], required: ["event", "data"], description: "One event of the stream (schema of each event, as OpenAPI 3.1 tools read a text/event-stream schema); `: heartbeat` comment lines carry none."),
                "ChangeEvent": Schema.object([
                    "id": Schema.integer, "kind": Schema.enumeration(LibraryChangeEvent.Kind.allCases.map(\.rawValue)),
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
