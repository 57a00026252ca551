//! What to generate: size, seed and the calendar window of close dates.

use crate::error::{Error, Result};
use crate::table::date::days_from_civil;
use serde::{Deserialize, Serialize};

/// The largest `n_accounts` accepted (ids are `A` + at least 7 digits; the
/// streaming forms hold one batch of rows at a time, so this bounds the run
/// time, not the memory).
pub const MAX_ACCOUNTS: usize = 1_000_000_000;

/// Rows of the bundled sample `examples/data/deals.csv`.
pub const SAMPLE_ROWS: usize = 3_500;
/// Seed of the bundled sample.
pub const SAMPLE_SEED: u64 = 20_261_126;

/// Settings of one synthetic CRM export.
///
/// The planted model itself (effects, probabilities) is fixed: it is what
/// [`Truth`](super::Truth) documents, and it does not change with the
/// configuration. The configuration only says how many accounts, which
/// random stream and which calendar window.
///
/// ```
/// use icpfit_core::synth::SynthConfig;
/// let cfg = SynthConfig { n_accounts: 5_000, seed: 7, ..SynthConfig::default() };
/// assert!(cfg.validate().is_ok());
/// assert!(SynthConfig { n_accounts: 0, ..cfg }.validate().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SynthConfig {
    /// Number of accounts (rows), at least 1 and at most [`MAX_ACCOUNTS`].
    pub n_accounts: usize,
    /// Seed of the random streams: same seed, same bytes.
    pub seed: u64,
    /// Calendar year of the last quarter of close dates.
    pub end_year: i32,
    /// Last quarter of close dates (1–4).
    pub end_quarter: u32,
    /// Number of calendar quarters the close dates span (1–40), ending with
    /// `end_quarter` of `end_year`.
    pub quarters: u32,
}

impl Default for SynthConfig {
    /// 10,000 accounts, seed 42, close dates over the 8 quarters 2024-Q4 to
    /// 2026-Q3.
    fn default() -> Self {
        Self {
            n_accounts: 10_000,
            seed: 42,
            end_year: 2026,
            end_quarter: 3,
            quarters: 8,
        }
    }
}

impl SynthConfig {
    /// `n_accounts` accounts with `seed`, other settings by default.
    pub fn new(n_accounts: usize, seed: u64) -> Self {
        Self {
            n_accounts,
            seed,
            ..Self::default()
        }
    }

    /// The configuration of the bundled sample `examples/data/deals.csv`
    /// ([`SAMPLE_ROWS`] accounts, [`SAMPLE_SEED`]).
    pub fn sample() -> Self {
        Self::new(SAMPLE_ROWS, SAMPLE_SEED)
    }

    /// Checks every setting; errors name the setting and the accepted range.
    pub fn validate(&self) -> Result<()> {
        if self.n_accounts == 0 {
            return Err(Error::invalid(
                "n_accounts",
                "must be at least 1 (an export without accounts has nothing to plant a truth in)",
            ));
        }
        if self.n_accounts > MAX_ACCOUNTS {
            return Err(Error::invalid(
                "n_accounts",
                format!("{} exceeds the maximum {MAX_ACCOUNTS}", self.n_accounts),
            ));
        }
        if !(1..=4).contains(&self.end_quarter) {
            return Err(Error::invalid(
                "end_quarter",
                format!("{} is not a quarter: expected 1 to 4", self.end_quarter),
            ));
        }
        if !(1..=40).contains(&self.quarters) {
            return Err(Error::invalid(
                "quarters",
                format!("{} is out of range: expected 1 to 40", self.quarters),
            ));
        }
        if !(1980..=9000).contains(&self.end_year) {
            return Err(Error::invalid(
                "end_year",
                format!("{} is out of range: expected 1980 to 9000", self.end_year),
            ));
        }
        Ok(())
    }

    /// First and last possible close date (days since 1970-01-01,
    /// inclusive): the first day of the first quarter and the last day of
    /// `end_quarter`. Assumes a valid configuration.
    pub fn close_date_range(&self) -> (i32, i32) {
        let end_index = self.end_year * 4 + self.end_quarter as i32 - 1; // quarter number
        let first_index = end_index - self.quarters as i32 + 1;
        let first = days_from_civil(
            first_index.div_euclid(4),
            (first_index.rem_euclid(4) * 3 + 1) as u32,
            1,
        );
        let after = end_index + 1;
        let last =
            days_from_civil(after.div_euclid(4), (after.rem_euclid(4) * 3 + 1) as u32, 1) - 1;
        (first, last)
    }

    /// Digits of the numeric part of `account_id` (at least 7, more when
    /// `n_accounts` needs them).
    pub(crate) fn id_digits(&self) -> usize {
        self.n_accounts.to_string().len().max(7)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::date::format_iso;

    #[test]
    fn close_window_is_whole_quarters() {
        let (a, b) = SynthConfig::default().close_date_range();
        assert_eq!(format_iso(a), "2024-10-01");
        assert_eq!(format_iso(b), "2026-09-30");
        let cfg = SynthConfig {
            end_year: 2025,
            end_quarter: 4,
            quarters: 1,
            ..SynthConfig::default()
        };
        let (a, b) = cfg.close_date_range();
        assert_eq!(
            (format_iso(a).as_str(), format_iso(b).as_str()),
            ("2025-10-01", "2025-12-31")
        );
    }

    #[test]
    fn invalid_settings_are_typed_errors() {
        for (cfg, name) in [
            (SynthConfig::new(0, 1), "n_accounts"),
            (SynthConfig::new(MAX_ACCOUNTS + 1, 1), "n_accounts"),
            (
                SynthConfig {
                    end_quarter: 5,
                    ..SynthConfig::default()
                },
                "end_quarter",
            ),
            (
                SynthConfig {
                    quarters: 0,
                    ..SynthConfig::default()
                },
                "quarters",
            ),
            (
                SynthConfig {
                    end_year: 1900,
                    ..SynthConfig::default()
                },
                "end_year",
            ),
        ] {
            match cfg.validate() {
                Err(Error::InvalidArgument { name: n, .. }) => assert_eq!(n, name),
                other => panic!("{cfg:?}: expected an invalid `{name}`, got {other:?}"),
            }
        }
        assert_eq!(SynthConfig::new(7, 1).id_digits(), 7);
        assert_eq!(SynthConfig::new(12_000_000, 1).id_digits(), 8);
    }
}
