import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// Collects notices FolioKit gives (automatic rebuilds).
final class Notices: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ text: String) { lock.withLock { items.append(text) } }
    var all: [String] { lock.withLock { items } }
}

@Suite struct SearchTests {
    let folder: TemporaryFolder
    let library: Library

    init() throws {
        (folder, library) = try makeLibrary()
        try library.addFile("review/security", """
            ---
            title: Security review
            description: Find exploitable weaknesses in a change.
            tags: [review, security]
            category: review
            owners: ["@appsec"]
            ---
            Look for injection and broken access control. Report error handling gaps.
            """)
        try library.addFile("review/code", """
            ---
            title: Code review
            description: A careful review of a change, security included.
            tags: [review]
            category: review
            status: draft
            ---
            Review the change. Security review matters, security review matters, security review matters.
            """)
        try library.addFile("writing/commit", """
            ---
            title: Commit message
            tags: [git, writing]
            category: writing
            ---
            Write a commit message. Mention error handling changes.
            """)
        try library.addFile("ops/deploy", "---\ntitle: Deploy checklist\ntags: [ops]\nstatus: deprecated\n---\nRoll out revisions safely.\n")
    }

    func ids(_ query: SearchQuery) throws -> [String] {
        try library.index().search(query).map(\.entry.id)
    }

    @Test func anExactTitleMatchRanksFirst() throws {
        // review/code says "security review" three times in its body; the prompt titled so still comes first.
        #expect(try ids(SearchQuery(text: "security review")).first == "review/security")
        #expect(try ids(SearchQuery(text: "Code review")).first == "review/code")
    }

    @Test func idAndTitleCountMoreThanTheBody() throws {
        // "commit" is the title of writing/commit and only in no other body.
        #expect(try ids(SearchQuery(text: "commit")) == ["writing/commit"])
        #expect(try ids(SearchQuery(text: "deploy")).first == "ops/deploy")
    }

    @Test func prefixAndPhraseQueries() throws {
        #expect(Set(try ids(SearchQuery(text: "revi*"))) == ["review/security", "review/code", "ops/deploy"])
        #expect(Set(try ids(SearchQuery(text: "\"error handling\""))) == ["review/security", "writing/commit"])
        #expect(try ids(SearchQuery(text: "title:commit")) == ["writing/commit"])
        #expect(!(try ids(SearchQuery(text: "review -injection")).contains("review/security")))
        #expect(Set(try ids(SearchQuery(text: "deploy OR commit"))) == ["ops/deploy", "writing/commit"])
    }

    @Test func snippetsMarkTheMatches() throws {
        let hit = try #require(try library.index().search(SearchQuery(text: "injection")).first)
        #expect(hit.snippet?.contains("\u{1}injection\u{2}") == true)
        #expect(hit.score > 0)
    }

    @Test func filtersWorkWithAndWithoutWords() throws {
        #expect(try ids(SearchQuery(tags: ["review"])) == ["review/code", "review/security"])
        #expect(try ids(SearchQuery(tags: ["review", "security"])) == ["review/security"])
        #expect(try ids(SearchQuery(category: "writing")) == ["writing/commit"])
        #expect(try ids(SearchQuery(status: .draft)) == ["review/code"])
        #expect(try ids(SearchQuery(status: .active)) == ["review/security", "writing/commit"])
        #expect(try ids(SearchQuery(owner: "@appsec")) == ["review/security"])
        #expect(try ids(SearchQuery(author: "ada@EXAMPLE")).count == 4)
        #expect(try ids(SearchQuery(author: "nobody")) == [])
        #expect(try ids(SearchQuery(text: "review", status: .draft)) == ["review/code"])
        #expect(try ids(SearchQuery(limit: 2)).count == 2)
    }

    @Test(arguments: ["\"unclosed", "AND", "NOT security", "*", "title:", "review AND", "(((", "'; DROP TABLE prompts; --",
                      "a\"b", "NEAR(review security)", "-", "\\", "%_%", "security:review", "^title"])
    func anyInputIsSafe(_ text: String) throws {
        _ = try library.index().search(SearchQuery(text: text))
        // The index is intact afterwards.
        #expect(try ids(SearchQuery(text: "security review")).first == "review/security")
        #expect(try library.index().entries().count == 4)
    }

    @Test func invalidFTSSyntaxIsSearchedAsPlainWords() throws {
        #expect(try ids(SearchQuery(text: "NOT injection")).contains("review/security"))
        #expect(try ids(SearchQuery(text: "\"error handling")).count == 2)
    }

    @Test func entriesCarryTheLastChange() throws {
        let entry = try #require(try library.index().entries().first { $0.id == "review/security" })
        #expect(entry.lastAuthor == "Ada Tester")
        #expect(entry.lastEmail == "ada@example.com")
        #expect(entry.lastCommit == (try git("log", "-1", "--format=%H", "--", "prompts/review/security.prompt.md", in: folder.path)))
        #expect(entry.lastDate == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(!entry.modified)
        #expect(entry.tags == ["review", "security"])
    }
}

@Suite struct IncrementalIndexTests {
    let folder: TemporaryFolder
    let library: Library

    init() throws {
        (folder, library) = try makeLibrary()
        try library.addFile("a", "---\ntitle: Alpha\n---\nalpha body\n")
        try library.addFile("b/c", "---\ntitle: Gamma\n---\ngamma body\n")
    }

    func titles() throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try library.index().entries().map { ($0.id, $0.title ?? "") })
    }

    /// The index agrees with the files and HEAD.
    func expectInSync(_ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let drift = try library.index().verify()
        #expect(drift.isEmpty, "\(drift)", sourceLocation: sourceLocation)
    }

    @Test func followsCommitsMadeByFolio() throws {
        _ = try library.index().refresh()
        try library.addFile("d", "---\ntitle: Delta\n---\nd\n")
        _ = try library.edit(id("a"), set: [("title", "Alpha two")])
        _ = try library.move(id("b/c"), to: id("e/c"))
        #expect(try titles() == ["a": "Alpha two", "d": "Delta", "e/c": "Gamma"])
        _ = try library.remove(id("d"))
        #expect(try titles() == ["a": "Alpha two", "e/c": "Gamma"])
        try expectInSync()
    }

    @Test func followsCommitsAndCheckoutsMadeByGitBehindFoliosBack() throws {
        let p = folder.path
        _ = try library.index().refresh()
        folder.write("prompts/new.prompt.md", "---\ntitle: New\n---\nnew\n")
        folder.write("prompts/a.prompt.md", "---\ntitle: Alpha by git\n---\nalpha\n")
        try git("add", ".", in: p)
        try git("commit", "-qm", "by git", in: p)
        try git("mv", "prompts/b/c.prompt.md", "prompts/b/renamed.prompt.md", in: p)
        try git("commit", "-qm", "rename", in: p)
        #expect(try titles() == ["a": "Alpha by git", "new": "New", "b/renamed": "Gamma"])
        let entry = try #require(try library.index().entries().first { $0.id == "b/renamed" })
        #expect(entry.lastCommit == (try git("rev-parse", "HEAD", in: p)))

        try git("checkout", "-qb", "other", "HEAD~2", in: p)
        #expect(try titles() == ["a": "Alpha", "b/c": "Gamma"])
        try git("checkout", "-q", "main", in: p)
        #expect(try titles() == ["a": "Alpha by git", "new": "New", "b/renamed": "Gamma"])
        try git("reset", "-q", "--hard", "HEAD~1", in: p)
        #expect(try titles() == ["a": "Alpha by git", "new": "New", "b/c": "Gamma"])
        try expectInSync()
    }

    @Test func followsTheWorkTreeAddModifyRenameDelete() throws {
        _ = try library.index().refresh()
        folder.write("prompts/untracked.prompt.md", "---\ntitle: Untracked\n---\nu\n")
        // An edit in place (no rename, the folder's time does not change).
        let handle = try FileHandle(forWritingTo: folder.url.appendingPathComponent("prompts/a.prompt.md"))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data("---\ntitle: Alpha edited in place\n---\nbody\n".utf8))
        try handle.close()
        try FileManager.default.moveItem(atPath: folder.at("prompts/b/c.prompt.md"), toPath: folder.at("prompts/b/moved.prompt.md"))
        #expect(try titles() == ["a": "Alpha edited in place", "untracked": "Untracked", "b/moved": "Gamma"])
        let modified = try library.index().entries().filter(\.modified).map(\.id).sorted()
        #expect(modified == ["a", "b/moved", "untracked"])
        try FileManager.default.removeItem(atPath: folder.at("prompts/untracked.prompt.md"))
        #expect(try titles() == ["a": "Alpha edited in place", "b/moved": "Gamma"])
        try expectInSync()
    }

    @Test func inALargeLibraryFoldersStagingAndKnownEditsAreWatched() throws {
        let index = try library.index()
        index.fullCheckLimit = 0  // behave as above 10,000 prompts: no per-file check
        _ = try index.refresh()
        // Added, removed and atomically saved files change their folder's time.
        folder.write("prompts/b/new.prompt.md", "---\ntitle: New\n---\nn\n")
        folder.write("prompts/a.prompt.md", "---\ntitle: Alpha saved atomically\n---\na\n")
        #expect(try titles() == ["a": "Alpha saved atomically", "b/c": "Gamma", "b/new": "New"])
        #expect(try index.refresh().checkedEveryFile == false)
        // A file already known to differ from HEAD is watched even when edited in place.
        let handle = try FileHandle(forWritingTo: folder.url.appendingPathComponent("prompts/a.prompt.md"))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data("---\ntitle: Alpha again\n---\na\n".utf8))
        try handle.close()
        #expect(try titles()["a"] == "Alpha again")
        // A clean file edited in place is seen once it is staged...
        let clean = try FileHandle(forWritingTo: folder.url.appendingPathComponent("prompts/b/c.prompt.md"))
        try clean.truncate(atOffset: 0)
        try clean.write(contentsOf: Data("---\ntitle: Gamma staged\n---\ng\n".utf8))
        try clean.close()
        try git("add", "prompts/b/c.prompt.md", in: folder.path)
        #expect(try titles()["b/c"] == "Gamma staged")
        try expectInSync()
    }

    @Test func aFullRefreshSeesAnInPlaceEditOfACleanFileInALargeLibrary() throws {
        let index = try library.index()
        index.fullCheckLimit = 0
        _ = try index.refresh()
        let clean = try FileHandle(forWritingTo: folder.url.appendingPathComponent("prompts/b/c.prompt.md"))
        try clean.truncate(atOffset: 0)
        try clean.write(contentsOf: Data("---\ntitle: Gamma unseen\n---\ng\n".utf8))
        try clean.close()
        // verify reports what the folder-based check could not see; a full refresh fixes it.
        #expect(try index.verify() == [PromptIndex.Drift(path: "prompts/b/c.prompt.md", kind: .stale)])
        let report = try index.refresh(full: true)
        #expect(report.updated == 1)
        #expect(try titles()["b/c"] == "Gamma unseen")
    }

    @Test func nothingChangedMeansNothingIsRead() throws {
        _ = try library.index().refresh()
        let report = try library.index().refresh()
        #expect(!report.changed)
    }

    @Test func brokenFilesAreIndexedWithTheirError() throws {
        folder.write("prompts/broken.prompt.md", "---\ntitle: [oops\n---\n")
        let entry = try #require(try library.index().entries().first { $0.id == "broken" })
        #expect(entry.status == "invalid")
        #expect(entry.error?.hasPrefix("prompts/broken.prompt.md:3:1: error:") == true)
        folder.write("prompts/broken.prompt.md", "---\ntitle: Fixed\n---\n")
        #expect(try titles()["broken"] == "Fixed")
    }
}

@Suite struct IndexRecoveryTests {
    func library(notices: Notices) throws -> (TemporaryFolder, Library) {
        let folder = TemporaryFolder("library")
        _ = try Library.initialize(at: folder.path, withTemplates: true, environment: environment(folder.path))
        var env = environment(folder.path)
        env.notify = { notices.add($0) }
        return (folder, try Library.open(explicitPath: nil, environment: env))
    }

    /// A new process: a new Library over the same folder.
    func reopen(_ folder: TemporaryFolder, notices: Notices) throws -> Library {
        var env = environment(folder.path)
        env.notify = { notices.add($0) }
        return try Library.open(explicitPath: nil, environment: env)
    }

    @Test func theIndexLivesInTheGitDirectoryAndIsNeverCommitted() throws {
        let notices = Notices()
        let (folder, library) = try library(notices: notices)
        let index = try library.index()
        _ = try index.refresh()
        #expect(index.path == folder.at(".git/folio/index.sqlite"))
        #expect(FileManager.default.fileExists(atPath: index.path))
        #expect(try git("status", "--porcelain", in: folder.path) == "")
        #expect(notices.all.isEmpty)
    }

    @Test(arguments: ["deleted", "truncated", "garbage"])
    func aDamagedIndexIsRebuiltWithANotice(_ damage: String) throws {
        let notices = Notices()
        let (folder, library) = try library(notices: notices)
        let path = try library.index().path
        #expect(try library.index().search(SearchQuery(text: "security")).first?.entry.id == "security-review")
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        switch damage {
        case "deleted":
            try FileManager.default.removeItem(atPath: path)
        case "truncated":
            let size = try #require((try FileManager.default.attributesOfItem(atPath: path))[.size] as? NSNumber).intValue
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.truncate(atOffset: UInt64(size / 3))
            try handle.close()
        default:
            try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: path))
        }
        let again = try reopen(folder, notices: notices)
        #expect(try again.index().search(SearchQuery(text: "security")).first?.entry.id == "security-review")
        #expect(try again.index().entries().count == StarterTemplate.all.count)
        #expect(notices.all.count == 1, "\(notices.all)")
        #expect(notices.all.first?.contains("rebuilding it") == true)
    }

    @Test func aRebuildKeepsEveryEvent() throws {
        let notices = Notices()
        let (folder, library) = try library(notices: notices)
        defer { withExtendedLifetime(folder) {} }
        for _ in 0..<5 { try library.record(.use, prompt: id("code-review"), source: "test") }
        try library.index().rebuild()
        try FileManager.default.removeItem(atPath: try library.index().path)
        _ = try library.index().refresh()
        #expect(try library.events().count() == 5)
    }
}

@Suite struct EventTests {
    @Test func eventsRecordTheVersionSourceAndUser() throws {
        let (folder, library) = try makeLibrary(templates: true)
        let event = try library.record(.render, prompt: id("code-review"), source: "claude-code")
        #expect(event.blob == (try git("rev-parse", "HEAD:prompts/code-review.prompt.md", in: folder.path)))
        #expect(event.commit == (try git("rev-parse", "HEAD", in: folder.path)))
        #expect(event.user == "Ada Tester <ada@example.com>")
        #expect(event.source == "claude-code")
        #expect(try library.events().event(id: event.id) == event)
        #expect(try library.events().event(id: String(event.id.prefix(8))) == event)
        #expect(FileManager.default.fileExists(atPath: folder.at(".git/folio/events.sqlite")))
    }

    @Test func eightWritersAtOnceLoseNoEvent() throws {
        let (folder, library) = try makeLibrary(templates: true)
        let path = try library.events().path
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            // Each writer opens its own connection, as separate processes do.
            let store = try! EventStore(path: path)
            for n in 0..<25 {
                try! store.record(Event(kind: .use, prompt: "code-review", source: "w\(worker)", user: "u", time: Date(timeIntervalSince1970: Double(n))))
            }
        }
        #expect(try library.events().count() == 200)
        withExtendedLifetime(folder) {}
    }

    @Test func aLineCutShortByACrashIsSkippedAndTheRestKept() throws {
        let (folder, library) = try makeLibrary(templates: true)
        defer { withExtendedLifetime(folder) {} }
        let store = try library.events()
        try library.record(.use, prompt: id("bug-fix"), source: "a")
        // A process killed in the middle of a write leaves half a line.
        let handle = try #require(FileHandle(forWritingAtPath: store.journalPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"id\":\"half".utf8))
        try handle.close()
        #expect(try store.count() == 1)
        try library.record(.use, prompt: id("bug-fix"), source: "b")
        #expect(try store.count() == 2)
        #expect(try store.events().map(\.source) == ["a", "b"])
    }

    @Test func movingTheJournalIntoTheDatabaseTwiceAddsNothing() throws {
        let (folder, library) = try makeLibrary(templates: true)
        defer { withExtendedLifetime(folder) {} }
        let store = try library.events()
        for _ in 0..<3 { try library.record(.render, prompt: id("code-review"), source: "cli") }
        let journal = try #require(FileManager.default.contents(atPath: store.journalPath))
        #expect(try store.count() == 3)
        // A crash after the database took the events but before the journal was emptied.
        try journal.write(to: URL(fileURLWithPath: store.journalPath))
        #expect(try EventStore(path: store.path).count() == 3)
        #expect(FileManager.default.contents(atPath: store.journalPath)?.isEmpty == true)
    }

    @Test func feedbackRatesAnEarlierEvent() throws {
        let (folder, library) = try makeLibrary(templates: true)
        defer { withExtendedLifetime(folder) {} }
        let use = try library.record(.use, prompt: id("bug-fix"), source: "cli")
        let feedback = try library.recordFeedback(on: use.id, score: 4, success: true, note: "good", source: "cli").event
        #expect(feedback.ref == use.id)
        #expect(feedback.blob == use.blob)
        let unknown = #expect(throws: FolioError.self) { try library.recordFeedback(on: "nope", score: 3, source: "cli") }
        #expect(unknown?.kind == .notFound)
        let range = #expect(throws: FolioError.self) { try library.recordFeedback(on: use.id, score: 9, source: "cli") }
        #expect(range?.message.contains("1 to 5") == true)
        #expect(try library.events().count() == 2)
    }
}

@Suite struct IndexInACodeRepositoryTests {
    @Test func aLibraryInASubfolderIsIndexedWithItsOwnSidecar() throws {
        let repo = TemporaryFolder("code")
        let p = repo.path
        try git("init", "-q", "-b", "main", in: p)
        repo.write("src/prompts/not-a-library.prompt.md", "---\ntitle: Outside\n---\nx\n")
        try git("add", ".", in: p)
        try git("commit", "-qm", "code", in: p)
        _ = try Library.initialize(at: repo.at("tools/prompts"), withTemplates: false, environment: environment(p))
        let library = try Library.open(explicitPath: nil, environment: environment(p))
        try library.addFile("ops/deploy", "---\ntitle: Deploy\n---\nroll out safely\n")
        repo.write("tools/prompts/prompts/ops/rollback.prompt.md", "---\ntitle: Rollback\n---\nroll back safely\n")
        try git("add", ".", in: p)
        try git("commit", "-qm", "rollback by git", in: p)

        let index = try library.index()
        #expect(index.path == repo.at(".git/folio/libraries/tools/prompts/index.sqlite"))
        #expect(try index.search(SearchQuery(text: "safely")).map(\.entry.id).sorted() == ["ops/deploy", "ops/rollback"])
        #expect(try index.entries().map(\.id) == ["ops/deploy", "ops/rollback"])  // nothing from src/
        let rollback = try #require(try index.entries().last)
        #expect(rollback.lastCommit == (try git("rev-parse", "HEAD", in: p)))
        #expect(!rollback.modified)
        #expect(try index.verify().isEmpty)
        try library.record(.use, prompt: id("ops/deploy"), source: "cli")
        #expect(FileManager.default.fileExists(atPath: repo.at(".git/folio/libraries/tools/prompts/events.journal")))
        #expect(try git("status", "--porcelain", in: p) == "")
    }
}
