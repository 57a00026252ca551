//! Ranking scored accounts: a strict total order, so a million accounts never
//! collapse onto a handful of equal scores and the ranking is the same on
//! every run and every thread count.
//!
//! The order ([`FitScores::order`]) compares, in turn:
//!
//! 1. scope: rows in the ICP's scope before rows outside it;
//! 2. tier: A before B before C before D;
//! 3. points: more first;
//! 4. the tie-break column, when [`ScoreOptions::tie_break`](super::ScoreOptions::tie_break)
//!    names one (e.g. ARR or employees): higher first, or lower first when
//!    asked; missing values last;
//! 5. the matched criteria in criterion order: among accounts still equal, the
//!    one matching an earlier criterion first (the ICP lists its must-haves
//!    first and its secondary criteria in the order it weighs them);
//! 6. the row index: the earlier row first.
//!
//! From it, [`FitScores::rank`] (1 = best) and the continuous
//! [`FitScores::rank_score`]: `(3 − tier) + q`, where `q ∈ [0, 1)` is the
//! share of the tier's accounts ranked below the account. Its integer part is
//! the tier (3 = A … 0 = D) and no two accounts share a value.

use super::FitScores;
use super::scores::OUT_OF_SCOPE;
use crate::error::{Error, Result};
use crate::table::{AccountTable, Column};
use rayon::prelude::*;
use std::cmp::Ordering;

/// A numeric column that breaks ties between accounts with equal tier and
/// points (see the [module docs](self)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TieBreak {
    /// A numeric column of the scored table.
    pub column: String,
    /// Lower values first (default: higher first).
    pub ascending: bool,
}

impl TieBreak {
    /// Higher values of `column` rank first (ARR, employees, intent score).
    pub fn higher(column: impl Into<String>) -> Self {
        Self {
            column: column.into(),
            ascending: false,
        }
    }
    /// Lower values of `column` rank first (days since last touch, price).
    pub fn lower(column: impl Into<String>) -> Self {
        Self {
            column: column.into(),
            ascending: true,
        }
    }

    /// The column's values with "higher is better" (negated when ascending);
    /// NaN stays NaN (missing, ranked last).
    pub(crate) fn values(&self, table: &AccountTable) -> Result<Vec<f64>> {
        match table.column(&self.column)? {
            Column::Numeric(v) => Ok(self.orient(v.to_vec())),
            other => Err(Error::WrongKind {
                column: self.column.clone(),
                expected: "numeric (a tie-break column)".into(),
                found: other.kind().to_string(),
            }),
        }
    }

    /// Values of the column with "higher is better".
    pub(crate) fn orient(&self, mut values: Vec<f64>) -> Vec<f64> {
        if self.ascending {
            values.iter_mut().for_each(|x| *x = -*x);
        }
        values
    }
}

/// One row's sort key. The bitset key is the first matched word with its
/// bits reversed, so that bit 0 (the first criterion) is the most
/// significant; further words are compared from the scores when needed.
///
/// Every part is an unsigned integer that sorts ascending (floats mapped by
/// [`desc_nan_last`]), so comparing two keys is a few integer compares.
#[derive(Clone, Copy)]
struct Key {
    tier: u8,
    points: u64,
    tie: u64,
    first_word: u64,
    row: usize,
}

/// `x` as an integer that sorts higher values first and NaN last, −0.0 as
/// 0.0: IEEE order is sign-magnitude, so a negative's bits are inverted and
/// a positive's sign bit set (ascending), then the whole is inverted.
fn desc_nan_last(x: f64) -> u64 {
    if x.is_nan() {
        return u64::MAX;
    }
    let b = (x + 0.0).to_bits();
    let ascending = if b >> 63 == 1 { !b } else { b | (1 << 63) };
    !ascending
}

impl FitScores {
    /// Row indices, best first (see the [module docs](super::order) for the
    /// order). A strict total order: deterministic whatever the thread count.
    pub fn order(&self) -> Vec<usize> {
        let n = self.len();
        let w = self.words;
        let bits = self.matched.as_deref();
        let tie = self.tie_break.as_ref().map(|(_, v)| v.as_slice());
        let mut keys: Vec<Key> = (0..n)
            .into_par_iter()
            .map(|i| Key {
                tier: self.tier[i],
                points: desc_nan_last(self.points[i]),
                tie: tie.map_or(0, |t| desc_nan_last(t[i])),
                // More (earlier) criteria first.
                first_word: !bits.map_or(0, |b| b[i * w].reverse_bits()),
                row: i,
            })
            .collect();
        let rest = |a: &Key, b: &Key| -> Ordering {
            match bits {
                Some(m) if w > 1 => {
                    let (ra, rb) = (a.row * w, b.row * w);
                    for k in 1..w {
                        let o = m[rb + k].reverse_bits().cmp(&m[ra + k].reverse_bits());
                        if o != Ordering::Equal {
                            return o;
                        }
                    }
                    Ordering::Equal
                }
                _ => Ordering::Equal,
            }
        };
        let head = |k: &Key| (k.tier, k.points, k.tie, k.first_word);
        if w <= 1 {
            keys.par_sort_unstable_by_key(|k| (head(k), k.row));
        } else {
            keys.par_sort_unstable_by(|a, b| {
                head(a)
                    .cmp(&head(b))
                    .then_with(|| rest(a, b))
                    .then_with(|| a.row.cmp(&b.row))
            });
        }
        keys.into_iter().map(|k| k.row).collect()
    }

    /// Per row, its 1-based rank in [`order`](Self::order) (1 = best).
    pub fn rank(&self) -> Vec<usize> {
        self.rank_and_score().0
    }

    /// Per row, a continuous score that ranks like [`order`](Self::order):
    /// `(3 − tier) + q`, `q ∈ [0, 1)` the share of the row's tier ranked
    /// below it. Tier A rows score in [3, 4), D rows in [0, 1); rows outside
    /// the scope are NaN. No two rows share a value.
    pub fn rank_score(&self) -> Vec<f64> {
        self.rank_and_score().1
    }

    /// [`rank`](Self::rank) and [`rank_score`](Self::rank_score) from one
    /// sort (the sort is most of either's cost).
    pub fn rank_and_score(&self) -> (Vec<usize>, Vec<f64>) {
        let counts = self.tier_counts();
        let mut seen = [0usize; 4];
        let mut rank = vec![0usize; self.len()];
        let mut score = vec![f64::NAN; self.len()];
        for (pos, row) in self.order().into_iter().enumerate() {
            rank[row] = pos + 1;
            let t = self.tier[row];
            if t == OUT_OF_SCOPE {
                continue;
            }
            let t = t as usize;
            let n = counts.tiers[t];
            seen[t] += 1;
            score[row] = (3 - t) as f64 + (n - seen[t]) as f64 / n as f64;
        }
        (rank, score)
    }
}

#[cfg(test)]
mod key_tests {
    use super::desc_nan_last;
    use std::cmp::Ordering;

    /// The float order the integer keys stand for: higher first, NaN last
    /// (all NaNs equal), −0.0 equal to 0.0.
    fn reference(a: f64, b: f64) -> Ordering {
        match (a.is_nan(), b.is_nan()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => b.partial_cmp(&a).unwrap_or(Ordering::Equal),
        }
    }

    #[test]
    fn integer_keys_order_floats_higher_first_and_nan_last() {
        let values = [
            f64::NEG_INFINITY,
            -1e300,
            -2.5,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            f64::MIN_POSITIVE / 2.0,
            1.0,
            1.0 + f64::EPSILON,
            7.25,
            1e300,
            f64::INFINITY,
            f64::NAN,
            -f64::NAN,
        ];
        for &a in &values {
            for &b in &values {
                assert_eq!(
                    desc_nan_last(a).cmp(&desc_nan_last(b)),
                    reference(a, b),
                    "{a} vs {b}"
                );
            }
        }
    }
}
