import Foundation
import FolioKit
import HTTPTypes
import Hummingbird

/// Variants (branches `variant/NAME`) and A/B experiments between them, as `folio variant` and `folio ab` do them:
/// the models are their `--json` ones (`VariantInfo`, `RemovedVariant`, `PromptDiff`, `ExperimentSummary`,
/// `ExperimentReport`).
enum ExperimentRoutes: APIRoutes {
    static func register(on api: API) {
        let pool = api.library
        let metrics = api.metrics

        // MARK: Variants

        api.get("/variants") { _, _ in
            try .json(try await pool.read { library in try library.variants() })
        }

        api.post("/variants") { request, _ in
            let body = try await request.json(NewVariant.self)
            let variant = try await pool.write { library in try library.createVariant(body.name, from: body.from.flatMap { $0.isEmpty ? nil : $0 }) }
            return try .json(variant, status: .created, headers: [.location: API.prefix + "/variants/" + variant.name])
        }

        api.get("/variants/:name/diff") { request, context in
            let name = try context.parameters.require("name")
            let id = try request.query("prompt").map(LabelRoutes.promptID)
            return try .json(try await pool.read { library in try library.variantDiff(name, prompt: id) })
        }

        api.delete("/variants/:name") { request, context in
            let name = try context.parameters.require("name")
            let force = try CommentRoutes.flag(request, "force")
            return try .json(try await pool.write { library in try library.removeVariant(name, force: force) })
        }

        // MARK: Experiments

        api.get("/experiments") { request, _ in
            let team = try CommentRoutes.flag(request, "team")
            return try .json(try await pool.read { library in try library.experimentSummaries(team: team) })
        }

        api.post("/experiments") { request, _ in
            let body = try await request.json(NewExperiment.self)
            let prompt = try PromptID(body.prompt)
            let metric = try body.metric.map { text -> Experiment.Metric in
                guard let metric = Experiment.Metric(rawValue: text) else {
                    throw APIError(.badRequest, "bad_json", "'metric' is success or score, not '\(text)'")
                }
                return metric
            } ?? .success
            let made = try await pool.write { library in
                try library.noting(body.message) {
                    let (experiment, outcome) = try library.createExperiment(body.name, prompt: prompt, variants: body.variants,
                                                                             weights: body.weights, metric: metric)
                    return Made(experiment: experiment, commit: outcome.commit, message: outcome.message, warnings: outcome.warnings)
                }
            }
            return try .json(made, status: .created, headers: [.location: API.prefix + "/experiments/" + body.name])
        }

        api.post("/experiments/:name/assign", role: .read) { request, context in
            let name = try context.parameters.require("name")
            let body = try await request.json(Assign.self)
            let inputs = (body.variables ?? [:]).mapValues { value -> VariableInput in
                if case .string(let text) = value { return .text(text) }
                return .value(value)
            }
            let assigned = try await pool.read { library in
                let result = try library.render(experiment: name, subject: body.subject, inputs: inputs, allowExtra: body.allowExtra ?? false,
                                                source: "api")
                return Assignment(experiment: name, subject: body.subject, status: result.status, variant: result.variant,
                                  eventID: result.event.id, id: result.event.prompt, text: result.rendering.text,
                                  variables: .map(result.rendering.variables), includes: result.rendering.includes.map(\.rawValue),
                                  estimatedTokens: result.rendering.estimatedTokens)
            }
            metrics.rendered(source: "api")
            return try .json(assigned)
        }

        api.get("/experiments/:name/report") { request, context in
            let name = try context.parameters.require("name")
            let team = try CommentRoutes.flag(request, "team")
            return try .json(try await pool.read { library in try library.report(experiment: name, team: team) })
        }

        api.post("/experiments/:name/stop") { request, context in
            let name = try context.parameters.require("name")
            let body = try await request.optionalJSON(Message.self) ?? Message()
            let done = try await pool.write { library in
                try library.noting(body.message) {
                    let outcome = try library.stopExperiment(name)
                    return Made(experiment: try library.experiment(name), commit: outcome.commit, message: outcome.message, warnings: outcome.warnings)
                }
            }
            return try .json(done)
        }

        api.post("/experiments/:name/promote") { request, context in
            let name = try context.parameters.require("name")
            let body = try await request.json(Promote.self)
            do {
                let done = try await pool.write { library in
                    try library.noting(body.message) {
                        let outcome = try library.promote(experiment: name, variant: body.variant)
                        return Made(experiment: try library.experiment(name), commit: outcome.commit, message: outcome.message, warnings: outcome.warnings)
                    }
                }
                return try .json(done)
            } catch let error as FolioError where error.conflict != nil {
                throw await PromptChangeRoutes.conflict(error, yours: nil, pool: pool)
            }
        }
    }

    // MARK: - Bodies

    struct NewVariant: Decodable {
        let name: String
        /// Start from this revision (default HEAD).
        let from: String?
    }

    struct NewExperiment: Decodable {
        let name: String
        let prompt: String
        /// Variant names (`concise` is branch `variant/concise`) or branches (`main`).
        let variants: [String]
        /// Percentages summing to 100, one per variant (default even).
        let weights: [Int]?
        /// `success` (default) or `score`.
        let metric: String?
        let message: String?
    }

    struct Assign: Decodable {
        /// A stable key for whom the prompt is (a user or session id).
        let subject: String
        var variables: [String: Value]?
        var allowExtra: Bool?

        enum CodingKeys: String, CodingKey {
            case subject, variables
            case allowExtra = "allow_extra"
        }
    }

    struct Message: Decodable {
        var message: String?
    }

    struct Promote: Decodable {
        let variant: String
        let message: String?
    }

    // MARK: - Answers

    /// An experiment just written (created, stopped, promoted) and its commit.
    struct Made: Encodable, Sendable {
        let experiment: Experiment
        let commit: String?
        let message: String
        let warnings: [String]
    }

    /// The variant an experiment chose for a subject, rendered (`folio render ID --experiment E --subject S --json`,
    /// with the experiment's status).
    struct Assignment: Encodable, Sendable {
        let experiment: String
        let subject: String
        /// Only a running experiment assigns (and records an exposure); a stopped one renders its first variant for
        /// everyone, a closed one the prompt as on the current branch.
        let status: Experiment.Status
        let variant: String
        let eventID: String
        /// The prompt.
        let id: String
        let text: String
        let variables: Value
        let includes: [String]
        let estimatedTokens: Int
    }
}
