import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// The pieces a capture is made of: reading times and JSON fast, cutting and redacting what is kept.
@Suite struct CaptureTests {
    // MARK: - Times

    @Test(arguments: ["2025-06-14T10:31:02Z", "2025-06-14T10:31:02.123Z", "2025-06-14T10:31:02.123456Z", "2025-06-14T12:31:02+02:00",
                      "2025-06-14T05:01:02-05:30", "2000-02-29T23:59:59Z", "1969-12-31T23:59:59Z", "2025-06-14T10:31:02+0200"])
    func timesReadLikeFoundationsFormatter(_ text: String) throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = text.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        let expected = try #require(formatter.date(from: text))
        let parsed = try #require(Timestamps.parse(text))
        #expect(abs(parsed.timeIntervalSince1970 - expected.timeIntervalSince1970) < 0.001, "\(text)")
        // Written back in UTC, whole seconds, as Foundation writes it.
        #expect(Timestamps.format(parsed) == ISO8601DateFormatter().string(from: parsed))
    }

    @Test func shapesTheFastReaderDoesNotKnowStillReadOrAreRefused() {
        #expect(Timestamps.parse("2025-13-01T00:00:00Z") == nil)
        #expect(Timestamps.parse("yesterday") == nil)
        #expect(Timestamps.parse("2025-06-14T10:31:02") == nil)  // no zone: not ISO 8601 as sessions write it
        #expect(Timestamps.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(Timestamps.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
    }

    // MARK: - JSON

    @Test func theJSONReaderReadsEveryCorpusRecordAsFoundationDoes() throws {
        var compared = 0
        for url in Corpus.sessionFiles where ["jsonl", "json"].contains(url.pathExtension) {
            let data = try Data(contentsOf: url)
            let documents = url.pathExtension == "json" ? [data] : data.split(separator: UInt8(ascii: "\n")).map { Data($0) }
            for document in documents {
                let foundation = try? JSONSerialization.jsonObject(with: document, options: [.fragmentsAllowed])
                let ours = JSONReader.parse(document)
                #expect((foundation == nil) == (ours == nil), "\(url.lastPathComponent)")
                if let foundation, let ours {
                    #expect(canonical(foundation) == canonical(ours), "\(url.lastPathComponent)")
                    compared += 1
                }
            }
        }
        #expect(compared >= 90)  // every record of the corpus, not a few
    }

    @Test func escapesSurrogatesAndBrokenDocuments() throws {
        let parsed = try #require(JSONReader.parse(Data(#"{"a":"line\nnext \"q\" \\ \/ \u00e9 \ud83d\ude00 \ud800","n":[1,-2.5,3e2,true,false,null]}"#.utf8)) as? [String: Any])
        #expect(parsed["a"] as? String == "line\nnext \"q\" \\ / é 😀 \u{FFFD}")
        let numbers = try #require(parsed["n"] as? [Any])
        #expect(numbers[0] as? Int == 1 && numbers[1] as? Double == -2.5 && numbers[2] as? Double == 300 && numbers[3] as? Bool == true)
        #expect(numbers[5] is NSNull)
        for broken in ["{not json", "[1,2", #"{"a" 1}"#, #"{"a":1,}"#, "", "tru", #""open"#, "[1] x", String(repeating: "[", count: 600)] {
            #expect(JSONReader.parse(Data(broken.utf8)) == nil, "\(broken.prefix(20))")
        }
    }

    @Test func toolInputsPutWhatTheCallIsAboutFirstAndReadBack() throws {
        let input: [String: Any] = ["content": String(repeating: "x", count: 500), "file_path": "Sources/a.swift", "mode": 1, "force": false]
        let compact = JSON.compact(input)
        #expect(compact.hasPrefix(#"{"file_path":"Sources/a.swift","content":"xxx"#))
        #expect(compact.hasSuffix(#","force":false,"mode":1}"#))
        let back = try #require(JSONSerialization.jsonObject(with: Data(JSON.compact(["s": "tab\there \"quoted\" \u{1} é/"]).utf8)) as? [String: String])
        #expect(back["s"] == "tab\there \"quoted\" \u{1} é/")
    }

    // MARK: - A context's frontmatter alone

    @Test func theSourceOfAContextIsReadFromItsFrontmatterAcrossReads() throws {
        let folder = TemporaryFolder("frontmatter")
        var session = Session(tool: .codex)
        session.sessionID = "rollout \"odd\" id"
        session.turns = [Turn(role: .user, blocks: [.text(String(repeating: "session: elsewhere\n", count: 5_000))])]
        // More files than one 16 KB read holds, so the closing line is found in a later read.
        let calls = (0..<2_000).map { ToolCall(id: "c\($0)", name: "Read", input: JSON.compact(["file_path": "Sources/File\($0).swift"])) }
        let file = ContextFile(id: "2026/03/01-x", title: "x", session: session, activity: SessionActivity(calls))
        let text = file.render()
        #expect(try #require(text.range(of: "\n---\n")).lowerBound.utf16Offset(in: text) > 40_000)
        try text.write(toFile: folder.at("a.context.md"), atomically: true, encoding: .utf8)
        let source = try #require(ContextFile.source(atPath: folder.at("a.context.md"), mentioning: "rollout \"odd\" id"))
        #expect(source.tool == "codex" && source.session == "rollout \"odd\" id")
        // A frontmatter that does not mention the session is not parsed at all; the transcript is never read.
        #expect(ContextFile.source(atPath: folder.at("a.context.md"), mentioning: "elsewhere") == nil)
        // A byte order mark and CRLF line endings, as an editor may leave them.
        try Data([0xEF, 0xBB, 0xBF] + Array("---\r\nid: y\r\nsource:\r\n  tool: gemini\r\n  session: g1\r\n---\r\nbody\r\n".utf8))
            .write(to: URL(fileURLWithPath: folder.at("b.context.md")))
        #expect(ContextFile.source(atPath: folder.at("b.context.md"), mentioning: "g1")?.tool == "gemini")
        try "no frontmatter g1\n".write(toFile: folder.at("c.context.md"), atomically: true, encoding: .utf8)
        #expect(ContextFile.source(atPath: folder.at("c.context.md"), mentioning: "g1") == nil)
    }

    // MARK: - Cutting and redacting what is kept

    @Test func aSecretAcrossACutIsDroppedWholeAndOneInsideTheKeptEndIsRedacted() {
        let key = "AKIAIOSFODNN7EXAMPLE"
        // The head keeps 600 characters of an 800 limit: put the key across character 600.
        let text = String(repeating: "a ", count: 295) + "k=" + key + " " + String(repeating: "b", count: 5_000) + " tail " + key + " end"
        var redactor = Redactor(home: nil)
        let kept = redactor.keep(text, limit: 800)
        #expect(!kept.contains("AKIA"))
        #expect(!kept.contains("IOSFODNN"))
        #expect(kept.contains("characters cut …]"))
        #expect(kept.contains("tail [REDACTED:aws-access-key] end"))
        // Nothing was kept of the first key, so only the second is reported.
        #expect(redactor.report == ["1 × AWS access key"])
        // Without redaction the cut is where the limit says.
        var plain = Redactor(home: nil, enabled: false)
        #expect(plain.keep(text, limit: 800).hasPrefix(String(text.prefix(600)) + "\n[… "))
    }

    @Test func aPrivateKeyCutInItsBodyLeavesNoneOfItsBody() {
        let body = (0..<30).map { _ in String((0..<64).map { _ in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".randomElement()! }) }
        let text = "config follows\n-----BEGIN RSA PRIVATE KEY-----\n" + body.joined(separator: "\n") + "\n-----END RSA PRIVATE KEY-----\ndone"
        var redactor = Redactor(home: nil)
        let kept = redactor.keep(text, limit: 800)
        for line in body { #expect(!kept.contains(line.prefix(16))) }
        #expect(kept.hasPrefix("config follows\n[REDACTED:private-key]"))
        #expect(kept.hasSuffix("done"))
    }

    @Test func theHomeFolderBecomesATildeOnlyAsAWholeComponent() {
        var redactor = Redactor(home: "/home/ada")
        #expect(redactor.redact("cd /home/ada/src; ls /home/adam; cat /home/ada") == "cd ~/src; ls /home/adam; cat ~")
        #expect(redactor.report == ["2 × home folder → ~"])
    }

    @Test func cutsCountCharactersNotBytes() {
        let text = String(repeating: "é", count: 1_000)
        #expect(TextCut.cut(text, to: 100) == String(repeating: "é", count: 75) + "\n[… 900 characters cut …]\n" + String(repeating: "é", count: 25))
        #expect(TextCut.cut("short", to: 100) == "short")
    }

    @Test func aFileReadKeepsLessThanACommandsOutputAndTheFrontmatterKeepsThePaths() throws {
        let output = String(repeating: "line of output\n", count: 400)
        var session = Session(tool: .claudeCode)
        session.turns = [
            Turn(role: .user, blocks: [.text("go")]),
            Turn(role: .assistant, blocks: [
                .toolCall(ToolCall(id: "r", name: "Read", input: JSON.compact(["file_path": "/w/a.swift"]))), .toolResult(id: "r", output: output, isError: false),
                .toolCall(ToolCall(id: "b", name: "Bash", input: JSON.compact(["command": "make"]))), .toolResult(id: "b", output: output, isError: false),
                .toolCall(ToolCall(id: "w", name: "Write", input: JSON.compact(["file_path": "/w/b.swift", "content": output]))),
                .thinking("hmm"),
            ]),
        ]
        var redactor = Redactor(home: nil)
        let kept = session.kept(.default, redactor: &redactor)
        let outputs = kept.turns[1].blocks.compactMap { if case .toolResult(_, let text, _) = $0 { text } else { nil } }
        #expect(outputs[0].count < 500 && outputs[1].count > 800 && outputs[1].count < 900)
        #expect(!kept.turns[1].blocks.contains(.thinking("hmm")))
        var thinking = ContextFile.Cuts.default
        thinking.thinking = true
        #expect(session.kept(thinking, redactor: &redactor).turns[1].blocks.contains(.thinking("hmm")))
        // The transcript's Write input is cut, yet the file list has its path, also once read back.
        let file = ContextFile(id: "x", title: "x", session: kept, activity: SessionActivity(session.toolCalls))
        let reread = try ContextFile.parse(file.render(), path: "x.context.md")
        #expect(reread.activity.files.map(\.path) == ["/w/a.swift", "/w/b.swift"])
        #expect(reread.activity.commands == ["make"])
    }

    /// Values as text with sorted keys and numbers normalised, to compare two parsers' trees.
    private func canonical(_ value: Any) -> String {
        switch value {
        case let object as [String: Any]: "{" + object.keys.sorted().map { "\($0):\(canonical(object[$0]!))" }.joined(separator: ",") + "}"
        case let list as [Any]: "[" + list.map(canonical).joined(separator: ",") + "]"
        case let string as String: "s" + string
        case is NSNull: "null"
        case let bool as Bool where type(of: value) == Bool.self || "\(type(of: value))".contains("Boolean"): bool ? "true" : "false"
        case let number as Int where type(of: value) == Int.self: "n\(Double(number))"
        case let number as Double where type(of: value) == Double.self: "n\(number)"
        case let number as NSNumber: "n\(number.doubleValue)"
        default: "?\(value)"
        }
    }
}
