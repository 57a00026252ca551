//! The typed Ideal Customer Profile: criteria in three sections, tier
//! thresholds, an optional product scope, and the evidence behind each
//! criterion.
//!
//! * **primary** criteria are must-haves: an account that fails one is not in
//!   the ICP whatever its points (its tier is capped, see [`Tiers`]);
//! * **secondary** criteria add (or, with negative points, remove) points;
//! * **negative** criteria disqualify: an account that matches one is tier D.
//!
//! Points are the sum of the points of every matched criterion, whatever its
//! section. An ICP is a plain serde document (JSON or TOML, schema in
//! `docs/icp.schema.json`); [`Icp::validate`] checks it against a table's
//! schema and the scoring engine (`score`) compiles it into a columnar plan.
//!
//! ```
//! use icpfit_core::icp::{Criterion, Icp, Predicate, Range};
//!
//! let icp = Icp::new("Core ICP", "1")
//!     .primary(Criterion::new("mid_market", "employees", Predicate::Range(Range::closed(Some(200.0), Some(2000.0)))).points(20.0))
//!     .secondary(Criterion::new("snowflake", "tech_stack", Predicate::HasAny(vec!["Snowflake".into()])).points(10.0))
//!     .negative(Criterion::new("tiny", "employees", Predicate::Range(Range::below(50.0))));
//! let text = icp.to_json()?;
//! assert_eq!(Icp::from_json(&text)?, icp);
//! # Ok::<(), icpfit_core::Error>(())
//! ```

mod bind;
mod criterion;
mod diff;
mod recital;
mod reference;
mod sql;
mod validate;

pub use bind::{BoundCriterion, BoundIcp, Levels, Test, missing_outcome};
pub use criterion::{Criterion, MissingPolicy, Predicate, Provenance, Range};
pub use diff::{CriterionChange, IcpDiff, IcpHistory, IcpVersion};
pub use recital::{Recital, SPEAKING_WPM};
pub use reference::{ReferenceScore, reference_scores};
pub use sql::{Dialect, MATCH_PREFIX, MAX_MASK_CRITERIA, SqlColumn, SqlExport, SqlOptions};

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Fit tier, A (best) to D.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Tier {
    /// Best fit.
    A,
    /// Good fit.
    B,
    /// Weak fit.
    C,
    /// Not a fit (or disqualified).
    D,
}

impl Tier {
    /// All tiers, best first.
    pub const ALL: [Tier; 4] = [Tier::A, Tier::B, Tier::C, Tier::D];
    /// "A" … "D".
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::A => "A",
            Tier::B => "B",
            Tier::C => "C",
            Tier::D => "D",
        }
    }
    /// 0 for A … 3 for D.
    pub fn index(self) -> usize {
        self as usize
    }
    /// The tier of index 0..=3.
    pub fn from_index(i: usize) -> Option<Tier> {
        Self::ALL.get(i).copied()
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Points thresholds of the tiers and the caps that the gates impose.
///
/// An account is tier A when `points ≥ a`, B when `points ≥ b`, C when
/// `points ≥ c`, else D; then, if it fails a primary criterion, its tier is
/// lowered to `if_primary_fails` (when that is worse); if a negative
/// criterion matches, it is D.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tiers {
    /// Minimum points of tier A.
    pub a: f64,
    /// Minimum points of tier B.
    pub b: f64,
    /// Minimum points of tier C.
    pub c: f64,
    /// Best tier an account failing a primary criterion can have (default C).
    #[serde(default = "default_primary_cap")]
    pub if_primary_fails: Tier,
}

fn default_primary_cap() -> Tier {
    Tier::C
}

impl Default for Tiers {
    fn default() -> Self {
        Self {
            a: 70.0,
            b: 50.0,
            c: 30.0,
            if_primary_fails: Tier::C,
        }
    }
}

impl Tiers {
    /// The tier of an account from its points and gates.
    #[inline]
    pub fn tier(&self, points: f64, primary_pass: bool, disqualified: bool) -> Tier {
        if disqualified {
            return Tier::D;
        }
        let by_points = if points >= self.a {
            Tier::A
        } else if points >= self.b {
            Tier::B
        } else if points >= self.c {
            Tier::C
        } else {
            Tier::D
        };
        if primary_pass {
            by_points
        } else {
            by_points.max(self.if_primary_fails)
        }
    }
}

/// Which accounts an ICP is for: rows whose `column` is `value` (e.g. a
/// per-product ICP: `product = analytics`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// A categorical column.
    pub column: String,
    /// The level it applies to.
    pub value: String,
}

/// The section a criterion belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Must-haves.
    Primary,
    /// Weighted points.
    Secondary,
    /// Disqualifiers.
    Negative,
}

impl Section {
    /// Stable lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Section::Primary => "primary",
            Section::Secondary => "secondary",
            Section::Negative => "negative",
        }
    }
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An Ideal Customer Profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Icp {
    /// Name ("Mid-market fintech").
    pub name: String,
    /// Version label ("3", "2026.4").
    pub version: String,
    /// When this version was made (ISO date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Free text: who it is for, why.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The accounts it applies to (none: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    /// Must-have criteria.
    #[serde(default)]
    pub primary: Vec<Criterion>,
    /// Weighted criteria.
    #[serde(default)]
    pub secondary: Vec<Criterion>,
    /// Disqualifiers.
    #[serde(default)]
    pub negative: Vec<Criterion>,
    /// Tier thresholds.
    #[serde(default)]
    pub tiers: Tiers,
}

impl Icp {
    /// An empty ICP with default tiers.
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            version: version.into(),
            date: None,
            description: String::new(),
            scope: None,
            primary: Vec::new(),
            secondary: Vec::new(),
            negative: Vec::new(),
            tiers: Tiers::default(),
        }
    }
    /// Builder: add a primary criterion.
    pub fn primary(mut self, c: Criterion) -> Self {
        self.primary.push(c);
        self
    }
    /// Builder: add a secondary criterion.
    pub fn secondary(mut self, c: Criterion) -> Self {
        self.secondary.push(c);
        self
    }
    /// Builder: add a negative criterion.
    pub fn negative(mut self, c: Criterion) -> Self {
        self.negative.push(c);
        self
    }
    /// Builder: tier thresholds.
    pub fn tiers(mut self, tiers: Tiers) -> Self {
        self.tiers = tiers;
        self
    }
    /// Builder: product scope.
    pub fn scope(mut self, column: impl Into<String>, value: impl Into<String>) -> Self {
        self.scope = Some(Scope {
            column: column.into(),
            value: value.into(),
        });
        self
    }

    /// Every criterion with its section, in scoring order (primary,
    /// secondary, negative). A criterion's position in this order is its bit
    /// in the matched-criteria bitsets of the scores.
    pub fn criteria(&self) -> impl Iterator<Item = (Section, &Criterion)> {
        self.primary
            .iter()
            .map(|c| (Section::Primary, c))
            .chain(self.secondary.iter().map(|c| (Section::Secondary, c)))
            .chain(self.negative.iter().map(|c| (Section::Negative, c)))
    }
    /// Every column the ICP reads (criteria, then the scope), each once, in
    /// first-use order: what a caller must supply to score against it.
    pub fn columns(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let used = self
            .criteria()
            .map(|(_, c)| c.column.as_str())
            .chain(self.scope.iter().map(|s| s.column.as_str()));
        for c in used {
            if !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }
    /// Number of criteria.
    pub fn len(&self) -> usize {
        self.primary.len() + self.secondary.len() + self.negative.len()
    }
    /// Whether the ICP has no criteria.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// A criterion by name.
    pub fn get(&self, name: &str) -> Option<(Section, &Criterion)> {
        self.criteria().find(|(_, c)| c.name == name)
    }

    /// Parse a JSON document (errors give line and column; unknown fields
    /// are errors) and [`check`](Icp::check) it.
    pub fn from_json(text: &str) -> Result<Self> {
        let icp: Self = serde_json::from_str(text).map_err(|e| Error::Document {
            what: "ICP JSON".into(),
            message: e.to_string(),
        })?;
        icp.check()?;
        Ok(icp)
    }
    /// Parse a TOML document and [`check`](Icp::check) it.
    pub fn from_toml(text: &str) -> Result<Self> {
        let icp: Self = toml::from_str(text).map_err(|e| Error::Document {
            what: "ICP TOML".into(),
            message: e.to_string(),
        })?;
        icp.check()?;
        Ok(icp)
    }
    /// Pretty JSON, fields in a stable order.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| Error::Document {
            what: "ICP JSON".into(),
            message: e.to_string(),
        })
    }
    /// TOML.
    pub fn to_toml(&self) -> Result<String> {
        toml::to_string(self).map_err(|e| Error::Document {
            what: "ICP TOML".into(),
            message: e.to_string(),
        })
    }
    /// Read a `.json` or `.toml` file (by extension).
    pub fn from_path(path: impl AsRef<std::path::Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        let what = format!("ICP file `{}`", path.display());
        let parsed = match path.extension().and_then(|e| e.to_str()) {
            Some("toml") => Self::from_toml(&text),
            _ => Self::from_json(&text),
        };
        parsed.map_err(|e| match e {
            Error::Document { message, .. } => Error::Document { what, message },
            other => other,
        })
    }
}

#[cfg(test)]
mod document_tests;
#[cfg(test)]
mod tests;
