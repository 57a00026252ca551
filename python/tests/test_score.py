"""``Icp.score``, ``FitScores`` and ``score_many``: the engine agrees with the
slow reference scores row by row, explanations, frames, errors, determinism,
the GIL, and the bundled ICP document round-trips byte for byte."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

import icpfit

ROOT = Path(__file__).resolve().parents[2]
ICP_JSON = ROOT / "examples" / "data" / "icp.json"
DEALS = ROOT / "examples" / "data" / "deals.csv"

CORE: dict[str, Any] = {
    "name": "Core",
    "version": "3",
    "primary": [{"name": "mid", "column": "employees", "range": {"min": 200, "max": 2000}, "points": 20}],
    "secondary": [
        {"name": "vertical", "column": "industry", "in": ["fintech", "healthtech"], "points": 25},
        {"name": "snowflake", "column": "tech_stack", "has_any": ["Snowflake"], "points": 10},
        {"name": "partner", "column": "lead_source", "in": ["partner", "referral"], "points": 15},
    ],
    "negative": [{"name": "tiny", "column": "employees", "range": {"max": 50, "max_inclusive": False}}],
    "tiers": {"a": 60, "b": 40, "c": 20},
}


def frame() -> pa.Table:
    return pa.table(
        {
            "account_id": ["a1", "a2", "a3", "a4", "a5", "a6"],
            "industry": ["fintech", "retail", "healthtech", "fintech", "retail", "retail"],
            "employees": [800.0, 30.0, 1200.0, None, 500.0, 500.0],
            "tech_stack": [["Snowflake", "dbt"], None, ["Salesforce"], ["Snowflake"], ["Snowflake"], ["Snowflake"]],
            "lead_source": ["partner", "inbound", "referral", None, "outbound", "outbound"],
            "product": ["analytics", "analytics", "core", "analytics", "analytics", "analytics"],
            "arr": [100.0, 5.0, 90.0, 50.0, 70.0, 80.0],
        }
    )


@pytest.fixture(scope="module")
def deals() -> icpfit.Table:
    return icpfit.read_csv(DEALS)


@pytest.fixture(scope="module")
def sample_icp() -> icpfit.Icp:
    return icpfit.Icp.from_json(ICP_JSON.read_text(encoding="utf-8"))


def test_the_bundled_icp_round_trips_byte_for_byte(sample_icp: icpfit.Icp) -> None:
    text = ICP_JSON.read_text(encoding="utf-8")
    assert sample_icp.to_json() + "\n" == text
    assert icpfit.Icp.from_dict(sample_icp.to_dict()).to_json() + "\n" == text
    assert icpfit.Icp.from_toml(sample_icp.to_toml()) == sample_icp


def test_the_engine_agrees_with_the_reference_row_by_row(deals: icpfit.Table, sample_icp: icpfit.Icp) -> None:
    scoped = icpfit.Icp.from_dict({**sample_icp.to_dict(), "scope": {"column": "product", "value": "analytics"}})
    for icp in (sample_icp, scoped):
        s = icp.score(deals)
        ref = icp._reference_scores(deals)
        inside = np.array(ref["icp_in_scope"])
        assert (s.in_scope == inside).all()
        pts = np.array([p if p is not None else 0.0 for p in ref["icp_points"]])
        assert (s.points == pts).all()
        labels = np.array([t if t is not None else "-" for t in ref["icp_tier"]])
        assert (s.tier_labels == labels).all()
        assert (s.primary_pass[inside] == np.array(ref["icp_primary_pass"], dtype=object)[inside].astype(bool)).all()
        assert (s.disqualified[inside] == np.array(ref["icp_disqualified"], dtype=object)[inside].astype(bool)).all()
        for k, name in enumerate(s.criteria):
            want = np.array([bool(x) for x in ref[f"icp_match_{name}"]])
            assert (s.matches(name)[inside] == want[inside]).all(), name
            assert (((s.matched[:, 0] >> np.uint64(k)) & np.uint64(1)).astype(bool) == s.matches(name)).all()
        assert s.tier_counts()["out_of_scope"] == int((~inside).sum())


def test_points_tiers_gates_and_explanations() -> None:
    icp = icpfit.Icp.from_dict(CORE)
    s = icp.score(frame())
    assert s.points.tolist() == [70.0, 0.0, 60.0, 35.0, 30.0, 30.0]
    assert s.tier.dtype == np.uint8
    assert s.tier.tolist() == [0, 3, 0, 2, 2, 2]
    assert s.tier_labels.tolist() == ["A", "D", "A", "C", "C", "C"]
    assert icpfit.FitScores.TIERS == ("A", "B", "C", "D", "-")
    assert s.primary_pass.tolist() == [True, False, True, False, True, True]
    assert s.disqualified.tolist() == [False, True, False, False, False, False]
    assert s.in_scope.all()
    assert s.matched.shape == (6, 1) and s.matched.dtype == np.uint64
    assert s.explain(0) == [
        "employees 200–2000 (+20)",
        "industry in fintech or healthtech (+25)",
        "tech_stack has Snowflake (+10)",
        "lead_source in partner or referral (+15)",
    ]
    assert s.explain(1) == ["disqualified: employees < 50"]
    assert s.explain(-1) == s.explain(5)
    assert s.top_reasons(0, 2) == ["industry in fintech or healthtech (+25)", "employees 200–2000 (+20)"]
    assert s.unmet(3) == ["employees 200–2000 (+20)"]
    assert s.tier_counts() == {"A": 2, "B": 0, "C": 3, "D": 1, "out_of_scope": 0}
    assert s.criteria == ["mid", "vertical", "snowflake", "partner", "tiny"]
    assert (s.icp_name, s.icp_version, len(s)) == ("Core", "3", 6)
    assert repr(s) == (
        "icpfit.FitScores: fit scores of 6 rows against ICP `Core` v3 (5 criteria): "
        "A 2 (33.3 %), B 0 (0.0 %), C 3 (50.0 %), D 1 (16.7 %)"
    )
    html = s._repr_html_()
    assert "<b>icpfit.FitScores</b>" in html and "a1" in html and "industry in fintech or healthtech" in html


def test_ties_are_broken_deterministically_and_rank_score_is_continuous() -> None:
    icp = icpfit.Icp.from_dict(CORE)
    s = icp.score(frame())
    # A: a1 (70) then a3 (60); C: a4 (35), then a5 / a6 tie and keep row order; D: a2.
    assert s.order().tolist() == [0, 2, 3, 4, 5, 1]
    assert s.rank.tolist() == [1, 6, 2, 3, 4, 5]
    by_arr = icp.score(frame(), tie_break="arr")
    assert by_arr.tie_break == "arr"
    assert by_arr.order().tolist() == [0, 2, 3, 5, 4, 1]
    assert icp.score(frame(), tie_break="arr", tie_break_ascending=True).order().tolist() == [0, 2, 3, 4, 5, 1]
    rs = by_arr.rank_score
    ordered = rs[by_arr.order()]
    assert (np.diff(ordered) < 0).all()
    assert np.floor(rs).tolist() == [3, 0, 3, 1, 1, 1]  # A = 3 … D = 0


def test_scope_rows_are_not_scored() -> None:
    icp = icpfit.Icp.from_dict({**CORE, "scope": {"column": "product", "value": "analytics"}})
    s = icp.score(frame())
    assert s.in_scope.tolist() == [True, True, False, True, True, True]
    assert s.tier[2] == 4 and s.tier_labels[2] == "-" and s.points[2] == 0.0
    assert np.isnan(s.rank_score[2])
    assert s.order()[-1] == 2
    assert s.explain(2) == []
    assert s.tier_counts()["out_of_scope"] == 1
    df = s.to_pandas()
    assert df["tier"].isna().tolist() == [False, False, True, False, False, False]


def test_frames() -> None:
    s = icpfit.Icp.from_dict(CORE).score(frame())
    t = s.to_arrow()
    assert t.column_names == [
        "account_id", "points", "tier", "rank", "rank_score",
        "primary_pass", "disqualified", "in_scope", "matched",
    ]
    assert t.column("account_id").to_pylist() == ["a1", "a2", "a3", "a4", "a5", "a6"]
    df = s.to_pandas()
    assert str(df["tier"].dtype) == "category"
    assert df["tier"].astype(str).tolist() == ["A", "D", "A", "C", "C", "C"]
    pl = s.to_polars()
    assert pl["points"].to_list() == s.points.tolist()
    r = s.reasons()
    assert len(r) == sum(len(s.explain(i)) for i in range(len(s)))
    rdf = r.to_pandas()
    assert rdf.columns.tolist() == ["row", "account_id", "criterion", "section", "points", "reason"]
    first = rdf[rdf["row"] == 0]
    assert first["reason"].astype(str).tolist() == s.explain(0)
    assert first["section"].astype(str).tolist() == ["primary", "secondary", "secondary", "secondary"]
    assert r.to_polars().height == len(r)
    assert r.to_arrow().num_rows == len(r)
    only = s.reasons(rows=[1, -1]).to_pandas()
    assert only["row"].tolist() == [1, 5, 5]
    assert "Reasons: 3 rows" in repr(s.reasons(rows=[1, -1]))


def test_any_frame_and_any_thread_count_give_the_same_scores(deals: icpfit.Table, sample_icp: icpfit.Icp) -> None:
    a = sample_icp.score(deals, n_threads=1)
    b = sample_icp.score(deals.to_polars(), n_threads=2)
    c = sample_icp.score(deals.to_arrow())
    for other in (b, c):
        assert (a.points == other.points).all()
        assert (a.tier == other.tier).all()
        assert (a.matched == other.matched).all()
        assert (a.order() == other.order()).all()


def test_every_instruction_set_level_gives_the_same_scores(deals: icpfit.Table, sample_icp: icpfit.Icp) -> None:
    """``ICPFIT_ISA`` caps the level (read once per process, so each level
    runs in a child process); every level scores the sample identically,
    from a table and from a polars frame (nulls blended per level)."""
    script = (
        "import icpfit, sys, hashlib\n"
        "icp = icpfit.Icp.from_json(open(sys.argv[1], encoding='utf-8').read())\n"
        "t = icpfit.read_csv(sys.argv[2])\n"
        "for data in (t, t.to_polars()):\n"
        "    s = icp.score(data)\n"
        "    h = hashlib.sha256(s.points.tobytes() + s.tier.tobytes() + s.matched.tobytes())\n"
        "    print(icpfit.instruction_set(), h.hexdigest())\n"
    )
    best = icpfit.instruction_set()
    expected = sample_icp.score(deals)
    digests = set()
    for level in ("baseline", "avx2", "avx512"):
        env = {**os.environ, "ICPFIT_ISA": level}
        out = subprocess.run(
            [sys.executable, "-c", script, str(ICP_JSON), str(DEALS)],
            env=env, capture_output=True, text=True, check=True,
        ).stdout.split()
        ranks = ["baseline", "avx2", "avx512"]
        ran = ranks[min(ranks.index(level), ranks.index(best))]
        assert out[0::2] == [ran, ran], out
        digests.update(out[1::2])
    assert len(digests) == 1
    want = hashlib.sha256(expected.points.tobytes() + expected.tier.tobytes() + expected.matched.tobytes())
    assert digests == {want.hexdigest()}


def test_score_many_equals_scoring_each(deals: icpfit.Table, sample_icp: icpfit.Icp) -> None:
    doc = sample_icp.to_dict()
    icps = [sample_icp]
    for lo in (100, 150, 300):
        d = {**doc, "name": f"min {lo}"}
        d["primary"] = [{**doc["primary"][0], "range": {"min": lo, "max": 2000}}]
        icps.append(icpfit.Icp.from_dict(d))
    many = icpfit.score_many(icps, deals)
    assert [m.icp_name for m in many] == [i.name for i in icps]
    for icp, m in zip(icps, many):
        one = icp.score(deals)
        assert (m.points == one.points).all()
        assert (m.tier == one.tier).all()
        assert (m.primary_pass == one.primary_pass).all()
        assert m.matched is None
    with pytest.raises(icpfit.ArgumentError, match="without the matched-criteria bitsets"):
        many[0].explain(0)
    kept = icpfit.score_many(icps, deals, matched=True, n_threads=1)
    assert (kept[1].matched == icps[1].score(deals).matched).all()
    assert kept[1].explain(0) == icps[1].score(deals).explain(0)


def test_a_frame_is_converted_only_in_the_columns_the_icp_reads() -> None:
    import pandas as pd

    icp = icpfit.Icp.from_dict(CORE)
    expected = icp.score(frame())
    # An extra column of a type icpfit cannot read is never converted, so it
    # does not stop the scoring; the account ids still come along.
    wide = frame().append_column("blob", pa.array([b"x"] * 6, type=pa.binary()))
    for data in (wide, wide.to_pandas()):
        s = icp.score(data)
        assert s.points.tolist() == expected.points.tolist()
        assert s.to_arrow().column("account_id").to_pylist() == ["a1", "a2", "a3", "a4", "a5", "a6"]
    with pytest.raises(icpfit.SchemaError, match="column `blob` has Arrow type Binary"):
        icpfit.Table.from_arrow(wide)
    # A misspelt ICP column is still reported against all the frame's names.
    typo = icpfit.Icp.from_dict({**CORE, "secondary": [{"name": "v", "column": "industri", "in": ["fintech"]}]})
    with pytest.raises(icpfit.IcpError, match="did you mean `industry`"):
        typo.score(pd.DataFrame(frame().to_pandas()))


def test_errors_are_icpfit_exceptions() -> None:
    icp = icpfit.Icp.from_dict(CORE)
    with pytest.raises(icpfit.IcpError, match="criterion `mid`: no column named `employees`"):
        icp.score(pa.table({"x": [1.0]}))
    with pytest.raises(icpfit.IcpError, match="did you mean `fintech`"):
        icpfit.Icp.from_dict({**CORE, "secondary": [{"name": "v", "column": "industry", "in": ["fintec"]}]}).score(frame())
    with pytest.raises(icpfit.IcpError, match="is not a level of `industry` in this data"):
        icpfit.Icp.from_dict({**CORE, "secondary": [{"name": "v", "column": "industry", "in": ["govtech"]}]}).score(
            frame(), levels="strict"
        )
    with pytest.raises(icpfit.ArgumentError, match="unknown levels `loose`"):
        icp.score(frame(), levels="loose")  # type: ignore[arg-type]
    with pytest.raises(icpfit.ColumnError, match="column `industry` is categorical"):
        icp.score(frame(), tie_break="industry")
    with pytest.raises(icpfit.ColumnError, match="no column named `arrr`"):
        icp.score(frame(), tie_break="arrr")
    with pytest.raises(icpfit.ArgumentError, match="n_threads"):
        icp.score(frame(), n_threads=0)
    s = icp.score(frame())
    with pytest.raises(IndexError, match="row 6 is out of range"):
        s.explain(6)
    with pytest.raises(icpfit.IcpError, match="did you mean `snowflake`"):
        s.matches("snowflak")
    with pytest.raises(TypeError):
        icpfit.score_many([icp, "not an icp"], frame())  # type: ignore[list-item]


def test_scoring_releases_the_gil() -> None:
    n = 400_000
    rng = np.random.default_rng(1)
    data = icpfit.Table.from_arrow(pa.table({"employees": rng.integers(1, 5000, n).astype(float)}))
    icps = [
        icpfit.Icp.from_dict({"name": f"c{k}", "version": "1", "secondary": [
            {"name": "band", "column": "employees", "range": {"min": 10 * k, "max": 10 * k + 3000}, "points": 10}]})
        for k in range(300)
    ]
    ticks: list[float] = []
    stop = threading.Event()

    def count() -> None:
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.0005)

    worker = threading.Thread(target=count)
    worker.start()
    try:
        time.sleep(0.02)
        start = time.perf_counter()
        out = icpfit.score_many(icps, data)
        end = time.perf_counter()
    finally:
        stop.set()
        worker.join()
    assert len(out) == 300
    duration = end - start
    margin = min(0.01, duration / 10)
    inside = [x for x in ticks if start + margin < x < end - margin]
    assert duration > 0.05, f"scoring took {duration:.3f}s: too short to tell"
    assert len(inside) >= 10, f"{len(inside)} ticks in {duration:.3f}s: the GIL was held"
