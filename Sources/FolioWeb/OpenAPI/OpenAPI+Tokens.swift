import Foundation
import FolioKit

extension TokenRoutes {
    static var openAPI: OpenAPIPart {
        let prefix = API.prefix
        let role = Schema.enumeration(Role.allCases.map(\.rawValue))
        return OpenAPIPart(
            operations: [
                OpenAPIOperation(
                    method: .get, path: prefix + "/tokens", operationID: "listTokens", tag: "tokens", summary: "List access tokens",
                    description: "As `folio serve token list --json`: names, roles and when each was made; never the tokens.",
                    role: .admin,
                    responses: [200: OpenAPIOperation.json("The tokens.", Schema.array(Schema.ref("TokenListed")))],
                    errors: [404: ["not_found"]]),
                OpenAPIOperation(
                    method: .post, path: prefix + "/tokens", operationID: "addToken", tag: "tokens", summary: "Add an access token",
                    description: "As `folio serve token add NAME --role ROLE`: the answer holds the token, the only time it is shown (only its SHA-256 is kept).",
                    role: .admin, requestBody: Schema.ref("NewToken"), requestExample: ["name": "ci", "role": "read"],
                    responses: [201: OpenAPIOperation.json("The token made.", Schema.ref("TokenMade"),
                                                           headers: ["Location": OpenAPIOperation.header("Where the token is named.")])],
                    errors: [404: ["not_found"], 409: ["conflict"], 422: ["invalid_input"]]),
                OpenAPIOperation(
                    method: .delete, path: prefix + "/tokens/{name}", operationID: "removeToken", tag: "tokens", summary: "Remove an access token",
                    description: "As `folio serve token rm NAME`: the token is refused from its next request on.",
                    role: .admin,
                    parameters: [OpenAPIOperation.pathParameter("name", "The token's name.")],
                    responses: [200: OpenAPIOperation.json("The token removed.", Schema.object(["removed": Schema.string], required: ["removed"]))],
                    errors: [404: ["not_found"]]),
            ],
            schemas: [
                "TokenListed": Schema.object(["name": Schema.string, "role": role, "created": Schema.dateTime],
                                             required: ["name", "role", "created"], description: "A stored token, without its secret."),
                "NewToken": Schema.object(["name": Schema.string("1 to 64 letters, digits, '-', '_', '.' or '@'."), "role": role],
                                          required: ["name", "role"]),
                "TokenMade": Schema.object(["name": Schema.string, "role": role, "created": Schema.dateTime,
                                            "token": Schema.string("The token: shown this once.")],
                                           required: ["name", "role", "created", "token"]),
            ],
            tags: ["tokens": "Access tokens, for admins (the same file `folio serve token` manages)."])
    }
}
