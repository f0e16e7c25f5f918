import Foundation
import FolioKit
import Hummingbird

/// `GET /review?range=BASE..HEAD`: what a range changes in the prompts, as `folio review --format json` prints it.
enum ReviewRoutes: APIRoutes {
    static func register(on api: API) {
        let pool = api.library
        api.get("/review") { request, _ in
            let range = request.query("range")
            return try .json(try await pool.read { library in try library.review(range) })
        }
    }
}
