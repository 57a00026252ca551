//! A fast CSV formatter for generated tables. It writes exactly the bytes of
//! [`AccountTable::write_csv`] (same number formatting, same quoting rules as
//! the `csv` crate's default writer; a test compares the two), without a
//! `String` per cell, so that large exports are bound by generation rather
//! than formatting.

use crate::table::{AccountTable, Column, DATE_MISSING, FLAG_MISSING, MISSING_CODE, date};

/// Whether the `csv` crate's default writer quotes this field.
#[inline]
fn needs_quotes(field: &[u8]) -> bool {
    field
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
}

/// Appends a field, quoted (with doubled quotes) when needed.
fn push_field(out: &mut Vec<u8>, field: &[u8]) {
    if needs_quotes(field) {
        out.push(b'"');
        for &b in field {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(field);
    }
}

/// Appends the header line.
pub(crate) fn write_header(table: &AccountTable, out: &mut Vec<u8>) {
    for (j, f) in table.schema().fields().iter().enumerate() {
        if j > 0 {
            out.push(b',');
        }
        push_field(out, f.name.as_bytes());
    }
    if table.n_cols() == 1 && table.schema().fields()[0].name.is_empty() {
        out.extend_from_slice(b"\"\"");
    }
    out.push(b'\n');
}

#[inline]
fn push_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// [`crate::table::format_number`], without allocating.
#[inline]
fn push_number(out: &mut Vec<u8>, x: f64) {
    use std::io::Write as _;
    if x.fract() == 0.0 && x.abs() < 1e15 {
        let v = x as i64;
        if v < 0 {
            out.push(b'-');
        }
        push_u64(out, v.unsigned_abs());
    } else if x.abs() < 1e9 && push_cents(out, x) {
    } else {
        // ok: writing to a Vec cannot fail.
        let _ = write!(out, "{x}");
    }
}

/// Writes `x` when it is exactly the `f64` nearest to a number of cents
/// (most generated decimals): then its shortest round-trip form, which
/// `Display` prints, is that decimal with trailing zeros dropped. Returns
/// `false`, writing nothing, otherwise.
#[inline]
fn push_cents(out: &mut Vec<u8>, x: f64) -> bool {
    let k = (x * 100.0).round();
    if k / 100.0 != x {
        return false;
    }
    if x < 0.0 {
        out.push(b'-');
    }
    let k = k.abs() as u64;
    push_u64(out, k / 100);
    let cents = (k % 100) as u8;
    out.push(b'.');
    out.push(b'0' + cents / 10);
    if !cents.is_multiple_of(10) {
        out.push(b'0' + cents % 10);
    }
    true
}

#[inline]
fn push_padded(out: &mut Vec<u8>, v: u32, width: usize) {
    let mut buf = [b'0'; 10];
    let mut n = v;
    let mut i = buf.len();
    while n > 0 {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    let start = (buf.len() - width).min(i);
    out.extend_from_slice(&buf[start..]);
}

/// [`date::format_iso`], without allocating for years 0–9999.
#[inline]
fn push_date(out: &mut Vec<u8>, days: i32) {
    let (y, m, d) = date::civil_from_days(days);
    if (0..=9999).contains(&y) {
        push_padded(out, y as u32, 4);
        out.push(b'-');
        push_padded(out, m, 2);
        out.push(b'-');
        push_padded(out, d, 2);
    } else {
        out.extend_from_slice(date::format_iso(days).as_bytes());
    }
}

/// How one column's cells are written.
enum Cells<'a> {
    Numeric(&'a [f64]),
    /// Codes and the level fields, already quoted where needed.
    Categorical(&'a [u32], Vec<Vec<u8>>),
    Flag(&'a [u8]),
    /// Tag sets whose tags need no quoting, joined with `;`.
    Tags(&'a crate::table::TagSetColumn),
    /// Anything else: through [`Column::display_value`].
    Slow(&'a Column),
    Date(&'a [i32]),
}

impl<'a> Cells<'a> {
    fn new(c: &'a Column) -> Self {
        match c {
            Column::Numeric(v) => Cells::Numeric(v),
            Column::Categorical(cat) => Cells::Categorical(
                cat.codes(),
                cat.levels()
                    .iter()
                    .map(|l| {
                        let mut f = Vec::with_capacity(l.len());
                        push_field(&mut f, l.as_bytes());
                        f
                    })
                    .collect(),
            ),
            Column::Flag(v) => Cells::Flag(v),
            Column::Date(v) => Cells::Date(v),
            Column::TagSet(t) if !t.tags().iter().any(|s| needs_quotes(s.as_bytes())) => {
                Cells::Tags(t)
            }
            other => Cells::Slow(other),
        }
    }

    #[inline]
    fn write(&self, i: usize, out: &mut Vec<u8>) {
        match self {
            Cells::Numeric(v) => {
                if !v[i].is_nan() {
                    push_number(out, v[i]);
                }
            }
            Cells::Categorical(codes, fields) => {
                let c = codes[i];
                if c != MISSING_CODE {
                    // ok: a CategoricalColumn's codes index its levels.
                    out.extend_from_slice(&fields[c as usize]);
                }
            }
            Cells::Flag(v) => match v[i] {
                FLAG_MISSING => {}
                1 => out.extend_from_slice(b"true"),
                _ => out.extend_from_slice(b"false"),
            },
            Cells::Date(v) => {
                if v[i] != DATE_MISSING {
                    push_date(out, v[i]);
                }
            }
            Cells::Tags(t) => {
                if t.valid().get(i) {
                    let mut first = true;
                    for (k, tag) in t.tags().iter().enumerate() {
                        if t.has(i, k) {
                            if !first {
                                out.push(b';');
                            }
                            first = false;
                            out.extend_from_slice(tag.as_bytes());
                        }
                    }
                }
            }
            Cells::Slow(c) => {
                if let Some(s) = c.display_value(i) {
                    push_field(out, s.as_bytes());
                }
            }
        }
    }
}

/// Appends every row (no header), as [`AccountTable::write_csv`] would.
pub(crate) fn write_rows(table: &AccountTable, out: &mut Vec<u8>) {
    let cells: Vec<Cells<'_>> = table.columns().iter().map(Cells::new).collect();
    let single = cells.len() == 1;
    for i in 0..table.n_rows() {
        let start = out.len();
        for (j, c) in cells.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            c.write(i, out);
        }
        if single && out.len() == start {
            // The csv crate writes a lone empty field as `""`.
            out.extend_from_slice(b"\"\"");
        }
        out.push(b'\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::format_number;

    #[test]
    fn numbers_and_dates_match_the_table_formatting() {
        let mut rng = super::super::rng::BlockRng::new(1, 0);
        let mut values = vec![
            0.0,
            -0.0,
            0.5,
            -0.05,
            0.1 + 0.2,
            1e15,
            1e16,
            -3.25,
            1e9 + 0.5,
            0.07,
        ];
        for _ in 0..200_000 {
            let x = rng.normal() * 10f64.powi(rng.int_in(0, 12) as i32 - 4);
            values.extend([
                x,
                super::super::rng::round_to(x, 1),
                super::super::rng::round_to(x, 2),
            ]);
        }
        for x in values {
            let mut out = Vec::new();
            push_number(&mut out, x);
            assert_eq!(String::from_utf8(out).unwrap(), format_number(x), "{x:e}");
        }
        for days in (-800_000..3_000_000).step_by(97) {
            let mut out = Vec::new();
            push_date(&mut out, days);
            assert_eq!(String::from_utf8(out).unwrap(), date::format_iso(days));
        }
    }
}
