//! Rank-based two-sample statistics on a pooled sample sorted once:
//! Mann–Whitney U, ROC AUC and the two-sample Kolmogorov–Smirnov test.
//!
//! The ranking module sorts each numeric column once (with the target labels
//! carried along) and hands the same [`SortedSample`] to every kernel here;
//! each kernel is then one O(n) pass over the runs of tied values, with no
//! allocation. The `*_xy` wrappers pool, drop NaN and sort for callers that
//! have two separate samples.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal};

use super::kolmogorov::kolmogorov_sf;
use crate::{Error, Result};

/// A pooled two-class sample, sorted ascending by value.
///
/// `values` ascending with no NaN (ties allowed, in any label order;
/// ±∞ allowed); `labels[i]` is `true` when row `i` belongs to the positive
/// class; `weights`, when present, non-negative and finite. The slices must
/// have equal lengths. Lengths are checked in O(1) when a kernel starts;
/// sortedness, NaN and weights are checked during the kernel's own pass, so
/// a bad sample costs nothing extra and still yields an error, never a
/// panic or a silent wrong answer.
#[derive(Debug, Clone, Copy)]
pub struct SortedSample<'a> {
    /// Pooled values, ascending, no NaN.
    pub values: &'a [f64],
    /// `true` for the positive class.
    pub labels: &'a [bool],
    /// Optional per-row weights (finite, `>= 0`).
    pub weights: Option<&'a [f64]>,
}

impl<'a> SortedSample<'a> {
    /// A sample without weights.
    pub fn new(values: &'a [f64], labels: &'a [bool]) -> Self {
        Self {
            values,
            labels,
            weights: None,
        }
    }

    /// A weighted sample.
    pub fn weighted(values: &'a [f64], labels: &'a [bool], weights: &'a [f64]) -> Self {
        Self {
            values,
            labels,
            weights: Some(weights),
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the sample has no rows.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    fn check_lengths(&self) -> Result<()> {
        let n = self.values.len();
        if self.labels.len() != n {
            return Err(Error::LengthMismatch {
                what: "labels".into(),
                expected: n,
                found: self.labels.len(),
            });
        }
        if let Some(w) = self.weights
            && w.len() != n
        {
            return Err(Error::LengthMismatch {
                what: "weights".into(),
                expected: n,
                found: w.len(),
            });
        }
        Ok(())
    }
}

/// One run of tied values, with sums over the run and cumulative sums up to
/// and including it.
#[derive(Debug, Clone, Copy, Default)]
struct Run {
    value: f64,
    n_pos: u64,
    n_neg: u64,
    w_pos: f64,
    w_neg: f64,
    cum_n_pos: u64,
    cum_n_neg: u64,
    cum_w_pos: f64,
    cum_w_neg: f64,
}

/// Class totals of a sample (`w*` are the counts when unweighted; `w2*` the
/// sums of squared weights, for Kish's effective sizes).
#[derive(Debug, Clone, Copy, Default)]
struct Totals {
    n_pos: u64,
    n_neg: u64,
    w_pos: f64,
    w_neg: f64,
    w2_pos: f64,
    w2_neg: f64,
}

/// Calls `f` on every run of tied values, ascending, validating order, NaN
/// and weights on the way. `use_weights = false` ignores `s.weights`.
/// Returns the totals (sums of the run sums, in the order `f` saw them, so
/// that a second pass reproduces them bit for bit). One pass, no allocation.
fn scan_runs(s: &SortedSample, use_weights: bool, f: impl FnMut(&Run)) -> Result<Totals> {
    s.check_lengths()?;
    match s.weights {
        Some(w) if use_weights => scan_impl::<true>(s.values, s.labels, w, f),
        _ => scan_impl::<false>(s.values, s.labels, &[], f),
    }
}

/// The pass of [`scan_runs`], monomorphised for weighted / unweighted
/// samples. The per-row work is branch-free in the label (class-indexed
/// accumulators, index 1 = positive); the only branches are the run
/// boundary and the validity checks, both predictable.
fn scan_impl<const WEIGHTED: bool>(
    values: &[f64],
    labels: &[bool],
    weights: &[f64],
    mut f: impl FnMut(&Run),
) -> Result<Totals> {
    let mut t = Totals::default();
    let Some(&first) = values.first() else {
        return Ok(t);
    };
    if first.is_nan() {
        return Err(Error::invalid("values", "row 0 is NaN; drop NaN first"));
    }
    let mut run = Run::default();
    let mut value = first;
    let mut cnt = [0u64; 2];
    let mut wsum = [0.0f64; 2];
    let mut w2 = [0.0f64; 2];
    let mut flush = |value: f64, cnt: &mut [u64; 2], wsum: &mut [f64; 2], run: &mut Run| {
        let ws = if WEIGHTED {
            *wsum
        } else {
            [cnt[0] as f64, cnt[1] as f64]
        };
        run.value = value;
        run.n_neg = cnt[0];
        run.n_pos = cnt[1];
        run.w_neg = ws[0];
        run.w_pos = ws[1];
        run.cum_n_neg += cnt[0];
        run.cum_n_pos += cnt[1];
        run.cum_w_neg += ws[0];
        run.cum_w_pos += ws[1];
        f(run);
        *cnt = [0; 2];
        *wsum = [0.0; 2];
    };
    for (i, (&x, &y)) in values.iter().zip(labels).enumerate() {
        if x != value {
            if x.is_nan() {
                return Err(Error::invalid(
                    "values",
                    format!("row {i} is NaN; drop NaN first"),
                ));
            }
            if x < value {
                return Err(Error::invalid(
                    "values",
                    format!("not sorted ascending: row {i} ({x}) follows {value}"),
                ));
            }
            flush(value, &mut cnt, &mut wsum, &mut run);
            value = x;
        }
        let k = usize::from(y);
        cnt[k] += 1;
        if WEIGHTED {
            let w = weights[i];
            if !(w.is_finite() && w >= 0.0) {
                return Err(Error::invalid(
                    "weights",
                    format!("row {i}: weight {w} must be finite and >= 0"),
                ));
            }
            wsum[k] += w;
            w2[k] += w * w;
        }
    }
    flush(value, &mut cnt, &mut wsum, &mut run);
    t.n_pos = run.cum_n_pos;
    t.n_neg = run.cum_n_neg;
    t.w_pos = run.cum_w_pos;
    t.w_neg = run.cum_w_neg;
    if WEIGHTED {
        t.w2_neg = w2[0];
        t.w2_pos = w2[1];
    } else {
        t.w2_neg = t.w_neg;
        t.w2_pos = t.w_pos;
    }
    Ok(t)
}

/// Error unless both classes are present (and, when weighted, carry weight).
fn require_two_classes(t: &Totals, what: &str, weighted: bool) -> Result<()> {
    if t.n_pos + t.n_neg == 0 {
        return Err(Error::InsufficientData {
            what: format!("{what} (pooled sample)"),
            n: 0,
            min: 2,
        });
    }
    // `class` names the only class present.
    if t.n_pos == 0 {
        return Err(Error::OneClass {
            target: "labels".into(),
            class: "negative".into(),
        });
    }
    if t.n_neg == 0 {
        return Err(Error::OneClass {
            target: "labels".into(),
            class: "positive".into(),
        });
    }
    if weighted {
        for (w, class) in [(t.w_pos, "positive"), (t.w_neg, "negative")] {
            if w <= 0.0 {
                return Err(Error::invalid(
                    "weights",
                    format!("{what}: the {class} class has zero total weight"),
                ));
            }
        }
    }
    Ok(())
}

/// Result of [`mann_whitney`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MannWhitney {
    /// `U` of the positive sample: pairs (pos, neg) with pos > neg, plus ½
    /// per tied pair.
    pub u: f64,
    /// Signed, continuity-corrected normal score:
    /// `sign(U − μ) · max(|U − μ| − ½, 0) / σ`; positive when positives rank
    /// higher. 0 when σ = 0 (all values tied).
    pub z: f64,
    /// Two-sided p-value `min(1, 2·(1 − Φ(|z|)))` (1 when σ = 0).
    pub p_value: f64,
    /// `U / (n_pos · n_neg)`: the (unweighted) ROC AUC of the values for the
    /// positive class.
    pub auc: f64,
    /// Positive rows.
    pub n_pos: u64,
    /// Negative rows.
    pub n_neg: u64,
}

/// Mann–Whitney U test (two-sided, normal approximation).
///
/// Definition: with midranks `Rᵢ` of the pooled sample, `n₁` positives and
/// `n₂` negatives, `U = Σ_{pos} Rᵢ − n₁(n₁+1)/2`, `μ = n₁n₂/2`,
/// `σ² = n₁n₂/12 · ((n+1) − Σ(t³ − t)/(n(n−1)))` over tie-run sizes `t`
/// (tie-corrected), and `z`, `p_value` as in [`MannWhitney`] (continuity
/// correction ½).
///
/// Reference: `scipy.stats.mannwhitneyu(pos, neg, alternative="two-sided",
/// method="asymptotic")` (statistic = `u`, pvalue = `p_value`).
///
/// **Weights are ignored** (every row counts 1); use [`roc_auc`] for a
/// weighted AUC. Accuracy: `u` and `auc` are exact; `p_value` agrees with
/// scipy to ~1e-10 relative, the accuracy of statrs 0.19's `erfc` (its
/// interval constants are truncated, statrs-dev/statrs#412). Errors: bad lengths, unsorted values or NaN
/// ([`Error::InvalidArgument`]), an empty sample
/// ([`Error::InsufficientData`]), one class absent ([`Error::OneClass`]).
/// One O(n) pass over tie runs, integer arithmetic for `U` (exact).
pub fn mann_whitney(s: &SortedSample) -> Result<MannWhitney> {
    let mut acc = MwuAcc::default();
    let t = scan_runs(s, false, |r| acc.visit(r))?;
    require_two_classes(&t, "Mann-Whitney U", false)?;
    Ok(acc.finish(&t))
}

/// Mann–Whitney accumulation over the runs (integer arithmetic, exact `U`).
#[derive(Debug, Default)]
struct MwuAcc {
    two_u: u128,
    neg_below: u128,
    ties: u128,
}

impl MwuAcc {
    #[inline]
    fn visit(&mut self, r: &Run) {
        let (p, q) = (u128::from(r.n_pos), u128::from(r.n_neg));
        self.two_u += p * (2 * self.neg_below + q);
        self.neg_below += q;
        let len = p + q;
        if len > 1 {
            self.ties += len * len * len - len;
        }
    }

    fn finish(&self, t: &Totals) -> MannWhitney {
        let (n1, n2) = (t.n_pos as f64, t.n_neg as f64);
        let n = n1 + n2;
        let u = self.two_u as f64 / 2.0;
        let mu = n1 * n2 / 2.0;
        let sigma = (n1 * n2 / 12.0 * ((n + 1.0) - self.ties as f64 / (n * (n - 1.0)))).sqrt();
        let d = u - mu;
        let (z, p_value) = if sigma > 0.0 && sigma.is_finite() {
            let za = (d.abs() - 0.5) / sigma;
            let p = (2.0 * normal_sf(za)).clamp(0.0, 1.0);
            (d.signum() * za.max(0.0), p)
        } else {
            (0.0, 1.0)
        };
        MannWhitney {
            u,
            z: if d == 0.0 { 0.0 } else { z },
            p_value,
            auc: u / (n1 * n2),
            n_pos: t.n_pos,
            n_neg: t.n_neg,
        }
    }
}

fn normal_sf(z: f64) -> f64 {
    Normal::new(0.0, 1.0).map_or(f64::NAN, |d| d.sf(z))
}

/// ROC AUC of the values as a score for the positive class.
///
/// Definition: `AUC = Σ_{pos i} Σ_{neg j} wᵢ wⱼ ([xᵢ > xⱼ] + ½[xᵢ = xⱼ]) /
/// (W_pos · W_neg)` (all weights 1 when `weights` is `None`): the weighted
/// probability that a positive outranks a negative, ties counting ½.
///
/// Reference: `sklearn.metrics.roc_auc_score(labels, values,
/// sample_weight=weights)`.
///
/// Errors: as [`mann_whitney`], plus a class whose total weight is 0 or a
/// negative / non-finite weight ([`Error::InvalidArgument`]). One O(n) pass.
/// Unweighted, the result is exactly `U / (n_pos · n_neg)` of
/// [`mann_whitney`].
pub fn roc_auc(s: &SortedSample) -> Result<f64> {
    if s.weights.is_none() {
        return mann_whitney(s).map(|m| m.auc);
    }
    let mut acc = AucAcc::default();
    let t = scan_runs(s, true, |r| acc.visit(r))?;
    require_two_classes(&t, "ROC AUC", true)?;
    Ok(acc.finish(&t))
}

/// Weighted AUC accumulation over the runs.
#[derive(Debug, Default)]
struct AucAcc {
    acc: f64,
    neg_below: f64,
}

impl AucAcc {
    #[inline]
    fn visit(&mut self, r: &Run) {
        self.acc += r.w_pos * (self.neg_below + 0.5 * r.w_neg);
        self.neg_below += r.w_neg;
    }
    fn finish(&self, t: &Totals) -> f64 {
        (self.acc / (t.w_pos * t.w_neg)).clamp(0.0, 1.0)
    }
}

/// Result of [`ks_two_sample`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ks {
    /// `D = sup |F_pos(x) − F_neg(x)|`.
    pub statistic: f64,
    /// Asymptotic two-sided p-value `Q(√(n₁n₂/(n₁+n₂)) · D)`, `Q` the
    /// Kolmogorov survival function.
    pub p_value: f64,
    /// The value at which `D` is attained (scipy's `statistic_location`).
    pub location: f64,
    /// `+1` when `D = max(F_pos − F_neg)` (the positives' ECDF is above: the
    /// positive class tends to smaller values), `-1` when
    /// `D = max(F_neg − F_pos)` (scipy's `statistic_sign`).
    pub sign: i8,
    /// Effective size of the positive sample (`n₁`; Kish's when weighted).
    pub n_pos_eff: f64,
    /// Effective size of the negative sample (`n₂`; Kish's when weighted).
    pub n_neg_eff: f64,
}

/// Two-sample Kolmogorov–Smirnov test (two-sided, asymptotic p-value).
///
/// Definition: `F_pos`, `F_neg` the empirical CDFs of the two classes,
/// evaluated after every run of tied values; `D = max |F_pos − F_neg|`.
/// With weights, the ECDFs are weighted (`F(x) = Σ_{xᵢ <= x} wᵢ / W`) and the
/// sample sizes in the p-value are Kish's effective sizes `(Σw)² / Σw²`
/// (equal to the counts when all weights are equal).
/// `p_value = kolmogorov_sf(√(n₁n₂/(n₁+n₂)) · D)` (see
/// [`super::kolmogorov::kolmogorov_sf`]).
///
/// Reference: `D`, `location` and `sign` = `scipy.stats.ks_2samp(pos,
/// neg)` `.statistic`, `.statistic_location`, `.statistic_sign` (the same
/// differences `c₁/n₁ − c₂/n₂` and scipy's tie-breaking of the location;
/// `D` may differ by an ulp because scipy's exact mode re-expresses it as
/// `h / lcm(n₁, n₂)`); `p_value` = `scipy.stats.kstwobign.sf(sqrt(n1*n2 /
/// (n1+n2)) * D)`, the limit law (older scipy's `method="asymp"`).
/// **Current scipy's p-value differs**: its default `method="exact"`
/// (n ≤ 10 000) and its `"asymp"` (`kstwo.sf(D, round(n₁n₂/(n₁+n₂)))`) are
/// finite-n laws, noticeably different for small samples. The limit law is
/// O(1); the exact law costs O(n₁n₂).
///
/// Errors: as [`roc_auc`]. Two O(n) passes (class totals, then the runs:
/// the ECDFs need the totals).
pub fn ks_two_sample(s: &SortedSample) -> Result<Ks> {
    let weighted = s.weights.is_some();
    // Pass 1: class totals (validates the sample too).
    let t = scan_runs(s, weighted, |_| {})?;
    require_two_classes(&t, "Kolmogorov-Smirnov", weighted)?;
    let mut acc = KsAcc::new(&t, weighted);
    scan_runs(s, weighted, |r| acc.visit(r))?;
    Ok(acc.finish(&t))
}

/// KS accumulation over the runs; needs the class totals first.
#[derive(Debug)]
struct KsAcc {
    weighted: bool,
    w1: f64,
    w2: f64,
    ext: Extremes,
}

impl KsAcc {
    fn new(t: &Totals, weighted: bool) -> Self {
        let (w1, w2) = if weighted {
            (t.w_pos, t.w_neg)
        } else {
            (t.n_pos as f64, t.n_neg as f64)
        };
        Self {
            weighted,
            w1,
            w2,
            ext: Extremes::default(),
        }
    }

    // Extremes of F_pos − F_neg over runs containing a positive (scipy
    // scans the positive sample first) and over runs containing a negative.
    #[inline]
    fn visit(&mut self, r: &Run) {
        let diff = if self.weighted {
            r.cum_w_pos / self.w1 - r.cum_w_neg / self.w2
        } else {
            r.cum_n_pos as f64 / self.w1 - r.cum_n_neg as f64 / self.w2
        };
        self.ext.visit(diff, r.value, r.n_pos > 0);
    }

    fn finish(&self, t: &Totals) -> Ks {
        let (max_s, loc_max) = self.ext.max();
        let (min_diff, loc_min) = self.ext.min();
        let min_s = (-min_diff).clamp(0.0, 1.0);
        let (statistic, location, sign) = if min_s > max_s {
            (min_s, loc_min, -1)
        } else {
            (max_s, loc_max, 1)
        };
        let (n1, n2) = if self.weighted {
            (t.w_pos * t.w_pos / t.w2_pos, t.w_neg * t.w_neg / t.w2_neg)
        } else {
            (self.w1, self.w2)
        };
        let p_value = kolmogorov_sf((n1 * n2 / (n1 + n2)).sqrt() * statistic);
        Ks {
            statistic,
            p_value,
            location,
            sign,
            n_pos_eff: n1,
            n_neg_eff: n2,
        }
    }
}

/// Mann–Whitney, AUC and KS of one sample together.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TwoSample {
    /// As [`mann_whitney`] (unweighted).
    pub mann_whitney: MannWhitney,
    /// As [`roc_auc`] (weighted when weights are given).
    pub auc: f64,
    /// As [`ks_two_sample`].
    pub ks: Ks,
}

/// [`mann_whitney`], [`roc_auc`] and [`ks_two_sample`] in two passes over
/// the runs instead of four or five: the ranking's path. Results are
/// identical to the separate kernels (tested).
pub fn two_sample(s: &SortedSample) -> Result<TwoSample> {
    let weighted = s.weights.is_some();
    let t = scan_runs(s, weighted, |_| {})?;
    require_two_classes(&t, "two-sample statistics", weighted)?;
    let (mut mwu, mut auc, mut ks) = (
        MwuAcc::default(),
        AucAcc::default(),
        KsAcc::new(&t, weighted),
    );
    scan_runs(s, weighted, |r| {
        mwu.visit(r);
        if weighted {
            auc.visit(r);
        }
        ks.visit(r);
    })?;
    let mann_whitney = mwu.finish(&t);
    let auc = if weighted {
        auc.finish(&t)
    } else {
        mann_whitney.auc
    };
    Ok(TwoSample {
        mann_whitney,
        auc,
        ks: ks.finish(&t),
    })
}

/// Running extremes of the ECDF difference, each with the first (smallest)
/// value attaining it, kept separately for runs with a positive (`[0]`) and
/// runs without one (`[1]`), to reproduce scipy's `argmax` over the
/// concatenation `[sorted pos, sorted neg]`.
#[derive(Debug, Clone, Copy)]
struct Extremes {
    max: [(f64, f64); 2],
    min: [(f64, f64); 2],
}

impl Default for Extremes {
    fn default() -> Self {
        Self {
            max: [(f64::NEG_INFINITY, f64::NAN); 2],
            min: [(f64::INFINITY, f64::NAN); 2],
        }
    }
}

impl Extremes {
    #[inline]
    fn visit(&mut self, diff: f64, value: f64, has_pos: bool) {
        let k = usize::from(!has_pos);
        if diff > self.max[k].0 {
            self.max[k] = (diff, value);
        }
        if diff < self.min[k].0 {
            self.min[k] = (diff, value);
        }
    }
    fn max(&self) -> (f64, f64) {
        // Every run contains a positive or a negative; a run with both counts
        // as a positive one (it appears in scipy's first block).
        let [a, b] = self.max;
        if a.0 >= b.0 { a } else { b }
    }
    fn min(&self) -> (f64, f64) {
        let [a, b] = self.min;
        if a.0 <= b.0 { a } else { b }
    }
}

/// Pools two samples into one sorted by value (`f64::total_cmp`), dropping
/// NaN, with `true` labels for `pos`. The helper behind the `*_xy` wrappers.
pub fn pool_sorted(pos: &[f64], neg: &[f64]) -> (Vec<f64>, Vec<bool>) {
    let mut pairs: Vec<(f64, bool)> = pos
        .iter()
        .map(|&x| (x, true))
        .chain(neg.iter().map(|&x| (x, false)))
        .filter(|p| !p.0.is_nan())
        .collect();
    pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    pairs.into_iter().unzip()
}

/// [`mann_whitney`] of two separate samples (NaN dropped; O(n log n) sort).
pub fn mann_whitney_xy(pos: &[f64], neg: &[f64]) -> Result<MannWhitney> {
    let (v, y) = pool_sorted(pos, neg);
    mann_whitney(&SortedSample::new(&v, &y))
}

/// [`ks_two_sample`] of two separate samples (NaN dropped; O(n log n) sort).
pub fn ks_xy(pos: &[f64], neg: &[f64]) -> Result<Ks> {
    let (v, y) = pool_sorted(pos, neg);
    ks_two_sample(&SortedSample::new(&v, &y))
}

/// [`roc_auc`] of two separate samples, unweighted (NaN dropped; O(n log n)
/// sort).
pub fn roc_auc_xy(pos: &[f64], neg: &[f64]) -> Result<f64> {
    let (v, y) = pool_sorted(pos, neg);
    roc_auc(&SortedSample::new(&v, &y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bad_samples_are_errors() {
        let y = [true, false, true];
        assert!(matches!(
            mann_whitney(&SortedSample::new(&[1.0, 2.0], &y)),
            Err(Error::LengthMismatch { .. })
        ));
        assert!(matches!(
            ks_two_sample(&SortedSample::weighted(&[1.0, 2.0, 3.0], &y, &[1.0])),
            Err(Error::LengthMismatch { .. })
        ));
        let unsorted = [1.0, 3.0, 2.0];
        for r in [
            mann_whitney(&SortedSample::new(&unsorted, &y)).map(|_| ()),
            roc_auc(&SortedSample::new(&unsorted, &y)).map(|_| ()),
            ks_two_sample(&SortedSample::new(&unsorted, &y)).map(|_| ()),
        ] {
            let e = r.unwrap_err();
            assert!(e.to_string().contains("not sorted"), "{e}");
        }
        for nan in [
            [f64::NAN, 1.0, 2.0],
            [1.0, f64::NAN, 2.0],
            [1.0, 2.0, f64::NAN],
        ] {
            let e = mann_whitney(&SortedSample::new(&nan, &y)).unwrap_err();
            assert!(e.to_string().contains("NaN"), "{e}");
        }
        let one = [true, true];
        assert!(matches!(
            mann_whitney(&SortedSample::new(&[1.0, 2.0], &one)),
            Err(Error::OneClass { .. })
        ));
        assert!(matches!(
            ks_two_sample(&SortedSample::new(&[1.0, 2.0], &[false, false])),
            Err(Error::OneClass { .. })
        ));
        assert!(matches!(
            roc_auc(&SortedSample::new(&[], &[])),
            Err(Error::InsufficientData { .. })
        ));
        let v = [1.0, 2.0, 3.0];
        for w in [
            [1.0, -1.0, 1.0],
            [1.0, f64::NAN, 1.0],
            [1.0, f64::INFINITY, 1.0],
        ] {
            assert!(roc_auc(&SortedSample::weighted(&v, &y, &w)).is_err());
            assert!(ks_two_sample(&SortedSample::weighted(&v, &y, &w)).is_err());
        }
        // A class with zero total weight.
        let w = [0.0, 1.0, 0.0];
        assert!(roc_auc(&SortedSample::weighted(&v, &y, &w)).is_err());
        assert!(ks_two_sample(&SortedSample::weighted(&v, &y, &w)).is_err());
        // Mann-Whitney ignores weights, even bad ones.
        let w = [1.0, -1.0, 1.0];
        assert!(mann_whitney(&SortedSample::weighted(&v, &y, &w)).is_ok());
        // Wrappers: NaN dropped; all-NaN class is one class.
        assert!(matches!(
            mann_whitney_xy(&[f64::NAN], &[1.0]),
            Err(Error::OneClass { .. })
        ));
        assert!(ks_xy(&[], &[]).is_err());
    }

    #[test]
    fn all_tied_and_tiny_samples() {
        let m = mann_whitney_xy(&[2.0, 2.0], &[2.0]).unwrap();
        assert_eq!((m.u, m.z, m.p_value, m.auc), (1.0, 0.0, 1.0, 0.5));
        let k = ks_xy(&[2.0, 2.0], &[2.0]).unwrap();
        assert_eq!((k.statistic, k.p_value, k.sign), (0.0, 1.0, 1));
        // n1 = n2 = 1: |U − μ| = ½ is absorbed by the continuity correction.
        let m = mann_whitney_xy(&[5.0], &[1.0]).unwrap();
        assert_eq!((m.u, m.auc, m.z, m.p_value), (1.0, 1.0, 0.0, 1.0));
        let m = mann_whitney_xy(&[5.0, 6.0], &[1.0]).unwrap();
        assert_eq!((m.u, m.auc), (2.0, 1.0));
        assert!(m.z > 0.0 && m.p_value < 1.0);
        assert_eq!(roc_auc_xy(&[1.0], &[5.0]).unwrap(), 0.0);
        let k = ks_xy(&[5.0], &[1.0]).unwrap();
        assert_eq!((k.statistic, k.location, k.sign), (1.0, 1.0, -1));
        // -0.0 and 0.0 tie.
        assert_eq!(roc_auc_xy(&[0.0], &[-0.0]).unwrap(), 0.5);
        // Infinities are ordinary extreme values.
        assert_eq!(
            roc_auc_xy(&[f64::INFINITY], &[f64::NEG_INFINITY, 3.0]).unwrap(),
            1.0
        );
    }

    fn sample() -> impl Strategy<Value = Vec<(i8, bool, u8)>> {
        // Small integer values force many ties; integer weights (some 0).
        prop::collection::vec((-6i8..6, any::<bool>(), 0u8..4), 2..80)
            .prop_filter("both classes weighted", |v| {
                v.iter().any(|x| x.1 && x.2 > 0) && v.iter().any(|x| !x.1 && x.2 > 0)
            })
    }

    fn sorted(rows: &[(i8, bool, u8)], flip: bool) -> (Vec<f64>, Vec<bool>, Vec<f64>) {
        let mut rows: Vec<_> = rows
            .iter()
            .map(|&(x, y, w)| {
                let x = f64::from(x);
                (if flip { -x } else { x }, y, f64::from(w))
            })
            .collect();
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        let v = rows.iter().map(|r| r.0).collect();
        let y = rows.iter().map(|r| r.1).collect();
        let w = rows.iter().map(|r| r.2).collect();
        (v, y, w)
    }

    /// O(n²) definition of the weighted AUC.
    fn brute_auc(rows: &[(i8, bool, u8)]) -> f64 {
        let (mut num, mut wp, mut wn) = (0.0, 0.0, 0.0);
        for p in rows.iter().filter(|r| r.1) {
            wp += f64::from(p.2);
            for q in rows.iter().filter(|r| !r.1) {
                let w = f64::from(p.2) * f64::from(q.2);
                num += w * match p.0.cmp(&q.0) {
                    std::cmp::Ordering::Greater => 1.0,
                    std::cmp::Ordering::Equal => 0.5,
                    std::cmp::Ordering::Less => 0.0,
                };
            }
        }
        for q in rows.iter().filter(|r| !r.1) {
            wn += f64::from(q.2);
        }
        num / (wp * wn)
    }

    proptest! {
        #[test]
        fn fused_two_sample_equals_the_separate_kernels(rows in sample()) {
            let (v, y, w) = sorted(&rows, false);
            if y.iter().all(|&b| b) || y.iter().all(|&b| !b) { return Ok(()); }
            let plain = SortedSample::new(&v, &y);
            let both = two_sample(&plain).unwrap();
            prop_assert_eq!(both.mann_whitney, mann_whitney(&plain).unwrap());
            prop_assert_eq!(both.auc, roc_auc(&plain).unwrap());
            prop_assert_eq!(both.ks, ks_two_sample(&plain).unwrap());
            let weighted = SortedSample::weighted(&v, &y, &w);
            let both = two_sample(&weighted).unwrap();
            prop_assert_eq!(both.mann_whitney, mann_whitney(&weighted).unwrap());
            prop_assert_eq!(both.auc, roc_auc(&weighted).unwrap());
            prop_assert_eq!(both.ks, ks_two_sample(&weighted).unwrap());
        }

        #[test]
        fn auc_is_u_over_n1n2_unweighted(rows in sample()) {
            let (v, y, _) = sorted(&rows, false);
            if y.iter().all(|&b| b) || y.iter().all(|&b| !b) { return Ok(()); }
            let m = mann_whitney(&SortedSample::new(&v, &y)).unwrap();
            let auc = roc_auc(&SortedSample::new(&v, &y)).unwrap();
            prop_assert_eq!(auc, m.u / (m.n_pos as f64 * m.n_neg as f64));
            let ones = vec![1.0; v.len()];
            let wauc = roc_auc(&SortedSample::weighted(&v, &y, &ones)).unwrap();
            prop_assert!((wauc - auc).abs() < 1e-12);
        }

        #[test]
        fn auc_of_negated_values_is_one_minus_auc(rows in sample()) {
            let (v, y, w) = sorted(&rows, false);
            let (vf, yf, wf) = sorted(&rows, true);
            let a = roc_auc(&SortedSample::weighted(&v, &y, &w)).unwrap();
            let b = roc_auc(&SortedSample::weighted(&vf, &yf, &wf)).unwrap();
            prop_assert!((a + b - 1.0).abs() < 1e-12, "{} {}", a, b);
            prop_assert!((a - brute_auc(&rows)).abs() < 1e-12);
        }

        #[test]
        fn ks_and_mw_are_symmetric_in_the_classes(rows in sample()) {
            let (v, y, w) = sorted(&rows, false);
            let yn: Vec<bool> = y.iter().map(|b| !b).collect();
            let k1 = ks_two_sample(&SortedSample::weighted(&v, &y, &w)).unwrap();
            let k2 = ks_two_sample(&SortedSample::weighted(&v, &yn, &w)).unwrap();
            prop_assert!((k1.statistic - k2.statistic).abs() < 1e-12);
            prop_assert!((0.0..=1.0).contains(&k1.statistic));
            prop_assert!((0.0..=1.0).contains(&k1.p_value));
            if y.iter().any(|&b| b) && yn.iter().any(|&b| b) {
                let m1 = mann_whitney(&SortedSample::new(&v, &y)).unwrap();
                let m2 = mann_whitney(&SortedSample::new(&v, &yn)).unwrap();
                prop_assert_eq!(m1.p_value, m2.p_value);
                prop_assert_eq!(m1.z, -m2.z);
                prop_assert_eq!(m1.u + m2.u, m1.n_pos as f64 * m1.n_neg as f64);
            }
        }
    }
}
