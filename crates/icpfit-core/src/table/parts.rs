//! One column of one chunk of input, typed as it is read.
//!
//! Each cell goes straight into its column's part: a parsed number, or a
//! code in the chunk's own small dictionary. Nothing is kept as text except
//! ids. The kind of a column is settled once every chunk is read
//! ([`super::ingest`]), by looking at each dictionary's *distinct* values
//! rather than at every row: a million rows of `industry` are a dozen
//! strings to classify.
//!
//! A column whose kind is not declared is first read as numbers. The first
//! cell that is not a number turns the part into a dictionary, refilled from
//! the chunk's earlier cells of that column (read again from the source, so
//! that `007` stays `007` and is not rebuilt from the number 7).

use super::ingest::{CsvOptions, parse_number};
use super::schema::{SchemaSpec, default_role};
use super::{Kind, Role};
use rustc_hash::FxHashMap;

/// How a column is read, decided from its name and the schema before any cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Plan {
    /// As numbers: declared numeric (a non-number is an error), or not
    /// declared (a non-number turns the part into a dictionary).
    Numbers {
        /// The schema says numeric.
        declared: bool,
    },
    /// As dictionary codes: categorical, tag set, flag or date.
    Dict,
    /// As text: ids (one distinct value per row; a dictionary would only cost).
    Text,
}

impl Plan {
    /// The plan of column `name`.
    pub(crate) fn of(name: &str, schema: Option<&SchemaSpec>) -> Self {
        let spec = schema.and_then(|s| s.get(name));
        let role = spec
            .and_then(|s| s.role)
            .unwrap_or_else(|| default_role(name));
        match spec.and_then(|s| s.kind) {
            Some(Kind::Numeric) => Plan::Numbers { declared: true },
            Some(Kind::Text) => Plan::Text,
            Some(_) => Plan::Dict,
            None if role == Role::Id => Plan::Text,
            None => Plan::Numbers { declared: false },
        }
    }
}

/// One column of one chunk.
#[derive(Debug)]
pub(crate) enum Part {
    /// Every present cell so far was a number; NaN where missing.
    Numbers(Vec<f64>),
    /// Codes into this chunk's dictionary.
    Dict(DictPart),
    /// Text, for ids.
    Text(TextPart),
}

impl Part {
    /// An empty part for `plan`, sized for about `rows` cells.
    pub(crate) fn new(plan: Plan, rows: usize) -> Self {
        match plan {
            Plan::Numbers { .. } => Part::Numbers(Vec::with_capacity(rows)),
            Plan::Dict => Part::Dict(DictPart::with_capacity(rows)),
            Plan::Text => Part::Text(TextPart::with_capacity(rows)),
        }
    }

    /// Number of cells.
    pub(crate) fn len(&self) -> usize {
        match self {
            Part::Numbers(v) => v.len(),
            Part::Dict(d) => d.codes.len(),
            Part::Text(t) => t.missing.len(),
        }
    }
}

/// Codes into a dictionary of the distinct present cells, in first-seen order.
#[derive(Debug, Default)]
pub(crate) struct DictPart {
    pub(crate) codes: Vec<u32>,
    pub(crate) levels: Vec<String>,
    /// Values of up to 15 bytes, packed with their length into one integer:
    /// hashed and compared as a number, no string comparison.
    short: ShortMap,
    long: FxHashMap<String, u32>,
}

/// `s` packed with its length into one integer, if it has at most 15
/// bytes; distinct strings give distinct keys. Built from whole-word reads
/// (overlapping where the length is not a power of two), not byte by byte
/// through a buffer: that costs a store-to-load stall per cell.
#[inline]
fn short_key(s: &str) -> Option<u128> {
    let b = s.as_bytes();
    let n = b.len();
    let len = n as u64;
    let u32_at = |at: usize| {
        let mut w = [0u8; 4];
        w.copy_from_slice(&b[at..at + 4]);
        u64::from(u32::from_le_bytes(w))
    };
    let u64_at = |at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[at..at + 8]);
        u64::from_le_bytes(w)
    };
    Some(match n {
        0 => 0,
        // Up to 7 bytes in the low word, the length in its top byte.
        1..=3 => {
            let x = u64::from(b[0])
                | u64::from(b[n / 2]) << (8 * (n / 2))
                | u64::from(b[n - 1]) << (8 * (n - 1));
            u128::from(x | len << 56)
        }
        4..=7 => u128::from(u32_at(0) | u32_at(n - 4) << (8 * (n - 4)) | len << 56),
        // 8 bytes in the low word; the rest and the length (at least 8, so
        // never 0) in the high word.
        8..=15 => {
            let rest = if n == 8 {
                0
            } else {
                u64_at(n - 8) >> (8 * (16 - n))
            };
            u128::from(u64_at(0)) | u128::from(rest | len << 56) << 64
        }
        _ => return None,
    })
}

/// An open-addressing table from packed short values to codes: one
/// multiply to hash, usually one probe. A chunk's column has few distinct
/// values, so the table stays small and in cache; it doubles at half full.
#[derive(Debug)]
struct ShortMap {
    slots: Vec<(u128, u32)>,
    len: usize,
    shift: u32,
}

/// Marks an empty slot (no code reaches it: codes count distinct values).
const EMPTY: u32 = u32::MAX;

impl Default for ShortMap {
    fn default() -> Self {
        Self::with_bits(6)
    }
}

impl ShortMap {
    fn with_bits(bits: u32) -> Self {
        Self {
            slots: vec![(0, EMPTY); 1 << bits],
            len: 0,
            shift: 64 - bits,
        }
    }
    #[inline]
    fn slot(&self, key: u128) -> usize {
        let mixed = (key as u64) ^ ((key >> 64) as u64).rotate_left(29);
        (mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }
    /// The code of `key`, or `next` (recorded) if it is new.
    #[inline]
    fn code(&mut self, key: u128, next: u32) -> u32 {
        let mask = self.slots.len() - 1;
        let mut i = self.slot(key);
        loop {
            let (k, code) = self.slots[i];
            if code == EMPTY {
                break;
            }
            if k == key {
                return code;
            }
            i = (i + 1) & mask;
        }
        self.slots[i] = (key, next);
        self.len += 1;
        if 2 * self.len > self.slots.len() {
            self.grow();
        }
        next
    }
    fn grow(&mut self) {
        let mut bigger = Self::with_bits(64 - self.shift + 1);
        let mask = bigger.slots.len() - 1;
        for &(key, code) in self.slots.iter().filter(|s| s.1 != EMPTY) {
            let mut i = bigger.slot(key);
            while bigger.slots[i].1 != EMPTY {
                i = (i + 1) & mask;
            }
            bigger.slots[i] = (key, code);
        }
        bigger.len = self.len;
        *self = bigger;
    }
}

impl DictPart {
    pub(crate) fn with_capacity(rows: usize) -> Self {
        Self {
            codes: Vec::with_capacity(rows),
            ..Self::default()
        }
    }
    /// Stores one cell as read (untrimmed; missing tokens included): a
    /// hash lookup, and an allocation only for a value not seen before in
    /// this chunk. Trimming and missing tokens apply once per distinct
    /// value when the chunks are joined.
    #[inline]
    pub(crate) fn push(&mut self, raw: &str) {
        let code = self.code(raw);
        self.codes.push(code);
    }
    #[inline]
    fn code(&mut self, c: &str) -> u32 {
        let next = self.levels.len() as u32;
        let code = match short_key(c) {
            Some(key) => self.short.code(key, next),
            None => match self.long.get(c) {
                Some(&code) => code,
                None => {
                    self.long.insert(c.to_owned(), next);
                    next
                }
            },
        };
        if code == next {
            self.levels.push(c.to_owned());
        }
        code
    }
}

/// Packed text cells: `bytes[offsets[i]..offsets[i + 1]]`.
#[derive(Debug, Default)]
pub(crate) struct TextPart {
    pub(crate) bytes: String,
    /// Cell ends (the first cell starts at 0).
    pub(crate) ends: Vec<usize>,
    pub(crate) missing: Vec<bool>,
}

impl TextPart {
    fn with_capacity(rows: usize) -> Self {
        Self {
            bytes: String::with_capacity(rows * 8),
            ends: Vec::with_capacity(rows),
            missing: Vec::with_capacity(rows),
        }
    }
    #[inline]
    fn push(&mut self, cell: Option<&str>) {
        self.bytes.push_str(cell.unwrap_or_default());
        self.ends.push(self.bytes.len());
        self.missing.push(cell.is_none());
    }
}

/// Trimming and missing-token matching, applied once per cell as it is read.
pub(crate) struct CellFilter<'a> {
    trim: bool,
    tokens: &'a [String],
    longest: usize,
    /// `starts[b]`: some token starts with byte `b` (either case).
    starts: [bool; 256],
    empty_is_missing: bool,
    pub(crate) lenient: bool,
}

impl<'a> CellFilter<'a> {
    pub(crate) fn new(opts: &'a CsvOptions) -> Self {
        let longest = opts
            .missing_tokens
            .iter()
            .map(String::len)
            .max()
            .unwrap_or(0);
        let mut starts = [false; 256];
        for t in &opts.missing_tokens {
            if let Some(&b) = t.as_bytes().first() {
                starts[usize::from(b.to_ascii_lowercase())] = true;
                starts[usize::from(b.to_ascii_uppercase())] = true;
            }
        }
        Self {
            trim: opts.trim,
            tokens: &opts.missing_tokens,
            longest,
            starts,
            empty_is_missing: opts.missing_tokens.iter().any(String::is_empty),
            lenient: opts.lenient_numbers,
        }
    }
    /// The cell as stored (`None` = missing). Most cells are longer than
    /// every token or start with a byte no token starts with, so the
    /// tokens are rarely compared.
    #[inline]
    pub(crate) fn apply<'c>(&self, cell: &'c str) -> Option<&'c str> {
        let c = if self.trim && needs_trim(cell) {
            cell.trim()
        } else {
            cell
        };
        let missing = match c.as_bytes().first() {
            None => self.empty_is_missing,
            Some(&b) => {
                c.len() <= self.longest
                    && self.starts[usize::from(b)]
                    && self.tokens.iter().any(|m| m.eq_ignore_ascii_case(c))
            }
        };
        (!missing).then_some(c)
    }
}

/// Whether `cell` may start or end with white space: a first or last byte
/// that is a space, a control byte or part of a non-ASCII character.
#[inline]
fn needs_trim(cell: &str) -> bool {
    let plain = |b: u8| b > b' ' && b < 0x80;
    match (cell.as_bytes().first(), cell.as_bytes().last()) {
        (Some(&first), Some(&last)) => !plain(first) || !plain(last),
        _ => false,
    }
}

/// The columns of one chunk, filled row by row.
pub(crate) struct ChunkParts<'p> {
    plans: &'p [Plan],
    pub(crate) parts: Vec<Part>,
    /// Complete rows stored so far.
    pub(crate) rows: usize,
}

/// Why a cell could not be stored.
pub(crate) enum Refused {
    /// A column declared numeric holds something else.
    NotANumber {
        /// The column's index.
        column: usize,
    },
    /// Re-reading earlier cells failed.
    Failed(crate::Error),
}

impl Refused {
    /// The error, at the cell's place `at`.
    pub(crate) fn at(
        self,
        at: crate::error::Location,
        names: &[String],
        cell: Option<&str>,
    ) -> crate::Error {
        match self {
            Refused::NotANumber { column } => crate::Error::Parse {
                at,
                column: names[column].clone(),
                value: cell.unwrap_or_default().to_owned(),
                expected: "a number".into(),
            },
            Refused::Failed(e) => e,
        }
    }
}

impl<'p> ChunkParts<'p> {
    pub(crate) fn new(plans: &'p [Plan], rows: usize) -> Self {
        Self {
            plans,
            parts: plans.iter().map(|&p| Part::new(p, rows)).collect(),
            rows: 0,
        }
    }

    /// Stores the cells of column `j` for the next `rows` rows: one
    /// column at a time, so that the loop is specialised to the part's type
    /// and its dictionary stays in cache. `raw(r)` is the cell of row `r`
    /// of the block as read; `filter` trims it and spots missing tokens
    /// (dictionary parts store it raw: see [`DictPart::push`]). When a column read
    /// speculatively as numbers meets a non-number, `earlier(j, n, part)`
    /// must push the column's first `n` cells of this chunk into the fresh
    /// dictionary part. On refusal, the block row is returned with it.
    pub(crate) fn push_column<'c>(
        &mut self,
        j: usize,
        rows: usize,
        filter: &CellFilter<'_>,
        raw: impl Fn(usize) -> &'c str,
        earlier: &mut dyn FnMut(usize, usize, &mut DictPart) -> crate::Result<()>,
    ) -> Result<(), (Refused, usize)> {
        let cell = |r: usize| filter.apply(raw(r));
        let mut from = 0;
        if let Part::Numbers(values) = &mut self.parts[j] {
            while from < rows {
                match cell(from) {
                    None => values.push(f64::NAN),
                    Some(c) => match parse_number(c, filter.lenient) {
                        Some(x) => values.push(x),
                        None => break,
                    },
                }
                from += 1;
            }
            if from == rows {
                return Ok(());
            }
            if self.plans[j] == (Plan::Numbers { declared: true }) {
                return Err((Refused::NotANumber { column: j }, from));
            }
            let before = self.rows + from;
            let mut dict = DictPart::with_capacity(values.capacity().max(before));
            earlier(j, before, &mut dict).map_err(|e| (Refused::Failed(e), from))?;
            self.parts[j] = Part::Dict(dict);
        }
        match &mut self.parts[j] {
            Part::Dict(d) => (from..rows).for_each(|r| d.push(raw(r))),
            Part::Text(t) => (from..rows).for_each(|r| t.push(cell(r))),
            // Settled above.
            Part::Numbers(_) => {}
        }
        Ok(())
    }

    /// Closes `rows` rows, every column of which was pushed.
    pub(crate) fn end_rows(&mut self, rows: usize) {
        self.rows += rows;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every string of up to 6 characters over a small alphabet (NUL
    /// included), and strings around the 8- and 15-byte edges: distinct
    /// strings, distinct keys.
    #[test]
    fn short_keys_are_injective() {
        let alphabet = ["a", "b", "\0", "é"];
        let mut strings = vec![String::new()];
        let mut frontier = vec![String::new()];
        for _ in 0..6 {
            frontier = frontier
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            strings.extend(frontier.iter().cloned());
        }
        for n in 7..=17 {
            strings.push("x".repeat(n));
            strings.push(format!("{}y", "x".repeat(n - 1)));
            strings.push(format!("y{}", "x".repeat(n - 1)));
            strings.push(format!("{}\0", "x".repeat(n - 1)));
        }
        let mut seen = std::collections::HashMap::new();
        for s in &strings {
            match short_key(s) {
                Some(k) => {
                    if let Some(other) = seen.insert(k, s.clone()) {
                        assert_eq!(&other, s, "two strings, one key");
                    }
                }
                None => assert!(s.len() > 15, "{s:?}"),
            }
        }
    }

    /// The short map keeps every code through its growths.
    #[test]
    fn short_map_grows_and_keeps_codes() {
        let mut m = ShortMap::default();
        for k in 0..5_000u32 {
            assert_eq!(m.code(u128::from(k) * 7919, k), k);
        }
        for k in (0..5_000u32).rev() {
            assert_eq!(m.code(u128::from(k) * 7919, 99_999), k);
        }
        assert_eq!(m.len, 5_000);
    }

    #[test]
    fn dictionary_codes_are_first_seen_and_mix_short_and_long() {
        let long = "logistics/warehousing";
        let mut d = DictPart::default();
        for c in ["a", long, "NA", "a", long, ""] {
            d.push(c);
        }
        assert_eq!(d.codes, [0, 1, 2, 0, 1, 3]);
        assert_eq!(d.levels, ["a", long, "NA", ""]);
    }
}
