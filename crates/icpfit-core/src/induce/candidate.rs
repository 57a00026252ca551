//! Candidate criteria derived from a ranking, and their exact evidence on
//! the table: every candidate is bound and measured as the criterion it will
//! become (after rounding), never as the statistic it came from.

use crate::error::Result;
use crate::evidence::EvidenceLevel;
use crate::icp::{BoundCriterion, Criterion, Levels, Predicate, Range, Section};
use crate::rank::{AttributeRank, EXCLUDED, RuleKind, Target};
use crate::stats::interval::{IntervalScore, best_interval};
use crate::stats::rate_ratio;
use crate::table::{AccountTable, Bitmap, Kind};
use serde::Serialize;

use super::nice::{nice, nice_neighbours};

/// The exact 2×2 evidence of a criterion against a target: rows of the
/// comparison inside (matching) and outside it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measure {
    /// Compared rows matching the criterion.
    pub n_inside: usize,
    /// Positives among them.
    pub positives_inside: usize,
    /// Compared rows not matching (missing values included).
    pub n_outside: usize,
    /// Positives among them.
    pub positives_outside: usize,
    /// Positive rate inside.
    pub rate_inside: f64,
    /// Positive rate outside.
    pub rate_outside: f64,
    /// `rate_inside / rate_outside`.
    pub rate_ratio: f64,
    /// Katz interval of the rate ratio, lower end.
    pub ratio_lo: f64,
    /// Upper end.
    pub ratio_hi: f64,
    /// Odds ratio inside vs outside with ½ added to every cell
    /// (Haldane–Anscombe), finite even with an empty cell.
    pub odds_ratio: f64,
    /// Share of all positives that match: the criterion's recall.
    pub recall: f64,
    /// Share of all compared rows that match.
    pub coverage: f64,
    /// Evidence level of the smaller of inside and outside.
    pub level: EvidenceLevel,
}

/// Measure `mask` against `labels` (1 positive, 0 negative, [`EXCLUDED`]).
pub fn measure(mask: &Bitmap, labels: &[u8], confidence: f64) -> Result<Option<Measure>> {
    // Branch-free, a mask word per 64 labels: run once per candidate
    // criterion, hundreds of times over a million rows when drafting.
    let (mut a, mut n1, mut included, mut positives) = (0usize, 0usize, 0usize, 0usize);
    for (chunk, &word) in labels.chunks(64).zip(mask.words()) {
        for (k, &l) in chunk.iter().enumerate() {
            let inside = ((word >> k) & 1) as usize;
            let inc = usize::from(l != EXCLUDED);
            let pos = usize::from(l == 1);
            n1 += inside & inc;
            a += inside & pos;
            included += inc;
            positives += pos;
        }
    }
    let (n2, b) = (included - n1, positives - a);
    if n1 == 0 || n2 == 0 || a + b == 0 {
        return Ok(None);
    }
    let rr = rate_ratio(a as f64, n1 as f64, b as f64, n2 as f64, confidence)?;
    let h = |x: usize| x as f64 + 0.5;
    Ok(Some(Measure {
        n_inside: n1,
        positives_inside: a,
        n_outside: n2,
        positives_outside: b,
        rate_inside: a as f64 / n1 as f64,
        rate_outside: b as f64 / n2 as f64,
        rate_ratio: rr.ratio,
        ratio_lo: rr.lo,
        ratio_hi: rr.hi,
        odds_ratio: (h(a) * h(n2 - b)) / (h(n1 - a) * h(b)),
        recall: a as f64 / (a + b) as f64,
        coverage: n1 as f64 / (n1 + n2) as f64,
        level: EvidenceLevel::from_n(n1.min(n2)),
    }))
}

/// A candidate criterion with its measure and the ranking's q-value.
#[derive(Debug, Clone)]
pub(crate) struct Raw {
    pub criterion: Criterion,
    pub mask: Bitmap,
    pub measure: Measure,
    pub q_value: f64,
}

/// The criteria a ranked attribute suggests: the best bands of a numeric
/// column by both interval scores (bounds rounded to nice numbers; one
/// proposal when they agree), the rule's level set of a categorical, the
/// rule's side of a flag, a tag of a tag set.
pub(crate) fn propose(
    table: &AccountTable,
    target: &Target,
    row: &AttributeRank,
    n_bins: usize,
    min_share: f64,
    confidence: f64,
    prefix: &str,
) -> Result<Vec<Raw>> {
    let column = row.attribute.as_str();
    let mut predicates: Vec<Predicate> = Vec::new();
    match (
        row.kind,
        row.tag.as_deref(),
        row.rule.as_ref().map(|r| &r.kind),
    ) {
        (Kind::Numeric, _, _) => {
            let values = table.numeric(column)?;
            for score in [
                IntervalScore::RatioLowerBound,
                IntervalScore::LikelihoodRatio,
            ] {
                let Some(iv) = best_interval(
                    values,
                    target.labels(),
                    n_bins,
                    min_share,
                    confidence,
                    score,
                )?
                else {
                    continue;
                };
                // One-sided bands: every nice threshold from half to twice
                // the one found, so the selection (which conditions on the
                // criteria already in) picks the threshold, not the scan.
                let found: Vec<Predicate> = match (iv.lo.map(nice), iv.hi.map(nice)) {
                    (Some(lo), Some(hi)) if lo < hi => {
                        vec![Predicate::Range(Range::closed(Some(lo), Some(hi)))]
                    }
                    (Some(lo), None) => nice_neighbours(lo)
                        .into_iter()
                        .map(|t| Predicate::Range(Range::closed(Some(t), None)))
                        .collect(),
                    (None, Some(hi)) => nice_neighbours(hi)
                        .into_iter()
                        .map(|t| Predicate::Range(Range::below(t)))
                        .collect(),
                    _ => continue,
                };
                for p in found {
                    if !predicates.contains(&p) {
                        predicates.push(p);
                    }
                }
            }
        }
        (Kind::Categorical, _, Some(RuleKind::InSet(levels))) => {
            predicates.push(Predicate::In(levels.clone()))
        }
        (Kind::Flag, _, Some(RuleKind::IsTrue)) => predicates.push(Predicate::Flag(true)),
        (Kind::Flag, _, Some(RuleKind::IsFalse)) => predicates.push(Predicate::Flag(false)),
        (Kind::TagSet, Some(tag), _) => predicates.push(Predicate::HasAny(vec![tag.to_owned()])),
        _ => {}
    }
    let mut out = Vec::with_capacity(predicates.len());
    for predicate in predicates {
        let name = criterion_name(prefix, column, &predicate);
        let criterion = Criterion::new(name, column, predicate).dimension(row.dimension);
        let bound = BoundCriterion::bind(
            "draft",
            &criterion,
            Section::Secondary,
            0,
            table,
            Levels::Strict,
        )?;
        let mask = bound.mask(table);
        if let Some(measure) = measure(&mask, target.labels(), confidence)? {
            out.push(Raw {
                criterion,
                mask,
                measure,
                q_value: row.q_value,
            });
        }
    }
    Ok(out)
}

/// A stable identifier: `fit_employees_200_2000`, `risk_industry_education`.
fn criterion_name(prefix: &str, column: &str, p: &Predicate) -> String {
    let part = match p {
        Predicate::Range(r) => match (r.min, r.max) {
            (Some(a), Some(b)) => format!("{}_{}", num(a), num(b)),
            (Some(a), None) => format!("from_{}", num(a)),
            (None, Some(b)) => format!("under_{}", num(b)),
            (None, None) => "any".into(),
        },
        Predicate::In(v) | Predicate::HasAny(v) => v.join("_"),
        Predicate::Flag(b) => b.to_string(),
        other => other.key().to_owned(),
    };
    let raw = format!("{prefix}_{column}_{part}");
    raw.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect::<String>()
        .split('_')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

fn num(x: f64) -> String {
    crate::table::format_number(x)
        .replace('.', "p")
        .replace('-', "minus")
}
