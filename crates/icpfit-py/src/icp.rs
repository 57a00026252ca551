//! `icpfit.Icp`: an ICP document read from / written to JSON, TOML or a
//! dict, validated against a table, and exported as SQL. Scoring
//! (`score()`, `FitScores`) lives in its own file; the slow reference scores
//! behind `Icp._reference_scores` are for tests only.

use crate::error::{BindResult, PyIcpfitErr, guard};
use crate::rank::table_of;
use crate::table::one_char;
use icpfit_core::icp::{Dialect, Icp, MATCH_PREFIX, ReferenceScore, SqlOptions, reference_scores};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

/// An Ideal Customer Profile: primary (must-have), secondary (weighted) and
/// negative (disqualifying) criteria, tier thresholds, an optional product
/// scope and the evidence behind each criterion. Immutable; equal when every
/// field is equal.
///
/// Read one with :meth:`from_json`, :meth:`from_toml` or :meth:`from_dict`
/// (the document format is described in ``docs/icp.md``; its JSON Schema is
/// ``docs/icp.schema.json``); every constructor checks the ICP (unique
/// names, finite numbers, ordered tiers) and raises :class:`IcpError` or
/// :class:`ParseError` naming what is wrong.
///
/// >>> import icpfit
/// >>> icp = icpfit.Icp.from_dict({
/// ...     "name": "Core", "version": "1",
/// ...     "primary": [{"name": "mid_market", "column": "employees",
/// ...                  "range": {"min": 200, "max": 2000}, "points": 20}],
/// ...     "negative": [{"name": "tiny", "column": "employees",
/// ...                   "range": {"max": 50, "max_inclusive": False}}],
/// ... })
/// >>> icp
/// Icp(name='Core', version='1', criteria=['mid_market', 'tiny'])
/// >>> icpfit.Icp.from_json(icp.to_json()) == icp
/// True
/// >>> icp.to_dict()["tiers"]
/// {'a': 70.0, 'b': 50.0, 'c': 30.0, 'if_primary_fails': 'C'}
#[pyclass(frozen, eq, module = "icpfit", name = "Icp")]
#[derive(PartialEq)]
pub struct PyIcp(pub Icp);

fn core<T>(r: icpfit_core::Result<T>) -> PyResult<T> {
    r.map_err(|e| PyErr::from(PyIcpfitErr::from(e)))
}

#[pymethods]
impl PyIcp {
    /// Parses a JSON document. Unknown fields are errors; the message gives
    /// the line and column.
    ///
    /// Raises:
    ///     ParseError: malformed JSON, an unknown field, a criterion without
    ///         exactly one predicate.
    ///     IcpError: a well-formed ICP that breaks a rule (no criteria,
    ///         duplicate names, infinite numbers, tiers out of order).
    ///
    /// >>> import icpfit
    /// >>> icpfit.Icp.from_json('{"name": "x", "version": "1"}')
    /// Traceback (most recent call last):
    /// ...
    /// icpfit.exceptions.IcpError: ICP `x`: has no criteria: add at least one primary, secondary or negative criterion
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        core(Icp::from_json(text)).map(Self)
    }
    /// Parses a TOML document (same fields as the JSON form).
    ///
    /// >>> import icpfit
    /// >>> icp = icpfit.Icp.from_toml('''
    /// ... name = "Core"
    /// ... version = "2"
    /// ... [[secondary]]
    /// ... name = "cloud"
    /// ... column = "tech_stack"
    /// ... has_any = ["Snowflake", "BigQuery"]
    /// ... points = 10
    /// ... ''')
    /// >>> icp.version, icp.criteria
    /// ('2', ['cloud'])
    #[staticmethod]
    fn from_toml(text: &str) -> PyResult<Self> {
        core(Icp::from_toml(text)).map(Self)
    }
    /// Builds an ICP from a dict shaped like the JSON document (e.g. one
    /// returned by :meth:`to_dict`).
    #[staticmethod]
    fn from_dict(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text: String = py
            .import("json")?
            .call_method1("dumps", (data,))?
            .extract()?;
        Self::from_json(&text)
    }
    /// The ICP as pretty JSON, fields in a stable order (optional fields at
    /// their defaults are left out).
    fn to_json(&self) -> PyResult<String> {
        core(self.0.to_json())
    }
    /// The ICP as TOML.
    fn to_toml(&self) -> PyResult<String> {
        core(self.0.to_toml())
    }
    /// The ICP as a dict of plain Python values (the JSON document, parsed).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py.import("json")?.call_method1("loads", (self.to_json()?,))
    }
    /// The name.
    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }
    /// The version label.
    #[getter]
    fn version(&self) -> &str {
        &self.0.version
    }
    /// The criterion names in scoring order (primary, secondary, negative):
    /// criterion *i* is bit *i* of the ``icp_matched`` SQL column.
    #[getter]
    fn criteria(&self) -> Vec<String> {
        self.0.criteria().map(|(_, c)| c.name.clone()).collect()
    }
    /// SQL that scores a table in a warehouse exactly as icpfit does.
    ///
    /// Without ``table``: a SELECT-list fragment (``expr AS icp_points, …``)
    /// to put after ``SELECT *,``. With ``table``: a whole query
    /// ``SELECT *, … FROM table``. Output columns: ``icp_in_scope``,
    /// ``icp_points``, ``icp_tier`` ('A'–'D'), ``icp_primary_pass``,
    /// ``icp_disqualified``, ``icp_matched`` (bitmask, criterion *i* = bit
    /// *i*; omitted with ``mask=False``) and one boolean
    /// ``icp_match_<name>`` per criterion. Rows outside the scope get NULL
    /// scores, or are dropped from the query with ``filter_scope=True``.
    /// Tag sets are read as ``;``-joined text, flags as booleans or
    /// true/false words; see ``docs/icp.md``.
    ///
    /// Args:
    ///     dialect: ``"duckdb"``, ``"postgres"``, ``"snowflake"`` or ``"bigquery"``.
    ///     table: the table (``schema.table`` allowed) for a whole query.
    ///     filter_scope: drop out-of-scope rows instead of NULL scores.
    ///     mask: emit the ``icp_matched`` bitmask (at most 63 criteria).
    ///     missing, fold_case, tag_separator: how the warehouse's text is
    ///         read, as the same arguments of :func:`read_csv` (give the
    ///         values the table icpfit scored was read with).
    ///
    /// Raises:
    ///     ArgumentError: an unknown dialect, a malformed table name, a
    ///         separator that is not one character.
    ///     IcpError: an ICP SQL cannot express (a NUL character, two criterion
    ///         names equal but for case, more than 63 criteria with the mask).
    ///
    /// >>> import icpfit, duckdb
    /// >>> icp = icpfit.Icp.from_dict({"name": "Core", "version": "1",
    /// ...     "secondary": [{"name": "big", "column": "employees",
    /// ...                    "range": {"min": 200}, "points": 80}]})
    /// >>> con = duckdb.connect()
    /// >>> _ = con.execute("CREATE TABLE accounts AS SELECT * FROM (VALUES (1, 500), (2, 20), (3, NULL)) t(id, employees)")
    /// >>> con.execute(icp.to_sql("duckdb", "accounts") + " ORDER BY id").fetchall()  # doctest: +NORMALIZE_WHITESPACE
    /// [(1, 500, True, True, 80.0, True, False, 1, 'A'),
    ///  (2, 20, True, False, 0.0, True, False, 0, 'D'),
    ///  (3, None, True, False, 0.0, True, False, 0, 'D')]
    #[pyo3(signature = (
        dialect = "duckdb", table = None, *, filter_scope = false, mask = true, missing = None,
        fold_case = false, tag_separator = ";"
    ))]
    #[allow(clippy::too_many_arguments)]
    fn to_sql(
        &self,
        dialect: &str,
        table: Option<&str>,
        filter_scope: bool,
        mask: bool,
        missing: Option<Vec<String>>,
        fold_case: bool,
        tag_separator: &str,
    ) -> PyResult<String> {
        let run = || -> BindResult<String> {
            let dialect: Dialect = dialect.parse()?;
            let mut options = SqlOptions {
                filter_out_of_scope: filter_scope,
                mask,
                fold_case,
                tag_separator: one_char("tag_separator", tag_separator)?,
                ..SqlOptions::default()
            };
            if let Some(m) = missing {
                options.missing_tokens = m;
            }
            let export = self.0.sql(dialect).options(options);
            Ok(match table {
                Some(t) => export.query(t)?,
                None => export.select_list()?,
            })
        };
        Ok(guard(run)?)
    }
    /// Checks the ICP against a table: every column exists with the kind
    /// its predicate needs, every level and tag exists (with a suggestion
    /// for a likely typo), the scope's level is present, and no criteria
    /// contradict each other. Returns None; raises on the first problem.
    ///
    /// ``data`` is an :class:`icpfit.Table` or any dataframe.
    ///
    /// Raises:
    ///     IcpError: naming the criterion and what is wrong.
    ///
    /// >>> import icpfit, pyarrow as pa
    /// >>> t = icpfit.Table.from_arrow(pa.table({"sector": ["technology", "retail"]}))
    /// >>> icp = icpfit.Icp.from_dict({"name": "Core", "version": "1",
    /// ...     "primary": [{"name": "tech", "column": "sector", "in": ["technolgy"]}]})
    /// >>> icp.validate(t)
    /// Traceback (most recent call last):
    /// ...
    /// icpfit.exceptions.IcpError: ICP `Core`, criterion `tech`: `technolgy` is not a level of `sector`; did you mean `technology`?
    fn validate(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<()> {
        let table = table_of(py, data)?;
        let inner = table.get();
        let icp = &self.0;
        py.detach(|| guard(|| Ok(icp.validate(&inner.0)?)))?;
        Ok(())
    }
    /// Scores every row of ``data`` (an :class:`icpfit.Table` or any
    /// dataframe) against this ICP, with the compiled columnar engine, the
    /// GIL released: see :class:`FitScores`.
    ///
    /// A dataframe is scored where its columns lie, not converted: float
    /// columns and categorical ones (pandas ``category``, polars
    /// ``Categorical`` / ``Enum``, Arrow dictionaries) are read in place;
    /// other columns the ICP reads, and the id column, are converted. The
    /// scores and errors are those of scoring ``Table.from_arrow(data)``.
    ///
    /// Args:
    ///     levels: "lenient" (default: a category level or tag absent from
    ///         ``data`` matches no row, unless it looks like a typo of a
    ///         present one) or "strict" (every level must exist).
    ///     tie_break: a numeric column that orders accounts with equal tier
    ///         and points in :meth:`FitScores.order` (e.g. ARR).
    ///     tie_break_ascending: lower values of ``tie_break`` first.
    ///     n_threads: threads (default: all); results do not depend on it.
    ///
    /// Raises:
    ///     IcpError: a criterion that does not fit ``data`` (unknown column,
    ///         wrong kind, a likely typo of a level).
    ///     ColumnError: ``tie_break`` is not a numeric column.
    ///
    /// >>> import icpfit, pyarrow as pa
    /// >>> icp = icpfit.Icp.from_dict({"name": "Core", "version": "1",
    /// ...     "secondary": [{"name": "big", "column": "employees", "range": {"min": 200}, "points": 80}]})
    /// >>> s = icp.score(pa.table({"employees": [500, 20, None], "arr": [1.0, 2.0, 3.0]}), tie_break="arr")
    /// >>> s.points.tolist(), s.tier_labels.tolist(), s.order().tolist()
    /// ([80.0, 0.0, 0.0], ['A', 'D', 'D'], [0, 2, 1])
    #[pyo3(signature = (data, *, levels = "lenient", tie_break = None, tie_break_ascending = false, n_threads = None))]
    fn score(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        levels: &str,
        tie_break: Option<String>,
        tie_break_ascending: bool,
        n_threads: Option<usize>,
    ) -> PyResult<crate::score::PyFitScores> {
        crate::score::score_icp(
            py,
            &self.0,
            data,
            levels,
            tie_break,
            tie_break_ascending,
            n_threads,
        )
    }
    /// The slow reference scores (internal, for tests of the scoring engine
    /// and of the SQL export): a dict of lists keyed like the SQL columns,
    /// None for rows outside the scope.
    fn _reference_scores<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let table = table_of(py, data)?;
        let inner = table.get();
        let icp = &self.0;
        let rows: Vec<Option<ReferenceScore>> =
            py.detach(|| guard(|| Ok(reference_scores(icp, &inner.0)?)))?;
        fn column<T>(
            rows: &[Option<ReferenceScore>],
            f: impl Fn(&ReferenceScore) -> T,
        ) -> Vec<Option<T>> {
            rows.iter().map(|r| r.as_ref().map(&f)).collect()
        }
        let out = PyDict::new(py);
        out.set_item(
            "icp_in_scope",
            rows.iter().map(Option::is_some).collect::<Vec<_>>(),
        )?;
        out.set_item("icp_points", column(&rows, |r| r.points))?;
        out.set_item("icp_tier", column(&rows, |r| r.tier.as_str()))?;
        out.set_item("icp_primary_pass", column(&rows, |r| r.primary_pass))?;
        out.set_item("icp_disqualified", column(&rows, |r| r.disqualified))?;
        out.set_item(
            "icp_matched",
            rows.iter()
                .map(|r| r.as_ref().and_then(ReferenceScore::mask))
                .collect::<Vec<_>>(),
        )?;
        for (k, (_, c)) in self.0.criteria().enumerate() {
            out.set_item(
                format!("{MATCH_PREFIX}{}", c.name),
                column(&rows, |r| r.matched[k]),
            )?;
        }
        Ok(out)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Icp(name={}, version={}, criteria={})",
            PyString::new(py, &self.0.name).repr()?,
            PyString::new(py, &self.0.version).repr()?,
            pyo3::types::PyList::new(py, self.criteria())?.repr()?
        ))
    }
}
