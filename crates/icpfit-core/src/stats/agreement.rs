//! Agreement between two raters over the same items: Cohen's κ.

use crate::stats::Contingency;
use crate::{Error, Result};

/// Cohen's κ (unweighted) of a square confusion matrix.
///
/// Definition: with `C` the `k × k` table of counts (rows: rater 1's
/// category, columns: rater 2's, same category order on both axes),
/// `N = Σ C`, observed agreement `p_o = Σ_i C_ii / N`, chance agreement
/// `p_e = Σ_i (row_i / N)(col_i / N)`, `κ = (p_o − p_e) / (1 − p_e)`.
///
/// Reference: `sklearn.metrics.cohen_kappa_score(y1, y2)` on the paired
/// labels (fixture in `python/tests/reference/fixtures_retention.py`).
///
/// Edge cases: `p_e = 1` (both raters put every item in one and the same
/// category) gives NaN, as sklearn does (0/0).
///
/// # Errors
/// [`Error::InvalidArgument`] for a non-square table;
/// [`Error::InsufficientData`] for an empty one (N = 0).
pub fn cohen_kappa(confusion: &Contingency) -> Result<f64> {
    let k = confusion.rows();
    if confusion.cols() != k {
        return Err(Error::invalid(
            "confusion",
            format!(
                "a {k} × {} table is not square: both raters need the same categories",
                confusion.cols()
            ),
        ));
    }
    let n = confusion.total();
    if n <= 0.0 {
        return Err(Error::InsufficientData {
            what: "Cohen's kappa: rated items".into(),
            n: 0,
            min: 1,
        });
    }
    let (rows, cols) = (confusion.row_totals(), confusion.col_totals());
    let po = (0..k).map(|i| confusion.get(i, i)).sum::<f64>() / n;
    let pe = (0..k).map(|i| rows[i] * cols[i]).sum::<f64>() / (n * n);
    if (1.0 - pe).abs() < 1e-15 {
        return Ok(f64::NAN);
    }
    Ok((po - pe) / (1.0 - pe))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kappa_by_hand() {
        // Classic 2 × 2: 20 yes-yes, 5 yes-no, 10 no-yes, 15 no-no.
        let t = Contingency::from_cells(2, 2, vec![20.0, 5.0, 10.0, 15.0]).unwrap();
        let (po, pe) = (35.0 / 50.0, (25.0 * 30.0 + 25.0 * 20.0) / 2500.0);
        assert!((cohen_kappa(&t).unwrap() - (po - pe) / (1.0 - pe)).abs() < 1e-15);
        let perfect = Contingency::from_cells(2, 2, vec![3.0, 0.0, 0.0, 4.0]).unwrap();
        assert_eq!(cohen_kappa(&perfect).unwrap(), 1.0);
        let one = Contingency::from_cells(2, 2, vec![5.0, 0.0, 0.0, 0.0]).unwrap();
        assert!(cohen_kappa(&one).unwrap().is_nan());
        assert!(cohen_kappa(&Contingency::new(2, 3)).is_err());
        assert!(cohen_kappa(&Contingency::new(2, 2)).is_err());
    }
}
