//! Arrow record batches → an [`AccountTable`]. Pure Rust (no Python), so it
//! runs with the GIL released and is unit-tested here.
//!
//! | Arrow type | column kind |
//! |---|---|
//! | int8…int64, uint8…uint64, float16/32/64 | numeric (null and NaN → missing; ±inf is an error). Integer ids (role `id`) become text |
//! | bool | flag |
//! | utf8, large_utf8, utf8_view, dictionary of those | categorical; text when the role is `id` or the field's metadata says `icpfit.kind = text` |
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
    Date32Type, Date64Type, Float16Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type,
    Int64Type, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{
    Array, ArrayRef, ArrowPrimitiveType, GenericListArray, GenericStringArray, OffsetSizeTrait,
    RecordBatch, StringViewArray,
};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use icpfit_core::error::{Location, suggest};
use icpfit_core::table::{
    AccountTable, CategoricalColumn, Column, DATE_MISSING, Dimension, FLAG_MISSING, Kind,
    MISSING_CODE, Role, TagSetColumn, TextColumn, default_dimension, default_role,
};
use icpfit_core::{Error, table::format_number};
use std::collections::HashMap;

/// Metadata key of a field's column kind.
pub const META_KIND: &str = "icpfit.kind";
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
    fn role(&self, name: &str) -> Option<Role> {
        self.roles.iter().find(|(n, _)| n == name).map(|(_, r)| *r)
    }
    fn dimension(&self, name: &str) -> Option<Dimension> {
        self.dimensions
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, d)| *d)
    }
}

/// Builds a table from record batches of one schema.
pub fn table_from_batches(
    schema: &Schema,
    batches: &[RecordBatch],
    overrides: &Overrides,
) -> BindResult<AccountTable> {
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    overrides.check(&names)?;
    let mut columns = Vec::with_capacity(names.len());
    let mut fields = Vec::with_capacity(names.len());
    for (j, field) in schema.fields().iter().enumerate() {
        let name = field.name().as_str();
        let meta = |key: &str| field.metadata().get(key).map(String::as_str);
        let role = match overrides.role(name) {
            Some(r) => r,
            None => match meta(META_ROLE) {
                Some(r) => names::role(name, r)?,
                None => default_role(name),
            },
        };
        let dimension = match overrides.dimension(name) {
            Some(d) => d,
            None => match meta(META_DIMENSION) {
                Some(d) => names::dimension(name, d)?,
                None => default_dimension(name),
            },
        };
        let as_text = role == Role::Id || meta(META_KIND) == Some(Kind::Text.as_str());
        let arrays: Vec<&ArrayRef> = batches.iter().map(|b| b.column(j)).collect();
        columns.push((name.to_owned(), convert(field, &arrays, as_text)?));
        fields.push((name, role, dimension));
    }
    let mut table = AccountTable::from_columns(columns)?;
    for (name, role, dimension) in fields {
        table.set_role(name, role)?;
        table.set_dimension(name, dimension)?;
    }
    check_unique_ids(&table)?;
    Ok(table)
}

/// Refuses a repeated id, as the CSV reader does.
// The core's check is private to its readers; this mirrors it for in-memory
// input (see the report: the core should expose one).
fn check_unique_ids(table: &AccountTable) -> Result<(), Error> {
    let Some(field) = table.schema().id_column() else {
        return Ok(());
    };
    let col = table.column(&field.name)?;
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(table.n_rows());
    for i in 0..table.n_rows() {
        let Some(v) = col.display_value(i) else {
            continue;
        };
        if let Some(&first) = seen.get(&v) {
            return Err(Error::DuplicateId {
                at: Location::row(i),
                column: field.name.clone(),
                value: v,
                first: Location::row(first),
            });
        }
        seen.insert(v, i);
    }
    Ok(())
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

fn convert(field: &Field, arrays: &[&ArrayRef], as_text: bool) -> BindResult<Column> {
    let dt = field.data_type();
    let n: usize = arrays.iter().map(|a| a.len()).sum();
    let name = field.name();
    Ok(match dt {
        DataType::Null => Column::Numeric(vec![f64::NAN; n]),
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
        dt if is_number(dt) => {
            let mut out = Vec::with_capacity(n);
            let mut bad = None;
            for a in arrays {
                push_numeric(a, dt, &mut |v| {
                    let x = v.unwrap_or(f64::NAN);
                    if x.is_infinite() && bad.is_none() {
                        bad = Some((out.len(), x));
                    }
                    out.push(x);
                });
            }
            if let Some((row, x)) = bad {
                return Err(Error::Parse {
                    at: Location::row(row),
                    column: name.clone(),
                    value: x.to_string(),
                    expected: "a finite number (null or NaN for missing)".into(),
                }
                .into());
            }
            Column::Numeric(out)
        }
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
                    codes.extend(
                        (0..s.len()).map(|i| s.get(i).map_or(MISSING_CODE, |v| interner.code(v))),
                    );
                }
                let (levels, remap) = interner.finish();
                for c in codes.iter_mut().filter(|c| **c != MISSING_CODE) {
                    *c = remap[*c as usize];
                }
                Column::Categorical(CategoricalColumn::new(codes, levels)?)
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
        if (DAY_RANGE.0..=DAY_RANGE.1).contains(&days) {
            Ok(days as i32)
        } else {
            Err(Error::Parse {
                at: Location::row(row),
                column: column.to_owned(),
                value: shown(),
                expected: "a date between 0001-01-01 and 9999-12-31".into(),
            }
            .into())
        }
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
        keys: Vec<usize>,
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
                    keys: d.normalized_keys(),
                    values: Box::new(Self::new(d.values().as_ref())?),
                }
            }
            _ => return None,
        })
    }
    fn len(&self) -> usize {
        match self {
            Self::Utf8(a) => a.len(),
            Self::Large(a) => a.len(),
            Self::View(a) => a.len(),
            Self::Dict { keys, .. } => keys.len(),
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
                    None
                } else {
                    values.get(keys[i])
                }
            }
        }
    }
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

/// Interns strings in first-seen order, then renumbers them sorted, so that
/// levels do not depend on row order or on an Arrow dictionary's layout.
#[derive(Default)]
struct Interner<'a> {
    index: HashMap<&'a str, u32>,
    levels: Vec<&'a str>,
}

impl<'a> Interner<'a> {
    #[inline]
    fn code(&mut self, s: &'a str) -> u32 {
        if let Some(&c) = self.index.get(s) {
            return c;
        }
        let c = self.levels.len() as u32;
        self.index.insert(s, c);
        self.levels.push(s);
        c
    }
    fn finish(self) -> (Vec<String>, Vec<u32>) {
        let mut order: Vec<u32> = (0..self.levels.len() as u32).collect();
        order.sort_by(|&a, &b| self.levels[a as usize].cmp(self.levels[b as usize]));
        let mut remap = vec![0u32; order.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old as usize] = new as u32;
        }
        let levels = order
            .iter()
            .map(|&o| self.levels[o as usize].to_owned())
            .collect();
        (levels, remap)
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
}
