//! Arrow record batches → an [`AccountTable`]. Pure Rust (no Python), so it
//! runs with the GIL released and is unit-tested here.
//!
//! | Arrow type | column kind |
//! |---|---|
//! | int8…int64, uint8…uint64, float16/32/64 | numeric (null and NaN → missing; ±inf is an error). Integer ids (role `id`) become text |
//! | bool | flag |
//! | utf8, large_utf8, utf8_view, dictionary of those | categorical; a tag set when a value joins tags with `;` (as in CSV: `"Salesforce;Snowflake"`); a date when every value is an ISO date `2025-03-31` (as in CSV); text when the role is `id`; the field's metadata `icpfit.kind` (`text`, `categorical`, `tag_set`) overrides |
//! | list / large_list / fixed_size_list of strings | tag set (null list → missing, null items skipped) |
//! | date32, date64, timestamp (any unit; with a time zone, the local date) | date |
//! | null | numeric, all missing |
//!
//! Anything else is [`PyIcpfitErr::UnsupportedArrowType`], naming the column
//! and the type. Roles and dimensions come from, in order: the `roles` /
//! `dimensions` arguments, the field metadata written by [`crate::arrow_out`]
//! (`icpfit.role`, `icpfit.dimension`), then the core's name-based defaults.
//! Levels of categoricals and tag sets are the values that occur, sorted, as
//! in the CSV reader: a dictionary's unused or repeated entries do not leak in.

use crate::error::{BindResult, PyIcpfitErr};
use crate::names;
use arrow_array::cast::AsArray;
use arrow_array::temporal_conversions::as_datetime_with_timezone;
use arrow_array::timezone::Tz;
use arrow_array::types::{
    ArrowDictionaryKeyType, Date32Type, Date64Type, Float16Type, Float32Type, Float64Type,
    Int8Type, Int16Type, Int32Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{
    Array, ArrayRef, ArrowPrimitiveType, GenericListArray, GenericStringArray, OffsetSizeTrait,
    RecordBatch, StringViewArray,
};
use arrow_buffer::{ArrowNativeType as _, NullBuffer};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use icpfit_core::error::{Location, suggest};
use icpfit_core::table::levels::{Interner, remap_codes};
use icpfit_core::table::{
    AccountTable, CategoricalColumn, Column, DATE_MISSING, Dimension, FLAG_MISSING, Kind,
    MISSING_CODE, Role, TagSetColumn, TextColumn, Values, default_dimension, default_role,
};
use icpfit_core::{Error, table::format_number};
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::Arc;

/// Metadata key of a field's column kind.
pub const META_KIND: &str = "icpfit.kind";
/// The separator of tags joined in one string, as in the CSV reader.
pub const TAG_SEPARATOR: char = ';';
/// Metadata key of a field's role.
pub const META_ROLE: &str = "icpfit.role";
/// Metadata key of a field's dimension.
pub const META_DIMENSION: &str = "icpfit.dimension";

/// The first and last day a date column may hold: 0001-01-01 and 9999-12-31.
pub const DAY_RANGE: (i64, i64) = (-719_162, 2_932_896);

/// Roles and dimensions declared by the caller, by column name.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// Roles.
    pub roles: Vec<(String, Role)>,
    /// Dimensions.
    pub dimensions: Vec<(String, Dimension)>,
}

impl Overrides {
    /// Every name must be a column (with a suggestion when it is not).
    pub fn check(&self, names: &[&str]) -> Result<(), Error> {
        for name in self
            .roles
            .iter()
            .map(|(n, _)| n)
            .chain(self.dimensions.iter().map(|(n, _)| n))
        {
            if !names.contains(&name.as_str()) {
                return Err(Error::UnknownColumn {
                    name: name.clone(),
                    suggestion: suggest(name, names.iter().copied()),
                });
            }
        }
        Ok(())
    }
    /// The role of `name`: declared, or the name-based default.
    pub(crate) fn role_or_default(&self, name: &str) -> Role {
        self.role(name).unwrap_or_else(|| default_role(name))
    }
    /// The dimension of `name`: declared, or the name-based default.
    pub(crate) fn dimension_or_default(&self, name: &str) -> Dimension {
        self.dimension(name)
            .unwrap_or_else(|| default_dimension(name))
    }
    /// Whether a projection to `wanted` keeps `name`: wanted, or the id
    /// (kept for the results' account ids).
    pub(crate) fn keeps(&self, name: &str, wanted: &[&str]) -> bool {
        wanted.contains(&name) || self.role_or_default(name) == Role::Id
    }
    pub(crate) fn role(&self, name: &str) -> Option<Role> {
        self.roles.iter().find(|(n, _)| n == name).map(|(_, r)| *r)
    }
    pub(crate) fn dimension(&self, name: &str) -> Option<Dimension> {
        self.dimensions
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, d)| *d)
    }
}

/// A field's role: the caller's override, else the field metadata written
/// by [`crate::arrow_out`] (`icpfit.role`), else the name-based default.
pub(crate) fn field_role(field: &Field, overrides: &Overrides) -> BindResult<Role> {
    let name = field.name();
    Ok(match overrides.role(name) {
        Some(r) => r,
        None => match field.metadata().get(META_ROLE) {
            Some(r) => names::role(name, r)?,
            None => default_role(name),
        },
    })
}

/// Whether a field is an id column ([`field_role`]; a role metadata that
/// does not parse counts as absent here, and is reported on conversion).
pub(crate) fn is_id(field: &Field, overrides: &Overrides) -> bool {
    field_role(field, overrides).unwrap_or_else(|_| default_role(field.name())) == Role::Id
}

/// The columns of `schema` to convert when only `wanted` are needed: those
/// and the id column (kept for the results' account ids), in schema order.
/// `None` (convert everything) when a wanted name is not a column, so that
/// the error downstream suggests among all the frame's names.
pub fn projection(schema: &Schema, wanted: &[&str], overrides: &Overrides) -> Option<Vec<usize>> {
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    if wanted.iter().any(|w| !names.contains(w)) {
        return None;
    }
    Some(
        schema
            .fields()
            .iter()
            .enumerate()
            .filter(|(_, f)| wanted.contains(&f.name().as_str()) || is_id(f, overrides))
            .map(|(j, _)| j)
            .collect(),
    )
}

/// Builds a table from record batches of one schema.
pub fn table_from_batches(
    schema: &Schema,
    batches: &[RecordBatch],
    overrides: &Overrides,
) -> BindResult<AccountTable> {
    table_from_coded_batches(schema, batches, &Default::default(), overrides)
}

/// As [`table_from_batches`], reading the integer columns named in
/// `categories` as codes into those categories (pandas' category codes,
/// polars' physical codes: a frame laid out by `icpfit._frames.for_scoring`),
/// into the column a dictionary of those categories converts to
/// ([`crate::borrow_in::coded_column`]). Reading the codes costs a lookup
/// per row; exporting a polars `Categorical` as an Arrow dictionary cost
/// 6 ms per million rows and column, pandas' `from_pandas` 3.
pub fn table_from_coded_batches(
    schema: &Schema,
    batches: &[RecordBatch],
    categories: &crate::borrow_in::Categories,
    overrides: &Overrides,
) -> BindResult<AccountTable> {
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    overrides.check(&names)?;
    let mut fields = Vec::with_capacity(names.len());
    for (name, field) in names.iter().zip(schema.fields()) {
        let meta = |key: &str| field.metadata().get(key).map(String::as_str);
        let role = field_role(field, overrides)?;
        let dimension = match overrides.dimension(name) {
            Some(d) => d,
            None => match meta(META_DIMENSION) {
                Some(d) => names::dimension(name, d)?,
                None => default_dimension(name),
            },
        };
        fields.push((*name, role, dimension));
    }
    let dictionaries = categories.dictionaries();
    // Columns convert independently: in parallel, collected in order, and
    // the first failing column (in schema order) is the error reported.
    let converted: Vec<BindResult<Column>> = schema
        .fields()
        .par_iter()
        .zip(&fields)
        .enumerate()
        .map(|(j, (field, &(_, role, _)))| {
            let declared = field.metadata().get(META_KIND).map(String::as_str);
            let as_text = role == Role::Id || declared == Some(Kind::Text.as_str());
            let arrays: Vec<&ArrayRef> = batches.iter().map(|b| b.column(j)).collect();
            match categories.list_of(field.name()) {
                Some(i) if field.data_type().is_integer() => crate::borrow_in::coded_column(
                    field,
                    &arrays,
                    &dictionaries[i],
                    as_text,
                    declared,
                ),
                _ => convert(field, &arrays, as_text),
            }
        })
        .collect();
    let mut columns = Vec::with_capacity(names.len());
    for (&(name, _, _), column) in fields.iter().zip(converted) {
        columns.push((name.to_owned(), column?));
    }
    let mut table = AccountTable::from_columns(columns)?;
    for (name, role, dimension) in fields {
        table.set_role(name, role)?;
        table.set_dimension(name, dimension)?;
    }
    table.check_unique_ids()?;
    Ok(table)
}

fn unsupported(field: &Field) -> PyIcpfitErr {
    PyIcpfitErr::UnsupportedArrowType {
        column: field.name().clone(),
        data_type: field.data_type().to_string(),
    }
}

fn is_stringish(dt: &DataType) -> bool {
    match dt {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, v) => is_stringish(v),
        _ => false,
    }
}

fn is_integer(dt: &DataType) -> bool {
    dt.is_integer()
}

/// Integers and floats (not decimals: they are not read).
fn is_number(dt: &DataType) -> bool {
    dt.is_integer() || dt.is_floating()
}

pub(crate) fn convert(field: &Field, arrays: &[&ArrayRef], as_text: bool) -> BindResult<Column> {
    let dt = field.data_type();
    let n: usize = arrays.iter().map(|a| a.len()).sum();
    let name = field.name();
    Ok(match dt {
        DataType::Null => Column::Numeric(vec![f64::NAN; n].into()),
        DataType::Boolean => {
            let mut out = Vec::with_capacity(n);
            for a in arrays {
                out.extend(
                    a.as_boolean()
                        .iter()
                        .map(|v| v.map_or(FLAG_MISSING, u8::from)),
                );
            }
            Column::Flag(out)
        }
        dt if as_text && is_integer(dt) => {
            let mut values: Vec<Option<String>> = Vec::with_capacity(n);
            for a in arrays {
                push_numeric(a, dt, &mut |v| values.push(v.map(format_number)));
            }
            Column::Text(TextColumn::from_strings(name, &values)?)
        }
        dt if is_number(dt) => numeric_column(name, dt, arrays)?,
        dt if is_stringish(dt) => {
            let mut strs = Vec::with_capacity(arrays.len());
            for a in arrays {
                strs.push(Strs::new(a.as_ref()).ok_or_else(|| unsupported(field))?);
            }
            if as_text {
                let mut values: Vec<Option<&str>> = Vec::with_capacity(n);
                for s in &strs {
                    values.extend((0..s.len()).map(|i| s.get(i)));
                }
                Column::Text(TextColumn::from_strings(name, &values)?)
            } else {
                let mut interner = Interner::default();
                let mut codes = Vec::with_capacity(n);
                for s in &strs {
                    s.push_codes(&mut interner, &mut codes);
                }
                let (levels, remap) = interner.finish();
                remap_codes(&mut codes, &remap);
                let categorical = CategoricalColumn::new(codes, levels)?;
                let declared = field.metadata().get(META_KIND).map(String::as_str);
                strings_column(categorical, declared)
            }
        }
        DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _)
            if is_stringish(f.data_type()) =>
        {
            let mut interner = Interner::default();
            let mut rows: Vec<Option<Vec<u32>>> = Vec::with_capacity(n);
            for a in arrays {
                let lists = Lists::new(a.as_ref()).ok_or_else(|| unsupported(field))?;
                let values = Strs::new(lists.values()).ok_or_else(|| unsupported(field))?;
                for i in 0..a.len() {
                    rows.push(lists.range(i).map(|r| {
                        r.filter_map(|k| values.get(k))
                            .map(|t| interner.code(t))
                            .collect()
                    }));
                }
            }
            let (tags, remap) = interner.finish();
            for r in rows.iter_mut().flatten() {
                for t in r.iter_mut() {
                    *t = remap[*t as usize];
                }
            }
            Column::TagSet(TagSetColumn::from_rows(&rows, tags)?)
        }
        DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _) => {
            let mut out = Vec::with_capacity(n);
            for a in arrays {
                push_days(a, dt, &mut out, name)?;
            }
            Column::Date(out)
        }
        _ => return Err(unsupported(field)),
    })
}

/// A column of strings, interned: as in the CSV reader, joined values
/// ("Salesforce;Snowflake") are a tag set and ISO dates a date, unless the
/// declared kind (`icpfit.kind` metadata) says otherwise.
pub(crate) fn strings_column(categorical: CategoricalColumn, declared: Option<&str>) -> Column {
    let joined = || {
        categorical
            .levels()
            .iter()
            .any(|l| l.contains(TAG_SEPARATOR))
    };
    if declared == Some(Kind::TagSet.as_str()) || (declared.is_none() && joined()) {
        return Column::TagSet(TagSetColumn::split_levels(&categorical, TAG_SEPARATOR));
    }
    if declared.is_none()
        && let Some(days) = iso_dates(&categorical)
    {
        return Column::Date(days);
    }
    Column::Categorical(categorical)
}

/// The column as dates when every level is an ISO date (`2025-03-31`), as
/// the CSV reader infers them: a frame read without date parsing (pandas'
/// default) carries them as strings. Checked once per level.
fn iso_dates(c: &CategoricalColumn) -> Option<Vec<i32>> {
    if c.levels().is_empty() {
        return None;
    }
    let days: Vec<i32> = c
        .levels()
        .iter()
        .map(|l| icpfit_core::table::date::parse_iso(l))
        .collect::<Option<_>>()?;
    Some(
        c.codes()
            .iter()
            .map(|&k| days.get(k as usize).copied().unwrap_or(DATE_MISSING))
            .collect(),
    )
}

/// Calls `f` with each value of a numeric array as f64 (`None` = null).
fn push_numeric(a: &ArrayRef, dt: &DataType, f: &mut dyn FnMut(Option<f64>)) {
    macro_rules! each {
        ($t:ty) => {
            a.as_primitive::<$t>()
                .iter()
                .for_each(|v| f(v.map(|x| x as f64)))
        };
    }
    match dt {
        DataType::Int8 => each!(Int8Type),
        DataType::Int16 => each!(Int16Type),
        DataType::Int32 => each!(Int32Type),
        DataType::Int64 => each!(Int64Type),
        DataType::UInt8 => each!(UInt8Type),
        DataType::UInt16 => each!(UInt16Type),
        DataType::UInt32 => each!(UInt32Type),
        DataType::UInt64 => each!(UInt64Type),
        DataType::Float16 => a
            .as_primitive::<Float16Type>()
            .iter()
            .for_each(|v| f(v.map(f64::from))),
        DataType::Float32 => each!(Float32Type),
        DataType::Float64 => a.as_primitive::<Float64Type>().iter().for_each(f),
        // Decimals are "numeric" to Arrow but not handled: the caller only
        // sends the types above (see `convert`).
        _ => {
            for _ in 0..a.len() {
                f(None)
            }
        }
    }
}

/// Appends a numeric array as f64 (null → NaN): a conversion loop over the
/// values buffer the compiler vectorises (a memcpy for float64), then NaN
/// written at the null positions, instead of one optional per value.
fn push_numbers(a: &ArrayRef, dt: &DataType, out: &mut Vec<f64>) {
    let start = out.len();
    macro_rules! cast {
        ($t:ty) => {
            out.extend(a.as_primitive::<$t>().values().iter().map(|&x| x as f64))
        };
    }
    match dt {
        DataType::Int8 => cast!(Int8Type),
        DataType::Int16 => cast!(Int16Type),
        DataType::Int32 => cast!(Int32Type),
        DataType::Int64 => cast!(Int64Type),
        DataType::UInt8 => cast!(UInt8Type),
        DataType::UInt16 => cast!(UInt16Type),
        DataType::UInt32 => cast!(UInt32Type),
        DataType::UInt64 => cast!(UInt64Type),
        DataType::Float16 => out.extend(
            a.as_primitive::<Float16Type>()
                .values()
                .iter()
                .map(|&x| f64::from(x)),
        ),
        DataType::Float32 => cast!(Float32Type),
        DataType::Float64 => out.extend_from_slice(a.as_primitive::<Float64Type>().values()),
        // Decimals are "numeric" to Arrow but not handled: the caller only
        // sends the types above (see `convert`).
        _ => out.resize(start + a.len(), f64::NAN),
    }
    if let Some(nulls) = a.nulls() {
        let values = &mut out[start..];
        for_each_null(nulls, |i| values[i] = f64::NAN);
    }
}

/// Calls `f` with the index of every null, word by word (a word without
/// nulls costs one comparison).
fn for_each_null(nulls: &NullBuffer, mut f: impl FnMut(usize)) {
    if nulls.null_count() == 0 {
        return;
    }
    let n = nulls.len();
    for (w, word) in nulls.inner().bit_chunks().iter_padded().enumerate() {
        let mut unset = !word;
        while unset != 0 {
            let i = w * 64 + unset.trailing_zeros() as usize;
            if i >= n {
                break;
            }
            f(i);
            unset &= unset - 1;
        }
    }
}

/// The first ±∞, found by a branch-free scan of 1 Ki-value blocks (the
/// compiler vectorises it; an early-exit search per value it does not).
fn first_infinite(values: &[f64]) -> Option<usize> {
    const BLOCK: usize = 1024;
    let block = values.chunks(BLOCK).position(|b| {
        b.iter()
            .fold(false, |any, x| any | (x.abs() == f64::INFINITY))
    })?;
    let start = block * BLOCK;
    values[start..]
        .iter()
        .position(|x| x.is_infinite())
        .map(|k| start + k)
}

/// Refuses ±∞ in a numeric column (`missing`: what the input calls a
/// missing value, for the message).
pub(crate) fn check_finite(column: &str, values: &[f64], missing: &str) -> Result<(), Error> {
    match first_infinite(values) {
        None => Ok(()),
        Some(row) => Err(Error::Parse {
            at: Location::row(row),
            column: column.to_owned(),
            value: values[row].to_string(),
            expected: format!("a finite number ({missing} or NaN for missing)"),
        }),
    }
}

/// Days since 1970-01-01 as a date of the table, or the error naming the
/// column, the row and the value as `shown`.
pub(crate) fn check_day(
    column: &str,
    days: i64,
    row: usize,
    shown: &dyn Fn() -> String,
) -> Result<i32, Error> {
    if (DAY_RANGE.0..=DAY_RANGE.1).contains(&days) {
        Ok(days as i32)
    } else {
        Err(Error::Parse {
            at: Location::row(row),
            column: column.to_owned(),
            value: shown(),
            expected: "a date between 0001-01-01 and 9999-12-31".into(),
        })
    }
}

/// A numeric column. One float64 array whose null slots hold NaN (pandas'
/// layout, and any array without nulls) already is the table's layout: its
/// buffer is shared, not copied. Anything else is converted.
fn numeric_column(name: &str, dt: &DataType, arrays: &[&ArrayRef]) -> BindResult<Column> {
    let finite = |values: &[f64]| check_finite(name, values, "null");
    if let [a] = arrays
        && *dt == DataType::Float64
    {
        let a = a.as_primitive::<Float64Type>();
        let values = a.values();
        let mut nan_under_nulls = true;
        if let Some(nulls) = a.nulls() {
            for_each_null(nulls, |i| nan_under_nulls &= values[i].is_nan());
        }
        if nan_under_nulls {
            finite(values)?;
            let shared: Arc<dyn AsRef<[f64]> + Send + Sync> = Arc::new(values.clone());
            return Ok(Column::Numeric(Values::Shared(shared)));
        }
    }
    let n = arrays.iter().map(|a| a.len()).sum();
    let mut out = Vec::with_capacity(n);
    for a in arrays {
        push_numbers(a, dt, &mut out);
    }
    finite(&out)?;
    Ok(Column::Numeric(out.into()))
}

type DayCheck<'a> = dyn Fn(i64, usize, &dyn Fn() -> String) -> BindResult<i32> + 'a;

/// Days of a timestamp array: of the wall-clock time when it has no time
/// zone, of the local time in its zone otherwise.
fn ts_days<T: ArrowPrimitiveType<Native = i64>>(
    a: &ArrayRef,
    per_day: i64,
    tz: Option<Tz>,
    out: &mut Vec<i32>,
    check: &DayCheck<'_>,
) -> BindResult<()> {
    for v in a.as_primitive::<T>().iter() {
        let row = out.len();
        out.push(match v {
            None => DATE_MISSING,
            Some(t) => {
                let days = match tz {
                    None => Some(t.div_euclid(per_day)),
                    Some(tz) => as_datetime_with_timezone::<T>(t, tz)
                        .map(|d| d.naive_local().and_utc().timestamp().div_euclid(86_400)),
                };
                check(days.unwrap_or(i64::MAX), row, &|| {
                    format!("{t} ({:?}) since 1970-01-01", T::DATA_TYPE)
                })?
            }
        });
    }
    Ok(())
}

fn push_days(a: &ArrayRef, dt: &DataType, out: &mut Vec<i32>, column: &str) -> BindResult<()> {
    let check = |days: i64, row: usize, shown: &dyn Fn() -> String| -> BindResult<i32> {
        Ok(check_day(column, days, row, shown)?)
    };
    match dt {
        DataType::Date32 => {
            for v in a.as_primitive::<Date32Type>().iter() {
                let row = out.len();
                out.push(match v {
                    None => DATE_MISSING,
                    Some(d) => check(i64::from(d), row, &|| format!("{d} days since 1970-01-01"))?,
                });
            }
        }
        DataType::Date64 => {
            for v in a.as_primitive::<Date64Type>().iter() {
                let row = out.len();
                out.push(match v {
                    None => DATE_MISSING,
                    Some(ms) => check(ms.div_euclid(86_400_000), row, &|| {
                        format!("{ms} ms since 1970-01-01")
                    })?,
                });
            }
        }
        DataType::Timestamp(unit, tz) => {
            let per_day: i64 = match unit {
                TimeUnit::Second => 86_400,
                TimeUnit::Millisecond => 86_400_000,
                TimeUnit::Microsecond => 86_400_000_000,
                TimeUnit::Nanosecond => 86_400_000_000_000,
            };
            let tz: Option<Tz> = match tz {
                None => None,
                Some(s) => Some(s.parse().map_err(|e| Error::InvalidSchema {
                    message: format!("column `{column}`: time zone `{s}`: {e}"),
                })?),
            };
            match unit {
                TimeUnit::Second => ts_days::<TimestampSecondType>(a, per_day, tz, out, &check),
                TimeUnit::Millisecond => {
                    ts_days::<TimestampMillisecondType>(a, per_day, tz, out, &check)
                }
                TimeUnit::Microsecond => {
                    ts_days::<TimestampMicrosecondType>(a, per_day, tz, out, &check)
                }
                TimeUnit::Nanosecond => {
                    ts_days::<TimestampNanosecondType>(a, per_day, tz, out, &check)
                }
            }?;
        }
        _ => unreachable!("push_days is only called for date and timestamp types"),
    }
    Ok(())
}

/// Read access to any string-like array: utf8, large_utf8, utf8_view, or a
/// dictionary of those.
enum Strs<'a> {
    Utf8(&'a GenericStringArray<i32>),
    Large(&'a GenericStringArray<i64>),
    View(&'a StringViewArray),
    Dict {
        array: &'a dyn Array,
        /// Row → dictionary index, built on the first row-by-row read only:
        /// interning a categorical reads the typed keys directly
        /// ([`dictionary_codes`]) and never needs this copy.
        keys: std::cell::OnceCell<Vec<usize>>,
        values: Box<Strs<'a>>,
    },
}

impl<'a> Strs<'a> {
    fn new(a: &'a dyn Array) -> Option<Self> {
        Some(match a.data_type() {
            DataType::Utf8 => Self::Utf8(a.as_string::<i32>()),
            DataType::LargeUtf8 => Self::Large(a.as_string::<i64>()),
            DataType::Utf8View => Self::View(a.as_string_view()),
            DataType::Dictionary(_, _) => {
                let d = a.as_any_dictionary_opt()?;
                Self::Dict {
                    array: a,
                    keys: std::cell::OnceCell::new(),
                    values: Box::new(Self::new(d.values().as_ref())?),
                }
            }
            _ => return None,
        })
    }
    /// Appends each row's code from `interner` (null → [`MISSING_CODE`]).
    /// A dictionary's values are interned once each, on first use, so a
    /// categorical column costs an array lookup per row instead of a hash.
    fn push_codes(&self, interner: &mut Interner<'a>, codes: &mut Vec<u32>) {
        match self {
            Self::Dict { array, values, .. }
                if dictionary_codes(*array, values, interner, codes) => {}
            Self::View(a) => view_codes(a, interner, codes),
            Self::Utf8(a) => packed_codes(a, interner, codes),
            Self::Large(a) => packed_codes(a, interner, codes),
            _ => codes.extend(
                (0..self.len()).map(|i| self.get(i).map_or(MISSING_CODE, |v| interner.code(v))),
            ),
        }
    }
    fn len(&self) -> usize {
        match self {
            Self::Utf8(a) => a.len(),
            Self::Large(a) => a.len(),
            Self::View(a) => a.len(),
            Self::Dict { array, .. } => array.len(),
        }
    }
    #[inline]
    fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Self::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            Self::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Self::View(a) => a.is_valid(i).then(|| a.value(i)),
            Self::Dict {
                array,
                keys,
                values,
            } => {
                if array.is_null(i) {
                    return None;
                }
                let keys = keys.get_or_init(|| {
                    array
                        .as_any_dictionary_opt()
                        .map(|d| d.normalized_keys())
                        .unwrap_or_default()
                });
                values.get(*keys.get(i)?)
            }
        }
    }
}

/// Appends the codes of a string-view array's rows (polars' `String`). A
/// view of a string of up to 12 bytes holds the string itself (its length
/// and bytes, zero-padded): such rows are looked up by their 16-byte view,
/// a hash of two words and one comparison, instead of by their bytes.
fn view_codes<'a>(a: &'a StringViewArray, interner: &mut Interner<'a>, codes: &mut Vec<u32>) {
    let mut short = ShortKeys::default();
    let views = a.views();
    let nulls = a.nulls();
    codes.extend(views.iter().enumerate().map(|(i, &view)| {
        if nulls.is_some_and(|n| n.is_null(i)) {
            return MISSING_CODE;
        }
        if view as u32 > 12 {
            return interner.code(a.value(i));
        }
        short.code(view, || interner.code(a.value(i)))
    }));
}

/// Appends the codes of a string array's rows (offsets and bytes: pyarrow's
/// utf8, pandas' `str`): strings of up to 15 bytes are looked up by their
/// bytes and length packed in 16 bytes, as [`view_codes`] does.
fn packed_codes<'a, O: arrow_array::OffsetSizeTrait>(
    a: &'a arrow_array::GenericStringArray<O>,
    interner: &mut Interner<'a>,
    codes: &mut Vec<u32>,
) {
    let mut short = ShortKeys::default();
    let offsets = a.value_offsets();
    let bytes = a.value_data();
    let nulls = a.nulls();
    codes.extend(offsets.windows(2).enumerate().map(|(i, w)| {
        if nulls.is_some_and(|n| n.is_null(i)) {
            return MISSING_CODE;
        }
        let (start, end) = (w[0].as_usize(), w[1].as_usize());
        let len = end - start;
        if len > 15 {
            return interner.code(a.value(i));
        }
        // 16 bytes from the string's start (past its end, when the buffer
        // has them) masked to its length: no per-row copy call.
        let word = match bytes.get(start..start + 16) {
            Some(b) => u128::from_le_bytes(b.try_into().unwrap_or([0; 16])),
            None => {
                let mut buf = [0u8; 16];
                buf[..len].copy_from_slice(&bytes[start..end]);
                u128::from_le_bytes(buf)
            }
        };
        let key = (word & ((1u128 << (8 * len)) - 1)) | ((len as u128) << 120);
        short.code(key, || interner.code(a.value(i)))
    }));
}

/// Codes by short key (a string of up to 15 bytes, with its length, in 16
/// bytes): a direct-mapped cache of 256 keys in front of a map of all of
/// them, the interner asked once per key. A column's few distinct values
/// stay in the cache: one mix, one load and one comparison a row.
struct ShortKeys {
    /// `(key, code)` by the top byte of the key's hash; `u128::MAX` (a
    /// length no short key has) when empty.
    front: Box<[(u128, u32); 256]>,
    all: HashMap<u128, u32, BuildHasherDefault<ViewHasher>>,
}

impl Default for ShortKeys {
    fn default() -> Self {
        Self {
            front: Box::new([(u128::MAX, 0); 256]),
            all: HashMap::default(),
        }
    }
}

impl ShortKeys {
    #[inline]
    fn code(&mut self, key: u128, intern: impl FnOnce() -> u32) -> u32 {
        let slot = &mut self.front[(mix(key, 0) >> 56) as usize];
        if slot.0 == key {
            return slot.1;
        }
        let code = *self.all.entry(key).or_insert_with(intern);
        *slot = (key, code);
        code
    }
}

/// Both words of a 16-byte key mixed into every bit of a 64-bit hash.
#[inline]
fn mix(key: u128, seed: u64) -> u64 {
    let x = (key as u64) ^ ((key >> 64) as u64).rotate_left(32) ^ seed;
    let h = x.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    h ^ (h >> 32)
}

/// A hash of a string view: both words mixed into every bit. (FxHash, whose
/// low bits depend only on the low bits of its input, sent every short
/// view of one length to the same buckets: 2x slower than no cache.)
#[derive(Default)]
struct ViewHasher(u64);

impl std::hash::Hasher for ViewHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(16) {
            let mut word = [0u8; 16];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u128(u128::from_le_bytes(word));
        }
    }
    fn write_u128(&mut self, view: u128) {
        self.0 = mix(view, self.0);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Appends the codes of a dictionary array's rows (`false`, appending
/// nothing, for a key type it does not know): each dictionary value
/// used by a valid row is interned once, on first use, and a row costs an
/// array lookup. Keys under null rows are never read (Arrow leaves them
/// undefined), so unused dictionary entries cannot leak into the levels.
fn dictionary_codes<'a>(
    array: &'a dyn Array,
    values: &Strs<'a>,
    interner: &mut Interner<'a>,
    codes: &mut Vec<u32>,
) -> bool {
    fn typed<'a, K: ArrowDictionaryKeyType>(
        array: &'a dyn Array,
        values: &Strs<'a>,
        interner: &mut Interner<'a>,
        codes: &mut Vec<u32>,
    ) {
        const UNSEEN: u32 = MISSING_CODE - 1;
        let keys = array.as_dictionary::<K>().keys();
        let mut of_key = vec![UNSEEN; values.len()];
        let mut code = |k: K::Native| {
            let k = k.as_usize();
            let slot = &mut of_key[k];
            if *slot == UNSEEN {
                *slot = values.get(k).map_or(MISSING_CODE, |v| interner.code(v));
            }
            *slot
        };
        match keys.nulls().filter(|m| m.null_count() > 0) {
            None => codes.extend(keys.values().iter().map(|&k| code(k))),
            Some(nulls) => codes.extend(
                keys.values()
                    .iter()
                    .zip(nulls.iter())
                    .map(|(&k, valid)| if valid { code(k) } else { MISSING_CODE }),
            ),
        }
    }
    let DataType::Dictionary(k, _) = array.data_type() else {
        return false;
    };
    match k.as_ref() {
        DataType::Int8 => typed::<Int8Type>(array, values, interner, codes),
        DataType::Int16 => typed::<Int16Type>(array, values, interner, codes),
        DataType::Int32 => typed::<Int32Type>(array, values, interner, codes),
        DataType::Int64 => typed::<Int64Type>(array, values, interner, codes),
        DataType::UInt8 => typed::<UInt8Type>(array, values, interner, codes),
        DataType::UInt16 => typed::<UInt16Type>(array, values, interner, codes),
        DataType::UInt32 => typed::<UInt32Type>(array, values, interner, codes),
        DataType::UInt64 => typed::<UInt64Type>(array, values, interner, codes),
        // Arrow allows only the integer keys above: anything else is read
        // row by row by the caller.
        _ => return false,
    }
    true
}

/// Row ranges into the flat values of a list array.
enum Lists<'a> {
    List(&'a GenericListArray<i32>),
    Large(&'a GenericListArray<i64>),
    Fixed(&'a arrow_array::FixedSizeListArray),
}

impl<'a> Lists<'a> {
    fn new(a: &'a dyn Array) -> Option<Self> {
        Some(match a.data_type() {
            DataType::List(_) => Self::List(a.as_list_opt::<i32>()?),
            DataType::LargeList(_) => Self::Large(a.as_list_opt::<i64>()?),
            DataType::FixedSizeList(_, _) => Self::Fixed(a.as_fixed_size_list_opt()?),
            _ => return None,
        })
    }
    fn values(&self) -> &'a dyn Array {
        match self {
            Self::List(a) => a.values().as_ref(),
            Self::Large(a) => a.values().as_ref(),
            Self::Fixed(a) => a.values().as_ref(),
        }
    }
    fn range(&self, i: usize) -> Option<std::ops::Range<usize>> {
        fn generic<O: OffsetSizeTrait>(
            a: &GenericListArray<O>,
            i: usize,
        ) -> Option<std::ops::Range<usize>> {
            let o = a.value_offsets();
            a.is_valid(i).then(|| o[i].as_usize()..o[i + 1].as_usize())
        }
        match self {
            Self::List(a) => generic(a, i),
            Self::Large(a) => generic(a, i),
            Self::Fixed(a) => a.is_valid(i).then(|| {
                let start = a.value_offset(i) as usize;
                start..start + a.value_length() as usize
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::{
        BinaryArray, BooleanArray, Date32Array, DictionaryArray, Float64Array, Int64Array,
        LargeStringArray, NullArray, StringArray, TimestampSecondArray,
    };
    use arrow_schema::Field;
    use std::sync::Arc;

    fn batch(cols: Vec<(&str, ArrayRef)>) -> (Schema, Vec<RecordBatch>) {
        let schema = Schema::new(
            cols.iter()
                .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
                .collect::<Vec<_>>(),
        );
        let b = RecordBatch::try_new(
            Arc::new(schema.clone()),
            cols.into_iter().map(|(_, a)| a).collect(),
        )
        .unwrap();
        (schema, vec![b])
    }

    #[test]
    fn every_supported_type_maps_to_its_kind() {
        let mut tags = ListBuilder::new(StringBuilder::new());
        tags.values().append_value("snowflake");
        tags.values().append_value("dbt");
        tags.append(true);
        tags.append(false);
        tags.append(true);
        let dict: DictionaryArray<Int32Type> = vec![Some("retail"), None, Some("fintech")]
            .into_iter()
            .collect();
        let (schema, batches) = batch(vec![
            (
                "account_id",
                Arc::new(Int64Array::from(vec![7, 8, 9])) as ArrayRef,
            ),
            (
                "employees",
                Arc::new(Float64Array::from(vec![Some(1.5), None, Some(f64::NAN)])),
            ),
            (
                "is_public",
                Arc::new(BooleanArray::from(vec![Some(true), None, Some(false)])),
            ),
            ("industry", Arc::new(dict)),
            (
                "region",
                Arc::new(LargeStringArray::from(vec![Some("EU"), Some("US"), None])),
            ),
            ("tech_stack", Arc::new(tags.finish())),
            (
                "close_date",
                Arc::new(Date32Array::from(vec![Some(19_782), None, Some(0)])),
            ),
            ("nothing", Arc::new(NullArray::new(3))),
        ]);
        let t = table_from_batches(&schema, &batches, &Overrides::default()).unwrap();
        let kinds: Vec<Kind> = t.schema().fields().iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            [
                Kind::Text,
                Kind::Numeric,
                Kind::Flag,
                Kind::Categorical,
                Kind::Categorical,
                Kind::TagSet,
                Kind::Date,
                Kind::Numeric
            ]
        );
        assert_eq!(t.text("account_id").unwrap().get(2), Some("9"));
        let e = t.numeric("employees").unwrap();
        assert_eq!(e[0], 1.5);
        assert!(e[1].is_nan() && e[2].is_nan());
        assert_eq!(t.flag("is_public").unwrap(), &[1, FLAG_MISSING, 0]);
        let ind = t.categorical("industry").unwrap();
        assert_eq!(ind.levels(), ["fintech", "retail"]);
        assert_eq!(ind.get(0), Some("retail"));
        assert_eq!(ind.get(1), None);
        let tags = t.tag_set("tech_stack").unwrap();
        assert_eq!(tags.get(0), Some(vec!["dbt", "snowflake"]));
        assert_eq!(tags.get(1), None);
        assert_eq!(tags.get(2), Some(vec![]));
        assert_eq!(t.date("close_date").unwrap(), &[19_782, DATE_MISSING, 0]);
        assert_eq!(t.schema().field("close_date").unwrap().role, Role::Outcome);
    }

    #[test]
    fn several_batches_concatenate_and_share_levels() {
        let schema = Schema::new(vec![Field::new("industry", DataType::Utf8, true)]);
        let s = Arc::new(schema.clone());
        let b1 = RecordBatch::try_new(s.clone(), vec![Arc::new(StringArray::from(vec!["b", "a"]))])
            .unwrap();
        let b2 = RecordBatch::try_new(
            s,
            vec![Arc::new(StringArray::from(vec![
                Some("c"),
                None,
                Some("a"),
            ]))],
        )
        .unwrap();
        let t = table_from_batches(&schema, &[b1, b2], &Overrides::default()).unwrap();
        let c = t.categorical("industry").unwrap();
        assert_eq!(t.n_rows(), 5);
        assert_eq!(c.levels(), ["a", "b", "c"]);
        assert_eq!(c.codes(), &[1, 0, 2, MISSING_CODE, 0]);
    }

    #[test]
    fn dictionaries_keep_only_used_values_and_read_nulls_from_keys_and_values() {
        // Dictionary: 0 "zeta" (unused), 1 "fin", 2 null, 3 "fin" (repeated),
        // 4 "edu"; keys: fin, null key, null value, fin (repeat), edu.
        let values = Arc::new(StringArray::from(vec![
            Some("zeta"),
            Some("fin"),
            None,
            Some("fin"),
            Some("edu"),
        ]));
        let keys = arrow_array::Int8Array::from(vec![Some(1), None, Some(2), Some(3), Some(4)]);
        let dict = DictionaryArray::<arrow_array::types::Int8Type>::try_new(keys, values).unwrap();
        // A slice of a float column with nulls: offsets must carry through.
        let floats = Float64Array::from(vec![
            Some(9.0),
            Some(1.0),
            None,
            Some(3.0),
            Some(4.0),
            Some(5.0),
        ]);
        let (schema, batches) = batch(vec![
            ("industry", Arc::new(dict) as ArrayRef),
            ("employees", Arc::new(floats.slice(1, 5)) as ArrayRef),
            (
                "seats",
                Arc::new(arrow_array::UInt16Array::from(vec![
                    Some(1),
                    None,
                    Some(3),
                    Some(4),
                    Some(5),
                ])),
            ),
        ]);
        let t = table_from_batches(&schema, &batches, &Overrides::default()).unwrap();
        let c = t.categorical("industry").unwrap();
        assert_eq!(c.levels(), ["edu", "fin"]);
        assert_eq!(c.codes(), &[1, MISSING_CODE, MISSING_CODE, 1, 0]);
        let e = t.numeric("employees").unwrap();
        assert_eq!(e[0], 1.0);
        assert!(e[1].is_nan());
        assert_eq!(&e[2..], &[3.0, 4.0, 5.0]);
        // A zero under the null: copied with NaN written in; without nulls
        // (or with NaN under them) the Arrow buffer itself is shared.
        let shared = |name: &str| match t.column(name).unwrap() {
            Column::Numeric(v) => v.is_shared(),
            _ => unreachable!(),
        };
        assert!(!shared("employees"));
        let nan_under_null = Float64Array::new(
            vec![1.0, f64::NAN].into(),
            Some(arrow_buffer::NullBuffer::from(vec![true, false])),
        );
        let (schema2, batches2) = batch(vec![("acv", Arc::new(nan_under_null) as ArrayRef)]);
        let t2 = table_from_batches(&schema2, &batches2, &Overrides::default()).unwrap();
        assert!(matches!(t2.column("acv").unwrap(), Column::Numeric(v) if v.is_shared()));
        assert!(t2.numeric("acv").unwrap()[1].is_nan());
        let s = t.numeric("seats").unwrap();
        assert!(s[1].is_nan());
        assert_eq!((s[0], s[4]), (1.0, 5.0));
    }

    #[test]
    fn joined_strings_are_a_tag_set_unless_the_metadata_says_categorical() {
        let joined: DictionaryArray<Int32Type> = vec![Some("Snowflake;dbt"), None, Some("dbt")]
            .into_iter()
            .collect();
        let (schema, batches) = batch(vec![
            ("tech_stack", Arc::new(joined) as ArrayRef),
            (
                "partner",
                Arc::new(StringArray::from(vec!["a; b", "c", "c"])) as ArrayRef,
            ),
        ]);
        let t = table_from_batches(&schema, &batches, &Overrides::default()).unwrap();
        let tags = t.tag_set("tech_stack").unwrap();
        assert_eq!(tags.tags(), ["Snowflake", "dbt"]);
        assert_eq!(tags.get(0), Some(vec!["Snowflake", "dbt"]));
        assert_eq!(tags.get(1), None);
        assert!(t.tag_set("partner").is_ok());

        let declared = Schema::new(vec![
            schema.field(0).clone(),
            schema
                .field(1)
                .clone()
                .with_metadata([(META_KIND.to_owned(), "categorical".to_owned())].into()),
        ]);
        let t = table_from_batches(&declared, &batches, &Overrides::default()).unwrap();
        assert_eq!(t.categorical("partner").unwrap().levels(), ["a; b", "c"]);

        // ISO date strings are dates, as in CSV; one non-date keeps a categorical.
        let (schema, batches) = batch(vec![
            (
                "close_date",
                Arc::new(StringArray::from(vec![
                    Some("1970-01-11"),
                    None,
                    Some("1970-01-01"),
                ])) as ArrayRef,
            ),
            (
                "quarter",
                Arc::new(StringArray::from(vec!["1970-01-11", "Q1", "Q1"])) as ArrayRef,
            ),
        ]);
        let t = table_from_batches(&schema, &batches, &Overrides::default()).unwrap();
        assert_eq!(t.date("close_date").unwrap(), &[10, DATE_MISSING, 0]);
        assert!(t.categorical("quarter").is_ok());
    }

    #[test]
    fn unsupported_types_and_bad_values_name_the_column() {
        let (schema, batches) = batch(vec![(
            "blob",
            Arc::new(BinaryArray::from(vec![b"x".as_ref()])) as ArrayRef,
        )]);
        let e = table_from_batches(&schema, &batches, &Overrides::default()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("column `blob` has Arrow type Binary"),
            "{e}"
        );

        let (schema, batches) = batch(vec![(
            "employees",
            Arc::new(Float64Array::from(vec![1.0, f64::INFINITY])) as ArrayRef,
        )]);
        let e = table_from_batches(&schema, &batches, &Overrides::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "row 1, column `employees`: expected a finite number (null or NaN for missing), found `inf`"
        );

        let (schema, batches) = batch(vec![(
            "account_id",
            Arc::new(StringArray::from(vec!["a", "b", "a"])) as ArrayRef,
        )]);
        let e = table_from_batches(&schema, &batches, &Overrides::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "row 2, column `account_id`: duplicate id `a` (first seen at row 0)"
        );
    }

    #[test]
    fn timestamps_become_local_dates_and_out_of_range_dates_fail() {
        let ts = TimestampSecondArray::from(vec![Some(86_400 * 10 + 3_600 * 23), Some(-1), None]);
        let (schema, batches) = batch(vec![("closed", Arc::new(ts.clone()) as ArrayRef)]);
        let t = table_from_batches(&schema, &batches, &Overrides::default()).unwrap();
        assert_eq!(t.date("closed").unwrap(), &[10, -1, DATE_MISSING]);
        // 23:00 UTC is the next day in Berlin.
        let (schema, batches) = batch(vec![(
            "closed",
            Arc::new(ts.with_timezone("Europe/Berlin")) as ArrayRef,
        )]);
        let t = table_from_batches(&schema, &batches, &Overrides::default()).unwrap();
        assert_eq!(t.date("closed").unwrap(), &[11, 0, DATE_MISSING]);

        let (schema, batches) = batch(vec![(
            "closed",
            Arc::new(Date32Array::from(vec![i32::MIN])) as ArrayRef,
        )]);
        let e = table_from_batches(&schema, &batches, &Overrides::default()).unwrap_err();
        assert!(
            e.to_string()
                .contains("expected a date between 0001-01-01 and 9999-12-31"),
            "{e}"
        );
    }

    #[test]
    fn overrides_win_and_unknown_names_are_suggested() {
        let (schema, batches) = batch(vec![
            (
                "acct",
                Arc::new(StringArray::from(vec!["x1", "x2"])) as ArrayRef,
            ),
            ("employees", Arc::new(Int64Array::from(vec![1, 2]))),
        ]);
        let o = Overrides {
            roles: vec![("acct".into(), Role::Id)],
            dimensions: vec![("employees".into(), Dimension::Stage)],
        };
        let t = table_from_batches(&schema, &batches, &o).unwrap();
        assert_eq!(t.schema().field("acct").unwrap().kind, Kind::Text);
        assert_eq!(t.schema().field("acct").unwrap().role, Role::Id);
        assert_eq!(
            t.schema().field("employees").unwrap().dimension,
            Dimension::Stage
        );
        let o = Overrides {
            roles: vec![("employes".into(), Role::Ignore)],
            ..Default::default()
        };
        let e = table_from_batches(&schema, &batches, &o).unwrap_err();
        assert_eq!(
            e.to_string(),
            "no column named `employes`; did you mean `employees`?"
        );
    }

    /// Strings of every length around the short-key limits (12 bytes for
    /// views, 15 packed), empty, multibyte, null, and at a buffer's end
    /// (a slice): each string array type converts them to the same column,
    /// whose every row reads back as it was.
    #[test]
    fn short_string_keys_give_each_row_its_string() {
        const PARTS: [&str; 6] = ["a", "b", "é", "xyz", "Zürich", "0"];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut values: Vec<Option<String>> = Vec::new();
        for _ in 0..3000 {
            let r = next();
            if r % 11 == 0 {
                values.push(None);
                continue;
            }
            let mut v = String::new();
            let target = (r >> 8) % 21; // 0..=20 bytes, about
            while v.len() < target as usize {
                v.push_str(PARTS[(next() % PARTS.len() as u64) as usize]);
            }
            values.push(Some(v));
        }
        // Every length 0..=20 of one letter, so both limits are crossed.
        values.extend((0..=20).map(|n| Some("q".repeat(n))));
        let refs: Vec<Option<&str>> = values.iter().map(Option::as_deref).collect();
        let arrays: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(refs.clone())),
            Arc::new(LargeStringArray::from(refs.clone())),
            Arc::new(StringViewArray::from(refs.clone())),
        ];
        for array in arrays {
            let field = Field::new("s", array.data_type().clone(), true);
            // Whole, and the last rows alone (strings at the buffer's end).
            for (from, a) in [
                (0, array.clone()),
                (2990, array.slice(2990, array.len() - 2990)),
            ] {
                let Column::Categorical(c) = convert(&field, &[&a], false).unwrap() else {
                    panic!("{}: not categorical", field.data_type());
                };
                for (i, want) in refs[from..].iter().enumerate() {
                    assert_eq!(c.get(i), *want, "{} row {}", field.data_type(), from + i);
                }
            }
        }
    }
}
