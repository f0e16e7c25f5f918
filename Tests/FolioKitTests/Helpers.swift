import Foundation
import TestSupport
@testable import FolioKit

/// The environment in-process tests give FolioKit: a fixed identity and clock.
func environment(_ folder: String, extra: [String: String] = [:]) -> FolioEnvironment {
    var variables = ["GIT_AUTHOR_NAME": "Ada Tester", "GIT_AUTHOR_EMAIL": "ada@example.com",
                     "GIT_COMMITTER_NAME": "Ada Tester", "GIT_COMMITTER_EMAIL": "ada@example.com",
                     "GIT_AUTHOR_DATE": "@1700000000 +0000", "GIT_COMMITTER_DATE": "@1700000000 +0000"]
    variables.merge(extra) { $1 }
    return FolioEnvironment(variables: variables, currentDirectory: folder, now: { Date(timeIntervalSince1970: 1_700_000_000) })
}

/// A new library in its own repository.
func makeLibrary(templates: Bool = false) throws -> (TemporaryFolder, Library) {
    let folder = TemporaryFolder("library")
    _ = try Library.initialize(at: folder.path, withTemplates: templates, environment: environment(folder.path))
    return (folder, try Library.open(explicitPath: nil, environment: environment(folder.path)))
}

/// A new library with `tone` (`Hello {{name}}, welcome aboard!`) and a variant `concise` that shortens it to
/// `Hi {{name}}!`: what the experiment, feedback and variant tests start from.
func makeLibraryWithVariant() throws -> (TemporaryFolder, Library) {
    let (folder, library) = try makeLibrary()
    try library.addFile("tone", "---\nvariables: [name]\n---\nHello {{name}}, welcome aboard!\n")
    _ = try library.createVariant("concise")
    _ = try library.edit(id("tone"), body: "Hi {{name}}!\n", variant: "concise")
    return (folder, library)
}

func id(_ text: String) -> PromptID { try! PromptID(text) }

extension Library {
    /// Adds a prompt file given as text, committed.
    @discardableResult
    func addFile(_ id: String, _ text: String) throws -> ChangeOutcome {
        try add(try PromptID(id), fileText: text, source: id)
    }
}
