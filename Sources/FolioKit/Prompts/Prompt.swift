/// A prompt: frontmatter fields and a Mustache body.
public struct Prompt: Sendable, Equatable {
    public var id: PromptID
    public var title: String?
    public var description: String?
    public var tags: [String]
    public var category: String?
    /// nil when the file does not say; see `effectiveStatus`.
    public var status: PromptStatus?
    public var owners: [String]
    public var model: ModelSpec?
    public var variables: [Variable]
    /// A reusable snippet meant to be included, not used on its own.
    public var partial: Bool
    /// Anything else the author wants to keep, as a mapping.
    public var metadata: Value?
    /// Top-level keys folio does not know, in file order: kept on every rewrite.
    public var extra: [Value.Entry]
    /// The Markdown and Mustache text after the frontmatter.
    public var body: String

    public init(id: PromptID, title: String? = nil, description: String? = nil, tags: [String] = [],
                category: String? = nil, status: PromptStatus? = nil, owners: [String] = [], model: ModelSpec? = nil,
                variables: [Variable] = [], partial: Bool = false, metadata: Value? = nil, extra: [Value.Entry] = [],
                body: String = "") {
        self.id = id
        self.title = title
        self.description = description
        self.tags = tags
        self.category = category
        self.status = status
        self.owners = owners
        self.model = model
        self.variables = variables
        self.partial = partial
        self.metadata = metadata
        self.extra = extra
        self.body = body
    }

    /// The status, `active` when the file does not set one.
    public var effectiveStatus: PromptStatus { status ?? .active }

    /// The declared variable called `name`.
    public func variable(named name: String) -> Variable? { variables.first { $0.name == name } }

    /// Estimated tokens of the body as written (before rendering).
    public var estimatedTokens: Int { TokenEstimator.estimate(body) }
}

/// Where a prompt is in its life.
public enum PromptStatus: String, Sendable, CaseIterable, Codable {
    case draft, active, deprecated
}

/// The model a prompt is written for: a name and its parameters (temperature, max_tokens, …).
public struct ModelSpec: Sendable, Equatable {
    public var name: String?
    public var parameters: [Value.Entry]
    /// Other keys under `model`, kept as written.
    public var extra: [Value.Entry]

    public init(name: String?, parameters: [Value.Entry] = [], extra: [Value.Entry] = []) {
        self.name = name
        self.parameters = parameters
        self.extra = extra
    }
}

/// A variable the body uses, declared in the frontmatter.
public struct Variable: Sendable, Equatable {
    public var name: String
    public var description: String?
    /// The type as written; nil means `string`.
    public var declaredType: VariableType?
    /// As written; nil means "required unless there is a default" (see `isRequired`).
    public var required: Bool?
    public var defaultValue: Value?
    /// The allowed values of an `enum` variable.
    public var values: [Value]?
    /// Other keys of the declaration, kept as written.
    public var extra: [Value.Entry]

    public init(name: String, description: String? = nil, type: VariableType? = nil, required: Bool? = nil,
                defaultValue: Value? = nil, values: [Value]? = nil, extra: [Value.Entry] = []) {
        self.name = name
        self.description = description
        self.declaredType = type
        self.required = required
        self.defaultValue = defaultValue
        self.values = values
        self.extra = extra
    }

    /// Whether `name` can name a variable: ASCII letters, digits and '_', starting with a letter or '_' (what
    /// `{{name}}` reads as one name).
    public static func isValidName(_ name: String) -> Bool {
        name.first.map { $0 == "_" || ($0.isASCII && $0.isLetter) } == true
            && name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }

    /// The type, `string` unless declared.
    public var type: VariableType {
        get { declaredType ?? .string }
        set { declaredType = newValue }
    }

    /// A variable must be given unless it has a default or says `required: false`.
    public var isRequired: Bool { required ?? (defaultValue == nil) }
}

/// The type of a variable's value.
public enum VariableType: String, Sendable, CaseIterable, Codable {
    case string, number, boolean, `enum`, list, object
}
