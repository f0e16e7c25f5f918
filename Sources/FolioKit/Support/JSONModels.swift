import Foundation

// The models behind the CLI's `--json` that other adapters (the HTTP API) return too: one shape per thing,
// encoded with `FolioJSON.encoder()`.

/// A variable as --json shows it.
public struct VariableJSON: Encodable, Sendable {
    public let name: String
    public let description: String?
    public let type: String
    public let required: Bool
    public let `default`: Value?
    public let values: [Value]?

    public init(_ variable: Variable) {
        name = variable.name
        description = variable.description
        type = variable.type.rawValue
        required = variable.isRequired
        `default` = variable.defaultValue
        values = variable.values
    }
}

/// A prompt as --json shows it.
public struct PromptJSON: Encodable, Sendable {
    public let id: String
    public let path: String
    public let title: String?
    public let description: String?
    public let tags: [String]
    public let category: String?
    public let status: String
    public let owners: [String]
    public let model: Value?
    public let variables: [VariableJSON]
    public let partial: Bool
    public let metadata: Value?
    public let extra: Value?
    public let estimatedTokens: Int
    public let body: String?

    enum CodingKeys: String, CodingKey {
        case id, path, title, description, tags, category, status, owners, model, variables, partial, metadata, extra, body
        case estimatedTokens = "estimated_tokens"
    }

    public init(_ prompt: Prompt, path: String, includeBody: Bool) {
        id = prompt.id.rawValue
        self.path = path
        title = prompt.title
        description = prompt.description
        tags = prompt.tags
        category = prompt.category
        status = prompt.effectiveStatus.rawValue
        owners = prompt.owners
        if let spec = prompt.model {
            var entries: [Value.Entry] = []
            if let name = spec.name { entries.append(Value.Entry("name", .string(name))) }
            if !spec.parameters.isEmpty { entries.append(Value.Entry("parameters", .map(spec.parameters))) }
            model = .map(entries + spec.extra)
        } else {
            model = nil
        }
        variables = prompt.variables.map(VariableJSON.init)
        partial = prompt.partial
        metadata = prompt.metadata
        extra = prompt.extra.isEmpty ? nil : .map(prompt.extra)
        estimatedTokens = prompt.estimatedTokens
        body = includeBody ? prompt.body : nil
    }
}

/// A rendering as `folio render --json` prints it and the API returns it.
public struct RenderJSON: Encodable, Sendable {
    public let id: String
    public let text: String
    public let variables: Value
    public let includes: [String]
    public let estimatedTokens: Int
    public let eventID: String?
    public let variant: String?

    enum CodingKeys: String, CodingKey {
        case id, text, variables, includes, variant
        case estimatedTokens = "estimated_tokens"
        case eventID = "event_id"
    }

    public init(id: String, text: String, variables: Value, includes: [String], estimatedTokens: Int, eventID: String?, variant: String?) {
        self.id = id
        self.text = text
        self.variables = variables
        self.includes = includes
        self.estimatedTokens = estimatedTokens
        self.eventID = eventID
        self.variant = variant
    }
}

/// A prompt search result as `folio search --json` prints it and the API returns it.
public struct SearchHitJSON: Encodable, Sendable {
    public let id: String
    public let title: String?
    public let description: String?
    public let tags: [String]
    public let status: String
    public let score: Double
    public let snippet: String?
    public let path: String

    public init(_ hit: SearchHit) {
        id = hit.entry.id
        title = hit.entry.title
        description = hit.entry.description
        tags = hit.entry.tags
        status = hit.entry.status
        score = (hit.score * 1000).rounded() / 1000
        snippet = hit.snippet.map(SearchHit.withoutMarks)
        path = hit.entry.path
    }
}
