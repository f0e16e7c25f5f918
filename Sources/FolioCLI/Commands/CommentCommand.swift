import ArgumentParser
import Foundation
import FolioKit

struct CommentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "comment",
        abstract: "Comment on a version of a prompt, answer a comment, or resolve a thread (kept in git, shared by sync).",
        discussion: """
            folio comment ID[@REV] "text" comments on a version (default: the latest); --reply-to COMMENT answers a
            comment (about the version its thread is about); --resolve COMMENT closes its thread, with an optional
            closing remark. Comments are commits on refs/folio/comments, so folio sync shares them. List them with
            folio comments ID.
            """)

    @Argument(help: "The prompt, optionally at a revision: ID@v3, ID@production, ID@HEAD~2.", completion: Completions.prompts)
    var reference: String

    @Argument(help: "The comment's text.")
    var text: String?

    @Option(name: .customLong("reply-to"), help: ArgumentHelp("Answer this comment (its id, or the start of it).", valueName: "comment"))
    var replyTo: String?

    @Option(help: ArgumentHelp("Resolve the thread of this comment (its id, or the start of it).", valueName: "comment"))
    var resolve: String?

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var library: LibraryOptions

    func validate() throws {
        if replyTo != nil && resolve != nil { throw ValidationError("--reply-to and --resolve go separately: answer first, then resolve") }
        if resolve == nil && (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("give the comment's text: folio comment ID \"text\"")
        }
    }

    func run() throws {
        let context = CLIContext.current
        let reference = try PromptReference(parsing: reference)
        let opened = try library.open(context)
        if let resolve {
            if reference.revision != nil { throw ValidationError("--resolve takes the prompt's id without @REV") }
            let resolution = try opened.resolveComment(resolve, of: reference.id, text: text ?? "")
            if json { try context.printJSON(resolution) } else { context.print("Resolved the thread of \(resolve) on \(reference.id)") }
            return
        }
        if replyTo != nil && reference.revision != nil {
            throw ValidationError("a reply is about the version its thread is about: leave out @\(reference.revision ?? "")")
        }
        let comment = try opened.comment(on: reference, text: text ?? "", replyTo: replyTo)
        if json {
            try context.printJSON(comment)
            return
        }
        let version = comment.version.map { "v\($0)" } ?? String(comment.commit.prefix(7))
        context.print("\(comment.replyTo == nil ? "Commented on" : "Replied on") \(reference.id)@\(version): \(comment.id.prefix(8))")
    }
}

struct CommentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "comments",
        abstract: "A prompt's comment threads and approvals; comments about an older version are marked.",
        discussion: "Resolved threads are counted; --all shows them.")

    @Argument(help: "The prompt's id.", completion: Completions.prompts)
    var id: String

    @Flag(help: "Show resolved threads too.")
    var all = false

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var library: LibraryOptions

    func run() throws {
        let context = CLIContext.current
        let id = try promptID(id)
        let discussion = try library.open(context).discussion(of: id, includeResolved: all)
        if json {
            try context.printJSON(discussion)
            return
        }
        let out = context.out
        func version(_ number: Int?, _ commit: String) -> String { number.map { "v\($0)" } ?? String(commit.prefix(7)) }
        func older(_ outdated: Bool) -> String {
            outdated ? out.yellow("  (older version; now v\(discussion.currentVersion.map(String.init) ?? "?"))") : ""
        }
        func indented(_ text: String, _ prefix: String) -> String {
            text.split(separator: "\n", omittingEmptySubsequences: false).map { prefix + $0 }.joined(separator: "\n")
        }
        if discussion.threads.isEmpty {
            context.print(out.dim(discussion.resolvedHidden > 0 ? "No open comments." : "No comments."))
        }
        for thread in discussion.threads {
            context.print("\(out.bold(String(thread.id.prefix(8))))  \(version(thread.version, thread.commit))  \(thread.author)  "
                          + out.dim(context.shortDate(thread.date)) + older(thread.outdated)
                          + (thread.resolved != nil ? out.green("  resolved") : ""))
            context.print(indented(thread.text, "    "))
            for reply in thread.replies {
                context.print("    ↳ \(out.bold(String(reply.id.prefix(8))))  \(reply.author)  " + out.dim(context.shortDate(reply.date)))
                context.print(indented(reply.text, "      "))
            }
            if let resolved = thread.resolved {
                context.print(out.green("    ✓ resolved by \(resolved.author) ") + out.dim(context.shortDate(resolved.date))
                              + (resolved.text.isEmpty ? "" : ": \(resolved.text)"))
            }
            context.print()
        }
        if discussion.resolvedHidden > 0 {
            context.print(out.dim("\(discussion.resolvedHidden) resolved thread\(discussion.resolvedHidden == 1 ? "" : "s") not shown (--all shows them)"))
        }
        if !discussion.approvals.isEmpty {
            context.print(out.bold("Approvals"))
            for approval in discussion.approvals {
                context.print("  \(out.green(approval.label))  \(version(approval.version, approval.commit))  \(approval.author)  "
                              + out.dim(context.shortDate(approval.date)) + older(approval.outdated)
                              + (approval.note.isEmpty ? "" : "  \(approval.note)"))
            }
        }
    }
}

struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve one exact version of a prompt for a protected label, as one of its owners.",
        discussion: """
            A label folio.yaml protects (labels: {production: {protected: true}}) moves only to a version one of the
            prompt's owners approved for it: folio approve ID@v3 --label production, then folio label set ID
            production v3. The approval is of that text (its blob), kept in git beside the comments and shared by sync.
            """)

    @Argument(help: "The prompt at the version to approve: ID@v3, ID@<commit> (default: the latest version).",
              completion: Completions.prompts)
    var reference: String

    @Option(help: "The label the version may get, e.g. production.", completion: Completions.labels)
    var label: String

    @Option(help: "A note kept with the approval.")
    var note: String?

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var library: LibraryOptions

    func run() throws {
        let context = CLIContext.current
        let reference = try PromptReference(parsing: reference)
        let approval = try library.open(context).approve(reference, label: label, note: note ?? "")
        if json {
            try context.printJSON(approval)
            return
        }
        let version = approval.version.map { "v\($0)" } ?? String(approval.commit.prefix(7))
        context.print("Approved \(reference.id)@\(version) for \(label) (\(approval.id.prefix(8))); move it with: folio label set \(reference.id) \(label) \(version)")
    }
}
