//! One ICP criterion: a column, a typed predicate on it, points, a
//! plain-language label, a missing-value policy and the evidence behind it.
//!
//! The serialized shape names the predicate by its key, so a criterion reads
//! like the sentence it stands for:
//!
//! ```json
//! {"name": "mid_market", "column": "employees", "range": {"min": 200, "max": 2000}, "points": 20}
//! {"name": "cloud_dw", "column": "tech_stack", "has_any": ["Snowflake", "BigQuery"], "points": 10}
//! ```
//!
//! Exactly one predicate key (`range`, `in`, `not_in`, `flag`, `has_any`,
//! `has_all`, `is_missing`) must be present; unknown keys are an error.

use crate::evidence::EvidenceLevel;
use crate::table::Dimension;
use crate::table::format_number;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A numeric interval. A missing bound is unbounded; bounds are inclusive
/// unless stated otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Range {
    /// Lower bound (none: −∞).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Upper bound (none: +∞).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Whether `min` itself satisfies the range (default true).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub min_inclusive: bool,
    /// Whether `max` itself satisfies the range (default true).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub max_inclusive: bool,
}

fn yes() -> bool {
    true
}
fn is_true(b: &bool) -> bool {
    *b
}

impl Range {
    /// `min ≤ x ≤ max` (either side optional).
    pub fn closed(min: Option<f64>, max: Option<f64>) -> Self {
        Self {
            min,
            max,
            min_inclusive: true,
            max_inclusive: true,
        }
    }
    /// `x ≥ min`.
    pub fn at_least(min: f64) -> Self {
        Self::closed(Some(min), None)
    }
    /// `x < max`.
    pub fn below(max: f64) -> Self {
        Self {
            max: Some(max),
            max_inclusive: false,
            ..Self::closed(None, None)
        }
    }
    /// Whether a (non-missing) value lies in the range.
    #[inline]
    pub fn contains(&self, x: f64) -> bool {
        let lo = match self.min {
            None => true,
            Some(m) if self.min_inclusive => x >= m,
            Some(m) => x > m,
        };
        let hi = match self.max {
            None => true,
            Some(m) if self.max_inclusive => x <= m,
            Some(m) => x < m,
        };
        lo && hi
    }
}

impl fmt::Display for Range {
    /// "200–2000", "≥ 75", "< 50", "> 10 and ≤ 20".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.min, self.max) {
            (None, None) => f.write_str("any value"),
            (Some(a), None) => write!(
                f,
                "{} {}",
                if self.min_inclusive { "≥" } else { ">" },
                format_number(a)
            ),
            (None, Some(b)) => write!(
                f,
                "{} {}",
                if self.max_inclusive { "≤" } else { "<" },
                format_number(b)
            ),
            (Some(a), Some(b)) if self.min_inclusive && self.max_inclusive => {
                write!(f, "{}–{}", format_number(a), format_number(b))
            }
            (Some(a), Some(b)) => write!(
                f,
                "{} {} and {} {}",
                if self.min_inclusive { "≥" } else { ">" },
                format_number(a),
                if self.max_inclusive { "≤" } else { "<" },
                format_number(b)
            ),
        }
    }
}

/// What a criterion tests on its column. Each predicate applies to one
/// column kind: `Range` to numeric columns, `In` / `NotIn` to categorical
/// columns, `Flag` to flag columns, `HasAny` / `HasAll` to tag-set columns,
/// `IsMissing` to any column.
#[derive(Debug, Clone, PartialEq)]
pub enum Predicate {
    /// The value lies in a numeric interval.
    Range(Range),
    /// The category is one of these levels.
    In(Vec<String>),
    /// The category is none of these levels (a missing category is not
    /// "not in": it follows the missing policy).
    NotIn(Vec<String>),
    /// The flag has this value.
    Flag(bool),
    /// The tag set contains at least one of these tags.
    HasAny(Vec<String>),
    /// The tag set contains every one of these tags.
    HasAll(Vec<String>),
    /// The value is missing (`true`) or present (`false`). Never itself
    /// subject to the missing policy.
    IsMissing(bool),
}

impl Predicate {
    /// The predicate's key in ICP documents.
    pub fn key(&self) -> &'static str {
        match self {
            Self::Range(_) => "range",
            Self::In(_) => "in",
            Self::NotIn(_) => "not_in",
            Self::Flag(_) => "flag",
            Self::HasAny(_) => "has_any",
            Self::HasAll(_) => "has_all",
            Self::IsMissing(_) => "is_missing",
        }
    }
    /// The column kind this predicate applies to (`None`: any kind).
    pub fn column_kind(&self) -> Option<crate::table::Kind> {
        use crate::table::Kind;
        match self {
            Self::Range(_) => Some(Kind::Numeric),
            Self::In(_) | Self::NotIn(_) => Some(Kind::Categorical),
            Self::Flag(_) => Some(Kind::Flag),
            Self::HasAny(_) | Self::HasAll(_) => Some(Kind::TagSet),
            Self::IsMissing(_) => None,
        }
    }
    /// The phrase after the column name: "200–2000", "fintech or healthtech",
    /// "has Snowflake", "is true", "is missing".
    pub fn phrase(&self) -> String {
        match self {
            Self::Range(r) => r.to_string(),
            Self::In(v) if v.len() == 1 => v[0].clone(),
            Self::In(v) => format!("in {}", or_list(v)),
            Self::NotIn(v) => format!("not {}", or_list(v)),
            Self::Flag(b) => format!("is {b}"),
            Self::HasAny(v) => format!("has {}", or_list(v)),
            Self::HasAll(v) if v.len() == 1 => format!("has {}", v[0]),
            Self::HasAll(v) => {
                format!("has {} and {}", v[..v.len() - 1].join(", "), v[v.len() - 1])
            }
            Self::IsMissing(true) => "is missing".to_owned(),
            Self::IsMissing(false) => "is known".to_owned(),
        }
    }
}

fn or_list(v: &[String]) -> String {
    match v {
        [] => "nothing".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// How a criterion treats an account whose value is missing.
///
/// With `NoMatch` the predicate is false (a missing employee count is not in
/// 200–2000). `Neutral` gives the outcome that changes nothing: a primary
/// criterion passes, a negative criterion does not disqualify, a secondary
/// criterion adds no points. `Fail` gives the adverse outcome: a primary
/// criterion fails, a negative criterion disqualifies, a secondary criterion
/// with negative points applies its penalty (one with positive points adds
/// nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingPolicy {
    /// A missing value does not satisfy the predicate.
    #[default]
    NoMatch,
    /// A missing value neither helps nor hurts.
    Neutral,
    /// A missing value counts against the account.
    Fail,
}

impl MissingPolicy {
    /// Stable lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoMatch => "no_match",
            Self::Neutral => "neutral",
            Self::Fail => "fail",
        }
    }
}

/// The evidence behind a criterion: which statistic, its value and interval,
/// on how many accounts, at what evidence level, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// The statistic ("rate ratio", "WoE", "odds ratio", "judgement", ...).
    pub statistic: String,
    /// Its value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Its interval (e.g. a 95 % confidence interval), `[low, high]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<[f64; 2]>,
    /// Accounts behind it (the smaller group of a comparison).
    #[serde(default)]
    pub n: u64,
    /// Evidence level of `n`.
    pub level: EvidenceLevel,
    /// When the evidence was computed (ISO date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The finding in one sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One ICP criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CriterionDoc", into = "CriterionDoc")]
pub struct Criterion {
    /// Unique name within the ICP (used in reasons, diffs and SQL aliases).
    pub name: String,
    /// The column tested.
    pub column: String,
    /// The test.
    pub predicate: Predicate,
    /// Points added when the criterion matches (may be negative).
    pub points: f64,
    /// Plain-language label; generated from column and predicate when empty.
    pub label: String,
    /// Treatment of missing values.
    pub missing: MissingPolicy,
    /// Dimension category; when absent, the column's dimension in the schema.
    pub dimension: Option<Dimension>,
    /// Evidence behind it.
    pub evidence: Option<Provenance>,
}

impl Criterion {
    /// A criterion with no points, default missing policy, no evidence and a
    /// generated label.
    pub fn new(name: impl Into<String>, column: impl Into<String>, predicate: Predicate) -> Self {
        Self {
            name: name.into(),
            column: column.into(),
            predicate,
            points: 0.0,
            label: String::new(),
            missing: MissingPolicy::NoMatch,
            dimension: None,
            evidence: None,
        }
    }
    /// Builder: points.
    pub fn points(mut self, points: f64) -> Self {
        self.points = points;
        self
    }
    /// Builder: label.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }
    /// Builder: missing policy.
    pub fn missing(mut self, missing: MissingPolicy) -> Self {
        self.missing = missing;
        self
    }
    /// Builder: dimension.
    pub fn dimension(mut self, dimension: Dimension) -> Self {
        self.dimension = Some(dimension);
        self
    }
    /// Builder: evidence.
    pub fn evidence(mut self, evidence: Provenance) -> Self {
        self.evidence = Some(evidence);
        self
    }
    /// The label, or "column phrase" when none was given
    /// ("employees 200–2000", "tech_stack has Snowflake").
    pub fn describe(&self) -> String {
        if self.label.is_empty() {
            format!("{} {}", self.column, self.predicate.phrase())
        } else {
            self.label.clone()
        }
    }
    /// The reason shown when the criterion matched: "employees 200–2000 (+20)".
    pub fn reason(&self) -> String {
        if self.points == 0.0 {
            self.describe()
        } else {
            let sign = if self.points > 0.0 { "+" } else { "−" };
            format!(
                "{} ({sign}{})",
                self.describe(),
                format_number(self.points.abs())
            )
        }
    }
}

/// The serialized form of a [`Criterion`]: one optional key per predicate,
/// unknown keys rejected, exactly one predicate required.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CriterionDoc {
    name: String,
    column: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    range: Option<Range>,
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    in_: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    not_in: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    flag: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    has_any: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    has_all: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    is_missing: Option<bool>,
    #[serde(default, skip_serializing_if = "is_zero")]
    points: f64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    label: String,
    #[serde(default, skip_serializing_if = "is_default_policy")]
    missing: MissingPolicy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dimension: Option<Dimension>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    evidence: Option<Provenance>,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}
fn is_default_policy(p: &MissingPolicy) -> bool {
    *p == MissingPolicy::NoMatch
}

impl TryFrom<CriterionDoc> for Criterion {
    type Error = String;
    fn try_from(d: CriterionDoc) -> Result<Self, String> {
        let mut found: Vec<Predicate> = Vec::with_capacity(1);
        if let Some(r) = d.range {
            found.push(Predicate::Range(r));
        }
        if let Some(v) = d.in_ {
            found.push(Predicate::In(v));
        }
        if let Some(v) = d.not_in {
            found.push(Predicate::NotIn(v));
        }
        if let Some(b) = d.flag {
            found.push(Predicate::Flag(b));
        }
        if let Some(v) = d.has_any {
            found.push(Predicate::HasAny(v));
        }
        if let Some(v) = d.has_all {
            found.push(Predicate::HasAll(v));
        }
        if let Some(b) = d.is_missing {
            found.push(Predicate::IsMissing(b));
        }
        if found.len() != 1 {
            let keys: Vec<&str> = found.iter().map(Predicate::key).collect();
            return Err(format!(
                "criterion `{}` needs exactly one predicate (range, in, not_in, flag, has_any, has_all, is_missing), found {}",
                d.name,
                if keys.is_empty() {
                    "none".to_owned()
                } else {
                    keys.join(" and ")
                }
            ));
        }
        Ok(Criterion {
            name: d.name,
            column: d.column,
            // ok: `found.len() == 1` was checked just above.
            predicate: found.pop().expect("exactly one predicate, checked above"),
            points: d.points,
            label: d.label,
            missing: d.missing,
            dimension: d.dimension,
            evidence: d.evidence,
        })
    }
}

impl From<Criterion> for CriterionDoc {
    fn from(c: Criterion) -> Self {
        let mut d = CriterionDoc {
            name: c.name,
            column: c.column,
            range: None,
            in_: None,
            not_in: None,
            flag: None,
            has_any: None,
            has_all: None,
            is_missing: None,
            points: c.points,
            label: c.label,
            missing: c.missing,
            dimension: c.dimension,
            evidence: c.evidence,
        };
        match c.predicate {
            Predicate::Range(r) => d.range = Some(r),
            Predicate::In(v) => d.in_ = Some(v),
            Predicate::NotIn(v) => d.not_in = Some(v),
            Predicate::Flag(b) => d.flag = Some(b),
            Predicate::HasAny(v) => d.has_any = Some(v),
            Predicate::HasAll(v) => d.has_all = Some(v),
            Predicate::IsMissing(b) => d.is_missing = Some(b),
        }
        d
    }
}
