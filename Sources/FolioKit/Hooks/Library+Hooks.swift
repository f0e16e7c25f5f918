import Foundation
internal import Git

/// What `folio hooks install`, `uninstall` or `status` did to, or found at, one hook.
public struct HookState: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// folio's hook is there, and current.
        case installed
        /// folio's hook is there, from another folio or for another library: install updates it.
        case outdated
        /// No hook.
        case absent
        /// A hook that is not folio's.
        case foreign
    }

    public enum Action: Sendable, Equatable {
        case installed, updated, unchanged
        /// A hook that was there is kept beside folio's, which runs it first.
        case chained(keptAs: String)
        /// `--force`: a hook that was there is moved aside and no longer runs.
        case replaced(backup: String)
        case removed
        /// Uninstall put back the hook folio had chained.
        case restored
        /// Uninstall found a hook that is not folio's, or none.
        case leftAlone
    }

    public let hook: String
    /// The hook's file, as a person names it.
    public let path: String
    public let state: State
    public let action: Action?
    /// A hook folio runs first (`pre-commit.pre-folio`), when there is one.
    public let chained: String?
}

extension Library {
    /// The hooks folder and each hook's state.
    public func hookStatus(executable: String) throws -> (directory: String, hooks: [HookState]) {
        let (repository, directory) = try hooksLocation()
        return (directory, try GitHook.builtIn.map { hook in
            let path = directory + "/" + hook.name
            let chained = FileManager.default.fileExists(atPath: path + GitHook.chainedSuffix) ? path + GitHook.chainedSuffix : nil
            return HookState(hook: hook.name, path: displayPath(absolute: path),
                             state: try state(of: hook, at: path, executable: executable, repository: repository),
                             action: nil, chained: chained.map(displayPath(absolute:)))
        })
    }

    /// Installs folio's hooks where git looks for them (`core.hooksPath`, else the git directory's hooks). A hook
    /// already there is kept as `<hook>.pre-folio` and run first by folio's; with `force`, it is moved to
    /// `<hook>.folio-backup` instead and no longer runs. Nothing is written unless every hook can be installed.
    public func installHooks(executable: String, force: Bool) throws -> (directory: String, hooks: [HookState]) {
        let (repository, directory) = try hooksLocation()
        let library = repositoryPrefix(in: repository).isEmpty ? "." : String(repositoryPrefix(in: repository).dropLast())
        let fm = FileManager.default

        // Plan first, so a conflict on the last hook leaves the first untouched.
        var plan: [(hook: GitHook, path: String, state: HookState.State, action: HookState.Action)] = []
        for hook in GitHook.builtIn {
            let path = directory + "/" + hook.name
            let state = try state(of: hook, at: path, executable: executable, repository: repository)
            let action: HookState.Action
            switch state {
            case .absent: action = .installed
            case .installed: action = .unchanged
            case .outdated: action = .updated
            case .foreign:
                if force {
                    action = .replaced(backup: freeBackupPath(for: path))
                } else if fm.fileExists(atPath: path + GitHook.chainedSuffix) {
                    throw FolioError(.conflict, """
                        \(displayPath(absolute: path)) is not folio's, and \(hook.name)\(GitHook.chainedSuffix) (a hook folio chained \
                        before) is there too, so folio cannot keep both; merge them into one, or run `folio hooks install --force` \
                        to move \(hook.name) aside (it is kept as \(hook.name).folio-backup and no longer runs)
                        """)
                } else {
                    action = .chained(keptAs: path + GitHook.chainedSuffix)
                }
            }
            plan.append((hook, path, state, action))
        }

        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw FolioError(.io, "cannot create the hooks folder \(directory): \(error.localizedDescription)")
        }
        var done: [HookState] = []
        for step in plan {
            do {
                switch step.action {
                case .chained(let keptAs): try fm.moveItem(atPath: step.path, toPath: keptAs)
                case .replaced(let backup): try fm.moveItem(atPath: step.path, toPath: backup)
                default: break
                }
                if step.action != .unchanged {
                    let script = step.hook.script(folio: executable, library: library)
                    try WorkTreeWriter.atomicWrite(Data(script.utf8), to: step.path, permissions: 0o755)
                }
            } catch {
                throw FolioError(.io, "cannot install \(displayPath(absolute: step.path)): \(error.localizedDescription)")
            }
            let chained = fm.fileExists(atPath: step.path + GitHook.chainedSuffix) ? step.path + GitHook.chainedSuffix : nil
            done.append(HookState(hook: step.hook.name, path: displayPath(absolute: step.path), state: .installed,
                                  action: step.action, chained: chained.map(displayPath(absolute:))))
        }
        return (directory, done)
    }

    /// Removes folio's hooks and puts back any hook folio had chained. Hooks that are not folio's stay.
    public func uninstallHooks() throws -> (directory: String, hooks: [HookState]) {
        let (_, directory) = try hooksLocation()
        let fm = FileManager.default
        return (directory, try GitHook.builtIn.map { hook in
            let path = directory + "/" + hook.name
            let chained = path + GitHook.chainedSuffix
            let current = fm.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
            var action = HookState.Action.leftAlone
            var state = current == nil ? HookState.State.absent : .foreign
            do {
                if let current, GitHook.isFolios(current) {
                    try fm.removeItem(atPath: path)
                    action = .removed
                    state = .absent
                }
                if state == .absent, fm.fileExists(atPath: chained) {
                    try fm.moveItem(atPath: chained, toPath: path)
                    action = .restored
                    state = .foreign
                }
            } catch {
                throw FolioError(.io, "cannot uninstall \(displayPath(absolute: path)): \(error.localizedDescription)")
            }
            return HookState(hook: hook.name, path: displayPath(absolute: path), state: state, action: action, chained: nil)
        })
    }

    // MARK: - Helpers

    private func hooksLocation() throws -> (Repository, String) {
        let repository = try requireRepository()
        let directory = try gitCall("find the hooks folder") { try repository.hooksDirectory }
        return (repository, directory)
    }

    private func state(of hook: GitHook, at path: String, executable: String, repository: Repository) throws -> HookState.State {
        guard let data = FileManager.default.contents(atPath: path) else {
            // A dangling symbolic link is still a hook someone put there.
            return (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) == nil ? .absent : .foreign
        }
        let text = String(decoding: data, as: UTF8.self)
        guard GitHook.isFolios(text) else { return .foreign }
        let library = repositoryPrefix(in: repository).isEmpty ? "." : String(repositoryPrefix(in: repository).dropLast())
        return text == hook.script(folio: executable, library: library) ? .installed : .outdated
    }

    /// `<hook>.folio-backup`, or `.folio-backup-2`, … when taken.
    private func freeBackupPath(for path: String) -> String {
        var candidate = path + ".folio-backup"
        var number = 2
        while FileManager.default.fileExists(atPath: candidate) {
            candidate = path + ".folio-backup-\(number)"
            number += 1
        }
        return candidate
    }
}
