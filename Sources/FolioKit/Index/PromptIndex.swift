import Foundation
internal import GRDB
internal import Git

/// A library's search index: a SQLite database in the git directory (never committed, one per clone),
/// derived from the files and kept fresh incrementally. It can be deleted at any time; it rebuilds itself.
public final class PromptIndex {
    /// The library's folder, its folder inside the repository ("" or "tools/prompts/"), and its environment.
    /// Copied, not the Library itself: a Library keeps its index, and a cycle would keep the database open
    /// past the end of the process (no checkpoint, a WAL that grows from run to run).
    let root: String
    let prefix: String
    let environment: FolioEnvironment
    let repository: Repository
    /// The database file.
    public let path: String
    private var queue: DatabaseQueue?

    /// Up to this many prompt files, every refresh checks each file's stamp (about 2 µs a file), so an
    /// edit made in place is always seen. Above it, a refresh checks folders, the git index and the files
    /// known to be modified; `refresh(full: true)` checks everything.
    static let defaultFullCheckLimit = 10_000
    /// The limit in use (tests lower it to exercise the folder-based check on small libraries).
    var fullCheckLimit = PromptIndex.defaultFullCheckLimit

    init(library: Library, repository: Repository) {
        root = library.root
        prefix = library.repositoryPrefix(in: repository)
        environment = library.environment
        self.repository = repository
        path = Self.folder(library: library, repository: repository, shared: false) + "/index.sqlite"
    }

    /// Whether the index has been built in this clone (it is built on first use).
    public var isBuilt: Bool { FileManager.default.fileExists(atPath: path) }

    /// Where the sidecar's files go: the git directory (`shared`: the one all work trees share).
    static func folder(library: Library, repository: Repository, shared: Bool) -> String {
        let base = (shared ? repository.commonDir : repository.gitDir) + "/folio"
        let prefix = library.repositoryPrefix(in: repository)
        return prefix.isEmpty ? base : base + "/libraries/" + prefix.dropLast()
    }

    /// What `folio_snippet` read so far on this index's connections (tests check that it stays bounded).
    let snippetWork = Snippet.Work()

    var configuration: Configuration {
        let work = snippetWork
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        // A cache: the rollback journal is kept in memory and nothing is fsynced. WAL would create its -wal and
        // -shm files in every process, and creating files waits on the file system while it writes out what a
        // `git commit` just wrote (18 ms instead of 4 after a commit in a 100,000-prompt library). SQLite's file
        // locks still keep processes apart; a crash in the middle of a write can damage the file, which is
        // detected and rebuilt (`isDamage`).
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF")
            try Snippet.register(db, work: work)
        }
        return configuration
    }

    // MARK: - Opening, with recovery

    /// Runs `body` on the database, building it first when it is missing and rebuilding it (with a notice)
    /// when it is empty, damaged or was written by another version of folio. When the file cannot be written
    /// (a read-only folder, a full disk), the command goes on with an index built in memory, with a notice saying
    /// why and how to fix it.
    func withDatabase<T>(_ body: (DatabaseQueue) throws -> T) throws -> T {
        do {
            do {
                return try body(try open())
            } catch let error as DatabaseError where Self.isDamage(error) {
                environment.notify("the search index was damaged (\(error.message ?? "unreadable")); rebuilding it")
                try rebuildFile()
                return try body(try open())
            }
        } catch {
            guard !inMemory, var problem = unusable(error) else { throw Self.described(error, path: path) }
            let fm = FileManager.default
            if fm.fileExists(atPath: path), !fm.isWritableFile(atPath: path),
               fm.isWritableFile(atPath: (path as NSString).deletingLastPathComponent) {
                // Only the file is read-only (another user's `sudo folio …`): a new one can take its place.
                environment.notify("the search index was read-only; rebuilding it")
                do {
                    try rebuildFile()
                    return try body(try open())
                } catch {
                    guard let again = unusable(error) else { throw Self.described(error, path: path) }
                    problem = again
                }
            }
            environment.notify("\(problem.problem); reading the files instead, which is slower (fix: \(problem.fix))")
            do {
                try buildInMemory()
                return try body(try open())
            } catch {
                throw Self.described(error, path: path)
            }
        }
    }

    private func open() throws -> DatabaseQueue {
        if let queue { return queue }
        removeStaleBuilds()
        let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber
        guard let size, size.intValue > 0 || Self.isFolder(path) else {
            if size != nil {
                // An empty file (a crash while it was created, a copy cut short): nothing to lose.
                environment.notify("the search index was empty; rebuilding it")
            } else if FileManager.default.fileExists(atPath: (path as NSString).deletingLastPathComponent + "/.indexed") {
                // A sidecar folder without its index means the file was deleted; a first use is silent.
                environment.notify("the search index was missing; rebuilding it")
            }
            try rebuildFile()
            _ = FileManager.default.createFile(atPath: (path as NSString).deletingLastPathComponent + "/.indexed", contents: Data())
            return try open()
        }
        let opened: DatabaseQueue
        do {
            opened = try DatabaseQueue(path: path, configuration: configuration)
            let (otherVersion, hasPrompts) = try opened.read { (try IndexSchema.isFromAnotherVersion($0), try $0.tableExists("prompts")) }
            if otherVersion || !hasPrompts {
                environment.notify(otherVersion ? "the search index was made by another version of folio; rebuilding it"
                                                : "the search index was incomplete (no prompts table); rebuilding it")
                try rebuildFile()
                return try open()
            }
        } catch let error as DatabaseError where Self.isDamage(error) {
            environment.notify("the search index was damaged (\(error.message ?? "unreadable")); rebuilding it")
            try rebuildFile()
            return try open()
        }
        queue = opened
        return opened
    }

    static func isDamage(_ error: DatabaseError) -> Bool {
        [.SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_IOERR].contains(error.resultCode)
    }

    private static func isFolder(_ path: String) -> Bool { WriteAccess.isFolder(path) }

    /// True once this index has given up on its file and lives in memory for the rest of the process.
    private var inMemory = false

    /// Why the index file cannot be written and how to fix that, when `error` says it cannot be (as opposed to
    /// damage, which a rebuild repairs); nil for any other error.
    func unusable(_ error: Error) -> (problem: String, fix: String)? {
        let folder = (path as NSString).deletingLastPathComponent
        let reason: String
        switch error {
        case let error as DatabaseError:
            guard [.SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_FULL, .SQLITE_AUTH].contains(error.resultCode) else { return nil }
            if error.resultCode == .SQLITE_FULL { return ("the search index at \(path) cannot be written: the disk is full", "free some space") }
            reason = error.message ?? "SQLite error \(error.resultCode.rawValue)"
        case is CocoaError, is POSIXError:
            reason = (error as NSError).localizedDescription
        default:
            return nil
        }
        if let access = WriteAccess.diagnose(path, what: "the search index") { return (access.problem, access.fix) }
        return ("the search index at \(path) cannot be written (\(reason))", "check the permissions of \(folder), or delete it; folio builds the index again")
    }

    /// An error from the index as a FolioError naming the file and the fix (SQLite's own messages name neither).
    static func described(_ error: Error, path: String) -> Error {
        guard let error = error as? DatabaseError else { return error }
        return FolioError(.io, "the search index at \(path) failed (\(error.message ?? "SQLite error \(error.resultCode.rawValue)")); "
                          + "if it happens again, run `folio index rebuild`")
    }

    /// Builds the whole index in memory, for this process only: the file cannot be written.
    private func buildInMemory() throws {
        let memory = try DatabaseQueue(configuration: configuration)
        try IndexSchema.migrator.migrate(memory)
        try memory.write { db in _ = try update(db, full: true, building: true) }
        queue = memory
        inMemory = true
    }

    /// Removes what killed rebuilds left behind: `index.sqlite.building-PID-N` files whose process is gone, or
    /// that nothing has written to for an hour (a rebuild writes all the time; the pid may have been reused).
    func removeStaleBuilds() {
        let fm = FileManager.default
        let folder = (path as NSString).deletingLastPathComponent
        let prefix = (path as NSString).lastPathComponent + ".building-"
        guard let names = try? fm.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(prefix) {
            let full = folder + "/" + name
            guard let pid = Int32(name.dropFirst(prefix.count).prefix { $0.isASCII && $0.isNumber }), pid != getpid() else { continue }
            let alive = kill(pid, 0) == 0 || errno == EPERM
            let written = (try? fm.attributesOfItem(atPath: full))?[.modificationDate] as? Date ?? .distantPast
            if !alive || written < Date().addingTimeInterval(-3600) { try? fm.removeItem(atPath: full) }
        }
    }

    /// Builds the index from nothing into a new file, then puts it in place of the old one.
    @discardableResult
    public func rebuild() throws -> RefreshReport {
        do {
            return try rebuildFile()
        } catch {
            if let problem = unusable(error) { throw FolioError(.io, "\(problem.problem); fix: \(problem.fix)") }
            throw Self.described(error, path: path)
        }
    }

    @discardableResult
    private func rebuildFile() throws -> RefreshReport {
        queue = nil
        inMemory = false
        removeStaleBuilds()
        let fm = FileManager.default
        try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // The process id says whose build it is (removeStaleBuilds); the number, which of this process's: a server
        // holds several libraries over one folder, and two builds in one file break each other.
        let building = path + ".building-\(getpid())-\(UUID().uuidString.prefix(8))"
        try? fm.removeItem(atPath: building)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let report: RefreshReport
        do {
            let fresh = try DatabaseQueue(path: building, configuration: configuration)
            // A cache being built from scratch: no journal, no fsync; a crash leaves only a file to delete.
            try fresh.writeWithoutTransaction { db in
                // 16 KB pages: fewer B-tree and FTS segment pages to write for documents of a few KB.
                try db.execute(sql: "PRAGMA page_size = 16384; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -16384")
            }
            try IndexSchema.migrator.migrate(fresh)
            report = try fresh.write { db in
                // Secondary indexes are cheaper to build once, after the rows are in.
                for index in IndexSchema.secondaryIndexes { try db.execute(sql: "DROP INDEX \(index.name)") }
                let report = try update(db, full: true, building: true)
                for index in IndexSchema.secondaryIndexes { try db.execute(sql: index.sql) }
                return report
            }
            try fresh.close()
        } catch {
            try? fm.removeItem(atPath: building)
            throw error
        }
        for suffix in ["-wal", "-shm", "-journal"] { try? fm.removeItem(atPath: path + suffix) }
        guard rename(building, path) == 0 else {
            let failure = POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            try? fm.removeItem(atPath: building)
            throw failure
        }
        return report
    }

    // MARK: - Refreshing

    /// What a refresh found and did.
    public struct RefreshReport: Sendable, Equatable {
        public var added = 0
        public var updated = 0
        public var removed = 0
        /// True when every file's stamp was checked.
        public var checkedEveryFile = false
        public var seconds = 0.0

        public var changed: Bool { added + updated + removed > 0 }
    }

    /// Brings the index up to date with HEAD and the work tree: a tree-to-tree diff for commits, stamps for
    /// the work tree. When nothing changed this reads HEAD, the git index's stamp and folder times only.
    @discardableResult
    public func refresh(full: Bool = false) throws -> RefreshReport {
        let report = try withDatabase { queue in try queue.write { db in try update(db, full: full, building: false) } }
        environment.indexRefreshed(report)
        return report
    }

    /// One stored row's identity: enough to tell whether the file changed.
    private struct Stored: Sendable {
        let rowid: Int64
        let blob: String
        let headBlob: String?
        let stamp: FileStamp?

        static func fetch(path: String, _ db: Database) throws -> Stored? {
            try Row.fetchOne(db.cachedStatement(sql: "SELECT rowid, blob, head_blob, mtime, size, inode, ctime FROM prompts WHERE path = ?"),
                             arguments: [path]).map(Stored.init)
        }

        /// Paths and stamps of the rows in one folder (not below).
        static func stamps(inFolder folder: String, _ db: Database) throws -> [String: FileStamp?] {
            var result: [String: FileStamp?] = [:]
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT path, mtime, size, inode, ctime FROM prompts WHERE folder = ?"),
                                        arguments: [folder]) {
                result[row["path"]] = Stored.stamp(row)
            }
            return result
        }

        init(_ row: Row) {
            rowid = row["rowid"]
            blob = row["blob"]
            headBlob = row["head_blob"]
            stamp = Stored.stamp(row)
        }

        static func stamp(_ row: Row) -> FileStamp? {
            guard let mtime: Int64 = row["mtime"] else { return nil }
            return FileStamp(modified: mtime, size: row["size"], inode: row["inode"], changed: row["ctime"])
        }
    }

    private func update(_ db: Database, full: Bool, building: Bool) throws -> RefreshReport {
        let started = Date()
        let startedNanoseconds = Int64(started.timeIntervalSince1970 * 1_000_000_000)
        var report = RefreshReport()
        let state = try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT key, value FROM state").map {
            ($0["key"] as String, $0["value"] as String)
        })

        // 1. Commits: what changed in the library's prompts between the indexed HEAD and this one.
        var candidates = Set<String>()
        var headBlobs: [String: OID?] = [:]
        let head = try gitCall("read HEAD") { try repository.head().commit }
        if head?.hex != state["head"] || building {
            let oldTree = building ? nil : state["head"].flatMap(OID.init(hex:)).flatMap { try? repository.commit($0).tree }
            let newTree = try head.map { commit in try gitCall { try repository.commit(commit).tree } }
            let deltas = try gitCall("compare commits") { try repository.changedFiles(from: oldTree, to: newTree, under: prefix + "prompts") }
            for delta in deltas {
                if let old = delta.oldPath, let relative = Self.relative(old, prefix: prefix) {
                    candidates.insert(relative)
                    if headBlobs[relative] == nil { headBlobs[relative] = .some(nil) }
                }
                if let new = delta.newPath, let relative = Self.relative(new, prefix: prefix) {
                    candidates.insert(relative)
                    headBlobs[relative] = .some(delta.newBlob)
                }
            }
        }

        // 2. The work tree: every file's stamp when that is cheap (or asked for), else folders, staged files and
        //    files already known to differ from HEAD.
        var folders: [String: (mtime: Int64, digest: Int64?)] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT path, mtime, digest FROM folders") {
            folders[row["path"]] = (row["mtime"], row["digest"])
        }
        let promptCount = Int(state["count"] ?? "") ?? 0
        let checkEveryFile = full || building || promptCount <= fullCheckLimit
        var freshStamps: [String: FileStamp] = [:]
        if checkEveryFile {
            let scan = WorkTreeScanner.scan(root: root)
            var newFolders: [String: (mtime: Int64, digest: Int64?)] = [:]
            for (name, folder) in scan.folders {
                newFolders[name] = (folder.mtime, folder.digest)
                guard folders[name]?.digest != folder.digest || building else { continue }
                // This folder changed: compare its files one by one.
                let stored = building ? [:] : try Stored.stamps(inFolder: name, db)
                for (path, stamp) in folder.files where stored[path] ?? nil != stamp {
                    candidates.insert(path)
                    freshStamps[path] = stamp
                }
                for path in stored.keys where folder.files[path] == nil { candidates.insert(path) }
            }
            for folder in folders.keys where newFolders[folder] == nil {
                candidates.formUnion(try Stored.stamps(inFolder: folder, db).keys)
            }
            folders = newFolders
        } else {
            for (folder, known) in folders.sorted(by: { $0.key < $1.key }) {
                guard let now = WorkTreeScanner.folderTime(root + "/" + folder) else {
                    folders[folder] = nil
                    candidates.formUnion(try Stored.stamps(inFolder: folder, db).keys)
                    continue
                }
                guard now != known.mtime else { continue }
                var scan = WorkTreeScanner.Scan()
                WorkTreeScanner.scanFolder(root: root, relative: folder, recursive: false, into: &scan)
                for sub in scan.folders.keys where folders[sub] == nil {
                    WorkTreeScanner.scanFolder(root: root, relative: sub, recursive: true, into: &scan)
                }
                let files = scan.files
                for (path, stamp) in files where try Stored.fetch(path: path, db)?.stamp != stamp {
                    candidates.insert(path)
                    freshStamps[path] = stamp
                }
                for path in try Stored.stamps(inFolder: folder, db).keys where files[path] == nil { candidates.insert(path) }
                for (sub, scanned) in scan.folders { folders[sub] = (scanned.mtime, nil) }
            }
            // Files staged since the last refresh (an edit made in place, then `git add`). When HEAD moved too,
            // what was staged was committed and the diff above has it; loading a large git index costs
            // more than everything else here, so it is read only after a bare `git add`.
            if Self.gitIndexStamp(repository) != state["git_index"], head?.hex == state["head"] {
                let since = (Int64(state["refreshed_at"] ?? "") ?? 0) - 2_000_000_000
                let staged = try gitCall("read the git index") { try repository.index().paths(under: prefix + "prompts/", stagedSince: since) }
                for path in staged { if let relative = Self.relative(path, prefix: prefix) { candidates.insert(relative) } }
            }
            // Files known to differ from HEAD may have been edited again.
            for row in try Row.fetchAll(db, sql: "SELECT path, mtime, size, inode, ctime FROM prompts WHERE modified = 1") {
                let path: String = row["path"]
                if WorkTreeScanner.stamp(root + "/" + path) != Stored.stamp(row) { candidates.insert(path) }
            }
        }
        report.checkedEveryFile = checkEveryFile

        // 3. Read, hash and parse what may have changed, in parallel; write in order.
        let ordered = candidates.sorted()
        var stored: [String: Stored] = [:]
        if !building {
            for path in ordered { stored[path] = try Stored.fetch(path: path, db) }
        }
        let pendingLastChange = Set(headBlobs.compactMap { $0.value == nil ? nil : $0.key })
        let lastChanges = try lastChange(of: pendingLastChange, prefix: prefix, head: head,
                                         indexedHead: building ? nil : state["head"].flatMap(OID.init(hex:)))
        let batch = 2048
        var done = 0
        var logged: [IndexChange] = []
        let batches = stride(from: 0, to: ordered.count, by: batch).map { Array(ordered[$0..<min($0 + batch, ordered.count)]) }
        let headChanged = Set(headBlobs.keys)
        let known = stored, stamps = freshStamps, root = self.root
        // Files of the next batch are read and parsed while this one is written.
        let next = Prefetch()
        if let first = batches.first {
            next.start { Self.examine(first, root: root, stored: known, headChanged: headChanged, stamps: stamps) }
        }
        for (number, paths) in batches.enumerated() {
            let results = next.wait()
            if number + 1 < batches.count {
                let following = batches[number + 1]
                next.start { Self.examine(following, root: root, stored: known, headChanged: headChanged, stamps: stamps) }
            }
            for (path, result) in zip(paths, results) {
                let old = stored[path]
                switch result {
                case .gone:
                    if let old {
                        try delete(rowid: old.rowid, db)
                        report.removed += 1
                        logged.append(IndexChange(kind: .prompt, id: IndexRow.id(ofPath: path), change: .removed))
                    }
                case .touched(let stamp):
                    try db.execute(sql: "UPDATE prompts SET mtime = ?, size = ?, inode = ?, ctime = ? WHERE rowid = ?",
                                   arguments: [stamp.modified, stamp.size, stamp.inode, stamp.changed, old?.rowid])
                case .parsed(var row):
                    row.headBlob = headBlobs[path] ?? old?.headBlob.flatMap(OID.init(hex:))
                    if let change = lastChanges[path] {
                        row.lastChange = change
                    } else if headBlobs[path] == nil, let old {
                        row.lastChange = try LastChange.stored(rowid: old.rowid, db)
                    }
                    if let old { try delete(rowid: old.rowid, db) }
                    try insert(row, db)
                    if old == nil { report.added += 1 } else { report.updated += 1 }
                    logged.append(IndexChange(kind: .prompt, id: row.id, change: old == nil ? .added : .changed))
                }
            }
            done += paths.count
            if ordered.count > 5_000 {
                environment.progress(.init(task: "indexing prompts", done: done, total: ordered.count))
            }
        }

        // 4. Remember where this refresh left off (nothing is written when nothing changed).
        let gitIndex = Self.gitIndexStamp(repository)
        let storedFolders = try Row.fetchAll(db, sql: "SELECT path, mtime, digest FROM folders").map {
            "\($0["path"] as String):\($0["mtime"] as Int64):\(($0["digest"] as Int64?).map(String.init) ?? "")"
        }.sorted()
        let newFolders = folders.map { "\($0.key):\($0.value.mtime):\($0.value.digest.map(String.init) ?? "")" }.sorted()
        if storedFolders != newFolders {
            try db.execute(sql: "DELETE FROM folders")
            for (folder, known) in folders {
                try db.execute(sql: "INSERT INTO folders (path, mtime, digest) VALUES (?, ?, ?)", arguments: [folder, known.mtime, known.digest])
            }
        }
        if report.changed || building || head?.hex != state["head"] || gitIndex != state["git_index"] || storedFolders != newFolders {
            try setState("head", head?.hex ?? "", db)
            try setState("git_index", gitIndex, db)
            try setState("refreshed_at", String(startedNanoseconds), db)
            try setState("count", String(promptCount + report.added - report.removed), db)
        }
        // A build from nothing has nothing to compare with: it counts as a change, but logs no ids.
        if report.changed { try Self.bumpGeneration(db, logging: building ? [] : logged) }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// Counts refreshes that changed something (prompts or contexts), so a watcher can tell a change from an
    /// integer instead of comparing every row, and logs what changed under the new generation. The log keeps
    /// the last `changeLogGenerations` generations, and at most `changeLogLimit` ids of one refresh (a checkout
    /// that changes more is logged as one row with id "*": many changed).
    static func bumpGeneration(_ db: Database, logging changes: [IndexChange]) throws {
        try db.execute(sql: """
            INSERT INTO state (key, value) VALUES ('generation', '1')
            ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)
            """)
        let generation = try storedGeneration(db)
        let logged = changes.count > changeLogLimit
            ? Set(changes.map(\.kind)).sorted { $0.rawValue < $1.rawValue }.map { IndexChange(kind: $0, id: "*", change: .changed) }
            : changes
        for change in logged {
            try db.cachedStatement(sql: "INSERT INTO change_log (generation, kind, id, change) VALUES (?, ?, ?, ?)")
                .execute(arguments: [generation, change.kind.rawValue, change.id, change.change.rawValue])
        }
        try db.execute(sql: "DELETE FROM change_log WHERE generation <= ?", arguments: [generation - changeLogGenerations])
    }

    static let changeLogGenerations = 1_000
    static let changeLogLimit = 1_000

    private static func storedGeneration(_ db: Database) throws -> Int {
        try Int(String.fetchOne(db, sql: "SELECT value FROM state WHERE key = 'generation'") ?? "0") ?? 0
    }

    /// How many refreshes have changed the index so far (after bringing it up to date, prompts and contexts).
    public func generation() throws -> Int {
        try changes(since: nil).generation
    }

    /// Brings the index up to date (prompts and contexts), then says what changed after generation `since`, from
    /// the change log: by whichever process refreshed the index. `changes` is nil when the log does not reach
    /// back that far (or the index was rebuilt since): then anything may have changed.
    public func changes(since: Int?) throws -> IndexChanges {
        try refresh()
        try refreshContexts()
        return try withDatabase { queue in
            try queue.read { db in
                let generation = try Self.storedGeneration(db)
                guard let since else { return IndexChanges(generation: generation, changes: []) }
                if since == generation { return IndexChanges(generation: generation, changes: []) }
                let oldest = try Int.fetchOne(db, sql: "SELECT min(generation) FROM change_log") ?? generation + 1
                // Every generation after `since` must still be logged (a build from nothing logs none).
                guard since < generation, oldest <= since + 1 else { return IndexChanges(generation: generation, changes: nil) }
                let rows = try Row.fetchAll(db, sql: "SELECT generation, kind, id, change FROM change_log WHERE generation > ? ORDER BY generation, rowid",
                                            arguments: [since])
                let logged = Set(rows.map { $0["generation"] as Int })
                guard logged.count == generation - since else { return IndexChanges(generation: generation, changes: nil) }
                let changes = rows.compactMap { row -> IndexChange? in
                    guard let kind = IndexChange.Kind(rawValue: row["kind"]), let change = IndexChange.Change(rawValue: row["change"]) else { return nil }
                    return IndexChange(kind: kind, id: row["id"], change: change)
                }
                return IndexChanges(generation: generation, changes: changes.contains { $0.id == "*" } ? nil : changes)
            }
        }
    }

    // MARK: - Examining files

    /// Runs one piece of work in the background and hands over its result.
    private final class Prefetch: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var result: [Examined] = []

        func start(_ work: @escaping @Sendable () -> [Examined]) {
            DispatchQueue.global(qos: .userInitiated).async {
                self.result = work()
                self.done.signal()
            }
        }

        func wait() -> [Examined] {
            done.wait()
            return result
        }
    }

    enum Examined: Sendable {
        case gone
        case touched(FileStamp)
        case parsed(IndexRow)
    }

    /// Reads, hashes and parses files on all cores.
    private static func examine(_ paths: [String], root: String, stored: [String: Stored], headChanged: Set<String>,
                                stamps: [String: FileStamp]) -> [Examined] {
        final class Results: @unchecked Sendable {
            var items: [Examined]
            init(count: Int) { items = Array(repeating: .gone, count: count) }
        }
        let results = Results(count: paths.count)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        let slice = (paths.count + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let lower = worker * slice
            let upper = min(lower + slice, paths.count)
            guard lower < upper else { return }
            var local: [Examined] = []
            local.reserveCapacity(upper - lower)
            for index in lower..<upper {
                let path = paths[index]
                let full = root + "/" + path
                // The stamp is taken before reading, so a write during the read shows up next time.
                guard let stamp = stamps[path] ?? WorkTreeScanner.stamp(full),
                      let data = FileManager.default.contents(atPath: full),
                      let blob = try? Repository.blobID(of: data) else {
                    local.append(.gone)
                    continue
                }
                if let old = stored[path], old.blob == blob.hex, !headChanged.contains(path) {
                    local.append(.touched(stamp))
                } else {
                    local.append(.parsed(IndexRow(path: path, data: data, blob: blob, stamp: stamp)))
                }
            }
            results.items.withUnsafeMutableBufferPointer { buffer in
                for (offset, item) in local.enumerated() { buffer[lower + offset] = item }
            }
        }
        return results.items
    }

    /// The last commit that changed each path (repository-relative paths are matched from the library's).
    private func lastChange(of paths: Set<String>, prefix: String, head: OID?, indexedHead: OID?) throws -> [String: LastChange] {
        guard let head, !paths.isEmpty else { return [:] }
        // The usual case: one commit on top of the indexed one changed exactly these paths.
        let headCommit = try gitCall { try repository.commit(head) }
        if let indexedHead, headCommit.parents == [indexedHead] {
            let change = LastChange(commit: head.hex, author: headCommit.author.name, email: headCommit.author.email,
                                    date: headCommit.author.date)
            return Dictionary(uniqueKeysWithValues: paths.map { ($0, change) })
        }
        var pending = Set(paths.map { prefix + $0 })
        var found: [String: LastChange] = [:]
        try gitCall("read history") {
            try repository.walkCommits(from: head) { oid in
                let commit = try repository.commit(oid)
                let parentTree = try commit.parents.first.map { try repository.commit($0).tree }
                for delta in try repository.changedFiles(from: parentTree, to: commit.tree, under: prefix + "prompts") {
                    guard let path = delta.newPath, pending.remove(path) != nil else { continue }
                    found[String(path.dropFirst(prefix.count))] = LastChange(
                        commit: oid.hex, author: commit.author.name, email: commit.author.email, date: commit.author.date)
                }
                return !pending.isEmpty
            }
        }
        return found
    }

    // MARK: - Writing rows

    private func insert(_ row: IndexRow, _ db: Database) throws {
        let prompt = row.prompt
        var insert = try RawInsert("""
            INSERT INTO prompts (id, path, folder, blob, head_blob, modified, title, description, category, status, partial, tags,
                                 owners, variables, tokens, error, last_commit, last_author, last_email, last_date,
                                 mtime, size, inode, ctime)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, db)
        insert.text(row.id)
        insert.text(row.path)
        insert.text(String(row.path[..<(row.path.lastIndex(of: "/") ?? row.path.endIndex)]))
        insert.text(row.blob.hex)
        insert.text(row.headBlob?.hex)
        insert.int(row.headBlob != row.blob ? 1 : 0)
        insert.text(prompt?.title)
        insert.text(prompt?.description)
        insert.text(prompt?.category)
        insert.text(prompt?.effectiveStatus.rawValue ?? "invalid")
        insert.int(prompt?.partial == true ? 1 : 0)
        insert.text(Self.json(prompt?.tags ?? []))
        insert.text(Self.json(prompt?.owners ?? []))
        insert.text(Self.json(prompt?.variables.map(\.name) ?? []))
        insert.int(Int64(prompt?.estimatedTokens ?? 0))
        insert.text(row.error)
        insert.text(row.lastChange?.commit)
        insert.text(row.lastChange?.author)
        insert.text(row.lastChange?.email)
        insert.double(row.lastChange?.date.timeIntervalSince1970)
        insert.int(row.stamp.modified)
        insert.int(row.stamp.size)
        insert.int(row.stamp.inode)
        insert.int(row.stamp.changed)
        try insert.run()
        let rowid = db.lastInsertedRowID
        if let tags = prompt?.tags, !tags.isEmpty {
            var tag = try RawInsert("INSERT INTO prompt_tags (prompt, tag) VALUES (?, ?)", db)
            for name in tags {
                tag.int(rowid)
                tag.text(name)
                try tag.run()
            }
        }
        if let owners = prompt?.owners, !owners.isEmpty {
            var owner = try RawInsert("INSERT INTO prompt_owners (prompt, owner) VALUES (?, ?)", db)
            for name in owners {
                owner.int(rowid)
                owner.text(name)
                try owner.run()
            }
        }
        var fts = try RawInsert("INSERT INTO prompts_fts (rowid, id, title, tags, description, body) VALUES (?, ?, ?, ?, ?, ?)", db)
        fts.int(rowid)
        // Ids are searched as words: review/api-docs is "review api docs".
        fts.text(String(row.id.map { $0 == "/" || $0 == "-" ? " " : $0 }))
        fts.text(prompt?.title)
        fts.text(prompt?.tags.joined(separator: " "))
        fts.text(prompt?.description)
        fts.text(prompt?.body)
        try fts.run()
    }

    private func delete(rowid: Int64, _ db: Database) throws {
        for sql in ["DELETE FROM prompts WHERE rowid = ?", "DELETE FROM prompt_tags WHERE prompt = ?",
                    "DELETE FROM prompt_owners WHERE prompt = ?", "DELETE FROM prompts_fts WHERE rowid = ?"] {
            try db.cachedStatement(sql: sql).execute(arguments: [rowid])
        }
    }

    private func setState(_ key: String, _ value: String, _ db: Database) throws {
        try db.execute(sql: "INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       arguments: [key, value])
    }

    /// A JSON array of strings, written by hand: JSONEncoder costs more than the rest of a row.
    static func json(_ strings: [String]) -> String {
        var out = "["
        for (index, string) in strings.enumerated() {
            if index > 0 { out += "," }
            JSONText.appendQuoted(string, to: &out)
        }
        return out + "]"
    }

    /// `prompts/…` for a repository path inside the library's prompts folder, else nil.
    static func relative(_ repositoryPath: String, prefix: String) -> String? {
        guard repositoryPath.hasPrefix(prefix + "prompts/"), repositoryPath.hasSuffix(PromptID.fileSuffix) else { return nil }
        return String(repositoryPath.dropFirst(prefix.count))
    }

    /// The git index file's stamp: it changes when anything is staged or git refreshes it.
    static func gitIndexStamp(_ repository: Repository) -> String {
        guard let stamp = WorkTreeScanner.stamp(repository.gitDir + "/index") else { return "" }
        return "\(stamp.modified):\(stamp.size)"
    }
}

/// A prompt or context that one refresh of the index found added, changed or removed.
public struct IndexChange: Sendable, Equatable, Hashable {
    public enum Kind: String, Sendable { case prompt, context }
    public enum Change: String, Sendable { case added, changed, removed }
    public let kind: Kind
    public let id: String
    public let change: Change
}

/// What changed in the index after a generation: `changes` is nil when that is no longer known.
public struct IndexChanges: Sendable, Equatable {
    public let generation: Int
    public let changes: [IndexChange]?
}

/// Who last changed a file, and when.
struct LastChange: Equatable, Sendable {
    let commit: String
    let author: String
    let email: String
    let date: Date

    static func stored(rowid: Int64, _ db: Database) throws -> LastChange? {
        guard let row = try Row.fetchOne(db, sql: "SELECT last_commit, last_author, last_email, last_date FROM prompts WHERE rowid = ?",
                                         arguments: [rowid]),
              let commit: String = row["last_commit"] else { return nil }
        return LastChange(commit: commit, author: row["last_author"] ?? "", email: row["last_email"] ?? "",
                          date: Date(timeIntervalSince1970: row["last_date"] ?? 0))
    }
}

/// A file read and parsed for the index (or the reason it could not be).
struct IndexRow: @unchecked Sendable {
    let path: String
    let id: String
    let blob: OID
    var headBlob: OID?
    let stamp: FileStamp
    let prompt: Prompt?
    let error: String?
    var lastChange: LastChange?

    /// A prompt's id from its path (`prompts/review/security.prompt.md`), even when the id is not a valid one.
    static func id(ofPath path: String) -> String {
        PromptID.fromRelativePath(path)?.rawValue ?? String(path.dropFirst("prompts/".count).dropLast(PromptID.fileSuffix.count))
    }

    init(path: String, data: Data, blob: OID, stamp: FileStamp) {
        self.path = path
        self.blob = blob
        self.stamp = stamp
        let id = PromptID.fromRelativePath(path)
        self.id = Self.id(ofPath: path)
        if let problem = LintFileKind.prompt.sizeProblem(data.count) {
            // Not parsed: lint judges it the same way, and the index would hold a body nobody can use.
            prompt = nil
            error = "\(path):1:1: error: \(problem)"
        } else if let id {
            do {
                prompt = try PromptCodec.decode(data, id: id, path: path).prompt
                error = nil
            } catch let failure as FolioError {
                prompt = nil
                error = failure.message
            } catch {
                prompt = nil
                self.error = "\(path): error: \(error)"
            }
        } else {
            prompt = nil
            error = "\(path): error: \(PromptID.invalidFileName(self.id))"
        }
    }
}
