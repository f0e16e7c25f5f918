import Foundation
import Testing
import TestSupport

/// The bash script `folio completion bash` prints, sourced in a real bash and driven as bash drives it on TAB.
@Suite struct CompletionEndToEndTests {
    /// What bash would offer for `line` (completing its last word), in `folder`, with the built folio on PATH as `folio`.
    func complete(_ line: String, in folder: TemporaryFolder, script: String) throws -> [String] {
        let bin = folder.at("bin")
        try? FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: bin + "/folio") {
            try FileManager.default.createSymbolicLink(atPath: bin + "/folio", withDestinationPath: folioBinary)
        }
        let driver = """
            source "$1"
            COMP_LINE="$2"
            COMP_POINT=${#COMP_LINE}
            read -ra COMP_WORDS <<< "$COMP_LINE"
            [[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
            COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
            COMPREPLY=()
            _folio folio "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let result = try run("/bin/bash", ["-c", driver, "bash", script, line], in: folder.at("library"),
                             environment: testEnvironment(home: folder.path, extra: ["PATH": bin + ":/usr/bin:/bin"]))
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test func bashCompletesPromptIDsFromTheLibrary() throws {
        let folder = TemporaryFolder("completion-e2e")
        let library = folder.at("library")
        try folio("init", "library", in: folder.path)
        for id in ["security-review", "review/security", "style"] {
            try folio("new", id, "--body-file", "-", in: library, stdin: "Check it.\n")
        }
        try folio("label", "set", "security-review", "production", in: library)
        let script = folder.at("folio.bash")
        try folio("completion", "bash", in: folder.path).stdout.write(toFile: script, atomically: true, encoding: .utf8)

        #expect(try complete("folio show sec", in: folder, script: script) == ["security-review"])
        #expect(try complete("folio render rev", in: folder, script: script) == ["review/security"])
        #expect(try complete("folio label rm security-review ", in: folder, script: script) == ["production"])
        #expect(try complete("folio revert security-review --to ", in: folder, script: script) == ["v1", "production"])
        // Subcommands and options still complete as before.
        #expect(try complete("folio hist", in: folder, script: script) == ["history"])
    }
}
