/// Estimates how many tokens a language model will count in a text.
///
/// The rule of thumb model vendors document: about four characters of English per token. It is an
/// estimate for budgets and diffs, not a tokenizer.
public enum TokenEstimator {
    public static func estimate(_ text: String) -> Int {
        // Unicode scalars, counted as UTF-8 bytes that start one (not continuation bytes 10xxxxxx).
        var scalars = 0
        for byte in text.utf8 where byte & 0xC0 != 0x80 { scalars += 1 }
        return (scalars + 3) / 4
    }
}
