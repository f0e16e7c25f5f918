import Foundation
import FolioKit
import HTTPTypes
import Hummingbird

/// Contexts (saved AI coding sessions): list, get, save from an uploaded session file, restore for a tool.
///
/// `{id}` is a context's id with its slashes as they are (`/contexts/2026/03/01-fix-login`) or encoded, or a unique
/// part of it as `folio context show` takes it; an id whose last segment is `restore` must be written encoded.
/// Contexts are served as stored: redacted when they were saved, as JSON strings (never as HTML). Restoring returns
/// the text for the client to put in place: nothing is written on the server's disk.
enum ContextRoutes: APIRoutes {
    static func register(on api: API) {
        let pool = api.library

        api.get("/contexts") { request, _ in
            let limit = try request.intQuery("limit", default: 100, in: 1...1000)
            let offset = try request.intQuery("offset", default: 0, in: 0...Int.max)
            // As `folio context list --json`, with paths relative to the library (the CLI's are to the current folder).
            let all = try await pool.read { library in try library.contextSummaries().map(ContextItem.init) }
            let page = Array(all.dropFirst(offset).prefix(limit))
            return try .json(PromptRoutes.Page(items: page, total: all.count, offset: offset, limit: limit,
                                               nextOffset: offset + page.count < all.count ? offset + page.count : nil))
        }

        api.get("/contexts/**") { _, context in
            let query = try id(context)
            return try .json(try await pool.read { library in
                let id = try library.resolveContextID(query)
                let text = try library.contextText(id)
                let file = try library.context(id)
                return ContextAt(id: id, path: file.relativePath, title: file.title, tool: file.session.tool.rawValue,
                                 created: file.session.created, messages: file.session.messageCount,
                                 tags: file.tags, text: text)
            })
        }

        api.get("/contexts/**/restore") { request, context in
            let query = try id(context)
            guard let name = request.query("for") ?? Optional("brief"), let target = RestoreTarget(rawValue: name) else {
                throw APIError(.badRequest, "bad_query", "for is one of \(RestoreTarget.allCases.map(\.rawValue).joined(separator: ", ")), not '\(request.query("for") ?? "")'")
            }
            let budget = try request.intQuery("budget", default: 8_000, in: 200...1_000_000)
            let restored = try await pool.read { library in
                let id = try library.resolveContextID(query)
                let outcome = try library.restoreContext(id, for: target, budget: budget, write: false)
                return Restored(id: id, target: target.rawValue, mediaType: mediaType(target), text: outcome.text,
                                omittedTurns: outcome.omittedTurns)
            }
            if try request.boolQuery("raw") {
                return Response(status: .ok, headers: [.contentType: restored.mediaType + "; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: restored.text)))
            }
            return try .json(restored)
        }

        api.post("/contexts") { request, _ in
            let body = try await request.json(Upload.self)
            let data: Data
            switch (body.text, body.base64) {
            case (let text?, nil): data = Data(text.utf8)
            case (nil, let encoded?):
                guard let decoded = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
                    throw APIError(.badRequest, "bad_json", "base64 is not valid base64", fix: "encode the file's bytes as standard base64")
                }
                data = decoded
            default:
                throw APIError(.badRequest, "bad_json", "send the session file as 'text' (a text file) or 'base64' (its bytes), one of the two",
                               fix: "e.g. {\"name\": \"rollout-….jsonl\", \"text\": \"…the file…\"}")
            }
            var tool: Session.Tool?
            if let name = body.tool {
                guard let known = Session.Tool(rawValue: name) else {
                    throw APIError(.unprocessableContent, "invalid_input",
                                   "tool is one of \(Library.uploadableTools.map(\.rawValue).joined(separator: ", ")), not '\(name)'")
                }
                tool = known
            }
            var upload = SessionSource(tool: tool)
            upload.upload = data
            upload.fileName = body.name
            let source = upload
            var cuts = body.full == true ? ContextFile.Cuts.none : .default
            cuts.thinking = body.thinking ?? false
            let options = ContextSaveOptions(title: body.title, tags: body.tags ?? [], redact: true, commit: true, cuts: cuts)
            let saved = try await pool.write { library in ContextSaveJSON(try library.saveContext(from: source, options: options)) }
            return try .json(saved, status: saved.updated ? .ok : .created,
                             headers: [.location: API.prefix + "/contexts/" + saved.id])
        }
    }

    /// The media type of what a target restores to.
    static func mediaType(_ target: RestoreTarget) -> String {
        switch target {
        case .brief, .cursor, .copilot: "text/markdown"
        case .openai, .anthropic, .gemini: "application/json"
        case .claudeCode, .codex: "application/x-ndjson"
        }
    }

    /// The context id (or part of one) in the path.
    static func id(_ context: WebContext) throws -> String {
        guard let raw = context.parameters.getCatchAll().joined(separator: "/").removingPercentEncoding, !raw.isEmpty else {
            throw APIError(.badRequest, "bad_id", "the path names no context", fix: "write \(API.prefix)/contexts/ID; GET \(API.prefix)/contexts lists them")
        }
        guard !raw.split(separator: "/").contains(".."), !raw.hasPrefix("/") else {
            throw APIError(.badRequest, "bad_id", "'\(raw)' is not a context id")
        }
        return raw
    }

    // MARK: - Bodies and answers

    struct Upload: Decodable {
        /// The session file as text (JSONL, JSON, Markdown), or `base64` for its bytes.
        let text: String?
        let base64: String?
        /// The file's name as the tool wrote it: it helps tell the tool.
        let name: String?
        /// The tool (`claude-code`, `codex`, …); guessed from the name and the content when absent.
        let tool: String?
        let title: String?
        let tags: [String]?
        let thinking: Bool?
        let full: Bool?
    }

    /// A context in the list: `folio context list --json`'s fields.
    struct ContextItem: Encodable, Sendable {
        let id: String
        let title: String
        let tool: String
        let created: String?
        let messages: Int
        /// Relative to the library.
        let path: String

        init(_ summary: ContextSummary) {
            id = summary.id
            title = summary.title
            tool = summary.tool
            created = summary.created
            messages = summary.messages
            path = ContextFile.folder + "/" + summary.id + ContextFile.suffix
        }
    }

    /// A context as stored: its facts and the file's text.
    struct ContextAt: Encodable, Sendable {
        let id: String
        let path: String
        let title: String
        let tool: String
        let created: Date?
        let messages: Int
        let tags: [String]
        let text: String
    }

    struct Restored: Encodable, Sendable {
        let id: String
        let target: String
        let mediaType: String
        let text: String
        let omittedTurns: Int
    }
}
