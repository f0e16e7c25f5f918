import ArgumentParser
import Foundation
import FolioKit

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a prompt with its variables (includes resolved) and print it.")

    @Argument(help: "The prompt's id.")
    var id: String

    @Option(name: .customLong("var"), help: ArgumentHelp("A variable's value (repeatable).", valueName: "name=value"))
    var variables: [String] = []

    @Option(name: .customLong("vars-file"), help: "Variables from a YAML or JSON file ('-' for stdin); --var wins over it.")
    var varsFile: String?

    @Flag(name: .customLong("allow-extra"), help: "Ignore variables the prompt does not declare instead of failing.")
    var allowExtra = false

    @Flag(help: "Print JSON: the text, the values used, the includes and the token estimate.")
    var json = false

    @OptionGroup var library: LibraryOptions

    func validate() throws {
        _ = try promptID(id)
        for variable in variables where !variable.contains("=") || variable.hasPrefix("=") {
            throw ValidationError("--var needs NAME=VALUE (got '\(variable)')")
        }
    }

    struct Output: Encodable {
        let id: String
        let text: String
        let variables: Value
        let includes: [String]
        let estimatedTokens: Int

        enum CodingKeys: String, CodingKey {
            case id, text, variables, includes
            case estimatedTokens = "estimated_tokens"
        }
    }

    func run() throws {
        let context = CLIContext.current
        let id = try promptID(id)
        let library = try library.open(context)
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
        let rendering = try library.render(id, inputs: inputs, allowExtra: allowExtra)
        if json {
            try context.printJSON(Output(id: id.rawValue, text: rendering.text, variables: .map(rendering.variables),
                                         includes: rendering.includes.map(\.rawValue), estimatedTokens: rendering.estimatedTokens))
        } else {
            context.stdout.write(rendering.text)
        }
    }
}
