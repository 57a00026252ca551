"""Table.from_arrow from pyarrow, polars, pandas and DuckDB; to_arrow / to_pandas /
to_polars; round trips; the PyCapsule interface."""

from __future__ import annotations

import datetime as dt
import sys
import types
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import icpfit


def kinds(t: icpfit.Table) -> dict[str, str]:
    return {f.name: f.kind for f in t.schema}


def every_type() -> pa.Table:
    return pa.table(
        {
            "account_id": pa.array([7, 8, 9], pa.int64()),
            "employees": pa.array([120, None, 35], pa.int32()),
            "arr": pa.array([1.5, float("nan"), None], pa.float64()),
            "discount": pa.array([0.5, 0.25, None], pa.float32()),
            "is_public": pa.array([True, None, False]),
            "industry": pa.array(["retail", None, "fintech"]).dictionary_encode(),
            "region": pa.array(["EU", "US", None], pa.large_string()),
            "segment": pa.array(["smb", "smb", "ent"], pa.string_view()),
            "tech_stack": pa.array([["snowflake", "dbt"], None, []], pa.list_(pa.string())),
            "tools": pa.array([["a"], ["b", None], None], pa.large_list(pa.large_string())),
            "close_date": pa.array([dt.date(2024, 2, 29), None, dt.date(1970, 1, 1)]),
            "signed_at": pa.array([dt.datetime(2024, 1, 1, 23, 30), None, dt.datetime(1969, 12, 31, 1)], pa.timestamp("us")),
            "created": pa.array([86_400_000, None, 0], pa.date64()),
            "nothing": pa.nulls(3),
        }
    )


def test_every_supported_arrow_type() -> None:
    with pytest.warns(icpfit.IcpfitWarning, match="column `nothing`: every value is missing"):
        t = icpfit.Table.from_arrow(every_type())
    assert kinds(t) == {
        "account_id": "text",
        "employees": "numeric",
        "arr": "numeric",
        "discount": "numeric",
        "is_public": "flag",
        "industry": "categorical",
        "region": "categorical",
        "segment": "categorical",
        "tech_stack": "tag_set",
        "tools": "tag_set",
        "close_date": "date",
        "signed_at": "date",
        "created": "date",
        "nothing": "numeric",
    }
    assert t.column("account_id") == ["7", "8", "9"]
    np.testing.assert_array_equal(t.column("employees"), [120.0, np.nan, 35.0])
    np.testing.assert_array_equal(t.column("arr"), [1.5, np.nan, np.nan])
    np.testing.assert_array_equal(t.column("is_public"), [1.0, np.nan, 0.0])
    assert t.column("industry") == ["retail", None, "fintech"]
    assert t.column("region") == ["EU", "US", None]
    assert t.column("tech_stack") == [["dbt", "snowflake"], None, []]
    assert t.column("tools") == [["a"], ["b"], None]
    day = lambda s: np.datetime64(s, "D")  # noqa: E731
    assert list(t.column("close_date")[[0, 2]]) == [day("2024-02-29"), day("1970-01-01")]
    assert np.isnat(t.column("close_date")[1])
    assert list(t.column("signed_at")[[0, 2]]) == [day("2024-01-01"), day("1969-12-31")]
    assert t.column("created")[0] == day("1970-01-02")


def test_dictionary_levels_are_the_used_values_sorted() -> None:
    arr = pa.DictionaryArray.from_arrays(
        pa.array([2, 0, None, 2], pa.int8()), pa.array(["retail", "unused", "fintech"])
    )
    t = icpfit.Table.from_arrow(pa.table({"industry": arr}))
    assert t.summary().to_dicts()[0]["levels"] == 2
    assert t.column("industry") == ["fintech", "retail", None, "fintech"]
    out = t.to_arrow().column("industry").combine_chunks()
    assert out.dictionary.to_pylist() == ["fintech", "retail"]


def test_zoned_timestamps_give_the_local_date() -> None:
    ts = pa.array([dt.datetime(2024, 3, 1, 23, 30, tzinfo=dt.timezone.utc)], pa.timestamp("ns", tz="UTC"))
    berlin = ts.cast(pa.timestamp("ns", tz="Europe/Berlin"))
    t = icpfit.Table.from_arrow(pa.table({"utc": ts, "berlin": berlin}))
    assert str(t.column("utc")[0]) == "2024-03-01"
    assert str(t.column("berlin")[0]) == "2024-03-02"


@pytest.mark.parametrize(
    ("array", "type_name"),
    [
        (pa.array([b"x"]), "Binary"),
        (pa.array([{"a": 1}]), "Struct"),
        (pa.array([1], pa.decimal128(5, 2)), "Decimal128(5, 2)"),
        (pa.array([[1, 2]]), "List(Int64)"),
        (pa.array([dt.time(1, 2)]), "Time64(µs)"),
    ],
)
def test_unsupported_types_name_the_column_and_type(array: pa.Array, type_name: str) -> None:
    with pytest.raises(icpfit.SchemaError) as e:
        icpfit.Table.from_arrow(pa.table({"employees": [1], "weird": array}))
    msg = str(e.value)
    assert msg.startswith("column `weird` has Arrow type "), msg
    assert type_name.split("(")[0] in msg
    assert "which icpfit cannot use; supported:" in msg


def test_bad_values_are_typed_errors() -> None:
    with pytest.raises(icpfit.ParseError) as e:
        icpfit.Table.from_arrow(pa.table({"arr": [1.0, float("-inf")]}))
    assert str(e.value) == "row 1, column `arr`: expected a finite number (null or NaN for missing), found `-inf`"
    with pytest.raises(icpfit.DataError) as e2:
        icpfit.Table.from_arrow(pa.table({"account_id": ["a", "b", "a"]}))
    assert str(e2.value) == "row 2, column `account_id`: duplicate id `a` (first seen at row 0)"
    with pytest.raises(icpfit.SchemaError, match="column `x` appears more than once"):
        icpfit.Table.from_arrow(pa.Table.from_arrays([pa.array([1]), pa.array([2])], names=["x", "x"]))
    with pytest.raises(icpfit.ParseError, match="expected a date between 0001-01-01 and 9999-12-31"):
        icpfit.Table.from_arrow(pa.table({"d": pa.array([2**31 - 1], pa.int32()).cast(pa.date32())}))


def test_roles_and_dimensions_override_the_defaults() -> None:
    data = pa.table({"acct": ["x", "y"], "seats": [10, 20], "won": [True, False]})
    t = icpfit.Table.from_arrow(
        data, roles={"acct": "id", "won": "ignore"}, dimensions={"seats": "stage"}
    )
    assert [(f.kind, f.role, f.dimension) for f in t.schema] == [
        ("text", "id", "other"),
        ("numeric", "attribute", "stage"),
        ("flag", "ignore", "other"),
    ]
    # Any mapping will do, not only dicts.
    t2 = icpfit.Table.from_arrow(data, roles=types.MappingProxyType({"acct": "id"}))
    assert t2.field("acct").role == "id"
    with pytest.raises(icpfit.ColumnError) as e:
        icpfit.Table.from_arrow(data, roles={"sets": "id"})
    assert str(e.value) == "no column named `sets`; did you mean `seats`?"
    with pytest.raises(icpfit.SchemaError, match="unknown dimension `size`"):
        icpfit.Table.from_arrow(data, dimensions={"seats": "size"})


def test_record_batches_readers_and_chunks() -> None:
    batch = pa.record_batch({"employees": [1.0, 2.0], "industry": ["a", "b"]})
    assert icpfit.Table.from_arrow(batch).shape == (2, 2)
    reader = pa.RecordBatchReader.from_batches(batch.schema, [batch, batch])
    t = icpfit.Table.from_arrow(reader)
    assert t.shape == (4, 2)
    chunked = pa.Table.from_batches([batch, batch.slice(1)])
    t = icpfit.Table.from_arrow(chunked)
    assert t.column("industry") == ["a", "b", "b"]


def test_empty_and_zero_row_tables() -> None:
    t = icpfit.Table.from_arrow(pa.table({"employees": pa.array([], pa.float64()), "industry": pa.array([], pa.string())}))
    assert t.shape == (0, 2)
    assert t.to_arrow().num_rows == 0


def test_non_arrow_objects_are_type_errors() -> None:
    with pytest.raises(TypeError, match=r"expects an Arrow producer .* got list"):
        icpfit.Table.from_arrow([1, 2])
    with pytest.raises(TypeError, match=r"call \.collect\(\) first"):
        icpfit.Table.from_arrow(pl.LazyFrame({"x": [1]}))
    with pytest.raises(TypeError, match=r"roles \(column name -> role\) must be a mapping, got list"):
        icpfit.Table.from_arrow(pa.table({"x": [1]}), roles=["x"])  # type: ignore[arg-type]


# ---------------------------------------------------------------- dicts of numpy arrays / lists


def test_dicts_of_numpy_arrays_and_lists() -> None:
    t = icpfit.Table.from_arrow(
        {
            "account_id": np.array([7, 8, 9]),
            "employees": np.array([120, 35, 800], dtype=np.int32),
            "arr": np.array([1.5, np.nan, 3.0], dtype=np.float32),
            "won": np.array([True, False, True]),
            "close_date": np.array(["2025-01-15", "NaT", "1970-01-02"], dtype="datetime64[D]"),
            "industry": np.array(["saas", "retail", "saas"]),
            "region": ["EU", None, "US"],
            "tech_stack": ["Snowflake;dbt", "dbt", None],
            "signed": ["2025-03-31", None, "2024-12-01"],
            "is_public": [True, None, False],
            "nps": [9, None, 7.5],
        },
        roles={"won": "outcome"},
    )
    kinds = {f.name: (f.kind, f.role) for f in t.schema}
    assert kinds == {
        "account_id": ("text", "id"),
        "employees": ("numeric", "attribute"),
        "arr": ("numeric", "attribute"),
        "won": ("flag", "outcome"),
        "close_date": ("date", kinds["close_date"][1]),
        "industry": ("categorical", "attribute"),
        "region": ("categorical", "attribute"),
        "tech_stack": ("tag_set", "attribute"),
        "signed": ("date", kinds["signed"][1]),
        "is_public": ("flag", "attribute"),
        "nps": ("numeric", "outcome"),
    }
    assert t.column("account_id") == ["7", "8", "9"]
    assert t.column("employees").tolist() == [120.0, 35.0, 800.0]
    arr = t.column("arr")
    assert arr[0] == 1.5 and np.isnan(arr[1]) and arr[2] == 3.0
    assert t.column("close_date").astype(str).tolist() == ["2025-01-15", "NaT", "1970-01-02"]
    assert t.column("tech_stack") == [["Snowflake", "dbt"], ["dbt"], None]
    assert np.array_equal(t.column("is_public"), [1.0, np.nan, 0.0], equal_nan=True)
    # Scoring and ranking take the dict directly.
    icp = icpfit.Icp.from_dict(
        {"name": "n", "version": "1", "secondary": [{"name": "big", "column": "employees", "range": {"min": 100}, "points": 10}]}
    )
    assert icp.score({"employees": np.array([50.0, 150.0]), "blob": [b"x", b"y"]}).points.tolist() == [0.0, 10.0]


def test_bad_dicts_are_typed_errors() -> None:
    with pytest.raises(TypeError, match=r"column `x`: values must be all numbers, all bools or all strings .* row 2 is str"):
        icpfit.Table.from_arrow({"x": [1.0, None, "a"]})
    with pytest.raises(TypeError, match=r"row 0 is bytes"):
        icpfit.Table.from_arrow({"x": [b"a"]})
    with pytest.raises(icpfit.ArgumentError, match=r"`x`.*1-D array, not one of 2 dimensions"):
        icpfit.Table.from_arrow({"x": np.zeros((2, 2))})
    with pytest.raises(icpfit.ParseError, match=r"row 1, column `x`: expected a finite number"):
        icpfit.Table.from_arrow({"x": np.array([1.0, np.inf])})
    with pytest.raises(icpfit.DataError, match="duplicate id `a`"):
        icpfit.Table.from_arrow({"account_id": ["a", "a"]})
    with pytest.raises(icpfit.IcpfitError, match="`y` has 2 values, expected 1"):
        icpfit.Table.from_arrow({"x": [1.0], "y": [1.0, 2.0]})
    with pytest.raises(TypeError, match=r"column `x`: expected a 1-D numpy array or a sequence, got int"):
        icpfit.Table.from_arrow({"x": 3})


# ---------------------------------------------------------------- polars, pandas, duckdb


def test_from_polars() -> None:
    df = pl.DataFrame(
        {
            "account_id": ["a1", "a2", "a3"],
            "industry": pl.Series(["retail", None, "fintech"], dtype=pl.Categorical),
            "plan": pl.Series(["pro", "free", "pro"], dtype=pl.Enum(["free", "pro"])),
            "employees": [120, None, 35],
            "won": [True, False, None],
            "tech_stack": pl.Series([["dbt"], [], None], dtype=pl.List(pl.Categorical)),
            "close_date": [dt.date(2024, 1, 1), None, dt.date(2023, 6, 30)],
            "signed": pl.Series([dt.datetime(2024, 1, 1, 23)] * 3).dt.replace_time_zone("UTC").dt.convert_time_zone("Asia/Tokyo"),
        }
    )
    t = icpfit.Table.from_arrow(df)
    assert kinds(t) == {
        "account_id": "text",
        "industry": "categorical",
        "plan": "categorical",
        "employees": "numeric",
        "won": "flag",
        "tech_stack": "tag_set",
        "close_date": "date",
        "signed": "date",
    }
    assert t.column("industry") == ["retail", None, "fintech"]
    assert t.column("tech_stack") == [["dbt"], [], None]
    np.testing.assert_array_equal(t.column("won"), [1.0, 0.0, np.nan])
    assert str(t.column("signed")[0]) == "2024-01-02"


def test_from_pandas() -> None:
    df = pd.DataFrame(
        {
            "industry": pd.Categorical(["retail", None, "fintech"]),
            "region": ["EU", None, "US"],
            "employees": [120.0, np.nan, 35.0],
            "seats": pd.array([1, None, 3], dtype="Int64"),
            "won": [True, False, True],
            "close_date": pd.to_datetime(["2024-01-01", None, "2023-06-30"]),
            "tech_stack": [["dbt"], None, ["snowflake", "dbt"]],
        },
        index=pd.Index(["a1", "a2", "a3"], name="account_id"),
    )
    t = icpfit.Table.from_arrow(df)
    assert t.columns[-1] == "account_id"  # a named index becomes a column
    assert kinds(t) == {
        "industry": "categorical",
        "region": "categorical",
        "employees": "numeric",
        "seats": "numeric",
        "won": "flag",
        "close_date": "date",
        "tech_stack": "tag_set",
        "account_id": "text",
    }
    assert t.field("account_id").role == "id"
    np.testing.assert_array_equal(t.column("seats"), [1.0, np.nan, 3.0])
    assert t.column("region") == ["EU", None, "US"]
    assert t.column("tech_stack") == [["dbt"], None, ["dbt", "snowflake"]]
    # An unnamed index (here after filtering) is not data.
    filtered = df.reset_index()[lambda d: d.employees > 50]
    assert icpfit.Table.from_arrow(filtered).columns == [
        "account_id", "industry", "region", "employees", "seats", "won", "close_date", "tech_stack",
    ]


def test_from_duckdb() -> None:
    duckdb = pytest.importorskip("duckdb")
    rel = duckdb.sql(
        "select * from (values ('a1', 'retail', 120, true, date '2024-01-01', ['dbt']),"
        " ('a2', null, null, false, null, null)) t(account_id, industry, employees, won, close_date, tech_stack)"
    )
    t = icpfit.Table.from_arrow(rel)
    assert kinds(t) == {
        "account_id": "text",
        "industry": "categorical",
        "employees": "numeric",
        "won": "flag",
        "close_date": "date",
        "tech_stack": "tag_set",
    }
    assert t.column("tech_stack") == [["dbt"], None]


# ---------------------------------------------------------------- out, and round trips


def test_to_arrow_types_and_metadata(deals_csv: Path) -> None:
    t = icpfit.read_csv(deals_csv, schema={"notes": {"kind": "text", "role": "ignore"}})
    a = t.to_arrow()
    assert isinstance(a, pa.Table)
    assert [str(f.type) for f in a.schema] == [
        "string",
        "dictionary<values=string, indices=int32, ordered=0>",
        "double",
        "bool",
        "list<item: string>",
        "date32[day]",
        "bool",
        "string",
    ]
    md = a.schema.field("notes").metadata
    assert md == {b"icpfit.kind": b"text", b"icpfit.role": b"ignore", b"icpfit.dimension": b"other"}
    assert a.column("employees").to_pylist() == [120.0, None, 35.5]
    assert a.column("tech_stack").to_pylist() == [["Snowflake", "dbt"], None, ["dbt"]]


def test_round_trip_through_arrow_is_exact(deals_csv: Path) -> None:
    t = icpfit.read_csv(
        deals_csv,
        schema={"notes": {"kind": "text", "role": "ignore"}, "industry": {"dimension": "stage"}},
    )
    back = icpfit.Table.from_arrow(t.to_arrow())
    assert back.schema == t.schema
    assert back.to_arrow().equals(t.to_arrow(), check_metadata=True)
    # Through polars and back keeps the values (polars drops field metadata).
    via_polars = icpfit.Table.from_arrow(t.to_polars(), roles={"notes": "ignore"})
    assert [f.kind for f in via_polars.schema][:-1] == [f.kind for f in t.schema][:-1]
    for name in t.columns:
        a, b = t.column(name), via_polars.column(name)
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
        else:
            assert a == b


def test_the_table_is_an_arrow_producer(deals_csv: Path) -> None:
    t = icpfit.read_csv(deals_csv)
    assert pa.table(t).num_rows == 3
    assert pl.DataFrame(t).shape == (3, 8)
    reader = pa.RecordBatchReader.from_stream(t)
    assert reader.read_all().num_columns == 8
    # A requested schema is honoured where Arrow can cast.
    schema = pa.schema([pa.field(f.name, f.type if f.name != "employees" else pa.float32()) for f in t.to_arrow().schema])
    assert pa.RecordBatchReader.from_stream(t, schema=schema).schema.field("employees").type == pa.float32()


def test_to_pandas(deals_csv: Path) -> None:
    df = icpfit.read_csv(deals_csv).to_pandas()
    assert isinstance(df, pd.DataFrame)
    assert df.shape == (3, 8)
    assert isinstance(df["industry"].dtype, pd.CategoricalDtype)
    assert df["is_public"].dtype == "boolean"
    assert df["is_public"].isna().tolist() == [False, False, True]
    assert df["close_date"].dtype.kind == "M"
    assert df["tech_stack"].tolist() == [["Snowflake", "dbt"], None, ["dbt"]]
    assert np.isnan(df["employees"].iloc[1])


def test_to_polars(deals_csv: Path) -> None:
    df = icpfit.read_csv(deals_csv).to_polars()
    assert isinstance(df, pl.DataFrame)
    assert df.schema["industry"] == pl.Categorical
    assert df.schema["close_date"] == pl.Date
    assert df.schema["tech_stack"] == pl.List(pl.String)
    assert df["employees"].null_count() == 1


def test_summary_converts_to_frames(deals_csv: Path) -> None:
    s = icpfit.read_csv(deals_csv).summary()
    a = s.to_arrow()
    assert a.column_names == ["name", "kind", "role", "dimension", "missing", "levels", "min", "max", "mean"]
    assert a.num_rows == 8
    assert s.to_pandas().set_index("name").loc["employees", "missing"] == 1
    assert s.to_polars().filter(pl.col("name") == "industry")["levels"].to_list() == [2]


def test_missing_optional_libraries_say_what_to_install(deals_csv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    t = icpfit.read_csv(deals_csv)
    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(ModuleNotFoundError, match=r"to_polars\(\) needs polars, which is not installed: pip install 'icpfit\[polars\]'"):
        t.to_polars()
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'icpfit\[arrow\]'"):
        t.to_arrow()
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'icpfit\[pandas\]'"):
        t.to_pandas()


# ---------------------------------------------------------------- the rest of Table


def test_repr_and_html(deals_csv: Path) -> None:
    t = icpfit.read_csv(deals_csv)
    text = repr(t)
    assert text.startswith("icpfit.Table: 3 rows x 8 columns\n")
    assert "employees" in text and "firmographic" in text
    html = t._repr_html_()
    assert html.startswith('<div class="icpfit-table">') and html.endswith("</div>")
    assert "3 rows × 8 columns" in html
    assert "<td>x&lt;y</td>" in html  # values are escaped
    assert "<td>2024-02-29</td>" in html
    assert '<td style="color:#999">null</td>' in html  # missing, not an empty string
    assert html.count("<table>") == 2  # the summary, then the first rows
    assert "<script" not in icpfit.Table.from_arrow(pa.table({"<script>": ["<b>"]}))._repr_html_()
    s = t.summary()
    assert s._repr_html_().count("<tr>") == 9


def test_head_with_roles_and_fields(deals_csv: Path) -> None:
    t = icpfit.read_csv(deals_csv)
    h = t.head(2)
    assert h.shape == (2, 8) and h.column("account_id") == ["a1", "a2"]
    assert t.head(100).shape == (3, 8) and t.head(0).shape == (0, 8)
    t2 = t.with_roles({"won": "ignore"}, dimensions={"employees": "stage"})
    assert (t2.field("won").role, t2.field("employees").dimension) == ("ignore", "stage")
    assert t.field("won").role == "outcome"  # the original is unchanged
    with pytest.raises(icpfit.ColumnError, match="did you mean `won`"):
        t.with_roles({"wan": "ignore"})
    f = t.field("employees")
    assert f == icpfit.Field("employees", "numeric", "attribute", "firmographic")
    assert hash(f) == hash(icpfit.Field("employees", "numeric", "attribute", "firmographic"))
    assert len({*t.schema, *t.schema}) == 8
    assert repr(f) == "Field(name='employees', kind='numeric', role='attribute', dimension='firmographic')"
    with pytest.raises(icpfit.SchemaError, match="unknown kind `int`"):
        icpfit.Field("x", "int")
