/// A line or word diff (Myers' O(ND) algorithm) and unified hunks.
public enum TextDiff {
    /// One element of an edit script.
    public enum Edit<Element: Equatable & Sendable>: Equatable, Sendable {
        case same(Element)
        case removed(Element)
        case added(Element)
    }

    /// The shortest edit script turning `old` into `new`.
    public static func edits<Element: Equatable & Sendable>(_ old: [Element], _ new: [Element]) -> [Edit<Element>] {
        let n = old.count, m = new.count
        let max = n + m
        if max == 0 { return [] }
        var v = [Int](repeating: 0, count: 2 * max + 2)
        var trace: [[Int]] = []
        let offset = max + 1
        outer: for d in 0...max {
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
                    x = v[offset + k + 1]
                } else {
                    x = v[offset + k - 1] + 1
                }
                var y = x - k
                while x < n, y < m, old[x] == new[y] {
                    x += 1
                    y += 1
                }
                v[offset + k] = x
                if x >= n, y >= m { break outer }
            }
        }
        // Walk back through the trace to recover the script.
        var script: [Edit<Element>] = []
        var x = n, y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let v = trace[d]
            let k = x - y
            let previousK: Int
            if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
                previousK = k + 1
            } else {
                previousK = k - 1
            }
            let previousX = v[offset + previousK]
            let previousY = previousX - previousK
            while x > previousX, y > previousY {
                script.append(.same(old[x - 1]))
                x -= 1
                y -= 1
            }
            if d > 0 {
                if x == previousX {
                    script.append(.added(new[y - 1]))
                } else {
                    script.append(.removed(old[x - 1]))
                }
            }
            x = previousX
            y = previousY
        }
        return script.reversed()
    }

    /// A unified-diff hunk: where it starts in each text and its lines (` `, `-`, `+` prefixed).
    public struct Hunk: Equatable, Sendable, Codable {
        public let oldStart: Int
        public let oldCount: Int
        public let newStart: Int
        public let newCount: Int
        public let lines: [String]

        /// `@@ -3,4 +3,5 @@`
        public var header: String { "@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@" }
    }

    /// Line hunks with `context` unchanged lines around each change, as `diff -u` prints them.
    public static func hunks(from old: String, to new: String, context: Int = 3) -> [Hunk] {
        let script = edits(lines(old), lines(new))
        // Positions of changes in the script; hunks are runs of changes closer than 2 × context.
        var hunks: [Hunk] = []
        var index = 0
        var oldLine = 1, newLine = 1
        var positions: [(oldLine: Int, newLine: Int)] = []
        for edit in script {
            positions.append((oldLine, newLine))
            switch edit {
            case .same: oldLine += 1; newLine += 1
            case .removed: oldLine += 1
            case .added: newLine += 1
            }
        }
        while index < script.count {
            guard let firstChange = script[index...].firstIndex(where: { if case .same = $0 { return false } else { return true } })
            else { break }
            let start = max(0, firstChange - context)
            var end = firstChange
            var lastChange = firstChange
            while end < script.count {
                if case .same = script[end] {
                    if end - lastChange > 2 * context { break }
                } else {
                    lastChange = end
                }
                end += 1
            }
            let stop = min(script.count, lastChange + context + 1)
            var lines: [String] = []
            var oldCount = 0, newCount = 0
            for edit in script[start..<stop] {
                switch edit {
                case .same(let line): lines.append(" " + line); oldCount += 1; newCount += 1
                case .removed(let line): lines.append("-" + line); oldCount += 1
                case .added(let line): lines.append("+" + line); newCount += 1
                }
            }
            let position = positions[start]
            hunks.append(Hunk(oldStart: oldCount == 0 ? position.oldLine - 1 : position.oldLine, oldCount: oldCount,
                              newStart: newCount == 0 ? position.newLine - 1 : position.newLine, newCount: newCount, lines: lines))
            index = stop
        }
        return hunks
    }

    /// The lines of a text, without their line breaks (a final newline does not make an empty line).
    static func lines(_ text: String) -> [String] {
        if text.isEmpty { return [] }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") { lines.removeLast() }
        return lines
    }

    /// Words and the spaces between them, so that joining them gives the text back.
    static func words(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var inSpace = false
        for character in text {
            let space = character.isWhitespace
            if !current.isEmpty, space != inSpace {
                tokens.append(current)
                current = ""
            }
            current.append(character)
            inSpace = space
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    /// A word-level diff of two texts, as runs of unchanged, removed and added text.
    public static func wordEdits(from old: String, to new: String) -> [Edit<String>] {
        var merged: [Edit<String>] = []
        for edit in edits(words(old), words(new)) {
            switch (merged.last, edit) {
            case (.same(let a)?, .same(let b)): merged[merged.count - 1] = .same(a + b)
            case (.removed(let a)?, .removed(let b)): merged[merged.count - 1] = .removed(a + b)
            case (.added(let a)?, .added(let b)): merged[merged.count - 1] = .added(a + b)
            default: merged.append(edit)
            }
        }
        return merged
    }
}
