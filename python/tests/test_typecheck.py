"""The README's Python snippet, the quickstart notebook's code and
``icpfit.plot`` type-check with ``mypy --strict`` against the stubs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import icpfit.plot

ROOT = Path(__file__).resolve().parents[2]


def mypy(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--ignore-missing-imports",
         "--cache-dir", str(tmp_path / ".mypy_cache"), *args],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )


@pytest.mark.slow
def test_examples_type_check(tmp_path: Path) -> None:
    readme = "\n".join(re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S))
    notebook = json.loads((ROOT / "examples/notebooks/quickstart.ipynb").read_text(encoding="utf-8"))
    cells = "\n\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    (tmp_path / "readme_snippet.py").write_text(readme, encoding="utf-8")
    (tmp_path / "quickstart.py").write_text(cells, encoding="utf-8")
    # A call the stubs forbid: proves the check sees icpfit's types, not Any.
    (tmp_path / "wrong.py").write_text('import icpfit\nicpfit.rank("deals.csv", "outcome", n_bins="ten")\n', encoding="utf-8")
    # icpfit.plot as installed (the module is checked, not just imported).
    for args in (["readme_snippet.py", "quickstart.py"], ["-m", icpfit.plot.__name__]):
        ok = mypy(tmp_path, *args)
        assert ok.returncode == 0 and "Success" in ok.stdout, ok.stdout + ok.stderr
    wrong = mypy(tmp_path, "wrong.py")
    assert wrong.returncode == 1 and 'Argument "n_bins" to "rank" has incompatible type "str"' in wrong.stdout, wrong.stdout
