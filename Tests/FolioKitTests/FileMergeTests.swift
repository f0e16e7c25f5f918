import Foundation
import Testing
@testable import FolioKit

@Suite struct FileMergeTests {
    func merge(_ base: String?, _ ours: String, _ theirs: String) throws -> (String, Bool)? {
        try FileMerge.merge(base: base.map { Data($0.utf8) }, ours: Data(ours.utf8), theirs: Data(theirs.utf8),
                            ourLabel: "yours", theirLabel: "origin/main").map { ($0.text, $0.clean) }
    }

    @Test func keysEachSideChangedAddedOrRemovedAreAllKept() throws {
        let base = "---\n# reviewed weekly\ntitle: Greet\nmodel: gpt-4o\ntags: [a]\ndescription: |\n  Two\n  lines.\n---\nHello.\n"
        let ours = "---\n# reviewed weekly\ntitle: Greet\nmodel: gpt-5\ntags: [a]\nstatus: active\ndescription: |\n  Two\n  lines.\n---\nHello.\n"
        let theirs = "---\n# reviewed weekly\ntitle: Greet\nmodel: gpt-4o\ntags: [a, b]\ndescription: |\n  Two\n  lines, edited.\n---\nHello, you.\n"
        let (text, clean) = try #require(try merge(base, ours, theirs))
        #expect(clean)
        #expect(text == "---\n# reviewed weekly\ntitle: Greet\nmodel: gpt-5\ntags: [a, b]\nstatus: active\ndescription: |\n  Two\n  lines, edited.\n---\nHello, you.\n")
        // A key removed on one side and untouched on the other goes.
        let (removed, _) = try #require(try merge(base, base.replacingOccurrences(of: "tags: [a]\n", with: ""), base))
        #expect(!removed.contains("tags"))
    }

    @Test func theSameKeyChangedTwoWaysIsMarkedAlone() throws {
        let base = "---\ntitle: T\nmodel: a\n---\nBody.\n"
        let (text, clean) = try #require(try merge(base, "---\ntitle: T\nmodel: b\n---\nBody.\n", "---\ntitle: T2\nmodel: c\n---\nBody.\n"))
        #expect(!clean)
        #expect(text == "---\ntitle: T2\n<<<<<<< yours\nmodel: b\n=======\nmodel: c\n>>>>>>> origin/main\n---\nBody.\n")
        // Deleted on one side, changed on the other: both shown.
        let (deleted, deletedClean) = try #require(try merge(base, "---\ntitle: T\n---\nBody.\n", "---\ntitle: T\nmodel: c\n---\nBody.\n"))
        #expect(!deletedClean)
        #expect(deleted.contains("<<<<<<< yours\n=======\nmodel: c\n>>>>>>> origin/main\n"))
    }

    @Test func lineEndingsAndFilesWithoutFrontmatter() throws {
        let base = "---\r\ntitle: T\r\nmodel: a\r\n---\r\nBody.\r\n"
        let (text, clean) = try #require(try merge(base, base.replacingOccurrences(of: "model: a", with: "model: b"),
                                                   base.replacingOccurrences(of: "title: T", with: "title: U")))
        #expect(clean && text == "---\r\ntitle: U\r\nmodel: b\r\n---\r\nBody.\r\n")
        #expect(try merge("plain\n", "plain, ours\n", "plain, theirs\n") == nil)
        // Both added the file: equal keys agree, different ones conflict.
        let (added, addedClean) = try #require(try merge(nil, "---\ntitle: A\n---\nX\n", "---\ntitle: A\n---\nX\n"))
        #expect(addedClean && added == "---\ntitle: A\n---\nX\n")
    }

    @Test func resolvedFilesAreCheckedForMarkersAndYAML() throws {
        #expect(throws: FolioError.self) { try Library.checkResolved(Data("a\n<<<<<<< yours\nb\n".utf8), path: "p.md") }
        #expect(throws: FolioError.self) { try Library.checkResolved(Data("---\ntitle: [unclosed\n---\nx\n".utf8), path: "p.md") }
        // A Markdown heading underlined with seven `=` is not a marker.
        try Library.checkResolved(Data("Title\n=======\n\nText.\n".utf8), path: "p.md")
    }
}

@Suite struct KnownHostsTests {
    @Test func hostPatternsAsOpenSSHReadsThem() {
        #expect(KnownHosts.matches("[127.0.0.1]:2222", "[127.0.0.1]:2222"))
        #expect(!KnownHosts.matches("[127.0.0.1]:2222", "[127.0.0.1]:2223"))
        #expect(KnownHosts.matches("github.com,140.82.112.3", "github.com"))
        #expect(KnownHosts.matches("*.example.com,!bad.example.com", "git.example.com"))
        #expect(!KnownHosts.matches("*.example.com,!bad.example.com", "bad.example.com"))
        #expect(KnownHosts.matches("git?.example.com", "git1.example.com"))
        #expect(KnownHosts.name(host: "h", port: 22) == "h" && KnownHosts.name(host: "h", port: 2222) == "[h]:2222")
    }

    @Test func hmacSHA1MatchesRFC2202() {
        let mac = SHA1.hmac(key: Data(repeating: 0x0b, count: 20), message: Data("Hi There".utf8))
        #expect(mac.map { String(format: "%02x", $0) }.joined() == "b617318655057264e28bc0b6fb378c8ef146be00")
        #expect(SHA1.digest(Data("abc".utf8)).map { String(format: "%02x", $0) }.joined() == "a9993e364706816aba3e25717850c26c9cd0d89d")
    }
}
