import Foundation
import Testing
import TestSupport
@testable import Git

@Suite struct CommittingTests {
    @Test func firstCommitInANewRepositoryIsReadByGit() throws {
        let folder = TemporaryFolder()
        let repo = try Repository.create(at: folder.path, initialBranch: "main")
        #expect(try repo.head() == .unborn(name: "main"))
        let commit = try repo.commitOnHead(
            [.write("folio.yaml", Data("version: 1\n".utf8)), .write("prompts/a/b.prompt.md", Data("hi\n".utf8))],
            message: "folio: init", identity: ada)
        #expect(try repo.head() == .branch(name: "main", commit: commit))
        #expect(try git("log", "--format=%H %an <%ae> %s", in: folder.path) == "\(commit.hex) Ada Tester <ada@example.com> folio: init")
        #expect(try git("status", "--porcelain", in: folder.path) == "")
        #expect(try git("show", "HEAD:prompts/a/b.prompt.md", in: folder.path) == "hi")
        try git("fsck", "--strict", in: folder.path)
        #expect(try git("reflog", "-1", "--format=%gs", in: folder.path) == "commit (initial): folio: init")
    }

    @Test func commitOnHeadLeavesOtherStagedAndUnstagedWorkAlone() throws {
        let folder = try gitMadeRepository()
        let p = folder.path
        folder.write("staged.txt", "staged\n")
        try git("add", "staged.txt", in: p)
        folder.write("prompts/b/c.prompt.md", "unstaged edit\n")
        let repo = try Repository.open(at: p)
        try repo.commitOnHead([.write("prompts/new.prompt.md", Data("new\n".utf8))], message: "folio: add new", identity: ada)
        #expect(try git("show", "--name-only", "--format=", "HEAD", in: p) == "prompts/new.prompt.md")
        #expect(try git("diff", "--cached", "--name-only", in: p) == "staged.txt")
        #expect(try git("diff", "--name-only", in: p) == "prompts/b/c.prompt.md")
        try git("fsck", in: p)
    }

    @Test func deletingTheLastFileOfAFolderRemovesTheFolder() throws {
        let folder = try gitMadeRepository()
        let repo = try Repository.open(at: folder.path)
        try repo.commitOnHead([.delete("prompts/b/c.prompt.md")], message: "folio: rm b/c", identity: ada)
        #expect(!folder.exists("prompts/b"))
        #expect(try git("ls-tree", "-r", "--name-only", "HEAD", in: folder.path) == "prompts/a.prompt.md")
        #expect(try git("status", "--porcelain", in: folder.path) == "")
        try git("fsck", "--strict", in: folder.path)
    }

    @Test func commitsOnAnotherBranchWithoutTouchingTheWorkTreeOrIndex() throws {
        let folder = try gitMadeRepository()
        let p = folder.path
        let repo = try Repository.open(at: p)
        let headBefore = try repo.head()
        let indexBefore = try Data(contentsOf: URL(fileURLWithPath: folder.at(".git/index")))
        let commit = try repo.commit([.write("prompts/a.prompt.md", Data("variant\n".utf8))], onBranch: "feature",
                                     message: "folio: edit a (variant feature)", identity: ada)
        #expect(try repo.head() == headBefore)
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.at(".git/index"))) == indexBefore)
        #expect(folder.read("prompts/a.prompt.md") == "three\n")
        #expect(try git("status", "--porcelain", in: p) == "")
        #expect(try git("rev-parse", "feature", in: p) == commit.hex)
        #expect(try git("show", "feature:prompts/a.prompt.md", in: p) == "variant")
        #expect(try git("show", "feature:prompts/b/c.prompt.md", in: p) == "feature")
        try git("fsck", "--strict", in: p)
    }

    @Test func commitOnTheCheckedOutBranchByNameUpdatesTheWorkTree() throws {
        let folder = try gitMadeRepository()
        let repo = try Repository.open(at: folder.path)
        try repo.commit([.write("prompts/a.prompt.md", Data("four\n".utf8))], onBranch: "main", message: "m", identity: ada)
        #expect(folder.read("prompts/a.prompt.md") == "four\n")
        #expect(try git("status", "--porcelain", in: folder.path) == "")
    }

    @Test func commitsOnADetachedHead() throws {
        let folder = try gitMadeRepository()
        try git("checkout", "-q", "--detach", "HEAD~1", in: folder.path)
        let repo = try Repository.open(at: folder.path)
        let commit = try repo.commitOnHead([.write("x.txt", Data("x\n".utf8))], message: "detached", identity: ada)
        #expect(try repo.head() == .detached(commit: commit))
        #expect(try git("rev-parse", "HEAD", in: folder.path) == commit.hex)
    }

    @Test func aFailedWriteLeavesWorkTreeIndexAndBranchAsTheyWere() throws {
        let folder = try gitMadeRepository()
        let p = folder.path
        let repo = try Repository.open(at: p)
        let head = try repo.head()
        // The second change needs `prompts/a.prompt.md` to be a folder: it cannot be written.
        #expect(throws: (any Error).self) {
            try repo.commitOnHead([.write("prompts/b/c.prompt.md", Data("changed\n".utf8)),
                                   .write("prompts/a.prompt.md/x", Data("x\n".utf8))],
                                  message: "bad", identity: ada)
        }
        #expect(try repo.head() == head)
        #expect(folder.read("prompts/b/c.prompt.md") == "feature\n")
        #expect(try git("status", "--porcelain", in: p) == "")
    }

    @Test func aBranchThatMovedMeanwhileIsNotOverwritten() throws {
        let folder = try gitMadeRepository()
        let repo = try Repository.open(at: folder.path)
        let stale = try repo.resolveCommit("HEAD~1")
        let tip = try repo.resolveCommit("HEAD")
        let error = #expect(throws: GitError.self) {
            try repo.setReference("refs/heads/main", to: stale, expecting: .value(stale), message: "x")
        }
        #expect(error?.code == .modified)
        #expect(try repo.resolveCommit("main") == tip)
        let exists = #expect(throws: GitError.self) {
            try repo.setReference("refs/heads/main", to: stale, expecting: .absent, message: "x")
        }
        #expect(exists?.code == .modified)
    }

    @Test func refusesToCommitDuringAMerge() throws {
        let folder = try gitMadeRepository()
        let p = folder.path
        try git("checkout", "-qb", "other", "v1", in: p)
        folder.write("prompts/a.prompt.md", "other\n")
        try git("commit", "-qam", "other", in: p)
        #expect(throws: GitCommandFailed.self) { try git("merge", "-q", "main", in: p) }
        let repo = try Repository.open(at: p)
        let error = #expect(throws: GitError.self) {
            try repo.commitOnHead([.write("x.txt", Data("x".utf8))], message: "m", identity: ada)
        }
        #expect(error?.description.contains("merge is in progress") == true)
        #expect(!folder.exists("x.txt"))
    }

    @Test func writesBlobsTreesAndCommitsDirectly() throws {
        let folder = TemporaryFolder()
        let repo = try Repository.create(at: folder.path, initialBranch: "main")
        let blob = try repo.writeBlob(Data("content\n".utf8))
        #expect(try repo.blob(blob) == Data("content\n".utf8))
        let tree = try repo.writeTree(applying: [TreeChange(path: "a/b/c.txt", action: .upsert(blob: blob, mode: .regular))], to: nil)
        let commit = try repo.writeCommit(tree: tree, parents: [], identity: ada, message: "direct\n")
        try repo.setReference("refs/heads/side", to: commit, expecting: .absent, message: "create side")
        #expect(try git("show", "side:a/b/c.txt", in: folder.path) == "content")
        #expect(try git("cat-file", "-t", tree.hex, in: folder.path) == "tree")
        let removed = try repo.writeTree(applying: [TreeChange(path: "a/b/c.txt", action: .remove)], to: tree)
        #expect(try repo.entries(inTree: removed, recursive: true).isEmpty)
    }
}
