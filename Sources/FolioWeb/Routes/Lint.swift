import Foundation
import FolioKit
import Hummingbird

/// Lint: the library's files as they are (`GET /lint`), or a file's text before it is saved (`POST /lint`), both
/// answered as `folio lint --format json` prints them. Nothing is written.
enum LintRoutes: APIRoutes {
    static func register(on api: API) {
        let pool = api.library

        api.get("/lint") { request, _ in
            let strict = try request.boolQuery("strict")
            let paths = try request.queryAll("path").map(libraryPath)
            let report = try await pool.read { library in
                let full = paths.map { library.root + ($0.isEmpty ? "" : "/" + $0) }
                // The CLI reports a missing path as a finding naming it as given; here that would be a server path.
                if let missing = zip(paths, full).first(where: { !FileManager.default.fileExists(atPath: $0.1) }) {
                    throw APIError(.notFound, "not_found", "there is no file or folder '\(missing.0)' in the library",
                                   fix: "give a path relative to the library, e.g. path=prompts/review")
                }
                return try library.lint(paths: full)
            }
            return try .json(LintReportJSON(report, strict: strict))
        }

        // Role read: it changes nothing, it only takes a body too large for a query.
        api.post("/lint", role: .read) { request, _ in
            let body = try await request.json(LintText.self)
            let report = try await pool.read { library in try library.lint(text: body.text, at: body.path) }
            return try .json(LintReportJSON(report, strict: body.strict ?? false))
        }
    }

    /// A library-relative path from a query (`prompts/review`), refused when it would leave the library.
    static func libraryPath(_ text: String) throws -> String {
        var path = text
        while path.hasSuffix("/") { path.removeLast() }
        if path == "." { path = "" }
        guard !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
            throw APIError(.badRequest, "bad_query", "path must be relative to the library and stay inside it, not '\(text)'",
                           fix: "give a folder or file below the library, e.g. path=prompts/review")
        }
        return path
    }

    struct LintText: Decodable {
        /// Where the file would be, relative to the library (`prompts/review/security.prompt.md`).
        let path: String
        let text: String
        let strict: Bool?
    }
}

extension Request {
    /// A `true`/`false` query parameter (false when absent).
    func boolQuery(_ name: String) throws -> Bool {
        guard let text = query(name) else { return false }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw APIError(.badRequest, "bad_query", "\(name) is true or false, not '\(text)'")
        }
    }
}
