import Foundation
internal import Git
internal import YAML

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
    /// Whether anything was sent: commits, labels, variants or analytics (false when the remote had it all).
    public let pushed: Bool
    /// True when the first push was refused (the remote moved meanwhile) and folio fetched, integrated and retried.
    public let retried: Bool
    /// What else happened: labels, variants and analytics received or sent, decisions made.
    public let notes: [String]
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

    /// For a remote on this machine (an absolute path or a `file://` URL) with no repository there: the path, and
    /// whether something else is there. nil for a repository, a network URL, or a relative path (git reads those
    /// from wherever it runs).
    static func localRepositoryProblem(_ url: String) -> (path: String, isFolder: Bool)? {
        let path: String
        if url.hasPrefix("file://") {
            path = URL(string: url)?.path ?? String(url.dropFirst("file://".count))
        } else if url.hasPrefix("/") {
            path = url
        } else {
            return nil
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return (path, false) }
        if isFolder.boolValue, (try? Repository.open(at: path)) != nil { return nil }
        return (path, true)
    }

    /// Credentials from the environment; objects received reported through the environment's progress (a bar on
    /// a terminal, nothing in CI); ssh host keys checked against `~/.ssh/known_hosts`, a new host added only when
    /// `acceptNewHost` says so.
    static func transferOptions(_ environment: FolioEnvironment, task: String, url: String, acceptNewHost: Bool = false,
                                repository: Repository? = nil) throws -> TransferOptions {
        var transfer = TransferOptions()
        let progress = environment.progress
        transfer.progress = { progress(.init(task: task, done: $0.receivedObjects, total: $0.totalObjects)) }
        let home = environment.variables["HOME"] ?? NSHomeDirectory()
        transfer.sshKeys = ["id_ed25519", "id_ecdsa", "id_rsa"].map { home + "/.ssh/" + $0 }
        transfer.sshPassphrase = environment.variables["FOLIO_SSH_PASSPHRASE"]
        transfer.useSSHAgent = environment.variables["SSH_AUTH_SOCK"] != nil
        if let askpass = environment.variables["SSH_ASKPASS"], !askpass.isEmpty {
            transfer.askPassphrase = { key in ExternalProgram.ask(askpass, "Enter passphrase for key '\(key)': ") }
        }
        transfer.username = environment.variables["FOLIO_GIT_USER"]
        // git config as git would read it for this user: the repository's (with the process's global and system
        // files), then the environment's HOME, which may not be the process's.
        func config(_ key: String) -> String? {
            let files = [home + "/.gitconfig", (environment.variables["XDG_CONFIG_HOME"] ?? home + "/.config") + "/git/config"]
            let readers: [() throws -> String?] = [{ try repository?.configString(key) ?? Repository.globalConfigString(key) }]
                + files.map { file in { try Repository.configString(key, inFile: file) } }
            for read in readers {
                if let value = (try? read()) ?? nil { return value }
            }
            return nil
        }
        // The credential helper is looked up only when a server asks for a password.
        transfer.passwords = { url, user in
            HTTPCredentials(variables: environment.variables, home: home, helper: config("credential.helper")).credentials(url: url, user: user)
        }
        // A certificate authority of one's own (a company's, or a test server's), as git reads it.
        if url.hasPrefix("https://"), let file = environment.variables["GIT_SSL_CAINFO"] ?? config("http.sslCAInfo") ?? environment.variables["SSL_CERT_FILE"] {
            try gitCall { try Repository.trustCertificates(inFile: file) }
        }
        let port = sshPort(of: url)
        let knownHosts = KnownHosts(path: home + "/.ssh/known_hosts")
        transfer.checkHostKey = { host, key in knownHosts.problem(host: host, port: port, key: key, acceptNew: acceptNewHost) }
        return transfer
    }

    /// The port of an ssh URL (`ssh://host:2222/…`); 22 for `user@host:path` and when none is given.
    static func sshPort(of url: String) -> Int {
        guard url.hasPrefix("ssh://") || url.hasPrefix("git+ssh://") || url.hasPrefix("ssh+git://") else { return 22 }
        return URLComponents(string: url)?.port ?? 22
    }

    // MARK: - Sync

    /// Fetches the current branch from `remote`, integrates it (fast-forward, or a merge commit when both sides
    /// have commits), and pushes. Prompt and context files both sides changed are merged key by key and hunk by
    /// hunk; a true conflict stops with conflict markers in the work tree (`continueSync` or `abortSync` next).
    /// A push refused because the remote moved meanwhile is fetched, integrated and retried once.
    public func sync(remote name: String = "origin", acceptNewHost: Bool = false) throws -> SyncOutcome {
        let repository = try requireRepository()
        guard try gitCall({ try repository.remotes() }).contains(where: { $0.name == name }) else {
            throw FolioError(.notFound, "there is no remote '\(name)'; add one with: folio remote add \(name) URL")
        }
        if let operation = repository.operationInProgress {
            if operation == "merge" {
                throw FolioError(.conflict, "a merge is in progress in \(repository.workdir ?? root); fix the conflicted files and run folio sync --continue, or run folio sync --abort")
            }
            throw FolioError(.conflict, "a \(operation) is in progress in \(repository.workdir ?? root); finish it or abort it first")
        }
        guard let branch = try gitCall({ try repository.head() }).branchName else {
            throw FolioError(.invalidInput, "HEAD is detached; check out a branch before syncing (git switch main)")
        }
        let url = try gitCall { try repository.remote(name).url }
        if let problem = Self.localRepositoryProblem(url) {
            throw FolioError(.notFound, "remote '\(name)' points at \(problem.path), \(problem.isFolder ? "which is not a git repository" : "where there is no repository (moved or deleted?)"); point it at the new place with: folio remote rm \(name) && folio remote add \(name) NEW-URL")
        }
        let transfer = try Self.transferOptions(environment, task: "receiving from \(name)", url: url, acceptNewHost: acceptNewHost,
                                                repository: repository)
        var round = try syncRound(repository, remote: name, branch: branch, transfer: transfer)
        var integration = round.integration
        var notes = round.plan.notes
        var retried = false
        if let rejection = try push(repository, remote: name, round: round, transfer: transfer).first {
            // The remote moved since the fetch: once more, from the top.
            retried = true
            round = try syncRound(repository, remote: name, branch: branch, transfer: transfer)
            if round.integration != .upToDate { integration = round.integration }
            notes += round.plan.notes
            if let again = try push(repository, remote: name, round: round, transfer: transfer).first {
                throw FolioError(.conflict, "\(name) refused \(again.reference) twice (\(again.reason); first \(rejection.reference)); someone is pushing at the same time: run folio sync again")
            }
        }
        let outcome = SyncOutcome(remote: name, branch: branch, integration: integration, pushed: !round.plan.refspecs.isEmpty,
                                  retried: retried, notes: notes)
        recordLastSync(outcome, repository)
        return outcome
    }

    /// One fetch of everything sync carries, then the branch integrated and the shared references decided.
    private struct Round {
        var integration: SyncOutcome.Integration
        var plan: SharedPlan
    }

    private func syncRound(_ repository: Repository, remote: String, branch: String, transfer: TransferOptions) throws -> Round {
        let base = try sharedBase(repository, remote: remote)
        let advertised = try gitCall {
            try repository.fetch(remote: remote, refspecs: Self.syncRefspecs(remote: remote, branch: branch), options: transfer)
        }
        try pruneTracking(repository, remote: remote, advertised: advertised)
        // What changes the work tree, the branches and the labels happens under the write lock, so no folio edit
        // runs in the middle of it (the transfer does not hold it).
        let (integration, integrated, local) = try withWriteLock { repository -> (SyncOutcome.Integration, SharedPlan, OID?) in
            let integration = try integrate(repository, remote: remote, branch: branch)
            var plan = try integrateShared(repository, remote: remote, currentBranch: branch, base: base)
            try integrateAnalytics(repository, remote: remote, into: &plan)
            return (integration, plan, try gitCall { try repository.head() }.commit)
        }
        var plan = integrated
        let remoteTip = try gitCall { try repository.reference(named: "refs/remotes/\(remote)/\(branch)")?.target }
        if let local, local != remoteTip {
            plan.refspecs.insert("refs/heads/\(branch):refs/heads/\(branch)", at: 0)
        }
        return Round(integration: integration, plan: plan)
    }

    /// Pushes a round's refspecs; when none was refused, the tracking references remember what was sent.
    private func push(_ repository: Repository, remote: String, round: Round, transfer: TransferOptions) throws -> [PushRejection] {
        guard !round.plan.refspecs.isEmpty else { return [] }
        // libgit2 moves refs/remotes/REMOTE/* for the branches it pushed (the remote's fetch refspec covers them).
        let rejections: [PushRejection]
        do {
            rejections = try repository.push(remote: remote, refspecs: round.plan.refspecs, options: transfer)
        } catch let error as GitError where error.code != .auth && error.code != .hostKey {
            // The integration is committed here; only the sending failed, and a later sync sends it.
            throw FolioError(.git, "\(error.description): the connection to \(remote) broke or the server stopped during the push. Your commits are safe here and \(remote) kept what it had; run folio sync again when it is reachable")
        }
        guard rejections.isEmpty else { return rejections }
        try gitCall {
            for (ref, target) in round.plan.tracking {
                if let target { try repository.setReference(ref, to: target, expecting: .any, message: "folio: sync: pushed") }
                else if try repository.reference(named: ref) != nil { try repository.deleteReference(ref) }
            }
        }
        return []
    }

    /// Integrates the fetched `remote/branch` into the checked-out branch.
    private func integrate(_ repository: Repository, remote: String, branch: String) throws -> SyncOutcome.Integration {
        guard let theirs = try gitCall({ try repository.reference(named: "refs/remotes/\(remote)/\(branch)")?.target }) else {
            return .upToDate  // the remote has no such branch yet: the push creates it
        }
        let head = try gitCall { try repository.head() }
        guard let ours = head.commit else {
            try gitCall("check out \(remote)/\(branch)") { try repository.checkoutAndAdvance(from: head, to: theirs, message: "folio: sync from \(remote)", journal: Self.journalPath(repository)) }
            return .fastForward(to: theirs.hex)
        }
        if try gitCall({ try repository.isAncestor(theirs, of: ours) }) { return .upToDate }
        if try gitCall({ try repository.isAncestor(ours, of: theirs) }) {
            try requireNoUncommittedChanges(repository, from: ours, to: gitCall { try repository.commit(theirs).tree }, theirLabel: "\(remote)/\(branch)")
            try gitCall("fast-forward to \(remote)/\(branch)") {
                try repository.checkoutAndAdvance(from: head, to: theirs, message: "folio: sync: fast-forward to \(remote)/\(branch)", journal: Self.journalPath(repository))
            }
            return .fastForward(to: theirs.hex)
        }
        guard try gitCall({ try repository.mergeBase(ours, theirs) }) != nil else {
            throw FolioError(.conflict, "\(remote)/\(branch) has a history unrelated to your \(branch): nothing was changed. If the remote is the wrong repository, fix it with folio remote rm \(remote) and folio remote add")
        }
        let theirLabel = "\(remote)/\(branch)"
        let merged = try gitCall("merge \(theirLabel)") {
            try repository.merge(ours: ours, theirs: theirs) { conflict in
                guard let text = try self.fileMerge(conflict, repository, theirLabel: theirLabel), text.clean else { return nil }
                return Data(text.text.utf8)
            }
        }
        guard let tree = merged.tree else {
            try stopWithConflicts(repository, theirs: theirs, remote: remote, branch: branch)
        }
        try requireNoUncommittedChanges(repository, from: ours, to: tree, theirLabel: theirLabel)
        let commit = try writeMergeCommit(repository, tree: tree, parents: [ours, theirs], label: theirLabel)
        try gitCall("check out the merge") { try repository.checkoutAndAdvance(from: head, to: commit, message: "folio: sync: merge \(theirLabel)", journal: Self.journalPath(repository)) }
        return .merged(commit: commit.hex)
    }

    /// Stops, changing nothing, when files that integrating `newTree` would change have uncommitted changes (or
    /// are untracked where it adds a file): the checkout would refuse, so name them and say what to do.
    private func requireNoUncommittedChanges(_ repository: Repository, from ours: OID, to newTree: OID, theirLabel: String) throws {
        let ourTree = try gitCall { try repository.commit(ours).tree }
        let changed = Set(try gitCall { try repository.changedFiles(from: ourTree, to: newTree) }.flatMap { [$0.oldPath, $0.newPath].compactMap { $0 } })
        guard !changed.isEmpty else { return }
        let blocked = try gitCall { try repository.status(includeUntracked: true) }.filter { entry in
            changed.contains(entry.path) || entry.oldPath.map(changed.contains) == true
        }
        guard !blocked.isEmpty else { return }
        throw uncommittedChanges(blocked, repository, reason: "\(theirLabel) changes files you have uncommitted changes in")
    }

    /// "REASON; nothing was changed:", the files, and how to get them out of the way.
    private func uncommittedChanges(_ entries: [StatusEntry], _ repository: Repository, reason: String) -> FolioError {
        let shown = 20
        var lines = entries.prefix(shown).map { entry in
            "  " + displayPath(absolute: (repository.workdir ?? root) + "/" + entry.path) + (entry.unstaged == .untracked ? " (not in git yet)" : "")
        }
        if entries.count > shown { lines.append("  and \(entries.count - shown) more (git status lists them)") }
        return FolioError(.conflict, """
            \(reason); nothing was changed:
            \(lines.joined(separator: "\n"))
            Commit them with git (git add, git commit), or set them aside with git stash -u (git stash pop after the sync); then run folio sync again.
            """)
    }

    func writeMergeCommit(_ repository: Repository, tree: OID, parents: [OID], label: String) throws -> OID {
        let identity = try gitCall { try repository.identity(environment: environment.variables, now: environment.now()) }
        return try gitCall("write the merge commit") {
            try repository.writeCommit(tree: tree, parents: parents, identity: identity, message: "folio: sync: merge \(label)")
        }
    }

    /// The folio merge of a conflicting prompt or context file (Markdown with frontmatter), or nil for other files.
    func fileMerge(_ conflict: MergeConflict, _ repository: Repository, theirLabel: String) throws -> TextMerge? {
        guard conflict.path.hasSuffix(".md"), let ours = conflict.ours, let theirs = conflict.theirs else { return nil }
        return try FileMerge.merge(base: conflict.ancestor.map { try repository.blob($0) }, ours: repository.blob(ours),
                                   theirs: repository.blob(theirs), ourLabel: "yours", theirLabel: theirLabel)
    }

    // MARK: - Conflicts

    /// Where a stopped sync remembers its remote and branch for `--continue`.
    private func syncStatePath(_ repository: Repository) -> String {
        (repository.gitDir.hasSuffix("/") ? repository.gitDir : repository.gitDir + "/") + "FOLIO_SYNC"
    }

    /// Merges into the work tree, leaving conflict markers, and stops. Refused (nothing changed) while tracked
    /// files have uncommitted changes: `--abort` must be able to return to exactly where the user was.
    private func stopWithConflicts(_ repository: Repository, theirs: OID, remote: String, branch: String) throws -> Never {
        let theirLabel = "\(remote)/\(branch)"
        let dirty = try gitCall { try repository.status(includeUntracked: false) }
        if !dirty.isEmpty {
            // --abort must be able to return to exactly where you were, so any uncommitted change stops it.
            throw uncommittedChanges(dirty, repository, reason: "your commits and \(theirLabel) change the same lines, and you have uncommitted changes")
        }
        try Data("\(remote)\n\(branch)\n".utf8).write(to: URL(fileURLWithPath: syncStatePath(repository)), options: .atomic)
        let conflicts = try gitCall("merge \(theirLabel) into the work tree") { try repository.mergeIntoWorkTree(theirs) }
        let index = try gitCall { try repository.index() }
        var remaining: [String] = []
        for conflict in conflicts {
            guard let text = try fileMerge(conflict, repository, theirLabel: theirLabel), let workdir = repository.workdir.map({ $0 + "/" }) else {
                remaining.append(conflict.path)
                continue
            }
            try WorkTreeWriter.atomicWrite(Data(text.text.utf8), to: workdir + conflict.path)
            if text.clean {
                try gitCall { _ = try index.add(path: conflict.path) }
            } else {
                remaining.append(conflict.path)
            }
        }
        try gitCall { try index.write() }
        let files = remaining.map { "  \(displayPath(absolute: (repository.workdir ?? "") + "/" + $0))" }.joined(separator: "\n")
        throw FolioError(.conflict, """
            sync stopped: your commits and \(theirLabel) change the same lines of:
            \(files)
            Those files now hold both versions between conflict markers (<<<<<<< yours, =======, >>>>>>> \(theirLabel)). \
            Edit them to keep what you want and remove the markers, then run: folio sync --continue
            To go back to where you were before this sync: folio sync --abort
            """)
    }

    /// Finishes a sync that stopped on conflicts: checks that no conflict markers remain, commits the merge and
    /// pushes.
    public func continueSync() throws -> SyncOutcome {
        let (remote, branch, commit) = try withWriteLock { repository in try commitStoppedSync(repository) }
        let outcome = try sync(remote: remote)
        let continued = SyncOutcome(remote: remote, branch: branch, integration: outcome.integration == .upToDate ? .merged(commit: commit.hex) : outcome.integration,
                                    pushed: outcome.pushed, retried: outcome.retried, notes: outcome.notes)
        if let repository = try? requireRepository() { recordLastSync(continued, repository) }
        return continued
    }

    private func commitStoppedSync(_ repository: Repository) throws -> (remote: String, branch: String, commit: OID) {
        let (remote, branch, ours, theirs) = try syncInProgress(repository)
        let index = try gitCall { try repository.index() }
        guard let workdir = repository.workdir.map({ $0 + "/" }) else { throw FolioError(.git, "the repository at \(root) has no work tree") }
        for conflict in try gitCall({ try repository.conflicts() }) {
            let path = workdir + conflict.path
            guard let data = FileManager.default.contents(atPath: path) else {
                try gitCall { try index.remove(path: conflict.path) }  // resolved by deleting the file
                continue
            }
            try Self.checkResolved(data, path: displayPath(absolute: workdir + conflict.path))
            try gitCall { _ = try index.add(path: conflict.path) }
        }
        let tree = try gitCall { try index.writeTree() }
        try gitCall { try index.write() }
        let commit = try writeMergeCommit(repository, tree: tree, parents: [ours, theirs], label: "\(remote)/\(branch)")
        try gitCall("commit the merge") {
            try repository.advanceHead(from: .branch(name: branch, commit: ours), to: commit, message: "folio: sync: merge \(remote)/\(branch)")
            try repository.finishOperation()
        }
        try? FileManager.default.removeItem(atPath: syncStatePath(repository))
        return (remote, branch, commit)
    }

    /// Returns to where the library was before the sync that stopped: the merge is dropped, every file as it
    /// was at your last commit. What was fetched stays in `refs/remotes/`.
    public func abortSync() throws {
        try withWriteLock { repository in try abortStoppedSync(repository) }
    }

    private func abortStoppedSync(_ repository: Repository) throws {
        let (_, _, ours, _) = try syncInProgress(repository)
        try gitCall("abort the merge") {
            try repository.resetHard(to: ours)
            try repository.finishOperation()
        }
        try? FileManager.default.removeItem(atPath: syncStatePath(repository))
    }

    private func syncInProgress(_ repository: Repository) throws -> (remote: String, branch: String, ours: OID, theirs: OID) {
        guard repository.operationInProgress == "merge", let theirs = try gitCall({ try repository.mergeHeads() }).first else {
            throw FolioError(.invalidInput, "there is no stopped sync to continue or abort in \(repository.workdir ?? root); run folio sync")
        }
        let head = try gitCall { try repository.head() }
        guard let branch = head.branchName, let ours = head.commit else {
            throw FolioError(.invalidInput, "HEAD is not on a branch with commits; finish the merge with git")
        }
        let saved = (try? String(contentsOfFile: syncStatePath(repository), encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
        let configured = (try? repository.configString("branch.\(branch).remote")).flatMap { $0 }
        return (saved.first ?? configured ?? "origin", branch, ours, theirs)
    }

    /// A resolved file has no conflict marker lines left and, for Markdown with frontmatter, frontmatter that
    /// reads as YAML.
    static func checkResolved(_ data: Data, path: String, then next: String = "then run folio sync --continue") throws {
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        let isOuter = { (line: Substring) in line.hasPrefix("<<<<<<< ") || line.hasPrefix(">>>>>>> ") || line == "<<<<<<<" || line == ">>>>>>>" }
        // A line of seven `=` alone can be Markdown (a heading's underline): a marker only beside the others.
        let marked = lines.contains(where: isOuter)
        for (number, trimmed) in lines.enumerated() {
            if isOuter(trimmed) || (marked && trimmed == "=======") {
                throw FolioError.invalidFile(path, line: number + 1, column: 1, "a conflict marker is still here; keep the lines you want, delete the marker lines, \(next)")
            }
        }
        guard path.hasSuffix(".md"), let split = try? PromptCodec.split(text, path: path), let frontmatter = split.frontmatter else { return }
        do {
            _ = try YAMLParser(mode: .strict).parse(frontmatter)
        } catch let error as YAMLError {
            throw FolioError.invalidFile(path, line: split.frontmatterLine + error.mark.line - 1, column: error.mark.column,
                                         "the frontmatter is not valid YAML after the merge (\(error.message)); fix it, \(next)")
        }
    }

    // MARK: - Clone

    /// Clones `url` into `folder` and opens the library in it (the repository's root, or its one library below).
    public static func clone(_ url: String, into folder: String, environment: FolioEnvironment, acceptNewHost: Bool = false) throws -> Library {
        let target = absolute(folder, from: environment.currentDirectory)
        let existed = FileManager.default.fileExists(atPath: target)
        if existed,
           !((try? FileManager.default.contentsOfDirectory(atPath: target))?.isEmpty ?? true) {
            throw FolioError(.invalidInput, "\(folder) exists and is not empty; clone into a new folder")
        }
        let source = remoteURL(url, from: environment.currentDirectory)
        if let problem = localRepositoryProblem(source) {
            throw FolioError(.notFound, problem.isFolder ? "\(problem.path) is not a git repository; check the path (a library's folder, or a bare repository made with git init --bare)"
                                                         : "there is no repository at \(problem.path); check the path")
        }
        do {
            let repository = try Repository.clone(source, to: target, options: try transferOptions(environment, task: "cloning \(url)", url: source, acceptNewHost: acceptNewHost))
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
            throw FolioError.git(error)
        }
        let library = try Library.open(explicitPath: target, environment: environment)
        // Labels, variant branches, the label log and shared analytics come with the first sync.
        if try gitCall({ try library.requireRepository().head() }).commit != nil { _ = try library.sync(remote: "origin") }
        return library
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
