import Foundation
import FolioKit
import HTTPTypes
import Hummingbird

/// Comments and approvals, kept in git on `refs/folio/comments` (so `folio sync` carries them): a prompt's threads
/// and approvals as `folio comments --json`, comment, reply, resolve, approve. Each is recorded as the server's git
/// identity, as the CLI records it as the user's.
enum CommentRoutes: APIRoutes {
    static func register(on api: API) {
        let pool = api.library

        api.get("/prompts/**/comments") { request, context in
            let id = try PromptRoutes.id(context)
            let all = try flag(request, "all")
            return try .json(try await pool.read { library in try library.discussion(of: id, includeResolved: all) })
        }

        api.post("/prompts/**/comments") { request, context in
            let id = try PromptRoutes.id(context)
            let body = try await request.json(NewComment.self)
            let revision = body.rev.flatMap { $0.isEmpty ? nil : $0 }
            let replyTo = body.replyTo.flatMap { $0.isEmpty ? nil : $0 }
            if replyTo != nil, let revision {
                throw APIError(.badRequest, "bad_json", "a reply is about the version its thread is about: leave out 'rev' (\(revision))")
            }
            let comment = try await pool.write { library in
                try library.comment(on: PromptReference(id: id, revision: revision), text: body.text, replyTo: replyTo)
            }
            return try .json(comment, status: .created)
        }

        api.post("/prompts/**/comments/:comment/resolve") { request, context in
            let id = try PromptRoutes.id(context)
            let comment = try context.parameters.require("comment")
            let body = try await request.optionalJSON(Resolve.self) ?? Resolve()
            return try .json(try await pool.write { library in try library.resolveComment(comment, of: id, text: body.text ?? "") })
        }

        // An approval is made as the server's git identity, which must be one of the prompt's owners: whoever may
        // approve through the server acts as that owner, so it takes an admin token, not a write one.
        api.post("/prompts/**/approve", role: .admin) { request, context in
            let id = try PromptRoutes.id(context)
            let body = try await request.json(Approve.self)
            let revision = body.rev.flatMap { $0.isEmpty ? nil : $0 }
            let approval = try await pool.write { library in
                try library.approve(PromptReference(id: id, revision: revision), label: body.label, note: body.note ?? "")
            }
            return try .json(approval, status: .created)
        }
    }

    /// A true/false query parameter (absent: false).
    static func flag(_ request: Request, _ name: String) throws -> Bool {
        switch request.query(name) {
        case nil, "false", "0": return false
        case "true", "1": return true
        case let other?: throw APIError(.badRequest, "bad_query", "\(name) is true or false, not '\(other)'")
        }
    }

    // MARK: - Bodies

    struct NewComment: Decodable {
        let text: String
        /// The version commented on (`v3`, a label, a sha); default the latest.
        let rev: String?
        /// Answer this comment (its id or a unique start of it).
        let replyTo: String?

        enum CodingKeys: String, CodingKey {
            case text, rev
            case replyTo = "reply_to"
        }
    }

    struct Resolve: Decodable {
        var text: String?
    }

    struct Approve: Decodable {
        let label: String
        let rev: String?
        let note: String?
    }
}
