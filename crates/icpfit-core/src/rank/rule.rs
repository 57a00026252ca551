//! The best rule of an attribute — `employees < 50`, `industry in {fintech,
//! healthtech}`, `has tag Snowflake` — with the target rate inside and
//! outside it, and the finding sentence of the seeds.

use crate::evidence::EvidenceLevel;
use crate::stats::{rate_ratio, shrunken_rate, wilson_interval};
use serde::Serialize;

/// What rows a rule selects.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "op", content = "value", rename_all = "snake_case")]
pub enum RuleKind {
    /// `x < t`.
    Below(f64),
    /// `x >= t`.
    AtLeast(f64),
    /// The category is one of these levels.
    InSet(Vec<String>),
    /// The tag set has this tag.
    HasTag(String),
    /// The tag set lacks this tag (missing stacks excluded).
    LacksTag(String),
    /// The flag is true.
    IsTrue,
    /// The flag is false.
    IsFalse,
}

/// A target rate with its interval and shrunken estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RateStat {
    /// Rows.
    pub n: usize,
    /// Positive weight (a count when unweighted; weights are normalised to
    /// mean 1, so this is on the scale of rows).
    pub positives: f64,
    /// Total weight (equals `n` when unweighted).
    pub weight: f64,
    /// `positives / weight`.
    pub rate: f64,
    /// Wilson interval, lower end.
    pub lo: f64,
    /// Wilson interval, upper end.
    pub hi: f64,
    /// Beta-binomial posterior mean toward the overall rate (see
    /// [`RankOptions::prior_strength`](super::RankOptions::prior_strength)).
    pub shrunk: f64,
}

impl RateStat {
    /// Rate statistics of `positives` out of `weight` (over `n` rows).
    pub fn new(
        n: usize,
        positives: f64,
        weight: f64,
        base_rate: f64,
        prior_strength: f64,
        confidence: f64,
    ) -> Self {
        let rate = if weight > 0.0 {
            positives / weight
        } else {
            f64::NAN
        };
        let (lo, hi) = if weight > 0.0 {
            wilson_interval(positives, weight, confidence).unwrap_or((f64::NAN, f64::NAN))
        } else {
            (f64::NAN, f64::NAN)
        };
        let shrunk = shrunken_rate(positives, weight, base_rate, prior_strength);
        Self {
            n,
            positives,
            weight,
            rate,
            lo,
            hi,
            shrunk,
        }
    }
}

/// A rule with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    /// The attribute column.
    pub attribute: String,
    /// What it selects.
    pub kind: RuleKind,
    /// Target rate among the rows the rule selects.
    pub inside: RateStat,
    /// Target rate among all other rows of the comparison (missing values included).
    pub outside: RateStat,
    /// `inside.rate / outside.rate`.
    pub rate_ratio: f64,
    /// Katz log interval of the ratio, lower end.
    pub ratio_lo: f64,
    /// Upper end.
    pub ratio_hi: f64,
    /// Evidence level from the rows inside the rule.
    pub evidence: EvidenceLevel,
}

impl Rule {
    pub(crate) fn new(
        attribute: &str,
        kind: RuleKind,
        inside: RateStat,
        outside: RateStat,
        confidence: f64,
    ) -> Self {
        let rr = rate_ratio(
            inside.positives,
            inside.weight,
            outside.positives,
            outside.weight,
            confidence,
        )
        .ok();
        Self {
            attribute: attribute.to_owned(),
            kind,
            rate_ratio: rr.as_ref().map_or(f64::NAN, |r| r.ratio),
            ratio_lo: rr.as_ref().map_or(f64::NAN, |r| r.lo),
            ratio_hi: rr.as_ref().map_or(f64::NAN, |r| r.hi),
            evidence: EvidenceLevel::from_n(inside.n),
            inside,
            outside,
        }
    }

    /// The rule as a condition: `employees < 50`, `industry in {fintech, healthtech}`.
    pub fn description(&self) -> String {
        let a = &self.attribute;
        match &self.kind {
            RuleKind::Below(t) => format!("{a} < {}", short_number(*t)),
            RuleKind::AtLeast(t) => format!("{a} >= {}", short_number(*t)),
            RuleKind::InSet(levels) if levels.len() == 1 => format!("{a} = {}", levels[0]),
            RuleKind::InSet(levels) => {
                let shown: Vec<&str> = levels.iter().take(5).map(String::as_str).collect();
                let more = if levels.len() > 5 {
                    format!(", … (+{} more)", levels.len() - 5)
                } else {
                    String::new()
                };
                format!("{a} in {{{}{more}}}", shown.join(", "))
            }
            RuleKind::HasTag(t) => format!("{a} has {t}"),
            RuleKind::LacksTag(t) => format!("{a} lacks {t}"),
            RuleKind::IsTrue => format!("{a} is true"),
            RuleKind::IsFalse => format!("{a} is false"),
        }
    }

    /// The finding as the seeds write it: "accounts with employees < 50
    /// churn 3.1× more often than the rest (n=412, 95% CI 2.4–4.0; 30.1% vs
    /// 9.7%)". `verb` is the target's verb ("win", "churn").
    pub fn sentence(&self, verb: &str, confidence: f64) -> String {
        let (ratio, lo, hi) = (self.rate_ratio, self.ratio_lo, self.ratio_hi);
        let how = if ratio >= 1.0 {
            format!("{} more often", times(ratio))
        } else {
            format!("{} less often", times(1.0 / ratio))
        };
        format!(
            "accounts with {} {verb} {how} than the rest (n={}, {:.0}% CI {:.1}–{:.1}; {:.1}% vs {:.1}%)",
            self.description(),
            self.inside.n,
            confidence * 100.0,
            lo,
            hi,
            self.inside.rate * 100.0,
            self.outside.rate * 100.0
        )
    }
}

fn times(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.1}×")
    } else {
        "∞×".into()
    }
}

/// A threshold printed the way a person would write it (`50`, `0.25`, `1200`).
pub fn short_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        let s = format!("{x:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_read_like_the_seeds() {
        let inside = RateStat::new(412, 124.0, 412.0, 0.12, 10.0, 0.95);
        let outside = RateStat::new(3000, 291.0, 3000.0, 0.12, 10.0, 0.95);
        let r = Rule::new("employees", RuleKind::Below(50.0), inside, outside, 0.95);
        assert_eq!(r.description(), "employees < 50");
        assert!((r.rate_ratio - (124.0 / 412.0) / (291.0 / 3000.0)).abs() < 1e-12);
        let s = r.sentence("churn", 0.95);
        assert!(
            s.starts_with(
                "accounts with employees < 50 churn 3.1× more often than the rest (n=412, 95% CI"
            ),
            "{s}"
        );
        assert_eq!(r.evidence, EvidenceLevel::CohortAnalysis);
        let set = RuleKind::InSet((0..7).map(|i| format!("l{i}")).collect());
        let r2 = Rule {
            kind: set,
            ..r.clone()
        };
        assert_eq!(
            r2.description(),
            "employees in {l0, l1, l2, l3, l4, … (+2 more)}"
        );
        assert_eq!(short_number(0.25), "0.25");
        assert_eq!(short_number(1200.0), "1200");
    }
}
