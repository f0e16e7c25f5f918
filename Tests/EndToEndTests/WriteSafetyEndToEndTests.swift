import Foundation
import Testing
import TestSupport

/// The trust promises, checked on the real binary with real processes: parallel edits lose nothing, folio's own
/// commands do not commit secrets, and a process killed half-way leaves nothing behind.
@Suite struct WriteSafetyEndToEndTests {
    static let reply = "---\ntitle: Reply\nvariables:\n- name: ticket\n---\nHandle this ticket: {{ticket}}\n"

    @Test func eightParallelEditsOfOnePromptKeepEveryKey() throws {
        let folder = TemporaryFolder("parallel-edits")
        let p = folder.path
        try folio("init", in: p)
        try folio("new", "support/reply", "--file", "-", in: p, stdin: Self.reply)
        let processes = try runConcurrently(8, in: p) { ["edit", "support/reply", "--set", "metadata.k\($0)=v\($0)"] }
        let statuses = processes.map(\.terminationStatus)
        // Each process either kept its key (exit 0) or said its change was refused because of another (exit 4).
        #expect(statuses.allSatisfy { $0 == 0 || $0 == 4 }, "\(statuses)")
        let file = try #require(folder.read("prompts/support/reply.prompt.md"))
        for (index, status) in statuses.enumerated() where status == 0 {
            #expect(file.contains("k\(index): v\(index)"), "k\(index) was lost:\n\(file)")
        }
        #expect(statuses.filter { $0 == 0 }.count == 8, "every edit touches its own key, so none has to be refused")
        let edits = try git("log", "--format=%s", in: p).split(separator: "\n").filter { $0 == "folio: edit support/reply" }
        #expect(edits.count == statuses.filter { $0 == 0 }.count)
        #expect(try git("status", "--porcelain", in: p) == "")
        try git("fsck", "--strict", in: p)
    }

    @Test func twoEditorsSavingTheSamePromptLoseNeitherEdit() throws {
        let folder = TemporaryFolder("two-editors")
        let p = folder.path
        try folio("init", in: p)
        try folio("new", "support/reply", "--file", "-", in: p, stdin: Self.reply + "\nBe brief.\n")
        // The first editor waits until the second has saved, then saves its own change to another part.
        let slow = try startEditorThatWaits(in: folder, sed: "s/^Be brief\\.$/Be brief and kind./")
        let fast = try editWithSed(in: folder, "s/^title: Reply$/title: Support reply/")
        #expect(fast.status == 0, "\(fast.stderr)")
        folder.write("second-done", "")
        slow.process.waitUntilExit()
        #expect(slow.process.terminationStatus == 0)
        let file = try #require(folder.read("prompts/support/reply.prompt.md"))
        #expect(file.contains("title: Support reply"), "the first save was lost:\n\(file)")
        #expect(file.contains("Be brief and kind."), "the second save was lost:\n\(file)")
        try git("fsck", "--strict", in: p)
    }

    @Test func twoEditorsChangingTheSameLineStopTheSecondWithExit4() throws {
        let folder = TemporaryFolder("editor-conflict")
        let p = folder.path
        try folio("init", in: p)
        try folio("new", "support/reply", "--file", "-", in: p, stdin: Self.reply)
        let slow = try startEditorThatWaits(in: folder, sed: "s/^title: Reply$/title: Mine/")
        #expect(try editWithSed(in: folder, "s/^title: Reply$/title: Theirs/").status == 0)
        folder.write("second-done", "")
        let message = String(decoding: slow.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        slow.process.waitUntilExit()
        #expect(slow.process.terminationStatus == 4, "\(message)")
        #expect(message.contains("changed meanwhile") && message.contains("key 'title'"))
        // Both versions are kept between markers, with the command that retries against the version now there.
        let retry = try #require(message.firstMatch(of: /are in (\S+), between conflict markers.*then: folio edit support\/reply --file \S+ --base ([0-9a-f]+)/))
        let kept = String(retry.1), base = String(retry.2)
        let draft = try #require(try? String(contentsOfFile: kept, encoding: .utf8))
        #expect(draft.contains("<<<<<<< yours\ntitle: Mine\n=======\ntitle: Theirs\n>>>>>>> meanwhile"))
        #expect(folder.read("prompts/support/reply.prompt.md")?.contains("title: Theirs") == true)
        // Markers left in: refused.
        let unresolved = try folio("edit", "support/reply", "--file", kept, "--base", base, in: p)
        #expect(unresolved.status == 3 && unresolved.stderr.contains("conflict marker"))
        // Meanwhile someone else changes another key; the resolved retry keeps that change too.
        #expect(try folio("edit", "support/reply", "--set", "category=care", in: p).status == 0)
        try draft.replacingOccurrences(of: "<<<<<<< yours\ntitle: Mine\n=======\ntitle: Theirs\n>>>>>>> meanwhile", with: "title: Ours together")
            .write(toFile: kept, atomically: true, encoding: .utf8)
        let resolved = try folio("edit", "support/reply", "--file", kept, "--base", base, in: p)
        #expect(resolved.status == 0, "\(resolved.stderr)")
        let file = try #require(folder.read("prompts/support/reply.prompt.md"))
        #expect(file.contains("title: Ours together") && file.contains("category: care"))
    }

    /// Starts `folio edit support/reply` with an editor that, once it has the file, waits for `second-done` in the
    /// folder and then applies `sed` to it; returns when that editor has the file open.
    private func startEditorThatWaits(in folder: TemporaryFolder, sed: String) throws -> (process: Process, stderr: Pipe) {
        folder.write("slow.sh", """
            #!/bin/sh
            touch "\(folder.path)/first-open"
            while [ ! -f "\(folder.path)/second-done" ]; do sleep 0.05; done
            sed -i '\(sed)' "$1"
            """)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.at("slow.sh"))
        let slow = Process()
        slow.executableURL = URL(fileURLWithPath: folioBinary)
        slow.arguments = ["edit", "support/reply"]
        slow.currentDirectoryURL = folder.url
        slow.environment = testEnvironment(home: folder.path, extra: ["EDITOR": folder.at("slow.sh")])
        let errors = Pipe()
        slow.standardError = errors
        slow.standardOutput = FileHandle.nullDevice
        try slow.run()
        // The second edit must start after the first read the file: wait for its editor, not for a guessed time.
        while !folder.exists("first-open") && slow.isRunning { usleep(10_000) }
        return (slow, errors)
    }

    /// `folio edit support/reply` with an editor that applies `sed` at once.
    private func editWithSed(in folder: TemporaryFolder, _ sed: String) throws -> ProcessResult {
        folder.write("fast.sh", "#!/bin/sh\nsed -i '\(sed)' \"$1\"\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.at("fast.sh"))
        return try folio("edit", "support/reply", in: folder.path, env: ["EDITOR": folder.at("fast.sh")])
    }

    @Test func aFileMadeFromAnOlderVersionIsMergedWhenItSaysWhichVersion() throws {
        let folder = TemporaryFolder("file-base")
        let p = folder.path
        try folio("init", in: p)
        try folio("new", "support/reply", "--file", "-", in: p, stdin: Self.reply)
        try folio("show", "support/reply", "--raw", in: p).stdout.write(toFile: folder.at("x.md"), atomically: true, encoding: .utf8)
        let base = try git("hash-object", "x.md", in: p)
        #expect(try folio("edit", "support/reply", "--set", "category=care", in: p).status == 0)
        try folder.read("x.md")!.replacingOccurrences(of: "title: Reply", with: "title: From file").write(toFile: folder.at("x.md"), atomically: true, encoding: .utf8)
        let result = try folio("edit", "support/reply", "--file", "x.md", "--base", String(base.prefix(8)), in: p)
        #expect(result.status == 0, "\(result.stderr)")
        let file = try #require(folder.read("prompts/support/reply.prompt.md"))
        #expect(file.contains("title: From file") && file.contains("category: care"))
    }

    @Test func folioCommandsDoNotCommitASecretThatTheHookWouldStop() throws {
        let folder = TemporaryFolder("no-secrets")
        let p = folder.path
        try folio("init", in: p)
        let head = try git("rev-parse", "HEAD", in: p)
        let key = "AKIA" + "IOSFODNN7EXAMPLE"
        folder.write("body.md", "Call the API with \(key).\n")
        let new = try folio("new", "leaky", "--body-file", "body.md", in: p)
        #expect(new.status == 3)
        #expect(new.stderr.contains(/prompts\/leaky.prompt.md:\d+:\d+: error: AWS access key/) && new.stderr.contains("secret-detected"))
        #expect(!folder.exists("prompts/leaky.prompt.md"))
        try folio("new", "ok", "--file", "-", in: p, stdin: "Fine.\n")
        #expect(try folio("edit", "ok", "--body-file", "body.md", in: p).status == 3)
        folder.write("in/.cursor/rules/leaky.mdc", "---\ndescription: Leaky\n---\nKey: \(key)\n")
        #expect(try folio("import", "in/.cursor/rules", in: p).status == 3)
        #expect(try git("log", "--format=%s", "\(head)..HEAD", in: p) == "folio: add ok")
        // A false positive goes in when the user says so, and the finding is still shown.
        let allowed = try folio("new", "leaky", "--body-file", "body.md", "--allow-secret", in: p)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stderr.contains("AWS access key"))
    }

    @Test func aTypoInAVariableNameIsNotCommitted() throws {
        let folder = TemporaryFolder("typo")
        let p = folder.path
        try folio("init", in: p)
        let result = try folio("new", "support/typo", "--file", "-", in: p,
                               stdin: "---\nvariables:\n- name: ticket\n---\nHandle this: {{tikcet}}\n")
        #expect(result.status == 3)
        #expect(result.stderr.contains("tikcet"))
        #expect(!folder.exists("prompts/support/typo.prompt.md"))
    }

    @Test func anImportKilledAtRandomPointsLeavesNothingBehind() throws {
        let folder = TemporaryFolder("killed-import")
        let p = folder.path
        try folio("init", in: p)
        for index in 0..<3_000 {
            folder.write("in/.cursor/rules/rule-\(index).mdc", "---\ndescription: Rule \(index)\n---\nFollow rule \(index).\n")
        }
        let head = try git("rev-parse", "HEAD", in: p)
        // How long a whole import takes here, so the kills land anywhere in it.
        let started = Date()
        #expect(try folio("import", "in/.cursor/rules", in: p).status == 0)
        let duration = Date().timeIntervalSince(started)
        try git("reset", "-q", "--hard", head, in: p)
        var generator = SystemRandomNumberGenerator()
        var killedDuringWrite = 0
        for _ in 0..<6 {
            // Somewhere between reading the files and committing them.
            let process = try folioKilled(["import", "in/.cursor/rules"], in: p, home: p,
                                          after: Double.random(in: 0.05...1.0, using: &generator) * duration)
            if process.terminationReason == .exit {
                // It finished before the kill: start again from the commit before.
                try git("reset", "-q", "--hard", head, in: p)
                continue
            }
            if FileManager.default.fileExists(atPath: folder.at(".git/folio/write-journal.json")) { killedDuringWrite += 1 }
            // Whatever was left, the next folio command puts it right before it does anything.
            let list = try folio("list", "--json", in: p)
            #expect(list.status == 0, "\(list.stderr)")
            #expect(try git("status", "--porcelain", "--untracked-files=all", "prompts", in: p) == "")
            try git("fsck", "--strict", in: p)
            if try git("rev-parse", "HEAD", in: p) != head {
                // Killed after its commit landed: the import is whole. Start again from the commit before.
                #expect(try git("ls-tree", "-r", "--name-only", "HEAD", "prompts/", in: p).split(separator: "\n").count == 3_001)
                try git("reset", "-q", "--hard", head, in: p)
            }
        }
        let retry = try folio("import", "in/.cursor/rules", in: p)
        #expect(retry.status == 0, "\(retry.stderr)")
        #expect(try git("ls-tree", "-r", "--name-only", "HEAD", "prompts/", in: p).split(separator: "\n").count == 3_001)
        #expect(try git("status", "--porcelain", "prompts", in: p) == "")
        print("import killed \(killedDuringWrite) times while writing files")
    }
}

@Suite struct InterruptedSyncEndToEndTests {
    /// A sync killed anywhere — fetching, checking out thousands of files, committing the merge, pushing — leaves
    /// a clone the next `folio sync` finishes: nothing looks like an uncommitted change nobody made, nothing is lost.
    @Test func aSyncKilledAtRandomPointsIsFinishedByTheNextOne() throws {
        let folder = TemporaryFolder("killed-sync")
        let p = folder.path
        try git("init", "-q", "--bare", "-b", "main", "hub-template.git", in: p)
        try folio("init", "a-template", in: p)
        #expect(try folio("remote", "add", "origin", folder.at("hub-template.git"), in: folder.at("a-template")).status == 0)
        #expect(try folio("sync", in: folder.at("a-template")).status == 0)
        #expect(try folio("clone", folder.at("hub-template.git"), "b", in: p).status == 0)
        // Someone else changes 2,000 prompts in one commit and shares it.
        for index in 0..<2_000 {
            folder.write("b/prompts/team/p\(index).prompt.md", "---\ntitle: P\(index)\n---\nPrompt \(index) from b.\n")
        }
        try git("add", "-A", in: folder.at("b"))
        try git("commit", "-qm", "b: 2,000 prompts", in: folder.at("b"))
        #expect(try folio("sync", in: folder.at("b")).status == 0)
        // Meanwhile a made a change of its own, so the sync merges.
        try folio("new", "mine", "--file", "-", in: folder.at("a-template"), stdin: "Mine.\n")
        let mine = try git("rev-parse", "HEAD", in: folder.at("a-template"))
        let theirs = try git("rev-parse", "main", in: folder.at("hub-template.git"))

        func fresh(_ name: String) throws -> (clone: String, hub: String) {
            let clone = folder.at("a-\(name)"), hub = folder.at("hub-\(name).git")
            try run("/bin/cp", ["-a", folder.at("a-template"), clone])
            try run("/bin/cp", ["-a", folder.at("hub-template.git"), hub])
            try git("remote", "set-url", "origin", hub, in: clone)
            return (clone, hub)
        }
        let measured = try fresh("measured")
        let started = Date()
        let full = try folio("sync", in: measured.clone)
        #expect(full.status == 0, "\(full.stderr)")
        let duration = Date().timeIntervalSince(started)

        var generator = SystemRandomNumberGenerator()
        for attempt in 0..<6 {
            let (clone, hub) = try fresh("\(attempt)")
            try folioKilled(["sync"], in: clone, home: p, after: Double.random(in: 0.05...1.0, using: &generator) * duration)
            // The next sync finishes the job.
            let again = try folio("sync", in: clone)
            #expect(again.status == 0, "attempt \(attempt): \(again.stderr)")
            #expect(try git("status", "--porcelain", "--untracked-files=all", in: clone) == "", "attempt \(attempt)")
            try git("fsck", "--strict", in: clone)
            try git("fsck", "--strict", in: hub)
            // Both sides' work is in the clone and on the hub.
            for side in [mine, theirs] {
                #expect(try run("/usr/bin/git", ["merge-base", "--is-ancestor", side, "HEAD"], in: clone).status == 0, "attempt \(attempt)")
                #expect(try run("/usr/bin/git", ["merge-base", "--is-ancestor", side, "main"], in: hub).status == 0, "attempt \(attempt)")
            }
            #expect(try git("rev-parse", "HEAD", in: clone) == (try git("rev-parse", "main", in: hub)))
            try FileManager.default.removeItem(atPath: clone)
            try FileManager.default.removeItem(atPath: hub)
        }
    }

    /// An edit killed at any point: the prompt is either as it was or edited and committed, never half-way.
    @Test func anEditKilledAtRandomPointsLeavesTheOldOrTheNewVersion() throws {
        let folder = TemporaryFolder("killed-edit")
        let p = folder.path
        try folio("init", in: p)
        let body = String(repeating: "A line of a long prompt.\n", count: 20_000)
        try folio("new", "long", "--file", "-", in: p, stdin: "---\ntitle: Long\n---\n" + body)
        let started = Date()
        try folio("edit", "long", "--set", "title=Measured", in: p)
        let duration = Date().timeIntervalSince(started)
        var generator = SystemRandomNumberGenerator()
        for attempt in 0..<8 {
            try folioKilled(["edit", "long", "--set", "title=T\(attempt)"], in: p, home: p,
                            after: Double.random(in: 0.1...1.2, using: &generator) * duration)
            #expect(try folio("list", in: p).status == 0)
            #expect(try git("status", "--porcelain", "--untracked-files=all", in: p) == "", "attempt \(attempt)")
            let committed = try git("show", "HEAD:prompts/long.prompt.md", in: p)
            #expect(committed.hasSuffix(body.dropLast()), "attempt \(attempt)")
            try git("fsck", "--strict", in: p)
        }
    }
}
