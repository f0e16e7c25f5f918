import Foundation
import FolioKit
import NIOPosix

/// How routes reach the library. A `Library` is a class that opens its repository, index and event store lazily and
/// is not safe to share between threads, so each request borrows one of its own from a pool (opening another when
/// all are busy) and runs on NIO's blocking thread pool, never on an event loop. Reads run side by side; writes
/// wait their turn here (one commit at a time in this process) and, inside `Library.apply`, take folio's file lock,
/// which keeps them apart from the CLI, an editor's save through folio, or a sync.
final class LibraryPool: @unchecked Sendable {
    private let open: @Sendable () throws -> Library
    private let lock = NSLock()
    private var idle: [Library] = []
    private let writes = WriteQueue()
    private let threads: NIOThreadPool
    /// Paths never to show a client (the library's folder), for `APIError.from`.
    let redacted: [String]

    init(root: String, threads: NIOThreadPool = .singleton, open: @escaping @Sendable () throws -> Library) {
        self.open = open
        self.threads = threads
        redacted = [root]
    }

    /// Runs `body` with a library of its own, on the blocking thread pool.
    func read<T: Sendable>(_ body: @escaping @Sendable (Library) throws -> T) async throws -> T {
        try await threads.runIfActive { [self] in try borrow(body) }
    }

    /// Runs a write: one at a time in this server.
    func write<T: Sendable>(_ body: @escaping @Sendable (Library) throws -> T) async throws -> T {
        await writes.acquire()
        do {
            let result = try await read(body)
            await writes.release()
            return result
        } catch {
            await writes.release()
            throw error
        }
    }

    private func borrow<T>(_ body: (Library) throws -> T) throws -> T {
        let library = try lock.withLock { idle.popLast() } ?? open()
        defer { lock.withLock { if idle.count < 16 { idle.append(library) } } }
        return try body(library)
    }
}

/// A queue of writers: one runs, the rest wait in order (without holding a thread).
private actor WriteQueue {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}
