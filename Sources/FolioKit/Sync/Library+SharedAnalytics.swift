import Foundation
internal import Git

/// Shared analytics: `refs/folio/analytics` is a line of commits (apart from every branch) whose tree holds
/// one append-only JSON Lines file per user, `users/<email>.jsonl`. Two versions of a file are joined by union
/// of their events (by id), so merging two clones' analytics can never conflict.
extension Library {
    static let analyticsRef = "refs/folio/analytics"
    static func analyticsTracking(_ remote: String) -> String { "refs/folio/remotes/\(remote)/analytics" }

    /// Whether this library shares its events: `analytics: {share: false}` in folio.yaml opts out.
    var sharesAnalytics: Bool {
        if case .bool(let share)? = config["analytics"]?["share"] { return share }
        return true
    }

    /// The file a user's events are kept in: the email of `Name <email>`, made safe for a path.
    static func analyticsFile(for user: String) -> String {
        let email = user.split(separator: "<").last.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "> ")) } ?? user
        let safe = String(email.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber || "@._-+".contains($0)) ? $0 : "_" })
        return "users/\(safe.isEmpty ? "unknown" : safe).jsonl"
    }

    /// Unites the remote's shared analytics with this clone's (and, unless opted out, with this clone's events),
    /// and adds the push to `plan` when the result is new to the remote. Only files that change are read in
    /// full and rewritten; the new tree is the remote's with those files replaced.
    func integrateAnalytics(_ repository: Repository, remote: String, into plan: inout SharedPlan) throws {
        let ours = try gitCall { try repository.reference(named: Self.analyticsRef)?.target }
        let theirs = try gitCall { try repository.reference(named: Self.analyticsTracking(remote))?.target }
        let baseTree = try (theirs ?? ours).map { tip in try gitCall { try repository.commit(tip).tree } }
        let baseFiles = try baseTree.map { try analyticsFiles(repository, tree: $0) } ?? [:]
        var changed: [String: [String: Event]] = [:]  // path → its events by id, for the files that change
        func current(_ path: String) throws -> [String: Event] {
            if let file = changed[path] { return file }
            guard let blob = baseFiles[path] else { return [:] }
            return try Self.byID(Self.events(inJSONLines: gitCall { try repository.blob(blob) }))
        }
        func add(_ events: [Event], to path: String) throws -> Int {
            var file = try current(path)
            let before = file.count
            for event in events where file[event.id] == nil { file[event.id] = event }
            if file.count > before { changed[path] = file }
            return file.count - before
        }
        // Our own line of analytics commits, where it differs from the remote's.
        if let ours, let theirs, ours != theirs {
            for (path, blob) in try analyticsFiles(repository, tree: gitCall { try repository.commit(ours).tree }) where baseFiles[path] != blob {
                _ = try add(Self.events(inJSONLines: gitCall { try repository.blob(blob) }), to: path)
            }
        }
        var added = 0
        if sharesAnalytics {
            for (path, events) in Dictionary(grouping: try events().events(), by: { Self.analyticsFile(for: $0.user) }) {
                added += try add(events, to: path)
            }
        }
        var tip = theirs ?? ours
        if !changed.isEmpty {
            var changes: [TreeChange] = []
            for (path, events) in changed.sorted(by: { $0.key < $1.key }) {
                let lines = try events.values.sorted { ($0.time, $0.id) < ($1.time, $1.id) }.map(EventStore.line).reduce(Data(), +)
                changes.append(TreeChange(path: path, action: .upsert(blob: try gitCall { try repository.writeBlob(lines) }, mode: .regular)))
            }
            let parents = [ours, theirs].compactMap { $0 }.reduce(into: [OID]()) { if !$0.contains($1) { $0.append($1) } }
            let identity = try gitCall { try repository.identity(environment: environment.variables, now: environment.now()) }
            tip = try gitCall {
                let tree = try repository.writeTree(applying: changes, to: baseTree)
                return try repository.writeCommit(tree: tree, parents: parents, identity: identity,
                                                  message: "folio: analytics: \(Wording.count(added, "event")) from \(eventUser)")
            }
        }
        guard let tip else { return }
        if tip != ours {
            try gitCall { try repository.setReference(Self.analyticsRef, to: tip, expecting: ours.map { .value($0) } ?? .absent, message: "folio: sync analytics") }
        }
        if tip != theirs {
            plan.refspecs.append("\(Self.analyticsRef):\(Self.analyticsRef)")
            plan.tracking.append((Self.analyticsTracking(remote), tip))
            if added > 0 { plan.notes.append("analytics: shared \(Wording.count(added, "new event"))") }
        }
    }

    /// The per-user files of a shared analytics tree, by path.
    private func analyticsFiles(_ repository: Repository, tree: OID) throws -> [String: OID] {
        var files: [String: OID] = [:]
        for entry in try gitCall({ try repository.entries(inTree: tree, under: "users", recursive: true) }) where entry.path.hasSuffix(".jsonl") {
            files[entry.path] = entry.oid
        }
        return files
    }

    private static func byID(_ events: [Event]) -> [String: Event] {
        Dictionary(events.map { ($0.id, $0) }) { _, last in last }
    }

    /// The events of a JSON Lines file; a line that does not read as an event is skipped (another folio's
    /// newer field set still reads, a cut line does not).
    static func events(inJSONLines data: Data) -> [Event] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return data.split(separator: 0x0A).compactMap { try? decoder.decode(Event.self, from: Data($0)) }
    }

    /// Everyone's events: the shared analytics as last synced, united with this clone's own (by id).
    public func teamEvents(since: Date? = nil, until: Date? = nil, prompt: String? = nil) throws -> [Event] {
        let repository = try requireRepository()
        var byID: [String: Event] = [:]
        if let tip = try gitCall({ try repository.reference(named: Self.analyticsRef)?.target }) {
            for blob in try analyticsFiles(repository, tree: gitCall { try repository.commit(tip).tree }).values {
                for event in try Self.events(inJSONLines: gitCall { try repository.blob(blob) }) { byID[event.id] = event }
            }
        }
        for event in try events().events() { byID[event.id] = event }
        return byID.values.filter { event in
            (since.map { event.time >= $0 } ?? true) && (until.map { event.time <= $0 } ?? true) && (prompt.map { event.prompt == $0 } ?? true)
        }.sorted { ($0.time, $0.id) < ($1.time, $1.id) }
    }
}
