import Foundation
import FolioKit
import MCP

/// The tools folio offers an agent. Each returns text (JSON where it lists things); a folio error becomes an
/// error result whose text says what to fix.
enum FolioTools {
    static func schema(_ properties: [String: MCP.Value], required: [String] = []) -> MCP.Value {
        .object(["type": "object", "properties": .object(properties), "required": .array(required.map { .string($0) })])
    }

    static func string(_ description: String) -> MCP.Value { .object(["type": "string", "description": .string(description)]) }

    static let all: [Tool] = [
        Tool(name: "search_prompts", description: "Search the prompt library by words (ranked), optionally by tag.",
             inputSchema: schema(["query": string("Words to look for"), "tag": string("Only prompts with this tag"),
                                  "limit": .object(["type": "integer", "description": "At most this many (default 10)"])])),
        Tool(name: "get_prompt", description: "A prompt's file: YAML frontmatter (title, variables, model) and body.",
             inputSchema: schema(["id": string("The prompt id, e.g. review/security")], required: ["id"])),
        Tool(name: "render_prompt", description: "Render a prompt with values for its variables (includes resolved).",
             inputSchema: schema(["id": string("The prompt id"),
                                  "variables": .object(["type": "object",
                                                        "description": "Variable values by name, as JSON values: text, numbers, booleans, lists, objects"])],
                                 required: ["id"])),
        Tool(name: "list_contexts", description: "Saved session contexts, newest first: id, title, tool, date, messages.",
             inputSchema: schema([:])),
        Tool(name: "get_context", description: "A saved session context: summary, files, commands and transcript.",
             inputSchema: schema(["id": string("The context id, or a unique part of it")], required: ["id"])),
        Tool(name: "save_context",
             description: "Save this session as a context in the library (redacted and committed), so it can be resumed later in any tool.",
             inputSchema: schema(["title": string("What the session was about"), "summary": string("Where things stand"),
                                  "open_tasks": .object(["type": "array", "items": .object(["type": "string"]), "description": "What is left to do"]),
                                  "files": .object(["type": "array", "items": .object(["type": "string"]), "description": "Files involved"]),
                                  "transcript": string("The conversation as text (User: / Assistant: lines)")],
                                 required: ["title", "transcript"])),
        Tool(name: "record_feedback", description: "Rate an earlier render or use by its event id: a score from 1 to 5, success or failure, a note.",
             inputSchema: schema(["event_id": string("The event id"), "score": .object(["type": "number", "minimum": 1, "maximum": 5]),
                                  "success": .object(["type": "boolean"]), "note": string("Why")], required: ["event_id"])),
    ]

    /// The tool's answer: one text, or (render_prompt) the rendered prompt and then its event id.
    static func call(_ name: String, _ arguments: [String: MCP.Value], library: Library, client: String) throws -> [String] {
        func text(_ key: String) -> String? { arguments[key]?.stringValue }
        func required(_ key: String) throws -> String {
            guard let value = text(key), !value.isEmpty else { throw FolioError(.invalidInput, "\(name) needs '\(key)'") }
            return value
        }
        func list(_ key: String) -> [String] { arguments[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        switch name {
        case "search_prompts":
            let limit = arguments["limit"]?.intValue ?? 10
            let hits = try library.index().search(SearchQuery(text: text("query"), tags: text("tag").map { [$0] } ?? [], limit: limit))
            return [try json(hits.map { ["id": $0.entry.id, "title": $0.entry.title ?? "", "description": $0.entry.description ?? "",
                                        "snippet": $0.snippet.map(SearchHit.withoutMarks) ?? ""] })]
        case "get_prompt":
            let id = try PromptID(required("id"))
            try library.record(.use, prompt: id, source: "mcp", client: client)
            return [String(decoding: try library.rawFile(id), as: UTF8.self)]
        case "render_prompt":
            let id = try PromptID(required("id"))
            let given: [String: MCP.Value]
            switch arguments["variables"] {
            case nil, .null?: given = [:]
            case .object(let fields)?: given = fields
            default: throw FolioError(.invalidInput, "render_prompt takes 'variables' as an object of values by name, such as {\"code\": \"x\"}")
            }
            let inputs = given.mapValues { VariableInput.value(FolioKit.Value($0)) }
            let rendering = try library.render(id, inputs: inputs)
            let event = try library.record(.render, prompt: id, source: "mcp", client: client)
            return [rendering.text, "folio event \(event.id) (rate this use with record_feedback)"]
        case "list_contexts":
            // The shape `folio context list --json` prints.
            return [try json(library.contextSummaries())]
        case "get_context":
            return [try library.contextText(required("id"))]
        case "save_context":
            let handOver = ContextHandOver(title: try required("title"), summary: text("summary"), openTasks: list("open_tasks"),
                                           files: list("files"), transcript: try required("transcript"), source: "mcp \(client)")
            let outcome = try library.saveContext(handedOver: handOver, options: ContextSaveOptions(tags: ["mcp"]))
            var reply = ["id": outcome.context.id, "path": outcome.context.relativePath, "commit": outcome.change.commit ?? ""]
            if !outcome.redactions.isEmpty { reply["redacted"] = outcome.redactions.joined(separator: ", ") }
            return [try json(reply)]
        case "record_feedback":
            let recorded = try library.recordFeedback(on: required("event_id"), score: arguments["score"]?.doubleValue ?? arguments["score"]?.intValue.map(Double.init),
                                                      success: arguments["success"]?.boolValue, note: text("note"), source: "mcp", client: client)
            let replaced = recorded.earlier.map { earlier in recorded.replaced.isEmpty ? "" :
                " (replacing the earlier \(recorded.replaced.joined(separator: ", ")) of \(earlier.time.formatted(.iso8601)); an event has one outcome)" } ?? ""
            return ["Recorded feedback \(recorded.event.id) on \(recorded.event.prompt)\(replaced)"]
        default:
            throw FolioError(.invalidInput, "folio has no tool '\(name)'; it has \(all.map(\.name).joined(separator: ", "))")
        }
    }

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try FolioJSON.encoder().encode(value), as: UTF8.self)
    }
}

extension FolioKit.Value {
    /// A JSON value from an MCP client, as it is: lists stay lists, objects objects, numbers numbers.
    init(_ value: MCP.Value) {
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .int(number)
        case .double(let number): self = .double(number)
        case .string(let text): self = .string(text)
        // The SDK reads a string holding a data: URL as data; it was text.
        case .data: self = .string(value.description)
        case .array(let items): self = .list(items.map(FolioKit.Value.init))
        case .object(let fields): self = .map(fields.keys.sorted().map { Entry($0, FolioKit.Value(fields[$0]!)) })
        }
    }
}
