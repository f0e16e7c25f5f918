import Foundation
internal import Git

/// A folio library: a folder with `folio.yaml`, its prompts under `prompts/`, in a git repository of its own
/// or inside a code repository.
public final class Library {
    /// The library's folder (absolute).
    public let root: String
    public let config: LibraryConfig
    let environment: FolioEnvironment

    /// Lets writes commit what lint's secret scanner flags (`--allow-secret`); the findings are still reported.
    public var allowSecrets = false
    /// A person's words for the commits made while it is set (the HTTP API's `message`): the commit message's body,
    /// below folio's own line, which stays as it is. Set it with `noting(_:_:)`.
    public internal(set) var commitNote: String?
    /// Things the library did on its own that a person should hear about (an interrupted write undone at open).
    public internal(set) var notices: [String] = []

    private var openedRepository: Repository??
    private var openedIndex: PromptIndex?
    var openedEvents: EventStore?

    init(root: String, config: LibraryConfig, environment: FolioEnvironment, repository: Repository? = nil) {
        self.root = root
        self.config = config
        self.environment = environment
        if let repository { openedRepository = .some(repository) }
    }

    // MARK: - Finding a library

    /// Opens the library at `explicitPath` (from `--library` or `FOLIO_LIBRARY`), or else the one that contains the
    /// current folder, or else the single library tracked in the enclosing git repository.
    /// The same library with its environment changed (a server adding its observers), opened anew: nothing is shared
    /// with this one.
    public func with(_ change: (inout FolioEnvironment) -> Void) -> Library {
        var changed = environment
        change(&changed)
        return Library(root: root, config: config, environment: changed)
    }

    public static func open(explicitPath: String?, environment: FolioEnvironment) throws -> Library {
        let fm = FileManager.default
        if let explicitPath {
            let folder = absolute(explicitPath, from: environment.currentDirectory)
            guard fm.fileExists(atPath: folder + "/" + LibraryConfig.fileName) else {
                throw FolioError(.notFound, "no folio library at \(folder) (it has no \(LibraryConfig.fileName)); create one with: folio init \(explicitPath)")
            }
            return try load(root: folder, environment: environment)
        }
        var folder = absolute(environment.currentDirectory, from: "/")
        while true {
            if fm.fileExists(atPath: folder + "/" + LibraryConfig.fileName) {
                return try load(root: folder, environment: environment)
            }
            let parent = (folder as NSString).deletingLastPathComponent
            if parent == folder || parent.isEmpty { break }
            folder = parent
        }
        // From the top of a code repository, a library in a subfolder is found through the git index.
        let enclosing: Repository?
        do {
            enclosing = try Repository.discover(from: environment.currentDirectory)
        } catch let error as GitError where error.code == .dubiousOwnership {
            throw FolioError.git(error)
        } catch {
            enclosing = nil
        }
        if let repository = enclosing, let workdir = repository.workdir,
           let index = try? repository.index() {
            let configs = index.entries.map(\.path).filter {
                $0 == LibraryConfig.fileName || $0.hasSuffix("/" + LibraryConfig.fileName)
            }
            let folders = configs.map { workdir + "/" + $0.dropLast(LibraryConfig.fileName.count + 1) }
                .filter { fm.fileExists(atPath: $0 + "/" + LibraryConfig.fileName) }
            if folders.count == 1 {
                return try load(root: folders[0], environment: environment, repository: repository)
            }
            if folders.count > 1 {
                throw FolioError(.notFound, "this repository holds several folio libraries; choose one with --library PATH or FOLIO_LIBRARY:\n"
                    + folders.map { "  \($0)" }.joined(separator: "\n"))
            }
        }
        throw FolioError(.notFound, "not inside a folio library (no \(LibraryConfig.fileName) in \(environment.currentDirectory) or any parent folder); create one here with: folio init (or pass --library PATH)")
    }

    static func load(root: String, environment: FolioEnvironment, repository: Repository? = nil) throws -> Library {
        let path = root + "/" + LibraryConfig.fileName
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FolioError(.notFound, "cannot read \(path)")
        }
        let config = try LibraryConfig.decode(String(decoding: data, as: UTF8.self), path: path)
        let library = Library(root: root, config: config, environment: environment, repository: repository)
        library.recoverAtOpen()
        return library
    }

    static func absolute(_ path: String, from base: String) -> String {
        let joined = path.hasPrefix("/") ? path : base + "/" + path
        return URL(fileURLWithPath: joined).standardizedFileURL.resolvingSymlinksInPath().path
    }

    // MARK: - Git

    /// The repository the library lives in, if any.
    var repository: Repository? {
        get throws {
            if let opened = openedRepository { return opened }
            let found = try gitCall("open the library's repository") { try Repository.discover(from: root) }
            openedRepository = .some(found)
            return found
        }
    }

    /// The repository, or an error that says how to get one.
    func requireRepository() throws -> Repository {
        guard let repository = try repository, repository.workdir != nil else {
            throw FolioError(.git, "the library at \(root) is not in a git repository; run `git init` there (or `folio init` in an empty folder), or pass --no-commit")
        }
        return repository
    }

    /// The library's folder relative to the repository's work tree, with a trailing `/` ("" at the top).
    func repositoryPrefix(in repository: Repository) -> String {
        guard let workdir = repository.workdir, root.hasPrefix(workdir + "/") else { return "" }
        return String(root.dropFirst(workdir.count + 1)) + "/"
    }

    /// `path` (relative to the library) as a path relative to the repository's work tree.
    func repositoryPath(_ path: String, in repository: Repository) -> String {
        repositoryPrefix(in: repository) + path
    }

    // MARK: - The sidecar

    /// The library's search index (in the git directory), opened on first use.
    public func index() throws -> PromptIndex {
        if let openedIndex { return openedIndex }
        guard let repository = try repository, repository.workdir != nil else {
            throw FolioError(.git, "the search index lives in the git repository, and the library at \(root) is not in one; run `git init` there")
        }
        let index = PromptIndex(library: self, repository: repository)
        openedIndex = index
        return index
    }

    // MARK: - Reading prompts

    /// The absolute path of a prompt's file.
    public func path(of id: PromptID) -> String { root + "/" + id.relativePath }

    /// The path to show a person: relative to the current folder when inside it.
    public func displayPath(of id: PromptID) -> String { displayPath(id.relativePath) }

    func displayPath(_ relative: String) -> String { displayPath(absolute: root + "/" + relative) }

    /// An absolute path as a person names it: relative to the current folder when inside it.
    func displayPath(absolute path: String) -> String {
        let cwd = environment.currentDirectory.hasSuffix("/") ? environment.currentDirectory : environment.currentDirectory + "/"
        return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
    }

    /// Ids of every prompt file in the work tree, sorted.
    public func promptIDs() throws -> [PromptID] {
        let folder = root + "/prompts"
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
        var ids: [PromptID] = []
        while let relative = enumerator.nextObject() as? String {
            // Hidden files and folders (.gitkeep, .drafts/) are not prompts.
            if (relative as NSString).lastPathComponent.hasPrefix(".") {
                enumerator.skipDescendants()
                continue
            }
            if let id = PromptID.fromRelativePath("prompts/" + relative) { ids.append(id) }
        }
        return ids.sorted()
    }

    /// Whether a prompt file exists in the work tree.
    public func exists(_ id: PromptID) -> Bool {
        FileManager.default.fileExists(atPath: path(of: id))
    }

    /// A prompt from the work tree, parsed strictly.
    public func document(_ id: PromptID) throws -> PromptDocument {
        guard let data = FileManager.default.contents(atPath: path(of: id)) else {
            throw notFound(id)
        }
        return try PromptCodec.decode(data, id: id, path: displayPath(of: id))
    }

    /// The prompt file's bytes, as they are on disk.
    public func rawFile(_ id: PromptID) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path(of: id)) else { throw notFound(id) }
        return data
    }

    func notFound(_ id: PromptID, orHistory: Bool = false) -> FolioError {
        return FolioError(.notFound, "no prompt '\(id)' in \(root)/prompts\(orHistory ? " or this branch's history" : "")"
                          + "\(Suggestions.hint(for: id.rawValue, in: idsForHints())); see `folio list`")
    }

    /// The prompt ids a "did you mean" hint chooses from: the index's (one query, not a walk of every file), or the
    /// files' when there is no index (a library outside git).
    func idsForHints() -> [String] {
        if let ids = try? index().ids() { return ids }
        return ((try? promptIDs()) ?? []).map(\.rawValue)
    }

    /// Throws not found, with the closest ids, unless `id` names a prompt: a file in the work tree, or one with
    /// versions on this branch (a removed prompt's too). Every command that takes an id and could otherwise
    /// answer "nothing" (no versions, no labels, no changes) asks this first.
    public func requireKnown(_ id: PromptID) throws {
        if exists(id) { return }
        if let repository = try repository, repository.workdir != nil, try !index().versions(ofPath: id.relativePath).isEmpty { return }
        throw notFound(id, orHistory: true)
    }

    /// Filters for `list`: every given filter must match.
    public struct Filter: Sendable {
        public var tags: [String] = []
        public var category: String?
        public var status: PromptStatus?

        public init(tags: [String] = [], category: String? = nil, status: PromptStatus? = nil) {
            self.tags = tags
            self.category = category
            self.status = status
        }

        func matches(_ prompt: Prompt) -> Bool {
            if !tags.allSatisfy({ prompt.tags.contains($0) }) { return false }
            if let category, prompt.category != category { return false }
            if let status, prompt.effectiveStatus != status { return false }
            return true
        }

        var isEmpty: Bool { tags.isEmpty && category == nil && status == nil }
    }

    /// Every prompt that matches the filter, by id, from the search index (refreshed first); files that
    /// cannot be read are listed with their error when there is no filter, so one broken file does not hide.
    /// Without a git repository there is no index, and the files are read.
    public func list(_ filter: Filter = Filter()) throws -> [IndexEntry] {
        if let repository = try? repository, repository.workdir != nil {
            return try index().entries(SearchQuery(tags: filter.tags, category: filter.category, status: filter.status,
                                                   limit: Int.max))
        }
        return try promptIDs().compactMap { id in
            let data = try rawFile(id)
            let row = IndexRow(path: id.relativePath, data: data, blob: try gitCall { try Repository.blobID(of: data) },
                               stamp: FileStamp(modified: 0, size: 0, inode: 0, changed: 0))
            if let prompt = row.prompt { return filter.matches(prompt) ? IndexEntry(row) : nil }
            return filter.isEmpty ? IndexEntry(row) : nil
        }
    }

    // MARK: - Rendering

    /// Renders a prompt from the work tree with the given variables.
    /// A number that grows whenever a prompt or context file is added, removed or edited (for watchers): the
    /// index's count of refreshes that changed something, after a refresh.
    public func changeStamp() throws -> Int {
        try index().generation()
    }

    public func render(_ id: PromptID, inputs: [String: VariableInput] = [:], allowExtra: Bool = false) throws -> Rendering {
        try renderer.render(try document(id), inputs: inputs, allowExtra: allowExtra)
    }

    /// The ids a prompt includes, directly or not.
    public func includes(of id: PromptID) throws -> [PromptID] {
        try renderer.includeClosure(of: try document(id)).dropFirst().map(\.prompt.id)
    }

    /// A renderer that reads includes from the work tree.
    private var renderer: Renderer {
        Renderer(load: { [self] included in exists(included) ? try document(included) : nil },
                 displayPath: { [self] in displayPath(of: $0) })
    }
}
