import Foundation

/// The statistics an A/B report needs, written out (no numerics library on this platform): the normal and
/// Student's t distributions, confidence intervals, a two-proportion z-test and Welch's t-test.
public enum Statistics {
    /// z for a two-sided 95% interval.
    public static let z95 = 1.959963984540054

    /// Φ(x), the standard normal CDF.
    public static func normalCDF(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// The Wilson score interval for a proportion: better than p ± z·SE at small n and near 0 or 1.
    public static func wilsonInterval(successes: Int, trials: Int, z: Double = z95) -> (low: Double, high: Double)? {
        guard trials > 0 else { return nil }
        let n = Double(trials), p = Double(successes) / n
        let denominator = 1 + z * z / n
        let centre = (p + z * z / (2 * n)) / denominator
        let half = z * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot() / denominator
        return (max(0, centre - half), min(1, centre + half))
    }

    /// Two-proportion z-test (pooled), two-sided: z and p.
    public static func twoProportionZTest(successes1: Int, trials1: Int, successes2: Int, trials2: Int) -> (z: Double, p: Double)? {
        guard trials1 > 0, trials2 > 0 else { return nil }
        let n1 = Double(trials1), n2 = Double(trials2)
        let p1 = Double(successes1) / n1, p2 = Double(successes2) / n2
        let pooled = Double(successes1 + successes2) / (n1 + n2)
        let se = (pooled * (1 - pooled) * (1 / n1 + 1 / n2)).squareRoot()
        guard se > 0 else { return p1 == p2 ? (0, 1) : nil }
        let z = (p1 - p2) / se
        return (z, 2 * (1 - normalCDF(abs(z))))
    }

    /// Mean, sample standard deviation and count.
    public static func summary(_ values: [Double]) -> (mean: Double, sd: Double, n: Int)? {
        guard !values.isEmpty else { return nil }
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.count > 1 ? values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1) : 0
        return (mean, variance.squareRoot(), values.count)
    }

    /// A 95% confidence interval for a mean (Student's t with n − 1 degrees of freedom).
    public static func meanInterval(_ values: [Double]) -> (low: Double, high: Double)? {
        guard let s = summary(values), s.n > 1 else { return nil }
        let t = tQuantile(0.975, degrees: Double(s.n - 1))
        let half = t * s.sd / Double(s.n).squareRoot()
        return (s.mean - half, s.mean + half)
    }

    /// Welch's unequal-variances t-test, two-sided: t, degrees of freedom, p.
    public static func welchTTest(_ a: [Double], _ b: [Double]) -> (t: Double, df: Double, p: Double)? {
        guard let x = summary(a), let y = summary(b), x.n > 1, y.n > 1 else { return nil }
        let va = x.sd * x.sd / Double(x.n), vb = y.sd * y.sd / Double(y.n)
        guard va + vb > 0 else { return x.mean == y.mean ? (0, Double(x.n + y.n - 2), 1) : nil }
        let t = (x.mean - y.mean) / (va + vb).squareRoot()
        let df = (va + vb) * (va + vb) / (va * va / Double(x.n - 1) + vb * vb / Double(y.n - 1))
        return (t, df, 2 * (1 - tCDF(abs(t), degrees: df)))
    }

    /// Student's t CDF, through the regularized incomplete beta function.
    public static func tCDF(_ t: Double, degrees v: Double) -> Double {
        let x = v / (v + t * t)
        let tail = 0.5 * incompleteBeta(x, a: v / 2, b: 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    /// The t value below which `probability` of the distribution lies (bisection on the CDF).
    public static func tQuantile(_ probability: Double, degrees: Double) -> Double {
        var low = -1_000.0, high = 1_000.0
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if tCDF(middle, degrees: degrees) < probability { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }

    /// The regularized incomplete beta function I_x(a, b) (continued fraction, Lentz's method).
    static func incompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        if x > (a + 1) / (a + b + 2) { return 1 - incompleteBeta(1 - x, a: b, b: a) }
        let logBeta: Double = lgamma(a) + lgamma(b) - lgamma(a + b)
        let logFront: Double = a * log(x) + b * log(1 - x) - logBeta
        let front = exp(logFront)
        let tiny = 1e-300
        var f = 1.0, c = 1.0, d = 0.0
        for i in 0...400 {
            let m = Double(i / 2)
            let numerator: Double
            if i == 0 {
                numerator = 1
            } else if i % 2 == 0 {
                numerator = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            } else {
                numerator = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))
            }
            d = 1 + numerator * d
            if abs(d) < tiny { d = tiny }
            d = 1 / d
            c = 1 + numerator / c
            if abs(c) < tiny { c = tiny }
            let cd = c * d
            f *= cd
            if abs(1 - cd) < 1e-15 { break }
        }
        return front * (f - 1) / a
    }
}
