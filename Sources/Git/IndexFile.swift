import Foundation
internal import CGit2

/// The git index file (the staging area), read directly and read only.
///
/// Why not libgit2: libgit2 1.5 takes about 170 ms to load an index of 100,000 entries (it verifies the
/// file's SHA-1 and builds hash maps of every path), which alone would spend the pre-commit hook's budget;
/// git itself skips the checksum on ordinary reads. This reader does only what the pre-commit check needs:
/// the committable entries (stage 0, not intent-to-add) and the cache-tree extension that says which folders
/// are unchanged, in index versions 2, 3 and 4. Whatever it does not understand (a split or sparse index, an
/// unknown version or required extension, a damaged file) it declines with the reason, and callers may try
/// libgit2's `Index` instead. It never writes.
public struct IndexFile: Sendable {
    public struct Entry: Sendable, Equatable {
        public let path: String
        public let oid: OID
        public let mode: UInt32
    }

    /// One folder of the cache-tree extension: its tree id while no staged change has invalidated it.
    struct CachedTree: Sendable {
        let name: [UInt8]
        let oid: OID?
        let children: [CachedTree]
    }

    // Committable entries in index order (sorted by path bytes); all paths share one buffer.
    private let pathBytes: [UInt8]
    private let pathEnds: [Int]
    private let oids: [OID]
    private let modes: [UInt32]
    let cachedRoot: CachedTree?

    public var count: Int { oids.count }

    /// Why an index was not read, and what the user can do about it.
    public enum Declined: Error, CustomStringConvertible {
        case unreadable(String), damaged, version(UInt32), splitIndex, sparseIndex, requiredExtension(String)

        public var description: String {
            switch self {
            case .unreadable(let reason): "the index file cannot be read: \(reason)"
            case .damaged: "the index file is damaged or truncated (`git status` says more; `git reset` rebuilds it from HEAD)"
            case .version(let version): "index version \(version) is not supported (`git update-index --index-version 2` converts it)"
            case .splitIndex: "a split index is not supported (`git update-index --no-split-index` turns it off)"
            case .sparseIndex: "a sparse index is not supported (`git sparse-checkout init --no-sparse-index` turns it off)"
            case .requiredExtension(let name): "the index has an extension folio does not know, '\(name)'"
            }
        }
    }

    /// Reads `path`; a missing file is an empty index (as in a repository with nothing staged yet).
    public static func read(_ path: String) throws(Declined) -> IndexFile {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            guard errno == ENOENT else { throw .unreadable(String(cString: strerror(errno))) }
            return IndexFile(pathBytes: [], pathEnds: [], oids: [], modes: [], cachedRoot: nil)
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_size > 0 else { throw .damaged }
        let size = Int(info.st_size)
        // Mapped, not read: the entries are walked once and most bytes are never touched.
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else { throw .damaged }
        defer { munmap(mapped, size) }
        return try IndexFile(parsing: UnsafeRawBufferPointer(start: mapped, count: size))
    }

    private init(pathBytes: [UInt8], pathEnds: [Int], oids: [OID], modes: [UInt32], cachedRoot: CachedTree?) {
        (self.pathBytes, self.pathEnds, self.oids, self.modes, self.cachedRoot) = (pathBytes, pathEnds, oids, modes, cachedRoot)
    }

    private init(parsing raw: UnsafeRawBufferPointer) throws(Declined) {
        // Header (12 bytes), entries, extensions, then a 20-byte checksum.
        guard raw.count >= 32, raw.starts(with: "DIRC".utf8) else { throw .damaged }
        let version = raw.bigEndian(UInt32.self, at: 4), total = Int(raw.bigEndian(UInt32.self, at: 8))
        guard (2...4).contains(version) else { throw .version(version) }
        let end = raw.count - 20
        var pathBytes: [UInt8] = [], pathEnds: [Int] = [], oids: [OID] = [], modes: [UInt32] = []
        pathBytes.reserveCapacity(total * 48)
        pathEnds.reserveCapacity(total)
        oids.reserveCapacity(total)
        modes.reserveCapacity(total)
        var previous: [UInt8] = []  // version 4: the last path read, which the next one is relative to
        var offset = 12
        for _ in 0..<total {
            // ctime, mtime, dev, ino (8 × 4 bytes), mode, uid, gid, size, the object id, then flags.
            let start = offset
            guard start + 62 <= end else { throw .damaged }
            let mode = raw.bigEndian(UInt32.self, at: start + 24)
            let flags = raw.bigEndian(UInt16.self, at: start + 60)
            var cursor = start + 62
            var extended: UInt16 = 0
            if flags & 0x4000 != 0 {
                guard version >= 3, cursor + 2 <= end else { throw .damaged }
                extended = raw.bigEndian(UInt16.self, at: cursor)
                cursor += 2
            }
            var stored: Range<Int>?  // versions 2 and 3: where the path is in the file
            if version == 4 {
                // The path is the previous one minus `strip` bytes, plus a NUL-terminated suffix.
                guard let (strip, length) = raw.varint(at: cursor, end: end), strip <= previous.count else { throw .damaged }
                cursor += length
                guard let nul = raw.firstZero(from: cursor, end: end) else { throw .damaged }
                previous.removeLast(strip)
                previous.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[cursor..<nul]))
                offset = nul + 1
            } else {
                guard let nul = raw.firstZero(from: cursor, end: end) else { throw .damaged }
                stored = cursor..<nul
                // Entries are NUL-padded to a multiple of 8 bytes, with at least one NUL.
                offset = start + (((nul - start) + 8) & ~7)
            }
            // A sparse index stores whole folders as entries: declined (with the way to turn it off).
            if mode == 0o040000 { throw .sparseIndex }
            let stage = (flags >> 12) & 3, intentToAdd = extended & 0x2000 != 0
            guard stage == 0, !intentToAdd else { continue }
            if let stored { pathBytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[stored])) } else { pathBytes.append(contentsOf: previous) }
            pathEnds.append(pathBytes.count)
            oids.append(OID(rawBytes: raw.baseAddress! + start + 40))
            modes.append(mode)
        }
        // Extensions: a four-letter signature and a size. An upper-case first letter marks an optional one.
        var cachedRoot: CachedTree?
        while offset + 8 <= end {
            let signature = Array(UnsafeRawBufferPointer(rebasing: raw[offset..<offset + 4]))
            let size = Int(raw.bigEndian(UInt32.self, at: offset + 4))
            let body = offset + 8
            guard body + size <= end else { throw .damaged }
            if signature == Array("TREE".utf8) {
                var cursor = body
                guard let root = Self.cachedTree(raw, &cursor, end: body + size) else { throw .damaged }
                cachedRoot = root
            } else if !(UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(signature[0]) {
                throw signature == Array("link".utf8) ? .splitIndex : signature == Array("sdir".utf8) ? .sparseIndex
                    : .requiredExtension(String(decoding: signature, as: UTF8.self))
            }
            offset = body + size
        }
        guard offset == end else { throw .damaged }
        self.init(pathBytes: pathBytes, pathEnds: pathEnds, oids: oids, modes: modes, cachedRoot: cachedRoot)
    }

    /// One node of the cache tree: name NUL, entry count (-1 when invalidated) SP, subtree count LF, then
    /// the tree id when valid, then the subtrees.
    private static func cachedTree(_ raw: UnsafeRawBufferPointer, _ cursor: inout Int, end: Int) -> CachedTree? {
        guard let nul = raw.firstZero(from: cursor, end: end) else { return nil }
        let name = Array(UnsafeRawBufferPointer(rebasing: raw[cursor..<nul]))
        cursor = nul + 1
        func number(until terminator: UInt8) -> Int? {
            var text = ""
            while cursor < end, raw[cursor] != terminator {
                text.unicodeScalars.append(Unicode.Scalar(raw[cursor]))
                cursor += 1
            }
            guard cursor < end else { return nil }
            cursor += 1
            return Int(text)
        }
        guard let entries = number(until: UInt8(ascii: " ")), let subtrees = number(until: UInt8(ascii: "\n")), subtrees >= 0 else {
            return nil
        }
        var oid: OID?
        if entries >= 0 {
            guard cursor + 20 <= end else { return nil }
            oid = OID(rawBytes: raw.baseAddress! + cursor)
            cursor += 20
        }
        var children: [CachedTree] = []
        for _ in 0..<subtrees {
            guard let child = cachedTree(raw, &cursor, end: end) else { return nil }
            children.append(child)
        }
        return CachedTree(name: name, oid: oid, children: children)
    }

    // MARK: - Lookups

    private func pathRange(_ index: Int) -> Range<Int> { (index == 0 ? 0 : pathEnds[index - 1])..<pathEnds[index] }

    func path(_ index: Int) -> String { String(decoding: pathBytes[pathRange(index)], as: UTF8.self) }

    func entry(_ index: Int) -> Entry { Entry(path: path(index), oid: oids[index], mode: modes[index]) }

    /// The first entry whose path is not below `key` in byte order.
    func lowerBound(_ key: [UInt8]) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if pathBytes[pathRange(middle)].lexicographicallyPrecedes(key) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The committable entry at `path`, if any.
    public func entry(at path: String) -> Entry? {
        let key = Array(path.utf8)
        let index = lowerBound(key)
        guard index < count, pathBytes[pathRange(index)].elementsEqual(key) else { return nil }
        return entry(index)
    }

    /// The entries below `folder` ("" for all), as a range of indices.
    func range(under folder: [UInt8]) -> Range<Int> {
        guard !folder.isEmpty else { return 0..<count }
        // Everything below `a/b/` sorts between `a/b/` and `a/b0` ('0' follows '/').
        return lowerBound(folder + [UInt8(ascii: "/")])..<lowerBound(folder + [UInt8(ascii: "0")])
    }

    /// The bytes of entry `index`'s path after its first `skip` bytes.
    func pathBytes(_ index: Int, dropping skip: Int) -> ArraySlice<UInt8> {
        let range = pathRange(index)
        return pathBytes[(range.lowerBound + skip)..<range.upperBound]
    }

    func oid(_ index: Int) -> OID { oids[index] }
    func mode(_ index: Int) -> UInt32 { modes[index] }
}

extension Repository {
    /// The staged files below `folder` that differ from `tree` (HEAD's, usually; nil for an unborn branch):
    /// added and modified ones, not deletions. Folders the cache tree still records as equal to `tree`'s are
    /// skipped without being read, which is what keeps this fast in a large repository.
    public func stagedChanges(_ index: IndexFile, against tree: OID?, under folder: String) throws -> [IndexFile.Entry] {
        let trimmed = Array((folder.hasSuffix("/") ? String(folder.dropLast()) : folder).utf8)
        var cached = index.cachedRoot
        var headFolder = tree
        if !trimmed.isEmpty {
            for component in trimmed.split(separator: UInt8(ascii: "/")) {
                cached = cached?.children.first { $0.name.elementsEqual(component) }
            }
            if let tree {
                let entry = try entry(at: String(decoding: trimmed, as: UTF8.self), inTree: tree)
                headFolder = entry?.kind == .tree ? entry?.oid : nil
            }
        }
        var changes: [IndexFile.Entry] = []
        let prefix = trimmed.isEmpty ? 0 : trimmed.count + 1
        try stagedChanges(index, index.range(under: trimmed), prefix: prefix, cached: cached, head: headFolder, into: &changes)
        return changes
    }

    private func stagedChanges(_ index: IndexFile, _ range: Range<Int>, prefix: Int, cached: IndexFile.CachedTree?,
                               head: OID?, into changes: inout [IndexFile.Entry]) throws {
        if let cached, let valid = cached.oid, valid == head { return }
        // HEAD's folder and the index's entries below it are both sorted in git's order (a folder `x` sorts
        // as `x/`), so one pass over each pairs them up, comparing bytes without making strings.
        let tree = try head.map(lookupTree)
        let treeCount = tree.map { git_tree_entrycount($0.pointer) } ?? 0
        var t = 0
        /// HEAD's entry whose name is `name` (a folder if `isFolder`), moving `t` past smaller names.
        func headEntry(_ name: ArraySlice<UInt8>, isFolder: Bool) -> OpaquePointer? {
            while t < treeCount {
                let entry = git_tree_entry_byindex(tree!.pointer, t)!
                let order = Self.gitOrder(git_tree_entry_name(entry)!, git_tree_entry_type(entry) == GIT_OBJECT_TREE, name, isFolder)
                if order < 0 { t += 1; continue }
                return order == 0 ? entry : nil
            }
            return nil
        }
        var i = range.lowerBound
        while i < range.upperBound {
            let rest = index.pathBytes(i, dropping: prefix)
            if let slash = rest.firstIndex(of: UInt8(ascii: "/")) {
                // A subfolder: its entries are the run sharing `name/`.
                let name = rest[rest.startIndex..<slash]
                var j = i + 1
                while j < range.upperBound {
                    let other = index.pathBytes(j, dropping: prefix)
                    guard other.count > name.count, other[other.startIndex + name.count] == UInt8(ascii: "/"),
                          other.prefix(name.count).elementsEqual(name) else { break }
                    j += 1
                }
                let subtree = headEntry(name, isFolder: true).map { OID(git_tree_entry_id($0)!) }
                let child = cached?.children.first { $0.name.elementsEqual(name) }
                try stagedChanges(index, i..<j, prefix: prefix + name.count + 1, cached: child, head: subtree, into: &changes)
                i = j
            } else {
                let before = headEntry(rest, isFolder: false)
                if before == nil || OID(git_tree_entry_id(before!)!) != index.oid(i) || git_tree_entry_filemode(before!).rawValue != index.mode(i) {
                    changes.append(index.entry(i))
                }
                i += 1
            }
        }
        withExtendedLifetime(tree) {}
    }

    /// Compares a tree entry's name with an index name the way git sorts them: bytes, with a folder's name
    /// followed by `/`.
    private static func gitOrder(_ treeName: UnsafePointer<CChar>, _ treeIsFolder: Bool, _ name: ArraySlice<UInt8>, _ isFolder: Bool) -> Int {
        let raw = UnsafeRawPointer(treeName).assumingMemoryBound(to: UInt8.self)
        let length = strlen(treeName)
        var k = 0
        for byte in name {
            guard k < length else {
                // The tree name ended first: compare its suffix ('/' or nothing) with the next index byte.
                return treeIsFolder ? Int(UInt8(ascii: "/")) - Int(byte) : -1
            }
            if raw[k] != byte { return Int(raw[k]) - Int(byte) }
            k += 1
        }
        if k < length { return Int(raw[k]) - (isFolder ? Int(UInt8(ascii: "/")) : 0) }
        return (treeIsFolder ? 1 : 0) - (isFolder ? 1 : 0)
    }
}

private extension UnsafeRawBufferPointer {
    func bigEndian<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        T(bigEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    func firstZero(from start: Int, end: Int) -> Int? {
        guard start <= end, let base = baseAddress else { return nil }
        guard let found = memchr(base + start, 0, end - start) else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// git's offset varint (varint.c): seven bits a byte, high bit set while more follow, plus one per byte.
    func varint(at start: Int, end: Int) -> (value: Int, length: Int)? {
        var cursor = start
        guard cursor < end else { return nil }
        var byte = self[cursor]
        var value = Int(byte & 0x7f)
        while byte & 0x80 != 0 {
            cursor += 1
            guard cursor < end, value < Int.max >> 8 else { return nil }
            byte = self[cursor]
            value = ((value + 1) << 7) | Int(byte & 0x7f)
        }
        return (value, cursor - start + 1)
    }
}
