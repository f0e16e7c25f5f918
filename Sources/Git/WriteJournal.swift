import Foundation

/// A record of a write in progress, kept on disk while files of the work tree are being replaced, so that a
/// process killed half-way (kill -9, a power cut) leaves something the next process can undo or finish:
/// which files were about to change, what they held before (as blobs in the object database), what they were
/// going to hold, where HEAD was, and — once written — the commit that would make the write final.
///
/// The journal is written before the first file is touched and removed when the write is complete (or undone
/// after a failure). Whoever holds the write lock and finds a journal knows its writer died: `recover` then
/// undoes the files (when the commit never landed) or just forgets the journal (when it did).
public struct WriteJournal: Codable, Sendable, Equatable {
    /// One file of the write.
    public struct File: Codable, Sendable, Equatable {
        /// Relative to the work tree.
        public var path: String
        /// The blob holding the file's bytes before the write (nil: there was no file).
        public var before: String?
        /// The id of the bytes the write puts there (nil: the write deletes the file).
        public var after: String?
        /// The file's permission bits before, to restore them.
        public var permissions: Int?
        /// The staged entry before the write (nil: not staged), to put back.
        public var staged: String?
        public var stagedMode: UInt32?
    }

    /// The commit message (the user is told what was undone).
    public var message: String
    /// The process that wrote the journal.
    public var pid: Int32
    /// HEAD's commit before the write (nil: unborn, or a write that does not commit).
    public var head: String?
    /// The commit the write makes, once written (before HEAD moves).
    public var commit: String?
    /// Whether the write commits (false: work-tree files only, `--no-commit`).
    public var commits: Bool
    public var files: [File]
    /// Folders the write created, outermost first (removed again when empty).
    public var createdFolders: [String]

    /// Saves the journal atomically.
    func save(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try WorkTreeWriter.atomicWrite(try encoder.encode(self), to: path, sync: true)
    }

    static func load(from path: String) -> WriteJournal? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(WriteJournal.self, from: data)
    }

    /// What recovering an interrupted write did, for the user.
    public struct Recovery: Sendable, Equatable {
        public enum Outcome: Sendable, Equatable {
            /// The commit had landed; only the journal was left.
            case finished
            /// The commit never landed: the files it wrote were put back as they were (`kept`: changed again since,
            /// so left alone).
            case undone(restored: [String], kept: [String])
            /// HEAD moved elsewhere since (someone committed or reset): nothing was touched.
            case leftAlone(paths: [String])
        }
        public let message: String
        public let pid: Int32
        public let outcome: Outcome
    }
}

extension Repository {
    /// `checkoutAndAdvance`, journaled: a process killed while the checkout rewrites the work tree leaves a journal
    /// from which the next one puts back every file it had rewritten (HEAD had not moved yet), so nothing looks
    /// like an uncommitted change nobody made.
    public func checkoutAndAdvance(from expected: Head, to commit: OID, message: String, journal path: String) throws {
        let oldTree = try expected.commit.map { try self.commit($0).tree }
        let newTree = try self.commit(commit).tree
        let index = try self.index()
        var files: [WriteJournal.File] = []
        var folders: [String] = []
        let fm = FileManager.default
        for delta in try changedFiles(from: oldTree, to: newTree) {
            for (path, before, after) in [(delta.oldPath, delta.oldBlob, delta.oldPath == delta.newPath ? delta.newBlob : nil),
                                          (delta.newPath == delta.oldPath ? nil : delta.newPath, nil as OID?, delta.newBlob)] {
                guard let path else { continue }
                let staged = index.entry(at: path)
                files.append(WriteJournal.File(path: path, before: before?.hex, after: after?.hex, permissions: nil,
                                               staged: staged?.oid.hex, stagedMode: staged?.mode))
                guard after != nil, let workdir else { continue }
                var folder = (path as NSString).deletingLastPathComponent
                var missing: [String] = []
                while !folder.isEmpty, !folders.contains(folder), !fm.fileExists(atPath: workdir + "/" + folder) {
                    missing.append(folder)
                    folder = (folder as NSString).deletingLastPathComponent
                }
                folders += missing.reversed()
            }
        }
        var record = WriteJournal(message: message, pid: getpid(), head: expected.commit?.hex, commit: commit.hex, commits: true,
                                  files: files, createdFolders: folders)
        if expected.commit == nil { record.head = nil }
        try record.save(to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try checkoutAndAdvance(from: expected, to: commit, message: message)
    }

    /// Finishes or undoes the write an interrupted process left in the journal at `path`, if there is one.
    /// The caller must hold the write lock (so the journal's writer is known to be gone). Files that changed
    /// again since the interrupted write touched them are left alone and named in `kept`.
    public func recoverInterruptedWrite(journal path: String) throws -> WriteJournal.Recovery? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let journal = WriteJournal.load(from: path) else {
            // Cut off while the journal itself was written (it is written atomically, so this is a stray file).
            try? FileManager.default.removeItem(atPath: path)
            return nil
        }
        let head = try self.head()
        if journal.commits, let commit = journal.commit.flatMap(OID.init(hex:)), let current = head.commit,
           try current == commit || isAncestor(commit, of: current) {
            try FileManager.default.removeItem(atPath: path)
            return WriteJournal.Recovery(message: journal.message, pid: journal.pid, outcome: .finished)
        }
        var restored: [String] = [], kept: [String] = []
        guard let workdir else {
            try FileManager.default.removeItem(atPath: path)
            return nil
        }
        if journal.commits, head.commit?.hex != journal.head {
            try FileManager.default.removeItem(atPath: path)
            return WriteJournal.Recovery(message: journal.message, pid: journal.pid, outcome: .leftAlone(paths: journal.files.map(\.path)))
        }
        let fm = FileManager.default
        let index = try self.index()
        var indexChanged = false
        for file in journal.files.reversed() {
            let full = workdir + "/" + file.path
            let now = fm.contents(atPath: full)
            let nowID = try now.map { try Repository.blobID(of: $0).hex }
            let beforeID = file.before
            // Ours to undo only if it holds what the write put there, or the start of it (a file cut off while it was
            // written: a checkout writes files in place), or what was there before (nothing to do then).
            var ours = nowID == file.after
            if !ours, nowID != beforeID, let now, let after = file.after.flatMap(OID.init(hex:)),
               let written = try? blob(after), now.count < written.count, written.starts(with: now) {
                ours = true
            }
            if ours, nowID != beforeID {
                if let before = file.before.flatMap(OID.init(hex:)) {
                    try fm.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    try WorkTreeWriter.atomicWrite(try blob(before), to: full, permissions: file.permissions)
                } else {
                    try fm.removeItem(atPath: full)
                }
                restored.append(file.path)
            } else if nowID != beforeID {
                kept.append(file.path)
                continue
            }
            // The index entry goes back too, when the write had staged something else there.
            let entry = index.entry(at: file.path)
            let stagedBefore = file.staged.flatMap(OID.init(hex:))
            if entry?.oid != stagedBefore || (stagedBefore != nil && entry?.mode != file.stagedMode) {
                if let stagedBefore {
                    try index.restore(Index.Entry(path: file.path, oid: stagedBefore, mode: file.stagedMode ?? 0o100644))
                } else {
                    try index.remove(path: file.path)
                }
                indexChanged = true
            }
        }
        if indexChanged { try index.write() }
        // A file cut off while being written is a temporary file beside it (see WorkTreeWriter.atomicWrite).
        var byFolder: [String: Set<String>] = [:]
        for file in journal.files {
            byFolder[(file.path as NSString).deletingLastPathComponent, default: []].insert((file.path as NSString).lastPathComponent)
        }
        for (folder, names) in byFolder {
            let full = folder.isEmpty ? workdir : workdir + "/" + folder
            for entry in (try? fm.contentsOfDirectory(atPath: full)) ?? [] where entry.hasPrefix(".") {
                guard let marker = entry.range(of: WorkTreeWriter.temporaryMarker, options: .backwards),
                      names.contains(String(entry[entry.index(after: entry.startIndex)..<marker.lowerBound])) else { continue }
                try? fm.removeItem(atPath: full + "/" + entry)
            }
        }
        for folder in journal.createdFolders.reversed() {
            let full = workdir + "/" + folder
            if (try? fm.contentsOfDirectory(atPath: full))?.isEmpty == true { try? fm.removeItem(atPath: full) }
        }
        try fm.removeItem(atPath: path)
        return WriteJournal.Recovery(message: journal.message, pid: journal.pid,
                                     outcome: .undone(restored: restored.reversed(), kept: kept.reversed()))
    }
}
