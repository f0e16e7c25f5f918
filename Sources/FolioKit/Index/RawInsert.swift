internal import GRDB
internal import GRDBSQLite

/// Binds values straight onto a prepared statement and runs it: GRDB's general path (boxing every value
/// into StatementArguments, validating, clearing bindings) costs more than SQLite itself when a full index
/// build inserts 100,000 rows into three tables.
struct RawInsert {
    private let statement: OpaquePointer
    private var index: Int32 = 1

    /// The statement behind GRDB's cached statement for `sql`.
    init(_ sql: String, _ db: Database) throws {
        statement = try db.cachedStatement(sql: sql).sqliteStatement
        sqlite3_reset(statement)
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    mutating func text(_ value: String?) {
        defer { index += 1 }
        guard var value else {
            sqlite3_bind_null(statement, index)
            return
        }
        value.withUTF8 { bytes in
            _ = bytes.withMemoryRebound(to: CChar.self) {
                sqlite3_bind_text(statement, index, $0.baseAddress, Int32($0.count), Self.transient)
            }
        }
    }

    mutating func int(_ value: Int64?) {
        defer { index += 1 }
        if let value { sqlite3_bind_int64(statement, index, value) } else { sqlite3_bind_null(statement, index) }
    }

    mutating func double(_ value: Double?) {
        defer { index += 1 }
        if let value { sqlite3_bind_double(statement, index, value) } else { sqlite3_bind_null(statement, index) }
    }

    /// Runs the statement once and makes it ready for the next row.
    mutating func run() throws {
        let result = sqlite3_step(statement)
        sqlite3_reset(statement)
        index = 1
        guard result == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: result), message: String(cString: sqlite3_errstr(result)))
        }
    }
}
