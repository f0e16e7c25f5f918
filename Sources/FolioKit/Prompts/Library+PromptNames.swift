import Foundation

extension Library {
    /// The prompt an argument names, for commands that act on a file that is already there (`mv`'s old id,
    /// `rm`): a valid id; the file's path (`prompts/review/security.prompt.md`, as a shell completes it); or the
    /// name of a file under prompts/ whose name is not a valid id (`Bad Name` for `prompts/Bad Name.prompt.md`),
    /// so that folio can rename or remove a file it would not have created. Anything else is the invalid-id
    /// error.
    public func existingPrompt(named text: String) throws -> PromptID {
        if PromptID.problem(with: text) == nil { return PromptID(unchecked: text) }
        var name = text
        if text.hasSuffix(PromptID.fileSuffix) {
            // A path, from the current folder or from the library's root.
            let prompts = root + "/prompts/"
            for base in [environment.currentDirectory, root] {
                let full = URL(fileURLWithPath: text.hasPrefix("/") ? text : base + "/" + text).standardizedFileURL.path
                if full.hasPrefix(prompts), FileManager.default.fileExists(atPath: full) {
                    name = String(full.dropFirst(prompts.count).dropLast(PromptID.fileSuffix.count))
                    break
                }
            }
        }
        // The name must stay a file inside prompts/: no empty, '.' or '..' segment, no NUL.
        let segments = name.split(separator: "/", omittingEmptySubsequences: false)
        var isFolder: ObjCBool = false
        if !name.isEmpty, !name.contains("\0"), !segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }),
           FileManager.default.fileExists(atPath: root + "/prompts/" + name + PromptID.fileSuffix, isDirectory: &isFolder),
           !isFolder.boolValue {
            return PromptID(unchecked: name)
        }
        return try PromptID(text)
    }
}
