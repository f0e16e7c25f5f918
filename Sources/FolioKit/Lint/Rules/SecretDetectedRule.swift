/// Credentials do not belong in prompts or session contexts, which are committed and shared.
struct SecretDetectedRule: LintRule {
    static let info = LintRuleInfo(
        id: "secret-detected", name: "Secret detected",
        description: "API keys, tokens, private keys, connection strings with passwords and high-entropy values assigned to names like `password` or `api_key` must not be committed. For a false positive, put `folio:allow-secret` on the same line (`gitleaks:allow` and `pragma: allowlist secret` work too).",
        severity: .error,
        triggering: [
            LintExample("Use the key ↓AKIAIOSFODNN7EXAMPLE for tests.\n"),
            LintExample("Connect to postgres://app:↓s3cr3t-Passw0rd@db.internal/app\n"),
            LintExample("↓-----BEGIN RSA PRIVATE KEY-----\n"),
            LintExample("---\nmetadata:\n  api_key: ↓Xq8vR2mT9pLw4nZ7bK1cY5hJ\n---\nx\n"),
            LintExample(ContextFormatRule.example + "\n<!-- folio:turn role=user -->\n### User\n\nMy key is ↓AKIAIOSFODNN7EXAMPLE.\n",
                        path: ContextFormatRule.examplePath),
        ],
        nonTriggering: [
            LintExample("Use the key AKIAIOSFODNN7EXAMPLE for tests. <!-- folio:allow-secret -->\n"),
            LintExample("Connect to postgres://localhost/app and pass the {{token}}.\n"),
            LintExample("The commit is 3f2a9c1b4e5d6f7a8b9c0d1e2f3a4b5c6d7e8f90.\n"),
        ],
        kinds: [.prompt, .context])

    func check(_ file: LintFile, _ context: LintContext, _ report: inout FindingCollector) {
        guard let text = file.text else { return }
        for match in SecretScanner.scan(text) {
            report.add("\(match.kind) in the file; remove it (and rotate it if it was ever committed), or mark a false positive with folio:allow-secret",
                       line: match.line, column: match.column)
        }
    }
}
