import Foundation
internal import Git

extension Library {
    /// The library's analytics events, in the git directory shared by all work trees of the clone.
    public func events() throws -> EventStore {
        if let openedEvents { return openedEvents }
        guard let repository = try repository, repository.workdir != nil else {
            throw FolioError(.git, "analytics are kept in the git repository, and the library at \(root) is not in one; run `git init` there")
        }
        let store = try EventStore(path: PromptIndex.folder(library: self, repository: repository, shared: true) + "/events.sqlite",
                                   notify: environment.notify)
        openedEvents = store
        return store
    }

    /// Who is acting, for events: the git identity, or "unknown" when there is none (an event is never
    /// refused for that).
    var eventUser: String {
        guard let repository = try? repository,
              let identity = try? repository.identity(environment: environment.variables, now: environment.now()) else {
            return "unknown"
        }
        return "\(identity.author.name) <\(identity.author.email)>"
    }

    /// Records that a prompt was rendered, used or copied (or shown in an experiment), with the version used:
    /// the blob id of the file as it is now and the commit HEAD is at. Returns the event, whose id feedback
    /// can refer to.
    @discardableResult
    public func record(_ kind: Event.Kind, prompt id: PromptID, source: String, variant: String? = nil,
                       experiment: String? = nil, subject: String? = nil, client: String? = nil) throws -> Event {
        try record(kind, prompt: PromptReference(id: id), source: source, variant: variant, experiment: experiment, subject: subject,
                   client: client)
    }

    /// Records an event for a prompt at a revision: the version is that revision's file and commit. A revision
    /// that is a variant's branch (`variant/concise`) is recorded as that variant.
    @discardableResult
    public func record(_ kind: Event.Kind, prompt reference: PromptReference, source: String, variant: String? = nil,
                       experiment: String? = nil, subject: String? = nil, client: String? = nil) throws -> Event {
        let data = try rawFile(reference)
        let blob = try gitCall { try Repository.blobID(of: data) }
        let commit = try reference.revision.map { try resolve($0, of: reference.id).commit } ?? (try? repository?.head().commit)?.hex
        let variant = variant ?? reference.revision.flatMap { revision in
            revision.hasPrefix(Self.variantPrefix) ? String(revision.dropFirst(Self.variantPrefix.count)) : nil
        }
        let event = Event(kind: kind, prompt: reference.id.rawValue, blob: blob.hex, commit: commit, variant: variant,
                          experiment: experiment, subject: subject, source: source, user: eventUser, time: environment.now(),
                          client: client)
        try events().record(event)
        return event
    }

    /// Records feedback on an earlier event: a score from 1 to 5, success or failure, a note. An event has one
    /// outcome: feedback on an event already rated replaces the parts it gives (see `Event.oneOutcomePerEvent`),
    /// and the result says what it replaced. The event may be this clone's or, after `folio sync`, a teammate's.
    @discardableResult
    public func recordFeedback(on eventID: String, score: Double? = nil, success: Bool? = nil, note: String? = nil,
                               source: String, client: String? = nil) throws -> RecordedFeedback {
        if let score, !(1...5).contains(score) {
            throw FolioError(.invalidInput, "a score is from 1 to 5 (got \(score.formatted()))")
        }
        guard score != nil || success != nil || note != nil else {
            throw FolioError(.invalidInput, "feedback needs a score, a success or failure, or a note")
        }
        let store = try events()
        var rated = try store.event(id: eventID)
        var earlier = try rated.map { try store.feedback(on: $0.id) } ?? []
        if rated == nil, let shared = try sharedEvent(id: eventID) {
            (rated, earlier) = (shared.event, shared.feedback)  // the shared events include this clone's own
        }
        guard let rated else {
            throw FolioError(.notFound, "no event '\(eventID)' in this clone's analytics or the shared ones; the id is printed by render --json, use and experiments")
        }
        guard rated.kind != .feedback else {
            throw FolioError(.invalidInput, "'\(eventID)' is itself feedback; rate the render, use or exposure it was about")
        }
        let before = Event.merge(earlier)
        // The latest feedback wins: keep this one after the earlier even when the clock did not move (or went back).
        var time = environment.now()
        if let last = before?.time, time <= last { time = last.addingTimeInterval(0.001) }
        let event = Event(kind: .feedback, prompt: rated.prompt, blob: rated.blob, commit: rated.commit, variant: rated.variant,
                          experiment: rated.experiment, subject: rated.subject, source: source, user: eventUser,
                          time: time, score: score, success: success, note: note, ref: rated.id, client: client)
        try store.record(event)
        return RecordedFeedback(event: event, earlier: before)
    }

    /// An event known only from the shared analytics (a teammate's, after `folio sync`), by id or a unique prefix of
    /// at least 8 characters, with the feedback given on it.
    private func sharedEvent(id: String) throws -> (event: Event, feedback: [Event])? {
        guard let repository = try repository, try gitCall({ try repository.reference(named: Self.analyticsRef) }) != nil else { return nil }
        let team = try teamEvents()
        let matches = team.filter { $0.id == id }
        let found = matches.isEmpty && id.count >= 8 ? team.filter { $0.id.hasPrefix(id) } : matches
        guard found.count == 1, let event = found.first else { return nil }
        return (event, team.filter { $0.kind == .feedback && $0.ref == event.id })
    }

    /// The events statistics count, from `since` to `until`: this clone's, or everyone's (`team`), with one
    /// outcome per rated event.
    func countedEvents(since: Date? = nil, until: Date? = nil, prompt: String? = nil, team: Bool) throws -> [Event] {
        let raw = try team ? teamEvents(since: since, until: until, prompt: prompt)
            : events().events(since: since, until: until, prompt: prompt)
        return Event.oneOutcomePerEvent(raw)
    }
}
