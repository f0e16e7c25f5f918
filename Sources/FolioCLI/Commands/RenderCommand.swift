import ArgumentParser
import Foundation
import FolioKit

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a prompt with its variables (includes resolved) and print it.")

    @Argument(help: "The prompt's id, optionally at a revision: ID@v3, ID@production, ID@main, ID@HEAD~2.", completion: Completions.prompts)
    var id: String

    @Option(help: "Render the prompt as it is on this variant's branch.", completion: Completions.variants)
    var variant: String?

    @Option(help: "Render for an A/B experiment: the subject's variant is chosen and an exposure recorded.", completion: Completions.experiments)
    var experiment: String?

    @Option(help: "With --experiment: who the prompt is for (a stable user or session key).")
    var subject: String?

    @Option(name: .customLong("var"), help: ArgumentHelp("A variable's value (repeatable).", valueName: "name=value"))
    var variables: [String] = []

    @Option(name: .customLong("vars-file"), help: "Variables from a YAML or JSON file ('-' for stdin); --var wins over it.")
    var varsFile: String?

    @Flag(name: .customLong("allow-extra"), help: "Ignore variables the prompt does not declare instead of failing.")
    var allowExtra = false

    @Flag(help: "Print JSON: the text, the values used, the includes, the token estimate and the event id.")
    var json = false

    @Option(help: "Who is rendering, recorded in analytics: an AI tool's name, a script, a service.")
    var source = "cli"

    @OptionGroup var library: LibraryOptions

    func validate() throws {
        if variant != nil, id.contains("@") { throw ValidationError("give either ID@REV or --variant, not both") }
        if (experiment == nil) != (subject == nil) { throw ValidationError("--experiment and --subject go together") }
        if experiment != nil, variant != nil || id.contains("@") {
            throw ValidationError("with --experiment the experiment chooses the variant; leave out --variant and @REV")
        }
        for variable in variables where !variable.contains("=") || variable.hasPrefix("=") {
            throw ValidationError("--var needs NAME=VALUE (got '\(variable)')")
        }
    }

    func run() throws {
        let context = CLIContext.current
        _ = try promptReference(self.id)
        let library = try library.open(context)
        let reference = try promptReference(self.id, variant: variant, in: library)
        let id = reference.id
        var inputs: [String: VariableInput] = [:]
        if let varsFile {
            for entry in try VarsFile.read(try context.readFile(varsFile), name: varsFile) {
                inputs[entry.key] = .value(entry.value)
            }
        }
        for variable in variables {
            let parts = variable.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            inputs[String(parts[0])] = .text(String(parts[1]))
        }
        let rendering: Rendering
        var event: Event?
        var chosen: String?
        if let experiment, let subject {
            let result = try library.render(experiment: experiment, subject: subject, inputs: inputs, allowExtra: allowExtra, source: source)
            (rendering, chosen, event) = (result.rendering, result.variant, result.event)
            if !json {
                switch result.status {
                case .running: context.stderr.write("variant: \(result.variant) (event \(result.event.id))\n")
                case .stopped: context.stderr.write("experiment \(experiment) is stopped: rendered its first variant, \(result.variant), for everyone; no exposure recorded (event \(result.event.id))\n")
                case .closed: context.stderr.write("experiment \(experiment) is closed (\(result.variant) was promoted): rendered \(id) as on the current branch; no exposure recorded (event \(result.event.id))\n")
                }
            }
        } else {
            rendering = try library.render(reference, inputs: inputs, allowExtra: allowExtra)
            // A render is recorded for analytics; failing to record never fails the render.
            do {
                event = try library.record(.render, prompt: reference, source: source)
            } catch let error as FolioError where error.kind != .internal {
                if error.kind != .git { context.warn("not recorded in analytics: \(error.message)") }
            }
        }
        if json {
            try context.printJSON(RenderJSON(id: id.rawValue, text: rendering.text, variables: .map(rendering.variables),
                                         includes: rendering.includes.map(\.rawValue), estimatedTokens: rendering.estimatedTokens,
                                         eventID: event?.id, variant: chosen))
        } else {
            context.stdout.write(rendering.text)
        }
    }
}
