//! CSV reading and writing.
//!
//! How a file is read: the header with the `csv` crate; the body in chunks
//! (two per thread), each parsed on its own thread. A large file's chunk is
//! read from disk in 16 MiB pieces of whole records, parsed and dropped, so
//! the file is never held whole. Cuts are made at the first newline after
//! each target; a chunk with an odd number of quotes means a quoted field
//! spans a cut, and the input is then cut again, quote-aware, from memory.
//! Lines are split by [`super::split`]; cells go, a block of rows and a
//! column at a time, into typed parts ([`super::parts`]) that
//! [`super::ingest`] joins.
//!
//! Behaviour on awkward files, all tested:
//! - an empty file (no header) is [`Error::EmptyInput`];
//! - a header-only file is a table with zero rows (scoring an empty prospect
//!   list is legitimate); kinds come from the schema, or are numeric;
//! - a row with more or fewer fields than the header is [`Error::RaggedRow`];
//! - blank lines are not rows (the `csv` crate skips them);
//! - a UTF-8 byte-order mark is ignored; invalid UTF-8 is [`Error::Csv`] with the line;
//! - a quoted field may span lines: errors still name the line the row starts on.

use super::ingest::{Rows, Source, build_table, check_header, plans};
use super::parts::{CellFilter, ChunkParts, DictPart, Part, Plan};
use super::split::{Next, Record, Splitter};
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
        let io = |source| Error::Io {
            path: shown.clone(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        #[cfg(unix)]
        {
            let len = file.metadata().map_err(io)?.len();
            if len >= PARALLEL_MIN_BYTES as u64
                && let Some(table) = parse_file(&file, path, len, &shown, opts)?
            {
                return Ok(table);
            }
        }
        let data = read_file(&file).map_err(io)?;
        parse(&data, Some(&shown), opts)
    }

    /// Reads CSV from any reader (a string's bytes, a network body...).
    pub fn from_csv_reader(mut reader: impl Read, opts: &CsvOptions) -> Result<Self> {
        let mut data = Vec::new();
        reader.read_to_end(&mut data).map_err(|source| Error::Io {
            path: "<reader>".into(),
            source,
        })?;
        parse(&data, None, opts)
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

/// Record boundaries splitting `body` into `k` chunks: just after the
/// first newline at or after each cut. Right unless a quoted field spans
/// the newline (checked after parsing, see [`aligned`]).
fn chunk_bounds(body: &Body<'_>, k: usize) -> std::io::Result<Vec<(usize, usize)>> {
    let len = body.len();
    let mut bounds = vec![0];
    if k > 1 && len >= PARALLEL_MIN_BYTES {
        for i in 1..k {
            bounds.push(body.after_newline(len * i / k)?);
        }
    }
    bounds.push(len);
    bounds.dedup();
    Ok(bounds.windows(2).map(|w| (w[0], w[1])).collect())
}

/// Quote-aware bounds for an in-memory body: every byte before a cut is
/// scanned and newlines inside quotes are skipped (RFC 4180: a `"`
/// toggles; an escaped `""` toggles twice).
fn quoted_chunk_bounds(body: &[u8], k: usize) -> Vec<(usize, usize)> {
    let mut bounds = vec![0];
    if k > 1 && body.len() >= PARALLEL_MIN_BYTES {
        let mut in_quote = false;
        let mut pos = 0;
        for i in 1..k {
            let target = body.len() * i / k;
            while pos < body.len() && (pos < target || in_quote || body[pos] != b'\n') {
                if body[pos] == b'"' {
                    in_quote = !in_quote;
                }
                pos += 1;
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
    bounds.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Whether every chunk starts outside quotes: an even number of `"` before
/// it. Only counted when some chunk failed or holds an odd number of quotes.
fn aligned(body: &[u8], ranges: &[(usize, usize)], parsed: &[Result<Parsed>]) -> bool {
    if parsed
        .iter()
        .all(|p| p.as_ref().is_ok_and(|p| p.quotes % 2 == 0))
    {
        return true;
    }
    let quotes: Vec<usize> = ranges
        .par_iter()
        .map(|&(a, b)| memchr::memchr_iter(b'"', &body[a..b]).count())
        .collect();
    let mut before = 0;
    for q in quotes {
        if before % 2 == 1 {
            return false;
        }
        before += q;
    }
    true
}

/// Reads a whole file. On Unix a large file is read in parallel pieces
/// (each thread copies its own part out of the page cache and takes its own
/// page faults); elsewhere, or for a small file, in one pass.
fn read_file(file: &std::fs::File) -> std::io::Result<Vec<u8>> {
    let mut data = Vec::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        let len = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
        if (PARALLEL_MIN_BYTES..usize::MAX).contains(&len) {
            data = vec![0u8; len];
            let piece = len.div_ceil(4 * rayon::current_num_threads());
            data.par_chunks_mut(piece)
                .enumerate()
                .try_for_each(|(i, part)| file.read_exact_at(part, (i * piece) as u64))?;
            // Whatever was appended meanwhile follows.
            let mut rest = file;
            std::io::Seek::seek(&mut rest, std::io::SeekFrom::Start(len as u64))?;
            rest.read_to_end(&mut data)?;
            return Ok(data);
        }
    }
    let mut reader = file;
    reader.read_to_end(&mut data)?;
    Ok(data)
}

/// Bytes of a file read at once: a chunk of a large file is read piece by
/// piece (whole records each), each parsed and dropped, so no copy of the
/// whole file is ever held and the allocator hands the same memory to the
/// next piece (no new page faults). A chunk's columns grow across its pieces.
#[cfg(not(test))]
const PIECE_BYTES: usize = 16 << 20;
/// Small pieces in tests, so that test files have several per chunk.
#[cfg(test)]
const PIECE_BYTES: usize = 1 << 20;

/// Where a CSV body's bytes are (positions are relative to the body's start).
enum Body<'a> {
    /// In memory.
    Memory(&'a [u8]),
    /// In a file, from byte `start`, read piece by piece.
    #[cfg(unix)]
    File {
        path: &'a Path,
        start: u64,
        len: usize,
    },
}

impl Body<'_> {
    fn len(&self) -> usize {
        match self {
            Body::Memory(b) => b.len(),
            #[cfg(unix)]
            Body::File { len, .. } => *len,
        }
    }
    /// Bytes `a..b`: borrowed from memory, or read from the file.
    fn read(&self, a: usize, b: usize) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
        match self {
            Body::Memory(m) => Ok(std::borrow::Cow::Borrowed(&m[a..b])),
            #[cfg(unix)]
            Body::File { path, start, .. } => {
                // A handle of its own per read (reads run in parallel and a
                // handle has one position), and reading into spare capacity:
                // a reused buffer is not zeroed first.
                use std::io::Seek;
                let mut file = std::fs::File::open(path)?;
                file.seek(std::io::SeekFrom::Start(start + a as u64))?;
                let mut buf = Vec::with_capacity(b - a);
                file.take((b - a) as u64).read_to_end(&mut buf)?;
                if buf.len() != b - a {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                Ok(std::borrow::Cow::Owned(buf))
            }
        }
    }
    /// A read failure, naming the file (or the reader) it came from.
    fn io_error(&self, source: std::io::Error) -> Error {
        let path = match self {
            Body::Memory(_) => "<reader>".to_owned(),
            #[cfg(unix)]
            Body::File { path, .. } => path.display().to_string(),
        };
        Error::Io { path, source }
    }
    /// Calls `f` on each piece of `a..b` in order (whole records, about
    /// [`PIECE_BYTES`] each, read once; the whole range at once when in
    /// memory) until it returns `false`.
    fn for_each_piece(
        &self,
        a: usize,
        b: usize,
        mut f: impl FnMut(&[u8]) -> Result<bool>,
    ) -> Result<()> {
        let io = |source| self.io_error(source);
        if let Body::Memory(m) = self {
            f(&m[a..b])?;
            return Ok(());
        }
        let mut start = a;
        while start < b {
            let end = if start + PIECE_BYTES >= b {
                b
            } else {
                self.after_newline(start + PIECE_BYTES).map_err(io)?.min(b)
            };
            if !f(&self.read(start, end).map_err(io)?)? {
                break;
            }
            start = end;
        }
        Ok(())
    }
    /// The position just after the first newline at or after `from`, or the end.
    fn after_newline(&self, from: usize) -> std::io::Result<usize> {
        const WINDOW: usize = 64 << 10;
        let mut pos = from;
        while pos < self.len() {
            let end = (pos + WINDOW).min(self.len());
            if let Some(i) = memchr::memchr(b'\n', &self.read(pos, end)?) {
                return Ok(pos + i + 1);
            }
            pos = end;
        }
        Ok(self.len())
    }
}

/// Reads a large file chunk by chunk. `Ok(None)` when the fast way does not
/// apply (a header longer than the first megabyte, a quoted field spanning
/// a cut, or an error to locate): the caller then reads the whole file.
#[cfg(unix)]
fn parse_file(
    file: &std::fs::File,
    file_path: &Path,
    len: u64,
    path: &str,
    opts: &CsvOptions,
) -> Result<Option<AccountTable>> {
    use std::os::unix::fs::FileExt;
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let Ok(len) = usize::try_from(len) else {
        return Ok(None);
    };
    let mut head = vec![0u8; len.min(1 << 20)];
    file.read_exact_at(&mut head, 0).map_err(io)?;
    let header = read_header(&head, Some(path), opts)?;
    if header.body_start >= head.len() {
        return Ok(None);
    }
    drop(head);
    let body = Body::File {
        path: file_path,
        start: header.body_start as u64,
        len: len - header.body_start,
    };
    let k = 2 * rayon::current_num_threads();
    let ranges = chunk_bounds(&body, k).map_err(|e| body.io_error(e))?;
    let parsed = parse_chunks(&body, &ranges, &header, Some(path), opts);
    if !parsed
        .iter()
        .all(|p| p.as_ref().is_ok_and(|p| p.quotes % 2 == 0))
    {
        return Ok(None);
    }
    assemble(&body, &ranges, parsed, &header, Some(path), opts).map(Some)
}

/// A parsed header: column names, plans, where the body starts.
struct Header {
    names: Vec<String>,
    plans: Vec<Plan>,
    body_start: usize,
    body_line: u64,
}

/// Parses a whole CSV input held in memory.
fn parse(data: &[u8], path: Option<&str>, opts: &CsvOptions) -> Result<AccountTable> {
    let header = read_header(data, path, opts)?;
    let body_bytes = &data[header.body_start.min(data.len())..];
    let body = Body::Memory(body_bytes);
    let k = 2 * rayon::current_num_threads();
    let mut ranges = chunk_bounds(&body, k).map_err(|e| body.io_error(e))?;
    let mut parsed = parse_chunks(&body, &ranges, &header, path, opts);
    if !aligned(body_bytes, &ranges, &parsed) {
        ranges = quoted_chunk_bounds(body_bytes, k);
        parsed = parse_chunks(&body, &ranges, &header, path, opts);
    }
    assemble(&body, &ranges, parsed, &header, path, opts)
}

/// Parses every chunk in parallel, lines counted from each chunk's start.
fn parse_chunks(
    body: &Body<'_>,
    ranges: &[(usize, usize)],
    header: &Header,
    path: Option<&str>,
    opts: &CsvOptions,
) -> Vec<Result<Parsed>> {
    ranges
        .par_iter()
        .map(|&range| parse_chunk(body, range, opts, 0, &header.names, &header.plans, path))
        .collect()
}

/// Makes lines absolute, reports the first failing chunk's error (parsed
/// again from its true first line), and builds the table.
fn assemble(
    body: &Body<'_>,
    ranges: &[(usize, usize)],
    parsed: Vec<Result<Parsed>>,
    header: &Header,
    path: Option<&str>,
    opts: &CsvOptions,
) -> Result<AccountTable> {
    let mut chunks = Vec::with_capacity(parsed.len());
    let mut lines: Vec<Vec<u64>> = Vec::with_capacity(parsed.len());
    let mut starts = Vec::with_capacity(parsed.len());
    let mut bases = Vec::with_capacity(parsed.len());
    let mut rows = 0;
    let mut base_line = header.body_line;
    for (c, part) in parsed.into_iter().enumerate() {
        let part = match part {
            Ok(p) => p,
            // Parse the failing chunk again from its true first line, to
            // name the right line in the error.
            Err(_) => {
                return match parse_chunk(
                    body,
                    ranges[c],
                    opts,
                    base_line,
                    &header.names,
                    &header.plans,
                    path,
                ) {
                    Err(e) => Err(e),
                    Ok(_) => Err(Error::invalid("csv", "a chunk failed once only")),
                };
            }
        };
        chunks.push(part.parts);
        starts.push(rows);
        bases.push(base_line);
        rows += part.lines.len();
        lines.push(part.lines);
        base_line += part.newlines;
    }
    let source = Chunks { body, ranges, opts };
    build_table(
        &header.names,
        chunks,
        &source,
        Rows::Lines {
            path,
            starts: &starts,
            bases: &bases,
            lines: &lines,
        },
        opts,
    )
}

/// Reads the header record at the start of `data`.
fn read_header(data: &[u8], path: Option<&str>, opts: &CsvOptions) -> Result<Header> {
    let mut counter = LineCounter {
        data,
        offset: 0,
        line: 1,
    };
    let mut rdr = builder(opts).from_reader(data);
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
    check_header(&names, opts)?;
    if !opts.delimiter.is_ascii() {
        return Err(Error::invalid(
            "delimiter",
            format!("must be an ASCII character, found byte {}", opts.delimiter),
        ));
    }
    let plans = plans(&names, opts);
    let body_start = (rdr.position().byte() as usize).min(data.len());
    Ok(Header {
        names,
        plans,
        body_start,
        body_line: 1 + count_newlines(&data[..body_start]),
    })
}

/// The body of a CSV input cut into chunks of whole records.
struct Chunks<'a> {
    body: &'a Body<'a>,
    ranges: &'a [(usize, usize)],
    opts: &'a CsvOptions,
}

impl Source for Chunks<'_> {
    fn reread(&self, chunk: usize, column: usize, rows: usize, sink: &mut DictPart) -> Result<()> {
        let (a, b) = self.ranges[chunk];
        reread_range(self.body, a, b, self.opts, column, rows, sink)
    }
}

/// Pushes the first `rows` cells of `column` in the records of `a..b` into
/// `sink`, as read.
fn reread_range(
    body: &Body<'_>,
    a: usize,
    b: usize,
    opts: &CsvOptions,
    column: usize,
    rows: usize,
    sink: &mut DictPart,
) -> Result<()> {
    if rows == 0 {
        return Ok(());
    }
    let mut left = rows;
    body.for_each_piece(a, b, |bytes| {
        if left == 0 {
            return Ok(false);
        }
        let text = std::str::from_utf8(bytes).map_err(|e| Error::Csv {
            at: Location::line(None, 0),
            message: e.to_string(),
        })?;
        let mut records = Splitter::new(text, 0, opts.delimiter);
        while left > 0 {
            let Some(record) = records.next_record().map_err(|line| not_utf8(None, line))? else {
                break;
            };
            sink.push(record.get(column).unwrap_or_default());
            left -= 1;
        }
        Ok(left > 0)
    })
}

fn not_utf8(path: Option<&str>, line: u64) -> Error {
    Error::Csv {
        at: Location::line(path, line),
        message: "a quoted field is not valid UTF-8".into(),
    }
}

/// A block of records, cut into fields, read column by column.
struct Block {
    width: usize,
    /// Field spans, row-major: in the chunk's text, or (with [`Block::SIDE`]
    /// set on the start) in `side`, for the unquoted fields of quoted records.
    spans: Vec<(usize, usize)>,
    side: String,
    lines: Vec<u64>,
}

impl Block {
    /// Rows per block: their spans (16 bytes a cell) stay in cache.
    const ROWS: usize = 512;
    const SIDE: usize = 1 << (usize::BITS - 1);

    fn new(width: usize) -> Self {
        Self {
            width,
            spans: Vec::with_capacity(Self::ROWS * width),
            side: String::new(),
            lines: Vec::with_capacity(Self::ROWS),
        }
    }
    fn clear(&mut self) {
        self.spans.clear();
        self.side.clear();
        self.lines.clear();
    }
    /// Appends the fields of a quoted record, copied into `side`.
    fn add_quoted(&mut self, record: &Record<'_>) {
        for field in record.fields() {
            let start = self.side.len();
            self.side.push_str(field);
            self.spans.push((start | Self::SIDE, self.side.len()));
        }
    }
    /// Field `j` of row `r`.
    #[inline]
    fn cell<'t>(&'t self, text: &'t str, r: usize, j: usize) -> &'t str {
        let (a, b) = self.spans[r * self.width + j];
        if a & Self::SIDE == 0 {
            &text[a..b]
        } else {
            &self.side[a & !Self::SIDE..b]
        }
    }
}

/// One parsed chunk.
struct Parsed {
    /// Its columns.
    parts: Vec<Part>,
    /// The line of each row, counted from `base_line` (0 when unknown yet).
    lines: Vec<u64>,
    /// Newlines in the chunk.
    newlines: u64,
    /// Quote characters in the chunk.
    quotes: u64,
}

/// Parses one chunk of records; `base_line` is the line of its first byte
/// (0 while the lines before it are not counted: errors then name a line
/// relative to the chunk, and the caller parses the chunk again).
fn parse_chunk(
    body: &Body<'_>,
    (a, b): (usize, usize),
    opts: &CsvOptions,
    base_line: u64,
    names: &[String],
    plans: &[Plan],
    path: Option<&str>,
) -> Result<Parsed> {
    let width = names.len();
    let filter = CellFilter::new(opts);
    let mut parts: Option<ChunkParts<'_>> = None;
    let mut lines: Vec<u64> = Vec::new();
    let mut line = base_line;
    let mut quotes = 0;
    let mut misaligned = false;
    let mut block = Block::new(width);
    // Where the current piece starts: bytes and rows into the chunk.
    let mut piece_start = a;
    let mut rows_before = 0;
    body.for_each_piece(a, b, |piece| {
        let Ok(text) = std::str::from_utf8(piece) else {
            return Err(utf8_error(piece, line, names, path, opts));
        };
        let parts = parts.get_or_insert_with(|| {
            // Pre-size from the first piece's average row, a little over:
            // no repeated growth (copies) of every column.
            let sample = piece.len().min(1 << 16);
            let rows =
                (count_newlines(&piece[..sample]) as usize + 1) * (b - a) / sample.max(1) * 11 / 10
                    + 16;
            lines.reserve(rows);
            ChunkParts::new(plans, rows)
        });
        // Earlier cells of a column: those of earlier pieces read again from
        // the body, those of this piece from the text in hand.
        let mut earlier = |j: usize, rows: usize, sink: &mut DictPart| {
            let before = rows.min(rows_before);
            reread_range(body, a, piece_start, opts, j, before, sink)?;
            reread_range(
                &Body::Memory(piece),
                0,
                piece.len(),
                opts,
                j,
                rows - before,
                sink,
            )
        };
        let mut records = Splitter::new(text, line, opts.delimiter);
        loop {
            block.clear();
            // A bad record ends the block; the rows before it are still read,
            // so that the error reported is the first in row order.
            let mut stop = None;
            while block.lines.len() < Block::ROWS {
                let (line, found) = match records.next_into(&mut block.spans) {
                    Ok(Next::Plain { line, fields }) => (line, fields),
                    Ok(Next::Quoted(record)) => {
                        let found = (record.line, record.len());
                        block.add_quoted(&record);
                        found
                    }
                    Ok(Next::End) => break,
                    Err(line) => {
                        stop = Some(not_utf8(path, line));
                        break;
                    }
                };
                if found != width {
                    stop = Some(Error::RaggedRow {
                        at: Location::line(path, line),
                        expected: width,
                        found,
                    });
                    block.spans.truncate(block.lines.len() * width);
                    break;
                }
                block.lines.push(line);
            }
            let n = block.lines.len();
            let mut first_refused: Option<(usize, Error)> = None;
            for j in 0..width {
                let raw = |r: usize| block.cell(text, r, j);
                if let Err((refused, r)) = parts.push_column(j, n, &filter, raw, &mut earlier)
                    && first_refused.as_ref().is_none_or(|(first, _)| r < *first)
                {
                    let at = Location::line(path, block.lines[r]);
                    first_refused = Some((r, refused.at(at, names, filter.apply(raw(r)))));
                }
            }
            if let Some((_, e)) = first_refused.or(stop.map(|e| (0, e))) {
                return Err(e);
            }
            if n == 0 {
                break;
            }
            parts.end_rows(n);
            lines.extend_from_slice(&block.lines);
        }
        line = records.line();
        piece_start += piece.len();
        rows_before = parts.rows;
        quotes += records.quotes();
        // A piece cut inside a quoted field has an odd number of quotes.
        misaligned |= records.quotes() % 2 == 1;
        Ok(true)
    })?;
    Ok(Parsed {
        parts: parts.map_or_else(|| ChunkParts::new(plans, 0).parts, |p| p.parts),
        lines,
        newlines: line - base_line,
        // An odd count sends the reader to its quote-aware path.
        quotes: if misaligned { 1 } else { quotes },
    })
}

/// The precise error for a chunk that is not valid UTF-8: the `csv` crate
/// names the line and the column.
fn utf8_error(
    chunk: &[u8],
    base_line: u64,
    names: &[String],
    path: Option<&str>,
    opts: &CsvOptions,
) -> Error {
    let mut counter = LineCounter {
        data: chunk,
        offset: 0,
        line: base_line,
    };
    let mut rdr = builder(opts).from_reader(chunk);
    let mut record = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return not_utf8(path, base_line),
            Err(e) => {
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
                return Error::Csv {
                    at: Location::line(path, line),
                    message,
                };
            }
        }
    }
}
