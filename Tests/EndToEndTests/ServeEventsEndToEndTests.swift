import Foundation
import Testing
import TestSupport

/// The event stream of a running `folio serve`, read with `curl -N` as a client would: a `git commit` made with the
/// git command shows up as an event, and a client reconnecting with Last-Event-ID gets what it missed.
extension ServeEndToEndTests {
    /// `curl -N` reading an event stream until stopped.
    final class EventStream: @unchecked Sendable {
        let process = Process()
        let output = Pipe()
        private let lock = NSLock()
        private var received = ""

        init(_ url: String, token: String, lastEventID: Int? = nil) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            var arguments = ["-s", "-N", "-H", "Authorization: Bearer \(token)", "-H", "Accept: text/event-stream"]
            if let lastEventID { arguments += ["-H", "Last-Event-ID: \(lastEventID)"] }
            process.arguments = arguments + [url]
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            output.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let text = String(decoding: handle.availableData, as: UTF8.self)
                self?.lock.withLock { self?.received += text }
            }
            try process.run()
        }

        deinit { stop() }

        func stop() {
            // SIGKILL: the test process blocks SIGTERM, and its children inherit that.
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            output.fileHandleForReading.readabilityHandler = nil
        }

        var text: String { lock.withLock { received } }

        /// Waits (up to `seconds`) until the stream holds `part`; returns how long that took, nil if it never did.
        func wait(for part: String, seconds: Double = 10) -> Double? {
            let start = Date()
            while Date().timeIntervalSince(start) < seconds {
                if text.contains(part) { return Date().timeIntervalSince(start) }
                usleep(10_000)
            }
            return nil
        }

        /// The events received: (id, event, data).
        var events: [(id: Int?, event: String, data: String)] {
            text.components(separatedBy: "\n\n").compactMap { frame in
                var id: Int?, event: String?, data = ""
                for line in frame.split(separator: "\n") {
                    if line.hasPrefix("id: ") { id = Int(line.dropFirst(4)) }
                    if line.hasPrefix("event: ") { event = String(line.dropFirst(7)) }
                    if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
                }
                return event.map { (id, $0, data) }
            }
        }
    }

    @Test func aGitCommitReachesTheEventStreamAndAReconnectMissesNothing() throws {
        let folder = try library("serve-events")
        let served = try Served(["--heartbeat", "0.5"], in: folder.path)
        let token = try #require(served.token)
        let url = served.base + "/api/v1/events"
        let stream = try EventStream(url, token: token)
        #expect(stream.wait(for: "event: ready") != nil, "\(stream.text)")
        #expect(stream.text.hasPrefix("retry: 3000\n\n"))

        // A prompt added with git, not folio.
        folder.write("prompts/ops/triage.prompt.md", "---\ntitle: Triage\n---\nSort the alerts.\n")
        try git("add", "prompts/ops/triage.prompt.md", in: folder.path)
        try git("commit", "-q", "-m", "Add triage by hand", in: folder.path)
        let seconds = stream.wait(for: "event: prompt.added")
        #expect(seconds != nil, "\(stream.text)")
        print("prompt.added arrived \(String(format: "%.3f", seconds ?? -1)) s after git commit returned")
        let added = try #require(stream.events.first { $0.event == "prompt.added" })
        #expect(added.data.contains(#""ids":["ops/triage"]"#))
        // A quiet stream gets heartbeats.
        #expect(stream.wait(for: ": heartbeat\n\n") != nil)
        stream.stop()

        // While no one listens: an edit, committed with git.
        let lastSeen = try #require(added.id)
        folder.write("prompts/ops/triage.prompt.md", "---\ntitle: Triage\n---\nSort the alerts by severity.\n")
        try git("commit", "-q", "-am", "Sharpen triage", in: folder.path)
        let resumed = try EventStream(url, token: token, lastEventID: lastSeen)
        #expect(resumed.wait(for: "event: prompt.changed") != nil, "\(resumed.text)")
        let changed = try #require(resumed.events.first { $0.event == "prompt.changed" })
        #expect(changed.data.contains(#""ids":["ops/triage"]"#))
        #expect((changed.id ?? 0) > lastSeen)
        // A reconnecting client gets no ready event, and nothing it had already seen.
        #expect(!resumed.events.contains { $0.event == "ready" || $0.event == "prompt.added" })
        resumed.stop()

        // The server stops cleanly with a stream open.
        let open = try EventStream(url, token: token)
        #expect(open.wait(for: "event: ready") != nil)
        kill(served.process.processIdentifier, SIGTERM)
        let asked = Date()
        while served.process.isRunning && Date().timeIntervalSince(asked) < 10 { usleep(20_000) }
        #expect(!served.process.isRunning, "an open event stream held up the stop")
        served.process.waitUntilExit()
        #expect(served.process.terminationStatus == 0, "\(served.stderr)")
        #expect(served.stdout.contains("Stopped."))
        open.stop()
    }
}

