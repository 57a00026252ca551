//! An r × c table of (possibly weighted) counts.
//!
//! The table every categorical test of [`crate::stats`] reads. Rows are the
//! levels of an attribute, columns the classes of the target; for a binary
//! target `cols = 2`, column 0 is the *negative* class (lost deal, worst
//! customer) and column 1 the *positive* class (won deal, best customer).
//!
//! Tables are *mergeable*: the table of the rows of `A ∪ B` is the cell-wise
//! sum of the tables of `A` and of `B` ([`Contingency::merge`]), so a column
//! can be tabulated in parallel chunks and the chunks summed.

use serde::Serialize;

use crate::{Error, Result};

/// An r × c table of non-negative `f64` counts (weights), stored row-major.
///
/// Cells are plain sums of weights (1.0 per row when unweighted), so an
/// unweighted table holds exact integers up to 2^53.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contingency {
    rows: usize,
    cols: usize,
    /// Row-major cells: `cells[r * cols + c]`.
    cells: Vec<f64>,
}

impl Contingency {
    /// An all-zero `rows × cols` table.
    ///
    /// # Panics
    /// If `rows * cols` overflows `usize` (the fallible constructors return
    /// an error instead).
    pub fn new(rows: usize, cols: usize) -> Self {
        Self {
            rows,
            cols,
            cells: vec![0.0; rows * cols],
        }
    }

    /// A table from row-major cells (`cells.len()` must be `rows * cols`;
    /// every cell finite and `>= 0`).
    pub fn from_cells(rows: usize, cols: usize, cells: Vec<f64>) -> Result<Self> {
        let size = checked_size(rows, cols)?;
        if cells.len() != size {
            return Err(Error::LengthMismatch {
                what: "contingency cells".into(),
                expected: size,
                found: cells.len(),
            });
        }
        if let Some(i) = cells.iter().position(|w| !(w.is_finite() && *w >= 0.0)) {
            return Err(Error::invalid(
                "cells",
                format!(
                    "cell ({}, {}) is {}; counts must be finite and >= 0",
                    i / cols.max(1),
                    i % cols.max(1),
                    cells[i]
                ),
            ));
        }
        Ok(Self { rows, cols, cells })
    }

    /// Tabulates paired codes: row `i` adds `weights[i]` (1.0 when `weights`
    /// is `None`) to cell `(row_codes[i], col_codes[i])`.
    ///
    /// Errors: the three slices of different lengths
    /// ([`Error::LengthMismatch`]); a code `>= rows` / `>= cols`, or a weight
    /// that is negative or not finite ([`Error::InvalidArgument`] naming the
    /// row and the value). One O(n) pass, no allocation besides the table.
    pub fn from_codes(
        row_codes: &[u32],
        col_codes: &[u32],
        weights: Option<&[f64]>,
        rows: usize,
        cols: usize,
    ) -> Result<Self> {
        let n = row_codes.len();
        if col_codes.len() != n {
            return Err(Error::LengthMismatch {
                what: "col_codes".into(),
                expected: n,
                found: col_codes.len(),
            });
        }
        if let Some(w) = weights
            && w.len() != n
        {
            return Err(Error::LengthMismatch {
                what: "weights".into(),
                expected: n,
                found: w.len(),
            });
        }
        checked_size(rows, cols)?;
        let mut t = Self::new(rows, cols);
        for (i, (&r, &c)) in row_codes.iter().zip(col_codes).enumerate() {
            let (r, c) = (r as usize, c as usize);
            if r >= rows {
                return Err(code_error("row_codes", i, r, rows));
            }
            if c >= cols {
                return Err(code_error("col_codes", i, c, cols));
            }
            let w = match weights {
                Some(w) => checked_weight(w[i], i)?,
                None => 1.0,
            };
            t.cells[r * cols + c] += w;
        }
        Ok(t)
    }

    /// The `levels × 2` table of a binary target: row `codes[i]`, column
    /// `labels[i] as usize` (0 = negative, 1 = positive). Same rules as
    /// [`Contingency::from_codes`].
    pub fn from_binary(
        codes: &[u32],
        labels: &[bool],
        weights: Option<&[f64]>,
        levels: usize,
    ) -> Result<Self> {
        let n = codes.len();
        if labels.len() != n {
            return Err(Error::LengthMismatch {
                what: "labels".into(),
                expected: n,
                found: labels.len(),
            });
        }
        if let Some(w) = weights
            && w.len() != n
        {
            return Err(Error::LengthMismatch {
                what: "weights".into(),
                expected: n,
                found: w.len(),
            });
        }
        checked_size(levels, 2)?;
        let mut t = Self::new(levels, 2);
        for (i, (&r, &y)) in codes.iter().zip(labels).enumerate() {
            let r = r as usize;
            if r >= levels {
                return Err(code_error("codes", i, r, levels));
            }
            let w = match weights {
                Some(w) => checked_weight(w[i], i)?,
                None => 1.0,
            };
            t.cells[2 * r + usize::from(y)] += w;
        }
        Ok(t)
    }

    /// Adds `w` to cell `(r, c)`. Unchecked in value (a hot path): the tests
    /// reject negative or non-finite cells when they read the table.
    ///
    /// # Panics
    /// If `r >= rows()` or `c >= cols()`, like slice indexing; use
    /// [`Contingency::from_codes`] for untrusted codes.
    #[inline]
    pub fn add(&mut self, r: usize, c: usize, w: f64) {
        assert!(
            r < self.rows && c < self.cols,
            "cell ({r}, {c}) outside {}x{}",
            self.rows,
            self.cols
        );
        self.cells[r * self.cols + c] += w;
    }

    /// Adds `other` cell-wise: afterwards `self` is the table of the union of
    /// both inputs. Error if the shapes differ.
    pub fn merge(&mut self, other: &Self) -> Result<()> {
        if self.rows != other.rows || self.cols != other.cols {
            return Err(Error::invalid(
                "other",
                format!(
                    "cannot merge a {}x{} table into a {}x{} table",
                    other.rows, other.cols, self.rows, self.cols
                ),
            ));
        }
        for (a, b) in self.cells.iter_mut().zip(&other.cells) {
            *a += b;
        }
        Ok(())
    }

    /// Cell `(r, c)`.
    ///
    /// # Panics
    /// If `r >= rows()` or `c >= cols()`, like slice indexing.
    #[inline]
    pub fn get(&self, r: usize, c: usize) -> f64 {
        assert!(
            r < self.rows && c < self.cols,
            "cell ({r}, {c}) outside {}x{}",
            self.rows,
            self.cols
        );
        self.cells[r * self.cols + c]
    }

    /// Row `r` as a slice of `cols()` cells.
    ///
    /// # Panics
    /// If `r >= rows()`.
    pub fn row(&self, r: usize) -> &[f64] {
        &self.cells[r * self.cols..(r + 1) * self.cols]
    }

    /// All cells, row-major.
    pub fn cells(&self) -> &[f64] {
        &self.cells
    }

    /// Number of rows (levels).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns (classes).
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Sum of each row.
    pub fn row_totals(&self) -> Vec<f64> {
        if self.cols == 0 {
            return vec![0.0; self.rows];
        }
        self.cells
            .chunks_exact(self.cols)
            .map(|r| r.iter().sum())
            .collect()
    }

    /// Sum of each column.
    pub fn col_totals(&self) -> Vec<f64> {
        let mut t = vec![0.0; self.cols];
        if self.cols == 0 {
            return t;
        }
        for row in self.cells.chunks_exact(self.cols) {
            for (acc, v) in t.iter_mut().zip(row) {
                *acc += v;
            }
        }
        t
    }

    /// Sum of all cells.
    pub fn total(&self) -> f64 {
        self.cells.iter().sum()
    }

    /// Error unless every cell is finite and `>= 0` (tables built with
    /// [`Contingency::add`] are not checked on insertion).
    pub(crate) fn validate(&self) -> Result<()> {
        match self
            .cells
            .iter()
            .position(|w| !(w.is_finite() && *w >= 0.0))
        {
            None => Ok(()),
            Some(i) => Err(Error::invalid(
                "table",
                format!(
                    "cell ({}, {}) is {}; counts must be finite and >= 0",
                    i / self.cols,
                    i % self.cols,
                    self.cells[i]
                ),
            )),
        }
    }
}

fn checked_size(rows: usize, cols: usize) -> Result<usize> {
    rows.checked_mul(cols).ok_or_else(|| {
        Error::invalid(
            "rows",
            format!("a {rows} x {cols} table has more cells than memory can address"),
        )
    })
}

fn code_error(name: &str, row: usize, code: usize, bound: usize) -> Error {
    Error::invalid(
        name,
        format!("row {row}: code {code} is out of range (the table has {bound})"),
    )
}

#[inline]
fn checked_weight(w: f64, row: usize) -> Result<f64> {
    if w.is_finite() && w >= 0.0 {
        Ok(w)
    } else {
        Err(Error::invalid(
            "weights",
            format!("row {row}: weight {w} must be finite and >= 0"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tabulates_and_totals() {
        let t =
            Contingency::from_codes(&[0, 1, 1, 2, 2, 2], &[0, 1, 0, 1, 1, 0], None, 3, 2).unwrap();
        assert_eq!(t.cells(), &[1.0, 0.0, 1.0, 1.0, 1.0, 2.0]);
        assert_eq!(t.row_totals(), vec![1.0, 2.0, 3.0]);
        assert_eq!(t.col_totals(), vec![3.0, 3.0]);
        assert_eq!(t.total(), 6.0);
        assert_eq!(t.get(2, 1), 2.0);
        assert_eq!(t.row(1), &[1.0, 1.0]);
        let w = Contingency::from_codes(&[0, 0], &[1, 1], Some(&[0.5, 2.0]), 1, 2).unwrap();
        assert_eq!(w.get(0, 1), 2.5);
        let b = Contingency::from_binary(&[1, 0, 1], &[true, false, false], None, 2).unwrap();
        assert_eq!(b.cells(), &[1.0, 0.0, 1.0, 1.0]);
    }

    #[test]
    fn bad_codes_and_weights_are_errors_naming_the_value() {
        let e = Contingency::from_codes(&[0, 7], &[0, 0], None, 3, 2).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("row 1") && msg.contains("code 7"), "{msg}");
        let e = Contingency::from_codes(&[0], &[2], None, 3, 2).unwrap_err();
        assert!(e.to_string().contains("code 2"));
        assert!(matches!(
            Contingency::from_codes(&[0], &[0, 1], None, 3, 2),
            Err(Error::LengthMismatch { .. })
        ));
        assert!(matches!(
            Contingency::from_codes(&[0], &[0], Some(&[]), 3, 2),
            Err(Error::LengthMismatch { .. })
        ));
        let e = Contingency::from_codes(&[0], &[0], Some(&[f64::NAN]), 3, 2).unwrap_err();
        assert!(e.to_string().contains("NaN"));
        assert!(Contingency::from_codes(&[0], &[0], Some(&[-1.0]), 3, 2).is_err());
        assert!(Contingency::from_binary(&[3], &[true], None, 3).is_err());
        assert!(Contingency::from_binary(&[0], &[], None, 3).is_err());
        assert!(Contingency::from_cells(2, 2, vec![1.0; 3]).is_err());
        assert!(Contingency::from_cells(1, 2, vec![1.0, -2.0]).is_err());
        assert!(Contingency::from_codes(&[], &[], None, usize::MAX, 2).is_err());
        assert!(Contingency::from_binary(&[], &[], None, usize::MAX).is_err());
        assert!(Contingency::from_cells(usize::MAX, 3, vec![]).is_err());
        let mut t = Contingency::new(2, 2);
        assert!(t.merge(&Contingency::new(2, 3)).is_err());
        t.add(0, 0, f64::INFINITY);
        assert!(t.validate().is_err());
    }

    #[test]
    fn empty_shapes_do_not_panic() {
        let t = Contingency::new(0, 0);
        assert_eq!(t.total(), 0.0);
        assert!(t.row_totals().is_empty());
        assert!(t.col_totals().is_empty());
        let t = Contingency::new(3, 0);
        assert_eq!(t.row_totals(), vec![0.0; 3]);
        let t = Contingency::from_codes(&[], &[], None, 2, 2).unwrap();
        assert_eq!(t.total(), 0.0);
    }

    /// Rows of (row code, col code, integer weight): integer weights keep
    /// sums exact, so merged tables must be *equal*, not merely close.
    fn rows_strategy() -> impl Strategy<Value = Vec<(u32, u32, u8)>> {
        prop::collection::vec((0u32..4, 0u32..3, 0u8..5), 0..60)
    }

    fn table(rows: &[(u32, u32, u8)]) -> Contingency {
        let r: Vec<u32> = rows.iter().map(|x| x.0).collect();
        let c: Vec<u32> = rows.iter().map(|x| x.1).collect();
        let w: Vec<f64> = rows.iter().map(|x| f64::from(x.2)).collect();
        Contingency::from_codes(&r, &c, Some(&w), 4, 3).unwrap()
    }

    proptest! {
        #[test]
        fn merge_is_the_table_of_the_union(a in rows_strategy(), b in rows_strategy()) {
            let mut merged = table(&a);
            merged.merge(&table(&b)).unwrap();
            let union: Vec<_> = a.iter().chain(&b).copied().collect();
            prop_assert_eq!(merged, table(&union));
        }

        #[test]
        fn merge_is_associative_and_commutative(
            a in rows_strategy(), b in rows_strategy(), c in rows_strategy()
        ) {
            let (ta, tb, tc) = (table(&a), table(&b), table(&c));
            let mut left = ta.clone();
            left.merge(&tb).unwrap();
            left.merge(&tc).unwrap();
            let mut bc = tb.clone();
            bc.merge(&tc).unwrap();
            let mut right = ta.clone();
            right.merge(&bc).unwrap();
            prop_assert_eq!(&left, &right);
            let mut ba = tb.clone();
            ba.merge(&ta).unwrap();
            let mut ab = ta;
            ab.merge(&tb).unwrap();
            prop_assert_eq!(ab, ba);
        }
    }
}
