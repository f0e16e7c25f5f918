import Foundation
import Testing
import TestSupport

/// Where setpriv is, when the tests can use it to run folio as another user: they run as root, the user nobody and
/// the group nogroup exist, and nobody can run the built binary (its folders are not private to root).
let setpriv: String? = {
    guard getuid() == 0, getpwnam("nobody") != nil, getgrnam("nogroup") != nil,
          let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }),
          let probe = try? run(setpriv, ["--reuid=nobody", "--regid=nogroup", "--clear-groups", folioBinary, "--version"]),
          probe.status == 0 else { return nil }
    return setpriv
}()

/// Runs the built folio as uid `nobody` (group `nogroup`, no other groups), with `home` as HOME.
@discardableResult
func folioAsNobody(_ arguments: String..., in folder: String, home: String) throws -> ProcessResult {
    try run(setpriv!, ["--reuid=nobody", "--regid=nogroup", "--clear-groups", folioBinary] + arguments, in: folder,
            environment: testEnvironment(home: home))
}

/// Permission problems as a user meets them in a CI container: a library another user (root) owns, a sidecar
/// folder that is not writable, a sidecar that is a file. Each is named, with the fix, and read commands read.
@Suite(.serialized, .enabled(if: setpriv != nil, "needs to run as root, with setpriv (util-linux), the user nobody and group nogroup, and a folio binary nobody can run"))
struct PermissionEndToEndTests {
    let folder = TemporaryFolder("permissions")
    var library: String { folder.at("lib") }
    var home: String { folder.at("home") }

    /// A library made by root, with one prompt, one recorded use still in the events journal, one moved into
    /// the events database, and the search index built; everything readable by everyone, nothing writable.
    init() throws {
        try FileManager.default.createDirectory(atPath: library, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let lib = library
        try folio("init", in: lib)
        #expect(try folio("new", "support/reply", "--title", "Reply", "--file", "-", in: lib,
                          stdin: "---\ntitle: Reply\n---\nHello there.\n").status == 0)
        try folio("use", "support/reply", in: lib)
        try folio("stats", in: lib)
        try folio("use", "support/reply", in: lib)
        try folio("search", "hello", in: lib)
        try chmod("a+rX", folder.path)
        try run("/bin/chmod", ["777", home])
    }

    func chmod(_ mode: String, _ path: String) throws {
        #expect(try run("/bin/chmod", ["-R", mode, path]).status == 0)
    }

    func chown(_ owner: String, _ path: String, recursive: Bool = true) throws {
        #expect(try run("/bin/chown", (recursive ? ["-R"] : []) + [owner, path]).status == 0)
    }

    func trust(_ value: String) {
        folder.write("home/.gitconfig", "[safe]\n\tdirectory = \(value)\n")
    }

    @Test func aLibraryAnotherUserOwnsIsReportedAsDubiousOwnershipWithGitsFix() throws {
        for arguments in [["edit", "support/reply", "--set", "description=z"], ["search", "hello"], ["use", "support/reply"],
                          ["stats"], ["history", "support/reply"]] {
            let result = try run(setpriv!, ["--reuid=nobody", "--regid=nogroup", "--clear-groups", folioBinary] + arguments,
                                 in: library, environment: testEnvironment(home: home))
            #expect(result.status == 5, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("detected dubious ownership in repository at '\(library)'"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("git config --global --add safe.directory \(library)"), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("not in a git repository"), "\(arguments): \(result.stderr)")
        }
    }

    @Test func safeDirectoryStarTrustsEveryRepositoryAsGitDoes() throws {
        trust("*")
        let history = try folioAsNobody("history", "support/reply", in: library, home: home)
        #expect(history.status == 0, "\(history.stderr)")
        #expect(history.stdout.contains("v1"))
        let show = try folioAsNobody("show", "support/reply", in: library, home: home)
        #expect(show.status == 0, "\(show.stderr)")
    }

    @Test func safeDirectoryWithAPrefixPatternOrTheExactPathIsHonoured() throws {
        for value in [folder.path + "/*", library, library + "/"] {
            trust(value)
            let history = try folioAsNobody("history", "support/reply", in: library, home: home)
            #expect(history.status == 0, "\(value): \(history.stderr)")
        }
        // An empty value resets the list, as in git.
        folder.write("home/.gitconfig", "[safe]\n\tdirectory = *\n\tdirectory =\n")
        let reset = try folioAsNobody("history", "support/reply", in: library, home: home)
        #expect(reset.status == 5, "\(reset.stderr)")
        // Another folder is not this one.
        trust(folder.path + "/other")
        #expect(try folioAsNobody("history", "support/reply", in: library, home: home).status == 5)
    }

    @Test func anUnwritableSidecarFolderIsAPermissionErrorNotLockContention() throws {
        try chown("nobody:nogroup", library)
        try chown("root:root", library + "/.git/folio")
        let edit = try folioAsNobody("edit", "support/reply", "--set", "description=z", in: library, home: home)
        #expect(edit.status == 6, "\(edit.stderr)")
        #expect(edit.stderr.contains(library + "/.git/folio"), "\(edit.stderr)")
        #expect(edit.stderr.contains("chmod") && edit.stderr.contains("chown"), "\(edit.stderr)")
        #expect(!edit.stderr.contains("another folio process"), "\(edit.stderr)")
        #expect(try git("-c", "safe.directory=*", "status", "--porcelain", in: library) == "")
    }

    @Test func statsReadsTheEventsWhenTheSidecarCannotBeWritten() throws {
        trust("*")
        let stats = try folioAsNobody("stats", "--json", in: library, home: home)
        #expect(stats.status == 0, "\(stats.stderr)")
        // Both uses: the one in the database and the one still in the journal.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
        let totals = try #require(object["totals"] as? [String: Any])
        #expect(totals["uses"] as? Int == 2, "\(stats.stdout)")
        // One warning, naming the folder and the fix.
        let warnings = stats.stderr.split(separator: "\n").filter { $0.contains("analytics") }
        #expect(warnings.count == 1, "\(stats.stderr)")
        #expect(stats.stderr.contains(library + "/.git/folio") && stats.stderr.contains("chmod"), "\(stats.stderr)")
        #expect(!stats.stderr.contains("readonly database"), "\(stats.stderr)")
    }

    @Test func statsReadsAReadOnlyEventsDatabaseInAWritableFolder() throws {
        // The library is nobody's, but root ran folio there once (`sudo folio stats`) and left the database root's.
        try chown("nobody:nogroup", library)
        try chown("root:root", library + "/.git/folio/events.sqlite", recursive: false)
        let stats = try folioAsNobody("stats", "--json", in: library, home: home)
        #expect(stats.status == 0, "\(stats.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
        #expect((object["totals"] as? [String: Any])?["uses"] as? Int == 2, "\(stats.stdout)")
        #expect(stats.stderr.contains("events.sqlite") && stats.stderr.contains("chown"), "\(stats.stderr)")
        #expect(!stats.stderr.contains("readonly database"), "\(stats.stderr)")
    }

    @Test func aSidecarThatIsAFileIsNamedWithTheFix() throws {
        let sidecar = library + "/.git/folio"
        try FileManager.default.removeItem(atPath: sidecar)
        folder.write("lib/.git/folio", "not a folder\n")
        let edit = try run(folioBinary, ["edit", "support/reply", "--set", "description=z"], in: library,
                           environment: testEnvironment(home: home))
        #expect(edit.status == 6, "\(edit.stderr)")
        #expect(edit.stderr.contains(sidecar + " is a file, not a folder"), "\(edit.stderr)")
        #expect(edit.stderr.contains("mv \(sidecar) \(sidecar).bak"), "\(edit.stderr)")
        #expect(!edit.stderr.contains("NSCocoaErrorDomain"), "\(edit.stderr)")
        // A render is not failed by analytics it cannot record: it renders, and says why nothing was recorded.
        let render = try run(folioBinary, ["render", "support/reply"], in: library, environment: testEnvironment(home: home))
        #expect(render.status == 0, "\(render.stderr)")
        #expect(render.stdout == "Hello there.\n")
        #expect(render.stderr.contains("not recorded in analytics") && render.stderr.contains(sidecar + " is a file, not a folder"),
                "\(render.stderr)")
        #expect(render.stderr.contains("mv \(sidecar) \(sidecar).bak"), "\(render.stderr)")
        #expect(!render.stderr.contains("NSCocoaErrorDomain"), "\(render.stderr)")
    }
}
