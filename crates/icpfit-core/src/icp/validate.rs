//! Checks of an ICP on its own ([`Icp::check`]: names, numbers, tiers) and
//! against a table ([`Icp::validate`]: columns, kinds, levels, and criteria
//! that contradict each other on that table).

use super::bind::{BoundCriterion, Levels, Test};
use super::{Icp, Predicate, Provenance, Range, Section};
use crate::error::{Error, Result};
use crate::table::AccountTable;

impl Icp {
    fn invalid(&self, criterion: Option<&str>, message: impl Into<String>) -> Error {
        Error::InvalidIcp {
            icp: self.name.clone(),
            criterion: criterion.map(str::to_owned),
            message: message.into(),
        }
    }

    /// Structural checks that need no data: at least one criterion, unique
    /// non-empty names, finite points and bounds, non-empty ranges and level
    /// lists, evidence with finite numbers and an `n` TOML can hold, tier
    /// thresholds finite and ordered `a ≥ b ≥ c`.
    pub fn check(&self) -> Result<()> {
        if self.is_empty() {
            return Err(self.invalid(
                None,
                "has no criteria: add at least one primary, secondary or negative criterion",
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for (_, c) in self.criteria() {
            if c.name.trim().is_empty() {
                return Err(self.invalid(
                    None,
                    format!("a criterion on `{}` has an empty name", c.column),
                ));
            }
            if !seen.insert(c.name.as_str()) {
                return Err(
                    self.invalid(Some(&c.name), "the name is used by more than one criterion")
                );
            }
            if !c.points.is_finite() {
                return Err(self.invalid(
                    Some(&c.name),
                    format!("points must be finite, found {}", c.points),
                ));
            }
            if let Some(e) = &c.evidence {
                check_evidence(e).map_err(|m| self.invalid(Some(&c.name), m))?;
            }
            match &c.predicate {
                Predicate::Range(r) => {
                    check_range(r).map_err(|m| self.invalid(Some(&c.name), m))?
                }
                Predicate::In(v)
                | Predicate::NotIn(v)
                | Predicate::HasAny(v)
                | Predicate::HasAll(v)
                    if v.is_empty() =>
                {
                    return Err(self.invalid(
                        Some(&c.name),
                        format!("`{}` needs at least one value", c.predicate.key()),
                    ));
                }
                _ => {}
            }
        }
        let t = &self.tiers;
        if ![t.a, t.b, t.c].iter().all(|x| x.is_finite()) {
            return Err(self.invalid(
                None,
                format!(
                    "tier thresholds must be finite, found a = {}, b = {}, c = {}",
                    t.a, t.b, t.c
                ),
            ));
        }
        if !(t.a >= t.b && t.b >= t.c) {
            return Err(self.invalid(
                None,
                format!(
                    "tier thresholds out of order: need a ≥ b ≥ c, found a = {}, b = {}, c = {}",
                    t.a, t.b, t.c
                ),
            ));
        }
        Ok(())
    }

    /// Check the ICP against a table: every column exists with the kind its
    /// predicate needs, every level and tag exists (with a suggestion for a
    /// likely typo), the scope's level is present, and no two criteria
    /// contradict each other — two must-haves on one column that no value
    /// satisfies together, or a disqualifier that catches every account a
    /// must-have admits.
    pub fn validate(&self, table: &AccountTable) -> Result<()> {
        let bound = self.bind(table, Levels::Strict)?;
        let primary: Vec<&BoundCriterion> = bound
            .criteria
            .iter()
            .filter(|b| b.section == Section::Primary)
            .collect();
        let negative: Vec<&BoundCriterion> = bound
            .criteria
            .iter()
            .filter(|b| b.section == Section::Negative)
            .collect();
        for (i, p) in primary.iter().enumerate() {
            for q in &primary[i + 1..] {
                if p.column == q.column && disjoint(&p.test, &q.test) {
                    return Err(self.invalid(
                        Some(&q.name),
                        format!(
                            "contradicts must-have `{}`: no value of `{}` satisfies both",
                            p.name,
                            column_name(table, p)
                        ),
                    ));
                }
            }
            for n in &negative {
                if p.column == n.column && within(&p.test, &n.test) {
                    return Err(self.invalid(
                        Some(&n.name),
                        format!(
                            "disqualifies every account that passes must-have `{}` on `{}`",
                            p.name,
                            column_name(table, p)
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

fn column_name<'t>(table: &'t AccountTable, b: &BoundCriterion) -> &'t str {
    &table.schema().fields()[b.column].name
}

/// Evidence that every document format can carry: finite numbers (JSON has
/// no NaN or infinity, so TOML's `nan` would be written as `null` and not
/// read back) and an `n` within TOML's integers (a larger one read from
/// JSON could not be written as TOML).
fn check_evidence(e: &Provenance) -> std::result::Result<(), String> {
    let numbers = e.value.into_iter().chain(e.interval.into_iter().flatten());
    for x in numbers {
        if !x.is_finite() {
            return Err(format!(
                "evidence values and intervals must be finite, found {x}"
            ));
        }
    }
    if e.n > i64::MAX as u64 {
        return Err(format!(
            "evidence `n` must be at most {} (the largest integer TOML holds), found {}",
            i64::MAX,
            e.n
        ));
    }
    Ok(())
}

fn check_range(r: &Range) -> std::result::Result<(), String> {
    for x in [r.min, r.max].into_iter().flatten() {
        if !x.is_finite() {
            return Err(format!("range bounds must be finite, found {x}"));
        }
    }
    if r.min.is_none() && r.max.is_none() {
        return Err("`range` needs a `min`, a `max` or both".into());
    }
    if let (Some(a), Some(b)) = (r.min, r.max)
        && (a > b || (a == b && !(r.min_inclusive && r.max_inclusive)))
    {
        return Err(format!("empty range: {r} (min {a}, max {b})"));
    }
    Ok(())
}

/// Lower and upper ends of a range as comparable keys: (value, open) where
/// an open lower end sorts after a closed one at the same value.
fn lower(r: &Range) -> (f64, bool) {
    (
        r.min.unwrap_or(f64::NEG_INFINITY),
        r.min.is_some() && !r.min_inclusive,
    )
}
fn upper(r: &Range) -> (f64, bool) {
    (
        r.max.unwrap_or(f64::INFINITY),
        r.max.is_some() && !r.max_inclusive,
    )
}

/// Whether no non-missing value satisfies both tests.
fn disjoint(a: &Test, b: &Test) -> bool {
    match (a, b) {
        (Test::Range(x), Test::Range(y)) => {
            // The intersection's ends: the larger lower end, the smaller upper end.
            let (lo, lo_open) = max_lower(lower(x), lower(y));
            let (hi, hi_open) = min_upper(upper(x), upper(y));
            lo > hi || (lo == hi && (lo_open || hi_open))
        }
        (Test::Codes(x), Test::Codes(y)) => x.iter().zip(y).all(|(p, q)| p & q == 0),
        (Test::Flag(x), Test::Flag(y)) => x != y,
        (Test::Missing(x), Test::Missing(y)) => x != y,
        _ => false,
    }
}

fn max_lower(a: (f64, bool), b: (f64, bool)) -> (f64, bool) {
    if a.0 > b.0 || (a.0 == b.0 && a.1) {
        a
    } else {
        b
    }
}
fn min_upper(a: (f64, bool), b: (f64, bool)) -> (f64, bool) {
    if a.0 < b.0 || (a.0 == b.0 && a.1) {
        a
    } else {
        b
    }
}

/// Whether every non-missing value satisfying `inner` satisfies `outer`.
fn within(inner: &Test, outer: &Test) -> bool {
    match (inner, outer) {
        (Test::Range(i), Test::Range(o)) => {
            let (il, il_open) = lower(i);
            let (ol, ol_open) = lower(o);
            let (iu, iu_open) = upper(i);
            let (ou, ou_open) = upper(o);
            let low_ok = ol < il || (ol == il && (!ol_open || il_open));
            let high_ok = iu < ou || (iu == ou && (!ou_open || iu_open));
            low_ok && high_ok
        }
        (Test::Codes(i), Test::Codes(o)) => i.iter().zip(o).all(|(p, q)| p & !q == 0),
        (Test::Flag(x), Test::Flag(y)) => x == y,
        (Test::Missing(x), Test::Missing(y)) => x == y,
        _ => false,
    }
}
