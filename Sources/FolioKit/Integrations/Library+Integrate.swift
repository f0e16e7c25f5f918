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
}

extension Library {
    /// Adds folio to an AI tool's MCP configuration: `.mcp.json` (Claude Code), `.cursor/mcp.json` (Cursor) or
    /// `.vscode/mcp.json` (VS Code) in the repository, or the user-level file with `userScope`. Merges into what
    /// is there: other servers and settings are kept; folio's own entry is added or brought up to date. The
    /// file is written atomically; one that is not valid JSON is left alone with an error naming where.
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
        let command = [executable, "mcp", "--library", libraryArgument]

        var document: [String: Any] = [:]
        if let data = FileManager.default.contents(atPath: file), !data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            do {
                guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                    throw FolioError(.invalidInput, "\(displayPath(absolute: file)) is not a JSON object; fix it or move it away, then run folio integrate again")
                }
                document = object
            } catch let error as FolioError {
                throw error
            } catch {
                throw FolioError(.invalidInput, "\(displayPath(absolute: file)) is not valid JSON (\(Self.jsonProblem(error))); nothing was changed. Fix it, then run folio integrate again")
            }
        }
        let key = target == .vscode ? "servers" : "mcpServers"
        var servers = document[key] as? [String: Any] ?? [:]
        if document[key] != nil, !(document[key] is [String: Any]) {
            throw FolioError(.invalidInput, "'\(key)' in \(displayPath(absolute: file)) is not an object; nothing was changed")
        }
        var entry: [String: Any] = ["command": command[0], "args": Array(command.dropFirst())]
        if target == .vscode { entry["type"] = "stdio" }
        let change: IntegrationOutcome.Change
        if let existing = servers["folio"] as? [String: Any] {
            let same = (existing["command"] as? String) == command[0] && (existing["args"] as? [String]) == Array(command.dropFirst())
            change = same ? .unchanged : .updated
            // Keep what the user added to folio's entry (env, cwd…); set what folio owns.
            entry = existing.merging(entry) { $1 }
        } else {
            change = .added
        }
        let others = servers.keys.filter { $0 != "folio" }.sorted()
        if change != .unchanged {
            servers["folio"] = entry
            document[key] = servers
            let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try WorkTreeWriter.atomicWrite(data + Data("\n".utf8), to: file)
        }
        return IntegrationOutcome(target: target, file: displayPath(absolute: file), change: change, otherServers: others, command: command)
    }

    private static func jsonProblem(_ error: Error) -> String {
        let description = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
        return description ?? "\(error)"
    }
}
