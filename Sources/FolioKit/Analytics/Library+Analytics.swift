import Foundation
internal import Git

extension Library {
    /// The library's analytics events, in the git directory shared by all work trees of the clone.
    public func events() throws -> EventStore {
        if let openedEvents { return openedEvents }
        guard let repository = try repository, repository.workdir != nil else {
            throw FolioError(.git, "analytics are kept in the git repository, and the library at \(root) is not in one; run `git init` there")
        }
        let store = try EventStore(path: PromptIndex.folder(library: self, repository: repository, shared: true) + "/events.sqlite")
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

    /// Records an event for a prompt at a revision: the version is that revision's file and commit.
    @discardableResult
    public func record(_ kind: Event.Kind, prompt reference: PromptReference, source: String, variant: String? = nil,
                       experiment: String? = nil, subject: String? = nil, client: String? = nil) throws -> Event {
        let data = try rawFile(reference)
        let blob = try gitCall { try Repository.blobID(of: data) }
        let commit = try reference.revision.map { try resolve($0, of: reference.id).commit } ?? (try? repository?.head().commit)?.hex
        let event = Event(kind: kind, prompt: reference.id.rawValue, blob: blob.hex, commit: commit, variant: variant,
                          experiment: experiment, subject: subject, source: source, user: eventUser, time: environment.now(),
                          client: client)
        try events().record(event)
        return event
    }

    /// Records feedback on an earlier event: a score from 1 to 5, success or failure, a note.
    @discardableResult
    public func recordFeedback(on eventID: String, score: Double? = nil, success: Bool? = nil, note: String? = nil,
                               source: String, client: String? = nil) throws -> Event {
        if let score, !(1...5).contains(score) {
            throw FolioError(.invalidInput, "a score is from 1 to 5 (got \(score.formatted()))")
        }
        guard score != nil || success != nil || note != nil else {
            throw FolioError(.invalidInput, "feedback needs a score, a success or failure, or a note")
        }
        let store = try events()
        guard let rated = try store.event(id: eventID) else {
            throw FolioError(.notFound, "no event '\(eventID)' in this clone's analytics; the id is printed by render --json, use and experiments")
        }
        guard rated.kind != .feedback else {
            throw FolioError(.invalidInput, "'\(eventID)' is itself feedback; rate the render, use or exposure it was about")
        }
        let event = Event(kind: .feedback, prompt: rated.prompt, blob: rated.blob, commit: rated.commit, variant: rated.variant,
                          experiment: rated.experiment, subject: rated.subject, source: source, user: eventUser,
                          time: environment.now(), score: score, success: success, note: note, ref: rated.id, client: client)
        try store.record(event)
        return event
    }
}
