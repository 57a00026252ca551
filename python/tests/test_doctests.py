"""The examples in the docstrings of the installed package run and pass."""

from __future__ import annotations

import doctest
import importlib
from typing import Iterator

import pytest

MODULES = ["icpfit", "icpfit._icpfit", "icpfit.exceptions", "icpfit._frames", "icpfit.types", "icpfit.plot"]


@pytest.fixture
def _plots() -> Iterator[None]:
    """The examples of icpfit.plot draw on the Agg backend; their figures are
    closed afterwards."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str, request: pytest.FixtureRequest) -> None:
    if name == "icpfit.plot":
        request.getfixturevalue("_plots")
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = finder.find(module, name)
    for test in tests:
        runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.attempted > 0, f"{name} has no examples"
    assert results.failed == 0, f"{results.failed} example(s) of {name} failed (see the output above)"


def test_the_rust_docstrings_have_examples() -> None:
    import icpfit

    for obj in (icpfit.read_csv, icpfit.Table, icpfit.Table.from_arrow, icpfit.Field, icpfit.TableSummary,
                icpfit.Icp, icpfit.Icp.from_json, icpfit.Icp.from_toml, icpfit.Icp.to_sql, icpfit.Icp.validate,
                icpfit.Icp.score, icpfit.FitScores, icpfit.score_many, icpfit.quality, icpfit.cohorts, icpfit.profile,
                icpfit.draft_icp, icpfit.pressure_test, icpfit.review):
        assert ">>> " in (obj.__doc__ or ""), obj
