import Foundation
internal import Git

/// An AI tool folio can register itself with as an MCP server.
public enum IntegrationTarget: String, Sendable, CaseIterable {
    case claudeCode = "claude-code", cursor, vscode

    public var displayName: String {
        switch self {
        case .claudeCode: "Claude Code"
        case .cursor: "Cursor"
        case .vscode: "VS Code"
        }
    }
}

/// What `integrate` did.
public struct IntegrationOutcome: Sendable, Equatable {
    public enum Change: String, Sendable { case added, updated, unchanged }

    public let target: IntegrationTarget
    public let file: String
    public let change: Change
    /// The other servers the file lists, kept.
    public let otherServers: [String]
    /// The command the tool will run.
    public let command: [String]
    /// Things worth knowing that did not stop it (the file names this machine's binary).
    public let warnings: [String]
}

extension Library {
    /// Adds folio to an AI tool's MCP configuration: `.mcp.json` (Claude Code), `.cursor/mcp.json` (Cursor) or
    /// `.vscode/mcp.json` (VS Code) in the repository, or the user-level file with `userScope`. Merges into what
    /// is there: other servers and settings are kept; folio's own entry is added or brought up to date. Files with
    /// comments and trailing commas (JSONC, as VS Code writes them) are read, and only folio's values are
    /// rewritten, so comments and layout stay. The file is written atomically; one that cannot be read is left
    /// alone with an error naming where.
    ///
    /// A project's file is meant to be committed, so it names the command `folio` (found on each machine's
    /// PATH); `executable`, this machine's binary, goes into the user's own file, or into a project's when folio
    /// is not on PATH (with a warning).
    public func integrate(_ target: IntegrationTarget, userScope: Bool, executable: String) throws -> IntegrationOutcome {
        let home = environment.variables["HOME"] ?? NSHomeDirectory()
        let project = projectFolder
        let file: String
        switch (target, userScope) {
        case (.claudeCode, false): file = project + "/.mcp.json"
        case (.claudeCode, true): file = home + "/.claude.json"
        case (.cursor, false): file = project + "/.cursor/mcp.json"
        case (.cursor, true): file = home + "/.cursor/mcp.json"
        case (.vscode, false): file = project + "/.vscode/mcp.json"
        case (.vscode, true): file = (environment.variables["XDG_CONFIG_HOME"] ?? home + "/.config") + "/Code/User/mcp.json"
        }
        // A project's file names the library relative to the project (the tools start servers there); a user's
        // file names it absolutely.
        let libraryArgument: String
        if userScope {
            libraryArgument = root
        } else if root == project {
            libraryArgument = "."
        } else {
            libraryArgument = root.hasPrefix(project + "/") ? String(root.dropFirst(project.count + 1)) : root
        }
        var warnings: [String] = []
        let program = programToName(in: file, userScope: userScope, executable: executable, warnings: &warnings)
        let command = [program, "mcp", "--library", libraryArgument]

        let (original, document) = try readConfiguration(file)
        var text = original
        let key = target == .vscode ? "servers" : "mcpServers"
        let servers = document[key] as? [String: Any] ?? [:]
        if document[key] != nil, !(document[key] is [String: Any]) {
            throw FolioError(.invalidInput, "'\(key)' in \(displayPath(absolute: file)) is not an object; nothing was changed")
        }
        // What folio owns in its entry; anything else the user added there (env, cwd…) stays.
        var owned: [(String, JSONCText.Value)] = []
        if target == .vscode { owned.append(("type", .string("stdio"))) }
        owned += [("command", .string(command[0])), ("args", .array(command.dropFirst().map { .string($0) }))]
        let change: IntegrationOutcome.Change
        do {
            if let existing = servers["folio"] as? [String: Any] {
                let stale = owned.filter { name, value in
                    switch value {
                    case .string(let wanted): existing[name] as? String != wanted
                    case .array: existing[name] as? [String] != Array(command.dropFirst())
                    default: true
                    }
                }
                change = stale.isEmpty ? .unchanged : .updated
                for (name, value) in stale where try !text.set([key, "folio", name], to: value) {
                    warnings.append("the comments inside folio's \"\(name)\" in \(displayPath(absolute: file)) went with its old value")
                }
            } else {
                change = .added
                try text.set([key, "folio"], to: .object(owned))
            }
        } catch let error as JSONCText.SyntaxError {
            throw FolioError(.invalidInput, "\(displayPath(absolute: file)): \(error); nothing was changed")
        }
        let others = servers.keys.filter { $0 != "folio" }.sorted()
        if change != .unchanged { try Self.writeConfiguration(text, to: file) }
        return IntegrationOutcome(target: target, file: displayPath(absolute: file), change: change, otherServers: others, command: command,
                                  warnings: warnings)
    }

    /// A tool's JSON (or JSONC) configuration file and its value; an empty or missing file reads as `{}`. A file
    /// that is not a JSON object is an error naming where, and nothing is changed.
    func readConfiguration(_ file: String) throws -> (JSONCText, [String: Any]) {
        try Self.readConfiguration(file, shown: displayPath(absolute: file))
    }

    static func readConfiguration(_ file: String, shown: String) throws -> (JSONCText, [String: Any]) {
        var text = JSONCText("{}\n")
        if let data = FileManager.default.contents(atPath: file), !data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            text = JSONCText(String(decoding: data, as: UTF8.self))
        }
        do {
            guard let object = try text.value() as? [String: Any] else {
                throw FolioError(.invalidInput, "\(shown) is not a JSON object; fix it or move it away, then run folio integrate again")
            }
            return (text, object)
        } catch let error as JSONCText.SyntaxError {
            throw FolioError(.invalidInput, "\(shown) is not valid JSON (\(error)); nothing was changed. Fix it, then run folio integrate again")
        }
    }

    /// Writes a configuration file atomically, ending with a newline, creating its folder.
    static func writeConfiguration(_ text: JSONCText, to file: String) throws {
        var written = text.text
        if !written.hasSuffix("\n") { written += "\n" }
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try WorkTreeWriter.atomicWrite(Data(written.utf8), to: file)
    }

    /// Whether an executable `name` is in one of PATH's folders.
    static func isOnPath(_ name: String, path: String?) -> Bool {
        (path ?? "").split(separator: ":").contains { folder in
            FileManager.default.isExecutableFile(atPath: String(folder) + "/" + name)
        }
    }
}

extension Library {
    /// The folio a tool's configuration names: `folio` (found on each machine's PATH) in a project's file, meant to be
    /// committed; this binary in a user's file, or when folio is not on PATH (with a warning, as other machines may
    /// not have that binary).
    func programToName(in file: String, userScope: Bool, executable: String, warnings: inout [String]) -> String {
        if userScope { return executable }
        if Self.isOnPath("folio", path: environment.variables["PATH"]) { return "folio" }
        if executable != "folio" {
            warnings.append("folio is not on PATH, so \(displayPath(absolute: file)) names this machine's binary (\(executable)), which other machines may not have; put folio on PATH and run folio integrate again before you commit the file")
        }
        return executable
    }
}
