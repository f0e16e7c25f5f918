import Foundation
import Testing
import TestSupport

/// The hooks as git runs them: installed by the real binary, triggered by the real `git` command.
@Suite(.serialized) struct HookEndToEndTests {
    /// `git` with the test identity; returns the whole result (a hook may make it fail on purpose).
    func gitRun(_ arguments: String..., in folder: String) throws -> ProcessResult {
        try run("/usr/bin/git", arguments, in: folder, environment: testEnvironment(home: folder))
    }

    @Test func thePreCommitHookStopsAStagedSecretAndLetsTheFixThrough() throws {
        let folder = TemporaryFolder("hook-e2e")
        let p = folder.path
        #expect(try folio("init", in: p).status == 0)
        // A hook the team already had: folio keeps it and runs it first.
        folder.write(".git/hooks/pre-commit", "#!/bin/sh\necho ran >> \"$(git rev-parse --git-dir)/team-hook-ran\"\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.at(".git/hooks/pre-commit"))
        let install = try folio("hooks", "install", in: p)
        #expect(install.status == 0, "\(install.stderr)")
        #expect(install.stdout.contains("kept as .git/hooks/pre-commit.pre-folio"))

        folder.write("prompts/deploy.prompt.md", "---\ntitle: Deploy\n---\nDeploy with the key AKIAIOSFODNN7EXAMPLE.\n")
        try git("add", "prompts/deploy.prompt.md", in: p)
        let head = try git("rev-parse", "HEAD", in: p)
        let blocked = try gitRun("commit", "-m", "add deploy", in: p)
        #expect(blocked.status != 0)
        #expect(blocked.stderr.contains("prompts/deploy.prompt.md:4:21: error: AWS access key"), "\(blocked.stderr)")
        #expect(blocked.stderr.contains("folio: commit stopped"))
        #expect(try git("rev-parse", "HEAD", in: p) == head)
        #expect(folder.read(".git/team-hook-ran") == "ran\n")

        // `git commit -a` commits a temporary index (GIT_INDEX_FILE): that is what the hook checks.
        try git("reset", "-q", in: p)
        folder.write("prompts/deploy.prompt.md", "---\ntitle: Deploy\n---\nDeploy.\n")
        try git("add", "prompts/deploy.prompt.md", in: p)
        try git("commit", "-qm", "add deploy", in: p)
        folder.write("prompts/deploy.prompt.md", "---\ntitle: Deploy\n---\nDeploy with -----BEGIN OPENSSH PRIVATE KEY-----\n")
        let all = try gitRun("commit", "-am", "leak", in: p)
        #expect(all.status != 0)
        #expect(all.stderr.contains("secret-detected"), "\(all.stderr)")

        // Removed: the commit goes through, and says nothing.
        folder.write("prompts/deploy.prompt.md", "---\ntitle: Deploy\n---\nDeploy with the key from the vault.\n")
        let fixed = try gitRun("commit", "-am", "deploy from the vault", in: p)
        #expect(fixed.status == 0, "\(fixed.stdout)\(fixed.stderr)")
        #expect(try git("log", "-1", "--format=%s", in: p) == "deploy from the vault")
        #expect(!fixed.stderr.contains("folio"))
    }

    @Test func postCheckoutRefreshesABuiltIndexAndNeverStartsOne() throws {
        let folder = TemporaryFolder("hook-e2e")
        let p = folder.path
        #expect(try folio("init", in: p).status == 0)
        #expect(try folio("hooks", "install", in: p).status == 0)
        try git("checkout", "-qb", "feature", in: p)
        folder.write("prompts/feature.prompt.md", "---\ntitle: Feature\n---\nOnly on the branch.\n")
        try git("add", "-A", in: p)
        try git("commit", "-qm", "feature prompt", in: p)
        // No index yet: a checkout does not build one.
        try git("checkout", "-q", "main", in: p)
        #expect(!folder.exists(".git/folio/index.sqlite"))

        #expect(try folio("index", "rebuild", in: p).status == 0)
        try git("checkout", "-q", "feature", in: p)
        // The hook already brought the index to the branch: nothing is left for the next read to do.
        let status = try #require(try JSONSerialization.jsonObject(with: Data(try folio("index", "status", "--json", in: p).stdout.utf8)) as? [String: Any])
        let refreshed = try #require(status["refreshed"] as? [String: Any])
        #expect(refreshed["added"] as? Int == 0 && refreshed["removed"] as? Int == 0)
        #expect(status["prompts"] as? Int == 1)

        // Without the hooks, the same checkout leaves the work to the next read.
        #expect(try folio("hooks", "uninstall", in: p).status == 0)
        try git("checkout", "-q", "main", in: p)
        let later = try #require(try JSONSerialization.jsonObject(with: Data(try folio("index", "status", "--json", in: p).stdout.utf8)) as? [String: Any])
        #expect((later["refreshed"] as? [String: Any])?["removed"] as? Int == 1)
    }
}
