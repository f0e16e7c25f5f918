import Foundation
import FolioKit
import HTTPTypes
import Hummingbird
import NIOCore

/// An error as the API answers it: `{"error": {"code", "message", "fix"}}` with its status. Every failure becomes
/// one of these in `APIError.from(_:)`, the one place where folio's error kinds map to HTTP statuses.
struct APIError: Error, Sendable {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    let fix: String?
    /// Headers the answer needs (Retry-After, WWW-Authenticate).
    var headers: HTTPFields = [:]
    /// For a change refused because the file moved on: both versions.
    var conflict: ConflictJSON?

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, fix: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.fix = fix
    }

    /// The answer to a write whose base is no longer what the file holds: what the client sent, what is there now
    /// (text and blob id, to base a retry on) and, when the two could be put side by side, the merge with markers.
    struct ConflictJSON: Encodable, Sendable {
        let path: String
        let yours: String?
        let current: String?
        let currentBlob: String?
        let merged: String?
        let renamedTo: String?
    }

    private struct Body: Encodable {
        struct Inner: Encodable {
            let code: String
            let message: String
            let fix: String?
            let conflict: ConflictJSON?
        }
        let error: Inner
    }

    func response() -> Response {
        let body = Body(error: .init(code: code, message: message, fix: fix, conflict: conflict))
        let data = (try? FolioJSON.encoder(pretty: false).encode(body))
            ?? Data(#"{"error":{"code":"internal","message":"cannot encode the error"}}"#.utf8)
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: - The one mapping

    /// Any error as the API answers it. `redacting` (the library's folder) is cut out of messages, so no answer names
    /// a path on the server; an internal failure says only that, and the log has the rest.
    static func from(_ error: any Error, redacting roots: [String] = []) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as FolioError:
            let message = redact(error.message, roots)
            switch error.kind {
            case .notFound:
                return APIError(.notFound, "not_found", message, fix: "check the id or revision; GET /api/v1/prompts lists the prompts")
            case .invalidInput:
                return APIError(.unprocessableContent, "invalid_input", message, fix: "correct the request as the message says and send it again")
            case .conflict:
                var answer = APIError(.conflict, "conflict", message,
                                      fix: error.conflict == nil ? "reload what you changed and try again"
                                          : "merge your change into conflict.current and send it again with base set to conflict.current_blob")
                if let conflict = error.conflict {
                    answer.conflict = ConflictJSON(path: conflict.path, yours: nil, current: nil, currentBlob: conflict.current,
                                                   merged: conflict.merged, renamedTo: conflict.renamedTo)
                }
                return answer
            case .git:
                return APIError(.serviceUnavailable, "git", message, fix: "the library's repository needs attention on the server (see the message)")
            case .io:
                return APIError(.internalServerError, "io", "the server could not read or write a file", fix: "the server's log names it")
            case .internal:
                return internalError
            }
        case let error as HTTPError:
            let status = error.status
            let code: String
            switch status.code {
            case 404: code = "not_found"
            case 405: code = "method_not_allowed"
            case 413: code = "too_large"
            case 400: code = "bad_request"
            default: code = status.code >= 500 ? "internal" : "error"
            }
            if status.code >= 500 { return internalError }
            return APIError(status, code, error.body.map { redact($0, roots) } ?? status.reasonPhrase)
        case is DecodingError:
            return APIError(.badRequest, "bad_json", "the body is not the JSON this endpoint takes: \(describe(error as! DecodingError))",
                            fix: "send a JSON object with the fields docs/serve.md lists for this endpoint")
        default:
            return internalError
        }
    }

    static let internalError = APIError(.internalServerError, "internal", "the server failed to answer (a bug in folio)",
                                        fix: "the server's log has the details; please report it")

    private static func redact(_ text: String, _ roots: [String]) -> String {
        var text = text
        for root in roots where !root.isEmpty {
            text = text.replacingOccurrences(of: root + "/", with: "").replacingOccurrences(of: root, with: ".")
        }
        return text
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map(\.stringValue).joined(separator: ".")
            return keys.isEmpty ? "" : " at '\(keys)'"
        }
        switch error {
        case .keyNotFound(let key, let context): return "'\(key.stringValue)' is missing\(path(context))"
        case .typeMismatch(_, let context): return "wrong type\(path(context))"
        case .valueNotFound(_, let context): return "a value is missing\(path(context))"
        case .dataCorrupted(let context): return "not valid JSON\(path(context))"
        @unknown default: return "unreadable"
        }
    }
}
