//! Seed 002's outcome decision — narrow, expand, split or abandon — read off
//! the what-if replays of the current and candidate ICPs.
//!
//! Rules, in order (the first that holds decides):
//!
//! 1. **Split** when per-product ICPs beat the single candidate on their own
//!    product for at least two products: each product ICP's lift exceeds the
//!    single ICP's lift on that product by at least 20 %.
//! 2. **Abandon** when the candidate matches fewer accounts than the current
//!    ICP and the customers it stops targeting are economically bad: their
//!    NRR is below 90 % or at least 30 points below the kept customers'.
//! 3. **Narrow** when the candidate matches fewer accounts and the deals it
//!    keeps win more often (Wilson intervals not overlapping downward: its
//!    kept win rate's lower bound is above the current's kept win rate).
//! 4. **Expand** when the candidate matches more accounts, keeps more wins,
//!    and its kept win rate is at most 2 points below the current's.
//! 5. Otherwise **keep** the current ICP: the candidate does not change
//!    enough to be worth a rollout.

use super::WhatIf;
use serde::Serialize;

/// The four redefinition outcomes of seed 002, plus "keep".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Redefinition {
    /// Narrow to a sub-segment.
    Narrow,
    /// Expand to an adjacent segment.
    Expand,
    /// Split into one ICP per product.
    Split,
    /// Abandon a segment that the current ICP targets.
    Abandon,
    /// Keep the current ICP.
    Keep,
}

/// The decision and the figures behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeDecision {
    /// What to do.
    pub decision: Redefinition,
    /// Why, with the numbers.
    pub reason: String,
}

/// Per product: the single candidate ICP's lift on that product's deals and
/// the product's own ICP's lift.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProductLift {
    /// The product.
    pub product: String,
    /// Lift of the single ICP on this product.
    pub single: f64,
    /// Lift of the product's own ICP.
    pub own: f64,
}

/// Decide (see the module doc for the rules).
pub fn decide(
    current: &WhatIf,
    candidate: &WhatIf,
    per_product: &[ProductLift],
) -> OutcomeDecision {
    let better: Vec<&ProductLift> = per_product
        .iter()
        .filter(|p| p.own >= 1.2 * p.single && p.own.is_finite())
        .collect();
    if better.len() >= 2 {
        let list: Vec<String> = better
            .iter()
            .map(|p| format!("{} (lift {:.2}× vs {:.2}×)", p.product, p.own, p.single))
            .collect();
        return OutcomeDecision {
            decision: Redefinition::Split,
            reason: format!(
                "one ICP per product finds better accounts for {}",
                list.join(", ")
            ),
        };
    }
    let narrower = candidate.match_share < current.match_share;
    let gap = (candidate.nrr_kept - candidate.nrr_excluded) * 100.0;
    if narrower && (candidate.nrr_excluded < 0.9 || gap >= 30.0) {
        return OutcomeDecision {
            decision: Redefinition::Abandon,
            reason: format!(
                "the accounts the candidate stops targeting retain at {:.0}% NRR vs {:.0}% for those it keeps ({:+.0} points); \
                 it matches {:.1}% of accounts instead of {:.1}%",
                100.0 * candidate.nrr_excluded,
                100.0 * candidate.nrr_kept,
                -gap,
                100.0 * candidate.match_share,
                100.0 * current.match_share
            ),
        };
    }
    if narrower && candidate.win_rate_kept.lo > current.win_rate_kept.rate {
        return OutcomeDecision {
            decision: Redefinition::Narrow,
            reason: format!(
                "the candidate matches {:.1}% of accounts instead of {:.1}% and the deals it keeps win {:.1}% (95% CI {:.1}–{:.1}) vs {:.1}%",
                100.0 * candidate.match_share,
                100.0 * current.match_share,
                100.0 * candidate.win_rate_kept.rate,
                100.0 * candidate.win_rate_kept.lo,
                100.0 * candidate.win_rate_kept.hi,
                100.0 * current.win_rate_kept.rate
            ),
        };
    }
    if !narrower
        && candidate.wins_kept > current.wins_kept
        && candidate.win_rate_kept.rate >= current.win_rate_kept.rate - 0.02
    {
        return OutcomeDecision {
            decision: Redefinition::Expand,
            reason: format!(
                "the candidate keeps {} wins instead of {} at a win rate of {:.1}% vs {:.1}%",
                candidate.wins_kept,
                current.wins_kept,
                100.0 * candidate.win_rate_kept.rate,
                100.0 * current.win_rate_kept.rate
            ),
        };
    }
    OutcomeDecision {
        decision: Redefinition::Keep,
        reason: format!(
            "the candidate neither wins more often ({:.1}% vs {:.1}%) nor retains better; keep the current ICP",
            100.0 * candidate.win_rate_kept.rate,
            100.0 * current.win_rate_kept.rate
        ),
    }
}
