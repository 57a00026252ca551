"""Types of what icpfit accepts: the Arrow PyCapsule interface, as
``typing.Protocol`` s (after arro3's ``types.py``).

Any object with ``__arrow_c_stream__`` (pyarrow ``Table`` /
``RecordBatchReader``, polars ``DataFrame``, DuckDB relations, ``icpfit.Table``
itself...) or ``__arrow_c_array__`` (pyarrow ``RecordBatch``) is accepted by
:meth:`icpfit.Table.from_arrow`.

>>> import pyarrow as pa
>>> from icpfit.types import ArrowStreamExportable
>>> isinstance(pa.table({"x": [1]}), ArrowStreamExportable)
True
"""

from __future__ import annotations

from typing import Any, Protocol, Tuple, Union, runtime_checkable

__all__ = [
    "ArrowArrayExportable",
    "ArrowSchemaExportable",
    "ArrowStreamExportable",
    "IntoArrowTable",
]


@runtime_checkable
class ArrowSchemaExportable(Protocol):
    """An object with an Arrow schema (``__arrow_c_schema__``)."""

    def __arrow_c_schema__(self) -> object: ...


@runtime_checkable
class ArrowArrayExportable(Protocol):
    """An object that exports one Arrow array or record batch
    (``__arrow_c_array__``), e.g. a ``pyarrow.RecordBatch``."""

    def __arrow_c_array__(
        self, requested_schema: object | None = None
    ) -> Tuple[object, object]: ...


@runtime_checkable
class ArrowStreamExportable(Protocol):
    """An object that exports a stream of Arrow record batches
    (``__arrow_c_stream__``), e.g. a ``pyarrow.Table`` or a polars
    ``DataFrame``."""

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...


IntoArrowTable = Union[ArrowStreamExportable, ArrowArrayExportable, Any]
"""What :meth:`icpfit.Table.from_arrow` accepts: an Arrow producer, a pandas
``DataFrame`` or a dict of 1-D numpy arrays / lists (typed as ``Any`` so
pandas need not be installed)."""
