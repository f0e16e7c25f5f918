import Foundation

// The OpenAPI 3.1 document served at GET /api/v1/openapi.json.
//
// Each route group describes its own endpoints in a file of its own (OpenAPI+Prompts.swift, …) as an `OpenAPIPart`:
// its operations and the schemas they name. `OpenAPIDocument.make` puts the parts together with what every
// endpoint shares (the error shape, the security schemes, the errors the security checks give). Field names are
// written as the JSON models encode them: snake_case, dates as ISO 8601 date-times. A field Swift encodes only when
// it has a value (an optional) is not `required`; objects allow no other fields, so a field added to a model
// without its documentation fails schemathesis' response check (scripts/check-openapi).

/// A JSON value, written with Swift literals: `["type": "string", "minLength": 1]`.
indirect enum JSONValue: Encodable, Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(floatLiteral value: Double) { self = .double(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { $1 }))
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let items): try container.encode(items)
        case .object(let members): try container.encode(members)
        }
    }

    subscript(key: String) -> JSONValue? {
        get { if case .object(let members) = self { members[key] } else { nil } }
        set {
            guard case .object(var members) = self else { return }
            members[key] = newValue
            self = .object(members)
        }
    }

    var objectValue: [String: JSONValue]? { if case .object(let members) = self { members } else { nil } }
    var stringValue: String? { if case .string(let text) = self { text } else { nil } }
}

// MARK: - Schemas

/// JSON Schema (2020-12, as OpenAPI 3.1 uses it) in a few words.
enum Schema {
    static let string: JSONValue = ["type": "string"]
    static let integer: JSONValue = ["type": "integer"]
    static let number: JSONValue = ["type": "number"]
    static let boolean: JSONValue = ["type": "boolean"]
    /// An ISO 8601 date and time in UTC with whole seconds (`2026-11-24T09:30:00Z`).
    static let dateTime: JSONValue = ["type": "string", "format": "date-time"]
    /// Any JSON value (a YAML value from a prompt's frontmatter: a variable's default, metadata).
    static let any: JSONValue = [:]
    /// A JSON object with any keys (data keys, kept as written).
    static let anyObject: JSONValue = ["type": "object"]
    static let strings: JSONValue = array(string)

    static func string(_ description: String) -> JSONValue { ["type": "string", "description": .string(description)] }

    static func array(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }

    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }

    static func enumeration(_ values: [String]) -> JSONValue { ["type": "string", "enum": .array(values.map { .string($0) })] }

    /// An object with exactly these fields; `required` lists those always present (Swift omits a nil optional).
    static func object(_ properties: [String: JSONValue], required: [String], description: String? = nil) -> JSONValue {
        var schema: JSONValue = ["type": "object", "properties": .object(properties), "additionalProperties": false]
        if !required.isEmpty { schema["required"] = .array(required.sorted().map { .string($0) }) }
        if let description { schema["description"] = .string(description) }
        return schema
    }

    /// `schema` with a description.
    static func described(_ schema: JSONValue, _ description: String) -> JSONValue {
        var copy = schema
        if case .object(let members) = copy, members["$ref"] != nil {
            // A sibling of $ref is allowed in 3.1; keep it readable.
            copy["description"] = .string(description)
            return copy
        }
        copy["description"] = .string(description)
        return copy
    }
}

// MARK: - Operations

/// One endpoint: method and path, who may call it, what it takes and what it answers. The errors every endpoint of
/// its kind can give (the security checks, role checks, body checks) are added by `OpenAPIDocument`; `errors` lists
/// the endpoint's own, by status with their codes.
struct OpenAPIOperation: Sendable {
    enum Method: String, Sendable { case get = "GET", post = "POST", put = "PUT", patch = "PATCH", delete = "DELETE" }

    var method: Method
    /// The path as OpenAPI writes it: `/api/v1/prompts/{id}`. A path parameter is a router capture (`:name` or
    /// `{name}`), or `{id}` for a prompt id with its slashes (the router's `**`) — see `OpenAPIDocument.path(ofRoute:)`.
    var path: String
    var operationID: String
    var tag: String
    var summary: String
    var description: String?
    /// The role a token needs; nil for an endpoint anyone may call (after the Host check).
    var role: Role?
    var parameters: [JSONValue] = []
    var requestBody: JSONValue?
    var requestBodyRequired = true
    /// A typical body (schemathesis' examples phase sends it).
    var requestExample: JSONValue?
    /// Success answers by status: a description and, for JSON, the schema (or a whole response object).
    var responses: [Int: JSONValue]
    /// The endpoint's own errors: status → codes.
    var errors: [Int: [String]] = [:]

    var changesState: Bool { method != .get }

    // Parameters.

    static func pathParameter(_ name: String, _ description: String, schema: JSONValue = Schema.string, example: JSONValue? = nil) -> JSONValue {
        var parameter: JSONValue = ["name": .string(name), "in": "path", "required": true, "description": .string(description), "schema": schema]
        if let example { parameter["example"] = example }
        return parameter
    }

    static func query(_ name: String, _ description: String, schema: JSONValue = Schema.string) -> JSONValue {
        ["name": .string(name), "in": "query", "required": false, "description": .string(description), "schema": schema]
    }

    /// A query parameter that may repeat (`?tag=a&tag=b`).
    static func repeatedQuery(_ name: String, _ description: String) -> JSONValue {
        ["name": .string(name), "in": "query", "required": false, "description": .string(description),
         "schema": Schema.strings, "style": "form", "explode": true]
    }

    /// A JSON answer.
    static func json(_ description: String, _ schema: JSONValue, headers: [String: JSONValue] = [:], links: JSONValue? = nil) -> JSONValue {
        var response: JSONValue = ["description": .string(description),
                                   "content": ["application/json": ["schema": schema]]]
        if !headers.isEmpty { response["headers"] = .object(headers) }
        if let links { response["links"] = links }
        return response
    }

    static func header(_ description: String) -> JSONValue {
        ["description": .string(description), "schema": Schema.string]
    }
}

/// A route group's share of the document.
struct OpenAPIPart: Sendable {
    var operations: [OpenAPIOperation] = []
    /// Schemas by name, referred to as `Schema.ref(name)`.
    var schemas: [String: JSONValue] = [:]
    /// Tags (groups of operations in the document) with their descriptions.
    var tags: [String: String] = [:]
}

// MARK: - The document

enum OpenAPIDocument {
    static let version = "3.1.0"

    /// The document made of `parts` and what every endpoint shares.
    static func make(_ parts: [OpenAPIPart]) -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        var schemas = commonSchemas
        var tags: [String: String] = [:]
        for part in parts {
            schemas.merge(part.schemas) { first, _ in first }
            tags.merge(part.tags) { first, _ in first }
            for operation in part.operations {
                paths[operation.path, default: [:]][operation.method.rawValue.lowercased()] = object(for: operation)
            }
        }
        return [
            "openapi": .string(version),
            "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
            "info": [
                "title": "folio",
                "version": .string(WebServer.version),
                "description": .string(infoDescription),
                "license": ["name": "MIT", "identifier": "MIT"],
            ],
            "servers": [["url": "/", "description": "the server this document came from"]],
            "tags": .array(tags.keys.sorted().map { ["name": .string($0), "description": .string(tags[$0]!)] }),
            "security": [["bearer": []], ["cookie": []]],
            "paths": .object(paths.mapValues { .object($0) }),
            "components": [
                "schemas": .object(schemas),
                "securitySchemes": [
                    "bearer": ["type": "http", "scheme": "bearer",
                               "description": "A token from `folio serve token add NAME --role read|write|admin`, or the one a loopback run prints in its URL."],
                    "cookie": ["type": "apiKey", "in": "cookie", "name": .string(AccessPolicy.cookieName),
                               "description": "HttpOnly, SameSite=Strict cookie set when the URL folio serve printed (with ?token=) is opened."],
                ],
            ],
        ]
    }

    /// The document as served (compact JSON, keys sorted), made once.
    static let served: Data = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(make(WebServer.routeGroups.map { $0.openAPI }))) ?? Data("{}".utf8)
    }()

    static let infoDescription = """
        folio's HTTP API: the prompts of a library (files in a git repository), their versions, rendering and search. \
        Every answer is JSON with snake_case field names and ISO 8601 dates, as `folio … --json` prints it. \
        Every error is `{"error": {"code", "message", "fix"}}` with the status of its kind (docs/serve.md). \
        Requests need a token (Bearer header or the `folio_token` cookie) except where an operation says otherwise; \
        the `Host` must be a loopback name or a configured public host (403 `forbidden_host`), and a request that \
        changes something must not come from another site (403 `cross_site`) and must send JSON (415) within the \
        size limit (413).
        """

    /// The router's pattern as an OpenAPI path: `**` (a prompt id with its slashes) → `{id}`, `:name` → `{name}`.
    static func path(ofRoute route: String) -> String {
        route.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            if segment == "**" { return "{id}" }
            if segment.hasPrefix(":") { return "{\(segment.dropFirst())}" }
            return String(segment)
        }.joined(separator: "/")
    }

    // MARK: Operations with their shared errors

    /// Every error an operation can answer, by status: its own and those of the checks it passes.
    static func errors(of operation: OpenAPIOperation) -> [Int: [String]] {
        var errors = operation.errors
        func add(_ status: Int, _ codes: String...) {
            for code in codes where !(errors[status] ?? []).contains(code) { errors[status, default: []].append(code) }
        }
        add(403, "forbidden_host")
        add(500, "internal")
        if let role = operation.role {
            add(401, "unauthorized")
            add(429, "too_many_failures")
            if role > .read { add(403, "forbidden", "read_only") }
        }
        if operation.changesState {
            add(403, "cross_site")
            if operation.path.hasPrefix(API.prefix) {
                add(413, "too_large")
                add(415, "unsupported_media_type")
                if operation.requestBody != nil { add(400, "bad_json") }
            }
        }
        return errors
    }

    static func object(for operation: OpenAPIOperation) -> JSONValue {
        var responses: [String: JSONValue] = [:]
        for (status, response) in operation.responses { responses[String(status)] = response }
        for (status, codes) in errors(of: operation) {
            var response: JSONValue = [
                "description": .string("\(reason(status)): \(codes.map { "`\($0)`" }.joined(separator: ", "))"),
                "content": ["application/json": ["schema": Schema.ref("Error")]],
            ]
            if status == 401 { response["headers"] = ["WWW-Authenticate": OpenAPIOperation.header("`Bearer realm=\"folio\"`")] }
            if status == 429 { response["headers"] = ["Retry-After": ["description": "Seconds to wait", "schema": Schema.integer]] }
            responses[String(status)] = response
        }
        var object: JSONValue = [
            "operationId": .string(operation.operationID),
            "tags": [.string(operation.tag)],
            "summary": .string(operation.summary),
            "responses": .object(responses),
            "x-folio-role": operation.role.map { .string($0.rawValue) } ?? "none",
        ]
        if let description = operation.description { object["description"] = .string(description) }
        if operation.role == nil { object["security"] = [] }
        if !operation.parameters.isEmpty { object["parameters"] = .array(operation.parameters) }
        if let body = operation.requestBody {
            var media: JSONValue = ["schema": body]
            if let example = operation.requestExample { media["example"] = example }
            object["requestBody"] = ["required": .bool(operation.requestBodyRequired), "content": ["application/json": media]]
        }
        return object
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 400: "Bad request"
        case 401: "No token, or one that is not valid"
        case 403: "Refused"
        case 404: "Not found"
        case 409: "Conflict"
        case 413: "Body too large"
        case 415: "Body not JSON"
        case 422: "Refused by folio's checks"
        case 429: "Too many failed authentications from this address"
        case 500: "Server failure (details in the server's log only)"
        case 503: "The repository needs attention"
        default: "Error"
        }
    }

    // MARK: Shared schemas

    static let commonSchemas: [String: JSONValue] = [
        "Error": Schema.object([
            "error": Schema.object([
                "code": Schema.string("What went wrong, for programs: `not_found`, `conflict`, `invalid_input`, `unauthorized`, …"),
                "message": Schema.string("What went wrong, for people (no path of the server's folder)."),
                "fix": Schema.string("What to do about it."),
                "conflict": Schema.ref("Conflict"),
            ], required: ["code", "message"]),
        ], required: ["error"], description: "Every error the API answers."),
        "Conflict": Schema.object([
            "path": Schema.string("The file, relative to the library."),
            "yours": Schema.string("The text the request sent."),
            "current": Schema.string("The file's text now."),
            "current_blob": Schema.string("The blob id of the file now: the `base` of a retry."),
            "merged": Schema.string("Both changes with conflict markers, when they could be put side by side."),
            "renamed_to": Schema.string("Where the file went, when it was renamed meanwhile."),
        ], required: ["path"], description: "A change refused because the file moved on since its base: both versions."),
    ]
}
