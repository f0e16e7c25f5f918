import Foundation
import FolioKit
import Hummingbird

/// Access tokens, for an admin: list, add (the token is in the answer, the only time it is shown), remove — what
/// `folio serve token list|add|rm` does, on the same hashed file in the git directory. A removed token is refused
/// at its next request.
enum TokenRoutes: APIRoutes {
    static func register(on api: API) {
        let store = api.tokens

        api.get("/tokens", role: .admin) { _, _ in
            try .json(try stored(store).list().map(\.listed))
        }

        api.post("/tokens", role: .admin) { request, _ in
            let body = try await request.json(NewToken.self)
            guard let role = Role(rawValue: body.role) else {
                throw APIError(.badRequest, "bad_json", "role must be read, write or admin, not '\(body.role)'")
            }
            let store = try stored(store)
            let token = try store.add(name: body.name, role: role)
            guard let made = try store.list().first(where: { $0.name == body.name }) else {
                throw APIError(.internalServerError, "internal", "the token was not stored")
            }
            return try .json(Made(name: made.name, role: made.role, created: made.created, token: token), status: .created,
                             headers: [.location: API.prefix + "/tokens/" + made.name])
        }

        api.delete("/tokens/:name", role: .admin) { _, context in
            let name = try context.parameters.require("name")
            try stored(store).remove(name: name)
            return try .json(Removed(removed: name))
        }
    }

    static func stored(_ store: TokenStore?) throws -> TokenStore {
        guard let store else {
            throw APIError(.notFound, "not_found", "this server keeps no tokens (the library is not in a git repository)")
        }
        return store
    }

    struct NewToken: Decodable {
        let name: String
        let role: String
    }

    struct Made: Encodable {
        let name: String
        let role: Role
        let created: Date
        /// The token itself: shown this once, stored only as its SHA-256.
        let token: String
    }

    struct Removed: Encodable {
        let removed: String
    }
}
