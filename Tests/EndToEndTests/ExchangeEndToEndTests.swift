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
        let imported = try folio("import", corpus.path, "--prefix", "p", "--json", in: folder.path)
        #expect(imported.status == 0, "\(imported.stderr)")
        // Which prompt each corpus file became, as folio reports it.
        let items = try #require(try JSONSerialization.jsonObject(with: Data(imported.stdout.utf8)) as? [[String: Any]])
        let idBySource = Dictionary(uniqueKeysWithValues: items.compactMap { item -> (String, String)? in
            guard let source = item["source"] as? String, let id = item["id"] as? String else { return nil }
            return ((source as NSString).lastPathComponent, id)
        })
        let exported = try folio("export", "--format", "prompty", "--out", "out", in: folder.path)
        #expect(exported.status == 0, "\(exported.stderr)")
        let originals = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted().map { corpus.path + "/" + $0 }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts/prompty_load.py").path
        let native = folder.at("out/review.prompty")
        let exports = originals.map { folder.at("out/" + (idBySource[($0 as NSString).lastPathComponent] ?? "?") + ".prompty") }
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
}
