"""DataFrame glue: lazy, optional imports of pyarrow / pandas / polars.

Nothing here computes anything: results leave Rust through the Arrow PyCapsule
interface (``__arrow_c_stream__``) and these helpers hand them to the library
the user asked for, with a clear message when it is not installed.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from icpfit.types import ArrowStreamExportable

__all__ = ["pandas_to_arrow", "require", "to_arrow", "to_pandas", "to_polars"]


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
