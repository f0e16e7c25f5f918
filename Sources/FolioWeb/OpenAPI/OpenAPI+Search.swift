import Foundation
import FolioKit

extension SearchRoutes {
    static var openAPI: OpenAPIPart {
        OpenAPIPart(
            operations: [
                OpenAPIOperation(
                    method: .get, path: API.prefix + "/search", operationID: "search", tag: "search", summary: "Search prompts or contexts",
                    description: "As `folio search --json`: prompts (`SearchHit`), or saved contexts with `contexts=true` (`ContextHit`; then only `q`, `tag` and `limit` apply). Words in `q` are matched by SQLite FTS5, best first; without `q`, every prompt the filters keep.",
                    role: .read,
                    parameters: [
                        OpenAPIOperation.query("q", "Words to find (id, title, tags, description, body)."),
                        OpenAPIOperation.repeatedQuery("tag", "Only hits with this tag; repeat for several (all must match)."),
                        OpenAPIOperation.query("category", "Only prompts of this category."),
                        OpenAPIOperation.query("status", "Only prompts with this status.", schema: Schema.enumeration(PromptStatus.allCases.map(\.rawValue))),
                        OpenAPIOperation.query("owner", "Only prompts this owner is listed for."),
                        OpenAPIOperation.query("author", "Only prompts last changed by this author (name or email)."),
                        OpenAPIOperation.query("limit", "At most this many hits (default 20).", schema: ["type": "integer", "minimum": 1, "maximum": 1000]),
                        OpenAPIOperation.query("contexts", "`true` searches saved contexts instead of prompts.", schema: Schema.enumeration(["true", "false"])),
                    ],
                    responses: [200: OpenAPIOperation.json("The hits, best first.",
                                                           ["anyOf": [Schema.array(Schema.ref("SearchHit")), Schema.array(Schema.ref("ContextHit"))]])],
                    errors: [400: ["bad_query"], 503: ["git"]]),
            ],
            schemas: [
                "SearchHit": Schema.object([
                    "id": Schema.string, "path": Schema.string, "title": Schema.string, "description": Schema.string,
                    "tags": Schema.strings, "status": Schema.string,
                    "score": Schema.described(Schema.number, "BM25 relevance, to three decimals; higher is better (0 without words)."),
                    "snippet": Schema.string("A piece of the matching text."),
                ], required: ["id", "path", "tags", "status", "score"], description: "A prompt found, as `folio search --json` prints it."),
                "ContextHit": Schema.object([
                    "id": Schema.string, "title": Schema.string, "tool": Schema.string("The coding tool the session came from."),
                    "created": Schema.string, "messages": Schema.integer, "tags": Schema.strings,
                    "score": Schema.number, "snippet": Schema.string, "error": Schema.string("Why the file could not be read, when it could not."),
                ], required: ["id", "title", "tool", "messages", "tags", "score"], description: "A saved context found, as `folio search --contexts --json` prints it."),
            ],
            tags: ["search": "Full-text search over prompts and saved contexts."])
    }
}
