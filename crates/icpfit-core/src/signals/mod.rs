//! Customer success's 90-day fit signals (seed 004, stage 1 and 2): a fit
//! tag (strong / near / bad) per customer computed from what CS sees at day
//! 90, each with its reasons; the comparison with the tags CS recorded; the
//! bad-fit flags routed to the AE, RevOps and the CS manager; the near-fit
//! watch list; and the classes of underperforming accounts.
//!
//! # The tag rule ([`FitTagRule`])
//!
//! Every customer (outcome won, or every row without an outcome column)
//! whose ICP match at signing is known collects points from four signals:
//!
//! | signal | reading | default points |
//! |---|---|---|
//! | ICP segment match at signing | confirmed (tier A/B, or fits the mask) / approximate (tier C) / clear mismatch (tier D, or fails the mask) | +2 / +1 / 0 |
//! | adoption at day 90 (`adoption_90d`) | on plan (≥ threshold 0.5) / stalled (below) | +1 / 0 |
//! | champion stability (`champion_changed`) | champion changed or left / same champion | −2 / 0 |
//! | AE-committed use cases active (optional counts) | 2+ or all committed active / one / none | +1 / 0 / −2 |
//!
//! and is tagged **strong** at `points ≥ strong_min` (3), **near** at
//! `points ≥ near_min` (1), else **bad**. Without use-case columns that
//! signal is *not measurable* and adds nothing, and the defaults are exactly
//! the synthetic generator's rule (`2·[ICP fit] + 1·[adoption ≥ 0.5] −
//! 2·[champion changed]`, see `examples/data/TRUTH.md`). A signal whose
//! value is missing for a customer adds nothing and says so in the reasons;
//! a customer whose ICP match is unknown (outside the ICP's scope, or an
//! undecidable mask) is not tagged. With an `as_of` date, customers closed
//! fewer than 90 days before it are *not yet due*.
//!
//! The ICP match comes from the compiled scoring engine
//! ([`IcpMatchSource::Scores`], tiers of [`crate::score::score`]) or from a
//! fit mask ([`IcpMatchSource::Fit`], e.g. [`Fit::from_icp`] or a planted
//! rule).
//!
//! # Comparison with recorded tags ([`compare_tags`])
//!
//! Agreement (share of customers with both tags on which they agree, with
//! its Wilson interval), the 3 × 3 confusion matrix (rows computed, columns
//! recorded; order strong, near, bad) and Cohen's κ
//! ([`crate::stats::cohen_kappa`], tested against sklearn).
//!
//! # Flags, watch list, underperformers
//!
//! See [`flags`]: [`bad_fit_flags`], [`watch_list`], [`underperformers`].

pub mod flags;

pub use flags::{
    BadFitFlag, FlagOptions, GapType, Recipient, RouteRole, Underperformer, UnderperformerClass,
    UnderperformerClassRow, Underperformers, WatchItem, bad_fit_flags, underperformers, watch_list,
};

use crate::cohort::Segmentation;
use crate::error::{Error, Result};
use crate::evidence::EvidenceLevel;
use crate::icp::Tier;
use crate::losses::Fit;
use crate::outcome::{DealOutcome, FitTag, OutcomeMap, parse_column};
use crate::score::FitScores;
use crate::stats::{Contingency, cohen_kappa, wilson_interval};
use crate::table::{AccountTable, DATE_MISSING, FLAG_MISSING, MISSING_CODE};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Days after close at which CS tags an account.
pub const TAG_DAY: i32 = 90;
/// Days after close at which a near-fit account is reviewed again.
pub const REVIEW_DAY: i32 = 180;

/// The three tags, in report order.
pub const TAGS: [FitTag; 3] = [FitTag::Strong, FitTag::Near, FitTag::Bad];

fn tag_index(t: FitTag) -> usize {
    match t {
        FitTag::Strong => 0,
        FitTag::Near => 1,
        FitTag::Bad => 2,
    }
}

/// Where the AE-committed use-case signal is read from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UseCaseColumns {
    /// Counts (seed 004's table): 2+ active is on plan, 1 partial, 0 none.
    Counts {
        /// Numeric column: committed use cases now active at day 90.
        active: String,
        /// Numeric column: use cases the AE committed (optional; with it,
        /// "all committed active" is on plan even when only one was
        /// committed).
        committed: Option<String>,
    },
    /// A share (0–1) of the committed use cases that are active: at or
    /// above `on_plan` is on plan, 0 is none, in between partial.
    Share {
        /// Numeric column: the share.
        column: String,
        /// Share that is on plan (in (0, 1]; e.g. 0.5).
        on_plan: f64,
    },
}

/// Points each signal reading adds (see the module doc).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TagPoints {
    /// ICP match confirmed (tier A/B, or fits the mask).
    pub icp_confirmed: i32,
    /// ICP match approximate (tier C).
    pub icp_approximate: i32,
    /// Clear ICP mismatch (tier D, or fails the mask).
    pub icp_mismatch: i32,
    /// Adoption at or above the threshold.
    pub adoption_on_plan: i32,
    /// Adoption below the threshold.
    pub adoption_stalled: i32,
    /// Champion changed or left.
    pub champion_changed: i32,
    /// Same champion.
    pub champion_stable: i32,
    /// Two or more (or all committed) use cases active.
    pub use_cases_on_plan: i32,
    /// One use case active (of several committed).
    pub use_cases_partial: i32,
    /// No committed use case active.
    pub use_cases_none: i32,
}

impl Default for TagPoints {
    fn default() -> Self {
        Self {
            icp_confirmed: 2,
            icp_approximate: 1,
            icp_mismatch: 0,
            adoption_on_plan: 1,
            adoption_stalled: 0,
            champion_changed: -2,
            champion_stable: 0,
            use_cases_on_plan: 1,
            use_cases_partial: 0,
            use_cases_none: -2,
        }
    }
}

/// The configurable 90-day fit-tag rule (see the module doc).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitTagRule {
    /// Deal-outcome column: only won deals are tagged (`None`: every row).
    pub outcome: Option<String>,
    /// Flag column: the champion changed or left within 90 days.
    pub champion_changed: Option<String>,
    /// Numeric column: adoption at day 90 (e.g. share of seats active).
    pub adoption: Option<String>,
    /// Adoption at or above this is on plan (default 0.5).
    pub adoption_threshold: f64,
    /// AE-committed use cases (default `None`: not measurable).
    pub use_cases: Option<UseCaseColumns>,
    /// Close-date column (for `as_of` and the 180-day review).
    pub close_date: Option<String>,
    /// Points per reading.
    pub points: TagPoints,
    /// Minimum points of a strong tag (default 3).
    pub strong_min: i32,
    /// Minimum points of a near tag (default 1); fewer is bad.
    pub near_min: i32,
}

impl Default for FitTagRule {
    fn default() -> Self {
        Self {
            outcome: Some("outcome".into()),
            champion_changed: Some("champion_changed".into()),
            adoption: Some("adoption_90d".into()),
            adoption_threshold: 0.5,
            use_cases: None,
            close_date: Some("close_date".into()),
            points: TagPoints::default(),
            strong_min: 3,
            near_min: 1,
        }
    }
}

impl FitTagRule {
    /// The defaults, without the columns `table` lacks (those signals become
    /// not measurable).
    pub fn for_table(table: &AccountTable) -> Self {
        let has = |c: &str| table.schema().index_of(c).is_ok();
        let keep = |c: Option<String>| c.filter(|n| has(n));
        let d = Self::default();
        let use_cases = if has("use_cases_active") {
            Some(UseCaseColumns::Counts {
                active: "use_cases_active".into(),
                committed: has("use_cases_committed").then(|| "use_cases_committed".into()),
            })
        } else if has("use_cases_active_share") {
            Some(UseCaseColumns::Share {
                column: "use_cases_active_share".into(),
                on_plan: 0.5,
            })
        } else {
            None
        };
        Self {
            outcome: keep(d.outcome),
            champion_changed: keep(d.champion_changed),
            adoption: keep(d.adoption),
            close_date: keep(d.close_date),
            use_cases,
            ..d
        }
    }

    /// Checks the thresholds: `strong_min > near_min`, a finite adoption
    /// threshold, a use-case `on_plan` share in (0, 1].
    pub fn check(&self) -> Result<()> {
        if let Some(UseCaseColumns::Share { on_plan, .. }) = &self.use_cases
            && !(*on_plan > 0.0 && *on_plan <= 1.0)
        {
            return Err(Error::invalid(
                "use_cases.on_plan",
                format!("{on_plan} must lie in (0, 1]"),
            ));
        }
        if self.strong_min <= self.near_min {
            return Err(Error::invalid(
                "strong_min",
                format!(
                    "{} must be above near_min = {}",
                    self.strong_min, self.near_min
                ),
            ));
        }
        if !self.adoption_threshold.is_finite() {
            return Err(Error::invalid(
                "adoption_threshold",
                format!("{} must be finite", self.adoption_threshold),
            ));
        }
        Ok(())
    }

    /// The tag of a points total.
    pub fn tag_of(&self, points: i32) -> FitTag {
        if points >= self.strong_min {
            FitTag::Strong
        } else if points >= self.near_min {
            FitTag::Near
        } else {
            FitTag::Bad
        }
    }
}

/// ICP segment match at signing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IcpMatch {
    /// Tier A/B, or fits the mask.
    Confirmed,
    /// Tier C.
    Approximate,
    /// Tier D, or fails the mask.
    Mismatch,
}

impl IcpMatch {
    /// Stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::Approximate => "approximate",
            Self::Mismatch => "clear mismatch",
        }
    }
}

/// Where the ICP match at signing comes from.
#[derive(Debug, Clone, Copy)]
pub enum IcpMatchSource<'a> {
    /// Tiers from the scoring engine: A/B confirmed, C approximate, D
    /// mismatch; rows out of scope unknown.
    Scores(&'a FitScores),
    /// A fit mask: right fit confirmed, else mismatch; unknown fit unknown.
    Fit(&'a Fit),
}

impl IcpMatchSource<'_> {
    fn len(&self) -> usize {
        match self {
            Self::Scores(s) => s.len(),
            Self::Fit(f) => f.fit.len(),
        }
    }
    fn read(&self, i: usize) -> (Option<IcpMatch>, Option<Tier>) {
        match self {
            Self::Scores(s) => {
                let t = s.tier(i);
                let m = t.map(|t| match t {
                    Tier::A | Tier::B => IcpMatch::Confirmed,
                    Tier::C => IcpMatch::Approximate,
                    Tier::D => IcpMatch::Mismatch,
                });
                (m, t)
            }
            Self::Fit(f) => (
                f.right_fit(i).map(|ok| {
                    if ok {
                        IcpMatch::Confirmed
                    } else {
                        IcpMatch::Mismatch
                    }
                }),
                None,
            ),
        }
    }
}

/// The AE-committed use-case reading of one customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UseCaseState {
    /// No use-case columns: not measurable.
    NotMeasurable,
    /// The value is missing for this customer.
    Missing,
    /// Two or more, or all committed, active.
    OnPlan,
    /// One active.
    Partial,
    /// None active.
    None,
}

/// Why a row has no computed tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TagStatus {
    /// Tagged.
    Tagged,
    /// Not a customer (outcome other than won).
    NotCustomer,
    /// Closed fewer than 90 days before `as_of`.
    NotYetDue,
    /// ICP match at signing unknown.
    IcpUnknown,
}

/// Which signal a reason is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// ICP segment match at signing.
    IcpMatch,
    /// Adoption at day 90.
    Adoption,
    /// Champion stability.
    Champion,
    /// AE-committed use cases active.
    UseCases,
}

/// One reason of a tag: a signal, what was read, the points it added.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TagReason {
    /// The signal.
    pub signal: Signal,
    /// The reading, in words ("adoption 0.31 below 0.5").
    pub reading: String,
    /// Points added.
    pub points: i32,
}

/// Computed 90-day fit tags, one entry per table row (columnar).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitTags {
    /// The rule used.
    pub rule: FitTagRule,
    /// Tag per row (`None` when [`TagStatus`] is not `Tagged`).
    pub tags: Vec<Option<FitTag>>,
    /// Status per row.
    pub status: Vec<TagStatus>,
    /// Points per row (0 when untagged).
    pub points: Vec<i32>,
    /// ICP match per row.
    pub icp: Vec<Option<IcpMatch>>,
    /// Tier per row, when the match came from scores.
    pub tier: Vec<Option<Tier>>,
    /// Champion changed per row (`None`: missing or not measured).
    pub champion_changed: Vec<Option<bool>>,
    /// Adoption per row (NaN: missing or not measured).
    pub adoption: Vec<f64>,
    /// Use-case reading per row.
    pub use_cases: Vec<UseCaseState>,
    /// Close date per row (days since 1970-01-01, [`DATE_MISSING`] when
    /// missing or without the column).
    pub close_date: Vec<i32>,
    /// Whether the use-case signal could be measured at all.
    pub use_cases_measurable: bool,
    /// Signals without a column: not measurable from this data (they add
    /// no points and every reason says so).
    pub not_measurable: Vec<Signal>,
    /// Tag counts.
    pub distribution: TagDistribution,
}

/// Counts and shares of strong / near / bad tags.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TagDistribution {
    /// Tagged accounts.
    pub n: usize,
    /// Counts, order strong, near, bad.
    pub counts: [usize; 3],
    /// Shares of `n` (NaN when `n = 0`).
    pub shares: [f64; 3],
    /// Wilson 95 % intervals of the shares.
    pub shares_ci: [(f64, f64); 3],
    /// Evidence level of `n`.
    pub evidence: EvidenceLevel,
}

impl TagDistribution {
    /// The distribution of the tags of `rows` (all rows when `None`).
    pub fn new(tags: &[Option<FitTag>], rows: Option<&[bool]>) -> Result<Self> {
        if let Some(r) = rows
            && r.len() != tags.len()
        {
            return Err(Error::LengthMismatch {
                what: "rows".into(),
                expected: tags.len(),
                found: r.len(),
            });
        }
        let mut counts = [0usize; 3];
        for (i, t) in tags.iter().enumerate() {
            if rows.is_some_and(|r| !r[i]) {
                continue;
            }
            if let Some(t) = t {
                counts[tag_index(*t)] += 1;
            }
        }
        let n: usize = counts.iter().sum();
        let mut shares = [f64::NAN; 3];
        let mut shares_ci = [(f64::NAN, f64::NAN); 3];
        if n > 0 {
            for k in 0..3 {
                shares[k] = counts[k] as f64 / n as f64;
                shares_ci[k] = wilson_interval(counts[k] as f64, n as f64, 0.95)?;
            }
        }
        Ok(Self {
            n,
            counts,
            shares,
            shares_ci,
            evidence: EvidenceLevel::from_n(n),
        })
    }

    /// Count of one tag.
    pub fn count(&self, t: FitTag) -> usize {
        self.counts[tag_index(t)]
    }
    /// Share of one tag.
    pub fn share(&self, t: FitTag) -> f64 {
        self.shares[tag_index(t)]
    }
}

impl fmt::Display for TagDistribution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "n = {}:", self.n)?;
        for (k, t) in TAGS.iter().enumerate() {
            write!(
                f,
                " {} {} ({:.1}%)",
                t,
                self.counts[k],
                self.shares[k] * 100.0
            )?;
        }
        Ok(())
    }
}

/// Computes the 90-day fit tag of every customer (see the module doc).
///
/// `as_of` (days since 1970-01-01) marks customers closed fewer than 90 days
/// before it as not yet due; it needs the rule's close-date column.
///
/// # Errors
/// An invalid rule; unknown or mistyped columns; an unknown outcome value;
/// an ICP source of another length than the table; `as_of` without a
/// close-date column.
pub fn compute_tags(
    table: &AccountTable,
    rule: &FitTagRule,
    icp: IcpMatchSource<'_>,
    as_of: Option<i32>,
) -> Result<FitTags> {
    rule.check()?;
    let n = table.n_rows();
    if icp.len() != n {
        return Err(Error::LengthMismatch {
            what: "ICP match source".into(),
            expected: n,
            found: icp.len(),
        });
    }
    let outcome = rule
        .outcome
        .as_deref()
        .map(|c| parse_column(table, c, &OutcomeMap::<DealOutcome>::new()))
        .transpose()?;
    let champion = rule
        .champion_changed
        .as_deref()
        .map(|c| table.flag(c))
        .transpose()?;
    let adoption = rule
        .adoption
        .as_deref()
        .map(|c| table.numeric(c))
        .transpose()?;
    let close = rule
        .close_date
        .as_deref()
        .map(|c| table.date(c))
        .transpose()?;
    if as_of.is_some() && close.is_none() {
        return Err(Error::invalid(
            "as_of",
            "an as-of date needs the rule's close-date column",
        ));
    }
    let (uc_active, uc_committed, uc_share) = match &rule.use_cases {
        Some(UseCaseColumns::Counts { active, committed }) => (
            Some(table.numeric(active)?),
            committed.as_deref().map(|c| table.numeric(c)).transpose()?,
            None,
        ),
        Some(UseCaseColumns::Share { column, on_plan }) => {
            (Some(table.numeric(column)?), None, Some(*on_plan))
        }
        None => (None, None, None),
    };
    let mut not_measurable = Vec::new();
    for (signal, present) in [
        (Signal::Adoption, adoption.is_some()),
        (Signal::Champion, champion.is_some()),
        (Signal::UseCases, uc_active.is_some()),
    ] {
        if !present {
            not_measurable.push(signal);
        }
    }
    let p = &rule.points;
    let mut out = FitTags {
        rule: rule.clone(),
        tags: vec![None; n],
        status: vec![TagStatus::Tagged; n],
        points: vec![0; n],
        icp: vec![None; n],
        tier: vec![None; n],
        champion_changed: vec![None; n],
        adoption: vec![f64::NAN; n],
        use_cases: vec![UseCaseState::NotMeasurable; n],
        close_date: close.map_or_else(|| vec![DATE_MISSING; n], <[i32]>::to_vec),
        use_cases_measurable: uc_active.is_some(),
        not_measurable,
        distribution: TagDistribution::new(&[], None)?,
    };
    for i in 0..n {
        let (m, tier) = icp.read(i);
        out.icp[i] = m;
        out.tier[i] = tier;
        out.champion_changed[i] = champion.and_then(|c| match c[i] {
            FLAG_MISSING => None,
            v => Some(v == 1),
        });
        out.adoption[i] = adoption.map_or(f64::NAN, |a| a[i]);
        out.use_cases[i] = match uc_active {
            None => UseCaseState::NotMeasurable,
            Some(a) if a[i].is_nan() => UseCaseState::Missing,
            Some(a) if uc_share.is_some() => {
                let on_plan = uc_share.unwrap_or(1.0);
                if a[i] >= on_plan {
                    UseCaseState::OnPlan
                } else if a[i] > 0.0 {
                    UseCaseState::Partial
                } else {
                    UseCaseState::None
                }
            }
            Some(a) => {
                let committed = uc_committed.map_or(f64::NAN, |c| c[i]);
                if a[i] >= 2.0 || (a[i] >= 1.0 && committed > 0.0 && a[i] >= committed) {
                    UseCaseState::OnPlan
                } else if a[i] >= 1.0 {
                    UseCaseState::Partial
                } else {
                    UseCaseState::None
                }
            }
        };
        if let Some(o) = &outcome
            && o[i] != Some(DealOutcome::Won)
        {
            out.status[i] = TagStatus::NotCustomer;
            continue;
        }
        if let Some(day) = as_of
            && (out.close_date[i] == DATE_MISSING || day - out.close_date[i] < TAG_DAY)
        {
            out.status[i] = TagStatus::NotYetDue;
            continue;
        }
        let Some(m) = m else {
            out.status[i] = TagStatus::IcpUnknown;
            continue;
        };
        let mut pts = match m {
            IcpMatch::Confirmed => p.icp_confirmed,
            IcpMatch::Approximate => p.icp_approximate,
            IcpMatch::Mismatch => p.icp_mismatch,
        };
        if !out.adoption[i].is_nan() {
            pts += if out.adoption[i] >= rule.adoption_threshold {
                p.adoption_on_plan
            } else {
                p.adoption_stalled
            };
        }
        pts += match out.champion_changed[i] {
            Some(true) => p.champion_changed,
            Some(false) => p.champion_stable,
            None => 0,
        };
        pts += match out.use_cases[i] {
            UseCaseState::OnPlan => p.use_cases_on_plan,
            UseCaseState::Partial => p.use_cases_partial,
            UseCaseState::None => p.use_cases_none,
            UseCaseState::NotMeasurable | UseCaseState::Missing => 0,
        };
        out.points[i] = pts;
        out.tags[i] = Some(rule.tag_of(pts));
    }
    out.distribution = TagDistribution::new(&out.tags, None)?;
    Ok(out)
}

impl FitTags {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.tags.len()
    }
    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty()
    }

    /// The reasons of row `i`'s tag, one per signal, in the order ICP match,
    /// adoption, champion, use cases. Signals not measured say so with 0
    /// points. Errors for a row out of range.
    pub fn reasons(&self, i: usize) -> Result<Vec<TagReason>> {
        if i >= self.len() {
            return Err(Error::invalid(
                "row",
                format!("row {i} is out of range ({} rows)", self.len()),
            ));
        }
        let (r, p) = (&self.rule, &self.rule.points);
        let mut out = Vec::with_capacity(4);
        let (icp_text, icp_pts) = match (self.icp[i], self.tier[i]) {
            (None, _) => ("ICP match at signing unknown".to_owned(), 0),
            (Some(m), tier) => {
                let pts = match m {
                    IcpMatch::Confirmed => p.icp_confirmed,
                    IcpMatch::Approximate => p.icp_approximate,
                    IcpMatch::Mismatch => p.icp_mismatch,
                };
                let t = tier.map(|t| format!(" (tier {t})")).unwrap_or_default();
                (
                    format!("ICP segment match at signing {}{t}", m.as_str()),
                    pts,
                )
            }
        };
        out.push(TagReason {
            signal: Signal::IcpMatch,
            reading: icp_text,
            points: icp_pts,
        });
        let a = self.adoption[i];
        out.push(match (&r.adoption, a.is_nan()) {
            (None, _) => TagReason {
                signal: Signal::Adoption,
                reading: "adoption at day 90 not measurable (no column)".into(),
                points: 0,
            },
            (Some(_), true) => TagReason {
                signal: Signal::Adoption,
                reading: "adoption at day 90 missing".into(),
                points: 0,
            },
            (Some(_), false) if a >= r.adoption_threshold => TagReason {
                signal: Signal::Adoption,
                reading: format!(
                    "adoption {} on plan (≥ {})",
                    fmt_num(a),
                    fmt_num(r.adoption_threshold)
                ),
                points: p.adoption_on_plan,
            },
            (Some(_), false) => TagReason {
                signal: Signal::Adoption,
                reading: format!(
                    "adoption {} stalled (below {})",
                    fmt_num(a),
                    fmt_num(r.adoption_threshold)
                ),
                points: p.adoption_stalled,
            },
        });
        out.push(match (&r.champion_changed, self.champion_changed[i]) {
            (None, _) => TagReason {
                signal: Signal::Champion,
                reading: "champion stability not measurable (no column)".into(),
                points: 0,
            },
            (Some(_), None) => TagReason {
                signal: Signal::Champion,
                reading: "champion stability missing".into(),
                points: 0,
            },
            (Some(_), Some(true)) => TagReason {
                signal: Signal::Champion,
                reading: "champion changed or left within 90 days".into(),
                points: p.champion_changed,
            },
            (Some(_), Some(false)) => TagReason {
                signal: Signal::Champion,
                reading: "same champion".into(),
                points: p.champion_stable,
            },
        });
        let (text, pts) = match self.use_cases[i] {
            UseCaseState::NotMeasurable => (
                "AE-committed use cases active: not measurable from this data".to_owned(),
                0,
            ),
            UseCaseState::Missing => ("AE-committed use cases active: missing".to_owned(), 0),
            UseCaseState::OnPlan => (
                "AE-committed use cases active: on plan (2+, or all / the on-plan share)"
                    .to_owned(),
                p.use_cases_on_plan,
            ),
            UseCaseState::Partial => (
                "AE-committed use cases active: partly (one)".to_owned(),
                p.use_cases_partial,
            ),
            UseCaseState::None => (
                "AE-committed use cases active: none".to_owned(),
                p.use_cases_none,
            ),
        };
        out.push(TagReason {
            signal: Signal::UseCases,
            reading: text,
            points: pts,
        });
        Ok(out)
    }

    /// Row `i`'s reasons as one line: `"bad (0): ICP … (+0); adoption … (+0); …"`.
    pub fn explain(&self, i: usize) -> Result<String> {
        let reasons = self.reasons(i)?;
        let tag = self.tags[i].map_or("untagged".to_owned(), |t| t.to_string());
        let parts: Vec<String> = reasons
            .iter()
            .map(|r| format!("{} ({:+})", r.reading, r.points))
            .collect();
        Ok(format!("{tag} ({}): {}", self.points[i], parts.join("; ")))
    }

    /// Tag distribution per segment (rows with a missing segment left out).
    pub fn by_segment(&self, seg: &Segmentation) -> Result<Vec<(String, TagDistribution)>> {
        if seg.codes().len() != self.len() {
            return Err(Error::LengthMismatch {
                what: format!("segmentation of `{}`", seg.column),
                expected: self.len(),
                found: seg.codes().len(),
            });
        }
        let mut groups: Vec<Vec<Option<FitTag>>> = vec![Vec::new(); seg.len()];
        for (i, &c) in seg.codes().iter().enumerate() {
            if c != MISSING_CODE {
                groups[c as usize].push(self.tags[i]);
            }
        }
        seg.labels
            .iter()
            .zip(groups)
            .map(|(l, g)| Ok((l.clone(), TagDistribution::new(&g, None)?)))
            .collect()
    }
}

pub(crate) fn fmt_num(x: f64) -> String {
    crate::table::format_number((x * 1000.0).round() / 1000.0)
}

/// Agreement of computed tags with the tags recorded in the data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TagComparison {
    /// Customers with both tags.
    pub compared: usize,
    /// Of those, with the same tag.
    pub agree: usize,
    /// `agree / compared` (NaN when nothing compared).
    pub agreement: f64,
    /// Wilson 95 % interval of the agreement.
    pub agreement_ci: (f64, f64),
    /// Cohen's κ (NaN when undefined).
    pub kappa: f64,
    /// Confusion matrix: `confusion[computed][recorded]`, order strong,
    /// near, bad.
    pub confusion: [[usize; 3]; 3],
    /// Distribution of the computed tags (compared rows).
    pub computed: TagDistribution,
    /// Distribution of the recorded tags (compared rows).
    pub recorded: TagDistribution,
    /// Evidence level of `compared`.
    pub evidence: EvidenceLevel,
}

/// Compares computed tags with recorded ones, row by row (see the module
/// doc). Rows where either is missing take no part.
///
/// # Errors
/// [`Error::LengthMismatch`] for slices of different lengths;
/// [`Error::InsufficientData`] when no row has both tags.
pub fn compare_tags(
    computed: &[Option<FitTag>],
    recorded: &[Option<FitTag>],
) -> Result<TagComparison> {
    if computed.len() != recorded.len() {
        return Err(Error::LengthMismatch {
            what: "recorded tags".into(),
            expected: computed.len(),
            found: recorded.len(),
        });
    }
    let mut confusion = [[0usize; 3]; 3];
    let both: Vec<bool> = computed
        .iter()
        .zip(recorded)
        .map(|(c, r)| c.is_some() && r.is_some())
        .collect();
    for (c, r) in computed.iter().zip(recorded) {
        if let (Some(c), Some(r)) = (c, r) {
            confusion[tag_index(*c)][tag_index(*r)] += 1;
        }
    }
    let compared: usize = confusion.iter().flatten().sum();
    if compared == 0 {
        return Err(Error::InsufficientData {
            what: "tag comparison: customers with a computed and a recorded tag".into(),
            n: 0,
            min: 1,
        });
    }
    let agree = (0..3).map(|k| confusion[k][k]).sum();
    let cells: Vec<f64> = confusion.iter().flatten().map(|&x| x as f64).collect();
    let kappa = cohen_kappa(&Contingency::from_cells(3, 3, cells)?)?;
    Ok(TagComparison {
        compared,
        agree,
        agreement: agree as f64 / compared as f64,
        agreement_ci: wilson_interval(agree as f64, compared as f64, 0.95)?,
        kappa,
        confusion,
        computed: TagDistribution::new(computed, Some(&both))?,
        recorded: TagDistribution::new(recorded, Some(&both))?,
        evidence: EvidenceLevel::from_n(compared),
    })
}

/// The fit tags recorded in a categorical column (e.g. `fit_tag_90d`),
/// parsed with [`FitTag`]'s spellings.
pub fn recorded_tags(table: &AccountTable, column: &str) -> Result<Vec<Option<FitTag>>> {
    parse_column(table, column, &OutcomeMap::<FitTag>::new())
}

/// The account label of row `i`: the id column's value, else `row i`.
pub(crate) fn account_label(table: &AccountTable, i: usize) -> String {
    table
        .schema()
        .id_column()
        .and_then(|f| table.column(&f.name).ok())
        .and_then(|c| c.display_value(i))
        .unwrap_or_else(|| format!("row {i}"))
}

#[cfg(test)]
mod tests;
