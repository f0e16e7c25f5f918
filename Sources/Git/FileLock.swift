import Foundation

/// An advisory lock on a file (flock), held by one process at a time; released on `release()` or deinit.
/// folio holds one around each commit so that two folio processes never interleave their index updates.
public final class FileLock {
    private var descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { release() }

    /// Waits up to `timeout` seconds for the lock at `path` (created, with its folder, if missing).
    public static func acquire(at path: String, timeout: TimeInterval) throws -> FileLock {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw GitError(code: .locked, operation: "open lock file \(path)", message: String(cString: strerror(errno)))
        }
        let deadline = Date().addingTimeInterval(timeout)
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, Date() < deadline else {
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
