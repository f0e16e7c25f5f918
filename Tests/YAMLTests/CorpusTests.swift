import Foundation
import Testing
import YAML
import TestSupport

/// The YAML of a prompt file: its frontmatter, or the whole file for `.yml` formats.
func yamlOf(_ url: URL) throws -> String? {
    let text = try String(contentsOf: url, encoding: .utf8)
    if url.pathExtension == "yml" || url.pathExtension == "yaml" { return text }
    let lines = text.components(separatedBy: "\n")
    guard lines.first?.trimmingCharacters(in: .whitespacesAndNewlines) == "---",
          let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespacesAndNewlines) == "---" })
    else { return nil }
    return lines[1..<end].joined(separator: "\n")
}

@Suite struct CorpusTests {
    /// Files that are not strictly valid YAML although the tools that own them accept them.
    static let knownInvalid: [String: Int] = [
        "mdkrasnow__research-repo__.claude__commands__debate.md": 3,
        "dotCMS__core__.cursor__rules__java-context.mdc": 2,
    ]

    @Test func thereIsACorpus() {
        #expect(Corpus.promptFiles.count >= 16)
    }

    @Test(arguments: Corpus.promptFiles)
    func everyPromptFileParsesLeniently(_ url: URL) throws {
        guard let text = try yamlOf(url) else { return }  // no frontmatter: nothing to parse
        let doc = try YAMLParser(mode: .lenient).parse(text)
        #expect(doc.root?.pairs != nil, "\(url.lastPathComponent): expected a mapping")
    }

    @Test(arguments: Corpus.promptFiles)
    func strictModeAcceptsValidFilesAndExplainsInvalidOnes(_ url: URL) throws {
        guard let text = try yamlOf(url) else { return }
        if let line = Self.knownInvalid[url.lastPathComponent] {
            let error = #expect(throws: YAMLError.self) { try YAMLParser(mode: .strict).parse(text) }
            #expect(error?.mark.line == line)
            #expect(error?.kind == .syntax)
        } else {
            #expect(throws: Never.self) { try YAMLParser(mode: .strict).parse(text) }
        }
    }
}
