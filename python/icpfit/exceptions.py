"""The exceptions and warnings icpfit raises.

Every error icpfit raises on purpose is an :class:`IcpfitError`, itself a
``ValueError``; file-system failures are the built-in ``OSError`` subclasses
(``FileNotFoundError`` with ``filename`` set, ``PermissionError``...).

========================= =====================================================
class                     raised for
========================= =====================================================
``ParseError``            malformed CSV, a ragged row, a value that does not
                          parse as its column's kind (line and column in the
                          message), an empty file, a malformed schema document
``SchemaError``           a schema that is invalid or contradicts the data,
                          duplicate column names, an unsupported Arrow type
``ColumnError``           a column that does not exist (with a suggestion),
                          of the wrong kind, or of the wrong length
``DataError``             a repeated id, an unknown outcome value, a one-class
                          target
``InsufficientDataError`` too few rows for the statistic asked for
``IcpError``              an ICP that is malformed (no criteria, duplicate
                          names, tiers out of order) or does not fit a table
                          (unknown column or level, wrong kind, contradictory
                          criteria); the message names the criterion
``ArgumentError``         an argument outside its domain
``InternalError``         a bug in icpfit (a Rust panic, caught); please report
========================= =====================================================

``ColumnError`` is not a ``KeyError``: ``KeyError`` quotes its message, which
would garble the precise messages (polars made the same choice).

>>> import icpfit, pyarrow as pa
>>> t = icpfit.Table.from_arrow(pa.table({"employees": [1, 2]}))
>>> try:
...     t.column("employes")
... except icpfit.ColumnError as e:
...     print(e)
no column named `employes`; did you mean `employees`?
"""

from __future__ import annotations

from icpfit._icpfit import (
    ArgumentError,
    ColumnError,
    DataError,
    IcpError,
    IcpfitError,
    IcpfitWarning,
    InsufficientDataError,
    InternalError,
    ParseError,
    SchemaError,
)

__all__ = [
    "ArgumentError",
    "ColumnError",
    "DataError",
    "IcpError",
    "IcpfitError",
    "IcpfitWarning",
    "InsufficientDataError",
    "InternalError",
    "ParseError",
    "SchemaError",
]
