import Foundation
internal import Git

/// What `folio sync` did.
public struct SyncOutcome: Sendable, Equatable {
    public enum Integration: Sendable, Equatable {
        /// Nothing new on the remote.
        case upToDate
        /// The local branch moved forward to the remote's (no local commits to keep).
        case fastForward(to: String)
        /// Both sides had commits: a merge commit joins them.
        case merged(commit: String)
    }

    public let remote: String
    public let branch: String
    public let integration: Integration
    /// Whether local commits were sent (false when the remote already had them).
    public let pushed: Bool
    /// True when the first push was refused (the remote moved meanwhile) and folio fetched, integrated and retried.
    public let retried: Bool
}

extension Library {
    // MARK: - Remotes

    public func remotes() throws -> [(name: String, url: String)] {
        let repository = try requireRepository()
        return try gitCall("list remotes") { try repository.remotes().map { ($0.name, $0.url) } }
    }

    public func addRemote(_ name: String, url: String) throws {
        let repository = try requireRepository()
        guard !name.isEmpty, !name.contains(where: { $0.isWhitespace || $0 == "/" || $0 == ":" }) else {
            throw FolioError(.invalidInput, "'\(name)' is not a remote name: use letters, digits, '-' or '_' (origin, team)")
        }
        if try gitCall({ try repository.remotes() }).contains(where: { $0.name == name }) {
            throw FolioError(.invalidInput, "there is already a remote '\(name)'; remove it first with: folio remote rm \(name)")
        }
        try gitCall("add remote '\(name)'") { try repository.addRemote(name, url: Self.remoteURL(url, from: environment.currentDirectory)) }
    }

    public func removeRemote(_ name: String) throws {
        let repository = try requireRepository()
        guard try gitCall({ try repository.remotes() }).contains(where: { $0.name == name }) else {
            throw FolioError(.notFound, "there is no remote '\(name)'; list them with: folio remote list")
        }
        try gitCall("remove remote '\(name)'") { try repository.removeRemote(name) }
    }

    /// A local path is made absolute (git would read it relative to wherever it runs later); URLs and
    /// `user@host:path` stay as given.
    static func remoteURL(_ url: String, from folder: String) -> String {
        if url.contains("://") || (url.contains(":") && !url.hasPrefix("/") && !url.hasPrefix(".")) { return url }
        return absolute(url, from: folder)
    }

    /// Credentials from the environment; objects received reported through the environment's progress (a bar on
    /// a terminal, nothing in CI).
    static func transferOptions(_ environment: FolioEnvironment, task: String) -> TransferOptions {
        var transfer = TransferOptions()
        let progress = environment.progress
        transfer.progress = { progress(.init(task: task, done: $0.receivedObjects, total: $0.totalObjects)) }
        let home = environment.variables["HOME"] ?? NSHomeDirectory()
        transfer.sshKeys = ["id_ed25519", "id_ecdsa", "id_rsa"].map { home + "/.ssh/" + $0 }
        transfer.sshPassphrase = environment.variables["FOLIO_SSH_PASSPHRASE"]
        transfer.password = environment.variables["FOLIO_GIT_TOKEN"]
        transfer.username = environment.variables["FOLIO_GIT_USER"]
        return transfer
    }

    // MARK: - Sync

    /// Fetches the current branch from `remote`, integrates it (fast-forward, or a merge commit when both sides
    /// have commits), and pushes. A push refused because the remote moved meanwhile is fetched, integrated and
    /// retried once. A merge with conflicting changes stops before anything local changes.
    public func sync(remote name: String = "origin") throws -> SyncOutcome {
        let repository = try requireRepository()
        guard try gitCall({ try repository.remotes() }).contains(where: { $0.name == name }) else {
            throw FolioError(.notFound, "there is no remote '\(name)'; add one with: folio remote add \(name) URL")
        }
        if let operation = repository.operationInProgress {
            throw FolioError(.conflict, "a \(operation) is in progress in \(repository.workdir ?? root); finish it or abort it first")
        }
        guard let branch = try gitCall({ try repository.head() }).branchName else {
            throw FolioError(.invalidInput, "HEAD is detached; check out a branch before syncing (git switch main)")
        }
        let transfer = Self.transferOptions(environment, task: "receiving from \(name)")
        var integration = try fetchAndIntegrate(repository, remote: name, branch: branch, transfer: transfer)
        guard let local = try gitCall({ try repository.head() }).commit else {
            return SyncOutcome(remote: name, branch: branch, integration: integration, pushed: false, retried: false)
        }
        let remoteTip = try gitCall { try repository.reference(named: "refs/remotes/\(name)/\(branch)")?.target }
        if remoteTip == local {
            return SyncOutcome(remote: name, branch: branch, integration: integration, pushed: false, retried: false)
        }
        var retried = false
        var rejections = try push(repository, remote: name, branch: branch, transfer: transfer)
        if !rejections.isEmpty {
            retried = true
            let again = try fetchAndIntegrate(repository, remote: name, branch: branch, transfer: transfer)
            if again != .upToDate { integration = again }
            rejections = try push(repository, remote: name, branch: branch, transfer: transfer)
            if let rejection = rejections.first {
                throw FolioError(.conflict, "\(name) refused \(rejection.reference) twice (\(rejection.reason)); someone is pushing at the same time: run folio sync again")
            }
        }
        return SyncOutcome(remote: name, branch: branch, integration: integration, pushed: true, retried: retried)
    }

    private func push(_ repository: Repository, remote: String, branch: String, transfer: TransferOptions) throws -> [PushRejection] {
        // libgit2 moves refs/remotes/REMOTE/BRANCH to what was pushed (the remote's fetch refspec covers it).
        try gitCall("push to '\(remote)'") {
            try repository.push(remote: remote, refspecs: ["refs/heads/\(branch):refs/heads/\(branch)"], options: transfer)
        }
    }

    private func fetchAndIntegrate(_ repository: Repository, remote: String, branch: String,
                                   transfer: TransferOptions) throws -> SyncOutcome.Integration {
        try gitCall("fetch from '\(remote)'") {
            try repository.fetch(remote: remote, refspecs: ["+refs/heads/\(branch):refs/remotes/\(remote)/\(branch)"], options: transfer)
        }
        guard let theirs = try gitCall({ try repository.reference(named: "refs/remotes/\(remote)/\(branch)")?.target }) else {
            return .upToDate  // the remote has no such branch yet: the push creates it
        }
        let head = try gitCall { try repository.head() }
        guard let ours = head.commit else {
            try gitCall("check out \(remote)/\(branch)") { try repository.checkoutAndAdvance(from: head, to: theirs, message: "folio: sync from \(remote)") }
            return .fastForward(to: theirs.hex)
        }
        if try gitCall({ try repository.isAncestor(theirs, of: ours) }) { return .upToDate }
        if try gitCall({ try repository.isAncestor(ours, of: theirs) }) {
            try gitCall("fast-forward to \(remote)/\(branch)") {
                try repository.checkoutAndAdvance(from: head, to: theirs, message: "folio: sync: fast-forward to \(remote)/\(branch)")
            }
            return .fastForward(to: theirs.hex)
        }
        guard try gitCall({ try repository.mergeBase(ours, theirs) }) != nil else {
            throw FolioError(.conflict, "\(remote)/\(branch) has a history unrelated to your \(branch): nothing was changed. If the remote is the wrong repository, fix it with folio remote rm \(remote) and folio remote add")
        }
        let merged = try gitCall("merge \(remote)/\(branch)") { try repository.merge(ours: ours, theirs: theirs) }
        guard let tree = merged.tree else {
            throw FolioError(.conflict, "your commits and \(remote)/\(branch) change the same lines of \(merged.conflicts.joined(separator: ", ")); nothing was changed locally")
        }
        let identity = try gitCall { try repository.identity(environment: environment.variables, now: environment.now()) }
        let commit = try gitCall("write the merge commit") {
            try repository.writeCommit(tree: tree, parents: [ours, theirs], identity: identity, message: "folio: sync: merge \(remote)/\(branch)")
        }
        try gitCall("check out the merge") { try repository.checkoutAndAdvance(from: head, to: commit, message: "folio: sync: merge \(remote)/\(branch)") }
        return .merged(commit: commit.hex)
    }

    // MARK: - Clone

    /// Clones `url` into `folder` and opens the library in it (the repository's root, or its one library below).
    public static func clone(_ url: String, into folder: String, environment: FolioEnvironment) throws -> Library {
        let target = absolute(folder, from: environment.currentDirectory)
        let existed = FileManager.default.fileExists(atPath: target)
        if existed,
           !((try? FileManager.default.contentsOfDirectory(atPath: target))?.isEmpty ?? true) {
            throw FolioError(.invalidInput, "\(folder) exists and is not empty; clone into a new folder")
        }
        let source = remoteURL(url, from: environment.currentDirectory)
        do {
            let repository = try Repository.clone(source, to: target, options: transferOptions(environment, task: "cloning \(url)"))
            try checkOutDefaultBranch(repository)
        } catch let error as GitError {
            // Nothing half-made is left behind (an empty folder the user made stays, empty).
            if existed {
                for name in (try? FileManager.default.contentsOfDirectory(atPath: target)) ?? [] {
                    try? FileManager.default.removeItem(atPath: target + "/" + name)
                }
            } else {
                try? FileManager.default.removeItem(atPath: target)
            }
            throw FolioError.git(error, while: "clone \(url)")
        }
        return try Library.open(explicitPath: target, environment: environment)
    }

    /// A bare repository made with `git init --bare` may name a default branch nobody pushed (HEAD →
    /// master while the team pushed main): then the clone checks out the branch that exists — HEAD's name, then
    /// main, master, or the only one.
    private static func checkOutDefaultBranch(_ repository: Repository) throws {
        let head = try repository.head()
        guard head.commit == nil else { return }
        let branches = try repository.references(matching: "refs/remotes/origin/*").compactMap { reference -> (String, OID)? in
            guard let target = reference.target else { return nil }
            let name = String(reference.name.dropFirst("refs/remotes/origin/".count))
            return name == "HEAD" ? nil : (name, target)
        }
        let preferred = [head.branchName, "main", "master"].compactMap { $0 }
        guard let (name, tip) = preferred.lazy.compactMap({ name in branches.first { $0.0 == name } }).first
                ?? (branches.count == 1 ? branches.first : nil) else { return }
        try repository.setHead(branch: name)
        try repository.checkoutAndAdvance(from: .unborn(name: name), to: tip, message: "clone: checkout \(name)")
        try repository.setConfigString("branch.\(name).remote", "origin")
        try repository.setConfigString("branch.\(name).merge", "refs/heads/\(name)")
    }
}
