import Foundation
import FolioKit

extension CommentRoutes {
    static var openAPI: OpenAPIPart {
        let prefix = API.prefix
        let id = OpenAPIOperation.promptIDParameter
        return OpenAPIPart(
            operations: [
                OpenAPIOperation(
                    method: .get, path: prefix + "/prompts/{id}/comments", operationID: "promptComments", tag: "comments", summary: "A prompt's threads and approvals",
                    description: "As `folio comments --json`.", role: .read,
                    parameters: [id, OpenAPIOperation.query("all", "`true`: resolved threads too.", schema: Schema.enumeration(["true", "false"]))],
                    responses: [200: OpenAPIOperation.json("The discussion.", Schema.ref("PromptDiscussion"))],
                    errors: [400: ["bad_id", "bad_query"], 404: ["not_found"], 422: ["invalid_input"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .post, path: prefix + "/prompts/{id}/comments", operationID: "comment", tag: "comments", summary: "Comment on a prompt, or reply",
                    description: "Recorded as the server's git identity on `refs/folio/comments`.", role: .write,
                    parameters: [id], requestBody: Schema.ref("NewComment"), requestExample: ["text": "Should this mention timeouts?"],
                    responses: [201: OpenAPIOperation.json("The comment written.", Schema.ref("PromptComment"))],
                    errors: [400: ["bad_id"], 404: ["not_found"], 409: ["conflict"], 422: ["invalid_input"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .post, path: prefix + "/prompts/{id}/comments/{comment}/resolve", operationID: "resolveComment", tag: "comments",
                    summary: "Resolve a thread", description: "Resolves the thread the comment belongs to.", role: .write,
                    parameters: [id, OpenAPIOperation.pathParameter("comment", "A comment's id, or a unique start of it (8 characters are enough).")],
                    requestBody: Schema.ref("Resolve"), requestBodyRequired: false,
                    responses: [200: OpenAPIOperation.json("The resolution.", Schema.ref("CommentResolution"))],
                    errors: [400: ["bad_id"], 404: ["not_found"], 409: ["conflict"], 422: ["invalid_input"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .post, path: prefix + "/prompts/{id}/approve", operationID: "approve", tag: "comments", summary: "Approve a version for a label",
                    description: "Made as the server's git identity, which must be one of the prompt's owners (so it takes an admin token). Answers the existing approval when this identity already approved that text.",
                    role: .admin, parameters: [id], requestBody: Schema.ref("Approve"), requestExample: ["label": "production", "rev": "v1"],
                    responses: [201: OpenAPIOperation.json("The approval.", Schema.ref("Approval"))],
                    errors: [400: ["bad_id"], 404: ["not_found"], 409: ["conflict"], 422: ["invalid_input"], 503: ["git"]]),
            ],
            schemas: [
                "PromptDiscussion": Schema.object([
                    "prompt": Schema.string, "current_version": Schema.integer, "current_blob": Schema.string,
                    "threads": Schema.array(Schema.ref("PromptComment")),
                    "resolved_hidden": Schema.described(Schema.integer, "Resolved threads left out (without `all=true`)."),
                    "approvals": Schema.array(Schema.ref("Approval")),
                ], required: ["prompt", "threads", "resolved_hidden", "approvals"], description: "As `folio comments --json` prints it."),
                "PromptComment": Schema.object([
                    "id": Schema.string, "prompt": Schema.string,
                    "commit": Schema.string("The version commented on."), "blob": Schema.string, "version": Schema.integer,
                    "author": Schema.string, "email": Schema.string, "date": Schema.dateTime, "text": Schema.string,
                    "reply_to": Schema.string, "replies": Schema.array(Schema.ref("PromptComment")),
                    "resolved": Schema.ref("CommentResolution"),
                    "outdated": Schema.described(Schema.boolean, "The version commented on is not the latest text."),
                ], required: ["id", "prompt", "commit", "blob", "author", "email", "date", "text", "replies", "outdated"]),
                "CommentResolution": Schema.object([
                    "id": Schema.string, "author": Schema.string, "email": Schema.string, "date": Schema.dateTime, "text": Schema.string,
                ], required: ["id", "author", "email", "date", "text"]),
                "Approval": Schema.object([
                    "id": Schema.string, "prompt": Schema.string, "label": Schema.string, "commit": Schema.string, "blob": Schema.string,
                    "version": Schema.integer, "author": Schema.string, "email": Schema.string, "date": Schema.dateTime,
                    "note": Schema.string, "outdated": Schema.boolean,
                ], required: ["id", "prompt", "label", "commit", "blob", "author", "email", "date", "note", "outdated"]),
                "NewComment": Schema.object([
                    "text": Schema.string, "rev": Schema.string("The version commented on (default: the latest); not with `reply_to`."),
                    "reply_to": Schema.string("A comment id (or a unique start of one) to answer."),
                ], required: ["text"]),
                "Resolve": Schema.object(["text": Schema.string("A closing remark.")], required: []),
                "Approve": Schema.object(["label": Schema.string, "rev": Schema.string("Default: the latest version."), "note": Schema.string],
                                         required: ["label"]),
            ],
            tags: ["comments": "Comments and approvals, kept in git (refs/folio/comments)."])
    }
}
