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
        ("Review", "ids are lowercase: try 'review'"),
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

    @Test func mapsToAndFromFilePaths() throws {
        let id = try PromptID("review/security")
        #expect(id.relativePath == "prompts/review/security.prompt.md")
        #expect(PromptID.fromRelativePath("prompts/review/security.prompt.md") == id)
        #expect(PromptID.fromRelativePath("prompts/README.md") == nil)
        #expect(PromptID.fromRelativePath("other/x.prompt.md") == nil)
    }
}
