import Foundation

/// The library's one change detector: it notices when a prompt or context changes (an editor saving a file, a
/// `git commit`, a checkout, a sync), a label moves, or an analytics event lands, whoever did it (this process,
/// the CLI, git, an editor), and hands each subscriber the changes as numbered events. `folio mcp` turns them into
/// list_changed notifications; `folio serve` streams them as Server-Sent Events.
///
/// It polls, on a thread of its own, every `pollInterval` seconds: the search index's refresh (HEAD, the git
/// index's stamp, folder times, the context files' stamps) and its change log, which names what any process's
/// refresh found; the label refs; the stamps of the analytics files. Changes seen within `debounce` of each other
/// are one batch (one event per kind, naming every prompt or context), announced once a poll finds nothing new,
/// or after `longestWait` when changes keep coming. See docs/architecture.md for why polling and what it costs.
///
/// The last `capacity` events are kept, so a client that reconnects with the last id it saw gets everything after
/// it that is still held, and is told when some are not.
public final class LibraryChangeFeed: @unchecked Sendable {
    /// How often to look and how long to wait.
    public struct Options: Sendable {
        /// Seconds between polls while nothing is happening.
        public var pollInterval: Double
        /// Seconds without a new change after which a batch is announced.
        public var debounce: Double
        /// Seconds after its first change by which a batch is announced even if changes keep coming.
        public var longestWait: Double
        /// Events held for clients that reconnect.
        public var capacity: Int

        public init(pollInterval: Double = 0.25, debounce: Double = 0.2, longestWait: Double = 0.6, capacity: Int = 1_000) {
            self.pollInterval = pollInterval
            self.debounce = debounce
            self.longestWait = longestWait
            self.capacity = max(1, capacity)
        }
    }

    /// The feed's own Library (same folder and environment as the adapter's): polling never waits on the adapter's
    /// lock, and the adapter never waits on a poll. Used by the polling thread only, after `start`.
    private let library: Library
    public let options: Options

    /// Guards the ring, the ids, the subscribers and `stopping`; the polling loop sleeps on it.
    private let lock = NSCondition()
    private var ring: [LibraryChangeEvent] = []
    private var nextID: Int
    private var subscribers: [UUID: AsyncStream<[LibraryFeedMessage]>.Continuation] = [:]
    private var running = false
    private var stopping = false
    /// True once the polling thread has returned.
    private var finished = false

    // What the last poll saw (the polling thread's alone).
    private var generation: Int?
    private var labels: [LabelKey: String]?
    private var analyticsStamps: [FileStamp?]?
    private var analyticsSequence: Int64?
    private var reported: Set<String> = []

    public init(library: Library, options: Options = Options()) {
        self.library = Library(root: library.root, config: library.config, environment: library.environment)
        self.options = options
        nextID = Int((library.environment.now().timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// The id of the last event given out (one below the first id while there has been none).
    public var lastID: Int { lock.withLock { nextID - 1 } }

    /// Notes where the library stands now, then polls on a thread of its own until `stop`. Returns once the
    /// starting point is noted: a change made after `start` returns is announced.
    public func start() {
        let begin = lock.withLock { () -> Bool in
            defer { running = true }
            return !running
        }
        guard begin else { return }
        _ = poll()
        // A queue of its own, which the loop keeps for the feed's life: polls block on files and SQLite, and never
        // take a thread from Swift's cooperative pool. Not a Foundation `Thread`: with one (released after `start`),
        // the test process crashed with a corrupted heap in about one run in three; with the queue it did not in 20.
        DispatchQueue(label: "folio change feed").async { [self] in run() }
    }

    /// Stops polling, waits for a poll under way to finish (nothing reads the library after `stop` returns), and
    /// ends every subscriber's stream.
    public func stop() {
        let ended = lock.withLock { () -> [AsyncStream<[LibraryFeedMessage]>.Continuation] in
            stopping = true
            lock.broadcast()
            while running && !finished { lock.wait() }
            defer { subscribers = [:] }
            return Array(subscribers.values)
        }
        for continuation in ended { continuation.finish() }
    }

    /// The events from now on, each batch as one element; with `lastEventID` (a client reconnecting), first every
    /// held event after it, preceded by `.missed` when some after it are no longer held or the id is not one this
    /// feed gave out. A subscriber that falls more than `capacity` batches behind has its stream ended (it
    /// reconnects with its last id and is told what it missed); the stream ends when the feed stops.
    public func subscribe(after lastEventID: Int? = nil) -> AsyncStream<[LibraryFeedMessage]> {
        let (stream, continuation) = AsyncStream.makeStream(of: [LibraryFeedMessage].self,
                                                            bufferingPolicy: .bufferingNewest(options.capacity))
        let key = UUID()
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            self.lock.withLock { self.subscribers[key] = nil }
        }
        let stopped = lock.withLock { () -> Bool in
            let backlog = backlog(after: lastEventID)
            if !backlog.isEmpty { continuation.yield(backlog) }
            if !stopping { subscribers[key] = continuation }
            return stopping
        }
        if stopped { continuation.finish() }
        return stream
    }

    /// What a client that saw `lastEventID` has not seen and the feed still holds (call under the lock).
    private func backlog(after lastEventID: Int?) -> [LibraryFeedMessage] {
        guard let after = lastEventID else { return [] }
        let latest = nextID - 1
        if after == latest { return [] }
        guard after < latest, let oldest = ring.first?.id else { return [.missed(after: after, resumeFrom: latest)] }
        if after >= oldest - 1 { return ring.filter { $0.id > after }.map { .change($0) } }
        return [.missed(after: after, resumeFrom: oldest - 1)] + ring.map { .change($0) }
    }

    /// The events held now after `lastEventID` (as a reconnecting subscriber gets them first).
    public func held(after lastEventID: Int) -> [LibraryFeedMessage] {
        lock.withLock { backlog(after: lastEventID) }
    }

    // MARK: - Polling

    private func run() {
        defer {
            lock.withLock {
                finished = true
                lock.broadcast()
            }
        }
        var pending = Batch()
        var firstSeen: Date?
        while true {
            let interval = pending.isEmpty ? options.pollInterval : options.debounce
            let stop = lock.withLock { () -> Bool in
                if !stopping { _ = lock.wait(until: Date().addingTimeInterval(interval)) }
                return stopping
            }
            if stop { return }
            let found = poll()
            if !found.isEmpty {
                pending.merge(found)
                if firstSeen == nil { firstSeen = Date() }
            }
            if !pending.isEmpty, found.isEmpty || Date().timeIntervalSince(firstSeen ?? Date()) >= options.longestWait {
                publish(pending)
                pending = Batch()
                firstSeen = nil
            }
        }
    }

    /// Looks once at everything the feed watches; the first look only notes where things stand.
    private func poll() -> Batch {
        var batch = Batch()
        guard (try? library.repository)??.workdir != nil else { return batch }  // no repository: nothing to watch
        attempt("the search index") {
            let changes = try library.index().changes(since: generation)
            defer { generation = changes.generation }
            guard generation != nil, changes.generation != generation else { return }
            if let list = changes.changes {
                for change in list { batch.merge(change) }
            } else {
                batch.many.formUnion([.prompt, .context])
            }
        }
        attempt("the labels") {
            let now = try library.labelTargets()
            defer { labels = now }
            guard let before = labels, before != now else { return }
            for key in Set(before.keys).union(now.keys) where before[key] != now[key] {
                batch.moveLabel(key, from: before[key], to: now[key])
            }
        }
        attempt("the analytics events") {
            let store = try library.events()
            // Stamps first: an event recorded while the store is read changes them again, and is read next time.
            let stamps = [store.journalPath, store.path, store.path + "-wal"].map { WorkTreeScanner.stamp($0) }
            guard stamps != analyticsStamps || analyticsSequence == nil else { return }
            let (events, last) = try store.events(afterSequence: analyticsSequence)
            analyticsStamps = stamps
            defer { analyticsSequence = last }
            guard analyticsSequence != nil else { return }
            for event in events { batch.analytics[event.prompt, default: 0] += 1 }
        }
        return batch
    }

    /// Runs one part of a poll; a failure is told once (through the environment's notices) and tried again next time.
    private func attempt(_ what: String, _ body: () throws -> Void) {
        do {
            try body()
        } catch {
            let message = "the change feed cannot read \(what): \(error)"
            if reported.insert(message).inserted { library.environment.notify(message) }
        }
    }

    /// Numbers the batch's events, keeps them in the ring and hands them to every subscriber.
    private func publish(_ batch: Batch) {
        let time = library.environment.now()
        let ended = lock.withLock { () -> [AsyncStream<[LibraryFeedMessage]>.Continuation] in
            let events = batch.events(time: time) { defer { nextID += 1 }; return nextID }
            ring.append(contentsOf: events)
            if ring.count > options.capacity { ring.removeFirst(ring.count - options.capacity) }
            var ended: [AsyncStream<[LibraryFeedMessage]>.Continuation] = []
            for (key, continuation) in subscribers {
                if case .dropped = continuation.yield(events.map { .change($0) }) {
                    // This subscriber fell behind: it has lost a batch, so end its stream rather than leave a gap.
                    subscribers[key] = nil
                    ended.append(continuation)
                }
            }
            return ended
        }
        for continuation in ended { continuation.finish() }
    }
}

/// The changes seen since the last announcement, merged: a prompt added then edited is added, edited then
/// removed is removed, added then removed is nothing.
struct Batch {
    var items: [IndexChange.Kind: [String: IndexChange.Change]] = [:]
    /// Kinds of which more changed than can be named.
    var many: Set<IndexChange.Kind> = []
    var labels: [LabelKey: (from: String?, to: String?)] = [:]
    /// Prompt id → events recorded about it.
    var analytics: [String: Int] = [:]

    var isEmpty: Bool { items.values.allSatisfy(\.isEmpty) && many.isEmpty && labels.isEmpty && analytics.isEmpty }

    mutating func merge(_ change: IndexChange) {
        let before = items[change.kind]?[change.id]
        let after: IndexChange.Change?
        switch (before, change.change) {
        case (nil, let new): after = new
        case (.added, .removed): after = nil
        case (.added, _): after = .added
        case (.removed, .added), (.removed, .changed): after = .changed
        case (_, .removed): after = .removed
        case (.changed, _): after = .changed
        }
        items[change.kind, default: [:]][change.id] = after
    }

    mutating func moveLabel(_ key: LabelKey, from: String?, to: String?) {
        let first = labels[key]?.from ?? from
        labels[key] = first == to ? nil : (first, to)
    }

    mutating func merge(_ other: Batch) {
        for (kind, changes) in other.items {
            for (id, change) in changes { merge(IndexChange(kind: kind, id: id, change: change)) }
        }
        many.formUnion(other.many)
        for (key, move) in other.labels { moveLabel(key, from: move.from, to: move.to) }
        other.analytics.forEach { analytics[$0.key, default: 0] += $0.value }
    }

    /// One event per kind that has something, in a fixed order, numbered by `nextID`.
    func events(time: Date, nextID: () -> Int) -> [LibraryChangeEvent] {
        var events: [LibraryChangeEvent] = []
        for kind in [IndexChange.Kind.prompt, .context] {
            let changes = items[kind] ?? [:]
            let (added, changed, removed): (LibraryChangeEvent.Kind, LibraryChangeEvent.Kind, LibraryChangeEvent.Kind) = kind == .prompt
                ? (.promptAdded, .promptChanged, .promptRemoved) : (.contextAdded, .contextChanged, .contextRemoved)
            if many.contains(kind) {
                events.append(LibraryChangeEvent(id: nextID(), kind: changed, ids: changes.keys.sorted(), many: true, time: time))
                continue
            }
            for (change, eventKind) in [(IndexChange.Change.added, added), (.changed, changed), (.removed, removed)] {
                let ids = changes.filter { $0.value == change }.keys.sorted()
                if !ids.isEmpty { events.append(LibraryChangeEvent(id: nextID(), kind: eventKind, ids: ids, time: time)) }
            }
        }
        if !labels.isEmpty {
            let moved = labels.map { LibraryChangeEvent.MovedLabel(prompt: $0.key.prompt, label: $0.key.label, from: $0.value.from, to: $0.value.to) }
                .sorted { ($0.prompt, $0.label) < ($1.prompt, $1.label) }
            events.append(LibraryChangeEvent(id: nextID(), kind: .labelMoved, ids: Array(Set(moved.map(\.prompt))).sorted(), labels: moved,
                                        time: time))
        }
        if !analytics.isEmpty {
            events.append(LibraryChangeEvent(id: nextID(), kind: .analyticsEvent, ids: analytics.keys.sorted(),
                                        events: analytics.values.reduce(0, +), time: time))
        }
        return events
    }
}
