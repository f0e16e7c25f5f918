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
}
