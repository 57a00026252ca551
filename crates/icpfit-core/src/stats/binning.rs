//! Binning of numeric columns: unsupervised equal-frequency cuts, bin codes,
//! and the supervised best single cut (an entropy decision stump).
//!
//! # Bin convention (closed right)
//!
//! `k` strictly increasing cuts `c1 < … < ck` define `k + 1` bins
//! `(-inf, c1], (c1, c2], …, (ck, +inf)`, coded `0..=k`; the code of `x` is
//! the number of cuts strictly below it. Missing values (NaN) get their own
//! bin, code `k + 1`. This is `pandas.cut(x, [-inf, *cuts, inf], right=True,
//! labels=False)` with NaN mapped to `k + 1`.

// The crate's one error type is large by design (it says where and what);
// the workspace allows this lint on main.

use crate::{Error, Result};
use rayon::prelude::*;

/// Equal-frequency cut points of an ascending, NaN-free slice.
///
/// Cut `i` (for `i = 1..n_bins`) is the type-1 (inverted empirical CDF)
/// quantile of level `i / n_bins`: the order statistic `sorted[⌈n·i/n_bins⌉ − 1]`,
/// computed in exact integer arithmetic. Duplicate cuts are dropped, and so are
/// cuts equal to the maximum, so the result is strictly increasing and, under
/// the closed-right convention of this module, **every bin holds at least one
/// of the values**: each cut is itself a value and closes its bin, and the last
/// bin holds the maximum. A heavily tied value therefore merges bins instead of
/// leaving some empty; a constant column gives no cut (one bin). With
/// `n·i/n_bins` integral, bin `i` holds exactly `n/n_bins` values when there are
/// no ties.
///
/// Reference: `np.unique(np.quantile(sorted, np.arange(1, q) / q,
/// method="inverted_cdf"))` without the values `>= max`. The one intentional
/// difference: numpy computes the level and `n·level` in floating point, and
/// where that product lands one ulp above an exact integer `m` it picks
/// `sorted[m]` instead of `sorted[m − 1]` (e.g. `n = 100`, `q = 20`: numpy's
/// vintile bins hold `…, 5, 6, 4, 5, …` values, ours `5` each).
///
/// An empty slice, or `n_bins <= 1`, gives no cut. The input must be sorted
/// ascending and NaN-free; this is not checked (it is O(n) and the caller
/// sorted it), but a violation cannot panic: the cuts stay strictly
/// increasing and NaN-free, they are just not quantiles.
pub fn quantile_cuts(sorted: &[f64], n_bins: usize) -> Vec<f64> {
    let n = sorted.len();
    if n == 0 || n_bins <= 1 {
        return Vec::new();
    }
    let max = sorted[n - 1];
    if n_bins >= n {
        // The levels are at most 1/n apart: every order statistic is hit, so
        // the cuts are all the distinct values below the maximum (O(n), not
        // O(n_bins)).
        let mut cuts: Vec<f64> = Vec::with_capacity(n - 1);
        for &v in &sorted[..n - 1] {
            if v < max && cuts.last().is_none_or(|&last| v > last) {
                cuts.push(v);
            }
        }
        return cuts;
    }
    let mut cuts: Vec<f64> = Vec::with_capacity((n_bins - 1).min(n));
    let (n128, q128) = (n as u128, n_bins as u128);
    for i in 1..n_bins as u128 {
        // ceil(n * i / q) >= 1 because i >= 1, n >= 1; <= n because i < q.
        let k = (n128 * i).div_ceil(q128) as usize;
        let v = sorted[k - 1];
        if v < max && cuts.last().is_none_or(|&last| v > last) {
            cuts.push(v);
        }
    }
    cuts
}

/// Rows per parallel task in [`bin_codes`].
const CODE_CHUNK: usize = 1 << 15;

/// The bin code of every value: the number of cuts strictly below it (closed
/// right bins, see the module doc), or `cuts.len() + 1` for NaN (the missing
/// bin). `cuts` must be strictly increasing and NaN-free (as from
/// [`quantile_cuts`]); other cuts give codes in `0..=cuts.len()` that mean
/// nothing, never a panic. Allocation-free; large inputs are coded in parallel
/// (the result does not depend on the thread count).
///
/// # Errors
/// [`Error::LengthMismatch`] when `out` is not as long as `values`.
pub fn bin_codes(values: &[f64], cuts: &[f64], out: &mut [u32]) -> Result<()> {
    if out.len() != values.len() {
        return Err(Error::LengthMismatch {
            what: "bin_codes output".into(),
            expected: values.len(),
            found: out.len(),
        });
    }
    if cuts.len() >= u32::MAX as usize {
        return Err(Error::invalid(
            "cuts",
            format!("{} cuts do not fit u32 codes", cuts.len()),
        ));
    }
    let missing = cuts.len() as u32 + 1;
    let code_chunk = |vals: &[f64], dst: &mut [u32]| {
        for (v, o) in vals.iter().zip(dst.iter_mut()) {
            *o = if v.is_nan() {
                missing
            } else {
                cuts.partition_point(|c| c < v) as u32
            };
        }
    };
    if values.len() <= CODE_CHUNK {
        code_chunk(values, out);
    } else {
        values
            .par_chunks(CODE_CHUNK)
            .zip(out.par_chunks_mut(CODE_CHUNK))
            .for_each(|(v, o)| code_chunk(v, o));
    }
    Ok(())
}

/// The best single cut of a sorted column for a binary target.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// Rows go left when `value <= threshold`: the midpoint `a/2 + b/2` of the
    /// two adjacent distinct values `a < b` the cut falls between (`a` itself
    /// in the rare case the midpoint rounds to `b`).
    pub threshold: f64,
    /// Number of rows on the left (unweighted): the cut sits between
    /// `values[left_rows - 1]` and `values[left_rows]`.
    pub left_rows: usize,
    /// Rows (or total weight) on the left.
    pub left_n: f64,
    /// Positive rows (or their weight) on the left.
    pub left_pos: f64,
    /// Rows (or total weight) on the right.
    pub right_n: f64,
    /// Positive rows (or their weight) on the right.
    pub right_pos: f64,
    /// Information gain in bits: `H(all) − (n_L/n)·H(left) − (n_R/n)·H(right)`,
    /// with `H` the binary entropy in base 2 of the (weighted) positive share.
    pub gain: f64,
}

/// The supervised best single cut maximising information gain (entropy), as
/// the root of `sklearn.tree.DecisionTreeClassifier(max_depth=1,
/// criterion="entropy", min_samples_leaf=min_leaf).fit(x, y, sample_weight=w)`.
///
/// * `values` ascending and NaN-free, `labels[i]` the class of `values[i]`
///   (`true` = positive), `weights` optional, finite and `>= 0`.
/// * Cuts only between distinct values; each side keeps at least `min_leaf`
///   rows (unweighted, as sklearn; `0` acts as `1`).
/// * Among equal gains the first (lowest) cut wins, as in sklearn's scan.
/// * One O(n) pass.
///
/// Returns `Ok(None)` when there is no valid cut: fewer than two distinct
/// values, no position leaving `min_leaf` rows on each side, or labels of a
/// single class (sklearn leaves a pure root unsplit), or a zero total weight.
/// A valid cut with zero gain is returned (sklearn splits too).
///
/// Differences from sklearn, by design: sklearn casts `x` to float32 and treats
/// values closer than 1e-7 as ties; here values are compared as f64 exactly
/// and the threshold is the f64 midpoint (sklearn's is the midpoint of the
/// float32 values). Candidate cuts whose side has zero total weight are
/// skipped (sklearn's entropy would divide by zero there).
///
/// # Errors
/// [`Error::LengthMismatch`] for labels/weights of the wrong length;
/// [`Error::InvalidArgument`] for a NaN or a descending pair in `values`, or a
/// negative / non-finite weight.
pub fn best_split(
    values: &[f64],
    labels: &[bool],
    weights: Option<&[f64]>,
    min_leaf: usize,
) -> Result<Option<Split>> {
    let n = values.len();
    if labels.len() != n {
        return Err(Error::LengthMismatch {
            what: "labels".into(),
            expected: n,
            found: labels.len(),
        });
    }
    if let Some(w) = weights {
        if w.len() != n {
            return Err(Error::LengthMismatch {
                what: "weights".into(),
                expected: n,
                found: w.len(),
            });
        }
        if let Some(i) = w.iter().position(|w| !w.is_finite() || *w < 0.0) {
            return Err(Error::invalid(
                "weights",
                format!("weight {} at row {i} is not finite and >= 0", w[i]),
            ));
        }
    }
    if let Some(i) = values.iter().position(|v| v.is_nan()) {
        return Err(Error::invalid(
            "values",
            format!("NaN at row {i}: best_split needs NaN-free values"),
        ));
    }
    if let Some(i) = values.windows(2).position(|p| p[1] < p[0]) {
        return Err(Error::invalid(
            "values",
            format!(
                "not sorted ascending: row {} is {} and row {} is {}",
                i,
                values[i],
                i + 1,
                values[i + 1]
            ),
        ));
    }
    let min_leaf = min_leaf.max(1);
    if n < 2 * min_leaf {
        return Ok(None);
    }
    let w_at = |i: usize| weights.map_or(1.0, |w| w[i]);
    let (mut tot_w, mut tot_p) = (0.0f64, 0.0f64);
    for (i, &l) in labels.iter().enumerate() {
        let w = w_at(i);
        tot_w += w;
        if l {
            tot_p += w;
        }
    }
    if tot_w <= 0.0 || tot_p <= 0.0 || tot_p >= tot_w {
        // Zero weight, or a single (weighted) class: nothing to split.
        return Ok(None);
    }

    // sklearn's proxy: -(n_L·H_L + n_R·H_R), maximised, first maximum wins.
    let mut best: Option<(f64, usize, f64, f64)> = None;
    let (mut lw, mut lp) = (0.0f64, 0.0f64);
    for i in 1..n {
        let w = w_at(i - 1);
        lw += w;
        if labels[i - 1] {
            lp += w;
        }
        // Cut between rows i-1 and i: i rows on the left.
        if i < min_leaf {
            continue;
        }
        if n - i < min_leaf {
            break;
        }
        if values[i] <= values[i - 1] {
            continue;
        }
        let rw = tot_w - lw;
        if lw <= 0.0 || rw <= 0.0 {
            continue;
        }
        let rp = tot_p - lp;
        let proxy = -lw * entropy2(lp, lw) - rw * entropy2(rp, rw);
        if best.is_none_or(|(b, ..)| proxy > b) {
            best = Some((proxy, i, lw, lp));
        }
    }
    let Some((_, i, lw, lp)) = best else {
        return Ok(None);
    };
    let (a, b) = (values[i - 1], values[i]);
    let mut threshold = a / 2.0 + b / 2.0;
    if threshold >= b || !threshold.is_finite() {
        threshold = a;
    }
    let (rw, rp) = (tot_w - lw, tot_p - lp);
    let gain =
        entropy2(tot_p, tot_w) - (lw / tot_w) * entropy2(lp, lw) - (rw / tot_w) * entropy2(rp, rw);
    Ok(Some(Split {
        threshold,
        left_rows: i,
        left_n: lw,
        left_pos: lp,
        right_n: rw,
        right_pos: rp,
        gain,
    }))
}

/// Binary entropy in bits of `pos` positives out of `total` (> 0), written as
/// sklearn's Entropy criterion does (`-Σ f·log2 f` over non-empty classes).
fn entropy2(pos: f64, total: f64) -> f64 {
    let mut h = 0.0;
    for c in [pos, total - pos] {
        if c > 0.0 {
            let f = c / total;
            h -= f * (f.ln() / std::f64::consts::LN_2);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct QuantileFile {
        cases: Vec<QuantileCase>,
    }
    #[derive(Deserialize)]
    struct QuantileCase {
        name: String,
        sorted: Vec<f64>,
        n_bins: usize,
        expected_cuts: Vec<f64>,
        numpy_cuts: Vec<f64>,
        numpy_float_quirk: bool,
        codes_input: Vec<Option<f64>>,
        expected_codes: Vec<u32>,
        bin_counts: Vec<usize>,
    }

    const QUANTILE: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/models_quantile.json"
    ));
    const SPLIT: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/models_split.json"
    ));

    #[test]
    fn quantile_fixture_cuts_and_codes() {
        let file: QuantileFile = serde_json::from_str(QUANTILE).unwrap();
        assert_eq!(file.cases.len(), 16);
        let mut quirks = 0;
        for c in &file.cases {
            let cuts = quantile_cuts(&c.sorted, c.n_bins);
            assert_eq!(cuts, c.expected_cuts, "{}: cuts", c.name);
            if c.numpy_float_quirk {
                quirks += 1;
                assert_ne!(cuts, c.numpy_cuts, "{}", c.name);
            } else {
                assert_eq!(cuts, c.numpy_cuts, "{}: numpy", c.name);
            }
            assert!(cuts.windows(2).all(|w| w[0] < w[1]), "{}", c.name);
            let vals: Vec<f64> = c
                .codes_input
                .iter()
                .map(|v| v.unwrap_or(f64::NAN))
                .collect();
            let mut out = vec![u32::MAX; vals.len()];
            bin_codes(&vals, &cuts, &mut out).unwrap();
            assert_eq!(out, c.expected_codes, "{}: codes", c.name);
            // Bin counts of the data itself: every bin non-empty.
            let mut codes = vec![0u32; c.sorted.len()];
            bin_codes(&c.sorted, &cuts, &mut codes).unwrap();
            let mut counts = vec![
                0usize;
                if c.sorted.is_empty() {
                    0
                } else {
                    cuts.len() + 1
                }
            ];
            for &k in &codes {
                counts[k as usize] += 1;
            }
            assert_eq!(counts, c.bin_counts, "{}: counts", c.name);
            assert!(counts.iter().all(|&k| k > 0), "{}: empty bin", c.name);
        }
        assert_eq!(quirks, 1);
    }

    #[test]
    fn quantile_edge_cases() {
        assert!(quantile_cuts(&[], 5).is_empty());
        assert!(quantile_cuts(&[1.0, 2.0, 3.0], 0).is_empty());
        assert!(quantile_cuts(&[1.0, 2.0, 3.0], 1).is_empty());
        assert!(quantile_cuts(&[7.0; 100], 10).is_empty());
        assert_eq!(quantile_cuts(&[1.0, 2.0], 2), vec![1.0]);
        // Infinite values are values like any other.
        assert_eq!(
            quantile_cuts(&[f64::NEG_INFINITY, 0.0, 1.0, f64::INFINITY], 4),
            vec![f64::NEG_INFINITY, 0.0, 1.0]
        );
        // Precondition violations do not panic and keep the cuts increasing.
        let c = quantile_cuts(&[3.0, f64::NAN, 1.0, 2.0, 0.5, 7.0], 3);
        assert!(c.windows(2).all(|w| w[0] < w[1]) && c.iter().all(|v| !v.is_nan()));
        assert!(quantile_cuts(&[1.0, 2.0, f64::NAN], 3).is_empty());
        let mut out = [0u32; 3];
        bin_codes(&[1.0, 5.0, f64::NAN], &[4.0, 2.0, f64::NAN], &mut out).unwrap();
        assert!(out[..2].iter().all(|&c| c <= 3) && out[2] == 4);
        // Huge n_bins on a small column does not overflow.
        assert_eq!(quantile_cuts(&[1.0, 2.0, 3.0], usize::MAX), vec![1.0, 2.0]);
    }

    #[test]
    fn bin_codes_edges_and_errors() {
        let cuts = [1.0, 2.0];
        let vals = [
            f64::NEG_INFINITY,
            1.0,
            1.5,
            2.0,
            2.5,
            f64::INFINITY,
            f64::NAN,
            -0.0,
        ];
        let mut out = [0u32; 8];
        bin_codes(&vals, &cuts, &mut out).unwrap();
        assert_eq!(out, [0, 0, 1, 1, 2, 2, 3, 0]);
        let mut none = [0u32; 2];
        bin_codes(&[f64::NAN, 3.0], &[], &mut none).unwrap();
        assert_eq!(none, [1, 0]);
        let mut short = [0u32; 3];
        assert!(matches!(
            bin_codes(&vals, &cuts, &mut short),
            Err(Error::LengthMismatch {
                expected: 8,
                found: 3,
                ..
            })
        ));
    }

    #[test]
    fn bin_codes_parallel_path_matches_scalar() {
        let n = 3 * CODE_CHUNK + 17;
        let vals: Vec<f64> = (0..n)
            .map(|i| {
                if i % 97 == 0 {
                    f64::NAN
                } else {
                    ((i * 7919) % 1000) as f64
                }
            })
            .collect();
        let cuts = [100.0, 250.5, 600.0, 999.0];
        let mut out = vec![0u32; n];
        bin_codes(&vals, &cuts, &mut out).unwrap();
        for (v, &c) in vals.iter().zip(&out) {
            let want = if v.is_nan() {
                5
            } else {
                cuts.iter().filter(|&&k| k < *v).count() as u32
            };
            assert_eq!(c, want);
        }
    }

    proptest! {
        #[test]
        fn codes_monotone_and_quantile_bins_balanced(
            mut xs in proptest::collection::vec(-1e6f64..1e6, 1..400),
            q in 1usize..12,
        ) {
            xs.sort_by(f64::total_cmp);
            let cuts = quantile_cuts(&xs, q);
            prop_assert!(cuts.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(cuts.len() < q.max(1));
            let mut codes = vec![0u32; xs.len()];
            bin_codes(&xs, &cuts, &mut codes).unwrap();
            // Monotone in value, and no empty bin.
            prop_assert!(codes.windows(2).all(|w| w[0] <= w[1]));
            let mut counts = vec![0usize; cuts.len() + 1];
            for &c in &codes { counts[c as usize] += 1; }
            prop_assert!(counts.iter().all(|&c| c > 0));
            // Distinct values: near-equal counts (floor or ceil of n/q, up to
            // the ceil rounding of two consecutive levels).
            let mut d = xs.clone();
            d.dedup();
            if d.len() == xs.len() && xs.len() >= q {
                let n = xs.len();
                prop_assert_eq!(counts.len(), q);
                for &c in &counts {
                    prop_assert!(c >= n / q && c <= n.div_ceil(q), "{:?}", counts);
                }
            }
        }

        #[test]
        fn codes_count_cuts_below(
            vals in proptest::collection::vec(proptest::option::of(-50f64..50.0), 0..200),
            mut cuts in proptest::collection::vec(-60f64..60.0, 0..8),
        ) {
            cuts.sort_by(f64::total_cmp);
            cuts.dedup();
            let vals: Vec<f64> = vals.iter().map(|v| v.unwrap_or(f64::NAN)).collect();
            let mut out = vec![0u32; vals.len()];
            bin_codes(&vals, &cuts, &mut out).unwrap();
            for (v, &c) in vals.iter().zip(&out) {
                if v.is_nan() {
                    prop_assert_eq!(c as usize, cuts.len() + 1);
                } else {
                    prop_assert_eq!(c as usize, cuts.iter().filter(|&&k| k < *v).count());
                }
            }
        }
    }

    #[derive(Deserialize)]
    struct SplitFile {
        cases: Vec<SplitCase>,
    }
    #[derive(Deserialize)]
    struct SplitCase {
        name: String,
        values: Vec<f64>,
        labels: Vec<bool>,
        weights: Option<Vec<f64>>,
        min_leaf: usize,
        expected: Option<SplitExpected>,
    }
    #[derive(Deserialize)]
    struct SplitExpected {
        left_rows: usize,
        threshold: f64,
        sklearn_threshold: f64,
        left_n: f64,
        left_pos: f64,
        right_n: f64,
        right_pos: f64,
        gain: f64,
    }

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn split_fixture_matches_sklearn_stump() {
        let file: SplitFile = serde_json::from_str(SPLIT).unwrap();
        assert_eq!(file.cases.len(), 14);
        let mut some = 0;
        for c in &file.cases {
            let got = best_split(&c.values, &c.labels, c.weights.as_deref(), c.min_leaf).unwrap();
            match (&got, &c.expected) {
                (None, None) => {}
                (Some(s), Some(e)) => {
                    some += 1;
                    assert_eq!(s.left_rows, e.left_rows, "{}: position", c.name);
                    // serde_json (without `float_roundtrip`) may parse a
                    // decimal 1 ulp away from Python: compare to 4 ulps.
                    assert!(
                        close(s.threshold, e.threshold, 1e-15),
                        "{}: threshold",
                        c.name
                    );
                    // sklearn's float32 threshold splits the rows identically.
                    let left32 = c
                        .values
                        .iter()
                        .filter(|&&v| (v as f32 as f64) <= e.sklearn_threshold)
                        .count();
                    assert_eq!(left32, s.left_rows, "{}: sklearn side", c.name);
                    assert!(close(s.left_n, e.left_n, 1e-12), "{}", c.name);
                    assert!(close(s.left_pos, e.left_pos, 1e-12), "{}", c.name);
                    assert!(close(s.right_n, e.right_n, 1e-12), "{}", c.name);
                    assert!(close(s.right_pos, e.right_pos, 1e-12), "{}", c.name);
                    assert!(
                        close(s.gain, e.gain, 1e-9),
                        "{}: gain {} vs {}",
                        c.name,
                        s.gain,
                        e.gain
                    );
                }
                _ => panic!(
                    "{}: got {got:?}, expected {:?}",
                    c.name,
                    c.expected.is_some()
                ),
            }
        }
        assert_eq!(some, 11);
    }

    #[test]
    fn split_edge_cases_and_errors() {
        assert_eq!(best_split(&[], &[], None, 1).unwrap(), None);
        assert_eq!(best_split(&[1.0], &[true], None, 1).unwrap(), None);
        assert_eq!(
            best_split(&[1.0, 1.0], &[true, false], None, 1).unwrap(),
            None
        );
        // Zero-weight side is never chosen.
        let s = best_split(
            &[1.0, 2.0, 3.0],
            &[true, true, false],
            Some(&[0.0, 1.0, 1.0]),
            1,
        )
        .unwrap()
        .unwrap();
        assert!(s.left_n > 0.0 && s.right_n > 0.0 && s.left_rows == 2);
        assert_eq!(
            best_split(&[1.0, 2.0], &[true, false], Some(&[0.0, 0.0]), 1).unwrap(),
            None
        );
        // A zero-gain cut is still returned.
        let s = best_split(&[1.0, 1.0, 2.0, 2.0], &[true, false, true, false], None, 1)
            .unwrap()
            .unwrap();
        assert_eq!((s.left_rows, s.gain), (2, 0.0));
        assert!(matches!(
            best_split(&[1.0, 2.0], &[true], None, 1),
            Err(Error::LengthMismatch { .. })
        ));
        assert!(matches!(
            best_split(&[1.0, 2.0], &[true, false], Some(&[1.0]), 1),
            Err(Error::LengthMismatch { .. })
        ));
        assert!(matches!(
            best_split(&[2.0, 1.0], &[true, false], None, 1),
            Err(Error::InvalidArgument { .. })
        ));
        assert!(matches!(
            best_split(&[1.0, f64::NAN], &[true, false], None, 1),
            Err(Error::InvalidArgument { .. })
        ));
        assert!(matches!(
            best_split(&[1.0, 2.0], &[true, false], Some(&[1.0, -1.0]), 1),
            Err(Error::InvalidArgument { .. })
        ));
        // Adjacent floats: the threshold stays on the left value.
        let a = 1.0f64;
        let b = f64::from_bits(a.to_bits() + 1);
        let s = best_split(&[a, b], &[true, false], None, 1)
            .unwrap()
            .unwrap();
        assert!(s.threshold >= a && s.threshold < b);
        // Extreme magnitudes: the midpoint does not overflow.
        let s = best_split(&[-f64::MAX, f64::MAX], &[true, false], None, 1)
            .unwrap()
            .unwrap();
        assert_eq!(s.threshold, 0.0);
    }

    proptest! {
        #[test]
        fn split_is_best_among_brute_force(
            raw in proptest::collection::vec((0u8..12, any::<bool>(), 1u8..4), 2..80),
            min_leaf in 0usize..6,
        ) {
            let mut rows = raw.clone();
            rows.sort_by_key(|r| r.0);
            let values: Vec<f64> = rows.iter().map(|r| f64::from(r.0)).collect();
            let labels: Vec<bool> = rows.iter().map(|r| r.1).collect();
            let weights: Vec<f64> = rows.iter().map(|r| f64::from(r.2)).collect();
            let got = best_split(&values, &labels, Some(&weights), min_leaf).unwrap();
            let n = values.len();
            let ml = min_leaf.max(1);
            let tw: f64 = weights.iter().sum();
            let tp: f64 = weights.iter().zip(&labels).filter(|(_, l)| **l).map(|(w, _)| w).sum();
            let mut best: Option<(f64, usize)> = None;
            if tp > 0.0 && tp < tw {
                for i in ml..=n.saturating_sub(ml) {
                    if i == 0 || i == n || values[i] == values[i - 1] { continue; }
                    let lw: f64 = weights[..i].iter().sum();
                    let lp: f64 = weights[..i].iter().zip(&labels[..i]).filter(|(_, l)| **l).map(|(w, _)| w).sum();
                    let g = entropy2(tp, tw) - lw / tw * entropy2(lp, lw) - (tw - lw) / tw * entropy2(tp - lp, tw - lw);
                    if best.is_none_or(|(b, _)| g > b + 1e-12) { best = Some((g, i)); }
                }
            }
            match (got, best) {
                (None, None) => {}
                (Some(s), Some((g, _))) => {
                    prop_assert!((s.gain - g).abs() < 1e-9);
                    prop_assert!(s.left_rows >= ml && n - s.left_rows >= ml);
                    prop_assert!(values[s.left_rows - 1] <= s.threshold && s.threshold < values[s.left_rows]);
                }
                (a, b) => prop_assert!(false, "{:?} vs {:?}", a, b),
            }
        }
    }
}
