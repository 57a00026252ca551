"""The SQL export of an ICP, run in DuckDB, scores every row exactly as icpfit does.

The reference is ``Icp._reference_scores``: the slow, obviously-correct
evaluation of the core (``BoundCriterion::matches`` per row and criterion, then
``Tiers::tier``), computed from the same CSV that DuckDB reads.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any, Callable

import duckdb
import pytest

import icpfit

ROOT = Path(__file__).resolve().parents[2]
DEALS = ROOT / "examples" / "data" / "deals.csv"

#: Every predicate, open and closed bounds, every missing policy in every
#: section, negative points, fractional points (exact DOUBLE sums) and a scope.
#: Every range bound is a value that occurs in the data (employees 100 and
#: 4238, nps 4 and 6, discount 0.05 and 0.2, support_tickets 3, adoption 0.5,
#: employees 50), so inclusiveness is tested on real rows.
ICP: dict[str, Any] = {
    "name": "Equivalence",
    "version": "1",
    "scope": {"column": "product", "value": "analytics"},
    "primary": [
        {"name": "mid_market", "column": "employees", "range": {"min": 100, "max": 4238}, "points": 20},
        {"name": "promoter", "column": "nps", "range": {"min": 6}, "points": 5, "missing": "neutral"},
        {"name": "core_region", "column": "region", "in": ["north_america", "emea"], "points": 10,
         "missing": "fail"},
        {"name": "known_stack", "column": "tech_stack", "has_any": ["Slack", "AWS"], "missing": "fail"},
    ],
    "secondary": [
        {"name": "cloud", "column": "tech_stack", "has_any": ["Snowflake", "GCP"], "points": 10,
         "missing": "neutral"},
        {"name": "modern", "column": "tech_stack", "has_all": ["dbt", "Snowflake"], "points": 7.5},
        {"name": "discount", "column": "discount",
         "range": {"min": 0.05, "max": 0.2, "min_inclusive": False}, "points": 2.25},
        {"name": "no_partner", "column": "lead_source", "not_in": ["partner", "event"], "points": -5,
         "missing": "fail"},
        {"name": "steady", "column": "champion_changed", "flag": False, "points": 4, "missing": "neutral"},
        {"name": "funded", "column": "funding_stage", "not_in": ["bootstrapped", "seed"], "points": 6,
         "missing": "fail"},
        {"name": "unknown_funding", "column": "funding_stage", "is_missing": True, "points": -3.3},
        {"name": "few_tickets", "column": "support_tickets", "range": {"max": 3, "max_inclusive": False},
         "points": 0.1},
        {"name": "adopted", "column": "adoption_90d", "range": {"min": 0.5}, "points": 0.7,
         "missing": "fail"},
        {"name": "detractor", "column": "nps", "range": {"max": 4}, "points": -2.5, "missing": "fail"},
    ],
    "negative": [
        {"name": "tiny", "column": "employees", "range": {"max": 50, "max_inclusive": False}},
        {"name": "churned", "column": "retention_status", "in": ["churned"], "missing": "neutral"},
        {"name": "unstaffed", "column": "champion_changed", "flag": True},
        {"name": "no_stack", "column": "tech_stack", "is_missing": True},
        {"name": "bad_fit", "column": "fit_tag_90d", "in": ["bad"], "missing": "fail"},
    ],
    "tiers": {"a": 40, "b": 25.5, "c": 10, "if_primary_fails": "C"},
}

COLUMNS = ["icp_in_scope", "icp_points", "icp_tier", "icp_primary_pass", "icp_disqualified", "icp_matched"]


def unscoped(doc: dict[str, Any], **tiers: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    out.pop("scope")
    out["tiers"].update(tiers)
    return out


@pytest.fixture(scope="module")
def deals() -> icpfit.Table:
    return icpfit.read_csv(DEALS)


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    c.execute(f"CREATE TABLE deals AS SELECT * FROM read_csv('{DEALS.as_posix()}')")
    return c


def fetch(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, list[Any]]:
    """Runs ``sql`` and returns its columns as lists."""
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    return {n: [r[k] for r in rows] for k, n in enumerate(names)}


def assert_same(sql: dict[str, list[Any]], ref: dict[str, list[Any]], icp: icpfit.Icp) -> None:
    names = COLUMNS + [f"icp_match_{c}" for c in icp.criteria]
    assert set(ref) == set(names)
    for name in names:
        got, want = sql[name], ref[name]
        assert len(got) == len(want), name
        bad = [(i, g, w) for i, (g, w) in enumerate(zip(got, want)) if not same(g, w)]
        assert not bad, f"{name}: {len(bad)} rows differ, first (row, sql, icpfit): {bad[:5]}"


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        # Exactly the same double, not merely close.
        return a == b or (math.isnan(a) and math.isnan(b))
    return type(a) is type(b) and a == b


def by_row(con: duckdb.DuckDBPyConnection, query: str) -> dict[str, list[Any]]:
    """The query's output in the CSV's row order (the id is unique)."""
    return fetch(con, f"SELECT * FROM ({query}) AS q ORDER BY row_index")


@pytest.fixture(scope="module")
def indexed(con: duckdb.DuckDBPyConnection) -> str:
    con.execute(
        "CREATE TABLE deals_indexed AS SELECT row_number() OVER () - 1 AS row_index, * FROM deals"
    )
    return "deals_indexed"


@pytest.mark.parametrize("doc", [ICP, unscoped(ICP), unscoped(ICP, a=50, b=36, c=28, if_primary_fails="D")],
                         ids=["scoped", "unscoped", "primary_cap_D"])
def test_query_matches_icpfit_row_for_row(
    doc: dict[str, Any], deals: icpfit.Table, con: duckdb.DuckDBPyConnection, indexed: str
) -> None:
    icp = icpfit.Icp.from_dict(doc)
    icp.validate(deals)
    ref = icp._reference_scores(deals)
    sql = by_row(con, icp.to_sql("duckdb", indexed))
    assert sql["row_index"] == list(range(deals.n_rows))
    assert_same(sql, ref, icp)
    # The expression form gives the same columns.
    listed = fetch(con, f"SELECT row_index, {icp.to_sql('duckdb')} FROM {indexed} ORDER BY row_index")
    assert_same(listed, ref, icp)
    # The data exercise the ICP: every tier, every criterion both ways.
    scored = [t for t in ref["icp_tier"] if t is not None]
    assert set(scored) == {"A", "B", "C", "D"}
    for name in icp.criteria:
        values = {v for v in ref[f"icp_match_{name}"] if v is not None}
        assert values == {True, False}, name
    assert any(p is not None and p != round(p) for p in ref["icp_points"])


def test_scope_leaves_rows_unscored_or_filters_them(
    deals: icpfit.Table, con: duckdb.DuckDBPyConnection, indexed: str
) -> None:
    icp = icpfit.Icp.from_dict(ICP)
    ref = icp._reference_scores(deals)
    in_scope = [i for i, s in enumerate(ref["icp_in_scope"]) if s]
    assert 0 < len(in_scope) < deals.n_rows
    out = [i for i, s in enumerate(ref["icp_in_scope"]) if not s]
    assert all(ref[c][i] is None for c in COLUMNS[1:] for i in out)
    filtered = by_row(con, icp.to_sql("duckdb", indexed, filter_scope=True))
    assert filtered["row_index"] == in_scope
    assert filtered["icp_tier"] == [ref["icp_tier"][i] for i in in_scope]
    assert filtered["icp_points"] == [ref["icp_points"][i] for i in in_scope]


def test_without_the_mask(deals: icpfit.Table, con: duckdb.DuckDBPyConnection, indexed: str) -> None:
    icp = icpfit.Icp.from_dict(unscoped(ICP))
    sql = by_row(con, icp.to_sql("duckdb", indexed, mask=False))
    assert "icp_matched" not in sql
    ref = icp._reference_scores(deals)
    assert sql["icp_tier"] == ref["icp_tier"]


# Cells the ingest trims, treats as missing or parses as words; a level with
# a quote and a backslash; tags with spaces around them and empty tags; flags
# stored as text; a NaN and a padded number.
TRICKY = """\
id,segment,size,is_public,stack,region
r1,  O'Brien & Sons  ,10,Yes, Snowflake ; dbt ,emea
r2,back\\slash,20.5,no,;;Snowflake;;,emea
r3,NA,,N/A,,apac
r4,fintech,nan, t ,dbt,emea
r5,O'Brien & Sons,30,F,Snowflakes;DBT,emea
r6,none,  40 ,1,Big Query;Snowflake,emea
r7,fintech,50,0,  ,emea
r8,Fintech,60,TRUE,Big Query,emea
r9,fintech,70,false,dbt;Snowflake,null
r10,FINTECH,80,n,SNOWFLAKE; DBT,EMEA
"""

TRICKY_ICP: dict[str, Any] = {
    "name": "Tricky",
    "version": "1",
    "scope": {"column": "region", "value": "emea"},
    "primary": [
        {"name": "named", "column": "segment", "in": ["O'Brien & Sons", "back\\slash"], "points": 10,
         "missing": "neutral"},
    ],
    "secondary": [
        {"name": "not_fintech", "column": "segment", "not_in": ["fintech"], "points": 3, "missing": "fail"},
        {"name": "size", "column": "size", "range": {"min": 20.5, "max": 50, "max_inclusive": False},
         "points": 1.5},
        {"name": "public", "column": "is_public", "flag": True, "points": 2, "missing": "neutral"},
        {"name": "private", "column": "is_public", "flag": False, "points": -1, "missing": "fail"},
        {"name": "snow", "column": "stack", "has_any": ["Snowflake"], "points": 5},
        {"name": "both", "column": "stack", "has_all": ["Snowflake", "dbt"], "points": 0.3},
        {"name": "bq", "column": "stack", "has_any": ["Big Query"], "points": 0.2},
    ],
    "negative": [
        {"name": "no_stack", "column": "stack", "is_missing": True},
        {"name": "no_size", "column": "size", "is_missing": True},
    ],
    "tiers": {"a": 15, "b": 8, "c": 3},
}


def lowered(doc: dict[str, Any]) -> dict[str, Any]:
    """The ICP with its levels and tags lower-cased, as for a folded table."""
    out = copy.deepcopy(doc)
    for section in ("primary", "secondary", "negative"):
        for c in out.get(section, []):
            for key in ("in", "not_in", "has_any", "has_all"):
                if key in c:
                    c[key] = [v.lower() for v in c[key]]
    return out


@pytest.fixture
def tricky(write: Callable[..., Path]) -> Path:
    return write(TRICKY, "tricky.csv")


@pytest.mark.parametrize("fold_case", [False, True], ids=["as_written", "fold_case"])
def test_edge_cells_read_as_the_ingest_reads_them(tricky: Path, fold_case: bool) -> None:
    table = icpfit.read_csv(tricky, fold_case=fold_case, schema={"is_public": "flag", "size": "numeric"})
    icp = icpfit.Icp.from_dict(lowered(TRICKY_ICP) if fold_case else TRICKY_ICP)
    ref = icp._reference_scores(table)
    con = duckdb.connect()
    # Every column as the text written, except the size: a DOUBLE with NaN
    # for 'nan' and NULL for an empty cell.
    con.execute(
        f"""CREATE TABLE t AS SELECT row_number() OVER () - 1 AS row_index,
                * REPLACE (TRY_CAST(NULLIF(trim(size), '') AS DOUBLE) AS size)
            FROM read_csv('{tricky.as_posix()}', all_varchar = true)"""
    )
    assert con.execute("SELECT count(*) FROM t WHERE isnan(size)").fetchone() == (1,)
    sql = by_row(con, icp.to_sql("duckdb", "t", fold_case=fold_case))
    assert_same(sql, ref, icp)
    assert sum(1 for s in ref["icp_in_scope"] if s) == (8 if fold_case else 7)
    if not fold_case:
        # The quoted level and the backslash level matched, tags with spaces
        # around them too; 'Snowflakes' is not 'Snowflake'.
        assert ref["icp_match_named"][:2] == [True, True]
        assert ref["icp_match_snow"][:2] == [True, True]
        assert ref["icp_match_snow"][4] is False
        assert ref["icp_match_no_size"][3] is True  # 'nan' is missing, NaN too


def test_errors_are_typed() -> None:
    icp = icpfit.Icp.from_dict(ICP)
    with pytest.raises(icpfit.ArgumentError, match="unknown SQL dialect `oracle`"):
        icp.to_sql("oracle")
    with pytest.raises(icpfit.ArgumentError, match="not a table name"):
        icp.to_sql("duckdb", "a..b")
    doc = copy.deepcopy(ICP)
    doc["secondary"].append({"name": "Cloud", "column": "tech_stack", "has_any": ["AWS"]})
    with pytest.raises(icpfit.IcpError, match="clash with that of `cloud`"):
        icpfit.Icp.from_dict(doc).to_sql()


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "snowflake", "bigquery"])
def test_every_dialect_writes_both_forms(dialect: str) -> None:
    icp = icpfit.Icp.from_dict(ICP)
    q = icp.to_sql(dialect, "crm.deals")
    assert q.startswith("SELECT *,") and "FROM crm.deals" in q
    assert "AS icp_tier" in icp.to_sql(dialect)
