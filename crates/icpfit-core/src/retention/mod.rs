//! Retention economics (seed 004): GRR and NRR by segment, churn by AE,
//! segment, industry and use case, close rate and discount by segment, and
//! what fit is worth in NRR.
//!
//! # By segment ([`by_segments`])
//!
//! One [`SegmentTable`] per column (the segment table of
//! [`crate::profile`]: close rate with its Wilson interval, average
//! discount of won deals, starting / churned / contracted / expanded ARR,
//! GRR, NRR account- and ARR-weighted with intervals, logo churn with its
//! Wilson interval, the ≥ 30-point NRR divergence flag, evidence levels).
//! Columns the table lacks, or that cannot be segmented, are listed as not
//! measurable with the reason.
//!
//! # Customers and their ARR status
//!
//! A customer is a row with `start_arr > 0` and a known `current_arr` (as
//! in the segment table). Its status is read from the ARR, the money:
//! **churned** `current = 0`, **contracted** `0 < current < start`,
//! **expanded** `current > start`, else **active**.
//!
//! # NRR impact of fit ([`FitEconomics`])
//!
//! Customers are grouped by fit ([`FitGrouping`]): 90-day tags (strong →
//! good, near → near, bad → bad) or an ICP fit mask (right fit → good,
//! else bad). Per group ([`GroupRetention`]): churn rate `c` (churned /
//! customers), expansion rate `e` (expanded / not churned), contraction
//! rate `q` (contracted / not churned), mean uplift `u` of the expanded
//! (`mean(current/start − 1)`), mean depth `d` of the contracted
//! (`mean(1 − current/start)`), and the account-weighted NRR, which
//! decomposes exactly as
//!
//! ```text
//! NRR = (1 − c) · (1 + e·u − q·d)
//! ```
//!
//! **Measured** ([`EconomicsSource::Measured`]): when the good and the bad
//! group both have at least `min_customers` (30) customers, every group's
//! NRR is its measured NRR, and the bad-vs-good churn ratio and expansion
//! ratio are the data's own, with Katz intervals ([`rate_ratio`]).
//!
//! **Rule of thumb** ([`EconomicsSource::RuleOfThumb`], a stated fallback):
//! when the data has no fit information ([`FitGrouping::Unknown`], with an
//! assumed bad-fit share) or a group is too small, seed 004's rule of thumb
//! is used — bad fit churns `churn_multiplier` (2.5, the middle of "2–3×")
//! times as often and expands `expansion_multiplier` (0.5, "half") times as
//! often as good fit, with `q`, `u` and `d` shared. The baseline is the
//! measured good group when it is large enough, else the measured bad group
//! divided by the multipliers, else (no grouping) the overall customers
//! solved as the mixture: with bad share `s`, `c_good = c / (1 − s + s·2.5)`
//! and `e_good = e · [(1 − s)(1 − c_good) + s(1 − c_bad)] / [(1 − s)(1 −
//! c_good) + 0.5·s(1 − c_bad)]`, so that the mixture reproduces the
//! observed `c` and `e`. The near group, when too small, takes the mean of
//! the good and bad NRR.
//!
//! **What the bad-fit share costs**: with customer mix `m` (shares of good,
//! near, bad), the NRR of the non-bad customers
//! `N_ref = (m_good·N_good + m_near·N_near) / (m_good + m_near)` and the cost
//! `m_bad · (N_ref − N_bad)` in NRR points: what NRR would be if the bad-fit
//! customers had retained like the rest.
//!
//! **Forecast** ([`FitEconomics::forecast`]): `Σ m_g·N_g` for a mix `m` (the
//! current fit-tag distribution, the fit share of this quarter's wins or of
//! the open pipeline), with the normal interval `± z·sqrt(Σ m_g²·se_g²)`
//! from the groups' NRR standard errors (NaN when a group's NRR comes from
//! the rule of thumb). With the customers' own mix it equals their
//! account-weighted NRR exactly.
//!
//! **What-if** ([`FitEconomics::what_if`]): the bad-fit share cut by `x`
//! points (not below 0), the freed share going to good and near in
//! proportion to their current shares (to good when both are 0); the NRR
//! change is `x·(N_ref − N_bad)` when the share is large enough.

#[cfg(test)]
mod tests;

use crate::cohort::{Cohort, SegmentBy, Segmentation};
use crate::error::{Error, Result};
use crate::evidence::EvidenceLevel;
use crate::losses::Fit;
use crate::outcome::FitTag;
use crate::profile::{SegmentMetrics, SegmentTable};
use crate::stats::{RateRatio, rate_ratio, wilson_interval};
use crate::table::AccountTable;
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};
use std::fmt;

/// Columns a breakdown is asked for by default, in report order: the AE,
/// a `segment` column, industry, use case, company size, lead source,
/// region, product (those the table lacks are reported not measurable).
pub const DEFAULT_BREAKDOWN: [&str; 8] = [
    "ae",
    "segment",
    "industry",
    "use_case",
    "employees",
    "lead_source",
    "region",
    "product",
];

/// A figure that this data cannot give, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotMeasurable {
    /// What was asked for (a column, a symptom).
    pub what: String,
    /// Why it cannot be measured.
    pub reason: String,
}

/// Segment tables for several columns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentBreakdown {
    /// One table per measurable column, in the order asked.
    pub tables: Vec<SegmentTable>,
    /// Columns that could not be segmented, with the reason.
    pub not_measurable: Vec<NotMeasurable>,
}

impl SegmentBreakdown {
    /// The table of `column`.
    pub fn get(&self, column: &str) -> Option<&SegmentTable> {
        self.tables.iter().find(|t| t.column == column)
    }
}

/// GRR, NRR, churn, close rate and discount by each of `columns` (see the
/// module doc). Numeric columns are cut into 5 equal-frequency bins.
///
/// # Errors
/// Only errors that concern every column: an invalid confidence, unknown
/// metric columns, an unknown outcome value. A column that is absent, of a
/// kind that cannot be segmented, or with fewer than two segments is listed
/// in `not_measurable`.
pub fn by_segments(
    table: &AccountTable,
    columns: &[&str],
    metrics: &SegmentMetrics,
) -> Result<SegmentBreakdown> {
    let mut out = SegmentBreakdown {
        tables: Vec::new(),
        not_measurable: Vec::new(),
    };
    for &c in columns {
        if table.schema().index_of(c).is_err() {
            out.not_measurable.push(NotMeasurable {
                what: c.to_owned(),
                reason: "the table has no such column".into(),
            });
            continue;
        }
        let seg = match Segmentation::new(table, c, &SegmentBy::Levels) {
            Ok(s) => s,
            Err(e) => {
                out.not_measurable.push(NotMeasurable {
                    what: c.to_owned(),
                    reason: e.to_string(),
                });
                continue;
            }
        };
        match SegmentTable::new(table, &seg, metrics) {
            Ok(t) => out.tables.push(t),
            Err(Error::InsufficientData { what, n, min }) => {
                out.not_measurable.push(NotMeasurable {
                    what: c.to_owned(),
                    reason: format!("{what}: {n}, needs {min}"),
                })
            }
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// [`by_segments`] over the rows of a cohort only — seed 004's churn cohort
/// ("accounts that closed in the previous 12–18 months", e.g. a
/// [`crate::cohort::quarter_cohort`] of close quarters), or this quarter's
/// deals.
///
/// # Errors
/// As [`by_segments`]; a cohort of another length than the table.
pub fn by_segments_within(
    table: &AccountTable,
    cohort: &Cohort,
    columns: &[&str],
    metrics: &SegmentMetrics,
) -> Result<SegmentBreakdown> {
    if cohort.n_rows() != table.n_rows() {
        return Err(Error::LengthMismatch {
            what: format!("cohort `{}`", cohort.name),
            expected: table.n_rows(),
            found: cohort.n_rows(),
        });
    }
    by_segments(&table.take(&cohort.indices())?, columns, metrics)
}

/// Starting and current ARR columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetentionColumns {
    /// Starting ARR (default `start_arr`).
    pub start_arr: String,
    /// Current ARR (default `current_arr`).
    pub current_arr: String,
}

impl Default for RetentionColumns {
    fn default() -> Self {
        Self {
            start_arr: "start_arr".into(),
            current_arr: "current_arr".into(),
        }
    }
}

/// A fit group of customers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FitGroup {
    /// Strong tag, or right fit.
    Good,
    /// Near tag.
    Near,
    /// Bad tag, or not right fit.
    Bad,
}

impl FitGroup {
    /// The three groups, in report order.
    pub const ALL: [FitGroup; 3] = [FitGroup::Good, FitGroup::Near, FitGroup::Bad];
    fn index(self) -> usize {
        self as usize
    }
    /// Stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Good => "good",
            Self::Near => "near",
            Self::Bad => "bad",
        }
    }
}

/// How customers are grouped by fit.
#[derive(Debug, Clone, Copy)]
pub enum FitGrouping<'a> {
    /// 90-day fit tags (computed or recorded), one per table row.
    Tags(&'a [Option<FitTag>]),
    /// An ICP fit mask (rows with unknown fit take no part).
    Fit(&'a Fit),
    /// No fit information in the data: the rule of thumb with this assumed
    /// share of bad-fit customers (seed 004's example: 0.10).
    Unknown {
        /// Assumed bad-fit share of customers, in `[0, 1)`.
        assumed_bad_share: f64,
    },
}

impl FitGrouping<'_> {
    fn group(&self, i: usize) -> Option<FitGroup> {
        match self {
            Self::Tags(t) => t[i].map(|t| match t {
                FitTag::Strong => FitGroup::Good,
                FitTag::Near => FitGroup::Near,
                FitTag::Bad => FitGroup::Bad,
            }),
            Self::Fit(f) => f
                .right_fit(i)
                .map(|ok| if ok { FitGroup::Good } else { FitGroup::Bad }),
            Self::Unknown { .. } => None,
        }
    }
    fn len(&self) -> Option<usize> {
        match self {
            Self::Tags(t) => Some(t.len()),
            Self::Fit(f) => Some(f.fit.len()),
            Self::Unknown { .. } => None,
        }
    }
    fn describe(&self) -> String {
        match self {
            Self::Tags(_) => "90-day fit tags (strong = good, near, bad)".into(),
            Self::Fit(_) => "ICP fit at signing (right fit = good, else bad)".into(),
            Self::Unknown { assumed_bad_share } => format!(
                "no fit information: assumed bad-fit share {:.1}%",
                assumed_bad_share * 100.0
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    n: usize,
    churned: usize,
    contracted: usize,
    expanded: usize,
    uplift: f64,
    depth: f64,
    ratio: f64,
    ratio_sq: f64,
    start: f64,
    current: f64,
    churned_arr: f64,
    contracted_arr: f64,
}

impl Acc {
    fn add(&mut self, s: f64, c: f64) {
        let r = c / s;
        self.n += 1;
        self.ratio += r;
        self.ratio_sq += r * r;
        self.start += s;
        self.current += c;
        if c == 0.0 {
            self.churned += 1;
            self.churned_arr += s;
        } else if c < s {
            self.contracted += 1;
            self.depth += 1.0 - r;
            self.contracted_arr += s - c;
        } else if c > s {
            self.expanded += 1;
            self.uplift += r - 1.0;
        }
    }
}

/// Retention of one group of customers (see the module doc).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupRetention {
    /// The group (`None` for all customers).
    pub group: Option<FitGroup>,
    /// Customers.
    pub customers: usize,
    /// Churned (current ARR 0).
    pub churned: usize,
    /// Contracted.
    pub contracted: usize,
    /// Expanded.
    pub expanded: usize,
    /// `churned / customers`.
    pub churn_rate: f64,
    /// Wilson interval of the churn rate.
    pub churn_rate_ci: (f64, f64),
    /// `expanded / (customers − churned)`.
    pub expansion_rate: f64,
    /// Wilson interval of the expansion rate.
    pub expansion_rate_ci: (f64, f64),
    /// `expanded / customers` (unconditional).
    pub expanded_share: f64,
    /// `contracted / (customers − churned)`.
    pub contraction_rate: f64,
    /// Mean `current/start − 1` of the expanded.
    pub mean_uplift: f64,
    /// Mean `1 − current/start` of the contracted.
    pub mean_contraction: f64,
    /// Account-weighted NRR (mean of `current / start`).
    pub nrr: f64,
    /// Standard error of `nrr` (`s / √n`).
    pub nrr_se: f64,
    /// Normal interval of `nrr`.
    pub nrr_ci: (f64, f64),
    /// ARR-weighted NRR `Σ current / Σ start`.
    pub nrr_arr_weighted: f64,
    /// ARR-weighted GRR `(Σ start − churned − contracted ARR) / Σ start`.
    pub grr: f64,
    /// Starting ARR.
    pub start_arr: f64,
    /// Evidence level of `customers`.
    pub evidence: EvidenceLevel,
}

fn ratio(k: usize, n: usize) -> f64 {
    if n == 0 {
        f64::NAN
    } else {
        k as f64 / n as f64
    }
}

fn wilson(k: usize, n: usize, conf: f64) -> Result<(f64, f64)> {
    if n == 0 {
        return Ok((f64::NAN, f64::NAN));
    }
    wilson_interval(k as f64, n as f64, conf)
}

fn z_of(confidence: f64) -> Result<f64> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(Error::invalid(
            "confidence",
            format!("{confidence} must lie strictly between 0 and 1"),
        ));
    }
    // ok: mean 0, sd 1 are valid parameters.
    Ok(-Normal::new(0.0, 1.0)
        .expect("standard normal")
        .inverse_cdf((1.0 - confidence) / 2.0))
}

impl GroupRetention {
    fn from_acc(group: Option<FitGroup>, a: &Acc, conf: f64) -> Result<Self> {
        let z = z_of(conf)?;
        let kept = a.n - a.churned;
        let nrr = if a.n > 0 {
            a.ratio / a.n as f64
        } else {
            f64::NAN
        };
        let nrr_se = if a.n >= 2 {
            let m = a.n as f64;
            let var = ((a.ratio_sq - a.ratio * a.ratio / m) / (m - 1.0)).max(0.0);
            (var / m).sqrt()
        } else {
            f64::NAN
        };
        Ok(Self {
            group,
            customers: a.n,
            churned: a.churned,
            contracted: a.contracted,
            expanded: a.expanded,
            churn_rate: ratio(a.churned, a.n),
            churn_rate_ci: wilson(a.churned, a.n, conf)?,
            expansion_rate: ratio(a.expanded, kept),
            expansion_rate_ci: wilson(a.expanded, kept, conf)?,
            expanded_share: ratio(a.expanded, a.n),
            contraction_rate: ratio(a.contracted, kept),
            mean_uplift: if a.expanded > 0 {
                a.uplift / a.expanded as f64
            } else {
                0.0
            },
            mean_contraction: if a.contracted > 0 {
                a.depth / a.contracted as f64
            } else {
                0.0
            },
            nrr,
            nrr_se,
            nrr_ci: (nrr - z * nrr_se, nrr + z * nrr_se),
            nrr_arr_weighted: if a.start > 0.0 {
                a.current / a.start
            } else {
                f64::NAN
            },
            grr: if a.start > 0.0 {
                (a.start - a.churned_arr - a.contracted_arr) / a.start
            } else {
                f64::NAN
            },
            start_arr: a.start,
            evidence: EvidenceLevel::from_n(a.n),
        })
    }
}

/// `(1 − c)(1 + e·u − q·d)`: the NRR of a group with churn `c`, expansion
/// `e` and contraction `q` (both of the retained), mean uplift `u` and mean
/// contraction depth `d`.
pub fn modelled_nrr(churn: f64, expansion: f64, contraction: f64, uplift: f64, depth: f64) -> f64 {
    (1.0 - churn) * (1.0 + expansion * uplift - contraction * depth)
}

/// Options of [`FitEconomics::new`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EconomicsOptions {
    /// Confidence of the intervals (default 0.95).
    pub confidence: f64,
    /// Customers the good and the bad group each need for measured
    /// economics (default 30).
    pub min_customers: usize,
    /// Rule-of-thumb churn multiplier of bad fit (default 2.5, "2–3×").
    pub churn_multiplier: f64,
    /// Rule-of-thumb expansion multiplier of bad fit (default 0.5, "half").
    pub expansion_multiplier: f64,
}

impl Default for EconomicsOptions {
    fn default() -> Self {
        Self {
            confidence: 0.95,
            min_customers: 30,
            churn_multiplier: 2.5,
            expansion_multiplier: 0.5,
        }
    }
}

impl EconomicsOptions {
    /// Checks the options.
    pub fn check(&self) -> Result<()> {
        z_of(self.confidence)?;
        if !(self.churn_multiplier.is_finite() && self.churn_multiplier > 0.0) {
            return Err(Error::invalid(
                "churn_multiplier",
                format!("{} must be finite and > 0", self.churn_multiplier),
            ));
        }
        if !(self.expansion_multiplier.is_finite() && self.expansion_multiplier > 0.0) {
            return Err(Error::invalid(
                "expansion_multiplier",
                format!("{} must be finite and > 0", self.expansion_multiplier),
            ));
        }
        Ok(())
    }
}

/// Where the fit economics come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EconomicsSource {
    /// The data's own good- and bad-fit groups.
    Measured,
    /// Seed 004's rule of thumb, because the data lacks fit information or
    /// a group is too small.
    RuleOfThumb,
}

/// The retention model of one fit group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupModel {
    /// The group.
    pub group: FitGroup,
    /// Churn rate used.
    pub churn: f64,
    /// Expansion rate (of the retained) used.
    pub expansion: f64,
    /// Contraction rate (of the retained) used.
    pub contraction: f64,
    /// Mean uplift of the expanded.
    pub uplift: f64,
    /// Mean depth of the contracted.
    pub depth: f64,
    /// NRR of the group.
    pub nrr: f64,
    /// Its standard error (NaN when not measured).
    pub nrr_se: f64,
    /// Whether the NRR is the group's measured NRR.
    pub measured: bool,
}

/// Shares of good, near and bad fit (summing to 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FitMix {
    /// Good-fit share.
    pub good: f64,
    /// Near-fit share.
    pub near: f64,
    /// Bad-fit share.
    pub bad: f64,
}

impl FitMix {
    /// A mix; shares must be finite, `>= 0`, and sum to 1 (within 1e-9).
    pub fn new(good: f64, near: f64, bad: f64) -> Result<Self> {
        let m = Self { good, near, bad };
        m.check()?;
        Ok(m)
    }
    fn check(&self) -> Result<()> {
        let s = [self.good, self.near, self.bad];
        if s.iter().any(|x| !(x.is_finite() && *x >= 0.0))
            || (s.iter().sum::<f64>() - 1.0).abs() > 1e-9
        {
            return Err(Error::invalid(
                "mix",
                format!(
                    "shares good {}, near {}, bad {} must be >= 0 and sum to 1",
                    self.good, self.near, self.bad
                ),
            ));
        }
        Ok(())
    }
    fn from_counts(c: [usize; 3]) -> Result<Self> {
        let n: usize = c.iter().sum();
        if n == 0 {
            return Err(Error::InsufficientData {
                what: "fit mix: rows with a fit group".into(),
                n: 0,
                min: 1,
            });
        }
        let f = |k: usize| c[k] as f64 / n as f64;
        Ok(Self {
            good: f(0),
            near: f(1),
            bad: f(2),
        })
    }
    /// The mix of tags over `rows` (all rows when `None`).
    pub fn from_tags(tags: &[Option<FitTag>], rows: Option<&[bool]>) -> Result<Self> {
        Self::from_grouping(&FitGrouping::Tags(tags), tags.len(), rows)
    }
    /// The mix of a fit mask over `rows` (all rows when `None`): right fit
    /// good, else bad; unknown fit left out.
    pub fn from_fit(fit: &Fit, rows: Option<&[bool]>) -> Result<Self> {
        Self::from_grouping(&FitGrouping::Fit(fit), fit.fit.len(), rows)
    }
    fn from_grouping(g: &FitGrouping<'_>, n: usize, rows: Option<&[bool]>) -> Result<Self> {
        if let Some(r) = rows
            && r.len() != n
        {
            return Err(Error::LengthMismatch {
                what: "rows".into(),
                expected: n,
                found: r.len(),
            });
        }
        let mut c = [0usize; 3];
        for i in 0..n {
            if rows.is_some_and(|r| !r[i]) {
                continue;
            }
            if let Some(gr) = g.group(i) {
                c[gr.index()] += 1;
            }
        }
        Self::from_counts(c)
    }
    fn get(&self, g: FitGroup) -> f64 {
        match g {
            FitGroup::Good => self.good,
            FitGroup::Near => self.near,
            FitGroup::Bad => self.bad,
        }
    }
}

/// What the current bad-fit share costs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BadFitCost {
    /// Bad-fit share of customers.
    pub bad_share: f64,
    /// Modelled NRR with this mix.
    pub nrr: f64,
    /// NRR of the non-bad customers (what NRR would be without bad fit).
    pub nrr_without_bad_fit: f64,
    /// `nrr_without_bad_fit − nrr`, in NRR points (× 100).
    pub cost_points: f64,
}

/// NRR forecast from a fit mix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NrrForecast {
    /// The mix.
    pub mix: FitMix,
    /// `Σ m_g · N_g`.
    pub nrr: f64,
    /// Normal interval (NaN when a weighted group is not measured).
    pub nrr_ci: (f64, f64),
    /// Per group `m_g · N_g`, order good, near, bad.
    pub contributions: [f64; 3],
}

/// NRR if the bad-fit share were cut.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhatIf {
    /// The cut asked for, in share points (0.05 = 5 points).
    pub cut: f64,
    /// Forecast with the mix as it is.
    pub before: NrrForecast,
    /// Forecast with the bad-fit share cut.
    pub after: NrrForecast,
    /// `after − before`, in NRR points (× 100).
    pub delta_points: f64,
}

/// The NRR impact of fit (see the module doc).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitEconomics {
    /// How customers were grouped.
    pub grouping: String,
    /// Measured, or the rule of thumb.
    pub source: EconomicsSource,
    /// Why the rule of thumb was used, with its multipliers (empty when
    /// measured).
    pub source_note: String,
    /// Every customer.
    pub overall: GroupRetention,
    /// Per group as measured, order good, near, bad (`None` for a group
    /// with no customers, and for all of them without fit information).
    pub groups: [Option<GroupRetention>; 3],
    /// Bad-vs-good churn rate ratio with its Katz interval (measured; `None`
    /// when a group is empty).
    pub churn_ratio: Option<RateRatio>,
    /// Bad-vs-good expansion rate ratio (of the retained) with its Katz
    /// interval.
    pub expansion_ratio: Option<RateRatio>,
    /// The model of each group, order good, near, bad.
    pub models: [GroupModel; 3],
    /// The customers' fit mix (the assumed one without fit information).
    pub mix: FitMix,
    /// `N_good − N_bad` in NRR points.
    pub nrr_gap_points: f64,
    /// What the customers' bad-fit share costs.
    pub bad_fit_cost: BadFitCost,
    /// Confidence of the intervals.
    pub confidence: f64,
}

impl FitEconomics {
    /// Measures the fit economics of the customers of `table` (see the
    /// module doc).
    ///
    /// # Errors
    /// Invalid options; an assumed bad-fit share outside `[0, 1)`; a
    /// grouping of another length than the table; unknown or mistyped ARR
    /// columns; no customer at all, or (with tags or a mask) no customer
    /// with a fit group ([`Error::InsufficientData`]).
    pub fn new(
        table: &AccountTable,
        columns: &RetentionColumns,
        grouping: FitGrouping<'_>,
        opts: &EconomicsOptions,
    ) -> Result<Self> {
        opts.check()?;
        if let Some(len) = grouping.len()
            && len != table.n_rows()
        {
            return Err(Error::LengthMismatch {
                what: "fit grouping".into(),
                expected: table.n_rows(),
                found: len,
            });
        }
        if let FitGrouping::Unknown { assumed_bad_share } = grouping
            && !(0.0..1.0).contains(&assumed_bad_share)
        {
            return Err(Error::invalid(
                "assumed_bad_share",
                format!("{assumed_bad_share} must lie in [0, 1)"),
            ));
        }
        let (start, cur) = (
            table.numeric(&columns.start_arr)?,
            table.numeric(&columns.current_arr)?,
        );
        let mut all = Acc::default();
        let mut by = [Acc::default(); 3];
        for i in 0..table.n_rows() {
            if start[i].is_nan() || start[i] <= 0.0 || cur[i].is_nan() {
                continue;
            }
            all.add(start[i], cur[i]);
            if let Some(g) = grouping.group(i) {
                by[g.index()].add(start[i], cur[i]);
            }
        }
        if all.n == 0 {
            return Err(Error::InsufficientData {
                what: format!(
                    "fit economics: customers (`{}` > 0 and `{}` known)",
                    columns.start_arr, columns.current_arr
                ),
                n: 0,
                min: 1,
            });
        }
        let conf = opts.confidence;
        let overall = GroupRetention::from_acc(None, &all, conf)?;
        let [g0, g1, g2]: [Option<Result<GroupRetention>>; 3] = [0, 1, 2].map(|k| {
            (by[k].n > 0).then(|| GroupRetention::from_acc(Some(FitGroup::ALL[k]), &by[k], conf))
        });
        let groups = [g0.transpose()?, g1.transpose()?, g2.transpose()?];
        let (churn_ratio, expansion_ratio) = match (&groups[2], &groups[0]) {
            (Some(b), Some(g)) => {
                let cr = rate_ratio(
                    b.churned as f64,
                    b.customers as f64,
                    g.churned as f64,
                    g.customers as f64,
                    conf,
                )?;
                let (bk, gk) = (b.customers - b.churned, g.customers - g.churned);
                let er = if bk > 0 && gk > 0 {
                    Some(rate_ratio(
                        b.expanded as f64,
                        bk as f64,
                        g.expanded as f64,
                        gk as f64,
                        conf,
                    )?)
                } else {
                    None
                };
                (Some(cr), er)
            }
            _ => (None, None),
        };
        let measured_model = |g: &GroupRetention, group: FitGroup| GroupModel {
            group,
            churn: g.churn_rate,
            expansion: g.expansion_rate,
            contraction: g.contraction_rate,
            uplift: g.mean_uplift,
            depth: g.mean_contraction,
            nrr: g.nrr,
            nrr_se: g.nrr_se,
            measured: true,
        };
        let modelled = |group: FitGroup, c: f64, e: f64, base: &GroupRetention| {
            // A rate of the retained is NaN when every customer churned: it
            // then plays no part ((1 − c) = 0), so read it as 0.
            let nz = |x: f64| if x.is_nan() { 0.0 } else { x };
            let (c, e) = (c.clamp(0.0, 1.0), nz(e).clamp(0.0, 1.0));
            GroupModel {
                group,
                churn: c,
                expansion: e,
                contraction: nz(base.contraction_rate),
                uplift: base.mean_uplift,
                depth: base.mean_contraction,
                nrr: modelled_nrr(
                    c,
                    e,
                    nz(base.contraction_rate),
                    base.mean_uplift,
                    base.mean_contraction,
                ),
                nrr_se: f64::NAN,
                measured: false,
            }
        };
        let big = |k: usize| {
            groups[k]
                .as_ref()
                .filter(|g| g.customers >= opts.min_customers)
        };
        let (cm, em) = (opts.churn_multiplier, opts.expansion_multiplier);
        let thumb = format!(
            "seed 004's rule of thumb: bad fit churns {cm}× and expands {em}× as often as good fit"
        );
        let (source, note, good_m, bad_m, mix) = match grouping {
            FitGrouping::Unknown {
                assumed_bad_share: s,
            } => {
                let c_good = overall.churn_rate / (1.0 - s + s * cm);
                let c_bad = cm * c_good;
                let keep = (1.0 - s) * (1.0 - c_good) + s * (1.0 - c_bad);
                let e_good = overall.expansion_rate * keep
                    / ((1.0 - s) * (1.0 - c_good) + em * s * (1.0 - c_bad));
                (
                    EconomicsSource::RuleOfThumb,
                    format!(
                        "the data has no fit tags or fit mask; {thumb}, solved from all customers with an assumed bad-fit share of {:.1}%",
                        s * 100.0
                    ),
                    modelled(FitGroup::Good, c_good, e_good, &overall),
                    modelled(FitGroup::Bad, c_bad, em * e_good, &overall),
                    FitMix {
                        good: 1.0 - s,
                        near: 0.0,
                        bad: s,
                    },
                )
            }
            _ => {
                let mix = FitMix::from_counts([by[0].n, by[1].n, by[2].n])?;
                match (big(0), big(2)) {
                    (Some(g), Some(b)) => (
                        EconomicsSource::Measured,
                        String::new(),
                        measured_model(g, FitGroup::Good),
                        measured_model(b, FitGroup::Bad),
                        mix,
                    ),
                    (Some(g), None) => (
                        EconomicsSource::RuleOfThumb,
                        format!(
                            "the bad-fit group has {} customers (fewer than {}); {thumb}, applied to the measured good-fit group",
                            by[2].n, opts.min_customers
                        ),
                        measured_model(g, FitGroup::Good),
                        modelled(FitGroup::Bad, cm * g.churn_rate, em * g.expansion_rate, g),
                        mix,
                    ),
                    (None, Some(b)) => (
                        EconomicsSource::RuleOfThumb,
                        format!(
                            "the good-fit group has {} customers (fewer than {}); {thumb}, applied backwards to the measured bad-fit group",
                            by[0].n, opts.min_customers
                        ),
                        modelled(FitGroup::Good, b.churn_rate / cm, b.expansion_rate / em, b),
                        measured_model(b, FitGroup::Bad),
                        mix,
                    ),
                    (None, None) => {
                        let s = mix.bad / (mix.good + mix.bad).max(f64::MIN_POSITIVE);
                        let s = if s.is_finite() { s.min(0.999) } else { 0.0 };
                        let c_good = overall.churn_rate / (1.0 - s + s * cm);
                        let c_bad = cm * c_good;
                        let keep = (1.0 - s) * (1.0 - c_good) + s * (1.0 - c_bad);
                        let e_good = overall.expansion_rate * keep
                            / ((1.0 - s) * (1.0 - c_good) + em * s * (1.0 - c_bad));
                        (
                            EconomicsSource::RuleOfThumb,
                            format!(
                                "the good- and bad-fit groups have {} and {} customers (fewer than {}); {thumb}, solved from all customers with the observed bad-fit share",
                                by[0].n, by[2].n, opts.min_customers
                            ),
                            modelled(FitGroup::Good, c_good, e_good, &overall),
                            modelled(FitGroup::Bad, c_bad, em * e_good, &overall),
                            mix,
                        )
                    }
                }
            }
        };
        let near_m = match big(1) {
            Some(n) => measured_model(n, FitGroup::Near),
            None => GroupModel {
                group: FitGroup::Near,
                churn: (good_m.churn + bad_m.churn) / 2.0,
                expansion: (good_m.expansion + bad_m.expansion) / 2.0,
                contraction: (good_m.contraction + bad_m.contraction) / 2.0,
                uplift: (good_m.uplift + bad_m.uplift) / 2.0,
                depth: (good_m.depth + bad_m.depth) / 2.0,
                nrr: (good_m.nrr + bad_m.nrr) / 2.0,
                nrr_se: f64::NAN,
                measured: false,
            },
        };
        let models = [good_m, near_m, bad_m];
        let nrr_gap_points = (models[0].nrr - models[2].nrr) * 100.0;
        let mut out = Self {
            grouping: grouping.describe(),
            source,
            source_note: note,
            overall,
            groups,
            churn_ratio,
            expansion_ratio,
            models,
            mix,
            nrr_gap_points,
            bad_fit_cost: BadFitCost {
                bad_share: mix.bad,
                nrr: f64::NAN,
                nrr_without_bad_fit: f64::NAN,
                cost_points: f64::NAN,
            },
            confidence: conf,
        };
        let nrr = out.mix_nrr(&mix);
        let reference = out.reference_nrr(&mix);
        out.bad_fit_cost = BadFitCost {
            bad_share: mix.bad,
            nrr,
            nrr_without_bad_fit: reference,
            cost_points: (reference - nrr) * 100.0,
        };
        Ok(out)
    }

    fn mix_nrr(&self, mix: &FitMix) -> f64 {
        FitGroup::ALL
            .iter()
            .map(|&g| {
                let m = mix.get(g);
                if m == 0.0 {
                    0.0
                } else {
                    m * self.models[g.index()].nrr
                }
            })
            .sum()
    }

    fn reference_nrr(&self, mix: &FitMix) -> f64 {
        let rest = mix.good + mix.near;
        if rest <= 0.0 {
            return self.models[0].nrr;
        }
        let near = if mix.near == 0.0 {
            0.0
        } else {
            mix.near * self.models[1].nrr
        };
        (mix.good * self.models[0].nrr + near) / rest
    }

    /// The modelled NRR of a group.
    pub fn nrr(&self, g: FitGroup) -> f64 {
        self.models[g.index()].nrr
    }

    /// Forecast NRR for a fit mix (see the module doc).
    pub fn forecast(&self, mix: &FitMix) -> Result<NrrForecast> {
        mix.check()?;
        let z = z_of(self.confidence)?;
        let nrr = self.mix_nrr(mix);
        let mut var = 0.0;
        let mut contributions = [0.0; 3];
        for g in FitGroup::ALL {
            let m = mix.get(g);
            if m > 0.0 {
                let model = &self.models[g.index()];
                contributions[g.index()] = m * model.nrr;
                var += m * m * model.nrr_se * model.nrr_se;
            }
        }
        let half = z * var.sqrt();
        Ok(NrrForecast {
            mix: *mix,
            nrr,
            nrr_ci: (nrr - half, nrr + half),
            contributions,
        })
    }

    /// NRR if the bad-fit share of `mix` were cut by `cut` (a share, 0.05 =
    /// 5 points; see the module doc). `cut` must be finite and `>= 0`.
    pub fn what_if(&self, mix: &FitMix, cut: f64) -> Result<WhatIf> {
        if !(cut.is_finite() && cut >= 0.0) {
            return Err(Error::invalid(
                "cut",
                format!("{cut} must be finite and >= 0"),
            ));
        }
        let before = self.forecast(mix)?;
        let freed = cut.min(mix.bad);
        let rest = mix.good + mix.near;
        let (good, near) = if rest > 0.0 {
            (
                mix.good + freed * mix.good / rest,
                mix.near + freed * mix.near / rest,
            )
        } else {
            (mix.good + freed, mix.near)
        };
        let after_mix = FitMix {
            good,
            near,
            bad: mix.bad - freed,
        };
        let after = self.forecast(&after_mix)?;
        Ok(WhatIf {
            cut,
            delta_points: (after.nrr - before.nrr) * 100.0,
            before,
            after,
        })
    }
}

impl fmt::Display for FitEconomics {
    /// A short summary: source, group NRRs, ratios, the cost.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "fit economics by {} ({:?})", self.grouping, self.source)?;
        if !self.source_note.is_empty() {
            writeln!(f, "  {}", self.source_note)?;
        }
        for m in &self.models {
            if m.group == FitGroup::Near && self.mix.near == 0.0 && !m.measured {
                continue;
            }
            writeln!(
                f,
                "  {:<5} churn {:>5.1}%  expansion {:>5.1}%  NRR {:>6.1}%{}",
                m.group.as_str(),
                m.churn * 100.0,
                m.expansion * 100.0,
                m.nrr * 100.0,
                if m.measured { "" } else { "  (modelled)" }
            )?;
        }
        if let Some(r) = &self.churn_ratio {
            writeln!(
                f,
                "  bad vs good churn ×{:.2} ({:.2}–{:.2})",
                r.ratio, r.lo, r.hi
            )?;
        }
        if let Some(r) = &self.expansion_ratio {
            writeln!(
                f,
                "  bad vs good expansion ×{:.2} ({:.2}–{:.2})",
                r.ratio, r.lo, r.hi
            )?;
        }
        write!(
            f,
            "  bad-fit share {:.1}% costs {:.1} NRR points",
            self.bad_fit_cost.bad_share * 100.0,
            self.bad_fit_cost.cost_points
        )
    }
}
