//! 1-D numpy arrays lent to Arrow as they lie: a pandas frame's float64
//! columns and category codes, laid out by `icpfit._frames.for_scoring`,
//! become Arrow arrays over the numpy memory, with no copy and no pyarrow
//! call per column (those calls, and assembling their table, cost 0.15 ms
//! a call right after a scoring: most of what a pandas frame cost over a
//! pyarrow table).
//!
//! A lent array is read, never written, and its numpy array is held by the
//! Arrow buffer until the last reader drops it: what pyarrow does when it
//! wraps a numpy array without copying (`pa.array(ndarray)`). An array that
//! is not C-contiguous or not aligned is copied (by numpy) first.

use crate::error::PyIcpfitErr;
use arrow_array::types::{
    Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type,
    UInt64Type,
};
use arrow_array::{ArrayRef, ArrowPrimitiveType, PrimitiveArray, RecordBatch, RecordBatchOptions};
use arrow_buffer::{Buffer, ScalarBuffer};
use arrow_schema::{Field, Schema, SchemaRef};
use numpy::{Element, PyArray1, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::ptr::NonNull;
use std::sync::Arc;

/// What keeps a lent array's memory alive: its numpy array.
struct Owner(#[allow(dead_code)] Py<PyAny>);

// The owner is only held and dropped, never used: a panic cannot leave it
// in a state that a later reader would see.
impl std::panic::RefUnwindSafe for Owner {}

/// The columns of a pandas frame laid out by `for_scoring` (name → a 1-D
/// numpy array, or an Arrow array for the columns pyarrow converts), as
/// one record batch.
pub(crate) fn lent_batch(columns: &Bound<'_, PyDict>) -> PyResult<(Vec<RecordBatch>, SchemaRef)> {
    let mut fields = Vec::with_capacity(columns.len());
    let mut arrays = Vec::with_capacity(columns.len());
    for (name, value) in columns.iter() {
        let name: String = name.extract()?;
        let array = match value.cast::<PyUntypedArray>() {
            Ok(a) => lent(&name, a)?,
            Err(_) => value.extract::<pyo3_arrow::PyArray>()?.into_inner().0,
        };
        fields.push(Field::new(name, array.data_type().clone(), true));
        arrays.push(array);
    }
    let schema = Arc::new(Schema::new(fields));
    // No columns: no rows, as an Arrow table of no columns has.
    let options = RecordBatchOptions::new().with_row_count(arrays.is_empty().then_some(0));
    let batch = RecordBatch::try_new_with_options(schema.clone(), arrays, &options)
        .map_err(|e| PyIcpfitErr::from(icpfit_core::Error::invalid("frame", e.to_string())))?;
    Ok((vec![batch], schema))
}

/// Column `name`'s numpy array as an Arrow array (float64 or integers).
fn lent(name: &str, array: &Bound<'_, PyUntypedArray>) -> PyResult<ArrayRef> {
    macro_rules! try_lend {
        ($($t:ty => $arrow:ty),*) => {$(
            if let Ok(a) = array.cast::<PyArray1<$t>>() {
                return Ok(Arc::new(primitive::<$t, $arrow>(a)?));
            }
        )*};
    }
    try_lend!(f64 => Float64Type, i8 => Int8Type, i16 => Int16Type, i32 => Int32Type,
        i64 => Int64Type, u8 => UInt8Type, u16 => UInt16Type, u32 => UInt32Type,
        u64 => UInt64Type);
    Err(PyIcpfitErr::UnsupportedArrowType {
        column: name.to_owned(),
        data_type: format!("numpy {} of {} dimensions", array.dtype(), array.ndim()),
    }
    .into())
}

/// Whether an array's memory can be lent: C-contiguous and aligned.
fn lendable<T: Element>(array: &Bound<'_, PyArray1<T>>) -> bool {
    array.is_c_contiguous() && (array.data() as usize).is_multiple_of(std::mem::align_of::<T>())
}

/// A 1-D numpy array of `T` as an Arrow array, over its memory when it is
/// C-contiguous and aligned (else over numpy's copy that is).
fn primitive<T, A>(array: &Bound<'_, PyArray1<T>>) -> PyResult<PrimitiveArray<A>>
where
    T: Element + arrow_buffer::ArrowNativeType,
    A: ArrowPrimitiveType<Native = T>,
{
    let n = array.len();
    if n == 0 {
        return Ok(PrimitiveArray::from_iter_values(std::iter::empty()));
    }
    if let Some(ptr) = NonNull::new(array.data().cast::<u8>())
        && lendable(array)
    {
        let owner = Arc::new(Owner(array.clone().into_any().unbind()));
        // SAFETY: `ptr` is the data of a live, C-contiguous, aligned 1-D
        // array of `n` values of `T` (checked above), so it is valid for
        // `n * size_of::<T>()` bytes for as long as that array lives, which
        // the buffer ensures by holding `owner`; numpy refuses to resize an
        // array another reference holds. The buffer is only read.
        #[allow(unsafe_code)]
        let buffer =
            unsafe { Buffer::from_custom_allocation(ptr, n * std::mem::size_of::<T>(), owner) };
        return Ok(PrimitiveArray::new(ScalarBuffer::new(buffer, 0, n), None));
    }
    // numpy copies it C-contiguous and aligned (ndarray's views refuse a
    // misaligned pointer); that copy is lent in turn.
    let copy = PyModule::import(array.py(), "numpy")?
        .getattr("require")?
        .call1((array, array.dtype(), "CA"))?;
    let copy = copy.cast::<PyArray1<T>>()?;
    if lendable(copy) {
        return primitive(copy);
    }
    Err(pyo3::exceptions::PyValueError::new_err(
        "numpy.require gave no contiguous, aligned copy",
    ))
}
