import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// A removed prompt keeps its past: history lists its versions up to the removal, and revert brings it back.
@Suite struct RemovedPromptHistoryTests {
    /// `greet` at two versions, then removed; an unrelated prompt added after.
    func removed() throws -> (TemporaryFolder, Library) {
        let (folder, library) = try makeLibrary()
        try library.addFile("greet", "Hello.\n")
        _ = try library.replace(id("greet"), fileText: "Hello there.\n", source: "greet")
        try library.addFile("other", "Other.\n")
        _ = try library.remove(id("greet"))
        return (folder, library)
    }

    @Test func historyFollowsARemovedPromptIntoThePast() throws {
        let (folder, library) = try removed()
        defer { withExtendedLifetime(folder) {} }
        let versions = try library.history(of: id("greet"))
        #expect(versions.map(\.name) == ["v1", "v2"])
        #expect(versions.map(\.message) == ["folio: add greet", "folio: edit greet"])
        let removal = try #require(versions.last?.removal)
        #expect(removal.message == "folio: rm greet")
        #expect(removal.commit == (try git("rev-parse", "HEAD", in: folder.path)))
        #expect(versions.first?.removal == nil)
    }

    @Test func revertBringsARemovedPromptBackInOneCommitAndItsHistoryGoesOn() throws {
        let (folder, library) = try removed()
        defer { withExtendedLifetime(folder) {} }
        let before = try git("rev-parse", "HEAD", in: folder.path)
        let outcome = try library.revert(id("greet"), to: "v2")
        #expect(outcome.commit != nil)
        #expect(try git("rev-parse", "HEAD~1", in: folder.path) == before)
        #expect(folder.read("prompts/greet.prompt.md") == "Hello there.\n")
        #expect(try git("status", "--porcelain", in: folder.path).isEmpty)
        // The restored prompt is the same prompt: its versions go on from where they stopped.
        let versions = try library.history(of: id("greet"))
        #expect(versions.map(\.name) == ["v1", "v2", "v3"])
        #expect(versions[1].removal?.message == "folio: rm greet")
        #expect(versions[2].message.hasPrefix("folio: revert greet to v2"))
        #expect(versions[2].removal == nil)
    }

    @Test func aNewPromptUnderAnOldNameDoesNotInheritTheOldPast() throws {
        let (folder, library) = try removed()
        defer { withExtendedLifetime(folder) {} }
        try library.addFile("greet", "A different greeting altogether.\n")
        let versions = try library.history(of: id("greet"))
        #expect(versions.map(\.message) == ["folio: add greet"])
    }
}
