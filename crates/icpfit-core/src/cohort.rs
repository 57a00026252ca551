//! Cohorts: named sets of rows of an [`AccountTable`], held as a [`Bitmap`]
//! over the table (one bit per row, never a copy of the rows), with their
//! size and sample-size [`EvidenceLevel`] (< 20 hypothesis, 20–49
//! indicative, 50+ meaningful, 100+ cohort analysis).
//!
//! Builders:
//! * by composite quality ([`quality_cohorts`]): best = top 20 %,
//!   problematic = bottom 20 %, average = the rest (cut-offs configurable);
//! * by deal outcome ([`outcome_cohorts`]): won / lost / no decision / open;
//! * by predicate ([`predicate_cohort`]): a conjunction of the ICP's own
//!   [`Criterion`] type — one predicate type for ICPs and cohorts;
//! * by segment ([`Segmentation`]): one cohort per level of a categorical or
//!   flag column, or per bin of a numeric column;
//! * by close-quarter window ([`quarter_cohort`], [`Segmentation::by_quarter`]);
//! * by product ([`product_cohort`]).
//!
//! A [`CohortPair`] (best vs problematic, won vs lost, …) feeds the profile
//! ([`CohortPair::profile`]) and the predictor ranking
//! ([`CohortPair::target`], [`CohortPair::rank`]) directly.

use crate::error::{Error, Result};
use crate::evidence::EvidenceLevel;
use crate::icp::{BoundCriterion, Criterion, Levels, Predicate, Section};
use crate::outcome::{DealOutcome, OutcomeKind, OutcomeMap, parse_column};
use crate::profile::{Profile, ProfileOptions};
use crate::quality::QualityScores;
use crate::rank::{RankOptions, Ranking, Target, rank};
use crate::stats::binning::{bin_codes, quantile_cuts};
use crate::table::date::civil_from_days;
use crate::table::{
    AccountTable, Bitmap, Column, DATE_MISSING, FLAG_MISSING, MISSING_CODE, format_number,
};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A named set of rows of one table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cohort {
    /// Short name ("best", "won", "industry = fintech").
    pub name: String,
    /// How it was built, in words.
    pub definition: String,
    /// Number of rows.
    pub size: usize,
    /// Evidence level of `size`.
    pub evidence: EvidenceLevel,
    #[serde(skip)]
    rows: Bitmap,
}

impl Cohort {
    /// A cohort of the set bits of `rows`.
    pub fn new(name: impl Into<String>, definition: impl Into<String>, rows: Bitmap) -> Self {
        let size = rows.count_ones();
        Self {
            name: name.into(),
            definition: definition.into(),
            size,
            evidence: EvidenceLevel::from_n(size),
            rows,
        }
    }
    /// Every row of the table.
    pub fn all(table: &AccountTable) -> Self {
        Self::new("all", "every account", Bitmap::new(table.n_rows(), true))
    }
    /// From a row mask.
    pub fn from_mask(name: impl Into<String>, mask: &[bool]) -> Self {
        let name = name.into();
        Self::new(name.clone(), name, Bitmap::from_bools(mask))
    }
    /// From row indices (an index set) over a table of `n_rows` rows;
    /// an index out of range is an error.
    pub fn from_indices(name: impl Into<String>, n_rows: usize, indices: &[usize]) -> Result<Self> {
        let mut rows = Bitmap::new(n_rows, false);
        for &i in indices {
            if i >= n_rows {
                return Err(Error::invalid(
                    "indices",
                    format!("row {i} is out of range (table has {n_rows} rows)"),
                ));
            }
            rows.set(i, true);
        }
        let name = name.into();
        Ok(Self::new(name.clone(), name, rows))
    }
    /// The rows, as a bitmap over the table.
    pub fn rows(&self) -> &Bitmap {
        &self.rows
    }
    /// The row indices, ascending.
    pub fn indices(&self) -> Vec<usize> {
        self.rows.ones().collect()
    }
    /// Whether row `i` is in the cohort.
    pub fn contains(&self, i: usize) -> bool {
        self.rows.get(i)
    }
    /// Rows of the table the cohort is over.
    pub fn n_rows(&self) -> usize {
        self.rows.len()
    }
    /// Whether the cohort has no rows.
    pub fn is_empty(&self) -> bool {
        self.size == 0
    }
    /// The rows in both cohorts, named `self ∩ other` unless renamed.
    pub fn and(&self, other: &Cohort) -> Cohort {
        let name = format!("{} ∩ {}", self.name, other.name);
        Cohort::new(name.clone(), name, self.rows.and(&other.rows))
    }
    /// The rows in either cohort.
    pub fn or(&self, other: &Cohort) -> Cohort {
        let name = format!("{} ∪ {}", self.name, other.name);
        Cohort::new(name.clone(), name, self.rows.or(&other.rows))
    }
    /// The rows of `self` not in `other`.
    pub fn minus(&self, other: &Cohort) -> Cohort {
        let name = format!("{} − {}", self.name, other.name);
        Cohort::new(name.clone(), name, self.rows.and_not(&other.rows))
    }
    /// The same rows under another name.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }
    /// Checks that the cohort is over a table of `n` rows.
    pub(crate) fn check_len(&self, n: usize) -> Result<()> {
        if self.rows.len() != n {
            return Err(Error::LengthMismatch {
                what: format!("cohort `{}`", self.name),
                expected: n,
                found: self.rows.len(),
            });
        }
        Ok(())
    }
}

impl fmt::Display for Cohort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (n={}, {})", self.name, self.size, self.evidence)
    }
}

/// Two cohorts to compare: `a` (best, won) against `b` (problematic, lost).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CohortPair {
    /// The reference side.
    pub a: Cohort,
    /// The other side.
    pub b: Cohort,
    /// Evidence level of the comparison (from the smaller side).
    pub evidence: EvidenceLevel,
}

impl CohortPair {
    /// A pair over the same table. Errors: cohorts over tables of different
    /// sizes ([`Error::LengthMismatch`]); both empty
    /// ([`Error::InsufficientData`]); one empty ([`Error::OneClass`], naming
    /// the only side present). Overlapping cohorts are allowed here (a
    /// profile of "best vs everyone" is meaningful) but not by
    /// [`target`](Self::target).
    pub fn new(a: Cohort, b: Cohort) -> Result<Self> {
        b.check_len(a.n_rows())?;
        let target = format!("{} vs {}", a.name, b.name);
        match (a.size, b.size) {
            (0, 0) => Err(Error::InsufficientData {
                what: format!("cohorts `{}` and `{}` (both empty)", a.name, b.name),
                n: 0,
                min: 1,
            }),
            (_, 0) => Err(Error::OneClass {
                target,
                class: a.name.clone(),
            }),
            (0, _) => Err(Error::OneClass {
                target,
                class: b.name.clone(),
            }),
            (na, nb) => Ok(Self {
                evidence: EvidenceLevel::from_n(na.min(nb)),
                a,
                b,
            }),
        }
    }
    /// The ranking target: `a` positive, `b` negative, other rows left out.
    /// A row in both cohorts is an error.
    pub fn target(&self) -> Result<Target> {
        Target::from_masks(
            &self.a.rows.to_bools(),
            &self.b.rows.to_bools(),
            &self.a.name,
            &self.b.name,
        )
    }
    /// The profile of `a` against `b` ([`Profile::of_pair`]).
    pub fn profile(&self, table: &AccountTable, opts: &ProfileOptions) -> Result<Profile> {
        Profile::of_pair(table, self, opts)
    }
    /// The predictor ranking of what separates `a` from `b`.
    pub fn rank(
        &self,
        table: &AccountTable,
        weights: Option<&[f64]>,
        opts: &RankOptions,
    ) -> Result<Ranking> {
        rank(table, &self.target()?, weights, opts)
    }
}

/// The rows matching every criterion (an empty list matches every row).
///
/// Each criterion is resolved with [`BoundCriterion::bind`] as a *primary*
/// (must-have) criterion, with lenient levels (a level absent from the table
/// matches no row unless it looks like a typo of a present one, which is an
/// error), and evaluated with [`BoundCriterion::mask`]; the conjunction is
/// the AND of the masks. A missing value follows the criterion's
/// [`crate::icp::MissingPolicy`] as a primary criterion: `no_match` (the
/// default) and `fail` leave the row out, `neutral` keeps it.
pub fn predicate_mask(table: &AccountTable, criteria: &[Criterion]) -> Result<Bitmap> {
    let mut mask = Bitmap::new(table.n_rows(), true);
    for (bit, c) in criteria.iter().enumerate() {
        let bound =
            BoundCriterion::bind("cohort", c, Section::Primary, bit, table, Levels::Lenient)
                .map_err(|e| match e {
                    Error::InvalidIcp {
                        criterion, message, ..
                    } => Error::invalid(
                        format!("criterion `{}`", criterion.unwrap_or_default()),
                        message,
                    ),
                    other => other,
                })?;
        mask = mask.and(&bound.mask(table));
    }
    Ok(mask)
}

/// The cohort of rows matching every criterion (see [`predicate_mask`]).
pub fn predicate_cohort(
    table: &AccountTable,
    name: impl Into<String>,
    criteria: &[Criterion],
) -> Result<Cohort> {
    let rows = predicate_mask(table, criteria)?;
    let definition = if criteria.is_empty() {
        "every account".to_owned()
    } else {
        criteria
            .iter()
            .map(Criterion::describe)
            .collect::<Vec<_>>()
            .join(" AND ")
    };
    Ok(Cohort::new(name, definition, rows))
}

/// The accounts that bought `product` (`product_column = product`).
pub fn product_cohort(table: &AccountTable, product_column: &str, product: &str) -> Result<Cohort> {
    let c = Criterion::new(
        "product",
        product_column,
        Predicate::In(vec![product.to_owned()]),
    );
    predicate_cohort(table, format!("{product_column} = {product}"), &[c])
}

/// Shares of the scored accounts that make the best and the problematic
/// cohorts (default 0.2 each).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualityCuts {
    /// Share at the top (default 0.2).
    pub best: f64,
    /// Share at the bottom (default 0.2).
    pub problematic: f64,
}

impl Default for QualityCuts {
    fn default() -> Self {
        Self {
            best: 0.2,
            problematic: 0.2,
        }
    }
}

impl QualityCuts {
    /// Both shares in `(0, 1)` and summing to at most 1.
    pub fn check(&self) -> Result<()> {
        for (name, v) in [("best", self.best), ("problematic", self.problematic)] {
            if !(v > 0.0 && v < 1.0) {
                return Err(Error::invalid(
                    format!("cuts.{name}"),
                    format!("{v} must lie strictly between 0 and 1"),
                ));
            }
        }
        if self.best + self.problematic > 1.0 + 1e-12 {
            return Err(Error::invalid(
                "cuts",
                format!(
                    "best {} + problematic {} exceed 1",
                    self.best, self.problematic
                ),
            ));
        }
        Ok(())
    }
}

/// Best / average / problematic customers by composite quality.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QualityCohorts {
    /// Scores strictly above `best_threshold`.
    pub best: Cohort,
    /// Scored, in neither of the others.
    pub average: Cohort,
    /// Scores at or below `problematic_threshold`.
    pub problematic: Cohort,
    /// The `1 − cuts.best` quantile of the scores.
    pub best_threshold: f64,
    /// The `cuts.problematic` quantile of the scores.
    pub problematic_threshold: f64,
    /// The cut-offs used.
    pub cuts: QualityCuts,
}

impl QualityCohorts {
    /// Best vs problematic.
    pub fn best_vs_problematic(&self) -> Result<CohortPair> {
        CohortPair::new(self.best.clone(), self.problematic.clone())
    }
    /// Best vs everyone else scored (average and problematic).
    pub fn best_vs_rest(&self) -> Result<CohortPair> {
        let rest = self.average.or(&self.problematic).named("rest");
        CohortPair::new(self.best.clone(), rest)
    }
}

/// The type-1 (inverted empirical CDF) quantile of an ascending sample:
/// `sorted[⌈n·p⌉ − 1]` (with `n·p` rounded to 1e-9 first, so that
/// `100 × 0.8` is 80, not 80.000…1). Reference:
/// `numpy.quantile(x, p, method="inverted_cdf")`.
pub fn inverted_cdf_quantile(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let k = ((n as f64 * p) - 1e-9).ceil().clamp(1.0, n as f64) as usize;
    sorted[k - 1]
}

/// Best, average and problematic cohorts from composite quality scores.
///
/// With the scored accounts' scores sorted ascending and `Q(p)` their
/// [`inverted_cdf_quantile`]: **best** = score `> Q(1 − cuts.best)`,
/// **problematic** = score `≤ Q(cuts.problematic)`, **average** = every
/// other scored account. Without ties best holds `⌊n·best⌋` accounts and
/// problematic `⌈n·problematic⌉`; tied scores at a cut all fall on the same
/// side (never split by row order), so ties can shrink a cohort, even to
/// empty — its size says so. Unscored rows are in no cohort.
pub fn quality_cohorts(scores: &QualityScores, cuts: &QualityCuts) -> Result<QualityCohorts> {
    cuts.check()?;
    let mut sorted: Vec<f64> = scores
        .score
        .iter()
        .copied()
        .filter(|s| !s.is_nan())
        .collect();
    if sorted.is_empty() {
        return Err(Error::InsufficientData {
            what: "scored accounts for quality cohorts".into(),
            n: 0,
            min: 1,
        });
    }
    sorted.sort_unstable_by(f64::total_cmp);
    let hi = inverted_cdf_quantile(&sorted, 1.0 - cuts.best);
    let lo = inverted_cdf_quantile(&sorted, cuts.problematic);
    let s = &scores.score;
    let n = s.len();
    let best = Bitmap::from_fn(n, |i| s[i] > hi);
    let problematic = Bitmap::from_fn(n, |i| s[i] <= lo);
    let average = Bitmap::from_fn(n, |i| !s[i].is_nan() && s[i] <= hi && s[i] > lo);
    let pct = |x: f64| format_number((x * 100.0 * 1e6).round() / 1e6);
    Ok(QualityCohorts {
        best: Cohort::new(
            "best",
            format!(
                "top {} % by composite quality (score > {hi:.4})",
                pct(cuts.best)
            ),
            best,
        ),
        average: Cohort::new("average", "the scored accounts in between", average),
        problematic: Cohort::new(
            "problematic",
            format!(
                "bottom {} % by composite quality (score ≤ {lo:.4})",
                pct(cuts.problematic)
            ),
            problematic,
        ),
        best_threshold: hi,
        problematic_threshold: lo,
        cuts: *cuts,
    })
}

/// Cohorts by deal outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeCohorts {
    /// Closed-won.
    pub won: Cohort,
    /// Closed-lost.
    pub lost: Cohort,
    /// Closed with no decision.
    pub no_decision: Cohort,
    /// Open pipeline.
    pub open: Cohort,
}

impl OutcomeCohorts {
    /// The cohort of one outcome.
    pub fn get(&self, o: DealOutcome) -> &Cohort {
        match o {
            DealOutcome::Won => &self.won,
            DealOutcome::Lost => &self.lost,
            DealOutcome::NoDecision => &self.no_decision,
            DealOutcome::Open => &self.open,
        }
    }
    /// Won, lost and no-decision deals.
    pub fn closed(&self) -> Cohort {
        self.won
            .or(&self.lost)
            .or(&self.no_decision)
            .named("closed")
    }
    /// Lost and no-decision deals (the losses of seed 001).
    pub fn not_won(&self) -> Cohort {
        self.lost.or(&self.no_decision).named("not won")
    }
    /// Won vs lost (no decision left out).
    pub fn won_vs_lost(&self) -> Result<CohortPair> {
        CohortPair::new(self.won.clone(), self.lost.clone())
    }
}

/// Won / lost / no-decision / open cohorts of a deal-outcome column (any
/// spelling [`DealOutcome`] parses; an unknown value is an error). Rows with
/// a missing outcome are in none.
pub fn outcome_cohorts(table: &AccountTable, column: &str) -> Result<OutcomeCohorts> {
    let typed = parse_column(table, column, &OutcomeMap::<DealOutcome>::new())?;
    let mk = |o: DealOutcome| {
        Cohort::new(
            o.as_str(),
            format!("{column} = {o}"),
            Bitmap::from_fn(typed.len(), |i| typed[i] == Some(o)),
        )
    };
    Ok(OutcomeCohorts {
        won: mk(DealOutcome::Won),
        lost: mk(DealOutcome::Lost),
        no_decision: mk(DealOutcome::NoDecision),
        open: mk(DealOutcome::Open),
    })
}

/// A calendar quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Quarter {
    /// Year.
    pub year: i32,
    /// 1 to 4.
    pub quarter: u8,
}

impl Quarter {
    /// A quarter; `quarter` must be 1–4.
    pub fn new(year: i32, quarter: u8) -> Result<Self> {
        if !(1..=4).contains(&quarter) {
            return Err(Error::invalid(
                "quarter",
                format!("{quarter} is not 1, 2, 3 or 4"),
            ));
        }
        Ok(Self { year, quarter })
    }
    /// Parses `2026-Q3`, `2026Q3` or `2026 Q3` (case-insensitive).
    pub fn parse(s: &str) -> Result<Self> {
        let bad = || Error::invalid("quarter", format!("`{s}` is not a quarter like 2026-Q3"));
        let up = s.trim().to_ascii_uppercase();
        let (y, q) = up.split_once('Q').ok_or_else(bad)?;
        let y = y.trim_end_matches(['-', ' ']);
        let year: i32 = y.parse().map_err(|_| bad())?;
        let quarter: u8 = q.parse().map_err(|_| bad())?;
        Self::new(year, quarter).map_err(|_| bad())
    }
    /// The quarter of a date (days since 1970-01-01).
    pub fn of_day(days: i32) -> Self {
        let (y, m, _) = civil_from_days(days);
        Self {
            year: y,
            quarter: ((m - 1) / 3 + 1) as u8,
        }
    }
    fn index(self) -> i64 {
        i64::from(self.year) * 4 + i64::from(self.quarter) - 1
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.quarter)
    }
}

/// Rows whose date in `date_column` falls in the quarters `from` to `to`
/// (both included). Missing dates are in no window; `from > to` is an error.
pub fn quarter_cohort(
    table: &AccountTable,
    date_column: &str,
    from: Quarter,
    to: Quarter,
) -> Result<Cohort> {
    if from > to {
        return Err(Error::invalid(
            "quarter window",
            format!("{from} is after {to}"),
        ));
    }
    let d = table.date(date_column)?;
    let (lo, hi) = (from.index(), to.index());
    let rows = Bitmap::from_fn(d.len(), |i| {
        d[i] != DATE_MISSING && (lo..=hi).contains(&Quarter::of_day(d[i]).index())
    });
    let name = if from == to {
        format!("{date_column} in {from}")
    } else {
        format!("{date_column} in {from}–{to}")
    };
    Ok(Cohort::new(name.clone(), name, rows))
}

/// How a column is cut into segments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentBy {
    /// One segment per level (categorical), per value (flag) or per quarter
    /// (date); numeric columns get 5 equal-frequency bins.
    Levels,
    /// Numeric: this many equal-frequency bins
    /// ([`quantile_cuts`], closed right, ties merged).
    Quantiles(usize),
    /// Numeric: these cut points (strictly increasing, finite), closed right:
    /// `≤ c1`, `(c1, c2]`, …, `> ck`.
    Cuts(Vec<f64>),
}

/// A column cut into segments: a segment code per row plus the labels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Segmentation {
    /// The column.
    pub column: String,
    /// Segment labels, by code.
    pub labels: Vec<String>,
    /// Cut points, for a binned numeric column.
    pub cuts: Option<Vec<f64>>,
    /// Rows per segment.
    pub sizes: Vec<usize>,
    /// Rows with a missing value (in no segment).
    pub n_missing: usize,
    #[serde(skip)]
    codes: Vec<u32>,
}

pub(crate) fn bin_labels(cuts: &[f64]) -> Vec<String> {
    let f = |x: f64| format_number(x);
    let k = cuts.len();
    if k == 0 {
        return vec!["all".to_owned()];
    }
    (0..=k)
        .map(|b| match b {
            0 => format!("≤ {}", f(cuts[0])),
            b if b == k => format!("> {}", f(cuts[k - 1])),
            b => format!("({}, {}]", f(cuts[b - 1]), f(cuts[b])),
        })
        .collect()
}

impl Segmentation {
    /// Cuts `column` into segments (see [`SegmentBy`]). Tag-set and text
    /// columns cannot be segmented ([`Error::WrongKind`]); bins on a
    /// non-numeric column, or bad cut points, are [`Error::InvalidArgument`].
    /// A column with a single level gives a one-segment result; the analyses
    /// that compare segments reject it.
    pub fn new(table: &AccountTable, column: &str, by: &SegmentBy) -> Result<Self> {
        let col = table.column(column)?;
        let numeric_only = || {
            Error::invalid(
                "segment_by",
                format!(
                    "bins apply to numeric columns; `{column}` is {}",
                    col.kind()
                ),
            )
        };
        let (labels, codes, cuts) = match (col, by) {
            (Column::Categorical(c), SegmentBy::Levels) => {
                (c.levels().to_vec(), c.codes().to_vec(), None)
            }
            (Column::Flag(v), SegmentBy::Levels) => (
                vec!["false".to_owned(), "true".to_owned()],
                v.iter()
                    .map(|&b| {
                        if b == FLAG_MISSING {
                            MISSING_CODE
                        } else {
                            u32::from(b)
                        }
                    })
                    .collect(),
                None,
            ),
            (Column::Date(d), SegmentBy::Levels) => {
                let mut qs: Vec<Quarter> = d
                    .iter()
                    .filter(|&&x| x != DATE_MISSING)
                    .map(|&x| Quarter::of_day(x))
                    .collect();
                qs.sort_unstable();
                qs.dedup();
                let codes = d
                    .iter()
                    .map(|&x| {
                        if x == DATE_MISSING {
                            MISSING_CODE
                        } else {
                            // ok: every present date's quarter is in `qs`.
                            qs.binary_search(&Quarter::of_day(x)).unwrap_or(0) as u32
                        }
                    })
                    .collect();
                (qs.iter().map(Quarter::to_string).collect(), codes, None)
            }
            (Column::Numeric(v), by) => {
                let cuts = match by {
                    SegmentBy::Cuts(c) => {
                        if c.iter().any(|x| !x.is_finite()) || c.windows(2).any(|w| w[0] >= w[1]) {
                            return Err(Error::invalid(
                                "segment_by",
                                format!("cut points {c:?} must be finite and strictly increasing"),
                            ));
                        }
                        c.clone()
                    }
                    SegmentBy::Quantiles(_) | SegmentBy::Levels => {
                        let q = match by {
                            SegmentBy::Quantiles(q) => *q,
                            _ => 5,
                        };
                        if q == 0 {
                            return Err(Error::invalid("segment_by", "0 bins"));
                        }
                        let mut s: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
                        s.sort_unstable_by(f64::total_cmp);
                        quantile_cuts(&s, q)
                    }
                };
                let mut codes = vec![0u32; v.len()];
                bin_codes(v, &cuts, &mut codes)?;
                let missing = cuts.len() as u32 + 1;
                for c in &mut codes {
                    if *c == missing {
                        *c = MISSING_CODE;
                    }
                }
                (bin_labels(&cuts), codes, Some(cuts))
            }
            (Column::TagSet(_) | Column::Text(_), _) => {
                return Err(Error::WrongKind {
                    column: column.to_owned(),
                    expected: "categorical, flag, date or numeric".into(),
                    found: col.kind().to_string(),
                });
            }
            (_, _) => return Err(numeric_only()),
        };
        let mut sizes = vec![0usize; labels.len()];
        let mut n_missing = 0;
        for &c in &codes {
            if c == MISSING_CODE {
                n_missing += 1;
            } else {
                sizes[c as usize] += 1;
            }
        }
        Ok(Self {
            column: column.to_owned(),
            labels,
            cuts,
            sizes,
            n_missing,
            codes,
        })
    }

    /// One segment per close quarter of a date column.
    pub fn by_quarter(table: &AccountTable, date_column: &str) -> Result<Self> {
        table.date(date_column)?;
        Self::new(table, date_column, &SegmentBy::Levels)
    }

    /// Segment code per row ([`MISSING_CODE`] = missing).
    pub fn codes(&self) -> &[u32] {
        &self.codes
    }
    /// Number of segments.
    pub fn len(&self) -> usize {
        self.labels.len()
    }
    /// Whether there are no segments.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
    /// Segments that hold at least one row.
    pub fn n_nonempty(&self) -> usize {
        self.sizes.iter().filter(|&&s| s > 0).count()
    }
    /// The cohort of segment `code`.
    pub fn cohort(&self, code: usize) -> Cohort {
        let c = code as u32;
        let name = format!(
            "{} = {}",
            self.column,
            self.labels.get(code).map_or("?", |s| s)
        );
        Cohort::new(
            name.clone(),
            name,
            Bitmap::from_fn(self.codes.len(), |i| self.codes[i] == c),
        )
    }
    /// One cohort per segment, in code order.
    pub fn cohorts(&self) -> Vec<Cohort> {
        (0..self.len()).map(|c| self.cohort(c)).collect()
    }
    /// Errors unless at least two segments hold rows (the analyses that
    /// compare segments need two).
    pub(crate) fn require_two(&self, what: &str) -> Result<()> {
        let n = self.n_nonempty();
        if n < 2 {
            return Err(Error::InsufficientData {
                what: format!("{what}: non-empty segments of `{}`", self.column),
                n,
                min: 2,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::icp::{MissingPolicy, Range};
    use crate::quality::{Component, QualitySpec, quality};
    use crate::table::CsvOptions;

    fn deals() -> AccountTable {
        AccountTable::from_csv_reader(
            &b"account_id,industry,employees,product,close_date,outcome,nps
a,fintech,450,core,2025-01-15,won,9
b,fintech,,core,2025-04-02,won,8
c,retail,120,analytics,2025-05-20,lost,7
d,,30,core,2025-09-30,lost,6
e,retail,2500,enterprise,2025-12-31,no_decision,5
f,fintech,800,core,,open,4
"[..],
            &CsvOptions::default(),
        )
        .unwrap()
    }

    #[test]
    fn cohorts_are_bitmaps_with_sizes_and_evidence() {
        let t = deals();
        let o = outcome_cohorts(&t, "outcome").unwrap();
        assert_eq!(o.won.indices(), [0, 1]);
        assert_eq!(o.lost.indices(), [2, 3]);
        assert_eq!(o.no_decision.indices(), [4]);
        assert_eq!(o.open.indices(), [5]);
        assert_eq!(o.closed().size, 5);
        assert_eq!(o.not_won().indices(), [2, 3, 4]);
        assert_eq!(o.won.evidence, EvidenceLevel::Hypothesis);
        assert_eq!(o.won.to_string(), "won (n=2, hypothesis)");
        let all = Cohort::all(&t);
        assert_eq!(all.minus(&o.won).size, 4);
        assert_eq!(all.and(&o.won).rows(), o.won.rows());
        assert_eq!(all.and(&o.won).name, "all ∩ won");
        assert!(Cohort::from_indices("x", 6, &[7]).is_err());
        assert_eq!(Cohort::from_mask("m", &[true, false]).indices(), [0]);
    }

    #[test]
    fn predicate_cohorts_reuse_icp_criteria() {
        let t = deals();
        let mid = Criterion::new(
            "mid",
            "employees",
            Predicate::Range(Range::closed(Some(100.0), Some(1000.0))),
        );
        let fin = Criterion::new("fin", "industry", Predicate::In(vec!["fintech".into()]));
        let c = predicate_cohort(&t, "mid fintech", &[mid.clone(), fin]).unwrap();
        assert_eq!(c.indices(), [0, 5]);
        assert_eq!(c.definition, "employees 100–1000 AND industry fintech");
        // Missing employees: no_match leaves b out, neutral keeps it.
        let neutral = mid.clone().missing(MissingPolicy::Neutral);
        assert_eq!(
            predicate_cohort(&t, "x", &[neutral]).unwrap().indices(),
            [0, 1, 2, 5]
        );
        let typo = Criterion::new("t", "industry", Predicate::In(vec!["fintec".into()]));
        let err = predicate_cohort(&t, "x", &[typo]).unwrap_err().to_string();
        assert!(err.contains("did you mean `fintech`"), "{err}");
        assert_eq!(predicate_cohort(&t, "x", &[]).unwrap().size, 6);
        assert_eq!(
            product_cohort(&t, "product", "core").unwrap().indices(),
            [0, 1, 3, 5]
        );
    }

    #[test]
    fn quarters_and_windows() {
        let t = deals();
        assert_eq!(
            Quarter::parse("2025-q2").unwrap(),
            Quarter::new(2025, 2).unwrap()
        );
        assert_eq!(Quarter::parse("2025Q4").unwrap().to_string(), "2025-Q4");
        assert!(Quarter::parse("2025-Q5").is_err());
        assert!(Quarter::parse("Q3").is_err());
        let w = quarter_cohort(
            &t,
            "close_date",
            Quarter::parse("2025-Q2").unwrap(),
            Quarter::parse("2025-Q3").unwrap(),
        )
        .unwrap();
        assert_eq!(w.indices(), [1, 2, 3]);
        assert_eq!(w.name, "close_date in 2025-Q2–2025-Q3");
        let q = Quarter::parse("2025-Q1").unwrap();
        assert!(quarter_cohort(&t, "close_date", Quarter::parse("2025-Q2").unwrap(), q).is_err());
        let s = Segmentation::by_quarter(&t, "close_date").unwrap();
        assert_eq!(s.labels, ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]);
        assert_eq!(s.sizes, [1, 2, 1, 1]);
        assert_eq!(s.n_missing, 1);
    }

    #[test]
    fn segments_by_level_and_bin() {
        let t = deals();
        let s = Segmentation::new(&t, "industry", &SegmentBy::Levels).unwrap();
        assert_eq!(s.labels, ["fintech", "retail"]);
        assert_eq!(s.sizes, [3, 2]);
        assert_eq!(s.n_missing, 1);
        assert_eq!(s.cohort(1).indices(), [2, 4]);
        let b = Segmentation::new(&t, "employees", &SegmentBy::Cuts(vec![200.0, 2000.0])).unwrap();
        assert_eq!(b.labels, ["≤ 200", "(200, 2000]", "> 2000"]);
        assert_eq!(b.sizes, [2, 2, 1]);
        assert_eq!(b.cohorts()[1].indices(), [0, 5]);
        let q = Segmentation::new(&t, "employees", &SegmentBy::Quantiles(2)).unwrap();
        // Sorted 30 120 450 800 2500: the cut is the 3rd value.
        assert_eq!(q.cuts.as_deref(), Some(&[450.0][..]));
        assert!(Segmentation::new(&t, "employees", &SegmentBy::Cuts(vec![5.0, 1.0])).is_err());
        assert!(Segmentation::new(&t, "industry", &SegmentBy::Quantiles(3)).is_err());
        assert!(matches!(
            Segmentation::new(&t, "account_id", &SegmentBy::Levels),
            Err(Error::WrongKind { .. })
        ));
        let one = AccountTable::from_csv_reader(&b"id,seg\na,x\nb,x\n"[..], &CsvOptions::default())
            .unwrap();
        let s = Segmentation::new(&one, "seg", &SegmentBy::Levels).unwrap();
        assert_eq!(s.len(), 1);
        assert!(matches!(
            s.require_two("segment table"),
            Err(Error::InsufficientData { n: 1, min: 2, .. })
        ));
    }

    #[test]
    fn quality_cohorts_cut_at_quantiles() {
        let rows: String = (0..10).map(|i| format!("a{i},{i}\n")).collect();
        let t = AccountTable::from_csv_reader(
            format!("id,nps\n{rows}").as_bytes(),
            &CsvOptions::default(),
        )
        .unwrap();
        let q = quality(
            &t,
            &QualitySpec::new(vec![Component::numeric("nps", "nps")]),
        )
        .unwrap();
        let c = quality_cohorts(&q, &QualityCuts::default()).unwrap();
        assert_eq!(c.best.indices(), [8, 9]);
        assert_eq!(c.problematic.indices(), [0, 1]);
        assert_eq!(c.average.size, 6);
        let pair = c.best_vs_problematic().unwrap();
        assert_eq!(pair.target().unwrap().counts(), (2, 2));
        assert_eq!(c.best_vs_rest().unwrap().b.size, 8);
        assert!(
            quality_cohorts(
                &q,
                &QualityCuts {
                    best: 0.6,
                    problematic: 0.6
                }
            )
            .is_err()
        );
        assert!(
            quality_cohorts(
                &q,
                &QualityCuts {
                    best: 0.0,
                    problematic: 0.2
                }
            )
            .is_err()
        );
        assert_eq!(inverted_cdf_quantile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.8), 4.0);
        assert!(inverted_cdf_quantile(&[], 0.5).is_nan());
    }

    #[test]
    fn empty_and_one_class_pairs_are_typed_errors() {
        let t = deals();
        let o = outcome_cohorts(&t, "outcome").unwrap();
        let empty = Cohort::new("nobody", "", Bitmap::new(6, false));
        assert!(matches!(
            CohortPair::new(o.won.clone(), empty.clone()),
            Err(Error::OneClass { ref class, .. }) if class == "won"
        ));
        assert!(matches!(
            CohortPair::new(empty.clone(), empty.clone()),
            Err(Error::InsufficientData { .. })
        ));
        assert!(matches!(
            CohortPair::new(
                o.won.clone(),
                Cohort::new("short", "", Bitmap::new(3, true))
            ),
            Err(Error::LengthMismatch { .. })
        ));
        let all = Cohort::all(&t);
        let overlapping = CohortPair::new(o.won.clone(), all).unwrap();
        assert!(overlapping.target().is_err(), "rank needs disjoint cohorts");
        let only_won = AccountTable::from_csv_reader(
            &b"id,outcome\na,won\nb,won\n"[..],
            &CsvOptions::default(),
        )
        .unwrap();
        let oc = outcome_cohorts(&only_won, "outcome").unwrap();
        assert!(matches!(oc.won_vs_lost(), Err(Error::OneClass { .. })));
    }
}
