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

use super::ingest::{RawColumn, Rows, build_table};
use super::{AccountTable, CsvOptions};
use crate::error::{Error, Location, Result};
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
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(opts.delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(&data[..]);
    let csv_err = |e: csv::Error, line: u64| {
        let line = e.position().map_or(line, |p| p.line());
        Error::Csv {
            at: Location::line(path, line),
            message: e.to_string(),
        }
    };
    let mut record = csv::ByteRecord::new();
    if !rdr
        .read_byte_record(&mut record)
        .map_err(|e| csv_err(e, 1))?
    {
        return Err(Error::EmptyInput {
            what: path.map_or("the CSV input".into(), |p| format!("`{p}`")),
        });
    }
    let header_line = record
        .position()
        .map_or(1, |p| counter.line_at(p.byte() as usize));
    let mut raw: Vec<RawColumn> = Vec::with_capacity(record.len());
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
        raw.push(RawColumn::new(name.to_owned(), 0));
    }
    let width = raw.len();
    let mut lines: Vec<u64> = Vec::new();
    loop {
        let next_line = lines.last().map_or(header_line + 1, |l| l + 1);
        if !rdr
            .read_byte_record(&mut record)
            .map_err(|e| csv_err(e, next_line))?
        {
            break;
        }
        let line = record
            .position()
            .map_or(next_line, |p| counter.line_at(p.byte() as usize));
        if record.len() != width {
            return Err(Error::RaggedRow {
                at: Location::line(path, line),
                expected: width,
                found: record.len(),
            });
        }
        for (j, cell) in record.iter().enumerate() {
            let cell = std::str::from_utf8(cell).map_err(|_| Error::Csv {
                at: Location::line(path, line),
                message: format!("column `{}` is not valid UTF-8", raw[j].name),
            })?;
            raw[j].push(cell)?;
        }
        lines.push(line);
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
