//! What changed between two versions of an ICP, as data and as a changelog
//! entry, and the version history that records each version with its date
//! and reason.
//!
//! Criteria are matched by name: a name present only in the new version is
//! *added*, only in the old one *removed*, in both with any difference
//! *changed* (section, predicate, points, label, missing policy, dimension;
//! evidence changes are reported but do not by themselves make a change
//! material).

use super::{Criterion, Icp, Scope, Section, Tiers};
use crate::error::{Error, Result};
use crate::table::format_number;
use serde::{Deserialize, Serialize};

/// One criterion that exists in both versions and differs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionChange {
    /// Its name.
    pub name: String,
    /// Section before and after.
    pub section: (Section, Section),
    /// Human-readable field changes: "points 10 → 15", "employees 200–2000 → employees 75–2000".
    pub changes: Vec<String>,
    /// Whether only the evidence changed.
    pub evidence_only: bool,
}

/// The difference between an old and a new ICP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IcpDiff {
    /// Old name and version.
    pub from: (String, String),
    /// New name and version.
    pub to: (String, String),
    /// Criteria only in the new version.
    pub added: Vec<(Section, Criterion)>,
    /// Criteria only in the old version.
    pub removed: Vec<(Section, Criterion)>,
    /// Criteria in both that differ.
    pub changed: Vec<CriterionChange>,
    /// Tier thresholds, when they changed.
    pub tiers: Option<(Tiers, Tiers)>,
    /// Scope, when it changed.
    pub scope: Option<(Option<Scope>, Option<Scope>)>,
}

impl IcpDiff {
    /// Whether nothing material changed (evidence refreshes aside).
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.iter().all(|c| c.evidence_only)
            && self.tiers.is_none()
            && self.scope.is_none()
    }

    /// The changes as Markdown bullet lines (no heading).
    pub fn bullets(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (s, c) in &self.added {
            out.push(format!(
                "- Added {s} criterion `{}`: {}",
                c.name,
                c.reason()
            ));
        }
        for (s, c) in &self.removed {
            out.push(format!(
                "- Removed {s} criterion `{}`: {}",
                c.name,
                c.reason()
            ));
        }
        for c in self.changed.iter().filter(|c| !c.evidence_only) {
            out.push(format!("- Changed `{}`: {}", c.name, c.changes.join("; ")));
        }
        if let Some((a, b)) = &self.tiers {
            out.push(format!(
                "- Tier thresholds: {} → {}",
                tiers_text(a),
                tiers_text(b)
            ));
        }
        if let Some((a, b)) = &self.scope {
            out.push(format!("- Scope: {} → {}", scope_text(a), scope_text(b)));
        }
        let refreshed: Vec<&str> = self
            .changed
            .iter()
            .filter(|c| c.evidence_only)
            .map(|c| c.name.as_str())
            .collect();
        if !refreshed.is_empty() {
            out.push(format!(
                "- Evidence refreshed for {}",
                refreshed
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        out
    }

    /// A changelog entry:
    ///
    /// ```text
    /// ## Core 4 (2026-11-26)
    /// Reason: accounts under 50 seats churn 3.1×.
    /// - Changed `seats`: employees ≥ 50 → employees ≥ 75
    /// ```
    pub fn changelog_entry(&self, date: &str, reason: &str) -> String {
        let mut s = format!("## {} {} ({date})\n", self.to.0, self.to.1);
        if self.from.0 != self.to.0 {
            s.push_str(&format!("Renamed from {}.\n", self.from.0));
        }
        if !reason.trim().is_empty() {
            s.push_str(&format!("Reason: {}\n", reason.trim()));
        }
        let bullets = self.bullets();
        if bullets.is_empty() {
            s.push_str("- No change to criteria, tiers or scope.\n");
        }
        for b in bullets {
            s.push_str(&b);
            s.push('\n');
        }
        s
    }
}

fn tiers_text(t: &Tiers) -> String {
    format!(
        "A ≥ {}, B ≥ {}, C ≥ {} (primary fail caps at {})",
        format_number(t.a),
        format_number(t.b),
        format_number(t.c),
        t.if_primary_fails
    )
}

fn scope_text(s: &Option<Scope>) -> String {
    s.as_ref().map_or("all accounts".to_owned(), |s| {
        format!("{} = {}", s.column, s.value)
    })
}

fn compare(
    name: &str,
    old: (Section, &Criterion),
    new: (Section, &Criterion),
) -> Option<CriterionChange> {
    let (so, o) = old;
    let (sn, n) = new;
    let mut changes = Vec::new();
    if so != sn {
        changes.push(format!("section {so} → {sn}"));
    }
    if o.column != n.column || o.predicate != n.predicate {
        changes.push(format!(
            "{} {} → {} {}",
            o.column,
            o.predicate.phrase(),
            n.column,
            n.predicate.phrase()
        ));
    }
    if o.points != n.points {
        changes.push(format!(
            "points {} → {}",
            format_number(o.points),
            format_number(n.points)
        ));
    }
    if o.label != n.label {
        changes.push(format!("label “{}” → “{}”", o.label, n.label));
    }
    if o.missing != n.missing {
        changes.push(format!(
            "missing {} → {}",
            o.missing.as_str(),
            n.missing.as_str()
        ));
    }
    if o.dimension != n.dimension {
        let d =
            |d: Option<crate::table::Dimension>| d.map_or("default".to_owned(), |d| d.to_string());
        changes.push(format!("dimension {} → {}", d(o.dimension), d(n.dimension)));
    }
    let evidence_only = changes.is_empty();
    if o.evidence != n.evidence {
        changes.push("evidence updated".to_owned());
    }
    (!changes.is_empty()).then(|| CriterionChange {
        name: name.to_owned(),
        section: (so, sn),
        changes,
        evidence_only,
    })
}

impl Icp {
    /// What changed from `self` (old) to `new`.
    pub fn diff(&self, new: &Icp) -> IcpDiff {
        let mut added = Vec::new();
        let mut changed = Vec::new();
        for (s, c) in new.criteria() {
            match self.get(&c.name) {
                None => added.push((s, c.clone())),
                Some(old) => changed.extend(compare(&c.name, old, (s, c))),
            }
        }
        let removed = self
            .criteria()
            .filter(|(_, c)| new.get(&c.name).is_none())
            .map(|(s, c)| (s, c.clone()))
            .collect();
        IcpDiff {
            from: (self.name.clone(), self.version.clone()),
            to: (new.name.clone(), new.version.clone()),
            added,
            removed,
            changed,
            tiers: (self.tiers != new.tiers).then(|| (self.tiers.clone(), new.tiers.clone())),
            scope: (self.scope != new.scope).then(|| (self.scope.clone(), new.scope.clone())),
        }
    }
}

/// One recorded version of an ICP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IcpVersion {
    /// When it took effect (ISO date `YYYY-MM-DD`).
    pub date: String,
    /// Why it changed.
    pub reason: String,
    /// The ICP as of that date.
    pub icp: Icp,
}

/// The versions of an ICP in the order they took effect.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IcpHistory {
    /// Oldest first.
    pub versions: Vec<IcpVersion>,
}

impl IcpHistory {
    /// An empty history.
    pub fn new() -> Self {
        Self::default()
    }

    /// Record a new version. The date must be an ISO date no earlier than
    /// the last version's, the version label must be new, and the ICP must
    /// pass [`Icp::check`]. Returns the diff against the previous version
    /// (none for the first).
    pub fn record(&mut self, icp: Icp, date: &str, reason: &str) -> Result<Option<IcpDiff>> {
        icp.check()?;
        if crate::table::date::parse_iso(date).is_none() {
            return Err(Error::invalid(
                "date",
                format!("expected an ISO date YYYY-MM-DD, found `{date}`"),
            ));
        }
        let diff = match self.versions.last() {
            None => None,
            Some(last) => {
                if date < last.date.as_str() {
                    return Err(Error::invalid(
                        "date",
                        format!(
                            "{date} is before the last recorded version's date {}",
                            last.date
                        ),
                    ));
                }
                if let Some(v) = self.versions.iter().find(|v| v.icp.version == icp.version) {
                    return Err(Error::invalid(
                        "version",
                        format!(
                            "version `{}` was already recorded on {}",
                            icp.version, v.date
                        ),
                    ));
                }
                Some(last.icp.diff(&icp))
            }
        };
        self.versions.push(IcpVersion {
            date: date.to_owned(),
            reason: reason.to_owned(),
            icp,
        });
        Ok(diff)
    }

    /// The version in effect on `date` (the last recorded on or before it).
    pub fn at(&self, date: &str) -> Option<&IcpVersion> {
        self.versions.iter().rev().find(|v| v.date.as_str() <= date)
    }

    /// The latest version.
    pub fn current(&self) -> Option<&IcpVersion> {
        self.versions.last()
    }

    /// The full changelog, newest entry first: each version against the one
    /// before it (the first against nothing).
    pub fn changelog(&self) -> String {
        let mut entries = Vec::with_capacity(self.versions.len());
        for (i, v) in self.versions.iter().enumerate() {
            let entry = match i.checked_sub(1).map(|p| &self.versions[p]) {
                Some(prev) => prev.icp.diff(&v.icp).changelog_entry(&v.date, &v.reason),
                None => {
                    let mut s = format!("## {} {} ({})\n", v.icp.name, v.icp.version, v.date);
                    if !v.reason.trim().is_empty() {
                        s.push_str(&format!("Reason: {}\n", v.reason.trim()));
                    }
                    s.push_str(&format!(
                        "- First recorded version, {} criteria.\n",
                        v.icp.len()
                    ));
                    s
                }
            };
            entries.push(entry);
        }
        entries.reverse();
        format!("# ICP changelog\n\n{}", entries.join("\n"))
    }
}
