import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// `folio integrate TOOL --capture`: folio's hooks merged into each tool's settings.
@Suite struct IntegrateCaptureTests {
    /// A code repository with the library at its root.
    func library() throws -> (TemporaryFolder, Library) {
        let folder = TemporaryFolder("capture-hooks")
        _ = try git("init", "-q", "-b", "main", in: folder.path)
        _ = try Library.initialize(at: folder.path, withTemplates: false, environment: environment(folder.path))
        let env = environment(folder.path, extra: ["HOME": folder.at("home"), "PATH": "/usr/bin:/bin"])
        return (folder, try Library.open(explicitPath: folder.path, environment: env))
    }

    func object(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    /// The commands of an event's hooks, group by group.
    func commands(_ settings: [String: Any], _ event: String) -> [[String]] {
        ((settings["hooks"] as? [String: Any])?[event] as? [[String: Any]] ?? []).map { group in
            (group["hooks"] as? [[String: Any]] ?? []).map { $0["command"] as? String ?? "" }
        }
    }

    @Test func claudeCodesSettingsKeepTheirOtherHooksAndGetFoliosOnce() throws {
        let (folder, library) = try library()
        defer { withExtendedLifetime(folder) {} }
        let original = """
            {
              // the team's settings
              "permissions": { "allow": ["Bash(npm test)"] },
              "hooks": {
                "PreToolUse": [
                  { "matcher": "Bash", "hooks": [{ "type": "command", "command": "./scripts/check-bash.sh" }] }
                ],
                "SessionEnd": [
                  { "hooks": [{ "type": "command", "command": "notify-send 'session over'" }] }, // desktop note
                ]
              }
            }

            """
        folder.write(".claude/settings.json", original)
        let outcome = try library.integrateCapture(.claudeCode, userScope: false, executable: "/opt/folio/bin/folio")
        #expect(outcome.change == .added && outcome.file == ".claude/settings.json" && outcome.otherHooks == 1)
        #expect(outcome.events == ["SessionEnd", "PreCompact"])
        #expect(outcome.command == "/opt/folio/bin/folio context save --hook --from claude-code")
        let text = try #require(folder.read(".claude/settings.json"))
        #expect(text.contains("// the team's settings") && text.contains("// desktop note"), "\(text)")
        let settings = try #require(try JSONCText(text).value() as? [String: Any])
        #expect(commands(settings, "SessionEnd") == [["notify-send 'session over'"], [outcome.command]])
        #expect(commands(settings, "PreCompact") == [[outcome.command]])
        #expect(commands(settings, "PreToolUse") == [["./scripts/check-bash.sh"]])
        #expect(((settings["permissions"] as? [String: Any])?["allow"] as? [String]) == ["Bash(npm test)"])
        let hook = try #require(((settings["hooks"] as? [String: Any])?["PreCompact"] as? [[String: Any]])?.first?["hooks"] as? [[String: Any]])
        #expect(hook.first?["type"] as? String == "command" && hook.first?["timeout"] as? Int == 60)

        // Again: nothing added twice, the file untouched.
        let again = try library.integrateCapture(.claudeCode, userScope: false, executable: "/opt/folio/bin/folio")
        #expect(again.change == .unchanged && again.otherHooks == 1)
        #expect(folder.read(".claude/settings.json") == text)

        // From another binary: folio's command is brought up to date in place, and a timeout someone set stays.
        let slower = text.replacingOccurrences(of: "\"timeout\": 60", with: "\"timeout\": 120")
        folder.write(".claude/settings.json", slower)
        let moved = try library.integrateCapture(.claudeCode, userScope: false, executable: "/usr/local/bin/folio")
        #expect(moved.change == .updated)
        let updatedText = try #require(folder.read(".claude/settings.json"))
        let updated = try #require(try JSONCText(updatedText).value() as? [String: Any])
        #expect(commands(updated, "SessionEnd") == [["notify-send 'session over'"], ["/usr/local/bin/folio context save --hook --from claude-code"]])
        #expect(commands(updated, "PreCompact") == [["/usr/local/bin/folio context save --hook --from claude-code"]])
        #expect(folder.read(".claude/settings.json")?.contains("\"timeout\": 120") == true)
    }

    @Test func eachToolsFileAndScopeAndHookShape() throws {
        let (folder, library) = try library()
        defer { withExtendedLifetime(folder) {} }
        let codex = try library.integrateCapture(.codex, userScope: false, executable: "/opt/folio")
        #expect(codex.file == ".codex/hooks.json" && codex.change == .added)
        let codexHooks = try object(folder.at(".codex/hooks.json"))
        #expect(commands(codexHooks, "SessionEnd") == [["/opt/folio context save --hook --from codex"]])
        #expect(commands(codexHooks, "PreCompact") == [["/opt/folio context save --hook --from codex"]])
        // A fresh file is plain JSON, as Codex reads it.
        #expect(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.at(".codex/hooks.json")))) is [String: Any])

        let gemini = try library.integrateCapture(.gemini, userScope: false, executable: "/opt/folio")
        #expect(gemini.file == ".gemini/settings.json" && gemini.events == ["SessionEnd", "PreCompress"])
        let geminiHook = try #require((((try object(folder.at(".gemini/settings.json"))["hooks"] as? [String: Any])?["PreCompress"] as? [[String: Any]])?
            .first?["hooks"] as? [[String: Any]])?.first)
        #expect(geminiHook["name"] as? String == "folio-capture" && geminiHook["timeout"] as? Int == 60_000)
        #expect(geminiHook["command"] as? String == "/opt/folio context save --hook --from gemini")

        // The user's own files, with this machine's binary.
        let user = try library.integrateCapture(.claudeCode, userScope: true, executable: "/home/ada/bin/folio")
        #expect(user.file == "home/.claude/settings.json")
        let env = environment(folder.path, extra: ["HOME": folder.at("home"), "CODEX_HOME": folder.at("codex-home"), "CLAUDE_CONFIG_DIR": folder.at("claude-dir")])
        let configured = try Library.open(explicitPath: folder.path, environment: env)
        #expect(try configured.integrateCapture(.claudeCode, userScope: true, executable: "folio").file == "claude-dir/settings.json")
        #expect(try configured.integrateCapture(.codex, userScope: true, executable: "folio").file == "codex-home/hooks.json")
        #expect(try configured.integrateCapture(.gemini, userScope: true, executable: "folio").file == "home/.gemini/settings.json")
    }

    @Test func aProjectFileNamesFolioOnPathAndALibraryTheHookCouldNotFind() throws {
        let folder = TemporaryFolder("capture-hooks")
        _ = try git("init", "-q", "-b", "main", in: folder.path)
        folder.write("bin/folio", "#!/bin/sh\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.at("bin/folio"))
        let env = environment(folder.path, extra: ["HOME": folder.at("home"), "PATH": "/usr/bin:" + folder.at("bin")])
        // One library, in a folder of the repository: found from the top (through git's index), so not named.
        _ = try Library.initialize(at: folder.at("tools/prompts"), withTemplates: false, environment: environment(folder.path))
        let one = try Library.open(explicitPath: folder.at("tools/prompts"), environment: env)
        #expect(try one.integrateCapture(.claudeCode, userScope: false, executable: "/opt/folio").command == "folio context save --hook --from claude-code")
        // Two: the hook must name its library.
        _ = try Library.initialize(at: folder.at("docs/my prompts"), withTemplates: false, environment: environment(folder.path))
        try git("add", "-A", in: folder.path)
        try git("commit", "-qm", "two libraries", in: folder.path)
        let two = try Library.open(explicitPath: folder.at("docs/my prompts"), environment: env)
        #expect(try two.integrateCapture(.codex, userScope: false, executable: "/opt/folio").command
                == "folio context save --hook --from codex --library 'docs/my prompts'")
        let user = try two.integrateCapture(.gemini, userScope: true, executable: "/opt/folio")
        #expect(!user.command.contains("--library"))
        #expect(user.warnings.first?.contains("cannot tell which library") == true)
    }

    @Test func aFileFolioCannotReadIsLeftAsItWas() throws {
        let (folder, library) = try library()
        defer { withExtendedLifetime(folder) {} }
        for (text, says) in [("{ \"hooks\": { \"SessionEnd\": [ }", "is not valid JSON"), ("{ \"hooks\": [] }", "'hooks' in .claude/settings.json is not an object"),
                             ("{ \"hooks\": { \"PreCompact\": { \"hooks\": [] } } }", "'hooks.PreCompact' in .claude/settings.json is not a list"),
                             ("[1, 2]", "is not a JSON object")] {
            folder.write(".claude/settings.json", text)
            let error = #expect(throws: FolioError.self) { try library.integrateCapture(.claudeCode, userScope: false, executable: "folio") }
            #expect(error?.message.contains(says) == true, "\(String(describing: error))")
            #expect(folder.read(".claude/settings.json") == text)
        }
    }

    @Test func listsGrowWithTheirLayoutAndComments() throws {
        var multiline = JSONCText("{\n    \"a\": [\n        1, // one\n        2\n    ],\n    \"b\": []\n}\n")
        try multiline.append(.int(3), to: [.member("a")])
        try multiline.append(.object([("x", .bool(true))]), to: [.member("b")])
        try multiline.append(.string("new"), to: [.member("c"), .member("d")])
        #expect(multiline.text == "{\n    \"a\": [\n        1, // one\n        2,\n        3\n    ],\n    \"b\": [\n        {\n            \"x\": true\n        }\n    ],\n    \"c\": {\n        \"d\": [\"new\"]\n    }\n}\n")
        var oneLine = JSONCText("{\n  \"e\": [{\"hooks\": []}]\n}\n")
        try oneLine.append(.object([("hooks", .array([.object([("type", .string("command"))])]))]), to: [.member("e")])
        #expect(oneLine.text == "{\n  \"e\": [{\"hooks\": []}, { \"hooks\": [{ \"type\": \"command\" }] }]\n}\n")
        var inline = JSONCText("{ \"a\": [1, 2,] }")
        try inline.append(.int(3), to: [.member("a")])
        #expect(inline.text == "{ \"a\": [1, 2, 3] }")
        try inline.set([.member("a"), .item(0)], to: .string("one"))
        #expect(inline.text == "{ \"a\": [\"one\", 2, 3] }")
        #expect(throws: JSONCText.SyntaxError.self) { try inline.set([.member("a"), .item(7)], to: .int(0)) }
        #expect(throws: JSONCText.SyntaxError.self) { try inline.append(.int(0), to: [.member("a"), .item(0)]) }
    }

    @Test func wordsAreQuotedForTheShellOnlyWhenTheyNeedIt() {
        #expect(Library.shellQuoted("/usr/local/bin/folio") == "/usr/local/bin/folio")
        #expect(Library.shellQuoted("/Users/Ada Lovelace/bin/folio") == "'/Users/Ada Lovelace/bin/folio'")
        #expect(Library.shellQuoted("it's") == #"'it'\''s'"#)
        #expect(Library.shellQuoted("$HOME") == "'$HOME'")
    }
}
