import Foundation
import FolioKit
import Hummingbird

/// `GET /api/v1/search?q=…`: prompts as `folio search --json` finds them (tag, category, status, owner, author,
/// limit), or saved contexts with `contexts=true`.
enum SearchRoutes: APIRoutes {
    static func register(on api: API) {
        let pool = api.library
        api.get("/search") { request, _ in
            let text = request.query("q")
            let tags = request.queryAll("tag")
            let limit = try request.intQuery("limit", default: 20, in: 1...1000)
            if request.query("contexts") == "true" {
                let hits = try await pool.read { library in try library.index().searchContexts(text, tags: tags, limit: limit).map(\.printable) }
                return try .json(hits)
            }
            let query = SearchQuery(text: text, tags: tags, category: request.query("category"), status: try PromptRoutes.status(request),
                                    owner: request.query("owner"), author: request.query("author"), limit: limit)
            let hits = try await pool.read { library in try library.index().search(query).map(SearchHitJSON.init) }
            return try .json(hits)
        }
    }
}
