import Foundation
internal import Git

/// Where https user names and tokens come from, in git's order of preference: the configured git credential
/// helper (the `store` helper's file read directly; another helper program run with `get`), then
/// FOLIO_GIT_TOKEN, then a GIT_ASKPASS program. folio never runs `git` itself for this.
struct HTTPCredentials {
    let variables: [String: String]
    let home: String
    /// `credential.helper` from git config, if any.
    let helper: String?

    func credentials(url: String, user: String?) -> [PasswordCredential] {
        guard let parts = URLComponents(string: url), let host = parts.host else { return [] }
        let scheme = parts.scheme ?? "https"
        let hostPort = parts.port.map { "\(host):\($0)" } ?? host
        var found: [PasswordCredential] = []
        if let helper, !helper.isEmpty {
            found += fromHelper(helper, scheme: scheme, host: hostPort, path: String(parts.path.dropFirst()), user: user)
        }
        if let token = variables["FOLIO_GIT_TOKEN"], !token.isEmpty {
            found.append(PasswordCredential(source: "FOLIO_GIT_TOKEN", username: user ?? variables["FOLIO_GIT_USER"] ?? "folio", password: token))
        }
        if let askpass = variables["GIT_ASKPASS"], !askpass.isEmpty {
            let name = user ?? ExternalProgram.ask(askpass, "Username for '\(scheme)://\(hostPort)': ")
            if let name, let password = ExternalProgram.ask(askpass, "Password for '\(scheme)://\(name)@\(hostPort)': ") {
                found.append(PasswordCredential(source: "GIT_ASKPASS (\(askpass))", username: name, password: password))
            }
        }
        return found
    }

    private func fromHelper(_ helper: String, scheme: String, host: String, path: String, user: String?) -> [PasswordCredential] {
        let words = helper.split(separator: " ").map(String.init)
        if words.first == "store" {
            let explicit = words.dropFirst().first { $0.hasPrefix("--file=") }.map { String($0.dropFirst("--file=".count)) }
            let xdg = (variables["XDG_CONFIG_HOME"] ?? home + "/.config") + "/git/credentials"
            let files = explicit.map { [$0] } ?? [home + "/.git-credentials", xdg]
            for file in files {
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
                for line in text.split(separator: "\n") {
                    guard let entry = URLComponents(string: String(line)), entry.scheme == scheme,
                          (entry.port.map { "\(entry.host ?? ""):\($0)" } ?? entry.host) == host,
                          let name = entry.user?.removingPercentEncoding, let password = entry.password?.removingPercentEncoding,
                          user == nil || user == name else { continue }
                    return [PasswordCredential(source: "git credential helper 'store' (\(file))", username: name, password: password)]
                }
            }
            return []
        }
        // Another helper: a program speaking git's credential protocol.
        let command: [String]
        if helper.hasPrefix("!") {
            command = ["/bin/sh", "-c", String(helper.dropFirst()) + " get"]
        } else if helper.hasPrefix("/") {
            command = words + ["get"]
        } else {
            let program = "git-credential-" + words[0]
            let folders = (variables["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init) + ["/usr/lib/git-core"]
            guard words[0] != "cache",  // git's own daemon, reachable only through git
                  let found = folders.map({ $0 + "/" + program }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return [] }
            command = [found] + words.dropFirst() + ["get"]
        }
        var request = "protocol=\(scheme)\nhost=\(host)\n"
        if !path.isEmpty { request += "path=\(path)\n" }
        if let user { request += "username=\(user)\n" }
        guard let output = ExternalProgram.output(command, input: request + "\n") else { return [] }
        var fields: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            fields[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        guard let password = fields["password"], let name = fields["username"] ?? user else { return [] }
        return [PasswordCredential(source: "git credential helper '\(words[0])'", username: name, password: password)]
    }

}
