/// Picks the candidates closest to a mistyped name, for "did you mean" hints.
enum Suggestions {
    static func closest(to name: String, in candidates: [String], limit: Int = 3) -> [String] {
        let scored = candidates.map { ($0, distance(name, $0)) }
        let threshold = max(2, name.count / 3)
        let close = scored.filter { $0.1 <= threshold || $0.0.hasSuffix("/" + name) || $0.0.contains(name) && name.count >= 3 }
        // Only the nearest: "cout" suggests "count", not also "code".
        guard let best = close.map(\.1).min() else { return [] }
        return close.filter { $0.1 == best || $0.0.hasSuffix("/" + name) }
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
