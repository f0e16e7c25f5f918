import Foundation
import FolioKit

extension OpenAPIOperation {
    /// `{id}`: a prompt id in a path.
    static let promptIDParameter = pathParameter(
        "id", "The prompt's id (`review/security`); its slashes as they are or encoded. An id with a later segment named like an action (`diff`, `labels`, …) must be encoded.",
        schema: PromptRoutes.idSchema, example: "code-review")
    static let message: JSONValue = ["type": "string", "maxLength": 10_000,
                                     "description": "A person's words for the commit: its body (folio's line stays the subject)."]
}

extension PromptChangeRoutes {
    static var openAPI: OpenAPIPart {
        let prefix = API.prefix
        let id = OpenAPIOperation.promptIDParameter
        let written = { (text: String) in OpenAPIOperation.json(text, Schema.ref("Written")) }
        return OpenAPIPart(
            operations: [
                OpenAPIOperation(
                    method: .post, path: prefix + "/prompts/{id}/rename", operationID: "renamePrompt", tag: "prompts", summary: "Rename a prompt",
                    description: "One commit `folio: mv OLD -> NEW` that also rewrites includes and experiments; labels follow.", role: .write,
                    parameters: [id], requestBody: Schema.ref("Rename"), requestExample: ["to": "review/secure-code", "message": "Clearer name."],
                    responses: [200: OpenAPIOperation.json("Renamed: `Written` for the new id.", Schema.ref("Written"),
                                                           headers: ["Location": OpenAPIOperation.header("The prompt's new URL.")])],
                    errors: [400: ["bad_id"], 404: ["not_found"], 409: ["conflict"], 422: ["invalid_input"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .delete, path: prefix + "/prompts/{id}", operationID: "deletePrompt", tag: "prompts", summary: "Delete a prompt",
                    description: "One commit `folio: rm ID`. The version it was decided on: `base` in the body, else `?base=`, else `If-Match` (GET's ETag).",
                    role: .write,
                    parameters: [id, OpenAPIOperation.query("base", "The blob id the deletion was decided on."),
                                 ["name": "If-Match", "in": "header", "required": false, "schema": Schema.string,
                                  "description": "`\"BLOB\"` (GET's ETag), instead of `base`."]],
                    requestBody: Schema.ref("Delete"), requestBodyRequired: false,
                    responses: [200: written("Deleted (`Written` without `blob`).")],
                    errors: [400: ["bad_id", "base_required"], 404: ["not_found"], 409: ["conflict"], 422: ["invalid_input"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .get, path: prefix + "/prompts/{id}/diff", operationID: "diffPrompt", tag: "prompts", summary: "Diff two revisions of a prompt",
                    description: "As `folio diff --json`. `to` left out: the work tree; `from` left out: the latest committed version.", role: .read,
                    parameters: [id, OpenAPIOperation.query("from", "A revision (`v3`, a label, a branch, a tag, a sha, `HEAD~2`) or `working`."),
                                 OpenAPIOperation.query("to", "A revision or `working`.")],
                    responses: [200: OpenAPIOperation.json("The diff.", Schema.ref("PromptDiff"))],
                    errors: [400: ["bad_id"], 404: ["not_found"], 422: ["invalid_input"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .post, path: prefix + "/prompts/{id}/revert", operationID: "revertPrompt", tag: "prompts", summary: "Revert a prompt to a revision",
                    description: "One new commit with the content the prompt had at `to`; history is kept.", role: .write,
                    parameters: [id], requestBody: Schema.ref("Revert"), requestExample: ["to": "v1"],
                    responses: [200: written("Reverted (`changed: false` when it already had that content).")],
                    errors: [400: ["bad_id"], 404: ["not_found"], 409: ["conflict"], 422: ["invalid_input"], 503: ["git"]]),
            ],
            schemas: [
                "Rename": Schema.object(["to": Schema.described(PromptRoutes.idSchema, "The new id."), "message": OpenAPIOperation.message],
                                        required: ["to"]),
                "Delete": Schema.object([
                    "base": Schema.string("The blob id the deletion was decided on (GET's `blob`)."),
                    "force": Schema.described(Schema.boolean, "Delete even when included, named by an experiment or changed."),
                    "message": OpenAPIOperation.message,
                ], required: []),
                "Revert": Schema.object(["to": Schema.string("The revision to restore: `v3`, a label, a sha, `HEAD~2`."),
                                         "message": OpenAPIOperation.message], required: ["to"]),
                "PromptDiff": Schema.object([
                    "prompt": Schema.string, "from": Schema.string("As people name it (`v1`, `production (v3)`, `working copy`)."), "to": Schema.string,
                    "fields": Schema.array(Schema.object(["field": Schema.string, "old": Schema.any, "new": Schema.any], required: ["field"])),
                    "variables": Schema.array(Schema.object([
                        "name": Schema.string, "kind": Schema.enumeration(["added", "removed", "changed"]), "details": Schema.strings,
                        "breaking": Schema.string("Why callers break, when they do."),
                    ], required: ["name", "kind", "details"])),
                    "hunks": Schema.array(Schema.object([
                        "old_start": Schema.integer, "old_count": Schema.integer, "new_start": Schema.integer, "new_count": Schema.integer,
                        "lines": Schema.described(Schema.strings, "Each starting with ` `, `-` or `+`."),
                    ], required: ["old_start", "old_count", "new_start", "new_count", "lines"])),
                    "old_tokens": Schema.integer, "new_tokens": Schema.integer,
                    "breaking": Schema.described(Schema.boolean, "A variable change breaks callers."),
                ], required: ["prompt", "from", "to", "fields", "variables", "hunks", "old_tokens", "new_tokens", "breaking"],
                   description: "As `folio diff --json` prints it."),
            ],
            tags: [:])
    }
}
