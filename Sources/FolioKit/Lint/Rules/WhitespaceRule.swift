/// Trailing spaces and a missing final newline make noisy diffs.
struct WhitespaceRule: LintRule {
    static let info = LintRuleInfo(
        id: "whitespace", name: "Whitespace",
        description: "Lines should not end with spaces or tabs (in Markdown, end a line with a backslash for a hard break), and the file should end with a newline.",
        severity: .warning,
        triggering: [LintExample("Hello↓  \nworld\n"), LintExample("Windows line ends↓\t\r\nworld\r\n"),
                     LintExample("no newline at the end↓")],
        nonTriggering: [LintExample("clean\ntext\n"), LintExample("clean\r\nWindows text\r\n")])

    func check(_ file: LintFile, _ context: LintContext, _ report: inout FindingCollector) {
        guard file.text != nil, !file.data.isEmpty else { return }
        // Bytes first (this runs on every line of every file); strings only for the lines that have a finding.
        file.data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), cr = UInt8(ascii: "\r"), newline = UInt8(ascii: "\n")
            var lineNumber = 1, lineStart = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0  // past a byte-order mark
            func endOfLine(_ end: Int) {
                var last = end
                if last > lineStart, bytes[last - 1] == cr { last -= 1 }
                guard last > lineStart, bytes[last - 1] == space || bytes[last - 1] == tab else { return }
                var kept = last
                while kept > lineStart, bytes[kept - 1] == space || bytes[kept - 1] == tab { kept -= 1 }
                let before = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[lineStart..<kept]), as: UTF8.self)
                report.add("trailing whitespace", line: lineNumber, column: before.count + 1)
            }
            for index in 0..<bytes.count where bytes[index] == newline {
                endOfLine(index)
                lineNumber += 1
                lineStart = index + 1
            }
            if lineStart < bytes.count {
                endOfLine(bytes.count)
                let last = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[lineStart...]), as: UTF8.self)
                report.add("no newline at the end of the file", line: lineNumber, column: last.count + 1)
            }
        }
    }
}
