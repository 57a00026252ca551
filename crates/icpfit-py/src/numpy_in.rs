//! A mapping of column name → 1-D numpy array (or Python sequence) → an
//! [`AccountTable`], through rust-numpy: no pyarrow, pandas or polars needed.
//!
//! | value | column kind |
//! |---|---|
//! | float / int / uint array | numeric (NaN → missing; ±inf is an error); text for the id |
//! | bool array | flag |
//! | datetime64 array | date (NaT → missing) |
//! | str / object array, or a list | by its values: all `bool` → flag, all numbers → numeric, all `str` → categorical (tag set / date inferred as in CSV; text for the id); `None` is missing |
//!
//! Numbers are read through a float64 view of the array (`astype` copies
//! only when the dtype differs): the table owns its values, since a numpy
//! buffer can change under it while the GIL is released.

use crate::arrow_in::{Overrides, check_day, check_finite, strings_column};
use crate::error::PyIcpfitErr;
use icpfit_core::Error;
use icpfit_core::table::levels::{Interner, remap_codes};
use icpfit_core::table::{
    AccountTable, CategoricalColumn, Column, DATE_MISSING, FLAG_MISSING, MISSING_CODE, Role,
    TextColumn, format_number,
};
use numpy::{PyArrayDescrMethods, PyReadonlyArray1, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString};

/// The table of a mapping `{name: array or sequence}`, in the mapping's order.
pub(crate) fn table_from_mapping(
    items: Vec<(String, Bound<'_, PyAny>)>,
    overrides: &Overrides,
) -> PyResult<AccountTable> {
    let names: Vec<&str> = items.iter().map(|(n, _)| n.as_str()).collect();
    overrides.check(&names).map_err(PyIcpfitErr::from)?;
    let mut columns = Vec::with_capacity(items.len());
    for (name, value) in &items {
        let as_text = overrides.role_or_default(name) == Role::Id;
        columns.push((name.clone(), column_of(name, value, as_text)?));
    }
    let mut table = AccountTable::from_columns(columns).map_err(PyIcpfitErr::from)?;
    for name in names {
        table
            .set_role(name, overrides.role_or_default(name))
            .map_err(PyIcpfitErr::from)?;
        table
            .set_dimension(name, overrides.dimension_or_default(name))
            .map_err(PyIcpfitErr::from)?;
    }
    table.check_unique_ids().map_err(PyIcpfitErr::from)?;
    Ok(table)
}

fn column_of(name: &str, value: &Bound<'_, PyAny>, as_text: bool) -> PyResult<Column> {
    if let Ok(array) = value.cast::<PyUntypedArray>() {
        if array.ndim() != 1 {
            return Err(PyIcpfitErr::from(Error::invalid(
                name,
                format!("a 1-D array, not one of {} dimensions", array.ndim()),
            ))
            .into());
        }
        match array.dtype().kind() {
            b'f' | b'i' | b'u' if !as_text => {
                let f64s = value.call_method1("astype", ("float64",))?;
                let a: PyReadonlyArray1<'_, f64> = f64s.extract()?;
                return numbers(name, a.as_array().to_vec());
            }
            b'b' => {
                let a: PyReadonlyArray1<'_, bool> = value.extract()?;
                return Ok(Column::Flag(
                    a.as_array().iter().map(|&b| u8::from(b)).collect(),
                ));
            }
            b'M' => {
                let days = value
                    .call_method1("astype", ("datetime64[D]",))?
                    .call_method1("astype", ("int64",))?;
                let a: PyReadonlyArray1<'_, i64> = days.extract()?;
                return dates(name, a.as_array().iter().copied());
            }
            _ => return sequence(name, &value.call_method0("tolist")?, as_text),
        }
    }
    sequence(name, value, as_text)
}

fn numbers(name: &str, v: Vec<f64>) -> PyResult<Column> {
    check_finite(name, &v, "None").map_err(PyIcpfitErr::from)?;
    Ok(Column::Numeric(v.into()))
}

fn dates(name: &str, days: impl Iterator<Item = i64>) -> PyResult<Column> {
    let mut out = Vec::new();
    for (row, d) in days.enumerate() {
        out.push(match d {
            i64::MIN => DATE_MISSING, // NaT
            d => check_day(name, d, row, &|| format!("{d} days since 1970-01-01"))
                .map_err(PyIcpfitErr::from)?,
        });
    }
    Ok(Column::Date(out))
}

/// A Python sequence, typed by its values (see the module table).
fn sequence(name: &str, value: &Bound<'_, PyAny>, as_text: bool) -> PyResult<Column> {
    let items: Vec<Bound<'_, PyAny>> = value
        .try_iter()
        .map_err(|_| {
            PyTypeError::new_err(format!(
                "column `{name}`: expected a 1-D numpy array or a sequence, got {}",
                value
                    .get_type()
                    .name()
                    .map_or("?".into(), |n| n.to_string())
            ))
        })?
        .collect::<PyResult<_>>()?;
    let present = || items.iter().filter(|v| !v.is_none());
    let is_number = |v: &Bound<'_, PyAny>| {
        !v.is_instance_of::<PyBool>()
            && (v.is_instance_of::<PyFloat>() || v.is_instance_of::<PyInt>())
    };
    if present().all(|v| v.is_instance_of::<PyBool>()) && present().next().is_some() {
        let flags = items
            .iter()
            .map(|v| {
                if v.is_none() {
                    Ok(FLAG_MISSING)
                } else {
                    v.extract::<bool>().map(u8::from)
                }
            })
            .collect::<PyResult<_>>()?;
        return Ok(Column::Flag(flags));
    }
    if present().all(&is_number) {
        let v: Vec<f64> = items
            .iter()
            .map(|v| {
                if v.is_none() {
                    Ok(f64::NAN)
                } else {
                    v.extract::<f64>()
                }
            })
            .collect::<PyResult<_>>()?;
        if !as_text {
            return numbers(name, v);
        }
        let text: Vec<Option<String>> = v
            .iter()
            .map(|&x| (!x.is_nan()).then(|| format_number(x)))
            .collect();
        return Ok(Column::Text(
            TextColumn::from_strings(name, &text).map_err(PyIcpfitErr::from)?,
        ));
    }
    // Mixed values: name the first whose type differs from the first value's.
    let class = |v: &Bound<'_, PyAny>| {
        if v.is_instance_of::<PyBool>() {
            "bool"
        } else if is_number(v) {
            "number"
        } else if v.is_instance_of::<PyString>() {
            "str"
        } else {
            "other"
        }
    };
    let first = present().next().map_or("str", |v| class(v));
    if let Some((row, other)) = items
        .iter()
        .enumerate()
        .find(|(_, v)| !v.is_none() && (class(v) != first || first == "other"))
    {
        return Err(PyTypeError::new_err(format!(
            "column `{name}`: values must be all numbers, all bools or all strings (None = missing); \
             row {row} is {}",
            other
                .get_type()
                .name()
                .map_or("?".into(), |n| n.to_string())
        )));
    }
    let strings: Vec<Option<String>> = items
        .iter()
        .map(|v| {
            if v.is_none() {
                Ok(None)
            } else {
                v.extract().map(Some)
            }
        })
        .collect::<PyResult<_>>()?;
    if as_text {
        return Ok(Column::Text(
            TextColumn::from_strings(name, &strings).map_err(PyIcpfitErr::from)?,
        ));
    }
    let mut interner = Interner::default();
    let mut codes: Vec<u32> = strings
        .iter()
        .map(|s| s.as_deref().map_or(MISSING_CODE, |s| interner.code(s)))
        .collect();
    let (levels, remap) = interner.finish();
    remap_codes(&mut codes, &remap);
    let categorical = CategoricalColumn::new(codes, levels).map_err(PyIcpfitErr::from)?;
    Ok(strings_column(categorical, None))
}
