import Foundation

/// What `folio stats` asks for.
public struct StatsRequest: Sendable {
    public enum Grouping: String, Sendable, CaseIterable, Codable {
        case day, week, version, source, variant, user
    }

    public var prompt: PromptID?
    public var since: Date
    public var until: Date
    public var by: Grouping
    /// Everyone's events as last synced (`refs/folio/analytics`), not only this clone's.
    public var team: Bool

    public init(prompt: PromptID? = nil, since: Date, until: Date, by: Grouping = .day, team: Bool = false) {
        self.prompt = prompt
        self.since = since
        self.until = until
        self.by = by
        self.team = team
    }

    /// Reads `30d`, `12w`, `24h` or a date (`2026-01-31`) into the start of a period ending at `now`.
    public static func parseSince(_ text: String, now: Date) throws -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let unit = trimmed.last, let count = Double(trimmed.dropLast()), count >= 0 {
            let seconds: Double?
            switch unit {
            case "h": seconds = 3600
            case "d": seconds = 86_400
            case "w": seconds = 7 * 86_400
            default: seconds = nil
            }
            if let seconds { return now.addingTimeInterval(-count * seconds) }
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        if let date = formatter.date(from: trimmed) { return date }
        throw FolioError(.invalidInput, "--since takes a span such as 30d, 12w or 24h, or a date such as 2026-01-31 (got '\(text)')")
    }
}

/// Usage figures for a period.
public struct StatsReport: Sendable, Codable, Equatable {
    public struct Count: Sendable, Codable, Equatable {
        /// The prompt, day, week, version, source or variant counted.
        public let key: String
        /// Renders, uses and copies together.
        public let uses: Int
        public let renders: Int
        public let directUses: Int
        public let copies: Int
        public let exposures: Int
        public let feedback: Int
    }

    /// How one version of a prompt did: uses, and the feedback on it.
    public struct Version: Sendable, Codable, Equatable {
        public let prompt: String
        /// The blob id of the prompt file (the version's content).
        public let blob: String
        /// Its version on this branch (`v3`), when a committed version has this content.
        public let version: String?
        /// The latest commit HEAD was at when this version was used.
        public let commit: String?
        public let firstUsed: Date
        public let uses: Int
        public let successes: Int
        public let failures: Int
        public let scores: Int
        public let meanScore: Double?
        /// successes / (successes + failures), when there was any.
        public let successRate: Double?
        /// True for the version of its prompt with the best success rate (then mean score), when there is feedback.
        public let best: Bool
    }

    public let since: Date
    public let until: Date
    public let prompt: String?
    public let grouping: StatsRequest.Grouping
    public let totals: Count
    /// Prompts by uses, most used first.
    public let top: [Count]
    /// Uses by the requested grouping (days and weeks in order, the rest by uses).
    public let breakdown: [Count]
    public let versions: [Version]
    /// Active prompts (not partials) with no use in the period.
    public let unused: [String]
}

extension Library {
    /// Usage figures from the analytics events, with the index for the prompts that went unused.
    public func stats(_ request: StatsRequest) throws -> StatsReport {
        let events = try request.team
            ? teamEvents(since: request.since, until: request.until, prompt: request.prompt?.rawValue)
            : self.events().events(since: request.since, until: request.until, prompt: request.prompt?.rawValue)
        let calendar = Calendar(identifier: .iso8601)

        func count(_ key: String, _ group: [Event]) -> StatsReport.Count {
            func n(_ kind: Event.Kind) -> Int { group.lazy.filter { $0.kind == kind }.count }
            return StatsReport.Count(key: key, uses: n(.render) + n(.use) + n(.copy), renders: n(.render), directUses: n(.use),
                                     copies: n(.copy), exposures: n(.exposure), feedback: n(.feedback))
        }
        func day(_ date: Date) -> String {
            let parts = calendar.dateComponents(in: .current, from: date)
            return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
        }
        func week(_ date: Date) -> String {
            let parts = calendar.dateComponents(in: .current, from: date)
            return String(format: "%04d-W%02d", parts.yearForWeekOfYear ?? 0, parts.weekOfYear ?? 0)
        }

        let top = Dictionary(grouping: events, by: \.prompt).map { count($0.key, $0.value) }
            .filter { $0.uses > 0 }.sorted { ($1.uses, $0.key) < ($0.uses, $1.key) }

        // Name versions as `v3` where a committed version on this branch has that content.
        var versionNames: [String: [String: String]] = [:]
        for prompt in Set(events.map(\.prompt)) {
            guard let id = try? PromptID(prompt), let history = try? self.history(of: id) else { continue }
            var names: [String: String] = [:]
            for version in history { names[version.blob] = version.name }
            versionNames[prompt] = names
        }
        func versionName(_ prompt: String, _ blob: String?) -> String? {
            blob.flatMap { versionNames[prompt]?[$0] }
        }

        let key: (Event) -> String
        switch request.by {
        case .day: key = { day($0.time) }
        case .week: key = { week($0.time) }
        case .version: key = { "\($0.prompt)@\(versionName($0.prompt, $0.blob) ?? String(($0.blob ?? "?").prefix(7)))" }
        case .source: key = { $0.source }
        case .variant: key = { $0.variant ?? "(none)" }
        case .user: key = { $0.user }
        }
        var breakdown = Dictionary(grouping: events, by: key).map { count($0.key, $0.value) }
        switch request.by {
        case .day, .week:
            // Every bucket in the period, empty ones too, so a chart shows the gaps.
            var buckets: [String] = []
            var cursor = request.since
            while cursor < request.until {
                let label = request.by == .day ? day(cursor) : week(cursor)
                if buckets.last != label { buckets.append(label) }
                cursor = cursor.addingTimeInterval(request.by == .day ? 86_400 : 7 * 86_400)
            }
            let last = request.by == .day ? day(request.until.addingTimeInterval(-1)) : week(request.until.addingTimeInterval(-1))
            if buckets.last != last { buckets.append(last) }
            let known = Dictionary(uniqueKeysWithValues: breakdown.map { ($0.key, $0) })
            breakdown = buckets.map { known[$0] ?? count($0, []) }
        default:
            breakdown.sort { ($1.uses, $0.key) < ($0.uses, $1.key) }
        }

        var versions: [StatsReport.Version] = []
        for (prompt, group) in Dictionary(grouping: events, by: \.prompt) {
            var promptVersions: [StatsReport.Version] = []
            for (blob, items) in Dictionary(grouping: group, by: { $0.blob ?? "" }) {
                let feedback = items.filter { $0.kind == .feedback }
                let successes = feedback.filter { $0.success == true }.count
                let failures = feedback.filter { $0.success == false }.count
                let scores = feedback.compactMap(\.score)
                promptVersions.append(StatsReport.Version(
                    prompt: prompt, blob: blob, version: versionName(prompt, blob), commit: items.last { $0.commit != nil }?.commit,
                    firstUsed: items.map(\.time).min() ?? request.since,
                    uses: items.filter { Event.useKinds.contains($0.kind) }.count,
                    successes: successes, failures: failures, scores: scores.count,
                    meanScore: scores.isEmpty ? nil : scores.reduce(0, +) / Double(scores.count),
                    successRate: successes + failures == 0 ? nil : Double(successes) / Double(successes + failures),
                    best: false))
            }
            let rated = promptVersions.filter { $0.successRate != nil || $0.meanScore != nil }
            let best = rated.max { ($0.successRate ?? -1, $0.meanScore ?? -1) < ($1.successRate ?? -1, $1.meanScore ?? -1) }
            versions += promptVersions.map { version in
                guard rated.count > 1, version.blob == best?.blob else { return version }
                return StatsReport.Version(prompt: version.prompt, blob: version.blob, version: version.version, commit: version.commit,
                                           firstUsed: version.firstUsed, uses: version.uses, successes: version.successes,
                                           failures: version.failures, scores: version.scores, meanScore: version.meanScore,
                                           successRate: version.successRate, best: true)
            }
        }
        versions.sort { ($0.prompt, $0.firstUsed) < ($1.prompt, $1.firstUsed) }

        var unused: [String] = []
        if request.prompt == nil {
            let used = Set(top.map(\.key))
            unused = try index().entries().filter { $0.status == PromptStatus.active.rawValue && !$0.partial && !used.contains($0.id) }
                .map(\.id)
        }
        return StatsReport(since: request.since, until: request.until, prompt: request.prompt?.rawValue, grouping: request.by,
                           totals: count("all", events), top: top, breakdown: breakdown, versions: versions, unused: unused)
    }
}
