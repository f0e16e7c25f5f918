import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// The library at `folder`, as Ada (or `name`), with the clock at `time`.
func openLibrary(_ folder: TemporaryFolder, at time: Double, name: String = "Ada Tester") throws -> Library {
    let email = name == "Ada Tester" ? "ada@example.com" : "\(name.lowercased())@example.com"
    let variables = ["GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email,
                     "GIT_AUTHOR_DATE": "@\(Int(time)) +0000", "GIT_COMMITTER_DATE": "@\(Int(time)) +0000"]
    return try Library.open(explicitPath: folder.path,
                            environment: FolioEnvironment(variables: variables, currentDirectory: folder.path, now: { Date(timeIntervalSince1970: time) }))
}

/// One outcome per rated event: rating again replaces, in every reader of feedback.
@Suite struct OneOutcomePerEventTests {
    let folder: TemporaryFolder
    let library: Library
    let now = 1_700_000_000.0

    init() throws {
        (folder, library) = try makeLibraryWithVariant()
    }

    func period() -> StatsRequest {
        StatsRequest(since: Date(timeIntervalSince1970: now - 86_400 * 30), until: Date(timeIntervalSince1970: now + 86_400))
    }

    @Test func ratingAnExposureAgainReplacesItsOutcomeInTheReport() throws {
        _ = try library.createExperiment("t1", prompt: id("tone"), variants: ["main", "concise"])
        var exposures: [Event] = []
        for n in 0..<23 {
            exposures.append(try library.render(experiment: "t1", subject: "user-\(n)", inputs: ["name": .text("x")], source: "test").event)
        }
        for exposure in exposures { try library.recordFeedback(on: exposure.id, success: true, source: "test") }
        // Three ratings changed to failure, one confirmed again: still 23 outcomes for 23 exposures.
        for exposure in exposures.prefix(3) { try library.recordFeedback(on: exposure.id, success: false, source: "test") }
        try library.recordFeedback(on: exposures[5].id, success: true, source: "test")
        let report = try library.report(experiment: "t1")
        #expect(report.arms.map(\.exposures).reduce(0, +) == 23)
        #expect(report.arms.map { $0.successes + $0.failures }.reduce(0, +) == 23)
        #expect(report.arms.map(\.failures).reduce(0, +) == 3)
        for arm in report.arms { #expect(arm.successes + arm.failures <= arm.exposures, "\(arm)") }
    }

    @Test func ratingAUseAgainReplacesItsOutcomeInStats() throws {
        let use = try library.record(.use, prompt: id("tone"), source: "cli")
        try library.recordFeedback(on: use.id, score: 2, success: true, source: "cli")
        try library.recordFeedback(on: use.id, score: 4, success: false, source: "cli")
        let report = try library.stats(period())
        let version = try #require(report.versions.first { $0.prompt == "tone" })
        #expect(version.successes == 0 && version.failures == 1)
        #expect(version.scores == 1 && version.meanScore == 4)
        #expect(report.totals.feedback == 1)
    }

    @Test func aNoteAloneKeepsTheEarlierOutcome() throws {
        let use = try library.record(.use, prompt: id("tone"), source: "cli")
        try library.recordFeedback(on: use.id, success: true, source: "cli")
        try library.recordFeedback(on: use.id, note: "the tone was a little stiff", source: "cli")
        let version = try #require(try library.stats(period()).versions.first { $0.prompt == "tone" })
        #expect(version.successes == 1 && version.failures == 0)
    }

    @Test func statsByVariantCountsExposures() throws {
        _ = try library.createExperiment("t1", prompt: id("tone"), variants: ["main", "concise"])
        var counts: [String: Int] = [:]
        var blobs: [String: String] = [:]
        for n in 0..<40 {
            let event = try library.render(experiment: "t1", subject: "user-\(n)", inputs: ["name": .text("x")], source: "test").event
            counts[event.variant!, default: 0] += 1
            blobs[event.variant!] = event.blob
        }
        var request = period()
        request.by = .variant
        let report = try library.stats(request)
        for (variant, exposures) in counts {
            let row = try #require(report.breakdown.first { $0.key == variant })
            #expect(row.exposures == exposures && row.uses == exposures, "\(row)")
        }
        #expect(report.totals.uses == 40)
        #expect(report.top.first?.key == "tone")
        // The variant's version has the uses its exposures made.
        let concise = try #require(report.versions.first { $0.blob == blobs["concise"] })
        #expect(concise.uses == counts["concise"])
    }

    @Test func aRenderOnAVariantIsCountedForTheVariant() throws {
        try library.record(.render, prompt: try library.reference(id("tone"), variant: "concise"), source: "cli")
        var request = period()
        request.by = .variant
        #expect(try library.stats(request).breakdown.map(\.key) == ["concise"])
    }

    @Test func aVersionWithNoUsesInThePeriodIsNeverBest() throws {
        // v1 was used eight days ago and rated two days ago; v2 is used in the period.
        let old = try openLibrary(folder, at: now - 8 * 86_400).record(.use, prompt: id("tone"), source: "cli")
        _ = try library.edit(id("tone"), body: "Hello {{name}}.\n")
        let recent = try openLibrary(folder, at: now - 2 * 86_400)
        try recent.recordFeedback(on: old.id, success: true, source: "cli")
        for success in [true, false, true, false] {
            try recent.recordFeedback(on: try recent.record(.use, prompt: id("tone"), source: "cli").id, success: success, source: "cli")
        }
        let report = try library.stats(StatsRequest(since: Date(timeIntervalSince1970: now - 7 * 86_400), until: Date(timeIntervalSince1970: now)))
        #expect(report.versions.filter { $0.uses == 0 && $0.best }.isEmpty, "\(report.versions)")
        #expect(report.versions.map(\.successes).reduce(0, +) == 2)  // the old use's feedback belongs to a use outside the period
    }

    @Test func theBestVersionIsRankedByTheLowerBoundOfItsSuccessRate() throws {
        // v1: 1 success in 1 use; v2: 19 successes in 20 uses. One lucky use is not better than 95% of twenty.
        try library.recordFeedback(on: try library.record(.use, prompt: id("tone"), source: "cli").id, success: true, source: "cli")
        _ = try library.edit(id("tone"), body: "Hello {{name}}.\n")
        for n in 0..<20 {
            try library.recordFeedback(on: try library.record(.use, prompt: id("tone"), source: "cli").id, success: n != 0, source: "cli")
        }
        let versions = try library.stats(period()).versions
        #expect(versions.map(\.version) == ["v1", "v2"])
        #expect(versions.map(\.best) == [false, true], "\(versions)")
    }
}

@Suite struct StatsRequestTests {
    let now = Date(timeIntervalSince1970: 1_764_000_000)  // 2025-11-24 16:00 UTC

    @Test(arguments: [("24h", 86_400.0), ("30d", 30 * 86_400.0), ("2w", 14 * 86_400.0)])
    func spansInHoursDaysAndWeeks(_ text: String, _ seconds: Double) throws {
        #expect(try StatsRequest.parseSince(text, now: now) == now.addingTimeInterval(-seconds))
    }

    @Test func monthsAndYearsAreCalendarSpans() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        #expect(try StatsRequest.parseSince("1y", now: now) == calendar.date(byAdding: .year, value: -1, to: now))
        #expect(try StatsRequest.parseSince("6m", now: now) == calendar.date(byAdding: .month, value: -6, to: now))
    }

    @Test func isoDatesAndTimes() throws {
        #expect(try StatsRequest.parseSince("2025-11-20T08:30:00Z", now: now) == Date(timeIntervalSince1970: 1_763_627_400))
        let day = try StatsRequest.parseSince("2025-11-20", now: now)
        #expect(abs(day.timeIntervalSince(Date(timeIntervalSince1970: 1_763_596_800))) <= 14 * 3600)  // midnight, local time
    }

    @Test(arguments: ["5x", "last tuesday", "1.5m", "-3d", "2025-13-40"])
    func anythingElseIsAClearError(_ text: String) {
        let error = #expect(throws: FolioError.self) { try StatsRequest.parseSince(text, now: now) }
        #expect(error?.kind == .invalidInput)
        #expect(error?.message.contains("24h, 30d, 12w, 6m (months), 1y") == true, "\(error?.message ?? "")")
    }

    @Test func aStartAfterNowIsAnError() {
        let error = #expect(throws: FolioError.self) { try StatsRequest.parseSince("2030-01-01", now: now) }
        #expect(error?.message.contains("after now") == true)
    }
}

@Suite struct StatsPromptTests {
    let folder: TemporaryFolder
    let library: Library

    init() throws {
        (folder, library) = try makeLibrary()
        try library.addFile("support/reply", "Hello.\n")
    }

    func request(_ prompt: String) -> StatsRequest {
        StatsRequest(prompt: id(prompt), since: Date(timeIntervalSince1970: 1_690_000_000), until: Date(timeIntervalSince1970: 1_710_000_000))
    }

    @Test func anUnknownPromptIsNotFoundWithASuggestion() throws {
        let error = #expect(throws: FolioError.self) { try library.stats(request("support/rpely")) }
        #expect(error?.kind == .notFound)
        #expect(error?.message.contains("no prompt 'support/rpely'") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("did you mean support/reply?") == true, "\(error?.message ?? "")")
    }

    @Test func aRemovedPromptWithEventsStillHasStats() throws {
        try library.addFile("old", "Old.\n")
        try library.record(.use, prompt: id("old"), source: "cli")
        _ = try library.remove(id("old"))
        let report = try library.stats(request("old"))
        #expect(report.totals.uses == 1)
    }

    @Test func aPromptWithNoEventsYetHasEmptyStats() throws {
        #expect(try library.stats(request("support/reply")).totals.uses == 0)
    }
}
