import Foundation
import MCP
import Testing
@testable import FolioMCP

/// The line transport under the SDK's server, over pipes as `folio mcp` runs over standard input and output.
@Suite(.timeLimit(.minutes(1))) struct LineTransportTests {
    /// A request answered after a while.
    struct Slow: MCP.Method {
        static let name = "test/slow"
        typealias Result = Value
    }

    /// A request answered only when the client gives up on it (or after a minute).
    struct Waits: MCP.Method {
        static let name = "test/waits"
        typealias Result = Value
    }

    let input = Pipe(), output = Pipe()
    let server = Server(name: "test", version: "1")
    let lines: OutputLines

    init() { lines = OutputLines(output.fileHandleForReading.fileDescriptor) }

    func start() async throws {
        await server.withMethodHandler(Slow.self) { _ in
            try await Task.sleep(nanoseconds: 300_000_000)
            return "slow done"
        }
        await server.withMethodHandler(Waits.self) { _ in
            try await Task.sleep(nanoseconds: 60_000_000_000)
            return "waited"
        }
        try await server.start(transport: LineTransport(input: input.fileHandleForReading.fileDescriptor,
                                                        output: output.fileHandleForWriting.fileDescriptor))
    }

    func send(_ lines: String...) {
        input.fileHandleForWriting.write(Data(lines.map { $0 + "\n" }.joined().utf8))
    }

    /// The next line of output, as it arrives.
    func nextReply() async -> [String: Any]? {
        guard let line = await lines.next() else { return nil }
        return try? JSONSerialization.jsonObject(with: line) as? [String: Any]
    }

    /// Closes input, waits for the server to stop, and gives the replies it wrote since, by id.
    func endInput() async throws -> [String: [String: Any]] {
        try input.fileHandleForWriting.close()
        // Should the server wait forever, the suite's time limit cancels the test, and that stops the server.
        await withTaskCancellationHandler { await server.waitUntilCompleted() } onCancel: { [server] in
            Task { await server.stop() }
        }
        try output.fileHandleForWriting.close()
        var replies: [String: [String: Any]] = [:]
        while let line = await lines.next() {
            let reply = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
            if let id = reply["id"] { replies["\(id)"] = reply }
        }
        return replies
    }

    static let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#

    @Test func aRequestStillBeingHandledWhenInputEndsIsAnswered() async throws {
        try await start()
        send(Self.initialize, #"{"jsonrpc":"2.0","id":2,"method":"test/slow"}"#)
        let replies = try await endInput()
        #expect(replies.keys.sorted() == ["1", "2"])
        #expect(replies["2"]?["result"] as? String == "slow done")
    }

    @Test func repliesArriveWhileInputStaysOpen() async throws {
        try await start()
        send(Self.initialize)
        #expect(await nextReply()?["id"] as? Int == 1)
        send(#"{"jsonrpc":"2.0","id":2,"method":"test/slow"}"#)
        #expect(await nextReply()?["result"] as? String == "slow done")
        send(#"{"jsonrpc":"2.0","id":"three","method":"ping"}"#)
        #expect(await nextReply()?["id"] as? String == "three")
        #expect(try await endInput().isEmpty)
    }

    /// MCP: a cancelled request gets no reply, so the server does not wait for one when input ends.
    @Test func aCancelledRequestDoesNotHoldTheServerAtEndOfInput() async throws {
        try await start()
        send(Self.initialize, #"{"jsonrpc":"2.0","id":2,"method":"test/waits"}"#)
        #expect(await nextReply()?["id"] as? Int == 1)
        send(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":2,"reason":"gave up"}}"#,
             #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":99}}"#)
        let replies = try await endInput()
        #expect(replies["2"] == nil)
    }

    @Test func aLastRequestWithoutItsNewlineIsAnswered() async throws {
        try await start()
        send(Self.initialize)
        input.fileHandleForWriting.write(Data(#"{"jsonrpc":"2.0","id":2,"method":"ping"}"#.utf8))
        let replies = try await endInput()
        #expect(replies.keys.sorted() == ["1", "2"])
    }

    @Test func aMessageThatIsNoRequestIsAnsweredWithAnErrorAndDoesNotHoldTheServer() async throws {
        try await start()
        send(Self.initialize, #"{"jsonrpc":"2.0","id":2,"method":"no/such"}"#, "not json", #"{"id":3}"#)
        let replies = try await endInput()
        #expect((replies["2"]?["error"] as? [String: Any])?["code"] as? Int == -32601)
        #expect((replies["3"]?["error"] as? [String: Any])?["code"] as? Int == -32700, "\(replies)")
        #expect(replies.count == 4, "\(replies)")  // and one for "not json", under an id of the server's making
    }
}

/// The lines written to a descriptor, read on a thread of their own (a blocking read must not hold one of the
/// few threads the server's tasks run on).
final class OutputLines: @unchecked Sendable {
    private var iterator: AsyncStream<Data>.Iterator

    init(_ descriptor: Int32) {
        let (stream, continuation) = AsyncStream<Data>.makeStream()
        iterator = stream.makeAsyncIterator()
        Thread {
            var line = Data()
            var byte: UInt8 = 0
            while read(descriptor, &byte, 1) == 1 {
                if byte == 0x0A {
                    continuation.yield(line)
                    line = Data()
                } else {
                    line.append(byte)
                }
            }
            continuation.finish()
        }.start()
    }

    func next() async -> Data? { await iterator.next() }
}
