import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport
@testable import FolioKit
@testable import FolioWeb

/// The endpoints beyond list/get/create/update/render: rename, delete, diff, revert, labels, comments and approvals,
/// variants and experiments, feedback and stats. Same fixture as `RouterTests` (review/security and teach/explain,
/// one commit each, as Ada).
extension RouterTests {
    static func array(_ text: String) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String: Any]] ?? []
    }

    static func message(_ object: [String: Any]) -> String {
        (object["error"] as? [String: Any])?["message"] as? String ?? ""
    }

    static func fix(_ object: [String: Any]) -> String {
        (object["error"] as? [String: Any])?["fix"] as? String ?? ""
    }

    func library() throws -> Library { try Library.open(explicitPath: folder.path, environment: environment) }

    // MARK: - Rename, delete, diff, revert

    @Test func renameMovesThePromptInOneCommitWithTheMessageAsItsBody() async throws {
        try await withClient(try server()) { client in
            let renamed = try await client.call(.post, "/api/v1/prompts/teach/explain/rename",
                                                json: #"{"to": "teach/simply", "message": "Shorter name, as agreed."}"#)
            #expect(renamed.status == 200, "\(renamed.text)")
            #expect(renamed.json["id"] as? String == "teach/simply")
            #expect(renamed.headers[.location] == "/api/v1/prompts/teach/simply")
            #expect(renamed.json["message"] as? String == "folio: mv teach/explain -> teach/simply\n\nShorter name, as agreed.")
            #expect(try git("log", "-1", "--format=%s", in: folder.path) == "folio: mv teach/explain -> teach/simply")
            #expect(try git("log", "-1", "--format=%b", in: folder.path) == "Shorter name, as agreed.")
            #expect(renamed.json["blob"] as? String == (try git("rev-parse", "HEAD:prompts/teach/simply.prompt.md", in: folder.path)))
            #expect(try await client.call(.get, "/api/v1/prompts/teach/explain").status == 404)
            #expect(try await client.call(.get, "/api/v1/prompts/teach/simply").status == 200)

            let taken = try await client.call(.post, "/api/v1/prompts/teach/simply/rename", json: #"{"to": "review/security"}"#)
            #expect(taken.status == 409)
            #expect(Self.error(taken.json) == "conflict")
            let badID = try await client.call(.post, "/api/v1/prompts/teach/simply/rename", json: #"{"to": "Teach/Upper"}"#)
            #expect(badID.status == 422)
            #expect(try await client.call(.post, "/api/v1/prompts/teach/nope/rename", json: #"{"to": "teach/x"}"#).status == 404)
            let noTarget = try await client.call(.post, "/api/v1/prompts/teach/simply/rename", json: #"{"message": "where to?"}"#)
            #expect(noTarget.status == 400)
            #expect(Self.error(noTarget.json) == "bad_json")
            #expect(try git("log", "-1", "--format=%s", in: folder.path) == "folio: mv teach/explain -> teach/simply")
        }
    }

    @Test func deleteNeedsItsBaseRefusesAStaleOneAndRefusesLikeRm() async throws {
        try await withClient(try server()) { client in
            let got = try await client.call(.get, "/api/v1/prompts/teach/explain")
            let base = try #require(got.json["blob"] as? String)
            let noBase = try await client.call(.delete, "/api/v1/prompts/teach/explain")
            #expect(noBase.status == 400)
            #expect(Self.error(noBase.json) == "base_required")

            // The file moved on since the client read it: refused, with the file's text and blob now.
            let edited = "---\ntitle: Explain\ntags: [teaching]\nstatus: draft\n---\nExplain it to a child.\n"
            _ = try library().replace(try PromptID("teach/explain"), fileText: edited, source: "test")
            let stale = try await client.call(.delete, "/api/v1/prompts/teach/explain", json: #"{"base": "\#(base)"}"#)
            #expect(stale.status == 409, "\(stale.text)")
            let conflict = try #require((stale.json["error"] as? [String: Any])?["conflict"] as? [String: Any])
            #expect(conflict["current"] as? String == edited)
            let now = try git("rev-parse", "HEAD:prompts/teach/explain.prompt.md", in: folder.path)
            #expect(conflict["current_blob"] as? String == now)
            #expect(folder.exists("prompts/teach/explain.prompt.md"))

            // The ETag of a GET, sent back as If-Match.
            let etag = try #require(try await client.call(.get, "/api/v1/prompts/teach/explain").headers[.eTag])
            let deleted = try await client.call(.delete, "/api/v1/prompts/teach/explain", headers: [.ifMatch: etag])
            #expect(deleted.status == 200, "\(deleted.text)")
            #expect(deleted.json["message"] as? String == "folio: rm teach/explain")
            #expect(deleted.json["blob"] == nil)
            #expect(!folder.exists("prompts/teach/explain.prompt.md"))
            #expect(try git("log", "-1", "--format=%s", in: folder.path) == "folio: rm teach/explain")
            #expect(try await client.call(.delete, "/api/v1/prompts/teach/explain", headers: [.ifMatch: etag]).status == 404)

            // Included by another prompt: refused as folio rm refuses it, unless forced.
            let library = try library()
            _ = try library.add(try PromptID("review/all"), fileText: "---\ntitle: All\n---\n{{> review/security}}\n", source: "test")
            let securityBlob = try git("rev-parse", "HEAD:prompts/review/security.prompt.md", in: folder.path)
            let included = try await client.call(.delete, "/api/v1/prompts/review/security", json: #"{"base": "\#(securityBlob)"}"#)
            #expect(included.status == 409)
            #expect(Self.message(included.json).contains("included by review/all"))
            let forced = try await client.call(.delete, "/api/v1/prompts/review/security",
                                               json: #"{"base": "\#(securityBlob)", "force": true, "message": "Folded into review/all."}"#)
            #expect(forced.status == 200, "\(forced.text)")
            #expect((forced.json["warnings"] as? [String])?.contains { $0.contains("still includes 'review/security'") } == true)
            #expect(try git("log", "-1", "--format=%b", in: folder.path) == "Folded into review/all.")
        }
    }

    @Test func diffComparesAnyTwoRevisionsAndTheWorkTree() async throws {
        _ = try library().replace(try PromptID("teach/explain"), fileText: "---\ntitle: Explain well\ntags: [teaching]\nstatus: draft\n---\nExplain it simply.\n", source: "test")
        folder.write("prompts/teach/explain.prompt.md", "---\ntitle: Explain well\ntags: [teaching]\nstatus: draft\n---\nExplain it with an example.\n")
        try await withClient(try server()) { client in
            let committed = try await client.call(.get, "/api/v1/prompts/teach/explain/diff?from=v1&to=v2")
            #expect(committed.status == 200, "\(committed.text)")
            #expect(committed.json["from"] as? String == "v1")
            #expect(committed.json["to"] as? String == "v2")
            let fields = try #require(committed.json["fields"] as? [[String: Any]])
            #expect(fields.map { $0["field"] as? String } == ["title"])
            #expect((committed.json["hunks"] as? [Any])?.isEmpty == true)

            // `to` left out: the work tree, with the change not committed yet.
            let working = try await client.call(.get, "/api/v1/prompts/teach/explain/diff?from=v1")
            #expect(working.json["to"] as? String == "working copy")
            let lines = ((working.json["hunks"] as? [[String: Any]])?.first?["lines"] as? [String]) ?? []
            #expect(lines.contains("+Explain it with an example.") && lines.contains("-Explain it simply."))
            // Neither: the latest version to the work tree.
            let latest = try await client.call(.get, "/api/v1/prompts/teach/explain/diff")
            #expect(latest.json["from"] as? String == "v2")
            #expect(latest.json["old_tokens"] is Int && latest.json["breaking"] as? Bool == false)

            #expect(try await client.call(.get, "/api/v1/prompts/teach/explain/diff?from=v9").status == 404)
            #expect(try await client.call(.get, "/api/v1/prompts/teach/nope/diff").status == 404)
        }
    }

    @Test func revertRestoresAnEarlierVersionInANewCommit() async throws {
        _ = try library().replace(try PromptID("teach/explain"), fileText: "---\ntitle: Explain\ntags: [teaching]\n---\nExplain it badly.\n", source: "test")
        let read = try TokenStore(path: folder.at(".git/folio/tokens.json")).add(name: "viewer", role: .read)
        try await withClient(try server()) { client in
            let refused = try await client.call(.post, "/api/v1/prompts/teach/explain/revert", json: #"{"to": "v1"}"#, token: read)
            #expect(refused.status == 403)
            let reverted = try await client.call(.post, "/api/v1/prompts/teach/explain/revert", json: #"{"to": "v1", "message": "v2 read badly."}"#)
            #expect(reverted.status == 200, "\(reverted.text)")
            #expect((reverted.json["message"] as? String)?.hasPrefix("folio: revert teach/explain to v1 (") == true)
            #expect(folder.read("prompts/teach/explain.prompt.md")?.hasSuffix("Explain it simply.\n") == true)
            #expect(try git("log", "-1", "--format=%b", in: folder.path) == "v2 read badly.")
            let history = Self.array(try await client.call(.get, "/api/v1/prompts/teach/explain/history").text)
            #expect(history.count == 3)
            // Already there: nothing to commit.
            let again = try await client.call(.post, "/api/v1/prompts/teach/explain/revert", json: #"{"to": "v1"}"#)
            #expect(again.status == 200)
            #expect(again.json["changed"] as? Bool == false)
            #expect(again.json["commit"] == nil)
            #expect(try await client.call(.post, "/api/v1/prompts/teach/explain/revert", json: #"{"to": "v9"}"#).status == 404)
            #expect(try await client.call(.post, "/api/v1/prompts/teach/explain/revert", json: "{}").status == 400)
            // A revision libgit2 does not implement (`:path`, the index) is a revision there is not, not a server error.
            let unimplemented = try await client.call(.post, "/api/v1/prompts/teach/explain/revert", json: #"{"to": ":x"}"#)
            #expect(unimplemented.status == 404, "\(unimplemented.text)")
            #expect(try await client.call(.get, "/api/v1/prompts/teach/explain/diff?from=:x").status == 404)
            #expect(try await client.call(.post, "/api/v1/variants", json: #"{"name": "odd", "from": ":x"}"#).status == 404)
        }
    }

    /// The actions are path suffixes after an id that may hold slashes (`/prompts/**/diff`): GET of the prompt still
    /// answers for ids of any depth, an id named like an action is reached first-segment or encoded, and a wrong
    /// method on an action is not taken for another route.
    @Test func actionSuffixesDoNotClashWithGettingAPrompt() async throws {
        let library = try library()
        for id in ["diff", "tools/diff", "labels/intro", "a/b/c/d"] {
            _ = try library.add(try PromptID(id), fileText: "---\ntitle: \(id)\n---\nText of \(id).\n", source: id)
        }
        try await withClient(try server()) { client in
            for id in ["review/security", "diff", "labels/intro", "a/b/c/d"] {
                let got = try await client.call(.get, "/api/v1/prompts/\(id)")
                #expect(got.status == 200, "\(id): \(got.text)")
                #expect(got.json["id"] as? String == id)
            }
            // `tools/diff` as written names the diff of `tools`; encoded, it is the prompt.
            #expect(try await client.call(.get, "/api/v1/prompts/tools/diff").status == 404)
            let encoded = try await client.call(.get, "/api/v1/prompts/tools%2Fdiff")
            #expect(encoded.status == 200)
            #expect(encoded.json["id"] as? String == "tools/diff")
            let diffOfDiff = try await client.call(.get, "/api/v1/prompts/diff/diff")
            #expect(diffOfDiff.status == 200)
            #expect(diffOfDiff.json["prompt"] as? String == "diff")
            let labelsOfDeep = try await client.call(.get, "/api/v1/prompts/a/b/c/d/labels")
            #expect(labelsOfDeep.status == 200)
            #expect(labelsOfDeep.text == "[]")
            let commentsOfEncoded = try await client.call(.get, "/api/v1/prompts/tools%2Fdiff/comments")
            #expect(commentsOfEncoded.json["prompt"] as? String == "tools/diff")
            // A method an action does not take matches no route: it is not a GET of a prompt named `…/rename`.
            let wrongMethod = try await client.call(.get, "/api/v1/prompts/review/security/rename")
            #expect(wrongMethod.status == 404 && !Self.message(wrongMethod.json).contains("review/security/rename"), "\(wrongMethod.text)")
            let wrongMethod2 = try await client.call(.put, "/api/v1/prompts/review/security/diff", json: "{}")
            #expect(wrongMethod2.status == 404 && !Self.message(wrongMethod2.json).contains("review/security/diff"), "\(wrongMethod2.text)")
        }
    }

    // MARK: - Labels

    @Test func labelsSetListMoveLogAndRemove() async throws {
        _ = try library().replace(try PromptID("teach/explain"), fileText: "---\ntitle: Explain\ntags: [teaching]\n---\nExplain it twice.\n", source: "test")
        let read = try TokenStore(path: folder.at(".git/folio/tokens.json")).add(name: "viewer", role: .read)
        try await withClient(try server()) { client in
            let set = try await client.call(.post, "/api/v1/prompts/teach/explain/labels", json: #"{"label": "staging", "rev": "v1"}"#)
            #expect(set.status == 200, "\(set.text)")
            #expect((set.json["label"] as? [String: Any])?["version"] as? Int == 1)
            #expect((set.json["move"] as? [String: Any])?["from"] == nil)
            #expect(set.json["changed"] as? Bool == true)
            let moved = try await client.call(.post, "/api/v1/prompts/teach/explain/labels", json: #"{"label": "staging"}"#)
            #expect((moved.json["label"] as? [String: Any])?["version"] as? Int == 2)
            let same = try await client.call(.post, "/api/v1/prompts/teach/explain/labels", json: #"{"label": "staging"}"#)
            #expect(same.json["changed"] as? Bool == false)

            let labels = Self.array(try await client.call(.get, "/api/v1/prompts/teach/explain/labels").text)
            #expect(labels.map { "\($0["name"] ?? "") \($0["version"] ?? "")" } == ["staging 2"])
            let all = Self.array(try await client.call(.get, "/api/v1/labels").text)
            #expect(all.map { $0["prompt"] as? String } == ["teach/explain"])
            #expect(Self.array(try await client.call(.get, "/api/v1/labels?prompt=review/security").text).isEmpty)
            let log = Self.array(try await client.call(.get, "/api/v1/labels/log?prompt=teach/explain").text)
            #expect(log.count >= 2)
            #expect(log.allSatisfy { $0["label"] as? String == "staging" && ($0["user"] as? String)?.contains("ada@example.com") == true })

            let removed = try await client.call(.delete, "/api/v1/prompts/teach/explain/labels/staging")
            #expect(removed.status == 200, "\(removed.text)")
            #expect(removed.json["to"] == nil && removed.json["from"] is String)
            #expect(try await client.call(.get, "/api/v1/prompts/teach/explain/labels").text == "[]")

            #expect(try await client.call(.delete, "/api/v1/prompts/teach/explain/labels/staging").status == 404)
            #expect(try await client.call(.post, "/api/v1/prompts/teach/explain/labels", json: #"{"label": "Prod"}"#).status == 422)
            #expect(try await client.call(.post, "/api/v1/prompts/teach/explain/labels", json: #"{"label": "x", "rev": "v9"}"#).status == 404)
            #expect(try await client.call(.post, "/api/v1/prompts/teach/nope/labels", json: #"{"label": "x"}"#).status == 404)
            #expect(try await client.call(.get, "/api/v1/labels?prompt=Bad..Id").status == 400)
            #expect(try await client.call(.post, "/api/v1/prompts/teach/explain/labels", json: #"{"label": "x"}"#, token: read).status == 403)
            #expect(try await client.call(.get, "/api/v1/labels/log", token: read).status == 200)
        }
    }

    @Test func aProtectedLabelMovesOnlyToAnApprovedVersionAndTheRefusalSaysHowToApprove() async throws {
        folder.write("folio.yaml", "version: 1\nlabels:\n  production: {protected: true}\n")
        try git("commit", "-qam", "protect production", in: folder.path)
        let library = try library()
        _ = try library.replace(try PromptID("teach/explain"), fileText: "---\ntitle: Explain\nowners: [ada@example.com]\n---\nExplain it simply.\n", source: "test")
        let write = try TokenStore(path: folder.at(".git/folio/tokens.json")).add(name: "editor", role: .write)
        try await withClient(try server()) { client in
            let refused = try await client.call(.post, "/api/v1/prompts/teach/explain/labels", json: #"{"label": "production", "rev": "v2"}"#)
            #expect(refused.status == 409, "\(refused.text)")
            #expect(Self.error(refused.json) == "approval_required")
            #expect(Self.fix(refused.json).contains("folio approve teach/explain@v2 --label production"))
            #expect(Self.fix(refused.json).contains("/api/v1/prompts/teach/explain/approve"))

            let check = try await client.call(.get, "/api/v1/prompts/teach/explain/labels/production/approval?rev=v2")
            #expect(check.status == 200)
            #expect(check.json["protected"] as? Bool == true && check.json["approved"] as? Bool == false)
            #expect(check.json["owners"] as? [String] == ["ada@example.com"])

            // Approving acts as the server's git identity (an owner here): an admin's act, not a write token's.
            let notAdmin = try await client.call(.post, "/api/v1/prompts/teach/explain/approve", json: #"{"label": "production", "rev": "v2"}"#, token: write)
            #expect(notAdmin.status == 403)
            let approved = try await client.call(.post, "/api/v1/prompts/teach/explain/approve",
                                                 json: #"{"label": "production", "rev": "v2", "note": "Read it twice."}"#)
            #expect(approved.status == 201, "\(approved.text)")
            #expect(approved.json["label"] as? String == "production" && approved.json["version"] as? Int == 2)
            #expect(approved.json["email"] as? String == "ada@example.com" && approved.json["note"] as? String == "Read it twice.")

            let set = try await client.call(.post, "/api/v1/prompts/teach/explain/labels", json: #"{"label": "production", "rev": "v2"}"#, token: write)
            #expect(set.status == 200, "\(set.text)")
            #expect((set.json["label"] as? [String: Any])?["version"] as? Int == 2)
            // v1 was never approved.
            #expect(try await client.call(.post, "/api/v1/prompts/teach/explain/labels", json: #"{"label": "production", "rev": "v1"}"#).status == 409)
            let remove = try await client.call(.delete, "/api/v1/prompts/teach/explain/labels/production")
            #expect(remove.status == 409)
            #expect(Self.error(remove.json) == "protected_label")
            // Only owners' approvals count: review/security names none.
            let noOwners = try await client.call(.post, "/api/v1/prompts/review/security/approve", json: #"{"label": "production"}"#)
            #expect(noOwners.status == 409)
        }
    }

    // MARK: - Comments

    @Test func commentsReplyResolveAndListAsFolioCommentsDoes() async throws {
        let read = try TokenStore(path: folder.at(".git/folio/tokens.json")).add(name: "viewer", role: .read)
        try await withClient(try server()) { client in
            let comment = try await client.call(.post, "/api/v1/prompts/teach/explain/comments", json: #"{"text": "Too short?", "rev": "v1"}"#)
            #expect(comment.status == 201, "\(comment.text)")
            let id = try #require(comment.json["id"] as? String)
            #expect(comment.json["version"] as? Int == 1 && comment.json["author"] as? String == "Ada")
            let reply = try await client.call(.post, "/api/v1/prompts/teach/explain/comments",
                                              json: #"{"text": "It is meant to be.", "reply_to": "\#(id.prefix(8))"}"#)
            #expect(reply.status == 201, "\(reply.text)")
            #expect(reply.json["reply_to"] as? String == id)

            let listed = try await client.call(.get, "/api/v1/prompts/teach/explain/comments", token: read)
            #expect(listed.status == 200)
            let threads = try #require(listed.json["threads"] as? [[String: Any]])
            #expect(threads.count == 1)
            #expect((threads[0]["replies"] as? [[String: Any]])?.first?["text"] as? String == "It is meant to be.")
            #expect(listed.json["current_version"] as? Int == 1)

            let resolved = try await client.call(.post, "/api/v1/prompts/teach/explain/comments/\(id.prefix(8))/resolve", json: #"{"text": "Agreed."}"#)
            #expect(resolved.status == 200, "\(resolved.text)")
            #expect(resolved.json["text"] as? String == "Agreed.")
            let open = try await client.call(.get, "/api/v1/prompts/teach/explain/comments")
            #expect((open.json["threads"] as? [Any])?.isEmpty == true && open.json["resolved_hidden"] as? Int == 1)
            let all = try await client.call(.get, "/api/v1/prompts/teach/explain/comments?all=true")
            #expect(((all.json["threads"] as? [[String: Any]])?.first?["resolved"] as? [String: Any])?["text"] as? String == "Agreed.")

            let twice = try await client.call(.post, "/api/v1/prompts/teach/explain/comments/\(id.prefix(8))/resolve")
            #expect(twice.status == 409)
            #expect(try await client.call(.post, "/api/v1/prompts/teach/explain/comments/ffffffff/resolve").status == 404)
            #expect(try await client.call(.post, "/api/v1/prompts/teach/explain/comments", json: #"{"text": "  "}"#).status == 422)
            #expect(try await client.call(.post, "/api/v1/prompts/teach/explain/comments", json: #"{"text": "x", "rev": "v1", "reply_to": "\#(id)"}"#).status == 400)
            #expect(try await client.call(.post, "/api/v1/prompts/teach/nope/comments", json: #"{"text": "x"}"#).status == 404)
            #expect(try await client.call(.get, "/api/v1/prompts/teach/explain/comments?all=maybe").status == 400)
            #expect(try await client.call(.post, "/api/v1/prompts/teach/explain/comments", json: #"{"text": "x"}"#, token: read).status == 403)
        }
    }

    // MARK: - Variants and experiments

    @Test func variantsCreateListDiffAndRemove() async throws {
        try await withClient(try server()) { client in
            let made = try await client.call(.post, "/api/v1/variants", json: #"{"name": "concise"}"#)
            #expect(made.status == 201, "\(made.text)")
            #expect(made.json["branch"] as? String == "variant/concise")
            #expect(made.headers[.location] == "/api/v1/variants/concise")
            _ = try library().replace(try PromptID("teach/explain"), fileText: "---\ntitle: Explain\n---\nExplain.\n", source: "test", variant: "concise")
            let listed = Self.array(try await client.call(.get, "/api/v1/variants").text)
            #expect(listed.map { $0["name"] as? String } == ["concise"])
            #expect(listed.first?["changed"] as? [String] == ["teach/explain"])
            let diff = Self.array(try await client.call(.get, "/api/v1/variants/concise/diff?prompt=teach/explain").text)
            #expect(diff.map { $0["prompt"] as? String } == ["teach/explain"])

            #expect(try await client.call(.post, "/api/v1/variants", json: #"{"name": "concise"}"#).status == 409)
            #expect(try await client.call(.post, "/api/v1/variants", json: #"{"name": "Bad Name"}"#).status == 422)
            let tip = try git("rev-parse", "variant/concise", in: folder.path)
            let removed = try await client.call(.delete, "/api/v1/variants/concise")
            #expect(removed.status == 200, "\(removed.text)")
            #expect(removed.json["tip"] as? String == tip)
            #expect(try await client.call(.delete, "/api/v1/variants/concise").status == 404)
            #expect(try await client.call(.get, "/api/v1/variants/nope/diff").status == 404)
        }
    }

    @Test func anExperimentIsCreatedAssignsSubjectsReportsAndPromotes() async throws {
        let library = try library()
        _ = try library.createVariant("concise")
        _ = try library.replace(try PromptID("teach/explain"), fileText: "---\ntitle: Explain\n---\nExplain briefly.\n", source: "test", variant: "concise")
        let main = try git("branch", "--show-current", in: folder.path)
        try await withClient(try server()) { client in
            let made = try await client.call(.post, "/api/v1/experiments", json: """
                {"name": "brevity", "prompt": "teach/explain", "variants": ["\(main)", "concise"], "weights": [50, 50], "metric": "success", "message": "Does shorter help?"}
                """)
            #expect(made.status == 201, "\(made.text)")
            #expect((made.json["experiment"] as? [String: Any])?["status"] as? String == "running")
            #expect(made.json["message"] as? String == "folio: ab create brevity (teach/explain: \(main), concise)\n\nDoes shorter help?")
            #expect(folder.exists("experiments/brevity.yaml"))
            let again = try await client.call(.post, "/api/v1/experiments", json: #"{"name": "brevity", "prompt": "teach/explain", "variants": ["concise", "\#(main)"]}"#)
            #expect(again.status == 409, "\(again.text)")
            #expect(try await client.call(.post, "/api/v1/experiments", json: #"{"name": "x", "prompt": "teach/explain", "variants": ["concise"], "metric": "speed"}"#).status == 400)
            let noVariant = try await client.call(.post, "/api/v1/experiments", json: #"{"name": "y", "prompt": "teach/explain", "variants": ["nope", "\#(main)"]}"#)
            #expect(noVariant.status == 404, "\(noVariant.text)")
            #expect(try await client.call(.post, "/api/v1/experiments", json: #"{"name": "z", "prompt": "teach/explain", "variants": ["concise"]}"#).status == 422)

            // The same subject always gets the same variant; each assignment is an exposure to rate.
            var seen: [String: String] = [:]
            for subject in ["u1", "u2", "u3", "u4", "u5", "u6", "u1"] {
                let assigned = try await client.call(.post, "/api/v1/experiments/brevity/assign", json: #"{"subject": "\#(subject)"}"#)
                #expect(assigned.status == 200, "\(assigned.text)")
                let variant = try #require(assigned.json["variant"] as? String)
                if let earlier = seen[subject] { #expect(earlier == variant) }
                seen[subject] = variant
                #expect(assigned.json["text"] as? String == (variant == "concise" ? "Explain briefly.\n" : "Explain it simply.\n"))
                #expect(assigned.json["status"] as? String == "running" && assigned.json["id"] as? String == "teach/explain")
                let event = try #require(assigned.json["event_id"] as? String)
                #expect(try await client.call(.post, "/api/v1/feedback", json: #"{"event": "\#(event)", "success": true}"#).status == 201)
            }
            let events = try self.library().events().events(kinds: [.exposure])
            #expect(events.count == 7 && events.allSatisfy { $0.source == "api" && $0.experiment == "brevity" })
            #expect(try await client.call(.post, "/api/v1/experiments/brevity/assign", json: "{}").status == 400)
            #expect(try await client.call(.post, "/api/v1/experiments/nope/assign", json: #"{"subject": "u1"}"#).status == 404)

            let listed = Self.array(try await client.call(.get, "/api/v1/experiments").text)
            #expect(listed.first?["exposures"] as? Int == 7)
            let report = try await client.call(.get, "/api/v1/experiments/brevity/report")
            #expect(report.status == 200)
            #expect((report.json["arms"] as? [[String: Any]])?.map { $0["exposures"] as? Int ?? 0 }.reduce(0, +) == 7)
            #expect(report.json["verdict"] is String)
            #expect(try await client.call(.get, "/api/v1/experiments/nope/report").status == 404)

            let promoted = try await client.call(.post, "/api/v1/experiments/brevity/promote", json: #"{"variant": "concise"}"#)
            #expect(promoted.status == 200, "\(promoted.text)")
            #expect((promoted.json["experiment"] as? [String: Any])?["winner"] as? String == "concise")
            #expect(folder.read("prompts/teach/explain.prompt.md") == "---\ntitle: Explain\n---\nExplain briefly.\n")
            let closed = try await client.call(.post, "/api/v1/experiments/brevity/promote", json: #"{"variant": "concise"}"#)
            #expect(closed.status == 409)
            let after = try await client.call(.post, "/api/v1/experiments/brevity/assign", json: #"{"subject": "u9"}"#)
            #expect(after.json["status"] as? String == "closed")
        }
    }

    @Test func stoppingAnExperimentRendersItsFirstVariantForEveryone() async throws {
        let library = try library()
        _ = try library.createVariant("concise")
        _ = try library.createExperiment("brevity", prompt: try PromptID("teach/explain"),
                                         variants: ["concise", try git("branch", "--show-current", in: folder.path)])
        try await withClient(try server()) { client in
            let stopped = try await client.call(.post, "/api/v1/experiments/brevity/stop")
            #expect(stopped.status == 200, "\(stopped.text)")
            #expect((stopped.json["experiment"] as? [String: Any])?["status"] as? String == "stopped")
            let assigned = try await client.call(.post, "/api/v1/experiments/brevity/assign", json: #"{"subject": "u1"}"#)
            #expect(assigned.json["status"] as? String == "stopped" && assigned.json["variant"] as? String == "concise")
        }
    }

    // MARK: - Feedback and stats

    @Test func feedbackRatesARenderAndStatsFilterAsTheCLIDoes() async throws {
        let read = try TokenStore(path: folder.at(".git/folio/tokens.json")).add(name: "viewer", role: .read)
        try await withClient(try server()) { client in
            let rendered = try await client.call(.post, "/api/v1/prompts/review/security/render", json: #"{"variables": {"code": "a"}}"#)
            let event = try #require(rendered.json["event_id"] as? String)
            let rated = try await client.call(.post, "/api/v1/feedback", json: #"{"event": "\#(event.prefix(8))", "score": 4, "note": "Good."}"#,
                                              headers: [HTTPField.Name("X-Folio-Client")!: "review-bot"])
            #expect(rated.status == 201, "\(rated.text)")
            let recorded = try #require(rated.json["event"] as? [String: Any])
            #expect(recorded["kind"] as? String == "feedback" && recorded["ref"] as? String == event)
            #expect(recorded["source"] as? String == "api" && recorded["client"] as? String == "review-bot")
            #expect(rated.json["replaced"] as? [String] == [])
            let again = try await client.call(.post, "/api/v1/feedback", json: #"{"event": "\#(event)", "score": 2, "source": "nightly-eval"}"#)
            #expect(again.json["replaced"] as? [String] == ["score 4"])
            #expect((again.json["event"] as? [String: Any])?["source"] as? String == "nightly-eval")

            #expect(try await client.call(.post, "/api/v1/feedback", json: #"{"event": "\#(event)", "score": 9}"#).status == 422)
            #expect(try await client.call(.post, "/api/v1/feedback", json: #"{"event": "\#(event)"}"#).status == 422)
            #expect(try await client.call(.post, "/api/v1/feedback", json: #"{"event": "ffffffff", "success": true}"#).status == 404)
            #expect(try await client.call(.post, "/api/v1/feedback", json: #"{"event": "\#(event)", "success": true}"#, token: read).status == 403)

            let stats = try await client.call(.get, "/api/v1/stats?id=review/security&since=7d&by=source", token: read)
            #expect(stats.status == 200, "\(stats.text)")
            #expect(stats.json["prompt"] as? String == "review/security")
            #expect(stats.json["grouping"] as? String == "source")
            #expect((stats.json["totals"] as? [String: Any])?["renders"] as? Int == 1)
            // By source: the render came from the API, the ratings from the API and a nightly evaluation.
            let sources = (stats.json["breakdown"] as? [[String: Any]])?.map { "\($0["key"] ?? "") \($0["renders"] ?? "") \($0["feedback"] ?? "")" }
            #expect(sources == ["api 1 0", "nightly-eval 0 1"])  // one outcome per event: the latest rating's
            let all = try await client.call(.get, "/api/v1/stats")
            #expect(all.status == 200 && all.json["prompt"] == nil)
            #expect(try await client.call(.get, "/api/v1/stats?by=month").status == 400)
            #expect(try await client.call(.get, "/api/v1/stats?since=soon").status == 400)
            #expect(try await client.call(.get, "/api/v1/stats?id=nope").status == 404)
        }
    }
}
