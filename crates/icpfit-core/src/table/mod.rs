//! The columnar account table: one typed vector per column, never rows of
//! structs. Built from CSV ([`AccountTable::read_csv`]), from Rust records
//! ([`AccountTable::from_records`]), or from columns
//! ([`AccountTable::from_columns`], used by the synthetic generator and the
//! Arrow bridge of the Python binding).

mod column;
mod csv;
pub mod date;
mod ingest;
pub mod levels;
mod parts;
mod records;
mod schema;
mod split;
mod summary;
mod unique;
mod values;

pub use column::{
    Bitmap, CategoricalColumn, Column, DATE_MISSING, FLAG_MISSING, Kind, MISSING_CODE,
    TagSetColumn, TextColumn, format_number,
};
pub use ingest::CsvOptions;
pub use schema::{
    ColumnSpec, Dimension, Field, Role, Schema, SchemaSpec, default_dimension, default_role,
};
pub use summary::ColumnSummary;
pub use values::Values;

use crate::error::{Error, Location, Result};
use serde::{Deserialize, Serialize};

/// Something the reader noticed that is not an error but must not go unsaid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IngestWarning {
    /// Every value of the column is missing. The column is kept (numeric,
    /// all NaN, unless the schema declares its kind) so that downstream code
    /// sees it and reports it rather than losing it.
    AllMissing {
        /// The column.
        column: String,
    },
}

/// A table of accounts (deals, customers): typed columns of equal length
/// with a [`Schema`].
#[derive(Debug, Clone, PartialEq)]
pub struct AccountTable {
    schema: Schema,
    columns: Vec<Column>,
    n_rows: usize,
    warnings: Vec<IngestWarning>,
}

impl AccountTable {
    pub(crate) fn from_parts(
        schema: Schema,
        columns: Vec<Column>,
        n_rows: usize,
        warnings: Vec<IngestWarning>,
    ) -> Result<Self> {
        for (f, c) in schema.fields().iter().zip(&columns) {
            if c.len() != n_rows {
                return Err(Error::LengthMismatch {
                    what: f.name.clone(),
                    expected: n_rows,
                    found: c.len(),
                });
            }
            if c.kind() != f.kind {
                return Err(Error::InvalidSchema {
                    message: format!(
                        "column `{}` is declared {} but holds {}",
                        f.name,
                        f.kind,
                        c.kind()
                    ),
                });
            }
        }
        Ok(Self {
            schema,
            columns,
            n_rows,
            warnings,
        })
    }

    /// Builds a table from named columns; roles and dimensions default from
    /// the names (see [`default_role`], [`default_dimension`]) and can be set
    /// afterwards with [`set_role`](Self::set_role).
    pub fn from_columns(columns: Vec<(String, Column)>) -> Result<Self> {
        let n_rows = columns.first().map_or(0, |(_, c)| c.len());
        let mut fields = Vec::with_capacity(columns.len());
        let mut cols = Vec::with_capacity(columns.len());
        for (name, col) in columns {
            if fields.iter().any(|f: &Field| f.name == name) {
                return Err(Error::DuplicateColumn { name });
            }
            fields.push(Field {
                kind: col.kind(),
                role: default_role(&name),
                dimension: default_dimension(&name),
                name,
            });
            cols.push(col);
        }
        Self::from_parts(Schema::new(fields), cols, n_rows, Vec::new())
    }

    /// Refuses a repeated value of the id column ([`Error::DuplicateId`],
    /// rows 0-based), as the CSV reader does; for tables built in memory.
    pub fn check_unique_ids(&self) -> Result<()> {
        unique::check_unique_ids(self, &Location::row)
    }

    /// Number of rows (accounts).
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }
    /// Number of columns.
    pub fn n_cols(&self) -> usize {
        self.columns.len()
    }
    /// The schema.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }
    /// All columns, in schema order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }
    /// What the reader noticed (e.g. all-missing columns).
    pub fn warnings(&self) -> &[IngestWarning] {
        &self.warnings
    }
    /// A column by name.
    pub fn column(&self, name: &str) -> Result<&Column> {
        Ok(&self.columns[self.schema.index_of(name)?])
    }
    /// Sets a column's role.
    pub fn set_role(&mut self, name: &str, role: Role) -> Result<()> {
        let i = self.schema.index_of(name)?;
        self.schema.field_mut(i).role = role;
        Ok(())
    }
    /// Sets a column's dimension.
    pub fn set_dimension(&mut self, name: &str, dimension: Dimension) -> Result<()> {
        let i = self.schema.index_of(name)?;
        self.schema.field_mut(i).dimension = dimension;
        Ok(())
    }

    fn wrong_kind(&self, name: &str, expected: Kind) -> Error {
        let found = self
            .schema
            .field(name)
            .map_or("missing".into(), |f| f.kind.to_string());
        Error::WrongKind {
            column: name.to_owned(),
            expected: expected.to_string(),
            found,
        }
    }
    /// A numeric column's values (NaN = missing).
    pub fn numeric(&self, name: &str) -> Result<&[f64]> {
        match self.column(name)? {
            Column::Numeric(v) => Ok(v),
            _ => Err(self.wrong_kind(name, Kind::Numeric)),
        }
    }
    /// A categorical column.
    pub fn categorical(&self, name: &str) -> Result<&CategoricalColumn> {
        match self.column(name)? {
            Column::Categorical(c) => Ok(c),
            _ => Err(self.wrong_kind(name, Kind::Categorical)),
        }
    }
    /// A flag column (0, 1, [`FLAG_MISSING`]).
    pub fn flag(&self, name: &str) -> Result<&[u8]> {
        match self.column(name)? {
            Column::Flag(v) => Ok(v),
            _ => Err(self.wrong_kind(name, Kind::Flag)),
        }
    }
    /// A tag-set column.
    pub fn tag_set(&self, name: &str) -> Result<&TagSetColumn> {
        match self.column(name)? {
            Column::TagSet(t) => Ok(t),
            _ => Err(self.wrong_kind(name, Kind::TagSet)),
        }
    }
    /// A date column (days since 1970-01-01, [`DATE_MISSING`] = missing).
    pub fn date(&self, name: &str) -> Result<&[i32]> {
        match self.column(name)? {
            Column::Date(v) => Ok(v),
            _ => Err(self.wrong_kind(name, Kind::Date)),
        }
    }
    /// A text column.
    pub fn text(&self, name: &str) -> Result<&TextColumn> {
        match self.column(name)? {
            Column::Text(t) => Ok(t),
            _ => Err(self.wrong_kind(name, Kind::Text)),
        }
    }

    /// Bytes held on the heap by the columns (capacities, dictionaries,
    /// bitmaps).
    pub fn heap_bytes(&self) -> usize {
        self.columns.iter().map(Column::heap_bytes).sum()
    }
    /// The columns' raw payload (see [`Column::raw_bytes`]).
    pub fn raw_bytes(&self) -> usize {
        self.columns.iter().map(Column::raw_bytes).sum()
    }

    /// The rows at `indices`, in that order, as a new table (same schema).
    pub fn take(&self, indices: &[usize]) -> Result<Self> {
        if let Some(&bad) = indices.iter().find(|&&i| i >= self.n_rows) {
            return Err(Error::invalid(
                "indices",
                format!("row {bad} is out of range (table has {} rows)", self.n_rows),
            ));
        }
        let columns = self
            .columns
            .iter()
            .map(|c| take_column(c, indices))
            .collect();
        Self::from_parts(
            self.schema.clone(),
            columns,
            indices.len(),
            self.warnings.clone(),
        )
    }
}

fn take_column(c: &Column, idx: &[usize]) -> Column {
    match c {
        Column::Numeric(v) => Column::Numeric(idx.iter().map(|&i| v[i]).collect()),
        Column::Flag(v) => Column::Flag(idx.iter().map(|&i| v[i]).collect()),
        Column::Date(v) => Column::Date(idx.iter().map(|&i| v[i]).collect()),
        Column::Categorical(cat) => Column::Categorical(
            // ok: codes are copied from a valid column.
            CategoricalColumn::new(
                idx.iter().map(|&i| cat.codes()[i]).collect(),
                cat.levels().to_vec(),
            )
            .expect("codes of a valid column"),
        ),
        Column::TagSet(t) => {
            let w = t.words_per_row();
            let mut bits = Vec::with_capacity(idx.len() * w);
            let mut valid = Bitmap::new(idx.len(), true);
            for (k, &i) in idx.iter().enumerate() {
                bits.extend_from_slice(t.row_words(i));
                valid.set(k, t.valid().get(i));
            }
            Column::TagSet(TagSetColumn::from_parts(bits, w, t.tags().to_vec(), valid))
        }
        Column::Text(t) => {
            let values: Vec<Option<&str>> = idx.iter().map(|&i| t.get(i)).collect();
            // ok: a subset of a column that fit in 4 GiB fits too.
            Column::Text(
                TextColumn::from_strings("", &values).expect("subset of a valid text column"),
            )
        }
    }
}

#[cfg(test)]
mod tests;
