import Foundation
internal import YAML

/// An A/B experiment on one prompt: which variants compete, how subjects are split, what counts as better.
/// Kept in `experiments/NAME.yaml`, committed.
public struct Experiment: Sendable, Equatable, Codable {
    public struct Arm: Sendable, Equatable, Codable {
        /// A variant name (`concise` is branch `variant/concise`) or a branch (`main`).
        public let name: String
        /// Percent of subjects; the weights sum to 100.
        public let weight: Int
    }

    public enum Metric: String, Sendable, Codable, CaseIterable {
        /// Feedback says success or failure: compared by success rate (two-proportion z-test).
        case success
        /// Feedback gives a score from 1 to 5: compared by mean score (Welch's t-test).
        case score
    }

    public enum Status: String, Sendable, Codable {
        /// Subjects are assigned and exposures recorded.
        case running
        /// No more assignment (`folio ab stop`): renders get the first variant, and no exposure is recorded; it can
        /// still be reported and promoted.
        case stopped
        /// A variant was promoted (`folio ab promote`); renders get the prompt as on the current branch.
        case closed
    }

    public let name: String
    public var prompt: PromptID
    public var arms: [Arm]
    public var metric: Metric
    public var status: Status
    public var start: Date
    /// When it was stopped or closed.
    public var end: Date?
    /// The variant promoted when the experiment closed.
    public var winner: String?

    public init(name: String, prompt: PromptID, arms: [Arm], metric: Metric, status: Status = .running, start: Date,
                end: Date? = nil, winner: String? = nil) {
        self.name = name
        self.prompt = prompt
        self.arms = arms
        self.metric = metric
        self.status = status
        self.start = start
        self.end = end
        self.winner = winner
    }

    /// `experiments/NAME.yaml`
    public var relativePath: String { "experiments/\(name).yaml" }

    /// Checks a name: the same rules as a prompt id's segment.
    static func checkName(_ name: String) throws {
        guard (try? PromptID(name)) != nil, !name.contains("/") else {
            throw FolioError(.invalidInput, "invalid experiment name '\(name)': use lowercase letters, digits, '-' and '_' (e.g. concise-2026-q4)")
        }
    }

    /// Checks arms: at least two, distinct, weights from 1 to 99 that sum to 100.
    static func checkArms(_ arms: [Arm]) throws {
        guard arms.count >= 2 else { throw FolioError(.invalidInput, "an experiment needs at least two variants, e.g. --variants main,concise") }
        let names = arms.map(\.name)
        if Set(names).count != names.count {
            throw FolioError(.invalidInput, "variants must be different (got \(names.joined(separator: ",")))")
        }
        if let bad = arms.first(where: { $0.weight < 1 || $0.weight > 99 }) {
            throw FolioError(.invalidInput, "weight \(bad.weight) for \(bad.name) must be from 1 to 99")
        }
        let total = arms.map(\.weight).reduce(0, +)
        guard total == 100 else {
            throw FolioError(.invalidInput, "weights must sum to 100 (\(arms.map { String($0.weight) }.joined(separator: " + ")) = \(total))")
        }
    }

    // MARK: - File

    private static var dateFormatter: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter
    }

    func encode() -> Data {
        var pairs: [(String, Node)] = [
            ("prompt", .string(prompt.rawValue)),
            ("metric", .string(metric.rawValue)),
            ("status", .string(status.rawValue)),
            ("start", .string(Self.dateFormatter.string(from: start))),
        ]
        if let end { pairs.append(("end", .string(Self.dateFormatter.string(from: end)))) }
        if let winner { pairs.append(("winner", .string(winner))) }
        pairs.append(("variants", .sequence(arms.map { .mapping([("name", .string($0.name)), ("weight", .int($0.weight))]) })))
        let yaml = (try? YAMLEmitter().emit(.mapping(pairs))) ?? ""
        return Data(("# A/B experiment managed by folio (folio ab report \(name)).\n" + yaml).utf8)
    }

    static func decode(_ data: Data, name: String, path: String) throws -> Experiment {
        let root: Node?
        do {
            root = try YAMLParser(mode: .strict).parse(String(decoding: data, as: UTF8.self)).root
        } catch let error as YAMLError {
            throw FolioError.invalidFile(path, line: error.mark.line, column: error.mark.column, error.message)
        }
        func fail(_ message: String) -> FolioError { FolioError(.invalidInput, "\(path): \(message)") }
        guard let root, root.pairs != nil else { throw fail("an experiment file is a mapping (prompt:, variants:, …)") }
        guard let promptText = root["prompt"]?.string else { throw fail("missing 'prompt: ID'") }
        let prompt = try PromptID(promptText)
        guard let metric = root["metric"]?.string.flatMap(Metric.init(rawValue:)) else { throw fail("'metric' must be success or score") }
        guard let status = root["status"]?.string.flatMap(Status.init(rawValue:)) else { throw fail("'status' must be running, stopped or closed") }
        guard let start = root["start"]?.string.flatMap(dateFormatter.date(from:)) else { throw fail("'start' must be a date like 2026-11-24T10:00:00Z") }
        guard let items = root["variants"]?.sequence else { throw fail("'variants' must be a list of name and weight") }
        let arms = try items.map { item -> Arm in
            guard let name = item["name"]?.string, case .int(let weight)? = item["weight"]?.scalarValue else {
                throw fail("each variant needs a name and a whole-number weight")
            }
            return Arm(name: name, weight: weight)
        }
        try checkArms(arms)
        return Experiment(name: name, prompt: prompt, arms: arms, metric: metric, status: status, start: start,
                          end: root["end"]?.string.flatMap(dateFormatter.date(from:)), winner: root["winner"]?.string)
    }

    // MARK: - Assignment

    /// The arm a subject gets. Deterministic on every machine: FNV-1a (64-bit) over the UTF-8 of
    /// `experiment name + "\u{0}" + subject`, finished with splitmix64's mixer, taken modulo 10,000, and placed
    /// on the arms' cumulative weights (in hundredths of a percent), in file order.
    public func arm(for subject: String) -> Arm {
        let bucket = Int(Self.hash(name + "\u{0}" + subject) % 10_000)
        var cumulative = 0
        for arm in arms {
            cumulative += arm.weight * 100
            if bucket < cumulative { return arm }
        }
        return arms[arms.count - 1]
    }

    static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        // splitmix64 finaliser: FNV's low bits alone are not well spread.
        hash = (hash ^ (hash >> 30)) &* 0xbf58476d1ce4e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d049bb133111eb
        return hash ^ (hash >> 31)
    }
}
