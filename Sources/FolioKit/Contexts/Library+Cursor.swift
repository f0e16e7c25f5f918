import Foundation

extension Library {
    /// Cursor's `User` folder: under `CURSOR_USER_DATA_DIR` (the folder Cursor's `--user-data-dir` names) when set,
    /// else `~/Library/Application Support/Cursor` (macOS), `%APPDATA%\Cursor` (Windows) or
    /// `$XDG_CONFIG_HOME/Cursor`, `~/.config/Cursor` (Linux).
    var cursorUserFolder: String {
        let variables = environment.variables
        if let folder = variables["CURSOR_USER_DATA_DIR"], !folder.isEmpty { return folder + "/User" }
        #if os(macOS)
        return home + "/Library/Application Support/Cursor/User"
        #elseif os(Windows)
        return (variables["APPDATA"] ?? home + "/AppData/Roaming") + "/Cursor/User"
        #else
        let config = variables["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.config"
        return config + "/Cursor/User"
        #endif
    }

    /// cursor-agent's folder: `CURSOR_CONFIG_DIR`, else `~/.cursor`.
    var cursorAgentFolder: String {
        environment.variables["CURSOR_CONFIG_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.cursor"
    }

    /// Chats of Cursor or cursor-agent to take: with no `query`, the newest chat of this repository that has a
    /// conversation (Cursor makes an empty chat for every new tab); with one, the chats whose id or name it gives —
    /// of this repository first, else of any folder, as a chat's id names it wherever it is.
    func cursorChats(of tool: Session.Tool, named query: String?) -> [(path: String, modified: Date)] {
        tool == .cursor ? cursorEditorChats(named: query) : cursorAgentChats(named: query)
    }

    /// Every chat of this repository in Cursor or cursor-agent that has a conversation and changed after
    /// `changedAfter`, with when it last changed: what `folio context watch` looks at, as the tools have no hooks.
    func cursorChatsChanged(of tool: Session.Tool, after changedAfter: Date?) -> [(path: String, modified: Date)] {
        let since = changedAfter ?? .distantPast
        if tool == .cursorAgent {
            let chats = cursorAgentFolder + "/chats"
            let buckets = Set([projectFolder, environment.currentDirectory].map { MD5.hex(Data($0.utf8)) })
            return buckets.sorted().flatMap { bucket -> [(path: String, modified: Date)] in
                let folder = chats + "/" + bucket
                return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().compactMap { id in
                    let path = folder + "/" + id + "/store.db"
                    let modified = [path, path + "-wal", folder + "/" + id + "/meta.json"].compactMap(Self.modificationDate).max()
                    guard let modified, modified > since, let database = try? ForeignDatabase(path),
                          let meta = try? CursorAgentImporter.meta(database), let root = meta["latestRootBlobId"] as? String, !root.isEmpty
                    else { return nil }
                    return (path, modified)
                }
            }
        }
        let storage = CursorStorage(user: cursorUserFolder)
        guard FileManager.default.fileExists(atPath: storage.globalDatabase) else { return [] }
        var heads = storage.heads(where: isInProject)
        if heads.isEmpty { heads = storage.headsFromChatData(where: isInProject) }
        guard let database = try? CursorImporter.open(storage.globalDatabase) else { return [] }
        return heads.compactMap { head in
            guard let chat = Self.cursorChat(head, in: database, storage: storage), chat.modified > since else { return nil }
            return chat
        }
    }

    /// A chat as a candidate: where it is and when it last changed, by its own data (the workspace's list can lag
    /// behind it); nil when it has no message.
    private static func cursorChat(_ head: CursorStorage.Head, in database: ForeignDatabase, storage: CursorStorage) -> (path: String, modified: Date)? {
        guard let data = try? CursorImporter.composerData(head.id, in: database),
              CursorImporter.hasMessages(data, id: head.id, in: database) else { return nil }
        let updated = [head.updated, CursorImporter.updated(data)].compactMap { $0 }.max() ?? .distantPast
        return (CursorImporter.location(database: storage.globalDatabase, composer: head.id), updated)
    }

    /// Whether `folder` is the repository's folder or inside it (symbolic links resolved on both sides).
    func isInProject(_ folder: String) -> Bool {
        let project = projectFolder
        for (inside, root) in [(folder, project), (Self.resolved(folder), Self.resolved(project))] {
            if inside == root || inside.hasPrefix(root.hasSuffix("/") ? root : root + "/") { return true }
        }
        return false
    }

    private static func resolved(_ path: String) -> String {
        let standard = (path as NSString).standardizingPath
        return (standard as NSString).resolvingSymlinksInPath
    }

    /// The best matches of a query among chats: the id, then the name (letter case aside), then a part of the
    /// id, then a part of the name.
    private static func matching<T>(_ query: String, _ items: [T], id: (T) -> String, name: (T) -> String?) -> [T] {
        let lower = query.lowercased()
        let ids = items.map(id)
        if let exact = ids.firstIndex(of: query) { return [items[exact]] }
        let names = items.map { name($0)?.lowercased() }
        let tiers: [(Int) -> Bool] = [{ names[$0] == lower }, { ids[$0].contains(query) }, { names[$0]?.contains(lower) ?? false }]
        for tier in tiers {
            let found = items.indices.filter(tier).map { items[$0] }
            if !found.isEmpty { return found }
        }
        return []
    }

    private func cursorEditorChats(named query: String?) -> [(path: String, modified: Date)] {
        let storage = CursorStorage(user: cursorUserFolder)
        guard FileManager.default.fileExists(atPath: storage.globalDatabase) else { return [] }
        let location = { (id: String) in CursorImporter.location(database: storage.globalDatabase, composer: id) }
        var heads = storage.heads(where: isInProject)
        let database = try? CursorImporter.open(storage.globalDatabase)
        if let query {
            // This repository's chats, then every listed chat, then every chat's own data.
            for look in [{ heads }, { storage.heads(where: nil) }, { storage.headsFromChatData(where: nil) }] as [() -> [CursorStorage.Head]] {
                let found = Self.matching(query, look(), id: \.id, name: \.name)
                guard !found.isEmpty else { continue }
                // Of several chats the query names, those with messages; one named that has none is still read (and
                // said to hold no conversation), as the user asked for it.
                let withMessages = database.map { database in found.compactMap { Self.cursorChat($0, in: database, storage: storage) } } ?? []
                return withMessages.isEmpty ? found.map { (location($0.id), $0.updated ?? .distantPast) } : withMessages
            }
            return []
        }
        if heads.isEmpty { heads = storage.headsFromChatData(where: isInProject) }
        guard let database else { return [] }
        // The chat updated last by its own data (the lists can lag behind it) that has messages.
        let chats = heads.compactMap { Self.cursorChat($0, in: database, storage: storage) }
        return chats.max { $0.modified < $1.modified }.map { [$0] } ?? []
    }

    private func cursorAgentChats(named query: String?) -> [(path: String, modified: Date)] {
        let chats = cursorAgentFolder + "/chats"
        func chatsIn(_ buckets: [String]) -> [(id: String, path: String, modified: Date)] {
            buckets.flatMap { bucket -> [(id: String, path: String, modified: Date)] in
                let folder = chats + "/" + bucket
                return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).compactMap { id in
                    let path = folder + "/" + id + "/store.db"
                    guard FileManager.default.fileExists(atPath: path) else { return nil }
                    let modified = [path, path + "-wal", folder + "/" + id + "/meta.json"].compactMap {
                        (try? FileManager.default.attributesOfItem(atPath: $0))?[.modificationDate] as? Date
                    }.max() ?? .distantPast
                    return (id, path, modified)
                }
            }
        }
        let buckets = Array(Set([projectFolder, environment.currentDirectory].map { MD5.hex(Data($0.utf8)) })).sorted()
        let mine = chatsIn(buckets)
        func name(_ chat: (id: String, path: String, modified: Date)) -> String? {
            guard let database = try? ForeignDatabase(chat.path), let meta = try? CursorAgentImporter.meta(database) else { return nil }
            return meta["name"] as? String
        }
        if let query {
            var found = Self.matching(query, mine, id: \.id, name: name)
            if found.isEmpty {
                let all = chatsIn(((try? FileManager.default.contentsOfDirectory(atPath: chats)) ?? []).sorted())
                found = Self.matching(query, all, id: \.id, name: name)
            }
            return found.map { ($0.path, $0.modified) }
        }
        // A chat made (`agent create-chat`) and never used has no conversation yet.
        for chat in mine.sorted(by: { $0.modified > $1.modified }) {
            guard let database = try? ForeignDatabase(chat.path), let meta = try? CursorAgentImporter.meta(database),
                  let root = meta["latestRootBlobId"] as? String, !root.isEmpty else { continue }
            return [(chat.path, chat.modified)]
        }
        return []
    }
}
