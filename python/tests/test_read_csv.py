"""read_csv: kinds, values, options, schemas, and every error with its message."""

from __future__ import annotations

import json
import math
import os
import types
from pathlib import Path
from typing import Callable

import numpy as np
import pytest

import icpfit

Write = Callable[..., Path]


def test_kinds_roles_dimensions_are_inferred(deals_csv: Path) -> None:
    t = icpfit.read_csv(deals_csv, schema={"notes": {"kind": "text", "role": "ignore"}})
    assert t.shape == (3, 8) and len(t) == 3 and t.n_rows == 3 and t.n_cols == 8
    assert [(f.name, f.kind, f.role, f.dimension) for f in t.schema] == [
        ("account_id", "text", "id", "other"),
        ("industry", "categorical", "attribute", "firmographic"),
        ("employees", "numeric", "attribute", "firmographic"),
        ("is_public", "flag", "attribute", "other"),
        ("tech_stack", "tag_set", "attribute", "technographic"),
        ("close_date", "date", "outcome", "other"),
        ("won", "flag", "outcome", "other"),
        ("notes", "text", "ignore", "other"),
    ]
    assert t.columns == [f.name for f in t.schema]
    assert "employees" in t and "employes" not in t


def test_column_values_per_kind(deals_csv: Path) -> None:
    t = icpfit.read_csv(str(deals_csv))
    emp = t.column("employees")
    assert isinstance(emp, np.ndarray) and emp.dtype == np.float64
    np.testing.assert_array_equal(emp, [120.0, np.nan, 35.5])
    flag = t.column("is_public")
    assert isinstance(flag, np.ndarray) and flag.dtype == np.float64
    np.testing.assert_array_equal(flag, [1.0, 0.0, np.nan])
    dates = t.column("close_date")
    assert isinstance(dates, np.ndarray) and dates.dtype == np.dtype("datetime64[D]")
    np.testing.assert_array_equal(
        dates, np.array(["2024-02-29", "2023-01-01", "NaT"], dtype="datetime64[D]")
    )
    assert t.column("industry") == ["fintech", "retail", None]
    assert t.column("tech_stack") == [["Snowflake", "dbt"], None, ["dbt"]]
    assert t.column("account_id") == ["a1", "a2", "a3"]
    assert t["notes"] == ["first", None, "x<y"]


def test_header_only_file_is_an_empty_table(write: Write) -> None:
    t = icpfit.read_csv(write("account_id,employees,industry\n"))
    assert t.shape == (0, 3)
    assert [f.kind for f in t.schema] == ["text", "numeric", "numeric"]
    assert t.column("employees").shape == (0,)


def test_header_only_with_schema_takes_the_declared_kinds(write: Write) -> None:
    t = icpfit.read_csv(write("industry,won\n"), schema={"industry": "categorical", "won": "flag"})
    assert [f.kind for f in t.schema] == ["categorical", "flag"]


def test_paths_may_be_pathlike(deals_csv: Path) -> None:
    class P(os.PathLike[str]):
        def __fspath__(self) -> str:
            return str(deals_csv)

    assert icpfit.read_csv(P()).n_rows == 3


# ---------------------------------------------------------------- errors


def test_bad_number_names_line_and_column(write: Write) -> None:
    p = write("account_id,employees\na1,120\na2,12k\n")
    with pytest.raises(icpfit.ParseError) as e:
        icpfit.read_csv(p, schema={"employees": "numeric"})
    assert str(e.value) == f"{p}: line 3, column `employees`: expected a number, found `12k`"


def test_almost_numeric_column_is_an_error_not_a_category(write: Write) -> None:
    rows = "".join(f"a{i},{i * 10}\n" for i in range(30)) + "a30,12k\n" + "a31,5\n"
    p = write("account_id,employees\n" + rows)
    with pytest.raises(icpfit.ParseError, match=r"line 32, column `employees`: expected a number \(31 of 32 values are numbers"):
        icpfit.read_csv(p)


def test_lenient_numbers_accept_separators_and_currency(write: Write) -> None:
    p = write('acv\n"$1,200.50"\n€900\n')
    with pytest.raises(icpfit.ParseError, match=r"line 2, column `acv`: expected a number, found `\$1,200.50`"):
        icpfit.read_csv(p, schema={"acv": "numeric"})
    assert icpfit.read_csv(p).field("acv").kind == "categorical"
    t = icpfit.read_csv(p, lenient_numbers=True)
    np.testing.assert_array_equal(t.column("acv"), [1200.5, 900.0])


def test_ragged_row(write: Write) -> None:
    p = write("account_id,employees,industry\na1,120,retail\na2,35\n")
    with pytest.raises(icpfit.ParseError) as e:
        icpfit.read_csv(p)
    assert str(e.value) == f"{p}: line 3: expected 3 fields as in the header, found 2"


def test_duplicate_id(write: Write) -> None:
    p = write("account_id,employees\na1,1\na2,2\na1,3\n")
    with pytest.raises(icpfit.DataError) as e:
        icpfit.read_csv(p)
    assert str(e.value) == (
        f"{p}: line 4, column `account_id`: duplicate id `a1` (first seen at {p}: line 2)"
    )


def test_duplicate_header(write: Write) -> None:
    with pytest.raises(icpfit.SchemaError, match="column `x` appears more than once in the header"):
        icpfit.read_csv(write("x,y,x\n1,2,3\n"))


def test_empty_file(write: Write) -> None:
    p = write("")
    with pytest.raises(icpfit.ParseError) as e:
        icpfit.read_csv(p)
    assert str(e.value) == f"`{p}` is empty: expected a header line naming the columns"


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    p = tmp_path / "latin1.csv"
    p.write_bytes(b"industry\nretail\nr\xe9tail\n")
    with pytest.raises(icpfit.ParseError, match=r"line 3: malformed CSV: column `industry` is not valid UTF-8"):
        icpfit.read_csv(p)


def test_unknown_column_suggests_the_closest(deals_csv: Path) -> None:
    t = icpfit.read_csv(deals_csv)
    with pytest.raises(icpfit.ColumnError) as e:
        t.column("employes")
    assert str(e.value) == "no column named `employes`; did you mean `employees`?"
    with pytest.raises(icpfit.ColumnError, match="no column named `revenue`$"):
        t["revenue"]
    with pytest.raises(icpfit.ColumnError, match="did you mean `industry`"):
        t.field("Industri")


def test_schema_naming_a_missing_column_suggests(write: Write) -> None:
    p = write("employees,industry\n1,a\n")
    with pytest.raises(icpfit.SchemaError) as e:
        icpfit.read_csv(p, schema={"employes": "numeric"})
    assert str(e.value) == (
        "invalid schema: column `employes` is declared but not in the data; did you mean `employees`?"
    )


def test_missing_file_is_file_not_found(tmp_path: Path) -> None:
    p = tmp_path / "nope.csv"
    with pytest.raises(FileNotFoundError) as e:
        icpfit.read_csv(p)
    assert e.value.filename == str(p)
    assert e.value.errno == 2
    assert str(e.value) == f"[Errno 2] No such file or directory: '{p}'"
    assert not isinstance(e.value, icpfit.IcpfitError)


def test_directory_is_is_a_directory_error(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        icpfit.read_csv(tmp_path)


def test_errors_are_value_errors(write: Write) -> None:
    with pytest.raises(ValueError):
        icpfit.read_csv(write(""))


# ---------------------------------------------------------------- options


def test_missing_tokens_replace_the_defaults(write: Write) -> None:
    p = write("employees,industry\n1,NA\n?,retail\n")
    t = icpfit.read_csv(p, missing=["?", "NA"])
    np.testing.assert_array_equal(t.column("employees"), [1.0, np.nan])
    assert t.column("industry") == [None, "retail"]
    with pytest.raises(TypeError):
        icpfit.read_csv(p, missing="?")  # type: ignore[arg-type]


def test_fold_case_tag_separator_and_delimiter(write: Write) -> None:
    p = write("industry;tech_stack\nRetail;Snowflake|dbt\nretail;DBT\n")
    t = icpfit.read_csv(p, delimiter=";", tag_separator="|", fold_case=True)
    assert t.column("industry") == ["retail", "retail"]
    assert t.column("tech_stack") == [["dbt", "snowflake"], ["dbt"]]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"delimiter": ";;"}, "invalid `delimiter`: expected a single character, got \";;\""),
        ({"delimiter": "é"}, "invalid `delimiter`: expected an ASCII character"),
        ({"tag_separator": ""}, "invalid `tag_separator`: expected a single character"),
    ],
)
def test_bad_options_are_argument_errors(deals_csv: Path, kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(icpfit.ArgumentError) as e:
        icpfit.read_csv(deals_csv, **kwargs)  # type: ignore[arg-type]
    assert str(e.value).startswith(message)


def test_all_missing_column_warns(write: Write) -> None:
    p = write("employees,notes\n1,\n2,NA\n")
    with pytest.warns(icpfit.IcpfitWarning, match="column `notes`: every value is missing"):
        t = icpfit.read_csv(p)
    assert np.isnan(t.column("notes")).all()


# ---------------------------------------------------------------- schemas


def test_schema_dict_declares_kind_role_dimension(write: Write) -> None:
    p = write("acct,seats,flagged,plan\nx,1,1,pro\ny,0,0,free\n")
    t = icpfit.read_csv(
        p,
        schema={
            "acct": {"role": "id"},
            "seats": {"kind": "numeric", "dimension": "firmographic", "role": None},
            "flagged": "flag",
            "plan": {"kind": "categorical", "role": "ignore", "dimension": "behavioral"},
        },
    )
    assert [(f.kind, f.role, f.dimension) for f in t.schema] == [
        ("text", "id", "other"),
        ("numeric", "attribute", "firmographic"),
        ("flag", "attribute", "other"),
        ("categorical", "ignore", "behavioral"),
    ]
    np.testing.assert_array_equal(t.column("flagged"), [1.0, 0.0])


@pytest.mark.parametrize(
    ("schema", "error", "message"),
    [
        (
            {"seats": "number"},
            icpfit.SchemaError,
            "invalid schema: column `seats`: unknown kind `number`; expected one of numeric, categorical, flag, tag_set, date, text",
        ),
        (
            {"seats": {"role": "target"}},
            icpfit.SchemaError,
            "invalid schema: column `seats`: unknown role `target`; expected one of id, attribute, outcome, ignore",
        ),
        (
            {"seats": {"knd": "numeric"}},
            icpfit.SchemaError,
            "invalid schema: column `seats`: unknown key `knd`; expected kind, role, dimension",
        ),
        (
            {"seats": 3},
            icpfit.SchemaError,
            "invalid schema: column `seats`: expected a kind name or a dict with kind / role / dimension, got int",
        ),
    ],
)
def test_bad_schema_dicts(write: Write, schema: dict[str, object], error: type, message: str) -> None:
    p = write("seats\n1\n")
    with pytest.raises(error) as e:
        icpfit.read_csv(p, schema=schema)  # type: ignore[arg-type]
    assert str(e.value) == message


def test_schema_may_be_any_mapping(write: Write) -> None:
    p = write("seats\n1\n")
    schema = types.MappingProxyType({"seats": types.MappingProxyType({"kind": "categorical"})})
    assert icpfit.read_csv(p, schema=schema).field("seats").kind == "categorical"


def test_schema_must_be_a_dict_list_or_path(deals_csv: Path) -> None:
    with pytest.raises(TypeError, match="schema must be a dict, a list of icpfit.Field, or the path"):
        icpfit.read_csv(deals_csv, schema=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="a schema list must hold icpfit.Field objects"):
        icpfit.read_csv(deals_csv, schema=["employees"])  # type: ignore[list-item]


def test_schema_toml_file(write: Write) -> None:
    data = write("acct,seats,rep\nx,1,ann\ny,2,bob\n")
    schema = write(
        '[[columns]]\nname = "acct"\nrole = "id"\n\n'
        '[[columns]]\nname = "seats"\nkind = "numeric"\ndimension = "firmographic"\n\n'
        '[[columns]]\nname = "rep"\nrole = "ignore"\n',
        "schema.toml",
    )
    t = icpfit.read_csv(data, schema=schema)
    assert [(f.kind, f.role, f.dimension) for f in t.schema] == [
        ("text", "id", "other"),
        ("numeric", "attribute", "firmographic"),
        ("categorical", "ignore", "behavioral"),
    ]
    assert icpfit.read_csv(data, schema=str(schema)).schema == t.schema


def test_schema_json_file_strict(write: Write) -> None:
    data = write("acct,seats\nx,1\n")
    schema = write(json.dumps({"columns": [{"name": "seats", "kind": "numeric"}], "strict": True}), "s.json")
    with pytest.raises(icpfit.SchemaError, match="column `acct` is not declared and the schema is strict"):
        icpfit.read_csv(data, schema=schema)


def test_malformed_schema_files_are_parse_errors_with_a_line(write: Write) -> None:
    data = write("seats\n1\n")
    bad = write('[[columns]]\nname = "seats"\nkind = "number"\n', "bad.toml")
    with pytest.raises(icpfit.ParseError) as e:
        icpfit.read_csv(data, schema=bad)
    assert str(e.value).startswith(f"schema file `{bad}`: ")
    assert "line 3" in str(e.value)
    with pytest.raises(FileNotFoundError):
        icpfit.read_csv(data, schema=data.with_name("missing.toml"))


def test_a_tables_schema_can_be_reused(write: Write, deals_csv: Path) -> None:
    t = icpfit.read_csv(deals_csv, schema={"notes": "text", "employees": {"dimension": "stage"}})
    again = icpfit.read_csv(deals_csv, schema=t.schema)
    assert again.schema == t.schema
    assert [f.to_dict() for f in t.schema][2] == {
        "kind": "numeric",
        "role": "attribute",
        "dimension": "stage",
    }


def test_summary(deals_csv: Path) -> None:
    s = icpfit.read_csv(deals_csv).summary()
    assert len(s) == 8
    rows = {r["name"]: r for r in s.to_dicts()}
    assert rows["employees"]["missing"] == 1
    assert math.isclose(rows["employees"]["mean"], 77.75)
    assert rows["employees"]["min"] == 35.5 and rows["employees"]["max"] == 120.0
    assert rows["industry"]["levels"] == 2 and rows["industry"]["mean"] is None
    assert rows["is_public"]["mean"] == 0.5
    assert rows["tech_stack"]["levels"] == 2
    text = repr(s)
    assert text.splitlines()[0] == "icpfit.TableSummary: 8 columns"
    assert "2024-02-29" in text  # dates shown as dates
