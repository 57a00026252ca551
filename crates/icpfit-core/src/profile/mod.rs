//! Cohort-vs-cohort profiles: seed 000's "win vs loss profile" table for any
//! pair of cohorts, with the tests, frequency distributions, the "70 %
//! signal" of seed 001 ([`signal`](mod@signal)) and the segment table of seed 002
//! ([`segments`]).
//!
//! For every attribute column (role `attribute`, or the columns asked for),
//! in schema order:
//! - numeric: the mean and median in each cohort (missing values left out),
//!   the delta `(B − A) / A` in percent — seed 000 writes the loss average
//!   relative to the win average (450 vs 120 employees: −73 %) — and two
//!   tests of A vs B: Welch's t ([`crate::stats::welch_t`], `p_value`) and
//!   Mann–Whitney U ([`crate::stats::mann_whitney`], `p_mann_whitney`);
//! - flag: the share `true` in each cohort, delta in percentage points,
//!   Pearson χ² of the 2 × 2 table cohort × value (known values only);
//! - categorical: one row per level, the share of each cohort's rows
//!   (missing counted in the denominator, so shares say how common a level
//!   is in the whole cohort), delta in points, and the column's χ² of
//!   cohort × level (known values only; the same p on every level row);
//! - tag set: one row per tag, the share of rows having it, delta in points,
//!   χ² of the 2 × 2 table cohort × has-tag over rows whose stack is known.
//!
//! χ² is [`crate::stats::chi_square`] (no continuity correction; levels
//! absent from both cohorts dropped). A row's evidence level comes from the
//! smaller of its two counts. Cohorts may overlap (best vs everyone); the
//! tests then compare overlapping samples and their p-values are only
//! indicative.
//!
//! [`Profile::headline`] keeps one row per attribute (for categoricals and
//! tag sets the level with the largest absolute delta), which is the compact
//! seed table.

pub mod segments;
pub mod signal;

pub use segments::{SegmentMetrics, SegmentRow, SegmentTable};
pub use signal::{Signal, SignalOptions, signal, signals};

use crate::cohort::{Cohort, CohortPair};
use crate::error::{Error, Result};
use crate::evidence::EvidenceLevel;
use crate::rank::{from_order_key, merge_labeled};
use crate::stats::binning::{bin_codes, quantile_cuts};
use crate::stats::{Contingency, SortedSample, chi_square, mann_whitney, welch_t};
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

/// The test behind a row's `p_value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileTest {
    /// Welch's unequal-variance t-test (numeric rows).
    Welch,
    /// Pearson χ² of cohort × level (categorical), × value (flag) or
    /// × has-tag (tag set).
    ChiSquare,
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
    /// Median in A (numeric rows).
    pub median_a: Option<f64>,
    /// Median in B (numeric rows).
    pub median_b: Option<f64>,
    /// The test of `p_value`.
    pub test: Option<ProfileTest>,
    /// Two-sided p-value of A vs B (`None`: not computable, e.g. fewer than
    /// two values on a side for Welch, or tests turned off).
    pub p_value: Option<f64>,
    /// Two-sided Mann–Whitney U p-value (numeric rows).
    pub p_mann_whitney: Option<f64>,
    /// Evidence level of `min(n_a, n_b)`.
    pub evidence: EvidenceLevel,
}

/// Options of a profile. `Default` gives the documented defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileOptions {
    /// Profile only these columns (default: every column with role attribute).
    pub columns: Option<Vec<String>>,
    /// Compute the tests (default true).
    pub tests: bool,
    /// Compute the 70 % signal of every attribute (default true).
    pub signals: bool,
    /// Options of the signals.
    pub signal: SignalOptions,
}

impl Default for ProfileOptions {
    fn default() -> Self {
        Self {
            columns: None,
            tests: true,
            signals: true,
            signal: SignalOptions::default(),
        }
    }
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
    /// The 70 % signal of every attribute, strongest separation first
    /// (empty when turned off).
    pub signals: Vec<Signal>,
}

/// The attribute columns of a profile: those named, else every column with
/// role attribute (date and text columns are never profiled).
pub(crate) fn profiled_columns(
    table: &AccountTable,
    columns: Option<&[String]>,
) -> Result<Vec<usize>> {
    let idx: Vec<usize> = match columns {
        Some(names) => names
            .iter()
            .map(|n| table.schema().index_of(n))
            .collect::<Result<_>>()?,
        None => table
            .schema()
            .fields()
            .iter()
            .enumerate()
            .filter(|(_, f)| f.role == Role::Attribute)
            .map(|(i, _)| i)
            .collect(),
    };
    Ok(idx
        .into_iter()
        .filter(|&i| !matches!(table.columns()[i].kind(), Kind::Date | Kind::Text))
        .collect())
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
            if !mask.iter().any(|&x| x) {
                return Err(Error::InsufficientData {
                    what: format!("cohort `{what}`"),
                    n: 0,
                    min: 1,
                });
            }
        }
        let pair = CohortPair::new(Cohort::from_mask(a_name, a), Cohort::from_mask(b_name, b))?;
        Self::of_pair(table, &pair, &ProfileOptions::default())
    }

    /// Won vs lost from a binary target (`Some(true)` won, `Some(false)` lost,
    /// `None` left out), e.g. from [`crate::outcome::won_lost`].
    pub fn won_vs_lost(table: &AccountTable, target: &[Option<bool>]) -> Result<Self> {
        let won: Vec<bool> = target.iter().map(|t| *t == Some(true)).collect();
        let lost: Vec<bool> = target.iter().map(|t| *t == Some(false)).collect();
        Self::compare(table, &won, &lost, "won", "lost")
    }

    /// Profiles `pair.a` against `pair.b` (see the module doc).
    pub fn of_pair(table: &AccountTable, pair: &CohortPair, opts: &ProfileOptions) -> Result<Self> {
        pair.a.check_len(table.n_rows())?;
        pair.b.check_len(table.n_rows())?;
        let cols = profiled_columns(table, opts.columns.as_deref())?;
        let a = pair.a.rows().to_bools();
        let b = pair.b.rows().to_bools();
        let (a_size, b_size) = (pair.a.size, pair.b.size);
        let fields = table.schema().fields();
        let sig_opts = if opts.signals {
            opts.signal.check()?;
            Some(&opts.signal)
        } else {
            None
        };
        let per_col: Vec<(Vec<ProfileRow>, Option<Signal>)> = cols
            .par_iter()
            .map(|&i| {
                let f = &fields[i];
                column_rows(
                    &f.name,
                    f.dimension,
                    &table.columns()[i],
                    &a,
                    &b,
                    a_size,
                    b_size,
                    opts.tests,
                    sig_opts,
                )
            })
            .collect();
        let mut rows = Vec::new();
        let mut signals = Vec::new();
        for (r, sg) in per_col {
            rows.push(r);
            signals.extend(sg);
        }
        signal::sort_signals(&mut signals);
        Ok(Self {
            a_name: pair.a.name.clone(),
            b_name: pair.b.name.clone(),
            a_size,
            b_size,
            evidence: EvidenceLevel::from_n(a_size.min(b_size)),
            rows: rows.into_iter().flatten().collect(),
            signals,
        })
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

    /// The row of `attribute` (and `level`, for share rows).
    pub fn row(&self, attribute: &str, level: Option<&str>) -> Option<&ProfileRow> {
        self.rows
            .iter()
            .find(|r| r.attribute == attribute && r.level.as_deref() == level)
    }
}

/// χ² p-value of a `levels × 2` table given per-level counts of A and B.
fn chi_p(ca: &[usize], cb: &[usize]) -> Option<f64> {
    let cells: Vec<f64> = ca
        .iter()
        .zip(cb)
        .flat_map(|(&x, &y)| [x as f64, y as f64])
        .collect();
    let t = Contingency::from_cells(ca.len(), 2, cells).ok()?;
    chi_square(&t).ok().map(|c| c.p_value)
}

#[allow(clippy::too_many_arguments)]
fn column_rows(
    name: &str,
    dimension: Dimension,
    col: &Column,
    a: &[bool],
    b: &[bool],
    a_size: usize,
    b_size: usize,
    tests: bool,
    sig: Option<&SignalOptions>,
) -> (Vec<ProfileRow>, Option<Signal>) {
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
            median_a: None,
            median_b: None,
            test: None,
            p_value: None,
            p_mann_whitney: None,
            evidence: EvidenceLevel::from_n(na.min(nb)),
        }
    };
    let with_chi = |mut r: ProfileRow, p: Option<f64>| {
        if tests {
            r.test = Some(ProfileTest::ChiSquare);
            r.p_value = p;
        }
        r
    };
    // One share row per level: the level's count over each cohort's size.
    let share_rows = |labels: &[String],
                      ca: &[usize],
                      cb: &[usize],
                      p: &dyn Fn(usize) -> Option<f64>|
     -> Vec<ProfileRow> {
        (0..labels.len())
            .map(|l| {
                with_chi(
                    row(
                        Some(labels[l].clone()),
                        Measure::Share,
                        (ca[l] as f64, a_size),
                        (cb[l] as f64, b_size),
                    ),
                    if tests { p(l) } else { None },
                )
            })
            .collect()
    };
    let kind = col.kind();
    match col {
        Column::Numeric(v) => {
            let (sa, sb) = cohort_sums(a, b, |i| (!v[i].is_nan()).then_some(v[i]));
            let mut r = row(None, Measure::Mean, sa, sb);
            // One integer-key sort per side serves the medians, the 70 %
            // range and, merged, the Mann–Whitney ranks.
            let (ka, kb) = (signal::sorted_keys(v, a), signal::sorted_keys(v, b));
            r.median_a = sorted_median(&ka);
            r.median_b = sorted_median(&kb);
            if tests {
                let xa: Vec<f64> = ka.iter().map(|&k| from_order_key(k)).collect();
                let xb: Vec<f64> = kb.iter().map(|&k| from_order_key(k)).collect();
                r.test = Some(ProfileTest::Welch);
                r.p_value = welch_t(&xa, &xb)
                    .ok()
                    .map(|w| w.p_value)
                    .filter(|p| !p.is_nan());
                let (values, labels) = merge_labeled(&ka, &kb);
                r.p_mann_whitney = mann_whitney(&SortedSample::new(&values, &labels))
                    .ok()
                    .map(|m| m.p_value);
            }
            let s = sig.and_then(|o| signal::numeric_signal(name, dimension, &ka, &kb, o));
            (vec![r], s)
        }
        Column::Flag(v) => {
            let (sa, sb) = cohort_sums(a, b, |i| (v[i] != FLAG_MISSING).then(|| f64::from(v[i])));
            let ca = [sa.1 - sa.0 as usize, sa.0 as usize];
            let cb = [sb.1 - sb.0 as usize, sb.0 as usize];
            let p = chi_p(&ca, &cb);
            let s = sig.and_then(|o| {
                signal::levels_signal(name, dimension, kind, &signal::flag_labels(), &ca, &cb, o)
            });
            (
                vec![with_chi(
                    row(Some("true".into()), Measure::Share, sa, sb),
                    p,
                )],
                s,
            )
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
            let p = if tests { chi_p(&ca, &cb) } else { None };
            let s = sig.and_then(|o| {
                signal::levels_signal(name, dimension, kind, cat.levels(), &ca, &cb, o)
            });
            (share_rows(cat.levels(), &ca, &cb, &|_| p), s)
        }
        Column::TagSet(t) => {
            let k = t.tags().len();
            let (mut ca, mut cb) = (vec![0usize; k], vec![0usize; k]);
            let (mut va, mut vb) = (0usize, 0usize);
            for i in (0..a.len()).filter(|&i| a[i] || b[i]) {
                if t.valid().get(i) {
                    va += usize::from(a[i]);
                    vb += usize::from(b[i]);
                }
                for tag in t.row_tags(i) {
                    ca[tag] += usize::from(a[i]);
                    cb[tag] += usize::from(b[i]);
                }
            }
            let s = sig.and_then(|o| signal::tag_signal(name, dimension, t, a, b, o));
            (
                share_rows(t.tags(), &ca, &cb, &|l| {
                    chi_p(&[va - ca[l], ca[l]], &[vb - cb[l], cb[l]])
                }),
                s,
            )
        }
        Column::Date(_) | Column::Text(_) => (Vec::new(), None),
    }
}

/// The median of ascending [`order_key`]s (mean of the two middle values
/// for an even count), `None` when empty.
fn sorted_median(keys: &[u64]) -> Option<f64> {
    let n = keys.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(from_order_key(keys[n / 2])),
        _ => Some((from_order_key(keys[n / 2 - 1]) + from_order_key(keys[n / 2])) / 2.0),
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

/// The frequency distribution of one attribute in several cohorts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Frequency {
    /// The column.
    pub column: String,
    /// Its kind.
    pub kind: Kind,
    /// Levels, tags, or numeric bin labels (closed right, like
    /// [`crate::cohort::SegmentBy::Cuts`]).
    pub labels: Vec<String>,
    /// Cohort names, in the order given.
    pub cohorts: Vec<String>,
    /// `counts[c][l]`: rows of cohort `c` in level `l` (for tags: having it).
    pub counts: Vec<Vec<usize>>,
    /// `shares[c][l] = counts[c][l] / known[c]`.
    pub shares: Vec<Vec<f64>>,
    /// Rows of each cohort with a known value.
    pub known: Vec<usize>,
    /// Rows of each cohort with the value missing.
    pub missing: Vec<usize>,
}

/// Frequency distribution of `column` in each cohort (seed 001: "create a
/// frequency distribution for each dimension"). Categorical: per level;
/// flag: false / true; tag set: per tag, the share of rows with a known
/// stack having it (a row counts once per tag it has, so shares need not sum
/// to 1); numeric: `n_bins` equal-frequency bins ([`quantile_cuts`]) of the
/// values of all the cohorts pooled. Shares are over each cohort's rows with
/// a known value. Date and text columns are [`Error::WrongKind`].
pub fn frequencies(
    table: &AccountTable,
    cohorts: &[&Cohort],
    column: &str,
    n_bins: usize,
) -> Result<Frequency> {
    for c in cohorts {
        c.check_len(table.n_rows())?;
    }
    let col = table.column(column)?;
    let n = table.n_rows();
    let (labels, code_of): (Vec<String>, Box<dyn Fn(usize) -> u32 + Sync + '_>) = match col {
        Column::Categorical(c) => (c.levels().to_vec(), Box::new(move |i| c.codes()[i])),
        Column::Flag(v) => (
            vec!["false".into(), "true".into()],
            Box::new(move |i| {
                if v[i] == FLAG_MISSING {
                    MISSING_CODE
                } else {
                    u32::from(v[i])
                }
            }),
        ),
        Column::Numeric(v) => {
            let mut pooled: Vec<f64> = (0..n)
                .filter(|&i| !v[i].is_nan() && cohorts.iter().any(|c| c.contains(i)))
                .map(|i| v[i])
                .collect();
            pooled.sort_unstable_by(f64::total_cmp);
            let cuts = quantile_cuts(&pooled, n_bins.max(1));
            let mut codes = vec![0u32; n];
            bin_codes(v, &cuts, &mut codes)?;
            let missing = cuts.len() as u32 + 1;
            (
                crate::cohort::bin_labels(&cuts),
                Box::new(move |i| {
                    if codes[i] == missing {
                        MISSING_CODE
                    } else {
                        codes[i]
                    }
                }),
            )
        }
        Column::TagSet(t) => {
            let k = t.tags().len();
            let mut counts = vec![vec![0usize; k]; cohorts.len()];
            let (mut known, mut missing) =
                (vec![0usize; cohorts.len()], vec![0usize; cohorts.len()]);
            for (ci, c) in cohorts.iter().enumerate() {
                for i in c.rows().ones() {
                    if t.valid().get(i) {
                        known[ci] += 1;
                        for tag in t.row_tags(i) {
                            counts[ci][tag] += 1;
                        }
                    } else {
                        missing[ci] += 1;
                    }
                }
            }
            let shares = shares_of(&counts, &known);
            return Ok(Frequency {
                column: column.to_owned(),
                kind: col.kind(),
                labels: t.tags().to_vec(),
                cohorts: cohorts.iter().map(|c| c.name.clone()).collect(),
                counts,
                shares,
                known,
                missing,
            });
        }
        Column::Date(_) | Column::Text(_) => {
            return Err(Error::WrongKind {
                column: column.to_owned(),
                expected: "categorical, flag, numeric or tag set".into(),
                found: col.kind().to_string(),
            });
        }
    };
    let k = labels.len();
    let mut counts = vec![vec![0usize; k]; cohorts.len()];
    let mut missing = vec![0usize; cohorts.len()];
    for (ci, c) in cohorts.iter().enumerate() {
        for i in c.rows().ones() {
            match code_of(i) {
                MISSING_CODE => missing[ci] += 1,
                code => counts[ci][code as usize] += 1,
            }
        }
    }
    let known: Vec<usize> = counts.iter().map(|c| c.iter().sum()).collect();
    let shares = shares_of(&counts, &known);
    Ok(Frequency {
        column: column.to_owned(),
        kind: col.kind(),
        labels,
        cohorts: cohorts.iter().map(|c| c.name.clone()).collect(),
        counts,
        shares,
        known,
        missing,
    })
}

fn shares_of(counts: &[Vec<usize>], known: &[usize]) -> Vec<Vec<f64>> {
    counts
        .iter()
        .zip(known)
        .map(|(c, &k)| {
            c.iter()
                .map(|&x| if k > 0 { x as f64 / k as f64 } else { f64::NAN })
                .collect()
        })
        .collect()
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

fn fmt_p(p: Option<f64>) -> String {
    match p {
        None => "-".into(),
        Some(p) if p < 1e-4 => format!("{p:.0e}"),
        Some(p) => format!("{p:.4}"),
    }
}

impl fmt::Display for Profile {
    /// The seed's table: attribute, A average (or share), B average (or
    /// share), delta, the test's p-value and the evidence level.
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
            "{:<44} {:>14} {:>14} {:>10} {:>8}   medians (numeric)",
            "attribute", ha, hb, "delta", "p"
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
            let medians = match (r.median_a, r.median_b) {
                (Some(x), Some(y)) => format!(
                    "{} vs {}",
                    fmt_value(x, Measure::Mean),
                    fmt_value(y, Measure::Mean)
                ),
                _ => String::new(),
            };
            let line = format!(
                "{:<44} {:>14} {:>14} {:>10} {:>8}   {}",
                label,
                fmt_value(r.a, r.measure),
                fmt_value(r.b, r.measure),
                delta,
                fmt_p(r.p_value),
                medians
            );
            writeln!(f, "{}", line.trim_end())?;
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
