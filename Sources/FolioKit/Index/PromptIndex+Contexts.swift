import Foundation
internal import GRDB

/// A context found by `folio search --contexts`.
public struct ContextHit: Sendable, Equatable, Codable {
    public let id: String
    public let title: String
    public let tool: String
    public let created: String?
    public let messages: Int
    public let tags: [String]
    /// BM25 score: higher is more relevant (0 when listing without words).
    public let score: Double
    /// A piece of the matching text; matches are between `SearchHit.matchStart` and `SearchHit.matchEnd`.
    public let snippet: String?
    /// Why the file could not be read, when it could not (it is then found by its path only).
    public let error: String?

    /// The hit as `--json` prints it: the score to three decimals, the snippet without its match marks.
    public var printable: ContextHit {
        ContextHit(id: id, title: title, tool: tool, created: created, messages: messages, tags: tags, score: (score * 1000).rounded() / 1000,
                   snippet: snippet.map(SearchHit.withoutMarks),
                   error: error)
    }
}

extension PromptIndex {
    /// Column weights for BM25: id and title count most, then tags and the summary, then the transcript.
    static let contextWeights = "10.0, 10.0, 5.0, 3.0, 1.0"
    static let contextColumns: Set<String> = ["id", "title", "tags", "summary", "body"]

    /// Searches the contexts (refreshed first): words in FTS syntax as for prompts, newest first without words.
    public func searchContexts(_ text: String?, tags: [String] = [], limit: Int = 20) throws -> [ContextHit] {
        try refreshContexts()
        return try withDatabase { queue in
            try queue.read { db in
                var clauses = ["1"]
                var arguments: StatementArguments = []
                for tag in tags {
                    clauses.append("EXISTS (SELECT 1 FROM json_each(c.tags) WHERE json_each.value = ?)")
                    arguments += [tag]
                }
                let filters = clauses.joined(separator: " AND ")
                let words = text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                guard !words.isEmpty, let match = Self.ftsQuery(words, columns: Self.contextColumns) else {
                    return try Row.fetchAll(db, sql: "SELECT c.*, 0.0 AS score, NULL AS snippet FROM contexts c WHERE \(filters) ORDER BY c.created DESC, c.id LIMIT ?",
                                            arguments: arguments + [limit]).map { Self.contextHit($0, snippet: nil) }
                }
                // The snippets are made for the rows shown only (see `matched`).
                let sql = """
                    SELECT c.*, -bm25(contexts_fts, \(Self.contextWeights)) AS score
                    FROM contexts_fts JOIN contexts c ON c.rowid = contexts_fts.rowid
                    WHERE contexts_fts MATCH ? AND \(filters)
                    ORDER BY bm25(contexts_fts, \(Self.contextWeights)) LIMIT ?
                    """
                func hits(_ fts: String) throws -> [ContextHit] {
                    try Row.fetchAll(db, sql: sql, arguments: [fts] + arguments + [limit]).map { row in
                        Self.contextHit(row, snippet: try Self.snippet(table: "contexts_fts", rowid: row["rowid"], fts: fts, db))
                    }
                }
                do {
                    return try hits(match)
                } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
                    guard let plain = Self.ftsQuery(words, plainWords: true, columns: Self.contextColumns) else { return [] }
                    return try hits(plain)
                }
            }
        }
    }

    private static func contextHit(_ row: Row, snippet: String?) -> ContextHit {
        ContextHit(id: row["id"], title: row["title"], tool: row["tool"], created: row["created"], messages: row["messages"],
                   tags: (try? JSONDecoder().decode([String].self, from: Data((row["tags"] as String? ?? "[]").utf8))) ?? [],
                   score: row["score"], snippet: snippet, error: row["error"])
    }

    /// Brings the contexts' rows up to date with the files under `contexts/`: a file whose stamp (time, size,
    /// inode) changed is read again, a removed one is dropped. Contexts are few and large, so this is a walk of
    /// one folder tree and a stat per file.
    @discardableResult
    func refreshContexts() throws -> RefreshReport {
        let started = Date()
        let files = WorkTreeScanner.contextFiles(root: root)
        return try withDatabase { queue in
            try queue.write { db in
                var report = RefreshReport(checkedEveryFile: true)
                var logged: [IndexChange] = []
                var stored: [String: (rowid: Int64, stamp: FileStamp?)] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT rowid, path, mtime, size, inode, ctime FROM contexts") {
                    let stamp: FileStamp? = (row["mtime"] as Int64?).map { FileStamp(modified: $0, size: row["size"], inode: row["inode"], changed: row["ctime"]) }
                    stored[row["path"]] = (row["rowid"], stamp)
                }
                for (path, known) in stored where files[path] == nil {
                    try db.execute(sql: "DELETE FROM contexts WHERE rowid = ?", arguments: [known.rowid])
                    try db.execute(sql: "DELETE FROM contexts_fts WHERE rowid = ?", arguments: [known.rowid])
                    report.removed += 1
                    logged.append(IndexChange(kind: .context, id: Self.contextID(ofPath: path), change: .removed))
                }
                for (path, stamp) in files where stored[path]?.stamp != stamp {
                    if let known = stored[path] {
                        try db.execute(sql: "DELETE FROM contexts WHERE rowid = ?", arguments: [known.rowid])
                        try db.execute(sql: "DELETE FROM contexts_fts WHERE rowid = ?", arguments: [known.rowid])
                        report.updated += 1
                    } else {
                        report.added += 1
                    }
                    logged.append(IndexChange(kind: .context, id: Self.contextID(ofPath: path), change: stored[path] == nil ? .added : .changed))
                    try insertContext(path: path, stamp: stamp, db)
                }
                if report.changed { try Self.bumpGeneration(db, logging: logged) }
                report.seconds = Date().timeIntervalSince(started)
                return report
            }
        }
    }

    /// A context's id from its path (`contexts/2026/11/24-fix-login.md`).
    static func contextID(ofPath path: String) -> String {
        String(path.dropFirst(ContextFile.folder.count + 1).dropLast(ContextFile.suffix.count))
    }

    private func insertContext(path: String, stamp: FileStamp, _ db: Database) throws {
        let id = Self.contextID(ofPath: path)
        var title = id, tool = "", created: String?, messages = 0, tags: [String] = [], summary = "", body = "", problem: String?
        do {
            if let problem = LintFileKind.context.sizeProblem(Int(stamp.size)) { throw FolioError(.invalidInput, "\(path):1:1: error: \(problem)") }
            guard let data = FileManager.default.contents(atPath: root + "/" + path) else { throw FolioError(.io, "cannot read \(path)") }
            let split = try PromptCodec.split(String(decoding: data, as: UTF8.self), path: path)
            let context = try ContextFile.parse(split, path: path)
            title = context.title
            tool = context.session.tool.rawValue
            created = context.session.created.map(Timestamps.format)
            messages = context.session.messageCount
            tags = context.tags
            summary = context.session.summary ?? ""
            // The transcript's words: the markers that let folio read it back, code fences and the turn headings
            // are left out, so snippets read as the conversation.
            body = split.body.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix("<!-- folio:") && !$0.hasPrefix("```") && !$0.hasPrefix("### ") }.joined(separator: "\n")
        } catch {
            environment.notify("\(error); until it is fixed, search finds this context by its path only")
            problem = "\(error)"
        }
        try db.execute(sql: """
            INSERT INTO contexts (id, path, title, tool, created, messages, tags, error, mtime, size, inode, ctime)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, path, title, tool, created, messages, Self.json(tags), problem,
                             stamp.modified, stamp.size, stamp.inode, stamp.changed])
        try db.execute(sql: "INSERT INTO contexts_fts (rowid, id, title, tags, summary, body) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [db.lastInsertedRowID, id.replacingOccurrences(of: "/", with: " "), title, tags.joined(separator: " "), summary, body])
    }
}
