"""One-run comparison of icpfit's quality + cohorts + profile with the same
analysis written in pandas / numpy / scipy (groupby, rank, quantile,
ttest_ind, mannwhitneyu, chi2_contingency), on the same generated CRM-like
table (default 1M accounts: 9 industries, 30 sub-industries, size, region,
lead source, product, 20 AEs, cycle, ACV, discount, noise; outcomes and
customer-success fields for won deals).

The pipeline, identical on both sides:
1. composite quality of the customers (retention status, expansion =
   current / start ARR, NPS, support tickets, time to value, sales cycle;
   mid-rank percentile ranks, lower-is-better flipped, re-weighted mean over
   the components present);
2. best / average / problematic cohorts (inverted-CDF 80th / 20th
   percentile cuts);
3. two profiles, best vs problematic and won vs lost: per numeric attribute
   mean, median, Welch and Mann-Whitney p; per categorical attribute the
   share of each level in each cohort and the chi-square p; the 70 % cover
   of every attribute (levels by count, shortest numeric interval).

The script checks that both sides agree (means, shares, p-values, cohort
membership) and prints the times of this one run (absolute times on a shared
machine are noisy; the ratio is what to read).

    pip install -r python/requirements-test.txt scipy && pip install .
    python benches/compare_cohort.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy import stats

import icpfit

NUMERIC = ["employees", "cycle_days", "acv", "discount", "noise_score"]
CATEGORICAL = ["industry", "sub_industry", "region", "lead_source", "product", "ae"]


def make(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    industries = np.array(["fintech", "healthtech", "saas", "ecommerce", "manufacturing", "education", "media", "logistics", "services"])
    ind = rng.integers(0, 9, n)
    sub = ind * 10 + rng.integers(0, 3, n)
    employees = np.clip(np.round(np.exp(rng.normal(np.log(250), 1.6, n))), 10, 20000)
    region = rng.choice(["north_america", "emea", "apac", "latam"], n)
    lead = rng.choice(["inbound", "outbound", "partner", "referral", "event"], n)
    product = np.where(employees > 2000, "enterprise", np.where(employees > 200, "analytics", "core"))
    ae = rng.integers(0, 20, n)
    cycle = np.round(rng.gamma(3.0, 15.0 + np.log(employees) * 5))
    acv = np.round(employees * rng.lognormal(3.5, 0.5, n) / 100) * 100
    discount = np.round(rng.uniform(0, 0.4, n), 2)
    fit = (employees >= 200) & (employees <= 2000) & np.isin(ind, [0, 1])
    logit = -1.2 + 0.9 * np.isin(ind, [0, 1]) + 0.8 * ((employees >= 200) & (employees <= 2000)) + 0.6 * np.isin(lead, ["partner", "referral"])
    won = rng.random(n) < 1 / (1 + np.exp(-logit))
    u = rng.random(n)
    outcome = np.where(won, "won", np.where(u < 0.7, "lost", np.where(u < 0.9, "no_decision", "open")))
    churn = rng.random(n) < np.where(fit, 0.05, 0.12) * np.where(ind == 5, 2.0, 1.0)
    exp = ~churn & (rng.random(n) < np.where(fit, 0.4, 0.2))
    con = ~churn & ~exp & (rng.random(n) < 0.1)
    status = np.where(churn, "churned", np.where(exp, "expanded", np.where(con, "contracted", "active")))
    ratio = np.where(churn, 0.0, np.where(exp, rng.uniform(1.25, 2.15, n), np.where(con, rng.uniform(0.45, 0.85, n), 1.0)))
    customer = outcome == "won"
    start = np.where(customer, acv, np.nan)
    nps = np.where(customer & (rng.random(n) < 0.75), rng.integers(0, 11, n).astype(float), np.nan)
    tickets = np.where(customer, np.round(rng.gamma(2.0, np.where(fit, 1.0, 2.0)), 1), np.nan)
    ttv = np.where(customer, np.round(rng.gamma(2.0, np.where(fit, 14.0, 25.0))), np.nan)
    return pd.DataFrame(
        {
            "industry": industries[ind],
            "sub_industry": np.char.add(industries[ind], np.char.add("/s", (sub % 10).astype(str))),
            "employees": employees,
            "region": region,
            "lead_source": lead,
            "product": product,
            "ae": np.char.add("ae_", ae.astype(str)),
            "cycle_days": cycle,
            "acv": acv,
            "discount": discount,
            "noise_score": np.round(rng.normal(50, 15, n), 1),
            "outcome": outcome,
            "retention_status": pd.array(np.where(customer, status, None), dtype="string"),
            "start_arr": start,
            "current_arr": np.where(customer, np.round(acv * ratio), np.nan),
            "nps": nps,
            "support_tickets": tickets,
            "time_to_value_days": ttv,
        }
    )


# ----------------------------------------------------------------------------
# The pandas side
# ----------------------------------------------------------------------------


def pct_rank(s: pd.Series) -> pd.Series:
    return (s.rank(method="average") - 0.5) / s.count()


def pandas_quality(df: pd.DataFrame) -> pd.Series:
    pop = df["retention_status"].notna()
    sub = df[pop]
    score_map = {"churned": 0.0, "contracted": 1.0, "active": 2.0, "expanded": 3.0}
    comps = pd.DataFrame(
        {
            "retention": pct_rank(sub["retention_status"].map(score_map).astype(float)),
            "expansion": pct_rank((sub["current_arr"] / sub["start_arr"]).where(sub["start_arr"] > 0)),
            "nps": pct_rank(sub["nps"]),
            "support_load": 1 - pct_rank(sub["support_tickets"]),
            "time_to_value": 1 - pct_rank(sub["time_to_value_days"]),
            "sales_cycle": 1 - pct_rank(sub["cycle_days"]),
        }
    )
    return comps.mean(axis=1, skipna=True).reindex(df.index)


def pandas_cohorts(score: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    s = np.sort(score.dropna().to_numpy())
    hi = np.quantile(s, 0.8, method="inverted_cdf")
    lo = np.quantile(s, 0.2, method="inverted_cdf")
    v = score.to_numpy()
    with np.errstate(invalid="ignore"):
        return v > hi, v <= lo


def chi_p(table: np.ndarray) -> float:
    t = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    if t.shape[0] < 2 or t.shape[1] < 2:
        return 1.0
    return float(stats.chi2_contingency(t, correction=False).pvalue)


def pandas_profile(df: pd.DataFrame, a: np.ndarray, b: np.ndarray) -> dict:
    group = pd.Series(np.where(a, "a", np.where(b, "b", None)), index=df.index)
    keep = group.notna()
    out: dict = {}
    g = df[keep].groupby(group[keep])
    means = g[NUMERIC].mean()
    medians = g[NUMERIC].median()
    for col in NUMERIC:
        xa = df.loc[a, col].dropna().to_numpy()
        xb = df.loc[b, col].dropna().to_numpy()
        srt = np.sort(xa)
        k = math.ceil(0.7 * len(srt) - 1e-9)
        w = srt[k - 1 :] - srt[: len(srt) - k + 1]
        i = int(np.argmin(w))
        out[col] = {
            "a": means.loc["a", col],
            "b": means.loc["b", col],
            "median_a": medians.loc["a", col],
            "median_b": medians.loc["b", col],
            "p_value": stats.ttest_ind(xa, xb, equal_var=False).pvalue,
            "p_mann_whitney": stats.mannwhitneyu(xa, xb, alternative="two-sided", method="asymptotic").pvalue,
            "cover": (srt[i], srt[i + k - 1]),
        }
    sizes = group[keep].value_counts()
    for col in CATEGORICAL:
        counts = pd.crosstab(df.loc[keep, col], group[keep])
        shares = counts / sizes
        ca = counts["a"].sort_values(ascending=False, kind="stable")
        need = math.ceil(0.7 * ca.sum() - 1e-9)
        cover = ca.index[: int(np.searchsorted(ca.cumsum().to_numpy(), need)) + 1].tolist()
        out[col] = {"shares": shares, "p_value": chi_p(counts.to_numpy()), "cover": cover}
    return out


# ----------------------------------------------------------------------------


def same_p(x: float, y: float) -> bool:
    """p-values agree to 1e-8 absolute, or on the log scale for tiny ones.
    Both sides sum in different orders: a difference of two nearly equal
    means (p near 1) or a far tail (p = 1e-119) amplifies that rounding, so a
    plain relative tolerance of 1e-9 would be too strict at both ends."""
    if math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-8):
        return True
    return x > 0 and y > 0 and math.isclose(math.log(x), math.log(y), rel_tol=1e-9)


def timed(label: str, f, times: dict):
    t = time.perf_counter()
    r = f()
    times[label] = time.perf_counter() - t
    return r


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    df = make(args.rows, args.seed)
    arrow = pa.Table.from_pandas(df, preserve_index=False)
    for c in CATEGORICAL + ["outcome", "retention_status"]:
        i = arrow.column_names.index(c)
        arrow = arrow.set_column(i, c, arrow.column(c).dictionary_encode())
    won, lost = (df["outcome"] == "won").to_numpy(), (df["outcome"] == "lost").to_numpy()

    pt: dict[str, float] = {}
    score = timed("quality", lambda: pandas_quality(df), pt)
    best, prob = timed("cohorts", lambda: pandas_cohorts(score), pt)
    p_best = timed("profile best vs problematic", lambda: pandas_profile(df, best, prob), pt)
    p_won = timed("profile won vs lost", lambda: pandas_profile(df, won, lost), pt)

    it: dict[str, float] = {}
    table = timed("Arrow -> icpfit.Table", lambda: icpfit.Table.from_arrow(arrow), it)
    q = timed("quality", lambda: icpfit.quality(table), it)
    c = timed("cohorts", lambda: icpfit.cohorts(table, "quality", scores=q), it)
    cols = NUMERIC + CATEGORICAL
    i_best = timed("profile best vs problematic", lambda: icpfit.profile(table, c["best"], c["problematic"], columns=cols), it)
    o = icpfit.cohorts(table, "outcome")
    i_won = timed("profile won vs lost", lambda: icpfit.profile(table, o["won"], o["lost"], columns=cols), it)

    # Agreement where the definitions coincide.
    np.testing.assert_allclose(q.score, score.to_numpy(), rtol=1e-12, equal_nan=True)
    assert (c["best"].mask == best).all() and (c["problematic"].mask == prob).all()
    for prof, ref in ((i_best, p_best), (i_won, p_won)):
        rows = prof.to_pandas()
        sig = {s["attribute"]: s for s in prof.signals()}
        for col in NUMERIC:
            r = rows[rows["attribute"] == col].iloc[0]
            for k in ["a", "b", "median_a", "median_b"]:
                assert math.isclose(r[k], ref[col][k], rel_tol=1e-9), (col, k, r[k], ref[col][k])
            for k in ["p_value", "p_mann_whitney"]:
                assert same_p(r[k], ref[col][k]), (col, k, r[k], ref[col][k])
            assert sig[col]["range"] == tuple(ref[col]["cover"]), (col, sig[col]["range"], ref[col]["cover"])
        for col in CATEGORICAL:
            r = rows[rows["attribute"] == col].set_index("level")
            shares = ref[col]["shares"]
            np.testing.assert_allclose(r.loc[shares.index, "a"], shares["a"], rtol=1e-12)
            np.testing.assert_allclose(r.loc[shares.index, "b"], shares["b"], rtol=1e-12)
            assert same_p(r["p_value"].iloc[0], ref[col]["p_value"]), col
            assert sorted(sig[col]["levels"]) == sorted(ref[col]["cover"]), col

    print(f"{args.rows:,} accounts, {len(cols)} attributes profiled; results agree")
    print(f"{'step':<30} {'pandas/scipy':>14} {'icpfit':>10} {'ratio':>8}")
    for k in pt:
        print(f"{k:<30} {pt[k]:>13.3f}s {it[k]:>9.3f}s {pt[k] / it[k]:>7.1f}x")
    tp = sum(pt.values())
    ti = sum(v for k, v in it.items() if k in pt)
    print(f"{'total':<30} {tp:>13.3f}s {ti:>9.3f}s {tp / ti:>7.1f}x")
    print(f"(icpfit also spent {it['Arrow -> icpfit.Table']:.3f}s converting the Arrow table once)")


if __name__ == "__main__":
    main()
