import Foundation
import FolioKit
import HTTPTypes
import Hummingbird

/// Prompts, the rest: rename, delete, diff between any two revisions (the work tree included), revert. Each write
/// is one commit, as `folio mv`, `folio rm` and `folio revert` make it, with the client's optional `message` as the
/// commit message's body.
///
/// The actions are path suffixes after the id, as in Routes/Prompts.swift (`/prompts/**/diff`): an id with a
/// segment after its first named like one of them (`diff`, `rename`, `revert`, …) is written encoded
/// (`tools%2Fdiff`).
enum PromptChangeRoutes: APIRoutes {
    static func register(on api: API) {
        let pool = api.library

        api.post("/prompts/**/rename") { request, context in
            let id = try PromptRoutes.id(context)
            let body = try await request.json(Rename.self)
            let new = try newID(body.to)
            let written = try await pool.write { library in
                try library.noting(body.message) {
                    let outcome = try library.move(id, to: new)
                    return try PromptRoutes.Written(id: new, outcome: outcome, library: library)
                }
            }
            return try .json(written, headers: [.location: API.prefix + "/prompts/" + new.rawValue])
        }

        api.delete("/prompts/**") { request, context in
            let id = try PromptRoutes.id(context)
            let body = try await request.optionalJSON(Delete.self) ?? Delete()
            guard let base = try base(body.base, request) else {
                throw APIError(.badRequest, "base_required", "a deletion names the version it was decided on: 'base' (or an If-Match header), the blob id GET returned",
                               fix: "GET \(API.prefix)/prompts/\(id) and send its 'blob' as 'base'")
            }
            do {
                let written = try await pool.write { library in
                    try library.noting(body.message) {
                        try library.requireKnown(id)
                        let outcome = try library.remove(id, force: body.force ?? false, base: try library.blobText(base))
                        return try PromptRoutes.Written(id: id, outcome: outcome, library: library)
                    }
                }
                return try .json(written)
            } catch let error as FolioError where error.conflict != nil {
                throw await conflict(error, yours: nil, pool: pool)
            }
        }

        api.get("/prompts/**/diff") { request, context in
            let id = try PromptRoutes.id(context)
            let from = request.query("from"), to = request.query("to")
            return try .json(try await pool.read { library in try library.diff(id, from: from, to: to) })
        }

        api.post("/prompts/**/revert") { request, context in
            let id = try PromptRoutes.id(context)
            let body = try await request.json(Revert.self)
            guard !body.to.isEmpty else {
                throw APIError(.badRequest, "bad_json", "'to' names the version to restore: v3, a label, a sha")
            }
            do {
                let written = try await pool.write { library in
                    try library.noting(body.message) {
                        try PromptRoutes.Written(id: id, outcome: try library.revert(id, to: body.to), library: library)
                    }
                }
                return try .json(written)
            } catch let error as FolioError where error.conflict != nil {
                throw await conflict(error, yours: nil, pool: pool)
            }
        }
    }

    // MARK: - Parsing

    /// The new id of a rename: a bad one is a 422 like any invalid input.
    static func newID(_ text: String) throws -> PromptID {
        try PromptID(text)
    }

    /// The blob a write was based on: `base` in the body, else `?base=`, else If-Match (`"blob"`, weak or strong).
    static func base(_ given: String?, _ request: Request) throws -> String? {
        if let given, !given.isEmpty { return given }
        if let query = request.query("base") { return query }
        guard let match = request.headers[.ifMatch]?.trimmingCharacters(in: .whitespaces), !match.isEmpty else { return nil }
        guard match != "*" else {
            throw APIError(.badRequest, "base_required", "If-Match: * names no version; send the blob id GET returned (its ETag)")
        }
        let tag = match.hasPrefix("W/") ? String(match.dropFirst(2)) : match
        return tag.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }

    /// A write refused because the file moved on: the API's 409, with the file's text now beside its blob id.
    static func conflict(_ error: FolioError, yours: String?, pool: LibraryPool) async -> APIError {
        var answer = APIError.from(error, redacting: pool.redacted)
        var current: String?
        if let blob = error.conflict?.current { current = try? await pool.read { try $0.blobText(blob) } }
        if let conflict = answer.conflict {
            answer.conflict = APIError.ConflictJSON(path: conflict.path, yours: yours, current: current, currentBlob: conflict.currentBlob,
                                                   merged: conflict.merged, renamedTo: conflict.renamedTo)
        }
        return answer
    }

    // MARK: - Bodies

    struct Rename: Decodable {
        /// The new id.
        let to: String
        let message: String?
    }

    struct Delete: Decodable {
        var base: String?
        var force: Bool?
        var message: String?
    }

    struct Revert: Decodable {
        /// The version to restore: `v3`, a label, a sha, `HEAD~2`.
        let to: String
        let message: String?
    }
}
