internal import CGit2

/// An error from libgit2 or from the Git layer itself, naming the operation that failed.
public struct GitError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is, so callers can react to the ones they expect.
    public enum Code: Sendable, Equatable {
        case notFound
        case exists
        case ambiguous
        case unbornBranch
        case invalidSpec
        case locked
        /// A reference did not have the value the caller expected (a concurrent change).
        case modified
        case noIdentity
        /// The remote refused the credentials offered (or none could be offered).
        case auth
        /// The ssh server's host key is unknown or changed.
        case hostKey
        /// The repository belongs to another user and `safe.directory` does not trust it.
        case dubiousOwnership
        /// A file or folder the Git layer keeps (a lock) cannot be created or opened: permissions, not a folder.
        case fileSystem
        case other(Int32)
    }

    public let code: Code
    /// The operation, e.g. `resolve revision 'HEAD~2'`.
    public let operation: String
    /// libgit2's own message, or ours.
    public let message: String

    public init(code: Code, operation: String, message: String) {
        self.code = code
        self.operation = operation
        self.message = message
    }

    public var description: String {
        message.isEmpty ? "\(operation) failed" : "\(operation): \(message)"
    }
}

extension GitError.Code {
    init(libgit2 value: Int32) {
        switch value {
        case GIT_ENOTFOUND.rawValue: self = .notFound
        case GIT_EEXISTS.rawValue: self = .exists
        case GIT_EAMBIGUOUS.rawValue: self = .ambiguous
        case GIT_EUNBORNBRANCH.rawValue: self = .unbornBranch
        case GIT_EINVALIDSPEC.rawValue: self = .invalidSpec
        case GIT_ELOCKED.rawValue: self = .locked
        case GIT_EMODIFIED.rawValue: self = .modified
        case GIT_EAUTH.rawValue: self = .auth
        default: self = .other(value)
        }
    }
}

/// Checks a libgit2 return code; on failure reads `git_error_last()` at once and throws.
func check(_ result: Int32, _ operation: @autoclosure () -> String) throws {
    guard result < 0 else { return }
    throw GitError.last(result, operation())
}

extension GitError {
    /// The error for a failed libgit2 call: its return code and `git_error_last()`, read at once.
    static func last(_ result: Int32, _ operation: String) -> GitError {
        let message: String
        if let last = git_error_last(), let text = last.pointee.message {
            message = String(cString: text)
        } else {
            message = ""
        }
        return GitError(code: GitError.Code(libgit2: result), operation: operation, message: message)
    }
}

/// libgit2 must be initialised once per process before any call.
let libgit2Initialized: Bool = {
    git_libgit2_init()
    // The object cache defaults to 256 MB; walking a long history fills it with commits and trees read once.
    _ = folio_git_set_cache_max_size(32 * 1024 * 1024)
    return true
}()
