import ArgumentParser
import Foundation
import FolioKit

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "The search index in the git directory: status, refresh, rebuild, verify.",
        subcommands: [Status.self, Refresh.self, Rebuild.self, Verify.self],
        defaultSubcommand: Status.self)

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bring the index up to date and describe it.")

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var library: LibraryOptions

        struct Output: Encodable {
            let path: String
            let bytes: Int64
            let prompts: Int
            let invalid: Int
            let modified: Int
            let head: String?
            let refreshed: Refreshed
        }

        struct Refreshed: Encodable {
            let added: Int
            let updated: Int
            let removed: Int
            let checkedEveryFile: Bool
            let milliseconds: Double

            enum CodingKeys: String, CodingKey {
                case added, updated, removed, milliseconds
                case checkedEveryFile = "checked_every_file"
            }

            init(_ report: PromptIndex.RefreshReport) {
                added = report.added
                updated = report.updated
                removed = report.removed
                checkedEveryFile = report.checkedEveryFile
                milliseconds = (report.seconds * 10_000).rounded() / 10
            }
        }

        func run() throws {
            let context = CLIContext.current
            let status = try library.open(context).index().status()
            if json {
                try context.printJSON(Output(path: status.path, bytes: status.bytes, prompts: status.prompts, invalid: status.invalid,
                                             modified: status.modified, head: status.head, refreshed: Refreshed(status.refresh)))
                return
            }
            context.print("\(Wording.count(status.prompts, "prompt")) indexed" + (status.invalid > 0 ? ", \(status.invalid) invalid" : "")
                          + (status.modified > 0 ? ", \(status.modified) differ from HEAD" : ""))
            context.print(context.out.dim("at \(status.head.map { String($0.prefix(7)) } ?? "no commit") · \(status.path) · \(ByteCountFormatter.string(fromByteCount: status.bytes, countStyle: .file))"))
            let refresh = status.refresh
            if refresh.changed {
                context.print(context.out.dim("refreshed: \(refresh.added) added, \(refresh.updated) updated, \(refresh.removed) removed"))
            }
        }
    }

    struct Refresh: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring the index up to date (every read command does this first).",
            discussion: """
                Up to 10,000 prompts every file is checked. Above that, folders, staged files and files known to differ
                from HEAD are; --full also checks every other file, for edits made in place without saving atomically.
                """)

        @Flag(help: "Check every file's stamp, whatever the library's size.")
        var full = false

        @Flag(help: "Do nothing when the index has never been built (git hooks use this).")
        var ifBuilt = false

        @Flag(name: .shortAndLong, help: "Print nothing.")
        var quiet = false

        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            let index = try library.open(context).index()
            if ifBuilt && !index.isBuilt { return }
            let report = try index.refresh(full: full)
            if quiet { return }
            context.print(report.changed ? "\(report.added) added, \(report.updated) updated, \(report.removed) removed"
                                         : "Up to date.")
        }
    }

    struct Rebuild: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Build the index again from the files (analytics events are kept).")

        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            let report = try library.open(context).index().rebuild()
            context.print("Indexed \(Wording.count(report.added, "prompt")) in \(String(format: "%.2f", report.seconds)) s")
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare the index with the files and HEAD; exit 1 and list any drift.")

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var library: LibraryOptions

        func run() throws {
            let context = CLIContext.current
            let drift = try library.open(context).index().verify()
            if json {
                try context.printJSON(drift.map { ["path": $0.path, "problem": $0.kind.rawValue] })
            } else if drift.isEmpty {
                context.print("The index matches the files and HEAD.")
            } else {
                for item in drift { context.print(item.description) }
                context.warn("\(Wording.count(drift.count, "difference")); fix with: folio index rebuild")
            }
            if !drift.isEmpty { throw ExitCode(FolioExitCode.findings.rawValue) }
        }
    }
}
