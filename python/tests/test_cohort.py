"""icpfit.quality, icpfit.cohorts and icpfit.profile: the planted truth of the
bundled sample, every kind of input, the outputs, and the errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import icpfit

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "data" / "deals.csv"


@pytest.fixture(scope="module")
def sample() -> icpfit.Table:
    return icpfit.read_csv(SAMPLE)


def test_quality_cohorts_and_their_profile_on_the_sample(sample: icpfit.Table) -> None:
    q = icpfit.quality(sample)
    assert q.components == ["retention", "expansion", "nps", "support_load", "time_to_value", "sales_cycle"]
    assert (q.n_population, q.n_scored, q.n_all_missing) == (1092, 1092, 0)
    assert len(q) == sample.n_rows
    df = q.to_pandas()
    assert list(df.columns[:4]) == ["score", "coverage", "retention", "retention_raw"]
    assert df["score"].notna().sum() == 1092
    assert 0 < df["score"].min() < df["score"].max() < 1
    c = icpfit.cohorts(sample, "quality")
    assert list(c) == ["best", "average", "problematic"]
    again = icpfit.cohorts(sample, "quality", scores=q, best=0.1)
    assert again["best"].size < c["best"].size and again["problematic"].size == c["problematic"].size
    assert c["best"].evidence == "cohort_analysis"
    assert c["best"].size + c["average"].size + c["problematic"].size == 1092
    assert abs(c["best"].size / 1092 - 0.2) < 0.01
    # The best cohort is the top of the same scores.
    scores = q.score
    assert scores[c["best"].indices].min() > scores[c["average"].indices].max()
    p = icpfit.profile(sample, c["best"], c["problematic"])
    assert (p.a_name, p.b_name, p.evidence) == ("best", "problematic", "cohort_analysis")
    rows = p.to_pandas().set_index(["attribute", "level"])
    # Education (the planted poor-NRR industry) is far more common among the problematic.
    edu = rows.loc[("industry", "education")]
    assert edu["delta"] > 5 and edu["p_value"] < 1e-3
    signals = p.signals()
    assert signals[0]["gap"] >= signals[-1]["gap"]
    assert any(s["strong"] for s in signals)
    json.loads(signals[0]["criterion"])
    assert "best" in p._repr_html_()


def test_outcome_cohorts_and_the_won_profile(sample: icpfit.Table) -> None:
    c = icpfit.cohorts(sample, "outcome")
    assert list(c) == ["won", "lost", "no_decision", "open"]
    assert (c["won"].size, c["lost"].size) == (1092, 1587)
    p = icpfit.profile(sample, c["won"], c["lost"])
    rows = p.to_arrow().to_pandas().set_index(["attribute", "level"])
    for level in ["fintech", "healthtech"]:
        assert rows.loc[("industry", level)]["delta"] < 0, "more common among won"
    emp = p.to_polars().filter(pl.col("attribute") == "employees")
    assert emp["median_a"][0] > emp["median_b"][0]
    assert emp["p_mann_whitney"][0] < 1e-6
    assert json.loads(p.to_json())["a_size"] == 1092


def test_masks_segments_and_predicates(sample: icpfit.Table) -> None:
    outcome = np.array(sample.column("outcome"), dtype=object)
    won, lost = outcome == "won", outcome == "lost"
    by_mask = icpfit.profile(sample, won, lost.tolist(), columns=["industry"], signals=False)
    c = icpfit.cohorts(sample, "outcome")
    by_cohort = icpfit.profile(sample, c["won"], c["lost"], columns=["industry"], signals=False)
    pd.testing.assert_frame_equal(by_mask.to_pandas(), by_cohort.to_pandas())
    assert by_mask.signals() == []
    seg = icpfit.cohorts(sample, "segment", column="industry")
    assert sum(s.size for s in seg.values()) == sample.n_rows
    bands = icpfit.cohorts(sample, "segment", column="employees", cuts=[49, 199, 2000])
    assert list(bands) == ["employees = ≤ 49", "employees = (49, 199]", "employees = (199, 2000]", "employees = > 2000"]
    quarters = icpfit.cohorts(sample, "segment", column="close_date")
    assert len(quarters) == 8
    mid = icpfit.cohorts(
        sample,
        "predicate",
        where=[{"name": "mid", "column": "employees", "range": {"min": 200, "max": 2000}},
               json.dumps({"name": "fin", "column": "industry", "in": ["fintech"]})],
        name="mid fintech",
    )["mid fintech"]
    emp = np.array(sample.column("employees"))
    ind = np.array(sample.column("industry"), dtype=object)
    assert mid.mask.tolist() == ((emp >= 200) & (emp <= 2000) & (ind == "fintech")).tolist()
    assert "employees 200–2000 AND industry fintech" == mid.definition
    assert repr(mid).startswith("Cohort(name='mid fintech'")


def test_any_dataframe_and_a_custom_spec() -> None:
    df = pd.DataFrame({"nps": [9.0, 3.0, None, 7.0], "tickets": [1.0, 8.0, 2.0, None]})
    spec = {
        "components": [
            {"name": "nps", "source": {"kind": "numeric", "column": "nps"}, "normalisation": "robust_z"},
            {"name": "support", "source": {"kind": "numeric", "column": "tickets"}, "direction": "lower_is_better"},
        ],
        "missing": {"policy": "complete_cases"},
    }
    for data in (df, pl.from_pandas(df), pa.Table.from_pandas(df)):
        q = icpfit.quality(data, spec)
        assert q.n_scored == 2
        assert np.isnan(q.score[2]) and np.isnan(q.score[3])
    assert json.loads(q.spec)["missing"] == {"policy": "complete_cases"}
    assert q.explain(3)[1]["raw"] is None
    assert "Composite quality" in q._repr_html_()


def test_errors_are_typed() -> None:
    t = pa.table({"x": [1.0, 2.0], "outcome": ["won", "won"]})
    c = icpfit.cohorts(t, "outcome")
    with pytest.raises(icpfit.DataError, match="only one class"):
        icpfit.profile(t, c["won"], c["lost"])
    with pytest.raises(icpfit.InsufficientDataError):
        icpfit.profile(t, c["lost"], c["open"])
    with pytest.raises(icpfit.ArgumentError, match="accepted: quality, outcome, segment, predicate"):
        icpfit.cohorts(t, "colour")
    with pytest.raises(icpfit.ArgumentError, match="needs a column"):
        icpfit.cohorts(t, "segment")
    with pytest.raises(icpfit.ColumnError, match="did you mean"):
        icpfit.quality(t, {"components": [{"name": "x", "source": {"kind": "numeric", "column": "xx"}}]})
    with pytest.raises(icpfit.ParseError, match="unknown field"):
        icpfit.quality(t, {"components": [], "colour": 1})
    with pytest.raises(icpfit.ArgumentError, match="one bool per row"):
        icpfit.profile(t, "won", c["won"])
    with pytest.raises(icpfit.ColumnError):
        icpfit.profile(t, [True], [False, True])
    one = pa.table({"seg": ["a", "a"], "outcome": ["won", "lost"]})
    segs = icpfit.cohorts(one, "segment", column="seg")
    assert list(segs) == ["seg = a"]
