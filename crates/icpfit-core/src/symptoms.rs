//! The ICP symptom check of seed 002: the signs that an ICP needs
//! redefining, each measured when the data allows and otherwise reported as
//! *not measurable from this data* with the reason.
//!
//! | symptom | measured as | present when |
//! |---|---|---|
//! | [`SymptomKind::NrrSpread`] | best minus worst segment NRR over the given segment tables ([`SegmentTable::nrr_spread`], segments with enough customers) | ≥ 30 points in some table |
//! | [`SymptomKind::RepDisagreement`] | reps' ICP labels (a flag, yes/no or tier column) against the written ICP (tier A/B = ICP), Cohen's κ | κ < 0.6 (less than substantial agreement) |
//! | [`SymptomKind::DecliningConversion`] | win rate (won / closed) by close quarter, Cochran–Armitage trend test ([`proportion_trend`]); the only funnel stage a closed-deal export has (MQL → SQL → opportunity are not in it) | at least 4 quarters, falling slope, one-sided p < 0.05 |
//! | [`SymptomKind::StaleIcp`] | whole calendar months from the ICP's `date` to the as-of date | ≥ 18 months |
//! | [`SymptomKind::PoorWinBack`] | churned customers who bought again (a win-back flag column) / churned customers | < 5 % |
//! | [`SymptomKind::Overrides`] | wins outside tier A/B or failing a primary criterion / wins in the ICP's scope | > 10 % (a routine override, seed 002's "founder routinely steps in") |
//!
//! Thresholds are options ([`SymptomOptions`]).

use crate::cohort::Quarter;
use crate::error::{Error, Result};
use crate::evidence::EvidenceLevel;
use crate::icp::{Icp, Tier};
use crate::outcome::{DealOutcome, OutcomeMap, parse_column};
use crate::profile::SegmentTable;
use crate::score::FitScores;
use crate::stats::{Contingency, cohen_kappa, proportion_trend};
use crate::table::date::{civil_from_days, parse_iso};
use crate::table::{AccountTable, Column, DATE_MISSING, FLAG_MISSING, MISSING_CODE};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The six symptoms of seed 002.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SymptomKind {
    /// Cohort retention divergence: NRR 30+ points apart across segments.
    NrrSpread,
    /// Reps' ICP labels disagree with the written ICP.
    RepDisagreement,
    /// Funnel conversion (win rate) declining quarter over quarter.
    DecliningConversion,
    /// ICP document older than 18 months.
    StaleIcp,
    /// Win-back rate below 5 %.
    PoorWinBack,
    /// Deals closed despite failing the ICP (overrides).
    Overrides,
}

impl SymptomKind {
    /// All symptoms, in report order.
    pub const ALL: [Self; 6] = [
        Self::NrrSpread,
        Self::RepDisagreement,
        Self::DecliningConversion,
        Self::StaleIcp,
        Self::PoorWinBack,
        Self::Overrides,
    ];
    /// Seed 002's wording.
    pub fn title(self) -> &'static str {
        match self {
            Self::NrrSpread => "NRR spread across segments of 30+ points",
            Self::RepDisagreement => "reps' ICP labels disagree with the written ICP",
            Self::DecliningConversion => "funnel conversion declining quarter over quarter",
            Self::StaleIcp => "ICP document older than 18 months",
            Self::PoorWinBack => "win-back rate below 5 %",
            Self::Overrides => "deals closed despite failing the ICP (overrides)",
        }
    }
}

/// Whether a symptom shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SymptomStatus {
    /// Measured and present.
    Present,
    /// Measured and absent.
    Absent,
    /// Not measurable from this data.
    NotMeasurable,
}

/// One symptom's finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Symptom {
    /// Which symptom.
    pub kind: SymptomKind,
    /// Present, absent or not measurable.
    pub status: SymptomStatus,
    /// The measured value (NaN when not measurable): points, κ, slope,
    /// months, a rate, a share.
    pub value: f64,
    /// The threshold it is compared with.
    pub threshold: f64,
    /// What was found, or why it cannot be measured, in one or two
    /// sentences.
    pub finding: String,
    /// Accounts behind the measurement (0 when not measurable).
    pub n: usize,
    /// Evidence level of `n`.
    pub evidence: EvidenceLevel,
}

impl Symptom {
    fn not_measurable(kind: SymptomKind, threshold: f64, why: impl Into<String>) -> Self {
        Self {
            kind,
            status: SymptomStatus::NotMeasurable,
            value: f64::NAN,
            threshold,
            finding: format!("not measurable from this data: {}", why.into()),
            n: 0,
            evidence: EvidenceLevel::Hypothesis,
        }
    }
    fn measured(
        kind: SymptomKind,
        present: bool,
        value: f64,
        threshold: f64,
        finding: String,
        n: usize,
    ) -> Self {
        Self {
            kind,
            status: if present {
                SymptomStatus::Present
            } else {
                SymptomStatus::Absent
            },
            value,
            threshold,
            finding,
            n,
            evidence: EvidenceLevel::from_n(n),
        }
    }
}

/// Columns and thresholds of the check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SymptomOptions {
    /// Deal-outcome column (default `outcome`).
    pub outcome: String,
    /// Close-date column (default `close_date`).
    pub close_date: Option<String>,
    /// Reps' ICP label column (default `rep_icp_label`; a flag, yes/no
    /// values, or tiers A–D).
    pub rep_label: Option<String>,
    /// Win-back flag column: a churned customer who bought again (default
    /// `won_back`).
    pub win_back: Option<String>,
    /// Current-ARR column, to find churned customers (default
    /// `current_arr`; churned = 0).
    pub current_arr: Option<String>,
    /// NRR spread that flags (default 0.30).
    pub nrr_gap: f64,
    /// κ below which reps disagree (default 0.6).
    pub min_kappa: f64,
    /// Quarters needed to call a decline (default 4).
    pub min_quarters: usize,
    /// One-sided significance of the decline (default 0.05).
    pub alpha: f64,
    /// Months after which the ICP is stale (default 18).
    pub max_icp_age_months: u32,
    /// Win-back rate below which it is poor (default 0.05).
    pub min_win_back: f64,
    /// Override share above which overrides are routine (default 0.10).
    pub max_override_share: f64,
}

impl Default for SymptomOptions {
    fn default() -> Self {
        Self {
            outcome: "outcome".into(),
            close_date: Some("close_date".into()),
            rep_label: Some("rep_icp_label".into()),
            win_back: Some("won_back".into()),
            current_arr: Some("current_arr".into()),
            nrr_gap: 0.30,
            min_kappa: 0.6,
            min_quarters: 4,
            alpha: 0.05,
            max_icp_age_months: 18,
            min_win_back: 0.05,
            max_override_share: 0.10,
        }
    }
}

/// What the check looks at besides the table.
#[derive(Debug, Clone, Copy)]
pub struct SymptomInputs<'a> {
    /// Segment tables (industry, size, source, …) for the NRR spread.
    pub segment_tables: &'a [SegmentTable],
    /// The written ICP (its `date` for the age).
    pub icp: Option<&'a Icp>,
    /// Fit scores of the table against it (for rep labels and overrides).
    pub scores: Option<&'a FitScores>,
    /// The as-of date (days since 1970-01-01) for the ICP's age.
    pub as_of: Option<i32>,
}

/// The six findings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SymptomCheck {
    /// One per symptom, in [`SymptomKind::ALL`] order.
    pub symptoms: Vec<Symptom>,
}

impl SymptomCheck {
    /// The finding of one symptom.
    pub fn get(&self, kind: SymptomKind) -> &Symptom {
        // ok: every kind is checked, in ALL order.
        self.symptoms
            .iter()
            .find(|s| s.kind == kind)
            .expect("every symptom is checked")
    }
    /// The symptoms present.
    pub fn present(&self) -> Vec<&Symptom> {
        self.symptoms
            .iter()
            .filter(|s| s.status == SymptomStatus::Present)
            .collect()
    }
}

impl fmt::Display for SymptomCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.symptoms {
            let mark = match s.status {
                SymptomStatus::Present => "PRESENT",
                SymptomStatus::Absent => "absent",
                SymptomStatus::NotMeasurable => "n/m",
            };
            writeln!(f, "[{mark:>7}] {}: {}", s.kind.title(), s.finding)?;
        }
        Ok(())
    }
}

/// Whole calendar months from `from` to `to` (days since 1970-01-01);
/// negative when `to` is earlier.
pub fn months_between(from: i32, to: i32) -> i32 {
    let (y1, m1, d1) = civil_from_days(from);
    let (y2, m2, d2) = civil_from_days(to);
    let mut months = (y2 - y1) * 12 + (m2 as i32 - m1 as i32);
    if to >= from && d2 < d1 {
        months -= 1;
    } else if to < from && d2 > d1 {
        months += 1;
    }
    months
}

/// Runs the check (see the module doc). A symptom whose inputs are absent
/// is not measurable, never an error.
///
/// # Errors
/// Invalid thresholds; an unknown outcome value; a named column of the
/// wrong kind; scores of another length than the table.
pub fn check_symptoms(
    table: &AccountTable,
    inputs: &SymptomInputs<'_>,
    opts: &SymptomOptions,
) -> Result<SymptomCheck> {
    if !(opts.alpha > 0.0 && opts.alpha < 1.0) {
        return Err(Error::invalid(
            "alpha",
            format!("{} must lie in (0, 1)", opts.alpha),
        ));
    }
    if opts.min_quarters < 2 {
        return Err(Error::invalid(
            "min_quarters",
            "at least 2 quarters make a trend",
        ));
    }
    if let Some(s) = inputs.scores
        && s.len() != table.n_rows()
    {
        return Err(Error::LengthMismatch {
            what: "fit scores".into(),
            expected: table.n_rows(),
            found: s.len(),
        });
    }
    fn has<'c>(table: &AccountTable, c: &'c Option<String>) -> Option<&'c str> {
        c.as_deref().filter(|c| table.schema().index_of(c).is_ok())
    }
    let outcome = if table.schema().index_of(&opts.outcome).is_ok() {
        Some(parse_column(
            table,
            &opts.outcome,
            &OutcomeMap::<DealOutcome>::new(),
        )?)
    } else {
        None
    };
    let symptoms = vec![
        nrr_spread(inputs.segment_tables, opts),
        rep_disagreement(table, inputs.scores, has(table, &opts.rep_label), opts)?,
        declining_conversion(
            table,
            outcome.as_deref(),
            has(table, &opts.close_date),
            opts,
        )?,
        stale_icp(inputs.icp, inputs.as_of, opts),
        poor_win_back(
            table,
            has(table, &opts.win_back),
            has(table, &opts.current_arr),
            opts,
        )?,
        overrides(inputs.scores, outcome.as_deref(), opts),
    ];
    Ok(SymptomCheck { symptoms })
}

fn pct(x: f64) -> String {
    format!("{:.1} %", x * 100.0)
}

fn nrr_spread(tables: &[SegmentTable], opts: &SymptomOptions) -> Symptom {
    let k = SymptomKind::NrrSpread;
    let best = tables
        .iter()
        .filter(|t| !t.nrr_spread.is_nan())
        .max_by(|a, b| a.nrr_spread.total_cmp(&b.nrr_spread));
    let Some(t) = best else {
        return Symptom::not_measurable(
            k,
            opts.nrr_gap,
            if tables.is_empty() {
                "no segment table was given (needs starting and current ARR by segment)"
            } else {
                "no segmentation has two segments with enough customers for an NRR"
            },
        );
    };
    let n: usize = t.rows.iter().map(|r| r.customers).sum();
    let present = t.nrr_spread >= opts.nrr_gap - 1e-12;
    Symptom::measured(
        k,
        present,
        t.nrr_spread,
        opts.nrr_gap,
        format!(
            "by {}: best segment {} vs worst {} differ by {:.1} NRR points{}",
            t.column,
            t.best_nrr_segment.as_deref().unwrap_or("-"),
            t.worst_nrr_segment.as_deref().unwrap_or("-"),
            t.nrr_spread * 100.0,
            if present {
                "; the ICP is too broad"
            } else {
                ""
            }
        ),
        n,
    )
}

/// A rep label as "ICP" (true) / "not ICP" (false) / unknown.
fn rep_labels(table: &AccountTable, column: &str) -> Result<Vec<Option<bool>>> {
    Ok(match table.column(column)? {
        Column::Flag(f) => f
            .iter()
            .map(|&v| (v != FLAG_MISSING).then_some(v == 1))
            .collect(),
        Column::Categorical(c) => {
            let read: Vec<Option<bool>> = c
                .levels()
                .iter()
                .map(|l| {
                    let k: String = l
                        .chars()
                        .filter(|c| c.is_alphanumeric())
                        .flat_map(char::to_lowercase)
                        .collect();
                    match k.as_str() {
                        "yes" | "y" | "true" | "1" | "icp" | "fit" | "a" | "b" | "tiera"
                        | "tierb" | "inicp" => Some(true),
                        "no" | "n" | "false" | "0" | "noticp" | "nonicp" | "nofit" | "notfit"
                        | "c" | "d" | "tierc" | "tierd" | "outsideicp" => Some(false),
                        _ => None,
                    }
                })
                .collect();
            c.codes()
                .iter()
                .map(|&code| {
                    if code == MISSING_CODE {
                        None
                    } else {
                        read[code as usize]
                    }
                })
                .collect()
        }
        other => {
            return Err(Error::WrongKind {
                column: column.to_owned(),
                expected: "flag or categorical (yes/no, ICP/not ICP, tier A–D)".into(),
                found: other.kind().to_string(),
            });
        }
    })
}

fn rep_disagreement(
    table: &AccountTable,
    scores: Option<&FitScores>,
    column: Option<&str>,
    opts: &SymptomOptions,
) -> Result<Symptom> {
    let k = SymptomKind::RepDisagreement;
    let Some(column) = column else {
        return Ok(Symptom::not_measurable(
            k,
            opts.min_kappa,
            "no column of reps' ICP labels (e.g. `rep_icp_label`: the rep's own call on each account)",
        ));
    };
    let Some(scores) = scores else {
        return Ok(Symptom::not_measurable(
            k,
            opts.min_kappa,
            "no fit scores against the written ICP to compare the reps' labels with",
        ));
    };
    let labels = rep_labels(table, column)?;
    let mut cells = [0.0f64; 4];
    for (i, l) in labels.iter().enumerate() {
        if let (Some(rep), Some(t)) = (l, scores.tier(i)) {
            let icp = matches!(t, Tier::A | Tier::B);
            cells[usize::from(*rep) * 2 + usize::from(icp)] += 1.0;
        }
    }
    let n = cells.iter().sum::<f64>() as usize;
    if n == 0 {
        return Ok(Symptom::not_measurable(
            k,
            opts.min_kappa,
            format!("`{column}` has no readable label on a scored account"),
        ));
    }
    let kappa = cohen_kappa(&Contingency::from_cells(2, 2, cells.to_vec())?)?;
    let agree = (cells[0] + cells[3]) / n as f64;
    let present = kappa.is_nan() || kappa < opts.min_kappa;
    Ok(Symptom::measured(
        k,
        present,
        kappa,
        opts.min_kappa,
        format!(
            "reps' labels in `{column}` agree with the written ICP (tier A/B) on {} of {n} accounts, Cohen's κ {:.2}{}",
            pct(agree),
            kappa,
            if present {
                ": the ICP is not operationalised"
            } else {
                ""
            }
        ),
        n,
    ))
}

fn declining_conversion(
    table: &AccountTable,
    outcome: Option<&[Option<DealOutcome>]>,
    close: Option<&str>,
    opts: &SymptomOptions,
) -> Result<Symptom> {
    let k = SymptomKind::DecliningConversion;
    let (Some(outcome), Some(close)) = (outcome, close) else {
        return Ok(Symptom::not_measurable(
            k,
            opts.alpha,
            "needs a deal-outcome and a close-date column",
        ));
    };
    let dates = table.date(close)?;
    let mut by: std::collections::BTreeMap<Quarter, (f64, f64)> = Default::default();
    for (d, o) in dates.iter().zip(outcome) {
        if *d == DATE_MISSING {
            continue;
        }
        let won = match o {
            Some(DealOutcome::Won) => 1.0,
            Some(DealOutcome::Lost | DealOutcome::NoDecision) => 0.0,
            _ => continue,
        };
        let e = by.entry(Quarter::of_day(*d)).or_insert((0.0, 0.0));
        e.0 += won;
        e.1 += 1.0;
    }
    let q = by.len();
    if q < opts.min_quarters {
        return Ok(Symptom::not_measurable(
            k,
            opts.alpha,
            format!(
                "closed deals span {q} close quarter(s); a decline needs {}",
                opts.min_quarters
            ),
        ));
    }
    // Scores: quarters since the first one (gaps kept).
    let first = by.keys().next().copied().unwrap_or(Quarter {
        year: 0,
        quarter: 1,
    });
    let idx = |x: &Quarter| {
        f64::from((x.year - first.year) * 4 + i32::from(x.quarter) - i32::from(first.quarter))
    };
    let scores: Vec<f64> = by.keys().map(idx).collect();
    let won: Vec<f64> = by.values().map(|v| v.0).collect();
    let total: Vec<f64> = by.values().map(|v| v.1).collect();
    let t = proportion_trend(&won, &total, &scores)?;
    let n = total.iter().sum::<f64>() as usize;
    let rate = |j: usize| won[j] / total[j];
    let present = t.slope < 0.0 && t.p_decreasing < opts.alpha;
    let (fq, lq) = (by.keys().next(), by.keys().next_back());
    Ok(Symptom::measured(
        k,
        present,
        t.slope,
        opts.alpha,
        format!(
            "win rate by close quarter from {} ({}) to {} ({}) over {q} quarters: {:+.1} points a quarter, trend p = {:.3} (one-sided, falling){}; only the closed-deal stage is in the data (MQL → SQL → opportunity conversion is not measurable)",
            fq.map(Quarter::to_string).unwrap_or_default(),
            pct(rate(0)),
            lq.map(Quarter::to_string).unwrap_or_default(),
            pct(rate(q - 1)),
            t.slope * 100.0,
            t.p_decreasing,
            if present {
                ": conversion is declining"
            } else {
                ""
            }
        ),
        n,
    ))
}

fn stale_icp(icp: Option<&Icp>, as_of: Option<i32>, opts: &SymptomOptions) -> Symptom {
    let k = SymptomKind::StaleIcp;
    let threshold = f64::from(opts.max_icp_age_months);
    let Some(icp) = icp else {
        return Symptom::not_measurable(k, threshold, "no written ICP was given");
    };
    let Some(date) = icp.date.as_deref() else {
        return Symptom::not_measurable(
            k,
            threshold,
            format!("ICP `{}` v{} carries no date", icp.name, icp.version),
        );
    };
    let Some(day) = parse_iso(date) else {
        return Symptom::not_measurable(
            k,
            threshold,
            format!("ICP date `{date}` is not an ISO date"),
        );
    };
    let Some(as_of) = as_of else {
        return Symptom::not_measurable(k, threshold, "no as-of date to age the ICP against");
    };
    let months = months_between(day, as_of);
    let present = months >= opts.max_icp_age_months as i32;
    Symptom {
        kind: k,
        status: if present {
            SymptomStatus::Present
        } else {
            SymptomStatus::Absent
        },
        value: f64::from(months),
        threshold,
        finding: format!(
            "ICP `{}` v{} dated {date} is {months} months old at {}{}",
            icp.name,
            icp.version,
            crate::table::date::format_iso(as_of),
            if present { ": re-examine it" } else { "" }
        ),
        n: 0,
        evidence: EvidenceLevel::CohortAnalysis,
    }
}

fn poor_win_back(
    table: &AccountTable,
    column: Option<&str>,
    current: Option<&str>,
    opts: &SymptomOptions,
) -> Result<Symptom> {
    let k = SymptomKind::PoorWinBack;
    let Some(column) = column else {
        return Ok(Symptom::not_measurable(
            k,
            opts.min_win_back,
            "no win-back record (a flag on churned customers who bought again, e.g. `won_back`); the export keeps one row per account and no re-purchase",
        ));
    };
    let flag = table.flag(column)?;
    let cur = current.map(|c| table.numeric(c)).transpose()?;
    let (mut churned, mut back) = (0usize, 0usize);
    for i in 0..table.n_rows() {
        let is_churned = match cur {
            Some(c) => c[i] == 0.0,
            None => flag[i] != FLAG_MISSING,
        };
        if is_churned && flag[i] != FLAG_MISSING {
            churned += 1;
            back += usize::from(flag[i] == 1);
        }
    }
    if churned == 0 {
        return Ok(Symptom::not_measurable(
            k,
            opts.min_win_back,
            format!("no churned customer has a `{column}` value"),
        ));
    }
    let rate = back as f64 / churned as f64;
    let present = rate < opts.min_win_back;
    Ok(Symptom::measured(
        k,
        present,
        rate,
        opts.min_win_back,
        format!(
            "{back} of {churned} churned customers were won back ({}){}",
            pct(rate),
            if present {
                ": the original ICP fit may have been weak"
            } else {
                ""
            }
        ),
        churned,
    ))
}

fn overrides(
    scores: Option<&FitScores>,
    outcome: Option<&[Option<DealOutcome>]>,
    opts: &SymptomOptions,
) -> Symptom {
    let k = SymptomKind::Overrides;
    let (Some(scores), Some(outcome)) = (scores, outcome) else {
        return Symptom::not_measurable(
            k,
            opts.max_override_share,
            "needs fit scores against the written ICP and a deal-outcome column",
        );
    };
    let (mut wins, mut over) = (0usize, 0usize);
    for (i, o) in outcome.iter().enumerate() {
        if *o != Some(DealOutcome::Won) {
            continue;
        }
        let Some(t) = scores.tier(i) else { continue };
        wins += 1;
        over += usize::from(matches!(t, Tier::C | Tier::D) || !scores.primary_pass(i));
    }
    if wins == 0 {
        return Symptom::not_measurable(
            k,
            opts.max_override_share,
            "no won deal in the ICP's scope",
        );
    }
    let share = over as f64 / wins as f64;
    let present = share > opts.max_override_share;
    Symptom::measured(
        k,
        present,
        share,
        opts.max_override_share,
        format!(
            "{over} of {wins} wins ({}) closed outside tier A/B or failing a must-have of ICP `{}` v{}{}",
            pct(share),
            scores.icp_name(),
            scores.icp_version(),
            if present {
                ": the working ICP is whatever gets overridden, not the written one"
            } else {
                ""
            }
        ),
        wins,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cohort::{SegmentBy, Segmentation};
    use crate::icp::{Criterion, Predicate, Range, Tiers};
    use crate::profile::SegmentMetrics;
    use crate::score::{ScoreOptions, score};
    use crate::synth::{SynthConfig, generate};
    use crate::table::CsvOptions;

    fn icp() -> Icp {
        let mut icp = Icp::new("t", "1")
            .primary(
                Criterion::new(
                    "big",
                    "size",
                    Predicate::Range(Range::closed(Some(10.0), None)),
                )
                .points(60.0),
            )
            .tiers(Tiers {
                a: 60.0,
                b: 50.0,
                c: 20.0,
                ..Tiers::default()
            });
        icp.date = Some("2024-03-15".into());
        icp
    }

    /// Win rate 80 %, 60 %, 40 %, 20 % over four quarters (10 deals each);
    /// reps label by size ≥ 5 (disagreeing on sizes 5–9); churned
    /// customers with a win-back flag.
    fn table() -> AccountTable {
        let mut csv = String::from(
            "account_id,size,industry,outcome,close_date,rep_icp_label,start_arr,current_arr,won_back\n",
        );
        for (q, month) in ["01", "04", "07", "10"].iter().enumerate() {
            let wins = 8 - 2 * q;
            for k in 0..10 {
                let size = (k * 2 + q) % 20;
                let o = if k < wins { "won" } else { "lost" };
                let label = if size >= 5 { "yes" } else { "no" };
                let ind = if k % 2 == 0 { "a" } else { "b" };
                let (s, c, wb) = if o == "won" {
                    let c = if ind == "a" {
                        150
                    } else if k == 1 {
                        0
                    } else {
                        100
                    };
                    (
                        "100".to_owned(),
                        c.to_string(),
                        if c == 0 { "true" } else { "false" },
                    )
                } else {
                    (String::new(), String::new(), "")
                };
                csv.push_str(&format!(
                    "q{q}k{k},{size},{ind},{o},2025-{month}-1{k},{label},{s},{c},{wb}\n"
                ));
            }
        }
        AccountTable::from_csv_reader(csv.as_bytes(), &CsvOptions::default()).unwrap()
    }

    #[test]
    fn every_symptom_measured_by_hand() {
        let t = table();
        let icp = icp();
        let s = score(&icp, &t, &ScoreOptions::default()).unwrap();
        let seg = Segmentation::new(&t, "industry", &SegmentBy::Levels).unwrap();
        let st = SegmentTable::new(
            &t,
            &seg,
            &SegmentMetrics {
                min_customers: 2,
                ..SegmentMetrics::for_table(&t)
            },
        )
        .unwrap();
        let tables = [st];
        let inputs = SymptomInputs {
            segment_tables: &tables,
            icp: Some(&icp),
            scores: Some(&s),
            as_of: parse_iso("2025-12-31"),
        };
        let c = check_symptoms(&t, &inputs, &SymptomOptions::default()).unwrap();
        assert_eq!(c.symptoms.len(), 6);
        // NRR: a 1.5, b < 1: spread ≥ 50 points.
        let nrr = c.get(SymptomKind::NrrSpread);
        assert_eq!(nrr.status, SymptomStatus::Present);
        assert!(nrr.value >= 0.5, "{nrr:?}");
        // Reps: yes for size ≥ 5, the ICP says size ≥ 10.
        let reps = c.get(SymptomKind::RepDisagreement);
        assert_eq!(reps.n, 40);
        assert_eq!(reps.status, SymptomStatus::Present, "{reps:?}");
        // Falling win rate.
        let conv = c.get(SymptomKind::DecliningConversion);
        assert_eq!(conv.status, SymptomStatus::Present, "{conv:?}");
        assert!(
            (conv.value + 0.2).abs() < 1e-12,
            "slope −20 points a quarter"
        );
        assert!(conv.finding.contains("MQL"));
        // ICP of 2024-03-15 at 2025-12-31: 21 months.
        let age = c.get(SymptomKind::StaleIcp);
        assert_eq!((age.status, age.value), (SymptomStatus::Present, 21.0));
        // Win-back: the churned customers all came back.
        let wb = c.get(SymptomKind::PoorWinBack);
        assert_eq!(wb.status, SymptomStatus::Absent, "{wb:?}");
        assert_eq!(wb.value, 1.0);
        // Overrides: wins with size < 10.
        let ov = c.get(SymptomKind::Overrides);
        assert_eq!(ov.n, 20);
        assert_eq!(ov.status, SymptomStatus::Present, "{ov:?}");
        assert!(c.present().len() >= 4);
        assert!(c.to_string().contains("PRESENT"));
    }

    #[test]
    fn missing_inputs_are_not_measurable_never_errors() {
        let t = AccountTable::from_csv_reader(
            &b"id,outcome\na,won\nb,lost\n"[..],
            &CsvOptions::default(),
        )
        .unwrap();
        let inputs = SymptomInputs {
            segment_tables: &[],
            icp: None,
            scores: None,
            as_of: None,
        };
        let c = check_symptoms(&t, &inputs, &SymptomOptions::default()).unwrap();
        for s in &c.symptoms {
            assert_eq!(s.status, SymptomStatus::NotMeasurable, "{s:?}");
            assert!(s.finding.starts_with("not measurable from this data"));
            assert!(s.value.is_nan());
        }
        // Undated ICP; an as-of date before it.
        let mut undated = icp();
        undated.date = None;
        let i2 = SymptomInputs {
            icp: Some(&undated),
            as_of: Some(0),
            ..inputs
        };
        let c = check_symptoms(&t, &i2, &SymptomOptions::default()).unwrap();
        assert!(c.get(SymptomKind::StaleIcp).finding.contains("no date"));
        let bad = SymptomOptions {
            alpha: 0.0,
            ..Default::default()
        };
        assert!(check_symptoms(&t, &inputs, &bad).is_err());
        assert_eq!(
            months_between(
                parse_iso("2024-03-15").unwrap(),
                parse_iso("2024-04-14").unwrap()
            ),
            0
        );
        assert_eq!(
            months_between(
                parse_iso("2024-03-15").unwrap(),
                parse_iso("2024-04-15").unwrap()
            ),
            1
        );
        assert_eq!(
            months_between(
                parse_iso("2024-04-15").unwrap(),
                parse_iso("2024-03-15").unwrap()
            ),
            -1
        );
    }

    /// On the synthetic data: the education NRR gap shows (planted 75.8 % vs
    /// 109.7 % elsewhere), the win rate has no planted trend, the bundled
    /// current ICP (dated 2025-01-15) is 20 months old at the end of
    /// 2026-Q3, overrides are measurable against it, reps' labels and
    /// win-backs are not in the export.
    #[test]
    fn synthetic_symptoms() {
        let s = generate(&SynthConfig::new(40_000, 21)).unwrap();
        let t = &s.table;
        let current =
            Icp::from_json(include_str!("../../../examples/data/current_icp.json")).unwrap();
        let scores = score(&current, t, &ScoreOptions::default()).unwrap();
        let seg = Segmentation::new(t, "industry", &SegmentBy::Levels).unwrap();
        let tables = [SegmentTable::new(t, &seg, &SegmentMetrics::for_table(t)).unwrap()];
        let inputs = SymptomInputs {
            segment_tables: &tables,
            icp: Some(&current),
            scores: Some(&scores),
            as_of: parse_iso("2026-09-30"),
        };
        let c = check_symptoms(t, &inputs, &SymptomOptions::default()).unwrap();
        let nrr = c.get(SymptomKind::NrrSpread);
        assert_eq!(nrr.status, SymptomStatus::Present);
        assert!(nrr.finding.contains("education"), "{}", nrr.finding);
        assert_eq!(
            c.get(SymptomKind::RepDisagreement).status,
            SymptomStatus::NotMeasurable
        );
        assert_eq!(
            c.get(SymptomKind::PoorWinBack).status,
            SymptomStatus::NotMeasurable
        );
        let conv = c.get(SymptomKind::DecliningConversion);
        assert_eq!(conv.status, SymptomStatus::Absent, "{conv:?}");
        let age = c.get(SymptomKind::StaleIcp);
        assert_eq!((age.status, age.value), (SymptomStatus::Present, 20.0));
        let ov = c.get(SymptomKind::Overrides);
        assert_ne!(ov.status, SymptomStatus::NotMeasurable);
        assert!(ov.value > 0.0 && ov.value < 1.0);
    }
}
