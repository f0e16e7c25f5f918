import Foundation
internal import Git

/// A comment on a version of a prompt, with its replies and whether it was resolved.
public struct PromptComment: Sendable, Equatable, Codable {
    /// The comment's id: the commit of its entry in the comment log (`folio comments` shows the first 8 characters).
    public let id: String
    /// The prompt id it was written about (an earlier id of a renamed prompt keeps its comments).
    public let prompt: String
    /// The commit of the version it is about.
    public let commit: String
    /// The prompt file's blob in that commit: the exact text commented on.
    public let blob: String
    /// That version's number on this branch (nil when the commit is elsewhere: a pull request's branch).
    public var version: Int?
    public let author: String
    public let email: String
    public let date: Date
    public let text: String
    /// The comment this one answers (nil for a thread's first comment).
    public let replyTo: String?
    /// Answers, oldest first (only on a thread's first comment).
    public var replies: [PromptComment] = []
    /// Who resolved the thread, when (only on a thread's first comment).
    public var resolved: CommentResolution?
    /// True when it is about an older text than the prompt's latest version.
    public var outdated: Bool = false
}

/// The closing of a comment thread.
public struct CommentResolution: Sendable, Equatable, Codable {
    /// The id of the resolving entry.
    public let id: String
    public let author: String
    public let email: String
    public let date: Date
    /// What was said when resolving it (may be empty).
    public let text: String
}

/// An owner's (or someone's) approval of one exact version of a prompt for a label.
public struct Approval: Sendable, Equatable, Codable {
    public let id: String
    public let prompt: String
    public let label: String
    public let commit: String
    /// The approved text: a label pointing at any commit whose prompt file is this blob is approved.
    public let blob: String
    public var version: Int?
    public let author: String
    public let email: String
    public let date: Date
    public let note: String
    /// True when it approves an older text than the prompt's latest version.
    public var outdated: Bool = false
}

/// A prompt's comments and approvals, as `folio comments` shows them.
public struct PromptDiscussion: Sendable, Equatable, Codable {
    public let prompt: String
    /// The latest version on this branch, which comments about another text are older than.
    public let currentVersion: Int?
    public let currentBlob: String?
    /// Threads, oldest first: the open ones, and the resolved ones when asked for.
    public let threads: [PromptComment]
    /// Resolved threads left out.
    public let resolvedHidden: Int
    public let approvals: [Approval]
}

/// One entry of the comment log, as stored.
struct CommentEntry: Sendable, Equatable {
    enum Kind: String, Sendable { case comment, reply, resolve, approval }

    var id: String
    var kind: Kind
    var prompt: String
    var commit: String
    var blob: String
    var author: String
    var email: String
    var date: Date
    var text: String
    /// The comment a reply answers or a resolve closes.
    var target: String?
    /// An approval's label.
    var label: String?
}

extension Library {
    /// Comments, replies, resolutions and approvals: one commit each (empty tree; the entry in the message) on
    /// this ref, so push and fetch carry them and `git log refs/folio/comments` reads them, like the label log.
    static let commentLogRef = "refs/folio/comments"

    static func commentLogTracking(_ remote: String) -> String { "refs/folio/remotes/\(remote)/comments" }

    // MARK: - Writing

    /// Comments on a version of a prompt (default: its latest version), or answers a comment (`replyTo`, an id or
    /// a unique part of one: the answer is about the version the thread is about).
    @discardableResult
    public func comment(on reference: PromptReference, text: String, replyTo: String? = nil) throws -> PromptComment {
        let text = try Self.checkCommentText(text, required: true)
        let entry: CommentEntry
        if let replyTo {
            let entries = try commentEntries(of: reference.id)
            let parent = try findComment(replyTo, of: reference.id, in: entries)
            let root = threadRoot(of: parent, in: entries)
            entry = try appendCommentEntry(kind: .reply, prompt: reference.id.rawValue, commit: root.commit, blob: root.blob,
                                           text: text, target: parent.id, label: nil, subject: "reply to \(parent.id.prefix(8))")
        } else {
            let version = try commentedVersion(reference)
            entry = try appendCommentEntry(kind: .comment, prompt: reference.id.rawValue, commit: version.commit, blob: version.blob,
                                           text: text, target: nil, label: nil, subject: "comment \(reference.id)@\(version.name)")
        }
        return try discussion(of: reference.id, includeResolved: true).allComments.first { $0.id == entry.id }
            ?? PromptComment(entry)
    }

    /// Resolves the thread a comment belongs to, with an optional closing remark.
    @discardableResult
    public func resolveComment(_ comment: String, of id: PromptID, text: String = "") throws -> CommentResolution {
        let text = try Self.checkCommentText(text, required: false)
        let entries = try commentEntries(of: id)
        let root = threadRoot(of: try findComment(comment, of: id, in: entries), in: entries)
        if let done = resolution(of: root, in: entries) {
            throw FolioError(.conflict, "the thread \(root.id.prefix(8)) on \(id) was already resolved by \(done.author) on \(Timestamps.format(done.date))")
        }
        let entry = try appendCommentEntry(kind: .resolve, prompt: id.rawValue, commit: root.commit, blob: root.blob,
                                           text: text, target: root.id, label: nil, subject: "resolve \(root.id.prefix(8))")
        return CommentResolution(id: entry.id, author: entry.author, email: entry.email, date: entry.date, text: entry.text)
    }

    /// Comment text: trimmed, not empty (unless `required` is false), no NUL.
    static func checkCommentText(_ text: String, required: Bool) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if required, trimmed.isEmpty { throw FolioError(.invalidInput, "a comment needs text: folio comment ID \"what you think\"") }
        if trimmed.contains("\0") { throw FolioError(.invalidInput, "a comment cannot hold a NUL character") }
        return trimmed
    }

    /// The version a comment or approval is about: `ID@REV`, or the latest committed version.
    func commentedVersion(_ reference: PromptReference) throws -> (commit: String, blob: String, name: String) {
        let repository = try requireRepository()
        let resolved: ResolvedRevision
        if let revision = reference.revision {
            resolved = try resolve(revision, of: reference.id)
        } else {
            guard let latest = try history(of: reference.id).last else {
                throw FolioError(.notFound, "'\(reference.id)' has no committed version to comment on; commit it first")
            }
            resolved = ResolvedRevision(commit: latest.commit, path: latest.path, label: latest.name)
        }
        guard let oid = OID(hex: resolved.commit),
              let file = try gitCall({ try repository.file(at: repositoryPath(resolved.path, in: repository), inCommit: oid) }) else {
            throw FolioError(.notFound, "'\(reference.id)' does not exist at \(resolved.label)")
        }
        return (resolved.commit, file.entry.oid.hex, resolved.label)
    }

    /// Appends an entry under the write lock (compare-and-swap on the ref, retried), as the current git identity.
    func appendCommentEntry(kind: CommentEntry.Kind, prompt: String, commit: String, blob: String, text: String,
                            target: String?, label: String?, subject: String) throws -> CommentEntry {
        try withWriteLock { repository in
            let identity = try gitCall { try repository.identity(environment: environment.variables, now: environment.now()) }
            var trailers = ["Folio-Kind: \(kind.rawValue)", "Folio-Prompt: \(prompt)", "Folio-Commit: \(commit)", "Folio-Blob: \(blob)"]
            if let target { trailers.append((kind == .resolve ? "Folio-Resolves: " : "Folio-Reply-To: ") + target) }
            if let label { trailers.append("Folio-Label: \(label)") }
            // The text sits between the subject and the trailers, which are always the last paragraph: a text
            // that itself looks like trailers cannot pass for them.
            let message = "folio: \(subject)\n\n" + (text.isEmpty ? "" : text + "\n\n") + trailers.joined(separator: "\n") + "\n"
            let oid = try gitCall("record the \(kind.rawValue)") {
                let emptyTree = try repository.writeTree(applying: [], to: nil)
                for attempt in 1...5 {
                    let tip = try repository.reference(named: Self.commentLogRef)?.target
                    let entry = try repository.writeCommit(tree: emptyTree, parents: tip.map { [$0] } ?? [], identity: identity, message: message)
                    do {
                        try repository.setReference(Self.commentLogRef, to: entry, expecting: tip.map { .value($0) } ?? .absent,
                                                    message: "folio: \(kind.rawValue)")
                        return entry
                    } catch let error as GitError where error.code == .modified && attempt < 5 {
                        continue
                    }
                }
                throw GitError(code: .modified, operation: "record the \(kind.rawValue)", message: "the comment log kept moving (another clone's sync?)")
            }
            return CommentEntry(id: oid.hex, kind: kind, prompt: prompt, commit: commit, blob: blob, author: identity.author.name,
                                email: identity.author.email, date: identity.author.date, text: text, target: target, label: label)
        }
    }

    // MARK: - Reading

    /// Every entry of the comment log at `ref` (this clone's, or a remote's as last fetched), oldest first; entries
    /// made in the same second keep their order.
    func commentEntries(_ repository: Repository, from ref: String = Library.commentLogRef) throws -> [CommentEntry] {
        guard let tip = try gitCall({ try repository.reference(named: ref)?.target }) else { return [] }
        var entries: [CommentEntry] = []
        try gitCall {
            try repository.walkCommits(from: tip, topological: true) { oid in
                if let entry = Self.parseCommentEntry(try repository.commit(oid)) { entries.append(entry) }
                return true
            }
        }
        return entries.reversed().enumerated().sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element)
    }

    /// The entries about a prompt, under its id or any id it had before a rename.
    func commentEntries(of id: PromptID) throws -> [CommentEntry] {
        let ids = try Set(knownIDs(of: id).map(\.rawValue))
        return try commentEntries(requireRepository()).filter { ids.contains($0.prompt) }
    }

    /// The prompt's id and the ids it had in its earlier versions.
    func knownIDs(of id: PromptID) throws -> [PromptID] {
        let versions = (try? index().versions(ofPath: id.relativePath)) ?? []
        var ids = [id]
        for version in versions {
            if let earlier = PromptID.fromRelativePath(version.path), !ids.contains(earlier) { ids.append(earlier) }
        }
        return ids
    }

    static func parseCommentEntry(_ commit: Commit) -> CommentEntry? {
        var message = commit.message
        while message.hasSuffix("\n") { message.removeLast() }
        guard let lastBreak = message.range(of: "\n\n", options: .backwards) else { return nil }
        var fields: [String: String] = [:]
        for line in message[lastBreak.upperBound...].split(separator: "\n") {
            guard line.hasPrefix("Folio-"), let colon = line.firstIndex(of: ":") else { return nil }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        guard let kind = fields["Folio-Kind"].flatMap(CommentEntry.Kind.init(rawValue:)), let prompt = fields["Folio-Prompt"],
              let commitID = fields["Folio-Commit"], let blob = fields["Folio-Blob"] else { return nil }
        let head = message[..<lastBreak.lowerBound]
        let text = head.range(of: "\n\n").map { String(head[$0.upperBound...]) } ?? ""
        return CommentEntry(id: commit.oid.hex, kind: kind, prompt: prompt, commit: commitID, blob: blob,
                            author: commit.author.name, email: commit.author.email, date: commit.author.date, text: text,
                            target: fields["Folio-Reply-To"] ?? fields["Folio-Resolves"], label: fields["Folio-Label"])
    }

    /// A prompt's comment threads and approvals; resolved threads only when `includeResolved`.
    public func discussion(of id: PromptID, includeResolved: Bool = false) throws -> PromptDiscussion {
        let entries = try commentEntries(of: id)
        let versions = try history(of: id)
        let current = versions.last
        let numbers = Dictionary(versions.map { ($0.commit, $0.number) }, uniquingKeysWith: { $1 })
        func decorate(_ comment: PromptComment) -> PromptComment {
            var comment = comment
            comment.version = numbers[comment.commit] ?? versions.last { $0.blob == comment.blob }?.number
            comment.outdated = current.map { $0.blob != comment.blob } ?? false
            comment.replies = comment.replies.map(decorate)
            return comment
        }
        var threads: [PromptComment] = []
        var hidden = 0
        for root in entries where root.kind == .comment {
            var thread = PromptComment(root)
            thread.replies = entries.filter { $0.kind == .reply && threadRoot(of: $0, in: entries).id == root.id }.map(PromptComment.init)
            thread.resolved = resolution(of: root, in: entries)
            if thread.resolved != nil && !includeResolved {
                hidden += 1
                continue
            }
            threads.append(decorate(thread))
        }
        let approvals = entries.filter { $0.kind == .approval }.map { entry -> Approval in
            var approval = Approval(entry)
            approval.version = numbers[entry.commit] ?? versions.last { $0.blob == entry.blob }?.number
            approval.outdated = current.map { $0.blob != entry.blob } ?? false
            return approval
        }
        if entries.isEmpty && versions.isEmpty { try requireKnown(id) }
        return PromptDiscussion(prompt: id.rawValue, currentVersion: current?.number, currentBlob: current?.blob,
                                threads: threads, resolvedHidden: hidden, approvals: approvals)
    }

    /// A comment of this prompt by its id or a unique part of it.
    private func findComment(_ given: String, of id: PromptID, in entries: [CommentEntry]) throws -> CommentEntry {
        let needle = given.lowercased()
        let matches = entries.filter { ($0.kind == .comment || $0.kind == .reply) && $0.id.hasPrefix(needle) }
        guard !needle.isEmpty, let first = matches.first else {
            throw FolioError(.notFound, "'\(id)' has no comment '\(given)'; list them with: folio comments \(id) --all")
        }
        guard matches.count == 1 else {
            throw FolioError(.invalidInput, "'\(given)' is the start of several comments of \(id) (\(matches.map { String($0.id.prefix(8)) }.joined(separator: ", "))); give more of the id")
        }
        return first
    }

    /// The first comment of the thread an entry belongs to.
    private func threadRoot(of entry: CommentEntry, in entries: [CommentEntry]) -> CommentEntry {
        var current = entry
        var seen: Set<String> = [entry.id]
        while current.kind != .comment, let target = current.target,
              let parent = entries.first(where: { $0.id == target }), seen.insert(parent.id).inserted {
            current = parent
        }
        return current
    }

    /// The first resolution of a thread.
    private func resolution(of root: CommentEntry, in entries: [CommentEntry]) -> CommentResolution? {
        entries.first { $0.kind == .resolve && $0.target == root.id }.map {
            CommentResolution(id: $0.id, author: $0.author, email: $0.email, date: $0.date, text: $0.text)
        }
    }
}

extension PromptDiscussion {
    /// Threads and their replies, flattened.
    var allComments: [PromptComment] { threads.flatMap { [$0] + $0.replies } }
}

extension PromptComment {
    init(_ entry: CommentEntry) {
        self.init(id: entry.id, prompt: entry.prompt, commit: entry.commit, blob: entry.blob, version: nil, author: entry.author,
                  email: entry.email, date: entry.date, text: entry.text, replyTo: entry.kind == .reply ? entry.target : nil)
    }
}

extension Approval {
    init(_ entry: CommentEntry) {
        self.init(id: entry.id, prompt: entry.prompt, label: entry.label ?? "", commit: entry.commit, blob: entry.blob, version: nil,
                  author: entry.author, email: entry.email, date: entry.date, note: entry.text)
    }
}
