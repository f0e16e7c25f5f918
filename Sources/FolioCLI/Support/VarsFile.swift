import Foundation
import FolioKit

/// A `--vars-file`: a YAML or JSON mapping of variable names to values.
enum VarsFile {
    static func read(_ data: Data, name: String) throws -> [Value.Entry] {
        let value = try Value.parse(data, name: name)
        if value == .null { return [] }
        guard let entries = value.entries else {
            throw FolioError(.invalidInput, "\(name): a vars file must be a mapping of variable names to values (code: \"…\"), not \(value.kindName)")
        }
        return entries
    }
}
