import Foundation
internal import Git

/// What a change to the library did.
public struct ChangeOutcome: Sendable, Equatable {
    /// `folio: add review/security`: the commit message, also when nothing was committed.
    public let message: String
    /// The new commit's id; nil with `--no-commit` or when nothing changed.
    public let commit: String?
    /// Files written or deleted, relative to the library.
    public let paths: [String]
    /// False when the change turned out to change nothing.
    public let changed: Bool
    /// Things worth knowing that did not stop the change: lint warnings, a change merged with one made meanwhile.
    public internal(set) var warnings: [String]
    /// Lint's findings on the files written that did not stop the change (warnings, and secrets let through with
    /// `--allow-secret`); their text is among `warnings` too.
    public var findings: [LintFinding] = []
}

/// A file to write (or delete, when `contents` is nil), relative to the library root.
struct LibraryChange {
    let path: String
    let contents: Data?
    /// What the change was made from; checked again under the commit lock.
    var base: ChangeBase = .unchecked

    init(path: String, contents: Data?, base: ChangeBase = .unchecked) {
        self.path = path
        self.contents = contents
        self.base = base
    }
}

/// What a change expects to find where it writes, checked again under the commit lock, where no other folio
/// process can write. An editor session, a `--file` or an MCP client worked from what they read earlier: if the
/// file moved on meanwhile, their change is merged with what is there now (frontmatter key by key, the body
/// three-way, as sync merges) or refused, so that neither edit is lost.
enum ChangeBase: Equatable {
    /// Written whatever the file holds now: the change was computed under the lock from what is there.
    case unchecked
    /// The file must not exist (a new prompt, an imported file).
    case absent
    /// The bytes the change started from.
    case bytes(Data)
}

/// The files as they are where a change applies (the work tree, or a variant's branch), read under the lock.
struct CurrentFiles {
    let read: (String) throws -> Data?
    /// The same files as lint reads them: what the rules see around the files a change writes (includes, ids).
    let lintSource: LintSource

    /// The bytes at a library-relative path, or nil when there is no file.
    func data(_ path: String) throws -> Data? { try read(path) }
}

extension Library {
    /// Where the write journal lives (in the git directory; never committed).
    static let journalName = "folio/write-journal.json"
    /// The lock every folio write takes (in the git directory).
    static let lockName = "folio/commit.lock"

    /// The write journal's path in `repository`'s git directory.
    static func journalPath(_ repository: Repository) -> String { repository.gitDir + "/" + journalName }
    /// The write lock's path in `repository`'s git directory.
    static func lockPath(_ repository: Repository) -> String { repository.gitDir + "/" + lockName }

    // MARK: - Applying changes

    /// Writes changes computed beforehand; each is checked against its `base` under the lock.
    func apply(_ changes: [LibraryChange], message: String, commit: Bool, warnings: [String] = [],
               branch: String? = nil, refusal: (([LintFinding]) -> FolioError)? = nil) throws -> ChangeOutcome {
        try apply(message: message, commit: commit, warnings: warnings, branch: branch, refusal: refusal) { _ in changes }
    }

    /// Writes a change and, when `commit` is set, makes it one commit (on the current branch, or on `branch`).
    ///
    /// Every write goes through here. Under folio's commit lock: an interrupted earlier write is undone first;
    /// `compute` builds the change from the files as they are now; a change made from an older read is merged
    /// with what moved on meanwhile, or refused (a conflict naming both versions); the files are linted and
    /// error-level findings refuse the change (a leaked secret above all; `allowSecrets` lets those through);
    /// then the files and the commit are written, journaled, so a killed process leaves nothing half-written.
    /// `afterWrite` runs once they are (given the new commit, nil with `--no-commit`), still under the lock, for what
    /// goes with the change but is not a file (the labels a rename carries); what it returns joins the warnings.
    /// `refusal` words lint's refusal when the caller can say more than the library paths (an import: the files read).
    func apply(message: String, commit: Bool, warnings: [String] = [], branch: String? = nil,
               refusal: (([LintFinding]) -> FolioError)? = nil, afterWrite: ((Repository?, String?) -> [String])? = nil,
               compute: (CurrentFiles) throws -> [LibraryChange]) throws -> ChangeOutcome {
        if branch != nil, !commit {
            throw FolioError(.invalidInput, "a change to a variant is always a commit; leave out --no-commit")
        }
        let message = commitNote.map { "\(message)\n\n\($0)" } ?? message
        let repository = commit ? try requireRepository() : try repository.flatMap { $0.workdir == nil ? nil : $0 }
        let lock = try repository.map { try acquireWriteLock($0) }
        defer { lock?.release() }
        if let repository { try recoverInterruptedWrite(repository) }

        let current = try currentFiles(branch: branch, repository: repository)
        var notes = warnings
        var changes: [LibraryChange] = []
        for change in try compute(current) {
            let now = try current.data(change.path)
            guard let resolved = try reconcile(change, with: now, notes: &notes) else { continue }
            if resolved.contents != now { changes.append(resolved) }
        }
        guard !changes.isEmpty else {
            return ChangeOutcome(message: message, commit: nil, paths: [], changed: false, warnings: notes)
        }
        let lint = try checkBeforeWriting(changes, current: current, committing: commit, refusal: refusal)
        notes += lint.notes
        if branch == nil { try checkWritable(changes) }

        var hash: String?
        do {
            if let repository, commit {
                let identity = try gitCall { try repository.identity(environment: environment.variables, now: environment.now()) }
                let fileChanges = changes.map { FileChange(path: repositoryPath($0.path, in: repository), contents: $0.contents) }
                if let branch {
                    hash = try gitCall("commit '\(message)' on \(branch)") {
                        try Self.retryingMovedHead { try repository.commit(fileChanges, onBranch: branch, message: message, identity: identity) }.hex
                    }
                } else {
                    // Like `git add` without -f: an ignored file is not committed behind the user's back.
                    for change in fileChanges where change.contents != nil {
                        if try gitCall(nil, { try repository.isIgnored(change.path) }) {
                            throw FolioError(.conflict, "\(change.path) is ignored by the repository's .gitignore, so folio will not commit it; remove the ignore rule, or keep the library in a repository of its own (folio init --new-repo), or pass --no-commit")
                        }
                    }
                    hash = try gitCall("commit '\(message)'") {
                        try Self.retryingMovedHead {
                            try repository.commitOnHead(fileChanges, message: message, identity: identity, journal: Self.journalPath(repository))
                        }.hex
                    }
                }
            } else if let repository {
                let fileChanges = changes.map { FileChange(path: repositoryPath($0.path, in: repository), contents: $0.contents) }
                try gitCall { try repository.writeWorkTree(fileChanges, message: message, journal: Self.journalPath(repository)) }
            } else {
                _ = try WorkTreeWriter(root: root).apply(changes.map { FileChange(path: $0.path, contents: $0.contents) })
            }
        } catch let error as FolioError {
            throw error
        } catch {
            throw FolioError(.io, "could not write \(changes.map(\.path).joined(separator: ", ")): \(error.localizedDescription)")
        }
        notes += afterWrite?(repository, hash) ?? []
        return ChangeOutcome(message: message, commit: hash, paths: changes.map(\.path), changed: true, warnings: notes,
                             findings: lint.findings)
    }

    /// Runs `body` with `note` as the body of the commit messages of the changes it makes (nil or blank: none), so a
    /// person can say why; folio's own first line stays, and history shows it. Refuses a note over 10,000 characters.
    public func noting<T>(_ note: String?, _ body: () throws -> T) throws -> T {
        let trimmed = note?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard trimmed.count <= 10_000 else {
            throw FolioError(.invalidInput, "a commit message is at most 10,000 characters (this one has \(trimmed.count))")
        }
        let previous = commitNote
        commitNote = trimmed.isEmpty ? nil : trimmed
        defer { commitNote = previous }
        return try body()
    }

    /// Runs `body` under folio's write lock (the one every commit takes), after undoing an interrupted write.
    /// For writes that are not file changes: labels, the label log, variant branches.
    func withWriteLock<T>(_ body: (Repository) throws -> T) throws -> T {
        let repository = try requireRepository()
        let lock = try acquireWriteLock(repository)
        defer { lock.release() }
        try recoverInterruptedWrite(repository)
        return try body(repository)
    }

    private func acquireWriteLock(_ repository: Repository) throws -> FileLock {
        do {
            return try FileLock.acquire(at: Self.lockPath(repository), timeout: 30)
        } catch let error as GitError where error.code == .locked {
            throw FolioError(.conflict, "another folio process is writing to this library and has not finished for 30 s (\(error.message)); try again when it is done")
        } catch let error as GitError {
            throw WriteAccess.error(writing: Self.lockPath(repository), what: "folio's write lock", reason: error.message)
        }
    }

    /// A commit retried when a `git` command moved the branch or held git's index lock meanwhile; commitOnHead
    /// puts everything back before it throws, so each attempt starts clean on the new HEAD.
    static func retryingMovedHead(_ body: () throws -> OID) throws -> OID {
        var attempt = 1
        while true {
            do {
                return try body()
            } catch let error as GitError where (error.code == .modified || error.code == .locked) && attempt < 5 {
                usleep(UInt32(20_000 * attempt))
                attempt += 1
            }
        }
    }

    /// The files where a change applies: the work tree (or, for a variant, its branch's tip).
    private func currentFiles(branch: String?, repository: Repository?) throws -> CurrentFiles {
        guard let branch, let repository else {
            return CurrentFiles(read: { [root] path in
                let full = root + "/" + path
                guard FileManager.default.fileExists(atPath: full) else { return nil }
                guard let data = FileManager.default.contents(atPath: full) else {
                    throw FolioError(.io, "cannot read \(full); check its permissions")
                }
                return data
            }, lintSource: WorkTreeLintSource(root: root))
        }
        let tree = try gitCall {
            guard let tip = try repository.reference(named: "refs/heads/\(branch)")?.target else {
                throw FolioError(.notFound, "there is no branch \(branch)")
            }
            return try repository.commit(tip).tree
        }
        let prefix = repositoryPrefix(in: repository)
        return CurrentFiles(read: { path in
            try gitCall {
                guard let entry = try repository.entry(at: prefix + path, inTree: tree), entry.kind == .blob else { return nil }
                return try repository.blob(entry.oid)
            }
        }, lintSource: CommitLintSource(repository: repository, tree: tree, prefix: prefix))
    }

    // MARK: - Interrupted writes

    /// Undoes (or forgets, when its commit landed) the write of a folio process that was killed half-way. The caller
    /// holds the write lock, so whoever wrote the journal is gone. What was done is kept in `notices`.
    func recoverInterruptedWrite(_ repository: Repository) throws {
        guard let recovery = try gitCall("undo an interrupted write", {
            try repository.recoverInterruptedWrite(journal: Self.journalPath(repository))
        }) else { return }
        let what = "'\(recovery.message.prefix { $0 != "\n" })' (process \(recovery.pid))"
        switch recovery.outcome {
        case .finished:
            break
        case .undone(let restored, let kept):
            var text = "an earlier folio write was interrupted before it committed: \(what); put back the \(Wording.count(restored.count, "file")) it had written"
            if !kept.isEmpty { text += "; left alone, as they changed since: " + kept.joined(separator: ", ") }
            notices.append(text)
        case .leftAlone(let paths):
            notices.append("an earlier folio write was interrupted: \(what), and HEAD has moved since; its files were left as they are: "
                + paths.prefix(10).joined(separator: ", ") + (paths.count > 10 ? ", …" : "") + " (see git status)")
        }
    }

    /// At open: undoes an interrupted write if one is left and no folio process is writing now.
    func recoverAtOpen() {
        // Cheap first: most commands start here, and opening the repository costs milliseconds. A library in a
        // plain `.git` folder is checked with one stat; a worktree or submodule (`.git` is a file) opens it.
        var folder = root
        while true {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/.git", isDirectory: &isFolder) {
                if isFolder.boolValue, !FileManager.default.fileExists(atPath: folder + "/.git/" + Self.journalName) { return }
                break
            }
            let parent = (folder as NSString).deletingLastPathComponent
            if parent == folder || parent.isEmpty { return }
            folder = parent
        }
        guard let repository = try? repository, repository.workdir != nil,
              FileManager.default.fileExists(atPath: Self.journalPath(repository)),
              let lock = try? FileLock.acquire(at: Self.lockPath(repository), timeout: 0) else { return }
        defer { lock.release() }
        do {
            try recoverInterruptedWrite(repository)
        } catch {
            notices.append("could not undo an interrupted folio write: \(error); see git status")
        }
    }

    // MARK: - Changes made meanwhile

    /// The change to write, given what the file holds now: as it is when nothing moved; merged with what moved
    /// on; nil when what moved on already holds it. Throws a conflict when both changed the same thing.
    private func reconcile(_ change: LibraryChange, with now: Data?, notes: inout [String]) throws -> LibraryChange? {
        switch change.base {
        case .unchecked:
            return change
        case .absent:
            guard let now else { return change }
            if now == change.contents { return nil }
            throw FolioError(.conflict, "\(displayPath(change.path)) was created meanwhile by another process (blob \(try shortBlob(now))); nothing was written. Look at it, then change it with folio edit")
        case .bytes(let base):
            if now == base { return change }
            if now == change.contents { return nil }
            let path = displayPath(change.path)
            guard let now else {
                if let renamed = renamedMeanwhile(change.path) {
                    throw FolioError(conflict: WriteConflict(path: change.path, merged: nil, current: nil, renamedTo: renamed.rawValue), """
                        \(path) was renamed meanwhile to \(renamed) (your change started from blob \(try shortBlob(base))); nothing was written. \
                        Make your change to \(renamed)
                        """)
                }
                throw FolioError(conflict: WriteConflict(path: change.path, merged: nil, current: nil, renamedTo: nil), """
                    \(path) was deleted meanwhile (your change started from blob \(try shortBlob(base))); nothing was written. \
                    Bring it back with folio revert, or add it again
                    """)
            }
            // What is there now goes into the object database, so the retry can name it (`--base`).
            let current = try keepBlob(now)
            guard let ours = change.contents else {
                throw FolioError(conflict: WriteConflict(path: change.path, merged: nil, current: current, renamedTo: nil), """
                    \(path) changed meanwhile (from blob \(try shortBlob(base)) to \(current.prefix(7))), so deleting it would lose that change; \
                    nothing was written. Look at it, then delete it again
                    """)
            }
            let merged = try Self.merge(base: base, ours: ours, theirs: now)
            guard let merged, merged.clean else {
                throw FolioError(conflict: WriteConflict(path: change.path, merged: merged?.text, current: current, renamedTo: nil), """
                    \(path) changed meanwhile: your change started from blob \(try shortBlob(base)), and the file is now blob \(current.prefix(7)) \
                    (\(describeCurrent(change.path, now: now))). Both changed \(merged.map { Self.conflictingParts($0.text) } ?? "the same lines"), \
                    so nothing was written and neither version is lost
                    """)
            }
            notes.append("\(path) changed meanwhile (blob \(try shortBlob(base)) -> \(try shortBlob(now))); your change was merged with it")
            return LibraryChange(path: change.path, contents: Data(merged.text.utf8))
        }
    }

    /// Three-way merge of a file: prompt and context files key by key and hunk by hunk; other text line by line.
    static func merge(base: Data, ours: Data, theirs: Data) throws -> TextMerge? {
        if let merged = try FileMerge.merge(base: base, ours: ours, theirs: theirs, ourLabel: "yours", theirLabel: "meanwhile") {
            return merged
        }
        let text = { (data: Data) in String(decoding: data, as: UTF8.self) }
        return try gitCall {
            try Repository.mergeText(ancestor: text(base), ours: text(ours), theirs: text(theirs), ourLabel: "yours", theirLabel: "meanwhile")
        }
    }

    /// "key 'title'", "keys 'title' and 'tags'", "the same lines of the body": what a conflicted merge fought over.
    static func conflictingParts(_ text: String) -> String {
        var keys: [String] = []
        var body = false
        var inFrontmatter = false
        var dashes = 0
        var afterMarker = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "---" { dashes += 1; inFrontmatter = dashes == 1; continue }
            if afterMarker {
                afterMarker = false
                if inFrontmatter, let colon = line.firstIndex(of: ":") {
                    let key = String(line[..<colon])
                    if !keys.contains(key) { keys.append(key) }
                } else {
                    body = true
                }
            }
            if line.hasPrefix("<<<<<<< ") {
                if inFrontmatter { afterMarker = true } else { body = true }
            }
        }
        var parts: [String] = []
        if !keys.isEmpty { parts.append((keys.count == 1 ? "key " : "keys ") + keys.map { "'\($0)'" }.joined(separator: ", ")) }
        if body { parts.append("the same lines of the body") }
        return parts.isEmpty ? "the same lines" : parts.joined(separator: " and ")
    }

    /// Writes bytes into the object database (never committed by this) and returns their blob id.
    private func keepBlob(_ data: Data) throws -> String {
        guard let repository = try repository else { return try gitCall { try Repository.blobID(of: data) }.hex }
        return try gitCall { try repository.writeBlob(data) }.hex
    }

    /// The prompt a library file was renamed to by one of the last commits, when it was (a rename while an edit
    /// was in progress).
    private func renamedMeanwhile(_ path: String) -> PromptID? {
        guard let repository = try? repository, var commit = try? repository.head().commit else { return nil }
        let full = repositoryPath(path, in: repository)
        for _ in 0..<20 {
            guard let object = try? repository.commit(commit), let parent = object.parents.first,
                  let parentTree = try? repository.commit(parent).tree else { return nil }
            if let deltas = try? repository.diff(from: parentTree, to: object.tree, detectRenames: true),
               let delta = deltas.first(where: { $0.oldPath == full }) {
                guard delta.status == .renamed, let newPath = delta.newPath else { return nil }
                return PromptID.fromRelativePath(String(newPath.dropFirst(repositoryPrefix(in: repository).count)))
            }
            commit = parent
        }
        return nil
    }

    private func shortBlob(_ data: Data) throws -> String {
        String(try gitCall { try Repository.blobID(of: data) }.hex.prefix(7))
    }

    /// "HEAD abc1234: 'folio: edit x' by Ada" when `now`, the file's bytes, is what HEAD holds; else "not committed".
    private func describeCurrent(_ path: String, now: Data) -> String {
        guard let committed = (try? committedBlob(of: path)) ?? nil, (try? Repository.blobID(of: now)) == committed,
              let repository = try? repository, let head = try? repository.head().commit,
              let commit = try? repository.commit(head) else { return "not committed" }
        return "HEAD \(head.short): '\(commit.message.prefix { $0 != "\n" })' by \(commit.author.name)"
    }

    // MARK: - Checks before writing

    /// A read-only file is not replaced behind its owner's back (a rename would do it silently), and a folder that
    /// cannot be written to is named before anything is written.
    private func checkWritable(_ changes: [LibraryChange]) throws {
        let fm = FileManager.default
        for change in changes {
            let full = root + "/" + change.path
            if fm.fileExists(atPath: full) {
                // The owner's write bit, not access(2) alone: as root everything is writable, but a 0444 file still
                // says "do not change me".
                let mode = (try? fm.attributesOfItem(atPath: full))?[.posixPermissions] as? Int ?? 0o644
                if mode & 0o200 == 0 || access(full, W_OK) != 0 {
                    throw FolioError(.io, "\(displayPath(change.path)) is read-only, so folio will not \(change.contents == nil ? "delete" : "replace") it; make it writable (chmod u+w \(displayPath(change.path))) and try again. Nothing was written")
                }
            }
            var folder = (full as NSString).deletingLastPathComponent
            while !fm.fileExists(atPath: folder) { folder = (folder as NSString).deletingLastPathComponent }
            if access(folder, W_OK) != 0 {
                throw FolioError(.io, "cannot write in \(displayPath(absolute: folder)) (permission denied); make it writable and try again. Nothing was written")
            }
        }
    }

    /// Lints what is about to be written, as `folio lint` would lint it once written, among the files where the
    /// change applies (`current`): error-level findings refuse the write (the secret scanner's too, unless
    /// `allowSecrets`), in `refusal`'s words when given; the other findings come back, with their text as notes.
    /// Files lint does not read are scanned for secrets only.
    ///
    /// With `--no-commit` nothing is committed, so errors are reported as warnings: the files are the user's to look
    /// at, and `folio lint` and the pre-commit hook will stop them later.
    func checkBeforeWriting(_ changes: [LibraryChange], current: CurrentFiles, committing: Bool,
                            refusal: (([LintFinding]) -> FolioError)?) throws -> (notes: [String], findings: [LintFinding]) {
        var overrides: [String: Data?] = [:]
        for change in changes { overrides[change.path] = .some(change.contents) }
        let source = OverlayLintSource(base: current.lintSource, overrides: overrides)
        let written = changes.compactMap { change in change.contents.map { (change.path, $0) } }
        let lintable = written.filter { LintFileKind.of($0.0) != nil }
        let report = try lint(lintable.map { (relative: $0.0, display: displayPath($0.0), data: $0.1) }, source: source)
        var findings = report.findings
        // Other files folio writes (folio.yaml, experiments) are not linted, but no secret goes in through them either.
        for (path, data) in written where LintFileKind.of(path) == nil {
            guard let text = String(data: data, encoding: .utf8) else { continue }
            for match in SecretScanner.scan(text) {
                findings.append(LintFinding(rule: SecretDetectedRule.info.id, severity: .error,
                                            message: "\(match.kind) in the file; remove it, or mark a false positive with folio:allow-secret",
                                            path: displayPath(path), relativePath: path, repositoryPath: path,
                                            line: match.line, column: match.column))
            }
        }
        let secret = SecretDetectedRule.info.id
        if !committing {
            return (findings.map { $0.severity == .error ? $0.text + " (written, not committed: folio lint and the pre-commit hook will stop it)" : $0.text },
                    findings)
        }
        let blocking = findings.filter { $0.severity == .error && !(allowSecrets && $0.rule == secret) }
        guard blocking.isEmpty else {
            if let refusal { throw refusal(blocking) }
            var fixes: [String] = []
            if blocking.contains(where: { $0.rule == secret }) {
                fixes.append("if a secret finding is a false positive, put folio:allow-secret on its line, or pass --allow-secret")
            }
            let undeclared = UndeclaredVariableRule.info.id
            if blocking.contains(where: { $0.rule == undeclared }) {
                fixes.append("declare each variable under variables: in the frontmatter (for a new prompt: folio new ID --file FILE with the whole prompt, or --template), or fix the name in the body; text that only looks like a variable is written with literal braces ({{=<% %>=}}, docs/format.md)")
            }
            fixes.append("rules and their fixes: docs/lint-rules.md")
            // Positions in a file that is not there yet are in the text folio would have written.
            let new = Set(blocking.map(\.relativePath)).filter { path in (try? current.data(path)) == nil }
            let positions = new.isEmpty ? "" : " (positions are in \(new.sorted().map { displayPath($0) }.joined(separator: ", ")) as folio would have written it)"
            throw FolioError(.invalidInput, blocking.map(\.text).joined(separator: "\n")
                + "\nnothing was written\(positions): folio does not commit what its own lint calls an error; " + fixes.joined(separator: "; "))
        }
        let passed = findings.filter { $0.severity == .warning || (allowSecrets && $0.rule == secret && $0.severity == .error) }
        let notes = passed.map { finding in
            guard finding.rule == secret, finding.severity == .error else { return finding.text }
            return "\(finding.path):\(finding.line):\(finding.column): \(finding.message) [\(finding.rule)]; committed anyway (--allow-secret). "
                + "folio lint and the pre-commit hook still report it: if it is not a secret, put folio:allow-secret on that line"
        }
        return (notes, passed)
    }
}

/// Files as they will be after a change: the change's files over another source.
struct OverlayLintSource: LintSource {
    let base: LintSource
    let overrides: [String: Data?]

    func data(_ relativePath: String) -> Data? {
        if let override = overrides[relativePath] { return override }
        return base.data(relativePath)
    }

    func exists(_ id: PromptID) -> Bool {
        if let override = overrides[id.relativePath] { return override != nil }
        return base.exists(id)
    }

    var concurrent: Bool { base.concurrent }
}
