"""Drafting, pressure tests and the quarterly review from Python."""

from __future__ import annotations

import json
import pathlib

import pandas as pd
import polars as pl
import pytest

import icpfit

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEALS = ROOT / "examples" / "data" / "deals.csv"
CURRENT = ROOT / "examples" / "data" / "current_icp.json"


@pytest.fixture(scope="module")
def deals() -> icpfit.Table:
    return icpfit.read_csv(str(DEALS))


def test_draft_icp_finds_the_planted_must_have(deals: icpfit.Table) -> None:
    icp = icpfit.draft_icp(deals, name="Core", version="7")
    doc = icp.to_dict()
    assert (icp.name, icp.version) == ("Core", "7")
    assert [c["column"] for c in doc["primary"]] == ["employees"]
    assert doc["primary"][0]["range"] == {"min": 200.0, "max": 2000.0}
    secondary = {c["column"] for c in doc["secondary"]}
    assert {"industry", "tech_stack", "lead_source"} <= secondary
    assert all(c["evidence"]["level"] in {"meaningful", "cohort_analysis"} for c in doc["secondary"])
    # The drafted ICP is a valid document that round-trips.
    assert icpfit.Icp.from_json(icp.to_json()) == icp


def test_any_dataframe_drafts_the_same_icp(deals: icpfit.Table) -> None:
    # pandas and polars read `tech_stack` as strings ("Salesforce;Snowflake")
    # and pandas leaves `close_date` as strings: Table.from_arrow infers the
    # tag set and the dates as the CSV reader does, so the drafts are equal.
    from_csv = icpfit.draft_icp(deals)
    from_pandas = icpfit.draft_icp(pd.read_csv(DEALS))
    from_polars = icpfit.draft_icp(pl.read_csv(DEALS))
    assert from_pandas == from_polars == from_csv
    kinds = {f.name: f.kind for f in icpfit.Table.from_arrow(pd.read_csv(DEALS)).schema}
    assert (kinds["tech_stack"], kinds["close_date"]) == ("tag_set", "date")


def test_pressure_test_reports_lift_and_tiers(deals: icpfit.Table) -> None:
    icp = icpfit.draft_icp(deals)
    pt = icpfit.pressure_test(icp, deals)
    assert pt.lift > 1.5 and 0.6 < pt.auc < 1.0
    d = pt.to_dict()
    assert [t["tier"] for t in d["tiers"]] == ["A", "B", "C", "D"]
    assert d["lift"]["ratio_lo"] > 1.0
    assert d["gains"][-1]["positives"] == pytest.approx(1.0)
    assert pt.hundred_vs_ten().startswith("Of 100 accounts matching Drafted ICP, ")
    current = icpfit.Icp.from_json(CURRENT.read_text())
    assert icpfit.pressure_test(current, deals).lift < pt.lift
    with pytest.raises(icpfit.ArgumentError, match="match_through"):
        icpfit.pressure_test(icp, deals, match_through="E")
    with pytest.raises(icpfit.ColumnError):
        icpfit.pressure_test(icp, deals, target="no_such_column")


def test_review_renders_and_saves(deals: icpfit.Table, tmp_path: pathlib.Path) -> None:
    current = icpfit.Icp.from_json(CURRENT.read_text())
    r = icpfit.review(deals, current_icp=current)
    assert 3 <= len(r.recommendations) <= 5
    assert any(x["action"].startswith("Set a floor of 50 on employees") for x in r.recommendations)
    md = r.to_markdown()
    assert md.startswith("# Quarterly ICP review")
    html = r.to_html()
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "<script" not in html
    assert "<svg" in r._repr_html_() and "<html" not in r._repr_html_()
    doc = r.to_dict()
    assert doc["schema"] == "icpfit.review/1"
    assert icpfit.Icp.from_dict(doc["draft"]["icp"]) == r.icp
    paths = r.save(tmp_path / "out")
    assert sorted(p.name for p in paths) == ["review.html", "review.json", "review.md"]
    assert json.loads((tmp_path / "out" / "review.json").read_text())["as_of"] == doc["as_of"]
    assert "Review(" in repr(r)
