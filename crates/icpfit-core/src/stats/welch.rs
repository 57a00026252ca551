//! Welch's unequal-variance t-test.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::{Error, Result};

/// Result of [`welch_t`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Welch {
    /// `(mean_x − mean_y) / sqrt(s²ₓ/nₓ + s²ᵧ/nᵧ)`.
    pub t: f64,
    /// Welch–Satterthwaite degrees of freedom.
    pub df: f64,
    /// Two-sided p-value `2 · P(T_df > |t|)`.
    pub p_value: f64,
    /// Mean of `x` (NaN dropped).
    pub mean_x: f64,
    /// Mean of `y` (NaN dropped).
    pub mean_y: f64,
    /// Non-NaN values in `x`.
    pub n_x: usize,
    /// Non-NaN values in `y`.
    pub n_y: usize,
}

/// Welch's two-sample t-test (unequal variances), two-sided.
///
/// Definition: sample means `x̄`, `ȳ`, unbiased variances `s²` (divisor
/// `n − 1`), `vₓ = s²ₓ/nₓ`, `vᵧ = s²ᵧ/nᵧ`:
/// `t = (x̄ − ȳ) / sqrt(vₓ + vᵧ)`,
/// `df = (vₓ + vᵧ)² / (vₓ²/(nₓ − 1) + vᵧ²/(nᵧ − 1))`,
/// `p_value = 2 · sf_{t(df)}(|t|)` (statrs `StudentsT`).
///
/// Reference: `scipy.stats.ttest_ind(x, y, equal_var=False)` (statistic,
/// pvalue, df) on the NaN-free inputs.
///
/// Edge cases: NaN values are dropped (like `nan_policy="omit"`); a `±∞`
/// value → [`Error::InvalidArgument`]; fewer than 2 values left in either
/// sample → [`Error::InsufficientData`]. **Both samples constant**
/// (`vₓ + vᵧ = 0`): `t`, `df` and `p_value` are all `NaN` — the test is
/// undefined, whether or not the constants differ (scipy returns `t = ±∞`,
/// `p = 0`, `df = 1` when they differ and NaN when they are equal; a
/// zero-variance separation says nothing about sampling error, so it is
/// left to the caller, e.g. to report the difference of means).
///
/// Cost: two O(n) passes per sample (compensated sum for the mean, then the
/// corrected two-pass variance), no allocation.
pub fn welch_t(x: &[f64], y: &[f64]) -> Result<Welch> {
    let (nx, mx, vx) = moments(x, "x")?;
    let (ny, my, vy) = moments(y, "y")?;
    let (sx, sy) = (vx / nx as f64, vy / ny as f64);
    let se2 = sx + sy;
    let (t, df, p_value) = if se2 > 0.0 {
        let t = (mx - my) / se2.sqrt();
        let df = se2 * se2 / (sx * sx / (nx - 1) as f64 + sy * sy / (ny - 1) as f64);
        let p = match StudentsT::new(0.0, 1.0, df) {
            Ok(d) => (2.0 * d.sf(t.abs())).clamp(0.0, 1.0),
            Err(_) => f64::NAN,
        };
        (t, df, p)
    } else {
        (f64::NAN, f64::NAN, f64::NAN)
    };
    Ok(Welch {
        t,
        df,
        p_value,
        mean_x: mx,
        mean_y: my,
        n_x: nx,
        n_y: ny,
    })
}

/// Count, mean and unbiased variance of the non-NaN values.
fn moments(v: &[f64], name: &str) -> Result<(usize, f64, f64)> {
    // Pass 1: count and Neumaier-compensated sum.
    let (mut n, mut sum, mut comp) = (0usize, 0.0f64, 0.0f64);
    for (i, &x) in v.iter().enumerate() {
        if x.is_nan() {
            continue;
        }
        if x.is_infinite() {
            return Err(Error::invalid(
                name,
                format!("value #{i} is {x}; a t-test needs finite values"),
            ));
        }
        n += 1;
        let s = sum + x;
        comp += if sum.abs() >= x.abs() {
            (sum - s) + x
        } else {
            (x - s) + sum
        };
        sum = s;
    }
    if n < 2 {
        return Err(Error::InsufficientData {
            what: format!("Welch t-test (non-NaN values in `{name}`)"),
            n,
            min: 2,
        });
    }
    let mean = (sum + comp) / n as f64;
    // Pass 2: corrected two-pass variance Σd² − (Σd)²/n.
    let (mut ss, mut sd) = (0.0, 0.0);
    for &x in v.iter().filter(|x| !x.is_nan()) {
        let d = x - mean;
        ss += d * d;
        sd += d;
    }
    let var = ((ss - sd * sd / n as f64) / (n - 1) as f64).max(0.0);
    Ok((n, mean, var))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_cases() {
        let w = welch_t(&[1.0, 1.0, 1.0], &[2.0, 2.0]).unwrap();
        assert!(w.t.is_nan() && w.df.is_nan() && w.p_value.is_nan());
        assert_eq!((w.mean_x, w.mean_y), (1.0, 2.0));
        let w = welch_t(&[3.0, 3.0], &[3.0, 3.0, f64::NAN]).unwrap();
        assert!(w.p_value.is_nan());
        assert_eq!(w.n_y, 2);
        // One constant sample is fine: df = n_other − 1.
        let w = welch_t(&[1.0, 1.0, 1.0], &[2.0, 3.0, 2.0]).unwrap();
        assert!((w.t + 4.0).abs() < 1e-12 && (w.df - 2.0).abs() < 1e-12);
        assert!(matches!(
            welch_t(&[1.0, f64::NAN], &[1.0, 2.0]),
            Err(Error::InsufficientData { n: 1, .. })
        ));
        assert!(welch_t(&[], &[1.0, 2.0]).is_err());
        assert!(welch_t(&[1.0, f64::INFINITY], &[1.0, 2.0]).is_err());
    }

    #[test]
    fn variance_is_accurate_with_a_large_offset() {
        // Values 1e9 + {0, 1, 2, 3}: naive Σx² − n x̄² loses everything.
        let x: Vec<f64> = (0..4).map(|i| 1e9 + f64::from(i)).collect();
        let y: Vec<f64> = (0..4).map(|i| 1e9 + 2.0 * f64::from(i)).collect();
        let w = welch_t(&x, &y).unwrap();
        // var x = 5/3, var y = 20/3 → se² = 25/12, t = −1.5/√(25/12).
        assert!(
            (w.t - (-1.5 / (25.0f64 / 12.0).sqrt())).abs() < 1e-12,
            "{}",
            w.t
        );
    }
}
