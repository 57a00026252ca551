"""One-run comparison of CSV ingest on the same 1M-row synthetic CRM export:
icpfit.read_csv vs pandas.read_csv vs polars.read_csv (best of 5 each), with
throughput in MB/s and rows/s and the ratios, all measured in this run.

    cargo run --release --example gen_sample -- --rows 1000000 --out /tmp/icpfit-1m
    python benches/compare_ingest.py /tmp/icpfit-1m/deals.csv
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

import pandas as pd
import polars as pl

import icpfit


def best_of(k: int, f):
    """Best wall time of `k` calls. The previous call's result is released
    before the clock starts, so that no reader is charged for freeing the
    last table."""
    times = []
    out = None
    for _ in range(k):
        out = None
        gc.collect()
        t0 = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/icpfit-1m/deals.csv")
    mb = path.stat().st_size / 1e6
    t_icp, table = best_of(5, lambda: icpfit.read_csv(path))
    t_pd, _ = best_of(5, lambda: pd.read_csv(path))
    t_pl, _ = best_of(5, lambda: pl.read_csv(path))
    rows = table.n_rows
    for name, t in [("icpfit", t_icp), ("pandas", t_pd), ("polars", t_pl)]:
        print(f"{name:<7} {t:6.2f} s  {mb / t:7.1f} MB/s  {rows / t / 1e6:5.2f} M rows/s")
    print(f"icpfit vs pandas: {t_pd / t_icp:.2f}x faster; vs polars: {t_icp / t_pl:.2f}x polars' time")


if __name__ == "__main__":
    main()
