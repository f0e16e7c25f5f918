/// What changed between two versions of a prompt, the way a reviewer reads it: fields, variables (with the
/// changes that break callers), the body, and the size.
public struct PromptDiff: Sendable, Equatable, Codable {
    /// A frontmatter field (other than variables) that changed. nil: absent on that side.
    public struct FieldChange: Sendable, Equatable, Codable {
        public let field: String
        public let old: Value?
        public let new: Value?
    }

    /// A variable added, removed or changed.
    public struct VariableChange: Sendable, Equatable, Codable {
        public enum Kind: String, Sendable, Codable {
            case added, removed, changed
        }

        public let name: String
        public let kind: Kind
        /// What changed, in words: `type string → enum`, `now required`, `default 10 → 20`.
        public let details: [String]
        /// Why callers break, when they do.
        public let breaking: String?
    }

    /// The prompt's id.
    public let prompt: String
    /// What the two sides are (`v6`, `working copy`, `main`).
    public let from: String
    public let to: String
    public let fields: [FieldChange]
    public let variables: [VariableChange]
    public let hunks: [TextDiff.Hunk]
    public let oldTokens: Int
    public let newTokens: Int
    /// The two bodies, for a word-level view.
    public let oldBody: String
    public let newBody: String

    /// True when a variable change breaks callers.
    public var breaking: Bool { variables.contains { $0.breaking != nil } }

    public var isEmpty: Bool { fields.isEmpty && variables.isEmpty && hunks.isEmpty }

    enum CodingKeys: String, CodingKey {
        case prompt, from, to, fields, variables, hunks, breaking
        case oldTokens = "old_tokens"
        case newTokens = "new_tokens"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        prompt = try container.decode(String.self, forKey: .prompt)
        from = try container.decode(String.self, forKey: .from)
        to = try container.decode(String.self, forKey: .to)
        fields = try container.decode([FieldChange].self, forKey: .fields)
        variables = try container.decode([VariableChange].self, forKey: .variables)
        hunks = try container.decode([TextDiff.Hunk].self, forKey: .hunks)
        oldTokens = try container.decode(Int.self, forKey: .oldTokens)
        newTokens = try container.decode(Int.self, forKey: .newTokens)
        oldBody = ""
        newBody = ""
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(prompt, forKey: .prompt)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encode(fields, forKey: .fields)
        try container.encode(variables, forKey: .variables)
        try container.encode(hunks, forKey: .hunks)
        try container.encode(oldTokens, forKey: .oldTokens)
        try container.encode(newTokens, forKey: .newTokens)
        try container.encode(breaking, forKey: .breaking)
    }

    /// Compares two versions; nil on one side means the prompt does not exist there.
    public static func compare(_ old: Prompt?, _ new: Prompt?, from: String, to: String) -> PromptDiff {
        func fieldsOf(_ prompt: Prompt?) -> [Value.Entry] {
            guard let prompt else { return [] }
            return (PromptCodec.frontmatterValue(prompt).entries ?? []).filter { $0.key != "variables" }
        }
        let oldFields = fieldsOf(old), newFields = fieldsOf(new)
        var keys: [String] = []
        for entry in oldFields + newFields where !keys.contains(entry.key) { keys.append(entry.key) }
        let fields = keys.compactMap { key -> FieldChange? in
            let a = oldFields.first { $0.key == key }?.value
            let b = newFields.first { $0.key == key }?.value
            return a == b ? nil : FieldChange(field: key, old: a, new: b)
        }

        var variables: [VariableChange] = []
        let oldVariables = old?.variables ?? [], newVariables = new?.variables ?? []
        for variable in oldVariables where !newVariables.contains(where: { $0.name == variable.name }) {
            variables.append(VariableChange(name: variable.name, kind: .removed, details: [],
                                            breaking: "removed: callers that still pass it fail (unknown variable)"))
        }
        for variable in newVariables {
            guard let before = oldVariables.first(where: { $0.name == variable.name }) else {
                let breaking = variable.isRequired && variable.defaultValue == nil && old != nil
                    ? "new required variable without a default: existing callers do not pass it" : nil
                var details = [variable.type.rawValue, variable.isRequired ? "required" : "optional"]
                if let value = variable.defaultValue { details.append("default \(value.shortText)") }
                variables.append(VariableChange(name: variable.name, kind: .added, details: details, breaking: breaking))
                continue
            }
            var details: [String] = []
            var breaking: [String] = []
            if before.type != variable.type {
                details.append("type \(before.type.rawValue) → \(variable.type.rawValue)")
                breaking.append("type changed")
            }
            if before.isRequired != variable.isRequired {
                details.append(variable.isRequired ? "now required" : "now optional")
                if variable.isRequired && variable.defaultValue == nil { breaking.append("now required without a default") }
            }
            if before.defaultValue != variable.defaultValue {
                details.append("default \(before.defaultValue?.shortText ?? "none") → \(variable.defaultValue?.shortText ?? "none")")
            }
            if before.values != variable.values {
                let removed = (before.values ?? []).filter { !(variable.values ?? []).contains($0) }
                let added = (variable.values ?? []).filter { !(before.values ?? []).contains($0) }
                if !added.isEmpty { details.append("values + " + added.map(\.shortText).joined(separator: ", ")) }
                if !removed.isEmpty {
                    details.append("values − " + removed.map(\.shortText).joined(separator: ", "))
                    if variable.type == .enum { breaking.append("allowed values removed") }
                }
            }
            if before.description != variable.description { details.append("description") }
            if before.extra != variable.extra { details.append("other keys") }
            if !details.isEmpty {
                variables.append(VariableChange(name: variable.name, kind: .changed, details: details,
                                                breaking: breaking.isEmpty ? nil : breaking.joined(separator: "; ")))
            }
        }
        let oldBody = old?.body ?? "", newBody = new?.body ?? ""
        return PromptDiff(prompt: (new ?? old)?.id.rawValue ?? "", from: from, to: to, fields: fields, variables: variables,
                          hunks: TextDiff.hunks(from: oldBody, to: newBody),
                          oldTokens: TokenEstimator.estimate(oldBody), newTokens: TokenEstimator.estimate(newBody),
                          oldBody: oldBody, newBody: newBody)
    }

    init(prompt: String, from: String, to: String, fields: [FieldChange], variables: [VariableChange], hunks: [TextDiff.Hunk],
         oldTokens: Int, newTokens: Int, oldBody: String, newBody: String) {
        self.prompt = prompt
        self.from = from
        self.to = to
        self.fields = fields
        self.variables = variables
        self.hunks = hunks
        self.oldTokens = oldTokens
        self.newTokens = newTokens
        self.oldBody = oldBody
        self.newBody = newBody
    }
}

extension Value {
    /// One short line for messages and diffs: `10`, `text`, `[a, b]`, `{k: v}`.
    public var shortText: String {
        switch self {
        case .null: return "null"
        case .list(let items): return "[" + items.map(\.shortText).joined(separator: ", ") + "]"
        case .map(let entries): return "{" + entries.map { "\($0.key): \($0.value.shortText)" }.joined(separator: ", ") + "}"
        default: return scalarText ?? ""
        }
    }
}
