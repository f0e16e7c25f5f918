import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// Protected labels move only to a version one of the prompt's owners approved for them.
@Suite struct ApprovalTests {
    static let config = "version: 1\nlabels:\n  production:\n    protected: true\n  staging: {}\n"

    /// The library in `folder`, as `name` (`name@example.com`).
    func person(_ name: String, _ folder: String, at time: Double = 1_700_000_000) throws -> Library {
        let email = "\(name.lowercased())@example.com"
        let variables = ["GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email,
                         "GIT_AUTHOR_DATE": "@\(Int(time)) +0000", "GIT_COMMITTER_DATE": "@\(Int(time)) +0000"]
        return try Library.open(explicitPath: folder,
                                environment: FolioEnvironment(variables: variables, currentDirectory: folder, now: { Date(timeIntervalSince1970: time) }))
    }

    /// A library protecting `production`, with `greet` owned by Ada (`@ada`) at v1 and v2.
    func protectedLibrary(at path: String) throws -> Library {
        _ = try Library.initialize(at: path, withTemplates: false, environment: environment(path))
        try Self.config.write(toFile: path + "/folio.yaml", atomically: true, encoding: .utf8)
        _ = try git("commit", "-qam", "protect production", in: path)
        let ada = try person("Ada", path)
        try ada.addFile("greet", "---\nowners: ['@ada']\n---\nHello.\n")
        _ = try ada.replace(id("greet"), fileText: "---\nowners: ['@ada']\n---\nHello there.\n", source: "greet")
        return ada
    }

    func refusal(_ body: () throws -> Void) throws -> FolioError {
        do {
            try body()
        } catch let error as FolioError {
            return error
        }
        throw FolioError(.internal, "expected a refusal")
    }

    @Test func aProtectedLabelMovesOnlyToAVersionAnOwnerApproved() throws {
        let folder = TemporaryFolder("approvals")
        let ada = try protectedLibrary(at: folder.path)
        let bob = try person("Bob", folder.path, at: 1_700_000_100)
        let greet = id("greet")
        #expect(try ada.protectedLabels() == ["production"])

        // No approval: refused, naming the owners and the command.
        var error = try refusal { try bob.setLabel("production", on: greet, to: "v2") }
        #expect(error.kind == .conflict)
        #expect(error.message.contains("@ada") && error.message.contains("folio approve greet@v2 --label production"), "\(error.message)")

        // Bob is not an owner: folio does not record his approval.
        error = try refusal { try bob.approve(PromptReference(parsing: "greet@v2"), label: "production") }
        #expect(error.kind == .conflict && error.message.contains("not an owner"), "\(error.message)")
        #expect(try ada.discussion(of: greet).approvals.isEmpty)

        // An approval by a non-owner written by other means (an old folio, git itself) does not count.
        let v2 = try ada.history(of: greet)[1]
        let emptyTree = try git("hash-object", "-t", "tree", "/dev/null", in: folder.path)
        let forged = try git("commit-tree", emptyTree, "-m", "folio: approve greet@v2 for production\n\nFolio-Kind: approval\nFolio-Prompt: greet\nFolio-Commit: \(v2.commit)\nFolio-Blob: \(v2.blob)\nFolio-Label: production",
                             in: folder.path, environment: ["GIT_AUTHOR_NAME": "Bob", "GIT_AUTHOR_EMAIL": "bob@example.com"])
        _ = try git("update-ref", "refs/folio/comments", forged, in: folder.path)
        #expect(try ada.discussion(of: greet).approvals.map(\.author) == ["Bob"])
        error = try refusal { try bob.setLabel("production", on: greet, to: "v2") }
        #expect(error.message.contains("Bob <bob@example.com> approved it but is not an owner"), "\(error.message)")

        // Ada approves v1: v2 is still refused, v1 may get the label (by anyone).
        let approval = try ada.approve(PromptReference(parsing: "greet@v1"), label: "production", note: "checked")
        #expect(approval.version == 1 && approval.note == "checked")
        error = try refusal { try bob.setLabel("production", on: greet, to: "v2") }
        #expect(error.message.contains("exist for v1 only"), "\(error.message)")
        try bob.setLabel("production", on: greet, to: "v1")
        #expect(try ada.labels(of: greet).first { $0.name == "production" }?.version == 1)

        // Approved, v2 may get it; labels not protected move freely.
        try ada.approve(PromptReference(parsing: "greet@v2"), label: "production")
        try bob.setLabel("production", on: greet, to: "v2")
        try bob.setLabel("staging", on: greet, to: "v1")
        // An approval for a label that is not protected is recorded (for the record) and changes nothing.
        #expect(try ada.approve(PromptReference(parsing: "greet@v1"), label: "staging").label == "staging")
        #expect(try ada.labelApproval("staging", of: greet, revision: "v2").approved)
        #expect(try ada.labels(of: greet).map { "\($0.name)=v\($0.version ?? 0)" } == ["production=v2", "staging=v1"])
        let check = try ada.labelApproval("production", of: greet, revision: "v2")
        #expect(check.approved && check.approvals.map(\.author) == ["Ada"] && check.notByOwners.map(\.author) == ["Bob"])

        // A protected label is not removed by hand.
        error = try refusal { try ada.removeLabel("production", from: greet) }
        #expect(error.kind == .conflict && error.message.contains("protected"))
        withExtendedLifetime(folder) {}
    }

    @Test func theOwnersOfTheReleasedVersionDecide() throws {
        let folder = TemporaryFolder("approvals-owners")
        let ada = try protectedLibrary(at: folder.path)
        let greet = id("greet")
        try ada.approve(PromptReference(parsing: "greet@v2"), label: "production")
        try ada.setLabel("production", on: greet, to: "v2")
        // Bob makes himself the owner in v3: Ada, who owns the released v2, still decides.
        let bob = try person("Bob", folder.path, at: 1_700_000_100)
        _ = try bob.replace(greet, fileText: "---\nowners: [bob@example.com]\n---\nHi.\n", source: "greet")
        let error = try refusal { try bob.approve(PromptReference(parsing: "greet@v3"), label: "production") }
        #expect(error.message.contains("not an owner") && error.message.contains("@ada"), "\(error.message)")
        try ada.approve(PromptReference(parsing: "greet@v3"), label: "production")
        try bob.setLabel("production", on: greet, to: "v3")
        // A prompt without owners cannot be released under a protected label.
        try ada.addFile("bare", "Hi.\n")
        let bare = try refusal { try ada.setLabel("production", on: id("bare")) }
        #expect(bare.message.contains("names no owners"))
        withExtendedLifetime(folder) {}
    }

    @Test func ownersMatchGitIdentities() {
        #expect(Library.identity("Ada Tester", "ada@example.com", isOwner: "@ada"))
        #expect(Library.identity("Ada Tester", "ADA@example.com", isOwner: "ada@example.com"))
        #expect(Library.identity("Ada", "123+ada@users.noreply.github.com", isOwner: "@Ada"))
        #expect(Library.identity("ada", "a@b.c", isOwner: "@ada"))
        #expect(!Library.identity("Ada", "ada@example.com", isOwner: "@acme/security"))
        #expect(!Library.identity("Bob", "bob@example.com", isOwner: "@ada"))
        #expect(!Library.identity("Bob", "bob@example.com", isOwner: "ada@example.com"))
    }

    @Test func badProtectionSettingsAreNamed() throws {
        for (yaml, words) in [("labels: [production]", "mapping of label names"),
                              ("labels: {production: {protected: maybe}}", "true or false"),
                              ("labels: {production: {protect: true}}", "unknown setting 'protect'"),
                              ("labels: {Prod: {protected: true}}", "invalid label 'Prod'")] {
            let config = try LibraryConfig.decode("version: 1\n\(yaml)\n", path: "folio.yaml")
            #expect(throws: FolioError.self) { try Library.protectedLabels(in: config) }
            do { _ = try Library.protectedLabels(in: config) } catch let error as FolioError {
                #expect(error.message.contains(words), "\(error.message)")
            }
        }
    }

    @Test func reviewShowsWhetherTheNewVersionIsApprovedForAProtectedLabel() throws {
        let folder = TemporaryFolder("approvals-review")
        let ada = try protectedLibrary(at: folder.path)
        let greet = id("greet")
        try ada.approve(PromptReference(parsing: "greet@v2"), label: "production")
        try ada.setLabel("production", on: greet, to: "v2")
        _ = try git("switch", "-q", "-c", "feature", in: folder.path)
        _ = try ada.replace(greet, fileText: "---\nowners: ['@ada']\n---\nHello, friend.\n", source: "greet")

        var review = try ada.review("main")
        let missing = try #require(review.prompts.first?.protectedLabels.first)
        #expect(missing.label == "production" && !missing.approved && missing.owners == ["@ada"])
        #expect(review.missingApprovals == 1)
        #expect(review.markdown(.portable).contains("approval missing"))
        #expect(review.markdown(.portable).contains("folio approve greet@"))

        try ada.approve(PromptReference(parsing: "greet@feature"), label: "production", note: "ship it")
        review = try ada.review("main")
        let approved = try #require(review.prompts.first?.protectedLabels.first)
        #expect(approved.approved && approved.approvals.map(\.note) == ["ship it"])
        #expect(review.missingApprovals == 0)
        #expect(review.markdown(.portable).contains("approved for it by Ada"))
        // The approval is of the text: merged into main (a merge commit), the label may move there.
        _ = try git("switch", "-q", "main", in: folder.path)
        _ = try git("merge", "-q", "--no-ff", "-m", "merge feature", "feature", in: folder.path)
        try ada.setLabel("production", on: greet)
        #expect(try ada.labels(of: greet).first?.version == 3)
        withExtendedLifetime(folder) {}
    }

    /// A hub with Ada's protected library (production on v1, approved) and clones for Ada and Bob.
    func team() throws -> (TemporaryFolder, Library, Library) {
        let folder = TemporaryFolder("approvals-sync")
        _ = try git("init", "-q", "--bare", "hub.git", in: folder.path)
        var ada = try protectedLibrary(at: folder.at("ada"))
        try ada.approve(PromptReference(parsing: "greet@v1"), label: "production")
        try ada.setLabel("production", on: id("greet"), to: "v1")
        try ada.addRemote("origin", url: folder.at("hub.git"))
        _ = try ada.sync()
        _ = try Library.clone(folder.at("hub.git"), into: folder.at("bob"), environment: environment(folder.path))
        ada = try person("Ada", folder.at("ada"), at: 1_700_000_300)
        return (folder, ada, try person("Bob", folder.at("bob"), at: 1_700_000_200))
    }

    @Test func syncPutsBackAProtectedLabelMovedWithoutApproval() throws {
        let (folder, ada, bob) = try team()
        let greet = id("greet")
        let v1 = try ada.history(of: greet)[0].commit, v2 = try ada.history(of: greet)[1].commit
        // Bob moves production with git itself (as a folio without protection would), and syncs.
        _ = try git("update-ref", "refs/folio/labels/greet.prompt/production", v2, in: bob.root)
        _ = try bob.sync()
        #expect(try git("rev-parse", "refs/folio/labels/greet.prompt/production", in: folder.at("hub.git")) == v2)

        let outcome = try ada.sync()
        #expect(outcome.notes.contains { $0.contains("greet@production") && $0.contains("without an owner's approval")
            && $0.contains("folio approve greet@v2 --label production") }, "\(outcome.notes)")
        #expect(try ada.labels(of: greet).first?.commit == v1)
        #expect(try git("rev-parse", "refs/folio/labels/greet.prompt/production", in: folder.at("hub.git")) == v1)
        // Bob gets the approved version back; the label log says who put it back.
        _ = try bob.sync()
        #expect(try bob.labels(of: greet).first?.commit == v1)
        let restore = try #require(try bob.labelLog(of: greet).last)
        #expect(restore.from == v2 && restore.to == v1 && restore.user == "Ada <ada@example.com>")

        // Once Ada approves v2 and Bob moves it, everyone takes the move.
        try ada.approve(PromptReference(parsing: "greet@v2"), label: "production")
        _ = try ada.sync()
        _ = try bob.sync()
        try bob.setLabel("production", on: greet, to: "v2")
        _ = try bob.sync()
        let taken = try ada.sync()
        #expect(!taken.notes.contains { $0.contains("approval") }, "\(taken.notes)")
        #expect(try ada.labels(of: greet).first?.commit == v2)
        withExtendedLifetime(folder) {}
    }
}
