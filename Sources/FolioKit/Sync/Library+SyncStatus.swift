import Foundation
internal import Git

/// Where this clone stands with its remotes, as far as it can tell without asking them: each remote's branch as
/// last fetched and how far the current branch is ahead of it or behind it, a sync stopped on conflicts, and the
/// last sync folio finished here.
public struct SyncStatus: Sendable, Encodable {
    public struct Remote: Sendable, Encodable {
        public let name: String
        public let url: String
        /// The remote's copy of the current branch as last fetched (`refs/remotes/NAME/BRANCH`), nil before a fetch
        /// that found it.
        public let trackedCommit: String?
        /// Commits on the current branch that the remote had not at the last fetch.
        public let ahead: Int?
        /// Commits the remote had at the last fetch that the current branch has not.
        public let behind: Int?
    }

    /// The last sync folio finished in this clone.
    public struct LastSync: Sendable, Codable {
        public let remote: String
        public let branch: String
        public let time: Date
        /// `up-to-date`, `fast-forward` or `merged`.
        public let integration: String
        public let commit: String?
        public let pushed: Bool
    }

    /// The checked-out branch (nil when HEAD is detached).
    public let branch: String?
    public let head: String?
    public let remotes: [Remote]
    /// A sync stopped on conflicts: fix the files and continue it, or abort it.
    public let stopped: Bool
    /// The files still in conflict, relative to the repository's work tree.
    public let conflicts: [String]
    public let lastSync: LastSync?
}

extension Library {
    /// Where the last finished sync is noted (in the git directory, never committed).
    private func lastSyncPath(_ repository: Repository) -> String {
        (repository.gitDir.hasSuffix("/") ? repository.gitDir : repository.gitDir + "/") + "folio/last-sync.json"
    }

    /// Notes a finished sync for `syncStatus` (best effort: a sync that worked is not failed by its note).
    func recordLastSync(_ outcome: SyncOutcome, _ repository: Repository) {
        let json = SyncOutcomeJSON(outcome)
        let record = SyncStatus.LastSync(remote: outcome.remote, branch: outcome.branch, time: environment.now(),
                                         integration: json.integration, commit: json.commit, pushed: outcome.pushed)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(record) else { return }
        let path = lastSyncPath(repository)
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? WorkTreeWriter.atomicWrite(data, to: path)
    }

    /// Where this clone stands with its remotes, from what the last fetch brought (nothing is fetched).
    public func syncStatus() throws -> SyncStatus {
        let repository = try requireRepository()
        let head = try gitCall { try repository.head() }
        let branch = head.branchName
        let remotes = try gitCall("list remotes") { try repository.remotes() }.map { remote -> SyncStatus.Remote in
            guard let branch, let tracked = try? repository.reference(named: "refs/remotes/\(remote.name)/\(branch)")?.target else {
                return .init(name: remote.name, url: remote.url, trackedCommit: nil, ahead: nil, behind: nil)
            }
            let counts = head.commit.flatMap { try? repository.aheadBehind($0, tracked) }
            return .init(name: remote.name, url: remote.url, trackedCommit: tracked.hex,
                         ahead: counts?.ahead ?? (head.commit == nil ? 0 : nil), behind: counts?.behind)
        }
        let stopped = repository.operationInProgress == "merge"
            && FileManager.default.fileExists(atPath: (repository.gitDir.hasSuffix("/") ? repository.gitDir : repository.gitDir + "/") + "FOLIO_SYNC")
        let conflicts = stopped ? try gitCall { try repository.conflicts() }.map(\.path).sorted() : []
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let last = FileManager.default.contents(atPath: lastSyncPath(repository)).flatMap { try? decoder.decode(SyncStatus.LastSync.self, from: $0) }
        return SyncStatus(branch: branch, head: head.commit?.hex, remotes: remotes, stopped: stopped, conflicts: conflicts, lastSync: last)
    }
}
