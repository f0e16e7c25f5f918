import Foundation
import Testing
import TestSupport

/// The `folio` executable built beside the tests (or FOLIO_BIN).
let folioBinary: String = {
    if let path = ProcessInfo.processInfo.environment["FOLIO_BIN"] { return path }
    let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var folder = testBinary.deletingLastPathComponent()
    // On Linux the tests are an executable in the build folder; on macOS a bundle inside it.
    while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("folio").path), folder.path != "/" {
        folder.deleteLastPathComponent()
    }
    return folder.appendingPathComponent("folio").path
}()

/// Starts `count` folio processes at once in `folder`, each with its own arguments, and waits for all.
func runConcurrently(_ count: Int, in folder: String, arguments: (Int) -> [String]) throws -> [Process] {
    let processes = (0..<count).map { index -> Process in
        let process = Process()
        process.executableURL = URL(fileURLWithPath: folioBinary)
        process.arguments = arguments(index)
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.environment = testEnvironment(home: folder)
        process.standardOutput = FileHandle.nullDevice
        return process
    }
    for process in processes { try process.run() }
    for process in processes { process.waitUntilExit() }
    return processes
}

/// Starts folio in `folder` (HOME `home`), kills it with SIGKILL `seconds` later, wherever it is by then, and
/// waits for it: how the tests interrupt a command at a random point. Its `terminationReason` says whether it
/// finished first.
@discardableResult
func folioKilled(_ arguments: [String], in folder: String, home: String, after seconds: Double) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: folioBinary)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: folder)
    process.environment = testEnvironment(home: home)
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    usleep(UInt32(seconds * 1_000_000))
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    return process
}

/// Runs the real binary in `folder` with a test identity and HOME.
@discardableResult
func folio(_ arguments: String..., in folder: String, env: [String: String] = [:], stdin: String? = nil) throws -> ProcessResult {
    try run(folioBinary, arguments, in: folder, environment: testEnvironment(home: folder, extra: env), stdin: stdin)
}

@Suite(.serialized) struct EndToEndTests {
    @Test func theBinaryExists() {
        #expect(FileManager.default.isExecutableFile(atPath: folioBinary), "build folio first: \(folioBinary)")
    }

    @Test func aWholeSessionIsReadByGitLikeAnyOtherHistory() throws {
        let folder = TemporaryFolder("e2e")
        let p = folder.path
        #expect(try folio("init", "--templates", in: p).status == 0)
        folder.write("draft.md", "Explain a topic.\n")
        var result = try folio("new", "teach/explain", "--title", "Explain", "--tag", "teaching", "--body-file", "draft.md", in: p)
        #expect(result.status == 0, "\(result.stderr)")
        folder.write("body.md", "Explain {{topic}} to {{audience}}.\n")
        result = try folio("edit", "teach/explain", "--set", "variables=[topic, audience]", "--set", "status=active",
                           "--body-file", "body.md", in: p)
        #expect(result.status == 0, "\(result.stderr)")
        result = try folio("render", "teach/explain", "--var", "topic=git", "--var", "audience=a <new> hire", in: p)
        #expect(result.stdout == "Explain git to a <new> hire.\n")
        #expect(try folio("mv", "teach/explain", "teach/explain-simply", in: p).status == 0)
        #expect(try folio("rm", "refactor", in: p).status == 0)

        // git reads everything folio wrote.
        try git("fsck", "--strict", "--no-dangling", in: p)
        let log = try git("log", "--format=%s|%an|%ae", in: p).split(separator: "\n")
        #expect(log == ["folio: rm refactor|Ada Tester|ada@example.com",
                        "folio: mv teach/explain -> teach/explain-simply|Ada Tester|ada@example.com",
                        "folio: edit teach/explain|Ada Tester|ada@example.com",
                        "folio: add teach/explain|Ada Tester|ada@example.com",
                        "folio: init|Ada Tester|ada@example.com"])
        #expect(try git("status", "--porcelain", in: p) == "?? body.md\n?? draft.md")
        #expect(try git("show", "HEAD~1", "--name-status", "--format=", "-M", in: p)
                == "R100\tprompts/teach/explain.prompt.md\tprompts/teach/explain-simply.prompt.md")
        let file = try git("show", "HEAD:prompts/teach/explain-simply.prompt.md", in: p)
        #expect(file.contains("variables: [topic, audience]"))
        #expect(try git("rev-list", "--count", "HEAD", in: p) == "5")
        // The reflog records folio's commits like git's own.
        #expect(try git("reflog", "-1", "--format=%gs", in: p) == "commit: folio: rm refactor")
    }

    @Test func aLibraryInsideACodeRepositoryCommitsOnlyItsOwnFiles() throws {
        let repo = TemporaryFolder("app")
        let p = repo.path
        try git("init", "-q", "-b", "main", in: p)
        repo.write("src/app.py", "print('hi')\n")
        repo.write(".gitignore", "*.log\n")
        try git("add", ".", in: p)
        try git("commit", "-qm", "app", in: p)
        try git("checkout", "-qb", "feature/prompts", in: p)
        repo.write("src/app.py", "print('work in progress')\n")
        repo.write("notes.txt", "staged note\n")
        try git("add", "notes.txt", in: p)

        #expect(try folio("init", "tools/prompts", in: p).status == 0)
        // From the repository's top folder, folio finds the library through the index.
        let created = try folio("new", "ci/triage", "--no-edit", "--title", "Triage", in: p)
        #expect(created.status == 0, "\(created.stderr)")
        // And from inside it, by walking up.
        let listed = try folio("list", in: repo.at("tools/prompts/prompts"))
        #expect(listed.stdout.contains("ci/triage"))

        #expect(try git("log", "--format=%s", "main..HEAD", in: p) == "folio: add ci/triage\nfolio: init")
        #expect(try git("show", "--name-only", "--format=", "HEAD", in: p) == "tools/prompts/prompts/ci/triage.prompt.md")
        #expect(try git("diff", "--name-only", in: p) == "src/app.py")
        #expect(try git("diff", "--cached", "--name-only", in: p) == "notes.txt")
        #expect(try git("rev-parse", "--abbrev-ref", "HEAD", in: p) == "feature/prompts")
        try git("fsck", "--strict", in: p)
    }

    @Test func withoutAGitIdentityFolioSaysHowToSetOneAndWritesNothing() throws {
        guard (try? git("config", "--system", "user.email", in: "/tmp")) == nil else { return }  // a system identity applies to all
        let folder = TemporaryFolder("noid")
        let env = ["GIT_AUTHOR_NAME": "", "GIT_AUTHOR_EMAIL": "", "GIT_COMMITTER_NAME": "", "GIT_COMMITTER_EMAIL": "",
                   "EMAIL": "", "XDG_CONFIG_HOME": folder.at("xdg")]
        let result = try folio("init", "lib", in: folder.path, env: env)
        #expect(result.status == 5)
        #expect(result.stderr.contains("git config --global user.name"))
        #expect(!folder.exists("lib"))
    }

    @Test func errorsNameTheFileLineAndFixAndUseTheDocumentedExitCodes() throws {
        let folder = TemporaryFolder("errors")
        let p = folder.path
        let outside = try folio("list", in: p)
        #expect(outside.status == 2)
        #expect(outside.stderr.contains("create one here with: folio init"))
        try folio("init", in: p)
        folder.write("prompts/bad.prompt.md", "---\ntitle: x\ntitle: y\n---\n")
        let bad = try folio("show", "bad", in: p)
        #expect(bad.status == 3)
        #expect(bad.stderr == "prompts/bad.prompt.md:3:1: error: duplicate key 'title' (first at line 2)\n")
        let badID = try folio("new", "Review", "--no-edit", in: p)
        #expect(badID.status == 3)
        #expect(badID.stderr == "error: invalid prompt id 'Review': ids are lowercase; try 'review'\n")
        folder.write("prompts/cycle/a.prompt.md", "{{> cycle/b}}\n")
        folder.write("prompts/cycle/b.prompt.md", "{{> cycle/a}}\n")
        let cycle = try folio("render", "cycle/a", in: p)
        #expect(cycle.status == 3)
        #expect(cycle.stderr.contains("include cycle: cycle/a → cycle/b → cycle/a"))
    }

    @Test func aCRLFFileStaysCRLFAfterAnEdit() throws {
        let folder = TemporaryFolder("crlf")
        let p = folder.path
        try folio("init", in: p)
        try folio("new", "win", "--file", "-", in: p, stdin: "---\r\ntitle: Old\r\n---\r\nLine one\r\nLine two\r\n")
        #expect(try folio("edit", "win", "--set", "title=New", in: p).status == 0)
        #expect(folder.read("prompts/win.prompt.md") == "---\r\ntitle: New\r\n---\r\nLine one\r\nLine two\r\n")
        #expect(try git("diff", "--stat", "HEAD~1", "HEAD", in: p).contains("1 insertion(+), 1 deletion(-)"))
    }

    @Test func theEditorIsARealProcess() throws {
        let folder = TemporaryFolder("editor")
        let p = folder.path
        try folio("init", in: p)
        folder.write("ed.sh", "#!/bin/sh\nsed -i 's/^Describe the task here.*/Summarise {{text}}./' \"$1\"\nsed -i 's/^status: draft/variables: [text]/' \"$1\"\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.at("ed.sh"))
        let result = try folio("new", "sum", in: p, env: ["EDITOR": folder.at("ed.sh")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try folio("render", "sum", "--var", "text=this", in: p).stdout == "Summarise this.\n")
    }
}

@Suite struct ConcurrencyTests {
    @Test func eightFolioProcessesCommittingAtOnceLoseNothing() throws {
        let folder = TemporaryFolder("concurrent")
        let p = folder.path
        try folio("init", in: p)
        let processes = try runConcurrently(8, in: p) { ["new", "p\($0)", "--no-edit", "--title", "P\($0)"] }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let adds = try git("log", "--format=%s", in: p).split(separator: "\n").filter { $0.hasPrefix("folio: add p") }
        #expect(adds.count == 8)
        #expect(try git("ls-tree", "--name-only", "HEAD", "prompts/", in: p).split(separator: "\n").count == 9)  // + .gitkeep
        // The index agrees with HEAD: nothing staged or lost between the processes.
        #expect(try git("status", "--porcelain", in: p) == "")
        try git("fsck", "--strict", in: p)
    }
}

@Suite struct AnalyticsConcurrencyTests {
    @Test func eightFolioUseProcessesAtOnceLoseNoEvent() throws {
        let folder = TemporaryFolder("uses")
        let p = folder.path
        try folio("init", "--templates", in: p)
        try folio("use", "bug-fix", in: p)  // creates the events database first, as a real library would have
        let processes = try runConcurrently(8, in: p) { ["use", "bug-fix", "--source", "worker-\($0)"] }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let stats = try folio("stats", "--json", "--by", "source", in: p)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
        #expect((report["totals"] as? [String: Any])?["uses"] as? Int == 9)
        #expect((report["breakdown"] as? [[String: Any]])?.count == 9)
    }
}
