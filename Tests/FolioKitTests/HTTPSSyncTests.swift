import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// git http-backend behind a local HTTPS server (scripts/test-servers/git-https.py) with a self-signed
/// certificate made for the test, asking for user `ada` and token `s3cret`.
final class HTTPSGitServer {
    let server: SpawnedServer
    let port: Int
    let certificate: String

    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") }

    init(_ folder: TemporaryFolder) throws {
        certificate = folder.at("cert.pem")
        let made = try run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", folder.at("key.pem"),
                                                "-out", certificate, "-days", "2", "-subj", "/CN=localhost",
                                                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], in: folder.path)
        guard made.status == 0 else { throw FolioError(.io, "openssl: \(made.stderr)") }
        port = Int.random(in: 20_000...60_000)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/test-servers/git-https.py").path
        server = try SpawnedServer("/usr/bin/env", ["python3", script, "--root", folder.path, "--port", "\(port)", "--cert", certificate,
                                                    "--key", folder.at("key.pem"), "--user", "ada", "--token", "s3cret"])
        guard waitForPort(port) else { throw FolioError(.io, "the https git server did not start on port \(port)") }
    }

    func url(_ repository: String) -> String { "https://localhost:\(port)/\(repository)" }
}

@Suite(.enabled(if: HTTPSGitServer.available, "needs openssl"))
struct HTTPSSyncTests {
    let folder = TemporaryFolder("https")

    func environment(_ path: String, _ extra: [String: String]) -> FolioEnvironment {
        FolioKitTests.environment(path, extra: ["HOME": folder.at("home")].merging(extra) { $1 })
    }

    @Test func cloneAndSyncWithATokenAHelperOrAskpass() throws {
        let server = try HTTPSGitServer(folder)
        _ = try git("init", "-q", "--bare", "hub.git", in: folder.path)
        _ = try Library.initialize(at: folder.at("ada"), withTemplates: false, environment: FolioKitTests.environment(folder.at("ada")))
        let ada = try Library.open(explicitPath: folder.at("ada"), environment: FolioKitTests.environment(folder.at("ada")))
        try ada.addFile("greet", "Hello.\n")
        try ada.addRemote("origin", url: folder.at("hub.git"))
        _ = try ada.sync()
        let trust = ["GIT_SSL_CAINFO": server.certificate]

        // No credentials: refused, saying none could be offered; nothing left behind.
        let none = #expect(throws: FolioError.self) {
            try Library.clone(server.url("hub.git"), into: folder.at("x"), environment: environment(folder.path, trust))
        }
        #expect(none?.message.contains("no credentials were available") == true, "\(String(describing: none))")
        #expect(!FileManager.default.fileExists(atPath: folder.at("x")))
        // A wrong token names where it came from.
        let wrong = #expect(throws: FolioError.self) {
            try Library.clone(server.url("hub.git"), into: folder.at("x"),
                              environment: environment(folder.path, trust.merging(["FOLIO_GIT_TOKEN": "nope", "FOLIO_GIT_USER": "ada"]) { $1 }))
        }
        #expect(wrong?.message.contains("tried: FOLIO_GIT_TOKEN") == true, "\(String(describing: wrong))")
        // The certificate is checked: without trusting it, the clone is refused.
        #expect(throws: FolioError.self) {
            try Library.clone(server.url("hub.git"), into: folder.at("x"),
                              environment: environment(folder.path, ["GIT_SSL_CAINFO": "/etc/ssl/certs/ca-certificates.crt",
                                                                     "FOLIO_GIT_TOKEN": "s3cret", "FOLIO_GIT_USER": "ada"]))
        }

        // FOLIO_GIT_TOKEN.
        let bob = try Library.clone(server.url("hub.git"), into: folder.at("bob"),
                                    environment: environment(folder.at("bob"), trust.merging(["FOLIO_GIT_TOKEN": "s3cret", "FOLIO_GIT_USER": "ada"]) { $1 }))
        try bob.addFile("farewell", "Bye.\n")
        #expect(try bob.sync().pushed)
        #expect(try git("log", "-1", "--format=%s", "main", in: folder.at("hub.git")) == "folio: add farewell")

        // The git credential helper `store`, configured in git config, its file read by folio.
        folder.write("home/.git-credentials", "https://ada:s3cret@localhost:\(server.port)\n")
        folder.write("home/.gitconfig", "[credential]\n\thelper = store\n")
        let cy = try Library.clone(server.url("hub.git"), into: folder.at("cy"), environment: environment(folder.at("cy"), trust))
        #expect(FileManager.default.fileExists(atPath: cy.root + "/prompts/farewell.prompt.md"))
        try FileManager.default.removeItem(atPath: folder.at("home/.gitconfig"))

        // GIT_ASKPASS.
        folder.write("askpass", "#!/bin/sh\ncase \"$1\" in Username*) echo ada;; *) echo s3cret;; esac\n")
        chmod(folder.at("askpass"), 0o755)
        let dee = try Library.clone(server.url("hub.git"), into: folder.at("dee"),
                                    environment: environment(folder.at("dee"), trust.merging(["GIT_ASKPASS": folder.at("askpass")]) { $1 }))
        #expect(FileManager.default.fileExists(atPath: dee.root + "/prompts/farewell.prompt.md"))
        withExtendedLifetime(server) {}
    }
}
