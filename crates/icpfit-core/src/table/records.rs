//! Tables from Rust records: any `&[T: Serialize]`.
//!
//! Each record is serialised to a JSON value and its fields become cells:
//! numbers and strings as text, booleans as `true`/`false`, `null` /
//! `None` as missing, a sequence of strings as a tag set (joined with the tag
//! separator). The cells then go through exactly the inference and
//! conversion of the CSV reader, so a struct and its CSV export give the same
//! table. Errors name the 0-based row.

use super::ingest::{CellFilter, RawColumn, Rows, build_table};
use super::{AccountTable, CsvOptions};
use crate::error::{Error, Result};
use serde::Serialize;
use serde_json::Value;

impl AccountTable {
    /// Builds a table from serialisable records (structs or maps; every
    /// record must have the same fields, in the same order).
    pub fn from_records<T: Serialize>(records: &[T], opts: &CsvOptions) -> Result<Self> {
        let mut raw: Vec<RawColumn> = Vec::new();
        let sep = opts.tag_separator.to_string();
        let filter = CellFilter::new(opts);
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
                raw = map
                    .keys()
                    .map(|k| RawColumn::new(k.clone(), records.len()))
                    .collect();
            }
            if map.len() != raw.len() || map.keys().zip(&raw).any(|(k, r)| *k != r.name) {
                return Err(Error::invalid(
                    "records",
                    format!(
                        "row {i} has fields {:?}, row 0 has {:?}",
                        map.keys().collect::<Vec<_>>(),
                        names(&raw)
                    ),
                ));
            }
            for (r, v) in raw.iter_mut().zip(map.values()) {
                r.push(&cell(v, &sep, &r.name, i)?, &filter)?;
            }
        }
        if raw.is_empty() {
            return Err(Error::EmptyInput {
                what: "the record list".into(),
            });
        }
        build_table(raw, Rows::Records, opts)
    }
}

fn names(raw: &[RawColumn]) -> Vec<&str> {
    raw.iter().map(|r| r.name.as_str()).collect()
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
