//! An [`AccountTable`] (or its summary) → one Arrow record batch. Pure Rust.
//!
//! | column kind | Arrow type |
//! |---|---|
//! | numeric | float64, missing (NaN) → null |
//! | flag | bool |
//! | categorical | dictionary<int32, utf8>, levels in the table's (sorted) order |
//! | tag set | list<utf8>, tags of a row in dictionary order |
//! | date | date32 |
//! | text | utf8 (large_utf8 past 2 GiB) |
//!
//! Every field carries `icpfit.kind`, `icpfit.role` and `icpfit.dimension`
//! metadata, which [`crate::arrow_in`] reads back: a round trip through Arrow
//! keeps roles, dimensions and text columns.

use crate::arrow_in::{META_DIMENSION, META_KIND, META_ROLE};
use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::types::Int32Type;
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, DictionaryArray, Float64Array, Int32Array, Int64Array,
    LargeStringArray, RecordBatch, RecordBatchOptions, StringArray,
};
use arrow_schema::{ArrowError, DataType, Field, Schema};
use icpfit_core::table::{
    AccountTable, Column, ColumnSummary, DATE_MISSING, FLAG_MISSING, MISSING_CODE, TextColumn,
};
use std::collections::HashMap;
use std::sync::Arc;

/// The table as one record batch.
pub fn table_to_batch(table: &AccountTable) -> Result<RecordBatch, ArrowError> {
    let mut fields = Vec::with_capacity(table.n_cols());
    let mut arrays = Vec::with_capacity(table.n_cols());
    for (f, c) in table.schema().fields().iter().zip(table.columns()) {
        let array = column_to_array(c, table.n_rows())?;
        let metadata = HashMap::from([
            (META_KIND.to_owned(), f.kind.as_str().to_owned()),
            (META_ROLE.to_owned(), f.role.as_str().to_owned()),
            (META_DIMENSION.to_owned(), f.dimension.as_str().to_owned()),
        ]);
        fields.push(Field::new(&f.name, array.data_type().clone(), true).with_metadata(metadata));
        arrays.push(array);
    }
    RecordBatch::try_new_with_options(
        Arc::new(Schema::new(fields)),
        arrays,
        &RecordBatchOptions::new().with_row_count(Some(table.n_rows())),
    )
}

fn text_array(t: &TextColumn, n: usize) -> ArrayRef {
    let bytes: usize = (0..n).filter_map(|i| t.get(i)).map(str::len).sum();
    let values = (0..n).map(|i| t.get(i));
    if bytes <= i32::MAX as usize {
        Arc::new(values.collect::<StringArray>())
    } else {
        Arc::new(values.collect::<LargeStringArray>())
    }
}

fn column_to_array(c: &Column, n: usize) -> Result<ArrayRef, ArrowError> {
    Ok(match c {
        Column::Numeric(v) => Arc::new(
            v.iter()
                .map(|&x| (!x.is_nan()).then_some(x))
                .collect::<Float64Array>(),
        ),
        Column::Flag(v) => Arc::new(
            v.iter()
                .map(|&b| (b != FLAG_MISSING).then_some(b == 1))
                .collect::<BooleanArray>(),
        ),
        Column::Date(v) => Arc::new(
            v.iter()
                .map(|&d| (d != DATE_MISSING).then_some(d))
                .collect::<Date32Array>(),
        ),
        Column::Categorical(cat) => {
            let keys = cat
                .codes()
                .iter()
                .map(|&k| {
                    if k == MISSING_CODE {
                        Ok(None)
                    } else {
                        i32::try_from(k).map(Some).map_err(|_| {
                            ArrowError::InvalidArgumentError("more than 2^31 categories".to_owned())
                        })
                    }
                })
                .collect::<Result<Int32Array, ArrowError>>()?;
            let values = StringArray::from_iter_values(cat.levels());
            Arc::new(DictionaryArray::<Int32Type>::try_new(
                keys,
                Arc::new(values),
            )?)
        }
        Column::TagSet(t) => {
            let mut b = ListBuilder::new(StringBuilder::new());
            for i in 0..n {
                match t.get(i) {
                    Some(tags) => {
                        for tag in tags {
                            b.values().append_value(tag);
                        }
                        b.append(true);
                    }
                    None => b.append(false),
                }
            }
            Arc::new(b.finish())
        }
        Column::Text(t) => text_array(t, n),
    })
}

/// A table summary as one record batch: name, kind, role, dimension (utf8),
/// missing (int64), levels (int64, null unless categorical / tag set), min,
/// max, mean (float64; dates as days since 1970-01-01; mean of a flag is
/// the share true).
pub fn summary_to_batch(rows: &[ColumnSummary]) -> Result<RecordBatch, ArrowError> {
    let text = |f: &dyn Fn(&ColumnSummary) -> &str| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(rows.iter().map(f)))
    };
    let float = |f: &dyn Fn(&ColumnSummary) -> Option<f64>| -> ArrayRef {
        Arc::new(rows.iter().map(f).collect::<Float64Array>())
    };
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("name", text(&|s| s.name.as_str())),
        ("kind", text(&|s| s.kind.as_str())),
        ("role", text(&|s| s.role.as_str())),
        ("dimension", text(&|s| s.dimension.as_str())),
        (
            "missing",
            Arc::new(
                rows.iter()
                    .map(|s| i64::try_from(s.missing).unwrap_or(i64::MAX))
                    .collect::<Int64Array>(),
            ),
        ),
        (
            "levels",
            Arc::new(
                rows.iter()
                    .map(|s| s.levels.map(|l| i64::try_from(l).unwrap_or(i64::MAX)))
                    .collect::<Int64Array>(),
            ),
        ),
        ("min", float(&|s| s.min)),
        ("max", float(&|s| s.max)),
        ("mean", float(&|s| s.mean)),
    ];
    let schema = Schema::new(
        columns
            .iter()
            .map(|(n, a)| {
                Field::new(
                    *n,
                    a.data_type().clone(),
                    !matches!(a.data_type(), DataType::Utf8) && *n != "missing",
                )
            })
            .collect::<Vec<_>>(),
    );
    RecordBatch::try_new(
        Arc::new(schema),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arrow_in::{Overrides, table_from_batches};
    use icpfit_core::table::CsvOptions;

    const CSV: &str = "account_id,industry,employees,is_public,tech_stack,close_date,notes\n\
        a1,fintech,120,yes,Snowflake;dbt,2024-02-29,hello\n\
        a2,retail,,no,,2023-01-01,\n\
        a3,,35.5,,dbt,,x\n";

    fn table() -> AccountTable {
        let opts = CsvOptions {
            schema: Some(
                icpfit_core::table::SchemaSpec::from_toml(
                    "[[columns]]\nname = \"notes\"\nkind = \"text\"\nrole = \"ignore\"\n",
                )
                .unwrap(),
            ),
            ..CsvOptions::default()
        };
        AccountTable::from_csv_reader(CSV.as_bytes(), &opts).unwrap()
    }

    #[test]
    fn arrow_types_follow_the_kinds() {
        let b = table_to_batch(&table()).unwrap();
        let types: Vec<String> = b
            .schema()
            .fields()
            .iter()
            .map(|f| f.data_type().to_string())
            .collect();
        assert_eq!(
            types,
            [
                "Utf8",
                "Dictionary(Int32, Utf8)",
                "Float64",
                "Boolean",
                "List(Utf8)",
                "Date32",
                "Utf8"
            ]
        );
        assert_eq!(b.num_rows(), 3);
        assert_eq!(b.column(2).null_count(), 1);
        let f = b.schema().field(6).clone();
        assert_eq!(f.metadata()[META_KIND], "text");
        assert_eq!(f.metadata()[META_ROLE], "ignore");
    }

    #[test]
    fn round_trip_through_arrow_is_exact() {
        let t = table();
        let b = table_to_batch(&t).unwrap();
        let back = table_from_batches(&b.schema(), std::slice::from_ref(&b), &Overrides::default())
            .unwrap();
        assert_eq!(back.schema(), t.schema());
        // Compare cell by cell (NaN != NaN defeats `==` on numeric columns).
        for (a, c) in t.columns().iter().zip(back.columns()) {
            for i in 0..t.n_rows() {
                assert_eq!(a.display_value(i), c.display_value(i));
            }
        }
    }

    #[test]
    fn summary_has_one_row_per_column() {
        let t = table();
        let b = summary_to_batch(&t.summary()).unwrap();
        assert_eq!(b.num_rows(), t.n_cols());
        assert_eq!(b.num_columns(), 9);
    }

    #[test]
    fn empty_tables_export() {
        let t = AccountTable::from_columns(vec![]).unwrap();
        let b = table_to_batch(&t).unwrap();
        assert_eq!((b.num_rows(), b.num_columns()), (0, 0));
    }
}
