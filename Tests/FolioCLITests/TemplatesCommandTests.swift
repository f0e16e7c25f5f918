import Foundation
import Testing
import TestSupport
@testable import FolioCLI
@testable import FolioKit

/// `folio templates` lists every template it can read, marks the ones that cannot be used (as `folio list` marks
/// invalid prompts) with the reason on stderr, and `folio new --template` refuses those with the same reason.
@Suite struct TemplatesCommandTests {
    let folder = TemporaryFolder("templates")

    init() {
        _ = folio("init", in: folder.path)
        folder.write("templates/Bad_Name.prompt.md", "---\ntitle: Bad name\n---\nHello.\n")
        folder.write("templates/with-id.prompt.md", "---\nid: with-id\ntitle: With an id\n---\nHello.\n")
        folder.write("templates/broken.prompt.md", "---\ntitle: [unclosed\n---\nHello.\n")
        folder.write("templates/triage.prompt.md", "---\ntitle: Triage\ndescription: Sort a ticket.\nvariables:\n- name: ticket\n---\nSort {{ticket}}.\n")
    }

    @Test func oneBadTemplateDoesNotHideTheOthers() {
        let run = folio("templates", in: folder.path)
        #expect(run.code == 0, "\(run.stderr)")
        for name in StarterTemplate.all.map(\.name) + ["triage"] {
            #expect(run.stdout.contains(name), "\(name) is missing:\n\(run.stdout)")
        }
        for name in ["Bad_Name", "with-id", "broken"] {
            let line = run.stdout.split(separator: "\n").first { $0.hasPrefix(name + " ") }
            #expect(line?.contains("invalid") == true, "\(name) is not marked invalid:\n\(run.stdout)")
        }
        let triage = run.stdout.split(separator: "\n").first { $0.hasPrefix("triage ") }
        #expect(triage?.contains("invalid") == false)
        // Each reason once, on stderr, naming the file.
        #expect(run.stderr.contains("templates/Bad_Name.prompt.md") && run.stderr.contains("try 'bad_name'"), "\(run.stderr)")
        #expect(run.stderr.contains("templates/with-id.prompt.md") && run.stderr.contains("a template has no id"), "\(run.stderr)")
        #expect(run.stderr.contains("templates/broken.prompt.md"), "\(run.stderr)")
    }

    @Test func theJSONListingMarksInvalidTemplatesWithTheirError() throws {
        let run = folio("templates", "--json", in: folder.path)
        #expect(run.code == 0, "\(run.stderr)")
        let rows = try #require(try json(run.stdout) as? [[String: Any]])
        #expect(rows.count == StarterTemplate.all.count + 4)
        let byName = Dictionary(uniqueKeysWithValues: rows.map { ($0["name"] as? String ?? "", $0) })
        #expect(byName["Bad_Name"]?["status"] as? String == "invalid")
        #expect((byName["with-id"]?["error"] as? String)?.contains("a template has no id") == true)
        #expect(byName["broken"]?["status"] as? String == "invalid")
        #expect(byName["triage"]?["status"] as? String == "active")
        #expect(byName["triage"]?["error"] == nil)
        #expect(byName["bug-fix"]?["status"] as? String == "active")
    }

    @Test(arguments: ["Bad_Name", "with-id", "broken"])
    func newRefusesAnInvalidTemplateSayingWhy(_ name: String) {
        let run = folio("new", "support/reply", "--template", name, "--no-edit", in: folder.path)
        #expect(run.code == FolioExitCode.invalidInput.rawValue, "\(run.stderr)")
        #expect(run.stderr.contains("template '\(name)' cannot be used"), "\(run.stderr)")
        #expect(run.stderr.contains("templates/\(name).prompt.md"), "\(run.stderr)")
        #expect(!folder.exists("prompts/support/reply.prompt.md"))
    }

    @Test func newUsesAValidLibraryTemplate() {
        let run = folio("new", "support/triage", "--template", "triage", "--no-edit", in: folder.path)
        #expect(run.code == 0, "\(run.stderr)")
        #expect(folder.read("prompts/support/triage.prompt.md")?.contains("Sort {{ticket}}.") == true)
    }
}
