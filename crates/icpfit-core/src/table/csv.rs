//! CSV reading (with the `csv` crate) and writing.
//!
//! Behaviour on awkward files, all tested:
//! - an empty file (no header) is [`Error::EmptyInput`];
//! - a header-only file is a table with zero rows (scoring an empty prospect
//!   list is legitimate); kinds come from the schema, or are numeric;
//! - a row with more or fewer fields than the header is [`Error::RaggedRow`];
//! - blank lines are not rows (the `csv` crate skips them);
//! - a UTF-8 byte-order mark is ignored; invalid UTF-8 is [`Error::Csv`] with the line;
//! - a quoted field may span lines: errors still name the line the row starts on.

use super::ingest::{CellFilter, RawColumn, Rows, build_table};
use super::{AccountTable, CsvOptions};
use crate::error::{Error, Location, Result};
use rayon::prelude::*;
use std::io::{Read, Write};
use std::path::Path;

impl AccountTable {
    /// Reads a CSV file.
    pub fn read_csv(path: impl AsRef<Path>, opts: &CsvOptions) -> Result<Self> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|source| Error::Io {
            path: shown.clone(),
            source,
        })?;
        read(file, Some(&shown), opts)
    }

    /// Reads CSV from any reader (a string's bytes, a network body...).
    pub fn from_csv_reader(reader: impl Read, opts: &CsvOptions) -> Result<Self> {
        read(reader, None, opts)
    }

    /// Writes the table as CSV: header, then one line per row; missing values
    /// as empty cells, dates as `YYYY-MM-DD`, tags joined with `;`. Reading
    /// the output back with the same schema gives an equal table.
    pub fn write_csv(&self, writer: impl Write) -> Result<()> {
        let io = |e: csv::Error| Error::Csv {
            at: Location::line(None, 0),
            message: e.to_string(),
        };
        let mut w = csv::Writer::from_writer(writer);
        w.write_record(self.schema().fields().iter().map(|f| f.name.as_str()))
            .map_err(io)?;
        let mut record = Vec::with_capacity(self.n_cols());
        for i in 0..self.n_rows() {
            record.clear();
            record.extend(
                self.columns()
                    .iter()
                    .map(|c| c.display_value(i).unwrap_or_default()),
            );
            w.write_record(&record).map_err(io)?;
        }
        w.flush().map_err(|e| Error::Io {
            path: "<csv writer>".into(),
            source: e,
        })
    }
}

/// Counts lines by byte offset, because the `csv` crate's own line counter
/// skips blank lines.
struct LineCounter<'a> {
    data: &'a [u8],
    offset: usize,
    line: u64,
}

impl LineCounter<'_> {
    /// The 1-based line of byte `offset` (offsets must not decrease).
    fn line_at(&mut self, offset: usize) -> u64 {
        // A record's reported start may sit on the blank lines before it.
        let mut end = offset.min(self.data.len());
        while end < self.data.len() && matches!(self.data[end], b'\n' | b'\r') {
            end += 1;
        }
        if end > self.offset {
            self.line += self.data[self.offset..end]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            self.offset = end;
        }
        self.line
    }
}

/// Inputs above this size are parsed in parallel chunks.
const PARALLEL_MIN_BYTES: usize = 4 << 20;

fn builder(opts: &CsvOptions) -> csv::ReaderBuilder {
    let mut b = csv::ReaderBuilder::new();
    b.delimiter(opts.delimiter)
        .has_headers(false)
        .flexible(true);
    b
}

fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// Record boundaries splitting `body` into about `k` chunks: after a newline
/// that is outside quotes (RFC 4180 quoting: a `"` toggles; an escaped `""`
/// toggles twice). Without any quote in the input, any newline is a
/// boundary and no byte needs scanning.
fn chunk_bounds(body: &[u8], k: usize) -> Vec<usize> {
    let mut bounds = vec![0];
    if k > 1 && body.len() >= PARALLEL_MIN_BYTES {
        let quoted = body.contains(&b'"');
        let mut in_quote = false;
        let mut pos = 0;
        for i in 1..k {
            let target = body.len() * i / k;
            if quoted {
                while pos < body.len() && (pos < target || in_quote || body[pos] != b'\n') {
                    if body[pos] == b'"' {
                        in_quote = !in_quote;
                    }
                    pos += 1;
                }
            } else {
                pos = pos.max(target);
                while pos < body.len() && body[pos] != b'\n' {
                    pos += 1;
                }
            }
            if pos >= body.len() {
                break;
            }
            pos += 1; // past the newline
            bounds.push(pos);
        }
    }
    bounds.push(body.len());
    bounds.dedup();
    bounds
}

fn read(mut reader: impl Read, path: Option<&str>, opts: &CsvOptions) -> Result<AccountTable> {
    let mut data = Vec::new();
    reader.read_to_end(&mut data).map_err(|source| Error::Io {
        path: path.unwrap_or("<reader>").to_owned(),
        source,
    })?;
    let mut counter = LineCounter {
        data: &data,
        offset: 0,
        line: 1,
    };
    let mut rdr = builder(opts).from_reader(&data[..]);
    let mut record = csv::ByteRecord::new();
    let header_found = rdr.read_byte_record(&mut record).map_err(|e| Error::Csv {
        at: Location::line(path, e.position().map_or(1, |p| p.line())),
        message: e.to_string(),
    })?;
    if !header_found {
        return Err(Error::EmptyInput {
            what: path.map_or("the CSV input".into(), |p| format!("`{p}`")),
        });
    }
    let header_line = record
        .position()
        .map_or(1, |p| counter.line_at(p.byte() as usize));
    let mut names = Vec::with_capacity(record.len());
    for (j, name) in record.iter().enumerate() {
        let name = std::str::from_utf8(name).map_err(|_| Error::Csv {
            at: Location::line(path, header_line),
            message: format!("header field {} is not valid UTF-8", j + 1),
        })?;
        let name = name.trim_start_matches('\u{feff}').trim();
        if name.is_empty() {
            return Err(Error::Csv {
                at: Location::line(path, header_line),
                message: format!("header field {} is empty: every column needs a name", j + 1),
            });
        }
        names.push(name.to_owned());
    }
    let body_start = (rdr.position().byte() as usize).min(data.len());
    let body = &data[body_start..];
    let body_line = 1 + count_newlines(&data[..body_start]);
    let bounds = chunk_bounds(body, 2 * rayon::current_num_threads());
    let ranges: Vec<(usize, usize)> = bounds.windows(2).map(|w| (w[0], w[1])).collect();
    let newlines: Vec<u64> = ranges
        .par_iter()
        .map(|&(a, b)| count_newlines(&body[a..b]))
        .collect();
    let mut base_lines = Vec::with_capacity(ranges.len());
    let mut line = body_line;
    for n in &newlines {
        base_lines.push(line);
        line += n;
    }
    let parts: Vec<Result<(Vec<RawColumn>, Vec<u64>)>> = ranges
        .par_iter()
        .zip(&base_lines)
        .map(|(&(a, b), &base)| parse_chunk(&body[a..b], base, &names, path, opts))
        .collect();
    let mut raw: Vec<RawColumn> = names.iter().map(|n| RawColumn::new(n.clone(), 0)).collect();
    let mut lines: Vec<u64> = Vec::new();
    for part in parts {
        let (columns, part_lines) = part?;
        for (r, c) in raw.iter_mut().zip(columns) {
            r.append(c)?;
        }
        lines.extend(part_lines);
    }
    build_table(
        raw,
        Rows::Lines {
            path,
            lines: &lines,
        },
        opts,
    )
}

/// Parses one chunk of records; `base_line` is the 1-based line of its first byte.
fn parse_chunk(
    chunk: &[u8],
    base_line: u64,
    names: &[String],
    path: Option<&str>,
    opts: &CsvOptions,
) -> Result<(Vec<RawColumn>, Vec<u64>)> {
    let width = names.len();
    let mut counter = LineCounter {
        data: chunk,
        offset: 0,
        line: base_line,
    };
    // Pre-size from the average row: no repeated growth of the big buffers.
    let rows_estimate = (count_newlines(&chunk[..chunk.len().min(1 << 16)]) as usize).max(1)
        * (chunk.len() / (1 << 16)).max(1);
    let mut raw: Vec<RawColumn> = names
        .iter()
        .map(|n| RawColumn::new(n.clone(), rows_estimate))
        .collect();
    let mut lines: Vec<u64> = Vec::with_capacity(rows_estimate);
    let mut rdr = builder(opts).from_reader(chunk);
    let filter = CellFilter::new(opts);
    // A StringRecord checks UTF-8 once per record, not once per cell.
    let mut record = csv::StringRecord::new();
    loop {
        let more = rdr.read_record(&mut record).map_err(|e| {
            let line = e
                .position()
                .map_or(base_line, |p| counter.line_at(p.byte() as usize));
            let message = match e.kind() {
                csv::ErrorKind::Utf8 { err, .. } => format!(
                    "column `{}` is not valid UTF-8",
                    names.get(err.field()).map_or("?", String::as_str)
                ),
                _ => e.to_string(),
            };
            Error::Csv {
                at: Location::line(path, line),
                message,
            }
        })?;
        if !more {
            break;
        }
        let line = record
            .position()
            .map_or(base_line, |p| counter.line_at(p.byte() as usize));
        if record.len() != width {
            return Err(Error::RaggedRow {
                at: Location::line(path, line),
                expected: width,
                found: record.len(),
            });
        }
        for (column, cell) in raw.iter_mut().zip(record.iter()) {
            column.push(cell, &filter)?;
        }
        lines.push(line);
    }
    Ok((raw, lines))
}
