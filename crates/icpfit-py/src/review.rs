//! `draft_icp`, `pressure_test` and `review`: the drafting, evaluation and
//! quarterly review of the core, with results handed back as documents
//! (JSON / dict / Markdown / HTML). No logic beyond conversion.

use crate::arrow_in::Overrides;
use crate::error::{BindResult, guard};
use crate::icp::PyIcp;
use crate::rank::table_of;
use crate::table::{PyTable, frame_to_table};
use icpfit_core::evaluate::{EvaluateOptions, PressureTest, pressure_test as core_pressure_test};
use icpfit_core::icp::{Icp, Tier};
use icpfit_core::induce::{DraftOptions, draft};
use icpfit_core::rank::{RankOptions, Target};
use icpfit_core::review::{Review, ReviewConfig, build};
use icpfit_core::table::Role;
use icpfit_core::themes::{InterviewColumns, Interviews, ThemeDictionary};
use pyo3::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn json_to_py<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (text,))
}

fn tier_of(s: &str) -> PyResult<Tier> {
    match s {
        "A" => Ok(Tier::A),
        "B" => Ok(Tier::B),
        "C" => Ok(Tier::C),
        "D" => Ok(Tier::D),
        other => Err(crate::error::ArgumentError::new_err(format!(
            "`match_through` must be A, B, C or D, found `{other}`"
        ))),
    }
}

fn target(t: &icpfit_core::AccountTable, column: &str) -> icpfit_core::Result<Target> {
    Target::from_column(t, column)
}

/// Drafts an ICP from the evidence in ``data``.
///
/// ``target`` names the fit target (a deal-outcome column: won vs lost; a
/// flag: true vs false) and ``risk`` the risk target (a retention-status
/// column: churned vs rest), or ``None``. Must-haves, weighted criteria and
/// disqualifiers are chosen by conditional evidence; each criterion carries
/// its evidence (see ``Icp.to_dict()``).
///
/// >>> import icpfit
/// >>> deals = icpfit.read_csv("examples/data/deals.csv")
/// >>> icp = icpfit.draft_icp(deals, name="Core", version="2")
/// >>> [c["column"] for c in icp.to_dict()["primary"]]
/// ['employees']
#[pyfunction]
#[pyo3(signature = (data, target = "outcome", *, risk = Some("retention_status"), name = "Drafted ICP",
    version = "1", max_primary = 3, max_secondary = 8, max_negative = 4, points_to_double_odds = 20.0,
    fdr_alpha = 0.05))]
#[allow(clippy::too_many_arguments)]
pub fn draft_icp<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    target: &str,
    risk: Option<&str>,
    name: &str,
    version: &str,
    max_primary: usize,
    max_secondary: usize,
    max_negative: usize,
    points_to_double_odds: f64,
    fdr_alpha: f64,
) -> PyResult<PyIcp> {
    let table = table_of(py, data)?;
    let inner = table.get();
    let opts = DraftOptions {
        name: name.to_owned(),
        version: version.to_owned(),
        max_primary,
        max_secondary,
        max_negative,
        points_to_double_odds,
        rank: RankOptions {
            fdr_alpha,
            ..Default::default()
        },
        ..Default::default()
    };
    let (target, risk) = (target.to_owned(), risk.map(str::to_owned));
    let result: BindResult<Icp> = py.detach(|| {
        guard(|| {
            let t = &inner.0;
            let fit = self::target(t, &target)?;
            let risk = risk.as_deref().map(|r| Target::churned(t, r)).transpose()?;
            Ok(draft(t, &fit, risk.as_ref(), &opts)?.icp)
        })
    });
    Ok(PyIcp(result?))
}

/// The pressure tests of one ICP against one target.
#[pyclass(frozen, module = "icpfit", name = "PressureTest")]
pub struct PyPressureTest(pub PressureTest);

#[pymethods]
impl PyPressureTest {
    /// Lift of the ICP over a random account (matched rate ÷ overall rate).
    #[getter]
    fn lift(&self) -> f64 {
        self.0.lift.lift
    }
    /// AUC of the points for the target.
    #[getter]
    fn auc(&self) -> f64 {
        self.0.auc
    }
    /// Share of accounts matching the ICP (tier B or better by default).
    #[getter]
    fn match_share(&self) -> f64 {
        self.0.match_share
    }
    /// Whether the ICP matches more than the too-broad share of accounts.
    #[getter]
    fn too_broad(&self) -> bool {
        self.0.too_broad
    }
    /// Seed 002's "100 of these vs 10 random" sentence.
    fn hundred_vs_ten(&self) -> String {
        self.0.hundred_vs_ten()
    }
    /// Everything as JSON.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string_pretty(&self.0)
            .map_err(|e| crate::error::InternalError::new_err(e.to_string()))
    }
    /// Everything as plain Python objects.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.to_json()?)
    }
    fn __repr__(&self) -> String {
        format!(
            "PressureTest(icp={:?}, lift={:.3}, auc={:.3}, match_share={:.3})",
            self.0.icp.0, self.0.lift.lift, self.0.auc, self.0.match_share
        )
    }
}

/// Pressure-tests ``icp`` on ``data`` against ``target``: lift over random
/// ("100 of these vs 10 random"), precision / recall / F1, tier table with
/// cumulative gains and lift, decile gains, AUC, and the too-broad flag.
///
/// >>> import icpfit
/// >>> deals = icpfit.read_csv("examples/data/deals.csv")
/// >>> pt = icpfit.pressure_test(icpfit.draft_icp(deals), deals)
/// >>> pt.lift > 1.5, pt.hundred_vs_ten().startswith("Of 100 accounts matching")
/// (True, True)
#[pyfunction]
#[pyo3(signature = (icp, data, target = "outcome", *, match_through = "B", too_broad_share = 0.4))]
pub fn pressure_test<'py>(
    py: Python<'py>,
    icp: &PyIcp,
    data: &Bound<'py, PyAny>,
    target: &str,
    match_through: &str,
    too_broad_share: f64,
) -> PyResult<PyPressureTest> {
    let table = table_of(py, data)?;
    let inner = table.get();
    let opts = EvaluateOptions {
        match_through: tier_of(match_through)?,
        too_broad_share,
        ..Default::default()
    };
    let icp = icp.0.clone();
    let target = target.to_owned();
    let result: BindResult<PressureTest> = py.detach(|| {
        guard(|| {
            let t = &inner.0;
            Ok(core_pressure_test(
                &icp,
                t,
                &self::target(t, &target)?,
                &opts,
            )?)
        })
    });
    Ok(PyPressureTest(result?))
}

/// The quarterly ICP review.
#[pyclass(frozen, module = "icpfit", name = "Review")]
pub struct PyReview(pub Review);

#[pymethods]
impl PyReview {
    /// The drafted ICP.
    #[getter]
    fn icp(&self) -> PyIcp {
        PyIcp(self.0.draft.icp.clone())
    }
    /// The drafted ICP's recital.
    #[getter]
    fn recital(&self) -> String {
        self.0.draft.recital.text.clone()
    }
    /// The recommended ICP updates (dicts: action, threshold, evidence, n, level, source).
    #[getter]
    fn recommendations<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text = serde_json::to_string(&self.0.recommendations)
            .map_err(|e| crate::error::InternalError::new_err(e.to_string()))?;
        json_to_py(py, &text)
    }
    /// Markdown.
    fn to_markdown(&self) -> String {
        self.0.to_markdown()
    }
    /// One self-contained HTML file.
    fn to_html(&self) -> String {
        self.0.to_html()
    }
    /// The stable JSON form (schema ``icpfit.review/1``, see ``docs/review.md``).
    fn to_json(&self) -> PyResult<String> {
        self.0
            .to_json()
            .map_err(|e| crate::error::PyIcpfitErr::from(e).into())
    }
    /// The JSON form as plain Python objects.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.to_json()?)
    }
    /// Writes ``review.md``, ``review.html`` and ``review.json`` into ``folder``; returns the paths.
    fn save(&self, folder: std::path::PathBuf) -> PyResult<Vec<std::path::PathBuf>> {
        Ok(self
            .0
            .save(folder)
            .map_err(crate::error::PyIcpfitErr::from)?
            .to_vec())
    }
    fn _repr_html_(&self) -> String {
        let html = self.0.to_html();
        let start = html.find("<body>").map_or(0, |i| i + "<body>".len());
        let end = html.rfind("</body>").unwrap_or(html.len());
        let style = html
            .find("<style>")
            .zip(html.find("</style>"))
            .map_or("", |(a, b)| &html[a..b + "</style>".len()]);
        format!("{style}{}", &html[start..end])
    }
    fn __repr__(&self) -> String {
        format!(
            "Review(title={:?}, as_of={:?}, recommendations={})",
            self.0.title,
            self.0.as_of,
            self.0.recommendations.len()
        )
    }
}

/// Interview notes from a CSV path, an :class:`icpfit.Table` or any
/// dataframe (several notes per account allowed).
fn interviews_of(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Interviews> {
    if let Ok(path) = obj.extract::<PathBuf>() {
        return Ok(py.detach(|| guard(|| Ok(Interviews::read_csv(&path)?)))?);
    }
    let columns = InterviewColumns::default();
    let table = if let Ok(t) = obj.cast::<PyTable>() {
        t.clone()
    } else {
        // An account may have several notes: its id is not unique here.
        let overrides = Overrides {
            roles: vec![(columns.account.clone(), Role::Attribute)],
            ..Default::default()
        };
        Bound::new(py, frame_to_table(py, obj, &overrides, None)?)?
    };
    let inner = table.get();
    Ok(py.detach(|| guard(|| Ok(Interviews::from_table(&inner.0, &columns)?)))?)
}

/// Builds the quarterly ICP review of ``data`` (deals and customers).
///
/// ``current_icp`` is the ICP the team works from today (compared with the
/// drafted one: old-vs-new on recent losses, what-if, changelog, loss
/// types). ``bootstrap`` resamples give the ranking's stability.
///
/// ``interviews`` are win/loss and churn interview notes: the path of a CSV
/// file, an :class:`icpfit.Table` or any dataframe with the columns
/// ``account_id``, ``cohort`` (``won`` / ``lost`` / ``churned`` …), and
/// ``text`` and/or ``themes`` (coded themes, ``;``-joined), optionally
/// ``buyer_reason`` (the loss reason the buyer gave, compared with the CRM's
/// ``loss_reason`` of the same account). The review then has a themes
/// section: themes that 3 or more accounts of a cohort mention, and how far
/// CRM loss reasons agree with buyers (see ``to_dict()["themes"]``).
/// ``theme_keywords`` (theme -> keywords) finds themes in the free text too;
/// without it only coded themes count.
///
/// >>> import icpfit
/// >>> deals = icpfit.read_csv("examples/data/deals.csv")
/// >>> import pathlib
/// >>> current = icpfit.Icp.from_json(pathlib.Path("examples/data/current_icp.json").read_text())
/// >>> r = icpfit.review(deals, current_icp=current, interviews="examples/data/interviews.csv")
/// >>> r.to_markdown().splitlines()[0].startswith("# Quarterly ICP review")
/// True
/// >>> 3 <= len(r.recommendations) <= 5
/// True
/// >>> [x["reason"] for x in r.to_dict()["themes"]["reason_agreement"]["reasons"] if x["over_reported"]]
/// ['price']
#[pyfunction]
#[pyo3(signature = (data, *, current_icp = None, title = "Quarterly ICP review", bootstrap = 0,
    segment = "industry", interviews = None, theme_keywords = None))]
#[allow(clippy::too_many_arguments)]
pub fn review<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    current_icp: Option<&PyIcp>,
    title: &str,
    bootstrap: usize,
    segment: &str,
    interviews: Option<&Bound<'py, PyAny>>,
    theme_keywords: Option<BTreeMap<String, Vec<String>>>,
) -> PyResult<PyReview> {
    let table = table_of(py, data)?;
    let inner = table.get();
    let interviews = interviews
        .map(|i| interviews_of(py, i))
        .transpose()?
        .unwrap_or_default();
    let theme_dictionary = theme_keywords
        .map(|k| ThemeDictionary::new(k).map_err(crate::error::PyIcpfitErr::from))
        .transpose()?;
    let config = ReviewConfig {
        title: title.to_owned(),
        current_icp: current_icp.map(|i| i.0.clone()),
        segment: segment.to_owned(),
        rank: RankOptions {
            bootstrap,
            ..Default::default()
        },
        theme_dictionary,
        ..Default::default()
    }
    .with_interviews(interviews);
    let result: BindResult<Review> =
        py.detach(|| guard(|| Ok(build(&inner.0, &config, &mut |_| {})?)));
    Ok(PyReview(result?))
}
