internal import YAML

/// The known frontmatter fields: their types, their canonical order, and how they read and write.
struct FrontmatterSchema {
    /// Where the YAML came from, for messages.
    let path: String
    /// Lines before the frontmatter's first line (the opening `---`).
    let lineOffset: Int

    /// Known top-level keys, in the order folio writes them.
    static let canonicalOrder = ["title", "description", "tags", "category", "status", "owners", "model", "variables",
                                 "partial", "metadata"]
    static let variableOrder = ["name", "description", "type", "required", "default", "values"]

    private func fail(_ node: Node, _ message: String) -> FolioError {
        // Nodes built in code (from --set) have no position in a file.
        guard node.mark != .none else { return FolioError(.invalidInput, "\(path): \(message)") }
        return FolioError.invalidFile(path, line: node.mark.line + lineOffset, column: node.mark.column, message)
    }

    // MARK: Reading

    func decode(_ root: Node, into prompt: inout Prompt) throws {
        guard let pairs = root.pairs else {
            throw fail(root, "the frontmatter must be a mapping of fields (title: …), not \(root.kindName)")
        }
        for pair in pairs {
            guard let key = pair.key.string else {
                throw fail(pair.key, "frontmatter keys must be text, not \(pair.key.kindName)")
            }
            let value = pair.value
            switch key {
            case "title": prompt.title = try text(value, "title")
            case "description": prompt.description = try text(value, "description")
            case "category": prompt.category = try text(value, "category")
            case "tags": prompt.tags = try texts(value, "tags")
            case "owners": prompt.owners = try texts(value, "owners")
            case "status":
                guard let raw = try text(value, "status") else { prompt.status = nil; continue }
                guard let status = PromptStatus(rawValue: raw) else {
                    throw fail(value, "status must be one of draft, active, deprecated (not '\(raw)')")
                }
                prompt.status = status
            case "model": prompt.model = try model(value)
            case "variables": prompt.variables = try variables(value)
            case "partial":
                guard case .bool(let flag)? = value.scalarValue else {
                    throw fail(value, "partial must be true or false, not \(value.kindName)")
                }
                prompt.partial = flag
            case "metadata":
                guard value.pairs != nil || value.isNull else {
                    throw fail(value, "metadata must be a mapping (metadata: {team: search}), not \(value.kindName)")
                }
                prompt.metadata = value.isNull ? nil : Value(node: value)
            default:
                prompt.extra.append(Value.Entry(key, Value(node: value)))
            }
        }
    }

    /// A text field: strings, and numbers or booleans read as their text (`title: 1984`).
    private func text(_ node: Node, _ field: String) throws -> String? {
        switch node.scalarValue {
        case .null: return nil
        case .string(let value): return value
        case .int, .double, .bool: return node.text
        case nil: throw fail(node, "\(field) must be text, not \(node.kindName)")
        }
    }

    private func texts(_ node: Node, _ field: String) throws -> [String] {
        if node.isNull { return [] }
        guard let items = node.sequence else {
            let example = node.text.map { "\(field): [\($0)]" } ?? "\(field): [a, b]"
            throw fail(node, "\(field) must be a list, e.g. \(example)")
        }
        return try items.map { item in
            guard item.scalarValue != nil, !item.isNull, let value = try text(item, field) else {
                throw fail(item, "each of \(field) must be text, not \(item.kindName)")
            }
            return value
        }
    }

    private func model(_ node: Node) throws -> ModelSpec? {
        if node.isNull { return nil }
        if node.scalarValue != nil, let name = try text(node, "model") { return ModelSpec(name: name) }
        guard let pairs = node.pairs else {
            throw fail(node, "model must be a name (model: gpt-4o) or a mapping with name and parameters")
        }
        var spec = ModelSpec(name: nil)
        for pair in pairs {
            let key = pair.key.text ?? ""
            switch key {
            case "name": spec.name = try text(pair.value, "model.name")
            case "parameters":
                guard let params = pair.value.pairs else {
                    if pair.value.isNull { continue }
                    throw fail(pair.value, "model.parameters must be a mapping (temperature: 0.2), not \(pair.value.kindName)")
                }
                spec.parameters = params.map { Value.Entry($0.key.text ?? "", Value(node: $0.value)) }
            default: spec.extra.append(Value.Entry(key, Value(node: pair.value)))
            }
        }
        return spec
    }

    private func variables(_ node: Node) throws -> [Variable] {
        if node.isNull { return [] }
        guard let items = node.sequence else {
            throw fail(node, "variables must be a list, e.g.\n  variables:\n    - name: code\n      type: string")
        }
        var seen: [String: Int] = [:]
        return try items.map { item in
            let variable = try variable(item)
            if let first = seen[variable.name] {
                throw fail(item, "variable '\(variable.name)' is declared twice (first at line \(first))")
            }
            seen[variable.name] = item.mark.line + lineOffset
            return variable
        }
    }

    private func variable(_ node: Node) throws -> Variable {
        // Shorthand: `- code` declares a required string variable.
        if case .string(let name)? = node.scalarValue {
            try checkVariableName(name, node)
            return Variable(name: name)
        }
        guard let pairs = node.pairs else {
            throw fail(node, "each variable must be a mapping with a name (- name: code), not \(node.kindName)")
        }
        guard let nameNode = node["name"], let name = try text(nameNode, "name") else {
            throw fail(node, "this variable has no name; add 'name: …'")
        }
        try checkVariableName(name, nameNode)
        var variable = Variable(name: name)
        for pair in pairs {
            let key = pair.key.text ?? ""
            let value = pair.value
            switch key {
            case "name": break
            case "description": variable.description = try text(value, "description")
            case "type":
                guard let raw = try text(value, "type") else { continue }
                guard let type = VariableType(rawValue: raw) else {
                    let allowed = VariableType.allCases.map(\.rawValue).joined(separator: ", ")
                    throw fail(value, "unknown type '\(raw)' for variable '\(name)'; use one of \(allowed)")
                }
                variable.type = type
            case "required":
                guard case .bool(let flag)? = value.scalarValue else {
                    throw fail(value, "required must be true or false, not \(value.kindName)")
                }
                variable.required = flag
            case "default": variable.defaultValue = Value(node: value)
            case "values":
                guard let items = value.sequence else {
                    throw fail(value, "values must be a list of the allowed values, e.g. values: [low, high]")
                }
                variable.values = items.map(Value.init(node:))
            default: variable.extra.append(Value.Entry(key, Value(node: value)))
            }
        }
        if variable.type == .enum, (variable.values ?? []).isEmpty {
            throw fail(node, "enum variable '\(name)' needs its allowed values: values: [a, b]")
        }
        return variable
    }

    private func checkVariableName(_ name: String, _ node: Node) throws {
        guard Variable.isValidName(name) else {
            throw fail(node, "variable name '\(name)' must be letters, digits and '_', starting with a letter (it is used as {{\(name)}})")
        }
    }

    // MARK: Writing

    /// The frontmatter as a node: known fields in canonical order, then unknown keys as they came.
    static func encode(_ prompt: Prompt) -> Node {
        var pairs: [(String, Node)] = []
        if let title = prompt.title { pairs.append(("title", .string(title))) }
        if let description = prompt.description { pairs.append(("description", .string(description))) }
        if !prompt.tags.isEmpty { pairs.append(("tags", .sequence(prompt.tags.map(Node.string)))) }
        if let category = prompt.category { pairs.append(("category", .string(category))) }
        if let status = prompt.status { pairs.append(("status", .string(status.rawValue))) }
        if !prompt.owners.isEmpty { pairs.append(("owners", .sequence(prompt.owners.map(Node.string)))) }
        if let model = prompt.model {
            if model.parameters.isEmpty, model.extra.isEmpty, let name = model.name {
                pairs.append(("model", .string(name)))
            } else {
                var fields: [(String, Node)] = []
                if let name = model.name { fields.append(("name", .string(name))) }
                if !model.parameters.isEmpty { fields.append(("parameters", Value.map(model.parameters).node)) }
                fields += model.extra.map { ($0.key, $0.value.node) }
                pairs.append(("model", .mapping(fields)))
            }
        }
        if !prompt.variables.isEmpty { pairs.append(("variables", .sequence(prompt.variables.map(encode)))) }
        if prompt.partial { pairs.append(("partial", .bool(true))) }
        if let metadata = prompt.metadata { pairs.append(("metadata", metadata.node)) }
        pairs += prompt.extra.map { ($0.key, $0.value.node) }
        return .mapping(pairs)
    }

    private static func encode(_ variable: Variable) -> Node {
        var fields: [(String, Node)] = [("name", .string(variable.name))]
        if let description = variable.description { fields.append(("description", .string(description))) }
        if let type = variable.declaredType { fields.append(("type", .string(type.rawValue))) }
        if let required = variable.required { fields.append(("required", .bool(required))) }
        if let value = variable.defaultValue { fields.append(("default", value.node)) }
        if let values = variable.values { fields.append(("values", .sequence(values.map(\.node)))) }
        fields += variable.extra.map { ($0.key, $0.value.node) }
        return .mapping(fields)
    }
}
