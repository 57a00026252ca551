//! Tables from Rust records: any `&[T: Serialize]`.
//!
//! Each record is serialised to a JSON value and its fields become cells:
//! numbers and strings as text, booleans as `true`/`false`, `null` /
//! `None` as missing, a sequence of strings as a tag set (joined with the tag
//! separator). The cells then go through exactly the inference and
//! conversion of the CSV reader, so a struct and its CSV export give the same
//! table. Errors name the 0-based row.

use super::ingest::{Rows, Source, build_table, check_header, plans};
use super::parts::{CellFilter, ChunkParts, DictPart};
use super::{AccountTable, CsvOptions};
use crate::error::{Error, Location, Result};
use serde::Serialize;
use serde_json::Value;

impl AccountTable {
    /// Builds a table from serialisable records (structs or maps; every
    /// record must have the same fields, in the same order).
    pub fn from_records<T: Serialize>(records: &[T], opts: &CsvOptions) -> Result<Self> {
        let mut names: Vec<String> = Vec::new();
        let mut rows: Vec<Vec<String>> = Vec::with_capacity(records.len());
        let sep = opts.tag_separator.to_string();
        for (i, rec) in records.iter().enumerate() {
            let value = serde_json::to_value(rec).map_err(|e| {
                Error::invalid("records", format!("row {i} does not serialise: {e}"))
            })?;
            let Value::Object(map) = value else {
                return Err(Error::invalid(
                    "records",
                    format!("row {i} is not a struct or map"),
                ));
            };
            if i == 0 {
                names = map.keys().cloned().collect();
            }
            if map.len() != names.len() || map.keys().zip(&names).any(|(k, r)| k != r) {
                return Err(Error::invalid(
                    "records",
                    format!(
                        "row {i} has fields {:?}, row 0 has {:?}",
                        map.keys().collect::<Vec<_>>(),
                        names
                    ),
                ));
            }
            let row = map
                .values()
                .zip(&names)
                .map(|(v, name)| cell(v, &sep, name, i))
                .collect::<Result<Vec<String>>>()?;
            rows.push(row);
        }
        if names.is_empty() {
            return Err(Error::EmptyInput {
                what: "the record list".into(),
            });
        }
        check_header(&names, opts)?;
        let plans = plans(&names, opts);
        let source = Cells { rows: &rows };
        let filter = CellFilter::new(opts);
        let mut parts = ChunkParts::new(&plans, rows.len());
        let mut earlier = |j: usize, n: usize, sink: &mut DictPart| source.reread(0, j, n, sink);
        for j in 0..names.len() {
            let raw = |i: usize| rows[i].get(j).map_or("", String::as_str);
            parts
                .push_column(j, rows.len(), &filter, raw, &mut earlier)
                .map_err(|(refused, i)| {
                    refused.at(Location::row(i), &names, filter.apply(raw(i)))
                })?;
        }
        parts.end_rows(rows.len());
        build_table(&names, vec![parts.parts], &source, Rows::Records, opts)
    }
}

/// The records' cells as text, row by row: one chunk.
struct Cells<'a> {
    rows: &'a [Vec<String>],
}

impl Source for Cells<'_> {
    fn reread(&self, _chunk: usize, column: usize, rows: usize, sink: &mut DictPart) -> Result<()> {
        for row in &self.rows[..rows.min(self.rows.len())] {
            sink.push(row.get(column).map_or("", String::as_str));
        }
        Ok(())
    }
}

fn cell(v: &Value, sep: &str, column: &str, row: usize) -> Result<String> {
    Ok(match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let mut tags = Vec::with_capacity(items.len());
            for it in items {
                match it {
                    Value::String(s) => tags.push(s.as_str()),
                    other => {
                        return Err(Error::invalid(
                            "records",
                            format!(
                                "row {row}, field `{column}`: a tag list must hold strings, found {other}"
                            ),
                        ));
                    }
                }
            }
            // An empty list is "no tags", not missing: keep a lone separator.
            if tags.is_empty() {
                sep.to_owned()
            } else {
                tags.join(sep)
            }
        }
        Value::Object(_) => {
            return Err(Error::invalid(
                "records",
                format!("row {row}, field `{column}`: nested objects are not columns"),
            ));
        }
    })
}
