//! Drafting an ICP from evidence.
//!
//! Input: a table and a **fit** target (won vs lost deals, or best vs
//! problematic customers — positive = the accounts to find more of), and
//! optionally a **risk** target (churned vs retained customers, or
//! problematic vs the rest — positive = the accounts to avoid).
//!
//! # Method
//!
//! 1. Rank every attribute against each target ([`rank`](crate::rank)).
//! 2. Each ranked attribute proposes one criterion: a numeric column its best
//!    band ([`best_interval`](crate::stats::interval::best_interval), bounds
//!    rounded to nice numbers), a categorical column its rule's level set, a
//!    flag its rule's side, a tag set each tag. Every proposal is then
//!    measured **exactly as the criterion it would become** (rate ratio with
//!    its Katz interval, odds ratio, recall, evidence level).
//! 3. **Screen**: a proposal is eligible when its attribute's BH q-value is
//!    below the FDR level, the smaller side of its 2×2 comparison reaches
//!    `min_level`, and its rate-ratio interval excludes 1.
//! 4. **Select** by conditional evidence (see `select.rs`): forward
//!    selection in a logistic model of the target on the criteria's 0/1
//!    indicators, a criterion entering only when its likelihood-ratio test
//!    passes at `alpha / m` given those already in. Proxies (a revenue band
//!    that is a size band in disguise, a sales cycle that grows with size)
//!    add nothing once the cause is in, and stay out.
//! 5. **Primary** (must-haves): of the selected fit criteria, the up to
//!    `max_primary` with the largest conditional Wald z whose rate ratio's
//!    lower bound reaches `min_primary_ratio` *and* that keep at least
//!    `min_primary_recall` of the positives — a must-have that excludes most
//!    wins is a filter, not a profile. **Secondary**: the other selected fit
//!    criteria. **Negative** (disqualifiers): the same selection against the
//!    risk target among proposals whose risk ratio's lower bound reaches
//!    `min_negative_ratio` ("accounts under 50 employees churn 3×"), with
//!    "passes the must-haves" already in the model: a disqualifier must add
//!    risk beyond not fitting.
//!    **Points** follow the scorecard convention "points to double the odds"
//!    (PDO, default 20): `points = round(PDO / ln 2 · β)` with `β` the
//!    criterion's coefficient in the joint model, so a criterion that
//!    doubles the odds of winning given the others is worth 20 points. Each
//!    criterion's provenance states that conditional odds ratio with its
//!    interval, and the marginal finding as a sentence.
//! 6. **Tiers** are cut at the points quantiles of the compared accounts
//!    (the fit target's rows): by default the top 15 % reach A, the next
//!    20 % B, the next 25 % C.
//! 7. For each dimension category the draft says how many criteria it has
//!    and, when none, why ("no psychographic attributes in this data").

mod candidate;
mod nice;
mod select;

pub use candidate::{Measure, measure};
pub use nice::nice;

use crate::error::{Error, Result};
use crate::evidence::EvidenceLevel;
use crate::icp::{Criterion, Icp, Provenance, Section, Tiers};
use crate::rank::{RankOptions, Target, rank};
use crate::score::{ScoreOptions, score};
use crate::table::{AccountTable, Bitmap, Dimension, Role};
use candidate::{Raw, propose};
use serde::Serialize;

/// Options of [`draft`]. `Default` gives the documented defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftOptions {
    /// Name of the drafted ICP.
    pub name: String,
    /// Its version label.
    pub version: String,
    /// Date stamped on the ICP and its evidence (ISO; default none).
    pub date: Option<String>,
    /// At most this many must-haves (default 3).
    pub max_primary: usize,
    /// At most this many weighted criteria (default 8).
    pub max_secondary: usize,
    /// At most this many disqualifiers (default 4).
    pub max_negative: usize,
    /// Minimum evidence level of a criterion (default meaningful, 50+ rows
    /// on the smaller side).
    pub min_level: EvidenceLevel,
    /// A must-have keeps at least this share of the positives (default 0.5).
    pub min_primary_recall: f64,
    /// A must-have's rate-ratio lower bound is at least this (default 1.25).
    pub min_primary_ratio: f64,
    /// A disqualifier's risk rate-ratio lower bound is at least this (default 1.5).
    pub min_negative_ratio: f64,
    /// Points to double the odds (default 20).
    pub points_to_double_odds: f64,
    /// Cumulative shares of accounts in tiers A, A+B, A+B+C (default 0.15, 0.35, 0.60).
    pub tier_shares: [f64; 3],
    /// Bins of the numeric band search (default 40).
    pub n_bins: usize,
    /// Ranking options (FDR level, confidence, rule share, columns, threads).
    pub rank: RankOptions,
}

impl Default for DraftOptions {
    fn default() -> Self {
        Self {
            name: "Drafted ICP".into(),
            version: "1".into(),
            date: None,
            max_primary: 3,
            max_secondary: 8,
            max_negative: 4,
            min_level: EvidenceLevel::Meaningful,
            min_primary_recall: 0.5,
            min_primary_ratio: 1.25,
            min_negative_ratio: 1.5,
            points_to_double_odds: 20.0,
            tier_shares: [0.15, 0.35, 0.60],
            n_bins: 40,
            rank: RankOptions::default(),
        }
    }
}

impl DraftOptions {
    fn check(&self) -> Result<()> {
        if !(1..=3).contains(&self.max_primary) {
            return Err(Error::invalid(
                "max_primary",
                "must be 1, 2 or 3 (an ICP has 1–3 sharp must-haves)",
            ));
        }
        if !(0.0..=1.0).contains(&self.min_primary_recall) {
            return Err(Error::invalid("min_primary_recall", "must be in [0, 1]"));
        }
        if !(self.points_to_double_odds > 0.0 && self.points_to_double_odds.is_finite()) {
            return Err(Error::invalid(
                "points_to_double_odds",
                "must be finite and > 0",
            ));
        }
        let s = self.tier_shares;
        if !(0.0 < s[0] && s[0] <= s[1] && s[1] <= s[2] && s[2] < 1.0) {
            return Err(Error::invalid(
                "tier_shares",
                "must satisfy 0 < A ≤ A+B ≤ A+B+C < 1",
            ));
        }
        Ok(())
    }
}

/// What became of a proposal.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "decision", content = "reason", rename_all = "snake_case")]
pub enum Decision {
    /// Became a criterion in this section.
    Chosen(Section),
    /// Left out, and why.
    Rejected(String),
}

/// A proposal with its evidence and fate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    /// `fit` or `risk`: the target it was measured against.
    pub source: String,
    /// The criterion as proposed (points as they would be).
    pub criterion: Criterion,
    /// Exact 2×2 evidence.
    pub measure: Measure,
    /// The attribute's BH q-value in its ranking.
    pub q_value: f64,
    /// Chosen or rejected.
    pub decision: Decision,
}

/// The criteria count of one dimension category, and what to say about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DimensionNote {
    /// The dimension.
    pub dimension: Dimension,
    /// Criteria of the draft in it.
    pub criteria: usize,
    /// Attributes of the table in it.
    pub attributes: usize,
    /// A sentence: "2 criteria", "no psychographic attributes in this data", ...
    pub note: String,
}

/// A drafted ICP with every proposal considered and the dimension notes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Draft {
    /// The ICP.
    pub icp: Icp,
    /// Every proposal, chosen or not, strongest first.
    pub proposals: Vec<Proposal>,
    /// One note per dimension category, in the usual order.
    pub dimensions: Vec<DimensionNote>,
}

/// The default roles the targets may not be drafted from: only attributes.
fn attribute_columns(table: &AccountTable, opts: &RankOptions) -> Vec<String> {
    match &opts.columns {
        Some(c) => c.clone(),
        None => table
            .schema()
            .with_role(Role::Attribute)
            .map(|f| f.name.clone())
            .collect(),
    }
}

/// Rank against `target` and propose one criterion per attribute (per tag
/// for tag sets), strongest first.
fn proposals(
    table: &AccountTable,
    target: &Target,
    prefix: &str,
    opts: &DraftOptions,
) -> Result<Vec<Raw>> {
    let ranking = rank(table, target, None, &opts.rank)?;
    let mut out = Vec::new();
    for row in ranking
        .rows
        .iter()
        .filter(|r| r.kind != crate::table::Kind::TagSet)
        .chain(&ranking.tags)
    {
        let share = opts.rank.min_rule_share;
        out.extend(propose(
            table,
            target,
            row,
            opts.n_bins,
            share,
            opts.rank.confidence,
            prefix,
        )?);
    }
    // Strongest first: the bound of the rate ratio farthest from 1 on the log scale.
    out.sort_by(|a, b| {
        strength(&b.measure)
            .total_cmp(&strength(&a.measure))
            .then_with(|| a.criterion.name.cmp(&b.criterion.name))
    });
    Ok(out)
}

/// |log| of the interval end nearest 1 (0 when the interval contains 1).
fn strength(m: &Measure) -> f64 {
    if m.ratio_lo > 1.0 {
        m.ratio_lo.ln()
    } else if m.ratio_hi < 1.0 {
        -m.ratio_hi.ln()
    } else {
        0.0
    }
}

/// Points of a log-odds effect: `round(PDO / ln 2 · β)`, never 0 (±1 for a
/// tiny effect, so every criterion counts for something).
fn points(log_odds: f64, pdo: f64) -> f64 {
    let p = (pdo / std::f64::consts::LN_2 * log_odds).round();
    if p == 0.0 { log_odds.signum() } else { p }
}

fn sentence(c: &Criterion, m: &Measure, verb: &str) -> String {
    let (how, r) = if m.rate_ratio >= 1.0 {
        ("more", m.rate_ratio)
    } else {
        ("less", 1.0 / m.rate_ratio)
    };
    format!(
        "accounts with {} {verb} {r:.1}× {how} often than the rest (n = {}, 95% CI {:.2}–{:.2}; {:.1}% vs {:.1}%)",
        c.describe(),
        m.n_inside,
        m.ratio_lo,
        m.ratio_hi,
        m.rate_inside * 100.0,
        m.rate_outside * 100.0
    )
}

/// Why a proposal fails the marginal screen, if it does.
fn screen(p: &Raw, opts: &DraftOptions, min_ratio: Option<f64>) -> Option<String> {
    let m = &p.measure;
    let alpha = opts.rank.fdr_alpha;
    if p.q_value > alpha {
        Some(format!("not significant (q = {:.3} > {alpha})", p.q_value))
    } else if m.level < opts.min_level {
        Some(format!(
            "evidence is only {} (n = {})",
            m.level,
            m.n_inside.min(m.n_outside)
        ))
    } else if strength(m) == 0.0 {
        Some("its rate-ratio interval contains 1".to_owned())
    } else {
        min_ratio
            .filter(|r| m.ratio_lo < *r)
            .map(|r| format!("rate-ratio lower bound {:.2} < {r}", m.ratio_lo))
    }
}

/// A selected proposal: its index, conditional coefficient (log-odds) and
/// standard error, and the p-value of the LR test that let it in.
type Chosen = (usize, f64, f64, f64);

/// The chosen proposals of one selection with their conditional effect, and
/// every proposal's last LR p-value.
fn select(
    props: &[Raw],
    eligible: &[usize],
    forced: &[&Bitmap],
    target: &Target,
    max: usize,
    alpha: f64,
) -> Result<(Vec<Chosen>, Vec<f64>)> {
    let masks: Vec<&Bitmap> = eligible.iter().map(|&k| &props[k].mask).collect();
    // One band or level set per column; tags of a tag set are separate.
    let groups: Vec<Option<usize>> = eligible
        .iter()
        .map(|&k| {
            let c = &props[k].criterion;
            (!matches!(c.predicate, crate::icp::Predicate::HasAny(_))).then(|| {
                props
                    .iter()
                    .position(|p| p.criterion.column == c.column)
                    .unwrap_or(k)
            })
        })
        .collect();
    let sel = select::forward(&masks, &groups, forced, target.labels(), max, alpha)?;
    let base = forced.len();
    let chosen = match &sel.fit {
        None => Vec::new(),
        Some(f) => sel
            .steps
            .iter()
            .enumerate()
            .map(|(s, st)| {
                (
                    eligible[st.candidate],
                    f.coef[base + s + 1],
                    f.std_err[base + s + 1],
                    st.p_value,
                )
            })
            .collect(),
    };
    let mut last_p = vec![f64::NAN; props.len()];
    for (j, &k) in eligible.iter().enumerate() {
        // Dropped by the backward pass: a negative p marks it for the message.
        last_p[k] = if sel.dropped.contains(&j) {
            -sel.last_p[j]
        } else {
            sel.last_p[j]
        };
    }
    Ok((chosen, last_p))
}

fn evidence(
    p: &Raw,
    coef: f64,
    se: f64,
    z: f64,
    verb: &str,
    source: &str,
    opts: &DraftOptions,
) -> Provenance {
    let m = &p.measure;
    Provenance {
        statistic: format!("odds ratio given the other {source} criteria"),
        value: Some(coef.exp()),
        interval: Some([(coef - z * se).exp(), (coef + z * se).exp()]),
        n: m.n_inside.min(m.n_outside) as u64,
        level: m.level,
        date: opts.date.clone(),
        note: Some(sentence(&p.criterion, m, verb)),
    }
}

/// Accounts passing every must-have of `icp` (none when it has none).
fn primary_pass(icp: &Icp, table: &AccountTable) -> Result<Option<Bitmap>> {
    if icp.primary.is_empty() {
        return Ok(None);
    }
    let scores = score(
        icp,
        table,
        &ScoreOptions {
            levels: crate::icp::Levels::Strict,
            ..Default::default()
        },
    )?;
    let mut pass = Bitmap::new(table.n_rows(), false);
    for i in 0..table.n_rows() {
        if scores.primary_pass(i) {
            pass.set(i, true);
        }
    }
    Ok(Some(pass))
}

/// Why an eligible proposal was not selected: it adds too little given the
/// chosen ones, or (no finite fit) it duplicates them.
fn not_selected(p: f64, what: &str) -> Decision {
    Decision::Rejected(if p.is_nan() {
        format!("duplicates the chosen {what} (collinear) or another band of its column is in")
    } else if p < 0.0 {
        format!(
            "its effect is unclear once the other {what} are in (Wald p = {:.2e})",
            -p
        )
    } else {
        format!(
            "adds too little once the chosen {what} are in (likelihood-ratio p = {p:.2e} at its last try)"
        )
    })
}

/// Draft an ICP from a fit target and an optional risk target (see the
/// module doc for the method).
pub fn draft(
    table: &AccountTable,
    fit: &Target,
    risk: Option<&Target>,
    opts: &DraftOptions,
) -> Result<Draft> {
    opts.check()?;
    // The critical value of every interval, once (not per criterion).
    let z = crate::stats::rates::critical_value(opts.rank.confidence)?;
    let mut rank_opts = opts.rank.clone();
    rank_opts.columns = Some(attribute_columns(table, &opts.rank));
    let opts = &DraftOptions {
        rank: rank_opts,
        ..opts.clone()
    };
    let pdo = opts.points_to_double_odds;
    let alpha = opts.rank.fdr_alpha;
    let mut icp = Icp::new(&opts.name, &opts.version);
    icp.date = opts.date.clone();
    let mut out = Vec::new();

    // Fit: screen, select by conditional evidence, split into primary and secondary.
    let props = proposals(table, fit, "fit", opts)?;
    let mut decisions: Vec<Option<Decision>> = props
        .iter()
        .map(|p| screen(p, opts, None).map(Decision::Rejected))
        .collect();
    let eligible: Vec<usize> = (0..props.len())
        .filter(|&k| decisions[k].is_none())
        .collect();
    let (chosen, last_p) = select(
        &props,
        &eligible,
        &[],
        fit,
        opts.max_primary + opts.max_secondary,
        alpha,
    )?;
    let mut by_z: Vec<&Chosen> = chosen.iter().collect();
    by_z.sort_by(|a, b| (b.1 / b.2).total_cmp(&(a.1 / a.2)));
    let mut primary: Vec<usize> = Vec::new();
    for &&(k, coef, _, _) in &by_z {
        let m = &props[k].measure;
        if primary.len() < opts.max_primary
            && coef > 0.0
            && m.ratio_lo >= opts.min_primary_ratio
            && m.recall >= opts.min_primary_recall
            && !primary
                .iter()
                .any(|&q| props[q].criterion.column == props[k].criterion.column)
        {
            primary.push(k);
        }
    }
    for &(k, coef, se, _) in &chosen {
        let p = &props[k];
        let c = p
            .criterion
            .clone()
            .points(points(coef, pdo))
            .evidence(evidence(p, coef, se, z, fit.verb(), "fit", opts));
        if primary.contains(&k) {
            icp.primary.push(c);
            decisions[k] = Some(Decision::Chosen(Section::Primary));
        } else if icp.secondary.len() < opts.max_secondary {
            icp.secondary.push(c);
            decisions[k] = Some(Decision::Chosen(Section::Secondary));
        } else {
            decisions[k] = Some(Decision::Rejected(format!(
                "over the limit of {} secondary criteria",
                opts.max_secondary
            )));
        }
    }
    // Must-haves first in the order of their strength.
    icp.primary.sort_by_key(|c| {
        primary
            .iter()
            .position(|&k| props[k].criterion.name == c.name)
    });
    for (k, p) in props.iter().enumerate() {
        let decision = decisions[k]
            .take()
            .unwrap_or_else(|| not_selected(last_p[k], "criteria"));
        let coef = chosen
            .iter()
            .find(|c| c.0 == k)
            .map_or(p.measure.odds_ratio.ln(), |c| c.1);
        out.push(Proposal {
            source: "fit".into(),
            criterion: p.criterion.clone().points(points(coef, pdo)),
            measure: p.measure.clone(),
            q_value: p.q_value,
            decision,
        });
    }

    // Disqualifiers: the same selection against the risk target.
    if let Some(risk) = risk {
        let props = proposals(table, risk, "risk", opts)?;
        let mut decisions: Vec<Option<Decision>> = props
            .iter()
            .map(|p| screen(p, opts, Some(opts.min_negative_ratio)).map(Decision::Rejected))
            .collect();
        let eligible: Vec<usize> = (0..props.len())
            .filter(|&k| decisions[k].is_none())
            .collect();
        // Disqualifiers must add risk beyond failing the must-haves.
        let pass = primary_pass(&icp, table)?;
        let forced: Vec<&Bitmap> = pass.iter().collect();
        let (chosen, last_p) = select(&props, &eligible, &forced, risk, opts.max_negative, alpha)?;
        for &(k, coef, se, _) in &chosen {
            let p = &props[k];
            let c =
                p.criterion
                    .clone()
                    .evidence(evidence(p, coef, se, z, risk.verb(), "risk", opts));
            let mut trial = icp.clone();
            trial.negative.push(c.clone());
            decisions[k] = Some(match trial.validate(table) {
                Ok(()) if coef > 0.0 => {
                    icp.negative.push(c);
                    Decision::Chosen(Section::Negative)
                }
                Ok(()) => {
                    Decision::Rejected("lowers the risk once the other disqualifiers are in".into())
                }
                Err(e) => Decision::Rejected(format!("contradicts the must-haves: {e}")),
            });
        }
        for (k, p) in props.iter().enumerate() {
            let decision = decisions[k]
                .take()
                .unwrap_or_else(|| not_selected(last_p[k], "disqualifiers"));
            out.push(Proposal {
                source: "risk".into(),
                criterion: p.criterion.clone(),
                measure: p.measure.clone(),
                q_value: p.q_value,
                decision,
            });
        }
    }
    if icp.is_empty() {
        return Err(Error::InsufficientData {
            what: format!(
                "drafting an ICP: no attribute separates `{}` with significant evidence at level {} or above",
                fit.name(),
                opts.min_level
            ),
            n: fit.counts().0.min(fit.counts().1),
            min: 50,
        });
    }
    icp.tiers = tiers_from_quantiles(&icp, table, fit.labels(), opts.tier_shares)?;
    icp.validate(table)?;
    let dimensions = dimension_notes(table, &icp, &opts.rank);
    Ok(Draft {
        icp,
        proposals: out,
        dimensions,
    })
}

/// Points of every compared account (the scoring engine), then tier cuts at
/// the requested quantiles.
fn tiers_from_quantiles(
    icp: &Icp,
    table: &AccountTable,
    labels: &[u8],
    shares: [f64; 3],
) -> Result<Tiers> {
    let scores = score(
        icp,
        table,
        &ScoreOptions {
            levels: crate::icp::Levels::Strict,
            ..Default::default()
        },
    )?;
    let mut pts: Vec<f64> = scores
        .points()
        .iter()
        .zip(labels)
        .filter(|(_, l)| **l != crate::rank::EXCLUDED)
        .map(|(p, _)| *p)
        .collect();
    pts.sort_by(|a, b| b.total_cmp(a));
    let at = |share: f64| -> f64 {
        let k = ((share * pts.len() as f64).ceil() as usize).clamp(1, pts.len().max(1)) - 1;
        pts.get(k).copied().unwrap_or(0.0)
    };
    Ok(Tiers {
        a: at(shares[0]),
        b: at(shares[1]),
        c: at(shares[2]),
        ..Tiers::default()
    })
}

fn dimension_notes(table: &AccountTable, icp: &Icp, opts: &RankOptions) -> Vec<DimensionNote> {
    let columns = attribute_columns(table, opts);
    [
        Dimension::Firmographic,
        Dimension::Technographic,
        Dimension::Behavioral,
        Dimension::Psychographic,
        Dimension::Stage,
    ]
    .into_iter()
    .map(|d| {
        let attributes = table
            .schema()
            .fields()
            .iter()
            .filter(|f| f.dimension == d && columns.contains(&f.name))
            .count();
        let criteria = icp.criteria().filter(|(_, c)| c.dimension == Some(d)).count();
        let note = match (attributes, criteria) {
            (0, _) => format!("no {d} attributes in this data"),
            (_, 0) => format!("no {d} evidence in this data: none of its {attributes} attribute(s) separates the cohorts"),
            (_, 1) => format!("1 {d} criterion; the data has evidence for no second one"),
            (_, n) => format!("{n} {d} criteria"),
        };
        DimensionNote { dimension: d, criteria, attributes, note }
    })
    .collect()
}

/// One draft per level of a product column, each scoped to it: rows of
/// other products are left out of both targets. Levels whose draft fails
/// (too little evidence) carry their error.
pub fn draft_per_product(
    table: &AccountTable,
    product_column: &str,
    fit: &Target,
    risk: Option<&Target>,
    opts: &DraftOptions,
) -> Result<Vec<(String, Result<Draft>)>> {
    let product = table.categorical(product_column)?;
    let restrict = |t: &Target, code: u32| -> Result<Target> {
        let labels: Vec<Option<bool>> = t
            .labels()
            .iter()
            .zip(product.codes())
            .map(|(&l, &c)| (c == code && l != crate::rank::EXCLUDED).then_some(l == 1))
            .collect();
        Target::from_labels(
            &labels,
            &format!(
                "{} ({product_column} {})",
                t.name(),
                product.levels()[code as usize]
            ),
            t.verb(),
        )
    };
    let mut rank = opts.rank.clone();
    rank.columns = Some(
        attribute_columns(table, &opts.rank)
            .into_iter()
            .filter(|c| c != product_column)
            .collect(),
    );
    let mut out = Vec::new();
    for (code, level) in product.levels().iter().enumerate() {
        let code = code as u32;
        let result = (|| {
            let f = restrict(fit, code)?;
            let r = risk.map(|r| restrict(r, code)).transpose()?;
            let o = DraftOptions {
                name: format!("{} — {level}", opts.name),
                rank: rank.clone(),
                ..opts.clone()
            };
            let mut d = draft(table, &f, r.as_ref(), &o)?;
            d.icp.scope = Some(crate::icp::Scope {
                column: product_column.to_owned(),
                value: level.clone(),
            });
            Ok(d)
        })();
        out.push((level.clone(), result));
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
