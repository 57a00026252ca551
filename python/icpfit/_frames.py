"""DataFrame glue: lazy, optional imports of pyarrow / pandas / polars.

Nothing here computes anything: results leave Rust through the Arrow PyCapsule
interface (``__arrow_c_stream__``) and these helpers hand them to the library
the user asked for, with a clear message when it is not installed.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable, Sequence, Union

if TYPE_CHECKING:
    from icpfit.types import ArrowStreamExportable

__all__ = [
    "for_scoring",
    "pandas_to_arrow",
    "require",
    "to_arrow",
    "to_pandas",
    "to_polars",
]


def require(module: str, what: str, extra: str) -> ModuleType:
    """Imports ``module`` or raises ``ModuleNotFoundError`` saying what needs it.

    >>> require("json", "this example", "json").__name__
    'json'
    >>> require("no_such_module_xyz", "Table.to_xyz()", "xyz")
    Traceback (most recent call last):
    ...
    ModuleNotFoundError: Table.to_xyz() needs no_such_module_xyz, which is not installed: pip install 'icpfit[xyz]'
    """
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ModuleNotFoundError(
            f"{what} needs {module}, which is not installed: pip install 'icpfit[{extra}]'",
            name=module,
        ) from e


def to_arrow(obj: ArrowStreamExportable) -> Any:
    """``pyarrow.table(obj)``: any Arrow stream producer as a ``pyarrow.Table``."""
    pa = require("pyarrow", "to_arrow()", "arrow")
    return pa.table(obj)


def to_pandas(obj: ArrowStreamExportable) -> Any:
    """An Arrow stream producer as a ``pandas.DataFrame``: dictionaries as
    ``category``, booleans as the nullable ``boolean`` dtype, dates as
    ``datetime64``, lists as Python lists (``None`` when missing)."""
    pd = require("pandas", "to_pandas()", "pandas")
    pa = require("pyarrow", "to_pandas()", "pandas")
    table = pa.table(obj)
    df = table.to_pandas(
        date_as_object=False,
        types_mapper={pa.bool_(): pd.BooleanDtype()}.get,
    )
    for name, column in zip(table.column_names, table.columns):
        if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
            df[name] = pd.Series(column.to_pylist(), index=df.index, dtype=object)
    return df


def to_polars(obj: ArrowStreamExportable) -> Any:
    """An Arrow stream producer as a ``polars.DataFrame`` (no pyarrow needed)."""
    pl = require("polars", "to_polars()", "polars")
    return pl.DataFrame(obj)


def pandas_to_arrow(df: Any) -> Any:
    """A pandas DataFrame as a ``pyarrow.Table``: a named index (e.g. after
    ``set_index("account_id")``) becomes a column, an unnamed one is dropped."""
    pa = require("pyarrow", "Table.from_arrow() of a pandas DataFrame", "pandas")
    keep_index = all(name is not None for name in df.index.names)
    return pa.Table.from_pandas(df, preserve_index=keep_index)


#: A categorical column's categories as :func:`for_scoring` gives them: a
#: list (code i -> entry i, ``None`` for a code not in use), an Arrow array
#: of strings (pandas' ``str`` categories, as they are stored), or a polars
#: ``Categories`` the binding indexes by the codes in use.
ColumnCategories = Union[list[Union[str, None]], Any]


def _frame_library(frame: Any) -> str | None:
    """``"pandas"`` or ``"polars"`` for their DataFrames, else ``None``."""
    package = type(frame).__module__.split(".")[0]
    if package in ("pandas", "polars") and type(frame).__name__ == "DataFrame":
        return package
    return None


def _columns(frame: Any, library: str) -> tuple[list[Any], list[tuple[Any, Any]] | None]:
    """The column names of a pandas or polars DataFrame (``library``) as
    converting it gives them (a pandas frame's named index is a column, the
    last, as in :func:`pandas_to_arrow`) and, for pandas, each column with
    its name, index levels last: its names come with its columns, read once
    (listing a pandas frame's names costs a third as much again).

    >>> import pandas as pd
    >>> names, columns = _columns(pd.DataFrame({"x": [1.0]}, index=pd.Index(["a1"], name="account_id")), "pandas")
    >>> names, [type(c).__name__ for _, c in columns]
    (['x', 'account_id'], ['Series', 'Index'])
    """
    if library == "pandas":
        columns = list(frame.items())
        index = frame.index
        if all(n is not None for n in index.names):
            columns += [(n, index.get_level_values(i)) for i, n in enumerate(index.names)]
        return [n for n, _ in columns], columns
    return list(frame.columns), None


def for_scoring(
    frame: Any, keep: Sequence[str] | Callable[[list[str]], list[str]]
) -> tuple[Any, dict[str, ColumnCategories], list[str]] | None:
    """Columns ``keep`` of a pandas or polars frame, laid out so that scoring
    can read them where they lie: the columns (polars: an Arrow producer;
    pandas: a dict of numpy arrays, or pyarrow arrays for what pyarrow
    converts) in which each categorical column is its integer codes
    (pandas' category codes, ``-1`` missing; polars' physical codes), the
    categories of each such column (see :data:`ColumnCategories`), and the
    names laid out, in the frame's order. Float columns pass as they are
    (pandas' NaN stays NaN, no copy). ``None`` for any
    other input, or a layout this does not know (the caller then converts
    the frame as usual); so is a named pandas index that is also a column
    (ambiguous: the conversion says so).

    ``keep`` is the names, or a function choosing them from the frame's
    names (:func:`_columns`). The binding passes a function, so that
    one call reads the names once: right after a scoring the caches are
    cold, and each call into pandas or polars costs far more than its work.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"sector": pd.Categorical(["a", None, "b"]), "x": [1.0, None, 3.0]})
    >>> data, categories, names = for_scoring(df, ["sector", "x"])
    >>> data["sector"].tolist(), categories["sector"].to_pylist(), names
    ([0, -1, 1], ['a', 'b'], ['sector', 'x'])
    """
    library = _frame_library(frame)
    if library is None:
        return None
    names, columns = _columns(frame, library)
    if any(not isinstance(n, str) for n in names) or len(set(names)) != len(names):
        return None
    wanted = set(keep(names) if callable(keep) else keep)
    if not wanted <= set(names):
        return None
    kept = [n for n in names if n in wanted]
    if columns is not None:
        laid = _pandas_for_scoring([(n, c) for n, c in columns if n in wanted], kept)
    else:
        laid = _polars_for_scoring(frame, names, kept)
    return None if laid is None else (*laid, kept)


def _pandas_for_scoring(
    columns: list[tuple[str, Any]], keep: list[str]
) -> tuple[Any, dict[str, ColumnCategories]] | None:
    """A pandas frame's ``columns`` (Series, or an index level: the ids,
    usually) laid out, in the order of their names ``keep``."""
    pa = require("pyarrow", "scoring a pandas DataFrame", "pandas")
    pd = require("pandas", "scoring a pandas DataFrame", "pandas")
    np = require("numpy", "scoring a pandas DataFrame", "pandas")
    laid, categories = {}, {}
    # The columns come from `items()`: half the cost of `df[name]`.
    for name, column in columns:
        dtype = column.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            stored = dtype.categories.array
            if isinstance(stored, pd.arrays.ArrowStringArray):
                # Strings stored in Arrow (pandas' `str` dtype) pass as they
                # are: 8 columns' lists cost 0.15 ms to build right after a
                # scoring, their Arrow arrays 0.03 ms.
                categories[name] = stored.__arrow_array__()
            else:
                # `tolist()`: iterating an index is 7x slower.
                levels = dtype.categories.tolist()
                if not all(isinstance(v, str) for v in levels):
                    return None
                categories[name] = levels
            # `.array.codes`: the codes array itself (`.cat.codes` builds a
            # Series, ten times slower).
            laid[name] = column.array.codes
        elif dtype == np.float64:
            laid[name] = column.values
        else:
            converted = pa.Array.from_pandas(column)
            # pandas' `str` columns are stored in Arrow, in chunks.
            if isinstance(converted, pa.ChunkedArray) and converted.num_chunks == 1:
                converted = converted.chunk(0)
            laid[name] = converted
    columns = [laid[k] for k in keep]
    if any(isinstance(c, pa.ChunkedArray) for c in columns):
        # A column in several chunks, or none: a table, which Arrow lays
        # out chunk by chunk (the numpy arrays sliced to match, not copied).
        arrays = [pa.array(c) if isinstance(c, np.ndarray) else c for c in columns]
        return pa.Table.from_arrays(arrays, names=keep), categories
    # Numpy arrays as they are: the binding reads them without a copy
    # (wrapping each in pyarrow, and the lot in a table, cost 0.15 ms).
    return dict(zip(keep, columns)), categories


#: Polars category lists longer than this are not listed whole by
#: :func:`for_scoring` (see there): listing 200,000 categories cost 19 ms a
#: call, and leveling them in Rust 50 ms more, for a frame of 1,000 rows.
UNLISTED_FROM = 4096


def _polars_for_scoring(df: Any, names: list[str], keep: list[str]) -> tuple[Any, dict[str, ColumnCategories]] | None:
    """``df``'s columns ``keep`` laid out; ``names``: all its columns."""
    pl = require("polars", "scoring a polars DataFrame", "polars")
    # `dtypes` with the names: half the cost of `schema` (which builds a Schema).
    schema = dict(zip(names, df.dtypes))
    coded, plain, categories = [], [], {}
    # Categorical columns share one `Categories` (the global one, unless
    # given another): listed, or passed unlisted, once per distinct dtype
    # (equal dtypes have equal categories).
    listed: dict[Any, ColumnCategories] = {}
    for name in keep:
        dtype = schema[name]
        if isinstance(dtype, (pl.Categorical, pl.Enum)):
            if dtype not in listed:
                levels: Any = getattr(dtype, "categories", None)
                # polars >= 1.32: physical codes index `categories`: an
                # Enum's Series, or a Categorical's `Categories`, whose
                # iteration lists them (code i -> its string, None for a
                # code not in use) without building a Series first.
                if isinstance(levels, pl.Series):
                    listed[dtype] = levels.to_list()
                elif isinstance(levels, getattr(pl, "Categories", ())) and hasattr(levels, "__iter__"):
                    # A `Categories` is shared by the whole process (the
                    # global one by every categorical not given another)
                    # and only grows: past UNLISTED_FROM entries it is
                    # passed as it is, and the binding looks up only the
                    # codes the frame's columns use.
                    listed[dtype] = levels if UNLISTED_FROM in levels else list(levels)
                else:
                    return None
            coded.append(name)
            categories[name] = listed[dtype]
        else:
            plain.append(name)
    if not coded:
        # Nothing to recode: the frame's own columns, without the expression
        # engine (a `select` costs 0.4 ms right after a scoring, measured;
        # picking columns by name 0.15 ms, the frame itself nothing).
        return (df if plain == list(schema) else df[plain]), categories
    # Two expressions, not one per column: a select's cost grows with its
    # expressions (measured 0.60 vs 0.74 ms for 20 columns).
    return df.select(pl.col(plain), pl.col(coded).to_physical()), categories
