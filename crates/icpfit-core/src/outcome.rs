//! Typed outcomes: the deal result, the loss reason, retention status and the
//! 90-day fit tag, parsed from raw CRM strings.
//!
//! Raw values map case-insensitively, ignoring spaces, `-` and `_`
//! (`Closed Won`, `closed-won` and `CLOSED_WON` are all [`DealOutcome::Won`]).
//! An unknown value is an [`Error::UnknownValue`] that lists the accepted
//! spellings, unless the caller supplies a dictionary of its own raw values
//! ([`OutcomeMap`]).

use crate::error::{Error, Location, Result};
use crate::table::{AccountTable, MISSING_CODE};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Normalises a raw value for matching: lower case, without spaces, `-`, `_`.
fn key(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A closed set of values parsed from CRM strings.
pub trait OutcomeKind: Sized + Copy + Eq + 'static {
    /// What it is called in messages ("deal outcome").
    const NAME: &'static str;
    /// Every value with its accepted spellings (the first is canonical).
    fn spellings() -> &'static [(Self, &'static [&'static str])];

    /// Parses a raw value with the built-in spellings.
    fn parse(raw: &str) -> Option<Self> {
        let k = key(raw);
        Self::spellings()
            .iter()
            .find(|(_, names)| names.iter().any(|n| key(n) == k))
            .map(|(v, _)| *v)
    }
    /// The canonical name.
    fn as_str(self) -> &'static str {
        Self::spellings()
            .iter()
            .find(|(v, _)| *v == self)
            .map_or("", |(_, n)| n[0])
    }
    /// Every canonical name.
    fn accepted() -> Vec<String> {
        Self::spellings()
            .iter()
            .map(|(_, n)| n[0].to_owned())
            .collect()
    }
}

macro_rules! outcome_enum {
    ($(#[$doc:meta])* $name:ident, $label:literal, { $($(#[$vdoc:meta])* $variant:ident => [$($spelling:literal),+]),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl OutcomeKind for $name {
            const NAME: &'static str = $label;
            fn spellings() -> &'static [(Self, &'static [&'static str])] {
                &[$(($name::$variant, &[$($spelling),+])),+]
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

outcome_enum!(
    /// The result of a deal.
    DealOutcome, "deal outcome", {
        /// Closed-won.
        Won => ["won", "closed won", "cw", "win"],
        /// Closed-lost.
        Lost => ["lost", "closed lost", "cl", "loss"],
        /// Closed with no decision (stalled, went dark).
        NoDecision => ["no_decision", "no decision", "nodecision", "stalled", "closed no decision"],
        /// Still open (pipeline).
        Open => ["open", "pipeline", "in progress"],
    }
);

outcome_enum!(
    /// Where a customer stands at renewal.
    RetentionStatus, "retention status", {
        /// Renewed at about the same ARR.
        Active => ["active", "renewed", "retained"],
        /// Left.
        Churned => ["churned", "churn", "cancelled", "canceled", "lost"],
        /// Renewed with more ARR.
        Expanded => ["expanded", "expansion", "upsell", "grew"],
        /// Renewed with less ARR.
        Contracted => ["contracted", "downsell", "contraction", "shrunk"],
    }
);

outcome_enum!(
    /// Customer success's fit judgement at day 90 (seed 004).
    FitTag, "90-day fit tag", {
        /// Strong fit.
        Strong => ["strong", "strong fit", "good", "green"],
        /// Near fit: watch list.
        Near => ["near", "near fit", "partial", "amber", "yellow"],
        /// Bad fit: should not have been sold.
        Bad => ["bad", "bad fit", "poor", "red"],
    }
);

outcome_enum!(
    /// Why a deal was lost, as logged in the CRM.
    LossReason, "loss reason", {
        /// Price or budget too high.
        Price => ["price", "pricing", "too expensive", "cost"],
        /// Missing features or product fit.
        ProductGap => ["product_gap", "product gap", "features", "missing features", "product"],
        /// Bad timing.
        Timing => ["timing", "bad timing", "not now"],
        /// Lost to a competitor.
        Competitor => ["competitor", "lost to competitor", "competition"],
        /// No budget at all.
        NoBudget => ["no_budget", "no budget", "budget freeze", "budget"],
        /// The champion left or changed.
        ChampionLeft => ["champion_left", "champion left", "champion change", "champion"],
        /// No decision was made.
        NoDecision => ["no_decision", "no decision", "status quo", "went dark"],
        /// Anything else the CRM calls "other".
        Other => ["other"],
    }
);

/// A user dictionary from raw CRM values to typed values, for exports whose
/// spellings the built-in list does not know (`"Closed - Signed" → won`).
#[derive(Debug, Clone, Default)]
pub struct OutcomeMap<T> {
    map: HashMap<String, T>,
}

impl<T: OutcomeKind> OutcomeMap<T> {
    /// An empty dictionary (built-in spellings only).
    pub fn new() -> Self {
        Self {
            map: HashMap::new(),
        }
    }
    /// Adds a raw spelling.
    pub fn with(mut self, raw: &str, value: T) -> Self {
        self.map.insert(key(raw), value);
        self
    }
    /// Parses a raw value: the user dictionary first, then the built-in spellings.
    pub fn parse(&self, raw: &str) -> Option<T> {
        self.map.get(&key(raw)).copied().or_else(|| T::parse(raw))
    }
}

/// Parses a categorical column into typed values, one per row (`None` where
/// missing). Each level is parsed once, so this is O(levels + rows).
pub fn parse_column<T: OutcomeKind>(
    table: &AccountTable,
    column: &str,
    map: &OutcomeMap<T>,
) -> Result<Vec<Option<T>>> {
    let cat = table.categorical(column)?;
    let mut typed = Vec::with_capacity(cat.levels().len());
    for (code, level) in cat.levels().iter().enumerate() {
        match map.parse(level) {
            Some(v) => typed.push(v),
            None => {
                let row = cat
                    .codes()
                    .iter()
                    .position(|&c| c == code as u32)
                    .unwrap_or(0);
                return Err(Error::UnknownValue {
                    at: Location::row(row),
                    column: column.to_owned(),
                    kind: T::NAME.to_owned(),
                    value: level.clone(),
                    accepted: T::accepted(),
                });
            }
        }
    }
    Ok(cat
        .codes()
        .iter()
        .map(|&c| {
            if c == MISSING_CODE {
                None
            } else {
                Some(typed[c as usize])
            }
        })
        .collect())
}

/// The binary target "won vs lost" of a deal-outcome column: `Some(true)` for
/// won, `Some(false)` for lost, `None` for everything else (open, no
/// decision, missing) — those rows take no part in a won-vs-lost comparison.
/// With `no_decision_as_lost`, no-decision counts as lost.
pub fn won_lost(
    table: &AccountTable,
    column: &str,
    no_decision_as_lost: bool,
) -> Result<Vec<Option<bool>>> {
    let typed = parse_column(table, column, &OutcomeMap::<DealOutcome>::new())?;
    Ok(typed
        .into_iter()
        .map(|o| match o {
            Some(DealOutcome::Won) => Some(true),
            Some(DealOutcome::Lost) => Some(false),
            Some(DealOutcome::NoDecision) if no_decision_as_lost => Some(false),
            _ => None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::CsvOptions;

    #[test]
    fn spellings_are_case_and_punctuation_insensitive() {
        assert_eq!(DealOutcome::parse("Closed Won"), Some(DealOutcome::Won));
        assert_eq!(DealOutcome::parse("CLOSED_LOST"), Some(DealOutcome::Lost));
        assert_eq!(
            DealOutcome::parse("no-decision"),
            Some(DealOutcome::NoDecision)
        );
        assert_eq!(
            RetentionStatus::parse("Canceled"),
            Some(RetentionStatus::Churned)
        );
        assert_eq!(FitTag::parse("Bad Fit"), Some(FitTag::Bad));
        assert_eq!(
            LossReason::parse("Budget Freeze"),
            Some(LossReason::NoBudget)
        );
        assert_eq!(DealOutcome::parse("maybe"), None);
        assert_eq!(DealOutcome::Won.to_string(), "won");
        assert_eq!(LossReason::ProductGap.as_str(), "product_gap");
    }

    #[test]
    fn unknown_values_list_the_accepted_ones() {
        let t = AccountTable::from_csv_reader(
            &b"id,outcome\n1,won\n2,signed\n"[..],
            &CsvOptions::default(),
        )
        .unwrap();
        let err = parse_column(&t, "outcome", &OutcomeMap::<DealOutcome>::new())
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "row 1, column `outcome`: `signed` is not a known deal outcome; accepted: won, lost, no_decision, open"
        );
        let map = OutcomeMap::new().with("Signed", DealOutcome::Won);
        let v = parse_column(&t, "outcome", &map).unwrap();
        assert_eq!(v, vec![Some(DealOutcome::Won), Some(DealOutcome::Won)]);
    }

    #[test]
    fn won_lost_target_leaves_other_rows_out() {
        let t = AccountTable::from_csv_reader(
            &b"id,outcome\n1,won\n2,lost\n3,open\n4,\n5,no decision\n"[..],
            &CsvOptions::default(),
        )
        .unwrap();
        assert_eq!(
            won_lost(&t, "outcome", false).unwrap(),
            vec![Some(true), Some(false), None, None, None]
        );
        assert_eq!(won_lost(&t, "outcome", true).unwrap()[4], Some(false));
        assert!(
            won_lost(&t, "id", false).is_err(),
            "a text column is not an outcome"
        );
    }
}
