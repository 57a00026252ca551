//! The quarterly ICP review (seed 004): one call assembles the evidence —
//! customer quality and cohorts, the win/loss and best/problematic profiles,
//! NRR by segment, what separates wins and churn, the drafted ICP with its
//! recital and pressure tests, loss types and the competitor matrix, along
//! with win/loss and churn interview themes when notes are supplied — and
//! turns it into decisions: 3–5 recommended ICP updates with thresholds and
//! evidence, lead-scoring changes, qualification questions, a do-not-close
//! list of open deals, the ICP diff and its changelog entry, and
//! implemented-change tracking.
//!
//! A [`Review`] is plain data (serde): [`Review::to_json`] is its stable,
//! documented form (`docs/review.md`, `schema` = [`SCHEMA`]);
//! [`Review::to_markdown`] and [`Review::to_html`] render it (the HTML is
//! one self-contained file with inline SVG charts).

mod build;
mod doc;
mod html;
mod markdown;
mod recommend;
mod svg;

pub use build::{ReviewConfig, build};
pub use recommend::{
    DoNotClose, DoNotCloseAccount, MAX_RECOMMENDATIONS, Recommendation, ScoringChange,
    do_not_close, qualification, recommend, scoring_changes,
};

use crate::drift::DriftReport;
use crate::error::{Error, Result};
use crate::evaluate::{Holdout, OldVsNew, OutcomeDecision, PressureTest, WhatIf};
use crate::evidence::EvidenceLevel;
use crate::icp::{Icp, Recital};
use crate::induce::{DimensionNote, Proposal};
use crate::losses::{CompetitorMatrix, LossTyping};
use crate::profile::{Profile, SegmentTable};
use crate::rank::Ranking;
use crate::retention::FitEconomics;
use crate::symptoms::SymptomCheck;
use crate::themes::{ReasonAgreement, ThemeRow};
use serde::Serialize;
use std::collections::BTreeMap;

/// Version of the JSON form; bumped on any breaking change to its fields.
pub const SCHEMA: &str = "icpfit.review/1";

/// What the data holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataSummary {
    /// Accounts (rows).
    pub accounts: usize,
    /// Closed deals (won, lost, no decision).
    pub closed: usize,
    /// Won deals.
    pub won: usize,
    /// Open pipeline.
    pub open: usize,
    /// Customers with retention data.
    pub customers: usize,
    /// First and last close date (ISO).
    pub close_dates: Option<(String, String)>,
}

/// A cohort's name, definition, size and evidence level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CohortSummary {
    /// Name.
    pub name: String,
    /// How it is defined.
    pub definition: String,
    /// Accounts.
    pub size: usize,
    /// Evidence level of its size.
    pub evidence: EvidenceLevel,
}

/// The drafted ICP with everything said about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DraftSection {
    /// The ICP.
    pub icp: Icp,
    /// Its recital and the 60-second test.
    pub recital: Recital,
    /// Criteria per dimension category.
    pub dimensions: Vec<DimensionNote>,
    /// Significant attributes left out, with the reason.
    pub left_out: Vec<Proposal>,
}

/// The pressure tests of the drafted ICP.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PressureSection {
    /// Lift, classification, tiers, gains against won vs lost.
    pub test: PressureTest,
    /// The current ICP against the same target (when there is one).
    pub current: Option<PressureTest>,
    /// Old vs new on recent losses (when there is a current ICP).
    pub old_vs_new: Option<OldVsNew>,
    /// What-if of the current ICP (when there is one).
    pub what_if_current: Option<WhatIf>,
    /// What-if of the drafted ICP.
    pub what_if_drafted: WhatIf,
    /// Narrow / expand / split / abandon / keep.
    pub decision: Option<OutcomeDecision>,
    /// Time holdout (when close dates allow).
    pub holdout: Option<Holdout>,
}

/// Bad-fit rate of customers signed after the current ICP took effect vs
/// before (seed 004's implemented-change tracking).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeTracking {
    /// When the current ICP took effect.
    pub since: String,
    /// Customers signed before, and how many were tagged bad fit.
    pub before: (usize, usize),
    /// Customers signed on or after, and how many were tagged bad fit.
    pub after: (usize, usize),
    /// Bad-fit rate before, with Wilson interval.
    pub rate_before: (f64, f64, f64),
    /// Bad-fit rate after, with Wilson interval.
    pub rate_after: (f64, f64, f64),
    /// The comparison in a sentence.
    pub sentence: String,
}

/// What win/loss and churn interviews say (seed 001), and how far CRM loss
/// reasons agree with what buyers said.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemesSection {
    /// Notes read.
    pub notes: usize,
    /// Notes that matched no theme.
    pub unmatched: usize,
    /// Accounts with a note, per cohort.
    pub cohort_accounts: BTreeMap<String, usize>,
    /// How themes were found: coded themes, and a dictionary's keywords in
    /// the free text when one was given.
    pub source: String,
    /// Distinct accounts of a cohort that make a theme a signal.
    pub min_accounts: usize,
    /// Every theme mentioned, per cohort (`signal` marks the signals):
    /// distinct accounts, notes, share of the cohort's interviewed accounts,
    /// evidence level and example quotes.
    pub rows: Vec<ThemeRow>,
    /// Buyer-stated loss reasons supplied.
    pub buyer_reasons: usize,
    /// Of which matched to a deal with a CRM loss reason.
    pub buyer_reasons_matched: usize,
    /// Significance level of the McNemar tests.
    pub reason_alpha: f64,
    /// CRM loss reasons against buyers' on the matched deals: agreement with
    /// its Wilson interval, confusion matrix, over-reported reasons (exact
    /// McNemar). `None` without matched buyer reasons.
    pub reason_agreement: Option<ReasonAgreement>,
    /// The section in sentences.
    pub findings: Vec<String>,
}

impl ThemesSection {
    /// The signals (themes enough distinct accounts of a cohort mention).
    pub fn signals(&self) -> impl Iterator<Item = &ThemeRow> {
        self.rows.iter().filter(|r| r.signal)
    }
}

/// The quarterly ICP review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    /// [`SCHEMA`].
    pub schema: String,
    /// Title.
    pub title: String,
    /// The review's date (ISO): the start of its "recent" window, the
    /// quarter `recent_quarters` before the latest quarter of the data
    /// ([`crate::evaluate::recent_quarters`]; with the default 1, the last
    /// two quarters), or "undated" without a close date.
    pub as_of: String,
    /// What the data holds.
    pub data: DataSummary,
    /// Best, average and problematic customers by composite quality.
    pub quality_cohorts: Vec<CohortSummary>,
    /// Best vs problematic customers.
    pub best_vs_problematic: Option<Profile>,
    /// Won vs lost deals.
    pub won_vs_lost: Profile,
    /// Win rate, ACV, cycle, NRR and churn by segment.
    pub segments: SegmentTable,
    /// What separates won from lost deals.
    pub win_drivers: Ranking,
    /// What separates churned from retained customers.
    pub churn_drivers: Option<Ranking>,
    /// The drafted ICP.
    pub draft: DraftSection,
    /// Its pressure tests.
    pub pressure: PressureSection,
    /// Loss types, fit judged by the current ICP (or the drafted one).
    pub loss_types: Option<LossTyping>,
    /// Which ICP judged fit for the loss types.
    pub loss_types_fit_by: String,
    /// Competitor matrix with owned sub-segments.
    pub competitors: Option<CompetitorMatrix>,
    /// 3–5 recommended ICP updates with thresholds and evidence.
    pub recommendations: Vec<Recommendation>,
    /// Points changes for lead scoring.
    pub scoring_changes: Vec<ScoringChange>,
    /// Qualification questions from the must-haves and disqualifiers.
    pub qualification: Vec<String>,
    /// Disqualifiers and the open deals that meet them.
    pub do_not_close: DoNotClose,
    /// The drafted ICP against the current one, as a changelog entry.
    pub changelog: Option<String>,
    /// Bad-fit rate since the current ICP took effect.
    pub change_tracking: Option<ChangeTracking>,
    /// Retention economics of fit: churn, expansion and NRR of good- vs
    /// bad-fit customers (by the 90-day fit tags), and what the bad-fit
    /// share costs in NRR points.
    pub fit_economics: Option<FitEconomics>,
    /// Seed 002's six symptoms, each measured or "not measurable".
    pub symptoms: Option<SymptomCheck>,
    /// PSI drift of the open pipeline against the won deals.
    pub drift: Option<DriftReport>,
    /// Interview themes and CRM-vs-buyer loss reasons (when notes or buyer
    /// reasons were supplied).
    pub themes: Option<ThemesSection>,
    /// Things the review could not compute, and why.
    pub notes: Vec<String>,
}

impl Review {
    /// The stable JSON form (pretty; `schema` first).
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| Error::Document {
            what: "review JSON".into(),
            message: e.to_string(),
        })
    }
    /// Markdown.
    pub fn to_markdown(&self) -> String {
        markdown::render(self)
    }
    /// One self-contained HTML file (inline CSS and SVG, no external assets).
    pub fn to_html(&self) -> String {
        html::render(self)
    }
    /// Write `review.md`, `review.html` and `review.json` into `dir`
    /// (created if needed); returns the three paths.
    pub fn save(&self, dir: impl AsRef<std::path::Path>) -> Result<[std::path::PathBuf; 3]> {
        let dir = dir.as_ref();
        let io = |path: &std::path::Path, source: std::io::Error| Error::Io {
            path: path.display().to_string(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        let paths = [
            dir.join("review.md"),
            dir.join("review.html"),
            dir.join("review.json"),
        ];
        let bodies = [self.to_markdown(), self.to_html(), self.to_json()?];
        for (p, b) in paths.iter().zip(bodies) {
            std::fs::write(p, b).map_err(|e| io(p, e))?;
        }
        Ok(paths)
    }
}

#[cfg(test)]
mod tests;
