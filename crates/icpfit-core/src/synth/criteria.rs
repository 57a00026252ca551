//! Planted criteria as data: what a driver or the ICP tests, evaluable on any
//! table with the generator's columns (three-valued: a criterion on a
//! missing value is unknown).

use crate::error::{Error, Result};
use crate::table::{AccountTable, Column, FLAG_MISSING, MISSING_CODE};
use serde::{Deserialize, Serialize};

/// One test on one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "test", rename_all = "snake_case")]
pub enum Criterion {
    /// The categorical value is one of `values`.
    OneOf {
        /// The column.
        column: String,
        /// The accepted levels.
        values: Vec<String>,
    },
    /// The number lies in `[min, max]` (inclusive).
    Between {
        /// The column.
        column: String,
        /// Lower bound, inclusive.
        min: f64,
        /// Upper bound, inclusive.
        max: f64,
    },
    /// The number is strictly below `threshold`.
    Below {
        /// The column.
        column: String,
        /// The threshold (excluded).
        threshold: f64,
    },
    /// The tag set contains `tag`.
    HasTag {
        /// The column.
        column: String,
        /// The tag.
        tag: String,
    },
}

impl Criterion {
    /// `column ∈ values`.
    pub fn one_of(column: &str, values: &[&str]) -> Self {
        Self::OneOf {
            column: column.to_owned(),
            values: values.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// The column tested.
    pub fn column(&self) -> &str {
        match self {
            Self::OneOf { column, .. }
            | Self::Between { column, .. }
            | Self::Below { column, .. }
            | Self::HasTag { column, .. } => column,
        }
    }

    /// Human-readable form, e.g. `industry ∈ {fintech, healthtech}`.
    pub fn describe(&self) -> String {
        let num = crate::table::format_number;
        match self {
            Self::OneOf { column, values } if values.len() == 1 => {
                format!("{column} = {}", values[0])
            }
            Self::OneOf { column, values } => format!("{column} ∈ {{{}}}", values.join(", ")),
            Self::Between { column, min, max } => {
                format!("{} ≤ {column} ≤ {}", num(*min), num(*max))
            }
            Self::Below { column, threshold } => format!("{column} < {}", num(*threshold)),
            Self::HasTag { column, tag } => format!("{column} has {tag}"),
        }
    }

    /// Per row: 1 when the criterion holds, 0 when not, [`FLAG_MISSING`]
    /// when the value is missing.
    pub fn evaluate(&self, table: &AccountTable) -> Result<Vec<u8>> {
        let col = table.column(self.column())?;
        let wrong = |expected: &str| Error::WrongKind {
            column: self.column().to_owned(),
            expected: expected.to_owned(),
            found: col.kind().to_string(),
        };
        let flag = |b: bool| u8::from(b);
        Ok(match (self, col) {
            (Self::OneOf { values, .. }, Column::Categorical(c)) => {
                let accepted: Vec<bool> = c.levels().iter().map(|l| values.contains(l)).collect();
                c.codes()
                    .iter()
                    .map(|&k| {
                        if k == MISSING_CODE {
                            FLAG_MISSING
                        } else {
                            // ok: a CategoricalColumn's codes index its levels.
                            flag(accepted[k as usize])
                        }
                    })
                    .collect()
            }
            (Self::OneOf { .. }, _) => return Err(wrong("categorical")),
            (Self::Between { min, max, .. }, Column::Numeric(v)) => v
                .iter()
                .map(|x| {
                    if x.is_nan() {
                        FLAG_MISSING
                    } else {
                        flag(*min <= *x && *x <= *max)
                    }
                })
                .collect(),
            (Self::Below { threshold, .. }, Column::Numeric(v)) => v
                .iter()
                .map(|x| {
                    if x.is_nan() {
                        FLAG_MISSING
                    } else {
                        flag(*x < *threshold)
                    }
                })
                .collect(),
            (Self::Between { .. } | Self::Below { .. }, _) => return Err(wrong("numeric")),
            (Self::HasTag { tag, .. }, Column::TagSet(t)) => {
                let k = t.tag_index(tag);
                (0..table.n_rows())
                    .map(|i| {
                        if !t.valid().get(i) {
                            FLAG_MISSING
                        } else {
                            flag(k.is_some_and(|k| t.has(i, k)))
                        }
                    })
                    .collect()
            }
            (Self::HasTag { .. }, _) => return Err(wrong("tag_set")),
        })
    }
}

/// A rule: every criterion of `all_of` AND at least one of `any_of` (an
/// empty `any_of` is no constraint).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// Criteria that must all hold.
    pub all_of: Vec<Criterion>,
    /// Criteria of which one must hold.
    pub any_of: Vec<Criterion>,
}

impl Rule {
    /// Human-readable form.
    pub fn describe(&self) -> String {
        let all: Vec<String> = self.all_of.iter().map(Criterion::describe).collect();
        let any: Vec<String> = self.any_of.iter().map(Criterion::describe).collect();
        match (all.is_empty(), any.is_empty()) {
            (_, true) => all.join(" AND "),
            (true, false) => any.join(" OR "),
            (false, false) => format!("{} AND ({})", all.join(" AND "), any.join(" OR ")),
        }
    }

    /// Per row: 1 / 0 / [`FLAG_MISSING`] under three-valued logic (a missing
    /// value makes the rule unknown only when it could change the answer).
    pub fn evaluate(&self, table: &AccountTable) -> Result<Vec<u8>> {
        let n = table.n_rows();
        let mut all = vec![1u8; n];
        for c in &self.all_of {
            for (a, v) in all.iter_mut().zip(c.evaluate(table)?) {
                *a = match (*a, v) {
                    (0, _) | (_, 0) => 0,
                    (1, 1) => 1,
                    _ => FLAG_MISSING,
                };
            }
        }
        if self.any_of.is_empty() {
            return Ok(all);
        }
        let mut any = vec![0u8; n];
        for c in &self.any_of {
            for (a, v) in any.iter_mut().zip(c.evaluate(table)?) {
                *a = match (*a, v) {
                    (1, _) | (_, 1) => 1,
                    (0, 0) => 0,
                    _ => FLAG_MISSING,
                };
            }
        }
        Ok(all
            .into_iter()
            .zip(any)
            .map(|(a, b)| match (a, b) {
                (0, _) | (_, 0) => 0,
                (1, 1) => 1,
                _ => FLAG_MISSING,
            })
            .collect())
    }
}
