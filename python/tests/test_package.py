"""The package itself: imports, version, names, exception classes, files."""

from __future__ import annotations

import importlib.metadata
import inspect
import pickle
import re
from pathlib import Path

import pytest

import icpfit
import icpfit.exceptions
ROOT = Path(__file__).resolve().parents[2]


def test_version_is_the_crate_version() -> None:
    cargo = (ROOT / "Cargo.toml").read_text()
    crate_version = re.search(r'(?m)^version = "([^"]+)"', cargo)
    assert crate_version is not None
    assert icpfit.__version__ == crate_version.group(1)
    assert importlib.metadata.version("icpfit") == icpfit.__version__


def test_all_is_complete_and_sorted() -> None:
    assert icpfit.__all__ == sorted(icpfit.__all__)
    for name in icpfit.__all__:
        assert hasattr(icpfit, name), name
    public = {
        n
        for n, v in vars(icpfit).items()
        if not n.startswith("_") and not inspect.ismodule(v) and n != "annotations"
    }
    assert public <= set(icpfit.__all__)


def test_classes_live_in_the_public_modules() -> None:
    for cls in (icpfit.Table, icpfit.Field, icpfit.TableSummary):
        assert cls.__module__ == "icpfit"
    for name in icpfit.exceptions.__all__:
        cls = getattr(icpfit, name)
        assert cls.__module__ == "icpfit.exceptions", name
        assert getattr(icpfit.exceptions, name) is cls


@pytest.mark.parametrize(
    "name",
    [
        "ParseError",
        "SchemaError",
        "ColumnError",
        "DataError",
        "InsufficientDataError",
        "ArgumentError",
        "InternalError",
    ],
)
def test_every_error_is_an_icpfit_error_and_a_value_error(name: str) -> None:
    cls = getattr(icpfit, name)
    assert issubclass(cls, icpfit.IcpfitError)
    assert issubclass(cls, ValueError)
    assert not issubclass(cls, KeyError)
    # Picklable (multiprocessing, joblib): the class is found by its module path.
    err = pickle.loads(pickle.dumps(cls("where and what")))
    assert type(err) is cls and str(err) == "where and what"


def test_warning_class() -> None:
    assert issubclass(icpfit.IcpfitWarning, UserWarning)
    assert not issubclass(icpfit.IcpfitWarning, icpfit.IcpfitError)


def test_typing_files_are_installed() -> None:
    pkg = Path(icpfit.__file__).parent
    assert (pkg / "py.typed").is_file()
    assert (pkg / "_icpfit.pyi").is_file()
    assert (pkg / "types.py").is_file()


def test_native_module_is_private_and_documented() -> None:
    from icpfit import _icpfit

    assert _icpfit.__doc__
    assert icpfit.read_csv is _icpfit.read_csv
    for obj in (icpfit.read_csv, icpfit.Table, icpfit.Table.from_arrow, icpfit.Field):
        assert obj.__doc__, obj


def test_tables_cannot_be_constructed_directly_or_mutated() -> None:
    with pytest.raises(TypeError):
        icpfit.Table()  # type: ignore[call-arg]
    t = icpfit.Table.from_arrow(__import__("pyarrow").table({"x": [1.0]}))
    with pytest.raises(AttributeError):
        t.n_rows = 3  # type: ignore[misc]
