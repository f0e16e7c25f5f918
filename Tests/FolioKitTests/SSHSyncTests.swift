import Foundation
import Testing
import TestSupport
@testable import FolioKit

/// OpenSSH's sshd on a free loopback port with a temporary host key, letting in one temporary user key;
/// serving the repositories of `folder` (ssh://USER@127.0.0.1:PORT/FOLDER/hub.git). Stopped on deinit.
final class SSHServer {
    let server: SpawnedServer
    let port: Int
    let folder: TemporaryFolder
    /// HOME for folio: `.ssh/id_ed25519` is the key the server lets in.
    let home: String
    let hostKey: String

    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd") }

    init(_ folder: TemporaryFolder) throws {
        self.folder = folder
        home = folder.at("home")
        let ssh = folder.at("sshd")
        try FileManager.default.createDirectory(atPath: home + "/.ssh", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: ssh, withIntermediateDirectories: true)
        _ = try run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", ssh + "/host_key"], in: ssh)
        _ = try run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", home + "/.ssh/id_ed25519"], in: ssh)
        try FileManager.default.copyItem(atPath: home + "/.ssh/id_ed25519.pub", toPath: ssh + "/authorized_keys")
        hostKey = try String(contentsOfFile: ssh + "/host_key.pub", encoding: .utf8)
        // sshd wants its privilege-separation folder (made by the package's service, which is not running).
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        port = Int.random(in: 20_000...60_000)
        let config = """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(ssh)/host_key
            AuthorizedKeysFile \(ssh)/authorized_keys
            PidFile \(ssh)/sshd.pid
            StrictModes no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            PermitRootLogin prohibit-password
            UsePAM no

            """
        try config.write(toFile: ssh + "/sshd_config", atomically: true, encoding: .utf8)
        server = try SpawnedServer("/usr/sbin/sshd", ["-D", "-e", "-f", ssh + "/sshd_config"])
        guard waitForPort(port) else { throw FolioError(.io, "sshd did not start on port \(port)") }
    }

    func url(_ repository: String) -> String { "ssh://\(NSUserName())@127.0.0.1:\(port)\(folder.at(repository))" }

    /// The environment folio runs with: this HOME, no ssh-agent.
    func environment(_ folder: String, extra: [String: String] = [:]) -> FolioEnvironment {
        FolioKitTests.environment(folder, extra: ["HOME": home].merging(extra) { $1 })
    }
}

@Suite(.enabled(if: SSHServer.available, "needs OpenSSH's sshd (.ci/run installs openssh-server)"))
struct SSHSyncTests {
    let folder = TemporaryFolder("ssh")

    /// A bare hub with Ada's library pushed to it (over a path).
    func hub() throws {
        _ = try git("init", "-q", "--bare", "hub.git", in: folder.path)
        _ = try Library.initialize(at: folder.at("ada"), withTemplates: false, environment: environment(folder.at("ada")))
        let ada = try Library.open(explicitPath: folder.at("ada"), environment: environment(folder.at("ada")))
        try ada.addFile("greet", "Hello.\n")
        try ada.addRemote("origin", url: folder.at("hub.git"))
        _ = try ada.sync()
    }

    @Test func anUnknownHostIsRefusedUntilAcceptedThenCloneAndSyncWork() throws {
        let server = try SSHServer(folder)
        try hub()
        let url = server.url("hub.git")
        let refused = #expect(throws: FolioError.self) {
            try Library.clone(url, into: folder.at("bob"), environment: server.environment(folder.path))
        }
        let fingerprint = try run("/usr/bin/ssh-keygen", ["-l", "-f", folder.at("sshd/host_key.pub")], in: folder.path).stdout
            .split(separator: " ")[1]
        #expect(refused?.message.contains("[127.0.0.1]:\(server.port) is not a known host") == true, "\(String(describing: refused))")
        #expect(refused?.message.contains(String(fingerprint)) == true, "fingerprint as ssh-keygen -l prints it")
        #expect(refused?.message.contains("--accept-new-host") == true)
        #expect(!FileManager.default.fileExists(atPath: folder.at("bob")))
        #expect(!FileManager.default.fileExists(atPath: server.home + "/.ssh/known_hosts"))

        let bob = try Library.clone(url, into: folder.at("bob"), environment: server.environment(folder.at("bob")), acceptNewHost: true)
        #expect(FileManager.default.fileExists(atPath: bob.root + "/prompts/greet.prompt.md"))
        let known = try String(contentsOfFile: server.home + "/.ssh/known_hosts", encoding: .utf8)
        #expect(known == "[127.0.0.1]:\(server.port) \(server.hostKey.split(separator: " ").prefix(2).joined(separator: " "))\n")
        // OpenSSH reads the line folio wrote.
        let check = try run("/usr/bin/ssh-keygen", ["-F", "[127.0.0.1]:\(server.port)", "-f", server.home + "/.ssh/known_hosts"], in: folder.path)
        #expect(check.status == 0)

        // Now known: a sync pushes over ssh, and git reads what arrived.
        try bob.addFile("farewell", "Bye.\n")
        #expect(try bob.sync().pushed)
        #expect(try git("log", "-1", "--format=%s", "main", in: folder.at("hub.git")) == "folio: add farewell")
    }

    @Test func hashedKnownHostsAreReadAndAChangedKeyIsRefused() throws {
        let server = try SSHServer(folder)
        try hub()
        let name = "[127.0.0.1]:\(server.port)"
        let key = server.hostKey.split(separator: " ").prefix(2).joined(separator: " ")
        folder.write("home/.ssh/known_hosts", "# mine\nexample.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n\(name) \(key)\n")
        _ = try run("/usr/bin/ssh-keygen", ["-q", "-H", "-f", server.home + "/.ssh/known_hosts"], in: folder.path)
        #expect(try !String(contentsOfFile: server.home + "/.ssh/known_hosts", encoding: .utf8).contains("127.0.0.1"))
        _ = try Library.clone(server.url("hub.git"), into: folder.at("bob"), environment: server.environment(folder.path))

        // Another key for the same host: refused even with --accept-new-host, naming the line.
        _ = try run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", folder.at("other")], in: folder.path)
        let other = try String(contentsOfFile: folder.at("other.pub"), encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        folder.write("home/.ssh/known_hosts", "\(name) \(other)\n")
        let changed = #expect(throws: FolioError.self) {
            try Library.clone(server.url("hub.git"), into: folder.at("cy"), environment: server.environment(folder.path), acceptNewHost: true)
        }
        #expect(changed?.message.contains("has CHANGED") == true, "\(String(describing: changed))")
        #expect(changed?.message.contains("known_hosts:1") == true)
        #expect(!FileManager.default.fileExists(atPath: folder.at("cy")))
    }

    @Test func aKeyTheServerDoesNotKnowNamesTheMethodsTried() throws {
        let server = try SSHServer(folder)
        try hub()
        folder.write("home/.ssh/known_hosts", "[127.0.0.1]:\(server.port) \(server.hostKey)")
        let stranger = folder.at("stranger")
        try FileManager.default.createDirectory(atPath: stranger + "/.ssh", withIntermediateDirectories: true)
        _ = try run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", stranger + "/.ssh/id_ed25519"], in: folder.path)
        try FileManager.default.copyItem(atPath: server.home + "/.ssh/known_hosts", toPath: stranger + "/.ssh/known_hosts")
        let error = #expect(throws: FolioError.self) {
            try Library.clone(server.url("hub.git"), into: folder.at("bob"), environment: environment(folder.path, extra: ["HOME": stranger]))
        }
        #expect(error?.message.contains("tried: key \(stranger)/.ssh/id_ed25519") == true, "\(String(describing: error))")
        #expect(!FileManager.default.fileExists(atPath: folder.at("bob")))
    }

    @Test func anEncryptedKeyIsOpenedWithSSHAskpass() throws {
        let server = try SSHServer(folder)
        try hub()
        folder.write("home/.ssh/known_hosts", "[127.0.0.1]:\(server.port) \(server.hostKey)")
        _ = try run("/usr/bin/ssh-keygen", ["-q", "-p", "-N", "sesame", "-P", "", "-f", server.home + "/.ssh/id_ed25519"], in: folder.path)
        folder.write("askpass", "#!/bin/sh\necho \"$1\" >> \(folder.at("asked"))\necho sesame\n")
        chmod(folder.at("askpass"), 0o755)
        _ = try Library.clone(server.url("hub.git"), into: folder.at("bob"),
                              environment: server.environment(folder.path, extra: ["SSH_ASKPASS": folder.at("askpass")]))
        #expect(FileManager.default.fileExists(atPath: folder.at("bob/prompts/greet.prompt.md")))
        #expect(try String(contentsOfFile: folder.at("asked"), encoding: .utf8).contains("Enter passphrase for key '\(server.home)/.ssh/id_ed25519'"))
    }
}
