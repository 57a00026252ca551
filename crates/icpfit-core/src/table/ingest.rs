//! From raw text cells to typed columns: the one path shared by the CSV
//! reader and the serde-records reader, so both infer and fail alike.
//!
//! Readers cut their input into chunks and store each cell straight into its
//! column's typed part ([`super::parts`]): a number, or a code in the
//! chunk's dictionary. Then each column, independently and in parallel,
//! joins its parts and, unless declared, has its kind inferred from its
//! *distinct* values; flags, dates, tags and case folding are likewise
//! computed once per distinct value, and rows only look them up.
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
use super::levels::Interner;
use super::parts::{CellFilter, DictPart, Part, Plan};
use super::schema::{Field, Schema, SchemaSpec, default_dimension, default_role};
use super::{AccountTable, IngestWarning};
use crate::error::{Error, Location, Result};
use rayon::prelude::*;

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

/// How to name the place of row `i` in errors.
pub(crate) enum Rows<'a> {
    /// Text lines (1-based) of an optional file, kept per chunk: row `i` of
    /// chunk `c` (which starts at row `starts[c]`) is on line
    /// `bases[c] + lines[c][i - starts[c]]`. No file-long copy is made.
    Lines {
        path: Option<&'a str>,
        starts: &'a [usize],
        bases: &'a [u64],
        lines: &'a [Vec<u64>],
    },
    /// In-memory rows (0-based).
    Records,
}

impl Rows<'_> {
    fn at(&self, i: usize) -> Location {
        match self {
            Rows::Lines {
                path,
                starts,
                bases,
                lines,
            } => {
                let c = starts.partition_point(|&s| s <= i).saturating_sub(1);
                Location::line(*path, bases[c] + lines[c][i - starts[c]])
            }
            Rows::Records => Location::row(i),
        }
    }
}

/// Where the cells came from, to read a column's cells of one chunk again
/// (a column read as numbers that turns out not to be numeric).
pub(crate) trait Source: Sync {
    /// Pushes the first `rows` cells of `column` in chunk `chunk`, filtered
    /// as on the first read, into `sink`.
    fn reread(&self, chunk: usize, column: usize, rows: usize, sink: &mut DictPart) -> Result<()>;
}

/// Checks a header before any cell is read: distinct names, and every
/// column the schema declares present.
pub(crate) fn check_header(names: &[String], opts: &CsvOptions) -> Result<()> {
    for (i, h) in names.iter().enumerate() {
        if names[..i].contains(h) {
            return Err(Error::DuplicateColumn { name: h.clone() });
        }
    }
    if let Some(spec) = &opts.schema {
        spec.check_against(names)?;
    }
    Ok(())
}

/// The reading plan of every column.
pub(crate) fn plans(names: &[String], opts: &CsvOptions) -> Vec<Plan> {
    names
        .iter()
        .map(|n| Plan::of(n, opts.schema.as_ref()))
        .collect()
}

/// Builds the table from the parts of every chunk (`chunks[c][j]` is column
/// `j` of chunk `c`): settles each column's kind and joins its parts, columns
/// in parallel; then checks ids.
pub(crate) fn build_table(
    names: &[String],
    chunks: Vec<Vec<Part>>,
    source: &dyn Source,
    rows: Rows<'_>,
    opts: &CsvOptions,
) -> Result<AccountTable> {
    let mut columns: Vec<Vec<Part>> = names
        .iter()
        .map(|_| Vec::with_capacity(chunks.len()))
        .collect();
    for chunk in chunks {
        for (column, part) in columns.iter_mut().zip(chunk) {
            column.push(part);
        }
    }
    let n_rows = columns
        .first()
        .map_or(0, |parts| parts.iter().map(Part::len).sum());
    let converted: Vec<Result<(Field, Column, Option<IngestWarning>)>> = columns
        .into_par_iter()
        .enumerate()
        .map(|(j, parts)| convert_column(&names[j], j, parts, source, &rows, opts))
        .collect();
    let mut fields = Vec::with_capacity(names.len());
    let mut cols = Vec::with_capacity(names.len());
    let mut warnings = Vec::new();
    for c in converted {
        let (f, col, w) = c?;
        fields.push(f);
        cols.push(col);
        warnings.extend(w);
    }
    let table = AccountTable::from_parts(Schema::new(fields), cols, n_rows, warnings)?;
    if opts.unique_ids {
        super::unique::check_unique_ids(&table, &|i| rows.at(i))?;
    }
    Ok(table)
}

/// One column from its parts: text for ids; numeric when every part stayed
/// numbers; otherwise one dictionary over all chunks, whose distinct values
/// settle the kind and convert once each.
fn convert_column(
    name: &str,
    j: usize,
    parts: Vec<Part>,
    source: &dyn Source,
    rows: &Rows<'_>,
    opts: &CsvOptions,
) -> Result<(Field, Column, Option<IngestWarning>)> {
    let spec = opts.schema.as_ref().and_then(|s| s.get(name));
    let role = spec
        .and_then(|s| s.role)
        .unwrap_or_else(|| default_role(name));
    let dimension = spec
        .and_then(|s| s.dimension)
        .unwrap_or_else(|| default_dimension(name));
    let declared = spec.and_then(|s| s.kind);
    let n: usize = parts.iter().map(Part::len).sum();
    let all_missing = || IngestWarning::AllMissing {
        column: name.to_owned(),
    };
    let plan = Plan::of(name, opts.schema.as_ref());
    let (column, present) = if plan == Plan::Text {
        let text = join_text(name, parts)?;
        let present = text.valid().count_ones();
        (Column::Text(text), present)
    } else if plan != Plan::Dict && parts.iter().all(|p| matches!(p, Part::Numbers(_))) {
        // The first part's buffer grows in place (a large reallocation
        // remaps pages rather than copying them); the others are appended.
        let mut values: Vec<f64> = Vec::new();
        for p in parts {
            if let Part::Numbers(v) = p {
                if values.is_empty() {
                    values = v;
                    values.reserve_exact(n - values.len());
                } else {
                    values.extend_from_slice(&v);
                }
            }
        }
        let present = values.iter().filter(|x| !x.is_nan()).count();
        (Column::Numeric(values.into()), present)
    } else {
        let dict = join_dicts(j, parts, source, n, opts)?;
        let present =
            dict.codes().len() - dict.codes().iter().filter(|&&c| c == MISSING_CODE).count();
        let kind = match declared {
            Some(k) => k,
            None => infer_kind(name, &dict, present, rows, opts)?,
        };
        (from_levels(name, dict, kind, rows, opts)?, present)
    };
    let warning = (present == 0 && n > 0).then(all_missing);
    Ok((
        Field {
            name: name.to_owned(),
            kind: column.kind(),
            role,
            dimension,
        },
        column,
        warning,
    ))
}

/// The text parts of one column, end to end.
fn join_text(name: &str, parts: Vec<Part>) -> Result<TextColumn> {
    let n: usize = parts.iter().map(Part::len).sum();
    let total: usize = parts
        .iter()
        .map(|p| match p {
            Part::Text(t) => t.bytes.len(),
            _ => 0,
        })
        .sum();
    let mut bytes = String::with_capacity(total);
    let mut offsets = Vec::with_capacity(n + 1);
    offsets.push(0u32);
    let mut missing = Vec::with_capacity(n);
    let too_long = || Error::Capacity {
        column: name.to_owned(),
        message: "more than 4 GiB of text".into(),
    };
    for part in parts {
        let Part::Text(t) = part else {
            return Err(Error::invalid(
                name,
                "a text column was read as another kind",
            ));
        };
        let shift = bytes.len();
        bytes.push_str(&t.bytes);
        for e in t.ends {
            offsets.push(u32::try_from(shift + e).map_err(|_| too_long())?);
        }
        missing.extend(t.missing);
    }
    Ok(TextColumn::from_raw(
        offsets,
        bytes,
        Bitmap::from_fn(n, |i| !missing[i]),
    ))
}

/// One dictionary over every chunk of a column, levels sorted, values
/// trimmed and missing tokens dropped (once per distinct value). Parts read
/// as numbers are read again as text first.
fn join_dicts(
    j: usize,
    parts: Vec<Part>,
    source: &dyn Source,
    n: usize,
    opts: &CsvOptions,
) -> Result<CategoricalColumn> {
    let mut dicts = Vec::with_capacity(parts.len());
    for (c, part) in parts.into_iter().enumerate() {
        dicts.push(match part {
            Part::Dict(d) => d,
            other => {
                let mut d = DictPart::with_capacity(other.len());
                source.reread(c, j, other.len(), &mut d)?;
                d
            }
        });
    }
    // Trimming and missing tokens, once per distinct raw value.
    let filter = CellFilter::new(opts);
    let mut interner = Interner::default();
    let firsts: Vec<Vec<u32>> = dicts
        .iter()
        .map(|d| {
            d.levels
                .iter()
                .map(|l| filter.apply(l).map_or(MISSING_CODE, |t| interner.code(t)))
                .collect()
        })
        .collect();
    let (levels, remap) = interner.finish();
    // MISSING_CODE indexes nothing and stays missing.
    let renumber =
        |c: u32, to_sorted: &[u32]| to_sorted.get(c as usize).copied().unwrap_or(MISSING_CODE);
    let mut codes: Vec<u32> = Vec::new();
    for (d, first) in dicts.into_iter().zip(&firsts) {
        let to_sorted: Vec<u32> = first
            .iter()
            .map(|&f| remap.get(f as usize).copied().unwrap_or(MISSING_CODE))
            .collect();
        if codes.is_empty() {
            // The first part's buffer is renumbered in place and grows.
            codes = d.codes;
            codes.iter_mut().for_each(|c| *c = renumber(*c, &to_sorted));
            codes.reserve_exact(n - codes.len());
        } else {
            codes.extend(d.codes.iter().map(|&c| renumber(c, &to_sorted)));
        }
    }
    // Every code comes from a `to_sorted` map into `levels`: no need to check.
    Ok(CategoricalColumn::from_trusted(codes, levels))
}

/// The kind of an undeclared column from its distinct values (see the
/// module comment for the order).
fn infer_kind(
    name: &str,
    dict: &CategoricalColumn,
    present: usize,
    rows: &Rows<'_>,
    opts: &CsvOptions,
) -> Result<Kind> {
    if present == 0 {
        return Ok(Kind::Numeric);
    }
    let levels = dict.levels();
    let is_number: Vec<bool> = levels
        .iter()
        .map(|l| parse_number(l, opts.lenient_numbers).is_some())
        .collect();
    if !is_number.contains(&true) {
        return Ok(non_numeric_kind(levels, opts));
    }
    let counts = dict.level_counts();
    let numbers: usize = counts
        .iter()
        .zip(&is_number)
        .filter(|(_, n)| **n)
        .map(|(c, _)| c)
        .sum();
    if numbers == present {
        return Ok(Kind::Numeric);
    }
    if present >= 20 && numbers * 100 >= present * 95 {
        let i = first_row_where(dict.codes(), |c| !is_number[c]).unwrap_or(0);
        return Err(Error::Parse {
            at: rows.at(i),
            column: name.to_owned(),
            value: dict.get(i).unwrap_or_default().to_owned(),
            expected: format!(
                "a number ({numbers} of {present} values are numbers; declare the column's kind in a schema if it is not numeric)"
            ),
        });
    }
    Ok(non_numeric_kind(levels, opts))
}

/// Flag, date, tag set or categorical, from the distinct values.
fn non_numeric_kind(levels: &[String], opts: &CsvOptions) -> Kind {
    let all = |f: &dyn Fn(&str) -> bool| levels.iter().all(|l| f(l));
    if all(&|c| parse_flag(c).is_some()) {
        Kind::Flag
    } else if all(&|c| date::parse_iso(c).is_some()) {
        Kind::Date
    } else if levels.iter().any(|l| l.contains(opts.tag_separator)) {
        Kind::TagSet
    } else {
        Kind::Categorical
    }
}

/// The first row whose (present) code satisfies `f`.
fn first_row_where(codes: &[u32], f: impl Fn(usize) -> bool) -> Option<usize> {
    codes
        .iter()
        .position(|&c| c != MISSING_CODE && f(c as usize))
}

/// Parses a number. Strict: Rust's float syntax (`1e3`, `-0.5`, `inf` excluded).
/// Lenient: also drops thousands separators (`,`, `_`, spaces, `'`) and a
/// leading or trailing currency symbol (`$ € £ ¥`).
pub(crate) fn parse_number(s: &str, lenient: bool) -> Option<f64> {
    if let Some(x) = parse_plain_decimal(s) {
        return Some(x);
    }
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

/// Exact powers of ten up to 10^15.
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// The fast path for the numbers CRM exports are made of (`1200`,
/// `-0.25`): an optional minus, digits, at most one point, at most 15
/// digits. The mantissa (< 10^15 < 2^53) and the power of ten are then exact
/// doubles and one IEEE division rounds correctly, so the value is the one
/// `str::parse` gives (Clinger's fast path), at a fraction of the cost.
/// Anything else returns `None` and takes the general parser.
#[inline]
fn parse_plain_decimal(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let (negative, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        _ => (false, b),
    };
    if digits.len() > 16 {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut n_digits = 0usize;
    let mut point: Option<usize> = None;
    for (i, &c) in digits.iter().enumerate() {
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(c - b'0');
                n_digits += 1;
            }
            b'.' if point.is_none() => point = Some(i),
            _ => return None,
        }
    }
    if n_digits == 0 || n_digits > 15 {
        return None;
    }
    let decimals = point.map_or(0, |p| digits.len() - p - 1);
    let x = mantissa as f64 / POW10[decimals];
    Some(if negative { -x } else { x })
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

/// The column of kind `kind` from a dictionary-encoded column: each distinct
/// value is parsed (or split, or case-folded) once, rows are a lookup.
fn from_levels(
    name: &str,
    dict: CategoricalColumn,
    kind: Kind,
    rows: &Rows<'_>,
    opts: &CsvOptions,
) -> Result<Column> {
    let lenient = opts.lenient_numbers;
    Ok(match kind {
        Kind::Numeric => Column::Numeric(
            by_level(name, &dict, rows, f64::NAN, "a number", |l| {
                parse_number(l, lenient)
            })?
            .into(),
        ),
        Kind::Flag => Column::Flag(by_level(
            name,
            &dict,
            rows,
            FLAG_MISSING,
            "true/false, yes/no, y/n, t/f or 1/0",
            |l| {
                parse_flag(l)
                    .or_else(|| ["1", "0"].iter().position(|w| *w == l).map(|p| p == 0))
                    .map(u8::from)
            },
        )?),
        Kind::Date => Column::Date(by_level(
            name,
            &dict,
            rows,
            DATE_MISSING,
            "a date YYYY-MM-DD",
            date::parse_iso,
        )?),
        Kind::Categorical => Column::Categorical(fold_levels(dict, opts.fold_case)),
        Kind::TagSet => Column::TagSet(TagSetColumn::split_levels(
            &fold_levels(dict, opts.fold_case),
            opts.tag_separator,
        )),
        Kind::Text => {
            let values: Vec<Option<&str>> = (0..dict.codes().len()).map(|i| dict.get(i)).collect();
            Column::Text(TextColumn::from_strings(name, &values)?)
        }
    })
}

/// Rows mapped through one parsed value per level; the first row whose
/// value does not parse is the error.
fn by_level<T: Copy>(
    name: &str,
    dict: &CategoricalColumn,
    rows: &Rows<'_>,
    missing: T,
    expected: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Vec<T>> {
    let parsed: Vec<Option<T>> = dict.levels().iter().map(|l| parse(l)).collect();
    if let Some(i) = first_row_where(dict.codes(), |c| parsed[c].is_none()) {
        return Err(Error::Parse {
            at: rows.at(i),
            column: name.to_owned(),
            value: dict.get(i).unwrap_or_default().to_owned(),
            expected: expected.into(),
        });
    }
    let values: Vec<T> = parsed.into_iter().map(|p| p.unwrap_or(missing)).collect();
    Ok(dict
        .codes()
        .iter()
        .map(|&c| values.get(c as usize).copied().unwrap_or(missing))
        .collect())
}

/// Lower-cases the levels when asked, merging those that become equal.
fn fold_levels(dict: CategoricalColumn, fold_case: bool) -> CategoricalColumn {
    if !fold_case
        || !dict
            .levels()
            .iter()
            .any(|l| l.chars().any(char::is_uppercase))
    {
        return dict;
    }
    let mut interner = Interner::default();
    let firsts: Vec<u32> = dict
        .levels()
        .iter()
        .map(|l| interner.code(l.to_lowercase()))
        .collect();
    let (levels, remap) = interner.finish();
    let to_folded: Vec<u32> = firsts.iter().map(|&f| remap[f as usize]).collect();
    let codes = dict
        .codes()
        .iter()
        .map(|&c| to_folded.get(c as usize).copied().unwrap_or(MISSING_CODE))
        .collect();
    // Every code comes from `to_folded`, which indexes `levels`.
    CategoricalColumn::from_trusted(codes, levels)
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

    proptest::proptest! {
        /// The fast path gives exactly what the general parser gives.
        #[test]
        fn plain_decimals_parse_as_std_does(
            negative: bool,
            int in "[0-9]{0,9}",
            frac in proptest::option::of("[0-9]{0,8}"),
        ) {
            let s = format!(
                "{}{int}{}",
                if negative { "-" } else { "" },
                frac.map(|f| format!(".{f}")).unwrap_or_default()
            );
            let std = s.parse::<f64>().ok();
            let fast = parse_number(&s, false);
            proptest::prop_assert_eq!(fast.map(f64::to_bits), std.map(f64::to_bits), "{}", s);
        }
    }

    #[test]
    fn plain_decimal_edges() {
        for s in [
            "0",
            "-0",
            "5.",
            ".5",
            "007",
            "123456789012345",
            "0.000000000000001",
            "99.99",
        ] {
            assert_eq!(
                parse_number(s, false).map(f64::to_bits),
                s.parse::<f64>().ok().map(f64::to_bits),
                "{s}"
            );
        }
        // Too many digits for the fast path: the general parser decides.
        assert_eq!(
            parse_number("1234567890123456789", false),
            Some(1.2345678901234568e18)
        );
        assert_eq!(parse_number(".", false), None);
        assert_eq!(parse_number("-", false), None);
        assert_eq!(parse_number("1.2.3", false), None);
    }

    #[test]
    fn flags() {
        assert_eq!(parse_flag("Yes"), Some(true));
        assert_eq!(parse_flag("F"), Some(false));
        assert_eq!(parse_flag("1"), None);
    }
}
