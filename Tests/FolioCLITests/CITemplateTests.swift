import Foundation
import Testing
import TestSupport
@testable import FolioCLI

/// The CI templates users copy: valid for their CI system, and running folio commands that exist.
@Suite struct CITemplateTests {
    static let templates = [("github-actions.yml", "vendor.github-workflows"), ("gitlab-ci.yml", "vendor.gitlab-ci")]

    @Test(arguments: templates)
    func templateIsValidForItsCISystem(_ file: String, _ schema: String) throws {
        let path = packageRoot.appendingPathComponent("templates/ci/" + file).path
        let result = try run("/usr/bin/env", ["python3", "-m", "check_jsonschema", "--builtin-schema", schema, path],
                             environment: ProcessInfo.processInfo.environment)
        #expect(result.status == 0, "\(file): \(result.stdout)\(result.stderr) (scripts/install-deps installs check-jsonschema)")
    }

    @Test(arguments: templates.map(\.0))
    func everyFolioCommandInATemplateParses(_ file: String) throws {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("templates/ci/" + file), encoding: .utf8)
        var commands: [[String]] = []
        for line in text.split(separator: "\n") {
            var command = line.trimmingCharacters(in: .whitespaces)
            for prefix in ["- ", "run: "] where command.hasPrefix(prefix) { command = String(command.dropFirst(prefix.count)) }
            guard command.hasPrefix("folio ") else { continue }
            // The command ends where the shell redirects or chains.
            if let end = command.firstIndex(where: { ">|&;".contains($0) }) { command = String(command[..<end]) }
            commands.append(Self.words(command).dropFirst().map { $0.replacingOccurrences(of: "$BASE_REF", with: "main")
                .replacingOccurrences(of: "$CI_MERGE_REQUEST_TARGET_BRANCH_NAME", with: "main") })
        }
        #expect(commands.count >= 2, "\(file) runs no folio command")
        for arguments in commands {
            #expect(throws: Never.self, "folio \(arguments.joined(separator: " "))") { _ = try Folio.parseAsRoot(arguments) }
        }
    }

    /// Shell words: spaces separate, double quotes group.
    static func words(_ command: String) -> [String] {
        var words: [String] = [], current = "", quoted = false, started = false
        for character in command {
            if character == "\"" { quoted.toggle(); started = true; continue }
            if character == " " && !quoted {
                if started { words.append(current) }
                current = ""
                started = false
            } else {
                current.append(character)
                started = true
            }
        }
        if started { words.append(current) }
        return words
    }
}
