internal import Git

/// An error a folio user can act on, or a bug. The message names the thing and the fix.
public struct FolioError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure: adapters map this to exit codes and HTTP statuses.
    public enum Kind: Sendable, Equatable {
        /// No such library, prompt, template, revision.
        case notFound
        /// A malformed file, a bad id, wrong variables.
        case invalidInput
        /// Already exists, still in use, changed meanwhile.
        case conflict
        /// git could not do what was asked (no identity, repository state, libgit2 failure).
        case git
        /// A file could not be read or written (permissions, a full disk).
        case io
        /// A bug in folio.
        case `internal`
    }

    public let kind: Kind
    public let message: String
    /// For an error in a file: where, and the message without the location.
    public let line: Int?
    public let column: Int?
    public let detail: String?
    /// For a change refused because the file moved on meanwhile: what is needed to retry it.
    public let conflict: WriteConflict?

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
        line = nil
        column = nil
        detail = nil
        conflict = nil
    }

    init(conflict: WriteConflict, _ message: String) {
        kind = .conflict
        self.message = message
        line = nil
        column = nil
        detail = nil
        self.conflict = conflict
    }

    init(_ kind: Kind, _ message: String, line: Int, column: Int, detail: String) {
        self.kind = kind
        self.message = message
        self.line = line
        self.column = column
        self.detail = detail
        conflict = nil
    }

    public var description: String { message }
}

/// A change refused because its file moved on while it was being made: the two versions together, with conflict
/// markers, and the version there now, to make the change again against.
public struct WriteConflict: Sendable, Equatable {
    /// The file, relative to the library.
    public let path: String
    /// The change and what moved on, merged, with `<<<<<<< yours` … `>>>>>>> meanwhile` around what both changed
    /// (nil when there is nothing to merge with: the file was deleted or renamed meanwhile).
    public let merged: String?
    /// The blob id of the file as it is now (kept in the object database, so `--base` can name it); nil when deleted.
    public let current: String?
    /// The prompt id the file was renamed to meanwhile, when it was.
    public let renamedTo: String?
}

extension FolioError {
    /// `path:line:col: error: message`, the form compilers and editors understand.
    static func invalidFile(_ path: String, line: Int, column: Int, _ message: String) -> FolioError {
        FolioError(.invalidInput, "\(path):\(line):\(column): error: \(message)", line: line, column: column, detail: message)
    }

    /// Wraps a git error, keeping libgit2's message and adding what folio was doing.
    static func git(_ error: GitError, while doing: String? = nil) -> FolioError {
        let prefix = doing.map { "\($0): " } ?? ""
        switch error.code {
        case .noIdentity:
            return FolioError(.git, "no git identity: \(error.message)")
        case .locked where error.message.hasPrefix("a merge is in progress"):
            // What the Git layer says when a commit meets MERGE_HEAD; in a library that is almost always a sync that
            // stopped on conflicts, and folio's own commands finish or undo it (for a merge begun with git too).
            return FolioError(.git, "\(prefix)a merge is in progress (a folio sync that stopped on conflicts): resolve the conflicted files and run folio sync --continue, or go back to where you were with folio sync --abort; then try again")
        case .modified:
            return FolioError(.conflict, "\(prefix)\(error.description) (another process changed the repository; try again)")
        case .notFound:
            return FolioError(.notFound, "\(prefix)\(error.description)")
        case .dubiousOwnership:
            // The message is git's, with git's fix; what folio was doing adds nothing.
            return FolioError(.git, error.message)
        case .fileSystem:
            return FolioError(.io, "\(prefix)\(error.description)")
        default:
            return FolioError(.git, "\(prefix)\(error.description)")
        }
    }
}

/// Runs `body`, turning git errors into folio errors.
func gitCall<T>(_ body: () throws -> T) throws -> T {
    try gitCall(nil, body)
}

/// Runs `body`, turning git errors into folio errors that say what folio was doing.
func gitCall<T>(_ doing: String?, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as GitError {
        throw FolioError.git(error, while: doing)
    }
}

extension GitError {
    /// True when resolving a revision a person gave failed because it names no commit: not found, not valid,
    /// ambiguous, an unborn branch, or syntax libgit2 does not implement (`:path`, which means the index, comes back as
    /// its generic error "unimplemented"). Such a revision is not found, never a server or repository failure.
    var namesNoRevision: Bool {
        switch code {
        case .notFound, .invalidSpec, .ambiguous, .unbornBranch, .other: true
        default: false
        }
    }
}
