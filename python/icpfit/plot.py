"""Plots of icpfit results, on matplotlib (``pip install 'icpfit[plot]'``).

Every function takes one icpfit result, draws it on ``ax`` (a new figure
when ``None``) and returns the matplotlib ``Axes``. Nothing here computes a
statistic: the numbers drawn are the ones the Rust core computed, read from
the result's dict / JSON form, so a plot never disagrees with the result's
tables, reports or exports. matplotlib is imported on the first call, not
on ``import icpfit``.

==========================  ===============================================
:func:`ranking`             rate ratio of each attribute's best rule, with
                            its confidence interval (:class:`~icpfit.Ranking`)
:func:`win_loss_profile`    two cohorts side by side, level by level
                            (:class:`~icpfit.Profile`)
:func:`tier_distribution`   accounts per tier A–D, and the rate per tier of a
                            pressure test (:class:`~icpfit.FitScores`,
                            :class:`~icpfit.PressureTest`)
:func:`gains`               cumulative gains or lift against random
                            (:class:`~icpfit.PressureTest`)
:func:`nrr_by_segment`      NRR by segment against 100 % (:class:`~icpfit.Review`)
:func:`fit_tags`            customers by 90-day fit tag (:class:`~icpfit.Review`)
==========================  ===============================================

>>> import icpfit, icpfit.plot
>>> deals = icpfit.read_csv("examples/data/deals.csv")
>>> ax = icpfit.plot.ranking(icpfit.rank(deals, "outcome"), top=5)
>>> [t.get_text() for t in ax.get_yticklabels()]
['tech_stack', 'employees', 'industry', 'sub_industry', 'annual_revenue']
>>> ax.figure.savefig("ranking.png", dpi=150)  # doctest: +SKIP
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Literal, Sequence

from icpfit._frames import require
from icpfit._icpfit import FitScores, PressureTest, Profile, Ranking, Review

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["fit_tags", "gains", "nrr_by_segment", "ranking", "tier_distribution", "win_loss_profile"]

TIERS = ("A", "B", "C", "D")
"""The tiers drawn by :func:`tier_distribution`, in order (out-of-scope rows
are counted in the title, not drawn)."""

FIT_TAGS = ("strong", "near", "bad")
"""The 90-day fit tags drawn by :func:`fit_tags`, in order; the review's
fit-economics groups ``good``, ``near``, ``bad`` are these tags."""

# Colours: matplotlib's default cycle (tab:blue, tab:orange, …), so plots
# match a user's other figures.
_GOOD, _BAD, _NEUTRAL, _REF = "tab:blue", "tab:red", "tab:orange", "0.35"


def _axes(ax: Axes | None, what: str, size: tuple[float, float] = (6.4, 4.8)) -> Axes:
    """``ax``, or the Axes of a new figure (through pyplot, so that a
    notebook shows it); imports matplotlib with a message naming the extra."""
    require("matplotlib", what, "plot")
    if ax is not None:
        return ax
    plt = require("matplotlib.pyplot", what, "plot")
    _, new = plt.subplots(figsize=size, layout="constrained")
    result: Axes = new
    return result


def _check(obj: object, types: tuple[type, ...], what: str) -> None:
    if not isinstance(obj, types):
        want = " or ".join(f"icpfit.{t.__name__}" for t in types)
        got = f"{type(obj).__module__.split('.')[0]}.{type(obj).__qualname__}"
        raise TypeError(f"{what} takes an {want}, not {got}")


def _percent_axis(axis: Any) -> None:
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(xmax=1.0))


def _ratio_axis(ax: Axes) -> None:
    """A log x axis labelled ``0.5×``, ``1×``, ``1.5×``, ``2×``, … ."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    ax.set_xscale("log")
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 1.25, 1.5, 2.0, 3.0, 5.0, 7.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}×"))
    ax.xaxis.set_minor_locator(NullLocator())


def _check_top(top: int, what: str) -> None:
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ValueError(f"{what}: top must be a positive integer, not {top!r}")


def ranking(r: Ranking, *, top: int = 15, ax: Axes | None = None) -> Axes:
    """Horizontal bars of the rate ratio of each attribute's best rule (how
    much more often accounts inside the rule hit the target than the rest),
    from 1 on a log axis, with the rule's confidence interval at the
    ranking's ``confidence`` as error bars. Read from :meth:`Ranking.to_json`:
    ``rows[*].rule.rate_ratio``, ``ratio_lo`` and ``ratio_hi`` (the columns of
    the same names of :meth:`Ranking.to_arrow`), ``significant``,
    ``stability``, and ``confidence``, ``target``, ``verb``, ``bootstrap``.

    The first ``top`` attributes that have a rule, in the ranking's current
    order (re-sort first with :meth:`Ranking.sort_by`), the first at the top.
    Blue bars raise the rate, red ones lower it; attributes that are not
    significant after FDR control are drawn pale. When the ranking was
    bootstrapped, each bar is labelled with its stability (share of
    resamples keeping it in the top k). Rows of :meth:`Ranking.tags` are
    labelled ``attribute: tag``.

    >>> import icpfit, icpfit.plot
    >>> deals = icpfit.read_csv("examples/data/deals.csv")
    >>> ax = icpfit.plot.ranking(icpfit.rank(deals, "outcome", bootstrap=20), top=3)
    >>> [f"{b.get_x() + b.get_width():.2f}" for b in ax.patches]  # the rate ratios
    ['1.84', '1.84', '1.79']
    >>> ax.get_xscale()
    'log'
    """
    _check(r, (Ranking,), "icpfit.plot.ranking()")
    _check_top(top, "icpfit.plot.ranking()")
    doc = json.loads(r.to_json())
    rows = [x for x in doc["rows"] if x["rule"] is not None][:top]
    if not rows:
        raise ValueError("icpfit.plot.ranking(): no attribute of this ranking has a rule to draw")
    ax = _axes(ax, "icpfit.plot.ranking()", (6.4, 1.2 + 0.35 * len(rows)))
    y = list(range(len(rows)))
    ratio = [x["rule"]["rate_ratio"] for x in rows]
    lo = [x["rule"]["ratio_lo"] for x in rows]
    hi = [x["rule"]["ratio_hi"] for x in rows]
    colors = [_GOOD if v >= 1.0 else _BAD for v in ratio]
    bars = ax.barh(y, [v - 1.0 for v in ratio], left=1.0, color=colors, height=0.6)
    for bar, x in zip(bars, rows):
        if not x["significant"]:
            bar.set_alpha(0.35)
    ax.errorbar(
        ratio,
        y,
        xerr=[[v - a for v, a in zip(ratio, lo)], [b - v for v, b in zip(ratio, hi)]],
        fmt="none",
        ecolor="black",
        capsize=3,
        linewidth=1,
    )
    ax.axvline(1.0, color=_REF, linewidth=1)
    _ratio_axis(ax)
    ax.set_yticks(y, [x["attribute"] if x["tag"] is None else f"{x['attribute']}: {x['tag']}" for x in rows])
    ax.invert_yaxis()
    if doc["bootstrap"] > 0:
        for yi, x, b in zip(y, rows, hi):
            if x["stability"] is not None:
                ax.annotate(
                    f"stability {x['stability']:.0%}",
                    (b, yi),
                    xytext=(4, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize="small",
                )
    ax.set_xlabel(f"rate ratio of the best rule ({doc['confidence']:.0%} CI, log scale)")
    ax.set_title(f"{doc['target']}: who {doc['verb']}s more often")
    return ax


def win_loss_profile(
    p: Profile,
    *,
    attributes: Sequence[str] | None = None,
    top: int = 20,
    ax: Axes | None = None,
) -> Axes:
    """The two cohorts of a profile side by side: for each level of a
    categorical attribute, tag of a tag set or a set flag, the share of each
    cohort that has it. Read from :meth:`Profile.to_json`: the rows with
    ``measure`` ``"share"`` (``attribute``, ``level``, ``kind``, ``a``, ``b``,
    ``delta``; the columns of the same names of :meth:`Profile.to_arrow`) and
    ``a_name``, ``a_size``, ``b_name``, ``b_size``.

    ``attributes`` picks whole attributes (all their levels, in the profile's
    order); without it, the ``top`` levels with the largest gap between the
    cohorts (the profile's ``delta``, in share points) are drawn, grouped by
    attribute. Numeric attributes are profiled by their mean, which shares no
    axis with the others: read them from :meth:`Profile.to_pandas`.

    >>> import icpfit, icpfit.plot
    >>> deals = icpfit.read_csv("examples/data/deals.csv")
    >>> c = icpfit.cohorts(deals, "outcome")
    >>> p = icpfit.profile(deals, c["won"], c["lost"])
    >>> ax = icpfit.plot.win_loss_profile(p, attributes=["product"])
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['product = analytics', 'product = core', 'product = enterprise']
    >>> ax.get_legend_handles_labels()[1]
    ['won (n = 1092)', 'lost (n = 1587)']
    """
    _check(p, (Profile,), "icpfit.plot.win_loss_profile()")
    _check_top(top, "icpfit.plot.win_loss_profile()")
    doc = json.loads(p.to_json())
    shares = [x for x in doc["rows"] if x["measure"] == "share"]
    if attributes is not None:
        if isinstance(attributes, str):
            attributes = [attributes]
        known = {x["attribute"]: x for x in doc["rows"]}
        for name in attributes:
            if name not in known:
                raise ValueError(
                    f"icpfit.plot.win_loss_profile(): no attribute `{name}` in this profile; "
                    f"it has {', '.join(dict.fromkeys(known))}"
                )
            if known[name]["measure"] != "share":
                raise ValueError(
                    f"icpfit.plot.win_loss_profile(): `{name}` is {known[name]['kind']}, profiled by its "
                    f"{known[name]['measure']}, not by shares; read it from Profile.to_pandas()"
                )
        wanted = set(attributes)
        rows = [x for x in shares if x["attribute"] in wanted]
    else:
        keep = sorted(range(len(shares)), key=lambda i: -abs(shares[i]["delta"]))[:top]
        order = {a: k for k, a in enumerate(dict.fromkeys(x["attribute"] for x in shares))}
        rows = [shares[i] for i in sorted(keep, key=lambda i: (order[shares[i]["attribute"]], i))]
    if not rows:
        raise ValueError("icpfit.plot.win_loss_profile(): this profile has no share rows to draw")
    ax = _axes(ax, "icpfit.plot.win_loss_profile()", (6.4, 1.4 + 0.4 * len(rows)))
    y = list(range(len(rows)))

    def label(x: dict[str, Any]) -> str:
        if x["kind"] == "tag_set":
            return f"{x['attribute']} has {x['level']}"
        return f"{x['attribute']} = {x['level']}"

    h = 0.38
    ax.barh([v - h / 2 for v in y], [x["a"] for x in rows], height=h, color=_GOOD,
            label=f"{doc['a_name']} (n = {doc['a_size']})")
    ax.barh([v + h / 2 for v in y], [x["b"] for x in rows], height=h, color=_NEUTRAL,
            label=f"{doc['b_name']} (n = {doc['b_size']})")
    ax.set_yticks(y, [label(x) for x in rows])
    ax.invert_yaxis()
    _percent_axis(ax.xaxis)
    ax.set_xlabel("share of the cohort")
    ax.set_title(f"{doc['a_name']} vs {doc['b_name']}")
    ax.legend(loc="best")
    return ax


def tier_distribution(scores: FitScores | PressureTest, *, ax: Axes | None = None) -> Axes:
    """Accounts per tier A–D.

    From :class:`FitScores`, the counts of :meth:`FitScores.tier_counts`
    (out-of-scope rows are named in the title, not drawn). From a
    :class:`PressureTest`, the counts of its tier table (the rows with a
    known target) and, on a twin axis on the right (``ax.figure.axes[-1]``),
    the rate per tier (``tiers[i]["rate"]`` of :meth:`PressureTest.to_dict`:
    the win or churn rate) with its confidence interval, and the overall
    rate as a dashed line.

    >>> import icpfit, icpfit.plot
    >>> deals = icpfit.read_csv("examples/data/deals.csv")
    >>> icp = icpfit.draft_icp(deals)
    >>> ax = icpfit.plot.tier_distribution(icp.score(deals))
    >>> [int(b.get_height()) for b in ax.patches] == [icp.score(deals).tier_counts()[t] for t in "ABCD"]
    True
    >>> ax = icpfit.plot.tier_distribution(icpfit.pressure_test(icp, deals))
    >>> ax.figure.axes[-1].get_ylabel()
    'win rate'
    """
    _check(scores, (FitScores, PressureTest), "icpfit.plot.tier_distribution()")
    ax = _axes(ax, "icpfit.plot.tier_distribution()")
    if isinstance(scores, FitScores):
        counts = scores.tier_counts()
        ax.bar(TIERS, [counts["A"], counts["B"], counts["C"], counts["D"]], color=_GOOD)
        title = f"{scores.icp_name} v{scores.icp_version}: accounts per tier"
        if counts["out_of_scope"]:
            title += f" ({counts['out_of_scope']} out of scope)"
        ax.set_title(title)
        ax.set_ylabel("accounts")
        ax.set_xlabel("tier")
        return ax
    doc = scores.to_dict()
    tiers = doc["tiers"]
    names = [t["tier"] for t in tiers]
    ax.bar(names, [t["rate"]["n"] for t in tiers], color=_GOOD, alpha=0.6)
    ax.set_ylabel("accounts")
    ax.set_xlabel("tier")
    rate_ax = ax.twinx()
    rate = [t["rate"]["rate"] for t in tiers]
    rate_ax.errorbar(
        names,
        rate,
        yerr=[[v - t["rate"]["lo"] for v, t in zip(rate, tiers)], [t["rate"]["hi"] - v for v, t in zip(rate, tiers)]],
        fmt="o-",
        color=_BAD,
        capsize=3,
        label=f"{doc['verb']} rate",
    )
    rate_ax.axhline(doc["lift"]["random"]["rate"], color=_REF, linestyle="--", linewidth=1,
                    label=f"overall {doc['verb']} rate")
    # Headroom above both the bars and 100 % for the legend.
    ax.set_ylim(0, 1.35 * max([t["rate"]["n"] for t in tiers] + [1]))
    rate_ax.set_ylim(0, 1.35)
    rate_ax.set_yticks([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    _percent_axis(rate_ax.yaxis)
    rate_ax.set_ylabel(f"{doc['verb']} rate")
    rate_ax.legend(loc="upper center", ncol=2)
    name, version = doc["icp"]
    ax.set_title(f"{name} v{version}: accounts and {doc['verb']} rate per tier")
    return ax


def gains(pt: PressureTest, *, kind: Literal["gains", "lift"] = "gains", ax: Axes | None = None) -> Axes:
    """The cumulative gains curve of a pressure test (``gains`` of
    :meth:`PressureTest.to_dict`: accounts taken in score order against the
    share of all positives they hold, by decile), from (0, 0) to (1, 1), with
    the random baseline (the diagonal) and the tier cut-offs A, B, C marked;
    or, with ``kind="lift"``, the cumulative lift per decile against the
    baseline 1.

    >>> import icpfit, icpfit.plot
    >>> deals = icpfit.read_csv("examples/data/deals.csv")
    >>> pt = icpfit.pressure_test(icpfit.draft_icp(deals), deals)
    >>> ax = icpfit.plot.gains(pt)
    >>> x, y = ax.lines[0].get_data()  # the curve, from (0, 0) to (1, 1)
    >>> [f"({x[i]:.3f}, {y[i]:.3f})" for i in (0, 1, -1)]
    ['(0.000, 0.000)', '(0.100, 0.207)', '(1.000, 1.000)']
    >>> icpfit.plot.gains(pt, kind="lift").get_ylabel()
    'cumulative lift'
    """
    _check(pt, (PressureTest,), "icpfit.plot.gains()")
    if kind not in ("gains", "lift"):
        raise ValueError(f"icpfit.plot.gains(): kind must be 'gains' or 'lift', not {kind!r}")
    doc = pt.to_dict()
    points = doc["gains"]
    ax = _axes(ax, "icpfit.plot.gains()")
    name, version = doc["icp"]
    accounts = [g["accounts"] for g in points]
    cut = [t for t in doc["tiers"][:-1] if t["rate"]["n"] > 0]
    if kind == "gains":
        ax.plot([0.0, *accounts], [0.0, *[g["positives"] for g in points]], "o-", color=_GOOD,
                markersize=4, label=name)
        ax.plot([0.0, 1.0], [0.0, 1.0], "--", color=_REF, linewidth=1, label="random")
        for t in cut:
            ax.annotate(t["tier"], (t["cumulative_accounts"], t["cumulative_positives"]),
                        xytext=(-10, 4), textcoords="offset points", color=_BAD, fontweight="bold")
        ax.scatter([t["cumulative_accounts"] for t in cut], [t["cumulative_positives"] for t in cut],
                   color=_BAD, zorder=3, label="tier cut-offs")
        ax.set_ylim(0, 1.02)
        _percent_axis(ax.yaxis)
        ax.set_ylabel(f"share of all {'wins' if doc['verb'] == 'win' else doc['verb'] + 'ed'}")
        ax.set_title(f"{name} v{version}: cumulative gains (AUC {doc['auc']:.2f})")
    else:
        ax.plot(accounts, [g["lift"] for g in points], "o-", color=_GOOD, markersize=4, label=name)
        ax.axhline(1.0, linestyle="--", color=_REF, linewidth=1, label="random")
        ax.scatter([t["cumulative_accounts"] for t in cut], [t["cumulative_lift"] for t in cut],
                   color=_BAD, zorder=3, label="tier cut-offs")
        for t in cut:
            ax.annotate(t["tier"], (t["cumulative_accounts"], t["cumulative_lift"]),
                        xytext=(4, 4), textcoords="offset points", color=_BAD, fontweight="bold")
        ax.set_ylim(bottom=0)
        ax.set_ylabel("cumulative lift")
        ax.set_title(f"{name} v{version}: cumulative lift")
    ax.set_xlim(0, 1)
    _percent_axis(ax.xaxis)
    ax.set_xlabel("share of accounts, best scored first")
    ax.legend(loc="lower right" if kind == "gains" else "upper right")
    return ax


def nrr_by_segment(review: Review, *, ax: Axes | None = None) -> Axes:
    """Net revenue retention by segment (``segments.rows[*].nrr`` of
    :meth:`Review.to_dict`, with ``nrr_ci`` as error bars) against the
    100 % line and the overall NRR (``segments.overall.nrr``, dashed).
    Segments the review flags as divergent (``nrr_divergent``) are red;
    segments without customers (``nrr`` null) are left out. The segment
    column is the one given to :func:`icpfit.review` (``segment=``).

    >>> import icpfit, icpfit.plot
    >>> deals = icpfit.read_csv("examples/data/deals.csv")
    >>> ax = icpfit.plot.nrr_by_segment(icpfit.review(deals))
    >>> ax.get_title(), len(ax.patches)
    ('NRR by industry', 9)
    """
    _check(review, (Review,), "icpfit.plot.nrr_by_segment()")
    seg = review.to_dict()["segments"]
    if seg is None:
        raise ValueError("icpfit.plot.nrr_by_segment(): this review has no segment table")
    rows = [x for x in seg["rows"] if x["nrr"] is not None]
    if not rows:
        raise ValueError("icpfit.plot.nrr_by_segment(): no segment of this review has customers with an NRR")
    ax = _axes(ax, "icpfit.plot.nrr_by_segment()", (7.6, 1.4 + 0.35 * len(rows)))
    y = list(range(len(rows)))
    nrr = [x["nrr"] for x in rows]
    bars = ax.barh(y, nrr, height=0.6, color=[_BAD if x["nrr_divergent"] else _GOOD for x in rows])
    for bar, x in zip(bars, rows):
        if x["evidence_nrr"] in ("hypothesis", "indicative"):
            bar.set_alpha(0.4)
    ci = [x["nrr_ci"] for x in rows]
    has_ci = [c is not None and None not in c for c in ci]
    ax.errorbar(
        [v for v, ok in zip(nrr, has_ci) if ok],
        [v for v, ok in zip(y, has_ci) if ok],
        xerr=[
            [v - c[0] for v, c, ok in zip(nrr, ci, has_ci) if ok],
            [c[1] - v for v, c, ok in zip(nrr, ci, has_ci) if ok],
        ],
        fmt="none",
        ecolor="black",
        capsize=3,
        linewidth=1,
    )
    ax.axvline(1.0, color="black", linewidth=1.2, label="100%")
    overall = seg["overall"]["nrr"]
    if overall is not None:
        ax.axvline(overall, color=_REF, linestyle="--", linewidth=1, label=f"overall {overall:.0%}")
    ax.set_yticks(y, [f"{x['segment']} (n = {x['customers']})" for x in rows])
    ax.invert_yaxis()
    _percent_axis(ax.xaxis)
    ax.set_xlabel("net revenue retention (customers, account-weighted)")
    ax.set_title(f"NRR by {seg['column']}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return ax


def fit_tags(review: Review, *, ax: Axes | None = None) -> Axes:
    """Customers by 90-day fit tag, strong / near / bad (the
    ``fit_economics`` section of :meth:`Review.to_dict`: ``groups[*].customers``
    for the counts, ``mix`` for the shares and ``groups[*].nrr`` for each
    tag's NRR, written on its bar). A tag nobody has is drawn empty.
    Raises ``ValueError`` when the review has no fit economics (the data has
    no fit-tag column, or too few customers; the review's ``notes`` say
    which).

    >>> import icpfit, icpfit.plot
    >>> deals = icpfit.read_csv("examples/data/deals.csv")
    >>> ax = icpfit.plot.fit_tags(icpfit.review(deals))
    >>> [t.get_text() for t in ax.get_xticklabels()], [int(b.get_height()) for b in ax.patches]
    (['strong', 'near', 'bad'], [367, 334, 391])
    """
    _check(review, (Review,), "icpfit.plot.fit_tags()")
    doc = review.to_dict()
    fe = doc["fit_economics"]
    if fe is None:
        why = "; ".join(n for n in doc["notes"] if "fit" in n) or "no fit-tag data"
        raise ValueError(f"icpfit.plot.fit_tags(): this review has no fit economics ({why})")
    groups = fe["groups"]
    counts = [g["customers"] if g is not None else 0 for g in groups]
    shares = [fe["mix"][k] for k in ("good", "near", "bad")]
    ax = _axes(ax, "icpfit.plot.fit_tags()")
    bars = ax.bar(FIT_TAGS, counts, color=[_GOOD, _NEUTRAL, _BAD])
    for bar, n, share, g in zip(bars, counts, shares, groups):
        text = f"{n} ({share:.0%})"
        if g is not None and g["nrr"] is not None:
            text += f"\nNRR {g['nrr']:.0%}"
        ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()), xytext=(0, 3),
                    textcoords="offset points", ha="center", va="bottom", fontsize="small")
    ax.margins(y=0.2)
    ax.set_ylabel("customers")
    ax.set_xlabel("90-day fit tag")
    ax.set_title(f"Customers by fit tag ({fe['overall']['customers']} customers)")
    return ax

