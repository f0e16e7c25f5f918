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
        folder.write("slow.sh", """
            #!/bin/sh
            while [ ! -f "\(p)/second-done" ]; do sleep 0.05; done
            sed -i 's/^Be brief\\.$/Be brief and kind./' "$1"
            """)
        folder.write("fast.sh", "#!/bin/sh\nsed -i 's/^title: Reply$/title: Support reply/' \"$1\"\n")
        for script in ["slow.sh", "fast.sh"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.at(script))
        }
        let slow = Process()
        slow.executableURL = URL(fileURLWithPath: folioBinary)
        slow.arguments = ["edit", "support/reply"]
        slow.currentDirectoryURL = folder.url
        slow.environment = testEnvironment(home: p, extra: ["EDITOR": folder.at("slow.sh")])
        slow.standardOutput = FileHandle.nullDevice
        try slow.run()
        Thread.sleep(forTimeInterval: 0.3)
        let fast = try folio("edit", "support/reply", in: p, env: ["EDITOR": folder.at("fast.sh")])
        #expect(fast.status == 0, "\(fast.stderr)")
        folder.write("second-done", "")
        slow.waitUntilExit()
        #expect(slow.terminationStatus == 0)
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
        folder.write("slow.sh", """
            #!/bin/sh
            while [ ! -f "\(p)/second-done" ]; do sleep 0.05; done
            sed -i 's/^title: Reply$/title: Mine/' "$1"
            """)
        folder.write("fast.sh", "#!/bin/sh\nsed -i 's/^title: Reply$/title: Theirs/' \"$1\"\n")
        for script in ["slow.sh", "fast.sh"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.at(script))
        }
        let slow = Process()
        slow.executableURL = URL(fileURLWithPath: folioBinary)
        slow.arguments = ["edit", "support/reply"]
        slow.currentDirectoryURL = folder.url
        slow.environment = testEnvironment(home: p, extra: ["EDITOR": folder.at("slow.sh")])
        let errors = Pipe()
        slow.standardError = errors
        slow.standardOutput = FileHandle.nullDevice
        try slow.run()
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try folio("edit", "support/reply", in: p, env: ["EDITOR": folder.at("fast.sh")]).status == 0)
        folder.write("second-done", "")
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        slow.waitUntilExit()
        #expect(slow.terminationStatus == 4, "\(message)")
        #expect(message.contains("changed meanwhile") && message.contains("key 'title'"))
        // The refused text is kept, with the command that retries from it.
        let kept = try #require(message.firstMatch(of: /your text is kept in (\S+);/)?.1)
        #expect((try? String(contentsOfFile: String(kept), encoding: .utf8))?.contains("title: Mine") == true)
        #expect(folder.read("prompts/support/reply.prompt.md")?.contains("title: Theirs") == true)
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
            let process = Process()
            process.executableURL = URL(fileURLWithPath: folioBinary)
            process.arguments = ["import", "in/.cursor/rules"]
            process.currentDirectoryURL = folder.url
            process.environment = testEnvironment(home: p)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Somewhere between reading the files and committing them.
            usleep(UInt32(Double.random(in: 0.05...1.0, using: &generator) * duration * 1_000_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
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
