"""``icpfit.Icp``: documents in and out, equality, errors, validation; and the
JSON Schema ``docs/icp.schema.json`` agrees with the parser."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pyarrow as pa
import pytest

import icpfit

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "icp.schema.json").read_text(encoding="utf-8"))
GUIDE = (ROOT / "docs" / "icp.md").read_text(encoding="utf-8")
GUIDE_JSON = re.search(r"```json\n(.*?)```", GUIDE, re.S).group(1)  # type: ignore[union-attr]
GUIDE_TOML = re.search(r"```toml\n(.*?)```", GUIDE, re.S).group(1)  # type: ignore[union-attr]

VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

SMALL: dict[str, Any] = {
    "name": "Core",
    "version": "1",
    "primary": [{"name": "mid", "column": "employees", "range": {"min": 200, "max": 2000}, "points": 20}],
    "secondary": [{"name": "cloud", "column": "stack", "has_any": ["Snowflake"], "points": 10}],
    "negative": [{"name": "tiny", "column": "employees", "range": {"max": 50, "max_inclusive": False}}],
}


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_the_guide_example_is_valid_and_reads_the_same_in_json_and_toml() -> None:
    doc = json.loads(GUIDE_JSON)
    VALIDATOR.validate(doc)
    a = icpfit.Icp.from_json(GUIDE_JSON)
    b = icpfit.Icp.from_toml(GUIDE_TOML)
    assert a == b
    assert a.to_dict() == doc  # the guide writes the canonical form
    # What icpfit writes is valid too, in every direction.
    for icp in (a, icpfit.Icp.from_dict(SMALL)):
        VALIDATOR.validate(icp.to_dict())
        VALIDATOR.validate(json.loads(icp.to_json()))


def _with(doc: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    *head, last = path.split(".")
    at: Any = out
    for p in head:
        at = at[int(p)] if p.isdigit() else at[p]
    if value is _DELETE:
        del at[int(last) if last.isdigit() else last]
    else:
        at[int(last) if last.isdigit() else last] = value
    return out


_DELETE = object()

#: Documents both the schema and the parser refuse.
INVALID = {
    "unknown field": ("colour", "red"),
    "unknown criterion field": ("primary.0.weight", 3),
    "two predicates": ("primary.0.in", ["x"]),
    "no predicate": ("primary.0.range", _DELETE),
    "no name": ("name", _DELETE),
    "no column": ("secondary.0.column", _DELETE),
    "empty level list": ("secondary.0.has_any", []),
    "unknown policy": ("primary.0.missing", "skip"),
    "unknown dimension": ("primary.0.dimension", "geographic"),
    "unknown tier": ("tiers", {"a": 3, "b": 2, "c": 1, "if_primary_fails": "E"}),
    "tier without c": ("tiers", {"a": 3, "b": 2}),
    "points as text": ("primary.0.points", "20"),
    "empty range": ("primary.0.range", {"min_inclusive": False}),
    "evidence without level": ("primary.0.evidence", {"statistic": "woe"}),
    "negative n": ("primary.0.evidence", {"statistic": "woe", "level": "hypothesis", "n": -1}),
    "n beyond TOML": ("primary.0.evidence", {"statistic": "woe", "level": "hypothesis", "n": 2**63}),
    "scope without value": ("scope", {"column": "product"}),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_schema_and_parser_refuse_the_same_documents(case: str) -> None:
    path, value = INVALID[case]
    doc = _with(SMALL, path, value)
    assert not VALIDATOR.is_valid(doc), case
    with pytest.raises(icpfit.IcpfitError):
        icpfit.Icp.from_dict(doc)


def test_round_trips_and_equality() -> None:
    icp = icpfit.Icp.from_dict(SMALL)
    assert icpfit.Icp.from_json(icp.to_json()) == icp
    assert icpfit.Icp.from_toml(icp.to_toml()) == icp
    assert icpfit.Icp.from_dict(icp.to_dict()) == icp
    assert icp.name == "Core" and icp.version == "1"
    assert icp.criteria == ["mid", "cloud", "tiny"]
    other = icpfit.Icp.from_dict(_with(SMALL, "version", "2"))
    assert other != icp
    assert (icp == "Core") is False
    assert repr(icp) == "Icp(name='Core', version='1', criteria=['mid', 'cloud', 'tiny'])"
    with pytest.raises(TypeError):
        hash(icp)


def test_errors_say_where_and_what() -> None:
    with pytest.raises(icpfit.ParseError, match="line 1 column"):
        icpfit.Icp.from_json('{"name": "x", "version": "1", "colour": 1}')
    with pytest.raises(icpfit.ParseError, match="TOML"):
        icpfit.Icp.from_toml("name = ")
    with pytest.raises(icpfit.IcpError, match="criterion `mid`: the name is used by more than one criterion"):
        icpfit.Icp.from_dict(_with(SMALL, "secondary.0.name", "mid"))
    with pytest.raises(icpfit.IcpError, match="tier thresholds out of order"):
        icpfit.Icp.from_dict(_with(SMALL, "tiers", {"a": 1, "b": 2, "c": 3}))
    with pytest.raises(icpfit.ParseError):
        icpfit.Icp.from_dict(_with(SMALL, "primary.0.points", float("nan")))
    # TOML can say nan; JSON could not carry it back, so it is refused.
    toml = 'name = "x"\nversion = "1"\n[[primary]]\nname = "a"\ncolumn = "c"\nflag = true\n' \
        'evidence = { statistic = "s", level = "hypothesis", value = nan }\n'
    with pytest.raises(icpfit.IcpError, match="criterion `a`: evidence values and intervals must be finite"):
        icpfit.Icp.from_toml(toml)
    assert issubclass(icpfit.IcpError, icpfit.IcpfitError)
    assert icpfit.IcpError.__module__ == "icpfit.exceptions"


def test_validate_against_a_table() -> None:
    table = icpfit.Table.from_arrow(
        pa.table({"employees": [10.0, 500.0], "stack": [["Snowflake"], ["dbt"]], "sector": ["a", "b"]})
    )
    icp = icpfit.Icp.from_dict(SMALL)
    assert icp.validate(table) is None
    # Any dataframe works, not only a Table.
    assert icp.validate(pa.table({"employees": [1.0], "stack": [["Snowflake"]]})) is None
    bad = icpfit.Icp.from_dict(_with(SMALL, "primary.0.column", "employes"))
    with pytest.raises(icpfit.IcpError, match="criterion `mid`: no column named `employes`; did you mean `employees`"):
        bad.validate(table)
    wrong_kind = icpfit.Icp.from_dict(_with(SMALL, "secondary.0.column", "sector"))
    with pytest.raises(icpfit.IcpError, match="`has_any` applies to tag_set columns but `sector` is categorical"):
        wrong_kind.validate(table)
