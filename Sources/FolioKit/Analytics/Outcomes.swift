import Foundation

/// One outcome per rated event. Feedback is recorded as events and never rewritten (the journal and the
/// shared analytics only grow), so rating an event again adds a second feedback event; every reader counts
/// them as one: each part of the outcome (success or failure, score, note) is the latest feedback that gives
/// it, across users. A note alone therefore keeps the earlier success or score. "Latest" is by time, then by
/// event id, so every clone decides the same.
extension Event {
    /// The events with each rated event's feedback merged into one feedback event (the latest one, carrying the
    /// merged outcome). Feedback on an event that is not among `events` (rated outside the period, or an event
    /// this clone does not have) is left out: feedback counts with the use it rates.
    public static func oneOutcomePerEvent(_ events: [Event]) -> [Event] {
        let rated = Set(events.lazy.filter { $0.kind != .feedback }.map(\.id))
        var byRef: [String: [Event]] = [:]
        for event in events where event.kind == .feedback {
            guard let ref = event.ref, rated.contains(ref) else { continue }
            byRef[ref, default: []].append(event)
        }
        var merged: [String: Event] = [:]  // the id of the latest feedback → the merged outcome
        for feedback in byRef.values {
            guard let outcome = merge(feedback) else { continue }
            merged[outcome.id] = outcome
        }
        return events.compactMap { event in
            event.kind == .feedback ? merged[event.id] : event
        }
    }

    /// Feedback on one event merged into its outcome: the latest event, with the latest success, score and note
    /// any of them gave.
    static func merge(_ feedback: [Event]) -> Event? {
        let ordered = feedback.sorted { ($0.time, $0.id) < ($1.time, $1.id) }
        guard let latest = ordered.last else { return nil }
        return Event(id: latest.id, kind: .feedback, prompt: latest.prompt, blob: latest.blob, commit: latest.commit,
                     variant: latest.variant, experiment: latest.experiment, subject: latest.subject, source: latest.source,
                     user: latest.user, time: latest.time, score: ordered.last { $0.score != nil }?.score,
                     success: ordered.last { $0.success != nil }?.success, note: ordered.last { $0.note != nil }?.note,
                     ref: latest.ref, client: latest.client)
    }
}

/// Feedback just recorded, and the outcome the rated event had before it.
public struct RecordedFeedback: Sendable {
    public let event: Event
    /// All earlier feedback on the same event, merged (nil when this is the first).
    public let earlier: Event?

    /// The parts of the earlier outcome the new feedback replaced, in words: `success`, `failure`, `score 4`,
    /// `note`. Empty when it only added to it.
    public var replaced: [String] {
        guard let earlier else { return [] }
        var parts: [String] = []
        if event.success != nil, let before = earlier.success { parts.append(before ? "success" : "failure") }
        if event.score != nil, let before = earlier.score { parts.append("score \(before.formatted())") }
        if event.note != nil, earlier.note != nil { parts.append("note") }
        return parts
    }
}
