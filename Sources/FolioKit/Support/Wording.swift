/// Words for counts, so every message says "1 file" and "2 files".
public enum Wording {
    /// `count` with its noun: the singular for one, else `plural` (the singular with an s, unless given).
    public static func count(_ count: Int, _ singular: String, plural: String? = nil) -> String {
        "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
    }
}
