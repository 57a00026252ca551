"""``icpfit.plot``: every plot renders to a valid PNG, and what it draws is
exactly the numbers of the result it was given (read back from the Axes and
compared with the result's own frames and dicts), on the Agg backend."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pandas as pd
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.container import BarContainer, ErrorbarContainer  # noqa: E402
from PIL import Image  # noqa: E402

import icpfit  # noqa: E402
import icpfit.plot  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DEALS = ROOT / "examples" / "data" / "deals.csv"
CURRENT = ROOT / "examples" / "data" / "current_icp.json"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def deals() -> icpfit.Table:
    return icpfit.read_csv(DEALS)


@pytest.fixture(scope="module")
def ranking(deals: icpfit.Table) -> icpfit.Ranking:
    return icpfit.rank(deals, "outcome")


@pytest.fixture(scope="module")
def profile(deals: icpfit.Table) -> icpfit.Profile:
    c = icpfit.cohorts(deals, "outcome")
    return icpfit.profile(deals, c["won"], c["lost"])


@pytest.fixture(scope="module")
def icp(deals: icpfit.Table) -> icpfit.Icp:
    return icpfit.draft_icp(deals)


@pytest.fixture(scope="module")
def pressure(icp: icpfit.Icp, deals: icpfit.Table) -> icpfit.PressureTest:
    return icpfit.pressure_test(icp, deals)


@pytest.fixture(scope="module")
def review(deals: icpfit.Table) -> icpfit.Review:
    return icpfit.review(deals, current_icp=icpfit.Icp.from_json(CURRENT.read_text(encoding="utf-8")))


def check_png(ax: Axes, path: Path) -> None:
    """Saves the figure of ``ax`` and checks that it is a whole PNG of a
    sensible size."""
    ax.figure.savefig(path, dpi=80)
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert 300 <= width <= 2000 and 200 <= height <= 2000, (width, height)
    assert 5_000 < len(data) < 1_000_000, len(data)
    with Image.open(path) as im:
        im.verify()
    with Image.open(path) as im:
        assert im.size == (width, height)
        # Something is drawn: not a blank canvas.
        assert len(im.convert("L").getcolors(maxcolors=100_000) or []) > 10


def bars(ax: Axes) -> list[Any]:
    """The bar containers of ``ax``, in drawing order."""
    return [c for c in ax.containers if isinstance(c, BarContainer)]


def labels(ticks: list[Any]) -> list[str]:
    return [t.get_text() for t in ticks]


def error_segments(ax: Axes) -> np.ndarray:
    """The error bars of ``ax`` as an array of segments ((x0, y0), (x1, y1))."""
    (container,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    (lines,) = [c for c in container.lines[2] if isinstance(c, LineCollection)]
    return np.array(lines.get_segments())


# ---------------------------------------------------------------- ranking


def test_ranking_draws_the_rate_ratios_and_their_intervals(ranking: icpfit.Ranking, tmp_path: Path) -> None:
    ax = icpfit.plot.ranking(ranking, top=6)
    check_png(ax, tmp_path / "ranking.png")
    frame = ranking.to_pandas()
    want = frame[frame["rate_ratio"].notna()].head(6)
    (container,) = bars(ax)
    assert len(container.patches) == len(want) == 6
    assert labels(ax.get_yticklabels()) == want["attribute"].tolist()
    ends = [b.get_x() + b.get_width() for b in container.patches]
    assert ends == pytest.approx(want["rate_ratio"].tolist(), rel=1e-12)
    assert all(b.get_x() == 1.0 for b in container.patches)  # bars start at "no effect"
    segs = error_segments(ax)
    assert segs[:, 0, 0] == pytest.approx(want["ratio_lo"].tolist(), rel=1e-12)
    assert segs[:, 1, 0] == pytest.approx(want["ratio_hi"].tolist(), rel=1e-12)
    assert ax.get_xscale() == "log"
    # Not significant after FDR: pale.
    pale = [b.get_alpha() is not None and b.get_alpha() < 1 for b in container.patches]
    assert pale == (~want["significant"]).tolist()
    assert "95% CI" in ax.get_xlabel()
    assert ax.get_title() == "outcome: won vs lost: who wins more often"


def test_ranking_follows_the_current_order_and_top(ranking: icpfit.Ranking) -> None:
    by_iv = ranking.sort_by("iv")
    ax = icpfit.plot.ranking(by_iv, top=100)
    with_rule = by_iv.to_pandas().dropna(subset=["rate_ratio"])
    assert labels(ax.get_yticklabels()) == with_rule["attribute"].tolist()
    assert len(bars(ax)[0].patches) == len(with_rule) == len(ranking)
    pale = [b.get_alpha() is not None and b.get_alpha() < 1 for b in bars(ax)[0].patches]
    assert pale == (~with_rule["significant"]).tolist() and 0 < sum(pale) < len(pale)
    assert labels(ax.get_yticklabels()) != labels(icpfit.plot.ranking(ranking, top=100).get_yticklabels())
    # Ratios below 1 (here a tag that lowers churn) are red bars going left from 1.
    churn_tags = icpfit.rank(icpfit.read_csv(DEALS), "retention_status").tags()
    ax = icpfit.plot.ranking(churn_tags, top=100)
    below = [b.get_x() + b.get_width() < 1 for b in bars(ax)[0].patches]
    red = [b.get_facecolor()[:3] == matplotlib.colors.to_rgb("tab:red") for b in bars(ax)[0].patches]
    assert red == below == (churn_tags.to_pandas()["rate_ratio"] < 1).tolist() and any(red)


def test_ranking_of_tags_and_bootstrap_stability(deals: icpfit.Table) -> None:
    r = icpfit.rank(deals, "outcome", bootstrap=20, seed=3)
    tags = r.tags()
    ax = icpfit.plot.ranking(tags, top=3)
    frame = tags.to_pandas().head(3)
    assert labels(ax.get_yticklabels()) == [f"tech_stack: {t}" for t in frame["tag"]]
    ax = icpfit.plot.ranking(r, top=4)
    texts = [t.get_text() for t in ax.texts]
    assert texts == [f"stability {s:.0%}" for s in r.to_pandas()["stability"].head(4)]
    assert not icpfit.plot.ranking(icpfit.rank(deals, "outcome"), top=4).texts  # no bootstrap, no label


# ---------------------------------------------------------------- profile


def test_win_loss_profile_draws_both_cohorts_per_level(profile: icpfit.Profile, tmp_path: Path) -> None:
    ax = icpfit.plot.win_loss_profile(profile, top=12)
    check_png(ax, tmp_path / "profile.png")
    frame = profile.to_pandas()
    shares = frame[frame["measure"] == "share"]
    want = shares.loc[shares["delta"].abs().nlargest(12).index]
    a, b = bars(ax)
    assert len(a.patches) == len(b.patches) == 12
    shown = labels(ax.get_yticklabels())
    assert len(set(shown)) == 12

    def label(row: Any) -> str:
        sep = "has" if row.kind == "tag_set" else "="
        return f"{row.attribute} {sep} {row.level}"

    by_label = {label(r): r for r in want.itertuples()}
    assert set(shown) == set(by_label)
    assert [p.get_width() for p in a.patches] == [by_label[s].a for s in shown]
    assert [p.get_width() for p in b.patches] == [by_label[s].b for s in shown]
    # Grouped by attribute, in the profile's order.
    order = list(dict.fromkeys(frame["attribute"]))
    attrs = [s.split(" ")[0] for s in shown]
    assert attrs == sorted(attrs, key=order.index)
    assert ax.get_legend_handles_labels()[1] == ["won (n = 1092)", "lost (n = 1587)"]


def test_win_loss_profile_of_chosen_attributes(profile: icpfit.Profile) -> None:
    ax = icpfit.plot.win_loss_profile(profile, attributes=["industry", "noise_flag"])
    frame = profile.to_pandas()
    want = frame[frame["attribute"].isin(["industry", "noise_flag"])]
    a, b = bars(ax)
    assert len(a.patches) == len(want) == 10
    assert labels(ax.get_yticklabels())[:2] == ["industry = ecommerce", "industry = education"]
    assert labels(ax.get_yticklabels())[-1] == "noise_flag = true"
    assert [p.get_width() for p in a.patches] == want["a"].tolist()
    assert [p.get_width() for p in b.patches] == want["b"].tolist()
    # The cohort's shares of one categorical attribute add up to 1.
    assert sum(p.get_width() for p in a.patches[:9]) == pytest.approx(1.0)
    assert len(bars(icpfit.plot.win_loss_profile(profile, attributes="product"))[0].patches) == 3
    with pytest.raises(ValueError, match="`employees` is numeric, profiled by its mean"):
        icpfit.plot.win_loss_profile(profile, attributes=["employees"])
    with pytest.raises(ValueError, match="no attribute `industy` in this profile"):
        icpfit.plot.win_loss_profile(profile, attributes=["industy"])


# ---------------------------------------------------------------- tiers


def test_tier_distribution_of_fit_scores(icp: icpfit.Icp, tmp_path: Path) -> None:
    prospects = pd.read_csv(DEALS).query("outcome == 'open'")
    prospects["tech_stack"] = prospects["tech_stack"].str.split(";")
    prospects = prospects[["account_id", "industry", "employees", "tech_stack", "lead_source", "product"]]
    scores = icp.score(prospects)
    ax = icpfit.plot.tier_distribution(scores)
    check_png(ax, tmp_path / "tiers.png")
    counts = scores.tier_counts()
    (container,) = bars(ax)
    assert labels(ax.get_xticklabels()) == ["A", "B", "C", "D"]
    assert [p.get_height() for p in container.patches] == [counts[t] for t in "ABCD"]
    # Independently: the tier labels of the rows.
    assert [p.get_height() for p in container.patches] == [int((scores.tier_labels == t).sum()) for t in "ABCD"]
    assert sum(p.get_height() for p in container.patches) == len(scores) == 345
    assert "out of scope" not in ax.get_title()
    assert len(ax.figure.axes) == 1  # no rate axis without outcomes


def test_tier_distribution_names_the_out_of_scope_rows(icp: icpfit.Icp, deals: icpfit.Table) -> None:
    scoped = icpfit.Icp.from_dict({**icp.to_dict(), "scope": {"column": "product", "value": "analytics"}})
    scores = scoped.score(deals)
    out = scores.tier_counts()["out_of_scope"]
    assert out > 0
    ax = icpfit.plot.tier_distribution(scores)
    assert ax.get_title().endswith(f"({out} out of scope)")
    assert sum(p.get_height() for p in bars(ax)[0].patches) == len(scores) - out


def test_tier_distribution_of_a_pressure_test(pressure: icpfit.PressureTest, tmp_path: Path) -> None:
    ax = icpfit.plot.tier_distribution(pressure)
    check_png(ax, tmp_path / "pressure-tiers.png")
    doc = pressure.to_dict()
    (container,) = bars(ax)
    assert [p.get_height() for p in container.patches] == [t["rate"]["n"] for t in doc["tiers"]]
    # Every closed deal is in one tier.
    assert sum(p.get_height() for p in container.patches) == doc["lift"]["random"]["n"] == 2679
    rate_ax = ax.figure.axes[-1]
    assert rate_ax is not ax and rate_ax.get_ylabel() == "win rate"
    (line, _) = rate_ax.lines[:2]
    assert list(line.get_ydata()) == [t["rate"]["rate"] for t in doc["tiers"]]
    segs = error_segments(rate_ax)
    assert segs[:, 0, 1] == pytest.approx([t["rate"]["lo"] for t in doc["tiers"]], rel=1e-12)
    assert segs[:, 1, 1] == pytest.approx([t["rate"]["hi"] for t in doc["tiers"]], rel=1e-12)
    overall = [ln for ln in rate_ax.lines if ln.get_linestyle() == "--"]
    assert [ln.get_ydata()[0] for ln in overall] == [doc["lift"]["random"]["rate"]]
    # Tier A wins more often than tier D (the drafted ICP works on its own data).
    assert line.get_ydata()[0] > doc["lift"]["random"]["rate"] > line.get_ydata()[-1]


# ---------------------------------------------------------------- gains


def test_gains_curve_runs_from_origin_to_one_one(pressure: icpfit.PressureTest, tmp_path: Path) -> None:
    ax = icpfit.plot.gains(pressure)
    check_png(ax, tmp_path / "gains.png")
    doc = pressure.to_dict()
    curve, baseline = ax.lines[:2]
    x, y = list(curve.get_xdata()), list(curve.get_ydata())
    assert (x[0], y[0]) == (0.0, 0.0)
    assert (x[-1], y[-1]) == pytest.approx((1.0, 1.0))
    assert x[1:] == [g["accounts"] for g in doc["gains"]]
    assert y[1:] == [g["positives"] for g in doc["gains"]]
    assert all(b >= a for a, b in zip(y, y[1:]))  # cumulative
    assert list(baseline.get_xdata()) == [0.0, 1.0] and list(baseline.get_ydata()) == [0.0, 1.0]
    assert baseline.get_label() == "random"
    # The curve is above random: the ICP beats picking accounts at random.
    assert all(b > a for a, b in zip(x[1:-1], y[1:-1]))
    (markers,) = ax.collections
    want = [(t["cumulative_accounts"], t["cumulative_positives"]) for t in doc["tiers"][:3]]
    assert markers.get_offsets().tolist() == [list(p) for p in want]
    assert [t.get_text() for t in ax.texts] == ["A", "B", "C"]
    assert f"AUC {pressure.auc:.2f}" in ax.get_title()


def test_lift_curve(pressure: icpfit.PressureTest) -> None:
    ax = icpfit.plot.gains(pressure, kind="lift")
    doc = pressure.to_dict()
    curve, baseline = ax.lines[:2]
    assert list(curve.get_ydata()) == [g["lift"] for g in doc["gains"]]
    assert curve.get_ydata()[-1] == pytest.approx(1.0)
    assert list(baseline.get_ydata()) == [1.0, 1.0]
    with pytest.raises(ValueError, match="kind must be 'gains' or 'lift'"):
        icpfit.plot.gains(pressure, kind="roc")  # type: ignore[arg-type]


# ---------------------------------------------------------------- review


def test_nrr_by_segment(review: icpfit.Review, tmp_path: Path) -> None:
    ax = icpfit.plot.nrr_by_segment(review)
    check_png(ax, tmp_path / "nrr.png")
    seg = review.to_dict()["segments"]
    rows = [r for r in seg["rows"] if r["nrr"] is not None]
    (container,) = bars(ax)
    assert len(container.patches) == len(rows) == 9
    assert [p.get_width() for p in container.patches] == [r["nrr"] for r in rows]
    assert labels(ax.get_yticklabels())[1] == "education (n = 90)"
    segs = error_segments(ax)
    assert segs[:, 0, 0].tolist() == pytest.approx([r["nrr_ci"][0] for r in rows], rel=1e-12)
    assert segs[:, 1, 0].tolist() == pytest.approx([r["nrr_ci"][1] for r in rows], rel=1e-12)
    vertical = {ln.get_label(): ln.get_xdata()[0] for ln in ax.lines if not ln.get_label().startswith("_")}
    assert vertical == {"100%": 1.0, f"overall {seg['overall']['nrr']:.0%}": seg["overall"]["nrr"]}
    red = [p.get_facecolor()[:3] == matplotlib.colors.to_rgb("tab:red") for p in container.patches]
    assert red == [r["nrr_divergent"] for r in rows]
    assert [r["segment"] for r, is_red in zip(rows, red) if is_red] == ["education"]
    assert ax.get_title() == "NRR by industry"


def test_nrr_by_another_segment(deals: icpfit.Table) -> None:
    ax = icpfit.plot.nrr_by_segment(icpfit.review(deals, segment="region"))
    regions = pd.read_csv(DEALS)["region"].dropna().unique()
    assert sorted(t.get_text().split(" (")[0] for t in ax.get_yticklabels()) == sorted(regions)
    assert ax.get_title() == "NRR by region"


def test_fit_tags(review: icpfit.Review, tmp_path: Path) -> None:
    ax = icpfit.plot.fit_tags(review)
    check_png(ax, tmp_path / "fit-tags.png")
    (container,) = bars(ax)
    assert labels(ax.get_xticklabels()) == ["strong", "near", "bad"]
    fe = review.to_dict()["fit_economics"]
    assert [p.get_height() for p in container.patches] == [g["customers"] for g in fe["groups"]]
    # Independently of icpfit: the tags of the won deals in the CSV.
    won = pd.read_csv(DEALS).query("outcome == 'won'")["fit_tag_90d"].value_counts()
    assert [p.get_height() for p in container.patches] == [won[t] for t in ("strong", "near", "bad")]
    texts = [t.get_text() for t in ax.texts]
    assert texts[0].startswith(f"{won['strong']} ({fe['mix']['good']:.0%})\nNRR ")


def test_fit_tags_needs_a_fit_tag_column(tmp_path: Path) -> None:
    path = tmp_path / "no-tags.csv"
    pd.read_csv(DEALS).drop(columns=["fit_tag_90d"]).to_csv(path, index=False)
    r = icpfit.review(icpfit.read_csv(path))
    with pytest.raises(ValueError, match="no fit economics .*fit-tag column"):
        icpfit.plot.fit_tags(r)
    # The other review plots still work.
    assert len(bars(icpfit.plot.nrr_by_segment(r))[0].patches) == 9


# ---------------------------------------------------------------- all plots


def test_plots_draw_on_the_axes_given(
    ranking: icpfit.Ranking, profile: icpfit.Profile, pressure: icpfit.PressureTest, review: icpfit.Review
) -> None:
    fig, axes = plt.subplots(2, 3, figsize=(18, 10), layout="constrained")
    calls = [
        (icpfit.plot.ranking, ranking),
        (icpfit.plot.win_loss_profile, profile),
        (icpfit.plot.tier_distribution, pressure),
        (icpfit.plot.gains, pressure),
        (icpfit.plot.nrr_by_segment, review),
        (icpfit.plot.fit_tags, review),
    ]
    for (fn, obj), target in zip(calls, axes.flat):
        assert fn(obj, ax=target) is target  # type: ignore[operator]
    assert plt.get_fignums() == [fig.number]
    assert len(fig.axes) == 7  # the six, and the rate axis of the tier plot


@pytest.mark.parametrize(
    ("name", "wants"),
    [
        ("ranking", "icpfit.Ranking"),
        ("win_loss_profile", "icpfit.Profile"),
        ("tier_distribution", "icpfit.FitScores or icpfit.PressureTest"),
        ("gains", "icpfit.PressureTest"),
        ("nrr_by_segment", "icpfit.Review"),
        ("fit_tags", "icpfit.Review"),
    ],
)
def test_the_wrong_object_is_a_type_error(name: str, wants: str, ranking: icpfit.Ranking,
                                          profile: icpfit.Profile) -> None:
    fn = getattr(icpfit.plot, name)
    wrong = profile if name == "ranking" else ranking
    with pytest.raises(TypeError, match=f"^icpfit.plot.{name}\\(\\) takes an {wants}, not icpfit.{type(wrong).__name__}$"):
        fn(wrong)
    with pytest.raises(TypeError, match="not pandas.DataFrame"):
        fn(ranking.to_pandas())
    assert not plt.get_fignums()  # checked before drawing anything


def test_top_must_be_positive(ranking: icpfit.Ranking, profile: icpfit.Profile) -> None:
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="top must be a positive integer"):
            icpfit.plot.ranking(ranking, top=bad)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="top must be a positive integer"):
            icpfit.plot.win_loss_profile(profile, top=bad)  # type: ignore[arg-type]


def test_without_matplotlib_the_error_names_the_extra(ranking: icpfit.Ranking,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match=r"^icpfit.plot.ranking\(\) needs matplotlib, which is not installed: "
                                          r"pip install 'icpfit\[plot\]'$"):
        icpfit.plot.ranking(ranking)


def test_importing_icpfit_does_not_import_matplotlib() -> None:
    code = "import sys, icpfit; icpfit.plot.ranking; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert icpfit.plot.__all__ == sorted(icpfit.plot.__all__)
    for name in icpfit.plot.__all__:
        assert ">>> " in (getattr(icpfit.plot, name).__doc__ or ""), name

