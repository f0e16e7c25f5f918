import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// A library on main, and a branch made with the `git` command that renames one prompt, removes a variable
/// from another and adds a third (with a lint error).
func reviewLibrary() throws -> (TemporaryFolder, Library) {
    let (folder, library) = try makeLibrary()
    let p = folder.path
    try library.addFile("refactor", "---\ntitle: Refactor\nvariables: [code]\n---\nRefactor {{code}} without changing behaviour.\n")
    try library.addFile("pipeline", "---\ntitle: Pipeline\nvariables: [code]\n---\nFirst: {{> refactor}}\n")
    try library.addFile("code-review", """
        ---
        title: Code review
        owners: ['@ada']
        variables:
        - name: diff
        - name: language
          default: the diff's
        ---
        Review this {{language}} change:

        {{diff}}

        """)
    _ = try library.setLabel("production", on: id("code-review"))
    try git("checkout", "-qb", "feature", in: p)
    try git("mv", "prompts/refactor.prompt.md", "prompts/refactor-safely.prompt.md", in: p)
    folder.write("prompts/code-review.prompt.md", """
        ---
        title: Code review
        owners: ['@grace', platform-team]
        description: Stricter.
        variables:
        - name: diff
        ---
        Review this change strictly:

        {{diff}}

        """)
    folder.write("prompts/release-notes.prompt.md", "---\ntitle: Release notes\nvariables: [changes]\n---\nNotes for {{audience}}:\n{{changes}}\n")
    try git("add", "-A", in: p)
    try git("commit", "-qm", "rename refactor, drop language, add release notes", in: p)
    return (folder, library)
}

@Suite struct ReviewTests {
    @Test func aBranchMadeWithGitIsReviewedPromptByPrompt() throws {
        let (folder, library) = try reviewLibrary()
        defer { withExtendedLifetime(folder) {} }
        let review = try library.review("main...feature")
        #expect(review.prompts.map { "\($0.kind.rawValue) \($0.id)" } == ["renamed refactor-safely", "modified code-review", "added release-notes"])
        #expect((review.added, review.renamed, review.modified, review.removed) == (1, 1, 1, 0))

        let renamed = review.prompts[0]
        #expect(renamed.oldID == "refactor")
        #expect(renamed.diff?.isEmpty == true)
        // The rename breaks callers and the prompt that still includes the old id.
        #expect(renamed.breakingChanges.count == 2)
        #expect(renamed.includedBy == ["pipeline"])

        let modified = review.prompts[1]
        let diff = try #require(modified.diff)
        #expect(diff.fields.map(\.field) == ["owners", "description"])
        #expect(diff.variables.map(\.name) == ["language"])
        #expect(diff.variables[0].kind == .removed && diff.variables[0].breaking != nil)
        #expect(diff.hunks.flatMap(\.lines).contains("-Review this {{language}} change:"))
        #expect(diff.hunks.flatMap(\.lines).contains("+Review this change strictly:"))
        #expect(diff.newTokens < diff.oldTokens)
        #expect(modified.labels.map(\.name) == ["production"])
        // Owners before and after the change: Ada handed the prompt over, and still approves that.
        #expect(modified.owners == ["@grace", "platform-team", "@ada"])
        #expect(review.approvers == ["@ada", "@grace", "@platform-team"])
        #expect(review.markdown(.portable).contains("**Approval needed from** (the changed prompts' owners): @ada, @grace, @platform-team"))

        let added = review.prompts[2]
        #expect(added.breakingChanges.isEmpty)
        #expect(added.findings.map(\.rule) == ["undeclared-variable"])
        #expect(review.errors == 1 && review.breaking == 3)
    }

    @Test func theMarkdownIsAPullRequestComment() throws {
        let (folder, library) = try reviewLibrary()
        defer { withExtendedLifetime(folder) {} }
        let review = try library.review("main...feature")
        let markdown = review.markdown(.portable)
        #expect(markdown.hasPrefix(Review.marker + "\n## folio review: 3 prompts changed\n"))
        #expect(markdown.contains(": 1 added, 1 renamed, 1 modified · **3 breaking changes** · **1 lint error** · +8 tokens\n"))
        #expect(markdown.contains("| [`refactor-safely`](#refactor-safely) | renamed from `refactor` · ⚠️ breaking |"))
        #expect(markdown.contains("| `language` | removed | ⚠️ removed: callers that still pass it fail"))
        #expect(markdown.contains("| `description` | — | Stricter. |"))
        #expect(markdown.contains("```diff\n@@ -1,3 +1,3 @@\n-Review this {{language}} change:\n+Review this change strictly:"))
        #expect(markdown.contains("still included as `{{> refactor}}` by `pipeline`"))
        #expect(markdown.contains("- ❌ line 5:11: 'audience' is used but not declared"))
        #expect(markdown.contains("Labels: `production` →"))
        let github = review.markdown(.github)
        #expect(github.contains("> [!CAUTION]\n"))
        #expect(github.contains("<details><summary>Body: +1 −1 lines</summary>\n\n```diff\n"))
    }

    @Test func rangesAndTheirErrors() throws {
        let (folder, library) = try reviewLibrary()
        // Main moves on after the branch: `...` ignores it, `..` shows it (as an undo on the branch's side).
        try git("checkout", "-q", "main", in: folder.path)
        folder.write("prompts/main-only.prompt.md", "on main\n")
        try git("add", "-A", in: folder.path)
        try git("commit", "-qm", "main moves on", in: folder.path)
        #expect(try library.review("main...feature").prompts.count == 3)
        #expect(try library.review("main..feature").prompts.contains { $0.id == "main-only" && $0.kind == .removed })
        // Just a base: BASE...HEAD; nothing: the default branch...HEAD (here main...main: nothing).
        #expect(try library.review("feature").prompts.map(\.id) == ["main-only"])
        #expect(try library.review(nil).prompts.isEmpty)
        #expect(try library.review(nil).markdown(.portable).contains("## folio review: no prompt changes"))
        let error = #expect(throws: FolioError.self) { try library.review("nope...feature") }
        #expect(error?.kind == .notFound)
        #expect(error?.message.contains("no commit 'nope'") == true)
    }

    @Test func aLongReportLeavesOutBodyDiffsToFitAComment() throws {
        let (folder, library) = try makeLibrary()
        try git("checkout", "-qb", "big", in: folder.path)
        let line = String(repeating: "A long line of prompt text that keeps going. ", count: 4) + "\n"
        for index in 0..<60 { folder.write("prompts/big-\(index).prompt.md", String(repeating: line, count: 30)) }
        try git("add", "-A", in: folder.path)
        try git("commit", "-qm", "big", in: folder.path)
        let markdown = try library.review("main...big").markdown(.github)
        #expect(markdown.count < 65_536)
        // Every prompt still has its heading; the first ones keep their diffs.
        #expect((0..<60).allSatisfy { markdown.contains("### `big-\($0)`\n") })
        #expect(markdown.contains("<details><summary>Body: +30 −0 lines</summary>"))
        #expect(markdown.contains("left out to keep this comment under GitHub's size limit"))
    }
}
