import Foundation

/// A prompt to start from: shipped with folio (templates/) or kept in a library's own `templates/` folder.
public struct StarterTemplate: Sendable, Equatable {
    /// The name `--template` takes, e.g. `code-review`.
    public let name: String
    /// The whole file: frontmatter and body.
    public let text: String

    /// The templates shipped with folio.
    public static var all: [StarterTemplate] { builtIn }

    /// The template read as a prompt (its id is its name, when the name is a valid id; a prompt made from it
    /// gets its own).
    public func prompt() throws -> Prompt {
        try PromptCodec.decode(text, id: (try? PromptID(name)) ?? PromptID(unchecked: "template"), path: "template \(name)").prompt
    }
}

/// A starter template as `folio templates` lists it: what it holds, and why `folio new --template` refuses it.
public struct StarterTemplateEntry: Sendable {
    public let name: String
    /// `templates/NAME.prompt.md`, relative to the library, for the library's own; nil for folio's.
    public let path: String?
    /// The template read as a prompt, when it can be read.
    public let prompt: Prompt?
    /// Why it cannot be used: lint's errors in the file, one per line (as `folio lint` prints them); nil when usable.
    public let error: String?

    public init(name: String, path: String?, prompt: Prompt?, error: String?) {
        self.name = name
        self.path = path
        self.prompt = prompt
        self.error = error
    }

    /// One of folio's own templates (always usable).
    public init(_ template: StarterTemplate) {
        self.init(name: template.name, path: nil, prompt: try? template.prompt(), error: nil)
    }
}

extension Library {
    /// Starter templates: folio's own, replaced or extended by `.prompt.md` files in the library's `templates/` folder.
    public func starterTemplates() throws -> [StarterTemplate] {
        var byName = Dictionary(StarterTemplate.builtIn.map { ($0.name, $0) }, uniquingKeysWith: { $1 })
        let folder = root + "/templates"
        for file in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where file.hasSuffix(PromptID.fileSuffix) {
            guard let data = FileManager.default.contents(atPath: folder + "/" + file) else { continue }
            let name = String(file.dropLast(PromptID.fileSuffix.count))
            byName[name] = StarterTemplate(name: name, text: String(decoding: data, as: UTF8.self))
        }
        return byName.values.sorted { $0.name < $1.name }
    }

    /// Every starter template, folio's and the library's, each with why it cannot be used when it cannot: the
    /// errors `folio lint` finds in the file. A file lint calls broken is listed, never left out, and never hides
    /// the others.
    public func starterTemplateEntries() throws -> [StarterTemplateEntry] {
        var byName = Dictionary(StarterTemplate.builtIn.map { ($0.name, StarterTemplateEntry($0)) }, uniquingKeysWith: { $1 })
        let files = templateFiles()
        let problems = try templateProblems(files)
        for file in files {
            let name = String((file as NSString).lastPathComponent.dropLast(PromptID.fileSuffix.count))
            let text = FileManager.default.contents(atPath: root + "/" + file).map { String(decoding: $0, as: UTF8.self) }
            byName[name] = StarterTemplateEntry(name: name, path: file,
                                                prompt: text.flatMap { try? StarterTemplate(name: name, text: $0).prompt() },
                                                error: problems[file])
        }
        return byName.values.sorted { $0.name < $1.name }
    }

    /// Lint's errors in the library's template files, by file, as `folio lint` prints them.
    private func templateProblems(_ files: [String]) throws -> [String: String] {
        let source = WorkTreeLintSource(root: root)
        let report = try lint(files.map { (relative: $0, display: displayPath($0), data: source.data($0) ?? Data()) }, source: source)
        var problems: [String: [String]] = [:]
        for finding in report.findings where finding.severity == .error {
            problems[finding.relativePath, default: []].append(finding.text)
        }
        return problems.mapValues { $0.joined(separator: "\n") }
    }

    /// One starter template by name, or an error listing the ones there are; a library template lint calls
    /// broken is refused with lint's errors.
    public func starterTemplate(named name: String) throws -> StarterTemplate {
        let all = try starterTemplates()
        guard let template = all.first(where: { $0.name == name }) else {
            throw FolioError(.notFound, "no template '\(name)'\(Suggestions.hint(for: name, in: all.map(\.name))); see `folio templates`")
        }
        let file = "templates/\(name)\(PromptID.fileSuffix)"
        if FileManager.default.fileExists(atPath: root + "/" + file), let problem = try templateProblems([file])[file] {
            throw FolioError(.invalidInput, "template '\(name)' cannot be used until \(displayPath(file)) is fixed:\n\(problem)")
        }
        return template
    }
}
