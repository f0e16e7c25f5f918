import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// The statistics against values computed independently with scipy 1.17.1 (stats.norm, stats.t,
/// stats.binomtest(...).proportion_ci(method="wilson"), stats.ttest_ind(equal_var=False)).
@Suite struct StatisticsTests {
    func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tolerance
    }

    @Test func distributions() {
        #expect(close(Statistics.normalCDF(1.96), 0.9750021048517795))
        #expect(close(Statistics.tCDF(2.0, degrees: 5), 0.9490302605850708))
        #expect(close(Statistics.tCDF(-1.3, degrees: 2.5), 0.15024339463535416))
        #expect(close(Statistics.tQuantile(0.975, degrees: 10), 2.228138851986274, 1e-7))
    }

    @Test func wilsonIntervals() throws {
        let half = try #require(Statistics.wilsonInterval(successes: 45, trials: 100))
        #expect(close(half.low, 0.35614537979511984))
        #expect(close(half.high, 0.5475539700255787))
        let none = try #require(Statistics.wilsonInterval(successes: 0, trials: 12))
        #expect(close(none.low, 0))
        #expect(close(none.high, 0.24249400665524085))
        #expect(Statistics.wilsonInterval(successes: 0, trials: 0) == nil)
    }

    @Test func twoProportionZTest() throws {
        let test = try #require(Statistics.twoProportionZTest(successes1: 45, trials1: 100, successes2: 30, trials2: 100))
        #expect(close(test.z, 2.1908902300206647))
        #expect(close(test.p, 0.02845973691631065))
    }

    @Test func welchTTestAndMeanInterval() throws {
        let a: [Double] = [4, 5, 3, 4, 5, 4, 3, 5, 4, 4, 5, 3], b: [Double] = [3, 2, 4, 3, 3, 2, 3, 4, 2, 3]
        let test = try #require(Statistics.welchTTest(a, b))
        #expect(close(test.t, 3.6202051231302024))
        #expect(close(test.df, 19.717278317723906))
        #expect(close(test.p, 0.0017375842495131826, 1e-8))
        let interval = try #require(Statistics.meanInterval(a))
        #expect(close(interval.low, 3.5795096577297674, 1e-7))
        #expect(close(interval.high, 4.587157008936899, 1e-7))
    }
}

@Suite struct AssignmentTests {
    func experiment(_ weights: [Int], name: String = "exp") -> Experiment {
        Experiment(name: name, prompt: id("p"), arms: weights.enumerated().map { Experiment.Arm(name: "arm\($0.offset)", weight: $0.element) },
                   metric: .success, start: Date(timeIntervalSince1970: 0))
    }

    @Test(arguments: [[50, 50], [70, 30], [20, 30, 50], [1, 99]])
    func tenThousandSubjectsSplitWithinTwoPointsOfTheWeights(_ weights: [Int]) {
        let experiment = experiment(weights)
        var counts = [String: Int]()
        for n in 0..<10_000 { counts[experiment.arm(for: "user-\(n)").name, default: 0] += 1 }
        for (index, weight) in weights.enumerated() {
            let share = Double(counts["arm\(index)", default: 0]) / 100
            #expect(abs(share - Double(weight)) <= 2, "arm\(index): \(share)% for weight \(weight)%")
        }
    }

    @Test func aSubjectAlwaysGetsTheSameVariantOnEveryMachine() {
        let first = experiment([50, 50], name: "tone")
        let again = experiment([50, 50], name: "tone")
        for n in 0..<1_000 { #expect(first.arm(for: "s\(n)") == again.arm(for: "s\(n)")) }
        // Pinned: the algorithm (FNV-1a 64 + splitmix64 mixer, modulo 10,000) is part of the format.
        #expect(["alice", "bob", "carol", "dave"].map { first.arm(for: $0).name } == ["arm1", "arm1", "arm0", "arm1"])
        // Another experiment splits the same subjects independently.
        let other = experiment([50, 50], name: "length")
        let same = (0..<1_000).filter { first.arm(for: "s\($0)") == other.arm(for: "s\($0)") }.count
        #expect((400...600).contains(same))
    }

    @Test(arguments: [([60, 30], "weights must sum to 100 (60 + 30 = 90)"), ([100], "at least two variants"),
                      ([0, 100], "weight 0 for arm0 must be from 1 to 99")])
    func badWeightsAreClearErrors(_ weights: [Int], _ message: String) {
        let error = #expect(throws: FolioError.self) {
            try Experiment.checkArms(weights.enumerated().map { Experiment.Arm(name: "arm\($0.offset)", weight: $0.element) })
        }
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    }
}

@Suite struct ExperimentFlowTests {
    let folder: TemporaryFolder
    let library: Library

    init() throws {
        (folder, library) = try makeLibraryWithVariant()
    }

    @Test func createWritesAndCommitsTheExperimentFile() throws {
        let (experiment, outcome) = try library.createExperiment("t1", prompt: id("tone"), variants: ["main", "concise"], weights: [50, 50])
        #expect(outcome.message == "folio: ab create t1 (tone: main, concise)")
        #expect(try git("show", "HEAD:experiments/t1.yaml", in: folder.path).contains("name: concise"))
        #expect(try library.experiment("t1") == experiment)
        let unknown = #expect(throws: FolioError.self) {
            try library.createExperiment("t2", prompt: id("tone"), variants: ["main", "consise"])
        }
        #expect(unknown?.message.contains("did you mean concise?") == true)
        #expect(!folder.exists("experiments/t2.yaml"))
    }

    @Test func renderingForASubjectRendersItsVariantAndRecordsAnExposure() throws {
        _ = try library.createExperiment("t1", prompt: id("tone"), variants: ["main", "concise"])
        let experiment = try library.experiment("t1")
        for subject in ["alice", "bob", "carol", "dave", "erin"] {
            let result = try library.render(experiment: "t1", subject: subject, inputs: ["name": .text(subject)], source: "test")
            #expect(result.variant == experiment.arm(for: subject).name)
            #expect(result.rendering.text == (result.variant == "concise" ? "Hi \(subject)!\n" : "Hello \(subject), welcome aboard!\n"))
            #expect(result.event.kind == .exposure && result.event.subject == subject && result.event.variant == result.variant)
        }
        let exposures = try library.events().events(kinds: [.exposure])
        #expect(exposures.count == 5)
    }

    @Test func theReportComparesVariantsAndGivesAVerdict() throws {
        _ = try library.createExperiment("t1", prompt: id("tone"), variants: ["main", "concise"])
        #expect(try library.report(experiment: "t1").verdict.hasPrefix("not enough data yet"))
        // 40 subjects per arm; concise succeeds far more often.
        var counts: [String: Int] = [:]
        var n = 0
        while counts["main", default: 0] < 40 || counts["concise", default: 0] < 40 {
            let subject = "user-\(n)"
            n += 1
            let variant = try library.experiment("t1").arm(for: subject).name
            guard counts[variant, default: 0] < 40 else { continue }
            let exposure = try library.render(experiment: "t1", subject: subject, inputs: ["name": .text("x")], source: "test").event
            let index = counts[variant, default: 0]
            counts[variant] = index + 1
            let success = variant == "concise" ? index < 32 : index < 16
            try library.recordFeedback(on: exposure.id, success: success, source: "test")
        }
        let report = try library.report(experiment: "t1")
        #expect(report.arms.map(\.exposures) == [40, 40])
        #expect(report.arms.map(\.successRate) == [0.4, 0.8])
        #expect(report.comparisons.count == 1)
        let expected = try #require(Statistics.twoProportionZTest(successes1: 32, trials1: 40, successes2: 16, trials2: 40))
        #expect(abs(report.comparisons[0].p - expected.p) < 1e-12)
        #expect(report.verdict.hasPrefix("concise is better, p < 0.001"), "\(report.verdict)")
    }

    @Test func promoteBringsTheVariantOntoTheBaseAndClosesTheExperiment() throws {
        _ = try library.createExperiment("t1", prompt: id("tone"), variants: ["main", "concise"])
        let outcome = try library.promote(experiment: "t1", variant: "concise")
        #expect(outcome.message == "folio: ab promote concise in t1 (tone)")
        #expect(folder.read("prompts/tone.prompt.md") == "---\nvariables: [name]\n---\nHi {{name}}!\n")
        let closed = try library.experiment("t1")
        #expect(closed.status == .closed && closed.winner == "concise")
        #expect(try git("show", "--name-only", "--format=", "HEAD", in: folder.path).split(separator: "\n").sorted()
                == ["experiments/t1.yaml", "prompts/tone.prompt.md"])
        let again = #expect(throws: FolioError.self) { try library.promote(experiment: "t1", variant: "concise") }
        #expect(again?.message.contains("already closed") == true)
        // Renders after the promotion get the prompt as on the current branch (the winner's text), not an exposure.
        let after = try library.render(experiment: "t1", subject: "x", inputs: ["name": .text("Bo")], source: "t")
        #expect(after.status == .closed && after.variant == "concise" && after.rendering.text == "Hi Bo!\n")
        #expect(after.event.kind == .render && after.event.experiment == nil)
    }

    @Test func stopEndsAssignmentInOneCommitAndRendersTheFirstVariantForEveryone() throws {
        _ = try library.createExperiment("t1", prompt: id("tone"), variants: ["concise", "main"])
        let before = try library.render(experiment: "t1", subject: "alice", inputs: ["name": .text("A")], source: "t")
        let outcome = try library.stopExperiment("t1")
        #expect(outcome.message == "folio: ab stop t1 (tone)")
        #expect(try git("show", "--name-only", "--format=", "HEAD", in: folder.path) == "experiments/t1.yaml")
        let stopped = try library.experiment("t1")
        #expect(stopped.status == .stopped && stopped.end != nil && stopped.winner == nil)
        for subject in ["alice", "bob", "carol", "dave"] {
            let result = try library.render(experiment: "t1", subject: subject, inputs: ["name": .text(subject)], source: "t")
            #expect(result.status == .stopped && result.variant == "concise" && result.rendering.text == "Hi \(subject)!\n")
            #expect(result.event.kind == .render && result.event.experiment == nil && result.event.variant == "concise")
        }
        // The report keeps what was measured; the experiment can still be promoted.
        #expect(try library.report(experiment: "t1").arms.map(\.exposures).reduce(0, +) == 1)
        #expect(try library.events().events(kinds: [.exposure]).map(\.id) == [before.event.id])
        let again = #expect(throws: FolioError.self) { try library.stopExperiment("t1") }
        #expect(again?.kind == .conflict && again?.message.contains("already stopped") == true)
        _ = try library.promote(experiment: "t1", variant: "concise")
        #expect(try library.experiment("t1").status == .closed)
    }

    @Test func listGivesEachExperimentItsVariantsStatusAndExposures() throws {
        _ = try library.createExperiment("t1", prompt: id("tone"), variants: ["main", "concise"], weights: [70, 30])
        _ = try library.createExperiment("t2", prompt: id("tone"), variants: ["main", "concise"], metric: .score)
        var counts: [String: Int] = [:]
        for n in 0..<12 { counts[try library.render(experiment: "t1", subject: "s\(n)", inputs: ["name": .text("x")], source: "t").variant, default: 0] += 1 }
        _ = try library.stopExperiment("t2")
        let list = try library.experimentSummaries()
        #expect(list.map(\.name) == ["t1", "t2"])
        #expect(list[0].prompt == "tone" && list[0].status == .running && list[0].exposures == 12)
        #expect(list[0].variants.map { "\($0.name) \($0.weight) \($0.exposures)" }
                == ["main 70 \(counts["main", default: 0])", "concise 30 \(counts["concise", default: 0])"])
        #expect(list[1].status == .stopped && list[1].metric == .score && list[1].exposures == 0 && list[1].end != nil)
    }

    @Test func promoteRefusesWhenTheBaseChangedThePromptToo() throws {
        _ = try library.createExperiment("t1", prompt: id("tone"), variants: ["main", "concise"])
        _ = try library.edit(id("tone"), body: "Greetings, {{name}}.\n")
        let head = try git("rev-parse", "HEAD", in: folder.path)
        let error = #expect(throws: FolioError.self) { try library.promote(experiment: "t1", variant: "concise") }
        #expect(error?.kind == .conflict)
        #expect(error?.message.contains("tone changed on main since variant/concise left it") == true, "\(error?.message ?? "")")
        #expect(try git("rev-parse", "HEAD", in: folder.path) == head)
        #expect(folder.read("prompts/tone.prompt.md")?.hasSuffix("Greetings, {{name}}.\n") == true)
        #expect(try library.experiment("t1").status == .running)
    }

    @Test func feedbackForAnUnknownEventWritesNothing() throws {
        let error = #expect(throws: FolioError.self) { try library.recordFeedback(on: "00000000-none", success: true, source: "t") }
        #expect(error?.kind == .notFound)
        #expect(try library.events().count() == 0)
    }
}


@Suite struct VariantRemovalTests {
    let folder: TemporaryFolder
    let library: Library

    init() throws {
        (folder, library) = try makeLibraryWithVariant()
    }

    @Test func removeDeletesTheBranchAndGivesItsTip() throws {
        let tip = try git("rev-parse", "variant/concise", in: folder.path)
        #expect(try git("config", "--get", "branch.variant/concise.folioBase", in: folder.path) == "main")
        let removed = try library.removeVariant("concise")
        #expect(removed.branch == "variant/concise" && removed.tip == tip)
        #expect(try library.variants().isEmpty)
        #expect(throws: Error.self) { try git("rev-parse", "--verify", "-q", "variant/concise", in: folder.path) }
        #expect(throws: Error.self) { try git("config", "--get", "branch.variant/concise.folioBase", in: folder.path) }
        // The tip brings it back.
        _ = try library.createVariant("concise", from: removed.tip)
        #expect(try library.currentText(id("tone"), variant: "concise").hasSuffix("Hi {{name}}!\n"))
    }

    @Test func aVariantInAnActiveExperimentIsKeptUnlessForced() throws {
        _ = try library.createExperiment("t1", prompt: id("tone"), variants: ["main", "concise"])
        let refused = #expect(throws: FolioError.self) { try library.removeVariant("concise") }
        #expect(refused?.kind == .conflict)
        #expect(refused?.message.contains("t1 (running)") == true, "\(refused?.message ?? "")")
        #expect(refused?.message.contains("--force") == true)
        #expect(try library.variants().map(\.name) == ["concise"])
        let forced = try library.removeVariant("concise", force: true)
        #expect(forced.experiments == ["t1"])
        #expect(try library.variants().isEmpty)
    }

    @Test func aClosedExperimentDoesNotKeepItsVariant() throws {
        _ = try library.createExperiment("t1", prompt: id("tone"), variants: ["main", "concise"])
        _ = try library.promote(experiment: "t1", variant: "concise")
        #expect(try library.removeVariant("concise").experiments.isEmpty)
    }

    @Test func unknownAndCheckedOutVariantsAreRefused() throws {
        let unknown = #expect(throws: FolioError.self) { try library.removeVariant("consice") }
        #expect(unknown?.kind == .notFound && unknown?.message.contains("did you mean concise?") == true)
        let notAVariant = #expect(throws: FolioError.self) { try library.removeVariant("main") }
        #expect(notAVariant?.kind == .notFound)
        _ = try git("switch", "-q", "variant/concise", in: folder.path)
        let current = #expect(throws: FolioError.self) { try library.removeVariant("concise") }
        #expect(current?.kind == .conflict && current?.message.contains("checked out") == true)
    }
}
