//! The competitor matrix, competitor-owned sub-segments (seed 000: "win-loss
//! also reveals where competitors own a sub-segment"), how close competitor
//! losses were to our best customers (seed 001: "are the companies you are
//! losing to competition the same companies that look like your best
//! customers?"), and where losses concentrate by segment.
//!
//! # Definitions
//!
//! * A **contested deal** is a closed deal (won, lost, no decision) with a
//!   competitor recorded. Against competitor `X`: `contested_X` = closed
//!   deals naming `X`; our **win rate against X** = won / `contested_X`,
//!   with its Wilson interval; **X's wins** = lost deals naming `X`.
//! * **Share of contested deals** of `X` in a segment = X's wins / every
//!   contested deal of the segment (whoever the competitor), with its Wilson
//!   interval.
//! * A segment is **owned** by `X` when that share is at least
//!   [`CompetitorOptions::owned_share`] (50 %) and the segment has at least
//!   [`CompetitorOptions::min_contested`] (30) contested deals — seed 000's
//!   "min. 30" per comparison. `confident` adds that the interval's lower
//!   bound is itself at least the threshold.
//! * **Coverage**: the share of lost deals that name a competitor. Below
//!   [`CompetitorOptions::min_coverage`] (50 %) the matrix is still computed
//!   but marked `sparse`: it describes the recorded deals only and the
//!   competitors' shares are lower bounds.
//!
//! Won deals often do not record the competitor they beat, so win rates
//! against a competitor are biased low when wins are under-recorded; the
//! shares of contested deals are what the synthetic truth states.

use super::{LossColumns, LossType, LossTyping};
use crate::cohort::{Cohort, Segmentation};
use crate::error::{Error, Result};
use crate::evidence::EvidenceLevel;
use crate::outcome::{DealOutcome, OutcomeMap, parse_column};
use crate::profile::profiled_columns;
use crate::stats::binning::{bin_codes, quantile_cuts};
use crate::stats::{RateRatio, rate_ratio, welch_t, wilson_interval};
use crate::table::{AccountTable, Column, FLAG_MISSING, MISSING_CODE};
use rayon::prelude::*;
use serde::Serialize;
use std::fmt;

/// Options of the competitor analysis.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CompetitorOptions {
    /// Confidence of the intervals (default 0.95).
    pub confidence: f64,
    /// Share of contested deals a competitor must win to own a segment
    /// (default 0.5).
    pub owned_share: f64,
    /// Contested deals a segment needs before it can be owned (default 30).
    pub min_contested: usize,
    /// Share of lost deals naming a competitor below which the matrix is
    /// marked sparse (default 0.5).
    pub min_coverage: f64,
}

impl Default for CompetitorOptions {
    fn default() -> Self {
        Self {
            confidence: 0.95,
            owned_share: 0.5,
            min_contested: 30,
            min_coverage: 0.5,
        }
    }
}

/// One competitor, overall or in one segment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompetitorRow {
    /// The competitor.
    pub competitor: String,
    /// The segment (`None`: overall).
    pub segment: Option<String>,
    /// Closed deals naming it.
    pub contested: usize,
    /// Of which we won.
    pub won: usize,
    /// Of which we lost (its wins).
    pub lost: usize,
    /// Of which ended without a decision.
    pub no_decision: usize,
    /// `won / contested`.
    pub win_rate: f64,
    /// Wilson interval of the win rate.
    pub win_rate_ci: (f64, f64),
    /// Its wins over every contested deal of the segment.
    pub share_of_contested: f64,
    /// Wilson interval of that share.
    pub share_ci: (f64, f64),
    /// Evidence level of `contested`.
    pub evidence: EvidenceLevel,
}

/// A segment one competitor owns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OwnedSegment {
    /// The segment.
    pub segment: String,
    /// The competitor.
    pub competitor: String,
    /// Contested deals in the segment (any competitor).
    pub contested: usize,
    /// The competitor's wins there.
    pub competitor_wins: usize,
    /// `competitor_wins / contested`.
    pub share: f64,
    /// Wilson interval of the share.
    pub share_ci: (f64, f64),
    /// The interval's lower bound reaches the threshold too.
    pub confident: bool,
    /// Evidence level of `contested`.
    pub evidence: EvidenceLevel,
}

/// How many losses name a competitor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompetitorCoverage {
    /// Lost deals.
    pub lost: usize,
    /// Lost deals naming a competitor.
    pub lost_with_competitor: usize,
    /// Their share.
    pub share: f64,
    /// `share < min_coverage`: the matrix covers a minority of losses.
    pub sparse: bool,
}

/// The competitor matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompetitorMatrix {
    /// One row per competitor, most contested first.
    pub overall: Vec<CompetitorRow>,
    /// The segmented column, if any.
    pub segment_column: Option<String>,
    /// One row per (segment, competitor) with contested deals, in segment
    /// order then most contested first.
    pub by_segment: Vec<CompetitorRow>,
    /// Owned segments, largest share first.
    pub owned: Vec<OwnedSegment>,
    /// Contested closed deals.
    pub contested: usize,
    /// Coverage of losses.
    pub coverage: CompetitorCoverage,
    /// The options used.
    pub options: CompetitorOptions,
}

fn wilson(k: usize, n: usize, conf: f64) -> Result<(f64, f64)> {
    if n == 0 {
        Ok((f64::NAN, f64::NAN))
    } else {
        wilson_interval(k as f64, n as f64, conf)
    }
}

fn frac(k: usize, n: usize) -> f64 {
    if n == 0 {
        f64::NAN
    } else {
        k as f64 / n as f64
    }
}

/// Per competitor: [contested, won, lost, no decision].
type Counts = Vec<[usize; 4]>;

fn rows_of(
    names: &[String],
    counts: &[[usize; 4]],
    segment: Option<&str>,
    conf: f64,
) -> Result<Vec<CompetitorRow>> {
    let all: usize = counts.iter().map(|c| c[0]).sum();
    let mut rows = Vec::new();
    for (k, c) in counts.iter().enumerate() {
        if c[0] == 0 {
            continue;
        }
        rows.push(CompetitorRow {
            competitor: names[k].clone(),
            segment: segment.map(str::to_owned),
            contested: c[0],
            won: c[1],
            lost: c[2],
            no_decision: c[3],
            win_rate: frac(c[1], c[0]),
            win_rate_ci: wilson(c[1], c[0], conf)?,
            share_of_contested: frac(c[2], all),
            share_ci: wilson(c[2], all, conf)?,
            evidence: EvidenceLevel::from_n(c[0]),
        });
    }
    rows.sort_by(|a, b| {
        b.contested
            .cmp(&a.contested)
            .then_with(|| a.competitor.cmp(&b.competitor))
    });
    Ok(rows)
}

/// The competitor matrix overall and, with `segments`, by segment, with the
/// owned sub-segments (see the module doc). Errors: no competitor column
/// ([`Error::InvalidArgument`]), no contested deal
/// ([`Error::InsufficientData`]), a segmentation with fewer than two
/// non-empty segments ([`Error::InsufficientData`]), bad options.
pub fn competitor_matrix(
    table: &AccountTable,
    cols: &LossColumns,
    segments: Option<&Segmentation>,
    opts: &CompetitorOptions,
) -> Result<CompetitorMatrix> {
    wilson_interval(0.0, 1.0, opts.confidence)?;
    if !(opts.owned_share > 0.0 && opts.owned_share <= 1.0) {
        return Err(Error::invalid(
            "owned_share",
            format!("{} must lie in (0, 1]", opts.owned_share),
        ));
    }
    let Some(comp_col) = cols.competitor.as_deref() else {
        return Err(Error::invalid(
            "competitor",
            "the competitor matrix needs a competitor column",
        ));
    };
    let comp = table.categorical(comp_col)?;
    let outcome = parse_column(table, &cols.outcome, &OutcomeMap::<DealOutcome>::new())?;
    if let Some(s) = segments {
        s.require_two("competitor matrix by segment")?;
        if s.codes().len() != table.n_rows() {
            return Err(Error::LengthMismatch {
                what: format!("segmentation of `{}`", s.column),
                expected: table.n_rows(),
                found: s.codes().len(),
            });
        }
    }
    let k = comp.levels().len();
    let n_seg = segments.map_or(0, Segmentation::len);
    let mut overall: Counts = vec![[0; 4]; k];
    let mut by_seg: Vec<Counts> = vec![vec![[0; 4]; k]; n_seg];
    let (mut lost, mut lost_named, mut contested) = (0, 0, 0);
    for (i, o) in outcome.iter().enumerate() {
        let col = match o {
            Some(DealOutcome::Won) => 1,
            Some(DealOutcome::Lost) => 2,
            Some(DealOutcome::NoDecision) => 3,
            _ => continue,
        };
        let c = comp.codes()[i];
        if col == 2 {
            lost += 1;
            lost_named += usize::from(c != MISSING_CODE);
        }
        if c == MISSING_CODE {
            continue;
        }
        contested += 1;
        for cell in [0, col] {
            overall[c as usize][cell] += 1;
        }
        if let Some(s) = segments {
            let sc = s.codes()[i];
            if sc != MISSING_CODE {
                for cell in [0, col] {
                    by_seg[sc as usize][c as usize][cell] += 1;
                }
            }
        }
    }
    if contested == 0 {
        return Err(Error::InsufficientData {
            what: format!("closed deals with a competitor recorded in `{comp_col}`"),
            n: 0,
            min: 1,
        });
    }
    let names = comp.levels();
    let overall_rows = rows_of(names, &overall, None, opts.confidence)?;
    let mut by_segment = Vec::new();
    let mut owned = Vec::new();
    if let Some(s) = segments {
        for (si, counts) in by_seg.iter().enumerate() {
            let label = &s.labels[si];
            let rows = rows_of(names, counts, Some(label), opts.confidence)?;
            let all: usize = counts.iter().map(|c| c[0]).sum();
            for r in &rows {
                if all >= opts.min_contested && r.share_of_contested >= opts.owned_share - 1e-12 {
                    owned.push(OwnedSegment {
                        segment: label.clone(),
                        competitor: r.competitor.clone(),
                        contested: all,
                        competitor_wins: r.lost,
                        share: r.share_of_contested,
                        share_ci: r.share_ci,
                        confident: r.share_ci.0 >= opts.owned_share,
                        evidence: EvidenceLevel::from_n(all),
                    });
                }
            }
            by_segment.extend(rows);
        }
    }
    owned.sort_by(|a, b| {
        b.share
            .total_cmp(&a.share)
            .then_with(|| a.segment.cmp(&b.segment))
    });
    let share = frac(lost_named, lost);
    Ok(CompetitorMatrix {
        overall: overall_rows,
        segment_column: segments.map(|s| s.column.clone()),
        by_segment,
        owned,
        contested,
        coverage: CompetitorCoverage {
            lost,
            lost_with_competitor: lost_named,
            share,
            sparse: share.is_nan() || share < opts.min_coverage,
        },
        options: *opts,
    })
}

fn pct_ci(x: f64, ci: (f64, f64)) -> String {
    if x.is_nan() {
        return "-".into();
    }
    format!(
        "{:.1}% ({:.1}–{:.1}%)",
        x * 100.0,
        ci.0 * 100.0,
        ci.1 * 100.0
    )
}

impl fmt::Display for CompetitorMatrix {
    /// The overall matrix, the owned segments and the coverage note.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<14} {:>10} {:>24} {:>24} {:>18}",
            "competitor",
            "contested",
            "our win rate (95% CI)",
            "its share of contested",
            "evidence"
        )?;
        for r in &self.overall {
            writeln!(
                f,
                "{:<14} {:>10} {:>24} {:>24} {:>18}",
                r.competitor,
                r.contested,
                pct_ci(r.win_rate, r.win_rate_ci),
                pct_ci(r.share_of_contested, r.share_ci),
                r.evidence
            )?;
        }
        writeln!(
            f,
            "{} of {} lost deals ({:.1}%) name a competitor{}",
            self.coverage.lost_with_competitor,
            self.coverage.lost,
            self.coverage.share * 100.0,
            if self.coverage.sparse {
                ": sparse, the matrix describes a minority of losses"
            } else {
                ""
            }
        )?;
        if let Some(col) = &self.segment_column {
            if self.owned.is_empty() {
                writeln!(f, "No competitor owns a segment of `{col}`.")?;
            }
            for o in &self.owned {
                writeln!(
                    f,
                    "Owned: {} = {} by {}: it wins {} of {} contested deals, {}{}",
                    col,
                    o.segment,
                    o.competitor,
                    o.competitor_wins,
                    o.contested,
                    pct_ci(o.share, o.share_ci),
                    if o.confident {
                        ""
                    } else {
                        " (interval reaches below the threshold)"
                    }
                )?;
            }
        }
        Ok(())
    }
}

/// Options of the similarity to a reference cohort.
#[derive(Debug, Clone, PartialEq)]
pub struct SimilarityOptions {
    /// Equal-frequency bins of numeric columns (default 10).
    pub n_bins: usize,
    /// Columns compared (default: every attribute).
    pub columns: Option<Vec<String>>,
}

impl Default for SimilarityOptions {
    fn default() -> Self {
        Self {
            n_bins: 10,
            columns: None,
        }
    }
}

/// Per row, how typical it is of the `reference` cohort.
///
/// Definition: for each compared column `c` (attributes by default; date and
/// text columns never), `p_c(v)` is the share of the reference cohort's rows
/// with a known value of `c` whose value is `v`: categorical and flag by
/// level; numeric by bin (`n_bins` equal-frequency bins of the whole
/// table's values, [`quantile_cuts`], closed right); for a tag set, the mean
/// over its tags of the share of the reference (known stacks) that agrees
/// with the row on having the tag. A row's similarity is the mean of
/// `p_c(value)` over the columns where its value is known and the
/// reference has a known value: 1 when every reference account looks like
/// it, near 0 when none does. `NaN` for a row with no such column.
///
/// Errors: an empty reference cohort ([`Error::InsufficientData`]),
/// unknown columns, a cohort over another table.
pub fn similarity_to(
    table: &AccountTable,
    reference: &Cohort,
    opts: &SimilarityOptions,
) -> Result<Vec<f64>> {
    reference.check_len(table.n_rows())?;
    if reference.is_empty() {
        return Err(Error::InsufficientData {
            what: format!("reference cohort `{}`", reference.name),
            n: 0,
            min: 1,
        });
    }
    let n = table.n_rows();
    let cols = profiled_columns(table, opts.columns.as_deref())?;
    // Per column, per row: p_c(value) or NaN.
    let per_col: Vec<Vec<f64>> = cols
        .par_iter()
        .filter_map(|&c| column_typicality(&table.columns()[c], reference, n, opts.n_bins))
        .collect();
    Ok((0..n)
        .map(|i| {
            let (mut s, mut k) = (0.0, 0usize);
            for v in &per_col {
                if !v[i].is_nan() {
                    s += v[i];
                    k += 1;
                }
            }
            if k == 0 { f64::NAN } else { s / k as f64 }
        })
        .collect())
}

fn by_codes(
    codes: &dyn Fn(usize) -> u32,
    k: usize,
    reference: &Cohort,
    n: usize,
) -> Option<Vec<f64>> {
    let mut counts = vec![0usize; k];
    for i in reference.rows().ones() {
        let c = codes(i);
        if c != MISSING_CODE {
            counts[c as usize] += 1;
        }
    }
    let known: usize = counts.iter().sum();
    if known == 0 {
        return None;
    }
    let p: Vec<f64> = counts.iter().map(|&c| c as f64 / known as f64).collect();
    Some(
        (0..n)
            .map(|i| match codes(i) {
                MISSING_CODE => f64::NAN,
                c => p[c as usize],
            })
            .collect(),
    )
}

fn column_typicality(
    col: &Column,
    reference: &Cohort,
    n: usize,
    n_bins: usize,
) -> Option<Vec<f64>> {
    match col {
        Column::Categorical(cat) => by_codes(&|i| cat.codes()[i], cat.levels().len(), reference, n),
        Column::Flag(v) => by_codes(
            &|i| {
                if v[i] == FLAG_MISSING {
                    MISSING_CODE
                } else {
                    u32::from(v[i])
                }
            },
            2,
            reference,
            n,
        ),
        Column::Numeric(v) => {
            let mut sorted: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
            sorted.sort_unstable_by(f64::total_cmp);
            let cuts = quantile_cuts(&sorted, n_bins.max(1));
            let mut codes = vec![0u32; n];
            bin_codes(v, &cuts, &mut codes).ok()?;
            let missing = cuts.len() as u32 + 1;
            by_codes(
                &|i| {
                    if codes[i] == missing {
                        MISSING_CODE
                    } else {
                        codes[i]
                    }
                },
                cuts.len() + 1,
                reference,
                n,
            )
        }
        Column::TagSet(t) => {
            let k = t.tags().len();
            if k == 0 {
                return None;
            }
            let mut has = vec![0usize; k];
            let mut known = 0usize;
            for i in reference.rows().ones() {
                if t.valid().get(i) {
                    known += 1;
                    for tag in t.row_tags(i) {
                        has[tag] += 1;
                    }
                }
            }
            if known == 0 {
                return None;
            }
            let p: Vec<f64> = has.iter().map(|&h| h as f64 / known as f64).collect();
            // Agreement of a row lacking every tag, then adjust for its tags.
            let base: f64 = p.iter().map(|q| 1.0 - q).sum();
            Some(
                (0..n)
                    .map(|i| {
                        if !t.valid().get(i) {
                            return f64::NAN;
                        }
                        let mut s = base;
                        for tag in t.row_tags(i) {
                            s += 2.0 * p[tag] - 1.0;
                        }
                        s / k as f64
                    })
                    .collect(),
            )
        }
        Column::Date(_) | Column::Text(_) => None,
    }
}

/// How close one group (competitor losses) is to a reference cohort (best
/// customers), against a baseline group (random accounts).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimilarityComparison {
    /// The reference cohort.
    pub reference: String,
    /// The group examined.
    pub group: String,
    /// The baseline.
    pub baseline: String,
    /// Mean similarity of the reference to itself (the ceiling).
    pub reference_mean: f64,
    /// Mean similarity of the group.
    pub group_mean: f64,
    /// Mean similarity of the baseline.
    pub baseline_mean: f64,
    /// `group_mean − baseline_mean`.
    pub difference: f64,
    /// `(group_mean − baseline_mean) / (reference_mean − baseline_mean)`:
    /// 0 = as close as the baseline, 1 = as close as the reference itself.
    pub closeness: f64,
    /// Welch's t-test of group vs baseline similarities (p-value).
    pub p_value: Option<f64>,
    /// Rows of the group with a similarity.
    pub group_n: usize,
    /// Rows of the baseline with a similarity.
    pub baseline_n: usize,
    /// Share of the group that is right fit (when a fit is given).
    pub group_fit_share: Option<f64>,
    /// Share of the baseline that is right fit.
    pub baseline_fit_share: Option<f64>,
    /// Evidence level of the group.
    pub evidence: EvidenceLevel,
}

/// Compares the similarity to `reference` ([`similarity_to`]) of `group`
/// (e.g. the deals lost to a competitor) with that of `baseline` (e.g.
/// every closed deal: the mean over a whole set is what a random account of
/// it scores), with Welch's test, and with a [`super::Fit`] the right-fit
/// share of both.
pub fn compare_similarity(
    table: &AccountTable,
    reference: &Cohort,
    group: &Cohort,
    baseline: &Cohort,
    fit: Option<&super::Fit>,
    opts: &SimilarityOptions,
) -> Result<SimilarityComparison> {
    group.check_len(table.n_rows())?;
    baseline.check_len(table.n_rows())?;
    for c in [group, baseline] {
        if c.is_empty() {
            return Err(Error::InsufficientData {
                what: format!("cohort `{}`", c.name),
                n: 0,
                min: 1,
            });
        }
    }
    let sim = similarity_to(table, reference, opts)?;
    let values = |c: &Cohort| -> Vec<f64> {
        c.rows()
            .ones()
            .map(|i| sim[i])
            .filter(|x| !x.is_nan())
            .collect()
    };
    let mean = |v: &[f64]| {
        if v.is_empty() {
            f64::NAN
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let (r, g, b) = (values(reference), values(group), values(baseline));
    let (rm, gm, bm) = (mean(&r), mean(&g), mean(&b));
    let fit_share = |c: &Cohort| {
        fit.map(|f| {
            let (mut k, mut n) = (0usize, 0usize);
            for i in c.rows().ones() {
                if let Some(rf) = f.right_fit(i) {
                    n += 1;
                    k += usize::from(rf);
                }
            }
            frac(k, n)
        })
    };
    Ok(SimilarityComparison {
        reference: reference.name.clone(),
        group: group.name.clone(),
        baseline: baseline.name.clone(),
        reference_mean: rm,
        group_mean: gm,
        baseline_mean: bm,
        difference: gm - bm,
        closeness: (gm - bm) / (rm - bm),
        p_value: welch_t(&g, &b)
            .ok()
            .map(|w| w.p_value)
            .filter(|p| !p.is_nan()),
        group_n: g.len(),
        baseline_n: b.len(),
        group_fit_share: fit_share(group),
        baseline_fit_share: fit_share(baseline),
        evidence: EvidenceLevel::from_n(g.len()),
    })
}

/// One segment's share of losses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LossLiftRow {
    /// The segment.
    pub segment: String,
    /// Closed deals in it.
    pub closed: usize,
    /// Losses (of the type asked for) in it.
    pub losses: usize,
    /// `losses / closed`.
    pub loss_rate: f64,
    /// Its share of all losses.
    pub share_of_losses: f64,
    /// Its share of all closed deals.
    pub share_of_closed: f64,
    /// `share_of_losses / share_of_closed` (= its loss rate over the
    /// overall loss rate): above 1, losses concentrate here.
    pub lift: f64,
    /// Its loss rate over the rest's, with the Katz interval.
    pub ratio_vs_rest: Option<RateRatio>,
    /// Evidence level of `closed`.
    pub evidence: EvidenceLevel,
}

/// Where losses concentrate in one segmentation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LossLift {
    /// The segmented column.
    pub column: String,
    /// The loss type counted (`None`: every non-won closed deal).
    pub loss_type: Option<LossType>,
    /// One row per segment with closed deals, largest lift first.
    pub rows: Vec<LossLiftRow>,
    /// Closed deals with a known segment.
    pub closed: usize,
    /// Losses among them.
    pub losses: usize,
}

/// Loss-share lift of every segment: the segment's share of losses over its
/// share of closed deals (see [`LossLiftRow`]), for one loss type or (with
/// `None`) every non-won closed deal, typed or not. Errors: fewer than two
/// non-empty segments, no loss, bad confidence.
pub fn loss_lift(
    typing: &LossTyping,
    seg: &Segmentation,
    which: Option<LossType>,
    confidence: f64,
) -> Result<LossLift> {
    seg.require_two("loss-share lift")?;
    let n = typing.types.len();
    if seg.codes().len() != n {
        return Err(Error::LengthMismatch {
            what: format!("segmentation of `{}`", seg.column),
            expected: n,
            found: seg.codes().len(),
        });
    }
    let mut closed = vec![0usize; seg.len()];
    let mut losses = vec![0usize; seg.len()];
    for i in typing.closed.ones() {
        let s = seg.codes()[i];
        if s == MISSING_CODE {
            continue;
        }
        closed[s as usize] += 1;
        let is_loss = match which {
            None => !typing.won.get(i),
            Some(t) => typing.type_of(i) == Some(t),
        };
        losses[s as usize] += usize::from(is_loss);
    }
    let (tc, tl): (usize, usize) = (closed.iter().sum(), losses.iter().sum());
    if tl == 0 {
        return Err(Error::InsufficientData {
            what: format!(
                "losses{} with a known `{}`",
                which.map(|t| format!(" of {t}")).unwrap_or_default(),
                seg.column
            ),
            n: 0,
            min: 1,
        });
    }
    let mut rows = Vec::new();
    for s in 0..seg.len() {
        if closed[s] == 0 {
            continue;
        }
        let (rc, rl) = (tc - closed[s], tl - losses[s]);
        let ratio = if rc > 0 {
            Some(rate_ratio(
                losses[s] as f64,
                closed[s] as f64,
                rl as f64,
                rc as f64,
                confidence,
            )?)
        } else {
            None
        };
        let share_l = losses[s] as f64 / tl as f64;
        let share_c = closed[s] as f64 / tc as f64;
        rows.push(LossLiftRow {
            segment: seg.labels[s].clone(),
            closed: closed[s],
            losses: losses[s],
            loss_rate: losses[s] as f64 / closed[s] as f64,
            share_of_losses: share_l,
            share_of_closed: share_c,
            lift: share_l / share_c,
            ratio_vs_rest: ratio,
            evidence: EvidenceLevel::from_n(closed[s]),
        });
    }
    rows.sort_by(|a, b| {
        b.lift
            .total_cmp(&a.lift)
            .then_with(|| a.segment.cmp(&b.segment))
    });
    Ok(LossLift {
        column: seg.column.clone(),
        loss_type: which,
        rows,
        closed: tc,
        losses: tl,
    })
}
