import Foundation

/// Searching bytes: the hot loops of secret scanning and redaction work on UTF-8 bytes, not on Characters.
enum Bytes {
    /// The offset of the first `needle` in `haystack[from...]`: memchr finds each candidate first byte.
    static func firstOffset(of needle: String, in haystack: UnsafeRawBufferPointer, from: Int = 0, to end: Int? = nil) -> Int? {
        var needle = needle
        return needle.withUTF8 { firstOffset(of: $0, in: haystack, from: from, to: end) }
    }

    static func firstOffset(of pattern: UnsafeBufferPointer<UInt8>, in haystack: UnsafeRawBufferPointer, from: Int = 0, to end: Int? = nil) -> Int? {
        let end = end ?? haystack.count
        let count = pattern.count
        guard count > 0, end - from >= count, let base = haystack.baseAddress else { return nil }
        var position = from
        let last = end - count
        while position <= last {
            guard let hit = memchr(base + position, Int32(pattern[0]), last - position + 1) else { return nil }
            let offset = base.distance(to: UnsafeRawPointer(hit))
            if memcmp(hit, pattern.baseAddress!, count) == 0 { return offset }
            position = offset + 1
        }
        return nil
    }

    /// Unicode scalars in UTF-8 bytes (every byte that does not continue a sequence).
    static func scalarCount<C: Collection>(_ utf8: C) -> Int where C.Element == UInt8 {
        if let count = utf8.withContiguousStorageIfAvailable({ buffer in buffer.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) } }) {
            return count
        }
        return utf8.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }
}
