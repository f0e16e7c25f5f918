import Foundation
#if canImport(Glibc)
import Glibc
#endif
internal import GRDB

/// Something that happened to a prompt: rendered, used, copied, shown in an experiment, or rated.
public struct Event: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case render, use, copy, exposure, feedback
    }

    /// A unique id (a UUID), so feedback can refer to the event it rates.
    public let id: String
    public let kind: Kind
    public let prompt: String
    /// The version: the blob id of the prompt file used, and the commit HEAD was at.
    public let blob: String?
    public let commit: String?
    public let variant: String?
    public let experiment: String?
    /// For an exposure: whom the variant was chosen for.
    public let subject: String?
    /// cli, mcp, web, or the AI tool named by the caller.
    public let source: String
    /// The git identity of whoever caused it, `Name <email>`.
    public let user: String
    public let time: Date
    public let score: Double?
    public let success: Bool?
    public let note: String?
    /// For feedback: the id of the event it rates.
    public let ref: String?
    /// The program behind the source: the MCP client's name (`claude-code`, `cursor`), when known.
    public let client: String?

    public init(id: String = UUID().uuidString.lowercased(), kind: Kind, prompt: String, blob: String? = nil,
                commit: String? = nil, variant: String? = nil, experiment: String? = nil, subject: String? = nil,
                source: String, user: String, time: Date, score: Double? = nil, success: Bool? = nil,
                note: String? = nil, ref: String? = nil, client: String? = nil) {
        self.id = id
        self.kind = kind
        self.prompt = prompt
        self.blob = blob
        self.commit = commit
        self.variant = variant
        self.experiment = experiment
        self.subject = subject
        self.source = source
        self.user = user
        self.time = time
        self.score = score
        self.success = success
        self.note = note
        self.ref = ref
        self.client = client
    }

    /// Kinds that count as a use of the prompt in statistics. An exposure is a render for an experiment's subject.
    public static let useKinds: [Kind] = [.render, .use, .copy, .exposure]
}

/// The analytics events: a SQLite file apart from the search index, because events cannot be rebuilt from
/// the files. Recording an event appends one JSON line to a journal beside it (one `write` on an O_APPEND
/// file, under a shared lock, so any number of processes record at once and a render stays fast); reading
/// first moves the journal into SQLite under an exclusive lock, idempotently (events are keyed by id).
public final class EventStore {
    public let path: String
    /// The journal of events not yet moved into the database.
    public let journalPath: String
    private var opened: DatabaseQueue?

    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE events (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL,
                    prompt TEXT NOT NULL,
                    blob TEXT,
                    commit_id TEXT,
                    variant TEXT,
                    experiment TEXT,
                    subject TEXT,
                    source TEXT NOT NULL,
                    user TEXT NOT NULL,
                    time REAL NOT NULL,
                    score REAL,
                    success INTEGER,
                    note TEXT,
                    ref TEXT
                );
                CREATE INDEX events_by_time ON events(time);
                CREATE INDEX events_by_prompt ON events(prompt, time);
                CREATE INDEX events_by_ref ON events(ref);
                """)
        }
        migrator.registerMigration("v2-client") { db in
            try db.execute(sql: "ALTER TABLE events ADD COLUMN client TEXT")
        }
        return migrator
    }()

    /// The store at `path`; nothing is opened (or created) until events are recorded or read. `notify` hears,
    /// once, when the events can be read but not written (another user's folder): they are read into memory.
    public init(path: String, notify: @escaping @Sendable (String) -> Void = { _ in }) throws {
        self.path = path
        self.notify = notify
        journalPath = (path.hasSuffix(".sqlite") ? String(path.dropLast(".sqlite".count)) : path) + ".journal"
    }

    private let notify: @Sendable (String) -> Void
    private var folder: String { (path as NSString).deletingLastPathComponent }

    /// An event as one JSON line (keys sorted, times in seconds since 1970), newline included: the journal's
    /// format and the shared analytics files'.
    static func line(_ event: Event) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        var line = try encoder.encode(event)
        line.append(0x0A)
        return line
    }

    /// Appends an event to the journal.
    public func record(_ event: Event) throws {
        let line = try Self.line(event)
        var fd = open(journalPath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0, errno == ENOENT, (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil {
            fd = open(journalPath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        }
        guard fd >= 0 else {
            throw WriteAccess.error(writing: journalPath, what: "the analytics events", reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        // Shared: appenders run together; the reader's exclusive lock waits for them.
        flock(fd, LOCK_SH)
        defer { flock(fd, LOCK_UN) }
        let written = line.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == line.count else {
            throw FolioError(.io, "cannot record an event in \(journalPath): \(String(cString: strerror(errno)))")
        }
    }

    /// The database, with the journal moved into it. When the files cannot be written (another user's folder, a
    /// read-only file), the events are read into memory instead, database and journal alike, with one notice.
    private func database() throws -> DatabaseQueue {
        if let opened, inMemory { return opened }
        do {
            let queue = try opened ?? openInPlace()
            opened = queue
            try ingest(into: queue)
            return queue
        } catch let error as ReadOnly {
            notify("\(error.access.problem); reading them without saving anything (fix: \(error.access.fix))")
            let queue = try openInMemory()
            opened = queue
            inMemory = true
            return queue
        }
    }

    /// True once the events were read into memory because the files cannot be written.
    private var inMemory = false

    /// Why the events cannot be written where they are.
    private struct ReadOnly: Error {
        let access: WriteAccess
    }

    private func readOnly(_ reason: String) -> ReadOnly {
        let access = WriteAccess.diagnose(path, what: "the analytics events")
            ?? WriteAccess.diagnose(journalPath, what: "the analytics events")
            ?? WriteAccess(problem: "the analytics events at \(path) cannot be written (\(reason))",
                           fix: "check the permissions of \(folder)")
        return ReadOnly(access: access)
    }

    private static let cannotWrite: [ResultCode] = [.SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH]

    private func openInPlace() throws -> DatabaseQueue {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw readOnly(WriteAccess.reason(error))
        }
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(30)
            configuration.journalMode = .wal
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try prepare(queue)
            return queue
        } catch let error as DatabaseError where Self.cannotWrite.contains(error.resultCode) {
            throw readOnly(error.message ?? "\(error)")
        } catch let error as DatabaseError {
            throw FolioError(.io, "cannot open the analytics events at \(path): \(error.message ?? "\(error)")")
        }
    }

    /// Refuses a database from a newer folio, and brings an older one up to date.
    private func prepare(_ queue: DatabaseQueue) throws {
        let newer = try queue.read { db -> Bool in
            guard try db.tableExists("grdb_migrations") else { return false }
            return try !Self.migrator.appliedIdentifiers(db).isSubset(of: Set(Self.migrator.migrations))
        }
        if newer {
            throw FolioError(.conflict, "the analytics events at \(path) were written by a newer folio; upgrade folio to read them")
        }
        try Self.migrator.migrate(queue)
    }

    /// The events in memory, for this process only: a copy of the database (SQLite cannot open a WAL database
    /// read-only in a folder it cannot write) with the journal's events added; the files are left as they are.
    private func openInMemory() throws -> DatabaseQueue {
        let memory = try DatabaseQueue()
        let fm = FileManager.default
        if fm.fileExists(atPath: path) {
            let copy = fm.temporaryDirectory.appendingPathComponent("folio-events-\(UUID().uuidString)").path
            do {
                try fm.createDirectory(atPath: copy, withIntermediateDirectories: true)
                defer { try? fm.removeItem(atPath: copy) }
                try fm.copyItem(atPath: path, toPath: copy + "/events.sqlite")
                if fm.fileExists(atPath: path + "-wal") { try fm.copyItem(atPath: path + "-wal", toPath: copy + "/events.sqlite-wal") }
                let source = try DatabaseQueue(path: copy + "/events.sqlite")
                try source.backup(to: memory)
                try source.close()
            } catch let error as FolioError {
                throw error
            } catch {
                throw FolioError(.io, "cannot read the analytics events at \(path): \(WriteAccess.reason(error))")
            }
        }
        try prepare(memory)
        let fd = open(journalPath, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            defer { close(fd) }
            flock(fd, LOCK_SH)
            defer { flock(fd, LOCK_UN) }
            let events = Self.events(inJournal: Self.readAll(fd))
            try write(memory) { db in for event in events { try Self.insert(event, db) } }
        }
        return memory
    }

    /// Moves the journal's events into the database, then empties the journal. Safe to repeat: an event
    /// already there (a crash between the two steps) is skipped by its id.
    private func ingest(into queue: DatabaseQueue) throws {
        let fd = open(journalPath, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return }  // no journal: nothing recorded since the last read
            throw readOnly(String(cString: strerror(errno)))
        }
        defer { close(fd) }
        flock(fd, LOCK_EX)
        defer { flock(fd, LOCK_UN) }
        let data = Self.readAll(fd)
        guard !data.isEmpty else { return }
        let events = Self.events(inJournal: data)
        do {
            try queue.write { db in for event in events { try Self.insert(event, db) } }
        } catch let error as DatabaseError where Self.cannotWrite.contains(error.resultCode) {
            throw readOnly(error.message ?? "\(error)")
        } catch let error as DatabaseError {
            throw Self.wrap(error, path)
        }
        ftruncate(fd, 0)
    }

    private static func readAll(_ fd: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = Glibc.read(fd, &buffer, buffer.count)
            if count <= 0 { break }
            data.append(contentsOf: buffer[0..<count])
        }
        return data
    }

    /// The events of a journal; only whole lines: a line without its newline was cut short by a crash.
    private static func events(inJournal data: Data) -> [Event] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return data.split(separator: 0x0A).compactMap { try? decoder.decode(Event.self, from: Data($0)) }
    }

    private static func insert(_ event: Event, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO events (id, kind, prompt, blob, commit_id, variant, experiment, subject, source, user, time,
                                          score, success, note, ref, client)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [event.id, event.kind.rawValue, event.prompt, event.blob, event.commit, event.variant,
                                     event.experiment, event.subject, event.source, event.user,
                                     event.time.timeIntervalSince1970, event.score, event.success, event.note, event.ref,
                                     event.client])
    }

    /// One event by id (a unique prefix of at least 8 characters is enough).
    public func event(id: String) throws -> Event? {
        try read { db in
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM events WHERE id = ?", arguments: [id]) { return Self.event(row) }
            guard id.count >= 8 else { return nil }
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM events WHERE id LIKE ? LIMIT 2", arguments: [id + "%"])
            return rows.count == 1 ? Self.event(rows[0]) : nil
        }
    }

    /// Events from `since` up to and including `until`, oldest first, optionally for one prompt and of some kinds.
    public func events(since: Date? = nil, until: Date? = nil, prompt: String? = nil, kinds: [Event.Kind]? = nil) throws -> [Event] {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        if let since { clauses.append("time >= ?"); arguments += [since.timeIntervalSince1970] }
        if let until { clauses.append("time <= ?"); arguments += [until.timeIntervalSince1970] }
        if let prompt { clauses.append("prompt = ?"); arguments += [prompt] }
        if let kinds {
            clauses.append("kind IN (\(kinds.map { _ in "?" }.joined(separator: ", ")))")
            for kind in kinds { arguments += [kind.rawValue] }
        }
        let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        return try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM events \(whereSQL) ORDER BY time, seq", arguments: arguments).map(Self.event)
        }
    }

    /// The events recorded after the one numbered `sequence` (in the order they reached the database), with the
    /// number of the last; `sequence` nil gives none, only the number of the last (where to start from).
    public func events(afterSequence sequence: Int64?) throws -> (events: [Event], last: Int64) {
        try read { db in
            let last = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM events") ?? 0
            guard let sequence, sequence < last else { return ([], last) }
            return (try Row.fetchAll(db, sql: "SELECT * FROM events WHERE seq > ? ORDER BY seq", arguments: [sequence]).map(Self.event), last)
        }
    }

    /// The feedback given on one event, oldest first.
    public func feedback(on ref: String) throws -> [Event] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM events WHERE ref = ? AND kind = 'feedback' ORDER BY time, seq", arguments: [ref])
                .map(Self.event)
        }
    }

    /// Every prompt id that has events, sorted.
    public func prompts() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT DISTINCT prompt FROM events ORDER BY prompt") }
    }

    /// How many events there are.
    public func count() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM events") ?? 0 }
    }

    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        let queue = try database()
        do { return try queue.read(body) } catch let error as DatabaseError { throw Self.wrap(error, path) }
    }

    private func write(_ queue: DatabaseQueue, _ body: (Database) throws -> Void) throws {
        do { try queue.write(body) } catch let error as DatabaseError { throw Self.wrap(error, path) }
    }

    private static func wrap(_ error: DatabaseError, _ path: String) -> FolioError {
        FolioError(.io, "the analytics events at \(path): \(error.message ?? "\(error)")")
    }

    private static func event(_ row: Row) -> Event {
        Event(id: row["id"], kind: Event.Kind(rawValue: row["kind"]) ?? .use, prompt: row["prompt"], blob: row["blob"],
              commit: row["commit_id"], variant: row["variant"], experiment: row["experiment"], subject: row["subject"],
              source: row["source"], user: row["user"], time: Date(timeIntervalSince1970: row["time"]),
              score: row["score"], success: row["success"], note: row["note"], ref: row["ref"], client: row["client"])
    }
}
