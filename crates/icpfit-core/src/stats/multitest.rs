//! Multiple-testing correction.

use crate::{Error, Result};

/// Benjamini–Hochberg q-values (false-discovery-rate adjusted p-values).
///
/// Definition: with the `m` non-NaN p-values sorted ascending
/// `p₍₁₎ <= … <= p₍ₘ₎`, `q₍ᵢ₎ = min_{j >= i} min(1, p₍ⱼ₎ / (j/m))`,
/// returned in the input order.
///
/// Reference: `statsmodels.stats.multitest.multipletests(p,
/// method="fdr_bh")[1]` on the non-NaN p-values.
///
/// Edge cases: NaN p-values pass through as NaN and are **excluded from the
/// count `m`** (a test that could not be run is not a test; statsmodels
/// instead returns NaN everywhere as soon as one p-value is NaN). An empty
/// or all-NaN input gives an all-NaN (possibly empty) output. A p-value
/// outside `[0, 1]` (including ±∞) → [`Error::InvalidArgument`] naming its
/// index.
///
/// Cost: O(m log m) (one sort of indices).
pub fn benjamini_hochberg(p: &[f64]) -> Result<Vec<f64>> {
    if let Some(i) = p
        .iter()
        .position(|&x| !x.is_nan() && !(0.0..=1.0).contains(&x))
    {
        return Err(Error::invalid(
            "p",
            format!("p-value #{i} is {}; p-values must lie in [0, 1]", p[i]),
        ));
    }
    let mut order: Vec<usize> = (0..p.len()).filter(|&i| !p[i].is_nan()).collect();
    order.sort_unstable_by(|&i, &j| p[i].total_cmp(&p[j]));
    let m = order.len() as f64;
    let mut q = vec![f64::NAN; p.len()];
    let mut running = 1.0_f64;
    for (rank, &i) in order.iter().enumerate().rev() {
        let raw = p[i] / ((rank + 1) as f64 / m);
        running = running.min(raw);
        q[i] = running;
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn edge_cases() {
        assert!(benjamini_hochberg(&[]).unwrap().is_empty());
        let q = benjamini_hochberg(&[f64::NAN, f64::NAN]).unwrap();
        assert!(q.iter().all(|x| x.is_nan()));
        let q = benjamini_hochberg(&[0.01, f64::NAN, 0.04]).unwrap();
        assert_eq!(q[0], 0.02);
        assert!(q[1].is_nan());
        assert_eq!(q[2], 0.04);
        assert!(benjamini_hochberg(&[0.5, 1.5]).is_err());
        assert!(benjamini_hochberg(&[-0.0, f64::INFINITY]).is_err());
        assert_eq!(benjamini_hochberg(&[0.0, 1.0]).unwrap(), vec![0.0, 1.0]);
    }

    proptest! {
        #[test]
        fn q_values_are_monotone_in_p_and_at_least_p(
            p in prop::collection::vec(prop_oneof![9 => 0.0f64..=1.0, 1 => Just(f64::NAN)], 0..80)
        ) {
            let q = benjamini_hochberg(&p).unwrap();
            prop_assert_eq!(q.len(), p.len());
            for i in 0..p.len() {
                prop_assert_eq!(p[i].is_nan(), q[i].is_nan());
                if p[i].is_nan() { continue; }
                prop_assert!(q[i] >= p[i] && q[i] <= 1.0);
                for j in 0..p.len() {
                    if !p[j].is_nan() && p[i] <= p[j] {
                        prop_assert!(q[i] <= q[j]);
                    }
                }
            }
        }
    }
}
