//! From raw text cells to typed columns: the one path shared by the CSV
//! reader and the serde-records reader, so both infer and fail alike.
//!
//! Cells are first gathered per column into packed text buffers
//! ([`RawColumn`]); then each column, independently and in parallel, has its
//! kind inferred (unless declared) and is converted.
//!
//! ## Kind inference, in order
//! 1. declared in the schema → that kind;
//! 2. role `id` → text (ids are never numbers, `00123` stays `00123`);
//! 3. every value missing → numeric, all NaN, with an [`IngestWarning::AllMissing`];
//! 4. every value a number → numeric (with [`CsvOptions::lenient_numbers`],
//!    thousands separators and currency symbols are accepted);
//! 5. every value a boolean word (true/false, yes/no, y/n, t/f) → flag
//!    (`0`/`1` stay numeric: declare `flag` to get a flag);
//! 6. every value an ISO date `YYYY-MM-DD` → date;
//! 7. some value contains the tag separator → tag set;
//! 8. otherwise → categorical.
//!
//! A column that is *almost* numeric (at least 20 values and 95 % or more
//! of them numbers) is an error naming the first value that is not, rather
//! than silently becoming a categorical: `12k` in an employee count is a data
//! problem to fix or to declare.

use super::column::{
    Bitmap, CategoricalColumn, Column, DATE_MISSING, FLAG_MISSING, Kind, MISSING_CODE,
};
use super::column::{TagSetColumn, TextColumn};
use super::date;
use super::levels::{Interner, remap_codes};
use super::schema::{Field, Schema, SchemaSpec, default_dimension, default_role};
use super::{AccountTable, IngestWarning, Role};
use crate::error::{Error, Location, Result};
use rayon::prelude::*;
use std::collections::HashMap;

/// Options shared by every reader.
#[derive(Debug, Clone)]
pub struct CsvOptions {
    /// Field delimiter (default `,`).
    pub delimiter: u8,
    /// Cells equal to one of these (after trimming, ignoring case) are
    /// missing. Default: empty, `NA`, `N/A`, `null`, `-`, `none`, `nan`.
    pub missing_tokens: Vec<String>,
    /// Trim surrounding white space from every cell (default true).
    pub trim: bool,
    /// Lower-case categories and tags (default false).
    pub fold_case: bool,
    /// Accept `1,200`, `$1,200.50`, `€900`, `1 200` in numeric columns (default false).
    pub lenient_numbers: bool,
    /// Separator of tags in tag-set columns (default `;`).
    pub tag_separator: char,
    /// Declared columns; the rest is inferred.
    pub schema: Option<SchemaSpec>,
    /// Refuse duplicate ids in the id column (default true).
    pub unique_ids: bool,
}

impl Default for CsvOptions {
    fn default() -> Self {
        Self {
            delimiter: b',',
            missing_tokens: ["", "NA", "N/A", "null", "-", "none", "nan"]
                .map(String::from)
                .to_vec(),
            trim: true,
            fold_case: false,
            lenient_numbers: false,
            tag_separator: ';',
            schema: None,
            unique_ids: true,
        }
    }
}

/// The cells of one column, packed: `text[offsets[i]..offsets[i+1]]`.
#[derive(Debug, Default)]
pub(crate) struct RawColumn {
    pub(crate) name: String,
    text: String,
    offsets: Vec<u32>,
    /// Per cell: missing (a missing token after trimming). Missing cells hold no text.
    missing: Vec<bool>,
}

/// Trimming and missing-token matching, applied once per cell as it is read.
pub(crate) struct CellFilter<'a> {
    trim: bool,
    tokens: &'a [String],
    longest: usize,
}

impl<'a> CellFilter<'a> {
    pub(crate) fn new(opts: &'a CsvOptions) -> Self {
        let longest = opts
            .missing_tokens
            .iter()
            .map(String::len)
            .max()
            .unwrap_or(0);
        Self {
            trim: opts.trim,
            tokens: &opts.missing_tokens,
            longest,
        }
    }
    /// The cell as stored (`None` = missing). Most cells are longer than
    /// every token, so the length is tested first.
    #[inline]
    fn apply<'c>(&self, cell: &'c str) -> Option<&'c str> {
        let c = if self.trim { cell.trim() } else { cell };
        let missing =
            c.len() <= self.longest && self.tokens.iter().any(|m| m.eq_ignore_ascii_case(c));
        (!missing).then_some(c)
    }
}

impl RawColumn {
    pub(crate) fn new(name: String, capacity: usize) -> Self {
        let mut offsets = Vec::with_capacity(capacity + 1);
        offsets.push(0);
        Self {
            name,
            text: String::new(),
            offsets,
            missing: Vec::with_capacity(capacity),
        }
    }
    pub(crate) fn push(&mut self, cell: &str, filter: &CellFilter<'_>) -> Result<()> {
        let kept = filter.apply(cell);
        self.missing.push(kept.is_none());
        self.text.push_str(kept.unwrap_or_default());
        let end = u32::try_from(self.text.len()).map_err(|_| Error::Capacity {
            column: self.name.clone(),
            message: "more than 4 GiB of text".into(),
        })?;
        self.offsets.push(end);
        Ok(())
    }
    /// Appends the cells of `other` (the next chunk of the same column).
    pub(crate) fn append(&mut self, other: RawColumn) -> Result<()> {
        let shift = self.offsets.last().copied().unwrap_or(0);
        if self.text.is_empty() && self.offsets.len() == 1 {
            *self = RawColumn {
                name: std::mem::take(&mut self.name),
                ..other
            };
            return Ok(());
        }
        self.text.push_str(&other.text);
        if u32::try_from(self.text.len()).is_err() {
            return Err(Error::Capacity {
                column: self.name.clone(),
                message: "more than 4 GiB of text".into(),
            });
        }
        self.offsets
            .extend(other.offsets[1..].iter().map(|o| o + shift));
        self.missing.extend(other.missing);
        Ok(())
    }
    fn len(&self) -> usize {
        self.offsets.len() - 1
    }
    #[inline]
    fn cell(&self, i: usize) -> &str {
        &self.text[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
}

/// How to name the place of row `i` in errors.
pub(crate) enum Rows<'a> {
    /// Text lines (1-based), one per row, of an optional file.
    Lines {
        path: Option<&'a str>,
        lines: &'a [u64],
    },
    /// In-memory rows (0-based).
    Records,
}

impl Rows<'_> {
    fn at(&self, i: usize) -> Location {
        match self {
            Rows::Lines { path, lines } => Location::line(*path, lines[i]),
            Rows::Records => Location::row(i),
        }
    }
}

/// A column's cells as stored: trimmed, `None` where missing.
struct Cells<'a> {
    raw: &'a RawColumn,
    opts: &'a CsvOptions,
}

impl<'a> Cells<'a> {
    #[inline]
    fn get(&self, i: usize) -> Option<&'a str> {
        if self.raw.missing[i] {
            None
        } else {
            Some(self.raw.cell(i))
        }
    }
    fn present(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.raw.len()).filter_map(|i| self.get(i))
    }
}

/// Builds the table: resolves every column's field, converts in parallel,
/// then checks ids.
pub(crate) fn build_table(
    raw: Vec<RawColumn>,
    rows: Rows<'_>,
    opts: &CsvOptions,
) -> Result<AccountTable> {
    let header: Vec<String> = raw.iter().map(|r| r.name.clone()).collect();
    for (i, h) in header.iter().enumerate() {
        if header[..i].contains(h) {
            return Err(Error::DuplicateColumn { name: h.clone() });
        }
    }
    if let Some(spec) = &opts.schema {
        spec.check_against(&header)?;
    }
    let converted: Vec<Result<(Field, Column, Option<IngestWarning>)>> = raw
        .par_iter()
        .map(|r| convert_column(r, &rows, opts))
        .collect();
    let mut fields = Vec::with_capacity(raw.len());
    let mut columns = Vec::with_capacity(raw.len());
    let mut warnings = Vec::new();
    for c in converted {
        let (f, col, w) = c?;
        fields.push(f);
        columns.push(col);
        warnings.extend(w);
    }
    let n_rows = raw.first().map_or(0, RawColumn::len);
    let table = AccountTable::from_parts(Schema::new(fields), columns, n_rows, warnings)?;
    if opts.unique_ids {
        check_unique_ids(&table, &|i| rows.at(i))?;
    }
    Ok(table)
}

/// The first repeated id as [`Error::DuplicateId`], located by `at(row)`.
pub(crate) fn check_unique_ids(table: &AccountTable, at: &dyn Fn(usize) -> Location) -> Result<()> {
    let Some(field) = table.schema().id_column() else {
        return Ok(());
    };
    let col = table.column(&field.name)?;
    let duplicate = |i: usize, first: usize, value: String| Error::DuplicateId {
        at: at(i),
        column: field.name.clone(),
        value,
        first: at(first),
    };
    if let Column::Text(t) = col {
        // The usual case: borrow the strings, no allocation per row.
        let mut seen: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
        seen.reserve(table.n_rows());
        for i in 0..table.n_rows() {
            if let Some(v) = t.get(i)
                && let Some(first) = seen.insert(v, i)
            {
                return Err(duplicate(i, first, v.to_owned()));
            }
        }
        return Ok(());
    }
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(table.n_rows());
    for i in 0..table.n_rows() {
        let Some(v) = col.display_value(i) else {
            continue;
        };
        if let Some(&first) = seen.get(&v) {
            return Err(duplicate(i, first, v));
        }
        seen.insert(v, i);
    }
    Ok(())
}

fn convert_column(
    raw: &RawColumn,
    rows: &Rows<'_>,
    opts: &CsvOptions,
) -> Result<(Field, Column, Option<IngestWarning>)> {
    let spec = opts.schema.as_ref().and_then(|s| s.get(&raw.name));
    let role = spec
        .and_then(|s| s.role)
        .unwrap_or_else(|| default_role(&raw.name));
    let dimension = spec
        .and_then(|s| s.dimension)
        .unwrap_or_else(|| default_dimension(&raw.name));
    let cells = Cells { raw, opts };
    let n = raw.len();
    let present = raw.missing.iter().filter(|m| !**m).count();
    let mut parsed = None;
    let mut warning = None;
    let kind = match spec.and_then(|s| s.kind) {
        Some(k) => k,
        None if role == Role::Id => Kind::Text,
        None if present == 0 => {
            if n > 0 {
                warning = Some(IngestWarning::AllMissing {
                    column: raw.name.clone(),
                });
            }
            Kind::Numeric
        }
        None => {
            let (kind, numbers) = infer_kind(&cells, n, present, rows)?;
            parsed = numbers;
            kind
        }
    };
    if spec.and_then(|s| s.kind).is_some() && present == 0 && n > 0 {
        warning = Some(IngestWarning::AllMissing {
            column: raw.name.clone(),
        });
    }
    let column = match kind {
        Kind::Numeric => Column::Numeric(
            match parsed {
                Some(v) => v,
                None => to_numeric(&cells, n, rows)?,
            }
            .into(),
        ),
        Kind::Flag => Column::Flag(to_flag(&cells, n, rows)?),
        Kind::Date => Column::Date(to_date(&cells, n, rows)?),
        Kind::Categorical => Column::Categorical(to_categorical(&cells, n)),
        Kind::TagSet => Column::TagSet(to_tag_set(&cells, n)),
        Kind::Text => Column::Text(to_text(&cells, n)?),
    };
    Ok((
        Field {
            name: raw.name.clone(),
            kind,
            role,
            dimension,
        },
        column,
        warning,
    ))
}

/// The inferred kind; for a numeric column also its parsed values, so that
/// nothing is parsed twice.
fn infer_kind(
    cells: &Cells<'_>,
    n: usize,
    present: usize,
    rows: &Rows<'_>,
) -> Result<(Kind, Option<Vec<f64>>)> {
    let lenient = cells.opts.lenient_numbers;
    let mut numbers = 0usize;
    let mut first_non_number = None;
    let mut failures = 0usize;
    let mut parsed = Vec::with_capacity(n);
    for i in 0..n {
        match cells.get(i) {
            None => parsed.push(f64::NAN),
            Some(c) => match parse_number(c, lenient) {
                Some(x) => {
                    numbers += 1;
                    parsed.push(x);
                }
                None => {
                    first_non_number.get_or_insert(i);
                    failures += 1;
                    // Once more than 5 % fail the column cannot be "almost
                    // numeric": stop parsing.
                    if present < 20 || failures * 100 > present * 5 {
                        break;
                    }
                }
            },
        }
    }
    if numbers == present {
        return Ok((Kind::Numeric, Some(parsed)));
    }
    drop(parsed);
    if present >= 20 && numbers * 100 >= present * 95 {
        let i = first_non_number.unwrap_or(0);
        return Err(Error::Parse {
            at: rows.at(i),
            column: cells.raw.name.clone(),
            value: cells.get(i).unwrap_or_default().to_owned(),
            expected: format!(
                "a number ({numbers} of {present} values are numbers; declare the column's kind in a schema if it is not numeric)"
            ),
        });
    }
    let all = |f: &dyn Fn(&str) -> bool| cells.present().all(f);
    let kind = if all(&|c| parse_flag(c).is_some()) {
        Kind::Flag
    } else if all(&|c| date::parse_iso(c).is_some()) {
        Kind::Date
    } else if cells
        .present()
        .any(|c| c.contains(cells.opts.tag_separator))
    {
        Kind::TagSet
    } else {
        Kind::Categorical
    };
    Ok((kind, None))
}

/// Parses a number. Strict: Rust's float syntax (`1e3`, `-0.5`, `inf` excluded).
/// Lenient: also drops thousands separators (`,`, `_`, spaces, `'`) and a
/// leading or trailing currency symbol (`$ € £ ¥`).
pub(crate) fn parse_number(s: &str, lenient: bool) -> Option<f64> {
    let strict = |t: &str| t.parse::<f64>().ok().filter(|x| x.is_finite());
    if let Some(x) = strict(s) {
        return Some(x);
    }
    if !lenient {
        return None;
    }
    let t = s.trim_matches(|c: char| matches!(c, '$' | '€' | '£' | '¥') || c.is_whitespace());
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start_matches(['$', '€', '£', '¥'])),
        None => (false, t),
    };
    let cleaned: String = t
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' ' | '\''))
        .collect();
    if cleaned.is_empty() || !cleaned.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    strict(&cleaned).map(|x| if neg { -x } else { x })
}

/// Parses a boolean word, ignoring case.
pub(crate) fn parse_flag(s: &str) -> Option<bool> {
    const TRUE: [&str; 4] = ["true", "yes", "y", "t"];
    const FALSE: [&str; 4] = ["false", "no", "n", "f"];
    if TRUE.iter().any(|w| w.eq_ignore_ascii_case(s)) {
        Some(true)
    } else if FALSE.iter().any(|w| w.eq_ignore_ascii_case(s)) {
        Some(false)
    } else {
        None
    }
}

fn parse_error(cells: &Cells<'_>, rows: &Rows<'_>, i: usize, value: &str, expected: &str) -> Error {
    Error::Parse {
        at: rows.at(i),
        column: cells.raw.name.clone(),
        value: value.to_owned(),
        expected: expected.into(),
    }
}

fn to_numeric(cells: &Cells<'_>, n: usize, rows: &Rows<'_>) -> Result<Vec<f64>> {
    let lenient = cells.opts.lenient_numbers;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(match cells.get(i) {
            None => f64::NAN,
            Some(c) => parse_number(c, lenient)
                .ok_or_else(|| parse_error(cells, rows, i, c, "a number"))?,
        });
    }
    Ok(out)
}

fn to_flag(cells: &Cells<'_>, n: usize, rows: &Rows<'_>) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(match cells.get(i) {
            None => FLAG_MISSING,
            Some(c) => match parse_flag(c)
                .or_else(|| ["1", "0"].iter().position(|w| *w == c).map(|p| p == 0))
            {
                Some(b) => u8::from(b),
                None => {
                    return Err(parse_error(
                        cells,
                        rows,
                        i,
                        c,
                        "true/false, yes/no, y/n, t/f or 1/0",
                    ));
                }
            },
        });
    }
    Ok(out)
}

fn to_date(cells: &Cells<'_>, n: usize, rows: &Rows<'_>) -> Result<Vec<i32>> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(match cells.get(i) {
            None => DATE_MISSING,
            Some(c) => date::parse_iso(c)
                .ok_or_else(|| parse_error(cells, rows, i, c, "a date YYYY-MM-DD"))?,
        });
    }
    Ok(out)
}

fn fold<'a>(s: &'a str, fold_case: bool) -> std::borrow::Cow<'a, str> {
    if fold_case && s.chars().any(char::is_uppercase) {
        s.to_lowercase().into()
    } else {
        s.into()
    }
}

fn to_categorical(cells: &Cells<'_>, n: usize) -> CategoricalColumn {
    let mut interner = Interner::default();
    let mut codes: Vec<u32> = (0..n)
        .map(|i| {
            cells.get(i).map_or(MISSING_CODE, |c| {
                interner.code(fold(c, cells.opts.fold_case))
            })
        })
        .collect();
    let (levels, remap) = interner.finish();
    remap_codes(&mut codes, &remap);
    // ok: every code comes from the interner, so it indexes `levels`.
    CategoricalColumn::new(codes, levels).expect("interned codes are in range")
}

fn to_tag_set(cells: &Cells<'_>, n: usize) -> TagSetColumn {
    let sep = cells.opts.tag_separator;
    let mut interner = Interner::default();
    // Flat (row, tag) pairs: no allocation per row.
    let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(n);
    let mut valid = Bitmap::new(n, true);
    for i in 0..n {
        match cells.get(i) {
            None => valid.set(i, false),
            Some(c) => {
                for t in c.split(sep).map(str::trim).filter(|t| !t.is_empty()) {
                    pairs.push((i as u32, interner.code(fold(t, cells.opts.fold_case))));
                }
            }
        }
    }
    let (tags, remap) = interner.finish();
    let words = tags.len().div_ceil(64).max(1);
    let mut bits = vec![0u64; n * words];
    for (i, t) in pairs {
        let t = remap[t as usize] as usize;
        bits[i as usize * words + t / 64] |= 1 << (t % 64);
    }
    TagSetColumn::from_parts(bits, words, tags, valid)
}

fn to_text(cells: &Cells<'_>, n: usize) -> Result<TextColumn> {
    let values: Vec<Option<&str>> = (0..n).map(|i| cells.get(i)).collect();
    TextColumn::from_strings(&cells.raw.name, &values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_strict_and_lenient() {
        assert_eq!(parse_number("1200", false), Some(1200.0));
        assert_eq!(parse_number("-0.5e2", false), Some(-50.0));
        assert_eq!(parse_number("1,200", false), None);
        assert_eq!(parse_number("1,200", true), Some(1200.0));
        assert_eq!(parse_number("$1,200.50", true), Some(1200.5));
        assert_eq!(parse_number("-€900", true), Some(-900.0));
        assert_eq!(parse_number("1 200 000", true), Some(1_200_000.0));
        assert_eq!(parse_number("12k", true), None);
        assert_eq!(parse_number("inf", true), None);
        assert_eq!(parse_number("NaN", false), None);
        assert_eq!(parse_number("$", true), None);
    }

    #[test]
    fn flags() {
        assert_eq!(parse_flag("Yes"), Some(true));
        assert_eq!(parse_flag("F"), Some(false));
        assert_eq!(parse_flag("1"), None);
    }
}
