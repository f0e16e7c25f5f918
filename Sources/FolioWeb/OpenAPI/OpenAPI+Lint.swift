import Foundation
import FolioKit

extension LintRoutes {
    static var openAPI: OpenAPIPart {
        let report = OpenAPIOperation.json("Findings, as `folio lint --format json` prints them.", Schema.ref("LintReport"))
        return OpenAPIPart(
            operations: [
                OpenAPIOperation(
                    method: .get, path: API.prefix + "/lint", operationID: "lintLibrary", tag: "lint", summary: "Lint the library",
                    description: "Every prompt, template and context of the library, or only those under each `path`. Nothing is written; `folio.yaml`'s `lint:` settings apply.",
                    role: .read,
                    parameters: [
                        OpenAPIOperation.repeatedQuery("path", "A folder or file relative to the library (`prompts/review`); repeat for several."),
                        OpenAPIOperation.query("strict", "`true`: a warning fails too.", schema: Schema.enumeration(["true", "false"])),
                    ],
                    responses: [200: report],
                    errors: [400: ["bad_query"], 404: ["not_found"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .post, path: API.prefix + "/lint", operationID: "lintText", tag: "lint", summary: "Lint a file's text without saving it",
                    description: "Lints `text` as if it were the file at `path` (relative to the library); includes and other files are read from the work tree. Role read: it changes nothing.",
                    role: .read,
                    requestBody: Schema.ref("LintText"),
                    requestExample: ["path": "prompts/review/draft.prompt.md", "text": "---\ntitle: Draft\n---\nReview {{code}}.\n", "strict": false],
                    responses: [200: report],
                    errors: [422: ["invalid_input"], 503: ["git"]]),
            ],
            schemas: [
                "LintReport": Schema.object([
                    "files": Schema.described(Schema.integer, "How many files were checked."),
                    "errors": Schema.integer, "warnings": Schema.integer,
                    "failed": Schema.described(Schema.boolean, "An error, or with `strict` a warning."),
                    "findings": Schema.array(Schema.ref("LintReportFinding")),
                ], required: ["files", "errors", "warnings", "failed", "findings"]),
                "LintReportFinding": Schema.object([
                    "rule": Schema.string, "severity": Schema.enumeration(LintSeverity.allCases.map(\.rawValue)), "message": Schema.string,
                    "path": Schema.string("Relative to the repository's work tree."), "line": Schema.integer, "column": Schema.integer,
                ], required: ["rule", "severity", "message", "path", "line", "column"]),
                "LintText": Schema.object([
                    "path": Schema.string("Where the file would be, relative to the library (`prompts/ID.prompt.md`, `templates/NAME.prompt.md`, `contexts/ID.context.md`)."),
                    "text": Schema.string("The file's text."),
                    "strict": Schema.described(Schema.boolean, "A warning fails too."),
                ], required: ["path", "text"]),
            ],
            tags: ["lint": "Lint: the library's files, or a file's text before it is saved."])
    }
}
