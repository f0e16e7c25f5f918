import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// What a prompt carries when it is renamed (its labels, the experiments on it), and what removing it may break.
@Suite struct RenameAndRemovalTests {
    let folder: TemporaryFolder
    let library: Library

    /// `security-review` at two versions, labelled; a variant made from it; an experiment on it.
    init() throws {
        (folder, library) = try makeLibrary()
        try library.addFile("security-review", "---\nvariables: [code]\n---\nReview {{code}}.\n")
        _ = try library.edit(id("security-review"), body: "Review {{code}} for injection.\n")
        try library.setLabel("production", on: id("security-review"), to: "v1")
        try library.setLabel("staging", on: id("security-review"))
        _ = try library.createVariant("concise")
        _ = try library.edit(id("security-review"), body: "Check {{code}}.\n", variant: "concise")
    }

    func render(_ reference: String) throws -> String {
        try library.render(PromptReference(parsing: reference), inputs: ["code": .text("x")]).text
    }

    /// The first subjects the experiment gives each of its arms.
    func subjects(_ experiment: String) throws -> [String: String] {
        let experiment = try library.experiment(experiment)
        var found: [String: String] = [:]
        for n in 0..<100 where found.count < experiment.arms.count {
            found[experiment.arm(for: "s\(n)").name] = found[experiment.arm(for: "s\(n)").name] ?? "s\(n)"
        }
        return found
    }

    // MARK: - mv

    @Test func aRenameCarriesTheLabelsAndTheyStillReadTheVersionsTheyPointedAt() throws {
        let before = try library.labels(of: id("security-review")).map(\.commit)
        _ = try library.move(id("security-review"), to: id("review/security"))
        let labels = try library.labels(of: id("review/security"))
        #expect(labels.map { "\($0.name)=v\($0.version ?? 0)" } == ["production=v1", "staging=v2"])
        #expect(labels.map(\.commit) == before)
        #expect(try library.labels(of: id("security-review")).isEmpty)
        #expect(try git("for-each-ref", "--format=%(refname)", "refs/folio/labels", in: folder.path)
                == "refs/folio/labels/review/security.prompt/production\nrefs/folio/labels/review/security.prompt/staging")
        // The labelled commits hold the file under its old name: reading at a label follows the rename.
        #expect(try render("review/security@production") == "Review x.\n")
        #expect(try render("review/security@staging") == "Review x for injection.\n")
        #expect(try library.history(of: id("review/security")).map(\.labels) == [["production"], ["staging"], []])
    }

    @Test func theLabelLogSaysWhereCarriedLabelsCameFrom() throws {
        _ = try library.move(id("security-review"), to: id("review/security"))
        let log = try library.labelLog(of: id("review/security"))
        // The labels' moves before the rename, then their arrival under the new id.
        #expect(log.map { "\($0.prompt) \($0.label) \($0.from == nil ? "-" : "x")>\($0.to == nil ? "-" : "x")" }
                == ["security-review production ->x", "security-review staging ->x",
                    "review/security production ->x", "review/security staging ->x"])
        #expect(log.suffix(2).allSatisfy { $0.renamedFrom == "security-review" })
        // The old id's log ends with the labels leaving it.
        let old = try library.labelLog(of: id("security-review"))
        #expect(old.suffix(2).map { "\($0.label) \($0.to == nil ? "-" : "x") \($0.renamedTo ?? "")" }
                == ["production - review/security", "staging - review/security"])
        #expect(try git("log", "-1", "--format=%B", "refs/folio/label-log", in: folder.path).contains("Folio-Renamed-To: review/security"))
    }

    @Test func aRenamePointsTheExperimentsAtTheNewIDInTheSameCommit() throws {
        _ = try library.createExperiment("terse", prompt: id("security-review"), variants: ["main", "concise"])
        try library.addFile("other", "Other.\n")
        _ = try library.createVariant("wordy")
        _ = try library.createExperiment("unrelated", prompt: id("other"), variants: ["main", "wordy"])
        let outcome = try library.move(id("security-review"), to: id("review/security"))
        #expect(outcome.paths.sorted() == ["experiments/terse.yaml", "prompts/review/security.prompt.md", "prompts/security-review.prompt.md"])
        #expect(try git("show", "--name-only", "--no-renames", "--format=", "HEAD", in: folder.path).split(separator: "\n").sorted()
                == ["experiments/terse.yaml", "prompts/review/security.prompt.md", "prompts/security-review.prompt.md"])
        #expect(try library.experiment("terse").prompt == id("review/security"))
        #expect(try library.experiment("unrelated").prompt == id("other"))
    }

    @Test func anExperimentGoesOnRenderingBothArmsAfterARename() throws {
        _ = try library.createExperiment("terse", prompt: id("security-review"), variants: ["main", "concise"])
        let subjects = try subjects("terse")
        let early = try library.render(experiment: "terse", subject: subjects["main"]!, inputs: ["code": .text("x")], source: "t")
        _ = try library.move(id("security-review"), to: id("review/security"))
        // variant/concise was made before the rename: it holds the prompt under its old name.
        let main = try library.render(experiment: "terse", subject: subjects["main"]!, inputs: ["code": .text("x")], source: "t")
        let concise = try library.render(experiment: "terse", subject: subjects["concise"]!, inputs: ["code": .text("x")], source: "t")
        #expect(main.rendering.text == "Review x for injection.\n" && main.variant == "main")
        #expect(concise.rendering.text == "Check x.\n" && concise.variant == "concise")
        #expect(concise.event.prompt == "review/security")
        #expect(try render("review/security@variant/concise") == "Check x.\n")
        // The report counts the exposures recorded under the old id too.
        try library.recordFeedback(on: early.event.id, success: true, source: "t")
        let report = try library.report(experiment: "terse")
        #expect(report.prompt == "review/security")
        #expect(report.arms.map(\.exposures) == [2, 1] && report.arms[0].successes == 1)
        #expect(report.problems.isEmpty)
        #expect(try library.experimentSummaries()[0].problems.isEmpty)
        // And a variant made before the rename can still be promoted onto the new id.
        _ = try library.promote(experiment: "terse", variant: "concise")
        #expect(folder.read("prompts/review/security.prompt.md") == "---\nvariables: [code]\n---\nCheck {{code}}.\n")
        #expect(!folder.exists("prompts/security-review.prompt.md"))
    }

    @Test func aVariantMadeBeforeARenameIsChangedUnderTheIDItHas() throws {
        _ = try library.move(id("security-review"), to: id("review/security"))
        #expect(try render("review/security@variant/concise") == "Check x.\n")
        let edit = #expect(throws: FolioError.self) { try library.edit(id("review/security"), body: "Audit {{code}}.\n", variant: "concise") }
        #expect(edit?.message.contains("under its earlier id 'security-review'") == true, "\(edit?.message ?? "")")
        #expect(edit?.message.contains("folio edit security-review --variant concise") == true, "\(edit?.message ?? "")")
        let add = #expect(throws: FolioError.self) { try library.addFile("review/security", "Again.\n") }
        #expect(add?.kind == .conflict)
        let addOnVariant = #expect(throws: FolioError.self) {
            try library.add(id("review/security"), fileText: "Again.\n", source: "x", variant: "concise")
        }
        #expect(addOnVariant?.message.contains("as 'security-review'; change it with: folio edit security-review --variant concise") == true,
                "\(addOnVariant?.message ?? "")")
        // Changed under the id it has there, the variant's version is what its renders read.
        _ = try library.edit(id("security-review"), body: "Audit {{code}}.\n", variant: "concise")
        #expect(try render("review/security@variant/concise") == "Audit x.\n")
    }

    @Test func aRenameOntoAnIDWhoseRemovedPromptKeptTheSameLabelIsRefused() throws {
        try library.addFile("review/security", "Old security review.\n")
        try library.setLabel("production", on: id("review/security"))
        _ = try library.remove(id("review/security"))
        let head = try git("rev-parse", "HEAD", in: folder.path)
        let refused = #expect(throws: FolioError.self) { try library.move(id("security-review"), to: id("review/security")) }
        #expect(refused?.kind == .conflict)
        #expect(refused?.message.contains("review/security@production") == true, "\(refused?.message ?? "")")
        #expect(refused?.message.contains("folio label rm review/security production") == true, "\(refused?.message ?? "")")
        #expect(try git("rev-parse", "HEAD", in: folder.path) == head)
        #expect(folder.exists("prompts/security-review.prompt.md"))
    }

    @Test func aRenameNotCommittedLeavesTheLabelsAndSaysHowToCarryThem() throws {
        let production = try #require(try library.labels(of: id("security-review")).first).commit
        let outcome = try library.move(id("security-review"), to: id("review/security"), commit: false)
        #expect(outcome.commit == nil)
        #expect(try library.labels(of: id("security-review")).map(\.name) == ["production", "staging"])
        #expect(outcome.warnings.contains { $0.contains("folio label set review/security production \(production.prefix(7))") },
                "\(outcome.warnings)")
    }

    // MARK: - rm

    @Test func removingThePromptOfAnExperimentNotClosedIsRefusedUnlessForced() throws {
        _ = try library.createExperiment("terse", prompt: id("security-review"), variants: ["main", "concise"])
        let head = try git("rev-parse", "HEAD", in: folder.path)
        let running = #expect(throws: FolioError.self) { try library.remove(id("security-review")) }
        #expect(running?.kind == .conflict)
        #expect(running?.message.contains("terse (running)") == true, "\(running?.message ?? "")")
        #expect(running?.message.contains("folio ab promote terse") == true && running?.message.contains("--force") == true)
        _ = try library.stopExperiment("terse")
        let stopped = #expect(throws: FolioError.self) { try library.remove(id("security-review")) }
        #expect(stopped?.message.contains("terse (stopped)") == true, "\(stopped?.message ?? "")")
        #expect(try git("rev-parse", "HEAD~1", in: folder.path) == head)
        #expect(folder.exists("prompts/security-review.prompt.md"))

        let forced = try library.remove(id("security-review"), force: true)
        #expect(forced.commit != nil)
        #expect(forced.warnings.contains { $0.contains("experiment terse") && $0.contains("removed prompt") }, "\(forced.warnings)")
    }

    @Test func aClosedExperimentDoesNotKeepItsPrompt() throws {
        _ = try library.createExperiment("terse", prompt: id("security-review"), variants: ["main", "concise"])
        _ = try library.promote(experiment: "terse", variant: "concise")
        let outcome = try library.remove(id("security-review"))
        #expect(outcome.commit != nil)
    }

    @Test func theLabelsOfARemovedPromptStayAndStillRead() throws {
        _ = try library.remove(id("security-review"))
        #expect(try library.labels(of: id("security-review")).map { "\($0.name)=v\($0.version ?? 0)" } == ["production=v1", "staging=v2"])
        #expect(try library.labels().map(\.prompt) == ["security-review", "security-review"])
        #expect(try render("security-review@production") == "Review x.\n")
    }

    @Test func anExperimentWhosePromptIsGoneSaysSoInTheListTheReportAndARender() throws {
        _ = try library.createExperiment("terse", prompt: id("security-review"), variants: ["main", "concise"])
        _ = try library.remove(id("security-review"), force: true)
        let summary = try #require(try library.experimentSummaries().first)
        #expect(summary.problems.count == 1)
        #expect(summary.problems.first?.contains("'security-review' does not exist") == true, "\(summary.problems)")
        #expect(summary.problems.first?.contains("folio revert security-review --to v2") == true, "\(summary.problems)")
        #expect(try library.report(experiment: "terse").problems == summary.problems)
        let subjects = try subjects("terse")
        let error = #expect(throws: FolioError.self) {
            try library.render(experiment: "terse", subject: subjects["main"]!, inputs: ["code": .text("x")], source: "t")
        }
        #expect(error?.message.hasPrefix("experiment terse cannot render main") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("folio revert security-review --to v2") == true, "\(error?.message ?? "")")
        // The variant still holds it.
        let concise = try library.render(experiment: "terse", subject: subjects["concise"]!, inputs: ["code": .text("x")], source: "t")
        #expect(concise.rendering.text == "Check x.\n")
    }

    @Test func anExperimentWhoseVariantIsGoneSaysSo() throws {
        _ = try library.createExperiment("terse", prompt: id("security-review"), variants: ["main", "concise"])
        _ = try library.removeVariant("concise", force: true)
        #expect(try library.experimentSummaries().first?.problems == ["variant 'concise' does not exist (no branch concise or variant/concise); bring it back with folio variant create concise --from COMMIT, or keep another: folio ab promote terse main"])
    }
}

extension SyncSharedTests {
    @Test func aRenameCarriesTheLabelsToTeammatesAndTheOldOnesDoNotComeBack() throws {
        let folder = try hub()
        defer { withExtendedLifetime(folder) {} }
        var ada = try person("Ada", folder, at: 1_700_000_100)
        try ada.setLabel("production", on: PromptID("greet"), to: "v2")
        _ = try ada.sync()
        var bob = try person("Bob", folder, at: 1_700_000_200)
        #expect(try bob.labels(of: PromptID("greet")).map(\.name) == ["production"])
        _ = try bob.move(PromptID("greet"), to: PromptID("hello"))
        _ = try bob.sync()
        ada = try person("Ada", folder, at: 1_700_000_300)
        _ = try ada.sync()
        bob = try person("Bob", folder, at: 1_700_000_400)
        _ = try bob.sync()
        for library in [ada, bob] {
            #expect(try library.labels().map { "\($0.prompt)@\($0.name)=v\($0.version ?? 0)" } == ["hello@production=v2"], "\(library.root)")
            #expect(try library.render(PromptReference(parsing: "hello@production")).text == "Hello!\n")
            #expect(try library.labelLog(of: PromptID("hello")).last?.renamedFrom == "greet")
        }
        let hubLabels = try git("for-each-ref", "--format=%(refname)", "refs/folio/labels/", in: folder.at("hub.git"))
        #expect(hubLabels == "refs/folio/labels/hello.prompt/production")
    }
}
