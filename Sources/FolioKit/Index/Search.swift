import Foundation
internal import GRDB

/// What to look for: words (FTS syntax: `revi*`, `"error handling"`, `title:review`, `a OR b`, `-word`) and
/// filters, which also work without words.
public struct SearchQuery: Sendable, Equatable {
    public var text: String?
    public var tags: [String]
    public var category: String?
    public var status: PromptStatus?
    public var owner: String?
    /// Matches the name or email of whoever last changed the prompt.
    public var author: String?
    public var limit: Int

    public init(text: String? = nil, tags: [String] = [], category: String? = nil, status: PromptStatus? = nil,
                owner: String? = nil, author: String? = nil, limit: Int = 20) {
        self.text = text
        self.tags = tags
        self.category = category
        self.status = status
        self.owner = owner
        self.author = author
        self.limit = limit
    }
}

/// A prompt as the index knows it.
public struct IndexEntry: Sendable, Equatable, Codable {
    public let id: String
    public let path: String
    public let title: String?
    public let description: String?
    public let tags: [String]
    public let category: String?
    /// draft, active, deprecated, or invalid when the file cannot be read.
    public let status: String
    public let owners: [String]
    public let variables: [String]
    public let partial: Bool
    public let estimatedTokens: Int
    /// Why the file cannot be read, when it cannot.
    public let error: String?
    /// The blob id of the file as it is in the work tree.
    public let blob: String
    /// True when the work tree differs from HEAD (or the file is not committed).
    public let modified: Bool
    public let lastCommit: String?
    public let lastAuthor: String?
    public let lastEmail: String?
    public let lastDate: Date?

    enum CodingKeys: String, CodingKey {
        case id, path, title, description, tags, category, status, owners, variables, partial, error, blob, modified
        case estimatedTokens = "estimated_tokens"
        case lastCommit = "last_commit"
        case lastAuthor = "last_author"
        case lastEmail = "last_email"
        case lastDate = "last_date"
    }

    /// An entry for a file read directly (no index).
    init(_ row: IndexRow) {
        let prompt = row.prompt
        id = row.id
        path = row.path
        title = prompt?.title
        description = prompt?.description
        tags = prompt?.tags ?? []
        category = prompt?.category
        status = prompt?.effectiveStatus.rawValue ?? "invalid"
        owners = prompt?.owners ?? []
        variables = prompt?.variables.map(\.name) ?? []
        partial = prompt?.partial ?? false
        estimatedTokens = prompt?.estimatedTokens ?? 0
        error = row.error
        blob = row.blob.hex
        modified = true
        lastCommit = nil
        lastAuthor = nil
        lastEmail = nil
        lastDate = nil
    }

    init(_ row: Row) {
        id = row["id"]
        path = row["path"]
        title = row["title"]
        description = row["description"]
        category = row["category"]
        status = row["status"]
        partial = row["partial"]
        estimatedTokens = row["tokens"]
        error = row["error"]
        blob = row["blob"]
        let headBlob: String? = row["head_blob"]
        modified = headBlob != blob
        lastCommit = row["last_commit"]
        lastAuthor = row["last_author"]
        lastEmail = row["last_email"]
        lastDate = (row["last_date"] as Double?).map { Date(timeIntervalSince1970: $0) }
        func strings(_ column: String) -> [String] {
            (try? JSONDecoder().decode([String].self, from: Data((row[column] as String? ?? "[]").utf8))) ?? []
        }
        tags = strings("tags")
        owners = strings("owners")
        variables = strings("variables")
    }
}

/// One search result.
public struct SearchHit: Sendable, Equatable {
    public let entry: IndexEntry
    /// BM25 score: higher is more relevant (0 when searching by filters alone).
    public let score: Double
    /// A piece of the matching text; matches are between `SearchHit.matchStart` and `SearchHit.matchEnd`.
    public let snippet: String?

    public static let matchStart: Character = "\u{1}"
    public static let matchEnd: Character = "\u{2}"

    /// A snippet as plain text, its match marks taken out.
    public static func withoutMarks(_ snippet: String) -> String {
        snippet.filter { $0 != matchStart && $0 != matchEnd }
    }
}

extension PromptIndex {
    /// Column weights for BM25: id and title count most, then tags, then description, then body.
    static let weights = "10.0, 10.0, 5.0, 3.0, 1.0"
    static let columns: Set<String> = ["id", "title", "tags", "description", "body"]

    /// Searches the index (refreshed first). A query FTS cannot read is searched as plain words.
    public func search(_ query: SearchQuery) throws -> [SearchHit] {
        try refresh()
        return try withDatabase { queue in
            try queue.read { db in
                let text = query.text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                guard !text.isEmpty, let match = Self.ftsQuery(text) else {
                    return try filtered(query, db)
                }
                do {
                    return try matched(query, fts: match, exactTitle: text, db)
                } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
                    // Valid for our tokenizer but not for FTS (`NOT word` alone, `a AND`): take the words as they are.
                    guard let plain = Self.ftsQuery(text, plainWords: true) else { return [] }
                    return try matched(query, fts: plain, exactTitle: text, db)
                }
            }
        }
    }

    /// Every indexed prompt that matches the filters, by id (what `folio list` shows).
    public func entries(_ query: SearchQuery = SearchQuery(limit: Int.max)) throws -> [IndexEntry] {
        try refresh()
        return try withDatabase { queue in try queue.read { db in try filtered(query, db).map(\.entry) } }
    }

    /// Every indexed prompt's id, sorted (refreshed first): one query, for "did you mean" hints.
    public func ids() throws -> [String] {
        try refresh()
        return try withDatabase { queue in try queue.read { db in try String.fetchAll(db, sql: "SELECT id FROM prompts ORDER BY id") } }
    }

    private func filters(_ query: SearchQuery) -> (sql: String, arguments: StatementArguments) {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        for tag in query.tags {
            clauses.append("EXISTS (SELECT 1 FROM prompt_tags t WHERE t.prompt = p.rowid AND t.tag = ?)")
            arguments += [tag]
        }
        if let owner = query.owner {
            clauses.append("EXISTS (SELECT 1 FROM prompt_owners o WHERE o.prompt = p.rowid AND o.owner = ?)")
            arguments += [owner]
        }
        if let category = query.category {
            clauses.append("p.category = ?")
            arguments += [category]
        }
        if let status = query.status {
            clauses.append("p.status = ?")
            arguments += [status.rawValue]
        }
        if let author = query.author {
            clauses.append("(p.last_author LIKE ? ESCAPE '\\' OR p.last_email LIKE ? ESCAPE '\\')")
            let pattern = "%" + author.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
            arguments += [pattern, pattern]
        }
        return (clauses.isEmpty ? "1" : clauses.joined(separator: " AND "), arguments)
    }

    private func filtered(_ query: SearchQuery, _ db: Database) throws -> [SearchHit] {
        let (whereSQL, arguments) = filters(query)
        return try Row.fetchAll(db, sql: "SELECT p.* FROM prompts p WHERE \(whereSQL) ORDER BY p.id LIMIT ?",
                                arguments: arguments + [query.limit]).map {
            SearchHit(entry: IndexEntry($0), score: 0, snippet: nil)
        }
    }

    private func matched(_ query: SearchQuery, fts: String, exactTitle: String, _ db: Database) throws -> [SearchHit] {
        let (whereSQL, arguments) = filters(query)
        let hasFilters = !(query.tags.isEmpty && query.owner == nil && query.category == nil && query.status == nil && query.author == nil)
        // Snippets are made for the rows shown only, after ranking: in a query's result columns, SQLite would make
        // one for every match before sorting.
        guard !hasFilters else {
            // Filters must apply before the limit: rank the matches that pass them.
            let sql = """
                SELECT p.*, -bm25(prompts_fts, \(Self.weights)) AS score
                FROM prompts_fts JOIN prompts p ON p.rowid = prompts_fts.rowid
                WHERE prompts_fts MATCH ? AND \(whereSQL)
                ORDER BY (lower(p.title) = lower(?) OR p.id = lower(?)) DESC, bm25(prompts_fts, \(Self.weights))
                LIMIT ?
                """
            return try Row.fetchAll(db, sql: sql, arguments: [fts] + arguments + [exactTitle, exactTitle, query.limit]).map {
                SearchHit(entry: IndexEntry($0), score: $0["score"], snippet: try Self.snippet(table: "prompts_fts", rowid: $0["rowid"], fts: fts, db))
            }
        }
        // Without filters, FTS ranks on its own (no join per match), and only the rows shown are read.
        // Prompts whose title or id is exactly the query come first.
        let exact = try Int64.fetchAll(db, sql: "SELECT rowid FROM prompts WHERE lower(title) = lower(?) OR id = lower(?)",
                                       arguments: [exactTitle, exactTitle])
        let select = "SELECT rowid, -bm25(prompts_fts, \(Self.weights)) AS score FROM prompts_fts WHERE prompts_fts MATCH ?"
        var ranked: [(rowid: Int64, score: Double)] = []
        for row in try Row.fetchAll(db, sql: select + " ORDER BY bm25(prompts_fts, \(Self.weights)) LIMIT ?", arguments: [fts, query.limit]) {
            ranked.append((row["rowid"], row["score"]))
        }
        for rowid in exact where !ranked.contains(where: { $0.rowid == rowid }) {
            if let row = try Row.fetchOne(db, sql: select + " AND rowid = ?", arguments: [fts, rowid]) {
                ranked.append((rowid, row["score"]))
            }
        }
        let exactSet = Set(exact)
        ranked.sort { (exactSet.contains($0.rowid) ? 1 : 0, $0.score) > (exactSet.contains($1.rowid) ? 1 : 0, $1.score) }
        return try ranked.prefix(query.limit).compactMap { hit in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM prompts WHERE rowid = ?"), arguments: [hit.rowid])
            else { return nil }
            return SearchHit(entry: IndexEntry(row), score: hit.score, snippet: try Self.snippet(table: "prompts_fts", rowid: hit.rowid, fts: fts, db))
        }
    }

    /// The snippet of one matching row (`folio_snippet`: its cost is bounded, however often the words occur).
    static func snippet(table: String, rowid: Int64, fts: String, _ db: Database) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT \(Snippet.name)(\(table)) FROM \(table) WHERE \(table) MATCH ? AND rowid = ?"),
                            arguments: [fts, rowid])
    }

    /// Turns what a person typed into an FTS5 query in which every word is quoted, so no input can break
    /// the syntax: `revi*` → `"revi"*`, `"error handling"` stays a phrase, `title:x` searches one column,
    /// `-word` excludes, AND/OR/NOT pass through. With `plainWords`, operators are words too.
    static func ftsQuery(_ text: String, plainWords: Bool = false, columns: Set<String> = PromptIndex.columns) -> String? {
        var parts: [String] = []
        var positive = 0
        var negated: [String] = []
        var index = text.startIndex
        func quoted(_ word: String) -> String { "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        while index < text.endIndex {
            if text[index].isWhitespace {
                index = text.index(after: index)
                continue
            }
            var negate = false
            if !plainWords, text[index] == "-", text.index(after: index) < text.endIndex, !text[text.index(after: index)].isWhitespace {
                negate = true
                index = text.index(after: index)
            }
            var column: String?
            var term: String
            var prefix = false
            var isPhrase = false
            if text[index] == "\"" {
                let start = text.index(after: index)
                let end = text[start...].firstIndex(of: "\"") ?? text.endIndex
                term = String(text[start..<end])
                isPhrase = true
                index = end < text.endIndex ? text.index(after: end) : end
            } else {
                let end = text[index...].firstIndex(where: \.isWhitespace) ?? text.endIndex
                term = String(text[index..<end])
                index = end
                if !plainWords, let colon = term.firstIndex(of: ":"), columns.contains(String(term[..<colon]).lowercased()) {
                    column = String(term[..<colon]).lowercased()
                    term = String(term[term.index(after: colon)...])
                }
                if !plainWords, ["AND", "OR", "NOT"].contains(term), column == nil, !negate {
                    if !parts.isEmpty { parts.append(term) }
                    continue
                }
                if term.hasSuffix("*") {
                    prefix = true
                    term = String(term.drop { $0 == "*" }.reversed().drop { $0 == "*" }.reversed())
                }
            }
            // Keep only what the tokenizer would keep; a term of pure punctuation matches nothing.
            let words = term.split { !($0.isLetter || $0.isNumber) }
            guard !words.isEmpty else { continue }
            let body = isPhrase || words.count > 1 ? quoted(words.joined(separator: " ")) : quoted(String(words[0]))
            let expression = (column.map { "\($0) : " } ?? "") + body + (prefix ? "*" : "")
            if negate {
                negated.append(expression)
            } else {
                parts.append(expression)
                positive += 1
            }
        }
        while let last = parts.last, ["AND", "OR", "NOT"].contains(last) { parts.removeLast() }
        guard positive > 0 else { return nil }
        var query = parts.joined(separator: " ")
        for expression in negated { query = "(\(query)) NOT \(expression)" }
        return query
    }
}
