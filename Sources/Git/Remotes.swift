import Foundation
internal import CGit2

/// A configured remote: its name and URL.
public struct RemoteInfo: Sendable, Equatable {
    public let name: String
    public let url: String
}

/// How far a transfer has got (objects received and indexed, bytes), for progress bars.
public struct TransferProgress: Sendable, Equatable {
    public let receivedObjects: Int
    public let indexedObjects: Int
    public let totalObjects: Int
    public let receivedBytes: Int
}

/// What a transfer may use and report. Credentials are tried in order, each once: ssh-agent and key files for
/// ssh, a user name and token for https; the error names every method tried.
public struct TransferOptions: @unchecked Sendable {
    public var progress: ((TransferProgress) -> Void)?
    /// The user name for ssh when the URL names none.
    public var username: String?
    /// User names and passwords (tokens) to offer over https, in order, each once: asked for the URL and the
    /// user name it holds, only when the server asks.
    public var passwords: ((_ url: String, _ user: String?) -> [PasswordCredential])?
    /// Private key files to offer over ssh (their `.pub` beside them when present), with an optional passphrase.
    public var sshKeys: [String] = []
    public var sshPassphrase: String?
    /// Asked for the passphrase of an encrypted key file when `sshPassphrase` is nil (SSH_ASKPASS).
    public var askPassphrase: ((_ keyFile: String) -> String?)?
    public var useSSHAgent = true
    /// Decides whether to trust an ssh server: given the host and its raw public key (the blob known_hosts
    /// holds in base64), returns nil to go on or the reason to refuse. Without it, libgit2's own decision stands.
    public var checkHostKey: ((_ host: String, _ key: Data) -> String?)?

    public init(progress: ((TransferProgress) -> Void)? = nil) {
        self.progress = progress
    }
}

/// A user name and password (or token) for https, and where it came from (for messages).
public struct PasswordCredential: Sendable, Equatable {
    public let source: String
    public let username: String
    public let password: String

    public init(source: String, username: String, password: String) {
        self.source = source
        self.username = username
        self.password = password
    }
}

/// A push that the remote refused for some references.
public struct PushRejection: Sendable, Equatable {
    public let reference: String
    /// The remote's reason (`non-fast-forward`, `fetch first`, …).
    public let reason: String
}

/// State a transfer's callbacks share: what to report and which credentials were tried.
final class TransferSession {
    let options: TransferOptions
    var tried: [String] = []
    var rejections: [PushRejection] = []
    /// Why the server's host key was refused, when it was.
    var hostKeyProblem: String?
    private var agentTried = false
    private var keyIndex = 0
    private var passwords: [PasswordCredential]?
    private var passwordIndex = 0

    init(_ options: TransferOptions) { self.options = options }

    /// The next credential to offer, or nil when every allowed method has been tried.
    func credential(_ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>?, url: String, user: String?, allowed: UInt32) -> Int32 {
        let username = user ?? options.username ?? "git"
        if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
            if options.useSSHAgent, !agentTried {
                agentTried = true
                tried.append("ssh-agent")
                return git_credential_ssh_key_from_agent(out, username)
            }
            while keyIndex < options.sshKeys.count {
                let key = options.sshKeys[keyIndex]
                keyIndex += 1
                guard FileManager.default.fileExists(atPath: key) else { continue }
                tried.append("key \(key)")
                let publicKey = FileManager.default.fileExists(atPath: key + ".pub") ? key + ".pub" : nil
                let passphrase = options.sshPassphrase ?? (Self.isEncrypted(keyFile: key) ? options.askPassphrase?(key) : nil)
                return git_credential_ssh_key_new(out, username, publicKey, key, passphrase)
            }
        }
        if allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0 {
            if passwords == nil { passwords = options.passwords?(url, user) ?? [] }
            if let passwords, passwordIndex < passwords.count {
                let credential = passwords[passwordIndex]
                passwordIndex += 1
                tried.append(credential.source)
                return git_credential_userpass_plaintext_new(out, credential.username, credential.password)
            }
        }
        return GIT_PASSTHROUGH.rawValue
    }

    /// Whether a private key file needs a passphrase: a PEM key marked ENCRYPTED, or an OpenSSH key whose cipher
    /// is not "none".
    static func isEncrypted(keyFile path: String) -> Bool {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
        if text.contains("ENCRYPTED") { return true }
        let body = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        guard let data = Data(base64Encoded: body), data.starts(with: Array("openssh-key-v1\0".utf8)) else { return false }
        let bytes = [UInt8](data.dropFirst(15))
        guard bytes.count >= 8 else { return false }
        let length = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
        guard bytes.count >= 4 + length else { return false }
        return String(decoding: bytes[4..<(4 + length)], as: UTF8.self) != "none"
    }

    /// Callbacks pointing back at this session (which must outlive the transfer).
    func callbacks() -> git_remote_callbacks {
        var callbacks = git_remote_callbacks()
        git_remote_init_callbacks(&callbacks, UInt32(GIT_REMOTE_CALLBACKS_VERSION))
        callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
        callbacks.credentials = { out, url, user, allowed, payload in
            let session = Unmanaged<TransferSession>.fromOpaque(payload!).takeUnretainedValue()
            return session.credential(out, url: url.map { String(cString: $0) } ?? "", user: user.map { String(cString: $0) }, allowed: allowed)
        }
        callbacks.transfer_progress = { stats, payload in
            let session = Unmanaged<TransferSession>.fromOpaque(payload!).takeUnretainedValue()
            if let stats, let progress = session.options.progress {
                progress(TransferProgress(receivedObjects: Int(stats.pointee.received_objects), indexedObjects: Int(stats.pointee.indexed_objects),
                                          totalObjects: Int(stats.pointee.total_objects), receivedBytes: Int(stats.pointee.received_bytes)))
            }
            return 0
        }
        callbacks.certificate_check = { cert, _, host, payload in
            let session = Unmanaged<TransferSession>.fromOpaque(payload!).takeUnretainedValue()
            guard let cert, cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2, let check = session.options.checkHostKey else {
                return GIT_PASSTHROUGH.rawValue  // https: libgit2 checks the certificate chain itself
            }
            let hostkey = UnsafeRawPointer(cert).assumingMemoryBound(to: git_cert_hostkey.self).pointee
            guard hostkey.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hostkey.hostkey else {
                session.hostKeyProblem = "the server did not show a host key folio can check"
                return GIT_ECERTIFICATE.rawValue
            }
            let key = Data(bytes: raw, count: hostkey.hostkey_len)
            if let problem = check(host.map { String(cString: $0) } ?? "", key) {
                session.hostKeyProblem = problem
                return GIT_ECERTIFICATE.rawValue
            }
            return 0
        }
        callbacks.push_update_reference = { reference, status, payload in
            let session = Unmanaged<TransferSession>.fromOpaque(payload!).takeUnretainedValue()
            if let reference, let status {
                session.rejections.append(PushRejection(reference: String(cString: reference), reason: String(cString: status)))
            }
            return 0
        }
        return callbacks
    }

    /// An error from a transfer, with the credentials tried when authentication was the problem.
    func failure(_ error: GitError) -> GitError {
        if let hostKeyProblem { return GitError(code: .hostKey, operation: error.operation, message: hostKeyProblem) }
        let lowered = error.message.lowercased()
        guard lowered.contains("auth") || lowered.contains("credential") || lowered.contains("401") || lowered.contains("permission denied") else {
            return error
        }
        let methods = tried.isEmpty ? "no credentials were available" : "tried: " + tried.joined(separator: ", ")
        return GitError(code: .auth, operation: error.operation, message: "\(error.message) (\(methods))")
    }
}

final class RemoteHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_remote_free(pointer) }
}

extension Repository {
    // MARK: - Configured remotes

    public func remotes() throws -> [RemoteInfo] {
        var names = git_strarray()
        try check(git_remote_list(&names, pointer), "list remotes")
        defer { git_strarray_dispose(&names) }
        return try (0..<names.count).compactMap { index in
            guard let raw = names.strings[index] else { return nil }
            let name = String(cString: raw)
            return RemoteInfo(name: name, url: try remote(name).url)
        }
    }

    public func remote(_ name: String) throws -> RemoteInfo {
        let handle = try lookupRemote(name)
        return RemoteInfo(name: name, url: git_remote_url(handle.pointer).map { String(cString: $0) } ?? "")
    }

    /// Adds a remote with git's default fetch refspec (`+refs/heads/*:refs/remotes/NAME/*`).
    public func addRemote(_ name: String, url: String) throws {
        var out: OpaquePointer?
        try check(git_remote_create(&out, pointer, name, url), "add remote '\(name)'")
        git_remote_free(out)
    }

    public func removeRemote(_ name: String) throws {
        try check(git_remote_delete(pointer, name), "remove remote '\(name)'")
    }

    private func lookupRemote(_ name: String) throws -> RemoteHandle {
        var out: OpaquePointer?
        try check(git_remote_lookup(&out, pointer, name), "find remote '\(name)'")
        return RemoteHandle(out!)
    }

    // MARK: - Transfers

    /// Fetches `refspecs` (the remote's configured ones when empty) from a configured remote; returns every reference
    /// the remote advertised, by name.
    @discardableResult
    public func fetch(remote name: String, refspecs: [String] = [], options: TransferOptions = TransferOptions()) throws -> [String: OID] {
        let handle = try lookupRemote(name)
        let session = TransferSession(options)
        var fetchOptions = git_fetch_options()
        try check(git_fetch_options_init(&fetchOptions, UInt32(GIT_FETCH_OPTIONS_VERSION)), "prepare fetch")
        fetchOptions.callbacks = session.callbacks()
        fetchOptions.prune = GIT_FETCH_NO_PRUNE
        do {
            try withStrArray(refspecs) { specs in
                try check(git_remote_fetch(handle.pointer, refspecs.isEmpty ? nil : specs, &fetchOptions, "folio: fetch"),
                          "fetch from '\(name)'")
            }
        } catch let error as GitError {
            throw session.failure(error)
        }
        withExtendedLifetime(session) {}
        // What the remote advertised (still readable after the connection closed): names it no longer has are
        // how the caller tells a reference deleted there.
        var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
        var count = 0
        try check(git_remote_ls(&heads, &count, handle.pointer), "list the references of '\(name)'")
        var advertised: [String: OID] = [:]
        for head in UnsafeBufferPointer(start: heads, count: count) {
            guard let head, let refName = head.pointee.name else { continue }
            advertised[String(cString: refName)] = OID(head.pointee.oid)
        }
        return advertised
    }

    /// Pushes `refspecs` to a configured remote. References the remote refused are returned, not thrown: the
    /// caller decides (fetch, integrate and retry on a non-fast-forward).
    public func push(remote name: String, refspecs: [String], options: TransferOptions = TransferOptions()) throws -> [PushRejection] {
        let handle = try lookupRemote(name)
        let session = TransferSession(options)
        var pushOptions = git_push_options()
        try check(git_push_options_init(&pushOptions, UInt32(GIT_PUSH_OPTIONS_VERSION)), "prepare push")
        pushOptions.callbacks = session.callbacks()
        do {
            try withStrArray(refspecs) { specs in
                try check(git_remote_push(handle.pointer, specs, &pushOptions), "push to '\(name)'")
            }
        } catch let error as GitError {
            // Local and file transports report a refused reference as an error rather than through the callback,
            // and libgit2 itself refuses (before sending) when the remote's tip is a commit this clone lacks.
            let lowered = error.message.lowercased()
            if lowered.contains("non-fast-forward") || lowered.contains("fast forward") || lowered.contains("fetch first")
                || lowered.contains("not present locally") || lowered.contains("fastforwardable") {
                return [PushRejection(reference: refspecs.first ?? "", reason: "non-fast-forward")]
            }
            throw session.failure(error)
        }
        return withExtendedLifetime(session) { session.rejections }
    }

    /// Trusts the certificates in `file` (PEM) for https, as git's http.sslCAInfo does: for the whole process,
    /// in place of the system's certificate authorities.
    public static func trustCertificates(inFile file: String) throws {
        _ = libgit2Initialized
        try check(folio_git_set_ssl_cert_file(file), "use the certificates in \(file)")
    }

    /// Points HEAD at branch `name` (which may not exist yet: an unborn branch).
    public func setHead(branch name: String) throws {
        try check(git_repository_set_head(pointer, "refs/heads/\(name)"), "switch to branch '\(name)'")
    }

    /// Clones `url` into `path` (which must not exist or be empty) with its default branch checked out.
    public static func clone(_ url: String, to path: String, options: TransferOptions = TransferOptions()) throws -> Repository {
        _ = libgit2Initialized
        let session = TransferSession(options)
        var cloneOptions = git_clone_options()
        try check(git_clone_options_init(&cloneOptions, UInt32(GIT_CLONE_OPTIONS_VERSION)), "prepare clone")
        cloneOptions.fetch_opts.callbacks = session.callbacks()
        var out: OpaquePointer?
        do {
            try check(git_clone(&out, url, path, &cloneOptions), "clone \(url)")
        } catch let error as GitError {
            throw session.failure(error)
        }
        return withExtendedLifetime(session) { Repository(pointer: out!) }
    }
}

/// Runs `body` with a `git_strarray` holding `strings` (valid only during the call).
func withStrArray<T>(_ strings: [String], _ body: (UnsafePointer<git_strarray>) throws -> T) rethrows -> T {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    var pointers = copies
    return try pointers.withUnsafeMutableBufferPointer { buffer in
        var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
        return try body(&array)
    }
}
