/// Estimates how many tokens a language model will count in a text.
///
/// The rule of thumb model vendors document: about four characters of English per token. It is an
/// estimate for budgets and diffs, not a tokenizer.
public enum TokenEstimator {
    public static func estimate(_ text: String) -> Int {
        let characters = text.unicodeScalars.count
        return characters == 0 ? 0 : (characters + 3) / 4
    }
}
