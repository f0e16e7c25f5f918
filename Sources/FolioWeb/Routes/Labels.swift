import Foundation
import FolioKit
import HTTPTypes
import Hummingbird

/// Release labels: list, set or move, remove, the move log, and whether a protected label may point at a version.
/// The models are `folio label list --json` (`Label`) and `folio label log --json` (`LabelMove`).
///
/// A protected label (folio.yaml `labels: {production: {protected: true}}`) moves only to a version one of the
/// prompt's owners approved for it: otherwise 409 `approval_required`, whose `fix` is the approval to make.
enum LabelRoutes: APIRoutes {
    static func register(on api: API) {
        let pool = api.library

        api.get("/labels") { request, _ in
            let id = try request.query("prompt").map(promptID)
            return try .json(try await pool.read { library in try library.labels(of: id) })
        }

        api.get("/labels/log") { request, _ in
            let id = try request.query("prompt").map(promptID)
            return try .json(try await pool.read { library in try library.labelLog(of: id) })
        }

        api.get("/prompts/**/labels") { _, context in
            let id = try PromptRoutes.id(context)
            return try .json(try await pool.read { library in try library.labels(of: id) })
        }

        api.post("/prompts/**/labels") { request, context in
            let id = try PromptRoutes.id(context)
            let body = try await request.json(SetLabel.self)
            let revision = body.rev.flatMap { $0.isEmpty ? nil : $0 }
            do {
                let set = try await pool.write { library in
                    let move = try library.setLabel(body.label, on: id, to: revision)
                    let label = try library.labels(of: id).first { $0.name == body.label }
                    return LabelSet(label: label, move: move, changed: move.from != move.to)
                }
                return try .json(set)
            } catch let error as FolioError where error.kind == .conflict {
                throw await protectedRefusal(error, label: body.label, of: id, revision: revision, pool: pool)
            }
        }

        api.delete("/prompts/**/labels/:label") { _, context in
            let id = try PromptRoutes.id(context)
            let label = try context.parameters.require("label")
            do {
                return try .json(try await pool.write { library in try library.removeLabel(label, from: id) })
            } catch let error as FolioError where error.kind == .conflict {
                throw APIError(.conflict, "protected_label", error.message,
                               fix: "point it at an approved version instead: POST \(API.prefix)/prompts/\(id)/labels {\"label\": \"\(label)\", \"rev\": \"vN\"}")
            }
        }

        api.get("/prompts/**/labels/:label/approval") { request, context in
            let id = try PromptRoutes.id(context)
            let label = try context.parameters.require("label")
            let revision = request.query("rev")
            return try .json(try await pool.read { library in try library.labelApproval(label, of: id, revision: revision) })
        }
    }

    /// A label query's prompt id (`?prompt=`).
    static func promptID(_ text: String) throws -> PromptID {
        do {
            return try PromptID(text)
        } catch let error as FolioError {
            throw APIError(.badRequest, "bad_query", error.message)
        }
    }

    /// A refused label move: when the label is protected and the version not approved, 409 `approval_required`
    /// with the approval to make; any other conflict as it is.
    static func protectedRefusal(_ error: FolioError, label: String, of id: PromptID, revision: String?, pool: LibraryPool) async -> APIError {
        let check = try? await pool.read { library in try library.labelApproval(label, of: id, revision: revision) }
        guard let check, check.protected, !check.approved else { return APIError.from(error, redacting: pool.redacted) }
        let version = check.version.map { "v\($0)" } ?? check.commit
        let fix = check.owners.isEmpty
            ? "name the prompt's owners first (its 'owners' key), then have one of them approve \(version)"
            : "one of the owners (\(check.owners.joined(separator: ", "))) approves it: \(check.command) "
                + "(or POST \(API.prefix)/prompts/\(id)/approve {\"label\": \"\(label)\", \"rev\": \"\(version)\"} on a server running as that owner), then set the label again"
        return APIError(.conflict, "approval_required", APIError.from(error, redacting: pool.redacted).message, fix: fix)
    }

    // MARK: - Bodies

    struct SetLabel: Decodable {
        let label: String
        /// The version (`v7`) or revision; default the latest version.
        let rev: String?
    }

    /// What setting a label did: the label now (with its version) and the move logged.
    struct LabelSet: Encodable, Sendable {
        let label: Label?
        let move: LabelMove
        /// False when the label already pointed there.
        let changed: Bool
    }
}
