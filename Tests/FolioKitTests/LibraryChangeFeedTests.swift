import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// The change feed against real repositories: changes made by the git command, by an editor's save, by folio's
/// own writes, each seen as the events a client of `folio serve` or `folio mcp` would get.
@Suite struct LibraryChangeFeedTests {
    @Test func aCommitByTheGitCommandIsOneEventNamingThePrompt() async throws {
        let (folder, library) = try makeLibrary()
        try library.addFile("greet", "---\ntitle: Greet\n---\nHello.\n")
        try library.addFile("other", "---\ntitle: Other\n---\nOther.\n")
        // Edited and staged before the feed starts: the commit is the one change it sees.
        folder.write("prompts/greet.prompt.md", "---\ntitle: Greet\n---\nHello, world.\n")
        try git("add", "prompts/greet.prompt.md", in: folder.path)
        let feed = LibraryChangeFeed(library: library)
        feed.start()
        defer { feed.stop() }
        let received = Received(feed)
        try git("commit", "-q", "-m", "greet the world", in: folder.path)
        let changes = try await received.wait { !$0.isEmpty }
        try await Task.sleep(nanoseconds: 600_000_000)
        #expect(received.changes.map(\.kind) == [.promptChanged])
        #expect(changes.first?.ids == ["greet"])
    }

    @Test func anEditorSavingByRenameIsAnEvent() async throws {
        let (folder, library) = try makeLibrary()
        try library.addFile("greet", "---\ntitle: Greet\n---\nHello.\n")
        let feed = LibraryChangeFeed(library: library)
        feed.start()
        defer { feed.stop() }
        let received = Received(feed)
        // What editors do: write a temporary file beside it, then rename it over the file.
        folder.write("prompts/greet.prompt.md.tmp-save", "---\ntitle: Greet\n---\nHello again.\n")
        #expect(rename(folder.at("prompts/greet.prompt.md.tmp-save"), folder.at("prompts/greet.prompt.md")) == 0)
        let changes = try await received.wait { $0.contains { $0.kind == .promptChanged } }
        #expect(changes.first { $0.kind == .promptChanged }?.ids == ["greet"])
    }

    @Test func addedAndRemovedPromptsAndContextsAreNamed() async throws {
        let (folder, library) = try makeLibrary()
        try library.addFile("greet", "---\ntitle: Greet\n---\nHello.\n")
        let feed = LibraryChangeFeed(library: library)
        feed.start()
        defer { feed.stop() }
        let received = Received(feed)
        folder.write("prompts/team/new.prompt.md", "---\ntitle: New\n---\nNew.\n")
        try FileManager.default.removeItem(atPath: folder.at("prompts/greet.prompt.md"))
        let context = try library.saveContext(from: SessionSource(text: "User: why?\nAssistant: a race.\n"),
                                              options: ContextSaveOptions(title: "Fix login")).context
        let changes = try await received.wait { changes in
            [.promptAdded, .promptRemoved, .contextAdded].allSatisfy { kind in changes.contains { $0.kind == kind } }
        }
        #expect(changes.first { $0.kind == .promptAdded }?.ids == ["team/new"])
        #expect(changes.first { $0.kind == .promptRemoved }?.ids == ["greet"])
        #expect(changes.first { $0.kind == .contextAdded }?.ids == [context.id])
    }

    @Test func settingALabelIsALabelMove() async throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        try library.addFile("greet", "---\ntitle: Greet\n---\nHello.\n")
        let feed = LibraryChangeFeed(library: library)
        feed.start()
        defer { feed.stop() }
        let received = Received(feed)
        let move = try library.setLabel("production", on: id("greet"))
        let changes = try await received.wait { !$0.isEmpty }
        #expect(changes.map(\.kind) == [.labelMoved])
        #expect(changes.first?.ids == ["greet"])
        #expect(changes.first?.labels == [LibraryChangeEvent.MovedLabel(prompt: "greet", label: "production", from: nil, to: move.to)])
    }

    @Test func aRecordedRenderIsAnAnalyticsEvent() async throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        try library.addFile("greet", "---\ntitle: Greet\n---\nHello.\n")
        let feed = LibraryChangeFeed(library: library)
        feed.start()
        defer { feed.stop() }
        let received = Received(feed)
        try library.record(.render, prompt: id("greet"), source: "cli")
        try library.record(.render, prompt: id("greet"), source: "cli")
        let changes = try await received.wait { !$0.isEmpty }
        #expect(changes.map(\.kind) == [.analyticsEvent])
        #expect(changes.first?.ids == ["greet"])
        #expect(changes.first?.events == 2)
    }

    @Test func tenQuickEditsAreDebouncedIntoFewEventsNamingEveryPrompt() async throws {
        let (folder, library) = try makeLibrary()
        let ids = (0..<10).map { "quick/p\($0)" }
        for id in ids { try library.addFile(id, "---\ntitle: \(id)\n---\nFirst.\n") }
        let feed = LibraryChangeFeed(library: library)
        feed.start()
        defer { feed.stop() }
        let received = Received(feed)
        // Back to back, as a formatter or a search-and-replace saves them (a poll may still fall between two).
        for id in ids { folder.write("prompts/\(id).prompt.md", "---\ntitle: \(id)\n---\nSecond.\n") }
        let changes = try await received.wait { Set($0.flatMap(\.ids)) == Set(ids) }
        #expect(changes.allSatisfy { $0.kind == .promptChanged })
        #expect(changes.count <= 3, "\(changes.map(\.ids))")
    }

    @Test func aReconnectingClientGetsWhatIsHeldAndIsToldWhatWasDropped() async throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        try library.addFile("greet", "---\ntitle: Greet\n---\nHello.\n")
        let feed = LibraryChangeFeed(library: library, options: .init(capacity: 3))
        feed.start()
        defer { feed.stop() }
        let received = Received(feed)
        for number in 1...5 {
            try library.setLabel("label\(number)", on: id("greet"))
            _ = try await received.wait { $0.count == number }
        }
        let all = received.changes.map(\.id)
        #expect(all == Array(all[0]...(all[0] + 4)), "ids increase by one")
        #expect(feed.lastID == all[4])

        // Within the ring: exactly what came after.
        #expect(feed.held(after: all[2]) == [all[3], all[4]].map { id in .change(received.changes.first { $0.id == id }!) })
        #expect(feed.held(after: all[4]).isEmpty)
        // Beyond it: told, then everything held.
        #expect(feed.held(after: all[0]).first == .missed(after: all[0], resumeFrom: all[1]))
        #expect(feed.held(after: all[0]).dropFirst().map(\.changeID) == [all[2], all[3], all[4]])
        // An id this feed never gave out (a server that restarted): told, nothing else.
        #expect(feed.held(after: all[4] + 100) == [.missed(after: all[4] + 100, resumeFrom: all[4])])

        // A subscriber reconnecting gets the same first, then what comes next.
        let reconnected = Received(feed, after: all[3])
        _ = try await reconnected.wait { $0.count == 1 }
        try library.setLabel("label6", on: id("greet"))
        let again = try await reconnected.wait { $0.count == 2 }
        #expect(again.map(\.id) == [all[4], all[4] + 1])
        #expect(reconnected.messages.allSatisfy { $0.changeID != nil })
    }

    @Test func theIndexLogNamesWhatAnotherProcessRefreshed() throws {
        let (folder, library) = try makeLibrary()
        try library.addFile("greet", "---\ntitle: Greet\n---\nHello.\n")
        let start = try library.index().changes(since: nil).generation
        folder.write("prompts/greet.prompt.md", "---\ntitle: Greet\n---\nHello, world.\n")
        // Another Library (as another process would) refreshes the index first.
        let other = try Library.open(explicitPath: folder.path, environment: environment(folder.path))
        _ = try other.list()
        let changes = try library.index().changes(since: start)
        #expect(changes.changes == [IndexChange(kind: .prompt, id: "greet", change: .changed)])
        #expect(try library.index().changes(since: changes.generation).changes == [])
        // A generation the log does not hold (or from before a rebuild) means "anything may have changed".
        #expect(try library.index().changes(since: changes.generation + 5).changes == nil)
    }

    @Test func aBatchMergesChangesToTheSamePrompt() {
        var batch = Batch()
        batch.merge(IndexChange(kind: .prompt, id: "a", change: .added))
        batch.merge(IndexChange(kind: .prompt, id: "a", change: .changed))
        batch.merge(IndexChange(kind: .prompt, id: "b", change: .added))
        batch.merge(IndexChange(kind: .prompt, id: "b", change: .removed))
        batch.merge(IndexChange(kind: .prompt, id: "c", change: .changed))
        batch.merge(IndexChange(kind: .prompt, id: "c", change: .removed))
        var number = 0
        let events = batch.events(time: Date(timeIntervalSince1970: 0)) { defer { number += 1 }; return number }
        #expect(events.map { "\($0.id) \($0.kind.rawValue) \($0.ids)" } == ["0 prompt.added [\"a\"]", "1 prompt.removed [\"c\"]"])
    }
}

/// Server-Sent Events frames, as `GET /api/v1/events` writes them.
@Suite struct ServerSentEventTests {
    @Test func aChangeIsAFrameWithItsIdKindAndJSON() {
        let change = LibraryChangeEvent(id: 42, kind: .promptChanged, ids: ["review/security", "greet"],
                                   time: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(ServerSentEvent.frame(.change(change)) == """
            id: 42
            event: prompt.changed
            data: {"id":42,"ids":["review/security","greet"],"kind":"prompt.changed","many":false,"time":"2023-11-14T22:13:20Z"}


            """)
    }

    @Test func aLabelMoveAndAnAnalyticsEventCarryTheirDetails() {
        let moved = LibraryChangeEvent(id: 7, kind: .labelMoved, ids: ["greet"],
                                  labels: [.init(prompt: "greet", label: "production", from: nil, to: "abc123")],
                                  time: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(ServerSentEvent.frame(.change(moved)).contains(#"data: {"id":7,"ids":["greet"],"kind":"label.moved","labels":[{"label":"production","prompt":"greet","to":"abc123"}],"many":false,"#))
        let rendered = LibraryChangeEvent(id: 8, kind: .analyticsEvent, ids: ["greet"], events: 3, time: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(ServerSentEvent.frame(.change(rendered)).hasPrefix("id: 8\nevent: analytics.event\ndata: {\"events\":3,"))
    }

    @Test func missedHeartbeatRetryAndLastEventID() {
        #expect(ServerSentEvent.frame(.missed(after: 3, resumeFrom: 9)) == "id: 9\nevent: missed\ndata: {\"after\":3,\"resume_from\":9}\n\n")
        #expect(ServerSentEvent.heartbeat == ": heartbeat\n\n")
        #expect(ServerSentEvent.retry(milliseconds: 2000) == "retry: 2000\n\n")
        #expect(ServerSentEvent.lastEventID(" 1764000000123 ") == 1_764_000_000_123)
        #expect(ServerSentEvent.lastEventID("abc") == nil)
        #expect(ServerSentEvent.lastEventID(nil) == nil)
    }

    @Test func aTextWithALineBreakStaysOnOneDataLine() {
        let change = LibraryChangeEvent(id: 1, kind: .contextAdded, ids: ["2026/11/24-fix\nlogin"], time: Date(timeIntervalSince1970: 0))
        let frame = ServerSentEvent.frame(.change(change))
        #expect(frame.split(separator: "\n").filter { $0.hasPrefix("data: ") }.count == 1)
        #expect(frame.components(separatedBy: "\n").count == 5, "\(frame)")
    }
}

/// A subscription's messages, collected as they arrive.
final class Received: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [LibraryFeedMessage] = []
    private var task: Task<Void, Never>?

    init(_ feed: LibraryChangeFeed, after: Int? = nil) {
        let stream = feed.subscribe(after: after)
        task = Task { [weak self] in
            for await batch in stream { self?.lock.withLock { self?.collected += batch } }
        }
    }

    deinit { task?.cancel() }

    var messages: [LibraryFeedMessage] { lock.withLock { collected } }
    var changes: [LibraryChangeEvent] { messages.compactMap { if case .change(let change) = $0 { change } else { nil } } }

    /// The changes so far once `done` holds for them; fails after a generous 10 seconds (a wait, not a timing).
    func wait(_ done: ([LibraryChangeEvent]) -> Bool) async throws -> [LibraryChangeEvent] {
        for _ in 0..<200 {
            if done(changes) { return changes }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        Issue.record("the feed did not deliver in 10 seconds; it has: \(changes.map { "\($0.kind.rawValue) \($0.ids)" })")
        return changes
    }
}

extension LibraryFeedMessage {
    var changeID: Int? { if case .change(let change) = self { change.id } else { nil } }
}
