import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// A person's words for a commit (the HTTP API's `message`), and a deletion decided on an older text.
@Suite struct CommitNoteTests {
    let folder: TemporaryFolder
    let library: Library

    init() throws {
        (folder, library) = try makeLibrary()
        try library.addFile("greet", "---\ntitle: Greet\n---\nHello.\n")
    }

    @Test func aNoteBecomesTheCommitBodyUnderFoliosOwnLineAndIsForgottenAfter() throws {
        let outcome = try library.noting("  Because the team asked.\n") { try library.revert(id("greet"), to: "v1") }
        #expect(outcome.changed == false)  // already v1: nothing committed, nothing noted
        _ = try library.edit(id("greet"), body: "Hi.\n")
        let reverted = try library.noting("Because the team asked.") { try library.revert(id("greet"), to: "v1") }
        #expect(reverted.message.hasPrefix("folio: revert greet to v1 ("))
        #expect(reverted.message.hasSuffix(")\n\nBecause the team asked."))
        #expect(try git("log", "-1", "--format=%s", in: folder.path).hasPrefix("folio: revert greet to v1"))
        #expect(try git("log", "-1", "--format=%b", in: folder.path) == "Because the team asked.")
        // History shows folio's line only.
        #expect(try library.history(of: id("greet")).last?.message.hasPrefix("folio: revert greet") == true)
        // Outside `noting`, and with a blank note, commits carry folio's line alone.
        let next = try library.noting("   ") { try library.edit(id("greet"), body: "Hey.\n") }
        #expect(next.message == "folio: edit greet")
        let after = try library.edit(id("greet"), body: "Yo.\n")
        #expect(after.message == "folio: edit greet")
        #expect(throws: FolioError.self) { try library.noting(String(repeating: "x", count: 10_001)) { () } }
    }

    @Test func aDeletionDecidedOnAnOlderTextIsRefusedNamingTheFileNow() throws {
        let old = try library.currentText(id("greet"))
        _ = try library.edit(id("greet"), body: "Hello again.\n")
        let error = try #require(throws: FolioError.self) { try library.remove(id("greet"), force: true, base: old) }
        #expect(error.kind == .conflict)
        #expect(error.conflict?.current == (try git("rev-parse", "HEAD:prompts/greet.prompt.md", in: folder.path)))
        #expect(folder.exists("prompts/greet.prompt.md"))
        let removed = try library.remove(id("greet"), base: try library.currentText(id("greet")))
        #expect(removed.message == "folio: rm greet")
        #expect(!folder.exists("prompts/greet.prompt.md"))
    }
}
