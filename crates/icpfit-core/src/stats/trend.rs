//! Trend tests on ordered tables: the linear-by-linear association test and,
//! for a proportion over ordered groups (win rate by close quarter), the
//! Cochran–Armitage trend test it reduces to.

use crate::stats::Contingency;
use crate::{Error, Result};
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal};

/// Result of [`linear_by_linear`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LinearTrend {
    /// `T = Σ_ij u_i v_j n_ij`.
    pub statistic: f64,
    /// Null mean of `T`.
    pub null_mean: f64,
    /// Null standard deviation of `T`.
    pub null_sd: f64,
    /// `(T − mean) / sd`.
    pub zscore: f64,
    /// Two-sided normal p-value.
    pub p_value: f64,
}

fn std_normal() -> Normal {
    // ok: mean 0, sd 1 are valid parameters.
    Normal::new(0.0, 1.0).expect("standard normal")
}

/// Linear-by-linear association test of an `r × c` table with row scores
/// `u` and column scores `v` (Agresti, *Categorical Data Analysis*, 3.4.1).
///
/// Definition: `T = Σ u_i v_j n_ij`; under independence (permutation
/// distribution given both margins) `E[T] = (Σ u_i r_i)(Σ v_j c_j) / N` and
/// `Var[T] = (Σ u_i² r_i − (Σ u_i r_i)²/N)(Σ v_j² c_j − (Σ v_j c_j)²/N) / (N − 1)`;
/// `z = (T − E[T]) / sd`, two-sided p `= 2·(1 − Φ(|z|))`. With a two-column
/// table, 0/1 column scores and the group index as row scores this is the
/// Cochran–Armitage trend test (in its permutation form, variance divided by
/// `N − 1`).
///
/// Reference: `statsmodels.stats.contingency_tables.Table(t,
/// shift_zeros=False).test_ordinal_association(row_scores, col_scores)`.
///
/// Edge cases: a constant score over the occupied margin (zero null
/// variance) gives `z` and `p` NaN.
///
/// # Errors
/// [`Error::LengthMismatch`] when the scores do not match the table;
/// [`Error::InvalidArgument`] for a non-finite score;
/// [`Error::InsufficientData`] for fewer than 2 observations.
pub fn linear_by_linear(
    table: &Contingency,
    row_scores: &[f64],
    col_scores: &[f64],
) -> Result<LinearTrend> {
    for (what, s, n) in [
        ("row_scores", row_scores, table.rows()),
        ("col_scores", col_scores, table.cols()),
    ] {
        if s.len() != n {
            return Err(Error::LengthMismatch {
                what: what.into(),
                expected: n,
                found: s.len(),
            });
        }
        if let Some(i) = s.iter().position(|x| !x.is_finite()) {
            return Err(Error::invalid(what, format!("score {i} is {}", s[i])));
        }
    }
    let n = table.total();
    if n < 2.0 {
        return Err(Error::InsufficientData {
            what: "trend test: observations".into(),
            n: n as usize,
            min: 2,
        });
    }
    let (rt, ct) = (table.row_totals(), table.col_totals());
    let mut t = 0.0;
    for (i, u) in row_scores.iter().enumerate() {
        for (j, v) in col_scores.iter().enumerate() {
            t += u * v * table.get(i, j);
        }
    }
    let dot =
        |s: &[f64], m: &[f64], p: i32| s.iter().zip(m).map(|(x, w)| x.powi(p) * w).sum::<f64>();
    let (um, u2m) = (dot(row_scores, &rt, 1), dot(row_scores, &rt, 2));
    let (vn, v2n) = (dot(col_scores, &ct, 1), dot(col_scores, &ct, 2));
    let mean = um * vn / n;
    let var = (u2m - um * um / n) * (v2n - vn * vn / n) / (n - 1.0);
    let sd = var.max(0.0).sqrt();
    let (z, p) = if sd > 0.0 {
        let z = (t - mean) / sd;
        (z, 2.0 * std_normal().sf(z.abs()))
    } else {
        (f64::NAN, f64::NAN)
    };
    Ok(LinearTrend {
        statistic: t,
        null_mean: mean,
        null_sd: sd,
        zscore: z,
        p_value: p,
    })
}

/// Result of [`proportion_trend`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ProportionTrend {
    /// Least-squares slope of the 0/1 outcome on the group score (change in
    /// the proportion per unit of score, e.g. per quarter), weighting each
    /// group by its size.
    pub slope: f64,
    /// Cochran–Armitage `z` (positive: rising).
    pub zscore: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// One-sided p-value for a *decreasing* proportion, `Φ(z)`.
    pub p_decreasing: f64,
}

/// Cochran–Armitage trend test of a proportion over ordered groups:
/// `successes[g]` of `totals[g]` with group scores `scores[g]` (e.g. quarter
/// index 0, 1, 2, …). Groups with `totals = 0` take no part. This is
/// [`linear_by_linear`] on the `groups × {failure, success}` table with
/// column scores 0/1; the slope is `Σ n_g (x_g − x̄)(p_g − p̄) / Σ n_g (x_g − x̄)²`.
///
/// # Errors
/// As [`linear_by_linear`]; also [`Error::LengthMismatch`] for slices of
/// different lengths and [`Error::InvalidArgument`] for `successes` outside
/// `[0, totals]`.
pub fn proportion_trend(
    successes: &[f64],
    totals: &[f64],
    scores: &[f64],
) -> Result<ProportionTrend> {
    for (what, s) in [("totals", totals), ("scores", scores)] {
        if s.len() != successes.len() {
            return Err(Error::LengthMismatch {
                what: what.into(),
                expected: successes.len(),
                found: s.len(),
            });
        }
    }
    let mut cells = Vec::with_capacity(2 * successes.len());
    for (g, (&k, &n)) in successes.iter().zip(totals).enumerate() {
        if !(k.is_finite() && n.is_finite() && k >= 0.0 && k <= n) {
            return Err(Error::invalid(
                "successes",
                format!("group {g}: {k} successes of {n} must lie in [0, {n}]"),
            ));
        }
        cells.push(n - k);
        cells.push(k);
    }
    let table = Contingency::from_cells(successes.len(), 2, cells)?;
    let lt = linear_by_linear(&table, scores, &[0.0, 1.0])?;
    let n: f64 = totals.iter().sum();
    let xbar = scores.iter().zip(totals).map(|(x, w)| x * w).sum::<f64>() / n;
    let pbar = successes.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for ((&x, &k), &m) in scores.iter().zip(successes).zip(totals) {
        if m > 0.0 {
            sxy += m * (x - xbar) * (k / m - pbar);
            sxx += m * (x - xbar) * (x - xbar);
        }
    }
    Ok(ProportionTrend {
        slope: if sxx > 0.0 { sxy / sxx } else { f64::NAN },
        zscore: lt.zscore,
        p_value: lt.p_value,
        p_decreasing: if lt.zscore.is_nan() {
            f64::NAN
        } else {
            std_normal().cdf(lt.zscore)
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trend_by_hand() {
        // Falling proportion 0.6, 0.5, 0.4, 0.3 over 4 groups of 100.
        let t = proportion_trend(
            &[60.0, 50.0, 40.0, 30.0],
            &[100.0; 4],
            &[0.0, 1.0, 2.0, 3.0],
        )
        .unwrap();
        assert!((t.slope + 0.1).abs() < 1e-12);
        assert!(t.zscore < -3.0 && t.p_decreasing < 0.01 && t.p_value < 0.01);
        // Flat: z = 0.
        let f = proportion_trend(&[50.0, 50.0], &[100.0, 100.0], &[0.0, 1.0]).unwrap();
        assert!(f.zscore.abs() < 1e-12 && (f.p_value - 1.0).abs() < 1e-12);
        // One group only: no variance.
        let one = proportion_trend(&[5.0], &[10.0], &[0.0]).unwrap();
        assert!(one.zscore.is_nan() && one.slope.is_nan());
        assert!(proportion_trend(&[5.0], &[4.0], &[0.0]).is_err());
        assert!(proportion_trend(&[5.0], &[10.0, 3.0], &[0.0]).is_err());
        assert!(proportion_trend(&[0.0], &[1.0], &[0.0]).is_err());
    }
}
