import Foundation
import Testing
import Synchronization
import TestSupport
@testable import FolioKit

/// A `git daemon` on a free loopback port, serving `base` (push enabled), stopped on deinit.
final class GitDaemon {
    let server: SpawnedServer
    let port: Int

    init(base: String) throws {
        port = Int.random(in: 20_000...60_000)
        server = try SpawnedServer("/usr/bin/git", ["daemon", "--export-all", "--enable=receive-pack", "--reuseaddr",
                                                    "--listen=127.0.0.1", "--port=\(port)", "--base-path=\(base)", base])
        guard waitForPort(port) else { throw FolioError(.io, "git daemon did not start on port \(port)") }
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

/// Labels, variants, experiments and analytics travel with sync.
@Suite struct SyncSharedTests {
    /// A library for `name` in `folder/name`, acting as that person at `time` (seconds since 1970).
    func person(_ name: String, _ folder: TemporaryFolder, at time: Double = 1_700_000_000, url: String? = nil,
                progress: @escaping @Sendable (FolioEnvironment.Progress) -> Void = { _ in }) throws -> Library {
        let email = "\(name.lowercased())@example.com"
        let variables = ["GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email,
                         "GIT_AUTHOR_DATE": "@\(Int(time)) +0000", "GIT_COMMITTER_DATE": "@\(Int(time)) +0000"]
        let path = folder.at(name.lowercased())
        let environment = FolioEnvironment(variables: variables, currentDirectory: path, now: { Date(timeIntervalSince1970: time) },
                                           progress: progress)
        if !FileManager.default.fileExists(atPath: path) {
            _ = try Library.clone(url ?? folder.at("hub.git"), into: path, environment: environment)
        }
        return try Library.open(explicitPath: path, environment: environment)
    }

    /// A hub holding Ada's library with `greet` at three versions.
    func hub(config: String? = nil) throws -> TemporaryFolder {
        let folder = TemporaryFolder("sync-shared")
        _ = try git("init", "-q", "--bare", "hub.git", in: folder.path)
        _ = try Library.initialize(at: folder.at("ada"), withTemplates: false, environment: environment(folder.at("ada")))
        if let config {
            folder.write("ada/folio.yaml", config)
            _ = try git("commit", "-qam", "settings", in: folder.at("ada"))
        }
        let ada = try person("Ada", folder)
        try ada.addFile("greet", "Hello.\n")
        for text in ["Hello!\n", "Hello there.\n"] { _ = try ada.replace(PromptID("greet"), fileText: text, source: "greet") }
        try ada.addRemote("origin", url: folder.at("hub.git"))
        _ = try ada.sync()
        return folder
    }

    @Test func labelsMovedOnBothSidesKeepTheLaterMoveAndBothAreLogged() throws {
        let folder = try hub()
        defer { withExtendedLifetime(folder) {} }
        let greet = try PromptID("greet")
        var ada = try person("Ada", folder, at: 1_700_000_100)
        try ada.setLabel("production", on: greet, to: "v1")
        try ada.setLabel("old", on: greet, to: "v1")
        _ = try ada.sync()
        var bob = try person("Bob", folder, at: 1_700_000_200)
        #expect(try bob.labels(of: greet).map(\.name) == ["old", "production"])
        // Bob moves production to v3 first; Ada moves it to v2 later and removes `old`.
        try bob.setLabel("production", on: greet, to: "v3")
        try bob.setLabel("staging", on: greet, to: "v3")
        ada = try person("Ada", folder, at: 1_700_000_900)
        try ada.setLabel("production", on: greet, to: "v2")
        try ada.removeLabel("old", from: greet)
        _ = try ada.sync()
        bob = try person("Bob", folder, at: 1_700_001_000)
        let outcome = try bob.sync()
        #expect(outcome.notes.contains { $0.contains("greet@production") && $0.contains("moved on both sides") }, "\(outcome.notes)")
        _ = try ada.sync()
        for library in [ada, bob] {
            let labels = try library.labels(of: greet).map { "\($0.name)=v\($0.version ?? 0)" }
            #expect(labels == ["production=v2", "staging=v3"], "\(library.root): \(labels)")
            let log = try library.labelLog(of: greet).map { "\($0.label)->\($0.to.map { String($0.prefix(7)) } ?? "none") by \($0.user.prefix(3))" }
            #expect(log.count == 6, "\(log)")  // production, old, bob's production and staging, ada's production and removal
            #expect(log.filter { $0.hasSuffix("by Bob") }.count == 2)
        }
        // git sees the same labels on the hub.
        let hubLabels = try git("for-each-ref", "--format=%(refname)", "refs/folio/labels/", in: folder.at("hub.git"))
        #expect(hubLabels.split(separator: "\n").map { $0.split(separator: "/").last! } == ["production", "staging"])
    }

    @Test func variantsAndExperimentsTravelAndVariantsMerge() throws {
        let folder = try hub()
        defer { withExtendedLifetime(folder) {} }
        let ada = try person("Ada", folder)
        _ = try ada.createVariant("concise")
        _ = try ada.replace(PromptID("greet"), fileText: "Hi.\n", source: "greet", variant: "concise")
        _ = try ada.createExperiment("tone", prompt: PromptID("greet"), variants: ["main", "concise"])
        _ = try ada.sync()
        let bob = try person("Bob", folder)
        #expect(try bob.variants().map(\.name).contains("concise"))
        #expect(try bob.experiments().map(\.name) == ["tone"])
        #expect(try bob.currentText(PromptID("greet"), variant: "concise") == "Hi.\n")
        // Both add to the variant: the next syncs merge it without checking it out.
        try ada.add(PromptID("a"), fileText: "A.\n", source: "a", variant: "concise")
        try bob.add(PromptID("b"), fileText: "B.\n", source: "b", variant: "concise")
        _ = try ada.sync()
        let outcome = try bob.sync()
        #expect(outcome.notes.contains("variant concise: merged with origin"), "\(outcome.notes)")
        _ = try ada.sync()
        for library in [ada, bob] {
            #expect(try library.currentText(PromptID("a"), variant: "concise") == "A.\n")
            #expect(try library.currentText(PromptID("b"), variant: "concise") == "B.\n")
        }
        #expect(try git("rev-parse", "variant/concise", in: folder.at("hub.git")) == git("rev-parse", "variant/concise", in: ada.root))
    }

    @Test func analyticsFromThreeUsersAreUnitedAndShareFalseOptsOut() throws {
        let folder = try hub()
        defer { withExtendedLifetime(folder) {} }
        let greet = try PromptID("greet")
        let people = try ["Ada", "Bob", "Cy"].map { try person($0, folder) }
        for (index, library) in people.enumerated() {
            for _ in 0...index { try library.record(.use, prompt: greet, source: "cli") }
        }
        for library in people + people { _ = try library.sync() }
        for library in people {
            #expect(try library.teamEvents().count == 6)
            let report = try library.stats(StatsRequest(since: Date(timeIntervalSince1970: 1_690_000_000),
                                                        until: Date(timeIntervalSince1970: 1_710_000_000), by: .user, team: true))
            #expect(report.breakdown.map { "\($0.key): \($0.uses)" } == ["Cy <cy@example.com>: 3", "Bob <bob@example.com>: 2", "Ada <ada@example.com>: 1"])
            #expect(try library.events().count() == 1 + people.firstIndex { $0 === library }!)  // own events stay own
        }
        let files = try git("ls-tree", "-r", "--name-only", "refs/folio/analytics", in: folder.at("hub.git"))
        #expect(files == "users/ada@example.com.jsonl\nusers/bob@example.com.jsonl\nusers/cy@example.com.jsonl")
        // A second round changes nothing.
        #expect(try people[0].sync().pushed == false)

        let private_ = try hub(config: "version: 1\nanalytics:\n  share: false\n")
        defer { withExtendedLifetime(private_) {} }
        let ada = try person("Ada", private_)
        try ada.record(.use, prompt: greet, source: "cli")
        _ = try ada.sync()
        #expect(throws: Error.self) { try git("rev-parse", "--verify", "-q", "refs/folio/analytics", in: private_.at("hub.git")) }
    }

    @Test func twoUsersRatingTheSameEventGiveItOneOutcomeTheLatest() throws {
        let folder = try hub()
        defer { withExtendedLifetime(folder) {} }
        let greet = try PromptID("greet")
        let ada = try person("Ada", folder), bob = try person("Bob", folder)
        let use = try ada.record(.use, prompt: greet, source: "cli")
        try ada.recordFeedback(on: use.id, success: true, source: "cli")
        _ = try ada.sync()
        _ = try bob.sync()
        // Bob rates Ada's use, known to him from the shared analytics, a minute later.
        let later = try person("Bob", folder, at: 1_700_000_060)
        let recorded = try later.recordFeedback(on: String(use.id.prefix(8)), success: false, source: "cli")
        #expect(recorded.event.ref == use.id)
        #expect(recorded.replaced == ["success"] && recorded.earlier?.user == "Ada <ada@example.com>")
        _ = try later.sync()
        _ = try ada.sync()
        for library in [ada, later] {
            let report = try library.stats(StatsRequest(prompt: greet, since: Date(timeIntervalSince1970: 1_690_000_000),
                                                        until: Date(timeIntervalSince1970: 1_710_000_000), team: true))
            #expect(report.totals.uses == 1 && report.totals.feedback == 1)
            #expect(report.versions.map { "\($0.successes)/\($0.failures)" } == ["0/1"], "\(report.versions)")
        }
    }

    @Test func aPushRefusedBecauseTheRemoteMovedIsIntegratedAndRetried() throws {
        let folder = try hub()
        defer { withExtendedLifetime(folder) {} }
        let ada = try person("Ada", folder)
        // While Bob receives Ada's commit (over git://, which reports progress), Cy pushes: Bob's first push is
        // refused.
        let daemon = try GitDaemon(base: folder.path)
        defer { withExtendedLifetime(daemon) {} }
        let cyRoot = folder.at("cy")
        let state = Mutex(0)  // 0: not yet (the clone reports progress too), 1: armed, 2: Cy pushed
        let bob = try person("Bob", folder, url: "git://127.0.0.1:\(daemon.port)/hub.git", progress: { _ in
            guard state.withLock({ let armed = $0 == 1; if armed { $0 = 2 }; return armed }) else { return }
            folder.write("cy/prompts/from-cy.prompt.md", "C.\n")
            _ = try? git("add", "-A", in: cyRoot)
            _ = try? git("commit", "-qm", "cy", in: cyRoot)
            _ = try? git("push", "-q", "origin", "main", in: cyRoot)
        })
        try ada.addFile("from-ada", "A.\n")
        _ = try ada.sync()
        _ = try person("Cy", folder)
        state.withLock { $0 = 1 }
        try bob.addFile("from-bob", "B.\n")
        let outcome = try bob.sync()
        #expect(outcome.retried)
        #expect(state.withLock { $0 } == 2)
        for file in ["from-ada", "from-bob", "from-cy"] {
            #expect(FileManager.default.fileExists(atPath: bob.root + "/prompts/\(file).prompt.md"))
        }
        #expect(try git("rev-parse", "main", in: folder.at("hub.git")) == git("rev-parse", "HEAD", in: bob.root))
    }
}

@Suite struct SyncFaultTests {
    @Test func aServerKilledInTheMiddleOfAPushLeavesEverythingAsItWasAndARetrySucceeds() throws {
        let folder = TemporaryFolder("sync-fault")
        defer { withExtendedLifetime(folder) {} }
        _ = try git("init", "-q", "--bare", "hub.git", in: folder.path)
        // The receiving side dies after the pack arrived and before any reference moved: its pre-receive hook
        // kills the git process serving the push.
        folder.write("hub.git/hooks/pre-receive", "#!/bin/sh\nif [ -e \(folder.at("die")) ]; then rm \(folder.at("die")); kill -9 $PPID; fi\nexit 0\n")
        chmod(folder.at("hub.git/hooks/pre-receive"), 0o755)
        let daemon = try GitDaemon(base: folder.path)
        defer { withExtendedLifetime(daemon) {} }
        let url = "git://127.0.0.1:\(daemon.port)/hub.git"
        _ = try Library.initialize(at: folder.at("ada"), withTemplates: false, environment: environment(folder.at("ada")))
        let ada = try Library.open(explicitPath: folder.at("ada"), environment: environment(folder.at("ada")))
        try ada.addRemote("origin", url: url)
        _ = try ada.sync()
        try ada.addFile("greet", "Hello.\n")
        let head = try git("rev-parse", "HEAD", in: ada.root)
        let hubBefore = try git("rev-parse", "main", in: folder.at("hub.git"))
        folder.write("die", "")
        let error = #expect(throws: FolioError.self) { try ada.sync() }
        #expect(error?.message.contains("push to 'origin': early EOF: the connection to origin broke") == true, "\(String(describing: error))")
        #expect(try git("rev-parse", "HEAD", in: ada.root) == head)
        #expect(try git("status", "--porcelain", in: ada.root).isEmpty)
        #expect(try git("rev-parse", "origin/main", in: ada.root) == hubBefore, "the tracking ref still says what the hub has")
        #expect(try git("rev-parse", "main", in: folder.at("hub.git")) == hubBefore)
        let retry = try ada.sync()
        #expect(retry.pushed)
        #expect(try git("rev-parse", "main", in: folder.at("hub.git")) == head)
    }
}
