"""Reference fixtures for the univariate statistics kernels of icpfit-core.

Run from the repository root:

    python python/tests/reference/fixtures_univariate.py

Needs numpy, scipy, scikit-learn and statsmodels. Writes
``crates/icpfit-core/tests/fixtures/univariate_<kernel>.json``: seeded inputs
(``numpy.random.default_rng``), the expected outputs, and in ``reference``
the exact library call that produced them. The Rust tests in
``crates/icpfit-core/tests/stats_univariate.rs`` assert every case.

Encoding: non-finite floats are written as the strings "nan", "inf", "-inf"
(JSON has no literal for them). A case whose expected outcome is an error has
``"expected_error": "<Error variant>"`` instead of expected values.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import scipy
import sklearn
import statsmodels
from scipy import stats
from scipy.stats.contingency import association
from sklearn.metrics import mutual_info_score, roc_auc_score
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

OUT = Path("crates/icpfit-core/tests/fixtures")
MAX_BYTES = 300_000

VERSIONS = {
    "numpy": np.__version__,
    "scipy": scipy.__version__,
    "scikit-learn": sklearn.__version__,
    "statsmodels": statsmodels.__version__,
}


def enc(x):
    """JSON-safe value: non-finite floats become strings, numpy -> Python."""
    if isinstance(x, dict):
        return {k: enc(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, np.ndarray)):
        return [enc(v) for v in x]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return x
    return x


def write(kernel: str, reference: str, cases: list[dict], notes: str = "") -> None:
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), f"duplicate case names in {kernel}"
    head = {
        "kernel": kernel,
        "reference": reference,
        "notes": notes,
        "generated_by": "python/tests/reference/fixtures_univariate.py",
        "versions": VERSIONS,
    }
    # One case per line: small diffs when a case changes.
    body = ",\n".join(json.dumps(enc(c), separators=(",", ":")) for c in cases)
    text = json.dumps(head, indent=1)[:-2] + ',\n "cases": [\n' + body + "\n ]\n}\n"
    json.loads(text)  # well-formed
    path = OUT / f"univariate_{kernel}.json"
    path.write_text(text)
    size = path.stat().st_size
    assert size < MAX_BYTES, f"{path} is {size} bytes"
    print(f"{path}: {len(cases)} cases, {size} bytes")


# ----------------------------------------------------------------------------
# Contingency tables: chi-square, Cramér's V, mutual information
# ----------------------------------------------------------------------------


def reduced(t: np.ndarray) -> np.ndarray:
    """The table without zero-margin rows and columns (what the kernel uses)."""
    t = np.asarray(t, dtype=float)
    return t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]


def tables() -> list[tuple[str, np.ndarray]]:
    rng = np.random.default_rng(101)
    out = [
        ("scipy_doc_4x2", np.array([[100, 150], [203, 322], [420, 700], [320, 210]])),
        ("small_2x2", np.array([[3, 1], [1, 3]])),
        ("tiny_n3", np.array([[1, 0], [1, 1]])),
        ("zero_cell", np.array([[0, 5], [7, 3]])),
        ("level_in_one_class_only", np.array([[10, 0], [5, 5], [3, 12]])),
        ("zero_row_and_zero_col", np.array([[4, 0, 6], [0, 0, 0], [9, 0, 2]])),
        ("independent_exactly", np.array([[10, 20], [30, 60]])),
        ("far_tail", np.array([[300, 200], [200, 300]])),
        ("very_far_tail", np.array([[900, 100], [100, 900]])),
        ("perfect_association", np.array([[7, 0], [0, 3]])),
        ("random_3x4", rng.poisson(8.0, size=(3, 4))),
        ("random_5x3_sparse", rng.poisson(0.8, size=(5, 3)) + np.eye(5, 3, dtype=int)),
        ("one_row", np.array([[5, 7, 2]])),
        ("one_col", np.array([[5], [7], [2]])),
        ("one_class_after_drop", np.array([[0, 5], [0, 3], [0, 1]])),
        ("weighted_2x2", rng.gamma(2.0, 1.5, size=(2, 2))),
        ("weighted_4x2_zero_row", np.vstack([rng.gamma(2.0, 3.0, size=(3, 2)), [0.0, 0.0]])),
        ("weighted_3x3", rng.gamma(0.7, 2.0, size=(3, 3))),
    ]
    # A 1,200-level attribute over 20,000 accounts: Zipf-like level
    # frequencies, level-dependent win rates; many levels are empty or have
    # a single account (zero rows, levels present in one class only).
    levels = 1200
    p = 1.0 / np.arange(1, levels + 1) ** 1.1
    p /= p.sum()
    codes = rng.choice(levels, size=20_000, p=p)
    rate = rng.beta(2, 5, size=levels)
    won = rng.random(20_000) < rate[codes]
    big = np.zeros((levels, 2), dtype=np.int64)
    np.add.at(big, (codes, won.astype(int)), 1)
    assert (big.sum(axis=1) == 0).any() and ((big == 0).sum(axis=1) == 1).any()
    out.append(("levels_1200", big))
    # The same with fractional weights per account.
    w = rng.gamma(1.0, 1.0, size=20_000)
    bigw = np.zeros((levels, 2))
    np.add.at(bigw, (codes, won.astype(int)), w)
    out.append(("levels_1200_weighted", np.round(bigw, 6)))
    return out


def is_int(t) -> bool:
    return np.issubdtype(np.asarray(t).dtype, np.integer)


def contingency_fixtures() -> None:
    chi_cases, v_cases, mi_cases = [], [], []
    for name, t in tables():
        t = np.asarray(t)
        rows, cols = t.shape
        base = {"name": name, "rows": rows, "cols": cols, "cells": t.ravel().tolist()}
        r = reduced(t)
        kept = (r.shape[0], r.shape[1]) if r.size else (0, 0)
        # chi-square: scipy on the reduced table (scipy raises on zero margins).
        if min(kept) < 2:
            chi = {"statistic": 0.0, "p_value": 1.0, "dof": 0}
            res = stats.chi2_contingency(t, correction=False) if r.shape == t.shape else None
            if res is not None:
                assert res.statistic == 0.0 and res.pvalue == 1.0 and res.dof == 0
        else:
            res = stats.chi2_contingency(r.astype(np.int64) if is_int(t) else r,
                                         correction=False)
            chi = {"statistic": res.statistic, "p_value": res.pvalue, "dof": int(res.dof)}
        note = {}
        if r.shape != t.shape:
            note = {"reference_note": "computed on the table without zero-margin rows/columns"}
        chi_cases.append({**base, **chi, **note})
        # Cramér's V.
        if min(kept) < 2:
            v_cases.append({**base, "expected_error": "InsufficientData"})
        elif is_int(t):
            v_cases.append({**base, "v": association(r.astype(np.int64), method="cramer"), **note})
        else:
            res = stats.chi2_contingency(r, correction=False)
            v = math.sqrt(res.statistic / r.sum() / (min(r.shape) - 1))
            v_cases.append({**base, "v": v, "reference_note":
                            "weighted table: sqrt(chi2_contingency(t, correction=False)"
                            ".statistic / N / (min(r, c) - 1)) (association() takes integers)"})
        # Mutual information.
        if is_int(t):
            mi = mutual_info_score(None, None, contingency=t)
            mi_cases.append({**base, "mi": mi})
        else:
            mi_cases.append({**base, "mi": mi_formula(t), "reference_note":
                             "weighted table: sklearn's formula evaluated with numpy on float "
                             "counts (mutual_info_score casts its contingency to int)"})
            # The formula replica agrees with sklearn on integer tables.
            ti = np.round(t * 100).astype(np.int64)
            assert math.isclose(mi_formula(ti.astype(float)),
                                mutual_info_score(None, None, contingency=ti), rel_tol=1e-12)
    # Empty table: an error for chi-square and V, 0 for MI.
    empty = {"name": "all_zero", "rows": 2, "cols": 2, "cells": [0, 0, 0, 0]}
    chi_cases.append({**empty, "expected_error": "InsufficientData"})
    v_cases.append({**empty, "expected_error": "InsufficientData"})
    mi_cases.append({**empty, "mi": 0.0, "reference_note": "documented value (sklearn: nan)"})
    write("chi_square", "scipy.stats.chi2_contingency(t, correction=False)", chi_cases,
          "statistic, pvalue, dof")
    write("cramers_v", 'scipy.stats.contingency.association(t, method="cramer")', v_cases)
    write("mutual_information", "sklearn.metrics.mutual_info_score(None, None, contingency=t)",
          mi_cases, "nats")


def mi_formula(t: np.ndarray) -> float:
    """sklearn.metrics.mutual_info_score's formula, on float counts."""
    t = np.asarray(t, dtype=float)
    n = t.sum()
    pi, pj = t.sum(axis=1), t.sum(axis=0)
    if pi.size == 1 or pj.size == 1:
        return 0.0
    nzx, nzy = np.nonzero(t)
    nz = t[nzx, nzy]
    c = nz / n
    mi = c * (np.log(nz) - math.log(n)) + c * (-np.log(pi[nzx] * pj[nzy]) + math.log(pi.sum())
                                              + math.log(pj.sum()))
    mi = np.where(np.abs(mi) < np.finfo(mi.dtype).eps, 0.0, mi)
    return float(np.clip(mi.sum(), 0.0, None))


# ----------------------------------------------------------------------------
# Fisher's exact test
# ----------------------------------------------------------------------------


def fisher_fixtures() -> None:
    rng = np.random.default_rng(202)
    tabs = [("grid", (a, b, c, d)) for a in range(7) for b in range(7)
            for c in range(7) for d in range(7)]
    tabs += [
        ("scipy_doc", (8, 2, 1, 5)),
        ("symmetric_ties", (30, 50, 50, 30)),
        ("far_tail", (100, 0, 0, 100)),
        ("medium_far_tail", (60, 40, 25, 75)),
        ("large", (1200, 800, 900, 1100)),
        ("large_unbalanced", (3, 4000, 40, 3900)),
        ("row_sum_exceeds", (19, 0, 0, 1)),
    ]
    for _ in range(60):
        n = int(rng.integers(10, 5000))
        p = rng.dirichlet([1, 1, 1, 1])
        tabs.append(("random", tuple(int(x) for x in rng.multinomial(n, p))))
    cases = []
    for i, (kind, (a, b, c, d)) in enumerate(tabs):
        res = stats.fisher_exact([[a, b], [c, d]])
        cases.append({"name": f"{kind}_{i}", "table": [a, b, c, d],
                      "odds_ratio": res.statistic, "p_value": res.pvalue})
    write("fisher_exact", "scipy.stats.fisher_exact([[a, b], [c, d]])", cases,
          "two-sided; table = [a, b, c, d]; every table with cells 0..=6, plus larger ones")


# ----------------------------------------------------------------------------
# Rates
# ----------------------------------------------------------------------------


def wilson_fixtures() -> None:
    rng = np.random.default_rng(303)
    inputs = []
    for n in [1, 2, 3, 4, 7, 20, 100, 5000]:
        for k in sorted({0, 1, n // 3, n // 2, n - 1, n}):
            if 0 <= k <= n:
                for conf in [0.8, 0.95, 0.99]:
                    inputs.append((float(k), float(n), conf))
    for _ in range(20):  # weighted (non-integer) counts
        n = float(rng.gamma(2.0, 30.0))
        k = float(n * rng.random())
        inputs.append((k, n, float(rng.choice([0.9, 0.95, 0.999]))))
    inputs.append((0.0, 0.37, 0.95))
    inputs.append((0.37, 0.37, 0.95))
    cases = []
    for i, (k, n, conf) in enumerate(inputs):
        lo, hi = proportion_confint(k, n, alpha=1 - conf, method="wilson")
        cases.append({"name": f"k{k:g}_n{n:g}_c{conf}_{i}", "successes": k, "n": n,
                      "confidence": conf, "lo": lo, "hi": hi})
    for i, (k, n, conf) in enumerate([(1.0, 0.0, 0.95), (3.0, 2.0, 0.95), (-1.0, 2.0, 0.95),
                                      (1.0, 2.0, 1.0), (1.0, 2.0, 0.0), ("nan", 2.0, 0.95)]):
        cases.append({"name": f"invalid_{i}", "successes": k, "n": n, "confidence": conf,
                      "expected_error": "InvalidArgument"})
    write("wilson", 'statsmodels.stats.proportion.proportion_confint(k, n, '
          'alpha=1 - confidence, method="wilson")', cases,
          "the kernel clamps lo to [0, k/n] and hi to [k/n, 1]; compared with abs 1e-15 "
          "at the bounds")


def rate_ratio_fixtures() -> None:
    rng = np.random.default_rng(404)
    inputs = [
        (3.0, 10.0, 4.0, 9.0, 0.95),
        (30.0, 100.0, 15.0, 120.0, 0.95),
        (300.0, 400.0, 3.0, 3.0, 0.9),  # b = n2: zero cell
        (0.0, 10.0, 5.0, 10.0, 0.95),  # a = 0
        (0.0, 4.0, 0.0, 8.0, 0.95),  # both zero
        (7.0, 7.0, 3.0, 9.0, 0.9),  # a = n1
        (1.0, 1.0, 1.0, 1.0, 0.95),  # n = 1, all rates 1
        (1.0, 2.0, 1.0, 2.0, 0.99),  # tiny, equal
        (2500.0, 5000.0, 2000.0, 5000.0, 0.95),
    ]
    for _ in range(25):
        n1, n2 = (float(x) for x in rng.integers(1, 400, size=2))
        a, b = float(rng.integers(0, n1 + 1)), float(rng.integers(0, n2 + 1))
        inputs.append((a, n1, b, n2, 0.95))
    for _ in range(10):  # weighted
        n1, n2 = (float(x) for x in rng.gamma(3.0, 20.0, size=2))
        inputs.append((n1 * float(rng.random()), n1, n2 * float(rng.random()), n2, 0.9))
    cases = []
    for i, (a, n1, b, n2, conf) in enumerate(inputs):
        t = np.array([[a, n1 - a], [b, n2 - b]], dtype=float)
        corrected = bool((t == 0).any())
        if corrected:
            t = t + 0.5
        tab = Table2x2(t, shift_zeros=False)
        lo, hi = tab.riskratio_confint(alpha=1 - conf)
        case = {"name": f"rr_{i}", "a": a, "n1": n1, "b": b, "n2": n2, "confidence": conf,
                "ratio": tab.riskratio, "lo": lo, "hi": hi, "corrected": corrected}
        if corrected:
            case["reference_note"] = "Table2x2(t + 0.5, shift_zeros=False) (Haldane-Anscombe)"
        cases.append(case)
    for i, bad in enumerate([(1.0, 0.0, 1.0, 2.0, 0.95), (3.0, 2.0, 1.0, 2.0, 0.95),
                             (1.0, 2.0, -1.0, 2.0, 0.95), (1.0, 2.0, 1.0, 2.0, 1.5)]):
        a, n1, b, n2, conf = bad
        cases.append({"name": f"invalid_{i}", "a": a, "n1": n1, "b": b, "n2": n2,
                      "confidence": conf, "expected_error": "InvalidArgument"})
    write("rate_ratio", "statsmodels.stats.contingency_tables.Table2x2([[a, n1-a], [b, n2-b]], "
          "shift_zeros=False).riskratio / .riskratio_confint(alpha=1 - confidence)", cases,
          "when a cell is 0, 0.5 is added to all four cells first (Haldane-Anscombe); "
          "statsmodels' default shift_zeros=True would replace only the zero cells")


def shrunken_rate_fixtures() -> None:
    rng = np.random.default_rng(505)
    inputs = [(3.0, 3.0, 0.3, 20.0), (300.0, 400.0, 0.3, 20.0), (0.0, 0.0, 0.3, 10.0),
              (0.0, 5.0, 0.2, 0.0), (5.0, 5.0, 0.2, 0.0), (2.0, 9.0, 0.0, 4.0),
              (2.0, 9.0, 1.0, 4.0), (0.5, 1.25, 0.4, 2.5)]
    for _ in range(20):
        n = float(rng.integers(0, 1000))
        inputs.append((float(rng.integers(0, n + 1)), n, float(rng.random()),
                       float(rng.gamma(2.0, 10.0))))
    cases = []
    for i, (k, n, r, m) in enumerate(inputs):
        a, b = k + r * m, n - k + (1 - r) * m
        if a > 0 and b > 0:
            want, note = stats.beta(a, b).mean(), {}
        else:
            want = (k + r * m) / (n + m)
            note = {"reference_note": "(k + r*m)/(n + m): a Beta parameter is 0"}
        cases.append({"name": f"shrink_{i}", "successes": k, "n": n, "prior_rate": r,
                      "prior_strength": m, "rate": want, **note})
    for i, (k, n, r, m) in enumerate([(3.0, 2.0, 0.3, 1.0), (-1.0, 2.0, 0.3, 1.0),
                                      (1.0, 2.0, 1.5, 1.0), (1.0, 2.0, 0.3, -1.0),
                                      (0.0, 0.0, 0.3, 0.0), ("nan", 2.0, 0.3, 1.0)]):
        cases.append({"name": f"invalid_{i}", "successes": k, "n": n, "prior_rate": r,
                      "prior_strength": m, "rate": "nan",
                      "reference_note": "documented NaN for invalid input"})
    write("shrunken_rate", "scipy.stats.beta(k + r*m, n - k + (1 - r)*m).mean()", cases,
          "posterior mean under a Beta(r*m, (1-r)*m) prior")


def bh_fixtures() -> None:
    rng = np.random.default_rng(606)
    vectors = [
        ("single", [0.03]),
        ("two", [0.04, 0.01]),
        ("ties", [0.01, 0.01, 0.02, 0.02, 0.02, 0.5, 0.5]),
        ("zeros_and_ones", [0.0, 1.0, 0.0, 0.3, 1.0]),
        ("with_nan", [0.01, float("nan"), 0.04, 0.03, float("nan"), 0.9]),
        ("all_nan", [float("nan"), float("nan")]),
        ("empty", []),
        ("uniform_200", rng.random(200).tolist()),
        ("mixture_2000", np.concatenate([rng.random(1800), rng.beta(0.1, 20, 200)]).tolist()),
        ("tiny_p", [1e-300, 1e-200, 5e-12, 0.2]),
    ]
    cases = []
    for name, p in vectors:
        p = np.asarray(p, dtype=float)
        q = np.full(p.shape, np.nan)
        ok = ~np.isnan(p)
        if ok.any():
            q[ok] = multipletests(p[ok], method="fdr_bh")[1]
        case = {"name": name, "p": p.tolist(), "q": q.tolist()}
        if not ok.all():
            case["reference_note"] = "multipletests on the non-NaN p-values; NaN passed through"
        cases.append(case)
    cases.append({"name": "invalid_above_one", "p": [0.5, 1.5], "expected_error":
                  "InvalidArgument"})
    cases.append({"name": "invalid_inf", "p": [0.5, float("inf")], "expected_error":
                  "InvalidArgument"})
    write("benjamini_hochberg", 'statsmodels.stats.multitest.multipletests(p, method="fdr_bh")[1]',
          cases)


# ----------------------------------------------------------------------------
# Two-sample rank statistics
# ----------------------------------------------------------------------------


def samples(seed: int, weighted: bool) -> list[dict]:
    """Two-class samples: pos, neg (with NaN sometimes), optional weights."""
    rng = np.random.default_rng(seed)
    nan = float("nan")
    out = [
        ("n1_n1", [1.0], [2.0]),
        ("n2_n1", [1.0, 2.0], [3.0]),
        ("n3_n4_interleaved", [1.0, 4.0, 6.0], [2.0, 3.0, 5.0, 7.0]),
        ("constant_all", [3.0, 3.0, 3.0], [3.0, 3.0]),
        ("constant_within_class", [5.0, 5.0, 5.0, 5.0], [1.0, 1.0, 1.0]),
        ("ties_everywhere", rng.integers(0, 5, 40).astype(float).tolist(),
         rng.integers(0, 4, 25).astype(float).tolist()),
        ("binary_values", rng.integers(0, 2, 300).astype(float).tolist(),
         rng.integers(0, 2, 500).astype(float).tolist()),
        ("normal_shift", np.round(rng.normal(0.3, 1.0, 200), 4).tolist(),
         np.round(rng.normal(0.0, 1.3, 150), 4).tolist()),
        ("with_nan_and_inf", [1.5, nan, 2.5, float("inf"), 0.5, nan],
         [0.5, 1.0, nan, float("-inf"), 2.0]),
        ("value_in_one_class_only", [9.0, 9.0, 1.0, 2.0], [1.0, 2.0, 2.0, 3.0]),
        ("far_tail", np.round(rng.normal(3.0, 1.0, 300), 3).tolist(),
         np.round(rng.normal(0.0, 1.0, 300), 3).tolist()),
        ("lognormal_large_5000", np.round(rng.lognormal(3.1, 1.0, 2000), 1).tolist(),
         np.round(rng.lognormal(3.0, 1.1, 3000), 1).tolist()),
        ("identical_samples", [1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]),
        ("negative_zero", [-0.0, 0.0, 1.0], [0.0, -1.0]),
    ]
    cases = []
    for name, pos, neg in out:
        case = {"name": name, "pos": pos, "neg": neg}
        if weighted:
            case["pos_weights"] = np.round(rng.gamma(1.5, 1.0, len(pos)), 3).tolist()
            case["neg_weights"] = np.round(rng.gamma(1.5, 1.0, len(neg)), 3).tolist()
        cases.append(case)
    if weighted:
        # Zero weights on a few rows; integer weights (== replicated rows).
        c = dict(cases[7])
        c["name"] = "normal_shift_some_zero_weights"
        pw = np.array(c["pos_weights"])
        pw[::7] = 0.0
        c["pos_weights"] = pw.tolist()
        cases.append(c)
        c = dict(cases[5])
        c["name"] = "ties_everywhere_integer_weights"
        c["pos_weights"] = rng.integers(1, 4, len(c["pos"])).astype(float).tolist()
        c["neg_weights"] = rng.integers(1, 4, len(c["neg"])).astype(float).tolist()
        cases.append(c)
    return cases


def clean(xs) -> np.ndarray:
    x = np.asarray(xs, dtype=float)
    return x[~np.isnan(x)]


def clean_w(xs, ws) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.asarray(xs, dtype=float), np.asarray(ws, dtype=float)
    ok = ~np.isnan(x)
    return x[ok], w[ok]


def mann_whitney_fixtures() -> None:
    cases = []
    for c in samples(707, weighted=False):
        pos, neg = clean(c["pos"]), clean(c["neg"])
        res = stats.mannwhitneyu(pos, neg, alternative="two-sided", method="asymptotic")
        auc = res.statistic / (len(pos) * len(neg))
        cases.append({**c, "u": res.statistic, "p_value": res.pvalue, "auc": auc})
    cases.append({"name": "one_class", "pos": [1.0, 2.0], "neg": [], "expected_error":
                  "OneClass"})
    cases.append({"name": "all_nan_class", "pos": [1.0, 2.0], "neg": [float("nan")],
                  "expected_error": "OneClass"})
    cases.append({"name": "empty", "pos": [], "neg": [], "expected_error": "InsufficientData"})
    write("mann_whitney", 'scipy.stats.mannwhitneyu(pos, neg, alternative="two-sided", '
          'method="asymptotic") on the NaN-free samples', cases,
          "u = statistic (U of pos), auc = u / (n_pos n_neg)")


def roc_auc_fixtures() -> None:
    cases = []
    for weighted in (False, True):
        for c in samples(808 + weighted, weighted=weighted):
            if weighted:
                pos, pw = clean_w(c["pos"], c["pos_weights"])
                neg, nw = clean_w(c["neg"], c["neg_weights"])
                w = np.concatenate([pw, nw])
                c = {**c, "name": "weighted_" + c["name"]}
            else:
                pos, neg = clean(c["pos"]), clean(c["neg"])
                w = None
            y = np.r_[np.ones(len(pos)), np.zeros(len(neg))]
            s = np.r_[pos, neg]
            note = {}
            if np.isinf(s).any():
                # sklearn rejects infinities; the AUC only depends on the order.
                s = np.clip(s, -1e308, 1e308)
                note = {"reference_note": "+-inf replaced by +-1e308 for sklearn (order kept)"}
            cases.append({**c, "auc": roc_auc_score(y, s, sample_weight=w), **note})
    cases.append({"name": "one_class", "pos": [], "neg": [1.0], "expected_error": "OneClass"})
    cases.append({"name": "zero_weight_class", "pos": [1.0, 2.0], "neg": [1.5],
                  "pos_weights": [0.0, 0.0], "neg_weights": [1.0],
                  "expected_error": "InvalidArgument"})
    write("roc_auc", "sklearn.metrics.roc_auc_score(y, values, sample_weight=w) on the "
          "NaN-free samples (y = 1 for pos)", cases)


def weighted_ks(pos, neg, wp, wn) -> float:
    """max |F_pos - F_neg| of weighted ECDFs, evaluated at every pooled value."""
    op, on = np.argsort(pos, kind="stable"), np.argsort(neg, kind="stable")
    ps, pws = pos[op], wp[op]
    ns, nws = neg[on], wn[on]
    cp = np.r_[0.0, np.cumsum(pws)]
    cn = np.r_[0.0, np.cumsum(nws)]
    allv = np.concatenate([ps, ns])
    fp = cp[np.searchsorted(ps, allv, side="right")] / cp[-1]
    fn = cn[np.searchsorted(ns, allv, side="right")] / cn[-1]
    d = fp - fn
    return float(max(d.max(), np.clip(-d.min(), 0, 1)))


def ks_fixtures() -> None:
    cases = []
    for weighted in (False, True):
        for c in samples(909 + weighted, weighted=weighted):
            if weighted:
                pos, pw = clean_w(c["pos"], c["pos_weights"])
                neg, nw = clean_w(c["neg"], c["neg_weights"])
                d = weighted_ks(pos, neg, pw, nw)
                n1 = pw.sum() ** 2 / (pw**2).sum()
                n2 = nw.sum() ** 2 / (nw**2).sum()
                extra = {"reference_note": "weighted ECDFs (numpy); n1, n2 = Kish effective "
                         "sizes (sum w)^2 / sum w^2"}
                c = {**c, "name": "weighted_" + c["name"]}
            else:
                pos, neg = clean(c["pos"]), clean(c["neg"])
                res = stats.ks_2samp(pos, neg)
                d = float(res.statistic)
                # The weighted replica with unit weights is scipy's statistic (up to
                # rounding: scipy's exact mode re-expresses D as h / lcm(n1, n2)).
                assert math.isclose(d, weighted_ks(pos, neg, np.ones(len(pos)),
                                                   np.ones(len(neg))), rel_tol=1e-13)
                n1, n2 = len(pos), len(neg)
                extra = {"location": res.statistic_location, "sign": int(res.statistic_sign)}
            p = stats.kstwobign.sf(math.sqrt(n1 * n2 / (n1 + n2)) * d)
            cases.append({**c, "statistic": d, "p_value": p, **extra})
    cases.append({"name": "one_class", "pos": [1.0], "neg": [], "expected_error": "OneClass"})
    write("ks", "statistic, location, sign: scipy.stats.ks_2samp(pos, neg) (.statistic, "
          ".statistic_location, .statistic_sign); p_value: scipy.stats.kstwobign.sf("
          "sqrt(n1*n2/(n1+n2)) * statistic)", cases,
          "p_value is the asymptotic (limit-law) p-value, not ks_2samp's default exact one")


def kolmogorov_fixtures() -> None:
    xs = sorted({0.0, 1e-3, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8,
                 0.81999, 0.82, 0.82001, 0.9, 1.0, 1.1, 1.2224, 1.3581, 1.5, 1.6276, 2.0,
                 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 15.0, 18.0, 20.0, 30.0}
                | {round(float(x), 6) for x in np.random.default_rng(1010).uniform(0, 4, 40)})
    cases = [{"name": f"x_{x:g}", "x": x, "sf": stats.kstwobign.sf(x)} for x in xs]
    write("kolmogorov", "scipy.stats.kstwobign.sf(x)", cases)


def exact_welch_t(x: np.ndarray, y: np.ndarray) -> float:
    """Welch's t with exact rational means and variances (float sqrt)."""
    from fractions import Fraction

    def mv(a):
        a = [Fraction(float(v)) for v in a]
        m = sum(a) / len(a)
        return m, sum((v - m) ** 2 for v in a) / (len(a) - 1), len(a)

    (mx, vx, nx), (my, vy, ny) = mv(x), mv(y)
    return float(mx - my) / math.sqrt(float(vx / nx + vy / ny))


def welch_fixtures() -> None:
    rng = np.random.default_rng(1111)
    nan = float("nan")
    inputs = [
        ("n2_n2", [1.0, 2.0], [3.0, 5.0]),
        ("n2_n3", [1.0, 1.5], [4.0, 2.0, 9.0]),
        ("one_constant", [1.0, 1.0, 1.0], [2.0, 3.0, 2.0]),
        ("unequal_var", rng.normal(0, 1, 30).tolist(), rng.normal(0.5, 4, 12).tolist()),
        ("with_nan", [1.0, nan, 2.0, 4.0, nan], [2.0, 6.0, nan, 7.0]),
        ("large_5000", np.round(rng.normal(10.0, 3.0, 3000), 3).tolist(),
         np.round(rng.normal(10.1, 2.0, 2000), 3).tolist()),
        ("far_tail", np.round(rng.normal(5.0, 1.0, 400), 4).tolist(),
         np.round(rng.normal(0.0, 1.0, 300), 4).tolist()),
        ("large_offset", (1e5 + rng.normal(0, 1, 50)).tolist(),
         (1e5 + 0.3 + rng.normal(0, 1, 60)).tolist()),
        ("identical_means", [1.0, 2.0, 3.0], [0.0, 2.0, 4.0]),
    ]
    cases = []
    for name, x, y in inputs:
        with warnings.catch_warnings():
            # "one_constant": scipy warns about its zero variance, result exact.
            warnings.filterwarnings("ignore", message="Precision loss occurred")
            res = stats.ttest_ind(clean(x), clean(y), equal_var=False)
        case = {"name": name, "x": x, "y": y, "t": res.statistic, "df": res.df,
                "p_value": res.pvalue}
        if name == "large_offset":
            # Values 1e5 + N(0, 1): the naive sum-of-squares variance loses ~5
            # digits here. (A larger offset would make t itself ill-conditioned:
            # each f64 mean is only good to half an ulp of the offset.) Also
            # give the exact value, from rational arithmetic.
            case["t_exact"] = exact_welch_t(clean(x), clean(y))
        cases.append(case)
    for name, x, y in [("both_constant_differ", [1.0, 1.0, 1.0], [2.0, 2.0]),
                       ("both_constant_equal", [3.0, 3.0], [3.0, 3.0, nan])]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = stats.ttest_ind(clean(x), clean(y), equal_var=False)
        cases.append({"name": name, "x": x, "y": y, "t": nan, "df": nan, "p_value": nan,
                      "reference_note": "documented NaN; scipy gives t=%r p=%r df=%r" %
                      (float(res.statistic), float(res.pvalue), float(res.df))})
    cases.append({"name": "too_few", "x": [1.0, nan], "y": [1.0, 2.0],
                  "expected_error": "InsufficientData"})
    cases.append({"name": "infinite", "x": [1.0, float("inf")], "y": [1.0, 2.0],
                  "expected_error": "InvalidArgument"})
    write("welch", "scipy.stats.ttest_ind(x, y, equal_var=False) on the NaN-free samples",
          cases, "t = statistic, p_value = pvalue, df")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    contingency_fixtures()
    fisher_fixtures()
    wilson_fixtures()
    rate_ratio_fixtures()
    shrunken_rate_fixtures()
    bh_fixtures()
    mann_whitney_fixtures()
    roc_auc_fixtures()
    ks_fixtures()
    kolmogorov_fixtures()
    welch_fixtures()


if __name__ == "__main__":
    main()
