internal import Mustache

/// A rendered prompt and what went into it.
public struct Rendering: Sendable, Equatable {
    public let id: PromptID
    public let text: String
    /// The values used: given ones converted to their types, then defaults.
    public let variables: [Value.Entry]
    /// Every prompt included, directly or through another include, in first-use order.
    public let includes: [PromptID]

    public var estimatedTokens: Int { TokenEstimator.estimate(text) }
}

/// Renders a prompt: resolves its includes, checks variables, then runs Mustache without HTML escaping.
struct Renderer {
    /// Loads an included prompt; nil when there is none with that id.
    let load: (PromptID) throws -> PromptDocument?
    /// The path to show in messages for a prompt.
    let displayPath: (PromptID) -> String

    /// Mustache escapes HTML by default; prompts are text. This pragma turns escaping off for a template. It stands
    /// alone on a line of its own, which Mustache drops, so that a standalone tag on the body's first line
    /// (`{{> id}}`, `{{! note}}`) still starts a line and is dropped with its line too.
    private static let textPragma = "{{% CONTENT_TYPE: TEXT}}\n"

    func render(_ root: PromptDocument, inputs: [String: VariableInput], allowExtra: Bool) throws -> Rendering {
        let closure = try includeClosure(of: root)
        let prompts = closure.map(\.prompt)
        // A name the body reads that nothing declares would render as nothing: refuse (a value given for it with
        // --allow-extra is rendered, as asked).
        let undeclared = VariableScope.undeclared(in: prompts).filter { name in
            !(allowExtra && inputs[name.name].map { $0 != .value(.null) } == true)
        }
        if !undeclared.isEmpty { throw undeclaredError(undeclared, in: closure) }
        let bound = try VariableBinding(declared: VariableScope.declared(in: prompts))
            .bind(inputs, allowExtra: allowExtra, promptID: root.prompt.id)

        var library = MustacheLibrary()
        var rootTemplate: MustacheTemplate?
        for document in closure {
            let template: MustacheTemplate
            do {
                template = try MustacheTemplate(string: Self.textPragma + document.prompt.body)
            } catch let error as MustacheTemplate.ParserError {
                // The pragma's line comes first: the body's line n is the template's line n + 1.
                throw FolioError.invalidFile(displayPath(document.prompt.id),
                                             line: max(1, error.context.lineNumber - 1) + document.bodyStartLine - 1,
                                             column: error.context.columnNumber, "template error: \(error.error)")
            }
            library.register(template, named: document.prompt.id.rawValue)
            if rootTemplate == nil { rootTemplate = template }
        }
        var context: [String: Any] = [:]
        for entry in bound { if let object = entry.value.mustacheObject { context[entry.key] = object } }
        let text = rootTemplate!.render(context, library: library)
        return Rendering(id: root.prompt.id, text: text, variables: bound, includes: closure.dropFirst().map(\.prompt.id))
    }

    /// One error for every name read but not declared, each at its use: `path:line:col: error: …`.
    private func undeclaredError(_ names: [UndeclaredName], in closure: [PromptDocument]) -> FolioError {
        let errors = names.map { name -> FolioError in
            let document = closure.first { $0.prompt.id == name.prompt }
            return FolioError.invalidFile(displayPath(name.prompt), line: name.line + (document?.bodyStartLine ?? 1) - 1,
                                          column: name.column, name.message())
        }
        return errors.count == 1 ? errors[0] : FolioError(.invalidInput, errors.map(\.message).joined(separator: "\n"))
    }

    /// The prompt and everything it includes, depth first, each once. Fails on a syntax error, a missing
    /// include or a cycle, naming the file and line.
    func includeClosure(of root: PromptDocument) throws -> [PromptDocument] {
        var ordered: [PromptDocument] = []
        var done = Set<PromptID>()

        func visit(_ document: PromptDocument, stack: [PromptID]) throws {
            let id = document.prompt.id
            done.insert(id)
            ordered.append(document)
            let scan = TemplateScanner.scan(document.prompt.body)
            if let error = scan.errors.first {
                throw FolioError.invalidFile(displayPath(id), line: error.line + document.bodyStartLine - 1,
                                             column: error.column, error.message)
            }
            for tag in scan.tags where tag.kind == .partial || tag.kind == .parent {
                let line = tag.line + document.bodyStartLine - 1
                guard let includedID = try? PromptID(tag.name) else {
                    throw FolioError.invalidFile(displayPath(id), line: line, column: tag.column,
                                                 "'\(tag.name)' is not a prompt id: \(PromptID.problem(with: tag.name) ?? "")")
                }
                if let start = stack.firstIndex(of: includedID) {
                    let cycle = (stack[start...] + [id, includedID]).map(\.rawValue).joined(separator: " → ")
                    throw FolioError(.invalidInput, "\(displayPath(id)):\(line):\(tag.column): error: include cycle: \(cycle)")
                }
                if includedID == id {
                    throw FolioError(.invalidInput, "\(displayPath(id)):\(line):\(tag.column): error: include cycle: \(id) → \(id)")
                }
                if done.contains(includedID) { continue }
                guard let included = try load(includedID) else {
                    throw FolioError(.notFound, "\(displayPath(id)):\(line):\(tag.column): error: included prompt '\(includedID)' does not exist")
                }
                try visit(included, stack: stack + [id])
            }
        }
        try visit(root, stack: [])
        return ordered
    }
}
