import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a file's metadata says about it: if none of this changed, neither did the file (as git assumes).
struct FileStamp: Equatable, Sendable {
    let modified: Int64  // nanoseconds since 1970
    let size: Int64
    let inode: Int64
    let changed: Int64   // ctime, nanoseconds

    init(_ info: stat) {
        modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        size = Int64(info.st_size)
        inode = Int64(bitPattern: UInt64(info.st_ino))
    }

    init(modified: Int64, size: Int64, inode: Int64, changed: Int64) {
        self.modified = modified
        self.size = size
        self.inode = inode
        self.changed = changed
    }
}

/// Lists prompt files and folders under a library's `prompts/` with their stamps, using the POSIX
/// directory calls directly (Foundation's are several times slower at 100,000 files).
enum WorkTreeScanner {
    struct Scan {
        /// Library-relative file paths (`prompts/a/b.prompt.md`) and their stamps.
        var files: [String: FileStamp] = [:]
        /// Library-relative folder paths (`prompts`, `prompts/a`) and their modification times.
        var folders: [String: Int64] = [:]
    }

    /// Every prompt file and folder under `root/prompts` (hidden ones skipped).
    static func scan(root: String) -> Scan {
        var result = Scan()
        scanFolder(root: root, relative: "prompts", recursive: true, into: &result)
        return result
    }

    /// The files directly in one folder (not below), and the folder's own subfolders' mtimes.
    static func scanFolder(root: String, relative: String, recursive: Bool, into result: inout Scan) {
        let path = root + "/" + relative
        guard let directory = opendir(path) else { return }
        defer { closedir(directory) }
        let fd = dirfd(directory)
        var own = stat()
        if fstat(fd, &own) == 0 { result.folders[relative] = FileStamp(own).modified }
        var subfolders: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name.hasPrefix(".") { continue }
            var info = stat()
            guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            let child = relative + "/" + name
            if (info.st_mode & S_IFMT) == S_IFDIR {
                subfolders.append(child)
            } else if (info.st_mode & S_IFMT) == S_IFREG, name.hasSuffix(PromptID.fileSuffix) {
                result.files[child] = FileStamp(info)
            }
        }
        if recursive {
            for folder in subfolders { scanFolder(root: root, relative: folder, recursive: true, into: &result) }
        } else {
            for folder in subfolders {
                var info = stat()
                if stat(root + "/" + folder, &info) == 0 { result.folders[folder] = FileStamp(info).modified }
            }
        }
    }

    /// A folder's modification time, or nil when it is gone.
    static func folderTime(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { return nil }
        return FileStamp(info).modified
    }

    /// A file's stamp, or nil when it is gone or not a regular file.
    static func stamp(_ path: String) -> FileStamp? {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return FileStamp(info)
    }
}
