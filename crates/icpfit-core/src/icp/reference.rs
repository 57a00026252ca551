//! The slow, obviously-correct scores of an ICP over a table: one row at a
//! time, one criterion at a time, through [`BoundCriterion::matches`] and
//! [`Tiers::tier`](super::Tiers::tier) and nothing else.
//!
//! This is not the scoring engine (`score`, columnar and parallel) and must
//! never become one: it exists so that the engine and the SQL export
//! ([`Icp::to_sql`](super::Icp::to_sql)) can each be tested against a
//! definition short enough to check by reading. Its cost is a `Vec<bool>`
//! per row.

use super::bind::{BoundCriterion, Levels};
use super::{Icp, Section, Tier};
use crate::error::Result;
use crate::table::AccountTable;

/// The scores of one in-scope row.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceScore {
    /// Σ points of the matched criteria, summed in criterion order from 0.
    pub points: f64,
    /// The tier from the points and the gates.
    pub tier: Tier,
    /// Every primary criterion matched (true when there are none).
    pub primary_pass: bool,
    /// Some negative criterion matched.
    pub disqualified: bool,
    /// Per criterion, in [`Icp::criteria`] order: whether it matched.
    pub matched: Vec<bool>,
}

impl ReferenceScore {
    /// The matches as a bitmask (bit *i* = criterion *i*), as the SQL export's
    /// `icp_matched` column; `None` beyond 63 criteria.
    pub fn mask(&self) -> Option<i64> {
        if self.matched.len() > super::sql::MAX_MASK_CRITERIA {
            return None;
        }
        Some(
            self.matched
                .iter()
                .enumerate()
                .filter(|(_, m)| **m)
                .map(|(bit, _)| 1i64 << bit)
                .sum(),
        )
    }
}

/// Scores every row of `table`: `None` for a row outside the ICP's scope
/// (not scored), else its [`ReferenceScore`]. Criteria are bound leniently
/// ([`Levels::Lenient`]): a level or tag absent from the table matches no
/// row, as in a warehouse, unless it looks like a typo.
///
/// The slow reference used to test the scoring engine and the SQL export;
/// use the engine to score.
pub fn reference_scores(icp: &Icp, table: &AccountTable) -> Result<Vec<Option<ReferenceScore>>> {
    let bound = icp.bind(table, Levels::Lenient)?;
    let columns = table.columns();
    let matches = |b: &BoundCriterion, i: usize| b.matches(&columns[b.column], i);
    Ok((0..table.n_rows())
        .map(|i| {
            if let Some(scope) = &bound.scope
                && !matches(scope, i)
            {
                return None;
            }
            let matched: Vec<bool> = bound.criteria.iter().map(|b| matches(b, i)).collect();
            let mut points = 0.0;
            let mut primary_pass = true;
            let mut disqualified = false;
            for (b, &m) in bound.criteria.iter().zip(&matched) {
                if m {
                    points += b.points;
                }
                match b.section {
                    Section::Primary => primary_pass &= m,
                    Section::Negative => disqualified |= m,
                    Section::Secondary => {}
                }
            }
            Some(ReferenceScore {
                points,
                tier: icp.tiers.tier(points, primary_pass, disqualified),
                primary_pass,
                disqualified,
                matched,
            })
        })
        .collect())
}
