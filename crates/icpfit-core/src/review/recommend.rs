//! From evidence to decisions: the recommended ICP updates, lead-scoring
//! changes, qualification questions and the do-not-close list.
//!
//! Recommendations come, in this order of priority, from: the drafted
//! ICP's disqualifiers (churn and retention evidence), its must-haves that
//! the current ICP lacks, competitor-owned sub-segments, segments whose NRR
//! diverges downward by 30+ points (unless a disqualifier already covers
//! them), and new weighted criteria. At most five are kept; each carries
//! its threshold, evidence sentence, n and evidence level.

use crate::error::Result;
use crate::evidence::EvidenceLevel;
use crate::icp::{Criterion, Icp, Predicate, Section};
use crate::losses::CompetitorMatrix;
use crate::outcome::DealOutcome;
use crate::profile::SegmentTable;
use crate::score::{ScoreOptions, score};
use crate::table::{AccountTable, Column, format_number};
use serde::Serialize;

/// Most recommendations a review makes (seed 004: 3–5).
pub const MAX_RECOMMENDATIONS: usize = 5;

/// One recommended ICP update.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    /// What to do, with the threshold: "Disqualify accounts with employees < 50".
    pub action: String,
    /// The threshold or level set, as written in the ICP.
    pub threshold: String,
    /// Why, with the numbers.
    pub evidence: String,
    /// Accounts behind it.
    pub n: u64,
    /// Evidence level of `n`.
    pub level: EvidenceLevel,
    /// Where the evidence comes from.
    pub source: String,
}

/// One points change for lead scoring.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoringChange {
    /// The criterion, described.
    pub criterion: String,
    /// Points in the current ICP (none: not in it).
    pub before: Option<f64>,
    /// Points in the drafted ICP (none: removed).
    pub after: Option<f64>,
}

/// An open deal that meets a disqualifier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DoNotCloseAccount {
    /// Row in the table.
    pub row: usize,
    /// Account id (the id column), or the row number.
    pub id: String,
    /// The disqualifiers it meets.
    pub reasons: Vec<String>,
}

/// The do-not-close list: the disqualifiers and the open deals meeting them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DoNotClose {
    /// The disqualifying criteria, described.
    pub criteria: Vec<String>,
    /// Open deals disqualified by the drafted ICP.
    pub accounts: Vec<DoNotCloseAccount>,
    /// Open deals in all.
    pub open: usize,
}

fn threshold(c: &Criterion) -> String {
    format!("{} {}", c.column, c.predicate.phrase())
}

fn from_criterion(action: String, c: &Criterion, source: &str) -> Recommendation {
    let e = c.evidence.as_ref();
    Recommendation {
        action,
        threshold: threshold(c),
        evidence: e.and_then(|e| e.note.clone()).unwrap_or_default(),
        n: e.map_or(0, |e| e.n),
        level: e.map_or(EvidenceLevel::Hypothesis, |e| e.level),
        source: source.to_owned(),
    }
}

/// Whether `icp` has a criterion on the same column with the same predicate.
fn holds(icp: Option<&Icp>, c: &Criterion) -> bool {
    icp.is_some_and(|i| {
        i.criteria()
            .any(|(_, x)| x.column == c.column && x.predicate == c.predicate)
    })
}

/// The recommended updates (see the module doc for the order).
pub fn recommend(
    drafted: &Icp,
    current: Option<&Icp>,
    segments: &SegmentTable,
    competitors: Option<&CompetitorMatrix>,
) -> Vec<Recommendation> {
    let mut out = Vec::new();
    for c in drafted.negative.iter().filter(|c| !holds(current, c)) {
        let action = match &c.predicate {
            Predicate::Range(r) if r.min.is_none() && r.max.is_some() => format!(
                "Set a floor of {} on {}: disqualify accounts below it",
                format_number(r.max.unwrap_or_default()),
                c.column
            ),
            _ => format!("Disqualify accounts with {}", c.describe()),
        };
        out.push(from_criterion(action, c, "churn drivers"));
    }
    for c in drafted.primary.iter().filter(|c| !holds(current, c)) {
        out.push(from_criterion(
            format!("Make {} a must-have", c.describe()),
            c,
            "win drivers",
        ));
    }
    if let Some(m) = competitors {
        for o in m.owned.iter().filter(|o| o.confident) {
            out.push(Recommendation {
                action: format!(
                    "Qualify out or differentiate against {} in {}",
                    o.competitor, o.segment
                ),
                threshold: format!(
                    "{} = {}",
                    m.segment_column.clone().unwrap_or_default(),
                    o.segment
                ),
                evidence: format!(
                    "{} wins {} of {} contested deals there, {:.0}% (95% CI {:.0}–{:.0}%)",
                    o.competitor,
                    o.competitor_wins,
                    o.contested,
                    100.0 * o.share,
                    100.0 * o.share_ci.0,
                    100.0 * o.share_ci.1
                ),
                n: o.contested as u64,
                level: o.evidence,
                source: "competitor matrix".into(),
            });
        }
    }
    let covered = |level: &str| {
        drafted.negative.iter().any(|c| {
            c.column == segments.column
                && matches!(&c.predicate, Predicate::In(v) if v.iter().any(|x| x == level))
        })
    };
    for r in segments
        .rows
        .iter()
        .filter(|r| r.nrr_divergent && r.nrr_vs_rest < 0.0 && !covered(&r.segment))
    {
        out.push(Recommendation {
            action: format!("Stop prioritising {} = {}", segments.column, r.segment),
            threshold: format!("{} = {}", segments.column, r.segment),
            evidence: format!(
                "NRR {:.0}% (95% CI {:.0}–{:.0}%), {:.0} points below the other segments; churn {:.0}%",
                100.0 * r.nrr,
                100.0 * r.nrr_ci.0,
                100.0 * r.nrr_ci.1,
                -100.0 * r.nrr_vs_rest,
                100.0 * r.churn_rate
            ),
            n: r.customers as u64,
            level: r.evidence_nrr,
            source: "segment NRR".into(),
        });
    }
    for c in drafted.secondary.iter().filter(|c| !holds(current, c)) {
        out.push(from_criterion(
            format!("Score {} at {:+} points", c.describe(), c.points),
            c,
            "win drivers",
        ));
    }
    out.truncate(MAX_RECOMMENDATIONS);
    out
}

/// Points changes from the current ICP (if any) to the drafted one, matched
/// by column and predicate.
pub fn scoring_changes(current: Option<&Icp>, drafted: &Icp) -> Vec<ScoringChange> {
    let find = |icp: &Icp, c: &Criterion| {
        icp.criteria()
            .find(|(s, x)| {
                *s != Section::Negative && x.column == c.column && x.predicate == c.predicate
            })
            .map(|(_, x)| x.points)
    };
    let mut out: Vec<ScoringChange> = drafted
        .criteria()
        .filter(|(s, _)| *s != Section::Negative)
        .map(|(_, c)| ScoringChange {
            criterion: c.describe(),
            before: current.and_then(|i| find(i, c)),
            after: Some(c.points),
        })
        .filter(|s| s.before != s.after)
        .collect();
    if let Some(cur) = current {
        for (_, c) in cur.criteria().filter(|(s, _)| *s != Section::Negative) {
            if find(drafted, c).is_none() {
                out.push(ScoringChange {
                    criterion: c.describe(),
                    before: Some(c.points),
                    after: None,
                });
            }
        }
    }
    out
}

/// Discovery questions: one per must-have and per disqualifier.
pub fn qualification(icp: &Icp) -> Vec<String> {
    icp.primary
        .iter()
        .map(|c| {
            format!(
                "Must have: {}? If not, it is not an ICP account.",
                c.describe()
            )
        })
        .chain(
            icp.negative
                .iter()
                .map(|c| format!("Disqualifier: {}? If so, do not close.", c.describe())),
        )
        .collect()
}

/// Open deals (outcome open) that a disqualifier of `icp` catches.
pub fn do_not_close(
    icp: &Icp,
    table: &AccountTable,
    outcome: &[Option<DealOutcome>],
) -> Result<DoNotClose> {
    let scores = score(icp, table, &ScoreOptions::default())?;
    let id = table.schema().id_column().map(|f| f.name.clone());
    let id_col = id.as_deref().and_then(|c| table.column(c).ok());
    let mut accounts = Vec::new();
    let mut open = 0;
    for (i, o) in outcome.iter().enumerate() {
        if *o != Some(DealOutcome::Open) {
            continue;
        }
        open += 1;
        if scores.disqualified(i) {
            let reasons = scores
                .matched_criteria(i)?
                .into_iter()
                .filter(|c| c.section == Section::Negative)
                .map(|c| c.reason.clone())
                .collect();
            let id = match id_col {
                Some(Column::Text(t)) => t.get(i).unwrap_or_default().to_owned(),
                Some(c) => c.display_value(i).unwrap_or_default(),
                None => format!("row {i}"),
            };
            accounts.push(DoNotCloseAccount {
                row: i,
                id,
                reasons,
            });
        }
    }
    Ok(DoNotClose {
        criteria: icp.negative.iter().map(Criterion::describe).collect(),
        accounts,
        open,
    })
}
