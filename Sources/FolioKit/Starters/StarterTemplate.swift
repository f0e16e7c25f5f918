import Foundation

/// A prompt to start from: shipped with folio (templates/) or kept in a library's own `templates/` folder.
public struct StarterTemplate: Sendable, Equatable {
    /// The name `--template` takes, e.g. `code-review`.
    public let name: String
    /// The whole file: frontmatter and body.
    public let text: String

    /// The templates shipped with folio.
    public static var all: [StarterTemplate] { builtIn }

    /// The template read as a prompt (its id is its name).
    public func prompt() throws -> Prompt {
        try PromptCodec.decode(text, id: try PromptID(name), path: "template \(name)").prompt
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

    /// One starter template by name, or an error listing the ones there are.
    public func starterTemplate(named name: String) throws -> StarterTemplate {
        let all = try starterTemplates()
        guard let template = all.first(where: { $0.name == name }) else {
            throw FolioError(.notFound, "no template '\(name)'\(Suggestions.hint(for: name, in: all.map(\.name))); see `folio templates`")
        }
        return template
    }
}
