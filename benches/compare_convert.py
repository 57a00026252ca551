"""What a dataframe costs: scoring and ranking 1M rows handed over as a
pyarrow table, a polars DataFrame or a pandas DataFrame, against the same
call on an ``icpfit.Table`` already in memory (the Rust-native time).
Everything a frame costs is included in its timing; the target is <= 1.2x.
Scoring reads float and categorical columns where they lie (no conversion;
see ``icpfit_core::score::BorrowedTable``); ranking converts the frame.

Data: the 1M x 20 tables of ``compare_score.py`` (scoring: 12 float64
columns with nulls, 8 low-cardinality string columns, 20 criteria) and
``compare_rank.py`` (ranking: the same shape plus a boolean target). Each
frame library is timed with its idiomatic string types: dictionary /
``Categorical`` / ``category`` (what ``to_polars`` / ``to_pandas`` give back
and what a CRM export's low-cardinality columns usually are), and, as a
second row, plain strings (``str`` / ``String`` / utf8), which have to be
hashed into levels on every call.

A frame's cost is mostly a fixed cost per call (reading its names and
types, laying out its columns: pandas' and polars' own Python), so its
ratio falls as frames grow: the scoring rows also split each input's time
into a fixed cost per call (a 1,000-row frame's) and a per-row cost, with
the rows from which the ratio is within 1.2x.

Ratios are measured in this one run (absolute times on a shared machine are
noisy): the inputs take turns, round after round, so that each meets the
machine in the same state, and each timing is the best of its ``--repeat``
rounds. Results from every frame are checked identical to the native ones.

    pip install -r python/requirements-test.txt && pip install .   (a release build)
    python benches/compare_convert.py [--rows 1000000] [--repeat 25]
"""

from __future__ import annotations

import argparse
import time
from typing import Any, Callable

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa

import compare_rank
import compare_score
import icpfit


def best_of(k: int, f: Callable[[], Any]) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(k):
        t0 = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t0)
    return min(times), out


def in_turns(rounds: int, calls: dict[str, Callable[[], Any]]) -> dict[str, tuple[float, Any]]:
    """Each call's best time and last result, the calls taking turns."""
    best: dict[str, float] = {name: float("inf") for name in calls}
    out: dict[str, Any] = {}
    for _ in range(rounds):
        for name, f in calls.items():
            t0 = time.perf_counter()
            out[name] = f()
            best[name] = min(best[name], time.perf_counter() - t0)
    return {name: (best[name], out[name]) for name in calls}


def after_scoring(rounds: int, scoring: Callable[[], Any], calls: dict[str, Callable[[], Any]]) -> dict[str, float]:
    """Each call's best time, each call made right after ``scoring`` (so
    that it meets the caches as a call in the rounds above does)."""
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, f in calls.items():
            scoring()
            t0 = time.perf_counter()
            f()
            times[name].append(time.perf_counter() - t0)
    return {name: min(v) for name, v in times.items()}


def frames(table: pa.Table) -> dict[str, Any]:
    """The same data in every frame library, categorical and plain-string."""
    plain = pa.table(
        {
            name: (col.cast(pa.string()) if pa.types.is_dictionary(col.type) else col)
            for name, col in zip(table.column_names, table.columns)
        }
    )
    categorical_pd = table.to_pandas()
    plain_pd = categorical_pd.copy()
    for name in plain_pd.columns:
        if isinstance(plain_pd[name].dtype, pd.CategoricalDtype):
            plain_pd[name] = plain_pd[name].astype("str")
    return {
        "pyarrow (dictionary)": table,
        "polars (Categorical)": pl.from_arrow(table),
        "pandas (category)": categorical_pd,
        "pyarrow (utf8)": plain,
        "polars (String)": pl.from_arrow(plain),
        "pandas (str)": plain_pd,
    }


def export_cost(frame: Any, repeat: int) -> float:
    """The frame library's own cost of handing its data over as Arrow (what
    any Arrow consumer pays before icpfit sees a byte)."""
    if isinstance(frame, pd.DataFrame):
        return best_of(repeat, lambda: pa.Table.from_pandas(frame))[0]
    if isinstance(frame, pl.DataFrame):
        return best_of(repeat, lambda: pa.table(frame))[0]
    return 0.0


def report(what: str, native: float, timings: dict[str, tuple[float, float]]) -> None:
    print(f"\n{what}: icpfit.Table (native) {native * 1e3:.1f} ms")
    print(f"  {'input':<22} {'time':>9} {'ratio':>7}  {'frame export':>12} {'ratio w/o export':>16}")
    for name, (t, export) in timings.items():
        flag = "ok" if t <= 1.2 * native else "over 1.2x"
        print(
            f"  {name:<22} {t * 1e3:7.1f} ms {t / native:6.2f}x  {export * 1e3:9.1f} ms "
            f"{(t - export) / native:15.2f}x  {flag}"
        )


def report_split(native: tuple[float, float], timings: dict[str, tuple[float, float]], rows: int) -> None:
    """Each input's cost split into a fixed cost per call (the best time
    of a 1,000-row frame, each call right after a scoring of ``rows``, as in
    the rounds above) and a per-row cost (the rest of its ``rows``-row time),
    the latter as a ratio to the native one: the first does not grow with the
    frame, so the ratio at ``rows`` falls toward the second as frames grow."""
    fixed0, t0 = native
    print(f"\n  split: a fixed cost per call + a per-row cost (native: {fixed0 * 1e3:.2f} ms + {(t0 - fixed0) * 1e3:.1f} ms)")
    print(f"  {'input':<22} {'fixed':>9} {'per-row ratio':>14} {'rows for 1.2x':>14}")
    for name, (fixed, t) in timings.items():
        # Tiny frames (a smoke run) may leave no per-row time to divide by.
        per_row = (t - fixed) / (t0 - fixed0) if t0 > fixed0 else float("nan")
        # t(n) / t0(n) <= 1.2 once the fixed costs are paid by the rows.
        slack = 1.2 * (t0 - fixed0) - (t - fixed)
        need = (fixed - 1.2 * fixed0) / slack * rows if slack > 0 else float("inf")
        print(f"  {name:<22} {fixed * 1e3:6.2f} ms {per_row:13.2f}x {max(need, 0):14,.0f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    # 25 rounds: on a shared 2-core machine the best of 5 or 12 still moved
    # the scoring ratios by ±0.05 from run to run.
    ap.add_argument("--repeat", type=int, default=25)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()

    print(f"scoring instruction set: {icpfit.instruction_set()}")
    _, data = compare_score.make(args.rows, args.seed)
    icp = compare_score.to_icp(compare_score.spec())
    table = icpfit.Table.from_arrow(data)
    inputs = {"native": table, **frames(data)}
    runs = in_turns(args.repeat, {name: (lambda d=d: icp.score(d)) for name, d in inputs.items()})
    t_native, expected = runs.pop("native")
    timings: dict[str, tuple[float, float]] = {}
    for name, (t, got) in runs.items():
        assert np.array_equal(got.points, expected.points), name
        assert np.array_equal(got.tier, expected.tier), name
        timings[name] = (t, export_cost(inputs[name], args.repeat))
    report(f"Icp.score, {args.rows:,} rows x 20 criteria", t_native, timings)
    small = {"native": icpfit.Table.from_arrow(data.slice(0, 1000)), **frames(data.slice(0, 1000))}
    fixed = after_scoring(args.repeat, lambda: icp.score(table), {n: (lambda d=d: icp.score(d)) for n, d in small.items()})
    split = {name: (fixed[name], t) for name, (t, _) in timings.items() if name in fixed}
    report_split((fixed["native"], t_native), split, args.rows)

    data, _, _ = compare_rank.make(args.rows, args.seed)
    table = icpfit.Table.from_arrow(data)
    inputs = {"native": table, **frames(data)}
    rounds = max(1, args.repeat // 2)
    runs = in_turns(rounds, {name: (lambda d=d: icpfit.rank(d, "won")) for name, d in inputs.items()})
    t_native, expected = runs.pop("native")
    timings = {}
    for name, (t, got) in runs.items():
        assert got.attributes == expected.attributes, name
        timings[name] = (t, export_cost(inputs[name], args.repeat))
    report(f"icpfit.rank, {args.rows:,} rows x 20 attributes", t_native, timings)


if __name__ == "__main__":
    main()
