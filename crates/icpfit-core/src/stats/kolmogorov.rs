//! The Kolmogorov distribution (limit law of `√n · D` for the KS statistic).
//!
//! statrs has no Kolmogorov distribution, so its survival function is
//! implemented here from its two classical series.

use std::f64::consts::{PI, TAU};

/// Below this argument the survival function is computed as `1 − cdf` from
/// the Jacobi-theta series of the cdf, above it from the alternating series
/// of the survival function (cephes' `KOLMOG_CUTOVER`). Both series converge
/// in a handful of terms on their side of the cut.
const CUTOVER: f64 = 0.82;

/// Survival function `Q(x) = P(K > x)` of the Kolmogorov distribution.
///
/// Definition: `Q(x) = 2 Σ_{k>=1} (−1)^{k−1} exp(−2k²x²)` for `x >= 0.82`;
/// below, `Q(x) = 1 − (√(2π)/x) Σ_{k>=1} exp(−(2k−1)²π²/(8x²))` (the same
/// function, the second series converging fast for small `x`). Both series
/// are summed until the next term no longer changes the sum.
///
/// Reference: `scipy.stats.kstwobign.sf(x)` (cephes `kolmogorov`).
///
/// Edge cases: `x <= 0` → 1; `+∞` → 0; NaN → NaN. Deep tails underflow
/// gracefully to 0 (`Q(x) ≈ 2 exp(−2x²)`, i.e. below 1e-308 past x ≈ 18.9).
pub fn kolmogorov_sf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    if x == f64::INFINITY {
        return 0.0;
    }
    if x < CUTOVER {
        // cdf = √(2π)/x · Σ w^{(2k−1)²}, w = exp(−π²/(8x²)).
        let v = -PI * PI / (8.0 * x * x);
        let mut sum = 0.0;
        for k in 1..64u32 {
            let m = f64::from(2 * k - 1);
            let term = (v * m * m).exp();
            let next = sum + term;
            if next == sum {
                break;
            }
            sum = next;
        }
        1.0 - TAU.sqrt() / x * sum
    } else {
        let v = -2.0 * x * x;
        let mut sum = 0.0;
        let mut sign = 1.0;
        for k in 1..64u32 {
            let kk = f64::from(k * k);
            let term = sign * (v * kk).exp();
            let next = sum + term;
            if next == sum {
                break;
            }
            sum = next;
            sign = -sign;
        }
        (2.0 * sum).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_values_and_monotonicity() {
        assert_eq!(kolmogorov_sf(0.0), 1.0);
        assert_eq!(kolmogorov_sf(-3.0), 1.0);
        assert_eq!(kolmogorov_sf(f64::INFINITY), 0.0);
        assert!(kolmogorov_sf(f64::NAN).is_nan());
        assert_eq!(kolmogorov_sf(1e-3), 1.0);
        assert_eq!(kolmogorov_sf(40.0), 0.0);
        // Continuity across the cut-over.
        let (a, b) = (kolmogorov_sf(CUTOVER - 1e-12), kolmogorov_sf(CUTOVER));
        assert!((a - b).abs() < 1e-11, "{a} {b}");
        let mut prev = 1.0;
        for i in 1..4000 {
            let q = kolmogorov_sf(f64::from(i) * 0.005);
            assert!(q <= prev && q >= 0.0);
            prev = q;
        }
    }
}
