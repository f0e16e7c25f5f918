import Foundation

/// Programs the user configured folio to ask (SSH_ASKPASS, GIT_ASKPASS, a git credential helper): run with
/// arguments and optional standard input; their output when they succeed. Never `git` itself.
enum ExternalProgram {
    static func output(_ command: [String], input: String? = nil) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try? stdin.fileHandleForWriting.close()
        }
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }

    /// An askpass program's answer to `prompt`: the first line it prints.
    static func ask(_ program: String, _ prompt: String) -> String? {
        output([program, prompt]).map { String($0.split(separator: "\n", omittingEmptySubsequences: false).first ?? "") }
    }
}
