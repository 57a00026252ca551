//! Splitting CSV text into records and fields.
//!
//! Most lines of a CRM export hold no quote. For those a record is the line
//! and its fields are the text between delimiters, found with `memchr`
//! (vectorised) and borrowed from the input: no byte is copied. A line with
//! a quote or a bare carriage return is handed to `csv_core`, the `csv`
//! crate's own parser, so quoting, doubled quotes and fields spanning lines
//! are read exactly as the `csv` crate reads them (tested equal on random
//! input, in `tests.rs`). Blank lines are not records, as in the `csv` crate.

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};
use memchr::{memchr, memchr_iter};
use wide::u8x16;

/// Appends the field spans of a line (without its newline) to `spans`,
/// offset by `origin`, cutting at `delimiter` sixteen bytes at a time
/// (portable SIMD through `wide`: one compare per byte class, one bitmask).
/// Returns the number of fields, or `None` (and `spans` as it was) if the
/// line holds a quote or a carriage return: such a line is `csv_core`'s.
#[inline]
fn split_plain(
    body: &[u8],
    delimiter: u8,
    origin: usize,
    spans: &mut Vec<(usize, usize)>,
) -> Option<usize> {
    let before = spans.len();
    let (delims, quotes, returns) = (
        u8x16::splat(delimiter),
        u8x16::splat(b'"'),
        u8x16::splat(b'\r'),
    );
    let mut start = origin;
    let blocks = body.chunks_exact(16);
    let tail = blocks.remainder();
    for (k, bytes) in blocks.enumerate() {
        let mut block = [0u8; 16];
        block.copy_from_slice(bytes);
        let v = u8x16::new(block);
        if (v.simd_eq(quotes) | v.simd_eq(returns)).any() {
            spans.truncate(before);
            return None;
        }
        let mut hits = v.simd_eq(delims).to_bitmask();
        while hits != 0 {
            let at = origin + k * 16 + hits.trailing_zeros() as usize;
            spans.push((start, at));
            start = at + 1;
            hits &= hits - 1;
        }
    }
    let base = origin + body.len() - tail.len();
    for (k, &b) in tail.iter().enumerate() {
        if b == b'"' || b == b'\r' {
            spans.truncate(before);
            return None;
        }
        if b == delimiter {
            spans.push((start, base + k));
            start = base + k + 1;
        }
    }
    spans.push((start, origin + body.len()));
    Some(spans.len() - before)
}

/// A line at the splitter's position.
struct Line {
    /// Bytes before the newline and any carriage return before it.
    body: usize,
    /// Bytes before the newline.
    len: usize,
    /// Whether a newline ends it (not the end of the text).
    newline: bool,
}

/// What [`Splitter::next_into`] found.
pub(crate) enum Next<'s> {
    /// A plain record: its line and number of fields, whose spans (into the
    /// splitter's text) were appended.
    Plain { line: u64, fields: usize },
    /// A quoted record, whose unquoted fields are in the splitter's buffer.
    Quoted(Record<'s>),
    /// The end of the text.
    End,
}

/// Yields the records of a UTF-8 text, with the 1-based line each starts on.
pub(crate) struct Splitter<'a> {
    text: &'a str,
    pos: usize,
    line: u64,
    quotes: u64,
    delimiter: u8,
    core: Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    spans: Vec<(usize, usize)>,
    /// The position of the next newline at or after `pos` (the text's end
    /// when there is none), once searched: a text whose records end in bare
    /// carriage returns has no newline, and searching the rest of it again
    /// for every record would be quadratic.
    newline_at: Option<usize>,
}

/// One record: its line and its fields.
pub(crate) struct Record<'s> {
    /// The 1-based line the record starts on.
    pub(crate) line: u64,
    text: &'s str,
    spans: &'s [(usize, usize)],
}

impl<'s> Record<'s> {
    /// Number of fields.
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }
    /// The fields, in order.
    pub(crate) fn fields(&self) -> impl Iterator<Item = &'s str> + '_ {
        self.spans.iter().map(|&(a, b)| &self.text[a..b])
    }
    /// Field `k`, if the record has it.
    pub(crate) fn get(&self, k: usize) -> Option<&'s str> {
        self.spans.get(k).map(|&(a, b)| &self.text[a..b])
    }
}

impl<'a> Splitter<'a> {
    /// Records of `text`, whose first byte is on line `line`. The delimiter
    /// must be an ASCII byte (a byte above 127 could split a character).
    pub(crate) fn new(text: &'a str, line: u64, delimiter: u8) -> Self {
        Self {
            text,
            pos: 0,
            line,
            quotes: 0,
            delimiter,
            core: ReaderBuilder::new().delimiter(delimiter).build(),
            out: vec![0; 1024],
            ends: vec![0; 64],
            spans: Vec::with_capacity(64),
            newline_at: None,
        }
    }

    /// The line of the next byte (after the last record, the line count).
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// Quote characters in the records read so far (plain lines have none).
    pub(crate) fn quotes(&self) -> u64 {
        self.quotes
    }

    /// The next record, `None` at the end of the text; `Err(line)` if a
    /// quoted record starting on `line` does not unquote to UTF-8 (it
    /// cannot with an ASCII delimiter: unquoting removes ASCII bytes only).
    pub(crate) fn next_record(&mut self) -> Result<Option<Record<'_>>, u64> {
        let Some(line) = self.next_line() else {
            return Ok(None);
        };
        let body = &self.text.as_bytes()[self.pos..self.pos + line.body];
        self.spans.clear();
        if split_plain(body, self.delimiter, 0, &mut self.spans).is_none() {
            return self.quoted();
        }
        let (at, text) = (self.line, &self.text[self.pos..self.pos + line.body]);
        self.advance(line.len, line.newline);
        Ok(Some(Record {
            line: at,
            text,
            spans: &self.spans,
        }))
    }

    /// The next record: a plain line's field spans are appended to `spans`
    /// (positions in the text, no intermediate copy); a quoted record is
    /// returned whole.
    #[inline]
    pub(crate) fn next_into(&mut self, spans: &mut Vec<(usize, usize)>) -> Result<Next<'_>, u64> {
        let Some(line) = self.next_line() else {
            return Ok(Next::End);
        };
        let body = &self.text.as_bytes()[self.pos..self.pos + line.body];
        let Some(fields) = split_plain(body, self.delimiter, self.pos, spans) else {
            return Ok(match self.quoted()? {
                Some(record) => Next::Quoted(record),
                None => Next::End,
            });
        };
        let at = self.line;
        self.advance(line.len, line.newline);
        Ok(Next::Plain { line: at, fields })
    }

    /// Skips blank lines; the next line at the current position, if any.
    #[inline]
    fn next_line(&mut self) -> Option<Line> {
        let bytes = self.text.as_bytes();
        loop {
            if self.pos >= bytes.len() {
                return None;
            }
            let at = match self.newline_at {
                Some(at) if at >= self.pos => at,
                _ => {
                    let at =
                        memchr(b'\n', &bytes[self.pos..]).map_or(bytes.len(), |k| self.pos + k);
                    self.newline_at = Some(at);
                    at
                }
            };
            let newline = at < bytes.len();
            let len = at - self.pos;
            let body = len - usize::from(bytes[self.pos..at].ends_with(b"\r"));
            if body == 0 {
                self.advance(len, newline);
                continue;
            }
            return Some(Line { body, len, newline });
        }
    }

    /// Moves past a line of `len` bytes and its newline, if any.
    fn advance(&mut self, len: usize, newline: bool) {
        self.pos += len + usize::from(newline);
        self.line += u64::from(newline);
    }

    /// A record read by `csv_core` from the current position.
    fn quoted(&mut self) -> Result<Option<Record<'_>>, u64> {
        let input = &self.text.as_bytes()[self.pos..];
        self.core.reset();
        let (mut nin, mut nout, mut nend) = (0, 0, 0);
        loop {
            let (result, i, o, e) =
                self.core
                    .read_record(&input[nin..], &mut self.out[nout..], &mut self.ends[nend..]);
            nin += i;
            nout += o;
            nend += e;
            match result {
                // All input was given: the next call, with none left, ends the record.
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => self.out.resize(self.out.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                ReadRecordResult::Record => break,
                ReadRecordResult::End => {
                    self.pos = self.text.len();
                    return Ok(None);
                }
            }
        }
        let consumed = &input[..nin];
        let line = self.line;
        self.line += memchr_iter(b'\n', consumed).count() as u64;
        self.quotes += memchr_iter(b'"', consumed).count() as u64;
        self.pos += nin;
        let text = std::str::from_utf8(&self.out[..nout]).map_err(|_| line)?;
        self.spans.clear();
        let mut start = 0;
        for &end in &self.ends[..nend] {
            self.spans.push((start, end));
            start = end;
        }
        Ok(Some(Record {
            line,
            text,
            spans: &self.spans,
        }))
    }
}
