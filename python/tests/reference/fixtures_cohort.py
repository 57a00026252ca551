"""Reference fixtures for the cohort, quality, profile and loss statistics of
icpfit-core, computed independently with numpy / scipy / statsmodels / pandas.

Run from the repository root:

    python python/tests/reference/fixtures_cohort.py

Writes ``crates/icpfit-core/tests/fixtures/cohort_reference.json``: a seeded
synthetic table (as CSV text, so the Rust side reads exactly these values)
and, for it, the expected composite quality scores under three specs, the
quality cohorts, a won-vs-lost profile (means, medians, shares, Welch,
Mann-Whitney and chi-square p-values), the 70 % covers, a segment table
(Wilson intervals, NRR with its normal interval) and the similarity to the
won cohort. ``crates/icpfit-core/tests/cohort_reference.rs`` asserts them.

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
import statsmodels
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

OUT = Path("crates/icpfit-core/tests/fixtures/cohort_reference.json")
VERSIONS = {
    "numpy": np.__version__,
    "scipy": scipy.__version__,
    "statsmodels": statsmodels.__version__,
    "pandas": pd.__version__,
}
MAD_NORMAL = 1.482602218505602
MEAN_AD_NORMAL = math.sqrt(math.pi / 2)


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


# ----------------------------------------------------------------------------
# The data
# ----------------------------------------------------------------------------


def make_table(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(20260501)
    industry = rng.choice(["fintech", "retail", "edu", "saas", "media"], n, p=[0.3, 0.25, 0.15, 0.2, 0.1])
    industry = np.where(rng.random(n) < 0.05, "", industry)
    employees = np.round(np.exp(rng.normal(np.log(250), 1.2, n)))
    employees = np.where(rng.random(n) < 0.06, np.nan, employees)
    partner = np.where(rng.random(n) < 0.3, "yes", "no")
    partner = np.where(rng.random(n) < 0.05, "", partner)
    tools = ["Snowflake", "Salesforce", "HubSpot", "dbt"]
    stacks = []
    for _ in range(n):
        have = [t for t, p in zip(tools, [0.4, 0.5, 0.3, 0.2]) if rng.random() < p]
        stacks.append(";".join(have) if rng.random() > 0.05 else "")
    # Make sure some stack has two tools (tag-set inference) and none is empty-but-known.
    stacks = [s if s else ("" if i % 3 else "HubSpot") for i, s in enumerate(stacks)]
    stacks[0] = "Snowflake;dbt"
    logit = -0.8 + 0.8 * (industry == "fintech") + 0.5 * (partner == "yes")
    won = rng.random(n) < 1 / (1 + np.exp(-logit))
    u = rng.random(n)
    outcome = np.where(won, "won", np.where(u < 0.6, "lost", np.where(u < 0.85, "no_decision", "open")))
    acv = np.round(rng.gamma(2.0, 8000.0, n) / 100) * 100
    cycle = np.round(rng.gamma(3.0, 20.0, n))
    status = np.full(n, "", dtype=object)
    start = np.full(n, np.nan)
    current = np.full(n, np.nan)
    nps = np.full(n, np.nan)
    tickets = np.full(n, np.nan)
    for i in np.flatnonzero(outcome == "won"):
        start[i] = acv[i]
        r = rng.random()
        if industry[i] == "edu":
            r = r * 0.6
        if r < 0.12:
            status[i], current[i] = "churned", 0.0
        elif r < 0.25:
            status[i], current[i] = "contracted", np.round(acv[i] * 0.6)
        elif r < 0.7:
            status[i], current[i] = "active", acv[i]
        else:
            status[i], current[i] = "expanded", np.round(acv[i] * rng.uniform(1.2, 2.0))
        if rng.random() < 0.75:
            nps[i] = rng.integers(0, 11)
        tickets[i] = np.round(rng.gamma(2.0, 1.5), 1)
    # One customer with every quality component missing but a status... no:
    # the status is a component. One customer with only the status.
    only_status = np.flatnonzero(outcome == "won")[3]
    nps[only_status] = np.nan
    tickets[only_status] = np.nan
    current[only_status] = np.nan
    return pd.DataFrame(
        {
            "account_id": [f"a{i:04d}" for i in range(n)],
            "industry": industry,
            "employees": employees,
            "partner": partner,
            "stack": stacks,
            "outcome": outcome,
            "acv": acv,
            "cycle_days": cycle,
            "retention_status": status,
            "start_arr": start,
            "current_arr": current,
            "nps": nps,
            "support_tickets": tickets,
        }
    )


def to_csv(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    out = df.copy()
    for c in out.columns:
        if out[c].dtype.kind == "f":
            out[c] = [("" if math.isnan(x) else repr(float(x)).removesuffix(".0")) for x in out[c]]
    out.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def dictionary(values) -> list[str]:
    """The order icpfit's CSV reader gives levels and tags: sorted."""
    return sorted({v for v in values if v != ""})


# ----------------------------------------------------------------------------
# Quality
# ----------------------------------------------------------------------------


def percentile_rank(values: np.ndarray) -> np.ndarray:
    present = values[~np.isnan(values)]
    out = np.full(values.shape, np.nan)
    for i, x in enumerate(values):
        if not np.isnan(x):
            out[i] = stats.percentileofscore(present, x, kind="mean") / 100
    return out


def robust_z(values: np.ndarray) -> np.ndarray:
    present = values[~np.isnan(values)]
    med = np.median(present)
    scale = stats.median_abs_deviation(present, scale="normal")
    if scale == 0:
        scale = MEAN_AD_NORMAL * np.mean(np.abs(present - med))
    if scale == 0:
        return np.where(np.isnan(values), np.nan, 0.0)
    return (values - med) / scale


RETENTION = {"churned": 0.0, "contracted": 1.0, "active": 2.0, "expanded": 3.0}


def raw_components(df: pd.DataFrame, pop: np.ndarray) -> dict[str, tuple[np.ndarray, bool]]:
    """name -> (raw values over the population, lower_is_better)."""
    def mask(v):
        return np.where(pop, v, np.nan)

    ret = np.array([RETENTION.get(s, np.nan) for s in df["retention_status"]])
    start = df["start_arr"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        exp = np.where(start > 0, df["current_arr"].to_numpy() / start, np.nan)
    return {
        "retention": (mask(ret), False),
        "expansion": (mask(exp), False),
        "nps": (mask(df["nps"].to_numpy()), False),
        "support_load": (mask(df["support_tickets"].to_numpy()), True),
        "sales_cycle": (mask(df["cycle_days"].to_numpy()), True),
    }


def composite(df, normalisation: str, weights: dict, policy: str):
    pop = (df["retention_status"] != "").to_numpy()
    comps = raw_components(df, pop)
    norm = {}
    for name, (raw, lower) in comps.items():
        if normalisation == "percentile_rank":
            v = percentile_rank(raw)
            norm[name] = 1 - v if lower else v
        else:
            v = robust_z(raw)
            norm[name] = -v if lower else v
    neutral = 0.5 if normalisation == "percentile_rank" else 0.0
    names = list(comps)
    w = np.array([weights.get(k, 1.0) for k in names])
    mat = np.column_stack([norm[k] for k in names])
    scores = np.full(len(df), np.nan)
    for i in range(len(df)):
        if not pop[i]:
            continue
        row = mat[i]
        present = ~np.isnan(row)
        if not present.any():
            continue
        if policy == "reweight":
            scores[i] = np.sum(w[present] * row[present]) / np.sum(w[present])
        elif policy == "neutral":
            scores[i] = np.sum(w * np.where(present, row, neutral)) / np.sum(w)
        elif policy == "complete_cases":
            if present.all():
                scores[i] = np.sum(w * row) / np.sum(w)
    return scores, {k: norm[k] for k in names}


def cohorts_of(scores: np.ndarray, best: float, problematic: float):
    s = np.sort(scores[~np.isnan(scores)])
    hi = np.quantile(s, 1 - best, method="inverted_cdf")
    lo = np.quantile(s, problematic, method="inverted_cdf")
    with np.errstate(invalid="ignore"):
        return (
            np.flatnonzero(scores > hi).tolist(),
            np.flatnonzero(scores <= lo).tolist(),
            float(hi),
            float(lo),
        )


# ----------------------------------------------------------------------------
# Profile, covers, segments, similarity
# ----------------------------------------------------------------------------


def chi_p(table: np.ndarray) -> float:
    t = np.asarray(table, dtype=float)
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
    if t.shape[0] < 2 or t.shape[1] < 2:
        return 1.0
    return float(stats.chi2_contingency(t, correction=False).pvalue)


def tags_of(s: str) -> list[str]:
    return [t for t in s.split(";") if t] if s else []


def profile(df, a, b, tag_order, level_order):
    rows = []
    na_, nb_ = int(a.sum()), int(b.sum())
    for col in ["employees", "cycle_days"]:
        x = df[col].to_numpy()
        xa, xb = x[a & ~np.isnan(x)], x[b & ~np.isnan(x)]
        rows.append(
            {
                "attribute": col,
                "level": None,
                "a": xa.mean(),
                "b": xb.mean(),
                "median_a": np.median(xa),
                "median_b": np.median(xb),
                "p_value": stats.ttest_ind(xa, xb, equal_var=False).pvalue,
                "p_mann_whitney": stats.mannwhitneyu(xa, xb, alternative="two-sided", method="asymptotic").pvalue,
            }
        )
    ind = df["industry"].to_numpy()
    table = np.array([[np.sum(a & (ind == lv)), np.sum(b & (ind == lv))] for lv in level_order])
    p = chi_p(table)
    for k, lv in enumerate(level_order):
        rows.append({"attribute": "industry", "level": lv, "a": table[k, 0] / na_, "b": table[k, 1] / nb_, "p_value": p})
    part = df["partner"].to_numpy()
    known = part != ""
    ya = np.sum(a & (part == "yes"))
    yb = np.sum(b & (part == "yes"))
    ka, kb = np.sum(a & known), np.sum(b & known)
    rows.append(
        {
            "attribute": "partner",
            "level": "true",
            "a": ya / ka,
            "b": yb / kb,
            "p_value": chi_p(np.array([[ka - ya, kb - yb], [ya, yb]])),
        }
    )
    stack = df["stack"].to_numpy()
    valid = stack != ""
    for tag in tag_order:
        has = np.array([tag in tags_of(s) for s in stack])
        ha, hb = np.sum(a & has), np.sum(b & has)
        va, vb = np.sum(a & valid), np.sum(b & valid)
        rows.append(
            {
                "attribute": "stack",
                "level": tag,
                "a": ha / na_,
                "b": hb / nb_,
                "p_value": chi_p(np.array([[va - ha, vb - hb], [ha, hb]])),
            }
        )
    return rows


def covers(df, a, b, tag_order, level_order, coverage=0.7):
    out = {}
    # Categorical: by decreasing count, ties by dictionary order.
    ind = df["industry"].to_numpy()
    counts = {lv: int(np.sum(a & (ind == lv))) for lv in level_order}
    n_a = sum(counts.values())
    n_b = int(np.sum(b & (ind != "")))
    target = math.ceil(coverage * n_a - 1e-9)
    order = sorted([lv for lv in level_order if counts[lv] > 0], key=lambda lv: (-counts[lv], level_order.index(lv)))
    chosen, cum = [], 0
    for lv in order:
        if cum >= target:
            break
        chosen.append(lv)
        cum += counts[lv]
    out["industry"] = {
        "levels": chosen,
        "coverage_a": cum / n_a,
        "coverage_b": np.sum(b & np.isin(ind, chosen)) / n_b,
    }
    # Numeric: shortest window of k sorted values (lowest on ties).
    x = df["employees"].to_numpy()
    xa = np.sort(x[a & ~np.isnan(x)])
    xb = x[b & ~np.isnan(x)]
    k = math.ceil(coverage * len(xa) - 1e-9)
    widths = xa[k - 1 :] - xa[: len(xa) - k + 1]
    i = int(np.argmin(widths))
    lo, hi = xa[i], xa[i + k - 1]
    out["employees"] = {
        "min": lo,
        "max": hi,
        "coverage_a": np.mean((xa >= lo) & (xa <= hi)),
        "coverage_b": np.mean((xb >= lo) & (xb <= hi)),
    }
    # Tag set: greedy, ties by dictionary order.
    stack = df["stack"].to_numpy()
    rows_a = [tags_of(s) for s, m in zip(stack, a) if m and s != ""]
    rows_b = [tags_of(s) for s, m in zip(stack, b) if m and s != ""]
    target = math.ceil(coverage * len(rows_a) - 1e-9)
    covered = [False] * len(rows_a)
    chosen = []
    while sum(covered) < target:
        gains = {t: sum(1 for r, c in zip(rows_a, covered) if not c and t in r) for t in tag_order}
        best = max(tag_order, key=lambda t: (gains[t], -tag_order.index(t)))
        if gains[best] == 0:
            break
        chosen.append(best)
        covered = [c or best in r for r, c in zip(rows_a, covered)]
    out["stack"] = {
        "levels": chosen,
        "coverage_a": sum(covered) / len(rows_a),
        "coverage_b": sum(1 for r in rows_b if any(t in r for t in chosen)) / len(rows_b),
    }
    return out


def segment_table(df, level_order, conf=0.95):
    alpha = 1 - conf
    rows = []
    for lv in level_order:
        seg = df[df["industry"] == lv]
        closed = seg[seg["outcome"].isin(["won", "lost", "no_decision"])]
        won = seg[seg["outcome"] == "won"]
        cust = seg[(seg["start_arr"] > 0) & seg["current_arr"].notna()]
        ratio = (cust["current_arr"] / cust["start_arr"]).to_numpy()
        lo, hi = proportion_confint(len(won), len(closed), alpha=alpha, method="wilson")
        churned = int(np.sum(cust["current_arr"] == 0))
        clo, chi = proportion_confint(churned, len(cust), alpha=alpha, method="wilson")
        nlo, nhi = DescrStatsW(ratio).zconfint_mean(alpha=alpha)
        rows.append(
            {
                "segment": lv,
                "closed": len(closed),
                "won": len(won),
                "win_rate": len(won) / len(closed),
                "win_rate_ci": [lo, hi],
                "avg_acv": won["acv"].mean(),
                "avg_cycle_days": won["cycle_days"].mean(),
                "customers": len(cust),
                "nrr": ratio.mean(),
                "nrr_ci": [nlo, nhi],
                "nrr_arr_weighted": cust["current_arr"].sum() / cust["start_arr"].sum(),
                "churn_rate": churned / len(cust),
                "churn_rate_ci": [clo, chi],
            }
        )
    return rows


def quantile_cuts(sorted_values: np.ndarray, n_bins: int) -> np.ndarray:
    q = np.quantile(sorted_values, np.arange(1, n_bins) / n_bins, method="inverted_cdf")
    q = np.unique(q)
    return q[q < sorted_values.max()]


def similarity(df, ref: np.ndarray, tag_order, n_bins=10):
    n = len(df)
    per_col = []
    for col in ["industry", "partner"]:
        v = df[col].to_numpy()
        known_ref = ref & (v != "")
        shares = pd.Series(v[known_ref]).value_counts(normalize=True)
        per_col.append(np.array([shares.get(x, 0.0) if x != "" else np.nan for x in v]))
    x = df["employees"].to_numpy()
    cuts = quantile_cuts(np.sort(x[~np.isnan(x)]), n_bins)
    codes = np.where(np.isnan(x), -1, np.searchsorted(cuts, x, side="left"))
    ref_codes = codes[ref & (codes >= 0)]
    shares = pd.Series(ref_codes).value_counts(normalize=True)
    per_col.append(np.array([shares.get(c, 0.0) if c >= 0 else np.nan for c in codes]))
    stack = df["stack"].to_numpy()
    ref_rows = [tags_of(s) for s, m in zip(stack, ref) if m and s != ""]
    p = {t: np.mean([t in r for r in ref_rows]) for t in tag_order}
    col = []
    for s in stack:
        if s == "":
            col.append(np.nan)
            continue
        have = tags_of(s)
        col.append(np.mean([p[t] if t in have else 1 - p[t] for t in tag_order]))
    per_col.append(np.array(col))
    mat = np.column_stack(per_col)
    with np.errstate(invalid="ignore"):
        return np.nanmean(mat, axis=1) if n else np.array([])


def main() -> None:
    df = make_table()
    csv = to_csv(df)
    level_order = dictionary(df["industry"])
    tag_order = dictionary([t for s in df["stack"] for t in tags_of(s)])
    a = (df["outcome"] == "won").to_numpy()
    b = (df["outcome"] == "lost").to_numpy()

    quality = {}
    specs = {
        "percentile_reweight": ("percentile_rank", {}, "reweight"),
        "robust_z_neutral_weighted": ("robust_z", {"retention": 2.0, "expansion": 2.0}, "neutral"),
        "percentile_complete_cases": ("percentile_rank", {}, "complete_cases"),
    }
    for name, (norm, weights, policy) in specs.items():
        scores, comps = composite(df, norm, weights, policy)
        best, prob, hi, lo = cohorts_of(scores, 0.2, 0.2)
        quality[name] = {
            "normalisation": norm,
            "weights": weights,
            "policy": policy,
            "score": scores,
            "components": comps,
            "best": best,
            "problematic": prob,
            "best_threshold": hi,
            "problematic_threshold": lo,
        }

    sim = similarity(df, a, tag_order)
    lost = b
    doc = {
        "generated_by": "python/tests/reference/fixtures_cohort.py",
        "versions": VERSIONS,
        "reference": {
            "percentile_rank": "scipy.stats.percentileofscore(kind='mean') / 100",
            "robust_z": "scipy.stats.median_abs_deviation(scale='normal'), numpy median",
            "quantile": "numpy.quantile(method='inverted_cdf')",
            "welch": "scipy.stats.ttest_ind(equal_var=False)",
            "mann_whitney": "scipy.stats.mannwhitneyu(method='asymptotic')",
            "chi_square": "scipy.stats.chi2_contingency(correction=False)",
            "wilson": "statsmodels proportion_confint(method='wilson')",
            "nrr_interval": "statsmodels DescrStatsW.zconfint_mean",
            "mcnemar_exact": "scipy.stats.binomtest(b, b + c, 0.5).pvalue",
        },
        "csv": csv,
        "level_order": level_order,
        "tag_order": tag_order,
        "quality": quality,
        "profile": profile(df, a, b, tag_order, level_order),
        "covers": covers(df, a, b, tag_order, level_order),
        "segments": segment_table(df, level_order),
        "similarity_to_won": sim,
        "similarity_lost_mean": float(np.nanmean(sim[lost])),
        "mcnemar_exact": [
            {"b": b, "c": c, "p_value": stats.binomtest(b, b + c, 0.5).pvalue}
            for b, c in [(16, 1), (1, 16), (3, 3), (0, 5), (7, 0), (40, 25), (120, 150), (1, 0), (500, 430)]
        ],
    }
    text = json.dumps(enc(doc), indent=None, separators=(",", ":"))
    OUT.write_text(text + "\n")
    print(f"{OUT}: {len(text)} bytes")


if __name__ == "__main__":
    main()
