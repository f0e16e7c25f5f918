import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// Every write folio makes: nothing lost when another process changed the file meanwhile, nothing committed that
/// folio's own lint calls an error, nothing half-written when a process is killed.
@Suite struct WriteSafetyTests {
    static let reply = """
        ---
        title: Reply
        tags: [support]
        variables:
        - name: ticket
        ---
        Handle this ticket: {{ticket}}

        Be brief.
        """ + "\n"

    private func library() throws -> (TemporaryFolder, Library) {
        let (folder, library) = try makeLibrary()
        try library.addFile("support/reply", Self.reply)
        return (folder, library)
    }

    /// Another process (another Library on the same folder) makes a change while this one "has the editor open".
    private func otherProcess(_ folder: TemporaryFolder) throws -> Library {
        try Library.open(explicitPath: folder.path, environment: environment(folder.path))
    }

    // MARK: - Edits made meanwhile

    @Test func anEditorSaveMergesWithAFieldChangedMeanwhile() throws {
        let (folder, library) = try library()
        let opened = try library.currentText(id("support/reply"))
        // While the editor is open, another process changes the title.
        try otherProcess(folder).edit(id("support/reply"), set: [("title", "Support reply")])
        let saved = opened.replacingOccurrences(of: "Be brief.", with: "Be brief and kind.")
        let outcome = try library.replace(id("support/reply"), fileText: saved, source: "editor", base: opened)
        let file = try #require(folder.read("prompts/support/reply.prompt.md"))
        #expect(file.contains("title: Support reply"))
        #expect(file.contains("Be brief and kind."))
        #expect(outcome.warnings.contains { $0.contains("changed meanwhile") && $0.contains("merged") })
        #expect(try git("status", "--porcelain", in: folder.path) == "")
    }

    @Test func anEditorSaveThatConflictsIsRefusedAndLosesNothing() throws {
        let (folder, library) = try library()
        let opened = try library.currentText(id("support/reply"))
        try otherProcess(folder).edit(id("support/reply"), set: [("title", "Theirs")])
        let head = try git("rev-parse", "HEAD", in: folder.path)
        let saved = opened.replacingOccurrences(of: "title: Reply", with: "title: Mine")
        let error = try #require(throws: FolioError.self) {
            try library.replace(id("support/reply"), fileText: saved, source: "editor", base: opened)
        }
        #expect(error.kind == .conflict)
        #expect(error.message.contains("changed meanwhile"))
        #expect(error.message.contains("key 'title'"))
        // Both versions are named by blob id, and the file keeps the other process's edit.
        let baseBlob = String(try git("hash-object", "--stdin", in: folder.path, stdin: opened).prefix(7))
        #expect(error.message.contains(baseBlob))
        #expect(folder.read("prompts/support/reply.prompt.md")?.contains("title: Theirs") == true)
        #expect(try git("rev-parse", "HEAD", in: folder.path) == head)
    }

    @Test func setEditsOfDifferentKeysFromStaleReadersAreAllKept() throws {
        // Two Library objects that both read the file before either wrote: each --set is applied to the file as it
        // is under the lock, so both keys end up in it.
        let (folder, first) = try library()
        let second = try otherProcess(folder)
        _ = try first.document(id("support/reply"))
        _ = try second.document(id("support/reply"))
        try first.edit(id("support/reply"), set: [("metadata.k1", "v1")])
        try second.edit(id("support/reply"), set: [("metadata.k2", "v2")])
        let file = try #require(folder.read("prompts/support/reply.prompt.md"))
        #expect(file.contains("k1: v1") && file.contains("k2: v2"))
    }

    @Test func aNewPromptCreatedMeanwhileIsNotOverwritten() throws {
        let (folder, library) = try makeLibrary()
        folder.write("prompts/x.prompt.md", "---\ntitle: Someone else's\n---\nTheirs\n")
        let error = try #require(throws: FolioError.self) {
            try library.apply([LibraryChange(path: "prompts/x.prompt.md", contents: Data("Mine\n".utf8), base: .absent)],
                              message: "folio: add x", commit: true)
        }
        #expect(error.kind == .conflict)
        #expect(folder.read("prompts/x.prompt.md") == "---\ntitle: Someone else's\n---\nTheirs\n")
    }

    @Test func removingAFileWithUncommittedChangesIsRefused() throws {
        let (folder, library) = try library()
        folder.write("prompts/support/reply.prompt.md", Self.reply + "An unsaved thought.\n")
        let error = try #require(throws: FolioError.self) { try library.remove(id("support/reply")) }
        #expect(error.kind == .conflict)
        #expect(error.message.contains("not committed") && error.message.contains("--force"))
        #expect(folder.read("prompts/support/reply.prompt.md")?.contains("An unsaved thought.") == true)
        try library.remove(id("support/reply"), force: true)
        #expect(!folder.exists("prompts/support/reply.prompt.md"))
    }

    @Test func aReadOnlyFileIsNotReplaced() throws {
        let (folder, library) = try library()
        let path = folder.at("prompts/support/reply.prompt.md")
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        let error = try #require(throws: FolioError.self) { try library.edit(id("support/reply"), set: [("title", "New")]) }
        #expect(error.kind == .io)
        #expect(error.message.contains("read-only") && error.message.contains("chmod u+w"))
        #expect(folder.read("prompts/support/reply.prompt.md") == Self.reply)
    }

    @Test func revertKeepsChangesThatAreNotCommitted() throws {
        let (folder, library) = try library()
        try library.edit(id("support/reply"), set: [("title", "Changed")])
        folder.write("prompts/support/reply.prompt.md", (folder.read("prompts/support/reply.prompt.md") ?? "") + "My uncommitted work.\n")
        try library.revert(id("support/reply"), to: "v1")
        let file = try #require(folder.read("prompts/support/reply.prompt.md"))
        #expect(file.contains("title: Reply") && file.contains("My uncommitted work."))
    }

    @Test func revertThatWouldOverwriteUncommittedChangesIsRefused() throws {
        let (folder, library) = try library()
        try library.edit(id("support/reply"), set: [("title", "Changed")])
        let uncommitted = (folder.read("prompts/support/reply.prompt.md") ?? "").replacingOccurrences(of: "title: Changed", with: "title: Mine")
        folder.write("prompts/support/reply.prompt.md", uncommitted)
        let error = try #require(throws: FolioError.self) { try library.revert(id("support/reply"), to: "v1") }
        #expect(error.kind == .conflict)
        #expect(folder.read("prompts/support/reply.prompt.md") == uncommitted)
    }

    @Test func aConflictCarriesBothVersionsBetweenMarkersAndTheVersionToRetryAgainst() throws {
        let (folder, library) = try library()
        let opened = try library.currentText(id("support/reply"))
        try otherProcess(folder).edit(id("support/reply"), set: [("title", "Theirs"), ("category", "care")])
        let mine = opened.replacingOccurrences(of: "title: Reply", with: "title: Mine")
        let error = try #require(throws: FolioError.self) {
            try library.replace(id("support/reply"), fileText: mine, source: "editor", base: opened)
        }
        let conflict = try #require(error.conflict)
        #expect(conflict.merged?.contains("<<<<<<< yours\ntitle: Mine\n=======\ntitle: Theirs\n>>>>>>> meanwhile") == true)
        // A text still holding markers is refused.
        #expect(throws: FolioError.self) {
            try library.replace(id("support/reply"), fileText: conflict.merged!, source: "kept", base: try library.blobText(conflict.current!))
        }
        // Resolved, and retried against the version it was merged with: the other change (category) stays.
        let resolved = conflict.merged!.replacingOccurrences(of: "<<<<<<< yours\ntitle: Mine\n=======\n", with: "").replacingOccurrences(of: ">>>>>>> meanwhile\n", with: "")
        try library.replace(id("support/reply"), fileText: resolved, source: "kept", base: try library.blobText(String(conflict.current!.prefix(12))))
        let file = try #require(folder.read("prompts/support/reply.prompt.md"))
        #expect(file.contains("title: Theirs") && file.contains("category: care"))
    }

    @Test func anEditWhileThePromptWasRenamedNamesTheNewID() throws {
        let (folder, library) = try library()
        let opened = try library.currentText(id("support/reply"))
        try otherProcess(folder).move(id("support/reply"), to: id("support/answer"))
        let error = try #require(throws: FolioError.self) {
            try library.replace(id("support/reply"), fileText: opened.replacingOccurrences(of: "Be brief.", with: "Be kind."),
                                source: "editor", base: opened)
        }
        #expect(error.conflict?.renamedTo == "support/answer")
        #expect(error.message.contains("renamed meanwhile to support/answer"))
    }

    @Test func unsettingAKeyThatIsNotThereSaysSo() throws {
        let (folder, library) = try library()
        defer { withExtendedLifetime(folder) {} }
        let outcome = try library.edit(id("support/reply"), unset: ["metadata.ownr"])
        #expect(!outcome.changed)
        #expect(outcome.warnings == ["prompts/support/reply.prompt.md has no 'metadata.ownr' to remove"])
    }

    // MARK: - Lint before every write

    static let awsKey = "AKIA" + "IOSFODNN7EXAMPLE"

    @Test func aSecretInANewPromptIsNotCommitted() throws {
        let (folder, library) = try makeLibrary()
        let head = try git("rev-parse", "HEAD", in: folder.path)
        let error = try #require(throws: FolioError.self) {
            try library.addFile("leaky", "Use the key \(Self.awsKey) to call the API.\n")
        }
        #expect(error.kind == .invalidInput)
        #expect(error.message.contains("prompts/leaky.prompt.md:1:"))
        #expect(error.message.contains("AWS access key") && error.message.contains("[secret-detected]"))
        #expect(error.message.contains("--allow-secret") && error.message.contains("folio:allow-secret"))
        #expect(!folder.exists("prompts/leaky.prompt.md"))
        #expect(try git("rev-parse", "HEAD", in: folder.path) == head)
    }

    @Test func allowSecretsCommitsItAndStillSaysSo() throws {
        let (folder, library) = try makeLibrary()
        library.allowSecrets = true
        let outcome = try library.addFile("leaky", "Use the key \(Self.awsKey) to call the API.\n")
        #expect(outcome.commit != nil)
        #expect(outcome.warnings.contains { $0.contains("AWS access key") && $0.contains("committed anyway (--allow-secret)")
            && $0.contains("put folio:allow-secret on that line") && !$0.contains("error:") })
        #expect(folder.exists("prompts/leaky.prompt.md"))
    }

    @Test func theInlineAllowMarkerLetsAFalsePositiveThrough() throws {
        let (folder, library) = try makeLibrary()
        let outcome = try library.addFile("doc", "The docs' example key \(Self.awsKey) is fake. <!-- folio:allow-secret -->\n")
        #expect(outcome.commit != nil)
        #expect(folder.exists("prompts/doc.prompt.md"))
    }

    @Test func aSecretSetThroughAnEditIsNotCommitted() throws {
        let (folder, library) = try library()
        let error = try #require(throws: FolioError.self) {
            try library.edit(id("support/reply"), body: "Call with \(Self.awsKey).\n")
        }
        #expect(error.kind == .invalidInput)
        #expect(folder.read("prompts/support/reply.prompt.md") == Self.reply)
    }

    @Test func anUndeclaredVariableIsNotCommitted() throws {
        let (folder, library) = try makeLibrary()
        let error = try #require(throws: FolioError.self) {
            try library.addFile("support/typo", "---\nvariables:\n- name: ticket\n---\nHandle this: {{tikcet}}\n")
        }
        #expect(error.kind == .invalidInput)
        #expect(error.message.contains("tikcet") && error.message.contains("[undeclared-variable]"))
        #expect(!folder.exists("prompts/support/typo.prompt.md"))
    }

    @Test func aSecretInAnImportedFileStopsTheWholeImport() throws {
        let (folder, library) = try makeLibrary()
        folder.write("in/.cursor/rules/good.mdc", "---\ndescription: Good\n---\nBe kind.\n")
        folder.write("in/.cursor/rules/leaky.mdc", "---\ndescription: Leaky\n---\nKey: \(Self.awsKey)\n")
        let head = try git("rev-parse", "HEAD", in: folder.path)
        #expect(throws: FolioError.self) { try library.importPrompts([folder.at("in/.cursor/rules")], format: nil, prefix: nil) }
        #expect(try git("rev-parse", "HEAD", in: folder.path) == head)
        #expect(try git("status", "--porcelain", "--untracked-files=all", "prompts", in: folder.path) == "")
    }

    // MARK: - Interrupted writes

    @Test func aWriteKilledBeforeItsCommitIsUndoneByTheNextProcess() throws {
        // What a process killed between writing files and committing leaves: its journal, and the files.
        let (folder, library) = try library()
        let repository = folder.at(".git")
        let journalPath = repository + "/" + Library.journalName
        let before = try #require(folder.read("prompts/support/reply.prompt.md"))
        let beforeBlob = try git("hash-object", "-w", "prompts/support/reply.prompt.md", in: folder.path)
        let newText = "---\ntitle: New\n---\nNew body\n"
        let newBlob = try git("hash-object", "--stdin", in: folder.path, stdin: newText)
        let stagedMode = UInt32(0o100644)
        let journal = """
            {"commits":true,"createdFolders":["prompts/imported"],"files":[\
            {"after":"\(newBlob)","before":"\(beforeBlob)","path":"prompts/support/reply.prompt.md","permissions":420,"staged":"\(beforeBlob)","stagedMode":\(stagedMode)},\
            {"after":"\(newBlob)","path":"prompts/imported/a.prompt.md"}],\
            "head":"\(try git("rev-parse", "HEAD", in: folder.path))","message":"folio: import 1 prompt","pid":999999}
            """
        folder.write(".git/folio/write-journal.json", journal)
        folder.write("prompts/support/reply.prompt.md", newText)
        folder.write("prompts/imported/a.prompt.md", newText)
        _ = library

        let next = try Library.open(explicitPath: folder.path, environment: environment(folder.path))
        #expect(next.notices.count == 1)
        #expect(next.notices.first?.contains("folio: import 1 prompt") == true)
        #expect(folder.read("prompts/support/reply.prompt.md") == before)
        #expect(!folder.exists("prompts/imported"))
        #expect(!FileManager.default.fileExists(atPath: journalPath))
        #expect(try git("status", "--porcelain", "--untracked-files=all", in: folder.path) == "")
    }

    @Test func aJournalLeftAfterItsCommitLandedOnlyGoesAway() throws {
        let (folder, library) = try library()
        let head = try git("rev-parse", "HEAD", in: folder.path)
        let blob = try git("rev-parse", "HEAD:prompts/support/reply.prompt.md", in: folder.path)
        folder.write(".git/folio/write-journal.json", """
            {"commits":true,"commit":"\(head)","createdFolders":[],"files":[{"after":"\(blob)","path":"prompts/support/reply.prompt.md"}],\
            "head":null,"message":"folio: add support/reply","pid":999999}
            """)
        _ = library
        let next = try Library.open(explicitPath: folder.path, environment: environment(folder.path))
        #expect(next.notices.isEmpty)
        #expect(folder.read("prompts/support/reply.prompt.md") == Self.reply)
        #expect(!folder.exists(".git/folio/write-journal.json"))
    }
}
