import ArgumentParser
import FolioKit

struct ABCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ab",
        abstract: "A/B experiments between variants of a prompt.",
        subcommands: [Create.self, List.self, Report.self, Stop.self, Promote.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start an experiment (writes and commits experiments/EXP.yaml).")

        @Argument(help: "The experiment's name.") var name: String
        @Option(help: "The prompt under test.", completion: Completions.prompts) var prompt: String
        @Option(help: "Comma-separated variants; a branch name (main) or a variant (concise = variant/concise).") var variants: String
        @Option(help: "Comma-separated percentages summing to 100 (default: even).") var weights: String?
        @Option(help: "What decides: success (rate) or score (mean 1-5).") var metric: Experiment.Metric = .success
        @OptionGroup var library: LibraryOptions

        func validate() throws {
            if let weights {
                for part in weights.split(separator: ",") where Int(part.trimmingCharacters(in: .whitespaces)) == nil {
                    throw ValidationError("--weights takes whole numbers separated by commas, e.g. 50,50 (got '\(part)')")
                }
            }
        }

        func run() throws {
            let context = CLIContext.current
            let prompt = try promptID(prompt)
            let names = variants.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let weights = self.weights?.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            let (experiment, outcome) = try library.open(context).createExperiment(name, prompt: prompt, variants: names,
                                                                                  weights: weights, metric: metric)
            context.report(outcome, done: "Started \(name): \(experiment.arms.map { "\($0.name) \($0.weight)%" }.joined(separator: ", "))")
            context.print(context.out.dim("Render with: folio render \(prompt) --experiment \(name) --subject USER_ID"))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Each experiment: its prompt, variants with weights and exposures, status.")

        @Flag(help: "Count everyone's exposures, as shared through folio sync, not only this clone's.") var team = false
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            let experiments = try library.open(context).experimentSummaries(team: team)
            if json {
                try context.printJSON(experiments)
                return
            }
            let term = context.out
            if experiments.isEmpty {
                context.print(term.dim("No experiments; start one with: folio ab create EXP --prompt ID --variants main,NAME"))
                return
            }
            let width = experiments.map(\.name.count).max() ?? 0
            let promptWidth = experiments.map(\.prompt.count).max() ?? 0
            for experiment in experiments {
                let status: String
                switch experiment.status {
                case .running: status = term.green("running")
                case .stopped: status = term.yellow("stopped")
                case .closed: status = term.dim("closed" + (experiment.winner.map { " (\($0) promoted)" } ?? ""))
                }
                let variants = experiment.variants.map { "\($0.name) \($0.weight)% (\($0.exposures))" }.joined(separator: ", ")
                context.print(term.bold(experiment.name.padding(toLength: width, withPad: " ", startingAt: 0)) + "  "
                              + experiment.prompt.padding(toLength: promptWidth, withPad: " ", startingAt: 0) + "  " + variants + "  "
                              + Wording.count(experiment.exposures, "exposure") + "  " + status)
            }
            for experiment in experiments {
                for problem in experiment.problems { context.warn("experiment \(experiment.name): \(problem)") }
            }
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop assigning subjects (one commit): renders with --experiment then get the first variant, and no exposure is recorded.")

        @Argument(help: "The experiment.", completion: Completions.experiments) var name: String
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            let library = try library.open(context)
            let outcome = try library.stopExperiment(name)
            let experiment = try library.experiment(name)
            context.report(outcome, done: "Stopped \(name)")
            context.print(context.out.dim("Renders with --experiment \(name) now get \(experiment.arms[0].name) for everyone. "
                                          + "See the result: folio ab report \(name); keep a variant: folio ab promote \(name) VARIANT"))
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Exposures, success rate and mean score per variant, tests, a verdict.")

        @Argument(help: "The experiment.", completion: Completions.experiments) var name: String
        @Flag(help: "Everyone's exposures and feedback, as shared through folio sync, not only this clone's.") var team = false
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            let report = try library.open(context).report(experiment: name, team: team)
            if json {
                try context.printJSON(report)
                return
            }
            for problem in report.problems { context.warn("experiment \(name): \(problem)") }
            let term = context.out
            func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0 * 100) } ?? "–" }
            func interval(_ pair: [Double]?, percent asPercent: Bool) -> String {
                guard let pair, pair.count == 2 else { return "" }
                return asPercent ? " [\(percent(pair[0])), \(percent(pair[1]))]" : String(format: " [%.2f, %.2f]", pair[0], pair[1])
            }
            context.print(term.bold("\(report.experiment)") + term.dim("  \(report.prompt) · metric \(report.metric.rawValue) · \(report.status.rawValue)"))
            for arm in report.arms {
                var line = "  " + term.bold(arm.variant.padding(toLength: 12, withPad: " ", startingAt: 0))
                line += " \(arm.weight)%  \(Wording.count(arm.exposures, "exposure"))"
                line += "  success \(percent(arm.successRate))\(interval(arm.successInterval, percent: true)) (\(arm.successes)/\(arm.successes + arm.failures))"
                line += "  score \(arm.meanScore.map { String(format: "%.2f", $0) } ?? "–")\(interval(arm.scoreInterval, percent: false)) (\(arm.scores))"
                context.print(line)
            }
            for comparison in report.comparisons {
                context.print(term.dim("  \(comparison.variant) vs \(comparison.against): \(comparison.test), "
                                       + String(format: "statistic %.3f, p = %.4f", comparison.statistic, comparison.p)))
            }
            context.print(report.verdict.hasPrefix("not enough") || report.verdict.hasPrefix("no significant")
                          ? term.yellow(report.verdict) : term.green(report.verdict))
        }
    }

    struct Promote: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring a variant's version of the prompt onto the current branch and close the experiment (running or stopped).")

        @Argument(help: "The experiment.", completion: Completions.experiments) var name: String
        @Argument(help: "The winning variant.", completion: Completions.experimentVariants) var variant: String
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            let outcome = try library.open(context).promote(experiment: name, variant: variant)
            context.report(outcome, done: "Promoted \(variant) and closed \(name)")
        }
    }
}

extension Experiment.Metric: ExpressibleByArgument {}
