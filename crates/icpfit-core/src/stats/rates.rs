//! Rates and their uncertainty: Wilson interval of a proportion, risk ratio
//! of two proportions, and an empirical-Bayes shrunken rate.
//!
//! Counts are `f64` so that weighted counts work; unweighted callers pass
//! whole numbers.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal};

use crate::{Error, Result};

/// Two-sided standard-normal critical value `z = Φ⁻¹(1 − α/2)` for
/// `confidence = 1 − α`, computed as `−Φ⁻¹(α/2)` (scipy's `norm.isf(α/2)`).
pub(crate) fn critical_value(confidence: f64) -> Result<f64> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(Error::invalid(
            "confidence",
            format!("{confidence} must lie strictly between 0 and 1 (e.g. 0.95)"),
        ));
    }
    let alpha = 1.0 - confidence;
    // ok: mean 0, sd 1 are valid parameters.
    let std = Normal::new(0.0, 1.0).expect("standard normal");
    Ok(-std.inverse_cdf(alpha / 2.0))
}

fn check_count(name: &str, k: f64, n_name: &str, n: f64) -> Result<()> {
    if !(n.is_finite() && n > 0.0) {
        return Err(Error::invalid(
            n_name,
            format!("{n} must be finite and > 0"),
        ));
    }
    if !(k.is_finite() && k >= 0.0 && k <= n) {
        return Err(Error::invalid(
            name,
            format!("{k} must lie in [0, {n_name} = {n}]"),
        ));
    }
    Ok(())
}

/// Wilson score interval of the proportion `successes / n`.
///
/// Definition: with `p̂ = k/n` and `z = Φ⁻¹(1 − α/2)`, `α = 1 − confidence`,
/// `center = (p̂ + z²/2n) / (1 + z²/n)`,
/// `half = z · sqrt(p̂(1 − p̂)/n + z²/4n²) / (1 + z²/n)`,
/// interval `(center − half, center + half)`.
///
/// Reference: `statsmodels.stats.proportion.proportion_confint(k, n,
/// alpha=1 - confidence, method="wilson")`. One difference: the bounds are
/// clamped to `[0, p̂]` and `[p̂, 1]`, so that `k = 0` or `k = n` cannot
/// produce a bound a rounding error outside `[0, 1]` or on the wrong side of
/// `p̂` (statsmodels may return e.g. `-1e-17`; the difference is < 1e-15).
///
/// Errors ([`Error::InvalidArgument`]): `n` not finite or `<= 0`;
/// `successes` not in `[0, n]`; `confidence` not in `(0, 1)`. Non-integer
/// (weighted) counts are accepted.
pub fn wilson_interval(successes: f64, n: f64, confidence: f64) -> Result<(f64, f64)> {
    check_count("successes", successes, "n", n)?;
    let z = critical_value(confidence)?;
    let q = successes / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let center = (q + z2 / (2.0 * n)) / denom;
    let half = z * (q * (1.0 - q) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    let lo = (center - half).clamp(0.0, q);
    let hi = (center + half).clamp(q, 1.0);
    Ok((lo, hi))
}

/// Result of [`rate_ratio`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RateRatio {
    /// Risk ratio `(a/n1) / (b/n2)` (after the zero-cell correction).
    pub ratio: f64,
    /// Lower confidence bound.
    pub lo: f64,
    /// Upper confidence bound.
    pub hi: f64,
    /// Standard error of `ln(ratio)`.
    pub log_se: f64,
    /// Whether 0.5 was added to the four cells (some cell was zero).
    pub corrected: bool,
}

/// Risk (rate) ratio of two proportions with the Katz log interval.
///
/// Definition: the 2 × 2 table `[[a, n1 − a], [b, n2 − b]]`; **if any of its
/// four cells is 0, 0.5 is added to all four** (Haldane–Anscombe), so the
/// ratio and its bounds are always finite and positive. Then with
/// `p1 = a/n1`, `p2 = b/n2` (corrected cells and totals):
/// `ratio = p1 / p2`,
/// `se = sqrt((1 − p1)/(n1 p1) + (1 − p2)/(n2 p2))`
/// (= `sqrt(1/a − 1/n1 + 1/b − 1/n2)`),
/// bounds `exp(ln ratio ∓ z·se)`, `z = Φ⁻¹(1 − α/2)`, `α = 1 − confidence`.
///
/// Reference: `statsmodels.stats.contingency_tables.Table2x2(t,
/// shift_zeros=False)` `.riskratio` / `.riskratio_confint(alpha)`, with `t`
/// the corrected table. Note statsmodels' *default* `shift_zeros=True`
/// replaces only the zero cells by 0.5 instead; without zero cells both
/// agree exactly.
///
/// Errors ([`Error::InvalidArgument`]): `n1` or `n2` not finite or `<= 0`;
/// `a` not in `[0, n1]`, `b` not in `[0, n2]`; `confidence` not in `(0, 1)`.
/// Weighted (non-integer) counts are accepted.
pub fn rate_ratio(a: f64, n1: f64, b: f64, n2: f64, confidence: f64) -> Result<RateRatio> {
    check_count("a", a, "n1", n1)?;
    check_count("b", b, "n2", n2)?;
    let z = critical_value(confidence)?;
    let corrected = a == 0.0 || b == 0.0 || a == n1 || b == n2;
    let (a, c, b, d) = if corrected {
        (a + 0.5, n1 - a + 0.5, b + 0.5, n2 - b + 0.5)
    } else {
        (a, n1 - a, b, n2 - b)
    };
    let (n1, n2) = (a + c, b + d);
    let (p1, p2) = (a / n1, b / n2);
    let ratio = p1 / p2;
    let log_se = ((1.0 - p1) / (n1 * p1) + (1.0 - p2) / (n2 * p2)).sqrt();
    let lr = ratio.ln();
    Ok(RateRatio {
        ratio,
        lo: (lr - z * log_se).exp(),
        hi: (lr + z * log_se).exp(),
        log_se,
        corrected,
    })
}

/// Posterior-mean ("shrunken") rate under a beta prior.
///
/// Definition: with prior `Beta(r·m, (1 − r)·m)`, `r = prior_rate`,
/// `m = prior_strength` (the prior is worth `m` pseudo-observations at rate
/// `r`), the posterior after `k` successes in `n` trials is
/// `Beta(k + r·m, n − k + (1 − r)·m)` and its mean is
/// `(k + r·m) / (n + m)`. So with `r = 0.3`, `m = 20`: 3 of 3 → 0.391,
/// 300 of 400 → 0.729; small groups are pulled toward the base rate.
///
/// Reference: `scipy.stats.beta(k + r*m, n - k + (1 - r)*m).mean()`.
///
/// Edge cases (documented value, no error, as this is called per level in
/// ranking loops): any input not finite, `k < 0`, `k > n`, `r ∉ [0, 1]`,
/// `m < 0`, or `n + m = 0` → `NaN`. `m = 0` gives the raw rate `k / n`.
pub fn shrunken_rate(successes: f64, n: f64, prior_rate: f64, prior_strength: f64) -> f64 {
    let ok = successes.is_finite()
        && n.is_finite()
        && prior_rate.is_finite()
        && prior_strength.is_finite()
        && successes >= 0.0
        && successes <= n
        && (0.0..=1.0).contains(&prior_rate)
        && prior_strength >= 0.0
        && n + prior_strength > 0.0;
    if !ok {
        return f64::NAN;
    }
    (successes + prior_rate * prior_strength) / (n + prior_strength)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn invalid_arguments() {
        assert!(wilson_interval(1.0, 0.0, 0.95).is_err());
        assert!(wilson_interval(3.0, 2.0, 0.95).is_err());
        assert!(wilson_interval(-1.0, 2.0, 0.95).is_err());
        assert!(wilson_interval(f64::NAN, 2.0, 0.95).is_err());
        assert!(wilson_interval(1.0, f64::INFINITY, 0.95).is_err());
        for c in [0.0, 1.0, -0.5, 1.5, f64::NAN] {
            assert!(wilson_interval(1.0, 2.0, c).is_err());
            assert!(rate_ratio(1.0, 2.0, 1.0, 2.0, c).is_err());
        }
        assert!(rate_ratio(1.0, 0.0, 1.0, 2.0, 0.95).is_err());
        assert!(rate_ratio(1.0, 2.0, 3.0, 2.0, 0.95).is_err());
        for bad in [
            (-1.0, 2.0, 0.5, 1.0),
            (3.0, 2.0, 0.5, 1.0),
            (1.0, 2.0, 1.5, 1.0),
            (1.0, 2.0, 0.5, -1.0),
            (0.0, 0.0, 0.5, 0.0),
            (f64::NAN, 2.0, 0.5, 1.0),
        ] {
            assert!(
                shrunken_rate(bad.0, bad.1, bad.2, bad.3).is_nan(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn zero_cells_use_haldane_anscombe() {
        // a = 0: every cell + 0.5.
        let r = rate_ratio(0.0, 10.0, 5.0, 10.0, 0.95).unwrap();
        assert!(r.corrected);
        assert!((r.ratio - (0.5 / 11.0) / (5.5 / 11.0)).abs() < 1e-15);
        assert!(r.lo > 0.0 && r.hi.is_finite() && r.lo < r.ratio && r.ratio < r.hi);
        // Both zero: ratio of the corrected rates, finite.
        let r = rate_ratio(0.0, 4.0, 0.0, 8.0, 0.95).unwrap();
        assert!((r.ratio - (0.5 / 5.0) / (0.5 / 9.0)).abs() < 1e-15);
        // a = n1 (the other cell of the row is 0) also triggers it.
        let r = rate_ratio(7.0, 7.0, 3.0, 9.0, 0.9).unwrap();
        assert!(r.corrected);
        assert!((r.ratio - (7.5 / 8.0) / (3.5 / 10.0)).abs() < 1e-15);
        // No zero cell: untouched.
        let r = rate_ratio(3.0, 10.0, 4.0, 9.0, 0.95).unwrap();
        assert!(!r.corrected);
        assert!((r.ratio - 0.3 / (4.0 / 9.0)).abs() < 1e-15);
    }

    #[test]
    fn shrinkage_orders_small_perfect_groups_below_large_good_ones() {
        let small = shrunken_rate(3.0, 3.0, 0.3, 20.0);
        let large = shrunken_rate(300.0, 400.0, 0.3, 20.0);
        assert!(small < large, "{small} {large}");
        assert_eq!(shrunken_rate(3.0, 4.0, 0.3, 0.0), 0.75);
        assert_eq!(shrunken_rate(0.0, 0.0, 0.3, 10.0), 0.3);
    }

    proptest! {
        #[test]
        fn wilson_contains_the_point_estimate(
            n in 1u32..5000, frac in 0.0f64..=1.0, conf in 0.5f64..0.9999, w in 0.1f64..3.0
        ) {
            // Weighted counts: scale both by w.
            let n = f64::from(n) * w;
            let k = (n * frac).min(n);
            let (lo, hi) = wilson_interval(k, n, conf).unwrap();
            let p = k / n;
            prop_assert!(0.0 <= lo && lo <= p && p <= hi && hi <= 1.0, "{lo} {p} {hi}");
            // Narrower at lower confidence.
            let (lo2, hi2) = wilson_interval(k, n, conf * 0.5).unwrap();
            prop_assert!(lo2 >= lo && hi2 <= hi);
        }

        #[test]
        fn rate_ratio_interval_contains_ratio(
            a in 0u32..200, x in 0u32..200, b in 0u32..200, y in 0u32..200
        ) {
            let (n1, n2) = (f64::from(a + x + 1), f64::from(b + y + 1));
            let r = rate_ratio(f64::from(a), n1, f64::from(b), n2, 0.95).unwrap();
            prop_assert!(r.ratio.is_finite() && r.ratio > 0.0);
            prop_assert!(r.lo <= r.ratio && r.ratio <= r.hi);
        }
    }
}
