//! Per-account points and tiers of an ICP on a table, as the pressure tests
//! need them, from the scoring engine ([`crate::score`]).

use crate::error::Result;
use crate::icp::{Icp, Tier};
use crate::score::{FitScores, ScoreOptions, score};
use crate::table::AccountTable;

/// Points, tier and scope of every row.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// Points per row (0 outside the scope).
    pub points: Vec<f64>,
    /// Tier per row (D outside the scope).
    pub tier: Vec<Tier>,
    /// Whether the row is in the ICP's scope.
    pub in_scope: Vec<bool>,
}

impl Scored {
    /// Score `icp` on `table` (category levels absent from the table match
    /// no row; a likely typo is an error).
    pub fn new(icp: &Icp, table: &AccountTable) -> Result<Self> {
        Ok(Self::from_scores(&score(
            icp,
            table,
            &ScoreOptions::default(),
        )?))
    }

    /// From the scoring engine's result.
    pub fn from_scores(s: &FitScores) -> Self {
        let n = s.len();
        let in_scope: Vec<bool> = (0..n).map(|i| s.in_scope(i)).collect();
        let points = s
            .points()
            .iter()
            .zip(&in_scope)
            .map(|(&p, &k)| if k { p } else { 0.0 })
            .collect();
        let tier = (0..n).map(|i| s.tier(i).unwrap_or(Tier::D)).collect();
        Self {
            points,
            tier,
            in_scope,
        }
    }

    /// Rows scored.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }
}
