//! Sample-size evidence levels, as the seeds use them.
//!
//! A finding resting on fewer than 20 accounts is a *hypothesis*; 50 or more
//! make it *meaningful* (actionable); 100 or more support a real *cohort
//! analysis*. Between 20 and 49 accounts a finding is *indicative*: more than
//! an anecdote, not yet enough to act on alone.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How much a finding can be trusted given the number of accounts behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceLevel {
    /// Fewer than 20 accounts.
    Hypothesis,
    /// 20 to 49 accounts.
    Indicative,
    /// 50 to 99 accounts.
    Meaningful,
    /// 100 accounts or more.
    CohortAnalysis,
}

impl EvidenceLevel {
    /// The level for `n` accounts (for a comparison, pass the smaller group).
    pub fn from_n(n: usize) -> Self {
        match n {
            0..=19 => Self::Hypothesis,
            20..=49 => Self::Indicative,
            50..=99 => Self::Meaningful,
            _ => Self::CohortAnalysis,
        }
    }

    /// Stable lower-case name, as used in JSON and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hypothesis => "hypothesis",
            Self::Indicative => "indicative",
            Self::Meaningful => "meaningful",
            Self::CohortAnalysis => "cohort_analysis",
        }
    }
}

impl fmt::Display for EvidenceLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_follow_the_seeds() {
        assert_eq!(EvidenceLevel::from_n(0), EvidenceLevel::Hypothesis);
        assert_eq!(EvidenceLevel::from_n(19), EvidenceLevel::Hypothesis);
        assert_eq!(EvidenceLevel::from_n(20), EvidenceLevel::Indicative);
        assert_eq!(EvidenceLevel::from_n(49), EvidenceLevel::Indicative);
        assert_eq!(EvidenceLevel::from_n(50), EvidenceLevel::Meaningful);
        assert_eq!(EvidenceLevel::from_n(99), EvidenceLevel::Meaningful);
        assert_eq!(EvidenceLevel::from_n(100), EvidenceLevel::CohortAnalysis);
        assert!(EvidenceLevel::Hypothesis < EvidenceLevel::CohortAnalysis);
        assert_eq!(EvidenceLevel::Meaningful.to_string(), "meaningful");
    }
}
