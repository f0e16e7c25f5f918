import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport
@testable import FolioKit
@testable import FolioWeb

extension RouterTests {
    /// An admin manages tokens over the API as `folio serve token` does: the token is shown once, stored hashed,
    /// works at once, and is refused once removed; nobody else may see or change them.
    @Test func anAdminAddsListsAndRemovesTokens() async throws {
        let file = folder.at(".git/folio/tokens.json")
        try await withClient(try server()) { client in
            let empty = try await client.call(.get, "/api/v1/tokens")
            #expect(empty.status == 200)
            #expect(empty.text == "[]")

            let made = try await client.call(.post, "/api/v1/tokens", json: #"{"name": "ci-bot", "role": "read"}"#)
            #expect(made.status == 201, "\(made.text)")
            #expect(made.headers[.location] == "/api/v1/tokens/ci-bot")
            let token = try #require(made.json["token"] as? String)
            #expect(token.hasPrefix("folio_") && made.json["role"] as? String == "read")
            // Stored as a hash, never as the token.
            let stored = try String(contentsOfFile: file, encoding: .utf8)
            #expect(!stored.contains(token) && stored.contains("ci-bot"))

            let listed = try await client.call(.get, "/api/v1/tokens")
            #expect(listed.text.contains(#""name":"ci-bot""#) && !listed.text.contains(token))

            // The new token reads at once, and may not manage tokens.
            #expect(try await client.call(.get, "/api/v1/prompts", token: .some(token)).status == 200)
            let notAdmin = try await client.call(.get, "/api/v1/tokens", token: .some(token))
            #expect(notAdmin.status == 403)
            #expect(Self.error(notAdmin.json) == "forbidden")

            let again = try await client.call(.post, "/api/v1/tokens", json: #"{"name": "ci-bot", "role": "write"}"#)
            #expect(again.status == 409)
            let badRole = try await client.call(.post, "/api/v1/tokens", json: #"{"name": "x", "role": "owner"}"#)
            #expect(badRole.status == 400)
            let badName = try await client.call(.post, "/api/v1/tokens", json: #"{"name": "no spaces", "role": "read"}"#)
            #expect(badName.status == 422)

            let removed = try await client.call(.delete, "/api/v1/tokens/ci-bot")
            #expect(removed.status == 200)
            #expect(removed.json["removed"] as? String == "ci-bot")
            #expect(try await client.call(.get, "/api/v1/prompts", token: .some(token)).status == 401)
            #expect(try await client.call(.delete, "/api/v1/tokens/ci-bot").status == 404)
        }
    }
}
