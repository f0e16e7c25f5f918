import Foundation
import Testing
import TestSupport
@testable import Git

/// The direct index reader must agree with git on every index git writes, and decline what it does not handle.
@Suite struct IndexFileTests {
    /// A repository with nested folders and a commit, then a mix of staged changes of every kind.
    func stagedRepository(indexVersion: Int) throws -> TemporaryFolder {
        let folder = TemporaryFolder("index-v\(indexVersion)")
        let p = folder.path
        try git("init", "-q", "-b", "main", in: p)
        for area in ["alpha", "beta", "gamma"] {
            for topic in ["one", "two"] {
                for n in 0..<4 { folder.write("prompts/\(area)/\(topic)/p\(n).prompt.md", "\(area) \(topic) \(n)\n") }
            }
        }
        folder.write("prompts/top.prompt.md", "top\n")
        // Names that sort around the folder `alpha` (git orders it as `alpha/`): '-' and '.' before, '0' after.
        for name in ["alpha-extra", "alpha", "alpha0"] { folder.write("prompts/\(name).prompt.md", "\(name)\n") }
        folder.write("prompts/héllo wörld.prompt.md", "unicode\n")
        folder.write("README.md", "readme\n")
        try git("add", ".", in: p)
        try git("commit", "-qm", "base", in: p)
        try git("update-index", "--index-version", "\(indexVersion)", in: p)
        // Staged: a deep edit, a new file in an existing folder, a new folder, a deletion, a mode change,
        // an edit outside prompts/, and an intent-to-add file (which a commit does not include).
        folder.write("prompts/beta/two/p2.prompt.md", "changed\n")
        folder.write("prompts/alpha/one/new.prompt.md", "new\n")
        folder.write("prompts/delta/fresh.prompt.md", "fresh\n")
        folder.write("prompts/alpha0.prompt.md", "alpha0, edited\n")
        folder.write("prompts/alpha-extra.prompt.md", "alpha-extra, edited\n")
        try git("rm", "-q", "prompts/gamma/one/p0.prompt.md", in: p)
        try git("update-index", "--chmod=+x", "prompts/gamma/two/p1.prompt.md", in: p)
        folder.write("README.md", "readme, edited\n")
        folder.write("prompts/later.prompt.md", "later\n")
        try git("add", "prompts/beta", "prompts/alpha", "prompts/delta", "prompts/alpha0.prompt.md", "prompts/alpha-extra.prompt.md", "README.md", in: p)
        // (An intent-to-add entry needs the extended flags of version 3, so git would rewrite a version 2 index.)
        if indexVersion > 2 { try git("add", "-N", "prompts/later.prompt.md", in: p) }
        // An unstaged edit must not show.
        folder.write("prompts/top.prompt.md", "not staged\n")
        return folder
    }

    /// What `git diff --cached` says was added, modified or changed type, below `folder`.
    func gitStaged(in p: String, under folder: String = ".") throws -> [String] {
        let output = try git("-c", "core.quotepath=off", "diff", "--cached", "--name-only", "--diff-filter=AMT", "--", folder, in: p)
        return output.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    func headTree(_ repo: Repository) throws -> OID? {
        try repo.head().commit.map { try repo.commit($0).tree }
    }

    @Test(arguments: [2, 3, 4])
    func agreesWithGitOnStagedChangesAndEntries(indexVersion: Int) throws {
        let folder = try stagedRepository(indexVersion: indexVersion)
        let repo = try Repository.open(at: folder.path)
        let index = try (IndexFile.read(folder.at(".git/index")))
        let header = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder.at(".git/index"))).prefix(8))
        #expect(header[7] == UInt8(indexVersion), "git wrote the index version under test")

        let all = try repo.stagedChanges(index, against: try headTree(repo), under: "").map(\.path)
        #expect(all == (try gitStaged(in: folder.path)).filter { $0 != "prompts/later.prompt.md" })
        let prompts = try repo.stagedChanges(index, against: try headTree(repo), under: "prompts").map(\.path)
        #expect(prompts == ["prompts/alpha-extra.prompt.md", "prompts/alpha/one/new.prompt.md", "prompts/alpha0.prompt.md", "prompts/beta/two/p2.prompt.md",
                            "prompts/delta/fresh.prompt.md", "prompts/gamma/two/p1.prompt.md"])

        // Every entry git lists (path, mode, blob) is found; intent-to-add and removed files are not.
        let listed = try git("-c", "core.quotepath=off", "ls-files", "-s", in: folder.path).split(separator: "\n")
        var committable = 0
        for line in listed {
            let parts = line.split(separator: "\t", maxSplits: 1)
            let fields = parts[0].split(separator: " ")
            let path = String(parts[1])
            if path == "prompts/later.prompt.md" {
                #expect(index.entry(at: path) == nil, "intent-to-add is not staged content")
                continue
            }
            committable += 1
            let entry = try #require(index.entry(at: path), "\(path)")
            #expect(entry.oid.hex == String(fields[1]))
            #expect(String(entry.mode, radix: 8) == String(fields[0]))
        }
        #expect(index.count == committable)
        #expect(index.entry(at: "prompts/gamma/one/p0.prompt.md") == nil)
        #expect(index.entry(at: "prompts/alpha") == nil)
    }

    @Test func everyFolderIsComparedWhenTheCacheTreeIsMissingOrStale() throws {
        let folder = try stagedRepository(indexVersion: 2)
        let repo = try Repository.open(at: folder.path)
        // The same index without its TREE extension (the reader does not check the trailing checksum).
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder.at(".git/index"))))
        let tree = Array("TREE".utf8)
        let start = try #require((0...(bytes.count - 4)).last { Array(bytes[$0..<$0 + 4]) == tree })
        let size = bytes[(start + 4)..<(start + 8)].reduce(0) { $0 << 8 | Int($1) }
        bytes.removeSubrange(start..<(start + 8 + size))
        let stripped = folder.at("stripped-index")
        try Data(bytes).write(to: URL(fileURLWithPath: stripped))
        let index = try (IndexFile.read(stripped))
        #expect(index.cachedRoot == nil)
        let expected = try gitStaged(in: folder.path, under: "prompts").filter { $0 != "prompts/later.prompt.md" }
        #expect(try repo.stagedChanges(index, against: try headTree(repo), under: "prompts").map(\.path) == expected)

        // Against an older tree than the cache tree records, nothing is skipped wrongly either.
        try git("commit", "-qm", "second", in: folder.path)
        folder.write("prompts/alpha/two/p3.prompt.md", "again\n")
        try git("add", "prompts/alpha/two/p3.prompt.md", in: folder.path)
        let fresh = try (IndexFile.read(folder.at(".git/index")))
        let first = try repo.resolveCommit("HEAD~1")
        let changes = try repo.stagedChanges(fresh, against: try repo.commit(first).tree, under: "prompts").map(\.path)
        let viaGit = try git("-c", "core.quotepath=off", "diff", "--cached", "--name-only", "--diff-filter=AMT", "HEAD~1", "--", "prompts",
                             in: folder.path).split(separator: "\n").map(String.init)
        #expect(changes == viaGit)
    }

    @Test func anUnbornBranchStagesEverything() throws {
        let folder = TemporaryFolder("index-unborn")
        try git("init", "-q", "-b", "main", in: folder.path)
        folder.write("prompts/a.prompt.md", "a\n")
        folder.write("prompts/b/c.prompt.md", "c\n")
        try git("add", ".", in: folder.path)
        let repo = try Repository.open(at: folder.path)
        let index = try (IndexFile.read(folder.at(".git/index")))
        #expect(try repo.stagedChanges(index, against: nil, under: "prompts").map(\.path) == ["prompts/a.prompt.md", "prompts/b/c.prompt.md"])
        // No index file yet: an empty index.
        let empty = try (IndexFile.read(folder.at(".git/no-such-index")))
        #expect(empty.count == 0)
    }

    @Test func conflictStagesAreNotCommittableEntries() throws {
        let folder = TemporaryFolder("index-conflict")
        let p = folder.path
        try git("init", "-q", "-b", "main", in: p)
        folder.write("prompts/a.prompt.md", "base\n")
        try git("add", ".", in: p)
        try git("commit", "-qm", "base", in: p)
        try git("checkout", "-qb", "other", in: p)
        folder.write("prompts/a.prompt.md", "other\n")
        try git("commit", "-qam", "other", in: p)
        try git("checkout", "-q", "main", in: p)
        folder.write("prompts/a.prompt.md", "main\n")
        try git("commit", "-qam", "main", in: p)
        _ = try? git("merge", "-q", "other", in: p)
        #expect(try git("ls-files", "-u", in: p).split(separator: "\n").count == 3)
        let index = try (IndexFile.read(folder.at(".git/index")))
        #expect(index.entry(at: "prompts/a.prompt.md") == nil)
    }

    @Test func declinesASplitIndexAndADamagedFile() throws {
        let folder = try stagedRepository(indexVersion: 2)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: folder.at(".git/index")))
        for cut in [0, 11, 40, bytes.count / 2, bytes.count - 21] {
            let damaged = folder.at("damaged-\(cut)")
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: damaged))
            #expect(throws: IndexFile.Declined.self, "cut at \(cut) of \(bytes.count)") { try IndexFile.read(damaged) }
        }
        try Data("not an index at all, but long enough to have a header".utf8).write(to: URL(fileURLWithPath: folder.at("junk")))
        #expect(throws: IndexFile.Declined.self) { try IndexFile.read(folder.at("junk")) }

        try git("update-index", "--split-index", in: folder.path)
        let declined = #expect(throws: IndexFile.Declined.self) { try IndexFile.read(folder.at(".git/index")) }
        #expect(declined?.description.contains("git update-index --no-split-index") == true)
    }
}
