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
        let file = try Self.draftFile(fileName, text: text)

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
            throw FolioError(error.kind, error.message + "\n" + Self.retry(after: error, kept: edited.path, id: id, command: command))
        }
        try? FileManager.default.removeItem(atPath: (edited.path as NSString).deletingLastPathComponent)
        return outcome
    }

    /// A draft file in a folder of its own that only this user can read: it may hold what lint refused (a secret).
    static func draftFile(_ fileName: String, text: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("folio-edit-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let file = folder.appendingPathComponent(fileName)
        guard FileManager.default.createFile(atPath: file.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw FolioError(.io, "cannot write a draft in \(folder.path); check that the temporary folder (TMPDIR) is writable")
        }
        return file
    }

    /// How to go on from a draft that was not saved, kept at `kept`. After a conflict the draft holds both versions
    /// between markers, and the retry names the version it was merged with (`--base`), so a change made since is
    /// merged again instead of overwritten.
    static func retry(after error: FolioError, kept: String, id: PromptID, command: String) -> String {
        guard let conflict = error.conflict else {
            return "your text is kept in \(kept); fix it, then: folio \(command) \(id) --file \(kept)"
        }
        if let renamed = conflict.renamedTo {
            return "your text is kept in \(kept); to make the change on the renamed prompt: folio edit \(renamed) --file \(kept)"
        }
        guard let merged = conflict.merged, let current = conflict.current,
              (try? Data(merged.utf8).write(to: URL(fileURLWithPath: kept))) != nil else {
            return "your text is kept in \(kept)"
        }
        return "your text and the change made meanwhile are in \(kept), between conflict markers (<<<<<<< yours, =======, "
            + ">>>>>>> meanwhile): keep what you want, delete the marker lines, then: folio edit \(id) --file \(kept) --base \(current.prefix(12))"
    }
}
