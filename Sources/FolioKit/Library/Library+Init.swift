import Foundation
internal import Git

/// What `folio init` did.
public struct InitOutcome: Sendable {
    /// The library's folder.
    public let root: String
    /// True when the folder was not in a git repository and one was created.
    public let createdRepository: Bool
    /// The branch the first commit went to.
    public let branch: String?
    public let change: ChangeOutcome
    /// Ids of the prompts copied from the starter templates.
    public let templates: [PromptID]
}

extension Library {
    /// Makes `folder` a library: `folio.yaml`, `prompts/`, `contexts/` (and the starter templates with
    /// `withTemplates`), committed as `folio: init`. A folder outside any repository gets one of its own;
    /// inside a code repository only the library's files are committed. On failure nothing is left behind.
    /// With `newRepository`, the folder gets a repository of its own even inside another one.
    public static func initialize(at folder: String, withTemplates: Bool, newRepository: Bool = false, commit: Bool = true,
                                  environment: FolioEnvironment) throws -> InitOutcome {
        let fm = FileManager.default
        let root = absolute(folder, from: environment.currentDirectory)
        if fm.fileExists(atPath: root + "/" + LibraryConfig.fileName) {
            throw FolioError(.conflict, "\(root) is already a folio library (it has \(LibraryConfig.fileName))")
        }
        var isFolder: ObjCBool = false
        if fm.fileExists(atPath: root, isDirectory: &isFolder), !isFolder.boolValue {
            throw FolioError(.conflict, "\(root) is a file, not a folder")
        }

        // The folder may not exist yet: look for a repository from its nearest existing ancestor.
        var probe = root
        while !fm.fileExists(atPath: probe), probe != "/" { probe = (probe as NSString).deletingLastPathComponent }
        var existing = try gitCall { try Repository.discover(from: probe) }
        if let repository = existing, let workdir = repository.workdir, !(root + "/").hasPrefix(workdir + "/") {
            existing = nil  // the nearest repository is above a folder that is not inside it (a symlink); make one here
        }
        if let repository = existing, let workdir = repository.workdir {
            if newRepository {
                if workdir == root { throw FolioError(.conflict, "\(root) is already the top of a git repository; leave out --new-repo") }
                existing = nil
            } else if root != workdir, try gitCall(nil, { try repository.isIgnored(String(root.dropFirst(workdir.count + 1)) + "/" + LibraryConfig.fileName) }) {
                throw FolioError(.conflict, "\(root) is ignored by the .gitignore of the repository at \(workdir), so its prompts could not be committed there; give the library a repository of its own with: folio init --new-repo \(folder)")
            }
        }
        // Check the identity before anything is created, so a missing one leaves the folder untouched.
        if commit {
            _ = try gitCall {
                try existing?.identity(environment: environment.variables, now: environment.now())
                    ?? Repository.defaultIdentity(environment: environment.variables, now: environment.now())
            }
        }

        var changes: [LibraryChange] = []
        let name = (root as NSString).lastPathComponent
        changes.append(LibraryChange(path: LibraryConfig.fileName, contents: Data(LibraryConfig(name: name).encode().utf8)))
        for keep in ["prompts/.gitkeep", "contexts/.gitkeep"] where !fm.fileExists(atPath: root + "/" + keep) {
            changes.append(LibraryChange(path: keep, contents: Data()))
        }
        var templateIDs: [PromptID] = []
        if withTemplates {
            for template in StarterTemplate.builtIn {
                let id = try PromptID(template.name)
                if fm.fileExists(atPath: root + "/" + id.relativePath) {
                    throw FolioError(.conflict, "\(root)/\(id.relativePath) already exists; move it away or init without --templates")
                }
                templateIDs.append(id)
                changes.append(LibraryChange(path: id.relativePath, contents: Data(template.text.utf8)))
            }
        }

        let createdFolder = !fm.fileExists(atPath: root)
        var repository = existing
        var createdRepository = false
        do {
            if createdFolder { try fm.createDirectory(atPath: root, withIntermediateDirectories: true) }
            if repository == nil, commit || newRepository {
                let branch = (try? Repository.globalConfigString("init.defaultBranch")).flatMap { $0 } ?? "main"
                repository = try gitCall("create a git repository in \(root)") { try Repository.create(at: root, initialBranch: branch) }
                createdRepository = true
            }
            let library = Library(root: root, config: LibraryConfig(name: name), environment: environment, repository: repository)
            let change = try library.apply(changes, message: "folio: init", commit: commit)
            let branch = try repository.flatMap { try $0.head().branchName }
            return InitOutcome(root: root, createdRepository: createdRepository, branch: branch, change: change,
                               templates: templateIDs)
        } catch {
            if createdRepository { try? fm.removeItem(atPath: root + "/.git") }
            if createdFolder { try? fm.removeItem(atPath: root) }
            throw error
        }
    }
}
