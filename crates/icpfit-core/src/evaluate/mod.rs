//! Pressure tests of an ICP (seed 002, step 6), each computed from data:
//!
//! * [`pressure_test`]: lift of the ICP over a random sample ("100 of these
//!   vs 10 random"), precision / recall / F1 against a target cohort, the
//!   tier table with cumulative gains and lift, the decile gains curve, the
//!   AUC of the points, and whether the ICP is too broad;
//! * [`old_vs_new`]: the "are these still my ICP" test on recent losses —
//!   how many each ICP would have disqualified or tiered A/B, and which wins
//!   the new one would have missed;
//! * [`what_if`]: replaying a candidate ICP over the closed deals and
//!   customers of a window — wins, ACV and NRR kept vs excluded, pipeline
//!   coverage, share of accounts in tier A;
//! * [`holdout`]: draft on earlier quarters, pressure-test on later ones;
//! * [`decide`]: narrow / expand / split / abandon / keep, with the figures
//!   that decided it.
//!
//! "Matches the ICP" means a tier at least as good as
//! [`EvaluateOptions::match_through`] (default B) — primary criteria passed
//! (or the tier cap allows it) and no disqualifier.

mod decide;
mod replay;
mod scored;

pub use decide::{OutcomeDecision, ProductLift, Redefinition, decide};
pub use replay::{Columns, LossReplay, OldVsNew, WhatIf, old_vs_new, recent_quarters, what_if};
pub use scored::Scored;

use crate::error::{Error, Result};
use crate::evidence::EvidenceLevel;
use crate::icp::{Icp, Tier};
use crate::induce::{DraftOptions, draft};
use crate::rank::{EXCLUDED, Target};
use crate::stats::{rate_ratio, roc_auc_xy, wilson_interval};
use crate::table::AccountTable;
use serde::Serialize;

/// Options of the pressure tests. `Default` gives the documented defaults.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluateOptions {
    /// Worst tier that still counts as matching the ICP (default B).
    pub match_through: Tier,
    /// Confidence of every interval (default 0.95).
    pub confidence: f64,
    /// An ICP matching more than this share of the accounts is too broad (default 0.40).
    pub too_broad_share: f64,
}

impl Default for EvaluateOptions {
    fn default() -> Self {
        Self {
            match_through: Tier::B,
            confidence: 0.95,
            too_broad_share: 0.40,
        }
    }
}

/// A rate with its Wilson interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rate {
    /// Positives.
    pub positives: usize,
    /// Rows.
    pub n: usize,
    /// `positives / n` (NaN when `n = 0`).
    pub rate: f64,
    /// Wilson interval, lower end.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
}

impl Rate {
    fn new(positives: usize, n: usize, confidence: f64) -> Self {
        let (lo, hi) = if n > 0 {
            wilson_interval(positives as f64, n as f64, confidence).unwrap_or((f64::NAN, f64::NAN))
        } else {
            (f64::NAN, f64::NAN)
        };
        Self {
            positives,
            n,
            rate: if n > 0 {
                positives as f64 / n as f64
            } else {
                f64::NAN
            },
            lo,
            hi,
        }
    }
}

/// Lift of the ICP over a random account of the comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lift {
    /// Positive rate among accounts matching the ICP.
    pub matched: Rate,
    /// Positive rate among the others.
    pub unmatched: Rate,
    /// Positive rate of a random account of the comparison (all rows).
    pub random: Rate,
    /// `matched.rate / random.rate`.
    pub lift: f64,
    /// Matched vs unmatched rate ratio, Katz interval.
    pub ratio: f64,
    /// Lower end.
    pub ratio_lo: f64,
    /// Upper end.
    pub ratio_hi: f64,
    /// Seed 002's test: expected positives among 100 matching accounts…
    pub per_100_matching: f64,
    /// …and among 10 random ones.
    pub per_10_random: f64,
    /// Evidence level of the smaller of matched and unmatched.
    pub evidence: EvidenceLevel,
}

/// Precision, recall and F1 of "matches the ICP" as a classifier of the target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    /// Matching positives.
    pub true_positives: usize,
    /// Matching negatives.
    pub false_positives: usize,
    /// Non-matching positives.
    pub false_negatives: usize,
    /// `tp / (tp + fp)`.
    pub precision: f64,
    /// `tp / (tp + fn)`.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

/// One tier of the comparison with cumulative gains from tier A down.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierRow {
    /// The tier.
    pub tier: Tier,
    /// Its positive rate.
    pub rate: Rate,
    /// Share of the compared accounts in this tier or better.
    pub cumulative_accounts: f64,
    /// Share of the positives in this tier or better (the gains curve).
    pub cumulative_positives: f64,
    /// `cumulative_positives / cumulative_accounts` (the lift curve).
    pub cumulative_lift: f64,
}

/// One point of the cumulative gains curve by points rank.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GainsPoint {
    /// Share of compared accounts taken, best points first.
    pub accounts: f64,
    /// Share of positives among them.
    pub positives: f64,
    /// `positives / accounts`.
    pub lift: f64,
}

/// The result of [`pressure_test`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PressureTest {
    /// The ICP's name and version.
    pub icp: (String, String),
    /// The target's name.
    pub target: String,
    /// The target's verb ("win", "churn").
    pub verb: String,
    /// Lift over random.
    pub lift: Lift,
    /// The ICP as a classifier of the target.
    pub classification: Classification,
    /// Tiers A–D.
    pub tiers: Vec<TierRow>,
    /// Deciles of the gains curve.
    pub gains: Vec<GainsPoint>,
    /// AUC of the points for the target (ties ½).
    pub auc: f64,
    /// Share of all scored accounts (the whole table in scope) that match.
    pub match_share: f64,
    /// Share of all scored accounts in tier A.
    pub tier_a_share: f64,
    /// `match_share > too_broad_share`.
    pub too_broad: bool,
}

impl PressureTest {
    /// The "100 of these vs 10 random" sentence: "Of 100 accounts matching
    /// Core ICP, 71 win; of 10 random accounts, 4.1: lift 1.74× (…)".
    pub fn hundred_vs_ten(&self) -> String {
        format!(
            "Of 100 accounts matching {}, {:.0} {}; of 10 random accounts, {:.1}: lift {:.2}× (matched vs rest {:.2}×, 95% CI {:.2}–{:.2}, {})",
            self.icp.0,
            self.lift.per_100_matching,
            self.verb,
            self.lift.per_10_random,
            self.lift.lift,
            self.lift.ratio,
            self.lift.ratio_lo,
            self.lift.ratio_hi,
            self.lift.evidence
        )
    }
}

/// Pressure-test `icp` on `table` against `target` (positives = the
/// accounts the ICP should find: wins, best customers).
pub fn pressure_test(
    icp: &Icp,
    table: &AccountTable,
    target: &Target,
    opts: &EvaluateOptions,
) -> Result<PressureTest> {
    let scored = Scored::new(icp, table)?;
    pressure_test_scored(icp, &scored, target, opts)
}

/// [`pressure_test`] on scores already computed (one scoring, many tests).
pub fn pressure_test_scored(
    icp: &Icp,
    scored: &Scored,
    target: &Target,
    opts: &EvaluateOptions,
) -> Result<PressureTest> {
    let labels = target.labels();
    if labels.len() != scored.len() {
        return Err(Error::LengthMismatch {
            what: "target".into(),
            expected: scored.len(),
            found: labels.len(),
        });
    }
    let c = opts.confidence;
    let rows: Vec<usize> = (0..labels.len())
        .filter(|&i| labels[i] != EXCLUDED && scored.in_scope[i])
        .collect();
    let positives = rows.iter().filter(|&&i| labels[i] == 1).count();
    if positives == 0 || positives == rows.len() {
        return Err(Error::OneClass {
            target: target.name().to_owned(),
            class: if positives == 0 {
                "negative"
            } else {
                "positive"
            }
            .into(),
        });
    }
    let is_match = |i: usize| scored.tier[i] <= opts.match_through;
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut per_tier = [(0usize, 0usize); 4];
    for &i in &rows {
        let pos = usize::from(labels[i] == 1);
        if is_match(i) {
            tp += pos;
            fp += 1 - pos;
        }
        let t = &mut per_tier[scored.tier[i].index()];
        t.0 += pos;
        t.1 += 1;
    }
    let n = rows.len();
    let fn_ = positives - tp;
    let matched = Rate::new(tp, tp + fp, c);
    let unmatched = Rate::new(fn_, n - tp - fp, c);
    let random = Rate::new(positives, n, c);
    let rr = (matched.n > 0 && unmatched.n > 0)
        .then(|| {
            rate_ratio(
                tp as f64,
                matched.n as f64,
                fn_ as f64,
                unmatched.n as f64,
                c,
            )
            .ok()
        })
        .flatten();
    let lift = Lift {
        lift: matched.rate / random.rate,
        ratio: rr.as_ref().map_or(f64::NAN, |r| r.ratio),
        ratio_lo: rr.as_ref().map_or(f64::NAN, |r| r.lo),
        ratio_hi: rr.as_ref().map_or(f64::NAN, |r| r.hi),
        per_100_matching: 100.0 * matched.rate,
        per_10_random: 10.0 * random.rate,
        evidence: EvidenceLevel::from_n(matched.n.min(unmatched.n)),
        matched,
        unmatched,
        random,
    };
    let precision = if tp + fp > 0 {
        tp as f64 / (tp + fp) as f64
    } else {
        f64::NAN
    };
    let recall = tp as f64 / positives as f64;
    let classification = Classification {
        true_positives: tp,
        false_positives: fp,
        false_negatives: fn_,
        precision,
        recall,
        f1: if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        },
    };
    let (mut cum_n, mut cum_p) = (0usize, 0usize);
    let tiers = Tier::ALL
        .iter()
        .map(|&t| {
            let (p, m) = per_tier[t.index()];
            cum_n += m;
            cum_p += p;
            let accounts = cum_n as f64 / n as f64;
            let gained = cum_p as f64 / positives as f64;
            TierRow {
                tier: t,
                rate: Rate::new(p, m, c),
                cumulative_accounts: accounts,
                cumulative_positives: gained,
                cumulative_lift: if accounts > 0.0 {
                    gained / accounts
                } else {
                    f64::NAN
                },
            }
        })
        .collect();
    // Gains by points rank, best first; ties in row order (deterministic).
    let mut order = rows.clone();
    order.sort_by(|&a, &b| {
        scored.points[b]
            .total_cmp(&scored.points[a])
            .then(a.cmp(&b))
    });
    let gains = (1..=10)
        .map(|d| {
            let k = (n * d).div_ceil(10);
            let got = order[..k].iter().filter(|&&i| labels[i] == 1).count();
            let accounts = k as f64 / n as f64;
            let share = got as f64 / positives as f64;
            GainsPoint {
                accounts,
                positives: share,
                lift: share / accounts,
            }
        })
        .collect();
    let (pos_pts, neg_pts): (Vec<f64>, Vec<f64>) = {
        let mut p = Vec::with_capacity(positives);
        let mut q = Vec::with_capacity(n - positives);
        for &i in &rows {
            if labels[i] == 1 {
                p.push(scored.points[i])
            } else {
                q.push(scored.points[i])
            }
        }
        (p, q)
    };
    let auc = roc_auc_xy(&pos_pts, &neg_pts)?;
    let scope_n = scored.in_scope.iter().filter(|s| **s).count().max(1) as f64;
    let match_share = (0..scored.len())
        .filter(|&i| scored.in_scope[i] && is_match(i))
        .count() as f64
        / scope_n;
    let tier_a_share = (0..scored.len())
        .filter(|&i| scored.in_scope[i] && scored.tier[i] == Tier::A)
        .count() as f64
        / scope_n;
    Ok(PressureTest {
        icp: (icp.name.clone(), icp.version.clone()),
        target: target.name().to_owned(),
        verb: target.verb().to_owned(),
        lift,
        classification,
        tiers,
        gains,
        auc,
        match_share,
        tier_a_share,
        too_broad: match_share > opts.too_broad_share,
    })
}

/// A time holdout: the ICP drafted on deals closed before `split` (days
/// since 1970-01-01), pressure-tested on deals closed on or after it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Holdout {
    /// Split date (ISO).
    pub split: String,
    /// Compared rows before / after the split.
    pub train_rows: usize,
    /// Compared rows on or after the split.
    pub test_rows: usize,
    /// The ICP drafted on the earlier rows.
    pub icp: Icp,
    /// Its pressure test on the later rows.
    pub test: PressureTest,
}

/// Draft on the rows of `fit` (and `risk`) closed before `split`, test on
/// those closed on or after it (`date_column`: a date column).
pub fn holdout(
    table: &AccountTable,
    date_column: &str,
    split: i32,
    fit: &Target,
    risk: Option<&Target>,
    draft_opts: &DraftOptions,
    opts: &EvaluateOptions,
) -> Result<Holdout> {
    let dates = table.date(date_column)?;
    let part = |t: &Target, before: bool| -> Result<Target> {
        let labels: Vec<Option<bool>> = t
            .labels()
            .iter()
            .zip(dates)
            .map(|(&l, &d)| {
                let keep = d != crate::table::DATE_MISSING && (d < split) == before;
                (keep && l != EXCLUDED).then_some(l == 1)
            })
            .collect();
        Target::from_labels(&labels, t.name(), t.verb())
    };
    let train_fit = part(fit, true)?;
    let test_fit = part(fit, false)?;
    let train_risk = risk.map(|r| part(r, true)).transpose()?;
    let drafted = draft(table, &train_fit, train_risk.as_ref(), draft_opts)?;
    let test = pressure_test(&drafted.icp, table, &test_fit, opts)?;
    let count = |t: &Target| t.labels().iter().filter(|l| **l != EXCLUDED).count();
    Ok(Holdout {
        split: crate::table::date::format_iso(split),
        train_rows: count(&train_fit),
        test_rows: count(&test_fit),
        icp: drafted.icp,
        test,
    })
}

#[cfg(test)]
mod tests;
