from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

ROOT = Path(__file__).resolve().parents[2]

DEALS = """\
account_id,industry,employees,is_public,tech_stack,close_date,won,notes
a1,fintech,120,yes,Snowflake;dbt,2024-02-29,true,first
a2,retail,,no,,2023-01-01,false,
a3,,35.5,,dbt,,true,x<y
"""


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Writes text to a file in the test's temporary folder; returns its path."""

    def _write(text: str, name: str = "deals.csv") -> Path:
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        return p

    return _write


@pytest.fixture
def deals_csv(write: Callable[..., Path]) -> Path:
    return write(DEALS)
