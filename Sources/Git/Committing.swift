import Foundation
internal import CGit2

/// A file to write or delete in a commit. Paths are relative to the repository root.
public struct FileChange: Sendable, Equatable {
    public let path: String
    /// The new contents, or nil to delete the file.
    public let contents: Data?

    public init(path: String, contents: Data?) {
        self.path = path
        self.contents = contents
    }

    public static func write(_ path: String, _ contents: Data) -> FileChange { FileChange(path: path, contents: contents) }
    public static func delete(_ path: String) -> FileChange { FileChange(path: path, contents: nil) }
}

extension Repository {
    /// Commits `changes` on the checked-out branch, as `git add <paths> && git commit <paths>` would:
    /// writes the work-tree files atomically, stages exactly those paths, writes a commit whose tree is
    /// HEAD's tree plus these changes, and moves the branch (compare-and-swap). Other staged and unstaged
    /// work is left alone. On any failure the work tree, the index and the branch are as they were.
    ///
    /// With a `journal` path, what is about to change is recorded there first and the record removed at the end,
    /// so that a process killed half-way can be undone by the next one (`recoverInterruptedWrite`).
    @discardableResult
    public func commitOnHead(_ changes: [FileChange], message: String, identity: Identity, journal: String? = nil) throws -> OID {
        guard let workdir else {
            throw GitError(code: .other(-1), operation: "commit", message: "the repository is bare: it has no work tree")
        }
        if let operation = operationInProgress {
            throw GitError(code: .locked, operation: "commit",
                           message: "a \(operation) is in progress; finish or abort it with git first")
        }
        let head = try head()
        let index = try index()
        if index.hasConflicts {
            throw GitError(code: .locked, operation: "commit",
                           message: "the index has unresolved conflicts; resolve them with git first")
        }
        let baseTree = try head.commit.map { try commit($0).tree }

        var record = try journal.map { _ in try writeJournal(for: changes, message: message, head: head.commit, commits: true, index: index) }
        if let journal, let record { try record.save(to: journal) }
        let backup: WorkTreeWriter.Backup
        do {
            backup = try WorkTreeWriter(root: workdir).apply(changes)
        } catch {
            if let journal { try? FileManager.default.removeItem(atPath: journal) }
            throw error
        }
        var originalEntries: [String: Index.Entry?] = [:]
        do {
            var treeChanges: [TreeChange] = []
            for change in changes {
                originalEntries[change.path] = index.entry(at: change.path)
                if change.contents != nil {
                    let blob = try index.add(path: change.path)
                    let mode = FileMode(rawValue: index.entry(at: change.path)?.mode ?? 0) ?? .regular
                    treeChanges.append(TreeChange(path: change.path, action: .upsert(blob: blob, mode: mode)))
                } else {
                    try index.remove(path: change.path)
                    if let baseTree, try entry(at: change.path, inTree: baseTree) != nil {
                        treeChanges.append(TreeChange(path: change.path, action: .remove))
                    }
                }
            }
            let tree = try writeTree(applying: treeChanges, to: baseTree)
            let newCommit = try writeCommit(tree: tree, parents: head.commit.map { [$0] } ?? [],
                                            identity: identity, message: message)
            if let journal, record != nil {
                record!.commit = newCommit.hex
                try record!.save(to: journal)
            }
            // The index goes first: if git holds its lock we fail before the branch moves.
            try index.write()
            do {
                let summary = String(message.prefix { $0 != "\n" })
                try advanceHead(from: head, to: newCommit,
                                message: head.commit == nil ? "commit (initial): \(summary)" : "commit: \(summary)")
            } catch {
                try? index.reload()
                for (path, entry) in originalEntries {
                    if let entry { try? index.restore(entry) } else { try? index.remove(path: path) }
                }
                try? index.write()
                throw error
            }
            if let journal { try? FileManager.default.removeItem(atPath: journal) }
            return newCommit
        } catch {
            backup.rollback()
            if let journal { try? FileManager.default.removeItem(atPath: journal) }
            throw error
        }
    }

    /// Writes work-tree files only (no commit), journaled like `commitOnHead` so a killed process is undone.
    public func writeWorkTree(_ changes: [FileChange], message: String, journal: String) throws {
        guard let workdir else {
            throw GitError(code: .other(-1), operation: "write", message: "the repository is bare: it has no work tree")
        }
        let record = try writeJournal(for: changes, message: message, head: nil, commits: false, index: nil)
        try record.save(to: journal)
        defer { try? FileManager.default.removeItem(atPath: journal) }
        _ = try WorkTreeWriter(root: workdir).apply(changes)
    }

    /// The journal of a write about to happen: each file's current bytes saved as a blob (so they can be put back),
    /// the id of what replaces them, and the folders that will be created.
    private func writeJournal(for changes: [FileChange], message: String, head: OID?, commits: Bool, index: Index?) throws -> WriteJournal {
        guard let workdir else { throw GitError(code: .other(-1), operation: "write", message: "the repository is bare") }
        let fm = FileManager.default
        var files: [WriteJournal.File] = []
        var folders: [String] = []
        for change in changes {
            let full = workdir + "/" + change.path
            let existing = fm.contents(atPath: full)
            let permissions = existing == nil ? nil : (try? fm.attributesOfItem(atPath: full))?[.posixPermissions] as? Int
            let staged = index?.entry(at: change.path)
            files.append(WriteJournal.File(path: change.path, before: try existing.map { try writeBlob($0).hex },
                                           after: try change.contents.map { try Repository.blobID(of: $0).hex },
                                           permissions: permissions, staged: staged?.oid.hex, stagedMode: staged?.mode))
            guard change.contents != nil else { continue }
            var missing: [String] = []
            var folder = (change.path as NSString).deletingLastPathComponent
            var isDirectory: ObjCBool = false
            while !folder.isEmpty, !folders.contains(folder), !fm.fileExists(atPath: workdir + "/" + folder, isDirectory: &isDirectory) {
                missing.append(folder)
                folder = (folder as NSString).deletingLastPathComponent
            }
            folders += missing.reversed()
        }
        return WriteJournal(message: message, pid: getpid(), head: head?.hex, commit: nil, commits: commits, files: files,
                            createdFolders: folders)
    }

    /// Commits `changes` on branch `name` without touching the work tree or the index. When `name` is the
    /// checked-out branch this is `commitOnHead`, so the work tree stays in step.
    @discardableResult
    public func commit(_ changes: [FileChange], onBranch name: String, message: String, identity: Identity) throws -> OID {
        let current = try head()
        if current.branchName == name, workdir != nil {
            return try commitOnHead(changes, message: message, identity: identity)
        }
        let refName = "refs/heads/\(name)"
        guard let tip = try reference(named: refName)?.target else {
            throw GitError(code: .notFound, operation: "commit on branch '\(name)'", message: "there is no such branch")
        }
        let baseTree = try commit(tip).tree
        var treeChanges: [TreeChange] = []
        for change in changes {
            if let contents = change.contents {
                let existing = try entry(at: change.path, inTree: baseTree)
                let mode = existing.flatMap { FileMode(rawValue: $0.mode) } ?? .regular
                treeChanges.append(TreeChange(path: change.path, action: .upsert(blob: try writeBlob(contents), mode: mode)))
            } else if try entry(at: change.path, inTree: baseTree) != nil {
                treeChanges.append(TreeChange(path: change.path, action: .remove))
            }
        }
        let tree = try writeTree(applying: treeChanges, to: baseTree)
        let newCommit = try writeCommit(tree: tree, parents: [tip], identity: identity, message: message)
        let summary = String(message.prefix { $0 != "\n" })
        try setReference(refName, to: newCommit, expecting: .value(tip), message: "commit: \(summary)")
        return newCommit
    }
}

/// Writes files into a folder so that each file is replaced atomically (temporary file, then rename)
/// and the whole set can be undone.
public struct WorkTreeWriter: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// What `apply` changed, to put back on failure.
    public final class Backup {
        fileprivate var restores: [(path: String, contents: Data?, permissions: Int?)] = []
        fileprivate var createdFolders: [String] = []

        /// Puts every touched file back as it was, newest change first.
        public func rollback() {
            let fm = FileManager.default
            for item in restores.reversed() {
                if let contents = item.contents {
                    try? fm.createDirectory(atPath: (item.path as NSString).deletingLastPathComponent,
                                            withIntermediateDirectories: true)
                    try? WorkTreeWriter.atomicWrite(contents, to: item.path, permissions: item.permissions)
                } else {
                    try? fm.removeItem(atPath: item.path)
                }
            }
            for folder in createdFolders.reversed() {
                if (try? fm.contentsOfDirectory(atPath: folder))?.isEmpty == true { try? fm.removeItem(atPath: folder) }
            }
            restores.removeAll()
            createdFolders.removeAll()
        }
    }

    /// Applies the changes; when one fails, the ones already made are undone before the error is thrown.
    public func apply(_ changes: [FileChange]) throws -> Backup {
        let backup = Backup()
        let fm = FileManager.default
        do {
            for change in changes {
                let path = root + "/" + change.path
                let existing = fm.contents(atPath: path)
                let permissions = (try? fm.attributesOfItem(atPath: path))?[.posixPermissions] as? Int
                if let contents = change.contents {
                    let folder = (path as NSString).deletingLastPathComponent
                    backup.createdFolders += try Self.makeFolders(folder)
                    backup.restores.append((path, existing, permissions))
                    try Self.atomicWrite(contents, to: path, permissions: permissions)
                } else if existing != nil {
                    backup.restores.append((path, existing, permissions))
                    try fm.removeItem(atPath: path)
                    Self.removeEmptyFolders(from: (path as NSString).deletingLastPathComponent, upTo: root)
                }
            }
        } catch {
            backup.rollback()
            throw error
        }
        return backup
    }

    /// What names a temporary file beside the file it becomes: `.NAME.folio-1A2B3C4D`.
    static let temporaryMarker = ".folio-"

    /// Writes `data` to a temporary file beside `path`, then renames it over `path`. Like git, work-tree files are
    /// not flushed to disk one by one (an fsync each made a 3,000-file import take half a minute on a busy disk):
    /// the write journal is what survives a crash. `sync` flushes (for the journal itself).
    public static func atomicWrite(_ data: Data, to path: String, permissions: Int? = nil, sync: Bool = false) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let temp = folder + "/.\((path as NSString).lastPathComponent)\(temporaryMarker)\(UUID().uuidString.prefix(8))"
        func failure(_ doing: String) -> Error {
            CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path,
                                                     NSLocalizedDescriptionKey: "\(doing) \(path): \(String(cString: strerror(errno)))"])
        }
        let descriptor = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(permissions ?? 0o666))
        guard descriptor >= 0 else { throw failure("cannot create a file beside") }
        var closed = false
        defer {
            if !closed { close(descriptor) }
        }
        do {
            try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
                var offset = 0
                while offset < buffer.count {
                    let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw failure("cannot write")
                    }
                    offset += written
                }
            }
            // open(2) applies the umask; the file keeps the permissions it had.
            if let permissions, fchmod(descriptor, mode_t(permissions)) != 0 { throw failure("cannot set the permissions of") }
            if sync, fsync(descriptor) != 0 { throw failure("cannot flush") }
            closed = true
            guard close(descriptor) == 0 else { throw failure("cannot write") }
            guard rename(temp, path) == 0 else { throw failure("cannot replace") }
        } catch {
            unlink(temp)
            throw error
        }
    }

    /// Creates `folder` and missing parents; returns the folders it created, outermost first.
    private static func makeFolders(_ folder: String) throws -> [String] {
        let fm = FileManager.default
        var missing: [String] = []
        var current = folder
        var isDirectory: ObjCBool = false
        while !fm.fileExists(atPath: current, isDirectory: &isDirectory) {
            missing.append(current)
            current = (current as NSString).deletingLastPathComponent
        }
        try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return missing.reversed()
    }

    private static func removeEmptyFolders(from folder: String, upTo root: String) {
        let fm = FileManager.default
        var current = folder
        while current.count > root.count, current.hasPrefix(root),
              (try? fm.contentsOfDirectory(atPath: current))?.isEmpty == true {
            try? fm.removeItem(atPath: current)
            current = (current as NSString).deletingLastPathComponent
        }
    }
}
