import Foundation
import Logging
import MCP

/// MCP's stdio transport (one JSON-RPC message per line), reading with blocking reads on a thread of its own.
/// The SDK's `StdioTransport` polls a non-blocking descriptor and sleeps 10 ms whenever nothing is waiting,
/// which put about 10 ms on every request (measured: a ping took 10.2 ms); this one answers as soon as a line
/// arrives.
///
/// When input ends (the client closed standard input, as `printf … | folio mcp` does), the stream of messages
/// the server reads ends only once every request read has been answered (or cancelled by the client): the SDK's
/// server handles each request in a task of its own and stops at the end of the stream, so ending it at once
/// dropped replies that were still being worked on.
public actor LineTransport: Transport {
    public nonisolated let logger: Logger
    private let input: Int32
    private let output: Int32
    private let stream: AsyncThrowingStream<Data, Error>
    private let continuation: AsyncThrowingStream<Data, Error>.Continuation
    private let unanswered: Unanswered
    private var started = false

    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, logger: Logger? = nil) {
        self.input = input
        self.output = output
        self.logger = logger ?? Logger(label: "folio.mcp.transport", factory: { _ in SwiftLogNoOpLogHandler() })
        (stream, continuation) = AsyncThrowingStream<Data, Error>.makeStream()
        unanswered = Unanswered(continuation)
    }

    public func connect() async throws {
        guard !started else { return }
        started = true
        let input = input, continuation = continuation, unanswered = unanswered
        let reader = Thread {
            var pending = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 65_536)
            func deliver(_ line: Data) {
                unanswered.read(line)  // before the server can see it, so its reply is awaited
                continuation.yield(line)
            }
            while true {
                let count = read(input, &buffer, buffer.count)
                if count < 0 {
                    if errno == EINTR { continue }
                    if errno == EAGAIN {  // a non-blocking descriptor: wait until it is readable
                        var descriptor = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
                        _ = poll(&descriptor, 1, -1)
                        continue
                    }
                    unanswered.inputEnded(MCPError.transportError(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)))
                    return
                }
                if count == 0 { break }
                pending.append(contentsOf: buffer[0..<count])
                var start = 0
                while let newline = pending[start...].firstIndex(of: 0x0A) {
                    if newline > start { deliver(Data(pending[start..<newline])) }
                    start = newline + 1
                }
                pending.removeFirst(start)
            }
            // A last message without its newline is still a message.
            if pending.contains(where: { !Self.isWhitespace($0) }) { deliver(Data(pending)) }
            unanswered.inputEnded(nil)
        }
        reader.name = "folio-mcp-stdin"
        reader.start()
    }

    public func disconnect() async {
        continuation.finish()
    }

    public func send(_ data: Data) async throws {
        // Counted as answered once written, or once writing failed: either way no reply is coming.
        defer { unanswered.wrote(data) }
        var message = data
        message.append(0x0A)
        try message.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(output, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    if errno == EAGAIN {
                        var descriptor = pollfd(fd: output, events: Int16(POLLOUT), revents: 0)
                        _ = poll(&descriptor, 1, -1)
                        continue
                    }
                    throw MCPError.transportError(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
                }
                offset += written
            }
        }
    }

    public func receive() -> AsyncThrowingStream<Data, Error> { stream }

    private static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
}

/// The requests read but not yet answered, and whether input has ended: the stream of messages finishes when
/// both hold. Used from the reading thread and from `send`, so behind a lock.
private final class Unanswered: @unchecked Sendable {
    private let continuation: AsyncThrowingStream<Data, Error>.Continuation
    private let lock = NSLock()
    private var requests: [ID: Int] = [:]  // by id, counted: a client may reuse one
    private var ended = false
    private var finished = false
    private var failure: Error?

    init(_ continuation: AsyncThrowingStream<Data, Error>.Continuation) { self.continuation = continuation }

    /// A message read: a request awaits its reply; a cancellation means the reply may never come (MCP says a
    /// cancelled request gets none). Told apart with the SDK's own types, in the SDK server's order: a batch is
    /// answered before the server reads on, a response is the client's, and what decodes as neither the server
    /// answers with an error no matter when input ends.
    func read(_ line: Data) {
        guard line.first(where: { $0 != 0x20 && $0 != 0x09 }) != UInt8(ascii: "[") else { return }
        let decoder = JSONDecoder()
        if (try? decoder.decode(Response<AnyMessageMethod>.self, from: line)) != nil { return }
        if let request = try? decoder.decode(Request<AnyMessageMethod>.self, from: line) {
            lock.withLock { requests[request.id, default: 0] += 1 }
        } else if let message = try? decoder.decode(Message<CancelledNotification>.self, from: line),
                  message.method == CancelledNotification.name, let id = message.params.requestId {
            settle(id)
        }
    }

    /// A message written: a response settles its request.
    func wrote(_ data: Data) {
        guard !lock.withLock({ requests.isEmpty }),
              let envelope = try? JSONDecoder().decode(Envelope.self, from: data), envelope.method == nil, let id = envelope.id
        else { return }
        settle(id)
    }

    /// Input ended, with `error` if reading failed.
    func inputEnded(_ error: Error?) {
        lock.withLock {
            ended = true
            failure = error
        }
        finishIfDone()
    }

    private func settle(_ id: ID) {
        lock.withLock {
            guard let count = requests[id] else { return }
            requests[id] = count > 1 ? count - 1 : nil
        }
        finishIfDone()
    }

    private func finishIfDone() {
        let done: (Bool, Error?) = lock.withLock {
            guard ended, requests.isEmpty, !finished else { return (false, nil) }
            finished = true
            return (true, failure)
        }
        if done.0 { continuation.finish(throwing: done.1) }
    }

    /// Any method, its parameters and result any JSON: what the SDK's server decodes messages as (its own such
    /// type is internal).
    private struct AnyMessageMethod: Method {
        static let name = ""
        typealias Parameters = Value
        typealias Result = Value
    }

    /// The keys that tell a response (an id, no method) from a request or notification.
    private struct Envelope: Decodable {
        let id: ID?
        let method: String?
    }
}
