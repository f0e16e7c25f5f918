import Foundation
import GRDBSQLite

/// A SQLite file written by the test itself, over SQLite's C API (not folio's reader): the way another program
/// writes its database. Kept open as long as the value lives, so a test can hold a write transaction open while
/// folio reads.
public final class SQLiteFile: @unchecked Sendable {
    public let path: String
    private var handle: OpaquePointer?

    /// Opens (creating) the file; `wal` puts it in WAL mode, as Cursor's databases are.
    public init(_ path: String, wal: Bool = true) {
        self.path = path
        try! FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        precondition(sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK, "cannot open \(path)")
        if wal { execute("PRAGMA journal_mode=WAL") }
    }

    deinit { close() }

    public func close() {
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    public func execute(_ sql: String) {
        var error: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &error)
        precondition(code == SQLITE_OK, "\(sql): \(error.map { String(cString: $0) } ?? "error \(code)")")
    }

    /// Inserts a row of text or blob values (a nil is NULL).
    public func insert(_ table: String, _ values: [Any?]) {
        var statement: OpaquePointer?
        let marks = Array(repeating: "?", count: values.count).joined(separator: ", ")
        precondition(sqlite3_prepare_v2(handle, "INSERT INTO \(table) VALUES (\(marks))", -1, &statement, nil) == SQLITE_OK)
        defer { sqlite3_finalize(statement) }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (index, value) in values.enumerated() {
            let column = Int32(index + 1)
            switch value {
            case let text as String: sqlite3_bind_text(statement, column, text, -1, transient)
            case let data as Data: _ = data.withUnsafeBytes { sqlite3_bind_blob(statement, column, $0.baseAddress, Int32($0.count), transient) }
            case let number as Int: sqlite3_bind_int64(statement, column, Int64(number))
            default: sqlite3_bind_null(statement, column)
            }
        }
        precondition(sqlite3_step(statement) == SQLITE_DONE, "insert into \(table): \(String(cString: sqlite3_errmsg(handle)))")
    }
}

/// JSON text of a value, as the tools store it.
public func jsonText(_ value: Any) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
}

/// Cursor's storage as the editor leaves it: `<root>/User/globalStorage/state.vscdb` (`ItemTable`, `cursorDiskKV`)
/// and `<root>/User/workspaceStorage/<id>/` (`workspace.json`, `state.vscdb`). `root` is what
/// `CURSOR_USER_DATA_DIR` names.
public final class CursorFixture: @unchecked Sendable {
    public let root: String
    public var user: String { root + "/User" }
    public var globalPath: String { user + "/globalStorage/state.vscdb" }
    public let global: SQLiteFile

    public init(root: String) {
        self.root = root
        global = SQLiteFile(root + "/User/globalStorage/state.vscdb")
        global.execute("CREATE TABLE IF NOT EXISTS ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)")
        global.execute("CREATE TABLE IF NOT EXISTS cursorDiskKV (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)")
    }

    /// A workspace for `folder`, whose own database lists `composers` (heads: composerId, name, times), as
    /// Cursor before 3.0 keeps them.
    public func workspace(_ id: String, folder: String, composers: [[String: Any]] = []) {
        let base = user + "/workspaceStorage/" + id
        try! FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        try! jsonText(["folder": URL(fileURLWithPath: folder).absoluteString]).write(toFile: base + "/workspace.json", atomically: true, encoding: .utf8)
        let database = SQLiteFile(base + "/state.vscdb")
        database.execute("CREATE TABLE IF NOT EXISTS ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)")
        database.execute("CREATE TABLE IF NOT EXISTS cursorDiskKV (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)")
        database.insert("ItemTable", ["composer.composerData", jsonText(["allComposers": composers, "selectedComposerIds": composers.prefix(1).compactMap { $0["composerId"] }])])
        database.close()
    }

    /// The global list of chats, as Cursor 3.0 on keeps it (`workspaceIdentifier` ties each to a workspace).
    public func headers(_ composers: [[String: Any]]) {
        global.insert("ItemTable", ["composer.composerHeaders", jsonText(["allComposers": composers])])
    }

    /// A chat in the current layout: `composerData` lists the bubbles, each in its own row (a bubble given as a
    /// String is stored as that text, JSON or not; a `NSNull` as NULL).
    public func chat(_ id: String, _ data: [String: Any], bubbles: [(id: String, type: Int, value: Any)]) {
        var data = data
        data["composerId"] = id
        data["_v"] = 10
        data["fullConversationHeadersOnly"] = bubbles.map { ["bubbleId": $0.id, "type": $0.type] }
        global.insert("cursorDiskKV", ["composerData:" + id, jsonText(data)])
        for bubble in bubbles {
            let value: Any? = switch bubble.value {
            case let text as String: text
            case is NSNull: nil
            default: jsonText(bubble.value)
            }
            global.insert("cursorDiskKV", ["bubbleId:\(id):\(bubble.id)", value])
        }
    }

    /// A chat in the older layout: the bubbles inline, in `conversation`.
    public func inlineChat(_ id: String, _ data: [String: Any], conversation: [[String: Any]]) {
        var data = data
        data["composerId"] = id
        data["conversation"] = conversation
        global.insert("cursorDiskKV", ["composerData:" + id, jsonText(data)])
    }
}

/// A cursor-agent chat: `<chats>/<bucket>/<id>/store.db` with `meta` (hex-encoded JSON) and `blobs` (JSON messages
/// and a protobuf root listing them in field 1).
public func writeCursorAgentChat(at path: String, meta: [String: Any], messages: [[String: Any]], rootExtra: Data = Data()) {
    let database = SQLiteFile(path, wal: false)
    database.execute("CREATE TABLE blobs (id TEXT PRIMARY KEY, data BLOB)")
    database.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    var root = Data()
    func id(_ seed: Int) -> Data { Data((0..<32).map { UInt8(truncatingIfNeeded: seed &* 31 &+ $0 &* 7) }) }
    func hex(_ data: Data) -> String { data.map { String(format: "%02x", $0) }.joined() }
    for (index, message) in messages.enumerated() {
        let key = id(index + 1)
        database.insert("blobs", [hex(key), Data(jsonText(message).utf8)])
        root += [0x0A, 0x20] + key
    }
    root += rootExtra
    let rootID = id(999)
    database.insert("blobs", [hex(rootID), root])
    var meta = meta
    if meta["latestRootBlobId"] == nil, !messages.isEmpty { meta["latestRootBlobId"] = hex(rootID) }
    database.insert("meta", ["0", hex(Data(jsonText(meta).utf8))])
    database.close()
}
