//! Cohort-vs-cohort profiles: seed 000's "win vs loss profile" table for any
//! pair of cohorts.
//!
//! For every attribute column (role `attribute`), in schema order:
//! - numeric: the mean in each cohort (missing values left out) and the
//!   delta `(B − A) / A` in percent — seed 000 writes the loss average
//!   relative to the win average (450 vs 120 employees: −73 %);
//! - flag: the share `true` in each cohort, delta in percentage points;
//! - categorical: one row per level, the share of each cohort's rows
//!   (missing counted in the denominator, so shares say how common a level
//!   is in the whole cohort), delta in points;
//! - tag set: one row per tag, the share of rows having it, delta in points.
//!
//! [`Profile::headline`] keeps one row per attribute (for categoricals and
//! tag sets the level with the largest absolute delta), which is the compact
//! seed table.

use crate::error::{Error, Result};
use crate::evidence::EvidenceLevel;
use crate::table::{AccountTable, Column, Dimension, FLAG_MISSING, Kind, MISSING_CODE, Role};
use rayon::prelude::*;
use serde::Serialize;
use std::fmt;

/// How a row's values are to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Averages; the delta is in percent of cohort A's average.
    Mean,
    /// Shares in [0, 1]; the delta is in percentage points.
    Share,
}

/// One line of a profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileRow {
    /// Attribute column.
    pub attribute: String,
    /// Level or tag, for categorical, flag and tag-set rows.
    pub level: Option<String>,
    /// The column's kind.
    pub kind: Kind,
    /// The column's ICP dimension.
    pub dimension: Dimension,
    /// Mean or share.
    pub measure: Measure,
    /// Value in cohort A (NaN when A has no non-missing value).
    pub a: f64,
    /// Value in cohort B.
    pub b: f64,
    /// `(b − a) / a · 100` for means, `(b − a) · 100` for shares.
    pub delta: f64,
    /// Rows of A with a value.
    pub n_a: usize,
    /// Rows of B with a value.
    pub n_b: usize,
}

/// A profile of cohort A against cohort B.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Profile {
    /// Name of cohort A ("won").
    pub a_name: String,
    /// Name of cohort B ("lost").
    pub b_name: String,
    /// Size of A.
    pub a_size: usize,
    /// Size of B.
    pub b_size: usize,
    /// Evidence level of the comparison (from the smaller cohort).
    pub evidence: EvidenceLevel,
    /// Every row, in schema order.
    pub rows: Vec<ProfileRow>,
}

impl Profile {
    /// Profiles cohort `a` against cohort `b`, given as row masks over the table.
    pub fn compare(
        table: &AccountTable,
        a: &[bool],
        b: &[bool],
        a_name: &str,
        b_name: &str,
    ) -> Result<Self> {
        for (what, mask) in [(a_name, a), (b_name, b)] {
            if mask.len() != table.n_rows() {
                return Err(Error::LengthMismatch {
                    what: format!("cohort `{what}` mask"),
                    expected: table.n_rows(),
                    found: mask.len(),
                });
            }
        }
        let (a_size, b_size) = (
            a.iter().filter(|&&x| x).count(),
            b.iter().filter(|&&x| x).count(),
        );
        for (name, size) in [(a_name, a_size), (b_name, b_size)] {
            if size == 0 {
                return Err(Error::InsufficientData {
                    what: format!("cohort `{name}`"),
                    n: 0,
                    min: 1,
                });
            }
        }
        let fields = table.schema().fields();
        let rows: Vec<Vec<ProfileRow>> = fields
            .par_iter()
            .zip(table.columns())
            .filter(|(f, _)| f.role == Role::Attribute)
            .map(|(f, c)| column_rows(&f.name, f.dimension, c, a, b, a_size, b_size))
            .collect();
        Ok(Self {
            a_name: a_name.to_owned(),
            b_name: b_name.to_owned(),
            a_size,
            b_size,
            evidence: EvidenceLevel::from_n(a_size.min(b_size)),
            rows: rows.into_iter().flatten().collect(),
        })
    }

    /// Won vs lost from a binary target (`Some(true)` won, `Some(false)` lost,
    /// `None` left out), e.g. from [`crate::outcome::won_lost`].
    pub fn won_vs_lost(table: &AccountTable, target: &[Option<bool>]) -> Result<Self> {
        let won: Vec<bool> = target.iter().map(|t| *t == Some(true)).collect();
        let lost: Vec<bool> = target.iter().map(|t| *t == Some(false)).collect();
        Self::compare(table, &won, &lost, "won", "lost")
    }

    /// One row per attribute: numeric rows as they are, and for categorical,
    /// flag and tag-set attributes the level with the largest |delta|.
    pub fn headline(&self) -> Vec<&ProfileRow> {
        let mut out: Vec<&ProfileRow> = Vec::new();
        for row in &self.rows {
            match out.last_mut() {
                Some(last) if last.attribute == row.attribute => {
                    if row.delta.abs() > last.delta.abs() {
                        *last = row;
                    }
                }
                _ => out.push(row),
            }
        }
        out
    }
}

fn column_rows(
    name: &str,
    dimension: Dimension,
    col: &Column,
    a: &[bool],
    b: &[bool],
    a_size: usize,
    b_size: usize,
) -> Vec<ProfileRow> {
    let row = |level: Option<String>, measure, (sa, na): (f64, usize), (sb, nb): (f64, usize)| {
        let (va, vb) = (
            if na > 0 { sa / na as f64 } else { f64::NAN },
            if nb > 0 { sb / nb as f64 } else { f64::NAN },
        );
        let delta = match measure {
            Measure::Mean => (vb - va) / va * 100.0,
            Measure::Share => (vb - va) * 100.0,
        };
        ProfileRow {
            attribute: name.to_owned(),
            level,
            kind: col.kind(),
            dimension,
            measure,
            a: va,
            b: vb,
            delta,
            n_a: na,
            n_b: nb,
        }
    };
    // One share row per level: the level's count over each cohort's size.
    let share_rows = |labels: &[String], ca: &[usize], cb: &[usize]| -> Vec<ProfileRow> {
        (0..labels.len())
            .map(|l| {
                row(
                    Some(labels[l].clone()),
                    Measure::Share,
                    (ca[l] as f64, a_size),
                    (cb[l] as f64, b_size),
                )
            })
            .collect()
    };
    match col {
        Column::Numeric(v) => {
            let (sa, sb) = cohort_sums(a, b, |i| (!v[i].is_nan()).then_some(v[i]));
            vec![row(None, Measure::Mean, sa, sb)]
        }
        Column::Flag(v) => {
            let (sa, sb) = cohort_sums(a, b, |i| (v[i] != FLAG_MISSING).then(|| f64::from(v[i])));
            vec![row(Some("true".into()), Measure::Share, sa, sb)]
        }
        Column::Categorical(cat) => {
            let k = cat.levels().len();
            let (mut ca, mut cb) = (vec![0usize; k], vec![0usize; k]);
            for (i, &c) in cat.codes().iter().enumerate() {
                if c != MISSING_CODE {
                    ca[c as usize] += usize::from(a[i]);
                    cb[c as usize] += usize::from(b[i]);
                }
            }
            share_rows(cat.levels(), &ca, &cb)
        }
        Column::TagSet(t) => {
            let k = t.tags().len();
            let (mut ca, mut cb) = (vec![0usize; k], vec![0usize; k]);
            for i in (0..a.len()).filter(|&i| a[i] || b[i]) {
                for tag in t.row_tags(i) {
                    ca[tag] += usize::from(a[i]);
                    cb[tag] += usize::from(b[i]);
                }
            }
            share_rows(t.tags(), &ca, &cb)
        }
        Column::Date(_) | Column::Text(_) => Vec::new(),
    }
}

/// Per cohort, the sum and count of the present values (`value(i)` is
/// `None` where row `i` is missing).
fn cohort_sums(
    a: &[bool],
    b: &[bool],
    value: impl Fn(usize) -> Option<f64>,
) -> ((f64, usize), (f64, usize)) {
    let (mut sa, mut sb) = ((0.0, 0usize), (0.0, 0usize));
    for i in 0..a.len() {
        let Some(x) = value(i) else { continue };
        if a[i] {
            sa = (sa.0 + x, sa.1 + 1);
        }
        if b[i] {
            sb = (sb.0 + x, sb.1 + 1);
        }
    }
    (sa, sb)
}

fn fmt_value(x: f64, measure: Measure) -> String {
    if x.is_nan() {
        return "-".into();
    }
    match measure {
        Measure::Share => format!("{:.1}%", x * 100.0),
        Measure::Mean if x.abs() >= 1000.0 => format!("{x:.0}"),
        Measure::Mean => format!("{x:.2}"),
    }
}

impl fmt::Display for Profile {
    /// The seed's table: attribute, A average (or share), B average (or
    /// share), delta.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} (n={}) vs {} (n={}), evidence: {}",
            self.a_name, self.a_size, self.b_name, self.b_size, self.evidence
        )?;
        let (ha, hb) = (
            format!("{} avg/share", self.a_name),
            format!("{} avg/share", self.b_name),
        );
        writeln!(
            f,
            "{:<44} {:>14} {:>14} {:>10}",
            "attribute", ha, hb, "delta"
        )?;
        for r in self.headline() {
            let label = match &r.level {
                Some(l) if r.kind != Kind::Flag => format!("{} = {}", r.attribute, l),
                _ => r.attribute.clone(),
            };
            let delta = if r.delta.is_finite() {
                match r.measure {
                    Measure::Mean => format!("{:+.0}%", r.delta),
                    Measure::Share => format!("{:+.1} pt", r.delta),
                }
            } else {
                "-".into()
            };
            writeln!(
                f,
                "{:<44} {:>14} {:>14} {:>10}",
                label,
                fmt_value(r.a, r.measure),
                fmt_value(r.b, r.measure),
                delta
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::CsvOptions;

    fn deals() -> AccountTable {
        AccountTable::from_csv_reader(
            &b"account_id,employees,industry,partner,tech_stack,outcome
a,450,fintech,yes,Snowflake;dbt,won
b,450,fintech,no,Snowflake,won
c,120,retail,no,HubSpot,lost
d,,fintech,no,,lost
e,120,retail,yes,HubSpot;dbt,lost
f,999,retail,yes,HubSpot,open
"[..],
            &CsvOptions::default(),
        )
        .unwrap()
    }

    #[test]
    fn seed_table_values_by_hand() {
        let t = deals();
        let target = crate::outcome::won_lost(&t, "outcome", false).unwrap();
        let p = Profile::won_vs_lost(&t, &target).unwrap();
        assert_eq!((p.a_size, p.b_size), (2, 3));
        let emp = &p.rows[0];
        assert_eq!(
            (emp.attribute.as_str(), emp.a, emp.b, emp.n_a, emp.n_b),
            ("employees", 450.0, 120.0, 2, 2)
        );
        assert!(
            (emp.delta - (-73.333_333_333)).abs() < 1e-6,
            "seed 000: 450 vs 120 is -73%"
        );
        let fintech = p
            .rows
            .iter()
            .find(|r| r.level.as_deref() == Some("fintech"))
            .unwrap();
        assert_eq!((fintech.a, fintech.b), (1.0, 1.0 / 3.0));
        let partner = p.rows.iter().find(|r| r.attribute == "partner").unwrap();
        assert_eq!((partner.a, partner.b), (0.5, 1.0 / 3.0));
        let snow = p
            .rows
            .iter()
            .find(|r| r.level.as_deref() == Some("Snowflake"))
            .unwrap();
        assert_eq!((snow.a, snow.b), (1.0, 0.0));
        assert!(
            p.rows
                .iter()
                .all(|r| r.attribute != "outcome" && r.attribute != "account_id")
        );
        let head = p.headline();
        assert_eq!(head.len(), 4);
        let shown = p.to_string();
        assert!(
            shown.contains("employees") && shown.contains("-73%"),
            "{shown}"
        );
    }

    #[test]
    fn empty_cohorts_and_bad_masks_are_errors() {
        let t = deals();
        let none = vec![false; t.n_rows()];
        let all = vec![true; t.n_rows()];
        assert!(matches!(
            Profile::compare(&t, &none, &all, "x", "y"),
            Err(Error::InsufficientData { .. })
        ));
        assert!(matches!(
            Profile::compare(&t, &all[..2], &all, "x", "y"),
            Err(Error::LengthMismatch { .. })
        ));
    }
}
