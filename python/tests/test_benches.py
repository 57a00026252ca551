"""The comparison scripts of ``benches/`` still run (a smoke run on small
data: their figures mean nothing here, but their checks that every input
gives the native results do)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHES = Path(__file__).resolve().parents[2] / "benches"


def test_compare_convert_runs_and_checks_every_frame() -> None:
    out = subprocess.run(
        [sys.executable, "compare_convert.py", "--rows", "3000", "--repeat", "2"],
        cwd=BENCHES,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    for line in ("Icp.score, 3,000 rows", "split: a fixed cost per call", "icpfit.rank, 3,000 rows"):
        assert line in out.stdout, out.stdout
    for name in ("pyarrow (dictionary)", "polars (Categorical)", "pandas (category)", "pandas (str)"):
        assert out.stdout.count(name) == 3, (name, out.stdout)
