//! `Icp.score`, `icpfit.score_many`, `icpfit.FitScores` and
//! `icpfit.Reasons`: converts the data, scores without the GIL, and hands the
//! per-row results out as numpy arrays or Arrow.

use crate::arrow_in::{Overrides, convert, is_id, projection, table_from_batches};
use crate::borrow_in::{Categories, Leveled, borrowed_table, coded_column};
use crate::error::{ArgumentError, BindResult, PyIcpfitErr, guard, warn};
use crate::icp::PyIcp;
use crate::rank::table_with;
use crate::table::{
    Prepared, PyTable, Unlisted, arrow_err, coded_frame, detached, entries_in_use, frames_call,
    html_escape, import_laid_out, stream_capsule,
};
use arrow_array::types::{Int8Type, Int32Type};
use arrow_array::{
    ArrayRef, BooleanArray, DictionaryArray, Float64Array, Int8Array, Int32Array, Int64Array,
    RecordBatch, RecordBatchOptions, StringArray, UInt64Array,
};
use arrow_schema::{ArrowError, Field, Schema};
use icpfit_core::icp::{Icp, Levels, Tier};
use icpfit_core::score::{
    FitScores, ManyOptions, OUT_OF_SCOPE, ScoreOptions, ScorePlan, TieBreak, score,
    score_many as core_many,
};
use icpfit_core::table::{AccountTable, Column, Role};
use numpy::{PyArray1, PyArrayMethods};
use pyo3::exceptions::PyIndexError;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict};
use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::Arc;

/// Tier labels by tier code; code 4 is a row outside the ICP's scope.
const TIER_LABELS: [&str; 5] = ["A", "B", "C", "D", "-"];
/// Rows previewed by `_repr_html_`.
const HTML_PREVIEW_ROWS: usize = 5;

fn levels(value: &str) -> PyResult<Levels> {
    match value {
        "lenient" => Ok(Levels::Lenient),
        "strict" => Ok(Levels::Strict),
        other => Err(ArgumentError::new_err(format!(
            "unknown levels `{other}`; accepted: lenient, strict"
        ))),
    }
}

/// Per-row fit scores of a table against one ICP: points, tier, the two
/// gates, and which criteria matched (a compact bitset per row, expanded to
/// reasons by :meth:`explain`). Immutable. Made by :meth:`Icp.score` and
/// :func:`score_many`.
///
/// Arrays (a new numpy array on each access):
///
/// - ``points``: float64, the sum of the points of every matched criterion;
/// - ``tier``: uint8 tier *codes*, 0 = A, 1 = B, 2 = C, 3 = D, 4 = outside
///   the ICP's scope (not scored); ``tier_labels`` gives the letters ("-"
///   outside the scope) and ``TIERS`` the code → letter table;
/// - ``primary_pass``, ``disqualified``, ``in_scope``: bool;
/// - ``matched``: uint64 of shape ``(rows, words)``, bit *k* of word
///   *k // 64* = the *k*-th criterion of :attr:`criteria`;
/// - ``rank`` (1 = best), ``rank_score`` and :meth:`order`: a strict,
///   deterministic ranking — tier, then points, then the ``tie_break``
///   column if one was given, then the criteria matched in criterion order,
///   then the row. ``rank_score`` is ``(3 − tier code) + q`` with ``q`` in
///   [0, 1) the share of the tier ranked below the row: its integer part is
///   the tier (3 = A), and no two rows share a value.
///
/// >>> import icpfit, pyarrow as pa
/// >>> deals = pa.table({"account_id": ["a1", "a2", "a3"],
/// ...                   "employees": [800, 30, 1200],
/// ...                   "industry": ["fintech", "retail", "retail"]})
/// >>> icp = icpfit.Icp.from_dict({"name": "Core", "version": "1",
/// ...     "primary": [{"name": "mid", "column": "employees", "range": {"min": 200, "max": 2000}, "points": 50}],
/// ...     "secondary": [{"name": "fin", "column": "industry", "in": ["fintech"], "points": 25}],
/// ...     "negative": [{"name": "tiny", "column": "employees", "range": {"max": 50}}]})
/// >>> s = icp.score(deals)
/// >>> s.points, s.tier_labels
/// (array([75.,  0., 50.]), array(['A', 'D', 'B'], dtype='<U1'))
/// >>> s.explain(0)
/// ['employees 200–2000 (+50)', 'industry fintech (+25)']
/// >>> s.explain(1)
/// ['disqualified: employees ≤ 50']
/// >>> s.tier_counts()
/// {'A': 1, 'B': 1, 'C': 0, 'D': 1, 'out_of_scope': 0}
/// >>> s.to_pandas()[["account_id", "points", "tier", "rank"]]
///   account_id  points tier  rank
/// 0         a1    75.0    A     1
/// 1         a2     0.0    D     3
/// 2         a3    50.0    B     2
#[pyclass(frozen, module = "icpfit", name = "FitScores")]
pub struct PyFitScores {
    scores: FitScores,
    /// The scored table: its id column labels the rows of the frames.
    table: Option<Py<PyTable>>,
    /// Or, for a frame scored in place, its id column.
    frame_ids: Option<FrameIds>,
}

/// One row per (scored row, matched criterion): ``row``, the id column when
/// the table has one, ``criterion``, ``section``, ``points`` and ``reason``
/// (as :meth:`FitScores.explain` words it). Convert with :meth:`to_arrow`,
/// :meth:`to_pandas` or :meth:`to_polars`.
#[pyclass(frozen, module = "icpfit", name = "Reasons")]
pub struct PyReasons(RecordBatch);

impl PyFitScores {
    fn row(&self, i: isize) -> PyResult<usize> {
        let n = self.scores.len() as isize;
        let k = if i < 0 { i + n } else { i };
        if k < 0 || k >= n {
            return Err(PyIndexError::new_err(format!(
                "row {i} is out of range (the scores have {n} rows)"
            )));
        }
        Ok(k as usize)
    }
    fn with_table<T>(&self, py: Python<'_>, f: impl FnOnce(Option<&AccountTable>) -> T) -> T {
        match (&self.table, &self.frame_ids) {
            (Some(t), _) => f(Some(&t.bind(py).get().0)),
            (None, Some(ids)) => f(ids.table(py)),
            (None, None) => f(None),
        }
    }
}

/// The id column and its name, when the table has one.
fn ids(table: Option<&AccountTable>) -> Option<(String, &Column)> {
    let t = table?;
    let f = t.schema().id_column()?;
    Some((f.name.clone(), t.column(&f.name).ok()?))
}

/// Row `i`'s id as text (borrowed from a text column: no copy per row).
fn id_text(col: &Column, i: usize) -> Option<Cow<'_, str>> {
    match col {
        Column::Text(x) => x.get(i).map(Cow::Borrowed),
        other => other.display_value(i).map(Cow::Owned),
    }
}

fn tier_array(codes: &[u8]) -> ArrayRef {
    let keys: Int8Array = codes
        .iter()
        .map(|&t| (t != OUT_OF_SCOPE).then_some(t as i8))
        .collect();
    let values = StringArray::from(TIER_LABELS[..4].to_vec());
    // ok: keys are 0..=3 and the dictionary has four values.
    Arc::new(DictionaryArray::<Int8Type>::try_new(keys, Arc::new(values)).expect("tier keys < 4"))
}

/// The scores as one record batch (one row per scored row).
fn scores_to_batch(s: &FitScores, table: Option<&AccountTable>) -> Result<RecordBatch, ArrowError> {
    let n = s.len();
    let mut columns: Vec<(String, ArrayRef)> = Vec::new();
    if let Some((name, col)) = ids(table) {
        let values: StringArray = (0..n).map(|i| id_text(col, i)).collect();
        columns.push((name, Arc::new(values)));
    }
    let in_scope: Vec<bool> = (0..n).map(|i| s.in_scope(i)).collect();
    let (rank, rank_score) = s.rank_and_score();
    columns.push((
        "points".into(),
        Arc::new(Float64Array::from(s.points().to_vec())),
    ));
    columns.push(("tier".into(), tier_array(s.tier_codes())));
    columns.push((
        "rank".into(),
        Arc::new(rank.iter().map(|&r| r as i64).collect::<Int64Array>()),
    ));
    columns.push((
        "rank_score".into(),
        Arc::new(
            rank_score
                .iter()
                .map(|x| (!x.is_nan()).then_some(*x))
                .collect::<Float64Array>(),
        ),
    ));
    columns.push((
        "primary_pass".into(),
        Arc::new(
            (0..n)
                .map(|i| Some(s.primary_pass(i)))
                .collect::<BooleanArray>(),
        ),
    ));
    columns.push((
        "disqualified".into(),
        Arc::new(
            (0..n)
                .map(|i| Some(s.disqualified(i)))
                .collect::<BooleanArray>(),
        ),
    ));
    columns.push((
        "in_scope".into(),
        Arc::new(in_scope.iter().map(|&b| Some(b)).collect::<BooleanArray>()),
    ));
    if let (Some(m), 1) = (s.matched(), s.words_per_row()) {
        columns.push(("matched".into(), Arc::new(UInt64Array::from(m.to_vec()))));
    }
    batch(columns, n)
}

fn batch(columns: Vec<(String, ArrayRef)>, n: usize) -> Result<RecordBatch, ArrowError> {
    let schema = Schema::new(
        columns
            .iter()
            .map(|(name, a)| Field::new(name, a.data_type().clone(), true))
            .collect::<Vec<_>>(),
    );
    RecordBatch::try_new_with_options(
        Arc::new(schema),
        columns.into_iter().map(|(_, a)| a).collect(),
        &RecordBatchOptions::new().with_row_count(Some(n)),
    )
}

/// The exploded reasons: one row per (row, matched criterion).
fn reasons_to_batch(
    s: &FitScores,
    table: Option<&AccountTable>,
    rows: &[usize],
) -> BindResult<RecordBatch> {
    let crit = s.criteria();
    let mut row_col: Vec<i64> = Vec::new();
    let mut keys: Vec<i32> = Vec::new();
    for &i in rows {
        for c in s.matched_criteria(i)? {
            // ok: matched_criteria returns references into criteria().
            let k = crit
                .iter()
                .position(|x| std::ptr::eq(x, c))
                .expect("a criterion");
            row_col.push(i as i64);
            keys.push(k as i32);
        }
    }
    let n = row_col.len();
    // A dictionary column with one value per criterion, duplicates folded
    // (pandas' categories must be unique).
    let dict = |per_criterion: Vec<String>| -> Result<ArrayRef, ArrowError> {
        let mut values: Vec<String> = Vec::new();
        let remap: Vec<i32> = per_criterion
            .into_iter()
            .map(|v| match values.iter().position(|x| *x == v) {
                Some(k) => k as i32,
                None => {
                    values.push(v);
                    (values.len() - 1) as i32
                }
            })
            .collect();
        Ok(Arc::new(DictionaryArray::<Int32Type>::try_new(
            keys.iter()
                .map(|&k| remap[k as usize])
                .collect::<Int32Array>(),
            Arc::new(StringArray::from(values)),
        )?))
    };
    let mut columns: Vec<(String, ArrayRef)> =
        vec![("row".into(), Arc::new(Int64Array::from(row_col.clone())))];
    if let Some((name, col)) = ids(table) {
        let values: StringArray = row_col.iter().map(|&r| id_text(col, r as usize)).collect();
        columns.push((name, Arc::new(values)));
    }
    columns.push((
        "criterion".into(),
        dict(crit.iter().map(|c| c.name.clone()).collect()).map_err(arrow_err)?,
    ));
    columns.push((
        "section".into(),
        dict(crit.iter().map(|c| c.section.as_str().to_owned()).collect()).map_err(arrow_err)?,
    ));
    columns.push((
        "points".into(),
        Arc::new(
            keys.iter()
                .map(|&k| crit[k as usize].points)
                .collect::<Float64Array>(),
        ),
    ));
    columns.push((
        "reason".into(),
        dict(crit.iter().map(|c| c.explanation()).collect()).map_err(arrow_err)?,
    ));
    batch(columns, n).map_err(arrow_err)
}

#[pymethods]
impl PyFitScores {
    /// Tier letters by tier code: ``("A", "B", "C", "D", "-")``; code 4 ("-")
    /// is a row outside the ICP's scope.
    #[classattr]
    const TIERS: (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    ) = ("A", "B", "C", "D", "-");

    /// The ICP's name.
    #[getter]
    fn icp_name(&self) -> &str {
        self.scores.icp_name()
    }
    /// The ICP's version.
    #[getter]
    fn icp_version(&self) -> &str {
        self.scores.icp_version()
    }
    /// The criterion names in bit order (primary, secondary, negative).
    #[getter]
    fn criteria(&self) -> Vec<String> {
        self.scores
            .criteria()
            .iter()
            .map(|c| c.name.clone())
            .collect()
    }
    /// The tie-break column, if one was given.
    #[getter]
    fn tie_break(&self) -> Option<&str> {
        self.scores.tie_break_column()
    }
    fn __len__(&self) -> usize {
        self.scores.len()
    }
    /// Points per row (float64; 0 outside the scope).
    #[getter]
    fn points<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_slice(py, self.scores.points())
    }
    /// Tier code per row (uint8): 0 = A … 3 = D, 4 = outside the scope.
    #[getter]
    fn tier<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<u8>> {
        PyArray1::from_slice(py, self.scores.tier_codes())
    }
    /// Tier letter per row (numpy ``<U1``): "A" … "D", "-" outside the scope.
    #[getter]
    fn tier_labels<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let np = py.import("numpy")?;
        let labels = np.getattr("array")?.call1((TIER_LABELS.to_vec(),))?;
        labels.get_item(self.tier(py))
    }
    /// Whether every primary criterion matched (bool per row).
    #[getter]
    fn primary_pass<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<bool>> {
        let s = &self.scores;
        PyArray1::from_vec(py, (0..s.len()).map(|i| s.primary_pass(i)).collect())
    }
    /// Whether a negative criterion disqualified the row (bool per row).
    #[getter]
    fn disqualified<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<bool>> {
        let s = &self.scores;
        PyArray1::from_vec(py, (0..s.len()).map(|i| s.disqualified(i)).collect())
    }
    /// Whether the row is in the ICP's scope (was scored).
    #[getter]
    fn in_scope<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<bool>> {
        let s = &self.scores;
        PyArray1::from_vec(py, (0..s.len()).map(|i| s.in_scope(i)).collect())
    }
    /// The matched-criteria bitsets, uint64 of shape ``(rows, words)`` (bit
    /// *k* % 64 of word *k* // 64 = criterion *k*), or None when the scores
    /// were computed without them (``score_many(..., matched=False)``).
    #[getter]
    fn matched<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match self.scores.matched() {
            None => Ok(None),
            Some(m) => {
                let a = PyArray1::from_slice(py, m);
                Ok(Some(
                    a.reshape([self.scores.len(), self.scores.words_per_row()])?
                        .into_any(),
                ))
            }
        }
    }
    /// Per row, whether the criterion called ``name`` matched (bool).
    ///
    /// Raises:
    ///     IcpError: no such criterion (with a suggestion).
    fn matches<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyArray1<bool>>> {
        let m = py.detach(|| guard(|| Ok(self.scores.criterion_mask(name)?)))?;
        Ok(PyArray1::from_vec(py, m))
    }
    /// Why row ``i`` scored what it did: the reason of every matched
    /// criterion, in criterion order, disqualifiers flagged
    /// (``"disqualified: employees < 50"``). Negative ``i`` counts from the
    /// end. Empty for a row outside the scope.
    ///
    /// Raises:
    ///     IndexError: ``i`` out of range.
    fn explain(&self, i: isize) -> PyResult<Vec<String>> {
        let k = self.row(i)?;
        Ok(guard(|| Ok(self.scores.explain(k)?))?)
    }
    /// The ``k`` reasons that weigh most for row ``i``: disqualifiers first,
    /// then by absolute points.
    #[pyo3(signature = (i, k = 3))]
    fn top_reasons(&self, i: isize, k: usize) -> PyResult<Vec<String>> {
        let r = self.row(i)?;
        Ok(guard(|| Ok(self.scores.top_reasons(r, k)?))?)
    }
    /// The primary criteria row ``i`` did not match (why its tier is capped).
    fn unmet(&self, i: isize) -> PyResult<Vec<String>> {
        let k = self.row(i)?;
        Ok(guard(|| Ok(self.scores.unmet_primary(k)?))?)
    }
    /// Rows per tier: ``{"A": …, "B": …, "C": …, "D": …, "out_of_scope": …}``.
    fn tier_counts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let c = self.scores.tier_counts();
        let d = PyDict::new(py);
        for t in Tier::ALL {
            d.set_item(t.as_str(), c.get(t))?;
        }
        d.set_item("out_of_scope", c.out_of_scope)?;
        Ok(d)
    }
    /// Row indices, best first (int64); see the class docs for the order.
    fn order<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let o = py.detach(|| guard(|| Ok(self.scores.order())))?;
        Ok(PyArray1::from_vec(
            py,
            o.into_iter().map(|i| i as i64).collect(),
        ))
    }
    /// Per row, its 1-based rank in :meth:`order` (int64).
    #[getter]
    fn rank<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let r = py.detach(|| guard(|| Ok(self.scores.rank())))?;
        Ok(PyArray1::from_vec(
            py,
            r.into_iter().map(|i| i as i64).collect(),
        ))
    }
    /// Per row, the continuous score that ranks like :meth:`order`
    /// (float64, NaN outside the scope): ``(3 − tier code) + q``.
    #[getter]
    fn rank_score<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let r = py.detach(|| guard(|| Ok(self.scores.rank_score())))?;
        Ok(PyArray1::from_vec(py, r))
    }
    /// One row per (row, matched criterion), as a :class:`Reasons` frame;
    /// ``rows`` limits it to some rows (in the order given).
    #[pyo3(signature = (rows = None))]
    fn reasons(&self, py: Python<'_>, rows: Option<Vec<isize>>) -> PyResult<PyReasons> {
        let rows: Vec<usize> = match rows {
            Some(r) => r
                .into_iter()
                .map(|i| self.row(i))
                .collect::<PyResult<_>>()?,
            None => (0..self.scores.len()).collect(),
        };
        let b = self.with_table(py, |t| {
            py.detach(|| guard(|| reasons_to_batch(&self.scores, t, &rows)))
        })?;
        Ok(PyReasons(b))
    }
    /// The Arrow PyCapsule stream protocol: one row per scored row with the
    /// id column (when the table has one), ``points``, ``tier`` (dictionary
    /// of "A"–"D", null outside the scope), ``rank``, ``rank_score``,
    /// ``primary_pass``, ``disqualified``, ``in_scope`` and, up to 64
    /// criteria, ``matched`` (uint64).
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let b = self.with_table(py, |t| {
            py.detach(|| guard(|| scores_to_batch(&self.scores, t).map_err(arrow_err)))
        })?;
        stream_capsule(py, b, requested_schema)
    }
    /// The scores as a ``pyarrow.Table`` (see ``__arrow_c_stream__``).
    fn to_arrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        frames_call(slf.py(), "to_arrow", slf.as_any())
    }
    /// The scores as a ``pandas.DataFrame`` (tier as ``category``).
    fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        frames_call(slf.py(), "to_pandas", slf.as_any())
    }
    /// The scores as a ``polars.DataFrame``.
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        frames_call(slf.py(), "to_polars", slf.as_any())
    }
    fn __repr__(&self) -> String {
        format!("icpfit.FitScores: {}", self.scores)
    }
    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        let s = &self.scores;
        let top = py.detach(|| {
            guard(|| {
                let order = s.order();
                Ok(order
                    .into_iter()
                    .take(HTML_PREVIEW_ROWS)
                    .collect::<Vec<_>>())
            })
        })?;
        let id = self.with_table(py, |t| {
            let (name, col) = ids(t)?;
            Some((
                name,
                top.iter()
                    .map(|&i| id_text(col, i).map(Cow::into_owned))
                    .collect::<Vec<_>>(),
            ))
        });
        let c = s.tier_counts();
        let mut h = format!(
            "<div class=\"icpfit-scores\"><p><b>icpfit.FitScores</b>: ICP <code>{}</code> v{}, {} rows, {} criteria</p>",
            html_escape(s.icp_name()),
            html_escape(s.icp_version()),
            s.len(),
            s.criteria().len()
        );
        h.push_str(
            "<table><thead><tr><th>tier</th><th>rows</th><th>share</th></tr></thead><tbody>",
        );
        for t in Tier::ALL {
            let _ = write!(
                h,
                "<tr><td>{t}</td><td>{}</td><td>{:.1} %</td></tr>",
                c.get(t),
                100.0 * c.share(t)
            );
        }
        if c.out_of_scope > 0 {
            let _ = write!(
                h,
                "<tr><td>out of scope</td><td>{}</td><td></td></tr>",
                c.out_of_scope
            );
        }
        h.push_str("</tbody></table>");
        if !top.is_empty() {
            let _ = write!(
                h,
                "<p>best {} rows</p><table><thead><tr><th>row</th>",
                top.len()
            );
            if let Some((name, _)) = &id {
                let _ = write!(h, "<th>{}</th>", html_escape(name));
            }
            h.push_str("<th>points</th><th>tier</th><th>reasons</th></tr></thead><tbody>");
            for (k, &i) in top.iter().enumerate() {
                let _ = write!(h, "<tr><td>{i}</td>");
                if let Some((_, v)) = &id {
                    let _ = write!(h, "<td>{}</td>", html_escape(v[k].as_deref().unwrap_or("")));
                }
                let reasons = s.top_reasons(i, 3).unwrap_or_default().join("; ");
                let _ = write!(
                    h,
                    "<td>{}</td><td>{}</td><td>{}</td></tr>",
                    icpfit_core::table::format_number(s.points()[i]),
                    TIER_LABELS[s.tier_codes()[i].min(4) as usize],
                    html_escape(&reasons)
                );
            }
            h.push_str("</tbody></table>");
        }
        h.push_str("</div>");
        Ok(h)
    }
}

#[pymethods]
impl PyReasons {
    fn __len__(&self) -> usize {
        self.0.num_rows()
    }
    /// The Arrow PyCapsule stream protocol.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        stream_capsule(py, self.0.clone(), requested_schema)
    }
    /// The reasons as a ``pyarrow.Table``.
    fn to_arrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        frames_call(slf.py(), "to_arrow", slf.as_any())
    }
    /// The reasons as a ``pandas.DataFrame``.
    fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        frames_call(slf.py(), "to_pandas", slf.as_any())
    }
    /// The reasons as a ``polars.DataFrame``.
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        frames_call(slf.py(), "to_polars", slf.as_any())
    }
    fn __repr__(&self) -> String {
        format!("icpfit.Reasons: {} rows", self.0.num_rows())
    }
}

/// Scores `data` against `icp` (the body of `Icp.score`).
pub(crate) fn score_icp(
    py: Python<'_>,
    icp: &Icp,
    data: &Bound<'_, PyAny>,
    levels_name: &str,
    tie_break: Option<String>,
    tie_break_ascending: bool,
    n_threads: Option<usize>,
) -> PyResult<PyFitScores> {
    let opts = ScoreOptions {
        levels: levels(levels_name)?,
        tie_break: tie_break.map(|column| TieBreak {
            column,
            ascending: tie_break_ascending,
        }),
        n_threads,
    };
    let mut wanted = icp.columns();
    if let Some(t) = &opts.tie_break {
        wanted.push(&t.column);
    }
    if data.cast::<PyTable>().is_err()
        && !data.is_instance_of::<PyDict>()
        && let Some(scores) = score_frame(py, icp, data, &wanted, &opts)?
    {
        return Ok(scores);
    }
    let table = table_with(py, data, Some(&wanted))?;
    let inner = table.get();
    let scores = py.detach(|| guard(|| Ok(score(icp, &inner.0, &opts)?)))?;
    Ok(PyFitScores {
        scores,
        table: Some(table.unbind()),
        frame_ids: None,
    })
}

/// Scores a dataframe where its columns lie ([`crate::borrow_in`]): pandas
/// and polars frames laid out by `icpfit._frames.for_scoring` (category
/// codes instead of strings), any other Arrow producer as it comes. The id
/// column only labels the results' rows: it is kept as it came and
/// converted to text when an output first needs it (not on every call:
/// that conversion cost five times the scoring at a million string ids),
/// and repeated ids are scored as the separate rows they are. `None` when a
/// wanted column is not in the frame or the object is no Arrow producer:
/// the caller converts it, and the error then suggests among all its names.
fn score_frame(
    py: Python<'_>,
    icp: &Icp,
    data: &Bound<'_, PyAny>,
    wanted: &[&str],
    opts: &ScoreOptions,
) -> PyResult<Option<PyFitScores>> {
    let overrides = Overrides::default();
    let (source, mut categories, unlisted) = match coded_frame(py, data, Some(wanted), &overrides)?
    {
        Prepared::Coded {
            frame,
            categories,
            unlisted,
            ..
        } => (frame, categories, unlisted),
        // A layout `for_scoring` does not know: converted as usual.
        Prepared::Unknown => return Ok(None),
        Prepared::Other
            if data.hasattr("__arrow_c_stream__")? || data.hasattr("__arrow_c_array__")? =>
        {
            (data.clone(), Categories::default(), Vec::new())
        }
        Prepared::Other => return Ok(None),
    };
    // Ids that only label the rows are read when a label is asked for.
    let label_only = |f: &Field| is_id(f, &overrides) && !wanted.contains(&f.name().as_str());
    let (batches, schema) = import_laid_out(&source, &mut categories, &unlisted, &label_only)?;
    let Some(keep) = projection(&schema, wanted, &overrides) else {
        return Ok(None);
    };
    let is_id = |j: &usize| is_id(&schema.fields()[*j], &overrides);
    let scored: Vec<usize> = keep
        .iter()
        .copied()
        .filter(|j| !is_id(j) || wanted.contains(&schema.fields()[*j].name().as_str()))
        .collect();
    // The first id column labels the rows (as `Schema::id_column` picks it).
    let ids: Vec<usize> = keep.iter().copied().filter(|j| is_id(j)).take(1).collect();
    let project = |cols: &[usize]| -> PyResult<(Schema, Vec<RecordBatch>)> {
        let batches = batches
            .iter()
            .map(|b| b.project(cols))
            .collect::<Result<Vec<_>, _>>()
            .map_err(arrow_err)?;
        Ok((schema.project(cols).map_err(arrow_err)?, batches))
    };
    let (id_schema, id_batches) = project(&ids)?;
    let (scored_schema, scored_batches) = project(&scored)?;
    let labels = match id_schema.fields().first() {
        Some(f) if FrameIds::readable(f.data_type()) => Some(FrameIds {
            field: (**f).clone(),
            arrays: id_batches.iter().map(|b| b.column(0).clone()).collect(),
            categories: categories.list_of(f.name()).map(|i| {
                match Unlisted::source_of(&unlisted, i) {
                    Some(source) => IdCategories::Unlisted(source.clone().unbind()),
                    None => IdCategories::Listed(categories.list(i)),
                }
            }),
            table: std::sync::OnceLock::new(),
        }),
        // An id column of a type icpfit cannot read: converting it now
        // raises the error converting the frame would.
        Some(_) => {
            detached(py, || {
                table_from_batches(&id_schema, &id_batches, &overrides)
            })?;
            None
        }
        None => None,
    };
    let (scores, all_missing) = py.detach(|| {
        guard(|| {
            let mut table =
                borrowed_table(&scored_schema, &scored_batches, &categories, &overrides)?;
            let all_missing: Vec<String> = table
                .names()
                .iter()
                .zip(table.columns())
                .filter(|(_, c)| c.all_missing())
                .map(|(n, _)| n.clone())
                .collect();
            let plan = ScorePlan::compile(icp, &table.schema())?;
            let scores = plan.score_borrowed(&mut table, opts)?;
            Ok((scores, all_missing))
        })
    })?;
    for c in all_missing {
        warn(
            py,
            &format!("column `{c}`: every value is missing; it is kept so that analyses report it"),
        )?;
    }
    Ok(Some(PyFitScores {
        scores,
        table: None,
        frame_ids: labels,
    }))
}

/// A scored frame's id column as it came, converted to a one-column table
/// (text ids, as converting the frame gives them) the first time an output
/// needs it.
struct FrameIds {
    field: Field,
    arrays: Vec<ArrayRef>,
    /// The categories the ids' codes index, when the frame's id column is
    /// categorical (laid out as codes): the ids are their entries.
    categories: Option<IdCategories>,
    table: std::sync::OnceLock<Option<AccountTable>>,
}

/// The categories of a frame's categorical ids.
enum IdCategories {
    /// Listed with the frame's other categories.
    Listed(Arc<[Option<String>]>),
    /// A long polars list (every categorical's, and ids are many): the
    /// entries the ids use are looked up when a label is first asked for,
    /// not on every call (1M ids: ~0.3 s of Python calls).
    Unlisted(Py<PyAny>),
}

impl FrameIds {
    /// Types whose conversion to text ids cannot fail: strings and integers.
    fn readable(dt: &arrow_schema::DataType) -> bool {
        use arrow_schema::DataType as T;
        match dt {
            T::Utf8 | T::LargeUtf8 | T::Utf8View => true,
            T::Dictionary(_, v) => matches!(**v, T::Utf8 | T::LargeUtf8 | T::Utf8View),
            dt => dt.is_integer(),
        }
    }

    fn table(&self, py: Python<'_>) -> Option<&AccountTable> {
        use pyo3::sync::OnceLockExt;
        // Looking up polars ids calls Python: another thread may run then
        // and ask for the labels too; it waits detached, not holding the
        // interpreter this one needs.
        self.table
            .get_or_init_py_attached(py, || {
                let arrays: Vec<&ArrayRef> = self.arrays.iter().collect();
                let list = match &self.categories {
                    Some(IdCategories::Listed(list)) => Some(Arc::clone(list)),
                    Some(IdCategories::Unlisted(source)) => {
                        let codes = arrays.iter().map(|a| a.as_ref());
                        Some(entries_in_use(source.bind(py), codes).ok()?.into())
                    }
                    None => None,
                };
                let column = match list {
                    Some(list) => {
                        coded_column(&self.field, &arrays, &Leveled::of(&list), true, None).ok()?
                    }
                    None => convert(&self.field, &arrays, true).ok()?,
                };
                let name = self.field.name();
                let mut t = AccountTable::from_columns(vec![(name.clone(), column)]).ok()?;
                t.set_role(name, Role::Id).ok()?;
                Some(t)
            })
            .as_ref()
    }
}

/// Scores every ICP of ``icps`` over ``data``, coding the table once: every
/// candidate's numeric thresholds become sorted cut points per column and
/// each value a one-byte bucket code, so 100 candidates cost 100 passes over
/// one-byte codes instead of 100 passes over the float columns (the what-if
/// workload). Points and tiers are identical to :meth:`Icp.score` for each.
///
/// ``matched=True`` keeps each candidate's matched-criteria bitsets (for
/// :meth:`FitScores.explain`); off by default, as a what-if needs points and
/// tiers. ``levels``: "lenient" (a level absent from ``data`` matches no row
/// unless it looks like a typo) or "strict".
///
/// >>> import icpfit, pyarrow as pa
/// >>> deals = pa.table({"employees": [80, 300, 1500, 5000]})
/// >>> icps = [icpfit.Icp.from_dict({"name": f"min {m}", "version": "1",
/// ...     "secondary": [{"name": "big", "column": "employees", "range": {"min": m}, "points": 80}]})
/// ...     for m in (100, 1000)]
/// >>> [s.points.tolist() for s in icpfit.score_many(icps, deals)]
/// [[0.0, 80.0, 80.0, 80.0], [0.0, 0.0, 80.0, 80.0]]
#[pyfunction]
#[pyo3(signature = (icps, data, *, matched = false, levels = "lenient", n_threads = None))]
pub fn score_many(
    py: Python<'_>,
    icps: Vec<Bound<'_, PyIcp>>,
    data: &Bound<'_, PyAny>,
    matched: bool,
    levels: &str,
    n_threads: Option<usize>,
) -> PyResult<Vec<PyFitScores>> {
    let opts = ManyOptions {
        levels: self::levels(levels)?,
        matched,
        n_threads,
    };
    let icps: Vec<Icp> = icps.iter().map(|i| i.get().0.clone()).collect();
    let mut wanted: Vec<&str> = Vec::new();
    for c in icps.iter().flat_map(Icp::columns) {
        if !wanted.contains(&c) {
            wanted.push(c);
        }
    }
    let table = table_with(py, data, Some(&wanted))?;
    let inner = table.get();
    let all =
        py.detach(|| guard(|| core_many(&icps, &inner.0, &opts).map_err(PyIcpfitErr::from)))?;
    Ok(all
        .into_iter()
        .map(|scores| PyFitScores {
            scores,
            table: Some(table.clone().unbind()),
            frame_ids: None,
        })
        .collect())
}

/// The instruction-set level scoring runs at in this process: ``"avx512"``,
/// ``"avx2"`` or ``"baseline"`` (SSE2) — the best this CPU has, unless the
/// environment variable ``ICPFIT_ISA`` (read once, at the first scoring)
/// caps it. Every level gives identical results; benchmarks print it, as
/// throughput differs by level.
///
/// >>> import icpfit
/// >>> icpfit.instruction_set() in ("avx512", "avx2", "baseline")
/// True
#[pyfunction]
pub fn instruction_set() -> &'static str {
    icpfit_core::score::instruction_set()
}
