import Foundation
import FolioKit

extension ReviewRoutes {
    static var openAPI: OpenAPIPart {
        OpenAPIPart(
            operations: [
                OpenAPIOperation(
                    method: .get, path: API.prefix + "/review", operationID: "review", tag: "review", summary: "Review a range of commits",
                    description: "As `folio review --format json`: what the range changes in the prompts (diffs, lint findings, labels, experiments, includes, protected labels' approvals).",
                    role: .read,
                    parameters: [OpenAPIOperation.query("range", "`BASE..HEAD`, `BASE...HEAD` or `BASE`; absent: the default branch...HEAD.")],
                    responses: [200: OpenAPIOperation.json("The review.", Schema.ref("Review"))],
                    errors: [404: ["not_found"], 422: ["invalid_input"], 503: ["git"]]),
            ],
            schemas: [
                "Review": Schema.object([
                    "base": Schema.ref("ReviewSide"), "head": Schema.ref("ReviewSide"),
                    "from_merge_base": Schema.described(Schema.boolean, "True for `BASE...HEAD` (or `BASE`): the base is where the head branched off."),
                    "added": Schema.integer, "removed": Schema.integer, "renamed": Schema.integer, "modified": Schema.integer,
                    "breaking": Schema.described(Schema.integer, "How many changes break callers."),
                    "errors": Schema.integer, "warnings": Schema.integer,
                    "token_change": Schema.described(Schema.integer, "Estimated tokens after minus before."),
                    "approvers": Schema.described(Schema.strings, "The owners of every changed prompt, as CODEOWNERS names them."),
                    "missing_approvals": Schema.described(Schema.integer, "Protected labels whose move to a changed prompt's new version no owner approved yet."),
                    "prompts": Schema.array(Schema.ref("ReviewPrompt")),
                ], required: ["base", "head", "from_merge_base", "added", "removed", "renamed", "modified", "breaking", "errors",
                              "warnings", "token_change", "approvers", "missing_approvals", "prompts"],
                   description: "As `folio review --format json` prints it."),
                "ReviewSide": Schema.object(["name": Schema.string("As named (`origin/main`, `HEAD`)."), "commit": Schema.string],
                                            required: ["name", "commit"]),
                "ReviewPrompt": Schema.object([
                    "kind": Schema.enumeration(["added", "removed", "renamed", "modified"]),
                    "id": Schema.string, "old_id": Schema.string("The id at the base, for a rename."),
                    "path": Schema.string("Relative to the repository."), "title": Schema.string, "owners": Schema.strings,
                    "diff": Schema.ref("PromptDiff"),
                    "unreadable": Schema.string("Why there is no diff: a side does not parse."),
                    "findings": Schema.array(Schema.ref("LintFinding")), "labels": Schema.array(Schema.ref("Label")),
                    "experiments": Schema.strings, "stale_experiments": Schema.strings, "included_by": Schema.strings,
                    "breaking_changes": Schema.described(Schema.strings, "Why callers break."),
                    "protected_labels": Schema.array(Schema.ref("LabelApprovalCheck")),
                ], required: ["kind", "id", "path", "owners", "findings", "labels", "experiments", "stale_experiments",
                              "included_by", "breaking_changes", "protected_labels"]),
                "LintFinding": Schema.object([
                    "rule": Schema.string, "severity": Schema.enumeration(LintSeverity.allCases.map(\.rawValue)), "message": Schema.string,
                    "path": Schema.string, "relative_path": Schema.string, "repository_path": Schema.string,
                    "line": Schema.integer, "column": Schema.integer,
                ], required: ["rule", "severity", "message", "path", "relative_path", "repository_path", "line", "column"]),
            ],
            tags: ["review": "Review: what a range of commits changes in the prompts."])
    }
}
