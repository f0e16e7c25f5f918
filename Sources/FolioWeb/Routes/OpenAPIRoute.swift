import Foundation
import Hummingbird
import NIOCore

/// `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of this API (OpenAPI/). No token needed: it describes the
/// API, not the library, and clients and tools read it before they have one.
enum OpenAPIRoutes: APIRoutes {
    static let path = API.prefix + "/openapi.json"
    static let publicPaths: Set<String> = [path]

    static func register(on api: API) {
        api.router.get(RouterPath(path)) { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.served)))
        }
    }

    static var openAPI: OpenAPIPart {
        OpenAPIPart(operations: [
            OpenAPIOperation(method: .get, path: path, operationID: "openapi", tag: "server", summary: "This document",
                             description: "The OpenAPI 3.1 document of this API. No token needed.", role: nil,
                             responses: [200: OpenAPIOperation.json("The document.", Schema.anyObject)]),
        ])
    }
}
