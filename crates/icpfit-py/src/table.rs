//! `icpfit.Table`, `icpfit.Field`, `icpfit.TableSummary` and `read_csv`.

use crate::arrow_in::{Overrides, projection, table_from_batches, table_from_coded_batches};
use crate::arrow_out::{summary_to_batch, table_to_batch};
use crate::borrow_in::{Categories, ListId, strings};
use crate::error::{BindResult, PyIcpfitErr, guard, warn};
use crate::names;
use crate::numpy_in::table_from_mapping;
use arrow_array::{Array, ArrayRef, RecordBatch, StructArray};
use arrow_schema::{DataType, Field as ArrowField, Schema};
use icpfit_core::table::{
    AccountTable, Column, ColumnSpec, ColumnSummary, CsvOptions, DATE_MISSING, Field,
    IngestWarning, SchemaSpec,
};
use icpfit_core::{Error, table::format_number};
use numpy::PyArray1;
use numpy::datetime::{Datetime, units};
use pyo3::exceptions::{PyIndexError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyCapsule, PyDict, PyList, PyMapping, PyString, PyType};
use pyo3_arrow::ffi::{ArrayIterator, to_stream_pycapsule};
use pyo3_arrow::input::{AnyArray, AnyRecordBatch};
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;

/// Rows shown by `_repr_html_`.
const HTML_PREVIEW_ROWS: usize = 5;

/// A table of accounts (deals, customers): typed columns of equal length,
/// each with a kind, a role and an ICP dimension. Immutable.
///
/// Build one with :func:`icpfit.read_csv` or :meth:`Table.from_arrow`;
/// convert it with :meth:`to_arrow`, :meth:`to_pandas`, :meth:`to_polars`, or
/// hand it to any Arrow consumer directly (it implements
/// ``__arrow_c_stream__``).
///
/// Column kinds and what :meth:`column` returns for them:
///
/// ============ ======================================== ===========================
/// kind         column(name)                             Arrow (to_arrow)
/// ============ ======================================== ===========================
/// numeric      numpy float64, NaN = missing              float64, null = missing
/// flag         numpy float64: 1.0 / 0.0, NaN = missing   bool
/// date         numpy datetime64[D], NaT = missing        date32
/// categorical  list of str, None = missing               dictionary<int32, utf8>
/// tag_set      list of (sorted) lists of str, or None    list<utf8>
/// text         list of str, None = missing               utf8
/// ============ ======================================== ===========================
///
/// >>> import icpfit, pyarrow as pa
/// >>> t = icpfit.Table.from_arrow(pa.table({
/// ...     "account_id": ["a1", "a2", "a3"],
/// ...     "industry": ["fintech", "retail", None],
/// ...     "employees": [120, 35, None],
/// ... }))
/// >>> t.shape
/// (3, 3)
/// >>> t.columns
/// ['account_id', 'industry', 'employees']
/// >>> t.column("employees")
/// array([120.,  35.,  nan])
/// >>> t.field("account_id")
/// Field(name='account_id', kind='text', role='id', dimension='other')
#[pyclass(frozen, module = "icpfit", name = "Table")]
pub struct PyTable(pub AccountTable);

/// One column's description: ``name``, ``kind`` (numeric, categorical, flag,
/// tag_set, date, text), ``role`` (id, attribute, outcome, ignore) and
/// ``dimension`` (firmographic, technographic, behavioral, psychographic,
/// stage, other). A list of fields (``Table.schema``) is accepted as the
/// ``schema`` of :func:`read_csv`.
///
/// >>> import icpfit
/// >>> icpfit.Field("employees", "numeric", "attribute", "firmographic")
/// Field(name='employees', kind='numeric', role='attribute', dimension='firmographic')
#[pyclass(frozen, eq, hash, module = "icpfit", name = "Field")]
#[derive(Clone, PartialEq)]
pub struct PyField(pub Field);

impl Hash for PyField {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let f = &self.0;
        (&f.name, f.kind, f.role, f.dimension).hash(state);
    }
}

#[pymethods]
impl PyField {
    #[new]
    #[pyo3(signature = (name, kind, role = "attribute", dimension = "other"))]
    fn new(name: String, kind: &str, role: &str, dimension: &str) -> PyResult<Self> {
        let f = Field {
            kind: names::kind(&name, kind).map_err(PyIcpfitErr::from)?,
            role: names::role(&name, role).map_err(PyIcpfitErr::from)?,
            dimension: names::dimension(&name, dimension).map_err(PyIcpfitErr::from)?,
            name,
        };
        Ok(Self(f))
    }
    /// The column name.
    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }
    /// The kind: numeric, categorical, flag, tag_set, date or text.
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind.as_str()
    }
    /// The role: id, attribute, outcome or ignore.
    #[getter]
    fn role(&self) -> &'static str {
        self.0.role.as_str()
    }
    /// The ICP dimension: firmographic, technographic, behavioral,
    /// psychographic, stage or other.
    #[getter]
    fn dimension(&self) -> &'static str {
        self.0.dimension.as_str()
    }
    /// The field as a dict (the form ``read_csv(schema=...)`` takes per column).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("kind", self.kind())?;
        d.set_item("role", self.role())?;
        d.set_item("dimension", self.dimension())?;
        Ok(d)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Field(name={}, kind='{}', role='{}', dimension='{}')",
            PyString::new(py, &self.0.name).repr()?,
            self.kind(),
            self.role(),
            self.dimension()
        ))
    }
}

/// One row per column of a table: name, kind, role, dimension, missing
/// (count), levels (categorical and tag-set columns), min, max (numeric;
/// dates as days since 1970-01-01) and mean (numeric; share true for flags).
///
/// Convert it with :meth:`to_arrow`, :meth:`to_pandas`, :meth:`to_polars`
/// or :meth:`to_dicts`.
///
/// >>> import icpfit, pyarrow as pa
/// >>> s = icpfit.Table.from_arrow(pa.table({"employees": [10, 20, None]})).summary()
/// >>> s.to_dicts()[0]["mean"], s.to_dicts()[0]["missing"]
/// (15.0, 1)
#[pyclass(frozen, module = "icpfit", name = "TableSummary")]
pub struct PyTableSummary(pub Vec<ColumnSummary>);

/// Runs `f` without the GIL, with panics caught.
pub(crate) fn detached<T: Send>(
    py: Python<'_>,
    f: impl FnOnce() -> BindResult<T> + Send,
) -> PyResult<T> {
    Ok(py.detach(|| guard(f))?)
}

pub(crate) fn stream_capsule<'py>(
    py: Python<'py>,
    batch: RecordBatch,
    requested_schema: Option<Bound<'py, PyCapsule>>,
) -> PyResult<Bound<'py, PyCapsule>> {
    let schema = batch.schema();
    let field = Arc::new(
        ArrowField::new_struct("", schema.fields().clone(), false)
            .with_metadata(schema.metadata().clone()),
    );
    let array: ArrayRef = Arc::new(StructArray::from(batch));
    let reader = Box::new(ArrayIterator::new(vec![Ok(array)], field));
    Ok(to_stream_pycapsule(py, reader, requested_schema)?)
}

pub(crate) fn frames_call<'py>(
    py: Python<'py>,
    helper: &str,
    obj: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    py.import("icpfit._frames")?.getattr(helper)?.call1((obj,))
}

pub(crate) fn arrow_err(e: arrow_schema::ArrowError) -> PyIcpfitErr {
    PyIcpfitErr::Panic(format!("Arrow export failed: {e}"))
}

pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn num(x: Option<f64>) -> String {
    x.map_or(String::new(), |v| {
        if v.fract() == 0.0 {
            format_number(v)
        } else {
            format!("{v:.4}")
                .trim_end_matches('0')
                .trim_end_matches('.')
                .to_owned()
        }
    })
}

fn summary_cells(s: &ColumnSummary) -> [String; 9] {
    let date = |x: Option<f64>| {
        x.map_or(String::new(), |d| {
            icpfit_core::table::date::format_iso(d as i32)
        })
    };
    let (lo, hi) = if s.kind == icpfit_core::table::Kind::Date {
        (date(s.min), date(s.max))
    } else {
        (num(s.min), num(s.max))
    };
    [
        s.name.clone(),
        s.kind.as_str().to_owned(),
        s.role.as_str().to_owned(),
        s.dimension.as_str().to_owned(),
        s.missing.to_string(),
        s.levels.map_or(String::new(), |l| l.to_string()),
        lo,
        hi,
        num(s.mean),
    ]
}

const SUMMARY_HEADER: [&str; 9] = [
    "column",
    "kind",
    "role",
    "dimension",
    "missing",
    "levels",
    "min",
    "max",
    "mean",
];

/// An HTML table; a `None` cell is a missing value, shown as a grey `null`.
fn html_table(header: &[&str], rows: impl Iterator<Item = Vec<Option<String>>>) -> String {
    let mut h = String::from("<table><thead><tr>");
    for c in header {
        let _ = write!(h, "<th>{}</th>", html_escape(c));
    }
    h.push_str("</tr></thead><tbody>");
    for r in rows {
        h.push_str("<tr>");
        for c in r {
            match c {
                Some(c) => {
                    let _ = write!(h, "<td>{}</td>", html_escape(&c));
                }
                None => h.push_str("<td style=\"color:#999\">null</td>"),
            }
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>");
    h
}

fn summary_html(rows: &[ColumnSummary]) -> String {
    html_table(
        &SUMMARY_HEADER,
        rows.iter()
            .map(|s| summary_cells(s).into_iter().map(Some).collect()),
    )
}

pub(crate) fn warn_all_missing(
    py: Python<'_>,
    table: &AccountTable,
    from_csv: bool,
) -> PyResult<()> {
    let columns: Vec<&str> = if from_csv {
        table
            .warnings()
            .iter()
            .map(|w| match w {
                IngestWarning::AllMissing { column } => column.as_str(),
            })
            .collect()
    } else {
        table
            .schema()
            .fields()
            .iter()
            .zip(table.columns())
            .filter(|(_, c)| !c.is_empty() && c.all_missing())
            .map(|(f, _)| f.name.as_str())
            .collect()
    };
    for c in columns {
        warn(
            py,
            &format!("column `{c}`: every value is missing; it is kept so that analyses report it"),
        )?;
    }
    Ok(())
}

type Items<'py> = Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>;

/// The items of any mapping (dict or not), in its iteration order.
fn mapping_items<'py>(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Items<'py>> {
    let m = obj.cast::<PyMapping>().map_err(|_| {
        let got = obj
            .get_type()
            .name()
            .map_or_else(|_| "?".to_owned(), |n| n.to_string());
        PyTypeError::new_err(format!("{what} must be a mapping, got {got}"))
    })?;
    m.items()?.iter().map(|kv| kv.extract()).collect()
}

fn overrides_from(
    roles: Option<&Bound<'_, PyAny>>,
    dimensions: Option<&Bound<'_, PyAny>>,
) -> PyResult<Overrides> {
    let mut o = Overrides::default();
    if let Some(d) = roles {
        for (k, v) in mapping_items(d, "roles (column name -> role)")? {
            let name: String = k.extract()?;
            let role = names::role(&name, &v.extract::<String>()?).map_err(PyIcpfitErr::from)?;
            o.roles.push((name, role));
        }
    }
    if let Some(d) = dimensions {
        for (k, v) in mapping_items(d, "dimensions (column name -> dimension)")? {
            let name: String = k.extract()?;
            let dim =
                names::dimension(&name, &v.extract::<String>()?).map_err(PyIcpfitErr::from)?;
            o.dimensions.push((name, dim));
        }
    }
    Ok(o)
}

/// `data` (an Arrow producer or a pandas DataFrame) as a table. With
/// `wanted`, only those columns and the id column are converted (scoring
/// needs only the ICP's columns; a wide frame's others would be converted
/// for nothing); when a wanted name is missing everything is converted, so
/// that the error downstream can suggest among all the names.
pub(crate) fn frame_to_table(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    overrides: &Overrides,
    wanted: Option<&[&str]>,
) -> PyResult<PyTable> {
    if data.is_instance_of::<PyDict>() {
        let mut items = Vec::new();
        for (k, v) in mapping_items(data, "data (column name -> array)")? {
            items.push((k.extract::<String>()?, v));
        }
        if let Some(wanted) = wanted
            && wanted.iter().all(|w| items.iter().any(|(n, _)| n == w))
        {
            items.retain(|(n, _)| overrides.keeps(n, wanted));
        }
        let table = table_from_mapping(items, overrides)?;
        warn_all_missing(py, &table, false)?;
        return Ok(PyTable(table));
    }
    if let Prepared::Coded {
        frame,
        mut categories,
        order,
        unlisted,
    } = coded_frame(py, data, wanted, overrides)?
        && let Some(table) =
            coded_frame_to_table(py, &frame, &mut categories, &unlisted, &order, overrides)?
    {
        warn_all_missing(py, &table, false)?;
        return Ok(PyTable(table));
    }
    let converted;
    let data = if is_pandas_frame(data)? {
        let mut frame = data.clone();
        if let Some(wanted) = wanted
            && let Ok(names) = data.getattr("columns")?.extract::<Vec<String>>()
            && wanted.iter().all(|w| names.iter().any(|n| n == w))
        {
            let keep: Vec<&String> = names
                .iter()
                .filter(|n| overrides.keeps(n, wanted))
                .collect();
            frame = data.get_item(keep)?;
        }
        converted = frames_call(py, "pandas_to_arrow", &frame)?;
        &converted
    } else {
        data
    };
    if !(data.hasattr("__arrow_c_stream__")? || data.hasattr("__arrow_c_array__")?) {
        let hint = if data.hasattr("collect")? && data.hasattr("lazy")? {
            " (a lazy frame? call .collect() first)"
        } else {
            ""
        };
        return Err(PyTypeError::new_err(format!(
            "Table.from_arrow expects an Arrow producer (an object with __arrow_c_stream__ or \
             __arrow_c_array__: pyarrow Table or RecordBatch, polars DataFrame, DuckDB relation, ...), \
             a pandas DataFrame or a dict of 1-D arrays; got {}{hint}",
            data.get_type().name()?
        )));
    }
    let input: AnyRecordBatch = data.extract()?;
    let (mut batches, mut schema) = input.into_table()?.into_inner();
    if let Some(keep) = wanted.and_then(|w| projection(&schema, w, overrides))
        && keep.len() < schema.fields().len()
    {
        schema = Arc::new(schema.project(&keep).map_err(arrow_err)?);
        batches = batches
            .iter()
            .map(|b| b.project(&keep))
            .collect::<Result<_, _>>()
            .map_err(arrow_err)?;
    }
    let table = detached(py, || table_from_batches(&schema, &batches, overrides))?;
    warn_all_missing(py, &table, false)?;
    Ok(PyTable(table))
}

/// What [`coded_frame`] makes of an object.
pub(crate) enum Prepared<'py> {
    /// A pandas or polars frame laid out by `icpfit._frames.for_scoring`:
    /// its columns `order` (in any order; polars: an Arrow producer,
    /// pandas: a dict of numpy or Arrow arrays, see [`crate::numpy_lent`]),
    /// category columns as integer codes, and the categories of each such
    /// column.
    Coded {
        frame: Bound<'py, PyAny>,
        categories: Categories,
        order: Vec<String>,
        unlisted: Vec<Unlisted<'py>>,
    },
    /// A pandas or polars frame in a layout `for_scoring` does not know.
    Unknown,
    /// Anything else.
    Other,
}

/// Lays out a pandas or polars frame for reading its categories as codes
/// ([`Prepared::Coded`]): the columns `wanted` needs (with the ids, see
/// [`Overrides::keeps`]) when it has them all, else every column. One call
/// into Python, which reads the frame's names once and asks this crate's
/// rule which to keep.
pub(crate) fn coded_frame<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    wanted: Option<&[&str]>,
    overrides: &Overrides,
) -> PyResult<Prepared<'py>> {
    if !is_frame(data)? {
        return Ok(Prepared::Other);
    }
    let wanted: Option<Vec<String>> = wanted.map(|w| w.iter().map(|&n| n.to_owned()).collect());
    let overrides = overrides.clone();
    let keep = PyCFunction::new_closure(py, None, None, move |args, _| -> PyResult<Vec<String>> {
        let names: Vec<String> = args.get_item(0)?.extract()?;
        Ok(match &wanted {
            Some(w) if w.iter().all(|x| names.contains(x)) => {
                let w: Vec<&str> = w.iter().map(String::as_str).collect();
                names
                    .into_iter()
                    .filter(|n| overrides.keeps(n, &w))
                    .collect()
            }
            _ => names,
        })
    })?;
    let frames = py.import("icpfit._frames")?;
    let prepared = frames.getattr("for_scoring")?.call1((data, keep))?;
    if prepared.is_none() {
        return Ok(Prepared::Unknown);
    }
    let (frame, by_column, order): (Bound<'py, PyAny>, Bound<'py, PyDict>, Vec<String>) =
        prepared.extract()?;
    // Columns of one categorical type are given the same list object: read
    // it once (polars: every column shares the global categories).
    let mut categories = Categories::default();
    let mut unlisted = Vec::new();
    let mut read: Vec<(Bound<'py, PyAny>, ListId)> = Vec::new();
    for (name, list) in by_column.iter() {
        let i = match read.iter().find(|(l, _)| l.is(&list)) {
            Some(&(_, i)) => i,
            None => {
                let i = if list.is_instance_of::<PyList>() {
                    categories.add_list(list.extract::<Vec<Option<String>>>()?)
                } else if list.hasattr(pyo3::intern!(py, "__arrow_c_stream__"))? {
                    categories.add_list(arrow_entries(&name.extract::<String>()?, list.extract()?)?)
                } else {
                    let i = categories.add_list(Vec::new());
                    unlisted.push(Unlisted {
                        list: i,
                        source: list.clone(),
                    });
                    i
                };
                read.push((list, i));
                i
            }
        };
        categories.add_column(name.extract()?, i);
    }
    Ok(Prepared::Coded {
        frame,
        categories,
        order,
        unlisted,
    })
}

/// The entries of a category list given as an Arrow array of strings
/// (pandas' `str` categories, stored in Arrow), for column `column`.
fn arrow_entries(column: &str, list: AnyArray) -> PyResult<Vec<Option<String>>> {
    let chunked = list.into_chunked_array()?;
    let unsupported = || PyIcpfitErr::UnsupportedArrowType {
        column: format!("{column} (its categories)"),
        data_type: chunked.data_type().to_string(),
    };
    let mut entries = Vec::new();
    for chunk in chunked.chunks() {
        let values = strings(chunk.as_ref()).ok_or_else(unsupported)?;
        entries.extend(values.into_iter().map(|v| v.map(str::to_owned)));
    }
    Ok(entries)
}

/// A category list passed unlisted (`icpfit._frames.for_scoring`: a polars
/// `Categories` longer than a frame is likely to use, shared by every
/// categorical of the process): its entries are looked up once the frame's
/// codes are at hand, only those in use ([`look_up_unlisted`]).
pub(crate) struct Unlisted<'py> {
    list: ListId,
    /// Indexable by code: `source[code]` is the code's string
    /// (`IndexError`: not in use).
    source: Bound<'py, PyAny>,
}

impl<'py> Unlisted<'py> {
    /// The source of list number `list`, when it was passed unlisted.
    pub(crate) fn source_of(unlisted: &[Self], list: usize) -> Option<&Bound<'py, PyAny>> {
        unlisted
            .iter()
            .find(|u| u.list.index() == list)
            .map(|u| &u.source)
    }
}

/// The record batches of a frame laid out by [`coded_frame`] (or of any
/// Arrow producer; a dict of arrays is a pandas layout), each [`Unlisted`]
/// list of `categories` filled from the codes they hold.
///
/// Columns `unread` says need no strings (ids that only label a scoring's
/// rows) are not looked at: their codes are looked up when a label is
/// asked for ([`Unlisted::source_of`]), not on every call.
pub(crate) fn import_laid_out(
    frame: &Bound<'_, PyAny>,
    categories: &mut Categories,
    unlisted: &[Unlisted<'_>],
    unread: &dyn Fn(&arrow_schema::Field) -> bool,
) -> PyResult<(Vec<RecordBatch>, arrow_schema::SchemaRef)> {
    let (batches, schema) = match frame.cast::<PyDict>() {
        Ok(columns) => crate::numpy_lent::lent_batch(columns)?,
        Err(_) => frame
            .extract::<AnyRecordBatch>()?
            .into_table()?
            .into_inner(),
    };
    look_up_unlisted(unlisted, categories, &schema, &batches, unread)?;
    Ok((batches, schema))
}

/// Fills each [`Unlisted`] list of `categories` with the entries its
/// columns use in `batches` ([`entries_in_use`]), but for the columns
/// `unread` names.
fn look_up_unlisted(
    unlisted: &[Unlisted<'_>],
    categories: &mut Categories,
    schema: &Schema,
    batches: &[RecordBatch],
    unread: &dyn Fn(&arrow_schema::Field) -> bool,
) -> PyResult<()> {
    for u in unlisted {
        let columns: Vec<usize> = categories
            .columns_of(u.list)
            .filter_map(|name| schema.index_of(name).ok())
            .filter(|&j| !unread(schema.field(j)))
            .collect();
        let arrays = columns
            .iter()
            .flat_map(|&j| batches.iter().map(move |b| b.column(j).as_ref()));
        categories.set_list(u.list, entries_in_use(&u.source, arrays)?);
    }
    Ok(())
}

/// The entries of a list passed unlisted that `arrays` use (unsigned
/// codes; nulls are not looked at), the others `None` (not in use): a frame
/// of 1,000 rows scored in 68 ms once the process held 200,000 polars
/// categories, 19 ms of which listing them and most of the rest leveling
/// them. Codes of another type: the whole list is read. (Reading it whole
/// when the codes in use were dense, as the first 143 of a list of a
/// million are, read and leveled the million: 0.4 s a call.)
pub(crate) fn entries_in_use<'a>(
    source: &Bound<'_, PyAny>,
    arrays: impl Iterator<Item = &'a dyn Array>,
) -> PyResult<Vec<Option<String>>> {
    let mut used = UsedCodes::default();
    let mut whole = false;
    for array in arrays {
        whole |= !used.mark(array);
    }
    if whole {
        return source
            .try_iter()?
            .map(|e| e?.extract::<Option<String>>())
            .collect();
    }
    let mut entries = vec![None; used.len()];
    for code in used.codes() {
        entries[code] = match source.get_item(code) {
            Ok(s) => s.extract()?,
            Err(e) if e.is_instance_of::<PyIndexError>(source.py()) => None,
            Err(e) => return Err(e),
        };
    }
    Ok(entries)
}

/// The codes seen in some unsigned integer arrays, as a bitset.
#[derive(Default)]
struct UsedCodes(Vec<u64>);

/// Codes from here on are not marked (a bitset of them would take more
/// than 8 MiB): such a list is read whole.
const USED_CODES_BELOW: u64 = 1 << 26;

impl UsedCodes {
    /// Marks the codes of `array`'s valid rows; `false` when it holds no
    /// unsigned codes, or a code past [`USED_CODES_BELOW`].
    fn mark(&mut self, array: &dyn Array) -> bool {
        use arrow_array::cast::AsArray;
        use arrow_array::types::{UInt8Type, UInt16Type, UInt32Type};
        fn each<T: arrow_array::ArrowPrimitiveType>(
            used: &mut UsedCodes,
            a: &arrow_array::PrimitiveArray<T>,
        ) -> bool
        where
            T::Native: Into<u64>,
        {
            let valid = |i: usize| a.nulls().is_none_or(|n| n.is_valid(i));
            let codes = a.values().iter().enumerate().filter(|&(i, _)| valid(i));
            for (_, &v) in codes {
                let code: u64 = v.into();
                if code >= USED_CODES_BELOW {
                    return false;
                }
                let w = (code / 64) as usize;
                if w >= used.0.len() {
                    used.0.resize(w + 1, 0);
                }
                used.0[w] |= 1 << (code % 64);
            }
            true
        }
        match array.data_type() {
            DataType::UInt8 => each(self, array.as_primitive::<UInt8Type>()),
            DataType::UInt16 => each(self, array.as_primitive::<UInt16Type>()),
            DataType::UInt32 => each(self, array.as_primitive::<UInt32Type>()),
            _ => false,
        }
    }
    /// One past the largest code seen.
    fn len(&self) -> usize {
        self.codes().next_back().map_or(0, |c| c + 1)
    }
    /// The number of codes seen.
    #[cfg(test)]
    fn count(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }
    /// The codes seen, ascending.
    fn codes(&self) -> impl DoubleEndedIterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(w, &bits)| {
            (0..64)
                .filter(move |b| (bits >> b) & 1 == 1)
                .map(move |b| w * 64 + b)
        })
    }
}

/// A frame laid out by [`coded_frame`], converted, its columns in `order`.
fn coded_frame_to_table(
    py: Python<'_>,
    frame: &Bound<'_, PyAny>,
    categories: &mut Categories,
    unlisted: &[Unlisted<'_>],
    order: &[String],
    overrides: &Overrides,
) -> PyResult<Option<AccountTable>> {
    let (batches, schema) = import_laid_out(frame, categories, unlisted, &|_| false)?;
    let categories = &*categories;
    let Some(columns) = order
        .iter()
        .map(|n| schema.index_of(n).ok())
        .collect::<Option<Vec<usize>>>()
    else {
        return Ok(None);
    };
    let schema = schema.project(&columns).map_err(arrow_err)?;
    let batches = batches
        .iter()
        .map(|b| b.project(&columns))
        .collect::<Result<Vec<_>, _>>()
        .map_err(arrow_err)?;
    let table = detached(py, || {
        table_from_coded_batches(&schema, &batches, categories, overrides)
    })?;
    Ok(Some(table))
}

fn is_pandas_frame(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(frame_library(obj)? == Some("pandas"))
}

/// Whether `obj` is a pandas or a polars DataFrame.
fn is_frame(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(frame_library(obj)?.is_some())
}

/// `"pandas"` or `"polars"` for their DataFrames (by the type's module and
/// name, as `icpfit._frames` tells them apart), else `None`.
fn frame_library(obj: &Bound<'_, PyAny>) -> PyResult<Option<&'static str>> {
    let ty = obj.get_type();
    if ty.name()? != "DataFrame" {
        return Ok(None);
    }
    let module: String = ty.getattr("__module__")?.extract()?;
    Ok(["pandas", "polars"]
        .into_iter()
        .find(|p| module.split('.').next() == Some(*p)))
}

#[pymethods]
impl PyTable {
    /// Number of rows (accounts).
    #[getter]
    fn n_rows(&self) -> usize {
        self.0.n_rows()
    }
    /// Number of columns.
    #[getter]
    fn n_cols(&self) -> usize {
        self.0.n_cols()
    }
    /// ``(n_rows, n_cols)``.
    #[getter]
    fn shape(&self) -> (usize, usize) {
        (self.0.n_rows(), self.0.n_cols())
    }
    /// The column names, in order.
    #[getter]
    fn columns(&self) -> Vec<String> {
        self.0
            .schema()
            .fields()
            .iter()
            .map(|f| f.name.clone())
            .collect()
    }
    /// The fields (name, kind, role, dimension) of every column, in order.
    #[getter]
    fn schema(&self) -> Vec<PyField> {
        self.0
            .schema()
            .fields()
            .iter()
            .map(|f| PyField(f.clone()))
            .collect()
    }
    /// The field of one column.
    ///
    /// Raises:
    ///     ColumnError: no such column (the message suggests the closest name).
    fn field(&self, name: &str) -> PyResult<PyField> {
        Ok(PyField(
            self.0
                .schema()
                .field(name)
                .map_err(PyIcpfitErr::from)?
                .clone(),
        ))
    }
    /// One row per column: kind, role, dimension, missing count, levels,
    /// min / max / mean. See :class:`TableSummary`.
    fn summary(&self, py: Python<'_>) -> PyResult<PyTableSummary> {
        Ok(PyTableSummary(detached(py, || Ok(self.0.summary()))?))
    }
    /// One column's values, as a new array or list (see the class docs for
    /// the type per kind).
    ///
    /// Raises:
    ///     ColumnError: no such column (the message suggests the closest name).
    fn column<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        let col = self.0.column(name).map_err(PyIcpfitErr::from)?;
        let n = col.len();
        Ok(match col {
            Column::Numeric(v) => PyArray1::from_slice(py, v).into_any(),
            Column::Flag(v) => {
                let f = detached(py, || {
                    Ok(v.iter()
                        .map(|&b| match b {
                            0 => 0.0,
                            1 => 1.0,
                            _ => f64::NAN,
                        })
                        .collect::<Vec<f64>>())
                })?;
                PyArray1::from_vec(py, f).into_any()
            }
            Column::Date(v) => {
                let d = detached(py, || {
                    Ok(v.iter()
                        .map(|&d| {
                            Datetime::<units::Days>::from(if d == DATE_MISSING {
                                i64::MIN // NaT
                            } else {
                                i64::from(d)
                            })
                        })
                        .collect::<Vec<_>>())
                })?;
                PyArray1::from_vec(py, d).into_any()
            }
            Column::Categorical(c) => PyList::new(py, (0..n).map(|i| c.get(i)))?.into_any(),
            Column::TagSet(t) => PyList::new(py, (0..n).map(|i| t.get(i)))?.into_any(),
            Column::Text(t) => PyList::new(py, (0..n).map(|i| t.get(i)))?.into_any(),
        })
    }
    fn __getitem__<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        self.column(py, name)
    }
    fn __len__(&self) -> usize {
        self.0.n_rows()
    }
    fn __contains__(&self, key: &Bound<'_, PyAny>) -> bool {
        key.extract::<String>()
            .is_ok_and(|name| self.0.schema().index_of(&name).is_ok())
    }
    /// The first ``n`` rows, as a new table.
    #[pyo3(signature = (n = 5))]
    fn head(&self, py: Python<'_>, n: usize) -> PyResult<PyTable> {
        let k = n.min(self.0.n_rows());
        Ok(PyTable(detached(py, || {
            Ok(self.0.take(&(0..k).collect::<Vec<_>>())?)
        })?))
    }
    /// A copy of the table with some roles and dimensions changed.
    ///
    /// Args:
    ///     roles: column name → ``"id"``, ``"attribute"``, ``"outcome"`` or ``"ignore"``.
    ///     dimensions: column name → ``"firmographic"``, ``"technographic"``,
    ///         ``"behavioral"``, ``"psychographic"``, ``"stage"`` or ``"other"``.
    ///
    /// The kinds do not change (a categorical does not become text when it
    /// is made the id): declare kinds when reading instead.
    ///
    /// >>> import icpfit, pyarrow as pa
    /// >>> t = icpfit.Table.from_arrow(pa.table({"rep": ["x", "y"]}))
    /// >>> t.with_roles({"rep": "ignore"}).field("rep").role
    /// 'ignore'
    #[pyo3(signature = (roles = None, *, dimensions = None))]
    fn with_roles(
        &self,
        py: Python<'_>,
        roles: Option<&Bound<'_, PyAny>>,
        dimensions: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyTable> {
        let o = overrides_from(roles, dimensions)?;
        Ok(PyTable(detached(py, || {
            let names: Vec<&str> = self
                .0
                .schema()
                .fields()
                .iter()
                .map(|f| f.name.as_str())
                .collect();
            o.check(&names)?;
            let mut t = self.0.clone();
            for (n, r) in &o.roles {
                t.set_role(n, *r)?;
            }
            for (n, d) in &o.dimensions {
                t.set_dimension(n, *d)?;
            }
            Ok(t)
        })?))
    }

    /// A table from any Arrow producer: an object with ``__arrow_c_stream__``
    /// or ``__arrow_c_array__`` (pyarrow ``Table`` / ``RecordBatch`` /
    /// ``RecordBatchReader``, polars ``DataFrame``, DuckDB relations, arro3,
    /// nanoarrow...), a pandas ``DataFrame`` (through pyarrow; a named index
    /// becomes a column, an unnamed one is dropped), or a ``dict`` of 1-D
    /// numpy arrays or lists (through rust-numpy: numeric / int → numeric,
    /// bool → flag, datetime64 → date, str / object and lists typed by their
    /// values; no pyarrow needed).
    ///
    /// Arrow types map to kinds: integers and floats → numeric (an integer
    /// id → text; float64 buffers are shared, not copied, when their nulls
    /// hold NaN), bool → flag, strings and dictionary-encoded strings →
    /// categorical (text for the id; `;`-joined values → tag set and ISO date
    /// strings → date, as in :func:`read_csv`), lists of strings → tag set, date32 /
    /// date64 / timestamp → date (a zoned timestamp gives its local date),
    /// null → numeric, all missing. Nulls (and NaN) are missing. Repeated ids
    /// are refused, as by :func:`read_csv`. Columns whose every value is
    /// missing raise an :class:`IcpfitWarning`.
    ///
    /// Args:
    ///     data: the frame.
    ///     roles: column name → role, overriding the name-based default
    ///         (``account_id`` is the id, ``won`` / ``churned`` ... outcomes).
    ///     dimensions: column name → ICP dimension.
    ///
    /// Raises:
    ///     SchemaError: a column of an Arrow type icpfit cannot use (named
    ///         with its type), or duplicate column names.
    ///     ColumnError: ``roles`` / ``dimensions`` name a column that does not exist.
    ///     DataError: a repeated id.
    ///     ParseError: ±inf in a numeric column, a date outside 0001–9999.
    ///     TypeError: ``data`` is not an Arrow producer, a pandas frame or a
    ///         dict; a dict value of mixed types (named).
    ///
    /// >>> import icpfit, numpy as np
    /// >>> t = icpfit.Table.from_arrow({"employees": np.array([120.0, np.nan]), "industry": ["saas", None]})
    /// >>> [(f.name, f.kind) for f in t.schema], t.column("industry")
    /// ([('employees', 'numeric'), ('industry', 'categorical')], ['saas', None])
    /// >>> import icpfit, polars as pl
    /// >>> df = pl.DataFrame({"acct": ["a", "b"], "won": [True, False]})
    /// >>> t = icpfit.Table.from_arrow(df, roles={"acct": "id"})
    /// >>> [(f.name, f.kind, f.role) for f in t.schema]
    /// [('acct', 'text', 'id'), ('won', 'flag', 'outcome')]
    #[classmethod]
    #[pyo3(signature = (data, *, roles = None, dimensions = None))]
    fn from_arrow(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        roles: Option<&Bound<'_, PyAny>>,
        dimensions: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyTable> {
        let overrides = overrides_from(roles, dimensions)?;
        frame_to_table(py, data, &overrides, None)
    }

    /// The Arrow PyCapsule stream protocol: any Arrow consumer
    /// (``pyarrow.table(t)``, ``polars.DataFrame(t)``, DuckDB...) reads the
    /// table directly. See :meth:`to_arrow` for the types.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let batch = detached(py, || table_to_batch(&self.0).map_err(arrow_err))?;
        stream_capsule(py, batch, requested_schema)
    }
    /// The table as a ``pyarrow.Table`` (needs pyarrow). Numeric → float64,
    /// flag → bool, categorical → dictionary<int32, utf8>, tag set →
    /// list<utf8>, date → date32, text → utf8, missing → null; each field's
    /// metadata records its icpfit kind, role and dimension, so
    /// ``Table.from_arrow(t.to_arrow())`` gives the same table back.
    fn to_arrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        frames_call(slf.py(), "to_arrow", slf.as_any())
    }
    /// The table as a ``pandas.DataFrame`` (needs pandas and pyarrow).
    /// Categoricals are ``category``, flags the nullable ``boolean``, dates
    /// ``datetime64``, tag sets lists of str (None when missing).
    fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        frames_call(slf.py(), "to_pandas", slf.as_any())
    }
    /// The table as a ``polars.DataFrame`` (needs polars only).
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        frames_call(slf.py(), "to_polars", slf.as_any())
    }
    fn __repr__(&self) -> String {
        format!("icpfit.Table: {}", self.0).trim_end().to_owned()
    }
    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        detached(py, || {
            let t = &self.0;
            let mut h = format!(
                "<div class=\"icpfit-table\"><p><b>icpfit.Table</b>: {} rows × {} columns</p>",
                t.n_rows(),
                t.n_cols()
            );
            h.push_str(&summary_html(&t.summary()));
            let k = t.n_rows().min(HTML_PREVIEW_ROWS);
            if k > 0 {
                let _ = write!(h, "<p>first {k} rows</p>");
                let header: Vec<&str> = t
                    .schema()
                    .fields()
                    .iter()
                    .map(|f| f.name.as_str())
                    .collect();
                h.push_str(&html_table(
                    &header,
                    (0..k).map(|i| t.columns().iter().map(|c| c.display_value(i)).collect()),
                ));
            }
            h.push_str("</div>");
            Ok(h)
        })
    }
}

#[pymethods]
impl PyTableSummary {
    fn __len__(&self) -> usize {
        self.0.len()
    }
    /// One dict per column (keys as the Arrow columns).
    fn to_dicts<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.0
            .iter()
            .map(|s| {
                let d = PyDict::new(py);
                d.set_item("name", &s.name)?;
                d.set_item("kind", s.kind.as_str())?;
                d.set_item("role", s.role.as_str())?;
                d.set_item("dimension", s.dimension.as_str())?;
                d.set_item("missing", s.missing)?;
                d.set_item("levels", s.levels)?;
                d.set_item("min", s.min)?;
                d.set_item("max", s.max)?;
                d.set_item("mean", s.mean)?;
                Ok(d)
            })
            .collect()
    }
    /// The Arrow PyCapsule stream protocol (see :meth:`to_arrow`).
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let batch = summary_to_batch(&self.0).map_err(arrow_err)?;
        stream_capsule(py, batch, requested_schema)
    }
    /// The summary as a ``pyarrow.Table``: name, kind, role, dimension
    /// (utf8), missing, levels (int64), min, max, mean (float64).
    fn to_arrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        frames_call(slf.py(), "to_arrow", slf.as_any())
    }
    /// The summary as a ``pandas.DataFrame``.
    fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        frames_call(slf.py(), "to_pandas", slf.as_any())
    }
    /// The summary as a ``polars.DataFrame``.
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        frames_call(slf.py(), "to_polars", slf.as_any())
    }
    fn __repr__(&self) -> String {
        let rows: Vec<[String; 9]> = self.0.iter().map(summary_cells).collect();
        let mut widths = SUMMARY_HEADER.map(str::len);
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let line = |cells: &[&str]| {
            cells
                .iter()
                .zip(widths)
                .enumerate()
                .map(|(j, (c, w))| {
                    if j >= 4 {
                        format!("{c:>w$}")
                    } else {
                        format!("{c:<w$}")
                    }
                })
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_owned()
        };
        let mut out = format!("icpfit.TableSummary: {} columns\n", self.0.len());
        out.push_str(&line(&SUMMARY_HEADER));
        for r in &rows {
            out.push('\n');
            out.push_str(&line(&r.each_ref().map(String::as_str)));
        }
        out
    }
    fn _repr_html_(&self) -> String {
        format!(
            "<div class=\"icpfit-summary\"><p><b>icpfit.TableSummary</b>: {} columns</p>{}</div>",
            self.0.len(),
            summary_html(&self.0)
        )
    }
}

fn spec_from_python(obj: &Bound<'_, PyAny>) -> PyResult<Option<SchemaSpec>> {
    if obj.is_none() {
        return Ok(None);
    }
    let invalid =
        |message: String| PyErr::from(PyIcpfitErr::from(Error::InvalidSchema { message }));
    if obj.cast::<PyMapping>().is_ok() {
        let items = mapping_items(obj, "schema")?;
        let mut columns = Vec::with_capacity(items.len());
        for (k, v) in items {
            let name: String = k.extract()?;
            let mut spec = ColumnSpec {
                name: name.clone(),
                ..ColumnSpec::default()
            };
            if let Ok(kind) = v.extract::<String>() {
                spec.kind = Some(names::kind(&name, &kind).map_err(PyIcpfitErr::from)?);
            } else if v.cast::<PyMapping>().is_ok() {
                for (key, val) in mapping_items(&v, "a column's schema")? {
                    let key: String = key.extract()?;
                    if val.is_none() {
                        continue;
                    }
                    let val: String = val.extract()?;
                    match key.as_str() {
                        "kind" => {
                            spec.kind = Some(names::kind(&name, &val).map_err(PyIcpfitErr::from)?)
                        }
                        "role" => {
                            spec.role = Some(names::role(&name, &val).map_err(PyIcpfitErr::from)?)
                        }
                        "dimension" => {
                            spec.dimension =
                                Some(names::dimension(&name, &val).map_err(PyIcpfitErr::from)?)
                        }
                        other => {
                            return Err(invalid(format!(
                                "column `{name}`: unknown key `{other}`; expected kind, role, dimension"
                            )));
                        }
                    }
                }
            } else {
                return Err(invalid(format!(
                    "column `{name}`: expected a kind name or a dict with kind / role / dimension, got {}",
                    v.get_type().name()?
                )));
            }
            columns.push(spec);
        }
        return Ok(Some(SchemaSpec {
            columns,
            strict: false,
        }));
    }
    if let Ok(list) = obj.cast::<PyList>() {
        let mut columns = Vec::with_capacity(list.len());
        for item in list.iter() {
            let f = item.cast::<PyField>().map_err(|_| {
                PyTypeError::new_err("a schema list must hold icpfit.Field objects")
            })?;
            let f = &f.get().0;
            columns.push(ColumnSpec {
                name: f.name.clone(),
                kind: Some(f.kind),
                role: Some(f.role),
                dimension: Some(f.dimension),
            });
        }
        return Ok(Some(SchemaSpec {
            columns,
            strict: false,
        }));
    }
    match obj.extract::<PathBuf>() {
        Ok(path) => Ok(Some(
            obj.py()
                .detach(|| guard(|| Ok(SchemaSpec::from_path(&path)?)))?,
        )),
        Err(_) => Err(PyTypeError::new_err(format!(
            "schema must be a dict, a list of icpfit.Field, or the path of a TOML / JSON schema file; got {}",
            obj.get_type().name()?
        ))),
    }
}

pub(crate) fn one_char(name: &str, s: &str) -> Result<char, PyIcpfitErr> {
    let mut it = s.chars();
    match (it.next(), it.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(Error::invalid(name, format!("expected a single character, got {s:?}")).into()),
    }
}

/// Reads a CSV file into a :class:`Table`, with the GIL released.
///
/// Kinds are inferred per column (numeric, flag for yes/no words, date for
/// ISO dates, tag set when a value contains ``tag_separator``, categorical
/// otherwise; the id column is text) unless declared in ``schema``. Roles and
/// dimensions come from the column names (``account_id`` is the id,
/// ``won`` / ``loss_reason`` / ``churned`` ... are outcomes) unless declared.
///
/// Args:
///     path: the file (str or path-like).
///     schema: what to declare instead of infer: a dict mapping a column
///         name to a kind name or to a dict with any of ``kind``, ``role``,
///         ``dimension``; a list of :class:`Field` (e.g. another table's
///         ``schema``); or the path of a TOML / JSON schema file
///         (``[[columns]]`` entries with ``name``, ``kind``, ``role``,
///         ``dimension``, and an optional ``strict = true``).
///     missing: cells that mean missing (compared after trimming, ignoring
///         case); default ``["", "NA", "N/A", "null", "-", "none", "nan"]``.
///     delimiter: the field separator.
///     lenient_numbers: accept ``1,200``, ``$1,200.50``, ``€900`` as numbers.
///     fold_case: lower-case categories and tags.
///     tag_separator: the separator of tags in tag-set cells.
///
/// Raises:
///     FileNotFoundError: no such file (``e.filename`` is the path).
///     ParseError: malformed CSV, a ragged row, a value that does not parse
///         as its column's kind (with line and column), an empty file, a
///         malformed schema file.
///     SchemaError: a schema naming a column the file lacks (with a
///         suggestion), an unknown kind / role / dimension, duplicate headers.
///     DataError: a repeated id.
///
/// >>> import icpfit, pathlib, tempfile
/// >>> p = pathlib.Path(tempfile.mkdtemp()) / "deals.csv"
/// >>> _ = p.write_text("account_id,industry,employees,won\na1,fintech,120,yes\na2,retail,35,no\n")
/// >>> t = icpfit.read_csv(p, schema={"industry": {"dimension": "firmographic"}})
/// >>> [(f.name, f.kind, f.role) for f in t.schema]
/// [('account_id', 'text', 'id'), ('industry', 'categorical', 'attribute'), ('employees', 'numeric', 'attribute'), ('won', 'flag', 'outcome')]
#[pyfunction]
#[pyo3(signature = (
    path, *, schema = None, missing = None, delimiter = ",", lenient_numbers = false,
    fold_case = false, tag_separator = ";"
))]
#[allow(clippy::too_many_arguments)]
pub fn read_csv(
    py: Python<'_>,
    path: PathBuf,
    schema: Option<&Bound<'_, PyAny>>,
    missing: Option<Vec<String>>,
    delimiter: &str,
    lenient_numbers: bool,
    fold_case: bool,
    tag_separator: &str,
) -> PyResult<PyTable> {
    let delimiter = one_char("delimiter", delimiter)?;
    if !delimiter.is_ascii() {
        return Err(PyIcpfitErr::from(Error::invalid(
            "delimiter",
            format!("expected an ASCII character, got {delimiter:?}"),
        ))
        .into());
    }
    let mut opts = CsvOptions {
        delimiter: delimiter as u8,
        lenient_numbers,
        fold_case,
        tag_separator: one_char("tag_separator", tag_separator)?,
        schema: match schema {
            Some(s) => spec_from_python(s)?,
            None => None,
        },
        ..CsvOptions::default()
    };
    if let Some(m) = missing {
        opts.missing_tokens = m;
    }
    let table = detached(py, || Ok(AccountTable::read_csv(&path, &opts)?))?;
    warn_all_missing(py, &table, true)?;
    Ok(PyTable(table))
}

/// Panics inside the guard, to test that no panic reaches Python.
#[pyfunction]
pub fn _panic_for_tests(py: Python<'_>, message: String) -> PyResult<()> {
    detached(py, || -> BindResult<()> { panic!("{message}") })
}

#[cfg(test)]
mod tests {
    use super::UsedCodes;
    use arrow_array::{Int32Array, UInt8Array, UInt16Array, UInt32Array};

    #[test]
    fn used_codes_are_the_valid_rows_codes_of_unsigned_arrays() {
        let mut used = UsedCodes::default();
        assert_eq!(used.len(), 0);
        // A null's slot may hold any code: not looked at.
        assert!(used.mark(&UInt32Array::from(vec![Some(3), None, Some(200), Some(3)])));
        assert!(used.mark(&UInt16Array::from(vec![Some(64), Some(0)])));
        assert!(used.mark(&UInt8Array::from(vec![Some(63)])));
        assert_eq!(used.codes().collect::<Vec<_>>(), [0, 3, 63, 64, 200]);
        assert_eq!((used.len(), used.count()), (201, 5));
        let mut nulls_only = UsedCodes::default();
        assert!(nulls_only.mark(&UInt32Array::from(vec![None, None])));
        assert_eq!((nulls_only.len(), nulls_only.count()), (0, 0));
        // Signed codes are not read, nor codes past the bound (the list is
        // then read whole).
        assert!(!used.mark(&Int32Array::from(vec![1])));
        assert!(!used.mark(&UInt32Array::from(vec![Some(1 << 26)])));
        assert!(used.mark(&UInt32Array::from(vec![Some((1 << 26) - 1)])));
    }
}
