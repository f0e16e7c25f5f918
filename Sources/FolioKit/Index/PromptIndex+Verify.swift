import Foundation
internal import GRDB
internal import Git

extension PromptIndex {
    /// What the index holds, and where.
    public struct Status: Sendable, Equatable {
        public let path: String
        public let bytes: Int64
        public let prompts: Int
        public let invalid: Int
        /// Prompts whose work-tree file differs from HEAD (or is not committed).
        public let modified: Int
        /// The commit the index was last brought up to.
        public let head: String?
        /// What the refresh before this status did.
        public let refresh: RefreshReport
    }

    /// Refreshes, then describes the index.
    public func status() throws -> Status {
        let report = try refresh()
        return try withDatabase { queue in
            try queue.read { db in
                // Partial indexes keep these counts cheap at 100,000 prompts.
                let counts = try Row.fetchOne(db, sql: """
                    SELECT (SELECT value FROM state WHERE key = 'count') AS prompts,
                           (SELECT count(*) FROM prompts WHERE error IS NOT NULL) AS invalid,
                           (SELECT count(*) FROM prompts WHERE modified = 1) AS modified
                    """)
                let head = try String.fetchOne(db, sql: "SELECT value FROM state WHERE key = 'head'")
                let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
                return Status(path: path, bytes: size, prompts: Int(counts?["prompts"] as String? ?? "") ?? 0, invalid: counts?["invalid"] ?? 0,
                              modified: counts?["modified"] ?? 0, head: head?.isEmpty == false ? head : nil, refresh: report)
            }
        }
    }

    /// A difference between the index and the files.
    public struct Drift: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable {
            case missing = "not in the index"
            case extra = "in the index but not on disk"
            case stale = "indexed content differs from the file"
            case staleHead = "indexed HEAD version differs from HEAD"
        }

        public let path: String
        public let kind: Kind

        public var description: String { "\(path): \(kind.rawValue)" }
    }

    /// Compares the index with every file and with HEAD's tree, after an ordinary refresh. Anything left
    /// is drift the refresh did not see (an edit made in place in a large library, a damaged index);
    /// `rebuild()` removes it.
    public func verify() throws -> [Drift] {
        try refresh()
        let indexed: [String: (blob: String, head: String?)] = try withDatabase { queue in
            try queue.read { db in
                var rows: [String: (String, String?)] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT path, blob, head_blob FROM prompts") {
                    rows[row["path"]] = (row["blob"], row["head_blob"])
                }
                return rows
            }
        }
        var drift: [Drift] = []
        let files = WorkTreeScanner.scan(root: root).files
        for path in files.keys.sorted() {
            guard let entry = indexed[path] else {
                drift.append(Drift(path: path, kind: .missing))
                continue
            }
            guard let data = FileManager.default.contents(atPath: root + "/" + path) else { continue }
            if try gitCall({ try Repository.blobID(of: data) }).hex != entry.blob {
                drift.append(Drift(path: path, kind: .stale))
            }
        }
        for path in indexed.keys.sorted() where files[path] == nil {
            drift.append(Drift(path: path, kind: .extra))
        }
        if let head = try gitCall({ try repository.head().commit }) {
            let tree = try gitCall { try repository.commit(head).tree }
            let entries = try gitCall { try repository.entries(inTree: tree, under: prefix + "prompts", recursive: true) }
            var atHead: [String: String] = [:]
            for entry in entries {
                if let relative = Self.relative(entry.path, prefix: prefix) { atHead[relative] = entry.oid.hex }
            }
            for (path, entry) in indexed.sorted(by: { $0.key < $1.key }) where atHead[path] != entry.head {
                drift.append(Drift(path: path, kind: .staleHead))
            }
        }
        return drift
    }
}
