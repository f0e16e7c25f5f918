import ArgumentParser
import FolioKit

struct CompletionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "completion",
        abstract: "Print the shell completion script for bash, zsh or fish (prompt ids, labels, variants, experiments and contexts complete too).",
        discussion: """
            bash:  add to ~/.bashrc:  source <(folio completion bash)
            zsh:   folio completion zsh > "${fpath[1]}/_folio"   (then start a new shell; compinit must run in ~/.zshrc)
            fish:  folio completion fish > ~/.config/fish/completions/folio.fish
            """)

    @Argument(help: "bash, zsh or fish.")
    var shell: Shell

    enum Shell: String, ExpressibleByArgument, CaseIterable { case bash, zsh, fish }

    func run() throws {
        guard let completionShell = CompletionShell(rawValue: shell.rawValue) else { return }
        CLIContext.current.stdout.write(Folio.completionScript(for: completionShell))
    }
}
