//! Win/loss interview and notes themes (seed 001: "three win interviews
//! where customers mention the same deciding factor is a signal worth acting
//! on"), and CRM loss reasons against what buyers said.
//!
//! # Themes ([`theme_counts`])
//!
//! Each [`Note`] belongs to an account and a cohort (won, lost, churned …)
//! and carries coded themes, free text, or both. Free text is matched
//! against a user [`ThemeDictionary`] (theme → keywords): a keyword matches
//! case-insensitively at word boundaries (`"price"` matches "Price was…" but
//! not "priceless"). Per theme and cohort the report counts **distinct
//! accounts** (several notes of one account count once) and notes; a theme
//! mentioned by at least [`ThemeOptions::min_accounts`] (3) distinct accounts
//! of a cohort is a **signal**. Each row keeps up to
//! [`ThemeOptions::max_quotes`] (3) example quotes, one per account, in input
//! order: the sentence holding the first matching keyword (or the note's
//! first sentence for a coded theme), at most 240 characters.
//!
//! # Loss reasons vs buyers ([`reason_agreement`])
//!
//! For deals with both a CRM loss reason and an interview-coded reason:
//! * **agreement** = share of deals whose two reasons are equal, with its
//!   Wilson interval;
//! * the **confusion matrix**, rows = CRM reason, columns = buyer reason;
//! * per reason, the deals where only the CRM names it (`crm_only`) and
//!   where only the buyer does (`buyer_only`); the reason is
//!   **over-reported** by the CRM when `crm_only > buyer_only` and the exact
//!   two-sided McNemar test rejects symmetry at `alpha` (0.05): with `m =
//!   crm_only + buyer_only`, `p = min(1, 2 · P(X ≤ min(crm_only,
//!   buyer_only)))`, `X ~ Binomial(m, ½)` (reference
//!   `scipy.stats.binomtest(crm_only, m, 0.5).pvalue`).
//!
//! Findings built on CRM reasons (the loss types) carry the agreement
//! figure: [`crate::losses::LossTyping::with_reason_agreement`].

use crate::error::{Error, Result};
use crate::evidence::EvidenceLevel;
use crate::stats::wilson_interval;
use crate::table::{AccountTable, Column};
use serde::{Deserialize, Serialize};
use statrs::distribution::{Binomial, DiscreteCDF};
use std::collections::BTreeMap;

/// One interview or note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// The account.
    pub account: String,
    /// The cohort it speaks for ("won", "lost", "churned").
    pub cohort: String,
    /// Free text (may be empty).
    #[serde(default)]
    pub text: String,
    /// Themes coded by the interviewer.
    #[serde(default)]
    pub themes: Vec<String>,
}

/// Themes and the keywords that signal them in free text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeDictionary {
    /// Theme → keywords (lower-cased when built).
    pub themes: BTreeMap<String, Vec<String>>,
}

impl ThemeDictionary {
    /// Builds a dictionary; every theme needs at least one non-blank keyword.
    pub fn new<I, S, K>(themes: I) -> Result<Self>
    where
        I: IntoIterator<Item = (S, Vec<K>)>,
        S: Into<String>,
        K: AsRef<str>,
    {
        let mut out = BTreeMap::new();
        for (name, keywords) in themes {
            let name = name.into();
            let kw: Vec<String> = keywords
                .iter()
                .map(|k| k.as_ref().trim().to_lowercase())
                .filter(|k| !k.is_empty())
                .collect();
            if kw.is_empty() {
                return Err(Error::invalid(
                    "themes",
                    format!("theme `{name}` has no keyword"),
                ));
            }
            if out.insert(name.clone(), kw).is_some() {
                return Err(Error::invalid(
                    "themes",
                    format!("theme `{name}` appears twice"),
                ));
            }
        }
        Ok(Self { themes: out })
    }

    /// The themes whose keywords occur in `text`, each with the byte offset
    /// of its first match in the lower-cased text.
    pub fn matches(&self, text: &str) -> Vec<(&str, usize)> {
        let lower = text.to_lowercase();
        self.themes
            .iter()
            .filter_map(|(theme, kws)| {
                kws.iter()
                    .filter_map(|k| find_word(&lower, k))
                    .min()
                    .map(|at| (theme.as_str(), at))
            })
            .collect()
    }
}

/// First occurrence of `word` in `text` at word boundaries.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(pos) = text[from..].find(word) {
        let at = from + pos;
        let end = at + word.len();
        let before = text[..at].chars().next_back();
        let after = text[end..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if boundary(before) && boundary(after) {
            return Some(at);
        }
        from = at + text[at..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// The sentence of `text` around byte offset `at` (of its lower-cased form,
/// which has the same sentence boundaries for the texts interviews hold),
/// trimmed, at most 240 characters.
fn sentence_at(text: &str, at: usize) -> String {
    let at = at.min(text.len());
    let is_end = |c: char| matches!(c, '.' | '!' | '?' | '\n');
    let start = text
        .char_indices()
        .rev()
        .find(|(i, c)| *i < at && is_end(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = text
        .char_indices()
        .find(|(i, c)| *i >= at && is_end(*c))
        .map_or(text.len(), |(i, c)| i + c.len_utf8());
    let s = text.get(start..end).unwrap_or(text).trim();
    if s.chars().count() > 240 {
        let cut: String = s.chars().take(239).collect();
        format!("{cut}…")
    } else {
        s.to_owned()
    }
}

/// Options of the theme counts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ThemeOptions {
    /// Distinct accounts that make a signal (default 3, seed 001).
    pub min_accounts: usize,
    /// Example quotes kept per row (default 3).
    pub max_quotes: usize,
}

impl Default for ThemeOptions {
    fn default() -> Self {
        Self {
            min_accounts: 3,
            max_quotes: 3,
        }
    }
}

/// An example quote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quote {
    /// The account.
    pub account: String,
    /// The sentence.
    pub text: String,
}

/// One theme in one cohort.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeRow {
    /// The theme.
    pub theme: String,
    /// The cohort.
    pub cohort: String,
    /// Distinct accounts mentioning it.
    pub accounts: usize,
    /// Notes mentioning it.
    pub mentions: usize,
    /// `accounts` over the cohort's accounts with a note.
    pub share: f64,
    /// At least `min_accounts` distinct accounts.
    pub signal: bool,
    /// Evidence level of `accounts`.
    pub evidence: EvidenceLevel,
    /// Up to `max_quotes` quotes, one per account.
    pub quotes: Vec<Quote>,
}

/// Theme counts per cohort.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeReport {
    /// One row per (cohort, theme) mentioned: cohorts in name order, themes
    /// by decreasing accounts then name.
    pub rows: Vec<ThemeRow>,
    /// Accounts with a note, per cohort.
    pub cohort_accounts: BTreeMap<String, usize>,
    /// Notes read.
    pub notes: usize,
    /// Notes that matched no theme.
    pub unmatched: usize,
}

impl ThemeReport {
    /// The signals (rows with enough distinct accounts).
    pub fn signals(&self) -> Vec<&ThemeRow> {
        self.rows.iter().filter(|r| r.signal).collect()
    }
}

/// Counts themes per cohort by distinct accounts (see the module doc).
/// Coded themes are taken as they are; with a dictionary, free text adds
/// the themes its keywords match. Errors: no notes, a note without account
/// or cohort, a coded theme absent from the dictionary (when one is given:
/// a typo would silently split a theme).
pub fn theme_counts(
    notes: &[Note],
    dictionary: Option<&ThemeDictionary>,
    opts: &ThemeOptions,
) -> Result<ThemeReport> {
    if notes.is_empty() {
        return Err(Error::InsufficientData {
            what: "interview notes".into(),
            n: 0,
            min: 1,
        });
    }
    // (cohort, theme) → (accounts in first-seen order, mentions, quotes)
    type Acc = (Vec<String>, usize, Vec<Quote>);
    let mut acc: BTreeMap<(String, String), Acc> = BTreeMap::new();
    let mut cohort_accounts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut unmatched = 0;
    for (i, n) in notes.iter().enumerate() {
        if n.account.trim().is_empty() || n.cohort.trim().is_empty() {
            return Err(Error::invalid(
                "notes",
                format!("note {i} has no account or no cohort"),
            ));
        }
        let seen = cohort_accounts.entry(n.cohort.clone()).or_default();
        if !seen.contains(&n.account) {
            seen.push(n.account.clone());
        }
        let mut found: Vec<(String, String)> = Vec::new();
        for t in &n.themes {
            if let Some(d) = dictionary
                && !d.themes.contains_key(t)
            {
                return Err(Error::invalid(
                    "notes",
                    format!(
                        "note {i} is coded `{t}`, which is not a theme of the dictionary{}",
                        crate::error::suggest(t, d.themes.keys().map(String::as_str))
                            .map(|s| format!("; did you mean `{s}`?"))
                            .unwrap_or_default()
                    ),
                ));
            }
            if !found.iter().any(|(x, _)| x == t) {
                found.push((t.clone(), sentence_at(&n.text, 0)));
            }
        }
        if let Some(d) = dictionary {
            for (t, at) in d.matches(&n.text) {
                match found.iter_mut().find(|(x, _)| x == t) {
                    Some(f) => f.1 = sentence_at(&n.text, at),
                    None => found.push((t.to_owned(), sentence_at(&n.text, at))),
                }
            }
        }
        if found.is_empty() {
            unmatched += 1;
        }
        for (theme, quote) in found {
            let e = acc.entry((n.cohort.clone(), theme)).or_default();
            e.1 += 1;
            if !e.0.contains(&n.account) {
                e.0.push(n.account.clone());
                if e.2.len() < opts.max_quotes && !quote.is_empty() {
                    e.2.push(Quote {
                        account: n.account.clone(),
                        text: quote,
                    });
                }
            }
        }
    }
    let mut rows: Vec<ThemeRow> = acc
        .into_iter()
        .map(|((cohort, theme), (accounts, mentions, quotes))| {
            let total = cohort_accounts.get(&cohort).map_or(0, Vec::len);
            ThemeRow {
                share: accounts.len() as f64 / total.max(1) as f64,
                signal: accounts.len() >= opts.min_accounts,
                evidence: EvidenceLevel::from_n(accounts.len()),
                accounts: accounts.len(),
                mentions,
                quotes,
                theme,
                cohort,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        a.cohort
            .cmp(&b.cohort)
            .then(b.accounts.cmp(&a.accounts))
            .then_with(|| a.theme.cmp(&b.theme))
    });
    Ok(ThemeReport {
        rows,
        cohort_accounts: cohort_accounts
            .into_iter()
            .map(|(k, v)| (k, v.len()))
            .collect(),
        notes: notes.len(),
        unmatched,
    })
}

/// Notes from a table: one per row with a non-missing account and cohort;
/// `text` a text or categorical column, `themes` a tag-set column or a
/// categorical / text column of `;`-joined themes (as a dataframe hands
/// them over) (either may be absent, not both).
pub fn notes_from_table(
    table: &AccountTable,
    account: &str,
    cohort: &str,
    text: Option<&str>,
    themes: Option<&str>,
) -> Result<Vec<Note>> {
    if text.is_none() && themes.is_none() {
        return Err(Error::invalid(
            "notes",
            "give a text column, a themes column, or both",
        ));
    }
    let value = |c: &Column, i: usize| c.display_value(i);
    let (acol, ccol) = (table.column(account)?, table.column(cohort)?);
    let tcol = text.map(|t| table.column(t)).transpose()?;
    let hcol = themes.map(|t| table.column(t)).transpose()?;
    let mut out = Vec::new();
    for i in 0..table.n_rows() {
        let (Some(a), Some(c)) = (value(acol, i), value(ccol, i)) else {
            continue;
        };
        let text = tcol.and_then(|t| value(t, i)).unwrap_or_default();
        let themes = match hcol {
            Some(Column::TagSet(ts)) => ts
                .get(i)
                .map(|v| v.into_iter().map(str::to_owned).collect())
                .unwrap_or_default(),
            Some(col) => value(col, i).map(|v| split_themes(&v)).unwrap_or_default(),
            None => Vec::new(),
        };
        out.push(Note {
            account: a,
            cohort: c,
            text,
            themes,
        });
    }
    Ok(out)
}

/// `a; b;` → `["a", "b"]`: trimmed, blanks dropped.
fn split_themes(s: &str) -> Vec<String> {
    s.split(';')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What a buyer said was the reason a deal was lost (from an interview).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuyerReason {
    /// The account (its id in the deals table).
    pub account: String,
    /// The reason, in the vocabulary of the CRM's loss reasons.
    pub reason: String,
}

/// Column names of an interview export (the defaults are those of
/// `examples/data/interviews.csv`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterviewColumns {
    /// The account id (default `account_id`).
    pub account: String,
    /// The cohort the note speaks for (default `cohort`).
    pub cohort: String,
    /// Free text (default `text`; optional).
    pub text: Option<String>,
    /// Coded themes, a tag set or `;`-joined (default `themes`; optional).
    pub themes: Option<String>,
    /// The buyer-stated loss reason (default `buyer_reason`; optional).
    pub buyer_reason: Option<String>,
}

impl Default for InterviewColumns {
    fn default() -> Self {
        Self {
            account: "account_id".into(),
            cohort: "cohort".into(),
            text: Some("text".into()),
            themes: Some("themes".into()),
            buyer_reason: Some("buyer_reason".into()),
        }
    }
}

/// Interview notes and the loss reasons buyers gave in them: the
/// "interview themes" input of the quarterly review.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Interviews {
    /// The notes.
    pub notes: Vec<Note>,
    /// Buyer-stated loss reasons (rows with one), in input order.
    pub buyer_reasons: Vec<BuyerReason>,
}

impl Interviews {
    /// Reads an interview table: notes as [`notes_from_table`] (rows
    /// without account or cohort are skipped), buyer reasons from the rows
    /// that have one. The optional columns of `columns` that the table lacks
    /// are left out; the text and themes columns cannot both be missing.
    pub fn from_table(table: &AccountTable, columns: &InterviewColumns) -> Result<Self> {
        fn present<'a>(table: &AccountTable, c: &'a Option<String>) -> Option<&'a str> {
            c.as_deref().filter(|n| table.schema().index_of(n).is_ok())
        }
        let notes = notes_from_table(
            table,
            &columns.account,
            &columns.cohort,
            present(table, &columns.text),
            present(table, &columns.themes),
        )?;
        let mut buyer_reasons = Vec::new();
        if let Some(r) = present(table, &columns.buyer_reason) {
            let (acol, rcol) = (table.column(&columns.account)?, table.column(r)?);
            for i in 0..table.n_rows() {
                if let (Some(account), Some(reason)) =
                    (acol.display_value(i), rcol.display_value(i))
                {
                    buyer_reasons.push(BuyerReason { account, reason });
                }
            }
        }
        Ok(Self {
            notes,
            buyer_reasons,
        })
    }

    /// Reads an interview CSV with the default columns (an account may have
    /// several notes; the text column is read as text, whatever it holds).
    pub fn read_csv(path: impl AsRef<std::path::Path>) -> Result<Self> {
        let columns = InterviewColumns::default();
        let text = crate::table::ColumnSpec {
            name: columns.text.clone().unwrap_or_default(),
            kind: Some(crate::table::Kind::Text),
            ..Default::default()
        };
        let mut opts = crate::table::CsvOptions {
            unique_ids: false,
            ..Default::default()
        };
        let path = path.as_ref();
        // Declare the text column only when the file has one.
        let header = {
            let file = std::fs::File::open(path).map_err(|source| Error::Io {
                path: path.display().to_string(),
                source,
            })?;
            csv::Reader::from_reader(file)
                .headers()
                .map(|h| h.iter().any(|c| c.trim() == text.name))
                .unwrap_or(false)
        };
        if header {
            opts.schema = Some(crate::table::SchemaSpec {
                columns: vec![text],
                strict: false,
            });
        }
        Self::from_table(&AccountTable::read_csv(path, &opts)?, &columns)
    }
}

/// One reason's over- or under-reporting by the CRM.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonBias {
    /// The reason.
    pub reason: String,
    /// Deals whose CRM reason it is.
    pub crm: usize,
    /// Deals whose buyer reason it is.
    pub buyer: usize,
    /// Deals where only the CRM names it.
    pub crm_only: usize,
    /// Deals where only the buyer names it.
    pub buyer_only: usize,
    /// `crm / buyer` (∞ when buyers never name it).
    pub ratio: f64,
    /// Exact two-sided McNemar p-value of `crm_only` vs `buyer_only`.
    pub p_value: f64,
    /// `crm_only > buyer_only` and `p_value < alpha`.
    pub over_reported: bool,
}

/// CRM loss reasons against interview-coded reasons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonAgreement {
    /// Deals with both reasons.
    pub n: usize,
    /// Deals whose reasons agree.
    pub agree: usize,
    /// `agree / n`.
    pub agreement: f64,
    /// Wilson interval of the agreement.
    pub agreement_ci: (f64, f64),
    /// Reasons (sorted), the labels of the confusion matrix.
    pub labels: Vec<String>,
    /// `confusion[crm][buyer]` deal counts.
    pub confusion: Vec<Vec<usize>>,
    /// Per reason, how the CRM over- or under-reports it.
    pub reasons: Vec<ReasonBias>,
    /// Evidence level of `n`.
    pub evidence: EvidenceLevel,
}

impl ReasonAgreement {
    /// The reasons the CRM over-reports.
    pub fn over_reported(&self) -> Vec<&ReasonBias> {
        self.reasons.iter().filter(|r| r.over_reported).collect()
    }
}

/// Exact two-sided McNemar (sign) test p-value of discordant counts `b`,
/// `c`: `min(1, 2 · P(X ≤ min(b, c)))`, `X ~ Binomial(b + c, ½)`; 1 when
/// `b + c = 0`. Reference: `scipy.stats.binomtest(b, b + c, 0.5).pvalue`.
pub fn mcnemar_exact(b: usize, c: usize) -> f64 {
    let m = b + c;
    if m == 0 {
        return 1.0;
    }
    match Binomial::new(0.5, m as u64) {
        Ok(d) => (2.0 * d.cdf(b.min(c) as u64)).min(1.0),
        Err(_) => f64::NAN,
    }
}

/// Compares CRM and interview reasons for the same deals (`(crm, buyer)`
/// pairs; reasons compared after trimming and lower-casing). Errors: no
/// pair, an empty reason, `alpha` or `confidence` outside (0, 1).
pub fn reason_agreement(
    pairs: &[(String, String)],
    alpha: f64,
    confidence: f64,
) -> Result<ReasonAgreement> {
    if pairs.is_empty() {
        return Err(Error::InsufficientData {
            what: "deals with both a CRM and a buyer loss reason".into(),
            n: 0,
            min: 1,
        });
    }
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(Error::invalid(
            "alpha",
            format!("{alpha} must lie in (0, 1)"),
        ));
    }
    let norm = |s: &str| s.trim().to_lowercase();
    let mut labels: Vec<String> = Vec::new();
    for (i, (a, b)) in pairs.iter().enumerate() {
        for r in [a, b] {
            let r = norm(r);
            if r.is_empty() {
                return Err(Error::invalid(
                    "reasons",
                    format!("pair {i} has an empty reason"),
                ));
            }
            labels.push(r);
        }
    }
    labels.sort();
    labels.dedup();
    let k = labels.len();
    let idx = |s: &str| labels.binary_search(&norm(s)).unwrap_or(0);
    let mut confusion = vec![vec![0usize; k]; k];
    for (a, b) in pairs {
        confusion[idx(a)][idx(b)] += 1;
    }
    let n = pairs.len();
    let agree: usize = (0..k).map(|i| confusion[i][i]).sum();
    let reasons = (0..k)
        .map(|r| {
            let crm: usize = confusion[r].iter().sum();
            let buyer: usize = (0..k).map(|i| confusion[i][r]).sum();
            let (crm_only, buyer_only) = (crm - confusion[r][r], buyer - confusion[r][r]);
            let p_value = mcnemar_exact(crm_only, buyer_only);
            ReasonBias {
                reason: labels[r].clone(),
                crm,
                buyer,
                crm_only,
                buyer_only,
                ratio: if buyer == 0 {
                    f64::INFINITY
                } else {
                    crm as f64 / buyer as f64
                },
                p_value,
                over_reported: crm_only > buyer_only && p_value < alpha,
            }
        })
        .collect();
    Ok(ReasonAgreement {
        n,
        agree,
        agreement: agree as f64 / n as f64,
        agreement_ci: wilson_interval(agree as f64, n as f64, confidence)?,
        labels,
        confusion,
        reasons,
        evidence: EvidenceLevel::from_n(n),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::CsvOptions;

    fn note(account: &str, cohort: &str, text: &str, themes: &[&str]) -> Note {
        Note {
            account: account.into(),
            cohort: cohort.into(),
            text: text.into(),
            themes: themes.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    fn dict() -> ThemeDictionary {
        ThemeDictionary::new([
            ("integrations", vec!["integration", "Snowflake connector"]),
            ("price", vec!["price", "too expensive"]),
        ])
        .unwrap()
    }

    #[test]
    fn keywords_match_at_word_boundaries() {
        let d = dict();
        assert_eq!(d.matches("The PRICE was fine."), [("price", 4)]);
        assert!(d.matches("A priceless tool").is_empty());
        assert_eq!(d.matches("the snowflake connector!").len(), 1);
        assert_eq!(find_word("a-price b", "price"), Some(2));
        assert_eq!(find_word("priced price", "price"), Some(7));
        assert!(ThemeDictionary::new([("x", Vec::<&str>::new())]).is_err());
        assert!(ThemeDictionary::new([("x", vec!["a"]), ("x", vec!["b"])]).is_err());
    }

    #[test]
    fn distinct_accounts_make_signals_with_quotes() {
        let notes = vec![
            note(
                "a1",
                "won",
                "We chose you. The integration with our warehouse was decisive.",
                &[],
            ),
            note("a1", "won", "Integration again.", &[]),
            note(
                "a2",
                "won",
                "Setup took a day; the integration just worked!",
                &[],
            ),
            note("a3", "won", "", &["integrations"]),
            note("b1", "lost", "Too expensive for us.", &[]),
            note("b2", "lost", "The price.", &["price"]),
            note("b3", "lost", "Nothing to say", &[]),
        ];
        let r = theme_counts(&notes, Some(&dict()), &ThemeOptions::default()).unwrap();
        assert_eq!(r.notes, 7);
        assert_eq!(r.unmatched, 1);
        assert_eq!(r.cohort_accounts["won"], 3);
        let won = r.rows.iter().find(|x| x.cohort == "won").unwrap();
        assert_eq!(
            (won.theme.as_str(), won.accounts, won.mentions),
            ("integrations", 3, 4)
        );
        assert!(won.signal);
        assert_eq!(won.share, 1.0);
        // One quote per account, the matching sentence; a3 has no text.
        let quotes: Vec<&str> = won.quotes.iter().map(|q| q.text.as_str()).collect();
        assert_eq!(
            quotes,
            [
                "The integration with our warehouse was decisive.",
                "Setup took a day; the integration just worked!"
            ]
        );
        let lost = r.rows.iter().find(|x| x.cohort == "lost").unwrap();
        assert_eq!((lost.theme.as_str(), lost.accounts), ("price", 2));
        assert!(!lost.signal, "two accounts are not yet a signal");
        assert_eq!(r.signals().len(), 1);
    }

    #[test]
    fn unicode_text_never_panics() {
        // `İ` lower-cases to two chars, shifting offsets: quotes stay whole.
        let notes = [note("a", "won", "İİİ Straße. Der Preis: price! ok", &[])];
        let r = theme_counts(&notes, Some(&dict()), &ThemeOptions::default()).unwrap();
        assert_eq!(r.rows[0].theme, "price");
        assert!(!r.rows[0].quotes[0].text.is_empty());
        assert_eq!(sentence_at("é. b", 99), "b");
    }

    #[test]
    fn bad_notes_are_typed_errors() {
        assert!(matches!(
            theme_counts(&[], None, &ThemeOptions::default()),
            Err(Error::InsufficientData { .. })
        ));
        let typo = [note("a", "won", "", &["integration"])];
        let e = theme_counts(&typo, Some(&dict()), &ThemeOptions::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("did you mean `integrations`"), "{e}");
        assert!(
            theme_counts(&[note("", "won", "x", &[])], None, &ThemeOptions::default()).is_err()
        );
        // Without a dictionary, coded themes are taken as they are.
        let r = theme_counts(&typo, None, &ThemeOptions::default()).unwrap();
        assert_eq!(r.rows[0].theme, "integration");
    }

    #[test]
    fn notes_from_a_table() {
        let t = AccountTable::from_csv_reader(
            &b"account,cohort,text,themes\na1,won,Great integration.,integrations;support\na2,lost,,price\n,won,orphan,\n"[..],
            &CsvOptions::default(),
        )
        .unwrap();
        let notes =
            notes_from_table(&t, "account", "cohort", Some("text"), Some("themes")).unwrap();
        assert_eq!(notes.len(), 2);
        assert_eq!(notes[0].themes, ["integrations", "support"]);
        assert_eq!(notes[1].text, "");
        assert!(notes_from_table(&t, "account", "cohort", None, None).is_err());
    }

    #[test]
    fn interviews_from_a_table_and_a_csv_file() {
        // `;`-joined themes in a categorical column (as a dataframe hands
        // them over) are split; an account may have several notes.
        let t = AccountTable::from_csv_reader(
            &b"account_id,cohort,themes,buyer_reason\na1,lost,price ; missing_feature,price\na2,won,support,\na1,lost,,\n"[..],
            &CsvOptions {
                unique_ids: false,
                schema: Some(crate::table::SchemaSpec {
                    columns: vec![crate::table::ColumnSpec {
                        name: "themes".into(),
                        kind: Some(crate::table::Kind::Categorical),
                        ..Default::default()
                    }],
                    strict: false,
                }),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            t.column("themes").unwrap().kind(),
            crate::table::Kind::Categorical
        );
        let i = Interviews::from_table(&t, &InterviewColumns::default()).unwrap();
        assert_eq!(i.notes.len(), 3);
        assert_eq!(i.notes[0].themes, ["price", "missing_feature"]);
        assert_eq!(i.notes[0].text, "", "no text column: text is empty");
        assert_eq!(
            i.buyer_reasons,
            [BuyerReason {
                account: "a1".into(),
                reason: "price".into()
            }]
        );
        let none = InterviewColumns {
            themes: None,
            ..Default::default()
        };
        assert!(
            Interviews::from_table(&t, &none).is_err(),
            "neither text nor themes"
        );
        // A file: free text with `;` stays text, in its order.
        let path = std::env::temp_dir().join(format!("icpfit-notes-{}.csv", std::process::id()));
        std::fs::write(
            &path,
            "account_id,cohort,text,themes,buyer_reason\na1,won,\"Fast; simple, cheap.\",support;onboarding,\na1,won,Again.,,\n",
        )
        .unwrap();
        let i = Interviews::read_csv(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(i.notes[0].text, "Fast; simple, cheap.");
        assert_eq!(i.notes[0].themes, ["onboarding", "support"]);
        assert!(i.buyer_reasons.is_empty());
        assert!(matches!(
            Interviews::read_csv("/no/such/notes.csv"),
            Err(Error::Io { .. })
        ));
    }

    #[test]
    fn crm_reasons_against_buyers() {
        let mut pairs = Vec::new();
        let mut push = |crm: &str, buyer: &str, k: usize| {
            for _ in 0..k {
                pairs.push((crm.to_owned(), buyer.to_owned()));
            }
        };
        push("price", "price", 5);
        push("Price", "product_gap", 12);
        push("price", "timing", 4);
        push("product_gap", "product_gap", 6);
        push("timing", "price", 1);
        let a = reason_agreement(&pairs, 0.05, 0.95).unwrap();
        assert_eq!(a.n, 28);
        assert_eq!(a.agree, 11);
        assert_eq!(a.labels, ["price", "product_gap", "timing"]);
        assert_eq!(a.confusion[0], [5, 12, 4]);
        let price = &a.reasons[0];
        assert_eq!(
            (price.crm, price.buyer, price.crm_only, price.buyer_only),
            (21, 6, 16, 1)
        );
        assert!(price.over_reported);
        assert_eq!(a.over_reported().len(), 1);
        let gap = &a.reasons[1];
        assert!(!gap.over_reported, "under-reported, not over");
        assert_eq!(mcnemar_exact(0, 0), 1.0);
        assert!((mcnemar_exact(3, 3) - 1.0).abs() < 1e-15);
        assert!(reason_agreement(&[], 0.05, 0.95).is_err());
        assert!(reason_agreement(&[("".into(), "x".into())], 0.05, 0.95).is_err());
    }
}
