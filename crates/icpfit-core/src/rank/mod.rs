//! Predictor ranking: which attributes separate the two sides of a binary
//! [`Target`] (won vs lost, churned vs retained, best vs worst cohort), how
//! strongly, with which rule, and how sure we can be.
//!
//! For every attribute column (role `attribute`), one [`AttributeRank`]:
//! n, missing share, IV and per-level WoE, mutual information, Pearson χ²
//! (Fisher's exact test for sparse 2×2 tables) with its p-value, Cramér's V
//! and its bias-corrected form, AUC / KS / Mann–Whitney for numeric
//! columns, the best rule with the target rate inside and outside it and the
//! rate ratio with its interval, the Benjamini–Hochberg q-value across all
//! attributes, the evidence level, and (optionally) bootstrap stability.
//!
//! ## How each column type is tabulated
//! - numeric: equal-frequency bins ([`RankOptions::n_bins`], ties merged)
//!   plus a missing bin; one sort per column serves the bins,
//!   Mann–Whitney, AUC, KS and the best threshold;
//! - categorical: its levels plus a missing row;
//! - flag: false / true / missing;
//! - tag set: each tag as an indicator (has / lacks / stack missing), reported
//!   per tag in [`Ranking::tags`]; the set's own row is its best tag, with
//!   the p-value Bonferroni-adjusted for the number of tags ("the stack
//!   separates the cohorts if any of its tags does").
//!
//! ## Default order, and why
//! Raw IV and mutual information grow with the number of levels even on pure
//! noise (a 40-level `owner_rep_id` always looks "predictive"), and at a
//! million rows every real effect has p ≈ 0. So the default order is:
//! 1. attributes significant after FDR (q ≤ [`RankOptions::fdr_alpha`]) first;
//! 2. then by bias-corrected Cramér's V (Bergsma 2013), an effect size that
//!    subtracts the χ² a table of that shape shows under independence and
//!    so does not reward levels;
//! 3. then by p-value, then by name (determinism).
//!
//! Any other metric is available through [`Ranking::sort_by`].
//!
//! ## Weights
//! With sample weights (e.g. ACV, to ask "what drives revenue won"), weights
//! are normalised to mean 1 over the compared rows. Weighted: rates and
//! their intervals, shrunken rates, rule rate ratios, WoE / IV, MI,
//! Cramér's V (both forms), AUC, the KS statistic and the best split.
//! Unweighted (tests need counts): χ² and its p-value, Fisher, Mann–Whitney,
//! the KS p-value, q-values, evidence levels.

mod attribute;
mod bootstrap;
mod interactions;
mod multivariate;
mod rule;
mod sort;
mod target;

pub use attribute::{AttributeRank, Direction, LevelStat, TestKind, cramers_v_corrected};
pub use interactions::{Cell, Interaction, interaction, top_pairs};
pub use multivariate::{Coefficient, Multivariate, MultivariateOptions, multivariate};
pub use rule::{RateStat, Rule, RuleKind, short_number};
pub use sort::{from_order_key, merge_labeled, order_key};
pub use target::{EXCLUDED, Target};

use crate::error::{Error, Result};
use crate::stats::benjamini_hochberg;
use crate::table::{AccountTable, Column, Role};
use rayon::prelude::*;
use serde::Serialize;
use std::cmp::Ordering;
use std::fmt;

/// Options of a ranking. `Default` gives the documented defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct RankOptions {
    /// Equal-frequency bins per numeric column (default 10).
    pub n_bins: usize,
    /// Each side of a best rule holds at least this share of the compared
    /// rows with a value (default 0.05), and at least 5 rows.
    pub min_rule_share: f64,
    /// Confidence of every interval (default 0.95).
    pub confidence: f64,
    /// FDR level for "significant" (default 0.05).
    pub fdr_alpha: f64,
    /// Added to each cell's events and non-events before WoE (default 0.5),
    /// so a level seen in one class only has a finite WoE.
    pub woe_smoothing: f64,
    /// Strength `m` of the Beta(rate·m, (1−rate)·m) prior that shrinks
    /// level rates toward the overall rate (default 20 rows).
    pub prior_strength: f64,
    /// Levels with fewer rows are flagged under-sampled (default 30).
    pub min_level_rows: usize,
    /// Bootstrap resamples for stability (default 0 = off).
    pub bootstrap: usize,
    /// Stability is the share of resamples in which an attribute is in the top `top_k` (default 5).
    pub top_k: usize,
    /// Seed of the bootstrap (default 0).
    pub seed: u64,
    /// Rank only these columns (default: every column with role attribute).
    pub columns: Option<Vec<String>>,
    /// Worker threads (default: rayon's global pool; results are identical for any count).
    pub n_threads: Option<usize>,
}

impl Default for RankOptions {
    fn default() -> Self {
        Self {
            n_bins: 10,
            min_rule_share: 0.05,
            confidence: 0.95,
            fdr_alpha: 0.05,
            woe_smoothing: 0.5,
            prior_strength: 20.0,
            min_level_rows: 30,
            bootstrap: 0,
            top_k: 5,
            seed: 0,
            columns: None,
            n_threads: None,
        }
    }
}

impl RankOptions {
    fn check(&self) -> Result<()> {
        let bad = |name: &str, msg: &str| Err(Error::invalid(name, msg));
        if self.n_bins < 2 || self.n_bins > 1000 {
            return bad("n_bins", "must be between 2 and 1000");
        }
        if !(self.min_rule_share > 0.0 && self.min_rule_share < 0.5) {
            return bad("min_rule_share", "must be in (0, 0.5)");
        }
        if !(self.confidence > 0.0 && self.confidence < 1.0) {
            return bad("confidence", "must be in (0, 1)");
        }
        if !(self.fdr_alpha > 0.0 && self.fdr_alpha < 1.0) {
            return bad("fdr_alpha", "must be in (0, 1)");
        }
        if !(self.woe_smoothing >= 0.0 && self.woe_smoothing.is_finite()) {
            return bad("woe_smoothing", "must be finite and >= 0");
        }
        if !(self.prior_strength >= 0.0 && self.prior_strength.is_finite()) {
            return bad("prior_strength", "must be finite and >= 0");
        }
        if self.top_k == 0 {
            return bad("top_k", "must be at least 1");
        }
        if self.n_threads == Some(0) {
            return bad("n_threads", "must be at least 1");
        }
        Ok(())
    }
}

/// A metric to sort a ranking by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// The documented default order.
    Default,
    /// Information value (descending).
    Iv,
    /// Mutual information (descending).
    Mi,
    /// χ² p-value (ascending).
    PValue,
    /// q-value (ascending).
    QValue,
    /// Cramér's V (descending).
    CramersV,
    /// Bias-corrected Cramér's V (descending).
    CramersVCorrected,
    /// |AUC − 0.5| (descending; non-numeric last).
    Auc,
    /// KS statistic (descending; non-numeric last).
    Ks,
    /// Best rule's rate ratio, as max(r, 1/r) (descending).
    RateRatio,
    /// Bootstrap stability (descending).
    Stability,
}

/// The result of [`rank`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranking {
    /// The target's name.
    pub target: String,
    /// The target's verb, for sentences.
    pub verb: String,
    /// Positive rows compared.
    pub n_positive: usize,
    /// Negative rows compared.
    pub n_negative: usize,
    /// Overall (weighted) positive rate.
    pub base_rate: f64,
    /// Whether sample weights were used.
    pub weighted: bool,
    /// Confidence of the intervals.
    pub confidence: f64,
    /// FDR level.
    pub fdr_alpha: f64,
    /// One row per attribute, in the current order.
    pub rows: Vec<AttributeRank>,
    /// One row per tag of each tag-set attribute (own BH family).
    pub tags: Vec<AttributeRank>,
    /// The order `rows` are in.
    pub order: Metric,
    /// Bootstrap resamples behind `stability` (0 = not computed).
    pub bootstrap: usize,
}

impl Ranking {
    /// The row of an attribute.
    pub fn get(&self, attribute: &str) -> Option<&AttributeRank> {
        self.rows.iter().find(|r| r.attribute == attribute)
    }
    /// Position (0-based) of an attribute in the current order.
    pub fn position(&self, attribute: &str) -> Option<usize> {
        self.rows.iter().position(|r| r.attribute == attribute)
    }
    /// Re-sorts the rows by a metric (ties broken by name).
    pub fn sort_by(&mut self, metric: Metric) {
        let alpha = self.fdr_alpha;
        self.rows.sort_by(|a, b| compare(a, b, metric, alpha));
        self.order = metric;
    }
    /// The finding sentences of the significant attributes' rules, in order.
    pub fn findings(&self) -> Vec<String> {
        self.rows
            .iter()
            .filter(|r| r.significant)
            .filter_map(|r| {
                r.rule
                    .as_ref()
                    .map(|rule| rule.sentence(&self.verb, self.confidence))
            })
            .collect()
    }
}

fn desc(a: f64, b: f64) -> Ordering {
    let key = |x: f64| if x.is_nan() { f64::NEG_INFINITY } else { x };
    key(b).total_cmp(&key(a))
}

fn asc(a: f64, b: f64) -> Ordering {
    let key = |x: f64| if x.is_nan() { f64::INFINITY } else { x };
    key(a).total_cmp(&key(b))
}

/// The default order: significant first, then corrected V, then p, then name.
pub(crate) fn default_order(a: &AttributeRank, b: &AttributeRank, alpha: f64) -> Ordering {
    let sig = |r: &AttributeRank| r.q_value <= alpha;
    sig(b)
        .cmp(&sig(a))
        .then_with(|| desc(a.cramers_v_corrected, b.cramers_v_corrected))
        .then_with(|| asc(a.p_value, b.p_value))
}

fn compare(a: &AttributeRank, b: &AttributeRank, metric: Metric, alpha: f64) -> Ordering {
    let rr = |r: &AttributeRank| {
        r.rule
            .as_ref()
            .map_or(f64::NAN, |x| x.rate_ratio.max(1.0 / x.rate_ratio))
    };
    let opt = |x: Option<f64>| x.unwrap_or(f64::NAN);
    let primary = match metric {
        Metric::Default => default_order(a, b, alpha),
        Metric::Iv => desc(a.iv, b.iv),
        Metric::Mi => desc(a.mi, b.mi),
        Metric::PValue => asc(a.p_value, b.p_value),
        Metric::QValue => asc(a.q_value, b.q_value),
        Metric::CramersV => desc(a.cramers_v, b.cramers_v),
        Metric::CramersVCorrected => desc(a.cramers_v_corrected, b.cramers_v_corrected),
        Metric::Auc => desc(opt(a.auc).sub_half_abs(), opt(b.auc).sub_half_abs()),
        Metric::Ks => desc(opt(a.ks), opt(b.ks)),
        Metric::RateRatio => desc(rr(a), rr(b)),
        Metric::Stability => desc(opt(a.stability), opt(b.stability)),
    };
    primary
        .then_with(|| a.attribute.cmp(&b.attribute))
        .then_with(|| a.level_cmp(b))
}

trait HalfDistance {
    fn sub_half_abs(self) -> f64;
}
impl HalfDistance for f64 {
    fn sub_half_abs(self) -> f64 {
        (self - 0.5).abs()
    }
}

/// Ranks the attributes of `table` by how well they separate `target`.
/// `weights` (one per row, finite, ≥ 0) are optional sample weights.
pub fn rank(
    table: &AccountTable,
    target: &Target,
    weights: Option<&[f64]>,
    opts: &RankOptions,
) -> Result<Ranking> {
    opts.check()?;
    if target.labels().len() != table.n_rows() {
        return Err(Error::LengthMismatch {
            what: "target".into(),
            expected: table.n_rows(),
            found: target.labels().len(),
        });
    }
    match opts.n_threads {
        None => rank_in_pool(table, target, weights, opts),
        Some(k) => rayon::ThreadPoolBuilder::new()
            .num_threads(k)
            .build()
            .map_err(|e| Error::invalid("n_threads", e.to_string()))?
            .install(|| rank_in_pool(table, target, weights, opts)),
    }
}

fn selected_columns<'a>(
    table: &'a AccountTable,
    opts: &RankOptions,
) -> Result<Vec<(usize, &'a str)>> {
    let fields = table.schema().fields();
    match &opts.columns {
        Some(names) => names
            .iter()
            .map(|n| {
                let i = table.schema().index_of(n)?;
                match table.columns()[i] {
                    Column::Text(_) | Column::Date(_) => Err(Error::WrongKind {
                        column: n.clone(),
                        expected: "numeric, categorical, flag or tag_set".into(),
                        found: fields[i].kind.to_string(),
                    }),
                    _ => Ok((i, fields[i].name.as_str())),
                }
            })
            .collect(),
        None => Ok(fields
            .iter()
            .enumerate()
            .filter(|(i, f)| {
                f.role == Role::Attribute
                    && !matches!(table.columns()[*i], Column::Text(_) | Column::Date(_))
            })
            .map(|(i, f)| (i, f.name.as_str()))
            .collect()),
    }
}

fn rank_in_pool(
    table: &AccountTable,
    target: &Target,
    weights: Option<&[f64]>,
    opts: &RankOptions,
) -> Result<Ranking> {
    let ctx = attribute::Context::new(target, weights, opts)?;
    let columns = selected_columns(table, opts)?;
    if columns.is_empty() {
        return Err(Error::invalid(
            "columns",
            "no attribute column to rank (check the schema's roles)",
        ));
    }
    let fields = table.schema().fields();
    let results: Vec<Result<(AttributeRank, Vec<AttributeRank>)>> = columns
        .par_iter()
        .map(|&(i, name)| {
            attribute::rank_column(name, fields[i].dimension, &table.columns()[i], &ctx)
        })
        .collect();
    let mut rows = Vec::with_capacity(results.len());
    let mut tags = Vec::new();
    for r in results {
        let (row, tag_rows) = r?;
        rows.push(row);
        tags.extend(tag_rows);
    }
    apply_fdr(&mut rows, opts.fdr_alpha)?;
    apply_fdr(&mut tags, opts.fdr_alpha)?;
    let mut ranking = Ranking {
        target: target.name().to_owned(),
        verb: target.verb().to_owned(),
        n_positive: ctx.n_pos,
        n_negative: ctx.n_neg,
        base_rate: ctx.base_rate,
        weighted: weights.is_some(),
        confidence: opts.confidence,
        fdr_alpha: opts.fdr_alpha,
        rows,
        tags,
        order: Metric::Default,
        bootstrap: 0,
    };
    ranking.sort_by(Metric::Default);
    ranking
        .tags
        .sort_by(|a, b| compare(a, b, Metric::Default, opts.fdr_alpha));
    if opts.bootstrap > 0 {
        bootstrap::stability(table, &columns, &ctx, &mut ranking, opts)?;
    }
    Ok(ranking)
}

fn apply_fdr(rows: &mut [AttributeRank], alpha: f64) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let p: Vec<f64> = rows.iter().map(|r| r.p_value).collect();
    let q = benjamini_hochberg(&p)?;
    for (r, q) in rows.iter_mut().zip(q) {
        r.q_value = q;
        r.significant = q <= alpha;
    }
    Ok(())
}

impl fmt::Display for Ranking {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "target: {} ({} positive, {} negative, base rate {:.1}%{})",
            self.target,
            self.n_positive,
            self.n_negative,
            self.base_rate * 100.0,
            if self.weighted { ", weighted" } else { "" }
        )?;
        writeln!(
            f,
            "{:<3} {:<22} {:<13} {:>6} {:>6} {:>6} {:>9} {:>9} {:>6} {:>6} {:>6}  best rule (rate in / out, ratio)",
            "#", "attribute", "dimension", "IV", "MI", "V+", "p", "q", "AUC", "KS", "stab"
        )?;
        for (k, r) in self.rows.iter().enumerate() {
            let opt = |x: Option<f64>| x.map_or("-".to_owned(), |v| format!("{v:.3}"));
            let rule = r.rule.as_ref().map_or("-".to_owned(), |rule| {
                format!(
                    "{} ({:.1}% / {:.1}%, {:.2}×)",
                    rule.description(),
                    rule.inside.rate * 100.0,
                    rule.outside.rate * 100.0,
                    rule.rate_ratio
                )
            });
            writeln!(
                f,
                "{:<3} {:<22} {:<13} {:>6.3} {:>6.3} {:>6.3} {:>9.2e} {:>9.2e} {:>6} {:>6} {:>6}  {}{}",
                k + 1,
                r.attribute,
                r.dimension.as_str(),
                r.iv,
                r.mi,
                r.cramers_v_corrected,
                r.p_value,
                r.q_value,
                opt(r.auc),
                opt(r.ks),
                opt(r.stability),
                rule,
                if r.significant {
                    ""
                } else {
                    "  [not significant after FDR]"
                }
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
