import Foundation

/// How much a finding matters.
public enum LintSeverity: String, Sendable, Codable, CaseIterable, Comparable {
    case warning, error

    public static func < (lhs: LintSeverity, rhs: LintSeverity) -> Bool { lhs == .warning && rhs == .error }
}

/// One problem in one file.
public struct LintFinding: Sendable, Equatable, Codable {
    public let rule: String
    public let severity: LintSeverity
    public let message: String
    /// The file as a person names it (relative to the current folder when inside it).
    public let path: String
    /// The file relative to the library root (`prompts/a.prompt.md`), for reports that need a stable path.
    public let relativePath: String
    /// The file relative to the repository's work tree, as GitHub and SARIF consumers name it.
    public let repositoryPath: String
    public let line: Int
    public let column: Int

    /// `path:line:col: severity: message [rule]`
    public var text: String { "\(path):\(line):\(column): \(severity.rawValue): \(message) [\(rule)]" }
}

/// An example a rule documents and the tests run: a prompt file whose `↓` marks where a finding is
/// expected (none: the example must pass). `files` are other library files the example needs.
public struct LintExample: Sendable {
    public let text: String
    public let files: [String: String]
    public let path: String

    /// Where an example is written unless it says otherwise.
    public static let defaultPath = "prompts/example.prompt.md"

    public init(_ text: String, files: [String: String] = [:], path: String = defaultPath) {
        self.text = text
        self.files = files
        self.path = path
    }

    /// The marker for an expected finding.
    public static let marker: Character = "↓"

    /// The file's text without markers, and the (line, column) of each marker.
    public var unmarked: (text: String, positions: [(line: Int, column: Int)]) {
        var out = ""
        var positions: [(Int, Int)] = []
        var line = 1, column = 1
        for character in text {
            if character == Self.marker {
                positions.append((line, column))
                continue
            }
            out.append(character)
            if character == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return (out, positions)
    }
}

/// The kinds of file lint reads: prompts (`prompts/**/*.prompt.md`) and session contexts
/// (`contexts/**/*.context.md`).
public enum LintFileKind: String, Sendable, Codable, CaseIterable {
    case prompt, context

    /// The kind of a library-relative path, or nil for a file lint does not read.
    static func of(_ relativePath: String) -> LintFileKind? {
        if relativePath.hasSuffix(ContextFile.suffix), relativePath.hasPrefix(ContextFile.folder + "/") { return .context }
        if relativePath.hasSuffix(PromptID.fileSuffix) { return .prompt }
        return nil
    }

    /// The largest file folio reads as this kind: 1 MB for a prompt; a context is a transcript, and saved with `--full`
    /// it can be as large as the session. Lint reports a larger file, and the search index lists it as invalid.
    var sizeLimit: Int { self == .context ? 64 * 1_048_576 : 1_048_576 }

    /// Why a file of `bytes` bytes is too large to read as this kind, or nil when it is not.
    func sizeProblem(_ bytes: Int) -> String? {
        guard bytes > sizeLimit else { return nil }
        let size = String(format: "%.1f", Double(bytes) / 1_048_576)
        return "the file is \(size) MB; a \(rawValue) is text of at most \(sizeLimit / 1_048_576) MB: shorten it or split it in parts"
    }
}

/// What a rule is, for docs, SARIF and configuration.
public struct LintRuleInfo: Sendable {
    public let id: String
    public let name: String
    public let description: String
    public let severity: LintSeverity
    public let triggering: [LintExample]
    public let nonTriggering: [LintExample]
    /// The files the rule checks.
    public let kinds: Set<LintFileKind>

    init(id: String, name: String, description: String, severity: LintSeverity, triggering: [LintExample], nonTriggering: [LintExample],
         kinds: Set<LintFileKind> = [.prompt]) {
        self.id = id
        self.name = name
        self.description = description
        self.severity = severity
        self.triggering = triggering
        self.nonTriggering = nonTriggering
        self.kinds = kinds
    }
}

/// A lint rule: one check, described, with its examples. Each lives in its own file under Lint/Rules.
protocol LintRule: Sendable {
    static var info: LintRuleInfo { get }
    /// Findings for one file. `report` adds one at a line and column of the file.
    func check(_ file: LintFile, _ context: LintContext, _ report: inout FindingCollector)
}

/// Collects a rule's findings for a file, with the rule's id and configured severity.
struct FindingCollector {
    let rule: String
    /// The rule's default severity.
    let severity: LintSeverity
    /// The severity folio.yaml sets for the rule, which wins over everything.
    let configured: LintSeverity?
    let file: LintFile
    var findings: [LintFinding] = []

    /// A finding at a line and column of the file (1-based); `severity` overrides the rule's default for this one.
    mutating func add(_ message: String, line: Int, column: Int, severity: LintSeverity? = nil) {
        findings.append(LintFinding(rule: rule, severity: configured ?? severity ?? self.severity, message: message,
                                    path: file.displayPath, relativePath: file.relativePath, repositoryPath: file.repositoryPath,
                                    line: max(line, 1), column: max(column, 1)))
    }
}
