import Foundation
internal import Git

/// Where to take a session from.
public struct SessionSource: Sendable {
    public var tool: Session.Tool?
    public var sessionID: String?
    public var file: String?
    /// Text given on standard input (a pasted transcript).
    public var text: String?
    /// A session file's bytes, sent rather than found on this machine (uploaded to `folio serve`), read by the
    /// importer of `tool`, or of the tool `fileName` and the bytes show.
    public var upload: Data?
    /// The uploaded file's name as its tool wrote it (`rollout-….jsonl`, `session-….json`), which helps to tell
    /// the tool; only its last component is used.
    public var fileName: String?
    /// For a history that holds every run (aider's): only its last run, as a session of its own.
    public var latestRun = false

    public init(tool: Session.Tool? = nil, sessionID: String? = nil, file: String? = nil, text: String? = nil) {
        self.tool = tool
        self.sessionID = sessionID
        self.file = file
        self.text = text
    }
}

public struct ContextSaveOptions: Sendable {
    public var title: String?
    public var tags: [String] = []
    public var redact = true
    public var commit = true
    public var cuts = ContextFile.Cuts.default

    public init(title: String? = nil, tags: [String] = [], redact: Bool = true, commit: Bool = true, cuts: ContextFile.Cuts = .default) {
        self.cuts = cuts
        self.title = title
        self.tags = tags
        self.redact = redact
        self.commit = commit
    }
}

/// What an agent hands over to be kept as a context (the MCP tool `save_context`).
public struct ContextHandOver: Sendable {
    public var title: String
    public var summary: String?
    public var openTasks: [String]
    public var files: [String]
    public var transcript: String
    /// Who handed it over (the MCP client's name), for the record.
    public var source: String

    public init(title: String, summary: String? = nil, openTasks: [String] = [], files: [String] = [], transcript: String, source: String) {
        self.title = title
        self.summary = summary
        self.openTasks = openTasks
        self.files = files
        self.transcript = transcript
        self.source = source
    }
}

public struct ContextSaveOutcome: Sendable {
    public let context: ContextFile
    public let change: ChangeOutcome
    /// True when the session was saved before and its context was updated (or found up to date: then
    /// `change.changed` is false).
    public let updated: Bool
    /// The session file read.
    public let sourcePath: String
    /// What redaction replaced (`2 × AWS access key`); empty when nothing was found or redaction was off.
    public let redactions: [String]
    public let bytesRead: Int
    public let bytesWritten: Int
    /// The messages its context held before this save, when the session was saved before.
    public var previousMessages: Int? = nil
}

/// One line of `folio context list`.
public struct ContextSummary: Sendable, Equatable, Codable {
    public let id: String
    public let title: String
    public let tool: String
    public let created: String?
    public let messages: Int
    public let path: String
}

extension Library {
    /// The user's home folder: where the tools keep sessions, and what redaction turns into `~`.
    var home: String { environment.variables["HOME"] ?? NSHomeDirectory() }

    // MARK: - Finding sessions

    /// The session file to import: given, or the newest of the named tool (or of every tool) for this repository.
    public func locateSession(_ source: SessionSource) throws -> (tool: Session.Tool, path: String) {
        if let file = source.file {
            let path = Self.absolute(file, from: environment.currentDirectory)
            guard FileManager.default.fileExists(atPath: CursorImporter.split(path).database) else {
                throw FolioError(.notFound, "no session file at \(displayPath(absolute: path))")
            }
            return (source.tool ?? SessionImporters.detect(path), path)
        }
        let tools = source.tool.map { [$0] } ?? Self.repositoryTools
        var candidates: [(tool: Session.Tool, path: String, modified: Date)] = []
        for tool in tools {
            if tool == .cursor || tool == .cursorAgent {  // chats inside databases, named by id or name: Library+Cursor.swift
                candidates += cursorChats(of: tool, named: source.sessionID).map { (tool, $0.path, $0.modified) }
                continue
            }
            for path in sessionFiles(of: tool) {
                if let id = source.sessionID, !(path as NSString).lastPathComponent.contains(id) { continue }
                let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date ?? .distantPast
                candidates.append((tool, path, modified))
            }
        }
        // Newest first; a session folio restored that nobody continued is a copy of a context, not the latest
        // session (unless asked for by id).
        var skipped = 0
        for candidate in candidates.sorted(by: { $0.modified > $1.modified }) {
            if source.sessionID == nil, SessionImporters.importer(for: candidate.tool).isUnchangedRestore(candidate.path) {
                skipped += 1
                continue
            }
            return (candidate.tool, candidate.path)
        }
        // Cursor's database is where its chats are: when it cannot be read, that is why none was found.
        var damaged = ""
        if tools.contains(.cursor), case let database = CursorStorage(user: cursorUserFolder).globalDatabase,
           FileManager.default.fileExists(atPath: database) {
            do { _ = try CursorImporter.open(database) } catch let error as FolioError {
                if source.tool == .cursor { throw error }
                damaged = "; Cursor's chats were not looked at: " + error.message
            }
        }
        let names = tools.map(\.displayName)
        let which = source.tool.map { "\($0.rawValue) session" }
            ?? "session of " + (names.count > 1 ? names.dropLast().joined(separator: ", ") + " or " + names.last! : names.joined())
        let named = source.sessionID.map { " with id \($0)" } ?? ""
        let copies = skipped == 0 ? "" : " (only \(skipped) folio restored from a context and nobody continued)"
        let hint = source.tool == nil ? "name a file with --file PATH, or pick the tool with --from" : "name a file with --file PATH"
        throw FolioError(.notFound, "no \(which)\(named) found for \(projectFolder)\(copies); \(hint)" + damaged)
    }

    /// The tools whose sessions of this repository folio finds by itself (`save` with no `--from`, `watch`).
    public static let repositoryTools: [Session.Tool] = [.claudeCode, .codex, .gemini, .aider, .copilot, .cursor, .cursorAgent]

    /// The folder sessions are looked up for: the repository's root, or the library's.
    public var projectFolder: String {
        ((try? repository)??.workdir).map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? root
    }

    /// Session files of one tool that belong to this repository (its root or a folder inside it). With
    /// `changedAfter`, files last changed before it may be left out (those that take reading to place).
    func sessionFiles(of tool: Session.Tool, changedAfter: Date? = nil) -> [String] {
        let fm = FileManager.default
        let home = self.home
        let project = projectFolder
        func files(in folder: String, where keep: (String) -> Bool) -> [String] {
            ((try? fm.contentsOfDirectory(atPath: folder)) ?? []).filter(keep).sorted().map { folder + "/" + $0 }
        }
        switch tool {
        case .claudeCode:
            let base = environment.variables["CLAUDE_CONFIG_DIR"] ?? home + "/.claude"
            let encoded = ClaudeCodeImporter.encodedFolder(project)
            let projects = base + "/projects"
            // The folder's name is a prefix of the names of the folders inside the repository (`-x-repo-Sources`),
            // and of its siblings' too (`-x-repo-old`): the session's own working folder says which it is.
            return files(in: projects) { $0 == encoded || $0.hasPrefix(encoded + "-") }.flatMap { folder in
                let exact = (folder as NSString).lastPathComponent == encoded
                return files(in: folder) { $0.hasSuffix(".jsonl") && !$0.hasPrefix("agent-") }.filter { path in
                    if let changedAfter, let modified = Self.modificationDate(path), modified <= changedAfter { return false }
                    guard let cwd = ClaudeCodeImporter.workingFolder(ofFile: path) else { return exact }
                    return isInProject(cwd)
                }
            }
        case .codex:
            let base = (environment.variables["CODEX_HOME"] ?? home + "/.codex") + "/sessions"
            guard let walker = fm.enumerator(atPath: base) else { return [] }
            var found: [String] = []
            while let relative = walker.nextObject() as? String {
                guard relative.hasSuffix(".jsonl"), (relative as NSString).lastPathComponent.hasPrefix("rollout-") else { continue }
                let path = base + "/" + relative
                if let changedAfter, let modified = Self.modificationDate(path), modified <= changedAfter { continue }
                // The first line says where the session ran.
                if let first = try? LineReader(path: path).first(where: { !$0.isEmpty }), let record = JSON.object(first),
                   let cwd = ((record["payload"] as? JSONObject) ?? record)["cwd"] as? String,
                   cwd == project || cwd.hasPrefix(project + "/") {
                    found.append(path)
                }
            }
            return found
        case .gemini:
            let gemini = GeminiImporter.folder(variables: environment.variables, home: home)
            let folders = [project, environment.currentDirectory].flatMap { GeminiImporter.chatFolders(project: $0, gemini: gemini) }
            return folders.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }.flatMap { folder in
                files(in: folder) { $0.hasPrefix("session-") && ($0.hasSuffix(".json") || $0.hasSuffix(".jsonl")) }
            }
        case .aider:
            return [project, environment.currentDirectory].map { $0 + "/.aider.chat.history.md" }.filter { fm.fileExists(atPath: $0) }
        case .cline, .roo:
            let extensionID = tool == .cline ? "saoudrizwan.claude-dev" : "rooveterinaryinc.roo-cline"
            let tasks = home + "/.config/Code/User/globalStorage/\(extensionID)/tasks"
            return files(in: tasks) { _ in true }.filter { fm.fileExists(atPath: $0 + "/api_conversation_history.json") }
        case .copilot:
            return CopilotImporter.sessionFiles(for: Array(Set([project, environment.currentDirectory])), variables: environment.variables, home: home)
        case .specstory:
            return Array(Set([project, environment.currentDirectory])).sorted().flatMap { files(in: $0 + "/.specstory/history") { $0.hasSuffix(".md") } }
        case .markdown, .cursor, .cursorAgent:
            return []
        }
    }

    /// Reads a session, from a file or from text.
    public func readSession(_ source: SessionSource) throws -> (session: Session, path: String, bytes: Int) {
        if let upload = source.upload { return try readUploadedSession(upload, name: source.fileName, tool: source.tool) }
        if let text = source.text {
            return (MarkdownImporter.parse(text), "standard input", text.utf8.count)
        }
        var (tool, path) = try locateSession(source)
        // A Cursor database named on its own: the chat taken is the one named as the source (and its rows what is read).
        if tool == .cursor, CursorImporter.split(path).composer == nil {
            path = CursorImporter.location(database: path, composer: try CursorImporter.newestChat(in: CursorImporter.open(path)))
        }
        let bytes = (tool == .cursor ? CursorImporter.size(path) : nil) ?? ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
        var session = tool == .aider && source.latestRun ? try AiderImporter.readLatestRun(path) : try SessionImporters.importer(for: tool).read(path)
        if tool == .roo { session.tool = .roo }
        return (session, path, bytes)
    }

    /// Tools whose sessions are one file that can be sent: not Cursor's or cursor-agent's (databases on the
    /// machine that ran them).
    public static let uploadableTools: [Session.Tool] = Session.Tool.allCases.filter { $0 != .cursor && $0 != .cursorAgent }

    /// Reads a session file's bytes with its tool's importer: written to a private temporary folder under its own
    /// name (importers read files, and the name helps tell the tool), read, and deleted. Errors name the upload,
    /// never the temporary file.
    private func readUploadedSession(_ data: Data, name: String?, tool: Session.Tool?) throws -> (session: Session, path: String, bytes: Int) {
        let fileName = (name.map { ($0 as NSString).lastPathComponent } ?? "").filter { $0 != "\0" }
        let shownName = fileName.isEmpty ? "the uploaded session" : "uploaded \(fileName)"
        if let tool, !Self.uploadableTools.contains(tool) {
            throw FolioError(.invalidInput, "\(tool.rawValue) sessions live in a database on the machine that ran them and cannot be uploaded; save them there with: folio context save --from \(tool.rawValue)")
        }
        guard !data.isEmpty else { throw FolioError(.invalidInput, "\(shownName) is empty") }
        let folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("folio-upload-" + UUID().uuidString)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/" + (fileName.isEmpty || fileName == "." || fileName == ".." ? "session" : fileName)
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw FolioError(.io, "cannot write a temporary file for \(shownName) in \(NSTemporaryDirectory())")
        }
        let chosen = tool ?? SessionImporters.detect(path)
        guard Self.uploadableTools.contains(chosen) else {
            throw FolioError(.invalidInput, "\(shownName) looks like a \(chosen.rawValue) database, which cannot be uploaded; save it on the machine that ran it with: folio context save --from \(chosen.rawValue)")
        }
        do {
            var session = try SessionImporters.importer(for: chosen).read(path)
            if chosen == .roo { session.tool = .roo }
            return (session, shownName, data.count)
        } catch let error as FolioError {
            let message = error.message.replacingOccurrences(of: path, with: shownName).replacingOccurrences(of: folder, with: shownName)
            throw FolioError(error.kind, message)
        }
    }

    // MARK: - Saving

    public func saveContext(from source: SessionSource, options: ContextSaveOptions) throws -> ContextSaveOutcome {
        let (read, path, bytes) = try readSession(source)
        return try save(consume read, path: path, bytes: bytes, options: options)
    }

    /// Saves what an agent hands over (through MCP): a title, a summary, open tasks, files, and the transcript
    /// as text (speaker markers split it into turns, as for a pasted transcript). Redacted and committed like
    /// any context.
    public func saveContext(handedOver handOver: ContextHandOver, options: ContextSaveOptions) throws -> ContextSaveOutcome {
        guard !handOver.title.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw FolioError(.invalidInput, "a context needs a title")
        }
        var session = MarkdownImporter.parse(handOver.transcript)
        session.tool = .markdown
        session.title = handOver.title
        var summary = handOver.summary ?? ""
        if !handOver.openTasks.isEmpty { summary += (summary.isEmpty ? "" : "\n\n") + "Open tasks:\n" + handOver.openTasks.map { "- \($0)" }.joined(separator: "\n") }
        if !handOver.files.isEmpty { summary += (summary.isEmpty ? "" : "\n\n") + "Files:\n" + handOver.files.map { "- \($0)" }.joined(separator: "\n") }
        session.summary = summary.isEmpty ? nil : summary
        session.created = environment.now()
        session.updated = session.created
        var options = options
        options.title = handOver.title
        return try save(session, path: "(handed over by \(handOver.source))", bytes: handOver.transcript.utf8.count, options: options)
    }

    /// `read` is the whole session as its tool wrote it; once the summary is read from it and the cuts are made,
    /// it is let go, so that a 50 MB session is not held while its context is rendered and committed.
    private func save(_ read: consuming Session, path: String, bytes: Int, options: ContextSaveOptions) throws -> ContextSaveOutcome {
        // A session with usage records and no messages (some tools write those) is still saved: its models and
        // token counts are worth keeping.
        guard !read.turns.isEmpty || !read.models.isEmpty || read.inputTokens > 0 || read.summary != nil else {
            throw FolioError(.invalidInput, "\(path) holds no conversation folio can read (no messages, models or token counts); is it a session file of \(read.tool.rawValue)?")
        }
        let folder = read.workingFolder.flatMap { relativeFolder($0) }
        var redactor = Redactor(home: home, enabled: options.redact)
        let found = SessionActivity(read.allToolCalls)
        // A session whose tool wrote no summary gets folio's, read from the whole session (before any cut).
        let summary = SessionSummarizer.needsSummary(read) ? SessionSummarizer.summary(of: read, activity: found) : nil
        let activity = redactor.redact(found)
        var session = read.kept(options.cuts, redactor: &redactor)
        _ = consume read
        Memory.returnFreed()
        // The summary repeats the session's words: its secrets are redacted too, but not counted again.
        if let summary {
            var again = redactor
            session.summary = again.redact(summary)
        }
        // A session saved before is updated in place: its id stays, and so do the title and tags someone may
        // have edited, unless new ones are given (the cut session has the same tool and session id).
        let existing = try savedContext(of: session)
        let title = options.title ?? existing?.context.title ?? ContextNaming.title(of: session)
        let id = try existing?.id ?? uniqueContextID(for: title, date: session.created ?? environment.now())
        var context = ContextFile(id: id, title: title, session: session, folder: folder, activity: activity)
        context.tags = options.tags.isEmpty ? existing?.context.tags ?? [] : options.tags
        // What folio wrote last for this context, before anyone edited it: the base hand edits are kept against.
        let generated = existing.flatMap { generatedBase(of: $0.id, workTree: Data($0.text.utf8)) }
        if let existing {
            // Nothing new since the last save: nothing to write (the repository's state alone is no news). The base
            // is what the work-tree file derives from, so a file that lost folio's last write is not up to date.
            context.git = existing.context.git
            if Data(context.render().utf8) == (generated ?? Data(existing.text.utf8)) {
                return ContextSaveOutcome(context: context, change: ChangeOutcome(message: "folio: update context \(id)", commit: nil, paths: [],
                                                                                  changed: false, warnings: []),
                                          updated: true, sourcePath: path, redactions: redactor.report, bytesRead: bytes, bytesWritten: 0,
                                          previousMessages: existing.context.session.messageCount)
            }
        }
        context.git = gitState()
        let text = context.render()
        var kept: [String] = []
        var written = Data(text.utf8)
        var change: ChangeOutcome
        do {
            change = try apply(message: "folio: \(existing == nil ? "save" : "update") context \(id)", commit: options.commit) { current in
                written = Data(text.utf8)
                guard existing != nil, let now = try current.data(context.relativePath) else {
                    return [LibraryChange(path: context.relativePath, contents: Data(text.utf8), base: existing == nil ? .absent : .unchecked)]
                }
                let base = generated ?? existing.map { Data($0.text.utf8) }
                guard let base, now != base else { return [LibraryChange(path: context.relativePath, contents: Data(text.utf8))] }
                // Someone edited the context since folio wrote it: the session's new content is merged with those
                // edits, and where both changed the same lines, the edits win.
                let merged = try Self.merge(base: base, ours: Data(text.utf8), theirs: now)
                guard let merged else { return [LibraryChange(path: context.relativePath, contents: Data(text.utf8))] }
                let resolved = Self.keepingEdits(merged.text)
                written = Data(resolved.text.utf8)
                kept = ["\(displayPath(context.relativePath)) had edits made after folio last wrote it; they were kept"
                        + (resolved.places > 0 ? " (in \(Wording.count(resolved.places, "place")) where the session's new text changed the same lines, both are there: look them over)" : "")]
                return [LibraryChange(path: context.relativePath, contents: Data(resolved.text.utf8))]
            }
        } catch let error as FolioError where !options.redact && error.message.contains("[\(SecretDetectedRule.info.id)]") {
            throw FolioError(error.kind, error.message + "\nthe session was read with --no-redact: save it without --no-redact to have the secrets replaced")
        }
        change.warnings = kept + change.warnings
        if change.changed { recordGeneratedText(text, of: id, written: written, committed: change.commit != nil) }
        return ContextSaveOutcome(context: context, change: change, updated: existing != nil, sourcePath: path, redactions: redactor.report,
                                  bytesRead: bytes, bytesWritten: text.utf8.count, previousMessages: existing?.context.session.messageCount)
    }

    // MARK: - What folio generated

    /// Where folio keeps the text it generated for a context last (in the git directory, never committed).
    private func generatedTextPath(of id: String) -> String? {
        guard let repository = try? repository else { return nil }
        return repository.gitDir + "/folio/generated/" + id.replacingOccurrences(of: "/", with: "__") + ContextFile.suffix
    }

    /// Records what folio generated for a context (`text`) and what it wrote in the work tree (`written`: the same,
    /// or merged with hand edits). A write left uncommitted (`--no-commit`) is recorded beside it, with what folio
    /// generated for its last committed save, so that once the write is thrown away (`git checkout`) that is the base
    /// again.
    private func recordGeneratedText(_ text: String, of id: String, written: Data, committed: Bool) {
        guard let path = generatedTextPath(of: id) else { return }
        let fm = FileManager.default
        try? fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if committed {
            try? fm.removeItem(atPath: path + Self.uncommittedSuffix)
            try? fm.removeItem(atPath: path + Self.committedSuffix)
        } else {
            if !fm.fileExists(atPath: path + Self.uncommittedSuffix), let last = fm.contents(atPath: path) {
                try? WorkTreeWriter.atomicWrite(last, to: path + Self.committedSuffix)
            }
            try? WorkTreeWriter.atomicWrite(written, to: path + Self.uncommittedSuffix)
        }
        try? WorkTreeWriter.atomicWrite(Data(text.utf8), to: path)
    }

    private static let uncommittedSuffix = ".uncommitted"
    private static let committedSuffix = ".committed"

    /// The base hand edits to a context are kept against, for a work-tree file holding `workTree`: what folio generated
    /// for it last — unless folio's last write was left uncommitted and has been thrown away since (the file is again
    /// what is committed, and that is not what folio wrote): then what folio generated for its last committed save, so
    /// that what the thrown-away write added is written again.
    private func generatedBase(of id: String, workTree: Data) -> Data? {
        guard let path = generatedTextPath(of: id) else { return lastGeneratedText(of: id) }
        if let uncommitted = FileManager.default.contents(atPath: path + Self.uncommittedSuffix), workTree != uncommitted,
           let committed = committedText(of: id), committed == workTree, committed != uncommitted {
            return FileManager.default.contents(atPath: path + Self.committedSuffix) ?? committedGeneratedText(of: id)
        }
        return lastGeneratedText(of: id)
    }

    /// The context's file as HEAD has it.
    private func committedText(of id: String) -> Data? {
        guard let repository = try? repository, let head = try? repository.head().commit, let commit = try? repository.commit(head),
              let entry = try? repository.entry(at: repositoryPath(contextPath(id), in: repository), inTree: commit.tree) else { return nil }
        return try? repository.blob(entry.oid)
    }

    /// The text folio generated for a context last: kept in the git directory by this clone, or else the file as
    /// folio's last save or update committed it (edits made since are what is not in it).
    private func lastGeneratedText(of id: String) -> Data? {
        if let path = generatedTextPath(of: id), let data = FileManager.default.contents(atPath: path) { return data }
        return committedGeneratedText(of: id)
    }

    /// The file as folio's last save or update of the context committed it.
    private func committedGeneratedText(of id: String) -> Data? {
        guard let repository = try? repository, let head = try? repository.head().commit else { return nil }
        let file = repositoryPath(contextPath(id), in: repository)
        let messages = ["folio: save context \(id)", "folio: update context \(id)"]
        var found: Data?
        var seen = 0
        try? repository.walkCommits(from: head, firstParentOnly: true) { oid in
            seen += 1
            guard let commit = try? repository.commit(oid) else { return seen < 5_000 }
            if messages.contains(String(commit.message.prefix { $0 != "\n" })),
               let entry = try? repository.entry(at: file, inTree: commit.tree) {
                found = try? repository.blob(entry.oid)
                return false
            }
            return seen < 5_000
        }
        return found
    }

    /// A merged context with each conflict resolved: in the frontmatter the edited value (the second side) wins; in
    /// the body both are kept, the session's new text first, then the edit, as git's union merge does. Returns how
    /// many places there were.
    static func keepingEdits(_ text: String) -> (text: String, places: Int) {
        var out: [Substring] = []
        var places = 0
        var dashes = 0
        var side = 0  // 0 outside a conflict, 1 in the first side, 2 in the second
        var first: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if side == 0, line == "---", dashes < 2 { dashes += 1 }
            if side == 0, line.hasPrefix("<<<<<<< ") { side = 1; places += 1; first = []; continue }
            if side == 1, line == "=======" { side = 2; continue }
            if side == 2, line.hasPrefix(">>>>>>> ") {
                side = 0
                continue
            }
            switch side {
            case 1: first.append(line)
            case 2:
                // The first line of the second side: in the body, the first side goes before it.
                if dashes >= 2, !first.isEmpty { out += first; first = [] }
                out.append(line)
            default: out.append(line)
            }
        }
        return (out.joined(separator: "\n"), places)
    }

    /// The context already holding this session (same tool, same session id), with its text. Pasted transcripts
    /// and Markdown notes have no session id of their own, and aider's whole history (one for every run) has none
    /// either, so those are always new contexts; one aider run read on its own (`watch`) has the run's start as id.
    private func savedContext(of session: Session) throws -> (id: String, context: ContextFile, text: String)? {
        guard let sessionID = session.sessionID, !sessionID.isEmpty, session.tool != .markdown else { return nil }
        // The newest of them when older folio versions saved the session more than once (`…-2`).
        for id in contextIDs().reversed() {
            let path = root + "/" + contextPath(id)
            guard let source = ContextFile.source(atPath: path, mentioning: sessionID), source.tool == session.tool.rawValue,
                  source.session == sessionID,
                  let data = FileManager.default.contents(atPath: path) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            return (id, try ContextFile.parse(text, path: displayPath(absolute: path)), text)
        }
        return nil
    }

    /// `2026/03/01-fix-flaky-login-test`: the session's day (UTC) and a short slug of its title; `-2`, `-3`… for
    /// another session of that day with the same slug.
    private func uniqueContextID(for title: String, date: Date) throws -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        let base = String(format: "%04d/%02d/%02d-", parts.year!, parts.month!, parts.day!) + ContextNaming.slug(title)
        var id = base, n = 2
        while FileManager.default.fileExists(atPath: root + "/" + ContextFile.folder + "/" + id + ContextFile.suffix) {
            id = "\(base)-\(n)"
            n += 1
        }
        return id
    }

    /// The session's folder relative to the repository root.
    private func relativeFolder(_ folder: String) -> String? {
        let project = projectFolder
        if folder == project { return "." }
        return folder.hasPrefix(project + "/") ? String(folder.dropFirst(project.count + 1)) : nil
    }

    private func gitState() -> ContextFile.GitState? {
        guard let repository = try? requireRepository() else { return nil }
        var state = ContextFile.GitState()
        state.remote = (try? repository.configString("remote.origin.url")) ?? nil
        if let head = try? repository.head() {
            state.branch = head.branchName
            state.head = head.commit?.hex
        }
        state.dirty = ((try? repository.status(includeUntracked: false)) ?? []).map(\.path).filter { !$0.hasPrefix(repositoryPrefix(in: repository) + ContextFile.folder + "/") }
        return state
    }

    // MARK: - Listing, reading, removing

    public func contextIDs() -> [String] {
        let folder = root + "/" + ContextFile.folder
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var ids: [String] = []
        while let relative = walker.nextObject() as? String {
            if relative.hasSuffix(ContextFile.suffix) { ids.append(String(relative.dropLast(ContextFile.suffix.count))) }
        }
        return ids.sorted()
    }

    /// A context by its id, or by a part of it (`fix-login`, `2026/03`, `01-fix`). A whole id, file name
    /// (`01-fix-login`) or slug (`fix-login`) names its context even when it is part of other ids; any other part
    /// must be in one id only. A part in several ids lists them all (invalid input, exit 3), so the user can pick.
    public func resolveContextID(_ query: String) throws -> String {
        let ids = contextIDs()
        if ids.contains(query) { return query }
        let name = { (id: String) in (id as NSString).lastPathComponent }
        /// The name without its date: `01-fix-login` and `2026-03-01-fix-login` both give `fix-login`.
        let slug = { (id: String) -> String in
            let parts = name(id).split(separator: "-", omittingEmptySubsequences: false)
            let number = { (index: Int, digits: Int) in index < parts.count && parts[index].count == digits && parts[index].allSatisfy(\.isNumber) }
            let dated = number(0, 4) && number(1, 2) && number(2, 2) ? 3 : number(0, 2) ? 1 : 0
            return parts.dropFirst(dated).joined(separator: "-")
        }
        for exact in [{ name($0) == query }, { slug($0) == query }] as [(String) -> Bool] {
            let found = ids.filter(exact)
            if found.count == 1 { return found[0] }
            if found.count > 1 { throw ambiguous(query, found) }
        }
        let matches = ids.filter { $0.hasPrefix(query) || name($0).contains(query) }
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty {
            throw FolioError(.notFound, "no context '\(query)'\(Suggestions.hint(for: query, in: ids.map(name))); list them with: folio context list")
        }
        throw ambiguous(query, matches)
    }

    /// The error for a part of several ids: each candidate on a line with its title, tool and day.
    private func ambiguous(_ query: String, _ ids: [String]) -> FolioError {
        let summaries = Dictionary(((try? contextSummaries()) ?? []).map { ($0.id, $0) }) { first, _ in first }
        let width = min(ids.map(\.count).max() ?? 0, 60)
        let lines = ids.prefix(20).map { id -> String in
            guard let summary = summaries[id] else { return "  " + id }
            let about = [summary.tool, summary.created.map { String($0.prefix(10)) }].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
            return "  " + id.padding(toLength: max(width, id.count), withPad: " ", startingAt: 0) + "  " + summary.title + (about.isEmpty ? "" : "  (\(about))")
        }
        let more = ids.count > 20 ? "\n  … and \(ids.count - 20) more" : ""
        return FolioError(.invalidInput, "'\(query)' matches \(ids.count) contexts; give one of these ids (or enough of it to tell them apart):\n"
                          + lines.joined(separator: "\n") + more)
    }

    public func context(_ query: String) throws -> ContextFile {
        try context(id: try resolveContextID(query))
    }

    private func contextPath(_ id: String) -> String { ContextFile.folder + "/" + id + ContextFile.suffix }

    /// The context with exactly this id.
    private func context(id: String) throws -> ContextFile {
        let path = root + "/" + contextPath(id)
        guard let data = FileManager.default.contents(atPath: path) else { throw FolioError(.notFound, "cannot read \(displayPath(absolute: path))") }
        return try ContextFile.parse(String(decoding: data, as: UTF8.self), path: displayPath(absolute: path))
    }

    /// Every context, newest first: from the sidecar index (refreshed from the files' stamps, so each file is read
    /// only when it changed), or from the files themselves when the library has no git repository.
    public func contextSummaries() throws -> [ContextSummary] {
        if let index = try? index() {
            return try index.searchContexts(nil, limit: Int(Int32.max)).map { hit in
                ContextSummary(id: hit.id, title: hit.title, tool: hit.tool, created: hit.created, messages: hit.messages,
                               path: displayPath(contextPath(hit.id)))
            }
        }
        return try contextIDs().map { id in
            let context = try context(id: id)
            return ContextSummary(id: id, title: context.title, tool: context.session.tool.rawValue,
                                  created: context.session.created.map(Timestamps.format),
                                  messages: context.session.messageCount, path: displayPath(contextPath(id)))
        }.sorted { ($0.created ?? "") > ($1.created ?? "") }
    }

    public func removeContext(_ query: String, commit: Bool) throws -> ChangeOutcome {
        let id = try resolveContextID(query)
        return try apply([LibraryChange(path: contextPath(id), contents: nil)],
                         message: "folio: rm context \(id)", commit: commit)
    }

    /// A context as data: its frontmatter's fields as they are written, then `path` (relative to the library) and
    /// `body` (the Markdown after the frontmatter), for `folio context show --json`.
    public func contextData(_ query: String) throws -> Value {
        let id = try resolveContextID(query)
        let path = displayPath(absolute: root + "/" + contextPath(id))
        let split = try PromptCodec.split(try contextText(id), path: path)
        var fields: [Value.Entry] = []
        if let frontmatter = split.frontmatter {
            do {
                if case .map(let entries) = try Value.parseYAML(frontmatter) { fields = entries }
            } catch {
                throw FolioError(.invalidInput, "\(path): the frontmatter is not valid YAML: \(error)")
            }
        }
        fields.removeAll { $0.key == "path" || $0.key == "body" }
        return .map(fields + [Value.Entry("path", .string(contextPath(id))), Value.Entry("body", .string(split.body))])
    }

    /// The raw text of a context file.
    public func contextText(_ query: String) throws -> String {
        let id = try resolveContextID(query)
        guard let data = FileManager.default.contents(atPath: root + "/" + contextPath(id)) else {
            throw FolioError(.notFound, "cannot read \(displayPath(contextPath(id)))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
