import Foundation
import Testing
import TestSupport
@testable import FolioKit

@Suite struct IntegrateTests {
    /// A code repository with the library in `tools/prompts`.
    func library() throws -> (TemporaryFolder, Library) {
        let folder = TemporaryFolder("integrate")
        _ = try git("init", "-q", "-b", "main", in: folder.path)
        _ = try Library.initialize(at: folder.at("tools/prompts"), withTemplates: false, environment: environment(folder.path))
        let env = environment(folder.path, extra: ["HOME": folder.at("home")])
        return (folder, try Library.open(explicitPath: folder.at("tools/prompts"), environment: env))
    }

    @Test func anExistingMcpJsonKeepsItsOtherServers() throws {
        let (folder, library) = try library()
        defer { withExtendedLifetime(folder) {} }
        folder.write(".mcp.json", """
            {
              "mcpServers": {
                "github": { "command": "docker", "args": ["run", "-i", "ghcr.io/github/github-mcp-server"], "env": { "TOKEN": "x" } },
                "folio": { "command": "/old/folio", "args": ["mcp"], "env": { "FOLIO_X": "1" } }
              },
              "other": true
            }
            """)
        let outcome = try library.integrate(.claudeCode, userScope: false, executable: "/usr/local/bin/folio")
        #expect(outcome.change == .updated && outcome.otherServers == ["github"])
        let written = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.at(".mcp.json")))) as? [String: Any])
        let servers = try #require(written["mcpServers"] as? [String: [String: Any]])
        #expect(servers["github"]?["command"] as? String == "docker")
        #expect((servers["github"]?["env"] as? [String: String]) == ["TOKEN": "x"])
        #expect(servers["folio"]?["command"] as? String == "/usr/local/bin/folio")
        #expect(servers["folio"]?["args"] as? [String] == ["mcp", "--library", "tools/prompts"])
        #expect((servers["folio"]?["env"] as? [String: String]) == ["FOLIO_X": "1"], "what the user added to folio's entry stays")
        #expect(written["other"] as? Bool == true)
        #expect(try library.integrate(.claudeCode, userScope: false, executable: "/usr/local/bin/folio").change == .unchanged)
    }

    @Test func eachToolsFileAndScope() throws {
        let (folder, library) = try library()
        defer { withExtendedLifetime(folder) {} }
        #expect(try library.integrate(.cursor, userScope: false, executable: "folio").file.hasSuffix(".cursor/mcp.json"))
        let vscode = try library.integrate(.vscode, userScope: false, executable: "folio")
        let written = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.at(".vscode/mcp.json")))) as? [String: Any])
        #expect(((written["servers"] as? [String: Any])?["folio"] as? [String: Any])?["type"] as? String == "stdio")
        #expect(vscode.change == .added)
        let user = try library.integrate(.claudeCode, userScope: true, executable: "folio")
        #expect(user.file == "home/.claude.json")  // shown relative to the current folder
        #expect(FileManager.default.fileExists(atPath: folder.at("home/.claude.json")))
        #expect(user.command == ["folio", "mcp", "--library", folder.at("tools/prompts")])
    }

    @Test func brokenJsonIsLeftAloneWithItsProblem() throws {
        let (folder, library) = try library()
        defer { withExtendedLifetime(folder) {} }
        folder.write(".mcp.json", "{ \"mcpServers\": { \"a\": 1, } ")
        let error = #expect(throws: FolioError.self) { try library.integrate(.claudeCode, userScope: false, executable: "folio") }
        #expect(error?.message.contains("is not valid JSON") == true, "\(String(describing: error))")
        #expect(try String(contentsOfFile: folder.at(".mcp.json"), encoding: .utf8) == "{ \"mcpServers\": { \"a\": 1, } ")
    }

    /// A folder on PATH holding an executable `folio`.
    func pathWithFolio(_ folder: TemporaryFolder) throws -> String {
        folder.write("bin/folio", "#!/bin/sh\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.at("bin/folio"))
        return "/usr/bin:" + folder.at("bin")
    }

    @Test func aProjectFileNamesFolioByNameWhenItIsOnPath() throws {
        let (folder, _) = try library()
        let env = environment(folder.path, extra: ["HOME": folder.at("home"), "PATH": try pathWithFolio(folder)])
        let library = try Library.open(explicitPath: folder.at("tools/prompts"), environment: env)
        let outcome = try library.integrate(.claudeCode, userScope: false, executable: "/home/ada/.local/share/folio/bin/folio")
        #expect(outcome.command == ["folio", "mcp", "--library", "tools/prompts"])
        #expect(outcome.warnings.isEmpty)
        let written = try String(contentsOfFile: folder.at(".mcp.json"), encoding: .utf8)
        #expect(!written.contains("/home/ada"), "\(written)")
        // The user's own file names this machine's binary: it is not shared.
        let user = try library.integrate(.claudeCode, userScope: true, executable: "/home/ada/.local/share/folio/bin/folio")
        #expect(user.command.first == "/home/ada/.local/share/folio/bin/folio")
    }

    @Test func withoutFolioOnPathTheProjectFileNamesThisBinaryAndSaysSo() throws {
        let (folder, library) = try library()
        defer { withExtendedLifetime(folder) {} }
        let outcome = try library.integrate(.cursor, userScope: false, executable: "/opt/folio/bin/folio")
        #expect(outcome.command.first == "/opt/folio/bin/folio")
        #expect(outcome.warnings == ["folio is not on PATH, so .cursor/mcp.json names this machine's binary (/opt/folio/bin/folio), which other machines may not have; put folio on PATH and run folio integrate again before you commit the file"],
                "\(outcome.warnings)")
    }

    @Test func vscodeJSONCWithCommentsAndTrailingCommasKeepsThem() throws {
        let (folder, library) = try library()
        defer { withExtendedLifetime(folder) {} }
        let original = """
            // MCP servers for this workspace
            {
              /* the GitHub server needs a token */
              "inputs": [
                { "id": "token", "type": "promptString", "password": true, },
              ],
              "servers": {
                "github": {
                  "type": "stdio",
                  "command": "docker", // runs in a container
                  "args": ["run", "-i", "ghcr.io/github/github-mcp-server"],
                },
              },
            }

            """
        folder.write(".vscode/mcp.json", original)
        let outcome = try library.integrate(.vscode, userScope: false, executable: "folio")
        #expect(outcome.change == .added && outcome.otherServers == ["github"])
        let written = try #require(folder.read(".vscode/mcp.json"))
        #expect(written == """
            // MCP servers for this workspace
            {
              /* the GitHub server needs a token */
              "inputs": [
                { "id": "token", "type": "promptString", "password": true, },
              ],
              "servers": {
                "github": {
                  "type": "stdio",
                  "command": "docker", // runs in a container
                  "args": ["run", "-i", "ghcr.io/github/github-mcp-server"],
                },
                "folio": {
                  "type": "stdio",
                  "command": "folio",
                  "args": ["mcp", "--library", "tools/prompts"]
                }
              },
            }

            """, "\(written)")
        // Run again: nothing to change; a changed command is replaced in place.
        #expect(try library.integrate(.vscode, userScope: false, executable: "folio").change == .unchanged)
        let moved = try library.integrate(.vscode, userScope: false, executable: "/opt/folio")
        #expect(moved.change == .updated)
        let again = try #require(folder.read(".vscode/mcp.json"))
        #expect(again.contains("\"command\": \"/opt/folio\",\n      \"args\""), "\(again)")
        #expect(again.contains("// runs in a container") && again.contains("/* the GitHub server needs a token */"))
    }

    @Test func aJSONCFileWithoutServersGetsThemAndAFreshFileIsPlainJSON() throws {
        let (folder, library) = try library()
        defer { withExtendedLifetime(folder) {} }
        folder.write(".vscode/mcp.json", "{\n\t// nothing yet\n}\n")
        _ = try library.integrate(.vscode, userScope: false, executable: "folio")
        #expect(folder.read(".vscode/mcp.json") == "{\n\t\"servers\": {\n\t\t\"folio\": {\n\t\t\t\"type\": \"stdio\",\n\t\t\t\"command\": \"folio\",\n\t\t\t\"args\": [\"mcp\", \"--library\", \"tools/prompts\"]\n\t\t}\n\t}\n\t// nothing yet\n}\n")
        _ = try library.integrate(.claudeCode, userScope: false, executable: "folio")
        let fresh = try #require(folder.read(".mcp.json"))
        #expect(fresh == "{\n  \"mcpServers\": {\n    \"folio\": {\n      \"command\": \"folio\",\n      \"args\": [\"mcp\", \"--library\", \"tools/prompts\"]\n    }\n  }\n}\n")
        #expect(try JSONSerialization.jsonObject(with: Data(fresh.utf8)) is [String: Any])
    }

    @Test func slashesInsideStringsAreNotComments() throws {
        let text = "{\"a\": \"https://x.example/*y*/\", // real\n\"b\": [1, 2.5e3, true, null, \"\\u00e9\\\"\"]}"
        let value = try #require(try JSONCText(text).value() as? [String: Any])
        #expect(value["a"] as? String == "https://x.example/*y*/")
        #expect((value["b"] as? [Any])?.last as? String == "é\"")
        let broken = #expect(throws: JSONCText.SyntaxError.self) { try JSONCText("{\n  \"a\": 1\n  \"b\": 2\n}").value() }
        #expect(broken?.description == "line 3, column 3: expected ',' or '}' after a member")
    }

    @Test func commentsInsideAValueFolioReplacesAreReported() throws {
        let (folder, library) = try library()
        defer { withExtendedLifetime(folder) {} }
        folder.write(".mcp.json", "{\n  \"mcpServers\": {\n    \"folio\": {\n      \"command\": \"folio\",\n      \"args\": [\"mcp\" /* old */]\n    }\n  }\n}\n")
        let outcome = try library.integrate(.claudeCode, userScope: false, executable: "folio")
        #expect(outcome.change == .updated)
        #expect(outcome.warnings == ["the comments inside folio's \"args\" in .mcp.json went with its old value"])
        #expect(folder.read(".mcp.json")?.contains("\"args\": [\"mcp\", \"--library\", \"tools/prompts\"]") == true)
    }
}
