//! Two-attribute views: the target rate in every cell of `a × b` (e.g.
//! industry × employee band), with the same intervals and shrinkage as the
//! one-attribute ranking, so a 3-of-3 cell never outranks a 300-of-400 one.
//!
//! Numeric attributes are banded into `bands` equal-frequency bands (ties
//! merged, closed right, as in the ranking); missing values form their own
//! band or level.
//!
//! Without named pairs, [`top_pairs`] picks them by a documented criterion:
//! among the `k` first attributes of the default order that are significant,
//! every pair, ordered by the *interaction gain* — the bias-corrected
//! Cramér's V of the joint table minus the larger of the two attributes' own
//! — so pairs that say more together than apart come first.

use super::attribute::{Context, cramers_v_corrected};
use super::rule::{RateStat, short_number};
use super::sort::{from_order_key, order_key};
use super::target::EXCLUDED;
use super::{RankOptions, Ranking, Target};
use crate::error::{Error, Result};
use crate::evidence::EvidenceLevel;
use crate::stats::binning::quantile_cuts;
use crate::stats::{Contingency, chi_square};
use crate::table::{AccountTable, Column, FLAG_MISSING, MISSING_CODE};
use serde::Serialize;

/// One cell of a two-attribute view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    /// Level or band of the first attribute.
    pub a: String,
    /// Level or band of the second attribute.
    pub b: String,
    /// Target rate in the cell, with interval and shrunken estimate.
    pub rate: RateStat,
    /// Evidence level of the cell.
    pub evidence: EvidenceLevel,
    /// Fewer rows than `min_level_rows`: report as under-sampled, not as a poor fit.
    pub under_sampled: bool,
}

/// A two-attribute view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Interaction {
    /// First attribute.
    pub a: String,
    /// Second attribute.
    pub b: String,
    /// Non-empty cells, ordered by shrunken rate (highest first).
    pub cells: Vec<Cell>,
    /// χ² p-value of the joint table (unweighted).
    pub p_value: f64,
    /// Bias-corrected Cramér's V of the joint table.
    pub cramers_v_corrected: f64,
    /// Joint V₊ minus the larger single-attribute V₊ (see the module doc).
    pub gain: f64,
}

/// Per-row codes of one attribute, and the code labels (missing last).
fn codes(
    table: &AccountTable,
    name: &str,
    labels: &[u8],
    bands: usize,
) -> Result<(Vec<u32>, Vec<String>)> {
    Ok(match table.column(name)? {
        Column::Numeric(v) => {
            let mut keys: Vec<u64> = v
                .iter()
                .zip(labels)
                .filter(|(x, l)| **l != EXCLUDED && !x.is_nan())
                .map(|(&x, _)| order_key(x))
                .collect();
            keys.sort_unstable();
            let sorted: Vec<f64> = keys.iter().map(|&k| from_order_key(k)).collect();
            let cuts = quantile_cuts(&sorted, bands);
            let mut names: Vec<String> = (0..=cuts.len())
                .map(|b| match b {
                    0 if cuts.is_empty() => "all".to_owned(),
                    0 => format!("<= {}", short_number(cuts[0])),
                    b if b == cuts.len() => format!("> {}", short_number(cuts[b - 1])),
                    b => format!("({}, {}]", short_number(cuts[b - 1]), short_number(cuts[b])),
                })
                .collect();
            names.push("missing".into());
            let m = cuts.len() as u32 + 1;
            (
                v.iter()
                    .map(|&x| {
                        if x.is_nan() {
                            m
                        } else {
                            cuts.partition_point(|&c| c < x) as u32
                        }
                    })
                    .collect(),
                names,
            )
        }
        Column::Categorical(c) => {
            let k = c.levels().len() as u32;
            let mut names = c.levels().to_vec();
            names.push("missing".into());
            (
                c.codes()
                    .iter()
                    .map(|&x| if x == MISSING_CODE { k } else { x })
                    .collect(),
                names,
            )
        }
        Column::Flag(v) => (
            v.iter()
                .map(|&b| if b == FLAG_MISSING { 2 } else { u32::from(b) })
                .collect(),
            vec!["false".into(), "true".into(), "missing".into()],
        ),
        other => {
            return Err(Error::WrongKind {
                column: name.to_owned(),
                expected: "numeric, categorical or flag".into(),
                found: other.kind().to_string(),
            });
        }
    })
}

/// The two-attribute view of `a × b`.
pub fn interaction(
    table: &AccountTable,
    target: &Target,
    a: &str,
    b: &str,
    weights: Option<&[f64]>,
    bands: usize,
    opts: &RankOptions,
) -> Result<Interaction> {
    if target.labels().len() != table.n_rows() {
        return Err(Error::LengthMismatch {
            what: "target".into(),
            expected: table.n_rows(),
            found: target.labels().len(),
        });
    }
    let ctx = Context::new(target, weights, opts)?;
    let (ca, la) = codes(table, a, ctx.labels, bands)?;
    let (cb, lb) = codes(table, b, ctx.labels, bands)?;
    let (ka, kb) = (la.len(), lb.len());
    let mut n = vec![[0u64; 2]; ka * kb];
    let mut w = vec![[0.0f64; 2]; ka * kb];
    let (mut na, mut nb) = (vec![[0.0f64; 2]; ka], vec![[0.0f64; 2]; kb]);
    for (i, &l) in ctx.labels.iter().enumerate() {
        if l == EXCLUDED {
            continue;
        }
        let cell = ca[i] as usize * kb + cb[i] as usize;
        let wi = ctx.weights.as_ref().map_or(1.0, |ws| ws[i]);
        n[cell][l as usize] += 1;
        w[cell][l as usize] += wi;
        na[ca[i] as usize][l as usize] += wi;
        nb[cb[i] as usize][l as usize] += wi;
    }
    let v_of = |cells: Vec<f64>, rows: usize| -> Result<(f64, f64)> {
        let t = Contingency::from_cells(rows, 2, cells)?;
        let c = chi_square(&t)?;
        Ok((
            c.p_value,
            cramers_v_corrected(c.statistic, t.total(), c.rows_used, c.cols_used),
        ))
    };
    let (p_value, _) = v_of(
        n.iter().flat_map(|c| [c[0] as f64, c[1] as f64]).collect(),
        ka * kb,
    )?;
    let (_, v_joint) = v_of(w.iter().flat_map(|c| [c[0], c[1]]).collect(), ka * kb)?;
    let (_, v_a) = v_of(na.iter().flat_map(|c| [c[0], c[1]]).collect(), ka)?;
    let (_, v_b) = v_of(nb.iter().flat_map(|c| [c[0], c[1]]).collect(), kb)?;
    let mut cells: Vec<Cell> = (0..ka * kb)
        .filter(|&c| n[c][0] + n[c][1] > 0)
        .map(|c| {
            let rows = (n[c][0] + n[c][1]) as usize;
            Cell {
                a: la[c / kb].clone(),
                b: lb[c % kb].clone(),
                rate: RateStat::new(
                    rows,
                    w[c][1],
                    w[c][0] + w[c][1],
                    ctx.base_rate,
                    opts.prior_strength,
                    opts.confidence,
                ),
                evidence: EvidenceLevel::from_n(rows),
                under_sampled: rows < opts.min_level_rows,
            }
        })
        .collect();
    cells.sort_by(|x, y| {
        y.rate
            .shrunk
            .total_cmp(&x.rate.shrunk)
            .then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
    });
    Ok(Interaction {
        a: a.to_owned(),
        b: b.to_owned(),
        cells,
        p_value,
        cramers_v_corrected: v_joint,
        gain: v_joint - v_a.max(v_b),
    })
}

/// Every pair among the first `k` significant, non-tag-set attributes of
/// `ranking` (default order), ordered by interaction gain (highest first).
pub fn top_pairs(
    table: &AccountTable,
    target: &Target,
    ranking: &Ranking,
    k: usize,
    weights: Option<&[f64]>,
    bands: usize,
    opts: &RankOptions,
) -> Result<Vec<Interaction>> {
    let mut ordered = ranking.clone();
    ordered.sort_by(super::Metric::Default);
    let names: Vec<&str> = ordered
        .rows
        .iter()
        .filter(|r| r.significant && r.kind != crate::table::Kind::TagSet)
        .take(k)
        .map(|r| r.attribute.as_str())
        .collect();
    let mut out = Vec::new();
    for (i, a) in names.iter().enumerate() {
        for b in &names[i + 1..] {
            out.push(interaction(table, target, a, b, weights, bands, opts)?);
        }
    }
    out.sort_by(|x, y| {
        y.gain
            .total_cmp(&x.gain)
            .then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
    });
    Ok(out)
}
