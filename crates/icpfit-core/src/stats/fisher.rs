//! Fisher's exact test on a 2 × 2 table.

use serde::Serialize;

use crate::{Error, Result};

/// Largest table total `a + b + c + d` accepted by [`fisher_exact`]. Above
/// it use [`super::chi_square`]: the χ² approximation is then excellent, and
/// an exact test on millions of rows buys nothing.
pub const FISHER_MAX_TOTAL: u64 = 10_000_000;

/// Relative tolerance of the two-sided rule: a table counts as "at least as
/// extreme" when its probability is `<= p_observed * (1 + 1e-7)` (as R's
/// `fisher.test` and older scipy; see [`fisher_exact`]).
pub const FISHER_REL_TOL: f64 = 1e-7;

/// Result of [`fisher_exact`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Fisher {
    /// Sample odds ratio `a·d / (b·c)`; `+∞` when `b·c = 0 < a·d`, `NaN` when
    /// a margin is zero.
    pub odds_ratio: f64,
    /// Two-sided p-value.
    pub p_value: f64,
}

/// Fisher's exact test, two-sided, on the table `[[a, b], [c, d]]`.
///
/// Definition: with the margins fixed, `x` (the top-left cell) follows the
/// hypergeometric law `P(x) = C(a+b, x) C(c+d, a+c−x) / C(N, a+c)`; the
/// p-value is `Σ P(x)` over every `x` with `P(x) <= P(a) · (1 + 1e-7)`
/// ([`FISHER_REL_TOL`]), capped at 1. The odds ratio is the sample
/// (unconditional) one, `a·d / (b·c)`.
///
/// Reference: `scipy.stats.fisher_exact([[a, b], [c, d]])` (statistic,
/// pvalue). Current scipy (1.17, which produced the fixtures) uses a relative
/// tolerance of 1e-14 instead of 1e-7; the two only differ when some `P(x)`
/// lies within (1e-14, 1e-7] relative of `P(a)` without being mathematically
/// equal to it, which the committed fixtures (every table with cells 0..=6,
/// and 67 larger ones) never hit, while 1e-7 reliably absorbs the rounding of
/// mathematically tied tables (e.g. symmetric ones) at any N.
///
/// Edge cases (scipy's rules): a zero row or column margin → odds ratio
/// `NaN`, p-value 1; `b = 0` or `c = 0` otherwise → odds ratio `+∞`.
/// `N > FISHER_MAX_TOTAL` → [`Error::InvalidArgument`].
///
/// Computation: `P(mode)` by Loader's saddle-point method (accurate to a few
/// ulps at any N), every other `P(x)` by the ratio recurrence walking away
/// from the mode, stopping once terms fall below 1e-17 of the running sum.
/// O(support) at worst, O(√N) typically; no allocation.
pub fn fisher_exact(a: u64, b: u64, c: u64, d: u64) -> Result<Fisher> {
    let total = a
        .checked_add(b)
        .and_then(|s| s.checked_add(c))
        .and_then(|s| s.checked_add(d));
    let n_total = match total {
        Some(t) if t <= FISHER_MAX_TOTAL => t,
        _ => {
            return Err(Error::invalid(
                "table",
                format!(
                    "Fisher's exact test takes tables of at most {FISHER_MAX_TOTAL} counts; \
                     use chi_square for larger ones"
                ),
            ));
        }
    };
    if a + b == 0 || c + d == 0 || a + c == 0 || b + d == 0 {
        return Ok(Fisher {
            odds_ratio: f64::NAN,
            p_value: 1.0,
        });
    }
    let odds_ratio = if b > 0 && c > 0 {
        (a as f64 * d as f64) / (b as f64 * c as f64)
    } else {
        f64::INFINITY
    };

    // x = top-left cell ~ Hypergeometric(population N, successes K, draws n).
    let big_n = n_total;
    let k = a + b;
    let n = a + c;
    let lo = n.saturating_sub(big_n - k);
    let hi = n.min(k);
    let mode = ((u128::from(n) + 1) * (u128::from(k) + 1) / (u128::from(big_n) + 2)) as u64;
    let mode = mode.clamp(lo, hi);

    // Ratios P(x)/P(mode), walking from the mode. All integers here are
    // below 2^53, so exact in f64; x stays within [lo, hi] where every
    // factor is >= 0.
    let (kf, nf, rest) = (k as f64, n as f64, (big_n - k) as f64);
    let up = |x: u64| -> f64 {
        // P(x+1)/P(x)
        let x = x as f64;
        ((kf - x) * (nf - x)) / ((x + 1.0) * (rest - nf + x + 1.0))
    };
    let down = |x: u64| -> f64 {
        // P(x-1)/P(x)
        let x = x as f64;
        (x * (rest - nf + x)) / ((kf - x + 1.0) * (nf - x + 1.0))
    };

    // Relative probability of the observed table.
    let mut r_obs = 1.0;
    if a > mode {
        let mut x = mode;
        while x < a && r_obs > 0.0 {
            r_obs *= up(x);
            x += 1;
        }
    } else {
        let mut x = mode;
        while x > a && r_obs > 0.0 {
            r_obs *= down(x);
            x -= 1;
        }
    }
    let threshold = r_obs * (1.0 + FISHER_REL_TOL);
    if threshold >= 1.0 {
        // The observed table is (tied with) the most probable one.
        return Ok(Fisher {
            odds_ratio,
            p_value: 1.0,
        });
    }

    // Σ of relative terms <= threshold on both sides of the mode. The mode
    // itself is excluded (its ratio 1 exceeds the threshold).
    let mut sum = 0.0;
    for side_up in [true, false] {
        let mut x = mode;
        let mut r = 1.0;
        loop {
            if side_up {
                if x >= hi {
                    break;
                }
                r *= up(x);
                x += 1;
            } else {
                if x <= lo {
                    break;
                }
                r *= down(x);
                x -= 1;
            }
            if r <= threshold {
                sum += r;
                if r < 1e-17 * sum || r == 0.0 {
                    break;
                }
            }
        }
    }
    let p_mode = hypergeom_pmf(mode, big_n, k, n);
    let p = (sum * p_mode).min(1.0);
    Ok(Fisher {
        odds_ratio,
        p_value: p,
    })
}

/// Hypergeometric probability of `x` successes in `n` draws from a
/// population of `big_n` with `k` successes, by Loader's method (as R's
/// `dhyper`): `dbinom(x; k, p) · dbinom(n−x; N−k, p) / dbinom(n; N, p)` with
/// `p = n/N`, each binomial term from Stirling-error and deviance terms.
fn hypergeom_pmf(x: u64, big_n: u64, k: u64, n: u64) -> f64 {
    let p = n as f64 / big_n as f64;
    let q = (big_n - n) as f64 / big_n as f64;
    let p1 = dbinom_raw(x as f64, k as f64, p, q);
    let p2 = dbinom_raw((n - x) as f64, (big_n - k) as f64, p, q);
    let p3 = dbinom_raw(n as f64, big_n as f64, p, q);
    p1 * p2 / p3
}

/// Binomial probability of `x` in `n` trials (Loader 2000).
fn dbinom_raw(x: f64, n: f64, p: f64, q: f64) -> f64 {
    if p == 0.0 {
        return if x == 0.0 { 1.0 } else { 0.0 };
    }
    if q == 0.0 {
        return if x == n { 1.0 } else { 0.0 };
    }
    if x == 0.0 {
        if n == 0.0 {
            return 1.0;
        }
        let lc = if p < 0.1 {
            -bd0(n, n * q) - n * p
        } else {
            n * q.ln()
        };
        return lc.exp();
    }
    if x == n {
        let lc = if q < 0.1 {
            -bd0(n, n * p) - n * q
        } else {
            n * p.ln()
        };
        return lc.exp();
    }
    if x < 0.0 || x > n {
        return 0.0;
    }
    let lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) - bd0(n - x, n * q);
    let lf = std::f64::consts::TAU.ln() + x.ln() + (-x / n).ln_1p();
    (lc - 0.5 * lf).exp()
}

/// `ln(n!) − ((n + ½) ln n − n + ½ ln 2π)`, the error of Stirling's formula.
fn stirlerr(n: f64) -> f64 {
    const S0: f64 = 1.0 / 12.0;
    const S1: f64 = 1.0 / 360.0;
    const S2: f64 = 1.0 / 1260.0;
    const S3: f64 = 1.0 / 1680.0;
    const S4: f64 = 1.0 / 1188.0;
    if n <= 15.0 {
        // Small integers: direct, ln(n!) <= 28 so the absolute error is ~1e-15.
        let ln_fact = statrs::function::factorial::ln_factorial(n as u64);
        return ln_fact - (n + 0.5) * n.ln() + n - 0.5 * std::f64::consts::TAU.ln();
    }
    let nn = n * n;
    if n > 500.0 {
        (S0 - S1 / nn) / n
    } else if n > 80.0 {
        (S0 - (S1 - S2 / nn) / nn) / n
    } else if n > 35.0 {
        (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n
    } else {
        (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n
    }
}

/// Deviance term `x ln(x / np) + np − x`, computed without cancellation.
fn bd0(x: f64, np: f64) -> f64 {
    if (x - np).abs() < 0.1 * (x + np) {
        let mut v = (x - np) / (x + np);
        let mut s = (x - np) * v;
        if s.abs() < f64::MIN_POSITIVE {
            return s;
        }
        let mut ej = 2.0 * x * v;
        v *= v;
        for j in 1..1000 {
            ej *= v;
            let s1 = s + ej / f64::from(2 * j + 1);
            if s1 == s {
                return s1;
            }
            s = s1;
        }
    }
    x * (x / np).ln() + np - x
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Σ P(x) over the support, by exact big-ish rational arithmetic in f64
    /// for tiny tables: binomial coefficients are exact below 2^53.
    fn naive(a: u64, b: u64, c: u64, d: u64) -> f64 {
        fn choose(n: u64, k: u64) -> f64 {
            (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
        }
        let (k, n, big_n) = (a + b, a + c, a + b + c + d);
        let pmf = |x: u64| choose(k, x) * choose(big_n - k, n - x) / choose(big_n, n);
        let lo = n.saturating_sub(big_n - k);
        let hi = n.min(k);
        let p_obs = pmf(a);
        (lo..=hi)
            .map(pmf)
            .filter(|&p| p <= p_obs * (1.0 + 1e-7))
            .sum::<f64>()
            .min(1.0)
    }

    #[test]
    fn scipy_docstring_examples() {
        let f = fisher_exact(8, 2, 1, 5).unwrap();
        assert_eq!(f.odds_ratio, 20.0);
        assert!((f.p_value - 0.034965034965034975).abs() < 1e-15);
        let f = fisher_exact(6, 2, 1, 4).unwrap();
        assert!((f.p_value - 0.10256410256410257).abs() < 1e-9 * 0.1);
    }

    #[test]
    fn edge_cases() {
        let f = fisher_exact(0, 0, 3, 4).unwrap();
        assert!(f.odds_ratio.is_nan());
        assert_eq!(f.p_value, 1.0);
        let f = fisher_exact(3, 0, 0, 4).unwrap();
        assert_eq!(f.odds_ratio, f64::INFINITY);
        let f = fisher_exact(0, 3, 4, 0).unwrap();
        assert_eq!(f.odds_ratio, 0.0);
        // Row + column totals exceed N (support starts above 0): P = 1/20.
        let f = fisher_exact(19, 0, 0, 1).unwrap();
        assert!((f.p_value - 0.05).abs() < 1e-15, "{}", f.p_value);
        assert!(fisher_exact(FISHER_MAX_TOTAL, 1, 0, 0).is_err());
        assert!(fisher_exact(u64::MAX, 1, 0, 0).is_err());
        // The largest accepted table is fast (early stop) and sane.
        let half = FISHER_MAX_TOTAL / 4;
        let f = fisher_exact(half + 3000, half - 3000, half - 3000, half + 3000).unwrap();
        assert!(f.p_value > 0.0 && f.p_value < 1e-3);
    }

    #[test]
    fn loader_pmf_matches_direct_sum() {
        // Probabilities over a support sum to 1.
        let (big_n, k, n) = (2000u64, 700u64, 900u64);
        let s: f64 = (0..=n.min(k)).map(|x| hypergeom_pmf(x, big_n, k, n)).sum();
        assert!((s - 1.0).abs() < 1e-12, "{s}");
    }

    proptest! {
        #[test]
        fn matches_naive_sum_on_small_tables(
            a in 0u64..25, b in 0u64..25, c in 0u64..25, d in 0u64..25
        ) {
            let f = fisher_exact(a, b, c, d).unwrap();
            let want = naive(a, b, c, d);
            prop_assert!((0.0..=1.0).contains(&f.p_value));
            prop_assert!((f.p_value - want).abs() <= 1e-12 * want.max(1e-300) + 1e-15,
                "{} vs {}", f.p_value, want);
        }
    }
}
