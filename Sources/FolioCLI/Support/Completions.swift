import ArgumentParser
import Foundation
import FolioKit

/// Dynamic shell completion. The scripts `folio completion bash|zsh|fish` prints call folio back when a word is
/// completed (swift-argument-parser's custom completion); these read the candidates from the library the
/// command line names (`--library PATH`, else FOLIO_LIBRARY, else the one around the current folder). Anything
/// that goes wrong completes nothing: a shell's TAB must never print an error.
enum Completions {
    static let prompts = CompletionKind.custom { words, _, prefix in promptCandidates(words, prefix: prefix) }
    static let labels = CompletionKind.custom { words, _, _ in labelCandidates(words) }
    static let revisions = CompletionKind.custom { words, _, _ in revisionCandidates(words) }
    static let variants = CompletionKind.custom { words, _, _ in variantCandidates(words) }
    static let experiments = CompletionKind.custom { words, _, _ in experimentCandidates(words) }
    static let experimentVariants = CompletionKind.custom { words, _, _ in experimentVariantCandidates(words) }
    static let contexts = CompletionKind.custom { words, _, _ in contextCandidates(words) }

    // MARK: - Candidates

    /// Prompt ids; after `ID@`, that prompt's revisions (`review@v3`, `review@production`).
    static func promptCandidates(_ words: [String], prefix: String) -> [String] {
        withLibrary(words) { library in
            if let at = prefix.firstIndex(of: "@") {
                let id = try PromptID(String(prefix[..<at]))
                return try revisions(of: id, in: library).map { "\(id)@\($0)" }
            }
            return try library.promptIDs().map(\.rawValue)
        }
    }

    /// Labels: of the prompt named earlier on the line, else of every prompt.
    static func labelCandidates(_ words: [String]) -> [String] {
        withLibrary(words) { library in
            Array(Set(try library.labels(of: promptNamed(in: words, library)).map(\.name))).sorted()
        }
    }

    /// Revisions of the prompt named earlier on the line: its versions (newest first) and labels.
    static func revisionCandidates(_ words: [String]) -> [String] {
        withLibrary(words) { library in
            guard let id = promptNamed(in: words, library) else { return [] }
            return try revisions(of: id, in: library)
        }
    }

    /// Variants (`variant/NAME` branches).
    static func variantCandidates(_ words: [String]) -> [String] {
        withLibrary(words) { try $0.variantNames() }
    }

    /// Experiments (`experiments/NAME.yaml`).
    static func experimentCandidates(_ words: [String]) -> [String] {
        withLibrary(words) { try $0.experiments().map(\.name) }
    }

    /// The variants of the experiment named earlier on the line.
    static func experimentVariantCandidates(_ words: [String]) -> [String] {
        withLibrary(words) { library in
            try library.experiments().first { experiment in words.contains(experiment.name) }?.arms.map(\.name) ?? []
        }
    }

    /// Saved contexts' ids.
    static func contextCandidates(_ words: [String]) -> [String] {
        withLibrary(words) { $0.contextIDs() }
    }

    // MARK: - Reading the library

    /// Runs `body` on the library the words name; nothing when there is none or anything fails.
    static func withLibrary(_ words: [String], _ body: (Library) throws -> [String]) -> [String] {
        let context = CLIContext.current
        var explicit = context.environment["FOLIO_LIBRARY"].flatMap { $0.isEmpty ? nil : $0 }
        for (index, word) in words.enumerated() {
            if word == "--library", index + 1 < words.count { explicit = unquoted(words[index + 1]) }
            if word.hasPrefix("--library=") { explicit = unquoted(String(word.dropFirst("--library=".count))) }
        }
        let quiet = FolioEnvironment(variables: context.environment, currentDirectory: context.currentDirectory, now: context.now)
        guard let library = try? Library.open(explicitPath: explicit, environment: quiet) else { return [] }
        return (try? body(library)) ?? []
    }

    /// The first word that names an existing prompt (an `ID@REV` counts by its id).
    static func promptNamed(in words: [String], _ library: Library) -> PromptID? {
        for word in words.dropFirst() {
            let text = unquoted(word)
            guard let id = try? PromptID(String(text.prefix { $0 != "@" })) else { continue }
            if library.exists(id) { return id }
        }
        return nil
    }

    static func revisions(of id: PromptID, in library: Library) throws -> [String] {
        try library.history(of: id).reversed().map(\.name) + library.labels(of: id).map(\.name)
    }

    /// Shells pass words as typed: `'a b'` or `"a b"` is the word `a b`.
    static func unquoted(_ word: String) -> String {
        if word.count >= 2, let first = word.first, first == "'" || first == "\"", word.last == first { return String(word.dropFirst().dropLast()) }
        return word.replacingOccurrences(of: "\\ ", with: " ")
    }
}
