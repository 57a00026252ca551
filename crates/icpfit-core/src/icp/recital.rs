//! The ICP as a few plain sentences a salesperson can say out loud, and seed
//! 002's "60-second recite" test.
//!
//! The recital groups the criteria by dimension category (firmographic,
//! technographic, behavioral, psychographic, stage, other), in that order,
//! then says what disqualifies and where the tiers start. Its length is
//! judged at a speaking pace of [`SPEAKING_WPM`] words per minute: a recital
//! of at most 150 words can be recited in 60 seconds.

use super::{Criterion, Icp, Section};
use crate::table::{Dimension, default_dimension, format_number};
use serde::{Deserialize, Serialize};

/// Words per minute of unhurried speech (the usual figure for presentations
/// and audiobooks is 140–160); a recital is spoken, not skimmed.
pub const SPEAKING_WPM: f64 = 150.0;

/// The recital and its length.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recital {
    /// The sentences, one paragraph.
    pub text: String,
    /// Words in `text` (whitespace-separated tokens).
    pub words: usize,
    /// Seconds to say it at [`SPEAKING_WPM`].
    pub seconds: f64,
    /// Whether it can be recited in 60 seconds (seed 002's test).
    pub fits_60_seconds: bool,
}

const ORDER: [Dimension; 6] = [
    Dimension::Firmographic,
    Dimension::Technographic,
    Dimension::Behavioral,
    Dimension::Psychographic,
    Dimension::Stage,
    Dimension::Other,
];

fn dimension_of(c: &Criterion) -> Dimension {
    c.dimension.unwrap_or_else(|| default_dimension(&c.column))
}

fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [init @ .., last] => format!("{}, and {last}", init.join(", ")),
    }
}

/// The criteria of `section` (optionally only positive / negative points),
/// described, in dimension order.
fn phrases(icp: &Icp, section: Section, keep: impl Fn(&Criterion) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    for d in ORDER {
        for (s, c) in icp.criteria() {
            if s == section && dimension_of(c) == d && keep(c) {
                out.push(c.describe());
            }
        }
    }
    out
}

impl Icp {
    /// The ICP in plain sentences, with its word count and the 60-second test.
    ///
    /// ```
    /// use icpfit_core::icp::{Criterion, Icp, Predicate, Range};
    /// let icp = Icp::new("Core", "3")
    ///     .primary(Criterion::new("mid", "employees", Predicate::Range(Range::closed(Some(200.0), Some(2000.0)))).label("200–2000 employees"))
    ///     .secondary(Criterion::new("snow", "tech_stack", Predicate::HasAny(vec!["Snowflake".into()])).points(10.0).label("runs Snowflake"))
    ///     .negative(Criterion::new("tiny", "employees", Predicate::Range(Range::below(50.0))).label("under 50 employees"));
    /// let r = icp.recital();
    /// assert!(r.text.starts_with("Core (version 3): companies with 200–2000 employees."));
    /// assert!(r.fits_60_seconds);
    /// ```
    pub fn recital(&self) -> Recital {
        let mut sentences = Vec::new();
        let scope = self
            .scope
            .as_ref()
            .map(|s| format!(" buying {} {}", s.column, s.value))
            .unwrap_or_default();
        let must = phrases(self, Section::Primary, |_| true);
        if must.is_empty() {
            sentences.push(format!(
                "{} (version {}): any account{scope}.",
                self.name, self.version
            ));
        } else {
            sentences.push(format!(
                "{} (version {}): companies{scope} with {}.",
                self.name,
                self.version,
                list(&must)
            ));
        }
        let plus = phrases(self, Section::Secondary, |c| c.points > 0.0);
        if !plus.is_empty() {
            sentences.push(format!("They fit better with {}.", list(&plus)));
        }
        let minus = phrases(self, Section::Secondary, |c| c.points < 0.0);
        if !minus.is_empty() {
            sentences.push(format!("They fit worse with {}.", list(&minus)));
        }
        let never = phrases(self, Section::Negative, |_| true);
        if !never.is_empty() {
            sentences.push(format!("Never sell to accounts with {}.", list(&never)));
        }
        let t = &self.tiers;
        sentences.push(format!(
            "Tier A from {} points, B from {}, C from {}.",
            format_number(t.a),
            format_number(t.b),
            format_number(t.c)
        ));
        let text = sentences.join(" ");
        let words = text.split_whitespace().count();
        let seconds = words as f64 * 60.0 / SPEAKING_WPM;
        Recital {
            text,
            words,
            seconds,
            fits_60_seconds: seconds <= 60.0,
        }
    }
}
