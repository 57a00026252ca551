//! Resolving criteria against a table: column names to indices, category
//! levels to code bitsets, tags to tag-word masks, the missing policy to the
//! one boolean a missing value evaluates to in its section.
//!
//! This is the single place where an ICP meets data. Validation
//! ([`Icp::validate`](super::Icp::validate)), the scoring engine and the
//! predicate cohorts all go through it, so a criterion means the same thing
//! everywhere.

use super::{Criterion, Icp, MissingPolicy, Predicate, Range, Section};
use crate::error::{Error, Result, suggest};
use crate::table::{AccountTable, Bitmap, Column, FLAG_MISSING, MISSING_CODE};

/// How strictly category levels and tags absent from the table are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Levels {
    /// Every level and tag must exist in the table (validation against the
    /// data the ICP was drafted from).
    Strict,
    /// A level absent from the table matches no row (a prospect list may
    /// lack some industries) unless it looks like a typo of a present level,
    /// which is an error.
    Lenient,
}

/// A predicate resolved against one table's column.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// Numeric interval.
    Range(Range),
    /// Category code set: bit `c` of word `c / 64` set when code `c`
    /// satisfies the predicate (`not_in` is stored complemented over the
    /// dictionary, so both are one lookup).
    Codes(Vec<u64>),
    /// Flag equals 0 or 1.
    Flag(u8),
    /// Tag-set row words AND `mask` is non-zero.
    TagsAny(Vec<u64>),
    /// Tag-set row words AND `mask` equals `mask`.
    TagsAll(Vec<u64>),
    /// The value is missing (`true`) or present (`false`).
    Missing(bool),
}

/// One criterion resolved against a table.
#[derive(Debug, Clone, PartialEq)]
pub struct BoundCriterion {
    /// The criterion's name.
    pub name: String,
    /// Its section.
    pub section: Section,
    /// Its position in [`Icp::criteria`] order (its bit in match bitsets).
    pub bit: usize,
    /// Column index in the table.
    pub column: usize,
    /// The resolved test.
    pub test: Test,
    /// What a missing value evaluates to, after the missing policy and the
    /// section (see [`MissingPolicy`]). Unused by [`Test::Missing`].
    pub missing_matches: bool,
    /// Points when matched.
    pub points: f64,
}

/// What a missing value evaluates to for a criterion in `section`.
pub fn missing_outcome(policy: MissingPolicy, section: Section, points: f64) -> bool {
    match (policy, section) {
        (MissingPolicy::NoMatch, _) => false,
        (MissingPolicy::Neutral, Section::Primary) => true,
        (MissingPolicy::Neutral, _) => false,
        (MissingPolicy::Fail, Section::Primary) => false,
        (MissingPolicy::Fail, Section::Negative) => true,
        (MissingPolicy::Fail, Section::Secondary) => points < 0.0,
    }
}

impl BoundCriterion {
    /// Resolve `c` (in `section`, at `bit`) against `table`.
    pub fn bind(
        icp: &str,
        c: &Criterion,
        section: Section,
        bit: usize,
        table: &AccountTable,
        levels: Levels,
    ) -> Result<Self> {
        let err = |message: String| Error::InvalidIcp {
            icp: icp.to_owned(),
            criterion: Some(c.name.clone()),
            message,
        };
        let column = table
            .schema()
            .index_of(&c.column)
            .map_err(|e| err(e.to_string()))?;
        let col = &table.columns()[column];
        if let Some(kind) = c.predicate.column_kind()
            && col.kind() != kind
        {
            return Err(err(format!(
                "`{}` applies to {kind} columns but `{}` is {}",
                c.predicate.key(),
                c.column,
                col.kind()
            )));
        }
        let test = match (&c.predicate, col) {
            (Predicate::Range(r), _) => Test::Range(r.clone()),
            (Predicate::In(wanted) | Predicate::NotIn(wanted), Column::Categorical(cat)) => {
                let n = cat.levels().len();
                let mut set = vec![0u64; n.div_ceil(64).max(1)];
                for level in wanted {
                    match cat.code_of(level) {
                        Some(code) => set[code as usize / 64] |= 1 << (code % 64),
                        None => unknown(&c.column, "a level", level, cat.levels(), levels)
                            .map_err(err)?,
                    }
                }
                if matches!(c.predicate, Predicate::NotIn(_)) {
                    for code in 0..n {
                        set[code / 64] ^= 1 << (code % 64);
                    }
                }
                Test::Codes(set)
            }
            (Predicate::Flag(b), _) => Test::Flag(u8::from(*b)),
            (Predicate::HasAny(wanted) | Predicate::HasAll(wanted), Column::TagSet(ts)) => {
                let mut mask = vec![0u64; ts.words_per_row()];
                let mut absent = false;
                for tag in wanted {
                    match ts.tag_index(tag) {
                        Some(t) => mask[t / 64] |= 1 << (t % 64),
                        None => {
                            unknown(&c.column, "a tag", tag, ts.tags(), levels).map_err(err)?;
                            absent = true;
                        }
                    }
                }
                match c.predicate {
                    Predicate::HasAny(_) => Test::TagsAny(mask),
                    // A required tag no row has: nothing can match; an
                    // all-zero "any" mask says exactly that.
                    _ if absent => Test::TagsAny(vec![0; ts.words_per_row()]),
                    _ => Test::TagsAll(mask),
                }
            }
            (Predicate::IsMissing(b), _) => Test::Missing(*b),
            _ => unreachable!("kinds were checked against the predicate above"),
        };
        Ok(Self {
            name: c.name.clone(),
            section,
            bit,
            column,
            test,
            missing_matches: missing_outcome(c.missing, section, c.points),
            points: c.points,
        })
    }

    /// The predicate on row `i` of `col` (this criterion's column): `None`
    /// when the value is missing (except for [`Test::Missing`], which is
    /// never missing).
    #[inline]
    pub fn test(&self, col: &Column, i: usize) -> Option<bool> {
        if let Test::Missing(want) = self.test {
            return Some(col.is_missing(i) == want);
        }
        match (&self.test, col) {
            (Test::Range(r), Column::Numeric(v)) => {
                let x = v[i];
                (!x.is_nan()).then(|| r.contains(x))
            }
            (Test::Codes(set), Column::Categorical(cat)) => {
                let c = cat.codes()[i];
                (c != MISSING_CODE).then(|| (set[c as usize / 64] >> (c % 64)) & 1 == 1)
            }
            (Test::Flag(want), Column::Flag(v)) => (v[i] != FLAG_MISSING).then(|| v[i] == *want),
            (Test::TagsAny(mask), Column::TagSet(ts)) => ts
                .valid()
                .get(i)
                .then(|| ts.row_words(i).iter().zip(mask).any(|(w, m)| w & m != 0)),
            (Test::TagsAll(mask), Column::TagSet(ts)) => ts
                .valid()
                .get(i)
                .then(|| ts.row_words(i).iter().zip(mask).all(|(w, m)| w & m == *m)),
            _ => None,
        }
    }

    /// Whether row `i` matches, the missing policy applied.
    #[inline]
    pub fn matches(&self, col: &Column, i: usize) -> bool {
        self.test(col, i).unwrap_or(self.missing_matches)
    }

    /// The rows of `table` that match (table must be the one bound to).
    ///
    /// Equal to [`BoundCriterion::matches`] row by row, but the test and the
    /// column are resolved once, outside the row loop, and the rows are
    /// packed 64 to a word in parallel: drafting builds a mask per candidate
    /// criterion, hundreds of them over a million rows.
    pub fn mask(&self, table: &AccountTable) -> Bitmap {
        let col = &table.columns()[self.column];
        let n = table.n_rows();
        let miss = self.missing_matches;
        match (&self.test, col) {
            (Test::Missing(_), _) => Bitmap::par_from_fn(n, |i| self.matches(col, i)),
            (Test::Range(r), Column::Numeric(v)) => {
                let v: &[f64] = v;
                Bitmap::par_from_fn(n, |i| {
                    let x = v[i];
                    if x.is_nan() { miss } else { r.contains(x) }
                })
            }
            (Test::Codes(set), Column::Categorical(cat)) => {
                let codes = cat.codes();
                Bitmap::par_from_fn(n, |i| {
                    let c = codes[i];
                    if c == MISSING_CODE {
                        miss
                    } else {
                        (set[c as usize / 64] >> (c % 64)) & 1 == 1
                    }
                })
            }
            (Test::Flag(want), Column::Flag(v)) => Bitmap::par_from_fn(n, |i| {
                if v[i] == FLAG_MISSING {
                    miss
                } else {
                    v[i] == *want
                }
            }),
            _ => Bitmap::par_from_fn(n, |i| self.matches(col, i)),
        }
    }
}

/// A level or tag missing from the table: an error when strict or when it
/// looks like a typo of a present one, otherwise fine (it matches no row).
fn unknown(
    column: &str,
    what: &str,
    value: &str,
    present: &[String],
    levels: Levels,
) -> std::result::Result<(), String> {
    let hint = suggest(value, present.iter().map(String::as_str));
    if levels == Levels::Lenient && hint.is_none() {
        return Ok(());
    }
    Err(match hint {
        Some(h) => format!("`{value}` is not {what} of `{column}`; did you mean `{h}`?"),
        None => format!("`{value}` is not {what} of `{column}` in this data"),
    })
}

/// An ICP resolved against a table: its criteria in [`Icp::criteria`] order
/// and its scope as a bound `in` test.
#[derive(Debug, Clone, PartialEq)]
pub struct BoundIcp {
    /// The criteria, bit order.
    pub criteria: Vec<BoundCriterion>,
    /// The scope as a criterion (rows outside it are not scored).
    pub scope: Option<BoundCriterion>,
}

impl Icp {
    /// Resolve every criterion (and the scope) against `table`, after the
    /// structural [`check`](Icp::check).
    pub fn bind(&self, table: &AccountTable, levels: Levels) -> Result<BoundIcp> {
        self.check()?;
        let criteria = self
            .criteria()
            .enumerate()
            .map(|(bit, (section, c))| {
                BoundCriterion::bind(&self.name, c, section, bit, table, levels)
            })
            .collect::<Result<Vec<_>>>()?;
        let scope = match &self.scope {
            None => None,
            Some(s) => {
                let c = Criterion::new("scope", &s.column, Predicate::In(vec![s.value.clone()]));
                let bound = BoundCriterion::bind(
                    &self.name,
                    &c,
                    Section::Primary,
                    usize::MAX,
                    table,
                    Levels::Strict,
                )
                .map_err(|e| match e {
                    Error::InvalidIcp { icp, message, .. } => Error::InvalidIcp {
                        icp,
                        criterion: None,
                        message: format!("scope: {message}"),
                    },
                    other => other,
                })?;
                Some(BoundCriterion {
                    missing_matches: false,
                    ..bound
                })
            }
        };
        Ok(BoundIcp { criteria, scope })
    }
}
