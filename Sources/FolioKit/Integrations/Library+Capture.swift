import Foundation

/// An AI tool whose own hooks can run `folio context save --hook` when a session ends or is about to be compacted.
public enum CaptureTarget: String, Sendable, CaseIterable {
    case claudeCode = "claude-code", codex, gemini

    public var displayName: String {
        switch self {
        case .claudeCode: "Claude Code"
        case .codex: "Codex"
        case .gemini: "Gemini CLI"
        }
    }

    /// The tool whose sessions the hook saves.
    public var tool: Session.Tool {
        switch self {
        case .claudeCode: .claudeCode
        case .codex: .codex
        case .gemini: .gemini
        }
    }

    /// The events folio's hook runs on: the end of a session, and the moment before its history is compacted.
    public var events: [String] {
        switch self {
        case .claudeCode, .codex: ["SessionEnd", "PreCompact"]
        case .gemini: ["SessionEnd", "PreCompress"]
        }
    }
}

/// What `integrate --capture` did.
public struct CaptureIntegrationOutcome: Sendable, Equatable {
    public let target: CaptureTarget
    public let file: String
    public let change: IntegrationOutcome.Change
    /// The events folio's hook is on.
    public let events: [String]
    /// The command the tool runs (a shell command line).
    public let command: String
    /// How many hooks of other programs the file holds on those events, kept.
    public let otherHooks: Int
    /// Things worth knowing that did not stop it.
    public let warnings: [String]
}

extension Library {
    /// What marks a hook as folio's own, whichever binary it names.
    static let captureHookMarker = "context save --hook"

    /// Adds folio's capture hooks to an AI tool's settings: `.claude/settings.json` (Claude Code),
    /// `.codex/hooks.json` (Codex) or `.gemini/settings.json` (Gemini CLI) in the repository, or the user's own with
    /// `userScope`. On the end of a session and before a compaction, the tool runs `folio context save --hook`,
    /// which reads the event the tool passes on standard input and saves that session. Merged like `integrate`'s
    /// MCP entry: the file's other hooks and settings, comments and layout stay; folio's hook is added once, or
    /// brought up to date when it names another binary; a file that cannot be read is left alone.
    public func integrateCapture(_ target: CaptureTarget, userScope: Bool, executable: String) throws -> CaptureIntegrationOutcome {
        let project = projectFolder
        let file: String
        switch (target, userScope) {
        case (_, true): file = Self.userCaptureFile(target, environment: environment)
        case (.claudeCode, false): file = project + "/.claude/settings.json"
        case (.codex, false): file = project + "/.codex/hooks.json"
        case (.gemini, false): file = project + "/.gemini/settings.json"
        }
        var warnings: [String] = []
        let program = programToName(in: file, userScope: userScope, executable: executable, warnings: &warnings)
        var arguments = [program, "context", "save", "--hook", "--from", target.tool.rawValue]
        // The hook finds the library from the folder the tool runs it in, as any folio command does. Where that
        // would not find this one (several libraries in the repository), a project's hook names it.
        if !findsThisLibrary(from: project) {
            if userScope {
                warnings.append("from \(project) folio cannot tell which library to save sessions in (this repository holds several); run folio integrate \(target.rawValue) --capture without --scope user, which names this one")
            } else {
                arguments += ["--library", root.hasPrefix(project + "/") ? String(root.dropFirst(project.count + 1)) : root]
            }
        }
        let command = arguments.map(Self.shellQuoted).joined(separator: " ")
        return try Self.mergeCaptureHooks(target, into: file, shown: displayPath(absolute: file), command: command, warnings: warnings)
    }

    /// Adds folio's capture hooks to the user's own settings of an AI tool, where no library is needed: the hook
    /// finds the library from the folder the tool runs in.
    public static func integrateUserCapture(_ target: CaptureTarget, environment: FolioEnvironment, executable: String) throws -> CaptureIntegrationOutcome {
        let command = [executable, "context", "save", "--hook", "--from", target.tool.rawValue].map(shellQuoted).joined(separator: " ")
        let file = userCaptureFile(target, environment: environment)
        return try mergeCaptureHooks(target, into: file, shown: file, command: command, warnings: [])
    }

    /// The user's settings file of a tool, where `--scope user` puts the hooks.
    static func userCaptureFile(_ target: CaptureTarget, environment: FolioEnvironment) -> String {
        let home = environment.variables["HOME"] ?? NSHomeDirectory()
        switch target {
        case .claudeCode: return (environment.variables["CLAUDE_CONFIG_DIR"] ?? home + "/.claude") + "/settings.json"
        case .codex: return (environment.variables["CODEX_HOME"] ?? home + "/.codex") + "/hooks.json"
        case .gemini: return home + "/.gemini/settings.json"
        }
    }

    /// Merges folio's hook, running `command`, into a tool's settings `file` (`shown` as a person names it).
    private static func mergeCaptureHooks(_ target: CaptureTarget, into file: String, shown: String, command: String,
                                          warnings: [String]) throws -> CaptureIntegrationOutcome {
        let (original, document) = try readConfiguration(file, shown: shown)
        var text = original
        if document["hooks"] != nil, !(document["hooks"] is [String: Any]) {
            throw FolioError(.invalidInput, "'hooks' in \(shown) is not an object; nothing was changed")
        }
        let hooks = document["hooks"] as? [String: Any] ?? [:]
        var added = 0, updated = 0, others = 0
        do {
            for event in target.events {
                if hooks[event] != nil, !(hooks[event] is [Any]) {
                    throw FolioError(.invalidInput, "'hooks.\(event)' in \(shown) is not a list; nothing was changed")
                }
                let groups = hooks[event] as? [Any] ?? []
                var found: (group: Int, hook: Int, command: String)?
                for (g, group) in groups.enumerated() {
                    for (h, hook) in ((group as? [String: Any])?["hooks"] as? [Any] ?? []).enumerated() {
                        let command = (hook as? [String: Any])?["command"] as? String ?? ""
                        if found == nil, command.contains(Self.captureHookMarker) { found = (g, h, command) } else { others += 1 }
                    }
                }
                if let found {
                    // Only the command is folio's to bring up to date; a timeout or matcher someone set stays.
                    guard found.command != command else { continue }
                    try text.set([.member("hooks"), .member(event), .item(found.group), .member("hooks"), .item(found.hook), .member("command")],
                                 to: .string(command))
                    updated += 1
                } else {
                    try text.append(.object([("hooks", .array([captureHook(target, command: command)]))]), to: [.member("hooks"), .member(event)])
                    added += 1
                }
            }
        } catch let error as JSONCText.SyntaxError {
            throw FolioError(.invalidInput, "\(shown): \(error); nothing was changed")
        }
        let change: IntegrationOutcome.Change = added == target.events.count ? .added : added + updated > 0 ? .updated : .unchanged
        if change != .unchanged {
            // The tool must still read what it read before.
            guard (try? text.value()) is [String: Any] else {
                throw FolioError(.internal, "folio's change to \(shown) did not read back as JSON; nothing was changed (please report this)")
            }
            try Library.writeConfiguration(text, to: file)
        }
        return CaptureIntegrationOutcome(target: target, file: shown, change: change, events: target.events, command: command,
                                         otherHooks: others, warnings: warnings)
    }

    /// folio's hook as each tool writes one. Claude Code and Codex count the timeout in seconds, Gemini CLI in
    /// milliseconds. The timeout must be there: without one Claude Code gives SessionEnd hooks 1.5 seconds in all,
    /// and cancels them at exit; with one it waits up to a minute, far more than a save takes (a 50 MB session,
    /// about two seconds).
    private static func captureHook(_ target: CaptureTarget, command: String) -> JSONCText.Value {
        switch target {
        case .claudeCode:
            .object([("type", .string("command")), ("command", .string(command)), ("timeout", .int(60))])
        case .codex:
            .object([("type", .string("command")), ("command", .string(command)), ("timeout", .int(60)),
                     ("statusMessage", .string("Saving the session with folio"))])
        case .gemini:
            .object([("name", .string("folio-capture")), ("type", .string("command")), ("command", .string(command)),
                     ("timeout", .int(60_000)), ("description", .string("Save the session as a folio context"))])
        }
    }

    /// Whether a folio command run in `folder` without --library finds this library.
    private func findsThisLibrary(from folder: String) -> Bool {
        var environment = self.environment
        environment.currentDirectory = folder
        environment.variables["FOLIO_LIBRARY"] = nil
        return (try? Library.open(explicitPath: nil, environment: environment))?.root == root
    }

    /// A word for a POSIX shell: as it is when it holds nothing the shell reads specially, else in single quotes.
    static func shellQuoted(_ word: String) -> String {
        let plain = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,")
        if !word.isEmpty, word.unicodeScalars.allSatisfy({ plain.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
