internal import CGit2

/// A git object id (SHA-1), stored by value.
public struct OID: Hashable, Sendable, CustomStringConvertible, Comparable {
    // 20 bytes as three words: cheap to hash and compare in large trees.
    private let a: UInt64
    private let b: UInt64
    private let c: UInt32

    init(_ oid: git_oid) {
        var words = (UInt64(0), UInt64(0), UInt32(0))
        withUnsafeBytes(of: oid.id) { raw in
            words.0 = raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
            words.1 = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            words.2 = raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self)
        }
        (a, b, c) = words
    }

    /// Reads 20 raw id bytes (as stored in index and tree files).
    init(rawBytes pointer: UnsafeRawPointer) {
        a = pointer.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        b = pointer.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        c = pointer.loadUnaligned(fromByteOffset: 16, as: UInt32.self)
    }

    init(_ pointer: UnsafePointer<git_oid>) {
        self.init(pointer.pointee)
    }

    /// Parses a full 40-character hexadecimal id.
    public init?(hex: String) {
        guard hex.utf8.count == 40, hex.utf8.allSatisfy({ $0.isHexDigit }) else { return nil }
        var raw = git_oid()
        guard git_oid_fromstr(&raw, hex) == 0 else { return nil }
        self.init(raw)
    }

    var raw: git_oid {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { raw in
            raw.storeBytes(of: a, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: b, toByteOffset: 8, as: UInt64.self)
            raw.storeBytes(of: c, toByteOffset: 16, as: UInt32.self)
        }
        return oid
    }

    /// The 40-character hexadecimal form.
    public var hex: String {
        var bytes = [UInt8](repeating: 0, count: 20)
        withUnsafeBytes(of: (a, b, c)) { raw in
            // The tuple has padding after `c`; copy only the 20 id bytes.
            for i in 0..<20 { bytes[i] = raw[i] }
        }
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(40)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The first seven hexadecimal digits, as git prints them.
    public var short: String { String(hex.prefix(7)) }

    public var description: String { hex }

    public static func < (lhs: OID, rhs: OID) -> Bool { lhs.hex < rhs.hex }
}

extension UInt8 {
    var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x61...0x66).contains(self) || (0x41...0x46).contains(self)
    }
}
