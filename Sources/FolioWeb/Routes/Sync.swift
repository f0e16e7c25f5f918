import Foundation
import FolioKit
import Hummingbird

/// Sync: `POST /sync` runs `folio sync` (fetch, integrate, push) and answers its outcome; `GET /sync/status` says
/// where the clone stands with its remotes as of the last fetch, and the last sync.
enum SyncRoutes: APIRoutes {
    static func register(on api: API) {
        let pool = api.library

        api.get("/sync/status") { _, _ in
            try .json(try await pool.read { library in try library.syncStatus() })
        }

        // A write: it changes the branch and the work tree, so it waits for other writes and they wait for it.
        api.post("/sync") { request, _ in
            let body = try await request.optionalJSON(SyncRequest.self) ?? SyncRequest()
            if body.continue == true && body.abort == true {
                throw APIError(.badRequest, "bad_json", "continue and abort cannot be used together", fix: "send one of them")
            }
            if body.abort == true {
                try await pool.write { library in try library.abortSync() }
                return try .json(Aborted(aborted: true))
            }
            let remote = body.remote ?? "origin"
            let outcome = try await pool.write { library in
                SyncOutcomeJSON(try body.continue == true ? library.continueSync() : library.sync(remote: remote))
            }
            return try .json(outcome)
        }
    }

    struct SyncRequest: Decodable {
        var remote: String?
        /// Finish a sync that stopped on conflicts, once the files are fixed.
        var `continue`: Bool?
        /// Give up a sync that stopped on conflicts.
        var abort: Bool?
    }

    struct Aborted: Encodable, Sendable {
        let aborted: Bool
    }
}
