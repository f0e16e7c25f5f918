import Foundation
import Testing
import TestSupport
@testable import FolioCLI
@testable import FolioKit

/// `folio comment`, `folio comments`, `folio approve`, and protected labels on the command line.
@Suite struct CommentCommandTests {
    let folder = TemporaryFolder("comment-cli")
    static let bob = ["GIT_AUTHOR_NAME": "Bob", "GIT_AUTHOR_EMAIL": "bob@example.com",
                      "GIT_COMMITTER_NAME": "Bob", "GIT_COMMITTER_EMAIL": "bob@example.com"]

    init() throws {
        _ = folio("init", in: folder.path)
        folder.write("folio.yaml", "version: 1\nlabels:\n  production: {protected: true}\n")
        try git("commit", "-qam", "protect production", in: folder.path)
        for text in ["Hello.\n", "Hello there.\n"] {
            let run = folio(text == "Hello.\n" ? "new" : "edit", "greet", "--file", "-", in: folder.path,
                            stdin: "---\nowners: [ada@example.com]\n---\n" + text)
            precondition(run.code == 0, run.stderr)
        }
    }

    @Test func commentReplyResolveAndList() throws {
        let first = folio("comment", "greet@v1", "Too short?", in: folder.path)
        #expect(first.code == 0, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("Commented on greet@v1: "))
        let commentID = String(first.stdout.split(separator: " ").last!.dropLast())  // the 8-character id
        let reply = folio("comment", "greet", "Fixed in v2.", "--reply-to", commentID, in: folder.path, env: Self.bob)
        #expect(reply.code == 0 && reply.stdout.hasPrefix("Replied on greet@v1"), "\(reply.stderr)")
        #expect(folio("comment", "greet", "Looks good.", in: folder.path).code == 0)

        let list = folio("comments", "greet", in: folder.path)
        #expect(list.code == 0)
        #expect(list.stdout.contains("Too short?") && list.stdout.contains("↳") && list.stdout.contains("Fixed in v2."))
        #expect(list.stdout.contains("(older version; now v2)"))
        #expect(list.stdout.components(separatedBy: "older version").count == 2)  // only the v1 thread

        let resolved = folio("comment", "greet", "--resolve", commentID, in: folder.path, env: Self.bob)
        #expect(resolved.code == 0, "\(resolved.stderr)")
        let open = folio("comments", "greet", in: folder.path)
        #expect(!open.stdout.contains("Too short?") && open.stdout.contains("1 resolved thread not shown"))
        #expect(folio("comments", "greet", "--all", in: folder.path).stdout.contains("✓ resolved by Bob"))

        let output = folio("comments", "greet", "--all", "--json", in: folder.path)
        let document = try #require(try json(output.stdout) as? [String: Any])
        #expect(document["current_version"] as? Int == 2)
        #expect(document["resolved_hidden"] as? Int == 0)
        let threads = try #require(document["threads"] as? [[String: Any]])
        #expect(threads.count == 2)
        #expect(threads[0]["version"] as? Int == 1 && threads[0]["outdated"] as? Bool == true)
        #expect((threads[0]["replies"] as? [[String: Any]])?.first?["reply_to"] as? String == threads[0]["id"] as? String)
        #expect((threads[0]["resolved"] as? [String: Any])?["author"] as? String == "Bob")
        #expect((threads[0]["date"] as? String)?.hasSuffix("Z") == true)

        // Mistakes: no text, an unknown comment, both options.
        #expect(folio("comment", "greet", in: folder.path).code == FolioExitCode.usage.rawValue)
        #expect(folio("comment", "greet", "x", "--reply-to", "0000000", in: folder.path).code == FolioExitCode.notFound.rawValue)
        #expect(folio("comment", "greet", "x", "--reply-to", "a", "--resolve", "b", in: folder.path).code == FolioExitCode.usage.rawValue)
        #expect(folio("comments", "nope", in: folder.path).code == FolioExitCode.notFound.rawValue)
    }

    @Test func protectedLabelNeedsAnOwnersApproval() throws {
        let refused = folio("label", "set", "greet", "production", in: folder.path, env: Self.bob)
        #expect(refused.code == FolioExitCode.conflict.rawValue)
        #expect(refused.stderr.contains("ada@example.com") && refused.stderr.contains("folio approve greet@v2 --label production"), "\(refused.stderr)")
        let asJSON = folio("approve", "greet@v2", "--label", "production", "--json", in: folder.path, env: Self.bob)
        let error = try #require((try json(asJSON.stderr.split(separator: "\n").last.map(String.init) ?? "") as? [String: Any])?["error"] as? [String: Any])
        #expect(error["kind"] as? String == "conflict")

        let notOwner = folio("approve", "greet@v2", "--label", "production", in: folder.path, env: Self.bob)
        #expect(notOwner.code == FolioExitCode.conflict.rawValue && notOwner.stderr.contains("not an owner"))
        let approve = folio("approve", "greet@v2", "--label", "production", "--note", "read it", "--json", in: folder.path)
        #expect(approve.code == 0, "\(approve.stderr)")
        let approval = try #require(try json(approve.stdout) as? [String: Any])
        #expect(approval["label"] as? String == "production" && approval["version"] as? Int == 2 && approval["note"] as? String == "read it")
        #expect(folio("label", "set", "greet", "production", in: folder.path, env: Self.bob).code == 0)
        #expect(folio("comments", "greet", in: folder.path).stdout.contains("production  v2  Ada Tester"))

        // Review: a branch that changes greet needs a new approval for production.
        try git("checkout", "-qb", "topic", in: folder.path)
        #expect(folio("edit", "greet", "--set", "title=Greeting", in: folder.path).code == 0)
        let review = folio("review", "main", "--fail-on", "approval", in: folder.path)
        #expect(review.code == FolioExitCode.findings.rawValue)
        #expect(review.stdout.contains("1 approval missing") && review.stderr.contains("1 missing approval"), "\(review.stdout)\n\(review.stderr)")
        let reviewJSON = try #require(try json(folio("review", "main", "--format", "json", in: folder.path).stdout) as? [String: Any])
        #expect(reviewJSON["missing_approvals"] as? Int == 1)
        let checks = (reviewJSON["prompts"] as? [[String: Any]])?.first?["protected_labels"] as? [[String: Any]]
        #expect(checks?.first?["approved"] as? Bool == false && checks?.first?["owners"] as? [String] == ["ada@example.com"])
        #expect(folio("approve", "greet@topic", "--label", "production", in: folder.path).code == 0)
        #expect(folio("review", "main", "--fail-on", "approval", in: folder.path).code == 0)
    }
}
