import Foundation
import Testing
@testable import FolioKit

/// "Did you mean" hints: skipping candidates whose length alone puts them too far away must not change a hint.
struct SuggestionsTests {
    /// The hints as they were chosen before candidates were skipped by length: every candidate's distance.
    static func everyDistance(to name: String, in candidates: [String], limit: Int = 3) -> [String] {
        let scored = candidates.map { ($0, Suggestions.distance(name, $0)) }
        let threshold = max(2, name.count / 3)
        let close = scored.filter { $0.1 <= threshold || $0.0.hasSuffix("/" + name) || $0.0.contains(name) && name.count >= 3 }
        guard let best = close.map(\.1).min() else { return [] }
        return close.filter { $0.1 == best || $0.0.hasSuffix("/" + name) }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(limit).map(\.0)
    }

    static let ids = ["code-review", "review/security", "review/secure-code", "teach/explain", "support/reply", "count", "code",
                      "a", "ab", "ops/triage/very-long-name-of-a-runbook", "security", "x/security", "é-accents", "review/sec"]

    @Test(arguments: ["code-reveiw", "security", "sec", "cout", "c", "ab", "triage", "review", "explain", "reply", "zzzzzzzzzzzz",
                      "review/securty", "very-long-name-of-a-runbook", "e-accents", "", "x"])
    func sameHintsAsComparingEveryCandidate(name: String) {
        #expect(Suggestions.closest(to: name, in: Self.ids) == Self.everyDistance(to: name, in: Self.ids))
    }

    @Test func aPartOrASuffixStillSuggestsACandidateOfAnotherLength() {
        #expect(Suggestions.closest(to: "triage", in: ["ops/triage/very-long-name-of-a-runbook"]) == ["ops/triage/very-long-name-of-a-runbook"])
        #expect(Suggestions.closest(to: "security", in: ["review/security", "a"]) == ["review/security"])
        #expect(Suggestions.closest(to: "code-reveiw", in: ["code-review", "something-much-longer-than-that"]) == ["code-review"])
    }
}
