import Foundation
import Testing
import TestSupport
@testable import FolioKit

@Suite struct LibraryInitTests {
    @Test func initInAnEmptyFolderCreatesARepositoryAndOneCommit() throws {
        let folder = TemporaryFolder()
        let outcome = try Library.initialize(at: folder.path, withTemplates: false, environment: environment(folder.path))
        #expect(outcome.createdRepository)
        #expect(outcome.branch == "main")
        #expect(try git("log", "--format=%s|%an", in: folder.path) == "folio: init|Ada Tester")
        #expect(try git("ls-tree", "-r", "--name-only", "HEAD", in: folder.path).split(separator: "\n")
                == ["contexts/.gitkeep", "folio.yaml", "prompts/.gitkeep"])
        #expect(try git("status", "--porcelain", in: folder.path) == "")
        try git("fsck", "--strict", in: folder.path)
        let config = try #require(folder.read("folio.yaml"))
        #expect(config.contains("version: 1"))
    }

    @Test func initWithTemplatesCopiesEveryStarter() throws {
        let folder = TemporaryFolder()
        let outcome = try Library.initialize(at: folder.path, withTemplates: true, environment: environment(folder.path))
        #expect(outcome.templates.count == StarterTemplate.builtIn.count)
        let tracked = try git("ls-tree", "-r", "--name-only", "HEAD", "prompts", in: folder.path)
        #expect(tracked.contains("prompts/code-review.prompt.md"))
        #expect(tracked.contains("prompts/security-review.prompt.md"))
    }

    @Test func initInsideACodeRepositoryCommitsOnlyTheLibrary() throws {
        let repo = TemporaryFolder("code")
        try git("init", "-q", "-b", "trunk", in: repo.path)
        repo.write("src/main.c", "int main(){}\n")
        try git("add", ".", in: repo.path)
        try git("commit", "-qm", "code", in: repo.path)
        repo.write("src/main.c", "int main(){return 1;}\n")  // the developer's uncommitted work
        let outcome = try Library.initialize(at: repo.at("tools/prompts"), withTemplates: false, environment: environment(repo.path))
        #expect(!outcome.createdRepository)
        #expect(outcome.branch == "trunk")
        #expect(try git("show", "--name-only", "--format=%s", "HEAD", in: repo.path).split(separator: "\n")
                == ["folio: init", "tools/prompts/contexts/.gitkeep", "tools/prompts/folio.yaml", "tools/prompts/prompts/.gitkeep"])
        #expect(try git("status", "--porcelain", in: repo.path) == "M src/main.c")
    }

    @Test func initInAFolderTheRepositoryIgnoresIsRefusedWithTheFix() throws {
        let repo = TemporaryFolder("code")
        try git("init", "-q", in: repo.path)
        repo.write(".gitignore", "demo/\n")
        try git("add", ".", in: repo.path)
        try git("commit", "-qm", "ignore demo", in: repo.path)
        let error = #expect(throws: FolioError.self) {
            try Library.initialize(at: repo.at("demo"), withTemplates: false, environment: environment(repo.path))
        }
        #expect(error?.kind == .conflict)
        #expect(error?.message.contains("folio init --new-repo") == true)
        #expect(!repo.exists("demo"))
        #expect(try git("rev-list", "--count", "HEAD", in: repo.path) == "1")
    }

    @Test func newRepoGivesALibraryInsideAnotherRepositoryItsOwn() throws {
        let repo = TemporaryFolder("code")
        try git("init", "-q", in: repo.path)
        repo.write(".gitignore", "demo/\n")
        try git("add", ".", in: repo.path)
        try git("commit", "-qm", "ignore demo", in: repo.path)
        let outcome = try Library.initialize(at: repo.at("demo"), withTemplates: false, newRepository: true,
                                             environment: environment(repo.path))
        #expect(outcome.createdRepository)
        #expect(try git("rev-list", "--count", "HEAD", in: repo.path) == "1")
        #expect(try git("log", "--format=%s", in: repo.at("demo")) == "folio: init")
        let library = try Library.open(explicitPath: nil, environment: environment(repo.at("demo")))
        try library.addFile("inside", "x\n")
        #expect(try git("rev-list", "--count", "HEAD", in: repo.path) == "1")
        #expect(try git("log", "-1", "--format=%s", in: repo.at("demo")) == "folio: add inside")
    }

    @Test func initTwiceIsAConflictAndChangesNothing() throws {
        let (folder, _) = try makeLibrary()
        let before = try git("rev-parse", "HEAD", in: folder.path)
        let error = #expect(throws: FolioError.self) {
            try Library.initialize(at: folder.path, withTemplates: false, environment: environment(folder.path))
        }
        #expect(error?.kind == .conflict)
        #expect(try git("rev-parse", "HEAD", in: folder.path) == before)
    }
}

@Suite struct LibraryLocationTests {
    @Test func isFoundFromASubfolder() throws {
        let (folder, _) = try makeLibrary()
        try FileManager.default.createDirectory(atPath: folder.at("prompts/deep/er"), withIntermediateDirectories: true)
        let library = try Library.open(explicitPath: nil, environment: environment(folder.at("prompts/deep/er")))
        #expect(library.root == folder.path)
    }

    @Test func isFoundFromTheTopOfACodeRepositoryThroughTheIndex() throws {
        let repo = TemporaryFolder("code")
        try git("init", "-q", in: repo.path)
        _ = try Library.initialize(at: repo.at("tools/prompts"), withTemplates: false, environment: environment(repo.path))
        let library = try Library.open(explicitPath: nil, environment: environment(repo.path))
        #expect(library.root == repo.at("tools/prompts"))
    }

    @Test func outsideALibraryTheErrorSuggestsInit() throws {
        let folder = TemporaryFolder()
        let error = #expect(throws: FolioError.self) { try Library.open(explicitPath: nil, environment: environment(folder.path)) }
        #expect(error?.kind == .notFound)
        #expect(error?.message.contains("folio init") == true)
        let explicit = #expect(throws: FolioError.self) { try Library.open(explicitPath: "nowhere", environment: environment(folder.path)) }
        #expect(explicit?.message.contains("no folio library at \(folder.path)/nowhere") == true)
    }
}

@Suite struct LibraryChangeTests {
    let folder: TemporaryFolder
    let library: Library

    init() throws {
        (folder, library) = try makeLibrary()
    }

    func log() throws -> [String] {
        try git("log", "--format=%s", in: folder.path).split(separator: "\n").map(String.init)
    }

    @Test func addCommitsOneFileWithADeterministicMessage() throws {
        let prompt = try library.newPrompt(id("review/security"), title: "Security", tags: ["review"], template: nil, body: "Check the code.\n")
        let outcome = try library.add(prompt)
        #expect(outcome.message == "folio: add review/security")
        #expect(try log().first == "folio: add review/security")
        #expect(try git("rev-parse", "HEAD", in: folder.path) == outcome.commit)
        #expect(try git("show", "--name-only", "--format=", "HEAD", in: folder.path) == "prompts/review/security.prompt.md")
        #expect(try library.document(id("review/security")).prompt.title == "Security")
        try git("fsck", "--strict", in: folder.path)
        #expect(try git("status", "--porcelain", in: folder.path) == "")
    }

    @Test func addingAnExistingIDIsAConflict() throws {
        try library.addFile("x", "x\n")
        let error = #expect(throws: FolioError.self) { try library.addFile("x", "y\n") }
        #expect(error?.kind == .conflict)
        #expect(error?.message.contains("folio edit x") == true)
    }

    @Test func addFromTemplateStartsFromItsText() throws {
        let prompt = try library.newPrompt(id("my-review"), title: "Mine", tags: ["team"], template: "code-review", body: nil)
        #expect(prompt.title == "Mine")
        #expect(prompt.tags == ["review", "quality", "team"])
        #expect(prompt.variables.map(\.name).contains("diff"))
        let unknown = #expect(throws: FolioError.self) {
            try library.newPrompt(id("z"), title: nil, tags: [], template: "code-reveiw", body: nil)
        }
        #expect(unknown?.message.contains("did you mean code-review?") == true)
    }

    @Test func noCommitLeavesAWorkTreeChange() throws {
        let before = try log()
        _ = try library.add(try PromptID("draft"), fileText: "hello\n", source: "draft", commit: false)
        #expect(try log() == before)
        #expect(try git("status", "--porcelain", "--untracked-files=all", in: folder.path) == "?? prompts/draft.prompt.md")
    }

    @Test func editSetsFieldsAsYAMLAndKeepsUnknownKeys() throws {
        try library.addFile("p", "---\ntitle: Old\nx-custom: keep me\n---\nBody\n")
        let outcome = try library.edit(id("p"), set: [("title", "New: improved"), ("tags", "[a, b]"), ("status", "deprecated"),
                                                      ("model.parameters.temperature", "0.3"), ("description", "")])
        #expect(outcome.changed)
        let prompt = try library.document(id("p")).prompt
        #expect(prompt.title == "New: improved")
        #expect(prompt.description == "")
        #expect(prompt.tags == ["a", "b"])
        #expect(prompt.status == .deprecated)
        #expect(prompt.model?.parameters == [Value.Entry("temperature", .double(0.3))])
        #expect(prompt.extra == [Value.Entry("x-custom", .string("keep me"))])
        #expect(prompt.body == "Body\n")
        #expect(try log().first == "folio: edit p")
    }

    @Test func editThatChangesNothingMakesNoCommit() throws {
        try library.addFile("p", "---\ntitle: Same\n---\nBody\n")
        let before = try log()
        let outcome = try library.edit(id("p"), set: [("title", "Same")])
        #expect(!outcome.changed)
        #expect(outcome.commit == nil)
        #expect(try log() == before)
    }

    @Test func anInvalidEditWritesNothing() throws {
        try library.addFile("p", "---\ntitle: T\n---\nBody\n")
        let before = try git("rev-parse", "HEAD", in: folder.path)
        let error = #expect(throws: FolioError.self) { try library.edit(id("p"), set: [("status", "live")]) }
        #expect(error?.message == "prompts/p.prompt.md:3:9: error: status must be one of draft, active, deprecated (not 'live')")
        let template = #expect(throws: FolioError.self) { try library.edit(id("p"), body: "{{#open}} never closed\n") }
        #expect(template?.message.hasPrefix("prompts/p.prompt.md:4:1: error: section 'open' is never closed") == true)
        #expect(try git("rev-parse", "HEAD", in: folder.path) == before)
        #expect(folder.read("prompts/p.prompt.md") == "---\ntitle: T\n---\nBody\n")
    }

    @Test func editingTheBodyKeepsTheFrontmatterAsWritten() throws {
        try library.addFile("p", "---\nzeta: 1\ntitle: T # comment\n---\nOld\n")
        _ = try library.edit(id("p"), body: "New\n")
        #expect(folder.read("prompts/p.prompt.md") == "---\nzeta: 1\ntitle: T # comment\n---\nNew\n")
    }

    @Test func replaceValidatesTheWholeFile() throws {
        try library.addFile("p", "---\ntitle: T\n---\nBody\n")
        let error = #expect(throws: FolioError.self) {
            try library.replace(id("p"), fileText: "---\ntitle: [unclosed\n---\n", source: "/tmp/p.prompt.md")
        }
        #expect(error?.message.hasPrefix("/tmp/p.prompt.md:") == true)
        _ = try library.replace(id("p"), fileText: "---\ntitle: U\n---\nBody\n", source: "/tmp/p.prompt.md")
        #expect(try library.document(id("p")).prompt.title == "U")
    }

    @Test func moveRenamesAndRewritesIncludesInOneCommit() throws {
        try library.addFile("shared/tone", "---\npartial: true\n---\nBe kind.\n")
        try library.addFile("shared/tone-2", "Be brief.\n")
        try library.addFile("a", "---\ntitle: A\n---\nStart\n{{> shared/tone}}\n{{>shared/tone}} and {{> shared/tone-2}}\n")
        try library.addFile("b", "---\nvariables: [name]\n---\nNo includes here: {{name}}\n")
        let outcome = try library.move(id("shared/tone"), to: id("style/tone"))
        #expect(outcome.message == "folio: mv shared/tone -> style/tone")
        #expect(folder.read("prompts/a.prompt.md") == "---\ntitle: A\n---\nStart\n{{> style/tone}}\n{{>style/tone}} and {{> shared/tone-2}}\n")
        #expect(!folder.exists("prompts/shared/tone.prompt.md"))
        let changed = try git("show", "--name-status", "--format=", "-M", "HEAD", in: folder.path)
        #expect(changed.contains("R100\tprompts/shared/tone.prompt.md\tprompts/style/tone.prompt.md"))
        #expect(changed.contains("M\tprompts/a.prompt.md"))
        #expect(!changed.contains("prompts/b.prompt.md"))
        #expect(try library.render(id("a")).text.contains("Be kind."))
        try git("fsck", "--strict", in: folder.path)
    }

    @Test func moveOntoAnExistingPromptIsAConflict() throws {
        try library.addFile("a", "a\n")
        try library.addFile("b", "b\n")
        let error = #expect(throws: FolioError.self) { try library.move(id("a"), to: id("b")) }
        #expect(error?.kind == .conflict)
        #expect(folder.read("prompts/a.prompt.md") == "a\n")
    }

    @Test func removeRefusesWhileIncludedUnlessForced() throws {
        try library.addFile("part", "P\n")
        try library.addFile("user", "{{> part}}\n")
        let error = #expect(throws: FolioError.self) { try library.remove(id("part")) }
        #expect(error?.message == "'part' is included by user; remove those includes first, or pass --force")
        #expect(folder.exists("prompts/part.prompt.md"))
        let outcome = try library.remove(id("part"), force: true)
        #expect(outcome.warnings == ["prompts/user.prompt.md still includes 'part'"])
        #expect(!folder.exists("prompts/part.prompt.md"))
        #expect(try log().first == "folio: rm part")
    }

    @Test func anIgnoredPromptFileIsNotCommitted() throws {
        folder.write(".gitignore", "prompts/private-*\n")
        try git("add", ".gitignore", in: folder.path)
        try git("commit", "-qm", "ignore private prompts", in: folder.path)
        let error = #expect(throws: FolioError.self) { try library.addFile("private-notes", "x\n") }
        #expect(error?.kind == .conflict)
        #expect(error?.message.contains("is ignored by the repository's .gitignore") == true)
        #expect(!folder.exists("prompts/private-notes.prompt.md"))
        #expect(try library.add(try PromptID("private-notes"), fileText: "x\n", source: "x", commit: false).changed)
    }

    @Test func unknownPromptsSuggestCloseIDs() throws {
        try library.addFile("review/security", "x\n")
        let error = #expect(throws: FolioError.self) { try library.document(id("review/secuirty")) }
        #expect(error?.kind == .notFound)
        #expect(error?.message.contains("did you mean review/security?") == true)
    }

    @Test func listFiltersAndKeepsBrokenFilesVisible() throws {
        try library.addFile("a", "---\ntags: [x, y]\ncategory: c\n---\na\n")
        try library.addFile("b", "---\ntags: [y]\nstatus: draft\n---\nb\n")
        folder.write("prompts/broken.prompt.md", "---\ntitle: [oops\n---\n")
        folder.write("prompts/notes.md", "not a prompt")
        #expect(try library.list().map(\.id) == ["a", "b", "broken"])
        let broken = try library.list().last?.error ?? ""
        #expect(broken.hasPrefix("prompts/broken.prompt.md:3:1: error:"), "\(broken)")
        #expect(try library.list(.init(tags: ["y"])).map(\.id) == ["a", "b"])
        #expect(try library.list(.init(tags: ["x", "y"])).map(\.id) == ["a"])
        #expect(try library.list(.init(category: "c")).map(\.id) == ["a"])
        #expect(try library.list(.init(status: .draft)).map(\.id) == ["b"])
        #expect(try library.list(.init(status: .active)).map(\.id) == ["a"])
    }

    @Test func aPromptChangedBehindFoliosBackIsCommittedWithTheEdit() throws {
        try library.addFile("p", "---\ntitle: T\n---\nBody\n")
        folder.write("prompts/p.prompt.md", "---\ntitle: T\n---\nBody edited by hand\n")
        _ = try library.edit(id("p"), set: [("title", "U")])
        #expect(try git("show", "HEAD:prompts/p.prompt.md", in: folder.path) == "---\ntitle: U\n---\nBody edited by hand")
        #expect(try git("status", "--porcelain", in: folder.path) == "")
    }
}
