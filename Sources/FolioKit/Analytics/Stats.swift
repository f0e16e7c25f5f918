import Foundation
internal import Git

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

    /// The forms `--since` takes, for messages.
    static let sinceForms = "a span: 24h, 30d, 12w, 6m (months), 1y; or a start date: 2026-01-31 or 2026-01-31T09:00:00Z"

    /// Reads a span ending at `now` (`24h`, `30d`, `12w`, `6m` for months, `1y`) or a start date (`2026-01-31`,
    /// local midnight; or ISO 8601 with a time, `2026-01-31T09:00:00Z`) into the start of the period.
    public static func parseSince(_ text: String, now: Date) throws -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var start: Date?
        if let unit = trimmed.last, "hdwmy".contains(unit) {
            let number = String(trimmed.dropLast())
            switch unit {
            case "m", "y":
                // Months and years are calendar spans (a month back from 31 March is the end of February).
                if let count = Int(number), count >= 0 {
                    start = Calendar(identifier: .gregorian).date(byAdding: unit == "m" ? .month : .year, value: -count, to: now)
                }
            default:
                if let count = Double(number), count >= 0, count.isFinite {
                    start = now.addingTimeInterval(-count * (unit == "h" ? 3600 : unit == "d" ? 86_400 : 7 * 86_400))
                }
            }
        } else if trimmed.contains("T") {
            let formatter = ISO8601DateFormatter()
            start = formatter.date(from: trimmed)
            if start == nil {
                formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
                start = formatter.date(from: trimmed)
            }
        } else {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.calendar = Calendar(identifier: .gregorian)
            formatter.isLenient = false
            formatter.dateFormat = "yyyy-MM-dd"
            start = formatter.date(from: trimmed)
        }
        guard let start else {
            throw FolioError(.invalidInput, "--since takes \(sinceForms) (got '\(text)')")
        }
        guard start <= now else {
            throw FolioError(.invalidInput, "--since \(text) is after now; give a start in the past (\(sinceForms))")
        }
        return start
    }
}

/// Usage figures for a period.
public struct StatsReport: Sendable, Codable, Equatable {
    public struct Count: Sendable, Codable, Equatable {
        /// The prompt, day, week, version, source or variant counted.
        public let key: String
        /// Renders, direct uses, copies and experiment exposures together.
        public let uses: Int
        public let renders: Int
        public let directUses: Int
        public let copies: Int
        /// Renders for an experiment's subject.
        public let exposures: Int
        /// Rated events (one per event, however often it was rated).
        public let feedback: Int
    }

    /// How one version of a prompt did: uses, and the feedback on them.
    public struct Version: Sendable, Codable, Equatable {
        public let prompt: String
        /// The blob id of the prompt file (the version's content).
        public let blob: String
        /// Its version on this branch (`v3`), when a committed version has this content.
        public let version: String?
        /// A name for people: `v3`, `variant concise`, `commit 3f2a9c1` (committed elsewhere), or
        /// `uncommitted 1a2b3c4` (a working copy never committed).
        public let label: String
        /// The variants it was used as (experiment arms, `--variant` renders).
        public let variants: [String]
        /// The latest commit HEAD was at when this version was used.
        public let commit: String?
        public let firstUsed: Date
        /// Uses in the period (exposures included).
        public let uses: Int
        public let successes: Int
        public let failures: Int
        public let scores: Int
        public let meanScore: Double?
        /// successes / (successes + failures), when there was any.
        public let successRate: Double?
        /// True for the best version of its prompt (see `Library.stats`).
        public internal(set) var best: Bool
    }

    public let since: Date
    public let until: Date
    public let prompt: String?
    public let grouping: StatsRequest.Grouping
    public let totals: Count
    /// Prompts by uses, most used first.
    public let top: [Count]
    /// Uses by the requested grouping (every day or week of the period in order, empty ones too; the rest by uses).
    public let breakdown: [Count]
    public let versions: [Version]
    /// Active prompts (not partials) with no use in the period.
    public let unused: [String]
}

extension Library {
    /// Usage figures from the analytics events, with the index for the prompts that went unused.
    ///
    /// Counting rules: a use is a render, a direct use, a copy or an experiment exposure. Each rated event has one
    /// outcome (`Event.oneOutcomePerEvent`), counted with the use it rates: only feedback on uses in the period
    /// counts. A version is marked best only when it was used in the period and has outcomes, at least one other
    /// version of the prompt qualifies too, and it ranks strictly first by the lower bound of the 95% Wilson
    /// interval of its success rate (so one lucky use does not beat 19 successes in 20), then by mean score.
    public func stats(_ request: StatsRequest) throws -> StatsReport {
        if let prompt = request.prompt { try requireStatsPrompt(prompt, team: request.team) }
        let events = try countedEvents(since: request.since, until: request.until, prompt: request.prompt?.rawValue, team: request.team)
        let calendar = Calendar(identifier: .iso8601)

        func count(_ key: String, _ group: [Event]) -> StatsReport.Count {
            func n(_ kind: Event.Kind) -> Int { group.lazy.filter { $0.kind == kind }.count }
            return StatsReport.Count(key: key, uses: group.lazy.filter { Event.useKinds.contains($0.kind) }.count, renders: n(.render),
                                     directUses: n(.use), copies: n(.copy), exposures: n(.exposure), feedback: n(.feedback))
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
        var versionNames: [String: [String: (name: String, number: Int)]] = [:]
        for prompt in Set(events.map(\.prompt)) {
            guard let id = try? PromptID(prompt), let history = try? self.history(of: id) else { continue }
            var names: [String: (name: String, number: Int)] = [:]
            for version in history { names[version.blob] = (version.name, version.number) }
            versionNames[prompt] = names
        }
        var labels: [String: String] = [:]
        func label(_ prompt: String, _ blob: String, _ group: [Event]) -> String {
            if let known = labels[prompt + "@" + blob] { return known }
            let variants = Set(group.compactMap(\.variant)).sorted()
            let made = versionNames[prompt]?[blob]?.name ?? (variants.isEmpty ? nil : "variant " + variants.joined(separator: ", "))
                ?? self.label(unnamed: prompt, blob: blob, commit: group.last { $0.commit != nil }?.commit)
            labels[prompt + "@" + blob] = made
            return made
        }
        let byVersion = Dictionary(grouping: events) { VersionKey(prompt: $0.prompt, blob: $0.blob ?? "") }

        let key: (Event) -> String
        switch request.by {
        case .day: key = { day($0.time) }
        case .week: key = { week($0.time) }
        case .version:
            var keys: [VersionKey: String] = [:]
            for (version, group) in byVersion { keys[version] = "\(version.prompt)@\(label(version.prompt, version.blob, group))" }
            key = { keys[VersionKey(prompt: $0.prompt, blob: $0.blob ?? "")] ?? $0.prompt }
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
        for (prompt, keys) in Dictionary(grouping: byVersion.keys, by: \.prompt) {
            var promptVersions: [StatsReport.Version] = []
            for versionKey in keys {
                let items = byVersion[versionKey] ?? []
                let blob = versionKey.blob
                let feedback = items.filter { $0.kind == .feedback }
                let successes = feedback.filter { $0.success == true }.count
                let failures = feedback.filter { $0.success == false }.count
                let scores = feedback.compactMap(\.score)
                let uses = items.filter { Event.useKinds.contains($0.kind) }
                promptVersions.append(StatsReport.Version(
                    prompt: prompt, blob: blob, version: versionNames[prompt]?[blob]?.name, label: label(prompt, blob, items),
                    variants: Set(uses.compactMap(\.variant)).sorted(), commit: items.last { $0.commit != nil }?.commit,
                    firstUsed: items.map(\.time).min() ?? request.since, uses: uses.count,
                    successes: successes, failures: failures, scores: scores.count,
                    meanScore: scores.isEmpty ? nil : scores.reduce(0, +) / Double(scores.count),
                    successRate: successes + failures == 0 ? nil : Double(successes) / Double(successes + failures),
                    best: false))
            }
            func rank(_ version: StatsReport.Version) -> (Double, Double) {
                (Statistics.wilsonInterval(successes: version.successes, trials: version.successes + version.failures)?.low ?? -1,
                 version.meanScore ?? -1)
            }
            let ranked = promptVersions.filter { $0.uses > 0 && ($0.successes + $0.failures > 0 || $0.scores > 0) }
                .sorted { rank($0) > rank($1) }
            if ranked.count > 1, rank(ranked[0]) > rank(ranked[1]), let index = promptVersions.firstIndex(where: { $0.blob == ranked[0].blob }) {
                promptVersions[index].best = true
            }
            versions += promptVersions
        }
        func order(_ version: StatsReport.Version) -> Int { versionNames[version.prompt]?[version.blob]?.number ?? Int.max }
        versions.sort { ($0.prompt, $0.firstUsed, order($0), $0.blob) < ($1.prompt, $1.firstUsed, order($1), $1.blob) }

        var unused: [String] = []
        if request.prompt == nil {
            let used = Set(top.map(\.key))
            unused = try index().entries().filter { $0.status == PromptStatus.active.rawValue && !$0.partial && !used.contains($0.id) }
                .map(\.id)
        }
        return StatsReport(since: request.since, until: request.until, prompt: request.prompt?.rawValue, grouping: request.by,
                           totals: count("all", events), top: top, breakdown: breakdown, versions: versions, unused: unused)
    }

    /// Refuses a prompt id that is neither in the work tree nor in any event (a prompt removed since still has
    /// its statistics).
    private func requireStatsPrompt(_ id: PromptID, team: Bool) throws {
        if exists(id) { return }
        var known = Set(try events().prompts())
        if team { known.formUnion(try teamEvents().map(\.prompt)) }
        if known.contains(id.rawValue) { return }
        let candidates = known.union(((try? promptIDs()) ?? []).map(\.rawValue))
        throw FolioError(.notFound, "no prompt '\(id)' in \(root)/prompts, and no events for it\(Suggestions.hint(for: id.rawValue, in: Array(candidates))); see `folio list`")
    }

    /// A version not on this branch's history: the commit holding it (`commit 3f2a9c1`), or `uncommitted 1a2b3c4`
    /// when it was the working copy, never committed.
    private func label(unnamed prompt: String, blob: String, commit: String?) -> String {
        if let commit, let id = try? PromptID(prompt), let repository = try? repository,
           let oid = OID(hex: commit),
           let entry = try? repository.file(at: repositoryPath(id.relativePath, in: repository), inCommit: oid)?.entry,
           entry.oid.hex == blob {
            return "commit \(oid.short)"
        }
        return "uncommitted \(blob.prefix(7))"
    }
}

private struct VersionKey: Hashable {
    let prompt: String
    let blob: String
}
