import Foundation

/// The summary folio writes for a session whose tool gave none: what a teammate reads first. It is extracted from
/// the session, no model involved: the goal (the first request), what was done (files edited or created, the test
/// runs and their outcome at the end, other commands), the decisions and dead ends the assistant stated, the open
/// tasks, and where the session stopped. At most `wordLimit` words, one line per part, as a Markdown list.
enum SessionSummarizer {
    static let wordLimit = 200

    /// Whether folio should write a summary: the tool gave none, or only the title again.
    static func needsSummary(_ session: Session) -> Bool {
        guard let summary = session.summary?.trimmingCharacters(in: .whitespacesAndNewlines), !summary.isEmpty else { return true }
        return summary == session.title?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The summary, or nil when the session says nothing to summarize. `activity` is the session's, when the
    /// caller has it already.
    static func summary(of session: Session, activity: SessionActivity? = nil, wordLimit: Int = wordLimit) -> String? {
        var lines: [(label: String, text: String, floor: Int)] = []
        let runs = commandRuns(session)
        if let goal = goal(session) { lines.append(("Goal", goal, 12)) }
        if let done = done(session, activity: activity ?? SessionActivity(session.allToolCalls), runs: runs) { lines.append(("Done", done, 16)) }
        let decisions = statements(session, kind: .decision, limit: 3)
        if !decisions.isEmpty { lines.append(("Decisions", decisions.joined(separator: " "), 10)) }
        let deadEnds = statements(session, kind: .deadEnd, limit: 2) + reverts(runs)
        if !deadEnds.isEmpty { lines.append(("Dead ends", deadEnds.prefix(3).joined(separator: " "), 8)) }
        if let open = openTasks(session) { lines.append(("Open tasks", open, 8)) }
        if let stopped = stopped(session) { lines.append(("Stopped at", stopped, 10)) }
        guard !lines.isEmpty else { return nil }
        // Over the limit, the longest part above its floor loses a word, then the next longest…; once all are at
        // their floor, the longest of them.
        let whole = lines.map { Words.split($0.text) }
        var words = whole
        var total = lines.reduce(0) { $0 + Words.split("- " + $1.label + ":").count } + words.reduce(0) { $0 + $1.count }
        while total > wordLimit {
            let aboveFloor = words.indices.filter { words[$0].count > lines[$0].floor }
            let pool = aboveFloor.isEmpty ? words.indices.filter { words[$0].count > 1 } : aboveFloor
            guard let longest = pool.max(by: { words[$0].count < words[$1].count }) else { break }
            words[longest].removeLast()
            total -= 1
        }
        return lines.indices.map { index in
            let kept = words[index].joined(separator: " ")
            return "- \(lines[index].label): \(words[index].count < whole[index].count ? Words.ending(kept) : kept)"
        }.joined(separator: "\n")
    }

    // MARK: - The parts

    /// The first request the user typed (not a tool's wrapped text), its first paragraph, up to 40 words.
    static func goal(_ session: Session) -> String? {
        guard let request = firstRequest(session) else { return nil }
        let paragraph = request.text.components(separatedBy: "\n\n").lazy.map(Words.plain).first { !$0.isEmpty } ?? ""
        return paragraph.isEmpty ? nil : Words.sentences(paragraph, upTo: 40)
    }

    /// The first request the user typed: not text a tool wrapped in its tags (`<command-name>`), not a command to
    /// the tool itself (aider's `/add`), unless there is nothing else.
    static func firstRequest(_ session: Session) -> Turn? {
        let requests = session.turns.filter { $0.role == .user && Words.hasWords($0.text) }
        let typed = requests.filter { !$0.text.drop { $0.isWhitespace }.hasPrefix("<") }
        // `/add src/a.py src/b.py` only tells the tool which files to read; `/ask why…` is a request.
        func isToolCommand(_ turn: Turn) -> Bool {
            let words = Words.split(turn.text)
            return words.first?.hasPrefix("/") == true && words.dropFirst().allSatisfy { $0.contains("/") || $0.contains(".") || $0.contains("*") }
        }
        return typed.first { !$0.text.drop { $0.isWhitespace }.hasPrefix("/") } ?? typed.first { !isToolCommand($0) } ?? typed.first ?? requests.first
    }

    /// Files edited and created, test runs with their outcome at the end, the other commands.
    static func done(_ session: Session, activity: SessionActivity, runs: [CommandRun]) -> String? {
        var parts: [String] = []
        let folder = session.workingFolder ?? commonFolder(activity.files.map(\.path))
        func shown(_ path: String) -> String {
            guard let folder, path.hasPrefix(folder + "/") else { return "`\(path)`" }
            return "`\(path.dropFirst(folder.count + 1))`"
        }
        func list(_ paths: [String], limit: Int) -> String {
            let names = paths.prefix(limit).map(shown).joined(separator: ", ")
            return paths.count > limit ? names + " and \(paths.count - limit) more" : names
        }
        let edited = activity.files.filter { $0.action == .edit }.map(\.path)
        let created = activity.files.filter { $0.action == .write }.map(\.path)
        var files: [String] = []
        if !edited.isEmpty { files.append("edited " + list(edited, limit: 6)) }
        if !created.isEmpty { files.append("created " + list(created, limit: 4)) }
        if !files.isEmpty { parts.append(Words.capitalized(files.joined(separator: "; ")) + ".") }

        // Tests: each test command once, with how its runs went and how the last one ended.
        var tests: [(command: String, runs: [CommandRun])] = []
        for run in runs where run.isTest {
            if let index = tests.firstIndex(where: { $0.command == run.command }) { tests[index].runs.append(run) } else { tests.append((run.command, [run])) }
        }
        // The most recent test commands say most about where the work is.
        let recentTests = tests.sorted { ($0.runs.last?.position ?? 0) > ($1.runs.last?.position ?? 0) }.prefix(2)
        for test in recentTests.reversed() {
            parts.append(testSentence(test.command, test.runs))
        }
        if tests.count > 2 { parts.append("\(tests.count - 2) other test command\(tests.count == 3 ? "" : "s") ran.") }
        let others = runs.filter { !$0.isTest }
        if !others.isEmpty {
            var sentence = "Ran \(others.count) \(tests.isEmpty ? "" : "other ")command\(others.count == 1 ? "" : "s")"
            // A command whose last run failed, and that no later run of it fixed, is worth naming.
            var seen = Set<String>()
            let failing = others.reversed().filter { seen.insert($0.command).inserted }.filter { $0.outcome == .failed }.prefix(2)
            if failing.isEmpty {
                sentence += others.count <= 3 ? ": " + others.map { "`\(Words.command($0.command))`" }.joined(separator: ", ") + "." : "."
            } else {
                sentence += "; still failing: " + failing.reversed().map { run in
                    "`\(Words.command(run.command))`" + (run.errorLine.map { " (\(Words.cut($0, to: 14)))" } ?? "")
                }.joined(separator: ", ") + "."
            }
            parts.append(sentence)
        }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    /// The folder all these absolute paths are in, when it is a real one (`/workspaces/project`, not `/`).
    static func commonFolder(_ paths: [String]) -> String? {
        let absolute = paths.filter { $0.hasPrefix("/") }
        guard absolute.count >= 2 else { return nil }
        var common = absolute[0].split(separator: "/").dropLast()
        for path in absolute.dropFirst() {
            let parts = path.split(separator: "/").dropLast()
            var same = 0
            while same < min(common.count, parts.count), common[common.startIndex + same] == parts[parts.startIndex + same] { same += 1 }
            common = common.prefix(same)
        }
        return common.count >= 2 ? "/" + common.joined(separator: "/") : nil
    }

    private static func testSentence(_ command: String, _ runs: [CommandRun]) -> String {
        let last = runs.last!
        var sentence = "`\(Words.command(command))`"
        if runs.count > 1 { sentence += " ran \(runs.count) times" }
        let earlierFailed = runs.dropLast().contains { $0.outcome == .failed }
        switch last.outcome {
        case .passed: sentence += runs.count > 1 && earlierFailed ? ", failed, then passed at the end" : runs.count > 1 ? ", passed at the end" : " passed"
        case .failed: sentence += runs.count > 1 ? ", still failing at the end" : " failed"
        case .unknown: sentence += runs.count > 1 ? ", outcome of the last run unknown" : ", outcome unknown"
        }
        var details: [String] = []
        if let counts = last.counts { details.append(counts) }
        if last.outcome == .failed, let error = last.errorLine { details.append(Words.cut(error, to: 14)) }
        if !details.isEmpty { sentence += " (" + details.joined(separator: "; ") + ")" }
        return sentence + "."
    }

    /// The open tasks of the session's last plan (TodoWrite, update_plan), up to four.
    static func openTasks(_ session: Session) -> String? {
        let open = session.tasks.filter { $0.status != .completed }
        guard !open.isEmpty else { return nil }
        let shown = open.prefix(4).map { Words.cut(Words.plain($0.content), to: 14) + ($0.status == .inProgress ? " (in progress)" : "") }
        return shown.joined(separator: "; ") + (open.count > 4 ? "; and \(open.count - 4) more." : ".")
    }

    /// Where the session stopped: the assistant's last message after the last request (its closing paragraph,
    /// else its first sentences) and what it ran after it, a tool call that never returned, or a request nobody
    /// answered.
    static func stopped(_ session: Session) -> String? {
        var turns = session.turns.filter { turn in
            turn.role != .summary && turn.blocks.contains { if case .text(let text) = $0 { Words.hasWords(text) } else if case .toolCall = $0 { true } else { false } }
        }
        // Claude Code's `[Request interrupted by user]`: where the assistant was, then the interruption.
        if let last = turns.last, last.role == .user, last.text.hasPrefix("[Request interrupted by user") {
            turns.removeLast()
            var before = session
            before.turns = turns
            return (stopped(before).map { String($0.reversed().drop { $0 == "." }.reversed()) + "; " } ?? "") + "then the user interrupted."
        }
        guard let last = turns.last else { return nil }
        if last.role == .user {
            let text = Words.plain(last.text)
            guard !text.isEmpty else { return nil }
            if let first = firstRequest(session), first.text == last.text { return "the first request, with no answer." }
            return "the user's request “\(Words.sentences(text, upTo: 30))”, with no answer."
        }
        // The assistant's turns since the last request.
        let answer = Array(turns[(turns.lastIndex { $0.role != .assistant }.map { $0 + 1 } ?? 0)...])
        let calls = answer.flatMap(\.blocks).compactMap { if case .toolCall(let call) = $0 { call } else { nil } }
        var answered = Set<String>()
        for case .toolResult(let id, _, _) in session.turns.flatMap(\.blocks) { answered.insert(id) }
        // Cline and Roo end a task with attempt_completion, whose input is the final message.
        if let call = calls.last, ["attempt_completion", "attemptcompletion"].contains(call.name.lowercased()),
           let result = (JSONReader.parse(Data(call.input.utf8)) as? [String: Any])?["result"] as? String, Words.hasWords(result) {
            return closing(result)
        }
        let blocks = answer.flatMap(\.blocks)
        let lastWords = blocks.lastIndex { if case .text(let text) = $0 { Words.hasWords(text) } else { false } }
        var text = lastWords.map { index in if case .text(let words) = blocks[index] { closing(words) } else { "" } } ?? ""
        // What ran after the last words (a tool that records results but has none for this call was interrupted).
        let after = blocks[(lastWords.map { $0 + 1 } ?? 0)...].compactMap { if case .toolCall(let call) = $0 { call } else { nil } }
        if let call = after.last {
            if !answered.isEmpty, !answered.contains(call.id) {
                text += (text.isEmpty ? "" : " ") + "\(Words.capitalized(describe(call))) was running; its result was not recorded."
            } else {
                text += (text.isEmpty ? "Last " : " Then ") + (SessionActivity.command(of: call) == nil ? "called " : "ran ") + describe(call) + "."
            }
        }
        return text.isEmpty ? nil : text
    }

    /// A call as a summary names it: the command it ran, or the tool and the file it worked on.
    private static func describe(_ call: ToolCall) -> String {
        if let command = SessionActivity.command(of: call) { return "`\(Words.command(command))`" }
        guard let file = SessionActivity([call]).files.first else { return call.name }
        return "\(call.name) on `\((file.path as NSString).lastPathComponent)`"
    }

    /// The sentences that say where a message leaves things: its last paragraph of prose when that says enough,
    /// else its first sentences.
    private static func closing(_ text: String) -> String {
        let paragraphs = text.components(separatedBy: "\n\n").filter { paragraph in
            let start = paragraph.drop { $0.isWhitespace }
            // Prose: not code, a table, a quote or a list.
            guard let first = start.first, !start.hasPrefix("```"), !"|>".contains(first) else { return false }
            if "-*•".contains(first), start.dropFirst().first == " " { return false }
            return !(start.prefix { $0.isNumber }.count > 0 && start.drop { $0.isNumber }.hasPrefix(". "))
        }.map(Words.prose).filter { !$0.isEmpty }
        let last = paragraphs.last { Words.split($0).count >= 6 }
        return Words.sentences(paragraphs.count > 1 ? last ?? paragraphs[0] : paragraphs.first ?? Words.plain(text), upTo: 35)
    }

    // MARK: - Decisions and dead ends

    enum StatementKind { case decision, deadEnd }

    /// Phrases that mark a sentence as a decision (or a cause found) or a dead end, with their weight.
    static let triggers: [StatementKind: [(String, Int)]] = [
        .decision: [("instead of", 3), ("rather than", 3), ("i decided", 3), ("i've decided", 3), ("decided to", 3), ("i chose", 3),
                    ("i'll go with", 3), ("let's go with", 3), ("the cause is", 3), ("the root cause", 3), ("root cause is", 3),
                    ("is caused by", 3), ("the culprit", 3), ("the problem is", 2), ("the issue is", 2), ("the bug is", 2),
                    ("the fix is", 2), ("i'll use", 2), ("i will use", 2), ("we'll use", 2), ("let's use", 2), ("i'm going to use", 2),
                    ("the reason is", 2), ("because", 1)],
        .deadEnd: [("didn't work", 3), ("did not work", 3), ("doesn't work", 2), ("does not work", 2), ("didn't help", 3),
                   ("did not help", 3), ("didn't fix", 3), ("did not fix", 3), ("still fails", 2), ("still failing", 2), ("no luck", 3),
                   ("dead end", 3), ("revert", 3), ("roll back", 3), ("rolled back", 3), ("back out", 2), ("undo the", 2),
                   ("won't work", 2), ("will not work", 2), ("not the cause", 3), ("wasn't the", 2), ("was not the", 2),
                   ("a different approach", 2), ("another approach", 2), ("abandon", 2)],
    ]

    /// Sentences of the assistant's messages that state a decision or a dead end: the weightiest, latest first
    /// among equals, given in the session's order.
    static func statements(_ session: Session, kind: StatementKind, limit: Int) -> [String] {
        let phrases = triggers[kind]!
        var found: [(sentence: String, weight: Int, position: Int)] = []
        var seen = Set<[UInt8]>()
        var position = 0
        for turn in session.turns where turn.role == .assistant {
            for case .text(let text) in turn.blocks {
                // Most messages state nothing of the sort: one pass over the lowercased text tells.
                let lower = LowerBytes(text)
                guard phrases.contains(where: { lower.contains($0.0) }) else { position += 1; continue }
                for sentence in Words.proseSentences(text) {
                    position += 1
                    let lowered = LowerBytes(sentence)
                    let weight = phrases.filter { lowered.contains($0.0) }.map(\.1).max() ?? 0
                    // "That didn't work: it hides the bug instead of fixing it" is a dead end, not a decision.
                    if kind == .decision, triggers[.deadEnd]!.contains(where: { $0.1 == 3 && lowered.contains($0.0) }) { continue }
                    // A sentence of three words says too little; one of eighty is a paragraph.
                    let count = Words.split(sentence).count
                    guard weight > 0, count >= 4, count <= 80, !sentence.hasSuffix("?"), seen.insert(lowered.bytes).inserted else { continue }
                    found.append((sentence, weight, position))
                }
            }
        }
        let chosen = found.sorted { ($0.weight, $0.position) > ($1.weight, $1.position) }.prefix(limit)
        return chosen.sorted { $0.position < $1.position }.map { Words.cut($0.sentence, to: 30) }
    }

    /// Commands that threw work away (`git checkout -- FILE`, `git restore`, `git revert`, `git reset --hard`,
    /// `git stash`), the last two.
    static func reverts(_ runs: [CommandRun]) -> [String] {
        let commands = runs.map(\.command).filter { command in
            ["git checkout -- ", "git restore ", "git revert", "git reset --hard", "git stash"].contains { command.contains($0) }
                && !command.contains("git stash list") && !command.contains("git stash show")
        }
        return commands.suffix(2).map { "Reverted with `\(Words.command($0))`." }
    }

    // MARK: - Commands and their outcomes

    struct CommandRun {
        enum Outcome { case passed, failed, unknown }
        let command: String
        let position: Int
        let isTest: Bool
        let outcome: Outcome
        /// `12 passed, 1 failed`, as the run reported it.
        let counts: String?
        /// The run's first error line, for a failed run.
        let errorLine: String?
    }

    /// Every shell command of the session with its result.
    static func commandRuns(_ session: Session) -> [CommandRun] {
        var results: [String: (output: String, isError: Bool)] = [:]
        for turn in session.turns {
            for case .toolResult(let id, let output, let isError) in turn.blocks { results[id] = (output, isError) }
        }
        var runs: [CommandRun] = []
        for (position, call) in session.toolCalls.enumerated() {
            guard let command = SessionActivity.command(of: call) else { continue }
            let result = results[call.id]
            runs.append(run(command, output: result?.output, isError: result?.isError ?? false, position: position))
        }
        return runs
    }

    static func run(_ command: String, output: String?, isError: Bool, position: Int) -> CommandRun {
        let normalized = command.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard let output else {
            return CommandRun(command: normalized, position: position, isTest: isTestCommand(normalized), outcome: .unknown, counts: nil, errorLine: nil)
        }
        // Outcomes are at a run's end: its last lines are enough, however long the output.
        let tail = Array(output.utf8.suffix(6_000))
        let lower = LowerBytes(lowering: tail)
        let counts = TestCounts.read(bytes: tail)
        let exit = exitCode(lower) ?? exitCode(LowerBytes(lowering: output.utf8.prefix(400)))
        var outcome: CommandRun.Outcome
        if isError || (exit ?? 0) != 0 || (counts?.failed ?? 0) > 0 || counts?.failedWithoutCount == true {
            outcome = .failed
        } else if exit == 0 || counts != nil {
            outcome = .passed
        } else {
            // No exit code in the output: the tool marks failed commands as errors (Claude Code, Gemini CLI), so this
            // one ran through.
            outcome = .passed
        }
        if exit == nil, counts == nil, !isError, lower.contains("command not found") { outcome = .failed }
        return CommandRun(command: normalized, position: position, isTest: isTestCommand(normalized) || counts != nil, outcome: outcome,
                          counts: counts?.text, errorLine: outcome == .failed ? errorLine(String(decoding: tail, as: UTF8.self)) : nil)
    }

    /// `Exit code 1`, `Exit Code: 1`, `Process exited with code 1`, `"exit_code":1`.
    static func exitCode(_ text: LowerBytes) -> Int? {
        for marker in ["exit code:", "exit code", "exited with code", "\"exit_code\":", "exit status"] {
            guard let end = text.lastRange(of: marker)?.upperBound else { continue }
            let digits = text.bytes[end...].drop { $0 == 0x20 || $0 == 0x09 }.prefix { (0x30...0x39).contains($0) || $0 == 0x2D }
            if let code = Int(String(decoding: digits, as: UTF8.self)) { return code }
        }
        return nil
    }

    /// Programs that run tests, and words that ask another program (`swift test`, `npm run test:unit`) to.
    static let testPrograms: Set<String> = ["pytest", "jest", "vitest", "mocha", "rspec", "phpunit", "ctest", "tox", "nox", "bats", "karma",
                                            "ava", "tap", "nextest", "unittest", "xcodebuild"]
    static let testWords: Set<String> = ["test", "tests", "check", "spec", "specs", "pytest", "unittest", "jest", "vitest", "nextest"]
    static let runners: Set<String> = ["swift", "go", "cargo", "npm", "yarn", "pnpm", "bun", "deno", "make", "dotnet", "mvn", "gradle",
                                       "./gradlew", "gradlew", "mix", "rake", "bundle", "python", "python3", "uv", "poetry", "npx",
                                       "bunx", "hatch", "just", "flutter", "dart", "elixir", "sbt", "lein", "stack", "cabal", "zig", "php",
                                       "composer", "node", "ruby", "xcodebuild", "bazel", "nx", "turbo", "task"]

    static func isTestCommand(_ command: String) -> Bool {
        for segment in command.components(separatedBy: CharacterSet(charactersIn: "&|;")) {
            let words = segment.split(whereSeparator: \.isWhitespace).map(String.init)
                .drop { $0.contains("=") && !$0.hasPrefix("-") }  // FOO=1 pytest
            guard let program = words.first.map({ ($0 as NSString).lastPathComponent }) else { continue }
            if testPrograms.contains(program) { return true }
            if runners.contains(program) || runners.contains(words.first ?? "") {
                let rest = words.dropFirst().map { $0.lowercased() }
                let named = { (word: String) in testWords.contains(word) || testPrograms.contains(word) }
                if rest.contains(where: { word in named(word) || word.hasPrefix("test:") || word.hasPrefix("test-") || named(word.split(separator: ":").first.map(String.init) ?? "") }) { return true }
            }
        }
        return false
    }

    /// The first line of a failed run's output that says what went wrong.
    static func errorLine(_ output: String) -> String? {
        let markers = ["error:", "error[", "error TS", "Error:", "ERROR", "FAILED", "FAIL:", "FAIL ", "--- FAIL", "panic:", "Traceback",
                       "Exception", "AssertionError", "assert", "✘", "failed:", "fatal:"]
        for line in output.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            // Gemini CLI's `Error: (none)` says there was none.
            guard trimmed.utf8.count >= 6, !trimmed.hasSuffix("(none)"),
                  Array(trimmed.utf8).withUnsafeBytes({ line in markers.contains { Bytes.firstOffset(of: $0, in: line) != nil } }) else { continue }
            return Words.plain(trimmed)
        }
        return nil
    }
}

/// Test counts as test runners print them at the end of a run.
struct TestCounts: Equatable {
    var passed: Int?
    var failed: Int?
    /// A runner that said it failed without a count (`FAIL` in Go, unittest's `FAILED`).
    var failedWithoutCount = false

    var text: String? {
        var parts: [String] = []
        if let passed { parts.append("\(passed) passed") }
        if let failed, failed > 0 || passed != nil { parts.append("\(failed) failed") }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// The last summary line of a run: pytest, jest and vitest (`3 failed, 12 passed`), cargo (`12 passed; 0
    /// failed`), mocha (`12 passing`, `1 failing`), XCTest (`Executed 12 tests, with 1 failure`), Swift Testing
    /// (`Test run with 12 tests passed`, `… failed … with 1 issue`), RSpec (`12 examples, 1 failure`), unittest
    /// (`Ran 12 tests` … `OK` or `FAILED (failures=1)`), Go (`ok`, `FAIL`).
    static func read(_ output: String) -> TestCounts? { read(bytes: Array(output.utf8)) }

    /// Reads the lines' bytes: a session has thousands of outputs, and Foundation's string work is slow on Linux.
    static func read(bytes: [UInt8]) -> TestCounts? {
        let space: Set<UInt8> = [0x20, 0x09, 0x0D]
        let lines = bytes.split(separator: 0x0A).map { line in line.drop { space.contains($0) }.reversed().drop { space.contains($0) }.reversed() }
            .map { Array($0) }
        func starts(_ line: [UInt8], _ prefix: String) -> Bool { line.starts(with: prefix.utf8) }
        func equals(_ line: [UInt8], _ text: String) -> Bool { line.elementsEqual(text.utf8) }
        // Only lines with a number can hold counts.
        let lowered = lines.map { line in line.contains { (0x30...0x39).contains($0) } ? LowerBytes(lowering: line) : nil }
        for (index, lower) in lowered.enumerated().reversed() {
            guard let lower else { continue }
            if let counts = swiftTesting(lower) ?? xcTest(lower) ?? rspec(lower) { return counts }
            guard var counts = generic(lower) else { continue }
            // Mocha prints `12 passing` and `2 failing` on lines of their own.
            if counts.passed == nil,
               let above = lowered[max(0, index - 3)..<index].reversed().lazy.compactMap({ $0.flatMap(generic) }).first(where: { $0.passed != nil }) {
                counts.passed = above.passed
            }
            return counts
        }
        if let ran = lines.last(where: { starts($0, "Ran ") && $0.last == UInt8(ascii: "s") }), let total = number(before: " test", in: LowerBytes(lowering: ran)) {
            if let failedLine = lines.last(where: { starts($0, "FAILED (") }) {
                let lower = LowerBytes(lowering: failedLine)
                let failed = (number(after: "failures=", in: lower) ?? 0) + (number(after: "errors=", in: lower) ?? 0)
                return TestCounts(passed: max(total - failed, 0), failed: failed)
            }
            if lines.contains(where: { equals($0, "OK") || starts($0, "OK (") }) { return TestCounts(passed: total, failed: 0) }
        }
        // Go: `--- FAIL: TestX`, `FAIL\tpkg`, `ok  \tpkg\t0.1s`.
        if lines.contains(where: { starts($0, "--- FAIL") || equals($0, "FAIL") || starts($0, "FAIL\t") }) { return TestCounts(failedWithoutCount: true) }
        if lines.contains(where: { (starts($0, "ok ") || starts($0, "ok\t")) && $0.contains(0x09) }) {
            return TestCounts(passed: nil, failed: 0)
        }
        return nil
    }

    private static func swiftTesting(_ line: LowerBytes) -> TestCounts? {
        guard let start = line.range(of: "test run with ")?.upperBound else { return nil }
        let rest = LowerBytes(bytes: Array(line.bytes[start...]))
        guard let total = number(before: " test", in: rest) else { return nil }
        if rest.contains(" passed") { return TestCounts(passed: total, failed: 0) }
        if rest.contains(" failed") { return TestCounts(passed: nil, failed: number(before: " issue", in: rest) ?? 1) }
        return nil
    }

    private static func xcTest(_ line: LowerBytes) -> TestCounts? {
        guard line.bytes.starts(with: "executed ".utf8), let total = number(after: "executed ", in: line),
              let failures = number(after: "with ", in: line) else { return nil }
        return TestCounts(passed: max(total - failures, 0), failed: failures)
    }

    private static func rspec(_ line: LowerBytes) -> TestCounts? {
        guard let total = number(before: " example", in: line), let failures = number(before: " failure", in: line) else { return nil }
        return TestCounts(passed: max(total - failures, 0), failed: failures)
    }

    private static func generic(_ line: LowerBytes) -> TestCounts? {
        let passed = number(before: " passed", in: line) ?? number(before: " passing", in: line)
        let failed = number(before: " failed", in: line) ?? number(before: " failing", in: line)
        guard passed != nil || failed != nil else { return nil }
        let errors = number(before: " errors", in: line) ?? number(before: " error", in: line)
        let failures = failed.map { $0 + (errors ?? 0) } ?? errors
        return TestCounts(passed: passed, failed: failures ?? (passed != nil ? 0 : nil))
    }

    /// The whole number right before `word` (`12 passed`, not `v2 passed`).
    private static func number(before word: String, in line: LowerBytes) -> Int? {
        var from = 0
        while let range = line.range(of: word, from: from) {
            var start = range.lowerBound
            while start > 0, (0x30...0x39).contains(line.bytes[start - 1]) { start -= 1 }
            if start < range.lowerBound, start == 0 || !Self.isLetter(line.bytes[start - 1]) {
                return Int(String(decoding: line.bytes[start..<range.lowerBound], as: UTF8.self))
            }
            from = range.upperBound
        }
        return nil
    }

    private static func number(after word: String, in line: LowerBytes) -> Int? {
        guard let end = line.range(of: word)?.upperBound else { return nil }
        return Int(String(decoding: line.bytes[end...].prefix { (0x30...0x39).contains($0) }, as: UTF8.self))
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte) || byte >= 0x80 }
}

/// Text as bytes with ASCII letters in lower case, searched for ASCII phrases: Foundation's string search is
/// slow on Linux, and a session has thousands of tool outputs.
struct LowerBytes {
    let bytes: [UInt8]

    init(_ text: some StringProtocol) { self.init(lowering: text.utf8) }

    init(lowering bytes: some Sequence<UInt8>) {
        self.bytes = bytes.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
    }

    init(bytes: [UInt8]) { self.bytes = bytes }

    func contains(_ phrase: String) -> Bool { range(of: phrase) != nil }

    /// Where `phrase` (lower case) first occurs from byte `from` on.
    func range(of phrase: String, from: Int = 0) -> Range<Int>? {
        guard let start = bytes.withUnsafeBytes({ Bytes.firstOffset(of: phrase, in: $0, from: from) }) else { return nil }
        return start..<(start + phrase.utf8.count)
    }

    func lastRange(of phrase: String) -> Range<Int>? {
        var last: Range<Int>?
        var from = 0
        while let found = range(of: phrase, from: from) {
            last = found
            from = found.lowerBound + 1
        }
        return last
    }
}

/// Words and sentences of prose, for summaries.
enum Words {
    static func split(_ text: String) -> [String] { text.split(whereSeparator: \.isWhitespace).map(String.init) }

    /// Whether the text has anything but white space (without splitting it all).
    static func hasWords(_ text: String) -> Bool { text.contains { !$0.isWhitespace } }

    /// Text on one line, without Markdown's emphasis and heading marks.
    static func plain(_ text: String) -> String {
        var line = split(text.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "__", with: "")).joined(separator: " ")
        while line.hasPrefix("#") { line = String(line.drop { $0 == "#" }.drop { $0 == " " }) }
        return line
    }

    /// A paragraph on one line: a list in it becomes its items separated by `;`.
    static func prose(_ paragraph: String) -> String {
        var out = ""
        for raw in paragraph.split(whereSeparator: \.isNewline) {
            var line = Substring(raw.trimmingCharacters(in: .whitespaces))
            var item = false
            if let first = line.first, "-*•".contains(first), line.dropFirst().first == " " { line = line.dropFirst(2); item = true }
            let number = line.prefix { $0.isNumber }
            if !number.isEmpty, line.dropFirst(number.count).hasPrefix(". ") { line = line.dropFirst(number.count + 2); item = true }
            let text = plain(String(line))
            guard !text.isEmpty else { continue }
            if out.isEmpty { out = text } else { out += (item && !out.hasSuffix(":") ? "; " : " ") + text }
        }
        return out
    }

    /// Up to `limit` words: whole sentences when the first ones fit, else cut with `…`.
    static func sentences(_ text: String, upTo limit: Int) -> String {
        let words = split(text)
        guard words.count > limit else { return words.joined(separator: " ") }
        var end = 0
        for (index, word) in words.prefix(limit).enumerated() where [".", "!", "?"].contains(word.last.map(String.init) ?? "")
            && !word.dropLast().allSatisfy(\.isNumber) {
            end = index + 1
        }
        return end >= limit / 3 ? words.prefix(end).joined(separator: " ") : ending(words.prefix(limit).joined(separator: " "))
    }

    static func cut(_ text: String, to limit: Int) -> String {
        let words = split(text)
        return words.count <= limit ? words.joined(separator: " ") : ending(words.prefix(limit).joined(separator: " "))
    }

    /// Text cut short: its trailing punctuation off and `…` on.
    static func ending(_ text: String) -> String {
        var text = Substring(text)
        while let last = text.last, ",;:.-–—(".contains(last) || last == " " { text = text.dropLast() }
        // An unclosed code span would swallow what follows.
        return text + (text.filter { $0 == "`" }.count % 2 == 1 ? "`…" : "…")
    }

    static func capitalized(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

    /// A command as a summary shows it: on one line, at most 60 characters.
    static func command(_ command: String) -> String {
        var line = split(command).joined(separator: " ").replacingOccurrences(of: "`", with: "'")
        // `cd /the/project && swift test`: the folder is the session's.
        if line.hasPrefix("cd "), let and = line.range(of: " && ") { line = String(line[and.upperBound...]) }
        return line.count <= 60 ? line : String(line.prefix(59)) + "…"
    }

    /// The sentences of a message's prose: code blocks, tables and headings left out, list markers removed.
    static func proseSentences(_ text: String) -> [String] {
        var sentences: [String] = []
        var inFence = false
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("```") || line.hasPrefix("~~~") { inFence.toggle(); continue }
            guard !inFence, !line.isEmpty, !line.hasPrefix("|"), !line.hasPrefix("#"), !line.hasPrefix(">") else { continue }
            var content = Substring(line)
            if let first = content.first, "-*•".contains(first), content.dropFirst().first == " " { content = content.dropFirst(2) }
            let number = content.prefix { $0.isNumber }
            if !number.isEmpty, content.dropFirst(number.count).hasPrefix(". ") { content = content.dropFirst(number.count + 2) }
            // Sentence ends: `. `, `! `, `? ` (not inside a code span, where `a. b` is code).
            var current = ""
            var inCode = false
            var characters = Array(plain(String(content)))
            characters.append(" ")
            for (index, character) in characters.enumerated() {
                if character == "`" { inCode.toggle() }
                current.append(character)
                if !inCode, ".!?".contains(character), index + 1 < characters.count, characters[index + 1] == " " {
                    sentences.append(current.trimmingCharacters(in: .whitespaces))
                    current = ""
                }
            }
            let rest = current.trimmingCharacters(in: .whitespaces)
            if !rest.isEmpty { sentences.append(rest) }
        }
        return sentences
    }
}
