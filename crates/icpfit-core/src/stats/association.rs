//! Association between the rows and the columns of a [`Contingency`] table:
//! Pearson's χ² test, Cramér's V and mutual information.

use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::contingency::Contingency;
use crate::{Error, Result};

/// Result of [`chi_square`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ChiSquare {
    /// Pearson's statistic Σ (O − E)² / E.
    pub statistic: f64,
    /// Degrees of freedom (r′ − 1)(c′ − 1) of the reduced table.
    pub dof: usize,
    /// Upper tail of χ²(dof) at `statistic`; 1 when `dof == 0`.
    pub p_value: f64,
    /// Rows with a non-zero margin (r′).
    pub rows_used: usize,
    /// Columns with a non-zero margin (c′).
    pub cols_used: usize,
    /// Total count N of the table.
    pub total: f64,
}

/// Pearson's χ² test of independence, without continuity correction.
///
/// Definition: with row totals `Rᵢ`, column totals `Cⱼ` and total `N`, the
/// expected count is `Eᵢⱼ = Rᵢ Cⱼ / N` and
/// `statistic = Σᵢⱼ (Oᵢⱼ − Eᵢⱼ)² / Eᵢⱼ`, `dof = (r′ − 1)(c′ − 1)`,
/// `p_value = P(χ²(dof) ≥ statistic)` (statrs `ChiSquared::sf`).
///
/// Reference: `scipy.stats.chi2_contingency(t, correction=False)`
/// (statistic, pvalue, dof). Works on weighted (non-integer) counts as scipy
/// does.
///
/// Edge cases:
/// * rows and columns whose margin is 0 are **dropped** before computing
///   (r′, c′ count the kept ones): a level never observed, or a class absent
///   from the table, carries no information. scipy raises instead
///   ("zero element in expected frequencies"); on the reduced table the
///   results are identical.
/// * if fewer than 2 rows or 2 columns remain, `dof = 0`, `statistic = 0`,
///   `p_value = 1` (scipy's rule for a 1 × k table).
/// * a table with total 0 → [`Error::InsufficientData`]; a negative or
///   non-finite cell → [`Error::InvalidArgument`].
///
/// Cost: O(r·c), allocates the two margins.
pub fn chi_square(table: &Contingency) -> Result<ChiSquare> {
    let m = Margins::of(table, "chi-square test")?;
    let (r_used, c_used) = (m.rows_used(), m.cols_used());
    if r_used < 2 || c_used < 2 {
        return Ok(ChiSquare {
            statistic: 0.0,
            dof: 0,
            p_value: 1.0,
            rows_used: r_used,
            cols_used: c_used,
            total: m.total,
        });
    }
    let cols = table.cols();
    let mut stat = 0.0;
    for (i, &ri) in m.row.iter().enumerate() {
        if ri == 0.0 {
            continue;
        }
        let row = &table.cells()[i * cols..(i + 1) * cols];
        for (&o, &cj) in row.iter().zip(&m.col) {
            if cj == 0.0 {
                continue;
            }
            let e = ri * cj / m.total;
            let d = o - e;
            stat += d * d / e;
        }
    }
    let dof = (r_used - 1) * (c_used - 1);
    Ok(ChiSquare {
        statistic: stat,
        dof,
        p_value: chi2_sf(stat, dof as f64),
        rows_used: r_used,
        cols_used: c_used,
        total: m.total,
    })
}

/// Upper tail of χ²(dof) at `x` (statrs), 1 for `x <= 0`.
pub(crate) fn chi2_sf(x: f64, dof: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    match ChiSquared::new(dof) {
        Ok(d) => d.sf(x).clamp(0.0, 1.0),
        Err(_) => f64::NAN,
    }
}

/// Cramér's V, without bias correction.
///
/// Definition: `V = sqrt(χ² / (N · min(r′ − 1, c′ − 1)))` with χ² from
/// [`chi_square`] (so zero-margin rows/columns are dropped first, r′ and c′
/// count the kept ones). In [0, 1].
///
/// Reference: `scipy.stats.contingency.association(t, method="cramer")`
/// (integer tables; for weighted tables the same formula on
/// `chi2_contingency(t, correction=False)`).
///
/// Edge cases: fewer than 2 kept rows or columns (V is 0/0) →
/// [`Error::InsufficientData`]; otherwise as [`chi_square`].
pub fn cramers_v(table: &Contingency) -> Result<f64> {
    let chi = chi_square(table)?;
    let k = chi.rows_used.min(chi.cols_used);
    if k < 2 {
        return Err(Error::InsufficientData {
            what: "Cramér's V (rows and columns with a non-zero total)".into(),
            n: k,
            min: 2,
        });
    }
    let phi2 = chi.statistic / chi.total;
    Ok((phi2 / (k - 1) as f64).sqrt().min(1.0))
}

/// Mutual information between rows and columns, in nats.
///
/// Definition: with `N` the total, `Rᵢ`, `Cⱼ` the margins,
/// `MI = Σ_{Oᵢⱼ > 0} (Oᵢⱼ/N) · ln(Oᵢⱼ N / (Rᵢ Cⱼ))`, where, as in the
/// reference, each term whose magnitude is below `f64::EPSILON` is set to 0
/// and the sum is clipped at 0 (so an independent table gives exactly 0).
///
/// Reference: `sklearn.metrics.mutual_info_score(None, None,
/// contingency=t)`. sklearn casts the table to integers; this function
/// takes weighted (non-integer) counts as they are, with the same formula.
///
/// Edge cases (documented values, no error): a total of 0 or fewer than 2
/// rows or columns → `0.0`; a negative or non-finite cell → `NaN` (a
/// corrupt table must not look independent).
/// Cost: O(r·c), allocates the margins.
pub fn mutual_information(table: &Contingency) -> f64 {
    if table.validate().is_err() {
        return f64::NAN;
    }
    let total = table.total();
    if total <= 0.0 || table.rows() < 2 || table.cols() < 2 {
        return 0.0;
    }
    let ln_n = total.ln();
    let row = table.row_totals();
    let ln_col: Vec<f64> = table.col_totals().iter().map(|c| c.ln()).collect();
    let cols = table.cols();
    let mut mi = 0.0;
    for (i, &ri) in row.iter().enumerate() {
        if ri == 0.0 {
            continue;
        }
        let ln_ri = ri.ln();
        let cells = &table.cells()[i * cols..(i + 1) * cols];
        for (&o, &ln_cj) in cells.iter().zip(&ln_col) {
            if o > 0.0 {
                let term = (o / total) * (o.ln() + ln_n - ln_ri - ln_cj);
                if term.abs() >= f64::EPSILON {
                    mi += term;
                }
            }
        }
    }
    mi.max(0.0)
}

/// Margins of a validated, non-empty table.
struct Margins {
    row: Vec<f64>,
    col: Vec<f64>,
    total: f64,
}

impl Margins {
    fn of(table: &Contingency, what: &str) -> Result<Self> {
        table.validate()?;
        let row = table.row_totals();
        let col = table.col_totals();
        let total: f64 = row.iter().sum();
        if total <= 0.0 {
            return Err(Error::InsufficientData {
                what: format!("{what} (total count of the table)"),
                n: 0,
                min: 1,
            });
        }
        Ok(Self { row, col, total })
    }
    fn rows_used(&self) -> usize {
        self.row.iter().filter(|&&r| r > 0.0).count()
    }
    fn cols_used(&self) -> usize {
        self.col.iter().filter(|&&c| c > 0.0).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(rows: usize, cols: usize, cells: &[f64]) -> Contingency {
        Contingency::from_cells(rows, cols, cells.to_vec()).unwrap()
    }

    #[test]
    fn zero_margins_are_dropped() {
        // A zero row and a zero column inserted into a 2x2 table change
        // nothing (scipy raises on the padded table).
        let small = chi_square(&t(2, 2, &[10.0, 20.0, 30.0, 5.0])).unwrap();
        let padded =
            chi_square(&t(3, 3, &[10.0, 0.0, 20.0, 0.0, 0.0, 0.0, 30.0, 0.0, 5.0])).unwrap();
        assert_eq!(small.statistic, padded.statistic);
        assert_eq!(small.p_value, padded.p_value);
        assert_eq!(padded.dof, 1);
        assert_eq!((padded.rows_used, padded.cols_used), (2, 2));
        assert_eq!(
            cramers_v(&t(2, 2, &[10.0, 20.0, 30.0, 5.0])).unwrap(),
            cramers_v(&t(3, 3, &[10.0, 0.0, 20.0, 0.0, 0.0, 0.0, 30.0, 0.0, 5.0])).unwrap()
        );
    }

    #[test]
    fn degenerate_tables() {
        // One class only: dof 0, p = 1 (scipy's 1 x k rule); V undefined.
        let one_class = t(3, 2, &[0.0, 4.0, 0.0, 2.0, 0.0, 9.0]);
        let c = chi_square(&one_class).unwrap();
        assert_eq!((c.statistic, c.dof, c.p_value), (0.0, 0, 1.0));
        assert!(matches!(
            cramers_v(&one_class),
            Err(Error::InsufficientData { .. })
        ));
        assert_eq!(mutual_information(&one_class), 0.0);
        // Empty table.
        assert!(matches!(
            chi_square(&Contingency::new(2, 2)),
            Err(Error::InsufficientData { .. })
        ));
        assert!(chi_square(&Contingency::new(0, 0)).is_err());
        assert_eq!(mutual_information(&Contingency::new(2, 2)), 0.0);
        assert_eq!(mutual_information(&Contingency::new(0, 0)), 0.0);
        // Corrupt cells.
        let mut bad = Contingency::new(2, 2);
        bad.add(0, 0, -1.0);
        bad.add(1, 1, 3.0);
        assert!(matches!(
            chi_square(&bad),
            Err(Error::InvalidArgument { .. })
        ));
        assert!(mutual_information(&bad).is_nan());
        // Perfect independence: exactly 0.
        let ind = t(2, 2, &[10.0, 20.0, 30.0, 60.0]);
        assert_eq!(mutual_information(&ind), 0.0);
        assert_eq!(chi_square(&ind).unwrap().statistic, 0.0);
        assert_eq!(chi_square(&ind).unwrap().p_value, 1.0);
        // Perfect association: V = 1.
        let v = cramers_v(&t(2, 2, &[7.0, 0.0, 0.0, 3.0])).unwrap();
        assert!((v - 1.0).abs() < 1e-15);
    }
}
