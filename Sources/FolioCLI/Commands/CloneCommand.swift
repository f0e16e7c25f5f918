import ArgumentParser
import FolioKit

struct CloneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clone",
        abstract: "Clone a folio library from a remote (a path, file://, git://, ssh://, user@host:path or https://).")

    @Argument(help: "Where the library is.")
    var url: String

    @Argument(help: "The folder to clone into (default: the URL's last part, without .git).")
    var folder: String?

    @Flag(help: "Trust an ssh server folio has not seen before and add its key to ~/.ssh/known_hosts (check the fingerprint first).")
    var acceptNewHost = false

    func run() throws {
        let context = CLIContext.current
        let target = folder ?? Self.defaultFolder(url)
        _ = try Library.clone(url, into: target, environment: context.folioEnvironment, acceptNewHost: acceptNewHost)
        context.print("Cloned \(url) into \(target)")
    }

    static func defaultFolder(_ url: String) -> String {
        let last = url.split(whereSeparator: { $0 == "/" || $0 == ":" }).last.map(String.init) ?? "library"
        return last.hasSuffix(".git") ? String(last.dropLast(4)) : last
    }
}
