//! Population stability index (PSI): how far a distribution over bins has
//! moved from a reference distribution over the same bins.
//!
//! # Definition
//!
//! For `k` bins with reference counts `e_i` (the *expected* distribution,
//! e.g. the won cohort) and current counts `a_i` (the *actual* distribution,
//! e.g. the open pipeline), and a smoothing constant `s >= 0`:
//!
//! ```text
//! e'_i = e_i + s                a'_i = a_i + s          (s added to every bin of both)
//! p_i  = e'_i / Σ e'            q_i  = a'_i / Σ a'
//! PSI_i = (q_i − p_i) · ln(q_i / p_i)                   (>= 0)
//! PSI   = Σ PSI_i
//! ```
//!
//! PSI is the symmetrised Kullback–Leibler divergence
//! `KL(q‖p) + KL(p‖q)`. The usual reading ([`PsiBand`]): below 0.1 the
//! population is **stable**, 0.1 to 0.25 it has **moderately** shifted,
//! above 0.25 the shift is **significant**.
//!
//! # Small counts
//!
//! A bin empty on one side makes the raw PSI infinite. The smoothing `s`
//! (default [`PSI_SMOOTHING`] = 0.5, the Haldane–Anscombe half count) is
//! added to **every** bin of **both** distributions before the shares are
//! taken, so every term is finite, and bins that are empty on both sides
//! contribute exactly 0. With `s = 0` a bin empty on exactly one side is an
//! [`Error::InvalidArgument`]; a bin empty on both sides still contributes 0.
//!
//! # Sampling noise
//!
//! Two samples from the *same* population still differ by chance, and PSI
//! grows with the number of bins and shrinks with the sample sizes. With
//! `n_e = Σ e_i`, `n_a = Σ a_i` (raw counts) and `k` bins non-empty on at
//! least one side, PSI is a Jeffreys divergence, and to second order
//! `PSI · n_e·n_a / (n_e + n_a)` is the two-sample χ² statistic, so under
//! "no shift" it is approximately `χ²(k − 1)`. [`Psi::statistic`] is that
//! product, [`Psi::p_value`] its upper χ² tail, and [`Psi::sampling_psi`]
//! `= (k − 1)(1/n_e + 1/n_a)` the PSI expected from sampling alone (the
//! χ² mean scaled back). A PSI in the moderate band from a few hundred
//! accounts over 40 levels can be pure noise; the p-value says so. The
//! approximation is asymptotic (it wants most expected counts ≥ 5).
//!
//! Reference: the formula above in numpy
//! (`np.sum((q - p) * np.log(q / p))` on the smoothed shares),
//! `python/tests/reference/fixtures_retention.py`.

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Default smoothing added to every bin: half a count.
pub const PSI_SMOOTHING: f64 = 0.5;
/// Upper bound (excluded) of the stable band.
pub const PSI_STABLE: f64 = 0.1;
/// Upper bound (included) of the moderate band.
pub const PSI_MODERATE: f64 = 0.25;

/// The conventional PSI reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PsiBand {
    /// PSI < 0.1: no material shift.
    Stable,
    /// 0.1 ≤ PSI ≤ 0.25: a moderate shift, worth watching.
    Moderate,
    /// PSI > 0.25: a significant shift.
    Significant,
}

impl PsiBand {
    /// The band of a PSI value (NaN reads as stable: nothing measured).
    pub fn of(psi: f64) -> Self {
        if psi > PSI_MODERATE {
            Self::Significant
        } else if psi >= PSI_STABLE {
            Self::Moderate
        } else {
            Self::Stable
        }
    }
    /// Stable lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stable => "stable",
            Self::Moderate => "moderate",
            Self::Significant => "significant",
        }
    }
}

impl fmt::Display for PsiBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One bin of a [`Psi`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PsiBin {
    /// Reference count, as given.
    pub expected: f64,
    /// Current count, as given.
    pub actual: f64,
    /// Smoothed reference share `p_i`.
    pub expected_share: f64,
    /// Smoothed current share `q_i`.
    pub actual_share: f64,
    /// This bin's term `(q_i − p_i) · ln(q_i / p_i)`.
    pub contribution: f64,
}

/// Result of [`psi`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Psi {
    /// The index.
    pub psi: f64,
    /// Its band.
    pub band: PsiBand,
    /// One entry per bin, in input order.
    pub bins: Vec<PsiBin>,
    /// The smoothing used.
    pub smoothing: f64,
    /// `PSI · n_e·n_a / (n_e + n_a)`, ≈ χ²(k − 1) under no shift.
    pub statistic: f64,
    /// Degrees of freedom `k − 1` (`k` bins non-empty on either side).
    pub dof: usize,
    /// Upper χ² tail of `statistic` (1 when `dof = 0`).
    pub p_value: f64,
    /// PSI expected from sampling alone, `(k − 1)(1/n_e + 1/n_a)`.
    pub sampling_psi: f64,
}

/// Population stability index of `actual` against `expected` bin counts (see
/// the module doc for the definition and the smoothing rule).
///
/// # Errors
/// * [`Error::LengthMismatch`] when the slices differ in length;
/// * [`Error::InsufficientData`] for no bin, or a side whose counts sum to 0;
/// * [`Error::InvalidArgument`] for a negative or non-finite count or
///   smoothing, or (with `smoothing = 0`) a bin empty on one side only.
pub fn psi(expected: &[f64], actual: &[f64], smoothing: f64) -> Result<Psi> {
    if expected.len() != actual.len() {
        return Err(Error::LengthMismatch {
            what: "actual bin counts".into(),
            expected: expected.len(),
            found: actual.len(),
        });
    }
    if expected.is_empty() {
        return Err(Error::InsufficientData {
            what: "PSI bins".into(),
            n: 0,
            min: 1,
        });
    }
    if !(smoothing.is_finite() && smoothing >= 0.0) {
        return Err(Error::invalid(
            "smoothing",
            format!("{smoothing} must be finite and >= 0"),
        ));
    }
    for (what, v) in [("expected", expected), ("actual", actual)] {
        if let Some(i) = v.iter().position(|x| !(x.is_finite() && *x >= 0.0)) {
            return Err(Error::invalid(
                what,
                format!("bin {i} count {} must be finite and >= 0", v[i]),
            ));
        }
        let total: f64 = v.iter().sum();
        if total <= 0.0 {
            return Err(Error::InsufficientData {
                what: format!("PSI: {what} counts"),
                n: 0,
                min: 1,
            });
        }
    }
    let te: f64 = expected.iter().map(|e| e + smoothing).sum();
    let ta: f64 = actual.iter().map(|a| a + smoothing).sum();
    let mut bins = Vec::with_capacity(expected.len());
    let mut total = 0.0;
    for (i, (&e, &a)) in expected.iter().zip(actual).enumerate() {
        let (es, as_) = (e + smoothing, a + smoothing);
        let (p, q) = (es / te, as_ / ta);
        let contribution = if es == 0.0 && as_ == 0.0 {
            0.0
        } else if es == 0.0 || as_ == 0.0 {
            return Err(Error::invalid(
                "smoothing",
                format!(
                    "bin {i} is empty on one side only (expected {e}, actual {a}); PSI is infinite without smoothing"
                ),
            ));
        } else {
            (q - p) * (q / p).ln()
        };
        total += contribution;
        bins.push(PsiBin {
            expected: e,
            actual: a,
            expected_share: p,
            actual_share: q,
            contribution,
        });
    }
    let (ne, na): (f64, f64) = (expected.iter().sum(), actual.iter().sum());
    let k = expected
        .iter()
        .zip(actual)
        .filter(|(e, a)| **e > 0.0 || **a > 0.0)
        .count();
    let dof = k.saturating_sub(1);
    let statistic = total * ne * na / (ne + na);
    Ok(Psi {
        psi: total,
        band: PsiBand::of(total),
        bins,
        smoothing,
        statistic,
        dof,
        p_value: if dof == 0 {
            1.0
        } else {
            crate::stats::association::chi2_sf(statistic, dof as f64)
        },
        sampling_psi: dof as f64 * (1.0 / ne + 1.0 / na),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn psi_by_hand_and_bands() {
        // Same shares: 0.
        let r = psi(&[10.0, 20.0, 30.0], &[1.0, 2.0, 3.0], 0.0).unwrap();
        assert!(r.psi.abs() < 1e-15 && r.band == PsiBand::Stable);
        // Two bins, 50/50 vs 80/20, no smoothing: 0.3·ln(1.6) + 0.3·ln(2.5)... by hand.
        let r = psi(&[50.0, 50.0], &[80.0, 20.0], 0.0).unwrap();
        let want = (0.8 - 0.5) * (0.8f64 / 0.5).ln() + (0.2 - 0.5) * (0.2f64 / 0.5).ln();
        assert!((r.psi - want).abs() < 1e-15);
        assert_eq!(r.band, PsiBand::Significant);
        assert_eq!(PsiBand::of(0.0999), PsiBand::Stable);
        assert_eq!(PsiBand::of(0.1), PsiBand::Moderate);
        assert_eq!(PsiBand::of(0.25), PsiBand::Moderate);
        assert_eq!(PsiBand::of(0.2501), PsiBand::Significant);
        // Symmetric.
        let s = psi(&[80.0, 20.0], &[50.0, 50.0], 0.0).unwrap();
        assert!((s.psi - r.psi).abs() < 1e-15);
        // Sampling noise: 2 bins, 100 vs 100.
        assert_eq!(r.dof, 1);
        assert!((r.statistic - r.psi * 50.0).abs() < 1e-12);
        assert!((r.sampling_psi - 0.02).abs() < 1e-15);
        assert!(r.p_value < 1e-4);
        let one = psi(&[5.0, 0.0], &[7.0, 0.0], 0.0).unwrap();
        assert_eq!((one.dof, one.p_value), (0, 1.0));
    }

    #[test]
    fn empty_bins_and_bad_input() {
        // Empty on one side: finite with smoothing, an error without.
        let r = psi(&[10.0, 0.0], &[5.0, 5.0], PSI_SMOOTHING).unwrap();
        assert!(r.psi.is_finite() && r.psi > 0.0);
        assert!(psi(&[10.0, 0.0], &[5.0, 5.0], 0.0).is_err());
        // Empty on both sides contributes nothing.
        let a = psi(&[10.0, 0.0, 5.0], &[5.0, 0.0, 5.0], 0.0).unwrap();
        let b = psi(&[10.0, 5.0], &[5.0, 5.0], 0.0).unwrap();
        assert!((a.psi - b.psi).abs() < 1e-15 && a.bins[1].contribution == 0.0);
        assert!(matches!(
            psi(&[1.0], &[1.0, 2.0], 0.5),
            Err(Error::LengthMismatch { .. })
        ));
        assert!(matches!(
            psi(&[], &[], 0.5),
            Err(Error::InsufficientData { .. })
        ));
        assert!(matches!(
            psi(&[0.0, 0.0], &[1.0, 2.0], 0.5),
            Err(Error::InsufficientData { .. })
        ));
        assert!(psi(&[1.0, f64::NAN], &[1.0, 2.0], 0.5).is_err());
        assert!(psi(&[1.0, -1.0], &[1.0, 2.0], 0.5).is_err());
        assert!(psi(&[1.0, 1.0], &[1.0, 2.0], -0.5).is_err());
    }
}
