import Foundation
internal import GRDB
internal import Git

/// One version of a prompt: a commit on the first-parent history of the current branch that changed its file.
public struct Version: Sendable, Equatable, Codable {
    /// 1 for the oldest version on this branch's first-parent history.
    public let number: Int
    public let commit: String
    public let date: Date
    public let author: String
    public let email: String
    public let message: String
    /// The file's path (relative to the library) in this version, which a rename may have changed since.
    public let path: String
    public let blob: String
    /// Labels that point at this version.
    public var labels: [String]
    /// The commit that removed the prompt after this version, when it was removed (its newest version, or the
    /// last before a removal it was later brought back from).
    public var removal: Removal?

    public var name: String { "v\(number)" }
    public var shortCommit: String { String(commit.prefix(7)) }

    /// The commit that deleted a prompt's file.
    public struct Removal: Sendable, Equatable, Codable {
        public let commit: String
        public let date: Date
        public let author: String
        public let email: String
        public let message: String

        public var shortCommit: String { String(commit.prefix(7)) }
    }
}

extension PromptIndex {
    /// The versions of the prompt whose file is now at `path`, oldest first, following renames. Reads the
    /// history cache, bringing it up to HEAD first (only commits not seen before are read from git).
    func versions(ofPath path: String) throws -> [Version] {
        guard let head = try gitCall("read HEAD", { try repository.head().commit }) else { return [] }
        return try withDatabase { queue in
            try queue.write { db in
                try updateHistory(to: head, db)
                var versions: [Version] = []
                // A removal seen walking back, waiting for the version it removed.
                var pendingRemoval: Version.Removal?
                var current = path
                var below = Int.max
                func removal(_ row: Row) -> Version.Removal {
                    Version.Removal(commit: row["oid"], date: Date(timeIntervalSince1970: row["time"]), author: row["author"],
                                    email: row["email"], message: row["summary"])
                }
                // Newest first along the chain; a rename sends the walk on to the old path for older commits.
                while true {
                    let rows = try Row.fetchAll(db, sql: """
                        SELECT chain.position, ch.path, ch.old_path, ch.status, ch.blob, c.oid, c.author, c.email, c.time, c.summary
                        FROM changes ch JOIN chain ON chain.oid = ch.commit_oid JOIN commits c ON c.oid = ch.commit_oid
                        WHERE ch.path = ? AND chain.position < ? ORDER BY chain.position DESC
                        """, arguments: [current, below])
                    var renamedFrom: (path: String, position: Int)?
                    var ended = false
                    var index = 0
                    while index < rows.count {
                        let row = rows[index]
                        index += 1
                        let status: String = row["status"]
                        if status == "D" {
                            // The prompt's newest change is its removal: its past is what it was before.
                            guard versions.isEmpty, pendingRemoval == nil else { ended = true; break }
                            pendingRemoval = removal(row)
                            continue
                        }
                        var version = Version(number: 0, commit: row["oid"], date: Date(timeIntervalSince1970: row["time"]),
                                              author: row["author"], email: row["email"], message: row["summary"],
                                              path: row["path"], blob: row["blob"], labels: [])
                        version.removal = pendingRemoval
                        pendingRemoval = nil
                        versions.append(version)
                        if status == "A" {
                            // Added again after a removal with the content of one of the versions before it (a revert
                            // to vN): the same prompt brought back, whose past goes on. Other content under an old
                            // name is a new prompt.
                            let blob: String = row["blob"]
                            if index < rows.count, rows[index]["status"] as String == "D",
                               rows[(index + 1)...].prefix(while: { $0["status"] as String != "D" }).contains(where: { $0["blob"] == blob }) {
                                pendingRemoval = removal(rows[index])
                                index += 1
                                continue
                            }
                            ended = true
                            break
                        }
                        if status == "R", let old: String = row["old_path"] {
                            renamedFrom = (old, row["position"])
                            break
                        }
                    }
                    if ended { break }
                    guard let renamedFrom else { break }
                    current = renamedFrom.path
                    below = renamedFrom.position
                }
                return versions.reversed().enumerated().map { index, version in
                    var numbered = Version(number: index + 1, commit: version.commit, date: version.date, author: version.author,
                                           email: version.email, message: version.message, path: version.path, blob: version.blob, labels: [])
                    numbered.removal = version.removal
                    return numbered
                }
            }
        }
    }

    /// The position of a commit on HEAD's first-parent chain (0 for the root), or nil when it is not on it.
    func chainPosition(of commit: String) throws -> Int? {
        try withDatabase { queue in
            try queue.read { db in try Int.fetchOne(db, sql: "SELECT position FROM chain WHERE oid = ?", arguments: [commit]) }
        }
    }

    /// Brings the history cache up to `head`: reads the commits of its first-parent line not cached yet, and
    /// moves the stored chain to it (appending when HEAD moved forward, cutting back when it moved elsewhere).
    private func updateHistory(to head: OID, _ db: Database) throws {
        if try String.fetchOne(db, sql: "SELECT value FROM state WHERE key = 'chain_head'") == head.hex { return }
        // Walk back from HEAD until a commit already on the stored chain (or the root).
        var line: [(oid: OID, parent: OID?)] = []
        var cursor: OID? = head
        var joinAt: Int?
        while let oid = cursor {
            if let position = try Int.fetchOne(db.cachedStatement(sql: "SELECT position FROM chain WHERE oid = ?"), arguments: [oid.hex]) {
                joinAt = position
                break
            }
            let known = try String?.fetchOne(db.cachedStatement(sql: "SELECT parent FROM commits WHERE oid = ?"), arguments: [oid.hex])
            let parent: OID?
            if let known {
                parent = known.flatMap(OID.init(hex:))
            } else {
                parent = try record(oid, db)
            }
            line.append((oid, parent))
            cursor = parent
        }
        let start = (joinAt ?? -1) + 1
        try db.execute(sql: "DELETE FROM chain WHERE position >= ?", arguments: [start])
        for (offset, entry) in line.reversed().enumerated() {
            try db.cachedStatement(sql: "INSERT INTO chain (position, oid) VALUES (?, ?)").execute(arguments: [start + offset, entry.oid.hex])
        }
        try db.execute(sql: "INSERT INTO state (key, value) VALUES ('chain_head', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       arguments: [head.hex])
    }

    /// Reads one commit's prompt changes against its first parent into the cache; returns the first parent.
    private func record(_ oid: OID, _ db: Database) throws -> OID? {
        let commit = try gitCall { try repository.commit(oid) }
        let parent = commit.parents.first
        let parentTree = try parent.map { parent in try gitCall { try repository.commit(parent).tree } }
        let deltas = try gitCall("read \(oid.short)") {
            try repository.changedFiles(from: parentTree, to: commit.tree, under: prefix + "prompts")
        }.filter { ($0.newPath ?? $0.oldPath)?.hasSuffix(PromptID.fileSuffix) == true }
        // Renames: a file deleted and another added in the same commit, same content or similar.
        var renamedFrom: [String: String] = [:]
        let deleted = deltas.filter { $0.status == .deleted }, added = deltas.filter { $0.status == .added }
        if !deleted.isEmpty, !added.isEmpty, let parentTree {
            var byBlob: [OID: [String]] = [:]
            for delta in deleted { if let blob = delta.oldBlob, let path = delta.oldPath { byBlob[blob, default: []].append(path) } }
            var unmatched: [String] = []
            for delta in added {
                guard let path = delta.newPath else { continue }
                if let blob = delta.newBlob, let old = byBlob[blob]?.popLast() {
                    renamedFrom[path] = old
                } else {
                    unmatched.append(path)
                }
            }
            let remaining = byBlob.values.flatMap { $0 }
            if !unmatched.isEmpty, !remaining.isEmpty {
                let similar = try gitCall { try repository.renames(from: parentTree, to: commit.tree, deleted: remaining, added: unmatched) }
                renamedFrom.merge(similar) { $1 }
            }
        }
        let renamedAway = Set(renamedFrom.values)
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO commits (oid, parent, author, email, time, summary) VALUES (?, ?, ?, ?, ?, ?)")
            .execute(arguments: [oid.hex, parent?.hex, commit.author.name, commit.author.email,
                                 commit.author.date.timeIntervalSince1970, commit.summary])
        // A commit is recorded once (callers check `commits` first), so there is nothing to replace.
        let insert = try db.cachedStatement(sql: "INSERT INTO changes (commit_oid, path, old_path, status, blob) VALUES (?, ?, ?, ?, ?)")
        for delta in deltas {
            let repoPath = (delta.newPath ?? delta.oldPath)!
            if delta.status == .deleted, renamedAway.contains(repoPath) { continue }
            let path = String(repoPath.dropFirst(prefix.count))
            let status: String
            var oldPath: String?
            switch delta.status {
            case .added:
                if let old = renamedFrom[repoPath] {
                    status = "R"
                    oldPath = String(old.dropFirst(prefix.count))
                } else {
                    status = "A"
                }
            case .deleted: status = "D"
            default: status = "M"
            }
            try insert.execute(arguments: [oid.hex, path, oldPath, status, (delta.newBlob ?? delta.oldBlob)?.hex])
        }
        return parent
    }
}
