"""icpfit: evidence-based Ideal Customer Profiles from your own deal and
customer history, and fast fit scoring against them.

Read a CRM / customer-success export, or hand over any dataframe:

>>> import icpfit, pyarrow as pa
>>> deals = icpfit.Table.from_arrow(pa.table({
...     "account_id": ["a1", "a2", "a3", "a4"],
...     "industry": ["fintech", "retail", "fintech", None],
...     "employees": [120, 35, 800, 60],
...     "won": [True, False, True, False],
... }))
>>> deals.shape
(4, 4)
>>> [(f.name, f.kind, f.role) for f in deals.schema]
[('account_id', 'text', 'id'), ('industry', 'categorical', 'attribute'), ('employees', 'numeric', 'attribute'), ('won', 'flag', 'outcome')]

Every error is an :class:`IcpfitError` (a ``ValueError``) with a message that
says where and what; see :mod:`icpfit.exceptions`. Plots of the results are in
:mod:`icpfit.plot` (matplotlib, imported on first use: ``pip install 'icpfit[plot]'``).
"""

from __future__ import annotations

from icpfit._icpfit import (
    ArgumentError,
    Cohort,
    ColumnError,
    DataError,
    Field,
    FitScores,
    Icp,
    IcpError,
    IcpfitError,
    IcpfitWarning,
    InsufficientDataError,
    InternalError,
    ParseError,
    PressureTest,
    Profile,
    QualityScores,
    Ranking,
    Reasons,
    Review,
    SchemaError,
    Table,
    TableSummary,
    __version__,
    cohorts,
    draft_icp,
    instruction_set,
    pressure_test,
    profile,
    quality,
    rank,
    read_csv,
    review,
    score_many,
)

# A submodule, not a name of __all__; importing it does not import matplotlib.
from icpfit import plot as plot

__all__ = [
    "ArgumentError",
    "Cohort",
    "ColumnError",
    "DataError",
    "Field",
    "FitScores",
    "Icp",
    "IcpError",
    "IcpfitError",
    "IcpfitWarning",
    "InsufficientDataError",
    "InternalError",
    "ParseError",
    "PressureTest",
    "Profile",
    "QualityScores",
    "Ranking",
    "Reasons",
    "Review",
    "SchemaError",
    "Table",
    "TableSummary",
    "__version__",
    "cohorts",
    "draft_icp",
    "instruction_set",
    "pressure_test",
    "profile",
    "quality",
    "rank",
    "read_csv",
    "review",
    "score_many",
]
