import Foundation
import Testing
import TestSupport

/// What `folio export --format prompty` writes, loaded by the real Prompty implementation (PyPI `prompty`;
/// scripts/install-deps installs it).
@Suite struct ExchangeEndToEndTests {
    @Test func prompty2LoadsWhatFolioExports() throws {
        let folder = TemporaryFolder("exchange-e2e")
        _ = try folio("init", in: folder.path)
        _ = try folio("new", "review", "--file", "-", in: folder.path,
                      stdin: "---\ntitle: Review\ndescription: Review code.\nvariables:\n- name: code\n- name: tone\n  default: kind\n---\nReview {{code}} in a {{tone}} way.\n")
        let corpus = Corpus.root.appendingPathComponent("prompts/prompty")
        let imported = try folio("import", corpus.path, "--prefix", "p", in: folder.path)
        #expect(imported.status == 0, "\(imported.stderr)")
        let exported = try folio("export", "--format", "prompty", "--out", "out", in: folder.path)
        #expect(exported.status == 0, "\(exported.stderr)")
        let originals = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted().map { corpus.path + "/" + $0 }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts/prompty_load.py").path
        let native = folder.at("out/review.prompty")
        let exports = originals.map { folder.at("out/p/" + Self.importedName($0) + ".prompty") }
        let run = try TestSupport.run("/usr/bin/env", ["python3", script, native] + originals + exports, in: folder.path,
                                      environment: testEnvironment(home: folder.path))
        #expect(run.status == 0, "\(run.stderr)")
        let results = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: [String: Any]])
        // folio's own prompt: loaded and rendered with its default.
        #expect(results[native]?["ok"] as? Bool == true, "\(results[native] ?? [:])")
        #expect((results[native]?["messages"] as? [[String]]) == [["user", "Review x in a kind way."]])
        // Each exported corpus file loads exactly when its original does (Prompty 2 rejects some Prompty 1 files).
        for (original, export) in zip(originals, exports) {
            #expect(results[export]?["ok"] as? Bool == results[original]?["ok"] as? Bool,
                    "\(original): original \(results[original] ?? [:]), export \(results[export] ?? [:])")
        }
        #expect(results.values.filter { $0["ok"] as? Bool == true }.count >= 3)
    }

    /// The id `folio import` gives a file (its lowercase name, other characters as '-').
    static func importedName(_ path: String) -> String {
        var name = (path as NSString).lastPathComponent
        name = String(name.dropLast(".prompty".count))
        var slug = ""
        for character in name.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber || character == "_") { slug.append(character) }
            else if slug.last != "-" { slug.append("-") }
        }
        return slug.trimmingCharacters(in: CharacterSet(charactersIn: "-_"))
    }
}
