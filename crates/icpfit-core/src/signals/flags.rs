//! Seed 004's stage 2 and the "this deal shouldn't have closed" signal.
//!
//! # Bad-fit flags ([`bad_fit_flags`])
//!
//! One flag per bad-tagged customer (computed tags, or recorded ones passed
//! in), with every gap its signals show:
//! * **ICP mismatch** ([`GapType::IcpMismatch`]): a clear ICP mismatch at
//!   signing (tier D, or fails the fit mask);
//! * **use-case mismatch** ([`GapType::UseCaseMismatch`]): no AE-committed use
//!   case active at day 90; when use cases are not measurable, stalled
//!   adoption (below the rule's threshold) stands in for it and the evidence
//!   says so;
//! * **champion vulnerability** ([`GapType::ChampionVulnerability`]): the
//!   champion changed or left within 90 days.
//!
//! The primary gap is the first present in that order (the structural one
//! first). A bad tag with no measured gap has no primary gap and its
//! evidence asks for the tag to be reviewed (seed 004: "a CSM who flags
//! everything as bad-fit loses credibility"). The evidence is two sentences:
//! the tag with its points and readings, then what the gap means. The route
//! is the AE who closed the deal (`ae` column when present), the RevOps lead
//! and the CS manager (`cs_manager` column when present; names are left
//! empty otherwise).
//!
//! # Watch list ([`watch_list`])
//!
//! Near-fit customers, with a review date 180 days after close, sorted by
//! review date (missing dates last); with an `as_of` date, those past their
//! review date are marked overdue.
//!
//! # Underperformers ([`underperformers`])
//!
//! An underperforming customer is one whose current ARR is below its
//! starting ARR (churned or contracted). Each gets one class:
//! 1. **bad fit by design** — clear ICP mismatch at signing, or no
//!    committed use case active: response "ICP flag to Sales + Marketing";
//! 2. **good fit, external disruption** — the champion changed or left.
//!    This is the one disruption the data records (budget freezes and M&A
//!    are not in a CRM export): response "AE re-engagement, executive
//!    relationship";
//! 3. **good fit, poor adoption** — adoption below the threshold: response
//!    "CS coaching, playbook update";
//! 4. **good fit, unexplained** — none of the above; counted apart rather
//!    than forced into a class.

use super::{FitTags, IcpMatch, UseCaseState, account_label, fmt_num};
use crate::error::{Error, Result};
use crate::evidence::EvidenceLevel;
use crate::outcome::FitTag;
use crate::table::{AccountTable, DATE_MISSING, date::format_iso};
use serde::{Deserialize, Serialize};

/// The type of gap behind a bad-fit flag (seed 004).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GapType {
    /// The account did not match the ICP at signing.
    IcpMismatch,
    /// The committed use cases are not being pursued.
    UseCaseMismatch,
    /// The champion changed or left.
    ChampionVulnerability,
}

impl GapType {
    /// Stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::IcpMismatch => "icp_mismatch",
            Self::UseCaseMismatch => "use_case_mismatch",
            Self::ChampionVulnerability => "champion_vulnerability",
        }
    }
}

/// Who a flag goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteRole {
    /// The AE who closed the deal: context and accountability.
    AccountExecutive,
    /// The RevOps lead: pattern tracking.
    RevOps,
    /// The CSM's manager: coaching and workload.
    CsManager,
}

/// One recipient of a flag.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recipient {
    /// The role.
    pub role: RouteRole,
    /// The person, when the data names them.
    pub name: Option<String>,
}

/// Columns the flags and the watch list read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlagOptions {
    /// The AE column (default `ae`).
    pub ae: Option<String>,
    /// The CS-manager column (default none).
    pub cs_manager: Option<String>,
    /// Starting ARR column (default `start_arr`).
    pub start_arr: Option<String>,
    /// Current ARR column (default `current_arr`).
    pub current_arr: Option<String>,
}

impl Default for FlagOptions {
    fn default() -> Self {
        Self {
            ae: Some("ae".into()),
            cs_manager: None,
            start_arr: Some("start_arr".into()),
            current_arr: Some("current_arr".into()),
        }
    }
}

impl FlagOptions {
    /// The defaults restricted to the columns `table` has (`cs_manager`
    /// picked up when present).
    pub fn for_table(table: &AccountTable) -> Self {
        let has = |c: &str| table.schema().index_of(c).is_ok();
        let keep = |c: Option<String>| c.filter(|n| has(n));
        let d = Self::default();
        Self {
            ae: keep(d.ae),
            cs_manager: keep(Some("cs_manager".into())),
            start_arr: keep(d.start_arr),
            current_arr: keep(d.current_arr),
        }
    }
}

fn text_of(table: &AccountTable, column: &Option<String>, i: usize) -> Result<Option<String>> {
    match column {
        None => Ok(None),
        Some(c) => Ok(table.column(c)?.display_value(i)),
    }
}

fn check_len(tags: &[Option<FitTag>], readings: &FitTags, table: &AccountTable) -> Result<()> {
    for (what, len) in [("tags", tags.len()), ("readings", readings.len())] {
        if len != table.n_rows() {
            return Err(Error::LengthMismatch {
                what: what.into(),
                expected: table.n_rows(),
                found: len,
            });
        }
    }
    Ok(())
}

/// A bad-fit flag, ready for the shared revenue review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BadFitFlag {
    /// Row in the table.
    pub row: usize,
    /// Account id (or `row i`).
    pub account: String,
    /// Every gap present.
    pub gaps: Vec<GapType>,
    /// The primary gap (`None`: the tag shows no measured gap).
    pub primary: Option<GapType>,
    /// Two-sentence evidence summary.
    pub evidence: String,
    /// AE, RevOps, CS manager.
    pub route: Vec<Recipient>,
    /// Close date (ISO).
    pub close_date: Option<String>,
    /// Starting ARR (NaN when unknown).
    pub start_arr: f64,
}

/// The gaps of row `i` per the module doc, and whether the use-case gap was
/// read from adoption.
fn gaps_of(r: &FitTags, i: usize) -> (Vec<GapType>, bool) {
    let mut gaps = Vec::new();
    if r.icp[i] == Some(IcpMatch::Mismatch) {
        gaps.push(GapType::IcpMismatch);
    }
    let mut from_adoption = false;
    match r.use_cases[i] {
        UseCaseState::None => gaps.push(GapType::UseCaseMismatch),
        UseCaseState::NotMeasurable | UseCaseState::Missing
            if r.adoption[i] < r.rule.adoption_threshold =>
        {
            gaps.push(GapType::UseCaseMismatch);
            from_adoption = true;
        }
        _ => {}
    }
    if r.champion_changed[i] == Some(true) {
        gaps.push(GapType::ChampionVulnerability);
    }
    (gaps, from_adoption)
}

/// Bad-fit flags for every row tagged bad in `tags` (computed or recorded),
/// with the signal readings of `readings` (see the module doc).
///
/// # Errors
/// Slices of another length than the table; unknown or mistyped columns.
pub fn bad_fit_flags(
    table: &AccountTable,
    tags: &[Option<FitTag>],
    readings: &FitTags,
    opts: &FlagOptions,
) -> Result<Vec<BadFitFlag>> {
    check_len(tags, readings, table)?;
    let start = opts
        .start_arr
        .as_deref()
        .map(|c| table.numeric(c))
        .transpose()?;
    let mut out = Vec::new();
    for (i, t) in tags.iter().enumerate() {
        if *t != Some(FitTag::Bad) {
            continue;
        }
        let (gaps, from_adoption) = gaps_of(readings, i);
        let primary = gaps.first().copied();
        let readings_text: Vec<String> = readings
            .reasons(i)?
            .into_iter()
            .map(|r| format!("{} ({:+})", r.reading, r.points))
            .collect();
        let first = format!(
            "Tagged bad fit at day 90 ({} points{}{}).",
            readings.points[i],
            if readings_text.is_empty() { "" } else { ": " },
            readings_text.join(", ")
        );
        let second = match primary {
            Some(GapType::IcpMismatch) => {
                "The account did not match the ICP at signing: the deal was structurally wrong at close.".to_owned()
            }
            Some(GapType::UseCaseMismatch) if from_adoption => format!(
                "Adoption stalled at {} (use-case activity is not measurable from this data; stalled adoption stands in for it): the committed use case is not being pursued.",
                fmt_num(readings.adoption[i])
            ),
            Some(GapType::UseCaseMismatch) => {
                "No AE-committed use case is active at day 90: the customer bought for a problem the product does not solve for them.".to_owned()
            }
            Some(GapType::ChampionVulnerability) => {
                "The champion changed or left within 90 days: the renewal has no sponsor.".to_owned()
            }
            None => "No measured gap supports the tag: review the tag before routing it.".to_owned(),
        };
        let route = vec![
            Recipient {
                role: RouteRole::AccountExecutive,
                name: text_of(table, &opts.ae, i)?,
            },
            Recipient {
                role: RouteRole::RevOps,
                name: None,
            },
            Recipient {
                role: RouteRole::CsManager,
                name: text_of(table, &opts.cs_manager, i)?,
            },
        ];
        let cd = readings.close_date[i];
        out.push(BadFitFlag {
            row: i,
            account: account_label(table, i),
            gaps,
            primary,
            evidence: format!("{first} {second}"),
            route,
            close_date: (cd != DATE_MISSING).then(|| format_iso(cd)),
            start_arr: start.map_or(f64::NAN, |s| s[i]),
        });
    }
    Ok(out)
}

/// A near-fit customer on the watch list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WatchItem {
    /// Row in the table.
    pub row: usize,
    /// Account id (or `row i`).
    pub account: String,
    /// Close date (ISO).
    pub close_date: Option<String>,
    /// Review date: close + 180 days (ISO).
    pub review_date: Option<String>,
    /// Past its review date at `as_of`.
    pub overdue: bool,
    /// The AE.
    pub ae: Option<String>,
    /// The tag's reasons in one line.
    pub reasons: String,
}

/// The near-fit watch list (see the module doc).
///
/// # Errors
/// Slices of another length than the table; unknown or mistyped columns.
pub fn watch_list(
    table: &AccountTable,
    tags: &[Option<FitTag>],
    readings: &FitTags,
    opts: &FlagOptions,
    as_of: Option<i32>,
) -> Result<Vec<WatchItem>> {
    check_len(tags, readings, table)?;
    let mut rows: Vec<(i32, usize)> = tags
        .iter()
        .enumerate()
        .filter(|(_, t)| **t == Some(FitTag::Near))
        .map(|(i, _)| {
            let cd = readings.close_date[i];
            let review = if cd == DATE_MISSING {
                i32::MAX
            } else {
                cd.saturating_add(super::REVIEW_DAY)
            };
            (review, i)
        })
        .collect();
    rows.sort_unstable();
    rows.into_iter()
        .map(|(review, i)| {
            let known = review != i32::MAX;
            let cd = readings.close_date[i];
            Ok(WatchItem {
                row: i,
                account: account_label(table, i),
                close_date: (cd != DATE_MISSING).then(|| format_iso(cd)),
                review_date: known.then(|| format_iso(review)),
                overdue: known && as_of.is_some_and(|d| d > review),
                ae: text_of(table, &opts.ae, i)?,
                reasons: readings.explain(i)?,
            })
        })
        .collect()
}

/// Why an account underperforms (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnderperformerClass {
    /// ICP mismatch or wrong use case committed.
    BadFitByDesign,
    /// Good fit, champion changed or left.
    GoodFitExternalDisruption,
    /// Good fit, adoption below the threshold.
    GoodFitPoorAdoption,
    /// Good fit, no measured cause.
    GoodFitUnexplained,
}

impl UnderperformerClass {
    /// All classes, in report order.
    pub const ALL: [Self; 4] = [
        Self::BadFitByDesign,
        Self::GoodFitExternalDisruption,
        Self::GoodFitPoorAdoption,
        Self::GoodFitUnexplained,
    ];
    /// The seed's upstream response.
    pub fn response(self) -> &'static str {
        match self {
            Self::BadFitByDesign => "ICP flag to Sales + Marketing",
            Self::GoodFitExternalDisruption => "AE re-engagement, executive relationship",
            Self::GoodFitPoorAdoption => "CS coaching, playbook update",
            Self::GoodFitUnexplained => "CS review of the account: no measured cause",
        }
    }
    /// Stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadFitByDesign => "bad_fit_by_design",
            Self::GoodFitExternalDisruption => "good_fit_external_disruption",
            Self::GoodFitPoorAdoption => "good_fit_poor_adoption",
            Self::GoodFitUnexplained => "good_fit_unexplained",
        }
    }
}

/// One underperforming customer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Underperformer {
    /// Row in the table.
    pub row: usize,
    /// Its class.
    pub class: UnderperformerClass,
    /// Churned (current ARR 0) rather than contracted.
    pub churned: bool,
    /// ARR lost (start − current).
    pub arr_lost: f64,
}

/// One class's line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnderperformerClassRow {
    /// The class.
    pub class: UnderperformerClass,
    /// Underperformers in it.
    pub accounts: usize,
    /// Of them churned.
    pub churned: usize,
    /// Share of all underperformers.
    pub share: f64,
    /// ARR lost.
    pub arr_lost: f64,
    /// The upstream response.
    pub response: String,
}

/// The underperformer classes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Underperformers {
    /// How an underperformer and the classes are defined.
    pub definition: String,
    /// Customers with known starting and current ARR and a known ICP match.
    pub customers: usize,
    /// Underperformers among them.
    pub n: usize,
    /// One row per class, in [`UnderperformerClass::ALL`] order.
    pub classes: Vec<UnderperformerClassRow>,
    /// Every underperformer.
    pub accounts: Vec<Underperformer>,
    /// Evidence level of `n`.
    pub evidence: EvidenceLevel,
}

/// Classifies the underperforming customers (see the module doc). Rows
/// must be customers in `readings` (status tagged); ARR columns come from
/// `opts`.
///
/// # Errors
/// `readings` of another length than the table; missing ARR columns in
/// `opts` ([`Error::InvalidArgument`]); unknown or mistyped columns.
pub fn underperformers(
    table: &AccountTable,
    readings: &FitTags,
    opts: &FlagOptions,
) -> Result<Underperformers> {
    if readings.len() != table.n_rows() {
        return Err(Error::LengthMismatch {
            what: "readings".into(),
            expected: table.n_rows(),
            found: readings.len(),
        });
    }
    let (Some(sc), Some(cc)) = (&opts.start_arr, &opts.current_arr) else {
        return Err(Error::invalid(
            "opts",
            "underperformers need the starting and current ARR columns",
        ));
    };
    let (start, cur) = (table.numeric(sc)?, table.numeric(cc)?);
    let mut accounts = Vec::new();
    let mut customers = 0;
    for i in 0..table.n_rows() {
        if readings.tags[i].is_none() || start[i].is_nan() || start[i] <= 0.0 || cur[i].is_nan() {
            continue;
        }
        customers += 1;
        if cur[i] >= start[i] {
            continue;
        }
        let class = if readings.icp[i] == Some(IcpMatch::Mismatch)
            || readings.use_cases[i] == UseCaseState::None
        {
            UnderperformerClass::BadFitByDesign
        } else if readings.champion_changed[i] == Some(true) {
            UnderperformerClass::GoodFitExternalDisruption
        } else if readings.adoption[i] < readings.rule.adoption_threshold {
            UnderperformerClass::GoodFitPoorAdoption
        } else {
            UnderperformerClass::GoodFitUnexplained
        };
        accounts.push(Underperformer {
            row: i,
            class,
            churned: cur[i] == 0.0,
            arr_lost: start[i] - cur[i],
        });
    }
    let n = accounts.len();
    let classes = UnderperformerClass::ALL
        .iter()
        .map(|&class| {
            let of: Vec<&Underperformer> = accounts.iter().filter(|u| u.class == class).collect();
            UnderperformerClassRow {
                class,
                accounts: of.len(),
                churned: of.iter().filter(|u| u.churned).count(),
                share: if n > 0 {
                    of.len() as f64 / n as f64
                } else {
                    f64::NAN
                },
                arr_lost: of.iter().map(|u| u.arr_lost).sum(),
                response: class.response().to_owned(),
            }
        })
        .collect();
    Ok(Underperformers {
        definition: format!(
            "underperformer: a tagged customer whose current ARR is below its starting ARR (churned or contracted); bad fit by design: clear ICP mismatch at signing or no committed use case active; external disruption: the champion changed or left (the one disruption this data records; budget freezes and M&A are not in it); poor adoption: adoption below {}; unexplained: none of these",
            fmt_num(readings.rule.adoption_threshold)
        ),
        customers,
        n,
        classes,
        accounts,
        evidence: EvidenceLevel::from_n(n),
    })
}
