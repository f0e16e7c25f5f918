import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// A `git daemon` on a free loopback port, serving `base` (push enabled), stopped on deinit.
final class GitDaemon {
    let process = Process()
    let port: Int

    init(base: String) throws {
        port = Int.random(in: 20_000...60_000)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = ["daemon", "--export-all", "--enable=receive-pack", "--reuseaddr", "--listen=127.0.0.1",
                             "--port=\(port)", "--base-path=\(base)", base]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Ready when it answers.
        for _ in 0..<100 {
            if (try? run("/usr/bin/git", ["ls-remote", "git://127.0.0.1:\(port)/hub.git"]))?.status == 0 { return }
            usleep(50_000)
        }
        throw FolioError(.io, "git daemon did not start on port \(port)")
    }

    deinit {
        // SIGKILL: a daemon started from the test process inherits its blocked SIGTERM and would never exit. A
        // plain waitpid: Foundation's waitUntilExit can wait forever when tests run in parallel.
        kill(process.processIdentifier, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(process.processIdentifier, &status, 0)
    }
}

@Suite struct SyncTests {
    /// A bare hub with one library pushed to it, and two clones of it (each its own Library).
    func team(url: (String) -> String) throws -> (TemporaryFolder, Library, Library) {
        let folder = TemporaryFolder("sync")
        _ = try git("init", "-q", "--bare", "hub.git", in: folder.path)
        _ = try Library.initialize(at: folder.at("ada"), withTemplates: false, environment: environment(folder.at("ada")))
        let ada = try Library.open(explicitPath: folder.at("ada"), environment: environment(folder.at("ada")))
        try ada.addRemote("origin", url: url(folder.at("hub.git")))
        _ = try ada.sync()
        let bob = try Library.clone(url(folder.at("hub.git")), into: folder.at("bob"), environment: environment(folder.path))
        return (folder, ada, bob)
    }

    @Test(arguments: ["path", "file"])
    func editsToDifferentPromptsMergeCleanlyAndReachEveryone(_ transport: String) throws {
        let (folder, ada, bob) = try team { transport == "file" ? "file://" + $0 : $0 }
        defer { withExtendedLifetime(folder) {} }
        try ada.addFile("greet", "Hello.\n")
        try bob.addFile("farewell", "Bye.\n")
        #expect(try ada.sync().integration == .upToDate)
        let merged = try bob.sync()
        guard case .merged = merged.integration else { Issue.record("expected a merge, got \(merged.integration)"); return }
        #expect(merged.pushed)
        // The push moved bob's view of the remote: nothing is left to send.
        #expect(try bob.sync().pushed == false)
        let back = try ada.sync()
        guard case .fastForward = back.integration else { Issue.record("expected a fast-forward, got \(back.integration)"); return }
        for library in [ada, bob] {
            #expect(FileManager.default.fileExists(atPath: library.root + "/prompts/greet.prompt.md"))
            #expect(FileManager.default.fileExists(atPath: library.root + "/prompts/farewell.prompt.md"))
        }
        // git agrees: the hub's main is the merge, with both commits as parents.
        let parents = try git("log", "-1", "--format=%P", "main", in: folder.at("hub.git")).split(separator: " ")
        #expect(parents.count == 2)
        #expect(try git("status", "--porcelain", in: ada.root).isEmpty)
    }

    @Test func overGitDaemon() throws {
        let folder = TemporaryFolder("daemon")
        _ = try git("init", "-q", "--bare", "hub.git", in: folder.path)
        let daemon = try GitDaemon(base: folder.path)
        let url = "git://127.0.0.1:\(daemon.port)/hub.git"
        _ = try Library.initialize(at: folder.at("ada"), withTemplates: false, environment: environment(folder.at("ada")))
        let ada = try Library.open(explicitPath: folder.at("ada"), environment: environment(folder.at("ada")))
        try ada.addRemote("origin", url: url)
        _ = try ada.sync()
        let bob = try Library.clone(url, into: folder.at("bob"), environment: environment(folder.path))
        try bob.addFile("review", "Review this.\n")
        #expect(try bob.sync().pushed)
        guard case .fastForward = try ada.sync().integration else { Issue.record("ada should fast-forward"); return }
        #expect(FileManager.default.fileExists(atPath: ada.root + "/prompts/review.prompt.md"))
        withExtendedLifetime(daemon) {}
    }

    /// Ada and Bob both have `greet` at `text`; returns a function that commits a new text of it in a clone.
    func shared(_ text: String) throws -> (TemporaryFolder, Library, Library, (Library, String) throws -> Void) {
        let (folder, ada, bob) = try team { $0 }
        try ada.addFile("greet", text)
        _ = try ada.sync()
        _ = try bob.sync()
        let edit: (Library, String) throws -> Void = { library, text in
            try text.write(toFile: library.root + "/prompts/greet.prompt.md", atomically: true, encoding: .utf8)
            _ = try git("commit", "-qam", "edit greet", in: library.root)
        }
        return (folder, ada, bob, edit)
    }

    static let greet = """
        ---
        title: Greet
        model: gpt-4o
        temperature: 0.2
        tags: [hello]
        ---
        Say hello.

        Be brief.

        """

    @Test func differentFrontmatterKeysOfOnePromptMergeAutomatically() throws {
        let (folder, ada, bob, edit) = try shared(Self.greet)
        defer { withExtendedLifetime(folder) {} }
        // Adjacent lines: git's line merge alone would call this a conflict.
        try edit(ada, Self.greet.replacingOccurrences(of: "model: gpt-4o", with: "model: claude-sonnet-4"))
        _ = try ada.sync()
        try edit(bob, Self.greet.replacingOccurrences(of: "temperature: 0.2", with: "temperature: 0.7")
            .replacingOccurrences(of: "Be brief.", with: "Be brief and kind."))
        guard case .merged = try bob.sync().integration else { Issue.record("expected a merge"); return }
        let merged = try String(contentsOfFile: bob.root + "/prompts/greet.prompt.md", encoding: .utf8)
        #expect(merged == Self.greet.replacingOccurrences(of: "model: gpt-4o", with: "model: claude-sonnet-4")
            .replacingOccurrences(of: "temperature: 0.2", with: "temperature: 0.7")
            .replacingOccurrences(of: "Be brief.", with: "Be brief and kind."))
        _ = try ada.sync()
        #expect(try String(contentsOfFile: ada.root + "/prompts/greet.prompt.md", encoding: .utf8) == merged)
        #expect(try bob.document(PromptID("greet")).prompt.model?.name == "claude-sonnet-4")
    }

    @Test func theSameLinesStopWithMarkersAndContinueFinishesTheSync() throws {
        let (folder, ada, bob, edit) = try shared(Self.greet)
        defer { withExtendedLifetime(folder) {} }
        try edit(ada, Self.greet.replacingOccurrences(of: "model: gpt-4o", with: "model: claude-sonnet-4")
            .replacingOccurrences(of: "Say hello.", with: "Say hello, Ada."))
        _ = try ada.sync()
        try edit(bob, Self.greet.replacingOccurrences(of: "model: gpt-4o", with: "model: gpt-5")
            .replacingOccurrences(of: "Say hello.", with: "Say hello, Bob."))
        let bobsCommit = try git("rev-parse", "HEAD", in: bob.root)
        let error = #expect(throws: FolioError.self) { try bob.sync() }
        #expect(error?.message.contains("prompts/greet.prompt.md") == true, "\(String(describing: error))")
        #expect(error?.message.contains("folio sync --continue") == true)
        #expect(error?.message.contains("folio sync --abort") == true)
        // Markers only around what really conflicts: the model key and the first paragraph.
        let path = bob.root + "/prompts/greet.prompt.md"
        let marked = try String(contentsOfFile: path, encoding: .utf8)
        #expect(marked.contains("<<<<<<< yours\nmodel: gpt-5\n=======\nmodel: claude-sonnet-4\n>>>>>>> origin/main\n"), "\(marked)")
        #expect(marked.contains("<<<<<<< yours\nSay hello, Bob.\n=======\nSay hello, Ada.\n>>>>>>> origin/main\n"), "\(marked)")
        #expect(marked.contains("temperature: 0.2\ntags: [hello]\n"))
        // git sees the same merge in progress, with both versions recoverable.
        #expect(try git("show", ":2:prompts/greet.prompt.md", in: bob.root).contains("Say hello, Bob."))
        #expect(try git("show", ":3:prompts/greet.prompt.md", in: bob.root).contains("Say hello, Ada."))
        #expect(try git("status", "--porcelain", in: bob.root).contains("UU prompts/greet.prompt.md"))
        // A sync or continue with markers left is refused, naming the line.
        #expect(throws: FolioError.self) { try bob.sync() }
        let early = #expect(throws: FolioError.self) { try bob.continueSync() }
        #expect(early?.message.hasSuffix("prompts/greet.prompt.md:3:1: error: a conflict marker is still here; keep the lines you want, delete the marker lines, then run folio sync --continue") == true, "\(String(describing: early))")
        // Resolved: continue commits the merge and pushes.
        let resolved = Self.greet.replacingOccurrences(of: "model: gpt-4o", with: "model: gpt-5")
            .replacingOccurrences(of: "Say hello.", with: "Say hello, Ada and Bob.")
        try resolved.write(toFile: path, atomically: true, encoding: .utf8)
        let outcome = try bob.continueSync()
        #expect(outcome.pushed)
        let parents = try git("log", "-1", "--format=%P", "main", in: folder.at("hub.git")).split(separator: " ").map(String.init)
        #expect(parents.count == 2 && parents.contains(bobsCommit))
        #expect(try git("status", "--porcelain", in: bob.root).isEmpty)
        _ = try ada.sync()
        #expect(try String(contentsOfFile: ada.root + "/prompts/greet.prompt.md", encoding: .utf8) == resolved)
    }

    @Test func abortReturnsToWhereYouWere() throws {
        let (folder, ada, bob, edit) = try shared("Hello.\n")
        defer { withExtendedLifetime(folder) {} }
        try edit(ada, "Hello, Ada.\n")
        try ada.addFile("other", "Ada's other prompt.\n")  // arrives with the merge, and leaves with the abort
        _ = try ada.sync()
        try edit(bob, "Hello, Bob.\n")
        let before = try git("rev-parse", "HEAD", in: bob.root)
        #expect(throws: FolioError.self) { try bob.sync() }
        #expect(FileManager.default.fileExists(atPath: bob.root + "/prompts/other.prompt.md"))
        try bob.abortSync()
        #expect(try git("rev-parse", "HEAD", in: bob.root) == before)
        #expect(try String(contentsOfFile: bob.root + "/prompts/greet.prompt.md", encoding: .utf8) == "Hello, Bob.\n")
        #expect(!FileManager.default.fileExists(atPath: bob.root + "/prompts/other.prompt.md"))
        #expect(try git("status", "--porcelain", in: bob.root).isEmpty)
        #expect(throws: FolioError.self) { try bob.abortSync() }  // nothing left to abort
        // Uncommitted edits make a conflicting sync refuse before touching anything.
        try "Hello, Bob!\n".write(toFile: bob.root + "/prompts/greet.prompt.md", atomically: true, encoding: .utf8)
        let dirty = #expect(throws: FolioError.self) { try bob.sync() }
        #expect(dirty?.message.contains("uncommitted") == true, "\(String(describing: dirty))")
        #expect(try String(contentsOfFile: bob.root + "/prompts/greet.prompt.md", encoding: .utf8) == "Hello, Bob!\n")
        #expect(try git("rev-parse", "HEAD", in: bob.root) == before)
    }

    @Test func badRemotesGiveClearErrorsAndChangeNothing() throws {
        let (folder, ada, _) = try team { $0 }
        defer { withExtendedLifetime(folder) {} }
        let head = try git("rev-parse", "HEAD", in: ada.root)
        // Unrelated history.
        _ = try git("init", "-q", "other", in: folder.path)
        folder.write("other/x.txt", "x\n")
        _ = try git("add", "-A", in: folder.at("other"))
        _ = try git("commit", "-qm", "unrelated", in: folder.at("other"))
        _ = try git("branch", "-M", "main", in: folder.at("other"))
        try ada.addRemote("stranger", url: folder.at("other"))
        let unrelated = #expect(throws: FolioError.self) { try ada.sync(remote: "stranger") }
        #expect(unrelated?.message.contains("unrelated") == true, "\(String(describing: unrelated))")
        // Not a repository; nothing listening.
        try ada.addRemote("nothing", url: folder.at("not-a-repo"))
        #expect(throws: FolioError.self) { try ada.sync(remote: "nothing") }
        try ada.addRemote("closed", url: "git://127.0.0.1:1/hub.git")
        let closed = #expect(throws: FolioError.self) { try ada.sync(remote: "closed") }
        #expect(closed?.message.contains("fetch from 'closed'") == true, "\(String(describing: closed))")
        #expect(try git("rev-parse", "HEAD", in: ada.root) == head)
        // Names and duplicates.
        #expect(throws: FolioError.self) { try ada.addRemote("origin", url: "x") }
        #expect(throws: FolioError.self) { try ada.addRemote("bad name", url: "x") }
        #expect(throws: FolioError.self) { try ada.sync(remote: "missing") }
        // Clone into a folder that holds something.
        folder.write("full/keep.txt", "mine\n")
        #expect(throws: FolioError.self) { try Library.clone(folder.at("hub.git"), into: folder.at("full"), environment: environment(folder.path)) }
        #expect(FileManager.default.fileExists(atPath: folder.at("full/keep.txt")))
        #expect(throws: FolioError.self) { try Library.clone(folder.at("nowhere.git"), into: folder.at("fresh"), environment: environment(folder.path)) }
        #expect(!FileManager.default.fileExists(atPath: folder.at("fresh")))
    }
}
