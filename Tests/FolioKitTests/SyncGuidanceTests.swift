import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// What sync says when it cannot go on: a remote with no repository, uncommitted edits in its way, and other
/// commands during a sync that stopped on conflicts.
@Suite struct SyncGuidanceTests {
    /// A bare hub with Ada's library holding `greet`, and Bob's clone.
    func team() throws -> (TemporaryFolder, Library, Library) {
        let folder = TemporaryFolder("sync-guidance")
        _ = try git("init", "-q", "--bare", "hub.git", in: folder.path)
        _ = try Library.initialize(at: folder.at("ada"), withTemplates: false, environment: environment(folder.at("ada")))
        let ada = try Library.open(explicitPath: folder.at("ada"), environment: environment(folder.at("ada")))
        try ada.addFile("greet", "Hello.\n")
        try ada.addRemote("origin", url: folder.at("hub.git"))
        _ = try ada.sync()
        _ = try Library.clone(folder.at("hub.git"), into: folder.at("bob"), environment: environment(folder.path))
        return (folder, ada, try Library.open(explicitPath: folder.at("bob"), environment: environment(folder.at("bob"))))
    }

    func write(_ library: Library, _ path: String, _ text: String) throws {
        try text.write(toFile: library.root + "/" + path, atomically: true, encoding: .utf8)
    }

    @Test(arguments: ["", "file://"])
    func cloningFromWhereThereIsNoRepositorySaysSo(_ scheme: String) throws {
        let folder = TemporaryFolder("clone-nothing")
        let missing = scheme + folder.at("nonexistent")
        let error = #expect(throws: FolioError.self) {
            try Library.clone(missing, into: folder.at("copy"), environment: environment(folder.path))
        }
        #expect(error?.kind == .notFound)
        #expect(error?.message == "there is no repository at \(folder.at("nonexistent")); check the path", "\(String(describing: error))")
        #expect(!FileManager.default.fileExists(atPath: folder.at("copy")))
        // A folder that is not a repository.
        try FileManager.default.createDirectory(atPath: folder.at("plain"), withIntermediateDirectories: true)
        let plain = #expect(throws: FolioError.self) {
            try Library.clone(scheme + folder.at("plain"), into: folder.at("copy"), environment: environment(folder.path))
        }
        #expect(plain?.kind == .notFound)
        #expect(plain?.message.contains("\(folder.at("plain")) is not a git repository") == true, "\(String(describing: plain))")
    }

    @Test func syncingWithAHubThatMovedSaysWhereItLookedAndHowToFixTheRemote() throws {
        let (folder, ada, _) = try team()
        try FileManager.default.moveItem(atPath: folder.at("hub.git"), toPath: folder.at("moved.git"))
        let error = #expect(throws: FolioError.self) { try ada.sync() }
        #expect(error?.kind == .notFound)
        #expect(error?.message == "remote 'origin' points at \(folder.at("hub.git")), where there is no repository (moved or deleted?); point it at the new place with: folio remote rm origin && folio remote add origin NEW-URL",
                "\(String(describing: error))")
    }

    @Test func aFastForwardBlockedByUncommittedEditsNamesTheFilesAndWhatToDo() throws {
        let (folder, ada, bob) = try team()
        defer { withExtendedLifetime(folder) {} }
        try ada.addFile("other", "Other.\n")
        _ = try ada.replace(id("greet"), fileText: "Hello, team.\n", source: "greet")
        _ = try ada.sync()
        try write(bob, "prompts/greet.prompt.md", "Hello, Bob's unsaved idea.\n")
        try write(bob, "prompts/other.prompt.md", "Bob's own other, not added.\n")
        let before = try git("rev-parse", "HEAD", in: bob.root)
        let error = #expect(throws: FolioError.self) { try bob.sync() }
        #expect(error?.kind == .conflict)
        #expect(error?.message == """
            origin/main changes files you have uncommitted changes in; nothing was changed:
              prompts/greet.prompt.md
              prompts/other.prompt.md (not in git yet)
            Commit them with git (git add, git commit), or set them aside with git stash -u (git stash pop after the sync); then run folio sync again.
            """, "\(String(describing: error))")
        #expect(try git("rev-parse", "HEAD", in: bob.root) == before)
        #expect(try String(contentsOfFile: bob.root + "/prompts/greet.prompt.md", encoding: .utf8) == "Hello, Bob's unsaved idea.\n")
        // What the message says works.
        _ = try git("stash", "-u", in: bob.root)
        _ = try bob.sync()
        #expect(try String(contentsOfFile: bob.root + "/prompts/greet.prompt.md", encoding: .utf8) == "Hello, team.\n")
    }

    @Test func aMergeBlockedByUncommittedEditsNamesTheFilesAndWhatToDo() throws {
        let (folder, ada, bob) = try team()
        defer { withExtendedLifetime(folder) {} }
        _ = try ada.replace(id("greet"), fileText: "Hello, team.\n", source: "greet")
        _ = try ada.sync()
        try bob.addFile("bobs", "Bob's prompt.\n")  // both sides have commits: a merge
        try write(bob, "prompts/greet.prompt.md", "Hello, Bob's unsaved idea.\n")
        let before = try git("rev-parse", "HEAD", in: bob.root)
        let error = #expect(throws: FolioError.self) { try bob.sync() }
        #expect(error?.kind == .conflict)
        #expect(error?.message.hasPrefix("origin/main changes files you have uncommitted changes in; nothing was changed:\n  prompts/greet.prompt.md\nCommit them") == true,
                "\(String(describing: error))")
        #expect(error?.message.contains("git stash -u") == true)
        #expect(try git("rev-parse", "HEAD", in: bob.root) == before)
        #expect(try String(contentsOfFile: bob.root + "/prompts/greet.prompt.md", encoding: .utf8) == "Hello, Bob's unsaved idea.\n")
    }

    @Test func duringAStoppedSyncOtherWritesPointToContinueAndAbort() throws {
        let (folder, ada, bob) = try team()
        defer { withExtendedLifetime(folder) {} }
        _ = try ada.replace(id("greet"), fileText: "Hello, Ada.\n", source: "greet")
        _ = try ada.sync()
        _ = try bob.replace(id("greet"), fileText: "Hello, Bob.\n", source: "greet")
        #expect(throws: FolioError.self) { try bob.sync() }
        let expected = "a merge is in progress (a folio sync that stopped on conflicts): resolve the conflicted files and run folio sync --continue, or go back to where you were with folio sync --abort; then try again"
        let add = #expect(throws: FolioError.self) { try bob.addFile("new", "New.\n") }
        #expect(add?.message.hasSuffix(expected) == true, "\(String(describing: add))")
        #expect(add?.message.contains("with git first") == false)
        let edit = #expect(throws: FolioError.self) { try bob.edit(id("greet"), set: [(key: "title", value: "x")]) }
        #expect(edit?.message.hasSuffix(expected) == true, "\(String(describing: edit))")
        // After --abort, writing works again.
        try bob.abortSync()
        #expect(throws: Never.self) { try bob.addFile("new", "New.\n") }
    }
}
