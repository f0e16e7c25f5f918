import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// Comments, replies and resolutions on prompt versions, kept on refs/folio/comments.
@Suite struct CommentsTests {
    /// The library in `folder`, as `name` (`name@example.com`).
    func person(_ name: String, _ folder: String, at time: Double = 1_700_000_000) throws -> Library {
        let email = "\(name.lowercased())@example.com"
        let variables = ["GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email,
                         "GIT_AUTHOR_DATE": "@\(Int(time)) +0000", "GIT_COMMITTER_DATE": "@\(Int(time)) +0000"]
        return try Library.open(explicitPath: folder,
                                environment: FolioEnvironment(variables: variables, currentDirectory: folder, now: { Date(timeIntervalSince1970: time) }))
    }

    @Test func aCommentNamesItsVersionAndOlderOnesAreMarked() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        try library.addFile("greet", "Hello.\n")
        _ = try library.replace(id("greet"), fileText: "Hello there.\n", source: "greet")
        let old = try library.comment(on: PromptReference(parsing: "greet@v1"), text: "Too short.")
        // A text whose last paragraph looks like the log's own fields stays text.
        let tricky = "Fine now.\n\nFolio-Kind: approval\nFolio-Label: production"
        let new = try person("Bob", folder.path, at: 1_700_000_100).comment(on: PromptReference(parsing: "greet"), text: tricky)
        #expect(old.version == 1 && old.outdated)
        #expect(new.version == 2 && !new.outdated)

        let discussion = try library.discussion(of: id("greet"))
        #expect(discussion.threads.map(\.text) == ["Too short.", tricky])
        #expect(discussion.threads.map(\.author) == ["Ada Tester", "Bob"])
        #expect(discussion.threads.map(\.outdated) == [true, false])
        #expect(discussion.currentVersion == 2)
        #expect(discussion.approvals.isEmpty)
        let versions = try library.history(of: id("greet"))
        #expect(discussion.threads[0].commit == versions[0].commit && discussion.threads[0].blob == versions[0].blob)

        // git reads the log: one commit per comment, the text in the message.
        let log = try git("log", "--format=%an|%s", "refs/folio/comments", in: folder.path)
        #expect(log.split(separator: "\n") == ["Bob|folio: comment greet@v2", "Ada Tester|folio: comment greet@v1"])
        #expect(try git("log", "-1", "--format=%B", "refs/folio/comments~1", in: folder.path).contains("Too short."))
        #expect(try git("status", "--porcelain", in: folder.path).isEmpty)

        #expect(throws: FolioError.self) { try library.comment(on: PromptReference(parsing: "greet@v9"), text: "x") }
        #expect(throws: FolioError.self) { try library.comment(on: PromptReference(parsing: "greet"), text: "  \n") }
        #expect(throws: FolioError.self) { try library.discussion(of: id("nope")) }
    }

    @Test func repliesJoinTheThreadAndResolvingHidesIt() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        try library.addFile("greet", "Hello.\n")
        _ = try library.replace(id("greet"), fileText: "Hello there.\n", source: "greet")
        let question = try library.comment(on: PromptReference(parsing: "greet@v1"), text: "Why so short?")
        let bob = try person("Bob", folder.path, at: 1_700_000_100)
        // A reply names the comment by the start of its id, and is about the thread's version.
        let answer = try bob.comment(on: PromptReference(parsing: "greet"), text: "Fixed in v2.", replyTo: String(question.id.prefix(8)))
        #expect(answer.replyTo == question.id && answer.version == 1)
        let other = try library.comment(on: PromptReference(parsing: "greet"), text: "Still open.")

        let resolution = try bob.resolveComment(String(answer.id.prefix(10)), of: id("greet"), text: "Done.")
        #expect(resolution.author == "Bob" && resolution.text == "Done.")
        let open = try library.discussion(of: id("greet"))
        #expect(open.threads.map(\.id) == [other.id])
        #expect(open.resolvedHidden == 1)
        let all = try library.discussion(of: id("greet"), includeResolved: true)
        #expect(all.threads.map(\.id) == [question.id, other.id])
        #expect(all.threads[0].replies.map(\.text) == ["Fixed in v2."])
        #expect(all.threads[0].resolved?.author == "Bob")
        #expect(all.threads[1].resolved == nil)

        #expect(throws: FolioError.self) { try library.resolveComment(question.id, of: id("greet")) }  // already resolved
        do {
            _ = try library.comment(on: PromptReference(parsing: "greet"), text: "x", replyTo: "ffffffff")
            Issue.record("a reply to an unknown comment should fail")
        } catch let error as FolioError {
            #expect(error.kind == .notFound)
            #expect(error.message.contains("folio comments greet --all"))
        }
    }

    @Test func commentsFollowARename() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        try library.addFile("greet", "Hello.\n")
        _ = try library.comment(on: PromptReference(parsing: "greet"), text: "Nice.")
        _ = try library.move(id("greet"), to: id("welcome"))
        let discussion = try library.discussion(of: id("welcome"))
        #expect(discussion.threads.map(\.text) == ["Nice."])
        #expect(discussion.threads[0].prompt == "greet" && !discussion.threads[0].outdated)
    }

    @Test func commentsFromTwoClonesAreBothKeptBySync() throws {
        let folder = TemporaryFolder("comments-sync")
        _ = try git("init", "-q", "--bare", "hub.git", in: folder.path)
        _ = try Library.initialize(at: folder.at("ada"), withTemplates: false, environment: environment(folder.at("ada")))
        var ada = try person("Ada", folder.at("ada"))
        try ada.addFile("greet", "Hello.\n")
        try ada.addRemote("origin", url: folder.at("hub.git"))
        _ = try ada.sync()
        _ = try Library.clone(folder.at("hub.git"), into: folder.at("bob"), environment: environment(folder.path))
        let bob = try person("Bob", folder.at("bob"), at: 1_700_000_200)

        // Both comment before either syncs.
        ada = try person("Ada", folder.at("ada"), at: 1_700_000_100)
        _ = try ada.comment(on: PromptReference(parsing: "greet"), text: "From Ada.")
        _ = try bob.comment(on: PromptReference(parsing: "greet"), text: "From Bob.")
        let first = try bob.comment(on: PromptReference(parsing: "greet"), text: "Bob again.")
        _ = try ada.sync()
        let outcome = try bob.sync()
        #expect(outcome.pushed)
        #expect(outcome.notes.contains("1 comment or approval received from origin (folio comments ID)"), "\(outcome.notes)")
        #expect(try ada.sync().notes.contains("2 comments and approvals received from origin (folio comments ID)"))
        // And a reply made after the merge travels too.
        _ = try ada.comment(on: PromptReference(parsing: "greet"), text: "Agreed.", replyTo: first.id)
        _ = try ada.sync()
        _ = try bob.sync()
        for library in [ada, bob] {
            let threads = try library.discussion(of: id("greet")).threads
            #expect(threads.map(\.text) == ["From Ada.", "From Bob.", "Bob again."], "\(library.root)")
            #expect(threads[2].replies.map(\.text) == ["Agreed."])
        }
        // The hub holds both lines of the log, joined by a merge.
        let hub = try git("log", "--format=%P|%s", "refs/folio/comments", in: folder.at("hub.git")).split(separator: "\n")
        #expect(hub.count == 5)
        #expect(hub.contains { $0.split(separator: "|")[0].split(separator: " ").count == 2 && $0.hasSuffix("folio: comments: merge origin") })
    }
}
