import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// Large prompts: a snippet's cost stays bounded, and files over the size limit are indexed as invalid.
@Suite struct LargePromptSearchTests {
    let folder: TemporaryFolder
    let library: Library

    init() throws {
        (folder, library) = try makeLibrary()
    }

    /// A prompt file in the work tree whose body repeats `sentence` `times` times.
    func write(_ id: String, _ sentence: String, times: Int, then tail: String = "") {
        folder.write("prompts/\(id).prompt.md", "---\ntitle: \(id)\n---\n" + String(repeating: sentence, count: times) + tail + "\n")
    }

    @Test func aSnippetReadsTheSameFewMatchesHoweverOftenTheWordOccurs() throws {
        // FTS5's own snippet() compares every match with every other: 0.9 MB saying "fox" 20,000 times took minutes.
        var work: [Int] = []
        for (id, times) in [("fox-small", 1_000), ("fox-large", 20_000)] {
            write(id, "The quick brown fox jumps over the lazy dog. ", times: times)
            let index = try library.index()
            let before = (index.snippetWork.positions, index.snippetWork.tokens)
            let hits = try index.search(SearchQuery(text: "fox", limit: 5)).filter { $0.entry.id == id }
            let snippet = try #require(hits.first?.snippet)
            #expect(snippet.hasPrefix("The quick brown \u{1}fox\u{2} jumps"))
            #expect(snippet.split(separator: " ").count <= Int(Snippet.words))
            work.append(index.snippetWork.positions - before.0 + index.snippetWork.tokens - before.1)
            try FileManager.default.removeItem(atPath: folder.at("prompts/\(id).prompt.md"))
        }
        // Twenty times the matches, the same work: a few dozen positions and the window's words.
        #expect(work[0] == work[1], "\(work)")
        #expect(work[1] <= 2 * (Snippet.anchors + Int(Snippet.words)) + Int(Snippet.words) + 1, "\(work)")
    }

    @Test func aSnippetReadsTheTextOnlyUpToItsWindow() throws {
        write("late", "dog ", times: 100_000, then: "fox")
        let index = try library.index()
        let snippet = try #require(try index.search(SearchQuery(text: "fox")).first?.snippet)
        #expect(snippet == "…" + String(repeating: "dog ", count: Int(Snippet.words) - 1) + "\u{1}fox\u{2}\n")
        // Each word before the match is tokenized once: linear in the text, whatever the matches.
        #expect(index.snippetWork.tokens <= 100_001)
        #expect(index.snippetWork.positions == 1)
    }

    @Test func phrasesAndSeveralWordsAreMarkedInOneWindow() throws {
        write("mixed", "Nothing here. ", times: 50, then: "Report error handling gaps and retries. Nothing more.")
        let snippet = try #require(try library.index().search(SearchQuery(text: "\"error handling\" retries")).first?.snippet)
        #expect(snippet.contains("Report \u{1}error handling\u{2} gaps and \u{1}retries\u{2}. Nothing more."))
        #expect(snippet.hasPrefix("…"))
    }

    @Test func aPromptOverTheSizeLimitIsIndexedAsInvalidWithLintsMessage() throws {
        let limit = LintFileKind.prompt.sizeLimit
        write("huge", "zanzibar quokka ", times: limit / 16 + 1_000)
        write("fits", "zanzibar ", times: 10)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: folder.at("prompts/huge.prompt.md"))[.size] as? NSNumber).intValue
        let problem = try #require(LintFileKind.prompt.sizeProblem(size))
        let entry = try #require(try library.list().first { $0.id == "huge" })
        #expect(entry.status == "invalid")
        #expect(entry.error == "prompts/huge.prompt.md:1:1: error: \(problem)")
        // Lint judges it with the same words.
        let finding = try #require(try library.lint(paths: ["prompts/huge.prompt.md"]).findings.first { $0.rule == "file-readable" })
        #expect(finding.message == problem)
        // Its body is not searched; the prompt that fits is.
        #expect(try library.index().search(SearchQuery(text: "zanzibar")).map(\.entry.id) == ["fits"])
        #expect(try library.index().search(SearchQuery(text: "quokka")).isEmpty)
    }
}

/// The index repairs itself, leaves no debris, and a command still works when its file cannot be written.
@Suite struct IndexSelfRepairTests {
    let folder: TemporaryFolder
    let notices = Notices()

    init() throws {
        folder = TemporaryFolder("library")
        _ = try Library.initialize(at: folder.path, withTemplates: true, environment: environment(folder.path))
    }

    /// A new process: a new Library over the same folder.
    func library() throws -> Library {
        var env = environment(folder.path)
        env.notify = { [notices] in notices.add($0) }
        return try Library.open(explicitPath: nil, environment: env)
    }

    var indexPath: String { folder.at(".git/folio/index.sqlite") }

    @Test func buildFilesOfKilledRebuildsAreRemovedAndALiveOneIsKept() throws {
        _ = try library().list()
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/true")
        try dead.run()
        dead.waitUntilExit()
        let ownPID = ProcessInfo.processInfo.processIdentifier
        let stale = indexPath + ".building-\(dead.processIdentifier)"
        let live = indexPath + ".building-\(ownPID)"
        let abandoned = indexPath + ".building-1"  // a live pid (init), but nothing wrote to it for two hours
        for file in [stale, live, abandoned] { try Data("partial".utf8).write(to: URL(fileURLWithPath: file)) }
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-7200)], ofItemAtPath: abandoned)

        #expect(try library().list().count == StarterTemplate.all.count)
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(!FileManager.default.fileExists(atPath: abandoned))
        #expect(FileManager.default.fileExists(atPath: live))
        #expect(notices.all.isEmpty)
    }

    /// A server holds several libraries over one folder in one process (`folio serve`'s pool, `folio mcp` and its
    /// change feed): building the index at the same time, neither may lose its build to the other's.
    @Test func twoLibrariesOfOneProcessBuildTheIndexAtTheSameTime() throws {
        // Enough prompts that the builds overlap.
        for n in 0..<400 {
            let file = folder.at("prompts/many/p\(n).prompt.md")
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try "---\ntitle: Prompt \(n)\n---\nReview the change, case \(n).\n".write(toFile: file, atomically: false, encoding: .utf8)
        }
        let expected = StarterTemplate.all.count + 400
        for _ in 0..<40 {
            try? FileManager.default.removeItem(atPath: indexPath)
            nonisolated(unsafe) let libraries = try (0..<8).map { _ in try library() }  // each used by one thread
            let failures = Notices()
            DispatchQueue.concurrentPerform(iterations: libraries.count) { index in
                do {
                    if try libraries[index].list().count != expected { failures.add("library \(index) listed too few") }
                } catch {
                    failures.add("library \(index): \(error)")
                }
            }
            #expect(failures.all.isEmpty, "\(failures.all)")
        }
    }

    @Test func anEmptyIndexFileIsRebuiltWithOneNote() throws {
        _ = try library().list()
        try Data().write(to: URL(fileURLWithPath: indexPath))
        #expect(try library().index().search(SearchQuery(text: "security")).first?.entry.id == "security-review")
        #expect(notices.all == ["the search index was empty; rebuilding it"])
    }

    @Test func aTableMissingFromTheIndexIsRebuilt() throws {
        _ = try library().list()
        try run("/usr/bin/env", ["python3", "-c", "import sqlite3; c = sqlite3.connect('\(indexPath)'); c.execute('DROP TABLE prompts'); c.commit()"])
        #expect(try library().list().count == StarterTemplate.all.count)
        #expect(notices.all == ["the search index was incomplete (no prompts table); rebuilding it"])
    }

    @Test(arguments: ["index is a folder", "sidecar folder is a file"])
    func anIndexThatCannotBeWrittenIsBuiltInMemoryWithANotice(_ obstacle: String) throws {
        if obstacle == "index is a folder" {
            try FileManager.default.createDirectory(atPath: indexPath + "/keep", withIntermediateDirectories: true)
        } else {
            try? FileManager.default.removeItem(atPath: folder.at(".git/folio"))
            try Data("not a folder".utf8).write(to: URL(fileURLWithPath: folder.at(".git/folio")))
        }
        let library = try library()
        #expect(try library.list().count == StarterTemplate.all.count)
        #expect(try library.index().search(SearchQuery(text: "security")).first?.entry.id == "security-review")
        #expect(notices.all.count == 1, "\(notices.all)")
        let notice = try #require(notices.all.first)
        #expect(notice.contains(obstacle == "index is a folder" ? "the search index at \(indexPath) is a folder" : "is a file, not a folder"))
        #expect(notice.contains("reading the files instead"))
        // Rebuilding by hand cannot succeed: an io error naming the fix.
        #expect(throws: FolioError.self) { try library.index().rebuild() }
        do { try library.index().rebuild() } catch let error as FolioError {
            #expect(error.kind == .io)
            #expect(error.message.contains(obstacle == "index is a folder" ? "delete it" : "move \(folder.at(".git/folio")) away"))
        }
    }

    @Test(.enabled(if: getuid() != 0, "root writes anywhere: only another user meets a folder it cannot write"))
    func anUnwritableSidecarFolderIsReportedWithTheChmodFix() throws {
        try FileManager.default.createDirectory(atPath: folder.at(".git/folio"), withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder.at(".git/folio"))
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.at(".git/folio")) }
        #expect(try library().list().count == StarterTemplate.all.count)
        #expect(notices.all.first?.contains("`chmod u+w \(folder.at(".git/folio"))`") == true)
    }
}
