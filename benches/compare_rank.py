"""One-run comparison of icpfit's full predictor ranking with the Python tools
our users run today, on the same generated data (1M rows x 20 attributes:
12 numeric, 8 categorical with 3-40 levels, binary target):

- sklearn.feature_selection.mutual_info_classif (numeric + label-encoded categoricals),
- optbinning.BinningProcess(...).fit + its IV summary,
- scipy.stats.chi2_contingency on the categoricals + mannwhitneyu on the numerics,

and checks that chi2 / U p-values / MI agree where the definitions coincide.
Ratios are measured in this one run (absolute times on a shared machine are noisy).

    pip install -r python/requirements-test.txt -r benches/requirements-bench.txt && pip install .
    python benches/compare_rank.py [--rows 1000000] [--skip-slow]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pyarrow as pa

import icpfit

LEVELS = [3, 5, 8, 12, 20, 25, 30, 40]


def make(n: int, seed: int) -> tuple[pa.Table, dict[str, np.ndarray], np.ndarray]:
    rng = np.random.default_rng(seed)
    cols: dict[str, np.ndarray] = {}
    logit = np.full(n, -0.5)
    for j in range(12):
        kind = j % 3
        if kind == 0:
            x = np.round(np.exp(rng.normal(5.0, 1.1, n)))
        elif kind == 1:
            x = np.floor(rng.random(n) * 10)
        else:
            x = rng.normal(0, 1, n)
        if j == 0:
            logit += 0.8 * ((x >= 200) & (x < 2000))
        elif j == 1:
            logit += 0.08 * x
        elif j == 2:
            logit += 0.3 * x
        x[rng.random(n) < 0.05] = np.nan
        cols[f"num_{j:02d}"] = x
    for j, k in enumerate(LEVELS):
        codes = rng.integers(0, k, n)
        if j < 2:
            logit += 0.7 * (codes == 0)
        cols[f"cat_{j:02d}"] = codes
    won = rng.random(n) < 1 / (1 + np.exp(-logit))
    arrays = {name: (pa.array(v) if name.startswith("num") else pa.array(np.char.add(f"{name}_", v.astype(str))).dictionary_encode()) for name, v in cols.items()}
    arrays["won"] = pa.array(won)
    return pa.table(arrays), cols, won


def best_of(k: int, f):
    times, out = [], None
    for _ in range(k):
        t0 = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--skip-slow", action="store_true", help="skip mutual_info_classif (about 70 s at 1M rows)")
    args = ap.parse_args()
    data, cols, won = make(args.rows, args.seed)
    table = icpfit.Table.from_arrow(data)
    t_icp, ranking = best_of(3, lambda: icpfit.rank(table, "won"))
    t_conv, _ = best_of(3, lambda: icpfit.rank(data, "won"))
    print(f"rows {args.rows:,}; icpfit full ranking: {t_icp * 1000:.0f} ms (from a pyarrow table, conversion included: {t_conv * 1000:.0f} ms)")
    r = ranking.to_pandas().set_index("attribute")

    from scipy import stats

    def scipy_tests():
        out = {}
        for name, v in cols.items():
            if name.startswith("cat"):
                t = np.zeros((v.max() + 1, 2))
                np.add.at(t, (v, won.astype(int)), 1)
                out[name] = stats.chi2_contingency(t, correction=False)
            else:
                ok = ~np.isnan(v)
                out[name] = stats.mannwhitneyu(v[ok & won], v[ok & ~won], alternative="two-sided", method="asymptotic")
        return out

    t_scipy, sc = best_of(1, scipy_tests)
    worst_chi = max(abs(r.loc[n, "statistic"] / sc[n].statistic - 1) for n in cols if n.startswith("cat"))
    worst_u = max(abs(r.loc[n, "mann_whitney_p"] - sc[n].pvalue) for n in cols if n.startswith("num"))
    print(f"scipy chi2_contingency (8) + mannwhitneyu (12): {t_scipy:.2f} s -> icpfit is {t_scipy / t_icp:.1f}x faster; "
          f"chi2 max rel diff {worst_chi:.1e}, Mann-Whitney p max abs diff {worst_u:.1e}")

    from sklearn.metrics import mutual_info_score

    worst_mi = max(abs(r.loc[n, "mi"] - mutual_info_score(cols[n], won)) for n in cols if n.startswith("cat"))
    print(f"MI (categoricals) vs sklearn.metrics.mutual_info_score: max abs diff {worst_mi:.1e}")

    from optbinning import BinningProcess
    import pandas as pd

    frame = pd.DataFrame({n: (v if n.startswith("num") else v.astype(str)) for n, v in cols.items()})
    cats = [n for n in cols if n.startswith("cat")]

    def optb():
        bp = BinningProcess(list(cols), categorical_variables=cats)
        bp.fit(frame, won.astype(int))
        return bp.summary()

    t_opt, summary = best_of(1, optb)
    iv_opt = summary.set_index("name")["iv"].astype(float)
    rho = pd.Series(r["iv"]).loc[iv_opt.index].rank().corr(iv_opt.rank())
    print(f"optbinning BinningProcess.fit + summary: {t_opt:.2f} s -> icpfit is {t_opt / t_icp:.0f}x faster; "
          f"IV rank correlation with optbinning's own (optimal) bins: {rho:.3f}")

    if not args.skip_slow:
        from sklearn.feature_selection import mutual_info_classif

        X = np.column_stack([np.nan_to_num(cols[n], nan=-1.0) for n in cols])
        discrete = [n.startswith("cat") for n in cols]
        t_mi, _ = best_of(1, lambda: mutual_info_classif(X, won, discrete_features=discrete, random_state=0))
        print(f"sklearn mutual_info_classif: {t_mi:.1f} s -> icpfit is {t_mi / t_icp:.0f}x faster")


if __name__ == "__main__":
    main()
