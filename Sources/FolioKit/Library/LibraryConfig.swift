import Foundation
internal import YAML

/// `folio.yaml`: the file that marks a library's root, and its settings.
public struct LibraryConfig: Sendable, Equatable {
    /// The format version this folio writes and reads.
    public static let currentVersion = 1
    public static let fileName = "folio.yaml"

    public var version: Int
    public var name: String?
    public var description: String?
    /// Settings folio does not know (yet), kept as written.
    public var extra: [Value.Entry]

    public init(version: Int = LibraryConfig.currentVersion, name: String? = nil, description: String? = nil,
                extra: [Value.Entry] = []) {
        self.version = version
        self.name = name
        self.description = description
        self.extra = extra
    }

    /// A setting by key, known or not.
    public subscript(key: String) -> Value? {
        extra.first { $0.key == key }?.value
    }

    /// Reads folio.yaml strictly; `path` is for messages.
    static func decode(_ text: String, path: String) throws -> LibraryConfig {
        let root: Node?
        do {
            root = try YAMLParser(mode: .strict).parse(text).root
        } catch let error as YAMLError {
            throw FolioError.invalidFile(path, line: error.mark.line, column: error.mark.column, error.message)
        }
        var config = LibraryConfig()
        guard let root else { return config }
        guard let pairs = root.pairs else {
            throw FolioError.invalidFile(path, line: root.mark.line, column: root.mark.column,
                                         "folio.yaml must be a mapping of settings (version: 1)")
        }
        for pair in pairs {
            let key = pair.key.text ?? ""
            switch key {
            case "version":
                guard case .int(let version)? = pair.value.scalarValue else {
                    throw FolioError.invalidFile(path, line: pair.value.mark.line, column: pair.value.mark.column,
                                                 "version must be a whole number (version: 1)")
                }
                guard version <= currentVersion else {
                    throw FolioError.invalidFile(path, line: pair.value.mark.line, column: pair.value.mark.column,
                                                 "this library uses format version \(version); this folio reads up to \(currentVersion): upgrade folio")
                }
                config.version = version
            case "name": config.name = pair.value.text
            case "description": config.description = pair.value.text
            default: config.extra.append(Value.Entry(key, Value(node: pair.value)))
            }
        }
        return config
    }

    /// The text of a new folio.yaml.
    func encode() -> String {
        var pairs: [(String, Node)] = [("version", .int(version))]
        if let name { pairs.append(("name", .string(name))) }
        if let description { pairs.append(("description", .string(description))) }
        pairs += extra.map { ($0.key, $0.value.node) }
        let yaml = (try? YAMLEmitter().emit(.mapping(pairs))) ?? "version: \(version)\n"
        return "# A folio library: prompts/ holds prompt files (<id>.prompt.md), contexts/ saved sessions.\n" + yaml
    }
}
