import Foundation

/// A temporary folder removed when the value is released.
public final class TemporaryFolder: @unchecked Sendable {
    public let path: String
    public var url: URL { URL(fileURLWithPath: path) }

    public init(_ name: String = "folio") {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8))")
        try! FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        // Resolve symlinks (/tmp may be one) so paths compare equal to what libgit2 reports.
        path = base.resolvingSymlinksInPath().path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// `path/relative`
    public func at(_ relative: String) -> String { path + "/" + relative }

    /// Writes a file, creating folders as needed.
    public func write(_ relative: String, _ contents: String) {
        let file = at(relative)
        try! FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        try! contents.write(toFile: file, atomically: true, encoding: .utf8)
    }

    public func read(_ relative: String) -> String? {
        try? String(contentsOfFile: at(relative), encoding: .utf8)
    }

    public func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: at(relative)) }
}

/// The result of running a program.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs a program and waits for it; stdin is empty unless given.
@discardableResult
public func run(_ executable: String, _ arguments: [String], in folder: String? = nil,
                environment: [String: String]? = nil, stdin: String? = nil) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
    if let environment { process.environment = environment }
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try? input.fileHandleForWriting.close()
    // Read both pipes while the process runs so a full pipe cannot block it.
    final class Box: @unchecked Sendable { var data = Data() }
    let stderrBox = Box()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        stderrBox.data = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    let stderrData = stderrBox.data
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus,
                         stdout: String(decoding: stdoutData, as: UTF8.self),
                         stderr: String(decoding: stderrData, as: UTF8.self))
}

/// The environment for `git` and `folio` in tests: a fixed identity and dates, no user or system config.
public func testEnvironment(home: String, extra: [String: String] = [:]) -> [String: String] {
    var env = [
        "HOME": home,
        "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Ada Tester",
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada Tester",
        "GIT_COMMITTER_EMAIL": "ada@example.com",
        "LANG": "C.UTF-8",
    ]
    env.merge(extra) { $1 }
    return env
}

/// Runs the `git` command in `folder` (tests build fixtures with it and check what folio wrote).
@discardableResult
public func git(_ arguments: String..., in folder: String, environment: [String: String] = [:], stdin: String? = nil) throws -> String {
    let result = try run("/usr/bin/git", arguments, in: folder,
                         environment: testEnvironment(home: folder, extra: environment), stdin: stdin)
    guard result.status == 0 else {
        throw GitCommandFailed(arguments: arguments, status: result.status, stderr: result.stderr)
    }
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}

public struct GitCommandFailed: Error, CustomStringConvertible {
    public let arguments: [String]
    public let status: Int32
    public let stderr: String
    public var description: String { "git \(arguments.joined(separator: " ")) exited \(status): \(stderr)" }
}

/// Files written by other tools (Tests/Fixtures/corpus, copied from ../shared/corpus).
public enum Corpus {
    public static var root: URL {
        if let path = ProcessInfo.processInfo.environment["FOLIO_CORPUS"] { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/corpus")
    }

    /// Every prompt file of every format, sorted.
    public static var promptFiles: [URL] {
        let folder = root.appendingPathComponent("prompts")
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.lastPathComponent != "MANIFEST.tsv" && !$0.hasDirectoryPath } ?? []
        return files.sorted { $0.path < $1.path }
    }

    /// Every session transcript of every tool, sorted.
    public static var sessionFiles: [URL] {
        let folder = root.appendingPathComponent("sessions")
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.lastPathComponent != "MANIFEST.tsv" && !$0.hasDirectoryPath } ?? []
        return files.sorted { $0.path < $1.path }
    }

    public static func session(_ tool: String, containing part: String) -> URL {
        sessionFiles.first { $0.path.contains("/sessions/\(tool)/") && $0.lastPathComponent.contains(part) }!
    }
}

/// The repository's root folder (for templates/ and docs/).
public let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A server started with posix_spawn rather than Foundation's Process: a server that closes every inherited
/// descriptor at start (sshd) makes Process believe it exited and block its monitor thread in waitpid, and then
/// no other Process in the test run is ever seen to finish. Output goes to /dev/null. Killed (SIGKILL: a child
/// of the test process inherits its blocked SIGTERM) and reaped on deinit.
public final class SpawnedServer {
    public let pid: pid_t

    public init(_ executable: String, _ arguments: [String]) throws {
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        // Nothing else is inherited: a pipe another test has open at this moment (Foundation's pipes are not
        // close-on-exec) would otherwise stay open in the server, and that test would wait for its end forever.
        // glibc 2.34+ has posix_spawn_file_actions_addclosefrom_np; Swift's Glibc module does not show it.
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3)
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO) }
        self.pid = pid
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }
}

/// Waits until something accepts connections on a loopback port (up to 5 seconds).
public func waitForPort(_ port: Int) -> Bool {
    for _ in 0..<100 {
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: in_port_t(UInt16(port).bigEndian),
                                  sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")), sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        close(probe)
        if connected == 0 { return true }
        usleep(50_000)
    }
    return false
}
