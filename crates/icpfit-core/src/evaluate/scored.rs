//! Per-account points and tiers of an ICP on a table, as the pressure tests
//! need them.

use crate::error::Result;
use crate::icp::{Icp, Levels, Section, Tier};
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
        let bound = icp.bind(table, Levels::Lenient)?;
        let n = table.n_rows();
        let mut points = vec![0.0; n];
        let mut primary_pass = vec![true; n];
        let mut disqualified = vec![false; n];
        for b in &bound.criteria {
            let col = &table.columns()[b.column];
            for i in 0..n {
                let m = b.matches(col, i);
                if m {
                    points[i] += b.points;
                }
                match b.section {
                    Section::Primary => primary_pass[i] &= m,
                    Section::Negative => disqualified[i] |= m,
                    Section::Secondary => {}
                }
            }
        }
        let in_scope: Vec<bool> = match &bound.scope {
            None => vec![true; n],
            Some(s) => {
                let col = &table.columns()[s.column];
                (0..n).map(|i| s.matches(col, i)).collect()
            }
        };
        let tier = (0..n)
            .map(|i| {
                if in_scope[i] {
                    icp.tiers.tier(points[i], primary_pass[i], disqualified[i])
                } else {
                    Tier::D
                }
            })
            .collect();
        for (p, s) in points.iter_mut().zip(&in_scope) {
            if !s {
                *p = 0.0;
            }
        }
        Ok(Self {
            points,
            tier,
            in_scope,
        })
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
