import Foundation
import FolioKit

/// Where a command's text goes.
public protocol TextSink: AnyObject, Sendable {
    func write(_ text: String)
}

/// A file descriptor of this process (stdout, stderr).
final class FileSink: TextSink, @unchecked Sendable {
    let handle: FileHandle
    init(_ handle: FileHandle) { self.handle = handle }
    func write(_ text: String) { handle.write(Data(text.utf8)) }
}

/// Collects text in memory (tests).
public final class BufferSink: TextSink, @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = ""
    public init() {}
    public func write(_ text: String) { lock.withLock { buffer += text } }
    public var text: String { lock.withLock { buffer } }
}

/// Everything a command needs from the outside world. The process's own is read once in `process()`;
/// tests build their own, so commands run in process without a terminal.
public final class CLIContext: Sendable {
    public let environment: [String: String]
    public let currentDirectory: String
    public let stdout: TextSink
    public let stderr: TextSink
    let readStandardInput: @Sendable () -> Data
    public let stdoutIsTerminal: Bool
    public let stderrIsTerminal: Bool
    public let stdinIsTerminal: Bool
    public let now: @Sendable () -> Date
    /// The folio binary that is running (what `folio hooks install` puts in the hooks).
    public let executablePath: String

    public init(environment: [String: String], currentDirectory: String, stdout: TextSink, stderr: TextSink,
                stdin: @escaping @Sendable () -> Data = { Data() }, stdoutIsTerminal: Bool = false,
                stderrIsTerminal: Bool = false, stdinIsTerminal: Bool = false,
                now: @escaping @Sendable () -> Date = { Date() }, executablePath: String = "folio") {
        self.environment = environment
        self.currentDirectory = currentDirectory
        self.stdout = stdout
        self.stderr = stderr
        self.readStandardInput = stdin
        self.stdoutIsTerminal = stdoutIsTerminal
        self.stderrIsTerminal = stderrIsTerminal
        self.stdinIsTerminal = stdinIsTerminal
        self.now = now
        self.executablePath = executablePath
    }

    /// This process's environment, folder, and standard streams.
    public static func process() -> CLIContext {
        CLIContext(environment: ProcessInfo.processInfo.environment,
                   currentDirectory: FileManager.default.currentDirectoryPath,
                   stdout: FileSink(.standardOutput), stderr: FileSink(.standardError),
                   stdin: { FileHandle.standardInput.readDataToEndOfFile() },
                   stdoutIsTerminal: isatty(1) != 0, stderrIsTerminal: isatty(2) != 0, stdinIsTerminal: isatty(0) != 0,
                   executablePath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                       ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path)
    }

    /// This context with standard output going to `sink` instead.
    func writingStdout(to sink: TextSink) -> CLIContext {
        CLIContext(environment: environment, currentDirectory: currentDirectory, stdout: sink, stderr: stderr,
                   stdin: readStandardInput, stdoutIsTerminal: stdoutIsTerminal, stderrIsTerminal: stderrIsTerminal,
                   stdinIsTerminal: stdinIsTerminal, now: now, executablePath: executablePath)
    }

    /// This context run from another folder.
    func inFolder(_ folder: String) -> CLIContext {
        CLIContext(environment: environment, currentDirectory: folder, stdout: stdout, stderr: stderr,
                   stdin: readStandardInput, stdoutIsTerminal: stdoutIsTerminal, stderrIsTerminal: stderrIsTerminal,
                   stdinIsTerminal: stdinIsTerminal, now: now, executablePath: executablePath)
    }

    /// The context commands run in.
    @TaskLocal public static var current: CLIContext = .process()

    var folioEnvironment: FolioEnvironment {
        let stderr = self.stderr
        let bar = ProgressBar(sink: stderr, enabled: stderrIsTerminal)
        return FolioEnvironment(variables: environment, currentDirectory: currentDirectory, now: now,
                                notify: { stderr.write("folio: \($0)\n") },
                                progress: { bar.update($0) })
    }

    /// Colour and styles for stdout: only on a terminal, never with NO_COLOR or TERM=dumb.
    var out: Terminal { Terminal(enabled: stdoutIsTerminal && colorAllowed) }
    var err: Terminal { Terminal(enabled: stderrIsTerminal && colorAllowed) }

    private var colorAllowed: Bool {
        environment["NO_COLOR"].map(\.isEmpty) ?? true && environment["TERM"] != "dumb"
    }

    func print(_ text: String = "") { stdout.write(text + "\n") }

    /// `2026-11-24 09:30`, for listings.
    func shortDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    func warn(_ text: String) { stderr.write(err.yellow("warning: ") + text + "\n") }

    /// Reads a file named on the command line; `-` is standard input.
    func readFile(_ path: String) throws -> Data {
        if path == "-" { return readStandardInput() }
        let full = path.hasPrefix("/") ? path : currentDirectory + "/" + path
        guard let data = FileManager.default.contents(atPath: full) else {
            throw FolioError(.notFound, "cannot read \(path): no such file")
        }
        return data
    }

    func readText(_ path: String) throws -> String {
        String(decoding: try readFile(path), as: UTF8.self)
    }
}

/// ANSI styles, or plain text when disabled.
struct Terminal {
    let enabled: Bool

    private func wrap(_ code: String, _ text: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func bold(_ text: String) -> String { wrap("1", text) }
    func dim(_ text: String) -> String { wrap("2", text) }
    func red(_ text: String) -> String { wrap("31", text) }
    func green(_ text: String) -> String { wrap("32", text) }
    func yellow(_ text: String) -> String { wrap("33", text) }
    func cyan(_ text: String) -> String { wrap("36", text) }
}
