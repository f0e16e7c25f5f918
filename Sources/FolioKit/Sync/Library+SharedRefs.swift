import Foundation
internal import Git

/// What a sync round sends besides the current branch, and what it did locally to get there.
struct SharedPlan {
    /// Refspecs to push.
    var refspecs: [String] = []
    /// Tracking references to set (or delete) once the push succeeded: they remember what both sides agreed on,
    /// the base of the next sync's three-way decisions.
    var tracking: [(ref: String, to: OID?)] = []
    /// What happened, in words, for the user.
    var notes: [String] = []
}

/// A family of references sync carries besides the current branch: labels, and variant branches (experiments
/// name them). Each is decided three-way: what it was at the last sync, here, and on the remote.
struct SharedFamily: Sendable {
    /// The prefix here and on the remote (`refs/folio/labels/`).
    let prefix: String
    /// Where a fetch keeps the remote's values, for a remote.
    let trackingPrefix: @Sendable (String) -> String
    /// Labels may move back to an older commit: their push is forced (after the three-way decision).
    let forced: Bool

    static let labels = SharedFamily(prefix: Library.labelPrefix, trackingPrefix: { "refs/folio/remotes/\($0)/labels/" }, forced: true)
    /// Variants are tracked in folio's own namespace, not `refs/remotes/`: a `git clone` or `git fetch` moves
    /// those, and the base must be what the last folio sync agreed on.
    static let variants = SharedFamily(prefix: "refs/heads/" + Library.variantPrefix,
                                       trackingPrefix: { "refs/folio/remotes/\($0)/variants/" }, forced: false)
    static let all = [labels, variants]

    func refspec(_ remote: String) -> String { "+\(prefix)*:\(trackingPrefix(remote))*" }
}

extension Library {
    static func labelLogTracking(_ remote: String) -> String { "refs/folio/remotes/\(remote)/label-log" }

    /// Everything a sync fetches for `branch`: the branch, variants, labels, the label log and shared analytics.
    static func syncRefspecs(remote: String, branch: String) -> [String] {
        ["+refs/heads/\(branch):refs/remotes/\(remote)/\(branch)"] + SharedFamily.all.map { $0.refspec(remote) }
            + ["+\(labelLogRef):\(labelLogTracking(remote))", "+\(commentLogRef):\(commentLogTracking(remote))",
               "+\(analyticsRef):\(analyticsTracking(remote))"]
    }

    /// The tracking references of the shared families before a fetch, by name: the base of the three-way
    /// decisions.
    func sharedBase(_ repository: Repository, remote: String) throws -> [String: OID] {
        var base: [String: OID] = [:]
        for family in SharedFamily.all {
            for reference in try gitCall({ try repository.references(matching: family.trackingPrefix(remote) + "*") }) {
                base[reference.name] = reference.target
            }
        }
        return base
    }

    /// Deletes tracking references of things the remote no longer has (the fetch keeps them otherwise).
    func pruneTracking(_ repository: Repository, remote: String, advertised: [String: OID]) throws {
        for family in SharedFamily.all {
            let tracking = family.trackingPrefix(remote)
            for reference in try gitCall({ try repository.references(matching: tracking + "*") })
            where advertised[family.prefix + reference.name.dropFirst(tracking.count)] == nil {
                try gitCall { try repository.deleteReference(reference.name) }
            }
        }
        for single in [Self.labelLogRef: Self.labelLogTracking(remote), Self.commentLogRef: Self.commentLogTracking(remote),
                       Self.analyticsRef: Self.analyticsTracking(remote)]
        where advertised[single.key] == nil {
            if try gitCall({ try repository.reference(named: single.value) }) != nil {
                try gitCall { try repository.deleteReference(single.value) }
            }
        }
    }

    /// Decides every label and variant three-way (base = the last sync, here, there), merges the label logs,
    /// and returns what to push. Never loses a move: a label both sides moved keeps the later move and the
    /// merged log keeps both; a variant both sides changed is merged like the branch.
    func integrateShared(_ repository: Repository, remote: String, currentBranch: String, base: [String: OID]) throws -> SharedPlan {
        var plan = SharedPlan()
        // Comments and approvals first: a protected label arriving below is checked against both sides' approvals.
        try integrateLog(repository, ref: Self.commentLogRef, tracking: Self.commentLogTracking(remote), remote: remote,
                         what: "comments", into: &plan) { count in "\(Wording.count(count, "comment or approval", plural: "comments and approvals")) received from \(remote) (folio comments ID)" }
        let protected = (try? protectedLabelsOnDisk()) ?? (try? protectedLabels()) ?? []
        // Both label logs are read only when some label moved on both sides (a log can be long).
        var logs: (ours: [LabelMove], theirs: [LabelMove])?
        func labelLogs() throws -> (ours: [LabelMove], theirs: [LabelMove]) {
            if let logs { return logs }
            let read = (try labelMoves(repository, from: Self.labelLogRef), try labelMoves(repository, from: Self.labelLogTracking(remote)))
            logs = read
            return read
        }
        for family in SharedFamily.all {
            let tracking = family.trackingPrefix(remote)
            var ours: [String: OID] = [:], theirs: [String: OID] = [:]
            for reference in try gitCall({ try repository.references(matching: family.prefix + "*") }) {
                ours[String(reference.name.dropFirst(family.prefix.count))] = reference.target
            }
            for reference in try gitCall({ try repository.references(matching: tracking + "*") }) {
                theirs[String(reference.name.dropFirst(tracking.count))] = reference.target
            }
            let based = base.keys.filter { $0.hasPrefix(tracking) }.map { String($0.dropFirst(tracking.count)) }
            for name in Set(ours.keys).union(theirs.keys).union(based).sorted() {
                let local = family.prefix + name
                if local == "refs/heads/\(currentBranch)" { continue }  // the branch itself is integrated apart
                let (b, o, t) = (base[tracking + name], ours[name], theirs[name])
                if o == t { continue }
                let keepTheirs: Bool
                if o == b {
                    keepTheirs = true
                } else if t == b {
                    keepTheirs = false
                } else if family.forced {
                    let (ours, theirs) = try labelLogs()
                    keepTheirs = Self.laterMove(of: name, theirs: theirs, ours: ours)
                    let who = keepTheirs ? "the move on \(remote) (later)" : "your move (later)"
                    plan.notes.append("label \(Self.labelDisplay(name)): moved on both sides; kept \(who); both moves are in folio label log")
                } else if let o, let t {
                    // A variant changed on both sides.
                    if try gitCall({ try repository.isAncestor(o, of: t) }) {
                        keepTheirs = true
                    } else if try gitCall({ try repository.isAncestor(t, of: o) }) {
                        keepTheirs = false
                    } else if let merged = try mergeDetached(repository, ours: o, theirs: t, label: "\(remote)/\(Self.variantPrefix)\(name)") {
                        try gitCall { try repository.setReference(local, to: merged, expecting: .value(o), message: "folio: sync: merge \(remote) into variant \(name)") }
                        plan.refspecs.append("\(local):\(local)")
                        plan.tracking.append((tracking + name, merged))
                        plan.notes.append("variant \(name): merged with \(remote)")
                        continue
                    } else {
                        plan.notes.append("variant \(name): your commits and \(remote)'s change the same lines; switch to it (git switch \(Self.variantPrefix)\(name)) and run folio sync to resolve")
                        continue
                    }
                } else {
                    // Deleted on one side, changed on the other: the change wins, nothing is lost.
                    keepTheirs = t != nil
                }
                if keepTheirs, family.forced, let refusal = try unapprovedArrival(name, base: b, ours: o, theirs: t, protected: protected,
                                                                                  remote: remote, repository: repository, logs: labelLogs) {
                    plan.notes.append(refusal.note)
                    if let o {
                        // Put the approved version back on the remote, logged like any move.
                        try appendLabelLog(refusal.restore, repository: repository,
                                           identity: gitCall { try repository.identity(environment: environment.variables, now: environment.now()) })
                        plan.refspecs.append("+\(local):\(local)")
                        plan.tracking.append((tracking + name, o))
                    } else {
                        // Not taken, and asked again at the next sync: the base stays what both sides agreed on.
                        try gitCall {
                            if let b { try repository.setReference(tracking + name, to: b, expecting: .any, message: "folio: sync: not taken") }
                            else { try repository.deleteReference(tracking + name) }
                        }
                    }
                    continue
                }
                if keepTheirs {
                    try gitCall {
                        if let t { try repository.setReference(local, to: t, expecting: .any, message: "folio: sync from \(remote)") }
                        else if o != nil { try repository.deleteReference(local) }
                    }
                    if family.forced, t != nil || o != nil {
                        plan.notes.append("label \(Self.labelDisplay(name)): \(t.map { "now at \($0.short)" } ?? "removed"), as on \(remote)")
                    } else if !family.forced {
                        plan.notes.append("variant \(name): \(t == nil ? "removed, as on \(remote)" : "updated from \(remote)")")
                    }
                } else {
                    plan.refspecs.append(o.map { _ in "\(family.forced ? "+" : "")\(local):\(local)" } ?? ":\(local)")
                    plan.tracking.append((tracking + name, o))
                }
            }
        }
        try integrateLog(repository, ref: Self.labelLogRef, tracking: Self.labelLogTracking(remote), remote: remote,
                         what: "label log", into: &plan)
        return plan
    }

    /// When the remote moved (or removed) a protected label to a version no owner approved for it: what to say, and
    /// the move that puts ours back. nil when the arrival is fine: the label is not protected, the version is
    /// approved (by either side's approvals, already joined), or `folio mv` carried the label from a renamed prompt.
    private func unapprovedArrival(_ name: String, base: OID?, ours: OID?, theirs: OID?, protected: Set<String>, remote: String,
                                   repository: Repository, logs: () throws -> (ours: [LabelMove], theirs: [LabelMove]))
        throws -> (note: String, restore: LabelMove)? {
        guard let split = name.range(of: ".prompt/", options: .backwards) else { return nil }
        let label = String(name[split.upperBound...])
        guard protected.contains(label), let id = try? PromptID(String(name[..<split.lowerBound])) else { return nil }
        let lastMove = try logs().theirs.last { $0.prompt == id.rawValue && $0.label == label }
        if let lastMove, lastMove.to == theirs?.hex, lastMove.renamedFrom != nil || lastMove.renamedTo != nil { return nil }
        let display = "\(id)@\(label)"
        let kept = ours.map { "kept yours (\($0.short)) and put it back on \(remote)" } ?? "not taken here"
        let restore = LabelMove(prompt: id.rawValue, label: label, from: theirs?.hex, to: ours?.hex, user: "", date: environment.now())
        guard let theirs else {
            return ("label \(display): removed on \(remote), but \(label) is protected (folio.yaml); \(kept)", restore)
        }
        let check: LabelApprovalCheck
        do {
            check = try labelApproval(label, of: id, commit: theirs.hex, protected: protected, current: (base ?? ours)?.hex,
                                      entries: commentEntries(repository))
        } catch {
            return ("label \(display): moved on \(remote) to \(theirs.short), which could not be checked for an approval (\(error)), but \(label) is protected (folio.yaml); \(kept)", restore)
        }
        guard !check.approved else { return nil }
        let who = check.owners.isEmpty ? "\(id) names no owners to approve it" : "an owner (\(check.owners.joined(separator: ", "))) approves it with: \(check.command), then moves the label again"
        return ("label \(display): moved on \(remote) to \(theirs.short) without an owner's approval, but \(label) is protected (folio.yaml); \(kept). To release that version, \(who)", restore)
    }

    /// `review.prompt/production` → `review@production`.
    static func labelDisplay(_ name: String) -> String {
        guard let split = name.range(of: ".prompt/", options: .backwards) else { return name }
        return name[..<split.lowerBound] + "@" + name[split.upperBound...]
    }

    /// Whether the remote's latest move of the label `name` (`<id>.prompt/<label>`) is later than ours.
    private static func laterMove(of name: String, theirs: [LabelMove], ours: [LabelMove]) -> Bool {
        func latest(_ moves: [LabelMove]) -> Date {
            moves.last { "\($0.prompt).prompt/\($0.label)" == name }?.date ?? .distantPast
        }
        return latest(theirs) > latest(ours)
    }

    /// Joins two logs (the label log, the comment log): fast-forward, or a merge commit (empty tree) whose parents
    /// are both logs, so no entry of either side is lost.
    private func integrateLog(_ repository: Repository, ref: String, tracking: String, remote: String, what: String,
                              into plan: inout SharedPlan, received: ((Int) -> String)? = nil) throws {
        let ours = try gitCall { try repository.reference(named: ref)?.target }
        let theirs = try gitCall { try repository.reference(named: tracking)?.target }
        if let received, let theirs, theirs != ours {
            // Entries the remote has and this clone does not (merge commits are not entries).
            var count = 0
            try gitCall {
                try repository.walkCommits(from: theirs, hiding: ours.map { [$0] } ?? []) { oid in
                    if try repository.commit(oid).parents.count < 2 { count += 1 }
                    return true
                }
            }
            if count > 0 { plan.notes.append(received(count)) }
        }
        var result = ours
        var behind = ours == nil
        if let ours, let theirs { behind = try gitCall { try repository.isAncestor(ours, of: theirs) } }
        if let theirs, behind {
            if ours != theirs {
                try gitCall { try repository.setReference(ref, to: theirs, expecting: ours.map { .value($0) } ?? .absent, message: "folio: sync \(what)") }
            }
            result = theirs
        } else if let ours, let theirs, try !gitCall({ try repository.isAncestor(theirs, of: ours) }) {
            let identity = try gitCall { try repository.identity(environment: environment.variables, now: environment.now()) }
            let merged = try gitCall {
                let empty = try repository.writeTree(applying: [], to: nil)
                let commit = try repository.writeCommit(tree: empty, parents: [ours, theirs], identity: identity, message: "folio: \(what): merge \(remote)")
                try repository.setReference(ref, to: commit, expecting: .value(ours), message: "folio: sync \(what)")
                return commit
            }
            result = merged
        }
        if let result, result != theirs {
            plan.refspecs.append("\(ref):\(ref)")
            plan.tracking.append((tracking, result))
        }
    }

    /// Merges two commits that are not checked out (a variant branch): the merge commit, or nil on a conflict.
    private func mergeDetached(_ repository: Repository, ours: OID, theirs: OID, label: String) throws -> OID? {
        guard try gitCall({ try repository.mergeBase(ours, theirs) }) != nil else { return nil }
        let merged = try gitCall("merge \(label)") {
            try repository.merge(ours: ours, theirs: theirs) { conflict in
                guard let text = try self.fileMerge(conflict, repository, theirLabel: label), text.clean else { return nil }
                return Data(text.text.utf8)
            }
        }
        guard let tree = merged.tree else { return nil }
        return try writeMergeCommit(repository, tree: tree, parents: [ours, theirs], label: label)
    }
}
