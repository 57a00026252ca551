"""One-run comparison of CSV ingest on the same 1M-row synthetic CRM export:
icpfit.read_csv vs pandas.read_csv vs polars.read_csv (taking turns, best of
5 rounds each), with throughput in MB/s and rows/s and the ratios, all
measured in this run.

    cargo run --release --example gen_sample -- --rows 1000000 --out /tmp/icpfit-1m
    python benches/compare_ingest.py /tmp/icpfit-1m/deals.csv [rounds]
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

import pandas as pd
import polars as pl

import icpfit


def in_turns(rounds: int, readers: dict) -> tuple[dict, object]:
    """Each reader's best wall time over `rounds` rounds in which the readers
    take turns (so that each meets the shared machine in the same state),
    and icpfit's table. The previous call's result is released before the
    clock starts, so that no reader is charged for freeing the last table."""
    best = {name: float("inf") for name in readers}
    table = None
    for _ in range(rounds):
        for name, read in readers.items():
            out = None
            gc.collect()
            t0 = time.perf_counter()
            out = read()
            best[name] = min(best[name], time.perf_counter() - t0)
            if name == "icpfit":
                table = out
    return best, table


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/icpfit-1m/deals.csv")
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    mb = path.stat().st_size / 1e6
    best, table = in_turns(
        rounds,
        {
            "icpfit": lambda: icpfit.read_csv(path),
            "pandas": lambda: pd.read_csv(path),
            "polars": lambda: pl.read_csv(path),
        },
    )
    rows = table.n_rows
    for name, t in best.items():
        print(f"{name:<7} {t:6.2f} s  {mb / t:7.1f} MB/s  {rows / t / 1e6:5.2f} M rows/s")
    t_icp, t_pd, t_pl = best["icpfit"], best["pandas"], best["polars"]
    print(f"icpfit vs pandas: {t_pd / t_icp:.2f}x faster; vs polars: {t_icp / t_pl:.2f}x polars' time")


if __name__ == "__main__":
    main()
