import Foundation

/// An advisory lock on a file (flock), held by one process at a time; released on `release()` or deinit.
/// folio holds one around each commit so that two folio processes never interleave their index updates.
public final class FileLock {
    private var descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { release() }

    /// Waits up to `timeout` seconds for the lock at `path` (created, with its folder, if missing). Throws a
    /// `locked` error when another process holds it all that time, a `fileSystem` error when the file cannot be
    /// made or opened (a folder that is not writable, a file where the folder should be).
    public static func acquire(at path: String, timeout: TimeInterval) throws -> FileLock {
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            let reason = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)?.localizedDescription ?? error.localizedDescription
            throw GitError(code: .fileSystem, operation: "create \(folder)", message: reason)
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw GitError(code: .fileSystem, operation: "open lock file \(path)", message: String(cString: strerror(errno)))
        }
        let deadline = Date().addingTimeInterval(timeout)
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let failure = errno
            guard failure == EWOULDBLOCK || failure == EINTR else {
                close(descriptor)
                throw GitError(code: .fileSystem, operation: "lock \(path)", message: String(cString: strerror(failure)))
            }
            guard Date() < deadline else {
                close(descriptor)
                throw GitError(code: .locked, operation: "lock \(path)",
                               message: "another folio process has held it for \(Int(timeout)) s; if none is running, delete the file")
            }
            usleep(5_000)
        }
        return FileLock(descriptor: descriptor)
    }

    /// Releases the lock (once).
    public func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }
}
