import Foundation
import FolioKit

/// Opens `$VISUAL` or `$EDITOR` on a temporary copy of a prompt file and returns what was saved.
struct Editor {
    let context: CLIContext

    /// The editor command, or an error saying how to avoid needing one.
    private func command(alternatives: String) throws -> String {
        for key in ["VISUAL", "EDITOR"] {
            if let value = context.environment[key], !value.trimmingCharacters(in: .whitespaces).isEmpty { return value }
        }
        if context.stdinIsTerminal { return "vi" }
        throw FolioError(.invalidInput, "no editor to open: set $EDITOR, or pass \(alternatives)")
    }

    /// Edits `text` in a file named `fileName`. Returns the saved text and the file's path, which is kept
    /// so that nothing typed is lost if the text turns out to be invalid.
    func edit(_ text: String, fileName: String, alternatives: String) throws -> (text: String, path: String) {
        let editor = try command(alternatives: alternatives)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("folio-edit-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent(fileName)
        try Data(text.utf8).write(to: file)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // Through the shell, so EDITOR may carry arguments ("code --wait").
        process.arguments = ["-c", "\(editor) \"$1\"", "sh", file.path]
        process.currentDirectoryURL = URL(fileURLWithPath: context.currentDirectory)
        process.environment = context.environment
        do {
            try process.run()
        } catch {
            throw FolioError(.io, "could not start the editor '\(editor)': \(error.localizedDescription)")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FolioError(.invalidInput, "the editor '\(editor)' exited with status \(process.terminationStatus); nothing was changed (your text is in \(file.path))")
        }
        return (String(decoding: try Data(contentsOf: file), as: UTF8.self), file.path)
    }

    /// Edits `text` for prompt `id`, then hands the saved text to `use`. When `use` rejects it, the error
    /// says where the text was kept and how to retry (`folio <command> ID --file PATH`); otherwise the
    /// temporary copy is removed.
    func edit(_ text: String, for id: PromptID, command: String, alternatives: String,
              use: (_ text: String, _ source: String) throws -> ChangeOutcome) throws -> ChangeOutcome {
        let edited = try edit(text, fileName: id.name + PromptID.fileSuffix, alternatives: alternatives)
        let outcome: ChangeOutcome
        do {
            outcome = try use(edited.text, edited.path)
        } catch let error as FolioError {
            throw FolioError(error.kind, error.message
                + "\nyour text is kept in \(edited.path); fix it, then: folio \(command) \(id) --file \(edited.path)")
        }
        try? FileManager.default.removeItem(atPath: (edited.path as NSString).deletingLastPathComponent)
        return outcome
    }
}
