//! The "70 % signal" of seed 001: "if 70 % of your best customers are
//! Series B to Series C B2B SaaS companies, that is a strong ICP signal. If
//! they are evenly distributed across all stages, that dimension may not be
//! a useful ICP filter."
//!
//! For one attribute and a cohort pair (A = best, B = the rest), the
//! **cover** is the smallest set of values holding at least
//! [`SignalOptions::coverage`] (70 %) of A's rows with a known value:
//!
//! * categorical and flag: levels taken by decreasing count in A (ties: the
//!   level listed first in the column's dictionary) until their cumulative
//!   count reaches `⌈coverage · n_A⌉`. Taking the largest levels first gives
//!   the smallest number of levels, so this cover is minimal;
//! * numeric: the **shortest interval** `[x_(i), x_(i+k−1)]` of A's sorted
//!   known values holding `k = ⌈coverage · n_A⌉` of them (the lowest such
//!   interval when several are equally short); its coverage counts every A
//!   value inside it (ties at the ends may add some);
//! * tag set: tags chosen greedily, each time the tag held by the most A rows
//!   not yet covered (ties: dictionary order), until "has any of them"
//!   covers the target share of A's rows with a known stack. Minimal set
//!   cover is NP-hard; the greedy cover is at most `H(n)` times larger and is
//!   stated as greedy.
//!
//! Then `coverage_b` is the share of B's rows with a known value that the
//! same cover holds, `gap = coverage_a − coverage_b`, `lift = coverage_a /
//! coverage_b`. A signal is **strong** when the target was reached, the gap
//! is at least [`SignalOptions::min_gap`] (20 points by default) and the
//! cover is a filter at all (it leaves out some level of A's; a numeric
//! range always may). Each signal carries the [`Criterion`] of its cover,
//! ready to become an ICP criterion.

use crate::cohort::CohortPair;
use crate::error::{Error, Result};
use crate::evidence::EvidenceLevel;
use crate::icp::{Criterion, Predicate, Range};
use crate::rank::{from_order_key, order_key};
use crate::table::{
    AccountTable, Column, Dimension, FLAG_MISSING, Kind, MISSING_CODE, TagSetColumn,
};
use rayon::prelude::*;
use serde::Serialize;

/// Options of the 70 % signal.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SignalOptions {
    /// Share of cohort A the cover must hold (default 0.7).
    pub coverage: f64,
    /// Minimum `coverage_a − coverage_b` of a strong signal (default 0.2).
    pub min_gap: f64,
}

impl Default for SignalOptions {
    fn default() -> Self {
        Self {
            coverage: 0.7,
            min_gap: 0.2,
        }
    }
}

impl SignalOptions {
    /// Both options in range: `coverage` in (0, 1], `min_gap` in [0, 1].
    pub fn check(&self) -> Result<()> {
        if !(self.coverage > 0.0 && self.coverage <= 1.0) {
            return Err(Error::invalid(
                "coverage",
                format!("{} must lie in (0, 1]", self.coverage),
            ));
        }
        if !(0.0..=1.0).contains(&self.min_gap) {
            return Err(Error::invalid(
                "min_gap",
                format!("{} must lie in [0, 1]", self.min_gap),
            ));
        }
        Ok(())
    }
}

/// The 70 % signal of one attribute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Signal {
    /// The column.
    pub attribute: String,
    /// Its kind.
    pub kind: Kind,
    /// Its dimension.
    pub dimension: Dimension,
    /// The cover's levels or tags (categorical, flag, tag set), in the order
    /// chosen.
    pub levels: Vec<String>,
    /// The cover's interval (numeric).
    pub range: Option<Range>,
    /// Levels in the cover (1 for a range).
    pub levels_used: usize,
    /// Levels (tags) present in A (1 for a range).
    pub levels_total: usize,
    /// Share of A's known rows in the cover.
    pub coverage_a: f64,
    /// Share of B's known rows in the cover.
    pub coverage_b: f64,
    /// `coverage_a − coverage_b`.
    pub gap: f64,
    /// `coverage_a / coverage_b` (∞ when B has none).
    pub lift: f64,
    /// A's rows with a known value.
    pub n_a: usize,
    /// B's rows with a known value.
    pub n_b: usize,
    /// Whether the cover reached the target coverage (a tag cover may not).
    pub reached: bool,
    /// Strong signal (see the module doc).
    pub strong: bool,
    /// Evidence level of `min(n_a, n_b)`.
    pub evidence: EvidenceLevel,
    /// The cover as an ICP criterion (`in`, `flag`, `range` or `has_any`).
    pub criterion: Criterion,
}

/// The labels of a flag's two values, by value.
pub(crate) fn flag_labels() -> [String; 2] {
    ["false".to_owned(), "true".to_owned()]
}

/// `⌈coverage · n⌉`, with `coverage · n` rounded to 1e-9 first.
fn target_count(coverage: f64, n: usize) -> usize {
    ((coverage * n as f64 - 1e-9).ceil().max(0.0) as usize).min(n)
}

/// The signals of the given columns, strongest gap first (ties by name).
pub(crate) fn signals_of(
    table: &AccountTable,
    pair: &CohortPair,
    cols: &[usize],
    opts: &SignalOptions,
) -> Result<Vec<Signal>> {
    opts.check()?;
    let a = pair.a.rows().to_bools();
    let b = pair.b.rows().to_bools();
    let fields = table.schema().fields();
    let mut out: Vec<Signal> = cols
        .par_iter()
        .filter_map(|&i| {
            let f = &fields[i];
            column_signal(&f.name, f.dimension, &table.columns()[i], &a, &b, opts)
        })
        .collect();
    sort_signals(&mut out);
    Ok(out)
}

/// Strongest gap first, ties by name.
pub(crate) fn sort_signals(out: &mut [Signal]) {
    out.sort_by(|x, y| {
        y.gap
            .total_cmp(&x.gap)
            .then_with(|| x.attribute.cmp(&y.attribute))
    });
}

/// The 70 % signal of every attribute column (role attribute), strongest gap
/// first. Attributes with no known value in A or B have none.
pub fn signals(
    table: &AccountTable,
    pair: &CohortPair,
    opts: &SignalOptions,
) -> Result<Vec<Signal>> {
    pair.a.check_len(table.n_rows())?;
    let cols = super::profiled_columns(table, None)?;
    signals_of(table, pair, &cols, opts)
}

/// The 70 % signal of one column. Errors: an unknown column, a date or text
/// column ([`Error::WrongKind`]), no known value in A or in B
/// ([`Error::InsufficientData`]).
pub fn signal(
    table: &AccountTable,
    pair: &CohortPair,
    column: &str,
    opts: &SignalOptions,
) -> Result<Signal> {
    opts.check()?;
    pair.a.check_len(table.n_rows())?;
    let idx = table.schema().index_of(column)?;
    let col = &table.columns()[idx];
    if matches!(col.kind(), Kind::Date | Kind::Text) {
        return Err(Error::WrongKind {
            column: column.to_owned(),
            expected: "categorical, flag, numeric or tag set".into(),
            found: col.kind().to_string(),
        });
    }
    let dim = table.schema().fields()[idx].dimension;
    column_signal(
        column,
        dim,
        col,
        &pair.a.rows().to_bools(),
        &pair.b.rows().to_bools(),
        opts,
    )
    .ok_or_else(|| Error::InsufficientData {
        what: format!("known values of `{column}` in both cohorts"),
        n: 0,
        min: 1,
    })
}

#[allow(clippy::too_many_arguments)]
fn finish(
    name: &str,
    dim: Dimension,
    kind: Kind,
    levels: Vec<String>,
    range: Option<Range>,
    levels_total: usize,
    (in_a, n_a): (usize, usize),
    (in_b, n_b): (usize, usize),
    reached: bool,
    criterion: Criterion,
    opts: &SignalOptions,
) -> Signal {
    let coverage_a = in_a as f64 / n_a as f64;
    let coverage_b = in_b as f64 / n_b as f64;
    let gap = coverage_a - coverage_b;
    let levels_used = if range.is_some() { 1 } else { levels.len() };
    let filters = range.is_some() || levels_used < levels_total;
    Signal {
        attribute: name.to_owned(),
        kind,
        dimension: dim,
        levels,
        range,
        levels_used,
        levels_total: if kind == Kind::Numeric {
            1
        } else {
            levels_total
        },
        coverage_a,
        coverage_b,
        gap,
        lift: if in_b == 0 {
            f64::INFINITY
        } else {
            coverage_a / coverage_b
        },
        n_a,
        n_b,
        reached,
        strong: reached && filters && gap >= opts.min_gap - 1e-12,
        evidence: EvidenceLevel::from_n(n_a.min(n_b)),
        criterion,
    }
}

/// Minimal cover of per-level counts: indices by decreasing count (ties by
/// index) until the cumulative count reaches `target`.
fn level_cover(counts: &[usize], target: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..counts.len()).filter(|&l| counts[l] > 0).collect();
    order.sort_by(|&x, &y| counts[y].cmp(&counts[x]).then(x.cmp(&y)));
    let mut cum = 0;
    let mut out = Vec::new();
    for l in order {
        if cum >= target {
            break;
        }
        cum += counts[l];
        out.push(l);
    }
    out
}

/// The cover of per-level counts of A and B (known values only): a
/// categorical column's levels or a flag's `false` / `true`.
pub(crate) fn levels_signal(
    name: &str,
    dim: Dimension,
    kind: Kind,
    labels: &[String],
    ca: &[usize],
    cb: &[usize],
    opts: &SignalOptions,
) -> Option<Signal> {
    let (n_a, n_b) = (ca.iter().sum::<usize>(), cb.iter().sum::<usize>());
    if n_a == 0 || n_b == 0 {
        return None;
    }
    let cover = level_cover(ca, target_count(opts.coverage, n_a));
    let in_a = cover.iter().map(|&l| ca[l]).sum();
    let in_b = cover.iter().map(|&l| cb[l]).sum();
    let total = ca.iter().filter(|&&c| c > 0).count();
    let levels: Vec<String> = cover.iter().map(|&l| labels[l].clone()).collect();
    let crit_name = format!("{name}_70");
    let crit = match kind {
        Kind::Flag if cover.len() == 1 => {
            Criterion::new(crit_name, name, Predicate::Flag(cover[0] == 1))
        }
        Kind::Flag => Criterion::new(crit_name, name, Predicate::IsMissing(false)),
        _ => Criterion::new(crit_name, name, Predicate::In(levels.clone())),
    };
    Some(finish(
        name,
        dim,
        kind,
        levels,
        None,
        total,
        (in_a, n_a),
        (in_b, n_b),
        true,
        crit,
        opts,
    ))
}

/// The shortest-interval cover of a numeric column from A's and B's known
/// values as ascending [`order_key`]s.
pub(crate) fn numeric_signal(
    name: &str,
    dim: Dimension,
    ka: &[u64],
    kb: &[u64],
    opts: &SignalOptions,
) -> Option<Signal> {
    if ka.is_empty() || kb.is_empty() {
        return None;
    }
    let k = target_count(opts.coverage, ka.len()).clamp(1, ka.len());
    let mut best = 0;
    let mut width = from_order_key(ka[k - 1]) - from_order_key(ka[0]);
    for i in 1..=ka.len() - k {
        let w = from_order_key(ka[i + k - 1]) - from_order_key(ka[i]);
        if w < width {
            (best, width) = (i, w);
        }
    }
    let (klo, khi) = (ka[best], ka[best + k - 1]);
    let count =
        |keys: &[u64]| keys.partition_point(|&x| x <= khi) - keys.partition_point(|&x| x < klo);
    let range = Range::closed(Some(from_order_key(klo)), Some(from_order_key(khi)));
    let crit = Criterion::new(format!("{name}_70"), name, Predicate::Range(range.clone()));
    Some(finish(
        name,
        dim,
        Kind::Numeric,
        Vec::new(),
        Some(range),
        1,
        (count(ka), ka.len()),
        (count(kb), kb.len()),
        true,
        crit,
        opts,
    ))
}

/// Ascending [`order_key`]s of the known values of `v` in a cohort.
pub(crate) fn sorted_keys(v: &[f64], rows: &[bool]) -> Vec<u64> {
    let mut k: Vec<u64> = (0..v.len())
        .filter(|&i| rows[i] && !v[i].is_nan())
        .map(|i| order_key(v[i]))
        .collect();
    k.sort_unstable();
    k
}

/// The greedy tag cover (see the module doc).
pub(crate) fn tag_signal(
    name: &str,
    dim: Dimension,
    t: &TagSetColumn,
    a: &[bool],
    b: &[bool],
    opts: &SignalOptions,
) -> Option<Signal> {
    let kind = Kind::TagSet;
    let rows_a: Vec<usize> = (0..a.len()).filter(|&i| a[i] && t.valid().get(i)).collect();
    let rows_b: Vec<usize> = (0..b.len()).filter(|&i| b[i] && t.valid().get(i)).collect();
    if rows_a.is_empty() || rows_b.is_empty() {
        return None;
    }
    let k = t.tags().len();
    let target = target_count(opts.coverage, rows_a.len());
    let mut covered = vec![false; rows_a.len()];
    let mut n_cov = 0;
    let mut chosen: Vec<usize> = Vec::new();
    let present = {
        let mut p = vec![false; k];
        for &i in &rows_a {
            for tag in t.row_tags(i) {
                p[tag] = true;
            }
        }
        p.iter().filter(|&&x| x).count()
    };
    while n_cov < target {
        let mut gain = vec![0usize; k];
        for (j, &i) in rows_a.iter().enumerate() {
            if !covered[j] {
                for tag in t.row_tags(i) {
                    gain[tag] += 1;
                }
            }
        }
        let best = (0..k).max_by(|&x, &y| gain[x].cmp(&gain[y]).then(y.cmp(&x)));
        match best {
            Some(tag) if gain[tag] > 0 => {
                chosen.push(tag);
                for (j, &i) in rows_a.iter().enumerate() {
                    if !covered[j] && t.has(i, tag) {
                        covered[j] = true;
                        n_cov += 1;
                    }
                }
            }
            _ => break,
        }
    }
    let has_any = |i: usize| chosen.iter().any(|&tag| t.has(i, tag));
    let in_b = rows_b.iter().filter(|&&i| has_any(i)).count();
    let levels: Vec<String> = chosen.iter().map(|&x| t.tags()[x].clone()).collect();
    let crit = Criterion::new(
        format!("{name}_70"),
        name,
        Predicate::HasAny(levels.clone()),
    );
    Some(finish(
        name,
        dim,
        kind,
        levels,
        None,
        present,
        (n_cov, rows_a.len()),
        (in_b, rows_b.len()),
        n_cov >= target,
        crit,
        opts,
    ))
}

fn column_signal(
    name: &str,
    dim: Dimension,
    col: &Column,
    a: &[bool],
    b: &[bool],
    opts: &SignalOptions,
) -> Option<Signal> {
    let kind = col.kind();
    let counts = |k: usize, code: &dyn Fn(usize) -> u32| {
        let (mut ca, mut cb) = (vec![0usize; k], vec![0usize; k]);
        for i in 0..a.len() {
            if !(a[i] || b[i]) {
                continue;
            }
            let c = code(i);
            if c != MISSING_CODE {
                ca[c as usize] += usize::from(a[i]);
                cb[c as usize] += usize::from(b[i]);
            }
        }
        (ca, cb)
    };
    match col {
        Column::Categorical(cat) => {
            let (ca, cb) = counts(cat.levels().len(), &|i| cat.codes()[i]);
            levels_signal(name, dim, kind, cat.levels(), &ca, &cb, opts)
        }
        Column::Flag(v) => {
            let (ca, cb) = counts(2, &|i| {
                if v[i] == FLAG_MISSING {
                    MISSING_CODE
                } else {
                    u32::from(v[i])
                }
            });
            levels_signal(name, dim, kind, &flag_labels(), &ca, &cb, opts)
        }
        Column::Numeric(v) => {
            numeric_signal(name, dim, &sorted_keys(v, a), &sorted_keys(v, b), opts)
        }
        Column::TagSet(t) => tag_signal(name, dim, t, a, b, opts),
        Column::Date(_) | Column::Text(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cohort::Cohort;
    use crate::table::CsvOptions;

    fn table() -> AccountTable {
        // best = rows 0..10, rest = rows 10..20.
        let mut csv = String::from("id,stage,employees,partner,stack,grp\n");
        let stages_best = ["b", "b", "b", "c", "c", "c", "c", "a", "d", "e"];
        let stages_rest = ["a", "a", "a", "d", "d", "e", "e", "b", "c", "e"];
        let emp_best = [300, 320, 350, 400, 410, 420, 500, 1500, 50, 10];
        let emp_rest = [20, 30, 40, 350, 60, 70, 80, 90, 3000, 5000];
        let stack_best = ["S;L", "S", "S", "S;d", "L", "L", "d", "", "S", "H"];
        let stack_rest = ["H", "H", "H;S", "", "L", "H", "H", "H", "d", "H"];
        for i in 0..10 {
            csv.push_str(&format!(
                "x{i},{},{},{},{},best\n",
                stages_best[i],
                emp_best[i],
                if i < 8 { "yes" } else { "no" },
                stack_best[i]
            ));
        }
        for i in 0..10 {
            csv.push_str(&format!(
                "y{i},{},{},{},{},rest\n",
                stages_rest[i],
                emp_rest[i],
                if i < 3 { "yes" } else { "no" },
                stack_rest[i]
            ));
        }
        AccountTable::from_csv_reader(csv.as_bytes(), &CsvOptions::default()).unwrap()
    }

    fn pair(n: usize) -> CohortPair {
        let a: Vec<bool> = (0..n).map(|i| i < 10).collect();
        let b: Vec<bool> = (0..n).map(|i| i >= 10).collect();
        CohortPair::new(Cohort::from_mask("best", &a), Cohort::from_mask("rest", &b)).unwrap()
    }

    #[test]
    fn categorical_cover_is_minimal() {
        let t = table();
        let s = signal(&t, &pair(20), "stage", &SignalOptions::default()).unwrap();
        // c: 4, b: 3 → 7 of 10 = 70 %.
        assert_eq!(s.levels, ["c", "b"]);
        assert_eq!((s.coverage_a, s.coverage_b), (0.7, 0.2));
        assert!(s.strong && s.reached);
        assert_eq!((s.levels_used, s.levels_total), (2, 5));
        assert_eq!(
            s.criterion.predicate,
            Predicate::In(vec!["c".into(), "b".into()])
        );
    }

    #[test]
    fn numeric_cover_is_the_shortest_interval() {
        let t = table();
        let s = signal(&t, &pair(20), "employees", &SignalOptions::default()).unwrap();
        // Sorted best: 10 50 300 320 350 400 410 420 500 1500; 7 values:
        // windows 10–410, 50–420, 300–500, 320–1500 → 300–500.
        assert_eq!(s.range, Some(Range::closed(Some(300.0), Some(500.0))));
        assert_eq!(s.coverage_a, 0.7);
        assert_eq!(s.coverage_b, 0.1, "only 350 of the rest");
        assert!(s.strong);
    }

    #[test]
    fn flag_and_tag_covers() {
        let t = table();
        let p = pair(20);
        let f = signal(&t, &p, "partner", &SignalOptions::default()).unwrap();
        assert_eq!(f.levels, ["true"]);
        assert_eq!((f.coverage_a, f.coverage_b), (0.8, 0.3));
        assert_eq!(f.criterion.predicate, Predicate::Flag(true));
        let g = signal(&t, &p, "stack", &SignalOptions::default()).unwrap();
        // Known stacks of best: 9 (row 7's empty cell is missing); the
        // target is ⌈0.7 · 9⌉ = 7. S covers 5, then L adds 2 → 7.
        assert_eq!(g.n_a, 9);
        assert_eq!(g.levels, ["S", "L"]);
        assert!(g.reached);
        let all = signals(&t, &p, &SignalOptions::default()).unwrap();
        assert!(all.windows(2).all(|w| w[0].gap >= w[1].gap));
        assert!(all.iter().any(|s| s.attribute == "grp"));
    }

    #[test]
    fn evenly_spread_attribute_is_not_a_signal() {
        let t = table();
        let s = signal(&t, &pair(20), "grp", &SignalOptions::default()).unwrap();
        // Each cohort is one level: the cover is that level, coverage 1 vs 0.
        assert_eq!(s.levels, ["best"]);
        // A "rest vs rest" comparison: same distribution, no gap.
        let b: Vec<bool> = (0..20).map(|i| i >= 10).collect();
        let same =
            CohortPair::new(Cohort::from_mask("r1", &b), Cohort::from_mask("r2", &b)).unwrap();
        let s = signal(&t, &same, "stage", &SignalOptions::default()).unwrap();
        assert_eq!(s.gap, 0.0);
        assert!(!s.strong);
        assert!(signal(&t, &same, "id", &SignalOptions::default()).is_err());
        let bad = SignalOptions {
            coverage: 1.5,
            ..Default::default()
        };
        assert!(signal(&t, &same, "stage", &bad).is_err());
    }
}
