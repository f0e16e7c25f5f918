import Foundation
import Testing
import TestSupport

/// The README's five-minute tour, run as written: every command in it must work on a fresh machine.
@Suite struct ReadmeTourTests {
    /// The tour's shell block, from the README next to Package.swift.
    static func tour() throws -> String {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let section = try #require(text.range(of: "## A five-minute tour"))
        let start = try #require(text.range(of: "```sh\n", range: section.upperBound..<text.endIndex))
        let end = try #require(text.range(of: "\n```", range: start.upperBound..<text.endIndex))
        return String(text[start.upperBound..<end.lowerBound]) + "\n"
    }

    @Test func everyCommandOfTheTourRunsAsWritten() throws {
        let folder = TemporaryFolder("tour")
        let script = try Self.tour()
        folder.write("tour.sh", script)
        try FileManager.default.createDirectory(atPath: folder.at("home"), withIntermediateDirectories: true)
        let binaries = URL(fileURLWithPath: folioBinary).deletingLastPathComponent().path
        // A fresh user: nothing but the system, folio on the PATH, an identity, and an editor that saves as it is.
        let environment = [
            "PATH": "\(binaries):/usr/local/bin:/usr/bin:/bin", "HOME": folder.at("home"), "EDITOR": "true", "LANG": "C.UTF-8",
            "GIT_AUTHOR_NAME": "Ada Tester", "GIT_AUTHOR_EMAIL": "ada@example.com",
            "GIT_COMMITTER_NAME": "Ada Tester", "GIT_COMMITTER_EMAIL": "ada@example.com", "GIT_CONFIG_NOSYSTEM": "1",
        ]
        // -e: the first command that fails stops the tour; -x: the output names it.
        let result = try run("/bin/bash", ["-e", "-x", "-o", "pipefail", "tour.sh"], in: folder.path, environment: environment)
        let lastCommand = result.stderr.split(separator: "\n").last { $0.hasPrefix("+ ") } ?? "?"
        #expect(result.status == 0, "the tour stopped at: \(lastCommand)\n\(result.stderr.suffix(3_000))")

        let library = folder.at("team-prompts")
        // What the comments promise.
        #expect(result.stdout.contains("security-review  Security review"), "the search finds the security review")
        #expect((folder.read("review-prompt.txt") ?? "").contains("SELECT * FROM users"))
        let log = try git("log", "--format=%s", in: library)
        for message in ["folio: rm review/http-api", "folio: mv review/api -> review/http-api", "folio: edit review/api",
                        "folio: add review/api", "folio: init"] {
            #expect(log.contains(message))
        }
        #expect(FileManager.default.fileExists(atPath: folder.at("teammate/prompts/security-review.prompt.md")))
        // The tour leaves nothing in the library but the MCP config it asked for.
        #expect(try git("status", "--porcelain", in: library) == "?? .mcp.json")
        #expect(result.stdout.contains("@security-team"), "the CODEOWNERS fragment names the owner")
        try git("fsck", "--strict", in: library)
    }
}
