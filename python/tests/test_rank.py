"""icpfit.rank from every kind of input, its outputs, and its errors."""

from __future__ import annotations

import json
import threading
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


def test_the_bundled_sample_recovers_the_planted_win_drivers(sample: icpfit.Table) -> None:
    r = icpfit.rank(sample, "outcome")
    assert (r.n_positive, r.n_negative) == (1092, 1587)
    significant = [a for a, s in zip(r.attributes, r.to_arrow()["significant"].to_pylist()) if s]
    for driver in ["industry", "employees", "tech_stack", "lead_source"]:
        assert driver in significant
    for noise in ["noise_score", "noise_segment", "noise_flag"]:
        assert noise not in significant
        assert r.attributes.index(noise) > r.attributes.index("lead_source")
    assert any(f.startswith("accounts with industry in {fintech, healthtech} win") for f in r.findings())


def test_dataframes_of_every_kind_give_the_same_ranking(sample: icpfit.Table) -> None:
    # A `;`-joined string column read by pandas / polars is a plain string
    # (categorical for icpfit); tag sets come in as list<utf8>. Compare the rest.
    columns = [f.name for f in sample.schema if f.role == "attribute" and f.name != "tech_stack"]
    native = icpfit.rank(sample, "outcome", columns=columns)
    from_pandas = icpfit.rank(pd.read_csv(SAMPLE), "outcome", columns=columns)
    from_polars = icpfit.rank(pl.read_csv(SAMPLE), "outcome", columns=columns)
    assert from_pandas.attributes == native.attributes == from_polars.attributes
    a = native.to_pandas().set_index("attribute")
    for other in (from_pandas, from_polars):
        b = other.to_pandas().set_index("attribute")
        np.testing.assert_allclose(b["iv"], a["iv"], rtol=1e-12)
        np.testing.assert_allclose(b["p_value"], a["p_value"], rtol=1e-12)


def test_labels_weights_and_churn_targets(sample: icpfit.Table) -> None:
    outcome = sample.column("outcome")
    labels = [True if o == "won" else False if o == "lost" else None for o in outcome]
    by_labels = icpfit.rank(sample, labels)
    assert by_labels.attributes == icpfit.rank(sample, "outcome").attributes
    acv = sample.column("acv")
    weighted = icpfit.rank(sample, "outcome", weights=acv)
    assert weighted.weighted and not by_labels.weighted
    churn = icpfit.rank(sample, "retention_status")
    assert churn.attributes[0] == "employees"
    assert any(" churn " in f for f in churn.findings())


def test_outputs_convert_and_render(sample: icpfit.Table) -> None:
    r = icpfit.rank(sample, "outcome", bootstrap=20, seed=3)
    table = r.to_arrow()
    assert table.num_rows == len(r)
    for col in ["attribute", "iv", "mi", "p_value", "q_value", "cramers_v", "auc", "ks", "rule", "rate_ratio", "stability"]:
        assert col in table.column_names
    assert r.to_polars().height == len(r)
    by_iv = r.sort_by("iv").to_arrow()["iv"].to_pylist()
    assert by_iv == sorted(by_iv, reverse=True)
    tags = r.tags().to_pandas()
    assert set(tags["tag"]) >= {"Snowflake", "Salesforce"}
    levels = r.levels("industry")
    assert {lv["label"] for lv in levels} >= {"fintech", "healthtech"}
    assert all(lv["lo"] <= lv["rate"] <= lv["hi"] for lv in levels)
    assert json.loads(r.to_json())["rows"][0]["attribute"] == r.attributes[0]
    assert "<table>" in r._repr_html_() and r.attributes[0] in repr(r)


def test_errors_are_typed_and_precise(sample: icpfit.Table) -> None:
    with pytest.raises(icpfit.ColumnError, match="no column named `outcom`; did you mean `outcome`"):
        icpfit.rank(sample, "outcom")
    with pytest.raises(icpfit.ArgumentError, match="neither a deal outcome"):
        icpfit.rank(sample, "industry")
    with pytest.raises(icpfit.DataError, match="only one class"):
        icpfit.rank(sample, [True] * sample.n_rows)
    with pytest.raises(icpfit.ColumnError, match="`target` has 3 values, expected 3500"):
        icpfit.rank(sample, [True, False, None])
    with pytest.raises(icpfit.ArgumentError, match="n_bins"):
        icpfit.rank(sample, "outcome", n_bins=1)
    with pytest.raises(icpfit.ArgumentError, match="unknown metric"):
        icpfit.rank(sample, "outcome").sort_by("nope")
    bad = np.ones(sample.n_rows)
    first_won = list(sample.column("outcome")).index("won")
    bad[first_won] = np.nan
    with pytest.raises(icpfit.ArgumentError, match=f"row {first_won} has weight NaN"):
        icpfit.rank(sample, "outcome", weights=bad)


def test_concurrent_rankings_from_threads_agree(sample: icpfit.Table) -> None:
    results: list[icpfit.Ranking] = []
    threads = [threading.Thread(target=lambda: results.append(icpfit.rank(sample, "outcome", bootstrap=50))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2 and results[0].attributes == results[1].attributes
