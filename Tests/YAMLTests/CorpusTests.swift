import Foundation
import Testing
import YAML

/// Files written by other tools (Tests/Fixtures/corpus, copied from ../shared/corpus).
enum Corpus {
    static var root: URL {
        if let path = ProcessInfo.processInfo.environment["FOLIO_CORPUS"] { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/corpus")
    }

    static var promptFiles: [URL] {
        let folder = root.appendingPathComponent("prompts")
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.lastPathComponent != "MANIFEST.tsv" && !$0.hasDirectoryPath } ?? []
        return files.sorted { $0.path < $1.path }
    }

    /// The YAML of a prompt file: its frontmatter, or the whole file for `.yml` formats.
    static func yaml(of url: URL) throws -> (text: String, firstLine: Int)? {
        let text = try String(contentsOf: url, encoding: .utf8)
        if url.pathExtension == "yml" || url.pathExtension == "yaml" { return (text, 1) }
        let lines = text.components(separatedBy: "\n")
        guard lines.first?.trimmingCharacters(in: .whitespacesAndNewlines) == "---",
              let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespacesAndNewlines) == "---" })
        else { return nil }
        return (lines[1..<end].joined(separator: "\n"), 2)
    }
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
        guard let (text, _) = try Corpus.yaml(of: url) else { return }  // no frontmatter: nothing to parse
        let doc = try YAMLParser(mode: .lenient).parse(text)
        #expect(doc.root?.pairs != nil, "\(url.lastPathComponent): expected a mapping")
    }

    @Test(arguments: Corpus.promptFiles)
    func strictModeAcceptsValidFilesAndExplainsInvalidOnes(_ url: URL) throws {
        guard let (text, _) = try Corpus.yaml(of: url) else { return }
        if let line = Self.knownInvalid[url.lastPathComponent] {
            let error = #expect(throws: YAMLError.self) { try YAMLParser(mode: .strict).parse(text) }
            #expect(error?.mark.line == line)
            #expect(error?.kind == .syntax)
        } else {
            #expect(throws: Never.self) { try YAMLParser(mode: .strict).parse(text) }
        }
    }
}
