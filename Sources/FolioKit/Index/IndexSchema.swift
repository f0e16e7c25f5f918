internal import GRDB

/// The search index's tables. Everything here can be rebuilt from the files, so a database written by
/// another version of folio is simply rebuilt.
enum IndexSchema {
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE prompts (
                    rowid INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    path TEXT NOT NULL UNIQUE,
                    folder TEXT NOT NULL,
                    blob TEXT NOT NULL,
                    head_blob TEXT,
                    modified INTEGER NOT NULL,
                    title TEXT,
                    description TEXT,
                    category TEXT,
                    status TEXT NOT NULL,
                    partial INTEGER NOT NULL DEFAULT 0,
                    tags TEXT NOT NULL DEFAULT '[]',
                    owners TEXT NOT NULL DEFAULT '[]',
                    variables TEXT NOT NULL DEFAULT '[]',
                    tokens INTEGER NOT NULL DEFAULT 0,
                    error TEXT,
                    last_commit TEXT,
                    last_author TEXT,
                    last_email TEXT,
                    last_date REAL,
                    mtime INTEGER,
                    size INTEGER,
                    inode INTEGER,
                    ctime INTEGER
                );
                CREATE TABLE prompt_tags (prompt INTEGER NOT NULL, tag TEXT NOT NULL);
                CREATE TABLE prompt_owners (prompt INTEGER NOT NULL, owner TEXT NOT NULL);
                CREATE TABLE folders (path TEXT PRIMARY KEY, mtime INTEGER NOT NULL, digest INTEGER);
                CREATE VIRTUAL TABLE prompts_fts USING fts5(
                    id, title, tags, description, body,
                    tokenize = 'porter unicode61 remove_diacritics 2'
                );
                """)
            for index in secondaryIndexes { try db.execute(sql: index.sql) }
        }
        // Per-commit prompt changes (a commit never changes, so each is read once) and the first-parent chain of
        // the current HEAD, oldest first: what a prompt's history is read from.
        migrator.registerMigration("v2-history") { db in
            try db.execute(sql: """
                CREATE TABLE commits (
                    oid TEXT PRIMARY KEY,
                    parent TEXT,
                    author TEXT NOT NULL,
                    email TEXT NOT NULL,
                    time REAL NOT NULL,
                    summary TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE changes (
                    commit_oid TEXT NOT NULL,
                    path TEXT NOT NULL,
                    old_path TEXT,
                    status TEXT NOT NULL,
                    blob TEXT
                );
                CREATE INDEX changes_by_path ON changes(path, commit_oid);
                CREATE TABLE chain (position INTEGER PRIMARY KEY, oid TEXT NOT NULL UNIQUE);
                """)
        }
        // Contexts: one row per context file, read again when its stamp changes; searched apart from prompts.
        migrator.registerMigration("v3-contexts") { db in
            try db.execute(sql: """
                CREATE TABLE contexts (
                    rowid INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    path TEXT NOT NULL UNIQUE,
                    title TEXT NOT NULL,
                    tool TEXT NOT NULL,
                    created TEXT,
                    messages INTEGER NOT NULL DEFAULT 0,
                    tags TEXT NOT NULL DEFAULT '[]',
                    error TEXT,
                    mtime INTEGER, size INTEGER, inode INTEGER, ctime INTEGER
                );
                CREATE VIRTUAL TABLE contexts_fts USING fts5(
                    id, title, tags, summary, body,
                    tokenize = 'porter unicode61 remove_diacritics 2'
                );
                """)
        }
        // What each refresh that changed something changed (prompts and contexts by id), keyed by the generation it
        // made: how a watcher in any process learns which prompts changed, whoever refreshed the index.
        migrator.registerMigration("v4-change-log") { db in
            try db.execute(sql: """
                CREATE TABLE change_log (
                    generation INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    id TEXT NOT NULL,
                    change TEXT NOT NULL
                );
                CREATE INDEX change_log_by_generation ON change_log(generation);
                """)
        }
        return migrator
    }()

    /// Indexes a full rebuild drops while it loads rows and creates again afterwards.
    static let secondaryIndexes: [(name: String, sql: String)] = [
        ("prompt_tags_by_tag", "CREATE INDEX prompt_tags_by_tag ON prompt_tags(tag, prompt)"),
        ("prompt_tags_by_prompt", "CREATE INDEX prompt_tags_by_prompt ON prompt_tags(prompt)"),
        ("prompt_owners_by_owner", "CREATE INDEX prompt_owners_by_owner ON prompt_owners(owner, prompt)"),
        ("prompt_owners_by_prompt", "CREATE INDEX prompt_owners_by_prompt ON prompt_owners(prompt)"),
        ("prompts_by_folder", "CREATE INDEX prompts_by_folder ON prompts(folder)"),
        ("prompts_modified", "CREATE INDEX prompts_modified ON prompts(modified) WHERE modified = 1"),
        ("prompts_by_title", "CREATE INDEX prompts_by_title ON prompts(lower(title))"),
        ("prompts_invalid", "CREATE INDEX prompts_invalid ON prompts(error) WHERE error IS NOT NULL"),
    ]

    /// True when the database was written by a folio with migrations this one does not know.
    static func isFromAnotherVersion(_ db: Database) throws -> Bool {
        guard try db.tableExists("grdb_migrations") else { return false }
        let applied = try migrator.appliedIdentifiers(db)
        let known = Set(migrator.migrations)
        return !applied.isSubset(of: known) || applied != known
    }
}
