import Foundation
import FolioKit

extension LabelRoutes {
    static var openAPI: OpenAPIPart {
        let prefix = API.prefix
        let id = OpenAPIOperation.promptIDParameter
        let label = OpenAPIOperation.pathParameter("label", "The label's name (`production`).", example: "production")
        let prompt = OpenAPIOperation.query("prompt", "Only this prompt's.", schema: PromptRoutes.idSchema)
        return OpenAPIPart(
            operations: [
                OpenAPIOperation(
                    method: .get, path: prefix + "/labels", operationID: "listLabels", tag: "labels", summary: "List labels",
                    description: "As `folio label list --json`, by prompt then name.", role: .read, parameters: [prompt],
                    responses: [200: OpenAPIOperation.json("The labels.", Schema.array(Schema.ref("Label")))],
                    errors: [400: ["bad_query"], 404: ["not_found"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .get, path: prefix + "/labels/log", operationID: "labelLog", tag: "labels", summary: "The label move log",
                    description: "As `folio label log --json`, oldest first.", role: .read, parameters: [prompt],
                    responses: [200: OpenAPIOperation.json("The moves.", Schema.array(Schema.ref("LabelMove")))],
                    errors: [400: ["bad_query"], 404: ["not_found"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .get, path: prefix + "/prompts/{id}/labels", operationID: "promptLabels", tag: "labels", summary: "A prompt's labels",
                    role: .read, parameters: [id],
                    responses: [200: OpenAPIOperation.json("The labels.", Schema.array(Schema.ref("Label")))],
                    errors: [400: ["bad_id"], 404: ["not_found"], 422: ["invalid_input"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .post, path: prefix + "/prompts/{id}/labels", operationID: "setLabel", tag: "labels", summary: "Set or move a label",
                    description: "Points the label at `rev` (default: the latest version) and logs the move. A protected label moves only to a version an owner approved (409 `approval_required`).",
                    role: .write, parameters: [id], requestBody: Schema.ref("SetLabel"), requestExample: ["label": "production", "rev": "v1"],
                    responses: [200: OpenAPIOperation.json("The label now and the move logged.", Schema.ref("LabelSet"))],
                    errors: [400: ["bad_id"], 404: ["not_found"], 409: ["approval_required", "conflict"], 422: ["invalid_input"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .delete, path: prefix + "/prompts/{id}/labels/{label}", operationID: "removeLabel", tag: "labels", summary: "Remove a label",
                    role: .write, parameters: [id, label],
                    responses: [200: OpenAPIOperation.json("The move logged (no `to`).", Schema.ref("LabelMove"))],
                    errors: [400: ["bad_id"], 404: ["not_found"], 409: ["protected_label"], 422: ["invalid_input"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .get, path: prefix + "/prompts/{id}/labels/{label}/approval", operationID: "labelApproval", tag: "labels",
                    summary: "Whether a label may point at a version", role: .read,
                    parameters: [id, label, OpenAPIOperation.query("rev", "The version (default: the latest).")],
                    responses: [200: OpenAPIOperation.json("The check.", Schema.ref("LabelApprovalCheck"))],
                    errors: [400: ["bad_id"], 404: ["not_found"], 422: ["invalid_input"], 503: ["git"]]),
            ],
            schemas: [
                "Label": Schema.object([
                    "prompt": Schema.string, "name": Schema.string, "commit": Schema.string,
                    "version": Schema.described(Schema.integer, "The version the commit is on this branch; absent when it is not."),
                ], required: ["prompt", "name", "commit"], description: "As `folio label list --json` prints it."),
                "LabelMove": Schema.object([
                    "prompt": Schema.string, "label": Schema.string,
                    "from": Schema.string("The commit before; absent when created."), "to": Schema.string("The commit after; absent when removed."),
                    "user": Schema.string("`Name <email>`."), "date": Schema.dateTime,
                    "renamed_from": Schema.string, "renamed_to": Schema.string,
                ], required: ["prompt", "label", "user", "date"], description: "As `folio label log --json` prints it."),
                "LabelSet": Schema.object([
                    "label": Schema.ref("Label"), "move": Schema.ref("LabelMove"),
                    "changed": Schema.described(Schema.boolean, "False when it already pointed there."),
                ], required: ["move", "changed"]),
                "LabelApprovalCheck": Schema.object([
                    "prompt": Schema.string, "label": Schema.string, "protected": Schema.boolean, "commit": Schema.string, "blob": Schema.string,
                    "version": Schema.integer, "owners": Schema.strings,
                    "approvals": Schema.described(Schema.array(Schema.ref("Approval")), "Approvals of this text by owners."),
                    "not_by_owners": Schema.described(Schema.array(Schema.ref("Approval")), "Approvals that do not count."),
                    "command": Schema.string("The `folio approve` an owner runs."), "approved": Schema.boolean,
                ], required: ["prompt", "label", "protected", "commit", "blob", "owners", "approvals", "not_by_owners", "command", "approved"]),
                "SetLabel": Schema.object(["label": Schema.string, "rev": Schema.string("Default: the latest version.")], required: ["label"]),
            ],
            tags: ["labels": "Release labels: list, set, move, remove, the move log, approvals for protected labels."])
    }
}
