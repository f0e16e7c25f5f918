import Foundation

/// Where Cursor (the editor) keeps which chat belongs to which folder, under its `User` folder:
///
/// - `workspaceStorage/<id>/workspace.json` names a workspace's folder (`{"folder": "file:///…"}`);
/// - that workspace's `state.vscdb`, table `ItemTable`, key `composer.composerData`, lists its chats
///   (`allComposers`: `composerId`, `name`, `createdAt`, `lastUpdatedAt`) in Cursor before 3.0;
/// - the global `globalStorage/state.vscdb`, table `ItemTable`, key `composer.composerHeaders`, lists every chat
///   (`allComposers`) with its `workspaceIdentifier` (`id`, the workspace's folder name, and `uri.fsPath`) from
///   Cursor 3.0 on.
///
/// Both are read; a chat listed in either is found.
struct CursorStorage {
    /// Cursor's `User` folder.
    let user: String

    var globalDatabase: String { user + "/globalStorage/state.vscdb" }

    /// One chat as the lists name it.
    struct Head: Sendable, Equatable {
        var id: String
        var name: String?
        var updated: Date?
        var folder: String?
    }

    /// The storage a global database belongs to (`<User>/globalStorage/state.vscdb`).
    static func around(database: String) -> CursorStorage? {
        let folder = (database as NSString).deletingLastPathComponent
        guard (folder as NSString).lastPathComponent == "globalStorage" else { return nil }
        return CursorStorage(user: (folder as NSString).deletingLastPathComponent)
    }

    /// Each workspace's folder, by the workspace's id (its folder name under `workspaceStorage`).
    func workspaces() -> [String: String] {
        let base = user + "/workspaceStorage"
        var found: [String: String] = [:]
        for id in (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [] {
            guard let data = FileManager.default.contents(atPath: base + "/" + id + "/workspace.json"),
                  let folder = CursorImporter.folder(of: JSON.object(data)?["folder"]) else { continue }
            found[id] = folder
        }
        return found
    }

    /// The chats of the workspaces whose folder `keep` accepts (every chat when `keep` is nil), from both lists.
    func heads(where keep: ((String) -> Bool)?) -> [Head] {
        let workspaces = workspaces()
        var heads: [String: Head] = [:]
        func add(_ entry: JSONObject, folder: String?) {
            guard let id = entry["composerId"] as? String, !id.isEmpty else { return }
            let head = Head(id: id, name: entry["name"] as? String, updated: JSON.date(entry["lastUpdatedAt"] ?? entry["createdAt"]),
                            folder: folder)
            guard let known = heads[id] else { heads[id] = head; return }
            heads[id] = Head(id: id, name: known.name ?? head.name, updated: [known.updated, head.updated].compactMap { $0 }.max(),
                             folder: known.folder ?? head.folder)
        }
        for (id, folder) in workspaces where keep?(folder) ?? true {
            let path = user + "/workspaceStorage/" + id + "/state.vscdb"
            guard FileManager.default.fileExists(atPath: path), let database = try? ForeignDatabase(path),
                  let list = try? Self.item("composer.composerData", in: database) else { continue }
            for entry in list { add(entry, folder: folder) }
        }
        if FileManager.default.fileExists(atPath: globalDatabase), let database = try? ForeignDatabase(globalDatabase),
           let list = try? Self.item("composer.composerHeaders", in: database) {
            for entry in list {
                let identifier = entry["workspaceIdentifier"] as? JSONObject
                let folder = CursorImporter.folder(of: identifier) ?? (identifier?["id"] as? String).flatMap { workspaces[$0] }
                if let keep, !(folder.map(keep) ?? false) { continue }
                add(entry, folder: folder)
            }
        }
        return Array(heads.values)
    }

    /// Chats from the chats' own data (`composerData:<id>`, whose `workspaceIdentifier` names the folder), for
    /// databases whose lists do not name them: every chat's data is read, so this is the last way to look.
    func headsFromChatData(where keep: ((String) -> Bool)?) -> [Head] {
        guard FileManager.default.fileExists(atPath: globalDatabase), let database = try? CursorImporter.open(globalDatabase) else { return [] }
        var heads: [Head] = []
        try? database.rows("SELECT key, value FROM cursorDiskKV WHERE key >= 'composerData:' AND key < 'composerData;'") { row in
            guard let key = row.text(0), let data = row.json(1) as? JSONObject, CursorImporter.hasConversation(data) else { return true }
            let folder = CursorImporter.folder(of: data["workspaceIdentifier"])
            if let keep, !(folder.map(keep) ?? false) { return true }
            heads.append(Head(id: String(key.dropFirst("composerData:".count)), name: data["name"] as? String,
                              updated: JSON.date(data["lastUpdatedAt"] ?? data["createdAt"]), folder: folder))
            return true
        }
        return heads
    }

    /// The chats an `ItemTable` key lists: `{"allComposers": […]}` or the list itself.
    static func item(_ key: String, in database: ForeignDatabase) throws -> [JSONObject] {
        guard database.hasTable("ItemTable") else { return [] }
        let value = try database.first("SELECT value FROM ItemTable WHERE key = ?", [key]) { $0.json(0) }
        return (value as? JSONObject)?["allComposers"] as? [JSONObject] ?? value as? [JSONObject] ?? []
    }
}
