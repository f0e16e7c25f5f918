import Foundation
import Testing
import TestSupport
@testable import FolioKit

@Suite struct HooksTests {
    let folio = "/opt/folio/bin/folio"

    func hook(_ folder: TemporaryFolder, _ name: String) -> String? { folder.read(".git/hooks/" + name) }

    func makeExecutable(_ path: String) throws {
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    @Test func installWritesExecutableHooksWithTheBinaryAndLibraryFilledIn() throws {
        let (folder, library) = try makeLibrary()
        let (directory, hooks) = try library.installHooks(executable: folio, force: false)
        #expect(directory == folder.at(".git/hooks"))
        #expect(hooks.map(\.hook).sorted() == ["post-checkout", "post-merge", "pre-commit"])
        #expect(hooks.allSatisfy { $0.action == .installed })
        let preCommit = try #require(hook(folder, "pre-commit"))
        #expect(preCommit.contains("installed='/opt/folio/bin/folio'"))
        #expect(preCommit.contains("lint --staged --quiet --library '.'"))
        #expect(!preCommit.contains("@FOLIO@") && !preCommit.contains("@LIBRARY@"))
        #expect(FileManager.default.isExecutableFile(atPath: folder.at(".git/hooks/pre-commit")))
        // Again: nothing to do. With another binary: updated.
        #expect(try library.installHooks(executable: folio, force: false).hooks.allSatisfy { $0.action == .unchanged })
        #expect(try library.hookStatus(executable: "/usr/local/bin/folio").hooks.allSatisfy { $0.state == .outdated })
        #expect(try library.installHooks(executable: "/usr/local/bin/folio", force: false).hooks.allSatisfy { $0.action == .updated })
    }

    @Test func anExistingHookIsChainedAndPutBackOnUninstall() throws {
        let (folder, library) = try makeLibrary()
        folder.write(".git/hooks/pre-commit", "#!/bin/sh\nexec run-my-checks\n")
        try makeExecutable(folder.at(".git/hooks/pre-commit"))
        let hooks = try library.installHooks(executable: folio, force: false).hooks
        #expect(hooks.first { $0.hook == "pre-commit" }?.action == .chained(keptAs: folder.at(".git/hooks/pre-commit.pre-folio")))
        #expect(hook(folder, "pre-commit.pre-folio") == "#!/bin/sh\nexec run-my-checks\n")
        #expect(hook(folder, "pre-commit")?.contains("pre-commit.pre-folio") == true)
        #expect(try library.hookStatus(executable: folio).hooks.first { $0.hook == "pre-commit" }?.chained == ".git/hooks/pre-commit.pre-folio")

        let removed = try library.uninstallHooks().hooks
        #expect(removed.first { $0.hook == "pre-commit" }?.action == .restored)
        #expect(removed.first { $0.hook == "post-merge" }?.action == .removed)
        #expect(hook(folder, "pre-commit") == "#!/bin/sh\nexec run-my-checks\n")
        #expect(!folder.exists(".git/hooks/pre-commit.pre-folio") && !folder.exists(".git/hooks/post-merge"))
        // A hook that is not folio's is never removed.
        #expect(try library.uninstallHooks().hooks.first { $0.hook == "pre-commit" }?.action == .leftAlone)
        #expect(hook(folder, "pre-commit") != nil)
    }

    @Test func whenAHookCannotBeChainedNothingIsWrittenUnlessForced() throws {
        let (folder, library) = try makeLibrary()
        folder.write(".git/hooks/post-merge", "#!/bin/sh\necho mine\n")
        folder.write(".git/hooks/post-merge.pre-folio", "#!/bin/sh\necho older\n")
        let error = #expect(throws: FolioError.self) { try library.installHooks(executable: folio, force: false) }
        #expect(error?.kind == .conflict)
        #expect(error?.message.contains("--force") == true)
        // Planned before writing: the hooks that come before post-merge were not installed either.
        #expect(!folder.exists(".git/hooks/post-checkout") && !folder.exists(".git/hooks/pre-commit"))

        let forced = try library.installHooks(executable: folio, force: true).hooks
        #expect(forced.first { $0.hook == "post-merge" }?.action == .replaced(backup: folder.at(".git/hooks/post-merge.folio-backup")))
        #expect(hook(folder, "post-merge.folio-backup") == "#!/bin/sh\necho mine\n")
        #expect(hook(folder, "post-merge.pre-folio") == "#!/bin/sh\necho older\n")
        #expect(GitHook.isFolios(hook(folder, "post-merge") ?? ""))
    }

    @Test func coreHooksPathIsRespectedAndALibraryInASubfolderIsNamed() throws {
        let repository = TemporaryFolder("hooks")
        try git("init", "-q", "-b", "main", in: repository.path)
        try git("config", "core.hooksPath", ".githooks", in: repository.path)
        _ = try Library.initialize(at: repository.at("prompts-lib"), withTemplates: false, environment: environment(repository.at("prompts-lib")))
        let library = try Library.open(explicitPath: nil, environment: environment(repository.at("prompts-lib")))
        let (directory, _) = try library.installHooks(executable: folio, force: false)
        #expect(directory == repository.at(".githooks"))
        #expect(repository.read(".githooks/pre-commit")?.contains("--library 'prompts-lib'") == true)
        #expect(!repository.exists(".git/hooks/pre-commit"))
    }

    @Test func theEmbeddedHooksMatchTheHooksFolder() throws {
        let folder = packageRoot.appendingPathComponent("hooks")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasSuffix(".md") }.sorted()
        #expect(files == GitHook.builtIn.map(\.name), "run scripts/embed-resources")
        for hook in GitHook.builtIn {
            let text = try String(contentsOf: folder.appendingPathComponent(hook.name), encoding: .utf8)
            #expect(text == hook.text, "hooks/\(hook.name) changed: run scripts/embed-resources")
            #expect(FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent(hook.name).path))
            // sh must accept every hook as it will be installed.
            let script = hook.script(folio: "/usr/bin/folio it's", library: "a b")
            let check = try run("/bin/sh", ["-n", "-c", script])
            #expect(check.status == 0, "\(hook.name): \(check.stderr)")
        }
    }
}
