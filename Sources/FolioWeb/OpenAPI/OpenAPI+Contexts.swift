import Foundation
import FolioKit

extension ContextRoutes {
    /// Where a saved context's answer leads (schemathesis' stateful phase follows links).
    static let fromSaved: JSONValue = [
        "GetSaved": ["operationId": "getContext", "parameters": ["id": "$response.body#/id"]],
        "RestoreSaved": ["operationId": "restoreContext", "parameters": ["id": "$response.body#/id"]],
    ]

    static var openAPI: OpenAPIPart {
        let prefix = API.prefix
        let id = OpenAPIOperation.pathParameter("id", "A context's id (`2026/03/01-fix-login`), its slashes as they are or encoded, or a unique part of it (`fix-login`). An id whose last segment is `restore` must be encoded.",
                                                    schema: ["type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$", "maxLength": 300])
        return OpenAPIPart(
            operations: [
                OpenAPIOperation(
                    method: .get, path: prefix + "/contexts", operationID: "listContexts", tag: "contexts", summary: "List saved contexts",
                    description: "Newest first, a page at a time; items as `folio context list --json` with paths relative to the library.", role: .read,
                    parameters: [
                        OpenAPIOperation.query("limit", "Page size (default 100).", schema: ["type": "integer", "minimum": 1, "maximum": 1000]),
                        OpenAPIOperation.query("offset", "How many to skip (default 0).", schema: ["type": "integer", "minimum": 0]),
                    ],
                    responses: [200: OpenAPIOperation.json("A page of contexts.", Schema.ref("ContextPage"))],
                    errors: [400: ["bad_query"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .get, path: prefix + "/contexts/{id}", operationID: "getContext", tag: "contexts", summary: "Get a context",
                    description: "Its facts and the whole file as stored (redacted when it was saved).", role: .read,
                    parameters: [id],
                    responses: [200: OpenAPIOperation.json("The context.", Schema.ref("ContextAt"))],
                    errors: [400: ["bad_id"], 404: ["not_found"], 422: ["invalid_input"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .get, path: prefix + "/contexts/{id}/restore", operationID: "restoreContext", tag: "contexts", summary: "Restore a context for a tool",
                    description: "What `folio context restore ID --for TARGET` prints; nothing is written on the server. With `raw=true` the answer is the text itself, of the target's media type.",
                    role: .read,
                    parameters: [
                        id,
                        OpenAPIOperation.query("for", "The target (default `brief`).", schema: Schema.enumeration(RestoreTarget.allCases.map(\.rawValue))),
                        OpenAPIOperation.query("budget", "The brief's token budget (default 8000).", schema: ["type": "integer", "minimum": 200, "maximum": 1_000_000]),
                        OpenAPIOperation.query("raw", "`true`: answer the text itself.", schema: Schema.enumeration(["true", "false"])),
                    ],
                    responses: [200: [
                        "description": "The restored text (JSON), or with `raw=true` the text itself.",
                        "content": [
                            "application/json": ["schema": ["anyOf": [Schema.ref("RestoredContext"),
                                                                      Schema.described(Schema.any, "With raw=true for openai, anthropic or gemini: the conversation itself.")]]],
                            "text/markdown": ["schema": Schema.string],
                            "application/x-ndjson": ["schema": Schema.string],
                        ],
                    ]],
                    errors: [400: ["bad_id", "bad_query"], 404: ["not_found"], 422: ["invalid_input"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .post, path: prefix + "/contexts", operationID: "saveContext", tag: "contexts", summary: "Save an uploaded session file",
                    description: "As `folio context save --file`: always redacted, one commit, updated in place when the same session was saved before. Give `text` or `base64`.",
                    role: .write, requestBody: Schema.ref("ContextUpload"),
                    requestExample: ["name": "notes.md", "tool": "markdown", "text": "# Fixing login\n\n## User\n\nWhy does login fail?\n\n## Assistant\n\nThe token expired.\n"],
                    responses: [
                        201: OpenAPIOperation.json("A new context.", Schema.ref("ContextSaved"), headers: ["Location": OpenAPIOperation.header("The context's URL.")], links: fromSaved),
                        200: OpenAPIOperation.json("A context saved before, updated or unchanged.", Schema.ref("ContextSaved"),
                                                   headers: ["Location": OpenAPIOperation.header("The context's URL.")], links: fromSaved),
                    ],
                    errors: [409: ["conflict"], 422: ["invalid_input"], 503: ["git"]]),
            ],
            schemas: [
                "ContextPage": Schema.object([
                    "items": Schema.array(Schema.ref("ContextItem")), "total": Schema.integer, "offset": Schema.integer, "limit": Schema.integer,
                    "next_offset": Schema.described(Schema.integer, "Absent on the last page."),
                ], required: ["items", "total", "offset", "limit"]),
                "ContextItem": Schema.object([
                    "id": Schema.string, "title": Schema.string, "tool": Schema.string,
                    "created": Schema.string("ISO 8601; absent when unknown."), "messages": Schema.integer,
                    "path": Schema.string("Relative to the library."),
                ], required: ["id", "title", "tool", "messages", "path"]),
                "ContextAt": Schema.object([
                    "id": Schema.string, "path": Schema.string, "title": Schema.string, "tool": Schema.string,
                    "created": Schema.dateTime, "messages": Schema.integer, "tags": Schema.strings,
                    "text": Schema.string("The whole file as stored."),
                ], required: ["id", "path", "title", "tool", "messages", "tags", "text"]),
                "RestoredContext": Schema.object([
                    "id": Schema.string, "target": Schema.enumeration(RestoreTarget.allCases.map(\.rawValue)),
                    "media_type": Schema.enumeration(["text/markdown", "application/json", "application/x-ndjson"]),
                    "text": Schema.string, "omitted_turns": Schema.described(Schema.integer, "Turns the brief left out to fit."),
                ], required: ["id", "target", "media_type", "text", "omitted_turns"]),
                "ContextUpload": Schema.object([
                    "text": Schema.string("The session file as text (JSONL, JSON, Markdown)."),
                    "base64": Schema.string("The file's bytes, base64."),
                    "name": Schema.string("The file's name as the tool wrote it (only its last component is used)."),
                    "tool": Schema.enumeration(Library.uploadableTools.map(\.rawValue)),
                    "title": Schema.string, "tags": Schema.strings,
                    "thinking": Schema.boolean, "full": Schema.boolean,
                ], required: []),
                "ContextSaved": Schema.object([
                    "id": Schema.string, "path": Schema.string("Relative to the library."), "tool": Schema.string,
                    "source": Schema.string("`uploaded NAME`."), "messages": Schema.integer,
                    "messages_added": Schema.described(Schema.integer, "Only when `updated`."), "tool_calls": Schema.integer,
                    "updated": Schema.boolean, "changed": Schema.boolean, "redactions": Schema.strings,
                    "commit": Schema.string("Absent when nothing was committed."),
                    "bytes_read": Schema.integer, "bytes_written": Schema.integer, "warnings": Schema.strings,
                ], required: ["id", "path", "tool", "source", "messages", "tool_calls", "updated", "changed", "redactions",
                              "bytes_read", "bytes_written", "warnings"], description: "As `folio context save --json` prints it."),
            ],
            tags: ["contexts": "Contexts: saved AI coding sessions: list, get, save an upload, restore for a tool."])
    }
}
