//! The binary target a ranking separates: per row positive, negative, or
//! left out — won vs lost, churned vs retained, best vs worst cohort.

use crate::error::{Error, Result};
use crate::outcome::{OutcomeKind, OutcomeMap, RetentionStatus, parse_column, won_lost};
use crate::table::{AccountTable, FLAG_MISSING};

/// Label of a row left out of the comparison.
pub const EXCLUDED: u8 = 2;

/// Per row: 1 = positive, 0 = negative, [`EXCLUDED`] = not part of the
/// comparison; plus the words used to talk about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    labels: Vec<u8>,
    name: String,
    verb: String,
}

impl Target {
    /// From per-row labels (`None` = left out). `name` names the target in
    /// messages; `verb` completes "accounts with X … N× more often" (e.g.
    /// `win`, `churn`).
    pub fn from_labels(labels: &[Option<bool>], name: &str, verb: &str) -> Result<Self> {
        let labels = labels
            .iter()
            .map(|l| l.map_or(EXCLUDED, u8::from))
            .collect();
        let t = Self {
            labels,
            name: name.to_owned(),
            verb: verb.to_owned(),
        };
        t.check()?;
        Ok(t)
    }

    /// Won (positive) vs lost (negative) from a deal-outcome column; open and
    /// no-decision deals are left out.
    pub fn won_vs_lost(table: &AccountTable, column: &str) -> Result<Self> {
        Self::from_labels(
            &won_lost(table, column, false)?,
            &format!("{column}: won vs lost"),
            "win",
        )
    }

    /// Churned (positive) vs every other known retention status (negative)
    /// from a retention-status column; missing rows are left out.
    pub fn churned(table: &AccountTable, column: &str) -> Result<Self> {
        let typed = parse_column(table, column, &OutcomeMap::<RetentionStatus>::new())?;
        let labels: Vec<Option<bool>> = typed
            .iter()
            .map(|s| s.map(|s| s == RetentionStatus::Churned))
            .collect();
        Self::from_labels(
            &labels,
            &format!("{column}: {} vs rest", RetentionStatus::Churned.as_str()),
            "churn",
        )
    }

    /// A flag column as the target (true = positive).
    pub fn from_flag(table: &AccountTable, column: &str, verb: &str) -> Result<Self> {
        let v = table.flag(column)?;
        let labels: Vec<Option<bool>> = v
            .iter()
            .map(|&b| (b != FLAG_MISSING).then_some(b == 1))
            .collect();
        Self::from_labels(&labels, column, verb)
    }

    /// Two cohorts as row masks: rows in `a` are positive, rows in `b`
    /// negative, the rest left out. A row in both is an error.
    pub fn from_masks(a: &[bool], b: &[bool], a_name: &str, b_name: &str) -> Result<Self> {
        if a.len() != b.len() {
            return Err(Error::LengthMismatch {
                what: format!("cohort `{b_name}` mask"),
                expected: a.len(),
                found: b.len(),
            });
        }
        if let Some(row) = a.iter().zip(b).position(|(x, y)| *x && *y) {
            return Err(Error::invalid(
                "cohorts",
                format!("row {row} is in both `{a_name}` and `{b_name}`"),
            ));
        }
        let labels: Vec<Option<bool>> = a
            .iter()
            .zip(b)
            .map(|(&x, &y)| {
                if x {
                    Some(true)
                } else if y {
                    Some(false)
                } else {
                    None
                }
            })
            .collect();
        Self::from_labels(
            &labels,
            &format!("{a_name} vs {b_name}"),
            &format!("are {a_name}"),
        )
    }

    /// The usual target of a column, by what it holds: a flag → true vs
    /// false; a deal-outcome column → won vs lost; a retention-status column
    /// → churned vs rest. Anything else is an error saying so.
    pub fn from_column(table: &AccountTable, column: &str) -> Result<Self> {
        match table.column(column)? {
            crate::table::Column::Flag(_) => Self::from_flag(table, column, &format!("are {column}")),
            crate::table::Column::Categorical(_) => Self::won_vs_lost(table, column)
                .or_else(|_| Self::churned(table, column))
                .map_err(|_| {
                    Error::invalid(
                        "target",
                        format!(
                            "column `{column}` is neither a deal outcome (won / lost / no_decision / open) nor a \
                             retention status (active / churned / expanded / contracted); pass per-row labels instead"
                        ),
                    )
                }),
            other => Err(Error::WrongKind {
                column: column.to_owned(),
                expected: "flag, or categorical deal outcome / retention status".into(),
                found: other.kind().to_string(),
            }),
        }
    }

    fn check(&self) -> Result<()> {
        let pos = self.labels.iter().filter(|&&l| l == 1).count();
        let neg = self.labels.iter().filter(|&&l| l == 0).count();
        match (pos, neg) {
            (0, 0) => Err(Error::InsufficientData {
                what: format!("target `{}`", self.name),
                n: 0,
                min: 2,
            }),
            (_, 0) => Err(Error::OneClass {
                target: self.name.clone(),
                class: "positive".into(),
            }),
            (0, _) => Err(Error::OneClass {
                target: self.name.clone(),
                class: "negative".into(),
            }),
            _ => Ok(()),
        }
    }

    /// Labels per row.
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }
    /// The target's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The verb of the finding sentences.
    pub fn verb(&self) -> &str {
        &self.verb
    }
    /// Positive and negative row counts.
    pub fn counts(&self) -> (usize, usize) {
        let pos = self.labels.iter().filter(|&&l| l == 1).count();
        (pos, self.labels.iter().filter(|&&l| l == 0).count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::CsvOptions;

    #[test]
    fn targets_from_columns_and_masks() {
        let t = AccountTable::from_csv_reader(
            &b"id,outcome,retention_status,partner\n1,won,active,yes\n2,lost,,no\n3,open,churned,\n"[..],
            &CsvOptions::default(),
        )
        .unwrap();
        assert_eq!(
            Target::won_vs_lost(&t, "outcome").unwrap().labels(),
            &[1, 0, EXCLUDED]
        );
        assert_eq!(
            Target::churned(&t, "retention_status").unwrap().labels(),
            &[0, EXCLUDED, 1]
        );
        assert_eq!(
            Target::from_flag(&t, "partner", "partner")
                .unwrap()
                .labels(),
            &[1, 0, EXCLUDED]
        );
        let m = Target::from_masks(
            &[true, false, false],
            &[false, false, true],
            "best",
            "worst",
        )
        .unwrap();
        assert_eq!(m.labels(), &[1, EXCLUDED, 0]);
        assert_eq!(m.counts(), (1, 1));
    }

    #[test]
    fn one_class_and_overlaps_are_errors() {
        let err = Target::from_labels(&[Some(true), None], "won", "win").unwrap_err();
        assert_eq!(
            err.to_string(),
            "target `won` has only one class (positive): nothing to separate"
        );
        assert!(matches!(
            Target::from_labels(&[None], "x", "y"),
            Err(Error::InsufficientData { .. })
        ));
        let err = Target::from_masks(&[true], &[true], "a", "b")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "invalid `cohorts`: row 0 is in both `a` and `b`");
    }
}
