import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// A library whose history the `git` command made: edits, a rename, a rename with an edit, a merged
/// feature branch (first parent: one version), a tag, and a branch that changes the prompt.
func historyLibrary() throws -> (TemporaryFolder, Library) {
    let (folder, library) = try makeLibrary()
    let p = folder.path
    func commit(_ message: String, date: Int) throws {
        try git("add", "-A", ".", in: p)
        try git("commit", "-qm", message, in: p, environment: ["GIT_AUTHOR_DATE": "@\(date) +0000", "GIT_COMMITTER_DATE": "@\(date) +0000"])
    }
    folder.write("prompts/old.prompt.md", "---\ntitle: One\n---\nfirst {{x}}\n")
    try commit("add old", date: 1_700_000_100)
    folder.write("prompts/old.prompt.md", "---\ntitle: Two\n---\nsecond {{x}}\n")
    try commit("edit old", date: 1_700_000_200)
    try git("mv", "prompts/old.prompt.md", "prompts/mid.prompt.md", in: p)
    try commit("rename to mid", date: 1_700_000_300)
    try git("tag", "release-1", in: p)
    folder.write("prompts/other.prompt.md", "unrelated\n")
    try commit("unrelated", date: 1_700_000_400)
    // A rename with an edit: similar content, not the same.
    try git("mv", "prompts/mid.prompt.md", "prompts/new.prompt.md", in: p)
    folder.write("prompts/new.prompt.md", "---\ntitle: Two\n---\nsecond {{x}}\nand a third line\n")
    try commit("rename to new, with an edit", date: 1_700_000_500)
    try git("checkout", "-qb", "feature", in: p)
    folder.write("prompts/new.prompt.md", "---\ntitle: Feature\n---\nsecond {{x}}\nand a third line\n")
    try commit("feature edit", date: 1_700_000_600)
    folder.write("prompts/new.prompt.md", "---\ntitle: Feature 2\n---\nsecond {{x}}\nand a third line\n")
    try commit("feature edit 2", date: 1_700_000_700)
    try git("checkout", "-q", "main", in: p)
    try git("merge", "-q", "--no-ff", "-m", "merge feature", "feature", in: p,
            environment: ["GIT_AUTHOR_DATE": "@1700000800 +0000", "GIT_COMMITTER_DATE": "@1700000800 +0000"])
    return (folder, library)
}

@Suite struct HistoryTests {
    @Test func versionsFollowRenamesAlongTheFirstParent() throws {
        let (folder, library) = try historyLibrary()
        let versions = try library.history(of: id("new"))
        #expect(versions.map(\.message) == ["add old", "edit old", "rename to mid", "rename to new, with an edit", "merge feature"])
        #expect(versions.map(\.name) == ["v1", "v2", "v3", "v4", "v5"])
        #expect(versions.map(\.path) == ["prompts/old.prompt.md", "prompts/old.prompt.md", "prompts/mid.prompt.md",
                                          "prompts/new.prompt.md", "prompts/new.prompt.md"])
        #expect(versions[4].commit == (try git("rev-parse", "HEAD", in: folder.path)))
        #expect(versions[0].date == Date(timeIntervalSince1970: 1_700_000_100))
        // git agrees on which first-parent commits touched the file.
        let gitLog = try git("log", "--first-parent", "--follow", "--format=%s", "--", "prompts/new.prompt.md", in: folder.path)
        #expect(Array(versions.map(\.message).reversed()) == gitLog.split(separator: "\n").map(String.init))
    }

    @Test func theCacheFollowsHeadAsItMoves() throws {
        let (folder, library) = try historyLibrary()
        #expect(try library.history(of: id("new")).count == 5)
        try git("checkout", "-q", "feature", in: folder.path)
        // On the feature branch the two feature commits are versions and the merge is not.
        #expect(try library.history(of: id("new")).map(\.message).suffix(2) == ["feature edit", "feature edit 2"])
        try git("checkout", "-q", "main", in: folder.path)
        // The file never declared x; folio commits nothing its lint calls an error, so the edit declares it too.
        _ = try library.edit(id("new"), set: [("title", "Three"), ("variables", "[x]")])
        #expect(try library.history(of: id("new")).last?.message == "folio: edit new")
        #expect(try library.history(of: id("new")).count == 6)
    }

    @Test func everyRevisionSyntaxReadsTheRightContent() throws {
        let (folder, library) = try historyLibrary()
        func title(_ revision: String) throws -> String? {
            try library.document(PromptReference(parsing: "new@\(revision)")).prompt.title
        }
        #expect(try title("v1") == "One")
        #expect(try title("v2") == "Two")
        #expect(try title("v5") == "Feature 2")
        #expect(try title("release-1") == "Two")  // a tag, before the rename to new: read from mid
        #expect(try title("feature~1") == "Feature")
        #expect(try title("HEAD~1") == "Two")
        let sha = try git("rev-parse", "HEAD~1", in: folder.path)
        #expect(try title(sha) == "Two")
        #expect(try title(String(sha.prefix(8))) == "Two")
        try library.setLabel("production", on: id("new"), to: "v2")
        #expect(try title("production") == "Two")
        #expect(try library.document(PromptReference(parsing: "new")).prompt.title == "Feature 2")
    }

    @Test func unknownRevisionsNameTheClosestOnes() throws {
        let (folder, library) = try historyLibrary()
        defer { withExtendedLifetime(folder) {} }
        try library.setLabel("production", on: id("new"))
        let version = #expect(throws: FolioError.self) { try library.document(PromptReference(parsing: "new@v9")) }
        #expect(version?.message == "'new' has versions v1 to v5; there is no v9")
        let label = #expect(throws: FolioError.self) { try library.document(PromptReference(parsing: "new@prodution")) }
        #expect(label?.message.contains("did you mean production?") == true, "\(label?.message ?? "")")
        let branch = #expect(throws: FolioError.self) { try library.document(PromptReference(parsing: "new@featur")) }
        #expect(branch?.message.contains("did you mean feature?") == true)
        let syntax = #expect(throws: FolioError.self) { try PromptReference(parsing: "new@") }
        #expect(syntax?.kind == .invalidInput)
    }

    @Test func renderingAtARevisionReadsIncludesFromTheSameCommit() throws {
        let (folder, library) = try makeLibrary()
        try library.addFile("part", "old part\n")
        try library.addFile("main", "main + {{> part}}")
        _ = try library.edit(id("part"), body: "new part\n")
        #expect(try library.render(PromptReference(parsing: "main@v1")).text == "main + old part\n")
        #expect(try library.render(PromptReference(parsing: "main")).text == "main + new part\n")
        withExtendedLifetime(folder) {}
    }
}

@Suite struct DiffAndRevertTests {
    let folder: TemporaryFolder
    let library: Library

    init() throws {
        (folder, library) = try makeLibrary()
        try library.addFile("p", """
            ---
            title: Review
            tags: [review]
            variables:
            - name: code
            - name: context
              required: false
            - name: level
              type: enum
              values: [low, high]
              default: low
            ---
            Review {{code}} at {{level}}.
            {{context}}

            """)
    }

    @Test func aSemanticDiffFlagsWhatBreaksCallers() throws {
        folder.write("prompts/p.prompt.md", """
            ---
            title: Strict review
            tags: [review, strict]
            variables:
            - name: code
            - name: level
              type: enum
              values: [high]
              default: high
            - name: language
            ---
            Review {{code}} in {{language}} at {{level}}.

            """)
        let diff = try library.diff(id("p"))
        #expect(diff.from == "v1" && diff.to == "working copy")
        #expect(diff.fields.map(\.field) == ["title", "tags"])
        #expect(diff.fields[0].old == .string("Review") && diff.fields[0].new == .string("Strict review"))
        let byName = Dictionary(uniqueKeysWithValues: diff.variables.map { ($0.name, $0) })
        #expect(byName["context"]?.kind == .removed && byName["context"]?.breaking != nil)
        #expect(byName["language"]?.kind == .added)
        #expect(byName["language"]?.breaking?.contains("new required variable without a default") == true)
        #expect(byName["level"]?.kind == .changed)
        #expect(byName["level"]?.details == ["default low → high", "values − low"])
        #expect(byName["level"]?.breaking == "allowed values removed")
        #expect(diff.breaking)
        #expect(diff.hunks.count == 1)
        #expect(diff.hunks[0].lines == ["-Review {{code}} at {{level}}.", "-{{context}}", "+Review {{code}} in {{language}} at {{level}}."])
        #expect(diff.newTokens > diff.oldTokens - 10)
    }

    @Test func aTypeChangeIsBreakingAndADescriptionChangeIsNot() throws {
        folder.write("prompts/p.prompt.md", """
            ---
            title: Review
            tags: [review]
            variables:
            - name: code
              description: The code.
              type: list
            - name: context
              required: false
            - name: level
              type: enum
              values: [low, high]
              default: low
            ---
            Review {{code}} at {{level}}.
            {{context}}

            """)
        let diff = try library.diff(id("p"))
        #expect(diff.variables.map(\.name) == ["code"])
        #expect(diff.variables[0].details == ["type string → list", "description"])
        #expect(diff.variables[0].breaking == "type changed")
        #expect(diff.hunks.isEmpty && diff.fields.isEmpty)
    }

    @Test func diffBetweenTwoVersionsAndWords() throws {
        _ = try library.edit(id("p"), body: "Review {{code}} carefully at {{level}}.\n")
        let diff = try library.diff(id("p"), from: "v1", to: "v2")
        #expect(diff.from == "v1" && diff.to == "v2")
        let words = TextDiff.wordEdits(from: "Review the code at low.", to: "Review the code carefully at low.")
        #expect(words == [.same("Review the code "), .added("carefully "), .same("at low.")])
        #expect(try library.diff(id("p"), from: "v2", to: "v2").isEmpty)
    }

    @Test func revertMakesANewCommitWithTheOldContent() throws {
        let original = try #require(folder.read("prompts/p.prompt.md"))
        _ = try library.edit(id("p"), set: [("title", "Changed")])
        let outcome = try library.revert(id("p"), to: "v1")
        #expect(outcome.message.hasPrefix("folio: revert p to v1 ("))
        #expect(folder.read("prompts/p.prompt.md") == original)
        #expect(try library.history(of: id("p")).count == 3)  // history is never rewritten
        #expect(try !library.revert(id("p"), to: "v3").changed)
    }
}

@Suite struct LabelTests {
    @Test func labelsAreGitRefsAndEveryMoveIsLogged() throws {
        let (folder, library) = try makeLibrary()
        try library.addFile("review", "one\n")
        try library.addFile("review/security", "sec\n")  // a prompt below another: their labels must not collide
        _ = try library.edit(id("review"), body: "two\n")
        try library.setLabel("production", on: id("review"), to: "v1")
        try library.setLabel("production", on: id("review/security"))
        try library.setLabel("production", on: id("review"), to: "v2")
        try library.setLabel("staging", on: id("review"))
        let refs = try git("for-each-ref", "--format=%(refname)", "refs/folio/labels", in: folder.path).split(separator: "\n")
        #expect(refs == ["refs/folio/labels/review.prompt/production", "refs/folio/labels/review.prompt/staging",
                         "refs/folio/labels/review/security.prompt/production"])
        #expect(try git("rev-parse", "refs/folio/labels/review.prompt/production", in: folder.path)
                == (try library.history(of: id("review")).last?.commit))
        #expect(try library.labels(of: id("review")).map { "\($0.name)=v\($0.version ?? 0)" } == ["production=v2", "staging=v2"])
        #expect(try library.history(of: id("review")).map(\.labels) == [[], ["production", "staging"]])

        try library.removeLabel("staging", from: id("review"))
        let log = try library.labelLog(of: id("review"))
        #expect(log.map { "\($0.label) \($0.from == nil ? "-" : "x") \($0.to == nil ? "-" : "x")" }
                == ["production - x", "production x x", "staging - x", "staging x -"])
        #expect(log.allSatisfy { $0.user == "Ada Tester <ada@example.com>" })
        #expect(try git("log", "--format=%s", "refs/folio/label-log", in: folder.path).split(separator: "\n").count == 5)
        try git("fsck", "--strict", in: folder.path)
    }

    @Test func badLabelNamesAndMissingLabelsAreClearErrors() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        try library.addFile("p", "x\n")
        for name in ["v3", "head", "Production", "", "a b"] {
            #expect(throws: FolioError.self) { try library.setLabel(name, on: id("p")) }
        }
        try library.setLabel("production", on: id("p"))
        let missing = #expect(throws: FolioError.self) { try library.removeLabel("prodution", from: id("p")) }
        #expect(missing?.message.contains("did you mean production?") == true)
    }
}

@Suite struct VariantTests {
    @Test func editingAVariantCommitsOnItsBranchAndLeavesTheWorkTreeAlone() throws {
        let (folder, library) = try makeLibrary()
        let p = folder.path
        try library.addFile("tone", "---\nvariables: [name]\n---\nHello {{name}}, welcome!\n")
        try library.addFile("other", "other\n")
        let variant = try library.createVariant("concise")
        #expect(variant.branch == "variant/concise" && variant.base == "main" && variant.changed.isEmpty)
        let head = try git("rev-parse", "HEAD", in: p)
        let index = try Data(contentsOf: URL(fileURLWithPath: folder.at(".git/index")))
        _ = try library.edit(id("tone"), body: "Hi {{name}}!\n", variant: "concise")
        _ = try library.add(try PromptID("extra"), fileText: "only on the variant\n", source: "x", variant: "concise")
        #expect(try git("rev-parse", "HEAD", in: p) == head)
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.at(".git/index"))) == index)
        #expect(try git("status", "--porcelain", in: p) == "")
        #expect(folder.read("prompts/tone.prompt.md") == "---\nvariables: [name]\n---\nHello {{name}}, welcome!\n")
        #expect(try git("show", "variant/concise:prompts/tone.prompt.md", in: p) == "---\nvariables: [name]\n---\nHi {{name}}!")
        #expect(try library.variants().first?.changed == ["extra", "tone"])
        #expect(try library.render(try library.reference(id("tone"), variant: "concise"), inputs: ["name": .text("Ada")], allowExtra: true).text == "Hi Ada!\n")
        let diffs = try library.variantDiff("concise", prompt: id("tone"))
        #expect(diffs.first?.hunks.first?.lines == ["-Hello {{name}}, welcome!", "+Hi {{name}}!"])
        #expect(try git("log", "-1", "--format=%s", "variant/concise", in: p) == "folio: add extra (variant/concise)")
        try git("fsck", "--strict", in: p)
    }

    @Test func unknownVariantsAndDuplicatesAreClearErrors() throws {
        let (folder, library) = try makeLibrary()
        defer { withExtendedLifetime(folder) {} }
        try library.addFile("tone", "x\n")
        _ = try library.createVariant("concise")
        let duplicate = #expect(throws: FolioError.self) { try library.createVariant("concise") }
        #expect(duplicate?.kind == .conflict)
        let unknown = #expect(throws: FolioError.self) { try library.edit(id("tone"), body: "y\n", variant: "consice") }
        #expect(unknown?.message.contains("did you mean concise?") == true)
        let badName = #expect(throws: FolioError.self) { try library.createVariant("Bad Name") }
        #expect(badName?.kind == .invalidInput)
        let noCommit = #expect(throws: FolioError.self) { try library.edit(id("tone"), body: "y\n", commit: false, variant: "concise") }
        #expect(noCommit?.message.contains("always a commit") == true)
    }
}
