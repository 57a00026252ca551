"""Long work runs without the GIL; no Rust panic reaches Python."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

import icpfit
from icpfit import _icpfit


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("big") / "big.csv"
    industries = ["fintech", "retail", "health", "saas", "logistics"]
    with p.open("w") as f:
        f.write("account_id,industry,employees,arr,tech_stack,close_date,won\n")
        for i in range(300_000):
            f.write(
                f"a{i},{industries[i % 5]},{i % 5000},{i * 1.5:.1f},"
                f"dbt;s{i % 7},2024-0{1 + i % 9}-1{i % 10},{'yes' if i % 3 else 'no'}\n"
            )
    return p


def test_other_threads_run_while_a_csv_is_read(big_csv: Path) -> None:
    """A counter thread keeps ticking during read_csv: the GIL is released.

    Not a timing comparison: with the GIL held, the counter could not advance
    at all while the Rust call runs; here it must advance many times.
    """
    ticks: list[float] = []
    stop = threading.Event()

    def count() -> None:
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.0005)

    worker = threading.Thread(target=count)
    worker.start()
    # Reads are fast: repeat them until a quarter second has been spent in
    # read_csv, and count the ticks strictly inside each call.
    windows: list[tuple[float, float]] = []
    try:
        time.sleep(0.02)  # let the worker start
        while sum(e - s for s, e in windows) < 0.25 and len(windows) < 50:
            start = time.perf_counter()
            t = icpfit.read_csv(big_csv)
            windows.append((start, time.perf_counter()))
    finally:
        stop.set()
        worker.join()
    assert t.n_rows == 300_000
    duration = sum(e - s for s, e in windows)
    inside = [
        x
        for s, e in windows
        for x in ticks
        if s + min(0.005, (e - s) / 10) < x < e - min(0.005, (e - s) / 10)
    ]
    assert duration > 0.05, f"{len(windows)} reads took {duration:.3f}s: too short to tell"
    assert len(inside) >= 10, f"{len(inside)} ticks in {duration:.3f}s of reads: the GIL was held"


def test_a_rust_panic_becomes_an_internal_error() -> None:
    with pytest.raises(icpfit.InternalError) as e:
        _icpfit._panic_for_tests("boom at row 3")
    assert str(e.value) == "internal error (a bug in icpfit; please report it): boom at row 3"
    assert isinstance(e.value, icpfit.IcpfitError)
    assert isinstance(e.value, Exception)  # pyo3's PanicException is a BaseException
    # The interpreter and the module are fine afterwards.
    assert icpfit.Field("x", "flag").kind == "flag"
