//! Column storage: one flat, typed vector per column (struct of arrays).
//!
//! Missing values are first-class and cost no extra allocation where the type
//! has a spare value: `NaN` for numbers, [`MISSING_CODE`] for category codes,
//! [`FLAG_MISSING`] for flags, [`DATE_MISSING`] for dates. Text and tag-set
//! columns carry a validity [`Bitmap`].

use super::Values;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// Category code of a missing value.
pub const MISSING_CODE: u32 = u32::MAX;
/// Flag byte of a missing value (0 = false, 1 = true).
pub const FLAG_MISSING: u8 = 2;
/// Date of a missing value (dates are days since 1970-01-01).
pub const DATE_MISSING: i32 = i32::MIN;

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// f64, NaN = missing.
    Numeric,
    /// Dictionary-encoded strings (u32 codes).
    Categorical,
    /// true / false, with missing.
    Flag,
    /// A set of tags per row (e.g. a tech stack `Salesforce;Snowflake`).
    TagSet,
    /// A calendar date (days since 1970-01-01).
    Date,
    /// Free text or identifiers, not analysed as categories.
    Text,
}

impl Kind {
    /// Stable lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Numeric => "numeric",
            Kind::Categorical => "categorical",
            Kind::Flag => "flag",
            Kind::TagSet => "tag_set",
            Kind::Date => "date",
            Kind::Text => "text",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A fixed-size bit vector (one bit per row), 64 rows per word.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bitmap {
    words: Vec<u64>,
    len: usize,
}

/// Bits `base..min(base + 64, len)` of `f`, packed into one word.
#[inline]
fn pack_word(base: usize, len: usize, f: &impl Fn(usize) -> bool) -> u64 {
    let mut acc = 0u64;
    for b in 0..64.min(len - base) {
        acc |= u64::from(f(base + b)) << b;
    }
    acc
}

impl Bitmap {
    /// `len` bits, all set to `value`.
    pub fn new(len: usize, value: bool) -> Self {
        let fill = if value { u64::MAX } else { 0 };
        let mut b = Self {
            words: vec![fill; len.div_ceil(64)],
            len,
        };
        b.clear_tail();
        b
    }
    fn clear_tail(&mut self) {
        let r = self.len % 64;
        if r != 0
            && let Some(last) = self.words.last_mut()
        {
            *last &= (1u64 << r) - 1;
        }
    }
    /// Number of bits.
    pub fn len(&self) -> usize {
        self.len
    }
    /// `true` when there are no bits.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Bit `i` (false beyond the end).
    #[inline]
    pub fn get(&self, i: usize) -> bool {
        i < self.len && (self.words[i / 64] >> (i % 64)) & 1 == 1
    }
    /// Set bit `i` (ignored beyond the end).
    #[inline]
    pub fn set(&mut self, i: usize, value: bool) {
        if i < self.len {
            let (w, b) = (i / 64, i % 64);
            if value {
                self.words[w] |= 1 << b;
            } else {
                self.words[w] &= !(1 << b);
            }
        }
    }
    /// Number of set bits.
    pub fn count_ones(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }
    /// The words, 64 rows each, unused high bits of the last word clear.
    pub fn words(&self) -> &[u64] {
        &self.words
    }
    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.words.capacity() * 8
    }
    /// [`Bitmap::from_fn`] in parallel: tasks of 64 Ki rows (a fixed split,
    /// so the bits never depend on the thread count).
    pub fn par_from_fn(len: usize, f: impl Fn(usize) -> bool + Sync) -> Self {
        use rayon::prelude::*;
        const WORDS_PER_TASK: usize = 1024;
        let mut words = vec![0u64; len.div_ceil(64)];
        words
            .par_chunks_mut(WORDS_PER_TASK)
            .enumerate()
            .for_each(|(t, chunk)| {
                for (k, word) in chunk.iter_mut().enumerate() {
                    *word = pack_word((t * WORDS_PER_TASK + k) * 64, len, &f);
                }
            });
        Self { words, len }
    }
    /// One bit per element of `v`.
    pub fn from_bools(v: &[bool]) -> Self {
        Self::from_fn(v.len(), |i| v[i])
    }
    /// `len` bits, bit `i` set when `f(i)`; built a word at a time.
    pub fn from_fn(len: usize, f: impl Fn(usize) -> bool) -> Self {
        let mut words = vec![0u64; len.div_ceil(64)];
        for (w, word) in words.iter_mut().enumerate() {
            *word = pack_word(w * 64, len, &f);
        }
        Self { words, len }
    }
    /// One `bool` per bit.
    pub fn to_bools(&self) -> Vec<bool> {
        (0..self.len).map(|i| self.get(i)).collect()
    }
    /// Word-wise combination with `other`; the result has `self`'s length
    /// and bits beyond `other`'s end read as clear.
    fn zip_with(&self, other: &Bitmap, op: impl Fn(u64, u64) -> u64) -> Bitmap {
        let mut out = Bitmap {
            words: self
                .words
                .iter()
                .enumerate()
                .map(|(i, &a)| op(a, other.words.get(i).copied().unwrap_or(0)))
                .collect(),
            len: self.len,
        };
        out.clear_tail();
        out
    }
    /// Bits set in both (intersection).
    pub fn and(&self, other: &Bitmap) -> Bitmap {
        self.zip_with(other, |a, b| a & b)
    }
    /// Bits set in either (union).
    pub fn or(&self, other: &Bitmap) -> Bitmap {
        self.zip_with(other, |a, b| a | b)
    }
    /// Bits set in `self` but not in `other` (difference).
    pub fn and_not(&self, other: &Bitmap) -> Bitmap {
        self.zip_with(other, |a, b| a & !b)
    }
    /// Every bit flipped (complement).
    pub fn not(&self) -> Bitmap {
        self.zip_with(&Bitmap::default(), |a, _| !a)
    }
    /// Number of bits set in both, without building the intersection.
    pub fn count_and(&self, other: &Bitmap) -> usize {
        self.words
            .iter()
            .zip(&other.words)
            .map(|(a, b)| (a & b).count_ones() as usize)
            .sum()
    }
    /// The indices of the set bits, ascending (walks the words, skipping
    /// empty ones).
    pub fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &word)| {
            let mut bits = word;
            std::iter::from_fn(move || {
                (bits != 0).then(|| {
                    let i = w * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    i
                })
            })
        })
    }
}

/// Dictionary-encoded categories: `codes[i]` indexes `levels`, or is
/// [`MISSING_CODE`].
#[derive(Debug, Clone, PartialEq)]
pub struct CategoricalColumn {
    codes: Vec<u32>,
    /// Shared, not copied, by columns built from one dictionary (polars'
    /// categorical columns all index one process-wide list).
    levels: Arc<[String]>,
}

impl CategoricalColumn {
    /// Builds a column whose codes were produced against `levels` by the
    /// caller (a reader's own interning), so they need no check.
    pub(crate) fn from_trusted(codes: Vec<u32>, levels: Vec<String>) -> Self {
        Self {
            codes,
            levels: levels.into(),
        }
    }
    /// Builds a column, checking every code is a level or missing.
    pub fn new(codes: Vec<u32>, levels: Vec<String>) -> crate::Result<Self> {
        Self::sharing(codes, levels.into())
    }
    /// [`new`](Self::new) with levels shared with other columns.
    pub fn sharing(codes: Vec<u32>, levels: Arc<[String]>) -> crate::Result<Self> {
        // A branch-free pass first (it vectorises; `MISSING_CODE` is
        // `u32::MAX`, which wraps to 0); the row is looked for only when
        // some code is out of range.
        const _: () = assert!(MISSING_CODE == u32::MAX);
        let n = levels.len() as u64;
        let out_of_range = |c: u32| u64::from(c.wrapping_add(1)) > n;
        if codes.iter().fold(false, |bad, &c| bad | out_of_range(c))
            && let Some((row, &c)) = codes.iter().enumerate().find(|(_, c)| out_of_range(**c))
        {
            return Err(crate::Error::invalid(
                "codes",
                format!(
                    "row {row} has code {c} but there are only {} levels",
                    levels.len()
                ),
            ));
        }
        Ok(Self { codes, levels })
    }
    /// One code per row.
    pub fn codes(&self) -> &[u32] {
        &self.codes
    }
    /// The dictionary.
    pub fn levels(&self) -> &[String] {
        &self.levels
    }
    /// The level of row `i`, `None` when missing.
    pub fn get(&self, i: usize) -> Option<&str> {
        self.codes
            .get(i)
            .and_then(|&c| self.levels.get(c as usize))
            .map(String::as_str)
    }
    /// The code of a level, if present.
    pub fn code_of(&self, level: &str) -> Option<u32> {
        self.levels
            .iter()
            .position(|l| l == level)
            .map(|p| p as u32)
    }
    /// Rows per level (missing not counted).
    pub fn level_counts(&self) -> Vec<usize> {
        let mut counts = vec![0usize; self.levels.len()];
        for &c in &self.codes {
            if c != MISSING_CODE {
                counts[c as usize] += 1;
            }
        }
        counts
    }
    fn heap_bytes(&self) -> usize {
        self.codes.capacity() * 4
            + self.levels.len() * std::mem::size_of::<String>()
            + self.levels.iter().map(String::capacity).sum::<usize>()
    }
    fn raw_bytes(&self) -> usize {
        self.codes.len() * 4 + self.levels.iter().map(String::len).sum::<usize>()
    }
}

/// A set of tags per row, stored as a row-major bit matrix: row `i` owns
/// `words_per_row` u64 words, bit `t` set when the row has tag `t`. Testing
/// "has any / all of these tags" is a word-wise AND.
#[derive(Debug, Clone, PartialEq)]
pub struct TagSetColumn {
    bits: Vec<u64>,
    words_per_row: usize,
    tags: Vec<String>,
    valid: Bitmap,
}

impl TagSetColumn {
    /// Builds from per-row tag indices (`None` = missing). Indices must be < `tags.len()`.
    pub fn from_rows(rows: &[Option<Vec<u32>>], tags: Vec<String>) -> crate::Result<Self> {
        let words_per_row = tags.len().div_ceil(64).max(1);
        let mut bits = vec![0u64; rows.len() * words_per_row];
        let mut valid = Bitmap::new(rows.len(), true);
        for (i, row) in rows.iter().enumerate() {
            match row {
                None => valid.set(i, false),
                Some(ts) => {
                    for &t in ts {
                        if t as usize >= tags.len() {
                            return Err(crate::Error::invalid(
                                "tags",
                                format!(
                                    "row {i} has tag index {t} but there are {} tags",
                                    tags.len()
                                ),
                            ));
                        }
                        bits[i * words_per_row + t as usize / 64] |= 1 << (t % 64);
                    }
                }
            }
        }
        Ok(Self {
            bits,
            words_per_row,
            tags,
            valid,
        })
    }
    /// A tag set from a categorical column whose levels are joined tags
    /// (`"Salesforce;Snowflake"`), split on `sep` and trimmed, empty pieces
    /// dropped — the CSV reader's rule. Dataframes carry such columns as
    /// strings or categories; the split is done once per level, not per row.
    pub fn split_levels(column: &CategoricalColumn, sep: char) -> Self {
        let mut interner = super::levels::Interner::default();
        let per_level: Vec<Vec<u32>> = column
            .levels
            .iter()
            .map(|l| {
                l.split(sep)
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(|t| interner.code(t))
                    .collect()
            })
            .collect();
        let (tags, remap) = interner.finish();
        let words = tags.len().div_ceil(64).max(1);
        let masks: Vec<Vec<u64>> = per_level
            .iter()
            .map(|ts| {
                let mut m = vec![0u64; words];
                for &t in ts {
                    let t = remap[t as usize] as usize;
                    m[t / 64] |= 1 << (t % 64);
                }
                m
            })
            .collect();
        let n = column.codes.len();
        let mut bits = vec![0u64; n * words];
        let mut valid = Bitmap::new(n, true);
        for (i, &c) in column.codes.iter().enumerate() {
            match masks.get(c as usize) {
                Some(m) => bits[i * words..(i + 1) * words].copy_from_slice(m),
                None => valid.set(i, false),
            }
        }
        Self::from_parts(bits, words, tags, valid)
    }
    pub(crate) fn from_parts(
        bits: Vec<u64>,
        words_per_row: usize,
        tags: Vec<String>,
        valid: Bitmap,
    ) -> Self {
        Self {
            bits,
            words_per_row,
            tags,
            valid,
        }
    }
    /// The tag dictionary.
    pub fn tags(&self) -> &[String] {
        &self.tags
    }
    /// Words per row of the bit matrix.
    pub fn words_per_row(&self) -> usize {
        self.words_per_row
    }
    /// The whole bit matrix, row-major.
    pub fn bits(&self) -> &[u64] {
        &self.bits
    }
    /// The words of row `i`.
    pub fn row_words(&self, i: usize) -> &[u64] {
        &self.bits[i * self.words_per_row..(i + 1) * self.words_per_row]
    }
    /// Whether row `i` has tag index `t`.
    pub fn has(&self, i: usize, t: usize) -> bool {
        t < self.tags.len() && (self.bits[i * self.words_per_row + t / 64] >> (t % 64)) & 1 == 1
    }
    /// Row validity (false = missing).
    pub fn valid(&self) -> &Bitmap {
        &self.valid
    }
    /// The tag indices of row `i`, ascending, by walking its set bits (no
    /// allocation; empty for a missing row, whose bits are clear).
    pub fn row_tags(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.row_words(i).iter().enumerate().flat_map(|(w, &word)| {
            let mut bits = word;
            std::iter::from_fn(move || {
                (bits != 0).then(|| {
                    let tag = w * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    tag
                })
            })
        })
    }
    /// The tags of row `i`, `None` when missing.
    pub fn get(&self, i: usize) -> Option<Vec<&str>> {
        if !self.valid.get(i) {
            return None;
        }
        Some(self.row_tags(i).map(|t| self.tags[t].as_str()).collect())
    }
    /// The index of a tag, if present.
    pub fn tag_index(&self, tag: &str) -> Option<usize> {
        self.tags.iter().position(|t| t == tag)
    }
    fn heap_bytes(&self) -> usize {
        self.bits.capacity() * 8
            + self.valid.heap_bytes()
            + self.tags.capacity() * std::mem::size_of::<String>()
            + self.tags.iter().map(String::capacity).sum::<usize>()
    }
    fn raw_bytes(&self) -> usize {
        self.bits.len() * 8 + self.tags.iter().map(String::len).sum::<usize>()
    }
}

/// UTF-8 strings packed Arrow-style: one byte buffer, `n + 1` offsets, and
/// a validity bitmap.
#[derive(Debug, Clone, PartialEq)]
pub struct TextColumn {
    offsets: Vec<u32>,
    bytes: String,
    valid: Bitmap,
}

impl TextColumn {
    /// From packed parts: `bytes[offsets[i]..offsets[i + 1]]` is row `i`
    /// (empty where `valid` is unset). The reader checks the offsets.
    pub(crate) fn from_raw(offsets: Vec<u32>, bytes: String, valid: Bitmap) -> Self {
        Self {
            offsets,
            bytes,
            valid,
        }
    }
    /// Builds from optional strings.
    pub fn from_strings<S: AsRef<str>>(column: &str, values: &[Option<S>]) -> crate::Result<Self> {
        let mut bytes = String::new();
        let mut offsets = Vec::with_capacity(values.len() + 1);
        let mut valid = Bitmap::new(values.len(), true);
        offsets.push(0);
        for (i, v) in values.iter().enumerate() {
            match v {
                Some(s) => bytes.push_str(s.as_ref()),
                None => valid.set(i, false),
            }
            offsets.push(
                u32::try_from(bytes.len()).map_err(|_| crate::Error::Capacity {
                    column: column.to_owned(),
                    message: "more than 4 GiB of text".into(),
                })?,
            );
        }
        Ok(Self {
            offsets,
            bytes,
            valid,
        })
    }
    /// The value of row `i`, `None` when missing.
    pub fn get(&self, i: usize) -> Option<&str> {
        if !self.valid.get(i) {
            return None;
        }
        Some(&self.bytes[self.offsets[i] as usize..self.offsets[i + 1] as usize])
    }
    /// The bytes of row `i` (empty when missing), without the character
    /// boundary checks of [`TextColumn::get`]: for hashing and comparing.
    #[inline]
    pub(crate) fn bytes_of(&self, i: usize) -> &[u8] {
        &self.bytes.as_bytes()[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
    /// Row validity.
    pub fn valid(&self) -> &Bitmap {
        &self.valid
    }
    fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }
    fn heap_bytes(&self) -> usize {
        self.offsets.capacity() * 4 + self.bytes.capacity() + self.valid.heap_bytes()
    }
    fn raw_bytes(&self) -> usize {
        self.offsets.len() * 4 + self.bytes.len()
    }
}

/// One column of an [`AccountTable`](super::AccountTable).
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// f64 values, NaN = missing; owned, or shared with the frame they
    /// came from (zero-copy Arrow import).
    Numeric(Values<f64>),
    /// Dictionary-encoded categories.
    Categorical(CategoricalColumn),
    /// 0 = false, 1 = true, [`FLAG_MISSING`] = missing.
    Flag(Vec<u8>),
    /// A set of tags per row.
    TagSet(TagSetColumn),
    /// Days since 1970-01-01, [`DATE_MISSING`] = missing.
    Date(Vec<i32>),
    /// Strings (ids, free text).
    Text(TextColumn),
}

impl Column {
    /// The column's type.
    pub fn kind(&self) -> Kind {
        match self {
            Column::Numeric(_) => Kind::Numeric,
            Column::Categorical(_) => Kind::Categorical,
            Column::Flag(_) => Kind::Flag,
            Column::TagSet(_) => Kind::TagSet,
            Column::Date(_) => Kind::Date,
            Column::Text(_) => Kind::Text,
        }
    }
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Column::Numeric(v) => v.len(),
            Column::Categorical(c) => c.codes.len(),
            Column::Flag(v) => v.len(),
            Column::TagSet(t) => t.valid.len(),
            Column::Date(v) => v.len(),
            Column::Text(t) => t.len(),
        }
    }
    /// `true` when the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Whether row `i` is missing.
    pub fn is_missing(&self, i: usize) -> bool {
        match self {
            Column::Numeric(v) => v[i].is_nan(),
            Column::Categorical(c) => c.codes[i] == MISSING_CODE,
            Column::Flag(v) => v[i] == FLAG_MISSING,
            Column::TagSet(t) => !t.valid.get(i),
            Column::Date(v) => v[i] == DATE_MISSING,
            Column::Text(t) => !t.valid.get(i),
        }
    }
    /// Number of missing rows.
    pub fn missing_count(&self) -> usize {
        match self {
            Column::Numeric(v) => v.iter().filter(|x| x.is_nan()).count(),
            Column::Categorical(c) => c.codes.iter().filter(|&&x| x == MISSING_CODE).count(),
            Column::Flag(v) => v.iter().filter(|&&x| x == FLAG_MISSING).count(),
            Column::TagSet(t) => t.valid.len() - t.valid.count_ones(),
            Column::Date(v) => v.iter().filter(|&&x| x == DATE_MISSING).count(),
            Column::Text(t) => t.valid.len() - t.valid.count_ones(),
        }
    }
    /// Whether every row is missing (true for an empty column): a scan
    /// that stops at the first present value, where
    /// [`missing_count`](Self::missing_count) reads every row.
    pub fn all_missing(&self) -> bool {
        match self {
            Column::Numeric(v) => v.iter().all(|x| x.is_nan()),
            Column::Categorical(c) => c.codes.iter().all(|&x| x == MISSING_CODE),
            Column::Flag(v) => v.iter().all(|&x| x == FLAG_MISSING),
            Column::TagSet(t) => t.valid.count_ones() == 0,
            Column::Date(v) => v.iter().all(|&x| x == DATE_MISSING),
            Column::Text(t) => t.valid.count_ones() == 0,
        }
    }
    /// Bytes this column holds on the heap (capacity, dictionaries and
    /// bitmaps included).
    pub fn heap_bytes(&self) -> usize {
        match self {
            Column::Numeric(v) => v.heap_bytes(),
            Column::Categorical(c) => c.heap_bytes(),
            Column::Flag(v) => v.capacity(),
            Column::TagSet(t) => t.heap_bytes(),
            Column::Date(v) => v.capacity() * 4,
            Column::Text(t) => t.heap_bytes(),
        }
    }
    /// The column's raw payload: values at their natural width (8 bytes a
    /// number, 4 a category code or date, 1 a flag, the tag bit matrix, text
    /// bytes plus 4-byte offsets) plus dictionary string bytes. The yardstick
    /// for the memory-overhead ratio of a table.
    pub fn raw_bytes(&self) -> usize {
        match self {
            Column::Numeric(v) => v.len() * 8,
            Column::Categorical(c) => c.raw_bytes(),
            Column::Flag(v) => v.len(),
            Column::TagSet(t) => t.raw_bytes(),
            Column::Date(v) => v.len() * 4,
            Column::Text(t) => t.raw_bytes(),
        }
    }
    /// Row `i` rendered as text (`None` when missing); dates as ISO `YYYY-MM-DD`,
    /// tag sets joined with `;`. For display and export, not for hot paths.
    pub fn display_value(&self, i: usize) -> Option<String> {
        if self.is_missing(i) {
            return None;
        }
        Some(match self {
            Column::Numeric(v) => format_number(v[i]),
            Column::Categorical(c) => c.get(i)?.to_owned(),
            Column::Flag(v) => (v[i] == 1).to_string(),
            Column::TagSet(t) => t.get(i)?.join(";"),
            Column::Date(v) => super::date::format_iso(v[i]),
            Column::Text(t) => t.get(i)?.to_owned(),
        })
    }
}

/// Shortest text that parses back to the same f64 (integers without `.0`).
pub fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_past_the_levels_is_named_by_its_row() {
        let levels = || vec!["a".to_string(), "b".to_string()];
        assert!(CategoricalColumn::new(vec![0, MISSING_CODE, 1], levels()).is_ok());
        assert!(CategoricalColumn::new(vec![], Vec::new()).is_ok());
        for (codes, row, code) in [
            (vec![0, MISSING_CODE, 2, 5], 2, 2),
            (
                vec![1; 300].into_iter().chain([MISSING_CODE - 1]).collect(),
                300,
                MISSING_CODE - 1,
            ),
        ] {
            let e = CategoricalColumn::new(codes, levels()).unwrap_err();
            assert!(
                e.to_string().contains(&format!(
                    "row {row} has code {code} but there are only 2 levels"
                )),
                "{e}"
            );
        }
        let e = CategoricalColumn::new(vec![MISSING_CODE, 0], Vec::new()).unwrap_err();
        assert!(e.to_string().contains("row 1 has code 0"), "{e}");
    }

    #[test]
    fn bitmap_tail_bits_stay_clear() {
        let mut b = Bitmap::new(70, true);
        assert_eq!(b.count_ones(), 70);
        b.set(69, false);
        b.set(200, true);
        assert_eq!(b.count_ones(), 69);
        assert!(!b.get(69) && b.get(68) && !b.get(500));
    }

    #[test]
    fn bitmap_set_algebra() {
        let a = Bitmap::from_fn(130, |i| i % 2 == 0);
        let b = Bitmap::from_fn(130, |i| i % 3 == 0);
        let naive = |f: fn(bool, bool) -> bool| {
            (0..130)
                .filter(|&i| f(i % 2 == 0, i % 3 == 0))
                .collect::<Vec<_>>()
        };
        assert_eq!(a.and(&b).ones().collect::<Vec<_>>(), naive(|x, y| x && y));
        assert_eq!(a.or(&b).ones().collect::<Vec<_>>(), naive(|x, y| x || y));
        assert_eq!(
            a.and_not(&b).ones().collect::<Vec<_>>(),
            naive(|x, y| x && !y)
        );
        assert_eq!(a.not().count_ones(), 65);
        assert_eq!(a.not().len(), 130);
        assert_eq!(a.count_and(&b), a.and(&b).count_ones());
        assert_eq!(Bitmap::from_bools(&a.to_bools()), a);
        assert_eq!(Bitmap::from_fn(0, |_| true).ones().count(), 0);
        // A shorter operand reads as clear beyond its end.
        assert_eq!(
            a.and(&Bitmap::new(3, true)).ones().collect::<Vec<_>>(),
            [0, 2]
        );
    }

    #[test]
    fn tag_sets_round_trip_beyond_64_tags() {
        let tags: Vec<String> = (0..70).map(|i| format!("t{i}")).collect();
        let rows = vec![Some(vec![0, 69]), None, Some(vec![])];
        let c = TagSetColumn::from_rows(&rows, tags).unwrap();
        assert_eq!(c.words_per_row(), 2);
        assert_eq!(c.get(0), Some(vec!["t0", "t69"]));
        assert_eq!(c.get(1), None);
        assert_eq!(c.get(2), Some(vec![]));
        assert!(TagSetColumn::from_rows(&[Some(vec![3])], vec!["a".into()]).is_err());
    }

    #[test]
    fn categorical_rejects_out_of_range_codes() {
        assert!(CategoricalColumn::new(vec![0, 2], vec!["a".into(), "b".into()]).is_err());
        let c =
            CategoricalColumn::new(vec![1, MISSING_CODE], vec!["a".into(), "b".into()]).unwrap();
        assert_eq!(c.get(0), Some("b"));
        assert_eq!(c.get(1), None);
        assert_eq!(c.level_counts(), vec![0, 1]);
    }

    #[test]
    fn numbers_print_round_trip() {
        assert_eq!(format_number(120.0), "120");
        assert_eq!(format_number(0.1), "0.1");
        assert_eq!(format_number(-3.5e20).parse::<f64>().unwrap(), -3.5e20);
    }
}
