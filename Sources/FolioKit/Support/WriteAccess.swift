import Foundation

/// Why folio cannot write a file it keeps for itself (the write lock, the search index, the analytics events in
/// `.git/folio`), told as a person can act on it: the path that is in the way and the command that fixes it.
/// One diagnosis for every such file, so a permission problem is never reported as something else.
struct WriteAccess: Sendable, Equatable {
    let problem: String
    let fix: String

    var message: String { "\(problem); fix: \(fix)" }

    /// What stands in the way of writing `path`, when something on the path explains it: `path` is a folder, a
    /// folder on the way is a file, or the file or its nearest existing folder is not writable by this user.
    /// `what` names the file for a person ("the search index").
    static func diagnose(_ path: String, what: String) -> WriteAccess? {
        let fm = FileManager.default
        if isFolder(path) { return WriteAccess(problem: "\(what) at \(path) is a folder", fix: "delete it; folio makes it again") }
        let folder = (path as NSString).deletingLastPathComponent
        var existing = folder
        while !fm.fileExists(atPath: existing), existing.count > 1 { existing = (existing as NSString).deletingLastPathComponent }
        if !isFolder(existing) {
            return WriteAccess(problem: "\(what) cannot be kept in \(folder): \(existing) is a file, not a folder",
                               fix: "move \(existing) away (`mv \(existing) \(existing).bak`); folio makes the folder again")
        }
        let blocking = !fm.isWritableFile(atPath: existing) ? existing
            : fm.fileExists(atPath: path) && !fm.isWritableFile(atPath: path) ? path : nil
        guard let blocking else { return nil }
        let owner = (try? fm.attributesOfItem(atPath: blocking))?[.ownerAccountName] as? String
        let me = currentUser
        let ownedByOther = owner != nil && owner != me
        return WriteAccess(
            problem: "\(what) cannot be written: \(blocking) is not writable by you (\(me))" + (ownedByOther ? "; it belongs to \(owner!)" : ""),
            fix: ownedByOther ? "`sudo chown -R \(me) \(blocking)` (or `chmod -R a+w \(blocking)` to share it)"
                              : "`chmod u+w \(blocking)` (or `chown` it, if another user made it)")
    }

    /// The error for a failed write of `path`: the diagnosis when there is one, else `reason` with the path.
    static func error(writing path: String, what: String, reason: String) -> FolioError {
        if let access = diagnose(path, what: what) { return FolioError(.io, access.message) }
        return FolioError(.io, "\(what) at \(path) cannot be written (\(reason)); check the permissions of \((path as NSString).deletingLastPathComponent)")
    }

    /// The reason a Foundation or POSIX error gives, without Foundation's domain and code.
    static func reason(_ error: Error) -> String {
        let error = error as NSError
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue))
        }
        return error.localizedDescription
    }

    static func isFolder(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }

    private static var currentUser: String {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return "uid \(geteuid())" }
        return String(cString: name)
    }
}
