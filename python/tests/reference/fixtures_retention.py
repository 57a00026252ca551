"""Reference fixtures for the retention, signals and drift statistics of
icpfit-core, computed independently with numpy / scipy / statsmodels /
pandas / scikit-learn.

Run from the repository root:

    python python/tests/reference/fixtures_retention.py

Writes ``crates/icpfit-core/tests/fixtures/retention_reference.json``:

* ``psi``: bin counts (with empty bins) and the population stability index
  ``sum((q - p) * log(q / p))`` of the shares after adding ``smoothing`` to
  every bin (numpy), its chi-square statistic ``psi * ne * na / (ne + na)``
  with ``scipy.stats.chi2.sf`` on ``k - 1`` degrees of freedom and the
  sampling PSI ``(k - 1) * (1/ne + 1/na)``;
* ``kappa``: paired 3-class labels and ``sklearn.metrics.cohen_kappa_score``;
* ``trend``: r x c tables with scores and
  ``statsmodels Table(t, shift_zeros=False).test_ordinal_association``;
  proportions by group with the Cochran-Armitage z / p and the weighted
  least-squares slope (``numpy.polyfit`` with weights ``sqrt(n)``);
* ``segments``: a seeded table (CSV text) and, per industry, starting /
  churned / contracted / expanded ARR, GRR, ARR-weighted NRR and the mean
  discount of won deals (pandas);
* ``groups``: per fit group of the same table, churn, expansion of the
  retained, contraction, mean uplift and depth, account-weighted NRR and its
  standard error (pandas), and the bad-vs-good churn risk ratio with its
  Katz interval (statsmodels ``Table2x2.riskratio_confint``).

Encoding: non-finite floats are written as the strings "nan", "inf", "-inf".
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import scipy
import sklearn
import statsmodels
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.contingency_tables import Table, Table2x2

OUT = Path("crates/icpfit-core/tests/fixtures/retention_reference.json")
VERSIONS = {
    "numpy": np.__version__,
    "scipy": scipy.__version__,
    "statsmodels": statsmodels.__version__,
    "pandas": pd.__version__,
    "sklearn": sklearn.__version__,
}


def enc(x):
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


def psi_cases(rng):
    cases = []
    for k, smoothing, null in [
        (10, 0.5, False),
        (5, 0.5, False),
        (12, 1.0, False),
        (4, 0.0, False),
        (20, 0.5, False),
        (8, 0.5, True),
        (6, 0.5, True),
    ]:
        low = 0 if smoothing > 0 else 1  # without smoothing, no one-sided empty bin
        e = rng.integers(low, 60, size=k).astype(float)
        a = rng.integers(low, 60, size=k).astype(float)
        if null:  # same population: a moderate p-value, not a far tail
            e = rng.integers(20, 200, size=k).astype(float)
            a = rng.multinomial(300, e / e.sum()).astype(float)
        if null:
            pass
        elif smoothing > 0:
            e[rng.integers(0, k)] = 0.0  # an empty bin on one side
        else:
            both = rng.integers(0, k)
            e[both] = a[both] = 0.0  # empty on both sides: contributes 0
        es, as_ = e + smoothing, a + smoothing
        p, q = es / es.sum(), as_ / as_.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where((es == 0) & (as_ == 0), 0.0, (q - p) * np.log(q / p))
        ne, na = e.sum(), a.sum()
        dof = int(((e > 0) | (a > 0)).sum()) - 1
        stat = terms.sum() * ne * na / (ne + na)
        cases.append(
            {
                "expected": e,
                "actual": a,
                "smoothing": smoothing,
                "terms": terms,
                "psi": terms.sum(),
                "statistic": stat,
                "dof": dof,
                "p_value": scipy.stats.chi2.sf(stat, dof),
                "sampling_psi": dof * (1 / ne + 1 / na),
            }
        )
    return cases


def kappa_cases(rng):
    cases = []
    for n, agree in [(50, 0.9), (300, 0.6), (40, 0.34), (1000, 0.95)]:
        y1 = rng.integers(0, 3, size=n)
        keep = rng.random(n) < agree
        y2 = np.where(keep, y1, rng.integers(0, 3, size=n))
        cases.append(
            {"rater1": y1, "rater2": y2, "kappa": cohen_kappa_score(y1, y2)}
        )
    return cases


def trend_cases(rng):
    tables = []
    for r, c in [(4, 2), (6, 2), (3, 4), (8, 2)]:
        t = rng.integers(0, 40, size=(r, c)).astype(float)
        rs = np.arange(r, dtype=float)
        cs = np.arange(c, dtype=float) if c > 2 else np.array([0.0, 1.0])
        if r == 3:
            rs = np.array([0.0, 1.0, 3.0])  # unequal spacing
        res = Table(t, shift_zeros=False).test_ordinal_association(rs, cs)
        tables.append(
            {
                "table": t,
                "row_scores": rs,
                "col_scores": cs,
                "statistic": res.statistic,
                "null_mean": res.null_mean,
                "null_sd": res.null_sd,
                "zscore": res.zscore,
                "pvalue": res.pvalue,
            }
        )
    props = []
    for g, slope in [(8, -0.03), (5, 0.0), (12, 0.01)]:
        n = rng.integers(20, 200, size=g).astype(float)
        p = np.clip(0.45 + slope * np.arange(g), 0.05, 0.95)
        k = rng.binomial(n.astype(int), p).astype(float)
        x = np.arange(g, dtype=float)
        t = np.column_stack([n - k, k])
        res = Table(t, shift_zeros=False).test_ordinal_association(x, np.array([0.0, 1.0]))
        b = np.polyfit(x, k / n, 1, w=np.sqrt(n))[0]
        props.append(
            {
                "successes": k,
                "totals": n,
                "scores": x,
                "slope": b,
                "zscore": res.zscore,
                "pvalue": res.pvalue,
                "p_decreasing": scipy.stats.norm.cdf(res.zscore),
            }
        )
    return {"tables": tables, "proportions": props}


def make_table(rng, n=600):
    industry = rng.choice(["edu", "fin", "health", "retail"], size=n, p=[0.2, 0.3, 0.3, 0.2])
    fit = rng.random(n) < 0.45
    outcome = rng.choice(["won", "lost", "no_decision", "open"], size=n, p=[0.4, 0.35, 0.15, 0.1])
    discount = np.round(rng.uniform(0, 0.4, size=n), 2)
    start = np.where(outcome == "won", np.round(rng.uniform(5_000, 80_000, size=n)), np.nan)
    u = rng.random(n)
    churn_p = np.where(fit, 0.06, 0.15)
    status = np.where(
        u < churn_p,
        "churned",
        np.where(u < churn_p + 0.1, "contracted", np.where(u < churn_p + 0.1 + np.where(fit, 0.4, 0.2), "expanded", "active")),
    )
    factor = np.select(
        [status == "churned", status == "contracted", status == "expanded"],
        [0.0, np.round(rng.uniform(0.45, 0.85, size=n), 3), np.round(rng.uniform(1.25, 2.15, size=n), 3)],
        1.0,
    )
    current = np.where(outcome == "won", np.round(start * factor), np.nan)
    df = pd.DataFrame(
        {
            "account_id": [f"A{i:04d}" for i in range(n)],
            "industry": industry,
            "fit": np.where(fit, "yes", "no"),
            "outcome": outcome,
            "discount": discount,
            "start_arr": start,
            "current_arr": current,
        }
    )
    return df


def segments(df):
    out = []
    cust = df[(df.start_arr > 0) & df.current_arr.notna()]
    for lv, g in cust.groupby("industry"):
        s, c = g.start_arr, g.current_arr
        churned = s[c == 0].sum()
        contracted = (s - c)[(c > 0) & (c < s)].sum()
        expanded = (c - s)[c > s].sum()
        won = df[(df.industry == lv) & (df.outcome == "won")]
        out.append(
            {
                "segment": lv,
                "start_arr": s.sum(),
                "churned_arr": churned,
                "contracted_arr": contracted,
                "expanded_arr": expanded,
                "grr": (s.sum() - churned - contracted) / s.sum(),
                "nrr_arr_weighted": c.sum() / s.sum(),
                "avg_discount": won.discount.mean(),
            }
        )
    return out


def groups(df):
    cust = df[(df.start_arr > 0) & df.current_arr.notna()].copy()
    cust["r"] = cust.current_arr / cust.start_arr
    res = {}
    for name, g in [("good", cust[cust.fit == "yes"]), ("bad", cust[cust.fit == "no"])]:
        r = g.r
        churned = (r == 0).sum()
        kept = len(r) - churned
        exp = r[r > 1]
        con = r[(r > 0) & (r < 1)]
        res[name] = {
            "customers": len(r),
            "churn_rate": churned / len(r),
            "expansion_rate": len(exp) / kept,
            "contraction_rate": len(con) / kept,
            "mean_uplift": (exp - 1).mean(),
            "mean_contraction": (1 - con).mean(),
            "nrr": r.mean(),
            "nrr_se": r.std(ddof=1) / math.sqrt(len(r)),
        }
    b, g = res["bad"], res["good"]
    kb, kg = round(b["churn_rate"] * b["customers"]), round(g["churn_rate"] * g["customers"])
    t = np.array([[kb, b["customers"] - kb], [kg, g["customers"] - kg]], dtype=float)
    tt = Table2x2(t, shift_zeros=False)
    lo, hi = tt.riskratio_confint(alpha=0.05)
    res["churn_ratio"] = {"ratio": tt.riskratio, "lo": lo, "hi": hi}
    return res


def main():
    rng = np.random.default_rng(20260401)
    df = make_table(rng)
    buf = io.StringIO()
    df.to_csv(buf, index=False, float_format="%.10g")
    fixture = {
        "versions": VERSIONS,
        "psi": psi_cases(rng),
        "kappa": kappa_cases(rng),
        "trend": trend_cases(rng),
        "csv": buf.getvalue(),
        "segments": segments(df),
        "groups": groups(df),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(enc(fixture), indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
