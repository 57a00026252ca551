//! [`BorrowedTable`]: columns lent by another owner — Arrow buffers, numpy
//! arrays — and scored where they lie.
//!
//! Converting a dataframe into an [`AccountTable`] before scoring it costs
//! more than the scoring: a pass that writes every value again (NaN under
//! nulls, u32 codes for every dictionary key) over memory the kernel then
//! reads once. Scoring reads each value of each column exactly once, so it
//! can read the frame's own layout instead: f64 or i64 values with an Arrow
//! validity bitmap, or integer dictionary keys of any width (pandas'
//! `int8` category codes with `-1` for missing, polars' `u32` physical
//! codes, Arrow's signed keys with a validity bitmap) mapped through the
//! dictionary to levels. A column may come in several pieces (Arrow chunks),
//! each with its own dictionary. Anything else (narrower integers, flags,
//! dates, tag sets, strings to be hashed) is converted as before
//! ([`BorrowedColumn::Owned`]).
//!
//! The result is the same as scoring the converted table, bit for bit, and
//! so are the errors (tested): a category's levels are the dictionary values
//! that occur in valid rows (found by a scan only when an ICP's level could
//! tell the difference, see [`ScorePlan::score_borrowed`](super::ScorePlan::score_borrowed)),
//! and a ±∞ value is refused, naming the column and the row, as the
//! conversion refuses it.

use crate::error::{Error, Location, Result};
use crate::table::levels::{Interner, remap_codes};
use crate::table::{
    AccountTable, CategoricalColumn, Column, Field, Kind, MISSING_CODE, Schema, TagSetColumn,
    TextColumn, default_dimension, default_role,
};
use std::sync::Arc;

/// An Arrow validity bitmap (bit `offset + i`, least significant bit
/// first, set when row `i` holds a value).
#[derive(Debug, Clone, Copy)]
pub struct Validity<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Validity<'a> {
    /// The bitmap of `len` rows starting at bit `offset` of `bytes`; an
    /// error when `bytes` is too short.
    pub fn new(bytes: &'a [u8], offset: usize, len: usize) -> Result<Self> {
        if bytes.len() * 8 < offset + len {
            return Err(Error::LengthMismatch {
                what: "validity bitmap (bits)".into(),
                expected: offset + len,
                found: bytes.len() * 8,
            });
        }
        Ok(Self { bytes, offset })
    }

    /// Whether row `i` holds a value.
    #[inline]
    pub fn get(&self, i: usize) -> bool {
        let b = self.offset + i;
        (self.bytes[b / 8] >> (b % 8)) & 1 == 1
    }

    /// The 64 validity bits of rows `i..i + 64` (bits past the bitmap's end
    /// read as set). Two unaligned loads away from the bitmap's end; a copy
    /// near it.
    #[inline]
    pub(crate) fn word(&self, i: usize) -> u64 {
        let b = self.offset + i;
        let (start, shift) = (b / 8, b % 8);
        let mut buf = [0xffu8; 16];
        let chunk: &[u8; 16] = match self.bytes.get(start..start + 16) {
            Some(c) => c.try_into().unwrap_or(&buf),
            None => {
                let avail = self.bytes.len().saturating_sub(start).min(9);
                buf[..avail].copy_from_slice(&self.bytes[start..start + avail]);
                &buf
            }
        };
        (u128::from_le_bytes(*chunk) >> shift) as u64
    }

    /// The nulls of `rows`, 64 rows per step: each step's first row and the
    /// mask of its rows without a value (bit `k` = row `first + k`; rows
    /// past `rows.end` never set). Steps without nulls are skipped.
    #[inline]
    pub(crate) fn null_words(&self, rows: std::ops::Range<usize>) -> NullWords<'_> {
        NullWords {
            valid: *self,
            at: rows.start,
            end: rows.end,
        }
    }

    /// Calls `f(i)` for every row `i` in `rows` without a value.
    #[inline]
    pub(crate) fn for_each_null(&self, rows: std::ops::Range<usize>, mut f: impl FnMut(usize)) {
        for (i, mut unset) in self.null_words(rows) {
            while unset != 0 {
                f(i + unset.trailing_zeros() as usize);
                unset &= unset - 1;
            }
        }
    }
}

/// The iterator of [`Validity::null_words`].
pub(crate) struct NullWords<'a> {
    valid: Validity<'a>,
    at: usize,
    end: usize,
}

impl Iterator for NullWords<'_> {
    type Item = (usize, u64);

    #[inline]
    fn next(&mut self) -> Option<(usize, u64)> {
        while self.at < self.end {
            let (i, n) = (self.at, (self.end - self.at).min(64));
            self.at += n;
            let mut unset = !self.valid.word(i);
            if n < 64 {
                unset &= (1u64 << n) - 1;
            }
            if unset != 0 {
                return Some((i, unset));
            }
        }
        None
    }
}

/// A contiguous run of a column's rows: values and, optionally, validity.
#[derive(Debug, Clone, Copy)]
pub struct Piece<'a, T> {
    pub(crate) values: &'a [T],
    pub(crate) valid: Option<Validity<'a>>,
}

impl<'a, T> Piece<'a, T> {
    /// A piece of `values.len()` rows; `valid` is `(bytes, bit offset)` of
    /// its validity bitmap, or `None` when every row holds a value (NaN is
    /// still missing in f64 values).
    pub fn new(values: &'a [T], valid: Option<(&'a [u8], usize)>) -> Result<Self> {
        let valid = valid
            .map(|(bytes, offset)| Validity::new(bytes, offset, values.len()))
            .transpose()?;
        Ok(Self { values, valid })
    }
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.values.len()
    }
    /// `true` without rows.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// Dictionary keys of any integer width. A key that is negative (pandas'
/// `-1`) or not an index of the dictionary reads as missing.
#[derive(Debug, Clone, Copy)]
#[allow(missing_docs)]
pub enum Keys<'a> {
    U8(&'a [u8]),
    U16(&'a [u16]),
    U32(&'a [u32]),
    U64(&'a [u64]),
    I8(&'a [i8]),
    I16(&'a [i16]),
    I32(&'a [i32]),
    I64(&'a [i64]),
}

/// Calls `$f` with the keys as a typed slice (`$s`), whatever their width.
macro_rules! with_keys {
    ($keys:expr, |$s:ident| $f:expr) => {
        match $keys {
            Keys::U8($s) => $f,
            Keys::U16($s) => $f,
            Keys::U32($s) => $f,
            Keys::U64($s) => $f,
            Keys::I8($s) => $f,
            Keys::I16($s) => $f,
            Keys::I32($s) => $f,
            Keys::I64($s) => $f,
        }
    };
}
pub(crate) use with_keys;

impl Keys<'_> {
    /// Number of keys.
    pub fn len(&self) -> usize {
        with_keys!(self, |s| s.len())
    }
    /// `true` without keys.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// An integer key, read as a clamped slot: `min(key, n)`, a negative key
/// reading as `n` (the slot of missing).
pub(crate) trait Key: Copy + Send + Sync {
    /// The key's slot in a table of `n + 1`: the key when below `n`, else
    /// `n` (a negative key included).
    fn slot(self, n: usize) -> usize;
    /// [`slot`](Self::slot) for `n <= i32::MAX`, in 32-bit arithmetic
    /// where the key fits: a sign-extended i32 key compared as 64 bits cost
    /// 6-8 % of a single-thread scoring of 20 criteria, 8 of them keys.
    fn slot_narrow(self, n: u32) -> usize;
}

/// `$t => $mid, $narrow`: keys of type `$t` read as `$mid` (sign kept),
/// then as unsigned: 64 bits, or `$narrow` bits for `slot_narrow`.
macro_rules! key {
    ($($t:ty => $mid:ty, $narrow:ty);*) => {$(
        impl Key for $t {
            #[inline(always)]
            fn slot(self, n: usize) -> usize {
                // A negative key becomes a huge unsigned one: slot `n`.
                (self as $mid as u64).min(n as u64) as usize
            }
            #[inline(always)]
            fn slot_narrow(self, n: u32) -> usize {
                // A negative key read as unsigned is >= 2^31 > n.
                (self as $mid as $narrow).min(n as $narrow) as usize
            }
        }
    )*};
}
key!(u8 => u8, u32; u16 => u16, u32; u32 => u32, u32; u64 => u64, u64;
     i8 => i32, u32; i16 => i32, u32; i32 => i32, u32; i64 => i64, u64);

/// A piece of dictionary keys, the index of its dictionary and its validity.
#[derive(Debug, Clone, Copy)]
pub struct KeyPiece<'a> {
    pub(crate) keys: Keys<'a>,
    pub(crate) valid: Option<Validity<'a>>,
    pub(crate) dictionary: usize,
}

impl<'a> KeyPiece<'a> {
    /// A piece of keys into dictionary number `dictionary` of its column;
    /// `valid` as in [`Piece::new`].
    pub fn new(
        keys: Keys<'a>,
        valid: Option<(&'a [u8], usize)>,
        dictionary: usize,
    ) -> Result<Self> {
        let valid = valid
            .map(|(bytes, offset)| Validity::new(bytes, offset, keys.len()))
            .transpose()?;
        Ok(Self {
            keys,
            valid,
            dictionary,
        })
    }
}

/// A categorical column as borrowed keys into one or more dictionaries.
#[derive(Debug, Clone)]
pub struct CodeColumn<'a> {
    pub(crate) pieces: Vec<KeyPiece<'a>>,
    dictionaries: Vec<Vec<Option<&'a str>>>,
    /// Per dictionary, entry → level code ([`MISSING_CODE`] for a null
    /// entry or, once [`restrict_to_used`](Self::restrict_to_used), an
    /// entry no valid row uses).
    pub(crate) to_level: Vec<Vec<u32>>,
    /// Shared with every column built from the same [`Dictionary`].
    levels: Arc<[String]>,
    /// Whether the levels are exactly the values in use.
    exact: bool,
}

impl<'a> CodeColumn<'a> {
    /// Keys in `pieces` into `dictionaries` (`None` = a null entry). The
    /// levels are, until [`restrict_to_used`](Self::restrict_to_used), every
    /// distinct non-null dictionary value, sorted.
    pub fn new(pieces: Vec<KeyPiece<'a>>, dictionaries: Vec<Vec<Option<&'a str>>>) -> Result<Self> {
        if let Some(p) = pieces.iter().find(|p| p.dictionary >= dictionaries.len()) {
            return Err(Error::invalid(
                "dictionary",
                format!(
                    "a piece names dictionary {} of {}",
                    p.dictionary,
                    dictionaries.len()
                ),
            ));
        }
        let mut column = Self {
            pieces,
            dictionaries,
            to_level: Vec::new(),
            levels: Arc::from([]),
            exact: false,
        };
        column.relevel(None);
        Ok(column)
    }

    /// Keys in `pieces` into the one `dictionary`, leveled once for every
    /// column that shares it: the column [`new`](Self::new) builds from
    /// `pieces` and the dictionary's values, without interning and sorting
    /// them again (polars' categorical columns all share one global list).
    pub fn sharing(pieces: Vec<KeyPiece<'a>>, dictionary: &Dictionary<'a>) -> Result<Self> {
        if let Some(p) = pieces.iter().find(|p| p.dictionary != 0) {
            return Err(Error::invalid(
                "dictionary",
                format!("a piece names dictionary {} of 1", p.dictionary),
            ));
        }
        Ok(Self {
            pieces,
            dictionaries: vec![dictionary.values.clone()],
            to_level: vec![dictionary.to_level.clone()],
            levels: Arc::clone(&dictionary.levels),
            exact: false,
        })
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.pieces.iter().map(|p| p.keys.len()).sum()
    }
    /// `true` without rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The levels (sorted).
    pub fn levels(&self) -> &[String] {
        &self.levels
    }

    /// Renumbers: levels are the distinct non-null values of the entries
    /// `keep` allows (all when `None`), sorted.
    fn relevel(&mut self, keep: Option<&[Vec<bool>]>) {
        let (to_level, levels) = leveled(&self.dictionaries, keep);
        self.to_level = to_level;
        self.levels = levels.into();
        self.exact = keep.is_some();
    }

    /// Per dictionary, which entries a valid row uses: a pass over the keys,
    /// 64 rows at a time, that stops once every entry is seen (a frame's
    /// categories are usually all in use and all met within the first rows,
    /// where a full pass cost a fifth of converting a pandas frame).
    fn used(&self) -> Vec<Vec<bool>> {
        // One slot past each dictionary, standing for every key outside it
        // (missing): marked seen from the start, so that it is never counted.
        let mut seen: Vec<Vec<bool>> = self
            .dictionaries
            .iter()
            .map(|d| {
                let mut s = vec![false; d.len() + 1];
                s[d.len()] = true;
                s
            })
            .collect();
        let mut unseen: Vec<usize> = self.dictionaries.iter().map(Vec::len).collect();
        for p in &self.pieces {
            let (seen, unseen) = (&mut seen[p.dictionary], &mut unseen[p.dictionary]);
            let n = seen.len() - 1;
            with_keys!(p.keys, |keys| {
                let mut at = 0;
                while at < keys.len() && *unseen > 0 {
                    let run = &keys[at..(at + 64).min(keys.len())];
                    let valid = p.valid.map_or(u64::MAX, |v| v.word(at));
                    let mut new = 0;
                    let mut mark = |k| {
                        let s = Key::slot(k, n);
                        new += usize::from(!seen[s]);
                        seen[s] = true;
                    };
                    if valid == u64::MAX {
                        run.iter().for_each(|&k| mark(k));
                    } else {
                        let mut rows = valid & (u64::MAX >> (64 - run.len()));
                        while rows != 0 {
                            mark(run[rows.trailing_zeros() as usize]);
                            rows &= rows - 1;
                        }
                    }
                    *unseen -= new;
                    at += run.len();
                }
            });
        }
        seen.into_iter()
            .map(|mut s| {
                s.pop();
                s
            })
            .collect()
    }

    /// Makes the levels exactly the dictionary values some valid row uses,
    /// as converting the column would (a dictionary may hold values no row
    /// uses: pandas' declared categories, polars' global categories). One
    /// pass over the keys; nothing once done.
    pub fn restrict_to_used(&mut self) {
        if !self.exact {
            let used = self.used();
            self.relevel(Some(&used));
        }
    }

    /// Whether some valid row has level `code`: a scan that stops at the
    /// first such row (a common level is found in the first few rows).
    pub(crate) fn occurs(&self, code: u32) -> bool {
        self.any_row(|level| level == code)
    }

    /// Whether some valid row's level satisfies `f` ([`MISSING_CODE`] for
    /// a null entry or key); stops at the first.
    fn any_row(&self, f: impl Fn(u32) -> bool) -> bool {
        self.pieces.iter().any(|p| {
            let map = &self.to_level[p.dictionary];
            let n = map.len();
            with_keys!(p.keys, |keys| keys.iter().enumerate().any(|(i, &k)| {
                let s = Key::slot(k, n);
                let level = if s < n { map[s] } else { MISSING_CODE };
                f(level) && p.valid.is_none_or(|v| v.get(i))
            }))
        })
    }

    /// The column converted: one u32 code per row (a copy, for the rare
    /// column that is not scored where it lies, e.g. joined tags).
    pub fn to_categorical(&self) -> Result<CategoricalColumn> {
        let mut codes = Vec::with_capacity(self.len());
        for p in &self.pieces {
            let map = &self.to_level[p.dictionary];
            let n = map.len();
            let start = codes.len();
            with_keys!(p.keys, |keys| codes.extend(keys.iter().map(|&k| {
                let s = Key::slot(k, n);
                if s < n { map[s] } else { MISSING_CODE }
            })));
            if let Some(v) = p.valid {
                v.for_each_null(0..p.keys.len(), |i| codes[start + i] = MISSING_CODE);
            }
        }
        CategoricalColumn::sharing(codes, Arc::clone(&self.levels))
    }
}

/// Per dictionary, entry → level code, and the levels: the distinct
/// non-null values of the entries `keep` allows (all when `None`), sorted.
fn leveled(
    dictionaries: &[Vec<Option<&str>>],
    keep: Option<&[Vec<bool>]>,
) -> (Vec<Vec<u32>>, Vec<String>) {
    let mut interner = Interner::default();
    let mut first_seen: Vec<Vec<u32>> = Vec::with_capacity(dictionaries.len());
    for (d, dict) in dictionaries.iter().enumerate() {
        first_seen.push(
            dict.iter()
                .enumerate()
                .map(|(k, v)| match v {
                    Some(s) if keep.is_none_or(|u| u[d][k]) => interner.code(*s),
                    _ => MISSING_CODE,
                })
                .collect(),
        );
    }
    let (levels, remap) = interner.finish();
    for codes in &mut first_seen {
        remap_codes(codes, &remap);
    }
    (first_seen, levels)
}

/// A dictionary (`None` = a null entry) and its values as levels, computed
/// once for all the columns that share it ([`CodeColumn::sharing`]).
#[derive(Debug, Clone)]
pub struct Dictionary<'a> {
    values: Vec<Option<&'a str>>,
    to_level: Vec<u32>,
    levels: Arc<[String]>,
}

impl<'a> Dictionary<'a> {
    /// Levels `values`: every distinct non-null value, sorted.
    pub fn new(values: Vec<Option<&'a str>>) -> Self {
        let (mut to_level, levels) = leveled(std::slice::from_ref(&values), None);
        Self {
            to_level: to_level.pop().unwrap_or_default(),
            values,
            levels: levels.into(),
        }
    }
    /// The levels: every distinct non-null value, sorted.
    pub fn levels(&self) -> &[String] {
        &self.levels
    }
}

/// One column of a [`BorrowedTable`].
#[derive(Debug, Clone)]
pub enum BorrowedColumn<'a> {
    /// A column converted (owned) as usual.
    Owned(Column),
    /// f64 values in pieces; NaN or an unset validity bit is missing. A
    /// ±∞ is refused when the table is scored.
    Numbers(Vec<Piece<'a, f64>>),
    /// i64 values in pieces (a numeric column, each value read as the f64
    /// converting it gives, `x as f64`); an unset validity bit is missing.
    Integers(Vec<Piece<'a, i64>>),
    /// Categories as dictionary keys.
    Codes(CodeColumn<'a>),
}

impl BorrowedColumn<'_> {
    /// The kind of column converting it gives (see [`BorrowedTable::shape`]).
    pub fn kind(&self) -> Kind {
        match self {
            Self::Owned(c) => c.kind(),
            Self::Numbers(_) | Self::Integers(_) => Kind::Numeric,
            Self::Codes(_) => Kind::Categorical,
        }
    }
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Self::Owned(c) => c.len(),
            Self::Numbers(p) => p.iter().map(Piece::len).sum(),
            Self::Integers(p) => p.iter().map(Piece::len).sum(),
            Self::Codes(c) => c.len(),
        }
    }
    /// `true` without rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether every row is missing (and there is at least one): a scan
    /// that stops at the first value.
    pub fn all_missing(&self) -> bool {
        !self.is_empty()
            && match self {
                Self::Owned(c) => c.all_missing(),
                Self::Numbers(pieces) => !pieces.iter().any(|p| {
                    p.values
                        .iter()
                        .enumerate()
                        .any(|(i, x)| !x.is_nan() && p.valid.is_none_or(|v| v.get(i)))
                }),
                Self::Integers(pieces) => pieces.iter().all(|p| {
                    p.is_empty() || p.valid.is_some_and(|v| (0..p.len()).all(|i| !v.get(i)))
                }),
                Self::Codes(c) => !c.any_row(|level| level != MISSING_CODE),
            }
    }
}

/// A table whose columns are (partly) borrowed, to be scored by
/// [`ScorePlan::score_borrowed`](super::ScorePlan::score_borrowed).
#[derive(Debug, Clone)]
pub struct BorrowedTable<'a> {
    columns: Vec<BorrowedColumn<'a>>,
    names: Vec<String>,
    n_rows: usize,
}

impl<'a> BorrowedTable<'a> {
    /// A table of named columns of equal length
    /// ([`Error::LengthMismatch`] naming the first that differs;
    /// [`Error::DuplicateColumn`] for a repeated name).
    pub fn new(columns: Vec<(String, BorrowedColumn<'a>)>) -> Result<Self> {
        let n_rows = columns.first().map_or(0, |(_, c)| c.len());
        let mut names: Vec<String> = Vec::with_capacity(columns.len());
        let mut cols = Vec::with_capacity(columns.len());
        for (name, c) in columns {
            if c.len() != n_rows {
                return Err(Error::LengthMismatch {
                    what: name,
                    expected: n_rows,
                    found: c.len(),
                });
            }
            if names.contains(&name) {
                return Err(Error::DuplicateColumn { name });
            }
            names.push(name);
            cols.push(c);
        }
        Ok(Self {
            columns: cols,
            names,
            n_rows,
        })
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }
    /// The columns, in order.
    pub fn columns(&self) -> &[BorrowedColumn<'a>] {
        &self.columns
    }
    /// The column names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }
    pub(crate) fn columns_mut(&mut self) -> &mut [BorrowedColumn<'a>] {
        &mut self.columns
    }

    /// A table of no rows with the same names, kinds and dictionaries: what
    /// binding an ICP reads (its levels and tags), without the rows.
    pub fn shape(&self) -> Result<AccountTable> {
        let columns = self
            .names
            .iter()
            .zip(&self.columns)
            .map(|(name, c)| {
                let empty = match c {
                    BorrowedColumn::Numbers(_) | BorrowedColumn::Integers(_) => {
                        Column::Numeric(Vec::new().into())
                    }
                    BorrowedColumn::Codes(c) => {
                        // The levels shared, not copied: polars' columns
                        // all carry the process-wide category list.
                        Column::Categorical(CategoricalColumn::sharing(
                            Vec::new(),
                            Arc::clone(&c.levels),
                        )?)
                    }
                    BorrowedColumn::Owned(c) => empty_like(name, c)?,
                };
                Ok((name.clone(), empty))
            })
            .collect::<Result<Vec<_>>>()?;
        AccountTable::from_columns(columns)
    }

    /// The schema (every column's kind; default roles and dimensions), as
    /// [`shape`](Self::shape) has it, without building the shape.
    pub fn schema(&self) -> Schema {
        let fields = self
            .names
            .iter()
            .zip(&self.columns)
            .map(|(name, c)| Field {
                name: name.clone(),
                kind: c.kind(),
                role: default_role(name),
                dimension: default_dimension(name),
            })
            .collect();
        Schema::new(fields)
    }

    /// Numeric column `j`'s values, NaN for missing (a copy).
    pub(crate) fn numbers(&self, j: usize) -> Option<Vec<f64>> {
        match &self.columns[j] {
            BorrowedColumn::Owned(Column::Numeric(v)) => Some(v.to_vec()),
            BorrowedColumn::Numbers(pieces) => Some(nan_filled(pieces, self.n_rows, |x| x)),
            BorrowedColumn::Integers(pieces) => Some(nan_filled(pieces, self.n_rows, |x| x as f64)),
            _ => None,
        }
    }

    /// The first ±∞ of a borrowed numeric column, in column then row order,
    /// as the error converting the column gives.
    pub(crate) fn first_infinite(&self) -> Option<Error> {
        for (name, c) in self.names.iter().zip(&self.columns) {
            let BorrowedColumn::Numbers(pieces) = c else {
                continue;
            };
            let mut start = 0;
            for p in pieces {
                if let Some(i) = p
                    .values
                    .iter()
                    .enumerate()
                    .position(|(i, x)| x.is_infinite() && p.valid.is_none_or(|v| v.get(i)))
                {
                    return Some(Error::Parse {
                        at: Location::row(start + i),
                        column: name.clone(),
                        value: p.values[i].to_string(),
                        expected: "a finite number (null or NaN for missing)".into(),
                    });
                }
                start += p.len();
            }
        }
        None
    }
}

/// The values of `pieces` as f64 (`as_f64` each), NaN under nulls.
fn nan_filled<T: Copy>(
    pieces: &[Piece<'_, T>],
    n_rows: usize,
    as_f64: impl Fn(T) -> f64,
) -> Vec<f64> {
    let mut out = Vec::with_capacity(n_rows);
    for p in pieces {
        let start = out.len();
        out.extend(p.values.iter().map(|&x| as_f64(x)));
        if let Some(v) = p.valid {
            v.for_each_null(0..p.len(), |i| out[start + i] = f64::NAN);
        }
    }
    out
}

/// A column of no rows with `c`'s kind and dictionary.
fn empty_like(name: &str, c: &Column) -> Result<Column> {
    Ok(match c {
        Column::Numeric(_) => Column::Numeric(Vec::new().into()),
        Column::Categorical(c) => {
            Column::Categorical(CategoricalColumn::new(Vec::new(), c.levels().to_vec())?)
        }
        Column::Flag(_) => Column::Flag(Vec::new()),
        Column::TagSet(t) => Column::TagSet(TagSetColumn::from_rows(&[], t.tags().to_vec())?),
        Column::Date(_) => Column::Date(Vec::new()),
        Column::Text(_) => Column::Text(TextColumn::from_strings::<&str>(name, &[])?),
    })
}
