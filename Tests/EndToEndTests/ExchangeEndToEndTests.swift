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
        let report = try #require(try JSONSerialization.jsonObject(with: Data(imported.stdout.utf8)) as? [String: Any])
        let items = try #require(report["imported"] as? [[String: Any]])
        let idBySource = Dictionary(uniqueKeysWithValues: items.compactMap { item -> (String, String)? in
            guard let source = item["source"] as? String, let id = item["id"] as? String else { return nil }
            return ((source as NSString).lastPathComponent, id)
        })
        let exported = try folio("export", "--format", "prompty", "--out", "out", in: folder.path)
        #expect(exported.status == 0, "\(exported.stderr)")
        let originals = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted().map { corpus.path + "/" + $0 }
        let native = folder.at("out/review.prompty")
        let exports = originals.map { folder.at("out/" + (idBySource[($0 as NSString).lastPathComponent] ?? "?") + ".prompty") }
        let results = try load("prompty_load.py", [native] + originals + exports, in: folder)
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

    /// Every starter template exported as Prompty loads and renders in the real Prompty (Mustache sections,
    /// enum values, arrays with their item kind).
    @Test func prompty2LoadsTheStartersAsFolioExportsThem() throws {
        let folder = TemporaryFolder("exchange-e2e-starters")
        let (_, files) = try exportStarters("prompty", as: ".prompty", in: folder)
        let results = try load("prompty_load.py", files, in: folder)
        for file in files {
            #expect(results[file]?["ok"] as? Bool == true, "\(file): \(results[file] ?? [:])")
        }
        // A section the loader rendered as Mustache: no tag is left in the text.
        let messages = try #require(results[folder.at("out/code-review.prompty")]?["messages"] as? [[String]])
        #expect(messages.first?.last?.contains("Look hardest at: correctness; readability; tests; ") == true, "\(messages)")
        #expect(messages.first?.last?.contains("{{") == false)
    }

    /// `folio export` writes every prompt it can, reports the one whose include is missing with the fix, and
    /// exits 1; `folio import` lists lint's warnings and refuses an error, naming the file and line.
    @Test func exportReportsWhatItCannotExpandAndImportLints() throws {
        let folder = TemporaryFolder("exchange-e2e-failures")
        _ = try folio("init", in: folder.path)
        _ = try folio("new", "shared/tone", "--file", "-", in: folder.path, stdin: "---\npartial: true\n---\nBe brief.\n")
        _ = try folio("new", "broken", "--file", "-", in: folder.path, stdin: "---\ntitle: Broken\n---\nReview.\n{{> shared/tone}}\n")
        _ = try folio("new", "fine", "--file", "-", in: folder.path, stdin: "---\ntitle: Fine\n---\nExplain.\n")
        try FileManager.default.removeItem(atPath: folder.at("prompts/shared/tone.prompt.md"))
        let exported = try folio("export", "--format", "claude-commands", "--out", "out", in: folder.path)
        #expect(exported.status == 1)
        #expect(exported.stdout.contains("fine → out/.claude/commands/fine.md"))
        #expect(exported.stderr.contains("prompts/broken.prompt.md:5:1: error: included prompt 'shared/tone' does not exist"), "\(exported.stderr)")
        #expect(exported.stderr.contains("(broken was not exported)"))
        #expect(exported.stderr.contains("add that prompt or remove the include"))
        #expect(folder.exists("out/.claude/commands/fine.md") && !folder.exists("out/.claude/commands/broken.md"))

        folder.write("in/ok.mdc", "---\ndescription: Fine\n---\nUse strict types.  \n")
        let imported = try folio("import", "in/ok.mdc", in: folder.path)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("prompts/ok.prompt.md:4:18: warning: trailing whitespace [whitespace]"), "\(imported.stdout)")
        folder.write("in/leak.mdc", "---\ndescription: Leaky\n---\nDeploy with AKIAIOSFODNN7EXAMPLE.\n")
        let refused = try folio("import", "in/leak.mdc", in: folder.path)
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("in/leak.mdc:4:13: error:"), "\(refused.stderr)")
        #expect(!folder.exists("prompts/leak.prompt.md"))
    }

    /// Every starter template exported as Dotprompt compiles in Google's Dotprompt (PyPI `dotpromptz`): its
    /// Picoschema gives the types, required names, enum values and defaults folio declares, and it renders the
    /// text `folio render` prints for the same values.
    @Test func dotpromptCompilesAndRendersTheStartersAsFolioExportsThem() throws {
        let folder = TemporaryFolder("exchange-e2e-dotprompt")
        let (names, files) = try exportStarters("dotprompt", as: ".prompt", in: folder)
        let results = try load("dotprompt_load.py", files, in: folder)
        for (name, file) in zip(names, files) {
            let result = try #require(results[file])
            #expect(result["ok"] as? Bool == true, "\(name): \(result)")
            let schema = try #require(result["schema"] as? [String: Any])
            let required = schema["required"] as? [String] ?? []
            // The same values: "x" for each required variable, defaults for the rest.
            let shown = try folio("show", name, "--json", in: folder.path)
            let prompt = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
            let variables = prompt["variables"] as? [[String: Any]] ?? []
            let needed = variables.filter { $0["default"] == nil && ($0["required"] as? Bool ?? true) }.compactMap { $0["name"] as? String }
            #expect(Set(required) == Set(needed), "\(name): Dotprompt requires \(required), folio \(needed)")
            let rendered = try TestSupport.run(folioBinary, ["render", name] + required.flatMap { ["--var", "\($0)=x"] }, in: folder.path,
                                               environment: testEnvironment(home: folder.path))
            #expect(rendered.status == 0, "\(rendered.stderr)")
            #expect((result["text"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines) == rendered.stdout.trimmingCharacters(in: .whitespacesAndNewlines),
                    "\(name) renders differently in Dotprompt")
        }
        // Enum values and list types, as folio declares them.
        let commit = try #require(results[folder.at("out/commit-message.prompt")]?["schema"] as? [String: Any])
        let style = try #require((commit["properties"] as? [String: Any])?["style"] as? [String: Any])
        #expect((style["enum"] as? [Any])?.compactMap { $0 as? String } == ["conventional", "plain"])
    }

    /// A new library in `folder` with a prompt made from each starter template (named as it), exported as `format`
    /// into out/: the starters' names and the exported files, each named `out/NAME` + `suffix`.
    private func exportStarters(_ format: String, as suffix: String, in folder: TemporaryFolder) throws -> (names: [String], files: [String]) {
        _ = try folio("init", in: folder.path)
        let names = try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("templates").path)
            .filter { $0.hasSuffix(".prompt.md") }.map { String($0.dropLast(".prompt.md".count)) }.sorted()
        for name in names {
            let made = try folio("new", name, "--template", name, "--no-edit", in: folder.path)
            #expect(made.status == 0, "\(made.stderr)")
        }
        let exported = try folio("export", "--format", format, "--out", "out", in: folder.path)
        #expect(exported.status == 0, "\(exported.stderr)")
        return (names, names.map { folder.at("out/" + $0 + suffix) })
    }

    /// What the other tool's loader (`Scripts/SCRIPT`, Python) says of each file: `{file: {"ok": …, …}}`.
    private func load(_ script: String, _ files: [String], in folder: TemporaryFolder) throws -> [String: [String: Any]] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts/" + script).path
        let run = try TestSupport.run("/usr/bin/env", ["python3", path] + files, in: folder.path, environment: testEnvironment(home: folder.path))
        #expect(run.status == 0, "\(run.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: [String: Any]])
    }
}
