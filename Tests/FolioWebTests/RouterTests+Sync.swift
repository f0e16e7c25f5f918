import Foundation
import HTTPTypes
import Testing
import TestSupport
@testable import FolioKit
@testable import FolioWeb

/// Sync over the API: a trigger answering `folio sync --json`'s outcome, 409 when the remote's changes collide with
/// the files, and the status as of the last fetch.
extension RouterTests {
    @Test func syncPushesAndTheStatusSaysWhereTheCloneStands() async throws {
        let remote = TemporaryFolder("web-remote")
        try git("init", "-q", "--bare", remote.path, in: remote.path)
        let branch = try git("rev-parse", "--abbrev-ref", "HEAD", in: folder.path)
        try await withClient(try server()) { client in
            let none = try await client.call(.get, "/api/v1/sync/status")
            #expect(none.status == 200, "\(none.text)")
            #expect((none.json["remotes"] as? [Any])?.isEmpty == true && none.json["last_sync"] == nil && none.json["stopped"] as? Bool == false)
            #expect(none.json["branch"] as? String == branch)
            let noRemote = try await client.call(.post, "/api/v1/sync")
            #expect(noRemote.status == 404, "\(noRemote.text)")

            try git("remote", "add", "origin", remote.path, in: folder.path)
            let before = try await client.call(.get, "/api/v1/sync/status")
            let listed = try #require((before.json["remotes"] as? [[String: Any]])?.first)
            #expect(listed["name"] as? String == "origin" && listed["url"] as? String == remote.path)
            #expect(listed["tracked_commit"] == nil && listed["ahead"] == nil)

            let synced = try await client.call(.post, "/api/v1/sync", json: #"{"remote": "origin"}"#)
            #expect(synced.status == 200, "\(synced.text)")
            #expect(synced.json["remote"] as? String == "origin" && synced.json["branch"] as? String == branch)
            #expect(synced.json["integration"] as? String == "up-to-date" && synced.json["pushed"] as? Bool == true)
            let head = try git("rev-parse", "HEAD", in: folder.path)
            #expect(try git("rev-parse", branch, in: remote.path) == head)

            // One more commit here: one ahead of what the remote had.
            let library = try Library.open(explicitPath: folder.path, environment: environment)
            _ = try library.add(try PromptID("ops/triage"), fileText: "---\ntitle: Triage\n---\nSort the alerts.\n", source: "test")
            let after = try await client.call(.get, "/api/v1/sync/status")
            let origin = try #require((after.json["remotes"] as? [[String: Any]])?.first)
            #expect(origin["tracked_commit"] as? String == head)
            #expect(origin["ahead"] as? Int == 1 && origin["behind"] as? Int == 0)
            let last = try #require(after.json["last_sync"] as? [String: Any])
            #expect(last["remote"] as? String == "origin" && last["pushed"] as? Bool == true && last["integration"] as? String == "up-to-date")
            #expect(last["time"] is String)
        }
    }

    @Test func aSyncThatCollidesWithTheFilesIs409AndCanBeAborted() async throws {
        let remote = TemporaryFolder("web-remote")
        try git("init", "-q", "--bare", remote.path, in: remote.path)
        let branch = try git("rev-parse", "--abbrev-ref", "HEAD", in: folder.path)
        try git("remote", "add", "origin", remote.path, in: folder.path)
        try git("push", "-q", "origin", branch, in: folder.path)
        // Someone else changes a line and pushes…
        let other = TemporaryFolder("web-other")
        try git("clone", "-q", "-b", branch, remote.path, other.at("clone"), in: other.path)
        other.write("clone/prompts/teach/explain.prompt.md", "---\ntitle: Explain\ntags: [teaching]\nstatus: draft\n---\nExplain it with a picture.\n")
        try git("commit", "-q", "-am", "Pictures", in: other.at("clone"))
        try git("push", "-q", "origin", branch, in: other.at("clone"))
        // …and here the same line changes too.
        let library = try Library.open(explicitPath: folder.path, environment: environment)
        let mine = "---\ntitle: Explain\ntags: [teaching]\nstatus: draft\n---\nExplain it with a story.\n"
        _ = try library.replace(try PromptID("teach/explain"), fileText: mine, source: "test")
        let head = try git("rev-parse", "HEAD", in: folder.path)
        try await withClient(try server()) { client in
            let stopped = try await client.call(.post, "/api/v1/sync")
            #expect(stopped.status == 409, "\(stopped.text)")
            #expect(Self.error(stopped.json) == "conflict")
            let message = try #require((stopped.json["error"] as? [String: Any])?["message"] as? String)
            #expect(message.contains("explain.prompt.md") && !message.contains(folder.path))
            let status = try await client.call(.get, "/api/v1/sync/status")
            #expect(status.json["stopped"] as? Bool == true)
            #expect(status.json["conflicts"] as? [String] == ["prompts/teach/explain.prompt.md"])
            // Another sync while stopped: still a conflict, and nothing changes.
            #expect(try await client.call(.post, "/api/v1/sync").status == 409)
            let both = try await client.call(.post, "/api/v1/sync", json: #"{"continue": true, "abort": true}"#)
            #expect(both.status == 400)
            let aborted = try await client.call(.post, "/api/v1/sync", json: #"{"abort": true}"#)
            #expect(aborted.status == 200, "\(aborted.text)")
            #expect(aborted.json["aborted"] as? Bool == true)
            #expect(try await client.call(.get, "/api/v1/sync/status").json["stopped"] as? Bool == false)
        }
        // Back where it was: the local edit kept, nothing committed.
        #expect(folder.read("prompts/teach/explain.prompt.md") == mine)
        #expect(try git("rev-parse", "HEAD", in: folder.path) == head)
    }

    @Test func aReadTokenCannotSync() async throws {
        let read = try TokenStore(path: folder.at(".git/folio/tokens.json")).add(name: "viewer", role: .read)
        try await withClient(try server()) { client in
            let refused = try await client.call(.post, "/api/v1/sync", token: read)
            #expect(refused.status == 403)
            #expect(try await client.call(.get, "/api/v1/sync/status", token: read).status == 200)
        }
    }
}
