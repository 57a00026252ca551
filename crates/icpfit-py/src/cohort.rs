//! `icpfit.quality`, `icpfit.cohorts`, `icpfit.profile` and their result
//! classes `QualityScores`, `Cohort`, `Profile`: convert, run the core
//! without the GIL, export as Arrow.

use crate::error::{ArgumentError, BindResult, guard};
use crate::rank::table_of;
use crate::table::{arrow_err, frames_call, html_escape, stream_capsule};
use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{Field, Schema};
use icpfit_core::cohort::{
    Cohort, CohortPair, QualityCuts, SegmentBy, Segmentation, outcome_cohorts, predicate_cohort,
    quality_cohorts,
};
use icpfit_core::icp::Criterion;
use icpfit_core::profile::{Profile, ProfileOptions};
use icpfit_core::quality::{QualityScores, QualitySpec, quality as core_quality};
use icpfit_core::table::AccountTable;
use numpy::{IntoPyArray, PyArray1};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict, PyString};
use std::sync::Arc;

fn batch(columns: Vec<(String, ArrayRef)>) -> BindResult<RecordBatch> {
    let schema = Schema::new(
        columns
            .iter()
            .map(|(n, a)| Field::new(n, a.data_type().clone(), true))
            .collect::<Vec<_>>(),
    );
    RecordBatch::try_new(
        Arc::new(schema),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
    .map_err(arrow_err)
}

fn floats(v: impl IntoIterator<Item = Option<f64>>) -> ArrayRef {
    Arc::new(v.into_iter().collect::<Float64Array>())
}

fn texts(v: impl IntoIterator<Item = Option<String>>) -> ArrayRef {
    Arc::new(v.into_iter().collect::<StringArray>())
}

fn ints(v: impl IntoIterator<Item = usize>) -> ArrayRef {
    Arc::new(
        v.into_iter()
            .map(|x| Some(i64::try_from(x).unwrap_or(i64::MAX)))
            .collect::<Int64Array>(),
    )
}

/// A string as Python's `repr` writes it (single quotes unless the text
/// holds one).
fn py_quote(s: &str) -> String {
    if s.contains('\'') && !s.contains('"') {
        format!("\"{s}\"")
    } else {
        format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

fn nan_none(x: f64) -> Option<f64> {
    (!x.is_nan()).then_some(x)
}

/// A JSON text from a ``str`` or any JSON-serialisable mapping.
fn json_text(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.to_string());
    }
    py.import("json")?
        .call_method1("dumps", (obj,))?
        .extract::<String>()
}

/// Composite customer quality scores of every row of a table (see
/// :func:`quality`). Immutable.
///
/// Convert with :meth:`to_arrow`, :meth:`to_pandas` or :meth:`to_polars`: one
/// row per table row, with ``score``, ``coverage`` and each component's
/// normalised (``<name>``) and raw (``<name>_raw``) value; ``None`` outside
/// the population or where missing.
#[pyclass(frozen, module = "icpfit", name = "QualityScores")]
pub struct PyQualityScores(pub QualityScores);

#[pymethods]
impl PyQualityScores {
    /// The composite score per row as a float array (``nan``: not scored).
    #[getter]
    fn score<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        self.0.score.clone().into_pyarray(py)
    }
    /// The component names, in spec order.
    #[getter]
    fn components(&self) -> Vec<String> {
        self.0.components.iter().map(|c| c.name.clone()).collect()
    }
    /// Rows in the population.
    #[getter]
    fn n_population(&self) -> usize {
        self.0.n_population
    }
    /// Rows scored.
    #[getter]
    fn n_scored(&self) -> usize {
        self.0.n_scored
    }
    /// Population rows with every component missing (not scored).
    #[getter]
    fn n_all_missing(&self) -> usize {
        self.0.n_all_missing
    }
    /// The spec, as a JSON document (accepted back by :func:`quality`).
    #[getter]
    fn spec(&self) -> PyResult<String> {
        self.0
            .spec
            .to_json()
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }
    /// Why row ``row`` scored as it did: one dict per component with
    /// ``component``, ``raw``, ``normalised`` and ``effective_weight``.
    fn explain<'py>(&self, py: Python<'py>, row: usize) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let parts = self
            .0
            .explain(row)
            .map_err(crate::error::PyIcpfitErr::from)?;
        parts
            .iter()
            .map(|c| {
                let d = PyDict::new(py);
                d.set_item("component", &c.component)?;
                d.set_item("raw", nan_none(c.raw))?;
                d.set_item("normalised", nan_none(c.normalised))?;
                d.set_item("effective_weight", c.effective_weight)?;
                Ok(d)
            })
            .collect()
    }
    fn __len__(&self) -> usize {
        self.0.score.len()
    }
    /// The Arrow PyCapsule stream protocol (one row per table row).
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let q = &self.0;
        let mut cols = vec![
            (
                "score".to_owned(),
                floats(q.score.iter().map(|&x| nan_none(x))),
            ),
            (
                "coverage".to_owned(),
                floats(q.coverage.iter().map(|&x| Some(x))),
            ),
        ];
        for c in &q.components {
            cols.push((
                c.name.clone(),
                floats(c.normalised.iter().map(|&x| nan_none(x))),
            ));
            cols.push((
                format!("{}_raw", c.name),
                floats(c.raw.iter().map(|&x| nan_none(x))),
            ));
        }
        stream_capsule(py, batch(cols)?, requested_schema)
    }
    /// As a ``pyarrow.Table``.
    fn to_arrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        frames_call(slf.py(), "to_arrow", slf.as_any())
    }
    /// As a ``pandas.DataFrame``.
    fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        frames_call(slf.py(), "to_pandas", slf.as_any())
    }
    /// As a ``polars.DataFrame``.
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        frames_call(slf.py(), "to_polars", slf.as_any())
    }
    /// Everything (spec, scores, components) as JSON.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.0).map_err(|e| PyValueError::new_err(e.to_string()))
    }
    fn __repr__(&self) -> String {
        format!(
            "QualityScores(components=[{}], n_population={}, n_scored={}, n_all_missing={})",
            self.components()
                .iter()
                .map(|c| py_quote(c))
                .collect::<Vec<_>>()
                .join(", "),
            self.0.n_population,
            self.0.n_scored,
            self.0.n_all_missing
        )
    }
    fn _repr_html_(&self) -> String {
        let mut html = format!(
            "<p><b>Composite quality</b>: {} of {} accounts scored ({} with every component missing)</p><table><thead><tr><th>component</th><th>weight</th><th>present</th><th>median</th></tr></thead><tbody>",
            self.0.n_scored, self.0.n_population, self.0.n_all_missing
        );
        for c in &self.0.components {
            html.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.4}</td></tr>",
                html_escape(&c.name),
                c.weight,
                c.n_present,
                c.median
            ));
        }
        html.push_str("</tbody></table>");
        html
    }
}

/// A named set of rows of a table, with its size and evidence level (see
/// :func:`cohorts`). Immutable; pass it to :func:`profile`.
#[pyclass(frozen, module = "icpfit", name = "Cohort")]
#[derive(Clone)]
pub struct PyCohort(pub Cohort);

#[pymethods]
impl PyCohort {
    /// The cohort's name.
    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }
    /// How it was built.
    #[getter]
    fn definition(&self) -> &str {
        &self.0.definition
    }
    /// Number of rows.
    #[getter]
    fn size(&self) -> usize {
        self.0.size
    }
    /// ``hypothesis`` (< 20), ``indicative`` (20–49), ``meaningful`` (50–99)
    /// or ``cohort_analysis`` (100+).
    #[getter]
    fn evidence(&self) -> &'static str {
        self.0.evidence.as_str()
    }
    /// The row indices, ascending.
    #[getter]
    fn indices<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<i64>> {
        self.0
            .rows()
            .ones()
            .map(|i| i64::try_from(i).unwrap_or(i64::MAX))
            .collect::<Vec<_>>()
            .into_pyarray(py)
    }
    /// One bool per table row.
    #[getter]
    fn mask<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<bool>> {
        self.0.rows().to_bools().into_pyarray(py)
    }
    fn __len__(&self) -> usize {
        self.0.size
    }
    fn __repr__(&self) -> String {
        format!(
            "Cohort(name={}, size={}, evidence='{}')",
            py_quote(&self.0.name),
            self.0.size,
            self.0.evidence.as_str()
        )
    }
}

/// Cohorts of ``data``, by name (an ordered ``dict`` of :class:`Cohort`).
///
/// ``by``:
///
/// - ``"quality"``: ``best`` (top ``best`` share by composite quality, see
///   :func:`quality`; ``spec`` as there, or the ``scores`` already
///   computed), ``average``, ``problematic`` (bottom ``problematic`` share);
/// - ``"outcome"``: ``won``, ``lost``, ``no_decision``, ``open`` from the
///   deal-outcome ``column`` (default ``"outcome"``);
/// - ``"segment"``: one cohort per level of ``column`` (categorical, flag,
///   a date column by quarter), or per bin of a numeric ``column``
///   (``bins`` equal-frequency bins, or ``cuts``, closed right);
/// - ``"predicate"``: one cohort ``name`` of the rows matching every ICP
///   criterion in ``where`` (criterion dicts or JSON, as in an ICP document:
///   ``{"name": "mid", "column": "employees", "range": {"min": 200}}``).
///
/// >>> import icpfit, pyarrow as pa
/// >>> deals = pa.table({"employees": [10, 300, 900, 40], "outcome": ["lost", "won", "won", "lost"]})
/// >>> c = icpfit.cohorts(deals, "outcome")
/// >>> c["won"].size, c["won"].evidence, c["lost"].indices.tolist()
/// (2, 'hypothesis', [0, 3])
/// >>> mid = icpfit.cohorts(deals, "predicate", where=[{"name": "mid", "column": "employees", "range": {"min": 200}}])
/// >>> mid["predicate"].indices.tolist()
/// [1, 2]
#[pyfunction]
#[pyo3(signature = (data, by, *, column = None, spec = None, best = 0.2, problematic = 0.2,
    bins = None, cuts = None, r#where = None, name = "predicate", scores = None))]
#[allow(clippy::too_many_arguments)]
pub fn cohorts<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    by: &str,
    column: Option<String>,
    spec: Option<&Bound<'py, PyAny>>,
    best: f64,
    problematic: f64,
    bins: Option<usize>,
    cuts: Option<Vec<f64>>,
    r#where: Option<Vec<Bound<'py, PyAny>>>,
    name: &str,
    scores: Option<Bound<'py, PyQualityScores>>,
) -> PyResult<Bound<'py, PyDict>> {
    let table = table_of(py, data)?;
    let spec_text = spec.map(|s| json_text(py, s)).transpose()?;
    let criteria_text: Option<Vec<String>> = r#where
        .map(|w| w.iter().map(|c| json_text(py, c)).collect::<PyResult<_>>())
        .transpose()?;
    let by = by.to_owned();
    let name = name.to_owned();
    let inner = table.get();
    let given = scores.as_ref().map(|s| &s.get().0);
    let result: BindResult<Vec<Cohort>> = py.detach(|| {
        guard(|| {
            let t: &AccountTable = &inner.0;
            Ok(match by.as_str() {
                "quality" => {
                    let cuts = QualityCuts { best, problematic };
                    let qc = match given {
                        Some(q) => {
                            if q.score.len() != t.n_rows() {
                                return Err(icpfit_core::Error::LengthMismatch {
                                    what: "scores".into(),
                                    expected: t.n_rows(),
                                    found: q.score.len(),
                                }
                                .into());
                            }
                            quality_cohorts(q, &cuts)?
                        }
                        None => {
                            let spec = quality_spec(t, spec_text.as_deref())?;
                            quality_cohorts(&core_quality(t, &spec)?, &cuts)?
                        }
                    };
                    vec![qc.best, qc.average, qc.problematic]
                }
                "outcome" => {
                    let o = outcome_cohorts(t, column.as_deref().unwrap_or("outcome"))?;
                    vec![o.won, o.lost, o.no_decision, o.open]
                }
                "segment" => {
                    let col = column.as_deref().ok_or_else(|| {
                        icpfit_core::Error::invalid("column", "by=\"segment\" needs a column")
                    })?;
                    let how = match (bins, cuts.clone()) {
                        (Some(_), Some(_)) => {
                            return Err(icpfit_core::Error::invalid(
                                "bins",
                                "give bins or cuts, not both",
                            )
                            .into());
                        }
                        (Some(n), None) => SegmentBy::Quantiles(n),
                        (None, Some(c)) => SegmentBy::Cuts(c),
                        (None, None) => SegmentBy::Levels,
                    };
                    Segmentation::new(t, col, &how)?.cohorts()
                }
                "predicate" => {
                    let criteria = criteria_text
                        .as_deref()
                        .unwrap_or_default()
                        .iter()
                        .map(|c| {
                            serde_json::from_str::<Criterion>(c).map_err(|e| {
                                icpfit_core::Error::Document {
                                    what: "cohort criterion".into(),
                                    message: e.to_string(),
                                }
                            })
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    vec![predicate_cohort(t, name.clone(), &criteria)?]
                }
                other => {
                    return Err(icpfit_core::Error::invalid(
                        "by",
                        format!("`{other}`; accepted: quality, outcome, segment, predicate"),
                    )
                    .into());
                }
            })
        })
    });
    let out = PyDict::new(py);
    for c in result? {
        out.set_item(c.name.clone(), PyCohort(c))?;
    }
    Ok(out)
}

fn quality_spec(t: &AccountTable, text: Option<&str>) -> icpfit_core::Result<QualitySpec> {
    match text {
        None => QualitySpec::default_for(t),
        Some(s) => QualitySpec::from_json(s),
    }
}

/// Composite customer quality of every row of ``data``.
///
/// ``spec`` is a quality spec (a dict or its JSON): components, each with a
/// ``source`` (``{"kind": "numeric", "column": ...}``, ``ratio``,
/// ``levels``, ``retention``, ``flag``), ``direction``
/// (``higher_is_better`` / ``lower_is_better``), ``weight`` and
/// ``normalisation`` (``percentile_rank`` or ``robust_z``); a ``missing``
/// policy (``{"policy": "reweight", "min_weight_share": 0}`` by default,
/// ``neutral``, ``complete_cases``); a ``population`` (ICP criteria). By
/// default: retention status, expansion (current ÷ starting ARR), NPS,
/// support tickets, time to value and sales cycle, whichever the table has,
/// over the customers (rows with a retention status).
///
/// >>> import icpfit, pyarrow as pa
/// >>> t = pa.table({"nps": [9.0, 3.0, None, 7.0], "support_tickets": [1.0, 8.0, 2.0, None]})
/// >>> spec = {"components": [
/// ...     {"name": "nps", "source": {"kind": "numeric", "column": "nps"}},
/// ...     {"name": "support", "source": {"kind": "numeric", "column": "support_tickets"},
/// ...      "direction": "lower_is_better"}]}
/// >>> q = icpfit.quality(t, spec)
/// >>> q.score.round(3).tolist()
/// [0.833, 0.167, 0.5, 0.5]
/// >>> q.explain(2)[0]["normalised"] is None
/// True
#[pyfunction]
#[pyo3(signature = (data, spec = None))]
pub fn quality<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    spec: Option<&Bound<'py, PyAny>>,
) -> PyResult<PyQualityScores> {
    let table = table_of(py, data)?;
    let spec_text = spec.map(|s| json_text(py, s)).transpose()?;
    let inner = table.get();
    let result: BindResult<QualityScores> = py.detach(|| {
        guard(|| {
            let spec = quality_spec(&inner.0, spec_text.as_deref())?;
            Ok(core_quality(&inner.0, &spec)?)
        })
    });
    Ok(PyQualityScores(result?))
}

/// A cohort-vs-cohort profile (see :func:`profile`). Immutable.
///
/// Convert with :meth:`to_arrow`, :meth:`to_pandas` or :meth:`to_polars`: one
/// row per attribute (numeric) or level / tag (categorical, flag, tag set),
/// with the value in each cohort, the delta, medians, p-values and the
/// evidence level. :meth:`signals` gives the 70 % signals.
#[pyclass(frozen, module = "icpfit", name = "Profile")]
pub struct PyProfile(pub Profile);

#[pymethods]
impl PyProfile {
    /// Name of cohort A.
    #[getter]
    fn a_name(&self) -> &str {
        &self.0.a_name
    }
    /// Name of cohort B.
    #[getter]
    fn b_name(&self) -> &str {
        &self.0.b_name
    }
    /// Size of A.
    #[getter]
    fn a_size(&self) -> usize {
        self.0.a_size
    }
    /// Size of B.
    #[getter]
    fn b_size(&self) -> usize {
        self.0.b_size
    }
    /// Evidence level of the comparison (the smaller cohort).
    #[getter]
    fn evidence(&self) -> &'static str {
        self.0.evidence.as_str()
    }
    fn __len__(&self) -> usize {
        self.0.rows.len()
    }
    /// The 70 % signals, strongest gap first: one dict per attribute with
    /// ``attribute``, ``levels``, ``range`` (``(min, max)`` or ``None``),
    /// ``coverage_a``, ``coverage_b``, ``gap``, ``strong``, ``evidence`` and
    /// ``criterion`` (an ICP criterion as JSON).
    fn signals<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.0
            .signals
            .iter()
            .map(|s| {
                let d = PyDict::new(py);
                d.set_item("attribute", &s.attribute)?;
                d.set_item("levels", &s.levels)?;
                d.set_item(
                    "range",
                    s.range.as_ref().map(|r| {
                        (
                            r.min.unwrap_or(f64::NEG_INFINITY),
                            r.max.unwrap_or(f64::INFINITY),
                        )
                    }),
                )?;
                d.set_item("coverage_a", s.coverage_a)?;
                d.set_item("coverage_b", s.coverage_b)?;
                d.set_item("gap", s.gap)?;
                d.set_item("strong", s.strong)?;
                d.set_item("evidence", s.evidence.as_str())?;
                d.set_item(
                    "criterion",
                    serde_json::to_string(&s.criterion)
                        .map_err(|e| PyValueError::new_err(e.to_string()))?,
                )?;
                Ok(d)
            })
            .collect()
    }
    /// Everything (rows and signals) as JSON.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.0).map_err(|e| PyValueError::new_err(e.to_string()))
    }
    /// The Arrow PyCapsule stream protocol (one row per profile row).
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let r = &self.0.rows;
        let cols = vec![
            (
                "attribute".to_owned(),
                texts(r.iter().map(|x| Some(x.attribute.clone()))),
            ),
            ("level".to_owned(), texts(r.iter().map(|x| x.level.clone()))),
            (
                "kind".to_owned(),
                texts(r.iter().map(|x| Some(x.kind.as_str().to_owned()))),
            ),
            (
                "dimension".to_owned(),
                texts(r.iter().map(|x| Some(x.dimension.as_str().to_owned()))),
            ),
            (
                "measure".to_owned(),
                texts(r.iter().map(|x| {
                    Some(match x.measure {
                        icpfit_core::profile::Measure::Mean => "mean".to_owned(),
                        icpfit_core::profile::Measure::Share => "share".to_owned(),
                    })
                })),
            ),
            ("a".to_owned(), floats(r.iter().map(|x| nan_none(x.a)))),
            ("b".to_owned(), floats(r.iter().map(|x| nan_none(x.b)))),
            (
                "delta".to_owned(),
                floats(r.iter().map(|x| nan_none(x.delta))),
            ),
            ("median_a".to_owned(), floats(r.iter().map(|x| x.median_a))),
            ("median_b".to_owned(), floats(r.iter().map(|x| x.median_b))),
            ("p_value".to_owned(), floats(r.iter().map(|x| x.p_value))),
            (
                "p_mann_whitney".to_owned(),
                floats(r.iter().map(|x| x.p_mann_whitney)),
            ),
            ("n_a".to_owned(), ints(r.iter().map(|x| x.n_a))),
            ("n_b".to_owned(), ints(r.iter().map(|x| x.n_b))),
            (
                "evidence".to_owned(),
                texts(r.iter().map(|x| Some(x.evidence.as_str().to_owned()))),
            ),
        ];
        stream_capsule(py, batch(cols)?, requested_schema)
    }
    /// As a ``pyarrow.Table``.
    fn to_arrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        frames_call(slf.py(), "to_arrow", slf.as_any())
    }
    /// As a ``pandas.DataFrame``.
    fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        frames_call(slf.py(), "to_pandas", slf.as_any())
    }
    /// As a ``polars.DataFrame``.
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        frames_call(slf.py(), "to_polars", slf.as_any())
    }
    fn __repr__(&self) -> String {
        self.0.to_string()
    }
    fn _repr_html_(&self) -> String {
        let p = &self.0;
        let mut html = format!(
            "<p><b>{}</b> (n={}) vs <b>{}</b> (n={}), evidence: {}</p><table><thead><tr><th>attribute</th><th>{}</th><th>{}</th><th>delta</th><th>p</th></tr></thead><tbody>",
            html_escape(&p.a_name),
            p.a_size,
            html_escape(&p.b_name),
            p.b_size,
            p.evidence.as_str(),
            html_escape(&p.a_name),
            html_escape(&p.b_name)
        );
        for r in p.headline() {
            let label = match &r.level {
                Some(l) if r.kind != icpfit_core::table::Kind::Flag => {
                    format!("{} = {}", r.attribute, l)
                }
                _ => r.attribute.clone(),
            };
            let (a, b, delta) = match r.measure {
                icpfit_core::profile::Measure::Mean => (
                    format!("{:.2}", r.a),
                    format!("{:.2}", r.b),
                    format!("{:+.0}%", r.delta),
                ),
                icpfit_core::profile::Measure::Share => (
                    format!("{:.1}%", r.a * 100.0),
                    format!("{:.1}%", r.b * 100.0),
                    format!("{:+.1} pt", r.delta),
                ),
            };
            html.push_str(&format!(
                "<tr><td>{}</td><td>{a}</td><td>{b}</td><td>{delta}</td><td>{}</td></tr>",
                html_escape(&label),
                r.p_value.map_or("-".to_owned(), |p| format!("{p:.2e}"))
            ));
        }
        html.push_str("</tbody></table>");
        html
    }
}

/// A cohort argument: a :class:`Cohort` or one bool per row.
fn cohort_arg(obj: &Bound<'_, PyAny>, default_name: &str) -> PyResult<Cohort> {
    if let Ok(c) = obj.cast::<PyCohort>() {
        return Ok(c.get().0.clone());
    }
    let seq = if obj.hasattr("tolist")? {
        obj.call_method0("tolist")?
    } else {
        obj.clone()
    };
    let mask: Vec<bool> = seq.extract().map_err(|_| {
        ArgumentError::new_err(format!(
            "cohort `{default_name}`: expected an icpfit.Cohort or one bool per row"
        ))
    })?;
    Ok(Cohort::from_mask(default_name, &mask))
}

/// The profile of cohort ``a`` against cohort ``b`` (seed 000's win-vs-loss
/// table for any pair): for every attribute, the mean / median (numeric) or
/// the share of each level / tag in each cohort, the delta (percent of A's
/// mean, or points), Welch and Mann–Whitney or χ² p-values, the evidence
/// level, and the 70 % signals.
///
/// ``a`` and ``b`` are :class:`Cohort` objects (from :func:`cohorts`) or one
/// bool per row (numpy arrays, lists, pandas Series).
///
/// >>> import icpfit, pyarrow as pa
/// >>> deals = pa.table({"employees": [450, 450, 120, 120], "outcome": ["won", "won", "lost", "lost"]})
/// >>> c = icpfit.cohorts(deals, "outcome")
/// >>> p = icpfit.profile(deals, c["won"], c["lost"], columns=["employees"])
/// >>> p.to_pandas()[["attribute", "a", "b", "delta"]].round(1).values.tolist()
/// [['employees', 450.0, 120.0, -73.3]]
#[pyfunction]
#[pyo3(signature = (data, a, b, *, columns = None, tests = true, signals = true))]
pub fn profile<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    a: &Bound<'py, PyAny>,
    b: &Bound<'py, PyAny>,
    columns: Option<Vec<String>>,
    tests: bool,
    signals: bool,
) -> PyResult<PyProfile> {
    let table = table_of(py, data)?;
    let (a, b) = (cohort_arg(a, "a")?, cohort_arg(b, "b")?);
    let opts = ProfileOptions {
        columns,
        tests,
        signals,
        ..Default::default()
    };
    let inner = table.get();
    let result: BindResult<Profile> = py.detach(|| {
        guard(|| {
            let pair = CohortPair::new(a, b)?;
            Ok(Profile::of_pair(&inner.0, &pair, &opts)?)
        })
    });
    Ok(PyProfile(result?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_like_python() {
        assert_eq!(py_quote("best"), "'best'");
        assert_eq!(py_quote("o'brien"), "\"o'brien\"");
        assert_eq!(py_quote("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(nan_none(f64::NAN), None);
    }
}
