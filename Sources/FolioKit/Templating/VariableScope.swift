/// A name a prompt's body reads from its variables that no prompt it renders with declares.
struct UndeclaredName: Sendable, Equatable {
    let name: String
    /// The prompt whose body reads it: the one rendered, or one it includes.
    let prompt: PromptID
    /// Where in that prompt's body (1-based).
    let line: Int
    let column: Int
    /// For a name read in an included prompt: the include tag in the rendered prompt's body that leads there.
    let include: TemplateTag?
    /// The prompt rendered.
    let root: PromptID
    /// Declared names close to it, for "did you mean".
    let suggestions: [String]

    /// What is wrong and how to fix it, said at the use itself; or, given the use's line in the included file, said
    /// at the include leading to it (lint, in the including file).
    func message(atIncludeWithLine includedLine: Int? = nil) -> String {
        let hint = suggestions.isEmpty ? "" : " (did you mean \(suggestions.joined(separator: ", "))?)"
        // A name no declaration can take (a date pattern, another tool's syntax) was meant as text.
        let fix = !Variable.isValidName(name)
            ? "'\(name)' cannot be a variable name (letters, digits and '_'); to keep {{ as text, change the delimiters "
                + "before it with {{=<% %>=}} (docs/format.md, 'Literal braces')"
            : suggestions.isEmpty ? "declare it under variables (- name: \(name))"
                                  : "correct it, or declare it under variables (- name: \(name))"
        guard include != nil else { return "'\(name)' is used but not declared\(hint); \(fix)" }
        if let includedLine {
            return "'\(name)' is used in the included prompt '\(prompt)' (line \(includedLine)) but declared neither there nor here\(hint); \(fix)"
        }
        return "'\(name)' is used in the included prompt '\(prompt)' but declared neither there nor by '\(root)', which includes it\(hint); \(fix)"
    }
}

/// The variables a prompt renders with, and the names its body reads that none of them is: the one definition
/// rendering and the undeclared-variable lint rule share.
///
/// A prompt renders with its own declarations and those of every prompt it includes. Its body, and the body of
/// every prompt it includes, reads a variable with `{{name}}`, `{{#name}}` or `{{^name}}` (a dotted name reads its
/// first part; a transform such as `{{uppercased(name)}}` its argument), also inside sections, with one exception:
/// inside `{{#name}}…{{/name}}` over a list or an object (or over a name not declared, reported itself), names may be
/// fields of the item, and nothing there is checked — includes there neither. `{{.}}` is the current item. Over a
/// text, number or boolean (a variable without a type is text) the content reads the variables like any other.
enum VariableScope {
    /// The prompt's own declarations, then those of the prompts it includes (in the order given) that it does not
    /// redeclare.
    static func declared(in closure: [Prompt]) -> [Variable] {
        var declared: [Variable] = []
        var names = Set<String>()
        for prompt in closure {
            for variable in prompt.variables where names.insert(variable.name).inserted { declared.append(variable) }
        }
        return declared
    }

    /// The names the first prompt of `closure` reads, directly or through the prompts it includes, that no prompt
    /// of `closure` declares; each name once, at its first use in render order. `closure` holds the prompt and
    /// every prompt it includes (an include missing from it is skipped: that is another error).
    static func undeclared(in closure: [Prompt]) -> [UndeclaredName] {
        guard let root = closure.first else { return [] }
        let variables = declared(in: closure)
        let byName = Dictionary(variables.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let prompts = Dictionary(closure.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var found: [UndeclaredName] = []
        var reported = Set<String>()
        var visited = Set<PromptID>()

        func visit(_ prompt: Prompt, through include: TemplateTag?) {
            visited.insert(prompt.id)
            // The open sections and whether each one's content reads from an item rather than the variables.
            var open: [(name: String, item: Bool)] = []
            for tag in TemplateScanner.scan(prompt.body).tags {
                let inItem = open.contains { $0.item }
                switch tag.kind {
                case .variable, .section, .invertedSection:
                    if !inItem, let name = variableName(tag.name), byName[name] == nil, reported.insert(name).inserted {
                        found.append(UndeclaredName(name: name, prompt: prompt.id, line: tag.line, column: tag.column,
                                                    include: include, root: root.id,
                                                    suggestions: Suggestions.closest(to: name, in: variables.map(\.name))))
                    }
                    if tag.kind == .section {
                        open.append((tag.name, opensItem(tag.name, byName)))
                    } else if tag.kind == .invertedSection {
                        // Rendered only when the value is false or empty: nothing is pushed, names read the variables.
                        open.append((tag.name, false))
                    }
                case .partial, .parent:
                    if !inItem, let id = try? PromptID(tag.name), !visited.contains(id), let included = prompts[id] {
                        visit(included, through: include ?? tag)
                    }
                    if tag.kind == .parent { open.append((tag.name, false)) }
                case .block:
                    open.append((tag.name, false))
                case .close:
                    if let index = open.lastIndex(where: { $0.name == tag.name }) { open.removeSubrange(index...) }
                case .comment, .setDelimiter, .pragma:
                    break
                }
            }
        }
        visit(root, through: nil)
        return found
    }

    /// The variable a tag's name reads: `user` for `user.name` and `.user`, `code` for `uppercased(code)`; nil for
    /// `.` (the current item) and argument-less transforms such as `index()`.
    static func variableName(_ tagName: String) -> String? {
        argument(tagName).split(separator: ".").first.map(String.init)
    }

    /// A tag's name without its transforms: `code` for `uppercased(code)`, `list` for `reversed(sorted(list))`.
    private static func argument(_ tagName: String) -> Substring {
        var name = Substring(tagName)
        if let open = name.lastIndex(of: "(") {
            name = name[name.index(after: open)...]
            if let close = name.firstIndex(of: ")") { name = name[..<close] }
        }
        return name
    }

    /// Whether a section's content reads from the section's value (fields of list items or of an object) rather
    /// than from the variables: true over a list, an object, an enum of such values, a field (`a.b`), the
    /// current item, or a name not declared.
    private static func opensItem(_ tagName: String, _ declared: [String: Variable]) -> Bool {
        let name = argument(tagName)
        // `{{#first()}}` and the like: a boolean of the list being iterated.
        if name.isEmpty { return false }
        if name.contains(".") { return true }
        guard let variable = declared[String(name)] else { return true }
        // A default that is a list or a mapping is rendered as it is, whatever the type says (invalid-default reports it).
        if let value = variable.defaultValue, value != .null, value.scalarText == nil { return true }
        switch variable.type {
        case .list, .object: return true
        case .enum: return (variable.values ?? []).contains { $0.scalarText == nil }
        case .string, .number, .boolean: return false
        }
    }
}
