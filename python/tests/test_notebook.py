"""The example notebooks: stored clean (no outputs, no execution counts, no
machine's paths) and run top to bottom on a fresh ``python3`` kernel of this
interpreter, the way a user opens them (from their own folder)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "examples" / "notebooks"
ALL = sorted(NOTEBOOKS.glob("*.ipynb"))
# An absolute path of some machine: /home/…, /Users/…, C:\…, file://…
ABSOLUTE = re.compile(r"(?:/(?:home|Users|root|tmp|work|mnt|opt|var)/|[A-Za-z]:\\\\|file://)")


def test_there_are_notebooks() -> None:
    assert [p.name for p in ALL] == ["quickstart.ipynb"]


def stored_problems(path: Path) -> list[str]:
    """What is wrong with ``path`` as a notebook to commit: outputs,
    execution counts or timings, an absolute path, another kernel, or a
    format Jupyter would rewrite on save."""
    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    nbformat.validate(nb)
    problems = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if cell.outputs:
            problems.append(f"cell {cell.get('id')}: outputs are stored")
        if cell.execution_count is not None:
            problems.append(f"cell {cell.get('id')}: an execution count is stored")
        if cell.metadata.get("execution"):
            problems.append(f"cell {cell.get('id')}: execution timings are stored")
    if nb.metadata.get("kernelspec", {}).get("name") != "python3":
        problems.append("the kernel is not python3")
    if m := ABSOLUTE.search(text):
        problems.append(f"an absolute path: {m.group(0)}…")
    if text != nbformat.writes(nb) + "\n":
        problems.append("not in Jupyter's own format (nbformat.write)")
    return problems


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    assert [c for c in nb.cells if c.cell_type == "code"]
    assert stored_problems(path) == []


@pytest.mark.slow
def test_quickstart_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The kernel inherits the environment: the notebook's default inline
    # backend (not a test's Agg), and IPython / Jupyter state kept out of $HOME.
    monkeypatch.delenv("MPLBACKEND", raising=False)
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    path = NOTEBOOKS / "quickstart.ipynb"
    stored = path.read_text(encoding="utf-8")
    nb = nbformat.reads(stored, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        kernel_name="python3",
        timeout=120,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    t0 = time.perf_counter()
    client.execute()  # raises CellExecutionError on the first failing cell
    elapsed = time.perf_counter() - t0
    print(f"quickstart.ipynb executed in {elapsed:.1f} s")

    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    stderr = [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert not stderr, f"the notebook wrote to stderr (warnings?): {stderr}"
    # Every plot cell shows its figure.
    plot_cells = [c for c in nb.cells if c.cell_type == "code" and "icpfit.plot." in c.source]
    assert len(plot_cells) == 7
    for cell in plot_cells:
        images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        assert len(images) == 1, cell.source
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "Of 100 accounts matching Quickstart ICP" in text
    assert "Set a floor of 50 on employees" in text
    assert "# Quarterly ICP review" in text
    # The run left the stored notebook as it was; saved, the executed one
    # would fail the check above.
    assert path.read_text(encoding="utf-8") == stored
    executed = tmp_path / "executed.ipynb"
    nbformat.write(nb, executed)
    problems = stored_problems(executed)
    assert any("outputs are stored" in p for p in problems)
    assert any("execution count" in p for p in problems)
