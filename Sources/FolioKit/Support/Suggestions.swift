/// Picks the candidates closest to a mistyped name, for "did you mean" hints.
enum Suggestions {
    static func closest(to name: String, in candidates: [String], limit: Int = 3) -> [String] {
        let length = name.count
        let threshold = max(2, length / 3)
        let suffix = "/" + name
        var close: [(String, Int)] = []
        for candidate in candidates {
            let bySuffix = candidate.hasSuffix(suffix)
            let byPart = length >= 3 && candidate.contains(name)
            // The distance is at least the difference in length: a candidate longer or shorter than that allows is
            // close only through its suffix or a part, so its distance is computed only then (a 404 on a library of
            // 100,000 prompts must not cost an edit distance per prompt).
            guard bySuffix || byPart || abs(candidate.count - length) <= threshold else { continue }
            let distance = distance(name, candidate)
            if distance <= threshold || bySuffix || byPart { close.append((candidate, distance)) }
        }
        // Only the nearest: "cout" suggests "count", not also "code".
        guard let best = close.map(\.1).min() else { return [] }
        return close.filter { $0.1 == best || $0.0.hasSuffix(suffix) }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(limit).map(\.0)
    }

    /// " (did you mean a, b?)" or "".
    static func hint(for name: String, in candidates: [String]) -> String {
        let found = closest(to: name, in: candidates)
        return found.isEmpty ? "" : " (did you mean \(found.joined(separator: ", "))?)"
    }

    /// Levenshtein distance over characters.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
