import Foundation
internal import YAML

/// Where lint reads a library's files from: the work tree, the git index (`--staged`), or a commit.
protocol LintSource {
    /// The bytes of a library-relative path, or nil when there is no such file.
    func data(_ relativePath: String) -> Data?
    /// Whether a prompt exists (cheaper than reading it).
    func exists(_ id: PromptID) -> Bool
    /// Whether files may be read from several threads at once (libgit2 objects may not).
    var concurrent: Bool { get }
}

extension LintSource {
    var concurrent: Bool { false }
}

/// A prompt file as lint sees it: whatever could be read of it, even when it is broken.
struct LintFile {
    static let disableMarker = Data("folio-lint-disable:".utf8)

    let displayPath: String
    let relativePath: String
    let kind: LintFileKind
    /// A library's starter template (`templates/NAME.prompt.md`): checked as a prompt, named by its file, with no id.
    let isTemplate: Bool
    let repositoryPath: String
    let id: PromptID?
    let data: Data
    /// nil when the file is not UTF-8 text.
    let text: String?
    let split: PromptCodec.Split?
    let splitError: FolioError?
    /// The frontmatter, parsed strictly; when that fails, leniently (for positions), with the strict error kept.
    let frontmatter: Node?
    let yamlError: YAMLError?
    /// The prompt, when the file decodes strictly.
    let prompt: Prompt?
    let decodeError: FolioError?
    let scan: TemplateScan?
    /// Rules turned off for this file by a `folio-lint-disable: rule, rule` comment.
    let disabled: Set<String>

    init(relativePath: String, displayPath: String, repositoryPrefix: String, data: Data) {
        self.relativePath = relativePath
        repositoryPath = repositoryPrefix + relativePath
        self.displayPath = displayPath
        self.data = data
        kind = LintFileKind.of(relativePath) ?? .prompt
        isTemplate = LintFile.isTemplatePath(relativePath)
        id = kind == .prompt ? PromptID.fromRelativePath(relativePath) : nil
        let readable = data.count <= kind.sizeLimit && !data.withUnsafeBytes { $0.baseAddress.map { memchr($0, 0, data.count) != nil } ?? false }
        text = readable ? String(validating: data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data, as: UTF8.self) : nil
        var split: PromptCodec.Split?
        var splitError: FolioError?
        var frontmatter: Node?
        var yamlError: YAMLError?
        var prompt: Prompt?
        var decodeError: FolioError?
        var disabled = Set<String>()
        if let text {
            do {
                split = try PromptCodec.split(text, path: displayPath)
            } catch let error as FolioError {
                splitError = error
            } catch {}
            if let yaml = split?.frontmatter {
                do {
                    frontmatter = try YAMLParser(mode: .strict).parse(yaml).root
                } catch let error as YAMLError {
                    yamlError = error
                    frontmatter = try? YAMLParser(mode: .lenient).parse(yaml).root
                } catch {}
            }
            if kind == .prompt, split != nil, yamlError == nil, let id = id ?? (try? PromptID("unnamed")) {
                do {
                    prompt = try PromptCodec.decode(text, id: id, path: displayPath).prompt
                } catch let error as FolioError {
                    decodeError = error
                } catch {}
            }
            // Most files have no such comment: look for its bytes before splitting lines.
            for line in data.range(of: Self.disableMarker) == nil ? [] : text.split(separator: "\n") {
                guard let range = line.range(of: "folio-lint-disable:") else { continue }
                let rest = line[range.upperBound...].replacingOccurrences(of: "-->", with: "")
                for name in rest.split(separator: ",") {
                    let trimmed = name.trimmingCharacters(in: .whitespaces)
                    if !trimmed.isEmpty { disabled.insert(trimmed) }
                }
            }
        }
        self.split = split
        self.splitError = splitError
        self.frontmatter = frontmatter
        self.yamlError = yamlError
        self.prompt = prompt
        self.decodeError = decodeError
        self.scan = kind == .prompt ? split.map { TemplateScanner.scan($0.body) } : nil
        self.disabled = disabled
    }

    /// `templates/NAME.prompt.md`: a template `folio new --template NAME` reads (templates are one level deep).
    static func isTemplatePath(_ relativePath: String) -> Bool {
        relativePath.hasPrefix("templates/") && relativePath.hasSuffix(PromptID.fileSuffix)
            && !relativePath.dropFirst("templates/".count).contains("/")
    }

    /// Whether lint reads this library-relative path when it checks the whole library or what is staged: prompts,
    /// templates and contexts.
    static func isLinted(_ relativePath: String) -> Bool {
        switch LintFileKind.of(relativePath) {
        case .context?: return true
        case .prompt?: return relativePath.hasPrefix("prompts/") || isTemplatePath(relativePath)
        case nil: return false
        }
    }

    /// The file line of a body line.
    func fileLine(bodyLine: Int) -> Int { bodyLine + (split?.bodyLine ?? 1) - 1 }

    /// The file line of a frontmatter mark.
    func fileLine(_ mark: Mark) -> Int { mark.line + (split?.frontmatterLine ?? 1) - 1 }

    /// The frontmatter declaration of a variable, when there is one.
    func variableNode(_ name: String) -> Node? {
        frontmatter?["variables"]?.sequence?.first { $0.text == name || $0["name"]?.text == name }
    }
}

/// What rules may look up beyond the file: the library's other prompts and settings.
struct LintContext {
    let source: LintSource
    /// `lint.max_tokens` from folio.yaml.
    let maxTokens: Int?
    /// Ids declared with `id:` in the frontmatter of the files being linted, by file.
    let declaredIDs: [String: [String]]

    /// Another prompt of the library, parsed (nil when missing or unreadable).
    func prompt(_ id: PromptID) -> Prompt? {
        guard let data = source.data(id.relativePath) else { return nil }
        return try? PromptCodec.decode(data, id: id, path: id.relativePath).prompt
    }

    /// A prompt and everything it includes (each once), for rules that look through includes.
    func includeClosure(of prompt: Prompt) -> [Prompt] {
        var seen: Set<PromptID> = [prompt.id]
        var order = [prompt]
        var queue = [prompt]
        while let next = queue.popLast() {
            for name in TemplateScanner.scan(next.body).includes {
                guard let id = try? PromptID(name), !seen.contains(id), let included = self.prompt(id) else { continue }
                seen.insert(id)
                order.append(included)
                queue.append(included)
            }
        }
        return order
    }
}
