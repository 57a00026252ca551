//! Synthetic win/loss and churn interviews of a generated export, with a
//! planted truth (seed 001: "three win interviews where customers mention the
//! same deciding factor is a signal worth acting on").
//!
//! A sample of won, lost and churned accounts is interviewed; each interview
//! is one note: free text, the themes the interviewer coded (80 % of notes;
//! the rest are text only, for a [`ThemeDictionary`] to read), and for lost
//! deals the reason the buyer gave, next to the CRM's `loss_reason`. Planted
//! (the probabilities are in `model.rs`, the account facts are read from the
//! table, so the notes agree with the data):
//!
//! * won accounts with Snowflake in their stack name the
//!   `warehouse_integration` as the deciding factor (75 % vs 5 % without);
//! * churned accounts under 50 employees say the product was `too_complex`
//!   for a team their size, not enough seats to justify it (80 % vs 10 %);
//! * the CRM over-reports `price`: buyers confirm it on 30 % of the deals it
//!   is filed under and name a missing feature or a competitor's integration
//!   instead, while they rarely say price when the CRM says otherwise.
//!
//! # Determinism
//!
//! The notes draw from their own ChaCha8 stream, [`INTERVIEW_STREAM`] of the
//! export's seed, walking the rows in order on one thread: the deal rows'
//! streams (`0..n_blocks`) are untouched, so adding interviews changes no
//! byte of the export, and the notes are the same on any thread count.

use super::criteria::Criterion;
use super::model::*;
use super::rng::BlockRng;
use crate::error::{Error, Location, Result};
use crate::table::AccountTable;
use crate::themes::{Note, ThemeDictionary};
use serde::{Deserialize, Serialize};
use std::io::Write;

/// Name and version of the interview model; bumped whenever the notes for a
/// given export and seed change.
pub const INTERVIEW_MODEL_VERSION: &str = "icpfit-interviews/1";

/// The ChaCha8 stream of the interviews (the deal rows use the streams
/// `0, 1, …` of their blocks, far below it).
pub const INTERVIEW_STREAM: u64 = u64::MAX;

/// One synthetic interview note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interview {
    /// The account (`account_id` of the export).
    pub account_id: String,
    /// `won` (still a customer), `lost` or `churned`.
    pub cohort: String,
    /// What the interviewee said.
    pub text: String,
    /// Themes coded by the interviewer (empty when not coded).
    pub themes: Vec<String>,
    /// Lost deals: the reason the buyer gave, in the `loss_reason`
    /// vocabulary.
    pub buyer_reason: Option<String>,
}

impl Interview {
    /// The note of [`crate::themes`].
    pub fn note(&self) -> Note {
        Note {
            account: self.account_id.clone(),
            cohort: self.cohort.clone(),
            text: self.text.clone(),
            themes: self.themes.clone(),
        }
    }
}

/// A theme of the sample: its keywords (the [`interview_dictionary`]) and
/// the sentences interviewees use for it (each holds a keyword of its theme
/// and of no other).
pub(crate) struct ThemeText {
    pub theme: &'static str,
    pub keywords: &'static [&'static str],
    pub sentences: &'static [&'static str],
}

/// Every theme of the sample. `{competitor}` is replaced by the deal's
/// competitor (or "another vendor").
pub(crate) const THEME_TEXTS: [ThemeText; 11] = [
    ThemeText {
        theme: "warehouse_integration",
        keywords: &[
            "snowflake connector",
            "warehouse integration",
            "native connector",
        ],
        sentences: &[
            "The native Snowflake connector was the deciding factor.",
            "We picked you for the warehouse integration, our data team had it running in an afternoon.",
            "Nobody else had a native connector to our warehouse.",
            "The Snowflake connector meant no pipeline work for us.",
        ],
    },
    ThemeText {
        theme: "onboarding",
        keywords: &["onboarding", "up and running"],
        sentences: &[
            "Onboarding was quick and painless.",
            "We were up and running within two weeks.",
        ],
    },
    ThemeText {
        theme: "support",
        keywords: &["support team", "customer success"],
        sentences: &[
            "Your support team answered every question the same day.",
            "The customer success manager checked in every week.",
        ],
    },
    ThemeText {
        theme: "too_complex",
        keywords: &["too complex", "not enough seats", "overkill"],
        sentences: &[
            "It was too complex for a team our size.",
            "There were not enough seats in use to justify the licence.",
            "Honestly overkill for a handful of people.",
        ],
    },
    ThemeText {
        theme: "champion_left",
        keywords: &["champion left", "new head of"],
        sentences: &[
            "Our champion left the company and nobody picked it up.",
            "The new head of operations brought in her own tool.",
        ],
    },
    ThemeText {
        theme: "low_adoption",
        keywords: &["adoption", "stopped using"],
        sentences: &[
            "Adoption never took off beyond the first team.",
            "Most of the team stopped using it after the pilot.",
        ],
    },
    ThemeText {
        theme: "budget",
        keywords: &["budget", "cost cutting"],
        sentences: &[
            "The budget for it was frozen.",
            "After a round of cost cutting it had to go.",
        ],
    },
    ThemeText {
        theme: "price",
        keywords: &["price", "pricing", "too expensive"],
        sentences: &[
            "Honestly the price was too high for us.",
            "It came down to pricing, the other offer was cheaper.",
            "It was simply too expensive.",
        ],
    },
    ThemeText {
        theme: "missing_feature",
        keywords: &["missing feature", "lacked", "roadmap"],
        sentences: &[
            "The product lacked the approval workflows we need.",
            "Multi-currency forecasting was a missing feature for us.",
            "What we needed was still on your roadmap.",
        ],
    },
    ThemeText {
        theme: "competitor_integration",
        keywords: &["integrates with", "their integration"],
        sentences: &[
            "{competitor} integrates with the tools we already run.",
            "Their integration with our CRM was already in place at {competitor}.",
        ],
    },
    ThemeText {
        theme: "timing",
        keywords: &["timing", "not a priority"],
        sentences: &[
            "The timing was wrong, we pushed the project out.",
            "It is simply not a priority this year.",
        ],
    },
];

/// Who the interviewer spoke with (no theme keyword in any of them).
pub(crate) const ROLES: [&str; 5] = ["VP Operations", "Head of Data", "CFO", "RevOps lead", "COO"];
/// The text of a note without a theme, per cohort.
pub(crate) const NO_THEME: [&str; 3] = [
    "Happy overall, no single reason stood out.",
    "",
    "No clear reason given for leaving.",
];

fn theme_text(theme: &str) -> &'static ThemeText {
    THEME_TEXTS
        .iter()
        .find(|t| t.theme == theme)
        .unwrap_or(&THEME_TEXTS[0])
}

/// The theme dictionary of the sample interviews: each theme with the
/// keywords its sentences use.
///
/// ```
/// let d = icpfit_core::synth::interview_dictionary();
/// assert_eq!(d.matches("It was too complex for us")[0].0, "too_complex");
/// ```
pub fn interview_dictionary() -> ThemeDictionary {
    let mut themes = std::collections::BTreeMap::new();
    for t in &THEME_TEXTS {
        themes.insert(
            t.theme.to_owned(),
            t.keywords.iter().map(|k| (*k).to_owned()).collect(),
        );
    }
    ThemeDictionary { themes }
}

/// Per row, whether a criterion holds (missing counts as not).
fn holds(table: &AccountTable, c: &Criterion) -> Result<Vec<bool>> {
    Ok(c.evaluate(table)?.into_iter().map(|f| f == 1).collect())
}

/// Interviews of a generated export (`table` from [`super::generate`] with
/// `seed`), in row order. Errors only when the table lacks the export's
/// columns.
///
/// ```
/// use icpfit_core::synth::{generate, interviews, SynthConfig};
/// let cfg = SynthConfig::new(2_000, 7);
/// let notes = interviews(&generate(&cfg)?.table, cfg.seed)?;
/// assert!(notes.len() > 100);
/// assert!(notes.iter().all(|n| (n.cohort == "lost") == n.buyer_reason.is_some()));
/// # Ok::<(), icpfit_core::Error>(())
/// ```
pub fn interviews(table: &AccountTable, seed: u64) -> Result<Vec<Interview>> {
    Interviewer::new(seed).interview(table)
}

/// The interviews of an export streamed in chunks ([`super::generate_chunks`]):
/// feed it every chunk in order; the notes equal [`interviews`] of the whole
/// table, whatever the chunk size.
pub struct Interviewer {
    rng: BlockRng,
}

impl Interviewer {
    /// Starts the interview stream of `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            rng: BlockRng::new(seed, INTERVIEW_STREAM),
        }
    }

    /// The notes of the next chunk of rows.
    pub fn interview(&mut self, table: &AccountTable) -> Result<Vec<Interview>> {
        let rng = &mut self.rng;
        let ids = table.text("account_id")?;
        let outcome = table.categorical("outcome")?;
        let retention = table.categorical("retention_status")?;
        let reason = table.categorical("loss_reason")?;
        let competitor = table.categorical("competitor")?;
        let champion = table.flag("champion_changed")?;
        let adoption = table.numeric("adoption_90d")?;
        let snowflake = holds(
            table,
            &Criterion::HasTag {
                column: "tech_stack".into(),
                tag: TOOLS[T_SNOWFLAKE].into(),
            },
        )?;
        let small = holds(
            table,
            &Criterion::Below {
                column: "employees".into(),
                threshold: SMALL_BELOW,
            },
        )?;
        let mut out = Vec::new();
        for i in 0..table.n_rows() {
            let cohort = match (outcome.get(i), retention.get(i)) {
                (Some("won"), Some("churned")) => C_CHURNED,
                (Some("won"), _) => C_WON,
                (Some("lost"), _) => C_LOST,
                _ => continue,
            };
            if !rng.chance(P_INTERVIEW[cohort]) {
                continue;
            }
            let mut themes: Vec<&str> = Vec::new();
            let mut buyer_reason = None;
            let pick = |(yes, no): (f64, f64), cond: bool| if cond { yes } else { no };
            let drawn: &[(&'static str, f64)] = match cohort {
                C_WON => &[
                    (
                        "warehouse_integration",
                        pick(P_THEME_INTEGRATION, snowflake[i]),
                    ),
                    ("onboarding", P_THEME_ONBOARDING),
                    ("support", P_THEME_SUPPORT),
                ],
                C_CHURNED => &[
                    ("too_complex", pick(P_THEME_TOO_COMPLEX, small[i])),
                    (
                        "champion_left",
                        pick(P_THEME_CHAMPION_LEFT, champion[i] == 1),
                    ),
                    (
                        "low_adoption",
                        pick(P_THEME_LOW_ADOPTION, adoption[i] < ADOPTION_GOOD),
                    ),
                    ("budget", P_THEME_BUDGET_CHURN),
                ],
                _ => {
                    let crm = reason
                        .get(i)
                        .and_then(|r| LOSS_REASONS.iter().position(|x| *x == r))
                        .ok_or_else(|| {
                            Error::invalid(
                                "loss_reason",
                                format!("lost deal in row {i} has no known loss reason"),
                            )
                        })?;
                    let buyer = rng.pick(&BUYER_REASONS[crm]);
                    buyer_reason = Some(LOSS_REASONS[buyer].to_owned());
                    themes.extend(REASON_THEMES[buyer]);
                    &[]
                }
            };
            for &(theme, p) in drawn {
                if rng.chance(p) {
                    themes.push(theme);
                }
            }
            let mut text = format!("Call with the {}.", ROLES[rng.below(ROLES.len())]);
            for t in &themes {
                let s = theme_text(t).sentences;
                let sentence = s[rng.below(s.len())];
                let sentence = match competitor.get(i) {
                    Some(c) => sentence.replace("{competitor}", c),
                    None => sentence
                        .replacen(
                            "{competitor}",
                            "Another vendor",
                            usize::from(sentence.starts_with('{')),
                        )
                        .replace("{competitor}", "another vendor"),
                };
                text.push(' ');
                text.push_str(&sentence);
            }
            if themes.is_empty() && !NO_THEME[cohort].is_empty() {
                text.push(' ');
                text.push_str(NO_THEME[cohort]);
            }
            let coded = rng.chance(P_CODED);
            out.push(Interview {
                account_id: ids.get(i).unwrap_or_default().to_owned(),
                cohort: INTERVIEW_COHORTS[cohort].to_owned(),
                text,
                themes: if coded {
                    themes.iter().map(|t| (*t).to_owned()).collect()
                } else {
                    Vec::new()
                },
                buyer_reason,
            });
        }
        Ok(out)
    }
}

/// The interviews as CSV: `account_id,cohort,text,themes,buyer_reason`,
/// themes joined with `;`, an absent buyer reason as an empty cell.
pub fn write_interviews_csv<W: Write>(rows: &[Interview], writer: W) -> Result<()> {
    let csv_err = |e: csv::Error| Error::Csv {
        at: Location::line(None, 0),
        message: e.to_string(),
    };
    let mut w = csv::Writer::from_writer(writer);
    w.write_record(["account_id", "cohort", "text", "themes", "buyer_reason"])
        .map_err(csv_err)?;
    for r in rows {
        w.write_record([
            r.account_id.as_str(),
            r.cohort.as_str(),
            r.text.as_str(),
            r.themes.join(";").as_str(),
            r.buyer_reason.as_deref().unwrap_or(""),
        ])
        .map_err(csv_err)?;
    }
    w.flush().map_err(|source| Error::Io {
        path: "<csv writer>".into(),
        source,
    })
}
