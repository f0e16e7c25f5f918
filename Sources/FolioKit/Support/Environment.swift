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

    public init(variables: [String: String], currentDirectory: String, now: @escaping @Sendable () -> Date = { Date() }) {
        self.variables = variables
        self.currentDirectory = currentDirectory
        self.now = now
    }
}
