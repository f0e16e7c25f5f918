import Foundation
import Testing
import TestSupport
@testable import FolioKit

@Suite struct OwnersTests {
    /// A repository with the library in `ai/`, so CODEOWNERS paths start from the repository's root.
    func library() throws -> (TemporaryFolder, Library) {
        let folder = TemporaryFolder("owners")
        _ = try git("init", "-q", "-b", "main", in: folder.path)
        _ = try Library.initialize(at: folder.at("ai"), withTemplates: false, environment: environment(folder.at("ai")))
        let library = try Library.open(explicitPath: folder.at("ai"), environment: environment(folder.path))
        try library.addFile("review/security", "---\ntitle: Security review\nowners: ['@ada', '@acme/security', bob@example.com, carol]\n---\nCheck.\n")
        try library.addFile("greet", "---\ntitle: Greet\n---\nHello.\n")
        return (folder, library)
    }

    @Test func ownersOfAPromptAndACodeownersFragment() throws {
        let (folder, library) = try library()
        defer { withExtendedLifetime(folder) {} }
        #expect(try library.owners(of: id("review/security")).owners == ["@ada", "@acme/security", "bob@example.com", "carol"])
        #expect(try library.owners(of: id("greet")).owners.isEmpty)
        #expect(throws: FolioError.self) { try library.owners(of: id("missing")) }
        let fragment = try library.codeownersFragment()
        #expect(fragment.split(separator: "\n").filter { !$0.hasPrefix("#") } == [
            "/ai/prompts/review/security.prompt.md @ada @acme/security bob@example.com @carol",
        ])
    }

    @Test func writingCodeownersReplacesFolioBlockAndKeepsTheRest() throws {
        let (folder, library) = try library()
        defer { withExtendedLifetime(folder) {} }
        folder.write(".github/CODEOWNERS", "# team rules\n* @acme/leads\n/docs/ @acme/writers\n")
        let path = try library.writeCodeowners()
        #expect(path == folder.at(".github/CODEOWNERS"))
        _ = try library.edit(id("greet"), set: [(key: "owners", value: "['@dan']")])
        try library.writeCodeowners()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("# team rules\n* @acme/leads\n/docs/ @acme/writers\n\n# BEGIN folio owners\n"))
        #expect(text.components(separatedBy: "# BEGIN folio owners").count == 2)
        #expect(text.contains("/ai/prompts/greet.prompt.md @dan\n/ai/prompts/review/security.prompt.md @ada"))
        #expect(text.hasSuffix("# END folio owners\n"))
    }
}
