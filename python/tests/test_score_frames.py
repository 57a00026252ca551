"""Scoring a dataframe where its columns lie (no conversion): pandas,
polars and pyarrow frames, chunked or not, with nulls, NaN, unused and
repeated categories, give exactly the scores, reasons, ids, warnings and
errors of scoring the ``icpfit.Table`` they convert to. And converting a
pandas or polars frame by its category codes gives the table converting
its Arrow export gives."""

from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import icpfit

N = 3_000
SECTORS = ["fintech", "healthtech", "retail", "govtech", "edtech"]

ICP: dict[str, Any] = {
    "name": "Frames",
    "version": "1",
    "primary": [{"name": "mid", "column": "employees", "range": {"min": 50, "max": 5000}, "points": 20}],
    "secondary": [
        {"name": "vertical", "column": "sector", "in": ["fintech", "healthtech"], "points": 25},
        {"name": "not_retail", "column": "region", "not_in": ["apac"], "points": 7, "missing": "fail"},
        {"name": "arr", "column": "arr", "range": {"min": 10.5}, "points": 12.5, "missing": "neutral"},
        {"name": "seats", "column": "seats", "range": {"min": 10}, "points": 5},
        {"name": "snow", "column": "stack", "has_any": ["Snowflake"], "points": 10},
        {"name": "no_region", "column": "region", "is_missing": True, "points": -3},
        {"name": "no_seats", "column": "seats", "is_missing": True, "points": -2},
    ],
    "negative": [{"name": "tiny", "column": "employees", "range": {"max": 20}}],
    "tiers": {"a": 60, "b": 40, "c": 20},
}


def table(seed: int = 3) -> pa.Table:
    """Floats with nulls and NaN, categories with nulls, an integer column
    with nulls, joined tags (a tag set) and ids."""
    rng = np.random.default_rng(seed)
    employees = np.round(np.exp(rng.normal(5, 1.3, N)))
    employees[rng.random(N) < 0.05] = np.nan
    arr = rng.gamma(2.0, 10.0, N)
    sector = np.array(SECTORS[:4], dtype=object)[rng.integers(0, 4, N)]  # edtech never used
    sector[rng.random(N) < 0.07] = None
    region = np.array(["emea", "na", "apac"], dtype=object)[rng.integers(0, 3, N)]
    region[rng.random(N) < 0.1] = None
    stack = np.array(["Snowflake;dbt", "Salesforce", "Snowflake", None], dtype=object)[rng.integers(0, 4, N)]
    return pa.table(
        {
            "account_id": [f"acc-{i:05d}" for i in range(N)],
            "employees": pa.array(employees, from_pandas=True),  # NaN -> null
            "arr": pa.array(np.where(rng.random(N) < 0.05, np.nan, arr)),  # NaN stays NaN
            "sector": pa.array(sector).dictionary_encode(),
            "region": pa.array(region, type=pa.string()),
            "seats": pa.array(rng.integers(0, 40, N), mask=rng.random(N) < 0.05),  # int64 with nulls
            "stack": pa.array(stack, type=pa.string()),
        }
    )


# A polars `Categories` longer than `_frames.UNLISTED_FROM` entries (as the
# global one becomes in a long session), kept alive by this Series: frames
# of its categoricals are scored and converted by the codes they use alone.
LONG = pl.Categories("icpfit_tests_long")
_LONG_KEEPALIVE = pl.Series([f"other-{i}" for i in range(5_000)], dtype=pl.Categorical(LONG))


def frames(t: pa.Table) -> dict[str, Any]:
    """The same data in every frame library and layout."""
    sector_cats = pd.CategoricalDtype(SECTORS)  # declared categories, one unused
    pdf = t.to_pandas()
    pdf["sector"] = pdf["sector"].astype(str).where(pdf["sector"].notna(), None).astype(sector_cats)
    pdf["region"] = pdf["region"].astype("category")
    chunked = pa.concat_tables([t.slice(0, 1000), t.slice(1000, 1234), t.slice(2234)])
    # Each chunk its own dictionary, shuffled and with repeats and nulls.
    rebuilt = []
    for start, stop in [(0, 1000), (1000, 2000), (2000, N)]:
        part = t.slice(start, stop - start)
        values = part.column("sector").combine_chunks().dictionary_decode().to_pylist()
        dictionary = ["retail", None, "fintech", "healthtech", "fintech", "govtech", "zzz"]
        keys = [None if v is None else dictionary.index(v) for v in values]
        rebuilt.append(
            part.set_column(
                part.schema.get_field_index("sector"),
                "sector",
                pa.DictionaryArray.from_arrays(pa.array(keys, type=pa.int16()), pa.array(dictionary)),
            )
        )
    # polars' Categorical shares one global set of categories: strings of
    # other columns and frames are entries of this column's dictionary too.
    pl.Series(["unrelated", "values", "first"], dtype=pl.Categorical)
    polars_cat = pl.from_arrow(t).with_columns(pl.col("region").cast(pl.Categorical))
    polars_enum = pl.from_arrow(t).with_columns(pl.col("sector").cast(pl.String).cast(pl.Enum(SECTORS)))
    return {
        "pyarrow": t,
        "pyarrow chunked": chunked,
        "pyarrow chunk dictionaries": pa.concat_tables(rebuilt),
        "pandas": pdf,
        "polars": pl.from_arrow(t),
        "polars categorical": polars_cat,
        "polars enum": polars_enum,
        "polars long categories": pl.from_arrow(t).with_columns(
            pl.col("region", "stack").cast(pl.String).cast(pl.Categorical(LONG)),
            pl.col("sector").cast(pl.String).cast(pl.Categorical(LONG)),
        ),
        "pandas via arrow": pa.Table.from_pandas(pdf),
        # Ids as categories: the rows are labelled by the ids, not codes.
        "pandas category ids": pdf.astype({"account_id": "category"}),
        "polars categorical ids": pl.from_arrow(t).with_columns(pl.col("account_id").cast(pl.Categorical)),
        # ... in a long list shared with the other categories (looked up
        # only when a label is asked for).
        "polars long categorical ids": pl.from_arrow(t).with_columns(
            pl.col("account_id", "region", "stack").cast(pl.Categorical(LONG)),
        ),
        # Strings in Arrow chunks (pandas' `str` after a concat): laid out
        # as an Arrow table, chunk by chunk.
        "pandas chunked strings": pd.concat([pdf.iloc[:1000], pdf.iloc[1000:]], ignore_index=True),
        # Categories stored as Python strings (object), not in Arrow (`str`).
        "pandas object categories": pdf.astype(
            {c: pd.CategoricalDtype(pd.Index(pdf[c].cat.categories.tolist(), dtype=object)) for c in ("sector", "region")}
        ),
    }


def assert_same(got: icpfit.FitScores, want: icpfit.FitScores, what: str) -> None:
    assert np.array_equal(got.points, want.points), what
    assert np.array_equal(got.tier, want.tier), what
    assert np.array_equal(got.matched, want.matched), what
    assert np.array_equal(got.primary_pass, want.primary_pass), what
    assert np.array_equal(got.disqualified, want.disqualified), what
    assert got.explain(7) == want.explain(7), what
    assert got.to_arrow().column("account_id").equals(want.to_arrow().column("account_id")), what


@pytest.mark.parametrize("levels", ["lenient", "strict"])
def test_every_frame_scores_as_its_table(levels: str) -> None:
    icp = icpfit.Icp.from_dict(ICP)
    for name, data in frames(table()).items():
        want = icp.score(icpfit.Table.from_arrow(data), levels=levels)  # type: ignore[arg-type]
        got = icp.score(data, levels=levels)  # type: ignore[arg-type]
        assert_same(got, want, name)
        assert (want.points > 0).any() and len(set(want.tier.tolist())) >= 3, name


def test_tie_break_and_thread_counts_read_the_frame() -> None:
    icp = icpfit.Icp.from_dict(ICP)
    t = table()
    want = icp.score(icpfit.Table.from_arrow(t), tie_break="arr")
    for name, data in frames(t).items():
        for threads in (1, 2):
            got = icp.score(data, tie_break="arr", n_threads=threads)
            assert np.array_equal(got.order(), want.order()), name


def test_levels_no_row_has_behave_as_after_conversion() -> None:
    # `edtech` is a declared pandas category (and an entry of the polars
    # enum) that no row uses: strict scoring refuses it, as it refuses it in
    # the converted table; lenient scoring matches nothing.
    doc = {**ICP, "secondary": [{"name": "ed", "column": "sector", "in": ["edtech"], "points": 5}]}
    icp = icpfit.Icp.from_dict(doc)
    for name, data in frames(table()).items():
        with pytest.raises(icpfit.IcpError, match="`edtech` is not a level of `sector`"):
            icp.score(data, levels="strict")
        assert not icp.score(data).matches("ed").any(), name
    typo = icpfit.Icp.from_dict({**ICP, "secondary": [{"name": "t", "column": "sector", "in": ["fintec"]}]})
    for data in frames(table()).values():
        with pytest.raises(icpfit.IcpError, match="did you mean `fintech`"):
            typo.score(data)


def test_an_infinite_value_is_the_same_error_as_converting() -> None:
    t = table()
    employees = t.column("employees").to_numpy(zero_copy_only=False).copy()
    employees[123] = np.inf
    bad = t.set_column(1, "employees", pa.array(employees))
    icp = icpfit.Icp.from_dict(ICP)
    with pytest.raises(icpfit.ParseError) as converting:
        icpfit.Table.from_arrow(bad)
    for data in (bad, bad.to_pandas(), pl.from_arrow(bad)):
        with pytest.raises(icpfit.ParseError) as scoring:
            icp.score(data)
        assert str(scoring.value) == str(converting.value)
        assert "row 123, column `employees`" in str(scoring.value)
    # Under a null an infinite value is no value.
    masked = t.set_column(1, "employees", pa.array(employees, mask=np.arange(N) == 123))
    assert np.array_equal(icp.score(masked).points, icp.score(icpfit.Table.from_arrow(masked)).points)


def test_ids_label_rows_as_they_come() -> None:
    icp = icpfit.Icp.from_dict(ICP)
    t = table()
    want = icp.score(t)
    # Repeated ids are scored as the separate rows they are (a table refuses
    # them; scoring only labels rows with them).
    duplicated = t.set_column(0, "account_id", pa.array(["same"] * (N - 1) + [None]))
    with pytest.raises(icpfit.IcpfitError, match="duplicate id `same`"):
        icpfit.Table.from_arrow(duplicated)
    for data in (duplicated, duplicated.to_pandas(), pl.from_arrow(duplicated)):
        s = icp.score(data)
        assert np.array_equal(s.points, want.points)
        assert s.to_arrow().column("account_id").to_pylist() == ["same"] * (N - 1) + [None]
    # A pandas frame indexed by its ids keeps them (a named index is a column).
    indexed = t.to_pandas().set_index("account_id")
    assert icp.score(indexed).to_arrow().column("account_id").to_pylist()[:2] == ["acc-00000", "acc-00001"]
    assert np.array_equal(icp.score(indexed).points, want.points)
    # A lazy frame is refused with the hint, as before.
    with pytest.raises(TypeError, match=r"call \.collect\(\) first"):
        icp.score(pl.from_arrow(t).lazy())
    # Integer ids label rows as text, as after conversion.
    numbered = t.set_column(0, "account_id", pa.array(np.arange(N) * 10))
    got = icp.score(numbered).to_pandas()["account_id"].tolist()
    assert got[:3] == ["0", "10", "20"] == icp.score(icpfit.Table.from_arrow(numbered)).to_pandas()["account_id"].tolist()[:3]
    assert "10" in icp.score(numbered).reasons(rows=[1]).to_pandas()["account_id"].tolist()
    # An id column of a type icpfit cannot read is still an error.
    binary = t.set_column(0, "account_id", pa.array([b"x"] * N, type=pa.binary()))
    with pytest.raises(icpfit.SchemaError, match="column `account_id` has Arrow type Binary"):
        icp.score(binary)


def test_warnings_and_inferred_kinds_follow_the_conversion() -> None:
    icp = icpfit.Icp.from_dict(ICP)
    t = table()
    empty = t.set_column(2, "arr", pa.array([None] * N, type=pa.float64()))
    for data in (empty, empty.to_pandas(), pl.from_arrow(empty)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            icp.score(data)
        assert any("column `arr`: every value is missing" in str(w.message) for w in caught)
    # Joined tags in a categorical column are a tag set, as after conversion.
    tags = t.set_column(6, "stack", t.column("stack").dictionary_encode())
    pdf = tags.to_pandas()
    for data in (tags, pdf, pl.from_arrow(tags).with_columns(pl.col("stack").cast(pl.Categorical))):
        got = icp.score(data)
        assert np.array_equal(got.points, icp.score(icpfit.Table.from_arrow(t)).points)


def test_for_scoring_lays_out_pandas_and_polars_without_copying_floats() -> None:
    from icpfit import _frames

    df = pd.DataFrame({"x": [1.0, np.nan, 3.0], "c": pd.Categorical(["a", None, "b"]), "n": [1, 2, 3]})
    data, categories, names = _frames.for_scoring(df, ["x", "c", "n"])
    assert names == ["x", "c", "n"]
    # `str` categories pass as the Arrow array pandas stores them in;
    # object ones as a list.
    assert isinstance(categories["c"], pa.ChunkedArray) and categories["c"].to_pylist() == ["a", "b"]
    as_object = df.astype({"c": pd.CategoricalDtype(pd.Index(["a", "b"], dtype=object))})
    assert _frames.for_scoring(as_object, ["c"])[1] == {"c": ["a", "b"]}  # type: ignore[index]
    assert data["c"].tolist() == [0, -1, 1]
    assert np.isnan(data["x"][1])  # NaN kept, not a null
    assert data["x"].ctypes.data == df["x"].to_numpy().ctypes.data  # not a copy
    assert data["n"].to_pylist() == [1, 2, 3]  # what pyarrow converts, as an Arrow array
    # Non-string categories are not laid out (converted as usual instead).
    assert _frames.for_scoring(pd.DataFrame({"c": pd.Categorical([1, 2])}), ["c"]) is None
    assert _frames.for_scoring(pa.table({"x": [1.0]}), ["x"]) is None
    pdata, pcats, _ = _frames.for_scoring(pl.DataFrame({"c": ["b", "a", None]}, schema={"c": pl.Enum(["a", "b"])}), ["c"])
    assert pcats == {"c": ["a", "b"]}
    assert pa.table(pdata).column("c").to_pylist() == [1, 0, None]
    # `keep` may choose among the names (the binding's id rule); the names
    # come back in the frame's order, a named pandas index last.
    indexed = df.set_index(pd.Index(["a1", "a2", "a3"], name="account_id"))
    seen: list[list[str]] = []
    _, _, names = _frames.for_scoring(indexed, lambda ns: seen.append(ns) or ["account_id", "x"])
    assert seen == [["x", "c", "n", "account_id"]] and names == ["x", "account_id"]
    assert _frames.for_scoring(df, ["x", "nope"]) is None
    # A polars frame with nothing to recode is passed as it is (or its
    # columns picked by name), and scores as its table.
    floats = pl.DataFrame({"x": [1.0, None, 3.0], "n": [1, 2, None], "s": ["a", "b", None]})
    whole, no_categories, all_names = _frames.for_scoring(floats, ["x", "n", "s"])
    assert whole is floats and no_categories == {} and all_names == ["x", "n", "s"]
    picked, _, _ = _frames.for_scoring(floats, ["s", "x"])
    assert picked.columns == ["x", "s"]
    icp = icpfit.Icp.from_dict(
        {"name": "f", "version": "1", "secondary": [{"name": "x", "column": "x", "range": {"min": 2}, "points": 5}], "tiers": {"a": 5, "b": 3, "c": 1}}
    )
    assert icp.score(floats).points.tolist() == icp.score(icpfit.Table.from_arrow(floats)).points.tolist() == [0.0, 0.0, 5.0]
    # A named index that is also a column is ambiguous: converted as usual.
    assert _frames.for_scoring(df.set_index(pd.Index([1, 2, 3], name="x")), ["x"]) is None


def test_long_polars_categories_are_looked_up_by_the_codes_in_use() -> None:
    """A polars ``Categories`` past ``UNLISTED_FROM`` entries is passed
    unlisted; scoring, converting and ranking its frame read only the codes
    in use, and give what the frame's Arrow export gives."""
    from icpfit import _frames

    t = table()
    df = frames(t)["polars long categories"]
    _, categories, _ = _frames.for_scoring(df, ["sector", "region", "employees"])
    assert set(categories) == {"sector", "region"}
    assert all(isinstance(c, pl.Categories) for c in categories.values())
    assert len(list(LONG)) > _frames.UNLISTED_FROM
    exported = pa.table(df)
    icp = icpfit.Icp.from_dict(ICP)
    assert_same(icp.score(df), icp.score(exported), "scored")
    got, want = icpfit.Table.from_arrow(df), icpfit.Table.from_arrow(exported)
    assert got.schema == want.schema and got.to_arrow().equals(want.to_arrow())
    assert {f.name: f.kind for f in got.schema}["stack"] == "tag_set"
    won = pl.Series("won", np.random.default_rng(1).random(len(df)) < 0.4)
    assert icpfit.rank(df.with_columns(won), "won").attributes == icpfit.rank(
        exported.append_column("won", won.to_arrow()), "won"
    ).attributes
    # A long list mostly in use (an id-like categorical): the same result.
    dense_list = pl.Categorical(pl.Categories("icpfit_tests_dense"))
    values = [f"v{i}" for i in np.random.default_rng(2).permutation(6_000)]
    dense = pl.DataFrame({"code": pl.Series(values, dtype=dense_list), "won": won[:1].to_list() * 6_000})
    assert isinstance(_frames.for_scoring(dense, ["code"])[1]["code"], pl.Categories)
    assert icpfit.Table.from_arrow(dense).to_arrow().equals(icpfit.Table.from_arrow(pa.table(dense)).to_arrow())
    # A short list is still listed whole.
    short_list = pl.Categorical(pl.Categories("icpfit_tests_short"))
    short = pl.from_arrow(t).with_columns(pl.col("region").cast(short_list))
    _, short_categories, _ = _frames.for_scoring(short, ["region"])
    assert isinstance(short_categories["region"], list)


def test_frames_convert_by_their_codes_as_through_arrow() -> None:
    """Converting a pandas or polars frame reads its categories as codes
    (``for_scoring``'s layout): the table is the one converting the frame's
    Arrow export gives — kinds, roles, levels, values, column order —
    including categories that hold ids, joined tags or ISO dates, declared
    but unused categories, nulls, and a named pandas index (of one or two
    levels)."""
    t = table()
    rng = np.random.default_rng(5)
    strings = {
        "signed": [["2025-01-31", "2024-12-01", None][i] for i in rng.integers(0, 3, N)],
        "tools": [["a;b", "b", None][i] for i in rng.integers(0, 3, N)],
    }
    extra = {
        **{k: pd.Categorical(v) for k, v in strings.items()},
        "won": rng.random(N) < 0.4,
        "closed": pd.to_datetime("2025-01-01") + pd.to_timedelta(rng.integers(0, 300, N), unit="D"),
    }
    for name, frame in frames(t).items():
        if isinstance(frame, pa.Table):
            continue
        if isinstance(frame, pd.DataFrame):
            frame = frame.assign(**extra)
            frame["account_id"] = frame["account_id"].astype("category")
            cases = [frame, frame.set_index("account_id"), frame.set_index(["account_id", "region"])]
            via_arrow = [icpfit._frames.pandas_to_arrow(f) for f in cases]
        else:
            frame = frame.with_columns(
                **{k: pl.Series(strings.get(k, v)) for k, v in extra.items()}
            ).with_columns(pl.col("signed", "tools", "account_id").cast(pl.Categorical))
            cases = [frame]
            via_arrow = [pa.table(frame)]
        for f, exported in zip(cases, via_arrow):
            assert icpfit._frames.for_scoring(f, lambda names: names) is not None, name
            got, want = icpfit.Table.from_arrow(f), icpfit.Table.from_arrow(exported)
            assert got.schema == want.schema, name
            assert got.to_arrow().equals(want.to_arrow()), name
            kinds = {fld.name: fld.kind for fld in got.schema}
            assert (kinds["signed"], kinds["tools"], kinds["sector"]) == ("date", "tag_set", "categorical"), name
        rank_got = icpfit.rank(cases[0], "won")
        rank_want = icpfit.rank(via_arrow[0], "won")
        assert rank_got.attributes == rank_want.attributes, name


def test_categories_that_are_not_strings_are_a_schema_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from icpfit import _frames

    df = pd.DataFrame({"account_id": ["a", "b"], "sector": pd.Categorical(["x", "y"])})
    icp = icpfit.Icp.from_dict({"name": "t", "version": "1", "secondary": [{"name": "s", "column": "sector", "in": ["x"]}]})
    laid_out = _frames.for_scoring

    def numbers_for_categories(frame: Any, keep: Any) -> Any:
        data, categories, names = laid_out(frame, keep)
        return data, {"sector": pa.chunked_array([[1, 2]])}, names

    monkeypatch.setattr(_frames, "for_scoring", numbers_for_categories)
    with pytest.raises(icpfit.SchemaError, match="sector \\(its categories\\)"):
        icp.score(df)


def test_pandas_arrays_are_read_as_they_lie_or_copied(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pandas frame's float64 columns and category codes reach the binding
    as numpy arrays (``for_scoring``), read where they lie when contiguous
    and aligned, else copied: either way the scores are the conversion's;
    an array of another shape is a SchemaError naming its column."""
    from icpfit import _frames

    icp = icpfit.Icp.from_dict(ICP)
    t = table()
    want = icp.score(icpfit.Table.from_arrow(t))
    laid_out = _frames.for_scoring

    def with_arr(make: Callable[[np.ndarray], np.ndarray]) -> Callable[[Any, Any], Any]:
        def lay_out(frame: Any, keep: Any) -> Any:
            data, categories, names = laid_out(frame, keep)
            return {**data, "arr": make(data["arr"])}, categories, names

        return lay_out

    def strided(arr: np.ndarray) -> np.ndarray:
        view = np.column_stack([arr, arr])[:, 1]
        assert not view.flags.c_contiguous
        return view

    def misaligned(arr: np.ndarray) -> np.ndarray:
        raw = np.zeros(len(arr) * 8 + 1, dtype=np.uint8)
        moved = raw[1:].view(np.float64)  # one byte off: not aligned
        moved[:] = arr
        assert moved.ctypes.data % 8 != 0
        return moved

    for name, make in {"strided": strided, "misaligned": misaligned, "as is": lambda a: a}.items():
        monkeypatch.setattr(_frames, "for_scoring", with_arr(make))
        assert_same(icp.score(t.to_pandas()), want, name)
    # No rows: nothing to lend (its string columns come in no chunks).
    monkeypatch.setattr(_frames, "for_scoring", laid_out)
    empty = t.slice(0, 0)
    for data in (empty.to_pandas(), icpfit.Table.from_arrow(empty)):
        # Without values, the tags column is no tag set: the same error.
        with pytest.raises(icpfit.IcpError, match="`stack` is categorical"):
            icp.score(data)  # type: ignore[arg-type]
    # No string columns: the empty arrays are lent (the dict layout).
    no_strings = pd.DataFrame({"employees": np.array([], dtype=np.float64), "sector": pd.Categorical([])})
    assert isinstance(laid_out(no_strings, ["employees", "sector"])[0], dict)  # type: ignore[index]
    small = icpfit.Icp.from_dict({**ICP, "secondary": [], "negative": []})
    assert len(small.score(no_strings).points) == 0
    monkeypatch.setattr(_frames, "for_scoring", with_arr(lambda a: a.reshape(-1, 1)))
    with pytest.raises(icpfit.SchemaError, match="column `arr`.*numpy float64 of 2 dimensions"):
        icp.score(t.to_pandas())


def test_scores_keep_the_lent_ids_alive() -> None:
    """A pandas frame's category ids are lent to the scores, which label
    their rows with them once asked (after the frame is gone)."""
    import gc

    icp = icpfit.Icp.from_dict(ICP)
    t = table()
    frame = t.to_pandas().astype({"account_id": "category"})
    scores = icp.score(frame)
    del frame
    gc.collect()
    assert scores.to_arrow().column("account_id").to_pylist() == t.column("account_id").to_pylist()
    assert scores.explain(3) == icp.score(t).explain(3)


def test_unlisted_categories_are_read_by_the_codes_in_use_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """A category list passed unlisted is indexed by the codes the scored
    columns use, never iterated whole: not when those codes are the first
    of a long list (reading a list of a million read and leveled it all,
    0.4 s a call), and not for ids, which only label the rows and are
    looked up when a label is first asked for."""
    from icpfit import _frames

    class Entries:
        """A long category list that counts how it is read."""

        def __init__(self, head: list[str], length: int) -> None:
            self.head, self.length, self.asked = head, length, 0

        def __getitem__(self, code: int) -> str:
            self.asked += 1
            if code >= self.length:
                raise IndexError(code)
            return self.head[code] if code < len(self.head) else f"other-{code}"

        def __iter__(self) -> Any:
            raise AssertionError("iterated whole")

    t = table()
    # The regions first, so their codes are the list's first (a dense prefix).
    prefix = pl.Categorical(pl.Categories("icpfit_tests_prefix"))
    df = pl.from_arrow(t).with_columns(pl.col("region").cast(prefix)).with_columns(pl.col("account_id").cast(prefix))
    laid_out = _frames.for_scoring
    lists: dict[str, Entries] = {}

    def counted(frame: Any, keep: Any) -> Any:
        data, categories, names = laid_out(frame, keep)
        for name, c in categories.items():
            codes = data.select(pl.col(name)).to_series().drop_nulls().unique().to_list()
            head = [c[i] for i in range(max(codes) + 1)]
            lists[name] = Entries(head, 10**6)
        return data, {**lists}, names

    monkeypatch.setattr(_frames, "for_scoring", counted)
    icp = icpfit.Icp.from_dict(ICP)
    scores = icp.score(df)
    region_codes = df.select(pl.col("region").to_physical()).to_series().drop_nulls().n_unique()
    assert lists["region"].asked == region_codes  # each code in use, once
    assert lists["account_id"].asked == 0  # not yet: no label asked for
    assert scores.to_arrow().column("account_id").to_pylist() == t.column("account_id").to_pylist()
    assert lists["account_id"].asked == len(t)  # each id's code, once
    monkeypatch.setattr(_frames, "for_scoring", laid_out)
    assert_same(scores, icp.score(t), "counted")
