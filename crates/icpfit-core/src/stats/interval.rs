//! The best interval of a numeric attribute: the contiguous range of values
//! whose rows have the highest target rate relative to all other rows.
//!
//! # Definition
//!
//! The non-missing values are cut into at most `n_bins` equal-frequency bins
//! ([`quantile_cuts`], closed right). For every contiguous run of bins
//! `i..=j`, i.e. the value interval `(c_i, c_{j+1}]` with `c_0 = −∞` and
//! `c_{B} = +∞`, the rows inside are compared with *every other compared
//! row* (missing values included) by the rate ratio
//! `RR = (a / n₁) / (b / n₂)` and its Katz log interval ([`rate_ratio`]).
//! The chosen interval maximises either the **lower confidence bound** of
//! `RR` (a narrow band with a high but noisy rate loses to a wide band with
//! a solid one) or the likelihood-ratio statistic `G` of the 2×2 table (the
//! most informative split; see [`IntervalScore`]); both sides must hold at least `min_share` of the compared rows
//! (and at least 5 rows). Ties are broken by the earlier, then shorter run,
//! so the result is deterministic.
//!
//! Compared with a single cut ([`best_split`](super::binning::best_split)),
//! this finds two-sided bands such as "200–2,000 employees" that a floor or
//! a ceiling alone cannot express. It is a scan over O(B²) runs of
//! pre-counted bins, so its cost is one sort plus one counting pass.
//! Correctness is checked against an exhaustive search over all runs in the
//! tests; the rate-ratio interval itself is checked against statsmodels.

use super::binning::{bin_codes, quantile_cuts};
use super::rates::{RateRatio, rate_ratio};
use crate::error::{Error, Result};

/// Label of a row left out of the comparison (as in `rank::Target`).
const EXCLUDED: u8 = 2;

/// What makes an interval best.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntervalScore {
    /// The lower Katz confidence bound of the rate ratio (inside vs
    /// outside): the strongest lift the data can vouch for; favours tight
    /// bands at the extreme.
    RatioLowerBound,
    /// The likelihood-ratio (G) statistic of the 2×2 table inside/outside ×
    /// positive/negative, `G = 2 Σ O ln(O / E)`: the most informative split,
    /// the classical change-point estimator; favours balanced bands.
    LikelihoodRatio,
}

/// `G = 2 Σ O ln(O/E)` of the 2×2 table with rows inside/outside and
/// columns positive/negative (`0 ln 0 = 0`). Equals
/// `scipy.stats.chi2_contingency(t, correction=False, lambda_="log-likelihood")`.
pub fn g_statistic(a: f64, n1: f64, b: f64, n2: f64) -> f64 {
    let n = n1 + n2;
    let (pos, neg) = (a + b, n - a - b);
    let term = |o: f64, e: f64| {
        if o > 0.0 && e > 0.0 {
            o * (o / e).ln()
        } else {
            0.0
        }
    };
    2.0 * (term(a, n1 * pos / n)
        + term(n1 - a, n1 * neg / n)
        + term(b, n2 * pos / n)
        + term(n2 - b, n2 * neg / n))
}

/// The best interval and its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    /// Exclusive lower end (`x > lo`); `None` = unbounded.
    pub lo: Option<f64>,
    /// Inclusive upper end (`x ≤ hi`); `None` = unbounded.
    pub hi: Option<f64>,
    /// Positives and rows inside.
    pub inside: (f64, f64),
    /// Positives and rows outside (missing values included).
    pub outside: (f64, f64),
    /// Rate ratio inside vs outside with its interval.
    pub ratio: RateRatio,
}

/// The interval maximising `score` (see the module doc and
/// [`IntervalScore`]). `labels[i]` is 1 (positive), 0 (negative) or 2
/// (left out). `None` when no interval leaves `min_share` of the rows on
/// each side or no row is positive.
pub fn best_interval(
    values: &[f64],
    labels: &[u8],
    n_bins: usize,
    min_share: f64,
    confidence: f64,
    score: IntervalScore,
) -> Result<Option<Interval>> {
    if values.len() != labels.len() {
        return Err(Error::LengthMismatch {
            what: "labels".into(),
            expected: values.len(),
            found: labels.len(),
        });
    }
    if !(0.0..0.5).contains(&min_share) {
        return Err(Error::invalid("min_share", "must be in [0, 0.5)"));
    }
    let mut sorted: Vec<f64> = values
        .iter()
        .zip(labels)
        .filter(|(x, l)| **l != EXCLUDED && !x.is_nan())
        .map(|(x, _)| *x)
        .collect();
    sorted.sort_unstable_by(f64::total_cmp);
    let cuts = quantile_cuts(&sorted, n_bins.max(2));
    let bins = cuts.len() + 1;
    let mut codes = vec![0u32; values.len()];
    bin_codes(values, &cuts, &mut codes)?;
    // Per bin: positives and rows; the missing bin (code `bins`) counts as outside.
    let mut pos = vec![0f64; bins + 1];
    let mut n = vec![0f64; bins + 1];
    for (&c, &l) in codes.iter().zip(labels) {
        if l != EXCLUDED {
            pos[c as usize] += f64::from(l);
            n[c as usize] += 1.0;
        }
    }
    let (total_pos, total_n): (f64, f64) = (pos.iter().sum(), n.iter().sum());
    if total_pos == 0.0 || total_n == 0.0 {
        return Ok(None);
    }
    let min_rows = (min_share * total_n).max(5.0);
    let mut best: Option<(f64, usize, usize, RateRatio)> = None;
    for i in 0..bins {
        let (mut a, mut n1) = (0.0, 0.0);
        for j in i..bins {
            a += pos[j];
            n1 += n[j];
            let n2 = total_n - n1;
            if n1 < min_rows || n2 < min_rows {
                continue;
            }
            let rr = rate_ratio(a, n1, total_pos - a, n2, confidence)?;
            let key = match score {
                IntervalScore::RatioLowerBound => rr.lo,
                IntervalScore::LikelihoodRatio => g_statistic(a, n1, total_pos - a, n2),
            };
            if best.as_ref().is_none_or(|b| key > b.0) {
                best = Some((key, i, j, rr));
            }
        }
    }
    Ok(best.map(|(_, i, j, ratio)| {
        let inside: (f64, f64) = (pos[i..=j].iter().sum(), n[i..=j].iter().sum());
        Interval {
            lo: (i > 0).then(|| cuts[i - 1]),
            hi: (j < bins - 1).then(|| cuts[j]),
            outside: (total_pos - inside.0, total_n - inside.1),
            inside,
            ratio,
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exhaustive reference: every pair of distinct values as ends.
    fn brute(values: &[f64], labels: &[u8], n_bins: usize, min_share: f64) -> f64 {
        let mut sorted: Vec<f64> = values
            .iter()
            .zip(labels)
            .filter(|(x, l)| !x.is_nan() && **l != 2)
            .map(|(x, _)| *x)
            .collect();
        sorted.sort_by(f64::total_cmp);
        let cuts = quantile_cuts(&sorted, n_bins);
        let ends: Vec<Option<f64>> = std::iter::once(None)
            .chain(cuts.iter().map(|c| Some(*c)))
            .collect();
        let total_n = labels.iter().filter(|l| **l != 2).count() as f64;
        let total_pos = labels.iter().filter(|l| **l == 1).count() as f64;
        let mut best = f64::NEG_INFINITY;
        for (i, lo) in ends.iter().enumerate() {
            for hi in ends
                .iter()
                .skip(i + 1)
                .copied()
                .chain(std::iter::once(None))
            {
                let inside =
                    |x: f64| !x.is_nan() && lo.is_none_or(|l| x > l) && hi.is_none_or(|h| x <= h);
                let (mut a, mut n1) = (0.0, 0.0);
                for (x, l) in values.iter().zip(labels) {
                    if *l != 2 && inside(*x) {
                        a += f64::from(*l);
                        n1 += 1.0;
                    }
                }
                let n2 = total_n - n1;
                let min_rows = (min_share * total_n).max(5.0);
                if n1 < min_rows || n2 < min_rows {
                    continue;
                }
                best = best.max(rate_ratio(a, n1, total_pos - a, n2, 0.95).unwrap().lo);
            }
        }
        best
    }

    fn lcg(seed: &mut u64) -> f64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*seed >> 11) as f64 / (1u64 << 53) as f64
    }

    #[test]
    fn recovers_a_planted_band() {
        // Rate 60 % in 200–2000, 20 % elsewhere, 5 % missing values.
        let mut seed = 7;
        let mut values = Vec::new();
        let mut labels = Vec::new();
        for _ in 0..20_000 {
            let x = (10f64).powf(1.0 + 3.0 * lcg(&mut seed)).round();
            let p = if (200.0..=2000.0).contains(&x) {
                0.6
            } else {
                0.2
            };
            values.push(if lcg(&mut seed) < 0.05 { f64::NAN } else { x });
            labels.push(u8::from(lcg(&mut seed) < p));
        }
        let iv = best_interval(
            &values,
            &labels,
            40,
            0.05,
            0.95,
            IntervalScore::RatioLowerBound,
        )
        .unwrap()
        .unwrap();
        let (lo, hi) = (iv.lo.unwrap(), iv.hi.unwrap());
        assert!((170.0..=230.0).contains(&lo), "{lo}");
        assert!((1700.0..=2300.0).contains(&hi), "{hi}");
        assert!(iv.ratio.ratio > 2.0);
    }

    #[test]
    fn matches_exhaustive_search() {
        let mut seed = 11;
        for trial in 0..20 {
            let n = 60 + trial * 13;
            let values: Vec<f64> = (0..n)
                .map(|_| {
                    if lcg(&mut seed) < 0.1 {
                        f64::NAN
                    } else {
                        (lcg(&mut seed) * 30.0).floor()
                    }
                })
                .collect();
            let labels: Vec<u8> = values
                .iter()
                .map(|x| {
                    let p = if (8.0..20.0).contains(x) { 0.7 } else { 0.3 };
                    if lcg(&mut seed) < 0.05 {
                        2
                    } else {
                        u8::from(lcg(&mut seed) < p)
                    }
                })
                .collect();
            let got = best_interval(
                &values,
                &labels,
                12,
                0.1,
                0.95,
                IntervalScore::RatioLowerBound,
            )
            .unwrap();
            let want = brute(&values, &labels, 12, 0.1);
            match got {
                Some(iv) => assert!(
                    (iv.ratio.lo - want).abs() < 1e-12,
                    "trial {trial}: {} vs {want}",
                    iv.ratio.lo
                ),
                None => assert_eq!(want, f64::NEG_INFINITY),
            }
        }
    }

    #[test]
    fn g_statistic_matches_scipy() {
        // scipy.stats.chi2_contingency([[30, 70], [10, 90]], correction=False,
        //     lambda_="log-likelihood")[0]
        let g = g_statistic(30.0, 100.0, 10.0, 100.0);
        assert!((g - 12.971_514_326_006_81).abs() < 1e-9, "{g}");
        // The G-best band of a planted step sits at the step.
        let values: Vec<f64> = (0..1000).map(f64::from).collect();
        let labels: Vec<u8> = (0..1000)
            .map(|i| u8::from(if i < 300 { i % 5 < 3 } else { i % 5 == 0 }))
            .collect();
        let iv = best_interval(
            &values,
            &labels,
            20,
            0.05,
            0.95,
            IntervalScore::LikelihoodRatio,
        )
        .unwrap()
        .unwrap();
        assert_eq!((iv.lo, iv.hi), (None, Some(299.0)));
    }

    #[test]
    fn degenerate_inputs_give_none_or_errors() {
        assert!(
            best_interval(
                &[1.0, 2.0],
                &[0, 0],
                10,
                0.05,
                0.95,
                IntervalScore::RatioLowerBound
            )
            .unwrap()
            .is_none()
        );
        assert!(
            best_interval(&[], &[], 10, 0.05, 0.95, IntervalScore::RatioLowerBound)
                .unwrap()
                .is_none()
        );
        assert!(
            best_interval(
                &[1.0],
                &[1, 0],
                10,
                0.05,
                0.95,
                IntervalScore::RatioLowerBound
            )
            .is_err()
        );
        assert!(
            best_interval(&[1.0], &[1], 10, 0.7, 0.95, IntervalScore::RatioLowerBound).is_err()
        );
        // A constant column has one bin: no interval leaves rows outside.
        let v = vec![3.0; 100];
        let l: Vec<u8> = (0..100).map(|i| (i % 2) as u8).collect();
        assert!(
            best_interval(&v, &l, 10, 0.05, 0.95, IntervalScore::RatioLowerBound)
                .unwrap()
                .is_none()
        );
    }
}
