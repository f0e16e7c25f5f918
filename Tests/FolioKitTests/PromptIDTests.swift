import Testing
@testable import FolioKit

@Suite struct PromptIDTests {
    @Test(arguments: ["review", "review/security", "a1/b_2/c-3", "2024/q1-plan"])
    func acceptsValidIDs(_ text: String) throws {
        #expect(try PromptID(text).rawValue == text)
    }

    @Test(arguments: [
        ("", "cannot be empty"),
        ("/etc/passwd", "remove the leading '/'"),
        ("../secrets", "'.' and '..' are not allowed"),
        ("a/../b", "'.' and '..' are not allowed"),
        ("Review", "ids are lowercase; try 'review'"),
        ("code review", "space is not allowed"),
        ("a//b", "empty segment"),
        ("a/", "cannot end with '/'"),
        ("x.prompt.md", "leave out the '.prompt.md' suffix"),
        ("a.b", "'.' is not allowed"),
        ("-flag", "must start with a letter or a digit"),
        ("café", "'é' is not allowed"),
    ])
    func rejectsInvalidIDsNamingTheRule(_ text: String, _ reason: String) {
        let error = #expect(throws: FolioError.self) { try PromptID(text) }
        #expect(error?.kind == .invalidInput)
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
    }

    /// Every "try 'X'" folio suggests is itself a valid id, and keeps what the person meant.
    @Test(arguments: [
        ("Support/Reply Email", "support/reply-email"),
        ("prompts/bug-fix.prompt.md", "bug-fix"),
        ("bug-fix.prompt.md", "bug-fix"),
        ("/review/security", "review/security"),
        ("Review", "review"),
        ("code review", "code-review"),
        ("a//b", "a/b"),
        ("a/", "a"),
        ("a.b", "a-b"),
        ("-flag", "flag"),
        ("Café au lait", "cafe-au-lait"),
        ("../secrets", "secrets"),
        ("a/../b", "a/b"),
        ("Release Notes (v2).prompt.md", "release-notes-v2"),
        ("  Spaces  ", "spaces"),
        ("_x/-y/.z", "x/y/z"),
    ])
    func suggestionsAreValidIDs(_ text: String, _ expected: String) throws {
        let error = try #require(#expect(throws: FolioError.self) { try PromptID(text) })
        let suggested = try #require(error.message.range(of: "try '").map { start in
            String(error.message[start.upperBound...].prefix { $0 != "'" })
        }, "no suggestion in: \(error.message)")
        #expect(suggested == expected, "\(error.message)")
        #expect(throws: Never.self) { try PromptID(suggested) }
        #expect(PromptID.suggestion(for: text)?.rawValue == expected)
    }

    @Test(arguments: ["", "/", "...", "日本", "---", "./.."])
    func noSuggestionWhenNothingIsLeft(_ text: String) {
        let error = #expect(throws: FolioError.self) { try PromptID(text) }
        #expect(error?.message.contains("try '") == false, "\(error?.message ?? "")")
        #expect(PromptID.suggestion(for: text) == nil)
    }

    @Test func mapsToAndFromFilePaths() throws {
        let id = try PromptID("review/security")
        #expect(id.relativePath == "prompts/review/security.prompt.md")
        #expect(PromptID.fromRelativePath("prompts/review/security.prompt.md") == id)
        #expect(PromptID.fromRelativePath("prompts/README.md") == nil)
        #expect(PromptID.fromRelativePath("other/x.prompt.md") == nil)
    }
}
