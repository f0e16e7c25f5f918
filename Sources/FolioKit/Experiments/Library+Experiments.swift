import Foundation
internal import Git

/// One arm's figures in an experiment report.
public struct ArmReport: Sendable, Equatable, Codable {
    public let variant: String
    public let weight: Int
    public let exposures: Int
    public let successes: Int
    public let failures: Int
    public let successRate: Double?
    /// 95% Wilson interval of the success rate.
    public let successInterval: [Double]?
    public let scores: Int
    public let meanScore: Double?
    /// 95% t interval of the mean score.
    public let scoreInterval: [Double]?
}

/// An experiment's report: each arm, the test comparing each arm with the first, and a verdict in words.
public struct ExperimentReport: Sendable, Equatable, Codable {
    public struct Comparison: Sendable, Equatable, Codable {
        public let variant: String
        public let against: String
        /// z (success) or t (score).
        public let statistic: Double
        public let p: Double
        public let test: String
    }

    public let experiment: String
    public let prompt: String
    public let metric: Experiment.Metric
    public let status: Experiment.Status
    public let arms: [ArmReport]
    public let comparisons: [Comparison]
    public let verdict: String
    /// What stops some of its renders: its prompt gone, a variant gone (see `Library.problems(of:)`).
    public let problems: [String]
}

/// What rendering for an experiment's subject gave.
public struct ExperimentRendering: Sendable {
    public let rendering: Rendering
    /// The variant rendered: the subject's (running), the first (stopped), the promoted one (closed).
    public let variant: String
    /// The exposure recorded (running), else the render recorded.
    public let event: Event
    /// The experiment's status: only a running experiment assigns subjects and records exposures.
    public let status: Experiment.Status
}

/// An experiment as `folio ab list` shows it.
public struct ExperimentSummary: Sendable, Equatable, Encodable {
    public struct Variant: Sendable, Equatable, Encodable {
        public let name: String
        public let weight: Int
        public let exposures: Int
    }

    public let name: String
    public let prompt: String
    public let metric: Experiment.Metric
    public let status: Experiment.Status
    public let start: Date
    public let end: Date?
    public let winner: String?
    public let variants: [Variant]
    /// Exposures of all variants.
    public let exposures: Int
    /// What stops some of its renders: its prompt gone, a variant gone (see `Library.problems(of:)`).
    public let problems: [String]
}

extension Library {
    /// Outcomes an arm needs before a verdict is given.
    static let minimumOutcomes = 10

    // MARK: - Creating and reading

    /// Writes `experiments/NAME.yaml` and commits it, after checking that each variant exists and has the prompt.
    public func createExperiment(_ name: String, prompt id: PromptID, variants: [String], weights: [Int]? = nil,
                                 metric: Experiment.Metric = .success) throws -> (Experiment, ChangeOutcome) {
        try Experiment.checkName(name)
        let weights = weights ?? Self.evenWeights(variants.count)
        guard weights.count == variants.count else {
            throw FolioError(.invalidInput, "\(Wording.count(variants.count, "variant")) but \(Wording.count(weights.count, "weight")); give one weight per variant")
        }
        let arms = zip(variants, weights).map { Experiment.Arm(name: $0, weight: $1) }
        try Experiment.checkArms(arms)
        let experiment = Experiment(name: name, prompt: id, arms: arms, metric: metric, start: environment.now())
        if FileManager.default.fileExists(atPath: root + "/" + experiment.relativePath) {
            throw FolioError(.conflict, "experiment '\(name)' already exists (\(experiment.relativePath))")
        }
        let repository = try requireRepository()
        for arm in arms {
            let branch = try requireVariantBranch(arm.name, repository: repository)
            _ = try document(PromptReference(id: id, revision: branch))
        }
        let outcome = try apply([LibraryChange(path: experiment.relativePath, contents: experiment.encode(), base: .absent)],
                                message: "folio: ab create \(name) (\(id): \(variants.joined(separator: ", ")))", commit: true)
        return (experiment, outcome)
    }

    /// Weights that sum to 100, as even as whole numbers allow (the first arms get the remainder).
    static func evenWeights(_ count: Int) -> [Int] {
        guard count > 0 else { return [] }
        return (0..<count).map { 100 / count + ($0 < 100 % count ? 1 : 0) }
    }

    /// An experiment from its file in the work tree.
    public func experiment(_ name: String) throws -> Experiment {
        let path = root + "/experiments/\(name).yaml"
        guard let data = FileManager.default.contents(atPath: path) else {
            let known = (try? experiments().map(\.name)) ?? []
            throw FolioError(.notFound, "no experiment '\(name)'\(Suggestions.hint(for: name, in: known)); see experiments/ or create one with: folio ab create")
        }
        return try Experiment.decode(data, name: name, path: displayPath("experiments/\(name).yaml"))
    }

    /// Every experiment in `experiments/`.
    public func experiments() throws -> [Experiment] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: root + "/experiments")) ?? []
        return try files.filter { $0.hasSuffix(".yaml") }.sorted().map { try experiment(String($0.dropLast(".yaml".count))) }
    }

    // MARK: - Rendering for a subject

    /// Picks the subject's variant, renders that variant's version of the prompt, and records an exposure. An
    /// experiment that no longer runs assigns nobody and records a plain render instead: a stopped one renders its
    /// first variant (the control) for everyone, a closed one the prompt as on the current branch (where its winner
    /// was promoted).
    public func render(experiment name: String, subject: String, inputs: [String: VariableInput] = [:], allowExtra: Bool = false,
                       source: String) throws -> ExperimentRendering {
        let experiment = try experiment(name)
        guard !subject.isEmpty else { throw FolioError(.invalidInput, "--subject cannot be empty: give a stable key (a user or session id)") }
        do {
            return try render(experiment, subject: subject, inputs: inputs, allowExtra: allowExtra, source: source)
        } catch let error as FolioError where error.kind == .notFound {
            let arm = experiment.status == .running ? experiment.arm(for: subject).name
                : experiment.status == .stopped ? experiment.arms[0].name : experiment.winner ?? "the current branch"
            let problems = problems(of: experiment, arm: arm)
            guard !problems.isEmpty else { throw error }
            throw FolioError(.notFound, "experiment \(name) cannot render \(arm) for subject \(subject): " + problems.joined(separator: "; "))
        }
    }

    private func render(_ experiment: Experiment, subject: String, inputs: [String: VariableInput], allowExtra: Bool,
                        source: String) throws -> ExperimentRendering {
        let name = experiment.name
        let repository = try requireRepository()
        switch experiment.status {
        case .closed:
            let rendering = try render(experiment.prompt, inputs: inputs, allowExtra: allowExtra)
            let event = try record(.render, prompt: experiment.prompt, source: source)
            let current = try gitCall { try repository.head().branchName } ?? "HEAD"
            return ExperimentRendering(rendering: rendering, variant: experiment.winner ?? current, event: event, status: .closed)
        case .stopped:
            let arm = experiment.arms[0]
            let reference = PromptReference(id: experiment.prompt, revision: try requireVariantBranch(arm.name, repository: repository))
            let rendering = try render(experiment.prompt, atCommit: try resolve(reference.revision!, of: experiment.prompt),
                                       inputs: inputs, allowExtra: allowExtra)
            let event = try record(.render, prompt: reference, source: source)
            return ExperimentRendering(rendering: rendering, variant: arm.name, event: event, status: .stopped)
        case .running:
            break
        }
        let arm = experiment.arm(for: subject)
        let branch = try requireVariantBranch(arm.name, repository: repository)
        let resolved = try resolve(branch, of: experiment.prompt)
        let rendering = try render(experiment.prompt, atCommit: resolved, inputs: inputs, allowExtra: allowExtra)
        let data = try rawFile(PromptReference(id: experiment.prompt, revision: branch))
        let event = Event(kind: .exposure, prompt: experiment.prompt.rawValue, blob: try gitCall { try Repository.blobID(of: data) }.hex,
                          commit: resolved.commit, variant: arm.name, experiment: name, subject: subject, source: source,
                          user: eventUser, time: environment.now())
        try events().record(event)
        return ExperimentRendering(rendering: rendering, variant: arm.name, event: event, status: .running)
    }

    // MARK: - Listing and stopping

    /// Every experiment with its variants and their exposures (this clone's, or everyone's with `team`).
    public func experimentSummaries(team: Bool = false) throws -> [ExperimentSummary] {
        let experiments = try experiments()
        guard !experiments.isEmpty else { return [] }
        let exposures = try (team ? teamEvents() : events().events(kinds: [.exposure])).filter { $0.kind == .exposure }
        var counts: [String: [String: Int]] = [:]  // experiment → variant → exposures
        for exposure in exposures {
            guard let experiment = exposure.experiment, let variant = exposure.variant else { continue }
            counts[experiment, default: [:]][variant, default: 0] += 1
        }
        return experiments.map { experiment in
            let variants = experiment.arms.map { arm in
                ExperimentSummary.Variant(name: arm.name, weight: arm.weight, exposures: counts[experiment.name]?[arm.name] ?? 0)
            }
            return ExperimentSummary(name: experiment.name, prompt: experiment.prompt.rawValue, metric: experiment.metric,
                                     status: experiment.status, start: experiment.start, end: experiment.end, winner: experiment.winner,
                                     variants: variants, exposures: variants.map(\.exposures).reduce(0, +), problems: problems(of: experiment))
        }
    }

    /// Stops assigning subjects, in one commit: from now on `render --experiment` gives everyone the first variant
    /// and records no exposure. The report stays, and a variant can still be promoted.
    public func stopExperiment(_ name: String) throws -> ChangeOutcome {
        var experiment = try experiment(name)
        switch experiment.status {
        case .running: break
        case .stopped: throw FolioError(.conflict, "experiment '\(name)' is already stopped; promote a variant with: folio ab promote \(name) VARIANT")
        case .closed: throw FolioError(.conflict, "experiment '\(name)' is closed\(experiment.winner.map { " (\($0) was promoted)" } ?? "")")
        }
        experiment.status = .stopped
        experiment.end = environment.now()
        return try apply([LibraryChange(path: experiment.relativePath, contents: experiment.encode())],
                         message: "folio: ab stop \(name) (\(experiment.prompt))", commit: true)
    }

    // MARK: - Report

    /// Exposures and outcomes per arm, 95% intervals, each arm tested against the first, and a verdict. An exposure
    /// has one outcome, however often it was rated (`Event.oneOutcomePerEvent`); `team` counts everyone's events
    /// as last synced.
    public func report(experiment name: String, team: Bool = false) throws -> ExperimentReport {
        try report(experiment(name), team: team)
    }

    /// The reports of the experiments on `prompt` (of every experiment when nil), each as `report(experiment:)` gives it.
    public func experimentReports(prompt: PromptID? = nil, team: Bool = false) throws -> [ExperimentReport] {
        try experiments().filter { prompt == nil || $0.prompt == prompt }.map { try report($0, team: team) }
    }

    private func report(_ experiment: Experiment, team: Bool) throws -> ExperimentReport {
        let name = experiment.name
        // Exposures recorded before a rename carry the prompt's id as it was then.
        let all = try formerIDs(of: experiment.prompt).flatMap { try countedEvents(prompt: $0.rawValue, team: team) }
            .filter { $0.experiment == name }
        let exposures = all.filter { $0.kind == .exposure }
        var outcomeOf: [String: Event] = [:]  // exposure id → its outcome
        for feedback in all where feedback.kind == .feedback {
            if let ref = feedback.ref { outcomeOf[ref] = feedback }
        }
        var outcomes: [String: (successes: Int, failures: Int, scores: [Double])] = [:]
        for exposure in exposures {
            guard let variant = exposure.variant, let outcome = outcomeOf[exposure.id] else { continue }
            var entry = outcomes[variant] ?? (0, 0, [])
            if outcome.success == true { entry.successes += 1 }
            if outcome.success == false { entry.failures += 1 }
            if let score = outcome.score { entry.scores.append(score) }
            outcomes[variant] = entry
        }
        let arms = experiment.arms.map { arm -> ArmReport in
            let result = outcomes[arm.name] ?? (0, 0, [])
            let rated = result.successes + result.failures
            let interval = Statistics.wilsonInterval(successes: result.successes, trials: rated)
            let scoreInterval = Statistics.meanInterval(result.scores)
            return ArmReport(variant: arm.name, weight: arm.weight, exposures: exposures.filter { $0.variant == arm.name }.count,
                             successes: result.successes, failures: result.failures,
                             successRate: rated > 0 ? Double(result.successes) / Double(rated) : nil,
                             successInterval: interval.map { [$0.low, $0.high] }, scores: result.scores.count,
                             meanScore: Statistics.summary(result.scores)?.mean,
                             scoreInterval: scoreInterval.map { [$0.low, $0.high] })
        }
        var comparisons: [ExperimentReport.Comparison] = []
        let control = arms[0]
        for arm in arms.dropFirst() {
            switch experiment.metric {
            case .success:
                if let test = Statistics.twoProportionZTest(successes1: arm.successes, trials1: arm.successes + arm.failures,
                                                            successes2: control.successes, trials2: control.successes + control.failures) {
                    comparisons.append(.init(variant: arm.variant, against: control.variant, statistic: test.z, p: test.p,
                                             test: "two-proportion z-test"))
                }
            case .score:
                if let test = Statistics.welchTTest(outcomes[arm.variant]?.scores ?? [], outcomes[control.variant]?.scores ?? []) {
                    comparisons.append(.init(variant: arm.variant, against: control.variant, statistic: test.t, p: test.p,
                                             test: "Welch's t-test"))
                }
            }
        }
        return ExperimentReport(experiment: name, prompt: experiment.prompt.rawValue, metric: experiment.metric,
                                status: experiment.status, arms: arms, comparisons: comparisons,
                                verdict: Self.verdict(experiment.metric, arms: arms, comparisons: comparisons),
                                problems: problems(of: experiment))
    }

    static func verdict(_ metric: Experiment.Metric, arms: [ArmReport], comparisons: [ExperimentReport.Comparison]) -> String {
        let outcomes = { (arm: ArmReport) in metric == .success ? arm.successes + arm.failures : arm.scores }
        if let short = arms.first(where: { outcomes($0) < minimumOutcomes }) {
            let count = outcomes(short)
            let what = metric == .success ? Wording.count(count, "exposure") + " rated success or failure"
                                          : Wording.count(count, "scored exposure")
            return "not enough data yet: \(short.variant) has \(what); each variant needs at least \(minimumOutcomes)"
        }
        guard let best = comparisons.min(by: { $0.p < $1.p }) else { return "not enough data yet" }
        let p = best.p < 0.001 ? "p < 0.001" : String(format: "p = %.3f", best.p)
        guard best.p < 0.05 else { return "no significant difference yet (\(p))" }
        let winner = best.statistic > 0 ? best.variant : best.against
        let value = { (arm: ArmReport) -> String in
            metric == .success ? String(format: "%.0f%% success", (arm.successRate ?? 0) * 100) : String(format: "mean score %.2f", arm.meanScore ?? 0)
        }
        let a = arms.first { $0.variant == best.variant }!, b = arms.first { $0.variant == best.against }!
        return "\(winner) is better, \(p) (\(a.variant): \(value(a)); \(b.variant): \(value(b)))"
    }

    // MARK: - Promote

    /// Brings the chosen variant's version of the prompt onto the current branch as a new commit and closes the
    /// experiment (running or stopped). When the current branch changed the prompt since the variant left it, reports the conflict
    /// and changes nothing.
    public func promote(experiment name: String, variant: String) throws -> ChangeOutcome {
        var experiment = try experiment(name)
        guard experiment.status != .closed else {
            throw FolioError(.conflict, "experiment '\(name)' is already closed\(experiment.winner.map { " (\($0) was promoted)" } ?? "")")
        }
        guard experiment.arms.contains(where: { $0.name == variant }) else {
            throw FolioError(.notFound, "'\(variant)' is not a variant of '\(name)'\(Suggestions.hint(for: variant, in: experiment.arms.map(\.name)))")
        }
        let repository = try requireRepository()
        let branch = try requireVariantBranch(variant, repository: repository)
        guard let head = try gitCall({ try repository.head() }).commit, let current = try gitCall({ try repository.head() }).branchName else {
            throw FolioError(.git, "check out the branch to promote onto first (HEAD is detached or has no commit)")
        }
        let id = experiment.prompt
        let tip = try gitCall { try repository.resolveCommit("refs/heads/\(branch)") }
        // The prompt as each commit holds it, under the id it had there (a variant made before a rename has the old one).
        func blob(_ commit: OID?) throws -> OID? {
            guard let commit, let path = try? resolve(commit.hex, of: id).path else { return nil }
            return try gitCall { try repository.file(at: repositoryPath(path, in: repository), inCommit: commit)?.entry.oid }
        }
        let fork = try gitCall { try repository.mergeBase(head, tip) }
        let atFork = try blob(fork), atHead = try blob(head), onVariant = try blob(tip)
        var changes: [LibraryChange] = []
        if branch != current, onVariant != atHead {
            if atHead != atFork, onVariant != atFork {
                throw FolioError(.conflict, """
                    \(id) changed on \(current) since \(branch) left it (at \(fork?.short ?? "its start")), and \(branch) changed it too; \
                    nothing was changed. Bring \(current)'s change into the variant first (merge or edit it), then promote again.
                    """)
            }
            guard let onVariant else { throw FolioError(.notFound, "'\(id)' does not exist on \(branch)") }
            changes.append(LibraryChange(path: id.relativePath, contents: try gitCall { try repository.blob(onVariant) },
                                         base: try atHead.map { blob in .bytes(try gitCall { try repository.blob(blob) }) } ?? .absent))
        }
        experiment.status = .closed
        experiment.end = environment.now()
        experiment.winner = variant
        changes.append(LibraryChange(path: experiment.relativePath, contents: experiment.encode()))
        return try apply(changes, message: "folio: ab promote \(variant) in \(name) (\(id))", commit: true)
    }
}

// MARK: - When the prompt is renamed or removed

extension Library {
    /// The changes a rename makes to experiments: each one naming `old` names `new`, in the rename's commit. Read
    /// under the write lock, with the rename's other files.
    func experimentChanges(renaming old: PromptID, to new: PromptID, current: CurrentFiles) throws -> [LibraryChange] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: root + "/experiments")) ?? []
        var changes: [LibraryChange] = []
        for file in files.sorted() where file.hasSuffix(".yaml") {
            let path = "experiments/\(file)"
            guard let data = try current.data(path) else { continue }
            var experiment: Experiment
            do {
                experiment = try Experiment.decode(data, name: String(file.dropLast(".yaml".count)), path: displayPath(path))
            } catch let error as FolioError {
                throw FolioError(error.kind, "\(error.message)\nfolio cannot tell whether this experiment names '\(old)', so nothing was renamed; fix the file first")
            }
            guard experiment.prompt == old else { continue }
            experiment.prompt = new
            changes.append(LibraryChange(path: path, contents: experiment.encode()))
        }
        return changes
    }

    /// Checks that removing a prompt breaks no experiment that still renders it (running, or stopped and not
    /// promoted): a conflict naming them and how to close them, unless `force`; with `force`, a warning for each.
    func experimentsKeeping(_ id: PromptID, force: Bool) throws -> [String] {
        let open = try experiments().filter { $0.prompt == id && $0.status != .closed }
        guard !open.isEmpty else { return [] }
        if force {
            let version = (try? history(of: id).last?.name) ?? nil
            return open.map { experiment in
                "experiment \(experiment.name) (\(experiment.status.rawValue)) still names \(id), a removed prompt: renders that need it fail; "
                    + "bring it back with folio revert \(id) --to \(version ?? "vN"), or close the experiment with folio ab promote \(experiment.name) VARIANT"
            }
        }
        let names = open.map { "\($0.name) (\($0.status.rawValue))" }.joined(separator: ", ")
        let one = open.count == 1
        let example = open[0]
        throw FolioError(.conflict, """
            '\(id)' is the prompt of \(one ? "an experiment" : "experiments") not closed: \(names); removing it would break \
            \(one ? "its" : "their") renders. Close \(one ? "it" : "each") first by promoting the variant to keep (folio ab promote \
            \(example.name) VARIANT, with VARIANT one of \(example.arms.map(\.name).joined(separator: ", "))); folio ab stop \(example.name) \
            is not enough, as a stopped experiment still renders its first variant. Or remove the prompt anyway with --force
            """)
    }

    /// The ids a prompt had, newest first: its own, then those before each rename (exposures keep the id they were
    /// recorded under).
    func formerIDs(of id: PromptID) throws -> [PromptID] {
        var ids = [id]
        for version in try history(of: id).reversed() {
            if let former = PromptID.fromRelativePath(version.path), !ids.contains(former) { ids.append(former) }
        }
        return ids
    }

    /// What stops some of an experiment's renders: its prompt missing from the work tree (a closed experiment renders
    /// it; a running one renders it for the current branch's arm), an arm whose branch is gone, or an arm's branch
    /// without the prompt. With `arm`, only that arm's problems (and the prompt's). Empty when all is well.
    func problems(of experiment: Experiment, arm only: String? = nil) -> [String] {
        var problems: [String] = []
        let id = experiment.prompt
        let missing = !exists(id)
        if missing {
            let versions = (try? history(of: id)) ?? []
            if let last = versions.last, let removal = last.removal {
                problems.append("prompt '\(id)' does not exist: it was removed in \(removal.shortCommit) ('\(removal.message)'); "
                                + "bring it back with folio revert \(id) --to \(last.name)")
            } else {
                problems.append("prompt '\(id)' does not exist; set prompt: in \(displayPath(experiment.relativePath)) to its id")
            }
        }
        guard experiment.status != .closed, let repository = try? requireRepository() else { return problems }
        let current = try? repository.head().branchName
        for arm in experiment.arms where only == nil || arm.name == only {
            guard let branch = try? branch(forVariant: arm.name, repository: repository) else {
                let other = experiment.arms.first { $0.name != arm.name }?.name ?? "VARIANT"
                problems.append("variant '\(arm.name)' does not exist (no branch \(arm.name) or \(Self.variantPrefix)\(arm.name)); "
                                + "bring it back with folio variant create \(arm.name) --from COMMIT, or keep another: folio ab promote \(experiment.name) \(other)")
                continue
            }
            if missing, branch == current { continue }  // said above
            if (try? rawFile(PromptReference(id: id, revision: branch))) == nil {
                problems.append("'\(id)' does not exist on \(branch), so subjects given \(arm.name) cannot be rendered")
            }
        }
        return problems
    }
}
