import Foundation

/// A git hook folio installs: a shell script from hooks/, with the folio binary and the library filled in.
public struct GitHook: Sendable {
    /// The hook's name, as git calls it (`pre-commit`).
    public let name: String
    /// The script, with `@FOLIO@` and `@LIBRARY@` placeholders.
    let text: String

    /// The line that marks a hook as folio's: what uninstall and reinstall look for.
    static let marker = "# folio-hook:"
    /// Where a hook that was there before folio's is kept (folio's hook runs it first).
    static let chainedSuffix = ".pre-folio"

    /// The script to install: `folio` is the binary to run, `library` the library's folder as the hook sees it
    /// (hooks run at the top of the work tree).
    func script(folio: String, library: String) -> String {
        text.replacingOccurrences(of: "@FOLIO@", with: Self.shellQuoted(folio))
            .replacingOccurrences(of: "@LIBRARY@", with: Self.shellQuoted(library))
    }

    /// Single-quoted for sh: safe whatever the path holds.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Whether a script is one folio installed.
    static func isFolios(_ text: String) -> Bool {
        text.split(separator: "\n", maxSplits: 3).contains { $0.hasPrefix(marker) }
    }
}
