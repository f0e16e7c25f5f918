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

/// A lint report as `folio lint --format json` prints it and the API returns it.
public struct LintReportJSON: Encodable, Sendable {
    public struct Finding: Encodable, Sendable {
        public let rule, severity, message, path: String
        public let line, column: Int
    }
    public let files: Int
    public let errors: Int
    public let warnings: Int
    /// Whether a finding fails the check: an error, or with `strict` a warning too.
    public let failed: Bool
    public let findings: [Finding]

    public init(_ report: LintReport, strict: Bool) {
        files = report.files.count
        errors = report.errors
        warnings = report.warnings
        failed = report.findings.contains { LintReport.fails($0, strict: strict) }
        findings = report.findings.map {
            Finding(rule: $0.rule, severity: $0.severity.rawValue, message: $0.message, path: $0.repositoryPath, line: $0.line, column: $0.column)
        }
    }
}

/// What `folio context save --json` prints and the API returns for a saved session.
public struct ContextSaveJSON: Encodable, Sendable {
    public let id: String
    public let path: String
    public let tool: String
    public let source: String
    public let messages: Int
    public let messagesAdded: Int?
    public let toolCalls: Int
    public let updated: Bool
    public let changed: Bool
    public let redactions: [String]
    public let commit: String?
    public let bytesRead: Int
    public let bytesWritten: Int
    public let warnings: [String]

    public init(_ outcome: ContextSaveOutcome) {
        id = outcome.context.id
        path = outcome.context.relativePath
        tool = outcome.context.session.tool.rawValue
        source = outcome.sourcePath
        messages = outcome.context.session.messageCount
        messagesAdded = outcome.addedMessages
        updated = outcome.updated
        changed = outcome.change.changed
        toolCalls = outcome.context.session.toolCalls.count
        redactions = outcome.redactions
        commit = outcome.change.commit
        bytesRead = outcome.bytesRead
        bytesWritten = outcome.bytesWritten
        warnings = outcome.change.warnings
    }

    enum CodingKeys: String, CodingKey {
        case id, path, tool, source, messages, updated, changed, redactions, commit, warnings
        case messagesAdded = "messages_added"
        case toolCalls = "tool_calls"
        case bytesRead = "bytes_read"
        case bytesWritten = "bytes_written"
    }
}

/// What `folio sync --json` prints and the API returns for a sync.
public struct SyncOutcomeJSON: Encodable, Sendable {
    public let remote: String
    public let branch: String
    /// `up-to-date`, `fast-forward` or `merged`.
    public let integration: String
    public let commit: String?
    public let pushed: Bool
    public let retried: Bool
    public let notes: [String]

    public init(_ outcome: SyncOutcome) {
        remote = outcome.remote
        branch = outcome.branch
        (integration, commit) = switch outcome.integration {
        case .upToDate: ("up-to-date", nil)
        case .fastForward(let to): ("fast-forward", to)
        case .merged(let commit): ("merged", commit)
        }
        pushed = outcome.pushed
        retried = outcome.retried
        notes = outcome.notes
    }
}
