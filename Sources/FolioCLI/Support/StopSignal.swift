import Dispatch
import Foundation

/// Ctrl-C (SIGINT) and SIGTERM for a command that runs until stopped: instead of killing the process, they end
/// its wait, so the work under way finishes and the command says it stopped. The usual handling comes back when
/// the value is released.
final class StopSignal: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var stopped = false
    private var sources: [DispatchSourceSignal] = []

    init() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.stop() }
            source.resume()
            sources.append(source)
        }
    }

    deinit {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    var requested: Bool { lock.withLock { stopped } }

    func stop() {
        lock.withLock { stopped = true }
        semaphore.signal()
    }

    /// Waits `seconds`, or less when a stop comes.
    func wait(seconds: TimeInterval) {
        guard !requested else { return }
        _ = semaphore.wait(timeout: .now() + seconds)
    }
}
