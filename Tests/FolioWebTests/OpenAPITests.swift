import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TestSupport
@testable import FolioKit
@testable import FolioWeb

/// The OpenAPI document: it describes every route the server registers (and nothing else), with the role each
/// needs, every reference resolves, it is served without a token, and openapi-spec-validator accepts it. Whether the
/// answers match it is checked by schemathesis against a live server (scripts/check-openapi, run by .ci/run).
@Suite struct OpenAPITests {
    let folder = TemporaryFolder("openapi")

    func server() throws -> WebServer {
        let environment = FolioEnvironment(variables: ["GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com",
                                                       "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.com",
                                                       "HOME": folder.path], currentDirectory: folder.path)
        _ = try Library.initialize(at: folder.path, withTemplates: false, environment: environment)
        var options = ServeOptions()
        options.port = 0
        let root = folder.path
        return try WebServer(options: options, root: root, tokens: TokenStore(path: folder.at(".git/folio/tokens.json")),
                             logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }) {
            try Library.open(explicitPath: root, environment: environment)
        }
    }

    /// The served document, parsed.
    func document() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: OpenAPIDocument.served) as? [String: Any])
    }

    /// "GET /api/v1/prompts/{id}" for every operation in the document.
    func documentedOperations() throws -> [String: [String: Any]] {
        let paths = try #require(try document()["paths"] as? [String: [String: Any]])
        var operations: [String: [String: Any]] = [:]
        for (path, methods) in paths {
            for (method, operation) in methods { operations["\(method.uppercased()) \(path)"] = operation as? [String: Any] }
        }
        return operations
    }

    @Test func everyRegisteredRouteIsDocumentedAndEveryDocumentedOperationIsARoute() throws {
        let routes = try server().routerAndRoutes().routes
        #expect(routes.count >= 10)
        let registered = Set(routes.map { "\($0.method) \(OpenAPIDocument.path(ofRoute: $0.path))" })
        let documented = Set(try documentedOperations().keys)
        let undocumented = registered.subtracting(documented).sorted()
        let unrouted = documented.subtracting(registered).sorted()
        #expect(undocumented.isEmpty, "routes the OpenAPI document does not describe (add them to Sources/FolioWeb/OpenAPI/): \(undocumented)")
        #expect(unrouted.isEmpty, "operations the OpenAPI document describes but the server does not route: \(unrouted)")
        #expect(registered.contains("PUT /api/v1/prompts/{id}") && registered.contains("GET /api/v1/openapi.json"))
    }

    @Test func eachOperationNamesTheRoleItsRouteRequires() throws {
        let routes = try server().routerAndRoutes().routes
        let operations = try documentedOperations()
        for route in routes {
            let key = "\(route.method) \(OpenAPIDocument.path(ofRoute: route.path))"
            let operation = try #require(operations[key], "\(key) is not documented")
            let role = operation["x-folio-role"] as? String
            if let required = route.role {
                #expect(role == required.rawValue, "\(key) needs \(required.rawValue); the document says \(role ?? "nothing")")
                #expect(operation["security"] == nil, "\(key) needs a token; the document says it needs none")
            }
            if role == "none" {
                #expect((operation["security"] as? [Any])?.isEmpty == true, "\(key) is public; its security must be []")
            }
        }
        // The public ones are exactly what SecurityMiddleware lets through without a token.
        let publicOnes = Set(operations.filter { $0.value["x-folio-role"] as? String == "none" }.map { $0.key })
        let publicPaths = HealthRoutes.publicPaths.union(OpenAPIRoutes.publicPaths)
        #expect(publicOnes == Set(publicPaths.map { "GET \($0)" }))
    }

    @Test func everyReferenceResolvesAndEveryOperationDocumentsItsErrors() throws {
        let text = String(decoding: OpenAPIDocument.served, as: UTF8.self)
        let document = try document()
        #expect(document["openapi"] as? String == "3.1.0")
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let references = Set(text.matches(of: /"#\/components\/schemas\/([A-Za-z]+)"/).map { String($0.output.1) })
        #expect(!references.isEmpty)
        for name in references { #expect(schemas[name] != nil, "#/components/schemas/\(name) is referred to but not defined") }
        for (key, operation) in try documentedOperations() {
            let responses = try #require(operation["responses"] as? [String: Any])
            #expect(responses["500"] != nil && responses["403"] != nil, "\(key)")
            if operation["x-folio-role"] as? String != "none" { #expect(responses["401"] != nil && responses["429"] != nil, "\(key)") }
            if key.hasPrefix("POST /api/v1") || key.hasPrefix("PUT /api/v1") {
                #expect(responses["413"] != nil && responses["415"] != nil, "\(key)")
            }
            #expect(operation["operationId"] is String, "\(key)")
        }
        // Field names as the models encode them.
        #expect(text.contains(#""estimated_tokens""#) && text.contains(#""next_offset""#) && text.contains(#""current_blob""#))
        #expect(!text.contains("estimatedTokens") && !text.contains("nextOffset"))
    }

    @Test func theDocumentIsServedWithoutAToken() async throws {
        let app = Application(router: try server().router())
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                #expect(response.headers[.contentSecurityPolicy] != nil)
                let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(object?["openapi"] as? String == "3.1.0")
            }
        }
    }

    @Test func openapiSpecValidatorAcceptsTheDocument() throws {
        let path = folder.at("openapi.json")
        try OpenAPIDocument.served.write(to: URL(fileURLWithPath: path))
        let result = try run("/usr/bin/env", ["python3", "-m", "openapi_spec_validator", path],
                             environment: ProcessInfo.processInfo.environment)
        #expect(result.status == 0, "openapi-spec-validator (scripts/install-deps installs it): \(result.stdout) \(result.stderr)")
    }
}
