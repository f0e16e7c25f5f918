import Foundation

/// What FolioKit needs from the outside world, passed in so the core runs without a terminal.
/// Only adapters (the CLI) read the process environment.
public struct FolioEnvironment: Sendable {
    /// Environment variables (for git identity overrides: GIT_AUTHOR_NAME, GIT_AUTHOR_DATE, …).
    public var variables: [String: String]
    /// The folder commands run from.
    public var currentDirectory: String
    /// The clock.
    public var now: @Sendable () -> Date
    /// Receives one-line notices (an index rebuilt because its file was damaged).
    public var notify: @Sendable (String) -> Void
    /// Receives progress of long work (a first index of a large library).
    public var progress: @Sendable (Progress) -> Void
    /// Told of every refresh of the search index: what it found and how long it took (a server's metrics).
    public var indexRefreshed: @Sendable (PromptIndex.RefreshReport) -> Void = { _ in }

    public init(variables: [String: String], currentDirectory: String, now: @escaping @Sendable () -> Date = { Date() },
                notify: @escaping @Sendable (String) -> Void = { _ in },
                progress: @escaping @Sendable (Progress) -> Void = { _ in }) {
        self.variables = variables
        self.currentDirectory = currentDirectory
        self.now = now
        self.notify = notify
        self.progress = progress
    }

    /// How far long work has come.
    public struct Progress: Sendable, Equatable {
        public let task: String
        public let done: Int
        public let total: Int

        public init(task: String, done: Int, total: Int) {
            self.task = task
            self.done = done
            self.total = total
        }
    }
}
