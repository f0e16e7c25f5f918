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
    /// One folder: its time, its prompt files (library-relative paths) and a digest of their names and
    /// stamps that does not depend on the order readdir returns them in.
    struct Folder {
        var mtime: Int64
        var files: [String: FileStamp] = [:]
        var digest: Int64 = 0
    }

    struct Scan {
        /// Library-relative folder paths (`prompts`, `prompts/a`).
        var folders: [String: Folder] = [:]

        /// Every file's stamp, by library-relative path.
        var files: [String: FileStamp] {
            var all: [String: FileStamp] = [:]
            for folder in folders.values { all.merge(folder.files) { $1 } }
            return all
        }
    }

    /// Every prompt file and folder under `root/prompts` (hidden ones skipped). Folders are listed first
    /// (readdir says which entries are folders without a stat), then their files are stamped on all cores:
    /// the stats are most of the cost.
    static func scan(root: String) -> Scan {
        var listing: [(folder: String, names: [String])] = []
        var pending = ["prompts"]
        while let relative = pending.popLast() {
            guard let directory = opendir(root + "/" + relative) else { continue }
            var names: [String] = []
            while let entry = readdir(directory) {
                let name = withUnsafePointer(to: entry.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
                }
                if name.hasPrefix(".") { continue }
                var isFolder = entry.pointee.d_type == UInt8(DT_DIR)
                if entry.pointee.d_type == UInt8(DT_UNKNOWN) {
                    var info = stat()
                    isFolder = fstatat(dirfd(directory), name, &info, AT_SYMLINK_NOFOLLOW) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
                }
                if isFolder {
                    pending.append(relative + "/" + name)
                } else if name.hasSuffix(PromptID.fileSuffix) {
                    names.append(name)
                }
            }
            closedir(directory)
            listing.append((relative, names))
        }
        final class Slots: @unchecked Sendable {
            var folders: [Folder?]
            init(_ count: Int) { folders = Array(repeating: nil, count: count) }
        }
        let folders = listing
        let slots = Slots(folders.count)
        DispatchQueue.concurrentPerform(iterations: folders.count) { index in
            let (relative, names) = folders[index]
            let fd = open(root + "/" + relative, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else { return }
            defer { close(fd) }
            var own = stat()
            var folder = Folder(mtime: fstat(fd, &own) == 0 ? FileStamp(own).modified : 0)
            var digest: UInt64 = 0
            for name in names {
                var info = stat()
                guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
                let stamp = FileStamp(info)
                folder.files[relative + "/" + name] = stamp
                digest &+= stamp.hash(name: name)
            }
            folder.digest = Int64(bitPattern: digest)
            slots.folders[index] = folder
        }
        var result = Scan()
        for (index, entry) in listing.enumerated() {
            if let folder = slots.folders[index] { result.folders[entry.folder] = folder }
        }
        return result
    }

    /// One folder's files; with `recursive`, its subfolders' too, else only their times (files left empty).
    static func scanFolder(root: String, relative: String, recursive: Bool, into result: inout Scan) {
        let path = root + "/" + relative
        guard let directory = opendir(path) else { return }
        defer { closedir(directory) }
        let fd = dirfd(directory)
        var own = stat()
        var folder = Folder(mtime: fstat(fd, &own) == 0 ? FileStamp(own).modified : 0)
        var subfolders: [String] = []
        var digest: UInt64 = 0
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name.hasPrefix(".") { continue }
            var info = stat()
            guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                subfolders.append(relative + "/" + name)
            } else if (info.st_mode & S_IFMT) == S_IFREG, name.hasSuffix(PromptID.fileSuffix) {
                let stamp = FileStamp(info)
                folder.files[relative + "/" + name] = stamp
                digest &+= stamp.hash(name: name)
            }
        }
        folder.digest = Int64(bitPattern: digest)
        result.folders[relative] = folder
        for sub in subfolders {
            if recursive {
                scanFolder(root: root, relative: sub, recursive: true, into: &result)
            } else if let time = folderTime(root + "/" + sub) {
                result.folders[sub] = Folder(mtime: time)
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

    /// Every context file under `root/contexts` (library-relative paths) with its stamp.
    static func contextFiles(root: String) -> [String: FileStamp] {
        var files: [String: FileStamp] = [:]
        var pending = [ContextFile.folder]
        while let relative = pending.popLast() {
            guard let directory = opendir(root + "/" + relative) else { continue }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafePointer(to: entry.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
                }
                if name.hasPrefix(".") { continue }
                var info = stat()
                guard fstatat(dirfd(directory), name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
                if (info.st_mode & S_IFMT) == S_IFDIR {
                    pending.append(relative + "/" + name)
                } else if name.hasSuffix(ContextFile.suffix), (info.st_mode & S_IFMT) == S_IFREG {
                    files[relative + "/" + name] = FileStamp(info)
                }
            }
        }
        return files
    }
}

extension FileStamp {
    /// FNV-1a over a file's name and stamp; folders add these up, so the order of files does not matter.
    func hash(name: String) -> UInt64 {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        for value in [modified, size, inode, changed] {
            var v = UInt64(bitPattern: value)
            for _ in 0..<8 {
                hash = (hash ^ (v & 0xff)) &* 0x100000001b3
                v >>= 8
            }
        }
        return hash
    }
}
