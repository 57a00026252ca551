//! Drift: has the pipeline moved away from the customers we win, and do
//! this quarter's wins and losses still follow the ICP?
//!
//! # PSI per attribute ([`psi_drift`], [`pipeline_drift`])
//!
//! The population stability index ([`crate::stats::psi()`]) of a *current*
//! cohort (default: the open pipeline) against a *reference* cohort
//! (default: the won deals), per attribute column (role attribute, unless
//! the columns are given):
//! * **numeric**: the reference cohort's decile cuts
//!   ([`quantile_cuts`], closed right, ties merged, so heavily tied columns
//!   get fewer bins), plus a missing bin when either side has missing
//!   values;
//! * **categorical**: one bin per level, plus missing;
//! * **flag**: false / true / missing;
//! * **tag set**: one attribute per tag (`tech_stack has Snowflake`): has /
//!   has not / missing;
//! * text and date columns are skipped (listed with the reason).
//!
//! Small counts: `smoothing` (default [`PSI_SMOOTHING`] = 0.5) is added to
//! every bin of both sides before the shares are taken, so a level absent on
//! one side gives a large but finite term. Bins empty on both sides
//! contribute 0. Bands: < 0.1 stable, 0.1–0.25 moderate, > 0.25 significant
//! ([`PsiBand`]). Attributes are listed by PSI, largest first.
//!
//! Each attribute also carries the PSI expected from sampling alone and the
//! χ² p-value of its PSI ([`crate::stats::psi()`], "sampling noise"), with
//! Benjamini–Hochberg q-values over the attributes; `beyond_noise` is
//! `q < 0.05`. A many-level column compared on a small pipeline can land in
//! the moderate band by chance alone: the review should say so rather than
//! call it drift.
//!
//! # ICP conformance ([`conformance`])
//!
//! For the closed deals of one close quarter (default: the latest in the
//! data), the tier mix of the wins and of the losses (lost and no decision)
//! under an ICP's fit scores; the conformance rate is the share of wins in
//! tier A or B. **Off-pattern wins** are wins in tier C or D; **off-pattern
//! losses** are losses in tier A. Each is listed with its tier, points and
//! reasons (the matched criteria, or the unmet primary ones).

use crate::cohort::{Cohort, Quarter, outcome_cohorts};
use crate::error::{Error, Result};
use crate::evidence::EvidenceLevel;
use crate::icp::Tier;
use crate::outcome::{DealOutcome, OutcomeMap, parse_column};
use crate::score::FitScores;
use crate::signals::account_label;
use crate::stats::binning::{bin_codes, quantile_cuts};
use crate::stats::{PSI_SMOOTHING, PsiBand, benjamini_hochberg, psi};
use crate::table::{AccountTable, Column, DATE_MISSING, FLAG_MISSING, MISSING_CODE, Role};
use serde::{Deserialize, Serialize};

/// Options of [`psi_drift`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriftOptions {
    /// Columns to compare (default: every attribute column).
    pub columns: Option<Vec<String>>,
    /// Bins of numeric columns (default 10: deciles of the reference).
    pub n_bins: usize,
    /// Added to every bin of both sides (default 0.5).
    pub smoothing: f64,
    /// Compare tag-set columns tag by tag (default true).
    pub tags: bool,
}

impl Default for DriftOptions {
    fn default() -> Self {
        Self {
            columns: None,
            n_bins: 10,
            smoothing: PSI_SMOOTHING,
            tags: true,
        }
    }
}

/// One bin of an attribute's drift.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftBin {
    /// Bin label (`≤ 120`, `(120, 250]`, a level, `missing`).
    pub label: String,
    /// Reference count.
    pub reference: usize,
    /// Current count.
    pub current: usize,
    /// Smoothed reference share.
    pub reference_share: f64,
    /// Smoothed current share.
    pub current_share: f64,
    /// PSI term.
    pub contribution: f64,
}

/// The drift of one attribute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributeDrift {
    /// The attribute (`column`, or `column has tag`).
    pub attribute: String,
    /// The column.
    pub column: String,
    /// Its kind.
    pub kind: String,
    /// PSI.
    pub psi: f64,
    /// Its band.
    pub band: PsiBand,
    /// The bins.
    pub bins: Vec<DriftBin>,
    /// The bin that contributes most.
    pub top_bin: String,
    /// PSI expected from sampling alone.
    pub sampling_psi: f64,
    /// χ² p-value of the PSI (no shift as the null).
    pub p_value: f64,
    /// Benjamini–Hochberg q-value over the report's attributes.
    pub q_value: f64,
    /// `q_value < 0.05`: more shift than sampling explains.
    pub beyond_noise: bool,
}

/// PSI of every attribute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftReport {
    /// The reference cohort's name.
    pub reference: String,
    /// The current cohort's name.
    pub current: String,
    /// Reference rows.
    pub n_reference: usize,
    /// Current rows.
    pub n_current: usize,
    /// Evidence level of the smaller side.
    pub evidence: EvidenceLevel,
    /// Attributes, largest PSI first.
    pub attributes: Vec<AttributeDrift>,
    /// Columns skipped, with the reason.
    pub skipped: Vec<(String, String)>,
    /// The smoothing used.
    pub smoothing: f64,
}

impl DriftReport {
    /// The attributes in a band.
    pub fn in_band(&self, band: PsiBand) -> Vec<&AttributeDrift> {
        self.attributes.iter().filter(|a| a.band == band).collect()
    }
    /// One attribute by name.
    pub fn get(&self, attribute: &str) -> Option<&AttributeDrift> {
        self.attributes.iter().find(|a| a.attribute == attribute)
    }
}

fn attribute(
    attribute: String,
    column: &str,
    kind: &str,
    labels: Vec<String>,
    reference: Vec<usize>,
    current: Vec<usize>,
    smoothing: f64,
) -> Result<AttributeDrift> {
    let e: Vec<f64> = reference.iter().map(|&x| x as f64).collect();
    let a: Vec<f64> = current.iter().map(|&x| x as f64).collect();
    let p = psi(&e, &a, smoothing)?;
    let bins: Vec<DriftBin> = labels
        .into_iter()
        .zip(p.bins.iter())
        .zip(reference.iter().zip(&current))
        .map(|((label, b), (&r, &c))| DriftBin {
            label,
            reference: r,
            current: c,
            reference_share: b.expected_share,
            current_share: b.actual_share,
            contribution: b.contribution,
        })
        .collect();
    let top_bin = bins
        .iter()
        .max_by(|x, y| x.contribution.total_cmp(&y.contribution))
        .map(|b| b.label.clone())
        .unwrap_or_default();
    Ok(AttributeDrift {
        attribute,
        column: column.to_owned(),
        kind: kind.to_owned(),
        psi: p.psi,
        band: p.band,
        bins,
        top_bin,
        sampling_psi: p.sampling_psi,
        p_value: p.p_value,
        q_value: f64::NAN,
        beyond_noise: false,
    })
}

/// Counts codes `0..k` (and `missing` as code `k`) for the rows of a cohort.
fn count(codes: impl Fn(usize) -> usize, cohort: &Cohort, k: usize) -> Vec<usize> {
    let mut c = vec![0usize; k + 1];
    for i in cohort.rows().ones() {
        c[codes(i).min(k)] += 1;
    }
    c
}

/// Drops the trailing missing bin when it is empty on both sides.
fn trim_missing(labels: &mut Vec<String>, r: &mut Vec<usize>, c: &mut Vec<usize>) {
    if r.last() == Some(&0) && c.last() == Some(&0) {
        labels.pop();
        r.pop();
        c.pop();
    }
}

/// PSI of `current` against `reference` for each attribute (see the module
/// doc).
///
/// # Errors
/// Cohorts of another length than the table, or an empty cohort
/// ([`Error::InsufficientData`]); `n_bins < 2` or a bad smoothing; a
/// column named in `columns` that the table lacks.
pub fn psi_drift(
    table: &AccountTable,
    reference: &Cohort,
    current: &Cohort,
    opts: &DriftOptions,
) -> Result<DriftReport> {
    let n = table.n_rows();
    for c in [reference, current] {
        if c.n_rows() != n {
            return Err(Error::LengthMismatch {
                what: format!("cohort `{}`", c.name),
                expected: n,
                found: c.n_rows(),
            });
        }
        if c.is_empty() {
            return Err(Error::InsufficientData {
                what: format!("drift: rows of cohort `{}`", c.name),
                n: 0,
                min: 1,
            });
        }
    }
    if opts.n_bins < 2 {
        return Err(Error::invalid(
            "n_bins",
            format!("{} must be at least 2", opts.n_bins),
        ));
    }
    if !(opts.smoothing.is_finite() && opts.smoothing >= 0.0) {
        return Err(Error::invalid(
            "smoothing",
            format!("{} must be finite and >= 0", opts.smoothing),
        ));
    }
    let columns: Vec<String> = match &opts.columns {
        Some(c) => {
            for name in c {
                table.column(name)?;
            }
            c.clone()
        }
        None => table
            .schema()
            .with_role(Role::Attribute)
            .map(|f| f.name.clone())
            .collect(),
    };
    let s = opts.smoothing;
    let mut attributes = Vec::new();
    let mut skipped = Vec::new();
    let miss = || "missing".to_owned();
    for name in &columns {
        match table.column(name)? {
            Column::Numeric(v) => {
                let mut sorted: Vec<f64> = reference
                    .rows()
                    .ones()
                    .map(|i| v[i])
                    .filter(|x| !x.is_nan())
                    .collect();
                if sorted.is_empty() {
                    skipped.push((name.clone(), "no value in the reference cohort".into()));
                    continue;
                }
                sorted.sort_unstable_by(f64::total_cmp);
                let cuts = quantile_cuts(&sorted, opts.n_bins);
                let mut codes = vec![0u32; n];
                bin_codes(v, &cuts, &mut codes)?;
                let k = cuts.len() + 1;
                let mut labels = crate::cohort::bin_labels(&cuts);
                labels.push(miss());
                let mut r = count(|i| codes[i] as usize, reference, k);
                let mut c = count(|i| codes[i] as usize, current, k);
                trim_missing(&mut labels, &mut r, &mut c);
                attributes.push(attribute(name.clone(), name, "numeric", labels, r, c, s)?);
            }
            Column::Categorical(cat) => {
                let k = cat.levels().len();
                let code = |i: usize| {
                    let c = cat.codes()[i];
                    if c == MISSING_CODE { k } else { c as usize }
                };
                let mut labels = cat.levels().to_vec();
                labels.push(miss());
                let mut r = count(code, reference, k);
                let mut c = count(code, current, k);
                trim_missing(&mut labels, &mut r, &mut c);
                if labels.len() < 2 {
                    skipped.push((name.clone(), "a single level".into()));
                    continue;
                }
                attributes.push(attribute(
                    name.clone(),
                    name,
                    "categorical",
                    labels,
                    r,
                    c,
                    s,
                )?);
            }
            Column::Flag(f) => {
                let code = |i: usize| {
                    if f[i] == FLAG_MISSING {
                        2
                    } else {
                        f[i] as usize
                    }
                };
                let mut labels = vec!["false".to_owned(), "true".to_owned(), miss()];
                let mut r = count(code, reference, 2);
                let mut c = count(code, current, 2);
                trim_missing(&mut labels, &mut r, &mut c);
                attributes.push(attribute(name.clone(), name, "flag", labels, r, c, s)?);
            }
            Column::TagSet(t) => {
                if !opts.tags {
                    skipped.push((name.clone(), "tag sets not compared (option)".into()));
                    continue;
                }
                for (k, tag) in t.tags().iter().enumerate() {
                    let code = |i: usize| {
                        if !t.valid().get(i) {
                            2
                        } else {
                            usize::from(t.has(i, k))
                        }
                    };
                    let mut labels = vec![format!("no {tag}"), format!("has {tag}"), miss()];
                    let mut r = count(code, reference, 2);
                    let mut c = count(code, current, 2);
                    trim_missing(&mut labels, &mut r, &mut c);
                    attributes.push(attribute(
                        format!("{name} has {tag}"),
                        name,
                        "tag",
                        labels,
                        r,
                        c,
                        s,
                    )?);
                }
            }
            other => skipped.push((
                name.clone(),
                format!("{} columns are not compared", other.kind()),
            )),
        }
    }
    let p: Vec<f64> = attributes.iter().map(|a| a.p_value).collect();
    for (a, q) in attributes.iter_mut().zip(benjamini_hochberg(&p)?) {
        a.q_value = q;
        a.beyond_noise = q < 0.05;
    }
    attributes.sort_by(|a, b| b.psi.total_cmp(&a.psi));
    Ok(DriftReport {
        reference: reference.name.clone(),
        current: current.name.clone(),
        n_reference: reference.size,
        n_current: current.size,
        evidence: EvidenceLevel::from_n(reference.size.min(current.size)),
        attributes,
        skipped,
        smoothing: s,
    })
}

/// [`psi_drift`] of the open pipeline against the won deals of an outcome
/// column.
pub fn pipeline_drift(
    table: &AccountTable,
    outcome_column: &str,
    opts: &DriftOptions,
) -> Result<DriftReport> {
    let o = outcome_cohorts(table, outcome_column)?;
    psi_drift(
        table,
        &o.won.clone().named("won deals"),
        &o.open.clone().named("open pipeline"),
        opts,
    )
}

/// One off-pattern deal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OffPattern {
    /// Row in the table.
    pub row: usize,
    /// Account id (or `row i`).
    pub account: String,
    /// Outcome.
    pub outcome: DealOutcome,
    /// Tier.
    pub tier: Tier,
    /// Points.
    pub points: f64,
    /// Why: the matched criteria, then the unmet primary ones.
    pub reasons: Vec<String>,
}

/// Deals per tier, order A to D.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierMix {
    /// Deals (in the ICP's scope).
    pub n: usize,
    /// Counts per tier.
    pub counts: [usize; 4],
    /// Shares per tier (NaN when `n = 0`).
    pub shares: [f64; 4],
}

impl TierMix {
    fn new(counts: [usize; 4]) -> Self {
        let n = counts.iter().sum();
        Self {
            n,
            counts,
            shares: counts.map(|c| if n > 0 { c as f64 / n as f64 } else { f64::NAN }),
        }
    }
}

/// ICP conformance of one quarter's closed deals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conformance {
    /// The ICP.
    pub icp: String,
    /// The close quarter.
    pub quarter: Quarter,
    /// Tier mix of the wins.
    pub wins: TierMix,
    /// Tier mix of the losses (lost and no decision).
    pub losses: TierMix,
    /// Share of wins in tier A or B (NaN without wins).
    pub conformance_rate: f64,
    /// Wins in tier C or D.
    pub off_pattern_wins: Vec<OffPattern>,
    /// Losses in tier A.
    pub off_pattern_losses: Vec<OffPattern>,
    /// Evidence level of the wins.
    pub evidence: EvidenceLevel,
}

/// ICP conformance of the closed deals of `quarter` (default: the latest
/// close quarter in the data); see the module doc. `scores` must come with
/// the matched-criteria bits (the default of [`crate::score::score`]) for
/// the reasons.
///
/// # Errors
/// Scores of another length than the table; unknown or mistyped columns;
/// no close date at all ([`Error::InsufficientData`]).
pub fn conformance(
    table: &AccountTable,
    scores: &FitScores,
    outcome_column: &str,
    close_date_column: &str,
    quarter: Option<Quarter>,
) -> Result<Conformance> {
    let n = table.n_rows();
    if scores.len() != n {
        return Err(Error::LengthMismatch {
            what: "fit scores".into(),
            expected: n,
            found: scores.len(),
        });
    }
    let outcome = parse_column(table, outcome_column, &OutcomeMap::<DealOutcome>::new())?;
    let dates = table.date(close_date_column)?;
    let quarter = match quarter {
        Some(q) => q,
        None => {
            let last = dates
                .iter()
                .zip(&outcome)
                .filter(|(d, o)| {
                    **d != DATE_MISSING
                        && matches!(
                            o,
                            Some(DealOutcome::Won | DealOutcome::Lost | DealOutcome::NoDecision)
                        )
                })
                .map(|(d, _)| *d)
                .max()
                .ok_or_else(|| Error::InsufficientData {
                    what: format!("conformance: closed deals with a `{close_date_column}`"),
                    n: 0,
                    min: 1,
                })?;
            Quarter::of_day(last)
        }
    };
    let mut wins = [0usize; 4];
    let mut losses = [0usize; 4];
    let mut off_wins = Vec::new();
    let mut off_losses = Vec::new();
    for i in 0..n {
        if dates[i] == DATE_MISSING || Quarter::of_day(dates[i]) != quarter {
            continue;
        }
        let (Some(o), Some(tier)) = (outcome[i], scores.tier(i)) else {
            continue;
        };
        let off = match o {
            DealOutcome::Won => {
                wins[tier.index()] += 1;
                matches!(tier, Tier::C | Tier::D)
            }
            DealOutcome::Lost | DealOutcome::NoDecision => {
                losses[tier.index()] += 1;
                tier == Tier::A
            }
            DealOutcome::Open => continue,
        };
        if off {
            let mut reasons = scores.explain(i).unwrap_or_default();
            for u in scores.unmet_primary(i).unwrap_or_default() {
                reasons.push(format!("fails: {u}"));
            }
            let item = OffPattern {
                row: i,
                account: account_label(table, i),
                outcome: o,
                tier,
                points: scores.points()[i],
                reasons,
            };
            if o == DealOutcome::Won {
                off_wins.push(item);
            } else {
                off_losses.push(item);
            }
        }
    }
    let wins = TierMix::new(wins);
    let losses = TierMix::new(losses);
    let conformance_rate = if wins.n > 0 {
        (wins.counts[0] + wins.counts[1]) as f64 / wins.n as f64
    } else {
        f64::NAN
    };
    Ok(Conformance {
        icp: format!("{} v{}", scores.icp_name(), scores.icp_version()),
        quarter,
        evidence: EvidenceLevel::from_n(wins.n),
        wins,
        losses,
        conformance_rate,
        off_pattern_wins: off_wins,
        off_pattern_losses: off_losses,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::icp::{Criterion, Icp, Predicate, Range, Tiers};
    use crate::score::{ScoreOptions, score};
    use crate::stats::PsiBand;
    use crate::synth::{SynthConfig, generate};
    use crate::table::CsvOptions;

    fn table() -> AccountTable {
        let mut csv = String::from("account_id,size,industry,partner,stack,outcome,close_date\n");
        // Won: sizes 1..=20, industry a/b alternating, partner true.
        for k in 1..=20 {
            let ind = if k % 2 == 0 { "a" } else { "b" };
            csv.push_str(&format!("w{k},{k},{ind},true,x;y,won,2026-05-{k:02}\n"));
        }
        // Open: sizes 11..=30, all industry c, partner false, no stack.
        for k in 11..=30 {
            csv.push_str(&format!("o{k},{k},c,false,,open,\n"));
        }
        csv.push_str("l1,25,a,true,x,lost,2026-06-01\n");
        csv.push_str("l2,3,b,false,y,lost,2026-06-02\n");
        csv.push_str("l3,25,a,true,x,lost,2026-01-02\n");
        AccountTable::from_csv_reader(csv.as_bytes(), &CsvOptions::default()).unwrap()
    }

    #[test]
    fn psi_per_attribute_by_hand() {
        let t = table();
        let d = pipeline_drift(&t, "outcome", &DriftOptions::default()).unwrap();
        assert_eq!((d.n_reference, d.n_current), (20, 20));
        assert_eq!(d.reference, "won deals");
        // size: deciles of 1..=20 are 2, 4, …, 18: bins of 2 won each; the
        // open sizes 11..=30 fill bins (10,12] … (16,18] with 2 each, plus
        // 11 above 18 in the last bin… by hand below.
        let size = d.get("size").unwrap();
        assert_eq!(size.bins.len(), 10, "no missing bin: none missing");
        let r: Vec<usize> = size.bins.iter().map(|b| b.reference).collect();
        let c: Vec<usize> = size.bins.iter().map(|b| b.current).collect();
        assert_eq!(r, [2; 10]);
        assert_eq!(c, [0, 0, 0, 0, 0, 2, 2, 2, 2, 12]);
        let want = crate::stats::psi(
            &r.iter().map(|&x| x as f64).collect::<Vec<_>>(),
            &c.iter().map(|&x| x as f64).collect::<Vec<_>>(),
            0.5,
        )
        .unwrap()
        .psi;
        assert!((size.psi - want).abs() < 1e-15);
        assert_eq!(size.band, PsiBand::Significant);
        assert_eq!(size.top_bin, "> 18");
        // industry: levels a, b, c (no missing).
        let ind = d.get("industry").unwrap();
        let labels: Vec<&str> = ind.bins.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(labels, ["a", "b", "c"]);
        assert_eq!(ind.bins[2].current, 20);
        // flag and tags: the open deals have no stack (missing bin).
        assert_eq!(d.get("partner").unwrap().bins.len(), 2);
        let x = d.get("stack has x").unwrap();
        assert_eq!(x.bins.len(), 3);
        assert_eq!(x.bins[2].current, 20);
        assert!(d.skipped.iter().all(|(c, _)| c != "size"));
        // Sorted by PSI.
        assert!(d.attributes.windows(2).all(|w| w[0].psi >= w[1].psi));
        // The same cohort against itself is stable.
        let won = outcome_cohorts(&t, "outcome").unwrap().won;
        let same = psi_drift(&t, &won, &won, &DriftOptions::default()).unwrap();
        assert!(same.attributes.iter().all(|a| a.psi.abs() < 1e-12));
        assert!(
            same.attributes
                .iter()
                .all(|a| a.p_value == 1.0 && !a.beyond_noise)
        );
        // 20 vs 20 accounts over 10 bins: a significant-band PSI (1.29)
        // that sampling alone could give (expected 0.9, p = 0.17); the
        // industry shift (a level only in the pipeline) is beyond noise.
        assert!(!size.beyond_noise && (size.sampling_psi - 0.9).abs() < 1e-12);
        assert!(
            size.p_value > 0.1 && size.p_value < 0.25,
            "{}",
            size.p_value
        );
        assert!(d.get("industry").unwrap().beyond_noise);
        assert_eq!(same.in_band(PsiBand::Stable).len(), same.attributes.len());
    }

    #[test]
    fn drift_errors_are_typed() {
        let t = table();
        let o = outcome_cohorts(&t, "outcome").unwrap();
        let empty = o.won.minus(&o.won);
        assert!(matches!(
            psi_drift(&t, &o.won, &empty, &DriftOptions::default()),
            Err(Error::InsufficientData { .. })
        ));
        let bad = DriftOptions {
            n_bins: 1,
            ..Default::default()
        };
        assert!(psi_drift(&t, &o.won, &o.open, &bad).is_err());
        let typo = DriftOptions {
            columns: Some(vec!["sise".into()]),
            ..Default::default()
        };
        assert!(matches!(
            psi_drift(&t, &o.won, &o.open, &typo),
            Err(Error::UnknownColumn { .. })
        ));
        let text = DriftOptions {
            columns: Some(vec!["account_id".into(), "close_date".into()]),
            ..Default::default()
        };
        let d = psi_drift(&t, &o.won, &o.open, &text).unwrap();
        assert!(d.attributes.is_empty() && d.skipped.len() == 2);
    }

    #[test]
    fn conformance_lists_off_pattern_deals() {
        let t = table();
        let icp = Icp::new("t", "1")
            .primary(
                Criterion::new(
                    "big",
                    "size",
                    Predicate::Range(Range::closed(Some(10.0), None)),
                )
                .points(60.0),
            )
            .secondary(
                Criterion::new("a", "industry", Predicate::In(vec!["a".into()])).points(20.0),
            )
            .tiers(Tiers {
                a: 80.0,
                b: 60.0,
                c: 20.0,
                ..Tiers::default()
            });
        let s = score(&icp, &t, &ScoreOptions::default()).unwrap();
        let c = conformance(&t, &s, "outcome", "close_date", None).unwrap();
        assert_eq!(c.quarter, Quarter::new(2026, 2).unwrap());
        // Wins 1..=20: sizes < 10 fail the primary (9 wins): tier C (a) or D (b).
        assert_eq!(c.wins.n, 20);
        assert_eq!(c.off_pattern_wins.len(), 9);
        assert!((c.conformance_rate - 11.0 / 20.0).abs() < 1e-12);
        let w = &c.off_pattern_wins[0];
        assert!(w.reasons.iter().any(|r| r.starts_with("fails: ")), "{w:?}");
        // Losses this quarter: l1 (size 25, a: tier A) and l2 (size 3, b: D).
        assert_eq!(c.losses.n, 2);
        assert_eq!(c.off_pattern_losses.len(), 1);
        assert_eq!(c.off_pattern_losses[0].account, "l1");
        // An earlier quarter: only l3.
        let q1 = conformance(
            &t,
            &s,
            "outcome",
            "close_date",
            Some(Quarter::new(2026, 1).unwrap()),
        )
        .unwrap();
        assert_eq!((q1.wins.n, q1.losses.n), (0, 1));
        assert!(q1.conformance_rate.is_nan());
        let short = score(&icp, &t.take(&[0, 1]).unwrap(), &ScoreOptions::default()).unwrap();
        assert!(conformance(&t, &short, "outcome", "close_date", None).is_err());
    }

    /// On synthetic data the open pipeline is a random 10 % of accounts,
    /// while won deals concentrate on the planted drivers: the driver
    /// columns drift, pure noise does not.
    #[test]
    fn synthetic_pipeline_drifts_on_the_drivers_only() {
        let s = generate(&SynthConfig::new(60_000, 9)).unwrap();
        let d = pipeline_drift(&s.table, "outcome", &DriftOptions::default()).unwrap();
        let psi = |a: &str| d.get(a).unwrap().psi;
        for noise in ["noise_score", "noise_flag", "region", "noise_segment"] {
            assert!(psi(noise) < 0.02, "{noise}: {}", psi(noise));
            assert!(d.get(noise).unwrap().p_value > 0.001, "{noise}");
        }
        for driver in [
            "industry",
            "employees",
            "tech_stack has Snowflake",
            "lead_source",
        ] {
            assert!(d.get(driver).unwrap().beyond_noise, "{driver}");
        }
        // On a small sample, a 40-level noise column can look like moderate
        // drift; the sampling PSI and the p-value tell it apart.
        let small = generate(&SynthConfig::new(3_500, 20_261_126)).unwrap();
        let ds = pipeline_drift(&small.table, "outcome", &DriftOptions::default()).unwrap();
        let ns = ds.get("noise_segment").unwrap();
        assert!(
            ns.psi < 2.5 * ns.sampling_psi,
            "{} vs sampling {}",
            ns.psi,
            ns.sampling_psi
        );
        assert!(!ns.beyond_noise, "q = {}", ns.q_value);
        assert!(psi("industry") > psi("region"));
        assert!(psi("employees") > 0.05, "employees {}", psi("employees"));
        assert!(d.get("tech_stack has Snowflake").is_some());
        assert!(d.skipped.is_empty() || d.skipped.iter().all(|(c, _)| c != "employees"));
    }
}
