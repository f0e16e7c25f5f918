import Foundation
import FolioKit

/// A progress bar on stderr, drawn only on a terminal and only once the work has taken half a second.
final class ProgressBar: @unchecked Sendable {
    private let sink: TextSink
    private let enabled: Bool
    private let lock = NSLock()
    private var started: Date?
    private var drawn = false

    init(sink: TextSink, enabled: Bool) {
        self.sink = sink
        self.enabled = enabled
    }

    func update(_ progress: FolioEnvironment.Progress) {
        guard enabled, progress.total > 0 else { return }
        lock.withLock {
            let now = Date()
            if started == nil { started = now }
            guard now.timeIntervalSince(started!) > 0.5 || drawn else { return }
            let fraction = Double(progress.done) / Double(progress.total)
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            sink.write("\r\(progress.task) \(bar) \(progress.done)/\(progress.total)")
            drawn = true
            if progress.done >= progress.total {
                sink.write("\r\u{1B}[2K")
                drawn = false
                started = nil
            }
        }
    }
}
