import Foundation
internal import GRDBSQLite

/// A SQLite database another program owns and may have open while folio reads it (Cursor's `state.vscdb`,
/// cursor-agent's `store.db`). Opened so that the owner is never disturbed: read-only (`mode=ro`), which in WAL
/// mode reads alongside a writer and sees what it committed. When that fails — the owner holds the database in
/// exclusive locking mode, or the WAL index cannot be opened — folio reads a copy of the database and its WAL
/// in a temporary folder, and as a last resort the main file alone (`immutable=1`, which misses what the WAL has
/// not yet checkpointed).
final class ForeignDatabase {
    enum Access: Sendable, Equatable { case readOnly, copy, immutable }

    let path: String
    /// How the database was opened in the end.
    private(set) var access: Access
    private var handle: OpaquePointer?
    private var copyFolder: String?

    init(_ path: String, tries: [Access] = [.readOnly, .copy, .immutable]) throws {
        self.path = path
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw FolioError(.notFound, "cannot read \(path): no such file, or no permission")
        }
        var failures: [String] = []
        access = tries.first ?? .readOnly
        for access in tries {
            do {
                try open(access)
                self.access = access
                return
            } catch let failure as Failure {
                close()
                // A damaged file, or one that is no database, stays so however it is opened: that is no lock to wait out.
                if failure.code == SQLITE_CORRUPT || failure.code == SQLITE_NOTADB {
                    throw FolioError(.invalidInput, "\(path) is damaged or not a SQLite database (\(failure.message)); "
                                     + "folio cannot read it: name a copy that is intact, or let the program that owns it recreate it")
                }
                failures.append("\(access): \(failure.message)")
            }
        }
        throw FolioError(.io, "cannot read the SQLite database \(path) (\(failures.joined(separator: "; "))); "
                         + "if the program that owns it is running, try again once it is idle")
    }

    deinit { close() }

    private struct Failure: Error {
        let message: String
        var code: Int32 = SQLITE_ERROR
    }

    private func open(_ access: Access) throws {
        var target: String
        var flags = SQLITE_OPEN_URI
        switch access {
        case .readOnly:
            target = "file:" + Self.uriPath(path) + "?mode=ro"
            flags |= SQLITE_OPEN_READONLY
        case .immutable:
            target = "file:" + Self.uriPath(path) + "?mode=ro&immutable=1"
            flags |= SQLITE_OPEN_READONLY
        case .copy:
            // The copy is folio's own: opened read-write, so SQLite replays the copied WAL into what it reads.
            let folder = NSTemporaryDirectory() + "/folio-sqlite-" + UUID().uuidString
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                copyFolder = folder
                let copy = folder + "/" + (path as NSString).lastPathComponent
                try FileManager.default.copyItem(atPath: path, toPath: copy)
                if FileManager.default.fileExists(atPath: path + "-wal") { try FileManager.default.copyItem(atPath: path + "-wal", toPath: copy + "-wal") }
                target = "file:" + Self.uriPath(copy)
            } catch {
                throw Failure(message: "copying it failed: \(error.localizedDescription)")
            }
            flags |= SQLITE_OPEN_READWRITE
        }
        let code = sqlite3_open_v2(target, &handle, flags, nil)
        guard code == SQLITE_OK else { throw Failure(message: message(code), code: code & 0xFF) }
        sqlite3_busy_timeout(handle, 1_000)
        // Opening is lazy: the first read is what meets a lock or an unreadable WAL.
        let probe = sqlite3_exec(handle, "SELECT count(*) FROM sqlite_master", nil, nil, nil)
        guard probe == SQLITE_OK else { throw Failure(message: message(probe), code: probe & 0xFF) }
    }

    private func close() {
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
        if let copyFolder { try? FileManager.default.removeItem(atPath: copyFolder) }
        copyFolder = nil
    }

    private func message(_ code: Int32) -> String {
        if let handle, let text = sqlite3_errmsg(handle) { return String(cString: text) }
        return String(cString: sqlite3_errstr(code))
    }

    /// A path as the path part of a SQLite URI: `%`, `?` and `#` escaped.
    static func uriPath(_ path: String) -> String {
        var out = ""
        for character in path {
            switch character {
            case "%": out += "%25"
            case "?": out += "%3f"
            case "#": out += "%23"
            default: out.append(character)
            }
        }
        return out
    }

    /// Whether the database has a table of that name.
    func hasTable(_ name: String) -> Bool {
        (try? first("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]) { _ in true }) != nil
    }

    /// Runs `sql` with its `?` bound to `arguments` (as text) and calls `body` for each row until it returns
    /// false. A row's values are valid only inside `body`.
    func rows(_ sql: String, _ arguments: [String] = [], _ body: (Row) throws -> Bool) throws {
        var statement: OpaquePointer?
        let prepared = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard prepared == SQLITE_OK, let statement else {
            throw FolioError(.io, "cannot read \(path): \(message(prepared))")
        }
        defer { sqlite3_finalize(statement) }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (index, argument) in arguments.enumerated() {
            sqlite3_bind_text(statement, Int32(index + 1), argument, -1, transient)
        }
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_DONE { return }
            guard step == SQLITE_ROW else { throw FolioError(.io, "cannot read \(path): \(message(step))") }
            guard try body(Row(statement: statement)) else { return }
        }
    }

    /// The first row's value as `body` makes it, or nil when there is no row.
    func first<T>(_ sql: String, _ arguments: [String] = [], _ body: (Row) throws -> T?) throws -> T? {
        var found: T?
        try rows(sql, arguments) { row in
            found = try body(row)
            return false
        }
        return found
    }

    /// One row of a result.
    struct Row {
        let statement: OpaquePointer

        func text(_ column: Int32) -> String? {
            guard sqlite3_column_type(statement, column) != SQLITE_NULL else { return nil }
            return withBytes(column) { String(decoding: $0, as: UTF8.self) }
        }

        func int(_ column: Int32) -> Int64? {
            sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, column)
        }

        func data(_ column: Int32) -> Data? {
            guard sqlite3_column_type(statement, column) != SQLITE_NULL else { return nil }
            return withBytes(column) { Data($0) }
        }

        /// The value's bytes (text or blob) without copying them.
        func withBytes<T>(_ column: Int32, _ body: (UnsafeRawBufferPointer) -> T) -> T {
            let pointer = sqlite3_column_blob(statement, column)
            let count = Int(sqlite3_column_bytes(statement, column))
            return body(UnsafeRawBufferPointer(start: count > 0 ? pointer : nil, count: count))
        }

        /// The value parsed as JSON (the value stays in SQLite's buffer: a bubble of tens of megabytes is not
        /// copied first).
        func json(_ column: Int32) -> Any? {
            guard sqlite3_column_type(statement, column) != SQLITE_NULL else { return nil }
            return withBytes(column) { bytes in
                guard let base = bytes.baseAddress else { return nil }
                return JSONReader.parse(Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count, deallocator: .none))
            }
        }
    }
}
