import Foundation
import FolioKit

extension PromptRoutes {
    static var openAPI: OpenAPIPart {
        let prefix = API.prefix
        let id = OpenAPIOperation.pathParameter("id", "The prompt's id (`review/security`); its slashes as they are or encoded (`review%2Fsecurity`). An id whose last segment is `history` or `render` must be encoded.",
                                                schema: idSchema, example: "code-review")
        let status = OpenAPIOperation.query("status", "Only prompts with this status.", schema: Schema.enumeration(PromptStatus.allCases.map(\.rawValue)))
        return OpenAPIPart(
            operations: [
                OpenAPIOperation(
                    method: .get, path: prefix + "/prompts", operationID: "listPrompts", tag: "prompts", summary: "List prompts",
                    description: "As `folio list --json`, a page at a time, in id order.", role: .read,
                    parameters: [
                        OpenAPIOperation.repeatedQuery("tag", "Only prompts with this tag; repeat for several (all must match)."),
                        OpenAPIOperation.query("category", "Only prompts of this category."),
                        status,
                        OpenAPIOperation.query("limit", "Page size (default 100).", schema: ["type": "integer", "minimum": 1, "maximum": 1000]),
                        OpenAPIOperation.query("offset", "How many to skip (default 0).", schema: ["type": "integer", "minimum": 0]),
                    ],
                    responses: [200: OpenAPIOperation.json("A page of prompts.", Schema.ref("PromptPage"))],
                    errors: [400: ["bad_query"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .get, path: prefix + "/prompts/{id}", operationID: "getPrompt", tag: "prompts", summary: "Get a prompt",
                    description: "The file's text and blob id (also the `ETag`) at `rev`, or in the work tree; `prompt` as `folio show --json`.",
                    role: .read,
                    parameters: [id, OpenAPIOperation.query("rev", "A revision: `v3`, a label, a branch, a tag, a commit, `HEAD~2`. Default: the work tree.")],
                    responses: [200: OpenAPIOperation.json("The prompt.", Schema.ref("PromptAt"),
                                                           headers: ["ETag": OpenAPIOperation.header("The blob id, quoted.")],
                                                           links: ["UpdateIt": ["operationId": "updatePrompt", "parameters": ["id": "$response.body#/id"],
                                                                                "requestBody": ["text": "$response.body#/text", "base": "$response.body#/blob"]]])],
                    errors: [400: ["bad_id"], 404: ["not_found"], 422: ["invalid_input"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .get, path: prefix + "/prompts/{id}/history", operationID: "promptHistory", tag: "prompts", summary: "A prompt's versions",
                    description: "As `folio history --json`: every version on the branch's first-parent history, oldest first.", role: .read,
                    parameters: [id],
                    responses: [200: OpenAPIOperation.json("The versions.", Schema.array(Schema.ref("Version")))],
                    errors: [400: ["bad_id"], 404: ["not_found"], 422: ["invalid_input"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .post, path: prefix + "/prompts", operationID: "createPrompt", tag: "prompts", summary: "Create a prompt",
                    description: "One commit. Either `text` (the whole file, frontmatter and body) or the fields `folio new` takes.", role: .write,
                    requestBody: Schema.ref("NewPrompt"),
                    requestExample: ["id": "review/sql-injection", "title": "SQL injection review", "tags": ["review", "security"],
                                     "body": "Review {{code}} for SQL injection."],
                    responses: [201: OpenAPIOperation.json("Created.", Schema.ref("Written"),
                                                           headers: ["Location": OpenAPIOperation.header("The new prompt's URL.")],
                                                           links: fromWritten)],
                    errors: [404: ["not_found"], 409: ["conflict"], 422: ["invalid_input"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .put, path: prefix + "/prompts/{id}", operationID: "updatePrompt", tag: "prompts", summary: "Update a prompt",
                    description: "One commit. `base` is the blob id the text was made from (GET's `blob`). A change made meanwhile to other keys or lines is merged; to the same ones, 409 with `error.conflict` holding both versions.",
                    role: .write, parameters: [id], requestBody: Schema.ref("Update"),
                    responses: [200: OpenAPIOperation.json("Updated (or `changed: false` when the text was the same).", Schema.ref("Written"))],
                    errors: [400: ["bad_id", "base_required"], 404: ["not_found"], 409: ["conflict"], 422: ["invalid_input"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .post, path: prefix + "/prompts/{id}/render", operationID: "renderPrompt", tag: "prompts", summary: "Render a prompt",
                    description: "As `folio render --json`. Records a render event with source `api` and the client from `X-Folio-Client`, else `User-Agent`.",
                    role: .read,
                    parameters: [id, OpenAPIOperation.query("rev", "The revision to render (the body's `rev` wins)."),
                                 ["name": "X-Folio-Client", "in": "header", "required": false, "schema": Schema.string,
                                  "description": "The client's name for the analytics event (else `User-Agent`)."]],
                    requestBody: Schema.ref("RenderRequest"), requestBodyRequired: false,
                    requestExample: ["variables": ["diff": "- let a = 1\n+ let a = 2", "language": "swift"]],
                    responses: [200: OpenAPIOperation.json("The rendered text.", Schema.ref("Rendering"))],
                    errors: [400: ["bad_id"], 404: ["not_found"], 422: ["invalid_input"], 503: ["git"]]),
            ],
            schemas: schemas,
            tags: ["prompts": "Prompts: list, read at any revision, create, update, render, history."])
    }

    /// A valid prompt id (PromptID): lowercase ASCII segments of letters, digits, `-` and `_`, each starting with a
    /// letter or a digit, joined by `/`; at most 200 bytes.
    static let idSchema: JSONValue = ["type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*$", "maxLength": 200]

    /// Where a created prompt's answer leads (OpenAPI links, which schemathesis' stateful phase follows).
    static let fromWritten: JSONValue = [
        "GetCreated": ["operationId": "getPrompt", "parameters": ["id": "$response.body#/id"]],
        "HistoryOfCreated": ["operationId": "promptHistory", "parameters": ["id": "$response.body#/id"]],
        "RenderCreated": ["operationId": "renderPrompt", "parameters": ["id": "$response.body#/id"]],
    ]

    static let schemas: [String: JSONValue] = [
        "PromptPage": Schema.object([
            "items": Schema.array(Schema.ref("PromptEntry")),
            "total": Schema.described(Schema.integer, "How many prompts the filters keep."),
            "offset": Schema.integer, "limit": Schema.integer,
            "next_offset": Schema.described(Schema.integer, "The next page's offset; absent on the last page."),
        ], required: ["items", "total", "offset", "limit"]),
        "PromptEntry": Schema.object([
            "id": Schema.string, "path": Schema.string("The file, relative to the library."),
            "title": Schema.string, "description": Schema.string, "tags": Schema.strings, "category": Schema.string,
            "status": Schema.enumeration(PromptStatus.allCases.map(\.rawValue) + ["invalid"]),
            "owners": Schema.strings, "variables": Schema.described(Schema.strings, "The variables' names."),
            "partial": Schema.boolean, "estimated_tokens": Schema.integer,
            "error": Schema.string("Why the file cannot be read, when it cannot (status `invalid`)."),
            "blob": Schema.string("The blob id of the file in the work tree."),
            "modified": Schema.described(Schema.boolean, "The work tree differs from HEAD, or the file is not committed."),
            "last_commit": Schema.string, "last_author": Schema.string, "last_email": Schema.string, "last_date": Schema.dateTime,
        ], required: ["id", "path", "tags", "status", "owners", "variables", "partial", "estimated_tokens", "blob", "modified"],
           description: "A prompt as `folio list --json` prints it."),
        "PromptAt": Schema.object([
            "id": Schema.string, "revision": Schema.string("The revision asked for; absent for the work tree."),
            "blob": Schema.string("The blob id of the file at that revision: the `base` of an update."),
            "text": Schema.string("The whole file."), "prompt": Schema.ref("Prompt"),
        ], required: ["id", "blob", "text", "prompt"]),
        "Prompt": Schema.object([
            "id": Schema.string, "path": Schema.string, "title": Schema.string, "description": Schema.string,
            "tags": Schema.strings, "category": Schema.string, "status": Schema.enumeration(PromptStatus.allCases.map(\.rawValue)),
            "owners": Schema.strings,
            "model": Schema.described(Schema.anyObject, "`name`, `parameters` and any other keys of the frontmatter's `model`."),
            "variables": Schema.array(Schema.ref("Variable")), "partial": Schema.boolean,
            "metadata": Schema.described(Schema.any, "The frontmatter's `metadata`, as written."),
            "extra": Schema.described(Schema.anyObject, "Frontmatter keys folio does not know, as written."),
            "estimated_tokens": Schema.integer, "body": Schema.string,
        ], required: ["id", "path", "tags", "status", "owners", "variables", "partial", "estimated_tokens"],
           description: "A prompt as `folio show --json` prints it."),
        "Variable": Schema.object([
            "name": Schema.string, "description": Schema.string,
            "type": Schema.enumeration(VariableType.allCases.map(\.rawValue)),
            "required": Schema.boolean, "default": Schema.any, "values": Schema.array(Schema.any),
        ], required: ["name", "type", "required"]),
        "Version": Schema.object([
            "number": Schema.described(Schema.integer, "1 for the oldest version (`v1`)."),
            "commit": Schema.string, "date": Schema.dateTime, "author": Schema.string, "email": Schema.string, "message": Schema.string,
            "path": Schema.string("The file's path in this version."), "blob": Schema.string,
            "labels": Schema.described(Schema.strings, "Labels pointing at this version."),
            "removal": Schema.object(["commit": Schema.string, "date": Schema.dateTime, "author": Schema.string,
                                      "email": Schema.string, "message": Schema.string],
                                     required: ["commit", "date", "author", "email", "message"],
                                     description: "The commit that removed the prompt after this version."),
        ], required: ["number", "commit", "date", "author", "email", "message", "path", "blob", "labels"],
           description: "A version as `folio history --json` prints it."),
        "NewPrompt": Schema.object([
            "id": Schema.described(idSchema, "The new prompt's id (`review/security`)."),
            "text": Schema.string("The whole file; or the fields below."),
            "title": Schema.string, "description": Schema.string, "tags": Schema.strings,
            "template": Schema.string("A template to start from, as `folio new --template`."),
            "body": Schema.string,
            "message": Schema.string("Words for the commit message's body (folio's line stays its subject)."),
        ], required: ["id"]),
        "Update": Schema.object([
            "text": Schema.string("The whole new file."),
            "base": Schema.string("The blob id of the version the text was made from (GET's `blob`)."),
            "message": Schema.string("Words for the commit message's body (folio's line stays its subject)."),
        ], required: ["text", "base"]),
        "RenderRequest": Schema.object([
            "variables": Schema.described(Schema.anyObject, "Values by variable name."),
            "rev": Schema.string("The revision to render."),
            "allow_extra": Schema.described(Schema.boolean, "Accept variables the prompt does not declare."),
        ], required: []),
        "Rendering": Schema.object([
            "id": Schema.string, "text": Schema.string,
            "variables": Schema.described(Schema.anyObject, "The values used, by name."),
            "includes": Schema.described(Schema.strings, "Partials included."), "estimated_tokens": Schema.integer,
            "event_id": Schema.string("The analytics event recorded."), "variant": Schema.string,
        ], required: ["id", "text", "variables", "includes", "estimated_tokens"], description: "As `folio render --json` prints it."),
        "Written": Schema.object([
            "id": Schema.string, "blob": Schema.string("The blob id the file is at now: the next update's `base`."),
            "commit": Schema.string, "message": Schema.string, "changed": Schema.boolean, "warnings": Schema.strings,
        ], required: ["id", "message", "changed", "warnings"], description: "What a write did."),
    ]
}
