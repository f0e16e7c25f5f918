import Foundation
import Testing
import TestSupport
@testable import Git

let ada = Identity(
    author: Signature(name: "Ada Tester", email: "ada@example.com", date: Date(timeIntervalSince1970: 1_700_000_000), offsetMinutes: 60),
    committer: Signature(name: "Ada Tester", email: "ada@example.com", date: Date(timeIntervalSince1970: 1_700_000_000), offsetMinutes: 60))

/// A repository made by the `git` command with history: three commits on main, a tag, a branch and a merge.
func gitMadeRepository() throws -> TemporaryFolder {
    let folder = TemporaryFolder("git-made")
    let p = folder.path
    try git("init", "-q", "-b", "main", in: p)
    folder.write("prompts/a.prompt.md", "one\n")
    try git("add", ".", in: p)
    try git("commit", "-qm", "first", in: p)
    folder.write("prompts/a.prompt.md", "two\n")
    try git("commit", "-qam", "second", in: p)
    try git("tag", "-a", "v1", "-m", "release one", in: p)
    try git("tag", "light", in: p)
    try git("checkout", "-qb", "feature", in: p)
    folder.write("prompts/b/c.prompt.md", "feature\n")
    try git("add", ".", in: p)
    try git("commit", "-qm", "feature work", in: p)
    try git("checkout", "-q", "main", in: p)
    folder.write("prompts/a.prompt.md", "three\n")
    try git("commit", "-qam", "third", in: p)
    try git("merge", "-q", "--no-ff", "-m", "merge feature", "feature", in: p)
    return folder
}

@Suite struct RepositoryTests {
    @Test func discoversTheRepositoryFromASubfolder() throws {
        let folder = try gitMadeRepository()
        let repo = try #require(try Repository.discover(from: folder.at("prompts/b")))
        #expect(repo.workdir == folder.path)
        #expect(repo.gitDir == folder.path + "/.git")
    }

    @Test func discoverReturnsNilOutsideARepository() throws {
        let folder = TemporaryFolder()
        #expect(try Repository.discover(from: folder.path) == nil)
    }

    @Test func readsHeadBranchesTagsAndRevisionsOfAGitMadeRepository() throws {
        let folder = try gitMadeRepository()
        let repo = try Repository.open(at: folder.path)
        let head = try repo.head()
        let expectedHead = try git("rev-parse", "HEAD", in: folder.path)
        #expect(head == .branch(name: "main", commit: try #require(OID(hex: expectedHead))))
        #expect(try repo.branches().map(\.shortName) == ["feature", "main"])
        #expect(try repo.tags().map(\.name) == ["light", "v1"])
        for revision in ["HEAD~1", "HEAD^2", "feature", "v1", "light", "main~2"] {
            let expected = try git("rev-parse", "\(revision)^{commit}", in: folder.path)
            #expect(try repo.resolveCommit(revision).hex == expected, "\(revision)")
        }
        let short = String(expectedHead.prefix(7))
        #expect(try repo.resolveCommit(short).hex == expectedHead)
    }

    @Test func readsAMergeCommitWithBothParents() throws {
        let folder = try gitMadeRepository()
        let repo = try Repository.open(at: folder.path)
        let merge = try repo.commit(try repo.resolveCommit("HEAD"))
        #expect(merge.parents.count == 2)
        #expect(merge.summary == "merge feature")
        #expect(merge.author.name == "Ada Tester")
        #expect(merge.parents[1] == (try repo.resolveCommit("feature")))
    }

    @Test func readsPackedRefsAndPackFiles() throws {
        let folder = try gitMadeRepository()
        try git("gc", "-q", "--aggressive", in: folder.path)
        try git("pack-refs", "--all", in: folder.path)
        #expect(!FileManager.default.fileExists(atPath: folder.at(".git/refs/heads/main")))
        let repo = try Repository.open(at: folder.path)
        #expect(try repo.branches().count == 2)
        let file = try #require(try repo.file(at: "prompts/a.prompt.md", inCommit: try repo.resolveCommit("v1")))
        #expect(String(decoding: file.data, as: UTF8.self) == "two\n")
        let entries = try repo.entries(inTree: try repo.commit(try repo.resolveCommit("HEAD")).tree, recursive: true)
        #expect(entries.map(\.path) == ["prompts/a.prompt.md", "prompts/b/c.prompt.md"])
    }

    @Test func readsADetachedHead() throws {
        let folder = try gitMadeRepository()
        try git("checkout", "-q", "--detach", "v1", in: folder.path)
        let repo = try Repository.open(at: folder.path)
        #expect(try repo.head() == .detached(commit: try repo.resolveCommit("v1")))
    }

    @Test func readsARepositoryWithNoCommits() throws {
        let folder = TemporaryFolder()
        try git("init", "-q", "-b", "trunk", in: folder.path)
        let repo = try Repository.open(at: folder.path)
        #expect(try repo.head() == .unborn(name: "trunk"))
        #expect(try repo.branches().isEmpty)
        let error = #expect(throws: GitError.self) { try repo.resolveCommit("HEAD") }
        #expect(error?.code == .notFound)
    }

    @Test func readsAnUnbornBranchInARepositoryWithHistory() throws {
        let folder = try gitMadeRepository()
        try git("checkout", "-q", "--orphan", "fresh", in: folder.path)
        let repo = try Repository.open(at: folder.path)
        #expect(try repo.head() == .unborn(name: "fresh"))
    }

    @Test func unknownRevisionsAreNotFound() throws {
        let folder = try gitMadeRepository()
        let repo = try Repository.open(at: folder.path)
        let error = #expect(throws: GitError.self) { try repo.resolveCommit("no-such-branch") }
        #expect(error?.code == .notFound)
        #expect(error?.description.contains("no-such-branch") == true)
    }

    @Test func listsOtherReferences() throws {
        let folder = try gitMadeRepository()
        try git("update-ref", "refs/folio/labels/a/production", "HEAD~1", in: folder.path)
        let repo = try Repository.open(at: folder.path)
        let refs = try repo.references(matching: "refs/folio/*")
        #expect(refs.map(\.name) == ["refs/folio/labels/a/production"])
        #expect(refs.first?.target == (try repo.resolveCommit("HEAD~1")))
    }

    @Test func reportsWorkTreeStatus() throws {
        let folder = try gitMadeRepository()
        folder.write("prompts/a.prompt.md", "changed\n")
        folder.write("prompts/new.prompt.md", "new\n")
        folder.write("notes.txt", "x\n")
        try git("add", "notes.txt", in: folder.path)
        let repo = try Repository.open(at: folder.path)
        let status = Dictionary(uniqueKeysWithValues: try repo.status().map { ($0.path, $0) })
        #expect(status["prompts/a.prompt.md"]?.unstaged == .modified)
        #expect(status["prompts/new.prompt.md"]?.unstaged == .untracked)
        #expect(status["notes.txt"]?.staged == .added)
        #expect(try repo.status(paths: ["prompts"]).count == 2)
    }

    @Test func identityComesFromConfigWithEnvironmentOverrides() throws {
        let folder = TemporaryFolder()
        try git("init", "-q", in: folder.path)
        try git("config", "user.name", "Config Name", in: folder.path)
        try git("config", "user.email", "config@example.com", in: folder.path)
        let repo = try Repository.open(at: folder.path)
        let fromConfig = try repo.identity(environment: [:])
        #expect(fromConfig.author.name == "Config Name")
        #expect(fromConfig.committer.email == "config@example.com")
        let overridden = try repo.identity(environment: [
            "GIT_AUTHOR_NAME": "Env Author", "GIT_COMMITTER_EMAIL": "committer@example.com",
            "GIT_AUTHOR_DATE": "@1700000000 +0200", "GIT_COMMITTER_DATE": "2024-05-01T10:00:00-05:00",
        ])
        #expect(overridden.author.name == "Env Author")
        #expect(overridden.author.email == "config@example.com")
        #expect(overridden.author.date == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(overridden.author.offsetMinutes == 120)
        #expect(overridden.committer.email == "committer@example.com")
        #expect(overridden.committer.offsetMinutes == -300)
        #expect(overridden.committer.date == Date(timeIntervalSince1970: 1_714_575_600))
    }

    @Test func aBadDateInTheEnvironmentIsAClearError() throws {
        let folder = TemporaryFolder()
        let repo = try Repository.create(at: folder.path, initialBranch: "main")
        let error = #expect(throws: GitError.self) {
            try repo.identity(environment: ["GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "b", "GIT_AUTHOR_DATE": "yesterday"])
        }
        #expect(error?.description.contains("GIT_AUTHOR_DATE") == true)
    }
}

@Suite struct TreeComparisonTests {
    @Test func changedFilesAgreesWithGitDiff() throws {
        let folder = TemporaryFolder("diff")
        let p = folder.path
        try git("init", "-q", "-b", "main", in: p)
        for path in ["prompts/a.prompt.md", "prompts/x/b.prompt.md", "prompts/x/y/c.prompt.md", "prompts/gone/d.prompt.md",
                     "prompts/swap.prompt.md", "other/e.txt"] {
            folder.write(path, "\(path)\n")
        }
        try git("add", ".", in: p)
        try git("commit", "-qm", "one", in: p)
        folder.write("prompts/a.prompt.md", "changed\n")
        folder.write("prompts/x/y/new.prompt.md", "new\n")
        try FileManager.default.removeItem(atPath: folder.at("prompts/gone"))
        try FileManager.default.removeItem(atPath: folder.at("prompts/swap.prompt.md"))
        folder.write("prompts/swap.prompt.md/inside.prompt.md", "a folder now\n")
        folder.write("other/e.txt", "outside the prefix\n")
        try git("add", "-A", ".", in: p)
        try git("commit", "-qm", "two", in: p)
        let repo = try Repository.open(at: p)
        let old = try repo.commit(try repo.resolveCommit("HEAD~1")).tree
        let new = try repo.commit(try repo.resolveCommit("HEAD")).tree
        let ours = try repo.changedFiles(from: old, to: new, under: "prompts").map { delta -> String in
            let letter = delta.status == .added ? "A" : delta.status == .deleted ? "D" : "M"
            return "\(letter)\t\(delta.newPath ?? delta.oldPath!)"
        }.sorted()
        let theirs = try git("diff", "--name-status", "--no-renames", "HEAD~1", "HEAD", "--", "prompts", in: p)
            .split(separator: "\n").map(String.init).sorted()
        #expect(ours == theirs)
        #expect(ours.count == 5)
        #expect(try repo.changedFiles(from: nil, to: new, under: "prompts").count == 5)
        #expect(try repo.changedFiles(from: new, to: new).isEmpty)
    }
}
