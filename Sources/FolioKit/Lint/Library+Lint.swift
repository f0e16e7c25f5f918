import Foundation
internal import Git

/// What lint found, and in which files.
public struct LintReport: Sendable, Equatable, Codable {
    public let findings: [LintFinding]
    /// The files checked, relative to the library.
    public let files: [String]

    public var errors: Int { findings.filter { $0.severity == .error }.count }
    public var warnings: Int { findings.filter { $0.severity == .warning }.count }
}

/// The rules, in the order docs list them.
public enum LintRules {
    static let all: [any LintRule] = [
        FileReadableRule(), YAMLSyntaxRule(), FrontmatterSchemaRule(), IDMatchesPathRule(), DuplicateIDRule(),
        UndeclaredVariableRule(), UnusedVariableRule(), RequiredWithDefaultRule(), InvalidDefaultRule(),
        MissingIncludeRule(), IncludeCycleRule(), TemplateSyntaxRule(), SecretDetectedRule(), TokenBudgetRule(),
        DeprecatedIncludeRule(), EmptyBodyRule(), WhitespaceRule(), ContextFormatRule(),
    ]

    /// Every rule's id, description, severity and examples.
    public static var infos: [LintRuleInfo] { all.map { type(of: $0).info } }
}

/// Work-tree files.
struct WorkTreeLintSource: LintSource {
    let root: String
    func data(_ relativePath: String) -> Data? { FileManager.default.contents(atPath: root + "/" + relativePath) }
    func exists(_ id: PromptID) -> Bool { FileManager.default.fileExists(atPath: root + "/" + id.relativePath) }
    var concurrent: Bool { true }
}

/// The work tree with one file's text replaced (a file lint is asked about before it is saved).
struct OverlaidLintSource: LintSource {
    let base: WorkTreeLintSource
    let path: String
    let data: Data
    func data(_ relativePath: String) -> Data? { relativePath == path ? data : base.data(relativePath) }
    func exists(_ id: PromptID) -> Bool { id.relativePath == path || base.exists(id) }
}

/// Staged files: what the git index holds at a path, read by folio's own index reader or by libgit2's.
struct StagedLintSource: LintSource {
    let repository: Repository
    let prefix: String
    /// The staged blob at a repository path.
    let blob: (String) -> OID?
    func data(_ relativePath: String) -> Data? { blob(prefix + relativePath).flatMap { try? repository.blob($0) } }
    func exists(_ id: PromptID) -> Bool { blob(prefix + id.relativePath) != nil }
}

/// Files of a commit.
struct CommitLintSource: LintSource {
    let repository: Repository
    let tree: OID
    let prefix: String
    func data(_ relativePath: String) -> Data? {
        guard let entry = try? repository.entry(at: prefix + relativePath, inTree: tree), entry.kind == .blob else { return nil }
        return try? repository.blob(entry.oid)
    }
    func exists(_ id: PromptID) -> Bool { (try? repository.entry(at: prefix + id.relativePath, inTree: tree)) != nil }
}

extension Library {
    /// Lint settings from folio.yaml: `lint: {max_tokens: N, rules: {rule-id: error|warning|off}}`.
    struct LintSettings {
        var maxTokens: Int?
        var severities: [String: LintSeverity] = [:]
        var off: Set<String> = []
    }

    func lintSettings() throws -> LintSettings {
        var settings = LintSettings()
        guard let lint = config["lint"] else { return settings }
        if case .int(let value)? = lint["max_tokens"] { settings.maxTokens = value }
        let known = Set(LintRules.infos.map(\.id))
        for entry in lint["rules"]?.entries ?? [] {
            guard known.contains(entry.key) else {
                throw FolioError(.invalidInput, "folio.yaml: lint.rules names an unknown rule '\(entry.key)'\(Suggestions.hint(for: entry.key, in: Array(known)))")
            }
            switch entry.value.scalarText {
            case "off", "false": settings.off.insert(entry.key)
            case "error": settings.severities[entry.key] = .error
            case "warning": settings.severities[entry.key] = .warning
            default:
                throw FolioError(.invalidInput, "folio.yaml: lint.rules.\(entry.key) must be error, warning or off")
            }
        }
        return settings
    }

    // MARK: - Entry points

    /// Lints prompt files of the work tree: all of them, or the given files and folders (relative to the current
    /// folder). A path that is not a library file gets a finding, not an error: lint never stops at a bad file.
    public func lint(paths: [String] = []) throws -> LintReport {
        var files: [(relative: String, display: String)] = []
        var outside: [LintFinding] = []
        // Prompts and contexts, each kind in path order; listed once, however many folders are named.
        var listed: [String]?
        func everyFile() -> [String] {
            if let listed { return listed }
            let all = WorkTreeScanner.scan(root: root).files.keys.sorted() + templateFiles()
                + WorkTreeScanner.contextFiles(root: root).keys.sorted()
            listed = all
            return all
        }
        if paths.isEmpty {
            files = everyFile().map { ($0, displayPath($0)) }
        } else {
            for path in paths {
                let full = Self.absolute(path, from: environment.currentDirectory)
                guard full == root || full.hasPrefix(root + "/") else {
                    outside.append(LintFinding(rule: FileReadableRule.info.id, severity: .error,
                                               message: "\(path) is outside the library at \(root)", path: path,
                                               relativePath: path, repositoryPath: path, line: 1, column: 1))
                    continue
                }
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: full, isDirectory: &isFolder) else {
                    outside.append(LintFinding(rule: FileReadableRule.info.id, severity: .error, message: "\(path) does not exist",
                                               path: path, relativePath: path, repositoryPath: path, line: 1, column: 1))
                    continue
                }
                let relative = full == root ? "" : String(full.dropFirst(root.count + 1))
                if isFolder.boolValue {
                    let under = everyFile().filter { relative.isEmpty || $0.hasPrefix(relative + "/") }
                    files += under.map { ($0, displayPath($0)) }
                } else {
                    files.append((relative, displayPath(relative)))
                }
            }
        }
        let source = WorkTreeLintSource(root: root)
        let loaded = files.map { (relative: $0.relative, display: $0.display, data: source.data($0.relative) ?? Data()) }
        let report = try lint(loaded, source: source)
        return LintReport(findings: outside + report.findings, files: report.files)
    }

    /// Lints `text` as if it were the file at `relativePath` (`prompts/a/b.prompt.md`, `templates/…`,
    /// `contexts/…`), without writing it: other files (includes, ids) are read from the work tree, where this one
    /// reads as `text`. For an editor checking a file before it is saved.
    public func lint(text: String, at relativePath: String) throws -> LintReport {
        let relative = relativePath.hasPrefix("./") ? String(relativePath.dropFirst(2)) : relativePath
        guard !relative.hasPrefix("/"), !relative.split(separator: "/").contains(".."), LintFile.isLinted(relative) else {
            throw FolioError(.invalidInput, "'\(relativePath)' is not a path lint checks: give a library-relative path like prompts/ID.prompt.md, templates/NAME.prompt.md or contexts/ID.context.md")
        }
        let data = Data(text.utf8)
        return try lint([(relative, displayPath(relative), data)], source: OverlaidLintSource(base: WorkTreeLintSource(root: root), path: relative, data: data))
    }

    /// The folders lint reads, below the library root.
    static let lintedFolders = ["prompts", "templates", ContextFile.folder]

    /// The library's starter templates, `templates/NAME.prompt.md` (hidden files skipped), sorted.
    func templateFiles() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/templates")) ?? []
        return names.filter { !$0.hasPrefix(".") && $0.hasSuffix(PromptID.fileSuffix) }.map { "templates/" + $0 }
            .filter { var folder: ObjCBool = false
                      return FileManager.default.fileExists(atPath: root + "/" + $0, isDirectory: &folder) && !folder.boolValue }
            .sorted()
    }

    /// Lints what the next commit would contain: the prompt files staged in the git index that differ from HEAD.
    /// In a git hook, that is the index git names in GIT_INDEX_FILE (`git commit -a` commits a temporary one).
    public func lintStaged() throws -> LintReport {
        let repository = try requireRepository()
        let prefix = repositoryPrefix(in: repository)
        var indexPath = (repository.gitDir as NSString).appendingPathComponent("index")
        if let file = environment.variables["GIT_INDEX_FILE"], !file.isEmpty {
            indexPath = Self.absolute(file, from: environment.currentDirectory)
        }
        let headTree = try gitCall { try repository.head().commit.map { try repository.commit($0).tree } }
        // folio's own reader handles ordinary indexes; libgit2 gets a chance at anything it declines.
        let staged: IndexFile
        do throws(IndexFile.Declined) {
            staged = try IndexFile.read(indexPath)
        } catch let declined {
            let index: Index
            do {
                index = try repository.index(file: indexPath)
            } catch {
                throw FolioError(.git, "cannot read the git index \(indexPath): \(declined.description)")
            }
            let stagedTree = try gitCall("read the staged tree") { try index.writeTree() }
            let deltas = try gitCall("compare the index with HEAD") {
                try Self.lintedFolders.flatMap { try repository.changedFiles(from: headTree, to: stagedTree, under: prefix + $0) }
            }
            let changes = deltas.compactMap { delta in delta.newPath.flatMap { path in delta.newBlob.map { (path, $0) } } }
            return try lint(try stagedFiles(changes, prefix: prefix, repository: repository),
                            source: StagedLintSource(repository: repository, prefix: prefix) { index.entry(at: $0)?.oid })
        }
        let changes = try gitCall("compare the index with HEAD") {
            try Self.lintedFolders.flatMap { try repository.stagedChanges(staged, against: headTree, under: prefix + $0) }
        }
        let files = try stagedFiles(changes.map { ($0.path, $0.oid) }, prefix: prefix, repository: repository)
        return try lint(files, source: StagedLintSource(repository: repository, prefix: prefix) { staged.entry(at: $0)?.oid })
    }

    private func stagedFiles(_ changes: [(path: String, blob: OID)], prefix: String,
                             repository: Repository) throws -> [(relative: String, display: String, data: Data)] {
        try changes.filter { LintFile.isLinted(String($0.path.dropFirst(prefix.count))) }.map { change in
            let relative = String(change.path.dropFirst(prefix.count))
            return (relative, displayPath(relative), try gitCall { try repository.blob(change.blob) })
        }
    }

    /// Lints the prompt files a commit changed, reading everything from that commit (for reviews).
    func lint(changed relativePaths: [String], atCommit commit: OID) throws -> LintReport {
        let repository = try requireRepository()
        let tree = try gitCall { try repository.commit(commit).tree }
        let source = CommitLintSource(repository: repository, tree: tree, prefix: repositoryPrefix(in: repository))
        let files = relativePaths.compactMap { path in source.data(path).map { (relative: path, display: path, data: $0) } }
        return try lint(files, source: source)
    }

    // MARK: - Running the rules

    func lint(_ files: [(relative: String, display: String, data: Data)], source: LintSource) throws -> LintReport {
        let settings = try lintSettings()
        let rules = LintRules.all.filter { !settings.off.contains(type(of: $0).info.id) }
        let prefix = try repository.map { repositoryPrefix(in: $0) } ?? ""
        let parsed = files.map { LintFile(relativePath: $0.relative, displayPath: $0.display, repositoryPrefix: prefix, data: $0.data) }
        var declared: [String: [String]] = [:]
        for file in parsed where !file.isTemplate { if let id = file.frontmatter?["id"]?.text { declared[file.relativePath] = [id] } }
        let context = LintContext(source: source, maxTokens: settings.maxTokens, declaredIDs: declared)

        // Files are checked on all cores when the source allows it; each writes only its own slot.
        final class Work: @unchecked Sendable {
            var findings: [[LintFinding]]
            let run: (Int) -> [LintFinding]
            init(_ count: Int, _ run: @escaping (Int) -> [LintFinding]) {
                findings = Array(repeating: [], count: count)
                self.run = run
            }
        }
        let work = Work(parsed.count) { index in
            let file = parsed[index]
            var found: [LintFinding] = []
            for rule in rules {
                let info = type(of: rule).info
                if file.disabled.contains(info.id) || !info.kinds.contains(file.kind) { continue }
                // A file that cannot be read is reported once; the other rules have nothing to look at.
                if file.text == nil, info.id != FileReadableRule.info.id { continue }
                var collector = FindingCollector(rule: info.id, severity: info.severity, configured: settings.severities[info.id], file: file)
                rule.check(file, context, &collector)
                found += collector.findings
            }
            return found.sorted { ($0.line, $0.column, $0.rule) < ($1.line, $1.column, $1.rule) }
        }
        if parsed.count > 64, source.concurrent {
            DispatchQueue.concurrentPerform(iterations: parsed.count) { index in work.findings[index] = work.run(index) }
        } else {
            for index in parsed.indices { work.findings[index] = work.run(index) }
        }
        return LintReport(findings: work.findings.flatMap { $0 }, files: parsed.map(\.relativePath))
    }
}
