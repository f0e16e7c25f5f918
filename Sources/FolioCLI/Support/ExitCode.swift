import FolioKit

/// folio's exit codes. They are fixed: scripts and CI depend on them. docs/cli.md lists them (a test keeps
/// the two in step).
public enum FolioExitCode: Int32, CaseIterable, Sendable {
    case success = 0
    case findings = 1
    case notFound = 2
    case invalidInput = 3
    case conflict = 4
    case git = 5
    case io = 6
    case usage = 64
    case internalError = 70

    /// What the code means, as docs/cli.md says it.
    public var meaning: String {
        switch self {
        case .success: return "success"
        case .findings: return "a check found problems: lint errors, index drift, `review --fail-on`"
        case .notFound: return "not found: no library, prompt, template or revision by that name"
        case .invalidInput: return "invalid input: a malformed file, a bad id, wrong or missing variables"
        case .conflict: return "conflict: already exists, still in use, or changed meanwhile"
        case .git: return "git: no identity, a merge in progress, another user's repository not trusted by safe.directory, or a repository error"
        case .io: return "a file could not be read or written: the message names the path and the chmod, chown or mv that fixes it"
        case .usage: return "usage: unknown option or missing argument"
        case .internalError: return "internal error: a bug in folio; please report it"
        }
    }

    /// The code's name in JSON errors (`not_found`), as docs/cli.md lists them.
    public var name: String {
        switch self {
        case .success: return "success"
        case .findings: return "findings"
        case .notFound: return "not_found"
        case .invalidInput: return "invalid_input"
        case .conflict: return "conflict"
        case .git: return "git"
        case .io: return "io"
        case .usage: return "usage"
        case .internalError: return "internal"
        }
    }

    init(_ kind: FolioError.Kind) {
        switch kind {
        case .notFound: self = .notFound
        case .invalidInput: self = .invalidInput
        case .conflict: self = .conflict
        case .git: self = .git
        case .io: self = .io
        case .internal: self = .internalError
        }
    }
}
