import Foundation
internal import Git

extension Library {
    /// The blob id git gives `data`: the version id a change names as its `base` (`folio edit --base`, the API's `base`).
    public static func blobID(of data: Data) throws -> String {
        try gitCall { try Repository.blobID(of: data) }.hex
    }

    /// folio's folder in the git directory that every work tree shares (`.git/folio`, or a library's own folder under
    /// it), for files that are never committed: the server's access tokens.
    public func privateFolder() throws -> String {
        PromptIndex.folder(library: self, repository: try requireRepository(), shared: true)
    }
}
