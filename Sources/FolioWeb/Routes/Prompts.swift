import Foundation
import FolioKit
import HTTPTypes
import Hummingbird

/// Prompts: list, get (at any revision), create, update, render, history.
///
/// `{id}` is the prompt's id with its slashes as they are (`/prompts/review/security`) or encoded (`review%2Fsecurity`);
/// an id whose last segment is `history` or `render` must be written encoded, since those name the actions.
enum PromptRoutes: APIRoutes {
    static func register(on api: API) {
        let pool = api.library
        let metrics = api.metrics

        api.get("/prompts") { request, _ in
            let filter = Library.Filter(tags: request.queryAll("tag"), category: request.query("category"), status: try status(request))
            let limit = try request.intQuery("limit", default: 100, in: 1...1000)
            let offset = try request.intQuery("offset", default: 0, in: 0...Int.max)
            let entries = try await pool.read { library in try library.list(filter) }
            let page = Array(entries.dropFirst(offset).prefix(limit))
            return try .json(Page(items: page, total: entries.count, offset: offset, limit: limit,
                                  nextOffset: offset + page.count < entries.count ? offset + page.count : nil))
        }

        api.get("/prompts/**") { request, context in
            let reference = PromptReference(id: try id(context), revision: request.query("rev"))
            let found = try await pool.read { library in
                let data = try library.rawFile(reference)
                let prompt = try library.document(reference).prompt
                return PromptAt(id: reference.id.rawValue, revision: reference.revision, blob: try Library.blobID(of: data),
                                text: String(decoding: data, as: UTF8.self),
                                prompt: PromptJSON(prompt, path: reference.id.relativePath, includeBody: true))
            }
            return try .json(found, headers: [.eTag: "\"\(found.blob)\""])
        }

        api.get("/prompts/**/history") { _, context in
            let id = try id(context)
            return try .json(try await pool.read { library in try library.history(of: id) })
        }

        api.post("/prompts") { request, _ in
            let body = try await request.json(NewPrompt.self)
            let id = try PromptID(body.id)
            let written = try await pool.write { library in
                try library.noting(body.message) {
                    let outcome: ChangeOutcome
                    if let text = body.text {
                        outcome = try library.add(id, fileText: text, source: "POST \(API.prefix)/prompts")
                    } else {
                        let prompt = try library.newPrompt(id, title: body.title, description: body.description, tags: body.tags ?? [],
                                                           template: body.template, body: body.body)
                        outcome = try library.add(prompt)
                    }
                    return try Written(id: id, outcome: outcome, library: library)
                }
            }
            return try .json(written, status: .created, headers: [.location: API.prefix + "/prompts/" + id.rawValue])
        }

        api.put("/prompts/**") { request, context in
            let id = try id(context)
            let body = try await request.json(Update.self)
            guard let base = body.base, !base.isEmpty else {
                throw APIError(.badRequest, "base_required", "an update names the version it was made from: 'base', the blob id GET returned",
                               fix: "GET \(API.prefix)/prompts/\(id) and send its 'blob' as 'base' with your text")
            }
            do {
                let written = try await pool.write { library in
                    try library.requireKnown(id)
                    return try library.noting(body.message) {
                        let outcome = try library.replace(id, fileText: body.text, source: "PUT \(API.prefix)/prompts/\(id)",
                                                          base: try library.blobText(base))
                        return try Written(id: id, outcome: outcome, library: library)
                    }
                }
                return try .json(written)
            } catch let error as FolioError where error.conflict != nil {
                // Both versions go back: the text sent, and the file's text now with its blob id to base a retry on.
                var answer = APIError.from(error, redacting: pool.redacted)
                var current: String?
                if let blob = error.conflict?.current { current = try? await pool.read { try $0.blobText(blob) } }
                if let conflict = answer.conflict {
                    answer.conflict = APIError.ConflictJSON(path: conflict.path, yours: body.text, current: current,
                                                           currentBlob: conflict.currentBlob, merged: conflict.merged, renamedTo: conflict.renamedTo)
                }
                throw answer
            }
        }

        api.post("/prompts/**/render", role: .read) { request, context in
            let id = try id(context)
            let body = try await request.optionalJSON(RenderRequest.self) ?? RenderRequest()
            let reference = PromptReference(id: id, revision: body.rev ?? request.query("rev"))
            let inputs = (body.variables ?? [:]).mapValues { value -> VariableInput in
                if case .string(let text) = value { return .text(text) }
                return .value(value)
            }
            let client = request.headers[HTTPField.Name("X-Folio-Client")!] ?? request.headers[.userAgent] ?? "unknown"
            let rendered = try await pool.read { library in
                let rendering = try library.render(reference, inputs: inputs, allowExtra: body.allowExtra ?? false)
                let event = try library.record(.render, prompt: reference, source: "api", client: String(client.prefix(200)))
                return RenderJSON(id: id.rawValue, text: rendering.text, variables: .map(rendering.variables),
                                  includes: rendering.includes.map(\.rawValue), estimatedTokens: rendering.estimatedTokens,
                                  eventID: event.id, variant: nil)
            }
            metrics.rendered(source: "api")
            return try .json(rendered)
        }
    }

    // MARK: - Parsing

    /// The prompt id in the path (the `**` part), decoded and checked.
    static func id(_ context: WebContext) throws -> PromptID {
        guard let raw = context.parameters.getCatchAll().joined(separator: "/").removingPercentEncoding, !raw.isEmpty else {
            throw APIError(.badRequest, "bad_id", "the path names no prompt id", fix: "write \(API.prefix)/prompts/ID, e.g. \(API.prefix)/prompts/review/security")
        }
        do {
            return try PromptID(raw)
        } catch let error as FolioError {
            throw APIError(.badRequest, "bad_id", error.message)
        }
    }

    static func status(_ request: Request) throws -> PromptStatus? {
        guard let text = request.query("status") else { return nil }
        guard let status = PromptStatus(rawValue: text) else {
            throw APIError(.badRequest, "bad_query", "status is one of \(PromptStatus.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'")
        }
        return status
    }

    // MARK: - Bodies

    struct NewPrompt: Decodable {
        let id: String
        /// The whole file (frontmatter and body); or the fields below, as `folio new` takes them.
        let text: String?
        let title: String?
        let description: String?
        let tags: [String]?
        let template: String?
        let body: String?
        /// Words for the commit message's body (folio's line stays its subject).
        let message: String?
    }

    struct Update: Decodable {
        /// The whole new file.
        let text: String
        /// The blob id of the version the text was made from (GET's `blob`).
        let base: String?
        /// Words for the commit message's body (folio's line stays its subject).
        let message: String?
    }

    struct RenderRequest: Decodable {
        var variables: [String: Value]?
        var rev: String?
        var allowExtra: Bool?

        enum CodingKeys: String, CodingKey {
            case variables, rev
            case allowExtra = "allow_extra"
        }
    }

    // MARK: - Answers

    struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
        let items: [Item]
        let total: Int
        let offset: Int
        let limit: Int
        let nextOffset: Int?
    }

    struct PromptAt: Encodable, Sendable {
        let id: String
        let revision: String?
        /// The blob id of the file at that revision: what an update names as its `base`.
        let blob: String
        let text: String
        let prompt: PromptJSON
    }

    /// What a write did: the commit, and the blob id the file is at now (the next update's `base`).
    struct Written: Encodable, Sendable {
        let id: String
        let blob: String?
        let commit: String?
        let message: String
        let changed: Bool
        let warnings: [String]

        init(id: PromptID, outcome: ChangeOutcome, library: Library) throws {
            self.id = id.rawValue
            blob = try? Library.blobID(of: try library.rawFile(id))
            commit = outcome.commit
            message = outcome.message
            changed = outcome.changed
            warnings = outcome.warnings
        }
    }
}
