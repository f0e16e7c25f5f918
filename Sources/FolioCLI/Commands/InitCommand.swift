import ArgumentParser
import FolioKit

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a library: folio.yaml, prompts/ and contexts/, committed (a repository too, if there is none).")

    @Argument(help: "The library's folder (default: the current folder).")
    var path: String = "."

    @Flag(name: .long, help: "Also copy folio's starter templates into prompts/.")
    var templates = false

    @Flag(name: .customLong("new-repo"), help: "Give the library a git repository of its own, even inside another repository.")
    var newRepository = false

    @OptionGroup var commit: CommitOptions

    func run() throws {
        let context = CLIContext.current
        let outcome = try Library.initialize(at: path, withTemplates: templates, newRepository: newRepository, commit: !commit.noCommit,
                                             environment: context.folioEnvironment)
        let term = context.out
        var where_ = "Initialized a folio library in \(outcome.root)"
        if outcome.createdRepository { where_ += " (new git repository" + (outcome.branch.map { ", branch \($0)" } ?? "") + ")" }
        context.report(outcome.change, done: where_)
        if !outcome.templates.isEmpty {
            context.print("Added \(outcome.templates.count) starter prompts: \(outcome.templates.map(\.rawValue).joined(separator: ", "))")
        }
        context.print(term.dim("Next: folio new my/first-prompt   (or: folio templates, folio list)"))
    }
}
