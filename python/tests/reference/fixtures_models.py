"""Reference fixtures for the model kernels of icpfit-core (binning, WoE/IV, logistic).

Run from the repository root:

    python python/tests/reference/fixtures_models.py

Needs: numpy, pandas, scikit-learn, statsmodels, optbinning (the reference venv).
Writes crates/icpfit-core/tests/fixtures/models_{quantile,split,woe,logistic}.json,
each case with its inputs, the expected values and a `reference` field naming the
exact call that produced them. Everything is seeded (numpy default_rng), so a rerun
with the same library versions rewrites identical files.

Missing values (NaN) are written as JSON null.
"""

from __future__ import annotations

import json
import math
import os
import sys
import warnings

import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
OUT = os.path.join(ROOT, "crates", "icpfit-core", "tests", "fixtures")


def fl(a):
    """A float list for JSON, NaN -> null."""
    return [None if (isinstance(v, float) and math.isnan(v)) else float(v) for v in np.asarray(a, dtype=float)]


def write(name, payload):
    path = os.path.join(OUT, f"models_{name}.json")
    with open(path, "w") as f:
        json.dump(payload, f, separators=(",", ":"))
        f.write("\n")
    size = os.path.getsize(path)
    assert size < 300_000, (path, size)
    print(f"{path}: {len(payload['cases'])} cases, {size} bytes")


def versions():
    import optbinning
    import sklearn
    import statsmodels

    return {
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scikit-learn": sklearn.__version__,
        "statsmodels": statsmodels.__version__,
        "optbinning": optbinning.__version__,
    }


# ----------------------------------------------------------------------------
# Quantile cuts
# ----------------------------------------------------------------------------

QUANTILE_REFERENCE = (
    "np.unique(np.quantile(sorted, np.arange(1, q) / q, method='inverted_cdf')) minus values >= max; "
    "codes = pd.cut(x, [-inf, *cuts, inf], right=True, labels=False), NaN -> len(cuts)+1"
)


def quantile_exact(sorted_x, q):
    """Type-1 (inverted CDF) quantiles in exact integer arithmetic: x[ceil(n*i/q) - 1]."""
    n = len(sorted_x)
    if n == 0 or q <= 1:
        return []
    cuts = []
    for i in range(1, q):
        k = -(-n * i // q)  # ceil(n*i/q)
        v = float(sorted_x[k - 1])
        if v < sorted_x[-1] and (not cuts or v > cuts[-1]):
            cuts.append(v)
    return cuts


def quantile_numpy(sorted_x, q):
    if len(sorted_x) == 0 or q <= 1:
        return []
    qs = np.quantile(sorted_x, np.arange(1, q) / q, method="inverted_cdf")
    u = np.unique(qs)
    return [float(v) for v in u if v < sorted_x[-1]]


def quantile_cases():
    rng = np.random.default_rng(20240601)
    cases = []

    def add(name, x, q, n_missing=0):
        x = np.asarray(x, dtype=float)
        s = np.sort(x)
        exact = quantile_exact(s, q)
        npy = quantile_numpy(s, q)
        quirk = exact != npy
        # Values to code: the data in a shuffled order plus some NaNs and values
        # outside the observed range.
        extra = []
        if len(s):
            extra = [s[0] - 1.0, s[-1] + 1.0] + exact
        codes_in = np.concatenate([rng.permutation(x), np.array(extra, dtype=float), np.full(n_missing, np.nan)])
        codes_in = rng.permutation(codes_in)
        if len(exact) == 0:
            edges = [-np.inf, np.inf]
        else:
            edges = [-np.inf, *exact, np.inf]
        codes = pd.cut(codes_in, edges, right=True, labels=False)
        codes = np.where(np.isnan(codes_in), len(exact) + 1, codes).astype(int)
        counts = np.bincount(np.searchsorted(exact, s, side="left"), minlength=len(exact) + 1) if len(s) else []
        cases.append(
            {
                "name": name,
                "sorted": fl(s),
                "n_bins": q,
                "expected_cuts": exact,
                "numpy_cuts": npy,
                "numpy_float_quirk": quirk,
                "codes_input": fl(codes_in),
                "expected_codes": [int(c) for c in codes],
                "bin_counts": [int(c) for c in counts],
            }
        )

    add("normal_n1000_q10", np.round(rng.normal(50, 10, 1000), 3), 10, n_missing=7)
    add("lognormal_n997_q7", np.round(rng.lognormal(3, 1, 997), 4), 7, n_missing=3)
    add("n10_q10_deciles", np.arange(1.0, 11.0), 10)
    # numpy's float n*(i/q) lands one ulp above 50 for i=10: it picks x[50], the
    # exact type-1 quantile is x[49]. We follow the exact one (5 rows per bin).
    add("n100_q20_numpy_float_quirk", np.arange(100.0), 20)
    add("poisson_ties_q5", rng.poisson(1.5, 500).astype(float), 5, n_missing=5)
    add("ties_everywhere_90pct_zero_q4", np.where(rng.random(400) < 0.9, 0.0, rng.integers(1, 4, 400)), 4, n_missing=2)
    add("two_values_q10", rng.integers(0, 2, 200).astype(float), 10)
    add("constant_q5", np.full(50, 3.25), 5, n_missing=4)
    add("n3_q10_more_bins_than_rows", [2.0, -1.0, 7.5], 10, n_missing=1)
    add("n1_q4", [42.0], 4)
    add("q1_one_bin", rng.normal(0, 1, 30).round(3), 1)
    add("heavy_tie_middle_q4", np.concatenate([np.arange(10.0), np.full(80, 10.0), np.arange(11.0, 21.0)]), 4)
    add("negative_and_zero_q3", [-3.0, -3.0, -2.0, 0.0, 0.0, 0.0, 1.0, 5.0, 5.0], 3)
    add("n12_q4_exact_quarters", np.arange(12.0) * 0.1, 4)
    add("n100_q3", np.round(rng.uniform(-5, 5, 100), 3), 3)
    # The all-missing column: no sorted values, every code is the missing bin.
    cases.append(
        {
            "name": "all_missing",
            "sorted": [],
            "n_bins": 5,
            "expected_cuts": [],
            "numpy_cuts": [],
            "numpy_float_quirk": False,
            "codes_input": [None] * 6,
            "expected_codes": [1] * 6,
            "bin_counts": [],
        }
    )
    return {"reference": QUANTILE_REFERENCE, "versions": versions(), "cases": cases}


# ----------------------------------------------------------------------------
# Best split (entropy stump)
# ----------------------------------------------------------------------------

SPLIT_REFERENCE = (
    "sklearn.tree.DecisionTreeClassifier(max_depth=1, criterion='entropy', min_samples_leaf=min_leaf, "
    "random_state=0).fit(x.reshape(-1, 1), y, sample_weight=w); threshold is float32-based"
)


def proxy_scan(x, y, w, min_leaf):
    """All candidate cuts (position i = rows left) with sklearn's proxy improvement."""
    n = len(x)
    w = np.ones(n) if w is None else w
    cw = np.cumsum(w)
    cp = np.cumsum(w * y)
    tot_w, tot_p = cw[-1], cp[-1]
    out = []
    for i in range(1, n):
        if x[i] <= x[i - 1]:
            continue
        if i < max(min_leaf, 1) or n - i < max(min_leaf, 1):
            continue
        wl, pl = cw[i - 1], cp[i - 1]
        wr, pr = tot_w - wl, tot_p - pl

        def h(wt, pos):
            e = 0.0
            for c in (pos, wt - pos):
                if c > 0:
                    f = c / wt
                    e -= f * math.log2(f)
            return e

        out.append((-(wl * h(wl, pl)) - wr * h(wr, pr), i))
    return out


def split_cases():
    from sklearn.tree import DecisionTreeClassifier

    rng = np.random.default_rng(7)
    cases = []

    def add(name, x, y, w=None, min_leaf=1, expect_unique=True):
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=int)
        order = np.argsort(x, kind="stable")
        x, y = x[order], y[order]
        if w is not None:
            w = np.asarray(w, dtype=float)[order]
        # Values must be distinct and well separated in float32 so that sklearn's
        # float32 cast and FEATURE_THRESHOLD (1e-7) do not merge them.
        x32 = x.astype(np.float32)
        d = np.diff(x)
        assert np.all((d == 0) | (np.diff(x32) > 1e-6)), name
        clf = DecisionTreeClassifier(max_depth=1, criterion="entropy", min_samples_leaf=max(min_leaf, 1), random_state=0)
        clf.fit(x.reshape(-1, 1), y, sample_weight=w)
        t = clf.tree_
        scan = proxy_scan(x, y, w, min_leaf)
        case = {
            "name": name,
            "values": fl(x),
            "labels": [bool(v) for v in y],
            "weights": None if w is None else fl(w),
            "min_leaf": int(min_leaf),
        }
        if t.node_count == 1:
            case["expected"] = None
            assert not scan or len(set(y)) == 1, name
        else:
            thr = float(t.threshold[0])
            left = x32 <= thr
            left_rows = int(left.sum())
            # sklearn's cut must be our cut: the best proxy, unique.
            best = max(scan)
            assert best[1] == left_rows, (name, best, left_rows)
            if expect_unique:
                others = sorted((p for p, i in scan if i != best[1]), reverse=True)
                assert not others or best[0] - others[0] > 1e-9 * abs(best[0]) + 1e-12, (name, "tie")
            ww = np.ones(len(x)) if w is None else w
            wn = t.weighted_n_node_samples
            gain = t.impurity[0] - (wn[1] / wn[0]) * t.impurity[1] - (wn[2] / wn[0]) * t.impurity[2]
            case["expected"] = {
                "left_rows": left_rows,
                "threshold": float(x[left_rows - 1] / 2 + x[left_rows] / 2),
                "sklearn_threshold": thr,
                "left_n": float(ww[:left_rows].sum()),
                "left_pos": float((ww * y)[:left_rows].sum()),
                "right_n": float(ww[left_rows:].sum()),
                "right_pos": float((ww * y)[left_rows:].sum()),
                "gain": float(gain),
            }
            assert abs(case["expected"]["left_n"] - wn[1]) <= 1e-9 * wn[0]
        cases.append(case)

    def logistic_labels(x, a, b):
        p = 1 / (1 + np.exp(-(a + b * x)))
        return (rng.random(len(x)) < p).astype(int)

    x = np.round(rng.normal(0, 2, 300), 3)
    add("continuous_n300", x, logistic_labels(x, -0.3, 0.9))
    x = rng.integers(0, 21, 400).astype(float)
    add("integer_ties_n400_minleaf5", x, logistic_labels(x - 10, 0.2, 0.35), min_leaf=5)
    x = np.round(rng.uniform(0, 100, 250), 2)
    add("weighted_n250", x, logistic_labels((x - 60) / 15, 0, 1.5), w=np.round(rng.uniform(0.5, 3, 250), 3))
    x = np.round(rng.exponential(10, 300), 3)
    add("min_leaf_120_forces_cut", x, logistic_labels((x - 3) / 2, 0, 2), min_leaf=120)
    x = np.round(rng.normal(0, 1, 200), 3)
    add("nonmonotone_middle_band", x, np.where(np.abs(x) < 0.5, rng.random(200) < 0.9, rng.random(200) < 0.2).astype(int), min_leaf=10)
    x = rng.integers(0, 2, 150).astype(float)
    add("ties_everywhere_two_values", x, logistic_labels(x, -0.5, 1.2))
    x = rng.integers(0, 4, 300).astype(float)
    add("ties_weighted", x, logistic_labels(x - 1.5, 0, 0.8), w=rng.integers(1, 5, 300).astype(float), min_leaf=3)
    add("constant_column", np.full(40, 5.0), rng.integers(0, 2, 40))
    add("one_class_labels", np.round(rng.normal(0, 1, 30), 3), np.zeros(30, dtype=int))
    add("n3", [1.0, 2.0, 3.0], [0, 1, 1])
    add("n4_min_leaf3_none", [1.0, 2.0, 3.0, 4.0], [0, 1, 0, 1], min_leaf=3)
    add("n2", [-1.0, 1.0], [1, 0])
    x = np.round(rng.normal(0, 1, 60), 3)
    add("min_leaf_0_treated_as_1", x, logistic_labels(x, 0, 3), min_leaf=0)
    x = np.round(rng.normal(1000, 300, 200), 2)
    add("large_values", x, logistic_labels((x - 1000) / 300, 0.1, 1.1))
    return {"reference": SPLIT_REFERENCE, "versions": versions(), "cases": cases}


# ----------------------------------------------------------------------------
# WoE / IV
# ----------------------------------------------------------------------------


def woe_cases():
    from optbinning import OptimalBinning
    from optbinning.binning.binning_statistics import BinningTable

    rng = np.random.default_rng(11)
    cases = []

    def from_table(name, tbl, reference):
        df = tbl.drop(index="Totals") if "Totals" in tbl.index else tbl
        cases.append(
            {
                "name": name,
                "events": fl(df["Event"].astype(float)),
                "non_events": fl(df["Non-event"].astype(float)),
                "smoothing": 0.0,
                "expected_woe": fl(df["WoE"].astype(float)),
                "expected_iv_rows": fl(df["IV"].astype(float)),
                "expected_iv": float(df["IV"].astype(float).sum()),
                "reference": reference,
            }
        )

    # Numerical, with missing values and special codes.
    n = 3000
    x = rng.normal(0, 1, n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(-0.5 + 1.2 * x)))).astype(int)
    x[rng.random(n) < 0.04] = np.nan
    x[rng.random(n) < 0.02] = -999.0
    ob = OptimalBinning(name="x", dtype="numerical", solver="cp", special_codes=[-999.0])
    ob.fit(x, y)
    from_table("optbinning_numerical", ob.binning_table.build(),
               "OptimalBinning(dtype='numerical', solver='cp', special_codes=[-999.0]).fit(x, y).binning_table.build()")

    # Numerical without specials: the Special row is all-zero (WoE 0, IV 0).
    x2 = np.round(rng.gamma(2.0, 3.0, 2000), 2)
    y2 = (rng.random(2000) < np.clip(0.05 + 0.04 * x2, 0, 0.9)).astype(int)
    ob = OptimalBinning(name="x2", dtype="numerical", monotonic_trend="ascending", max_n_bins=6)
    ob.fit(x2, y2)
    from_table("optbinning_numerical_monotone", ob.binning_table.build(),
               "OptimalBinning(dtype='numerical', monotonic_trend='ascending', max_n_bins=6).fit(x, y).binning_table.build()")

    # Categorical.
    cats = np.array(["saas", "fintech", "retail", "health", "manufacturing", "media", "gov"])
    probs = np.array([0.3, 0.2, 0.15, 0.12, 0.1, 0.08, 0.05])
    rate = {"saas": 0.45, "fintech": 0.35, "retail": 0.15, "health": 0.25, "manufacturing": 0.1, "media": 0.3, "gov": 0.05}
    c = rng.choice(cats, size=2500, p=probs).astype(object)
    yc = (rng.random(2500) < np.array([rate[v] for v in c])).astype(int)
    c[rng.random(2500) < 0.03] = np.nan
    ob = OptimalBinning(name="industry", dtype="categorical", solver="mip", cat_cutoff=0.1)
    ob.fit(c, yc)
    from_table("optbinning_categorical", ob.binning_table.build(),
               "OptimalBinning(dtype='categorical', solver='mip', cat_cutoff=0.1).fit(c, y).binning_table.build()")

    # Weighted: fractional counts.
    w = np.round(rng.uniform(0.2, 4.0, n), 3)
    ob = OptimalBinning(name="xw", dtype="numerical", special_codes=[-999.0])
    ob.fit(x, y, sample_weight=w)
    from_table("optbinning_weighted", ob.binning_table.build(),
               "OptimalBinning(dtype='numerical', special_codes=[-999.0]).fit(x, y, sample_weight=w).binning_table.build()")

    # Zero cells through optbinning's own table (its empty-cell rule).
    def table(name, ev, nev):
        ev = np.asarray(ev, dtype=float)
        nev = np.asarray(nev, dtype=float)
        k = len(ev) - 2  # the last two rows are Special and Missing
        bt = BinningTable("x", "numerical", None, np.arange(1.0, k), nev, ev)
        from_table(name, bt.build(),
                   "optbinning.binning.binning_statistics.BinningTable('x', 'numerical', None, splits, n_nonevent, n_event).build()")

    table("bt_zero_event_bin", [0, 12, 30, 45, 0, 3], [40, 50, 30, 20, 0, 5])
    table("bt_zero_nonevent_bin", [5, 12, 30, 45, 2, 0], [40, 50, 30, 0, 1, 0])
    table("bt_both_zero_and_empty_bins", [0, 7, 0, 9, 0, 0], [3, 0, 0, 11, 0, 4])
    table("bt_one_good_bin", [0, 10, 4, 0, 0], [6, 0, 4, 5, 0])

    # Smoothing > 0: the documented formula (no library applies it), in numpy.
    def smoothed(name, ev, nev, s):
        ev = np.asarray(ev, dtype=float)
        nev = np.asarray(nev, dtype=float)
        e = ev + s
        ne = nev + s
        pe = e / e.sum()
        pn = ne / ne.sum()
        woe = np.log(pn / pe)
        iv = (pn - pe) * woe
        cases.append(
            {
                "name": name,
                "events": fl(ev),
                "non_events": fl(nev),
                "smoothing": s,
                "expected_woe": fl(woe),
                "expected_iv_rows": fl(iv),
                "expected_iv": float(iv.sum()),
                "reference": "numpy: e=events+s, ne=non_events+s, woe=log((ne/ne.sum())/(e/e.sum())), iv=(ne/ne.sum()-e/e.sum())*woe",
            }
        )

    smoothed("smooth_half_zero_cells", [0, 12, 30, 45, 0, 3], [40, 50, 30, 20, 0, 5], 0.5)
    smoothed("smooth_one_weighted", [0.0, 2.5, 7.25, 1.5], [3.5, 0.0, 2.0, 9.75], 1.0)
    smoothed("smooth_tiny_no_zero", [10, 20, 30], [30, 20, 10], 1e-6)
    return {"reference": "see each case", "versions": versions(), "cases": cases}


# ----------------------------------------------------------------------------
# Logistic regression
# ----------------------------------------------------------------------------


def logistic_cases():
    import statsmodels.api as sm
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(99)
    cases = []

    def design(n, p_feat, intercept=True):
        x = np.column_stack(
            [np.round(rng.normal(0, 1, n), 4) for _ in range(p_feat - 1)]
            + [rng.integers(0, 2, n).astype(float)]
        )
        if intercept:
            x = np.column_stack([np.ones(n), x])
        return x

    def draw_y(x, beta):
        p = 1 / (1 + np.exp(-(x @ beta)))
        return (rng.random(len(p)) < p).astype(float)

    def base(name, x, y, w, l2, intercept_index, reference):
        return {
            "name": name,
            "n": int(x.shape[0]),
            "p": int(x.shape[1]),
            "x": fl(x.ravel()),
            "y": fl(y),
            "weights": None if w is None else fl(w),
            "l2": float(l2),
            "intercept_index": intercept_index,
            "reference": reference,
        }

    def sm_logit(name, x, y, intercept_index=0):
        res = sm.Logit(y, x).fit(method="newton", tol=1e-12, maxiter=100, disp=0)
        assert res.mle_retvals["converged"], name
        c = base(name, x, y, None, 0.0, intercept_index,
                 "statsmodels.api.Logit(y, X).fit(method='newton', tol=1e-12, maxiter=100)")
        c["expected"] = {
            "coef": fl(res.params),
            "std_err": fl(res.bse),
            "z": fl(res.tvalues),
            "p_value": fl(res.pvalues),
            "log_likelihood": float(res.llf),
        }
        cases.append(c)

    def sm_glm_weighted(name, x, y, w, intercept_index=0):
        res = sm.GLM(y, x, family=sm.families.Binomial(), freq_weights=w).fit(tol=1e-13, maxiter=100)
        c = base(name, x, y, w, 0.0, intercept_index,
                 "statsmodels.api.GLM(y, X, family=Binomial(), freq_weights=w).fit(tol=1e-13, maxiter=100)")
        c["expected"] = {
            "coef": fl(res.params),
            "std_err": fl(res.bse),
            "z": fl(res.tvalues),
            "p_value": fl(res.pvalues),
            "log_likelihood": float(res.llf),
        }
        cases.append(c)

    def sk_l2(name, x, y, w, l2):
        # x includes the intercept column 0; sklearn fits it as an unpenalised
        # intercept. Objective: sum_i w_i loss_i + 0.5/C ||coef||^2, C = 1/l2.
        feats = x[:, 1:]
        kw = dict(C=1.0 / l2, l1_ratio=0.0, tol=1e-12, max_iter=100_000)
        m1 = LogisticRegression(solver="lbfgs", **kw).fit(feats, y, sample_weight=w)
        m2 = LogisticRegression(solver="newton-cholesky", **kw).fit(feats, y, sample_weight=w)
        c1 = np.concatenate([m1.intercept_, m1.coef_.ravel()])
        c2 = np.concatenate([m2.intercept_, m2.coef_.ravel()])
        assert np.allclose(c1, c2, rtol=1e-7, atol=1e-9), (name, c1, c2)
        c = base(name, x, y, w, l2, 0,
                 f"sklearn.linear_model.LogisticRegression(C=1/{l2}, l1_ratio=0, solver='newton-cholesky', tol=1e-12)"
                 ".fit(X[:, 1:], y, sample_weight=w); coef = [intercept_, *coef_] (lbfgs agrees to 1e-7)")
        c["expected"] = {"coef": fl(c2)}
        cases.append(c)

    def error_case(name, x, y, w, l2, intercept_index, kind, reference):
        c = base(name, x, y, w, l2, intercept_index, reference)
        c["expected_error"] = kind
        cases.append(c)

    x = design(400, 4)
    sm_logit("unpenalized_n400_p4", x, draw_y(x, np.array([-0.4, 0.8, -0.5, 0.0, 1.1])))
    x = design(150, 2, intercept=False)
    sm_logit("no_intercept_n150_p2", x, draw_y(x, np.array([0.7, -0.6])), intercept_index=None)
    x = design(60, 3)
    sm_logit("small_n60", x, draw_y(x, np.array([0.2, 1.0, -1.0, 0.5])))
    x = design(300, 3)
    x[:, 1] = x[:, 1] * 1000.0 + 5000.0  # badly scaled column
    sm_logit("badly_scaled_column", x, draw_y(x, np.array([-15.0, 0.003, 0.4, -0.3])))

    x = design(350, 3)
    y = draw_y(x, np.array([0.3, -0.9, 0.6, 0.4]))
    w = np.round(rng.uniform(0.5, 3.0, 350), 3)
    sm_glm_weighted("weighted_freq_n350", x, y, w)
    x = design(200, 2)
    y = draw_y(x, np.array([-1.0, 1.5, 0.0]))
    w = rng.integers(0, 4, 200).astype(float)  # includes zero weights
    sm_glm_weighted("weighted_integer_with_zeros", x, y, w)

    x = design(300, 4)
    y = draw_y(x, np.array([0.5, 1.0, -0.7, 0.2, -0.8]))
    sk_l2("l2_1_n300", x, y, None, 1.0)
    sk_l2("l2_25_n300", x, y, None, 25.0)
    w = np.round(rng.uniform(0.3, 2.5, 300), 3)
    sk_l2("l2_3_weighted", x, y, w, 3.0)

    # Separable designs.
    x = design(80, 2)
    y = (x[:, 1] > 0.1).astype(float)
    error_case("perfect_separation", x, y, None, 0.0, 0, "separation",
               "statsmodels Logit raises PerfectSeparationWarning / diverges: no finite MLE")
    sk_l2("l2_on_separable", x, y, None, 0.5)
    xq = design(80, 2)
    yq = (xq[:, 1] > 0.0).astype(float)
    xq[:5, 1] = 0.0  # ties at the boundary with mixed labels -> quasi-complete separation
    yq[:5] = np.array([0, 1, 0, 1, 1], dtype=float)
    error_case("quasi_separation", xq, yq, None, 0.0, 0, "separation",
               "quasi-complete separation: coefficient of column 1 diverges, no finite MLE")
    x = design(60, 3)
    x = np.column_stack([x, 2.0 * x[:, 1] - x[:, 2]])  # exactly collinear
    error_case("collinear_design", x, draw_y(x[:, :4], np.array([0.1, 0.5, -0.5, 0.2])), None, 0.0, 0, "singular",
               "design not of full column rank")
    x = design(3, 3)
    error_case("n3_less_than_p4", x, np.array([0.0, 1.0, 1.0]), None, 0.0, 0, "singular", "n < p")
    x = design(40, 2)
    error_case("one_class", x, np.ones(40), None, 0.0, 0, "one_class", "y has a single class")
    return {"reference": "see each case", "versions": versions(), "cases": cases}


def main():
    warnings.simplefilter("ignore")
    os.makedirs(OUT, exist_ok=True)
    write("quantile", quantile_cases())
    write("split", split_cases())
    write("woe", woe_cases())
    write("logistic", logistic_cases())
    return 0


if __name__ == "__main__":
    sys.exit(main())
