//! A one-line-per-column summary of a table, for people.

use super::{AccountTable, Column, Dimension, Kind, Role};
use serde::Serialize;
use std::fmt;

/// What a column holds, in a few numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnSummary {
    /// Column name.
    pub name: String,
    /// Type.
    pub kind: Kind,
    /// Role.
    pub role: Role,
    /// Dimension.
    pub dimension: Dimension,
    /// Missing rows.
    pub missing: usize,
    /// Levels (categorical), tags (tag set), or distinct values otherwise is not computed (`None`).
    pub levels: Option<usize>,
    /// Minimum (numeric, date as days).
    pub min: Option<f64>,
    /// Maximum.
    pub max: Option<f64>,
    /// Mean (numeric) or share true (flag).
    pub mean: Option<f64>,
}

impl AccountTable {
    /// One [`ColumnSummary`] per column.
    pub fn summary(&self) -> Vec<ColumnSummary> {
        self.schema()
            .fields()
            .iter()
            .zip(self.columns())
            .map(|(f, c)| {
                let mut s = ColumnSummary {
                    name: f.name.clone(),
                    kind: f.kind,
                    role: f.role,
                    dimension: f.dimension,
                    missing: c.missing_count(),
                    levels: None,
                    min: None,
                    max: None,
                    mean: None,
                };
                let stats = |it: &mut dyn Iterator<Item = f64>| {
                    let (mut n, mut sum, mut lo, mut hi) =
                        (0usize, 0.0, f64::INFINITY, f64::NEG_INFINITY);
                    for x in it {
                        n += 1;
                        sum += x;
                        lo = lo.min(x);
                        hi = hi.max(x);
                    }
                    (n > 0).then(|| (lo, hi, sum / n as f64))
                };
                match c {
                    Column::Numeric(v) => {
                        if let Some((lo, hi, m)) =
                            stats(&mut v.iter().copied().filter(|x| !x.is_nan()))
                        {
                            (s.min, s.max, s.mean) = (Some(lo), Some(hi), Some(m));
                        }
                    }
                    Column::Date(v) => {
                        if let Some((lo, hi, _)) = stats(
                            &mut v
                                .iter()
                                .filter(|&&d| d != super::DATE_MISSING)
                                .map(|&d| f64::from(d)),
                        ) {
                            (s.min, s.max) = (Some(lo), Some(hi));
                        }
                    }
                    Column::Flag(v) => {
                        s.mean = stats(
                            &mut v
                                .iter()
                                .filter(|&&b| b != super::FLAG_MISSING)
                                .map(|&b| f64::from(b)),
                        )
                        .map(|t| t.2);
                    }
                    Column::Categorical(cat) => s.levels = Some(cat.levels().len()),
                    Column::TagSet(t) => s.levels = Some(t.tags().len()),
                    Column::Text(_) => {}
                }
                s
            })
            .collect()
    }
}

impl fmt::Display for AccountTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} rows x {} columns", self.n_rows(), self.n_cols())?;
        writeln!(
            f,
            "{:<26} {:<12} {:<10} {:<14} {:>8} {:>12} {:>12} {:>12}",
            "column", "kind", "role", "dimension", "missing", "min/levels", "max", "mean"
        )?;
        for s in self.summary() {
            let num = |x: Option<f64>| {
                x.map_or(String::new(), |v| {
                    format!("{v:.4}")
                        .trim_end_matches('0')
                        .trim_end_matches('.')
                        .to_owned()
                })
            };
            let (lo, hi) = match (s.kind, s.levels) {
                (Kind::Date, _) => (
                    s.min
                        .map_or(String::new(), |d| super::date::format_iso(d as i32)),
                    s.max
                        .map_or(String::new(), |d| super::date::format_iso(d as i32)),
                ),
                (_, Some(l)) => (format!("{l} levels"), String::new()),
                _ => (num(s.min), num(s.max)),
            };
            writeln!(
                f,
                "{:<26} {:<12} {:<10} {:<14} {:>8} {:>12} {:>12} {:>12}",
                s.name,
                s.kind.as_str(),
                s.role.as_str(),
                s.dimension.as_str(),
                s.missing,
                lo,
                hi,
                num(s.mean)
            )?;
        }
        Ok(())
    }
}
