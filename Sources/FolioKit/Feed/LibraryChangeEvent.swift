import Foundation

/// One event of the change feed: what changed in the library, which prompts or contexts it concerns, and when the
/// feed saw it. Several changes seen within the debounce window are one event per kind.
public struct LibraryChangeEvent: Sendable, Equatable, Codable {
    /// What changed. The raw value is the event's name (`prompt.changed`), as Server-Sent Events name it.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case promptAdded = "prompt.added"
        case promptChanged = "prompt.changed"
        case promptRemoved = "prompt.removed"
        case contextAdded = "context.added"
        case contextChanged = "context.changed"
        case contextRemoved = "context.removed"
        case labelMoved = "label.moved"
        case analyticsEvent = "analytics.event"

        /// True for the kinds that change the lists of prompts and contexts (what MCP's list_changed announces).
        public var changesLists: Bool { self != .labelMoved && self != .analyticsEvent }
    }

    /// A label that moved: the commits it pointed at before and after (nil: it did not exist, or was removed).
    public struct MovedLabel: Sendable, Equatable, Codable {
        public let prompt: String
        public let label: String
        public let from: String?
        public let to: String?
    }

    /// Increases by one from event to event within a feed; a new feed starts above any id an earlier one gave out
    /// (the clock in milliseconds), so a client's Last-Event-ID from before a restart is seen as too old.
    public let id: Int
    public let kind: Kind
    /// The prompts or contexts concerned, sorted (for `analytics.event` the prompts the events were about). Empty
    /// with `many` true when too many changed at once (a checkout) to be named, or which ones is not known.
    public let ids: [String]
    /// True when `ids` does not name everything that changed: reload the whole list.
    public let many: Bool
    /// For `label.moved`: each label that moved.
    public let labels: [MovedLabel]?
    /// For `analytics.event`: how many events landed.
    public let events: Int?
    /// When the feed saw the change.
    public let time: Date

    public init(id: Int, kind: Kind, ids: [String], many: Bool = false, labels: [MovedLabel]? = nil, events: Int? = nil,
                time: Date) {
        self.id = id
        self.kind = kind
        self.ids = ids
        self.many = many
        self.labels = labels
        self.events = events
        self.time = time
    }
}

/// What a subscriber of the change feed receives: the changes in order, and, first, a note when some of those it
/// asked for (after its Last-Event-ID) are no longer held.
public enum LibraryFeedMessage: Sendable, Equatable {
    case change(LibraryChangeEvent)
    /// Events after `after` were dropped from the ring (or `after` is not an id this feed gave out): whatever the
    /// client shows may be stale; reload it. What the feed still holds follows, from `resumeFrom` on.
    case missed(after: Int, resumeFrom: Int)
}
