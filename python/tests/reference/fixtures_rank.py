"""End-to-end reference for the predictor ranking (`icpfit_core::rank`).

Generates a small seeded deals table (CSV) and, for every attribute, the
statistics the ranking must report, computed independently with scipy,
scikit-learn and statsmodels on the same tabulation rules:

- numeric: closed-right equal-frequency bins from numpy's "inverted_cdf"
  quantiles (duplicate cuts and cuts >= max dropped), plus a missing bin;
- categorical: levels plus missing; flag: false / true / missing;
- tag set: per tag has / lacks / missing, the set row = best tag with the
  p-value x number of tags (Bonferroni);
- rows with outcome other than won / lost are left out; empty rows dropped.

Run from the repository root (needs numpy, pandas, scipy, scikit-learn, statsmodels):

    python python/tests/reference/fixtures_rank.py

Writes crates/icpfit-core/tests/fixtures/rank_input.csv and rank_expected.json.
"""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats import contingency
from sklearn.metrics import mutual_info_score, roc_auc_score
from statsmodels.stats.multitest import multipletests

OUT = Path(__file__).resolve().parents[3] / "crates" / "icpfit-core" / "tests" / "fixtures"
N_BINS = 10
SMOOTHING = 0.5


def make_data(n=800, seed=20261126):
    rng = np.random.default_rng(seed)
    employees = np.round(rng.lognormal(5.0, 1.2, n))
    score = rng.normal(0, 1, n)
    seats = rng.integers(1, 6, n).astype(float)  # ties everywhere
    industry = rng.choice(["fintech", "healthtech", "retail", "media", "education"], n, p=[0.25, 0.2, 0.25, 0.2, 0.1])
    rep = rng.choice([f"rep{i:02d}" for i in range(12)], n)
    partner = rng.choice(["yes", "no"], n, p=[0.3, 0.7])
    tools = ["Salesforce", "Snowflake", "HubSpot", "dbt"]
    stack = [";".join(t for t in tools if rng.random() < 0.35) or "HubSpot" for _ in range(n)]
    logit = (
        -0.4
        + 0.9 * np.isin(industry, ["fintech", "healthtech"])
        + 0.8 * ((employees >= 200) & (employees < 2000))
        + 0.6 * (partner == "yes")
        + 0.7 * np.array(["Snowflake" in s for s in stack])
        + 0.3 * score
    )
    won = rng.random(n) < 1 / (1 + np.exp(-logit))
    outcome = np.where(won, "won", "lost").astype(object)
    outcome[rng.random(n) < 0.1] = "open"
    df = pd.DataFrame(
        {
            "account_id": [f"A{i:05d}" for i in range(n)],
            "employees": employees,
            "score": score,
            "seats": seats,
            "industry": industry,
            "owner_rep": rep,
            "partner": partner,
            "tech_stack": stack,
            "outcome": outcome,
        }
    )
    # Missing values: numeric, categorical, flag and tag set.
    for col, share in [("employees", 0.05), ("industry", 0.04), ("partner", 0.03), ("tech_stack", 0.05)]:
        df.loc[rng.random(n) < share, col] = np.nan
    return df


def cramer_corrected(chi2, n, r, k):
    if n <= 1 or r < 2 or k < 2:
        return 0.0
    phi2 = max(0.0, chi2 / n - (k - 1) * (r - 1) / (n - 1))
    kt = k - (k - 1) ** 2 / (n - 1)
    rt = r - (r - 1) ** 2 / (n - 1)
    d = min(kt - 1, rt - 1)
    return math.sqrt(phi2 / d) if d > 0 else 0.0


def table_stats(codes, y):
    """codes: array of row labels (strings), y: 0/1."""
    t = pd.crosstab(codes, y).reindex(columns=[0, 1], fill_value=0)
    t = t[(t.sum(axis=1) > 0)]
    obs = t.to_numpy(dtype=float)
    chi2, p, dof, _ = stats.chi2_contingency(obs, correction=False)
    n = obs.sum()
    e = obs[:, 1] + SMOOTHING
    ne = obs[:, 0] + SMOOTHING
    pe, pne = e / e.sum(), ne / ne.sum()
    iv = float(np.sum((pne - pe) * np.log(pne / pe)))
    return {
        "levels": int(obs.shape[0]),
        "chi2": float(chi2),
        "dof": int(dof),
        "p_value": float(p),
        "cramers_v": float(contingency.association(obs.astype(np.int64), method="cramer")),
        "cramers_v_corrected": cramer_corrected(chi2, n, obs.shape[0], 2),
        "mi": float(mutual_info_score(None, None, contingency=obs)),
        "iv": iv,
        "table": obs.tolist(),
    }


def quantile_cuts(sorted_values, q):
    if len(sorted_values) == 0:
        return []
    qs = np.quantile(sorted_values, np.arange(1, q) / q, method="inverted_cdf")
    mx = sorted_values[-1]
    return [float(c) for c in np.unique(qs) if c < mx]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    make_data().to_csv(OUT / "rank_input.csv", index=False, na_rep="", float_format="%.17g")
    # Compute from the file as written, so both sides see the same floats.
    df = pd.read_csv(OUT / "rank_input.csv", keep_default_na=False, na_values=[""])
    keep = df["outcome"].isin(["won", "lost"]).to_numpy()
    d = df[keep].reset_index(drop=True)
    y = (d["outcome"] == "won").astype(int).to_numpy()
    expected = {"n_positive": int(y.sum()), "n_negative": int((1 - y).sum()), "attributes": {}, "tags": {}}

    for col in ["employees", "score", "seats"]:
        x = d[col].to_numpy(dtype=float)
        ok = ~np.isnan(x)
        xs = np.sort(x[ok])
        cuts = quantile_cuts(xs, N_BINS)
        bins = np.where(ok, np.searchsorted(np.array(cuts), x, side="left"), -1)
        codes = np.where(bins < 0, "missing", bins.astype(str))
        row = table_stats(codes, y)
        pos, neg = x[ok & (y == 1)], x[ok & (y == 0)]
        mw = stats.mannwhitneyu(pos, neg, alternative="two-sided", method="asymptotic")
        ks = stats.ks_2samp(pos, neg)
        en = len(pos) * len(neg) / (len(pos) + len(neg))
        row.update(
            cuts=cuts,
            n=int(ok.sum()),
            n_missing=int((~ok).sum()),
            auc=float(roc_auc_score(y[ok], x[ok])),
            ks=float(ks.statistic),
            ks_p_value=float(stats.kstwobign.sf(math.sqrt(en) * ks.statistic)),
            mann_whitney_p=float(mw.pvalue),
        )
        expected["attributes"][col] = row

    for col in ["industry", "owner_rep", "partner"]:
        v = d[col]
        codes = v.fillna("missing").to_numpy()
        row = table_stats(codes, y)
        row.update(n=int(v.notna().sum()), n_missing=int(v.isna().sum()))
        expected["attributes"][col] = row

    stack = d["tech_stack"]
    tag_rows = {}
    for tag in ["HubSpot", "Salesforce", "Snowflake", "dbt"]:
        codes = np.where(stack.isna(), "missing", np.where(stack.fillna("").str.split(";").apply(lambda s: tag in s), "has", "lacks"))
        row = table_stats(codes, y)
        row.update(n=int(stack.notna().sum()), n_missing=int(stack.isna().sum()))
        tag_rows[tag] = row
    expected["tags"] = tag_rows
    best = min(tag_rows, key=lambda t: (tag_rows[t]["p_value"], -tag_rows[t]["cramers_v_corrected"], t))
    set_row = dict(tag_rows[best])
    set_row["p_value"] = min(1.0, set_row["p_value"] * len(tag_rows))
    set_row["best_tag"] = best
    expected["attributes"]["tech_stack"] = set_row

    names = list(expected["attributes"])
    q = multipletests([expected["attributes"][c]["p_value"] for c in names], method="fdr_bh")[1]
    for c, qv in zip(names, q):
        expected["attributes"][c]["q_value"] = float(qv)
    expected["reference"] = (
        "scipy.stats.chi2_contingency(correction=False), scipy.stats.contingency.association(method='cramer'), "
        "sklearn.metrics.mutual_info_score(contingency=...), sklearn.metrics.roc_auc_score, scipy.stats.ks_2samp "
        "(statistic) + scipy.stats.kstwobign.sf (p), scipy.stats.mannwhitneyu(method='asymptotic'), "
        "statsmodels multipletests(method='fdr_bh'); IV with +0.5 smoothing per cell (optbinning sign)"
    )
    (OUT / "rank_expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
