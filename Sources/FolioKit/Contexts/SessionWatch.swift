import Foundation
internal import Git

/// A session file and when it last changed.
public struct SessionCandidate: Sendable, Equatable {
    public let tool: Session.Tool
    public let path: String
    public let modified: Date

    public init(tool: Session.Tool, path: String, modified: Date) {
        self.tool = tool
        self.path = path
        self.modified = modified
    }
}

/// Which sessions `folio context watch` saves, and when. A session is saved once it has been idle (unchanged) for
/// `idle`, and again each time it changes and goes idle again. The watch keeps one date: every change made up to
/// `settledUpTo` has been dealt with. Each look takes the sessions whose last change falls after it and at least
/// `idle` before now, and moves it on to now minus `idle`; so each change is saved once, whatever the interval
/// between looks. Nothing here reads a clock or a file: the caller gives the time and the candidates.
public struct SessionWatch: Sendable, Equatable {
    public let idle: TimeInterval
    public private(set) var settledUpTo: Date

    /// How far back a first watch looks: sessions that went idle in the day before it started are saved too.
    public static let firstLookBack: TimeInterval = 86_400

    public init(idle: TimeInterval, settledUpTo: Date) {
        self.idle = idle
        self.settledUpTo = settledUpTo
    }

    /// The candidates that have gone idle since the last look, oldest change first; the watch moves on past them.
    public mutating func due(_ candidates: [SessionCandidate], now: Date) -> [SessionCandidate] {
        let idleSince = now.addingTimeInterval(-idle)
        let due = candidates.filter { $0.modified > settledUpTo && $0.modified <= idleSince }
            .sorted { ($0.modified, $0.path) < ($1.modified, $1.path) }
        if idleSince > settledUpTo { settledUpTo = idleSince }
        return due
    }

    /// Reads a duration: `90s`, `10m`, `1h`, `1h30m`, `2d`.
    public static func duration(_ text: String) throws -> TimeInterval {
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        var total: TimeInterval = 0
        var number = ""
        var parts = 0
        for character in text.trimmingCharacters(in: .whitespaces) {
            if character.isNumber || character == "." {
                number.append(character)
            } else if let unit = units[character], let value = Double(number), value.isFinite {
                total += value * unit
                number = ""
                parts += 1
            } else {
                parts = 0
                break
            }
        }
        guard parts > 0, number.isEmpty else {
            throw FolioError(.invalidInput, "'\(text)' is not a duration; give one such as 10m, 90s, 1h or 1h30m")
        }
        return total
    }
}

/// What one look of the watcher did with a session that went idle.
public struct WatchedCapture: Sendable {
    public let candidate: SessionCandidate
    /// The save; nil when it failed.
    public let outcome: ContextSaveOutcome?
    /// Why it failed.
    public let error: String?
}

extension Library {
    /// The tools whose sessions of this repository `folio context watch` can find by itself.
    public static let watchableTools: [Session.Tool] = repositoryTools + [.specstory]

    /// Why a tool's sessions cannot be watched, and what to do instead.
    public static func whyNotWatched(_ tool: Session.Tool) -> String {
        switch tool {
        case .cline, .roo: "its tasks are kept for every folder together, not by repository; save one with folio context save --from \(tool.rawValue) --session ID"
        case .markdown: "Markdown notes and transcripts are kept nowhere folio can look; save one with folio context save --file PATH"
        default: "folio does not know where it keeps this repository's sessions; save one with folio context save --file PATH"
        }
    }

    /// The session files of this repository, of the tools given (every tool folio finds sessions of by itself when
    /// nil), with when each last changed. Files last changed before `changedAfter` are left out.
    public func sessionCandidates(of tools: [Session.Tool]? = nil, changedAfter: Date? = nil) -> [SessionCandidate] {
        var seen = Set<String>()
        return (tools ?? Self.repositoryTools).flatMap { tool in
            // Cursor's chats are rows in databases: each has its own date, not its file's.
            if tool == .cursor || tool == .cursorAgent {
                return cursorChatsChanged(of: tool, after: changedAfter).compactMap { chat -> SessionCandidate? in
                    guard seen.insert(chat.path).inserted else { return nil }
                    return SessionCandidate(tool: tool, path: chat.path, modified: chat.modified)
                }
            }
            return sessionFiles(of: tool, changedAfter: changedAfter).compactMap { path -> SessionCandidate? in
                // The repository's folder and the current one can be the same place.
                guard seen.insert(path).inserted, let modified = Self.modificationDate(path) else { return nil }
                if let changedAfter, modified <= changedAfter { return nil }
                return SessionCandidate(tool: tool, path: path, modified: modified)
            }
        }
    }

    static func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// Where the watcher of this clone keeps how far it got (in the git directory, never committed).
    private var watchStatePath: String? {
        captureLogPath.map { ($0 as NSString).deletingLastPathComponent + "/watch.json" }
    }

    /// The watch as the last watcher of this clone left it, so sessions that went idle while no watcher ran are
    /// saved too; a first watch starts a day back.
    public func resumeWatch(idle: TimeInterval) -> SessionWatch {
        let now = environment.now()
        var settled = now.addingTimeInterval(-idle - SessionWatch.firstLookBack)
        if let path = watchStatePath, let data = FileManager.default.contents(atPath: path), let state = JSON.object(data),
           let date = JSON.date(state["settled_up_to"]), date <= now {
            settled = date
        }
        return SessionWatch(idle: idle, settledUpTo: settled)
    }

    private func recordWatch(_ watch: SessionWatch) {
        guard let path = watchStatePath else { return }
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? WorkTreeWriter.atomicWrite(Data("{\"settled_up_to\": \"\(Timestamps.format(watch.settledUpTo))\"}\n".utf8), to: path)
    }

    /// One look of the watcher, at `environment.now()`: saves every session of this repository that has gone idle
    /// since the last look (aider's history: its last run), as `folio context save` would, and says what each
    /// save did. A copy folio restored that nobody continued is not saved. The watch is recorded in the git directory
    /// once every save is done, so a watcher stopped halfway looks at those sessions again next time.
    public func captureIdleSessions(_ watch: inout SessionWatch, tools: [Session.Tool]? = nil,
                                    options: ContextSaveOptions = ContextSaveOptions()) -> [WatchedCapture] {
        let now = environment.now()
        let due = watch.due(sessionCandidates(of: tools, changedAfter: watch.settledUpTo), now: now)
        var captures: [WatchedCapture] = []
        for candidate in due {
            if SessionImporters.importer(for: candidate.tool).isUnchangedRestore(candidate.path) { continue }
            var source = SessionSource(tool: candidate.tool, file: candidate.path)
            source.latestRun = true
            do {
                captures.append(WatchedCapture(candidate: candidate, outcome: try saveContext(from: source, options: options), error: nil))
            } catch {
                captures.append(WatchedCapture(candidate: candidate, outcome: nil, error: (error as? FolioError)?.message ?? "\(error)"))
            }
        }
        recordWatch(watch)
        return captures
    }
}
