"""Report figures as inline SVG: one readable style, a colour-blind-safe palette, nothing loaded from
outside."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "svg.fonttype": "none",  # text stays text: searchable, and Arabic is shaped by the browser
    "svg.hashsalt": "uncounted",  # stable element ids, so the same data give the same report
}


def _svg(figure: plt.Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]  # drop the XML prologue so the SVG can sit inside HTML
    # The RDF metadata block names outside vocabularies by URL; the report must name no outside address.
    # Inside HTML the xlink prefix is built in, so its namespace declaration (another URL) can go too.
    text = text.replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "")
    return re.sub(r"<metadata>.*?</metadata>\s*", "", text, count=1, flags=re.S)


def list_sizes(sizes: dict[str, int]) -> str:
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(6, 0.4 + 0.35 * len(sizes)))
        names = list(sizes)
        axes.barh(names, [sizes[n] for n in names], color=PALETTE[0])
        axes.invert_yaxis()
        axes.set_xlabel("records")
        for i, name in enumerate(names):
            axes.text(sizes[name], i, f" {sizes[name]:,}", va="center")
        return _svg(figure)


def overlaps(histories: pd.DataFrame, lists: Sequence[str], top: int = 20) -> str:
    """An UpSet plot (Lex et al. 2014): people per capture pattern, with the pattern drawn as dots below."""
    counts = histories.groupby(list(lists)).size().sort_values(ascending=False).head(top)
    patterns = np.array(counts.index.tolist()).reshape(len(counts), len(lists))
    with plt.rc_context(STYLE):
        figure, (bars, dots) = plt.subplots(
            2,
            1,
            figsize=(max(5, 0.38 * len(counts) + 1.5), 2.6 + 0.3 * len(lists)),
            gridspec_kw={"height_ratios": [3, 0.25 * len(lists) + 0.5]},
            sharex=True,
        )
        x = np.arange(len(counts))
        bars.bar(x, counts.to_numpy(), color=PALETTE[0])
        bars.set_ylabel("people")
        for i, value in enumerate(counts.to_numpy()):
            bars.text(i, value, f"{value:,}", ha="center", va="bottom", fontsize=7)
        for j in range(len(lists)):
            on = patterns[:, j] == 1
            dots.scatter(x[~on], np.full((~on).sum(), j), color="#DDDDDD", s=30)
            dots.scatter(x[on], np.full(on.sum(), j), color="#000000", s=30)
        for i, row in enumerate(patterns):
            members = np.flatnonzero(row)
            if len(members) > 1:
                dots.plot([i, i], [members.min(), members.max()], color="#000000", lw=1.5)
        dots.set_yticks(range(len(lists)), list(lists))
        dots.invert_yaxis()
        dots.set_xticks([])
        dots.spines[["bottom", "left"]].set_visible(False)
        return _svg(figure)


def intervals(
    rows: Sequence[tuple[str, float, float, float]],
    truth: float | None = None,
    observed: float | None = None,
    xlabel: str = "people",
) -> str:
    """A forest plot: one estimate per row with its 95% interval, and the truth and the observed as lines."""
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(6.5, 0.6 + 0.38 * len(rows)))
        y = np.arange(len(rows))
        for i, (_, point, low, high) in enumerate(rows):
            if np.isfinite(low) and np.isfinite(high):
                axes.plot([low, high], [i, i], color=PALETTE[0], lw=2)
            axes.plot(point, i, "o", color=PALETTE[0])
        if observed is not None:
            axes.axvline(observed, color=PALETTE[7], ls=":", lw=1, label=f"documented ({observed:,.0f})")
        if truth is not None:
            axes.axvline(truth, color=PALETTE[5], ls="--", lw=1.2, label=f"true total ({truth:,.0f})")
        axes.set_yticks(y, [label for label, *_ in rows])
        axes.invert_yaxis()
        axes.set_xlabel(xlabel)
        if truth is not None or observed is not None:
            axes.legend(loc="lower right", frameon=False, fontsize=7)
        return _svg(figure)


def posterior(
    draws: np.ndarray, truth: float | None = None, xlabel: str = "total people (posterior draws)"
) -> str:
    """A histogram of draws with the median (solid) and the 95% limits (dotted)."""
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(6, 2.4))
        axes.hist(draws, bins=60, color=PALETTE[4], density=True)
        low, mid, high = np.quantile(draws, [0.025, 0.5, 0.975])
        for value, style in ((low, ":"), (mid, "-"), (high, ":")):
            axes.axvline(value, color=PALETTE[0], ls=style, lw=1)
        if truth is not None:
            axes.axvline(truth, color=PALETTE[5], ls="--", lw=1.2, label="true total")
            axes.legend(frameon=False, fontsize=7)
        axes.set_xlabel(xlabel)
        axes.set_yticks([])
        axes.spines["left"].set_visible(False)
        return _svg(figure)


def histogram(
    values: Sequence[float], xlabel: str, bins: int | Sequence[float] = 40, log: bool = False
) -> str:
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(6, 2.2))
        axes.hist(values, bins=bins, color=PALETTE[2], log=log)
        axes.set_xlabel(xlabel)
        axes.set_ylabel("count")
        return _svg(figure)


def bars(values: dict[str, float], xlabel: str, color: str = PALETTE[0], fmt: str = "{:,.0f}") -> str:
    """Horizontal bars, largest first as given, each labelled with its value (quarantine reasons, funnels)."""
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(6.5, 0.5 + 0.32 * max(len(values), 1)))
        names = list(values)
        axes.barh(names, [values[n] for n in names], color=color)
        axes.invert_yaxis()
        axes.set_xlabel(xlabel)
        for i, name in enumerate(names):
            axes.text(values[name], i, " " + fmt.format(values[name]), va="center", fontsize=7)
        return _svg(figure)


def review_coverage(all_scores: np.ndarray, labelled: pd.DataFrame, band: tuple[float, float]) -> str:
    """Scores of every candidate pair against the reviewed ones, coloured by the reviewer's verdict."""
    bins = np.linspace(0, 1, 41)
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(6.5, 2.4))
        axes.hist(all_scores, bins=bins, color="#BBBBBB", log=True, label="all candidate pairs")
        colours = {"match": PALETTE[2], "non-match": PALETTE[5], "unsure": PALETTE[1]}
        groups = [
            (label, labelled.loc[labelled["label"] == label, "match_probability"].to_numpy(float))
            for label in colours
            if (labelled["label"] == label).any()
        ]
        if groups:
            axes.hist(
                [g for _, g in groups],
                bins=bins,
                stacked=True,
                log=True,
                color=[colours[label] for label, _ in groups],
                label=[f"reviewed: {label}" for label, _ in groups],
            )
        axes.axvspan(*band, color=PALETTE[4], alpha=0.12, lw=0, label="review band")
        axes.set_xlabel("match probability")
        axes.set_ylabel("pairs")
        axes.legend(frameon=False, fontsize=7, loc="upper center")
        return _svg(figure)


def graph_weights(rows: Sequence[dict], top: int = 12) -> str:
    """Posterior weights of the decomposable graphs dga averaged over (Madigan & York 1997)."""
    shown = list(rows)[:top]
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(6.5, 0.5 + 0.32 * len(shown)))
        labels = [str(r["graph"]) or "independence (no edges)" for r in shown]  # the empty graph has no label
        weights = [float(r["weight"]) for r in shown]
        axes.barh(labels, weights, color=PALETTE[3])
        axes.invert_yaxis()
        axes.set_xlim(0, 1)
        axes.set_xlabel("posterior weight of the graph")
        for i, w in enumerate(weights):
            axes.text(w, i, f" {w:.3f}", va="center", fontsize=7)
        return _svg(figure)


def traces(trace: dict, rhat: float | None = None) -> str:
    """Trace plots of N, alpha and occupied classes per chain: a healthy chain looks like flat noise."""
    index = np.asarray(trace["draw_index"])
    panels = [
        (key, label)
        for key, label in (("N", "total N"), ("alpha", "alpha"), ("occupied_classes", "occupied classes"))
        if key in trace
    ]
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(len(panels), 1, figsize=(6.5, 1.3 * len(panels) + 0.4), sharex=True)
        axes = np.atleast_1d(axes)
        for ax, (key, label) in zip(axes, panels, strict=True):
            for c, chain in enumerate(np.asarray(trace[key], dtype=float)):
                ax.plot(index, chain, lw=0.6, color=PALETTE[c % len(PALETTE)], label=f"chain {c + 1}")
            ax.set_ylabel(label)
        axes[-1].set_xlabel("kept draw")
        if rhat is not None:
            axes[0].set_title(f"R-hat of N = {rhat:.3f}", fontsize=8, loc="left")
        return _svg(figure)


def replicate_uncertainty(
    rows: Sequence[tuple[str, float, float, float]],
    within: float,
    between: float,
    observed: float | None = None,
) -> str:
    """Estimates on each linkage replicate and their combination (left), and the share of the combined
    variance of log(missing) that comes from linkage, Rubin's (1 + 1/m) B, against sampling, W (right)."""
    m = max(len(rows) - 1, 1)
    linkage_part = (1 + 1 / m) * between
    total = within + linkage_part
    with plt.rc_context(STYLE):
        figure, (left, right) = plt.subplots(
            1, 2, figsize=(7, 0.8 + 0.38 * len(rows)), gridspec_kw={"width_ratios": [3, 1.1]}
        )
        for i, (_, point, low, high) in enumerate(rows):
            colour = PALETTE[5] if i == len(rows) - 1 else PALETTE[0]
            if np.isfinite(low) and np.isfinite(high):
                left.plot([low, high], [i, i], color=colour, lw=2)
            left.plot(point, i, "o", color=colour)
        if observed is not None:
            left.axvline(observed, color=PALETTE[7], ls=":", lw=1)
        left.set_yticks(range(len(rows)), [r[0] for r in rows])
        left.invert_yaxis()
        left.set_xlabel("people")
        shares = (within / total, linkage_part / total) if total > 0 else (1.0, 0.0)
        right.bar([0], [shares[0]], color=PALETTE[4], label="sampling and model")
        right.bar([0], [shares[1]], bottom=[shares[0]], color=PALETTE[1], label="linkage")
        right.text(0, shares[0] + shares[1] / 2, f"{shares[1]:.0%}", ha="center", va="center", fontsize=8)
        right.set_ylim(0, 1)
        right.set_xticks([])
        right.set_ylabel("share of the variance")
        right.legend(frameon=False, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.02))
        return _svg(figure)


def corroboration(findings: Sequence[str], lines: Sequence[str], cells: dict[tuple[int, int], str]) -> str:
    """Findings (rows) against independent lines of evidence (columns); a cell's colour is the line's kind."""
    colours = {"direct": PALETTE[2], "documentary": PALETTE[0], "hearsay": PALETTE[1]}
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(max(4.5, 0.45 * len(lines) + 3), 0.9 + 0.34 * len(findings)))
        for (row, column), kind in cells.items():
            axes.add_patch(
                plt.Rectangle((column - 0.42, row - 0.42), 0.84, 0.84, color=colours.get(kind, PALETTE[7]))
            )
        axes.set_xlim(-0.6, len(lines) - 0.4)
        axes.set_ylim(len(findings) - 0.5, -0.6)
        axes.set_xticks(range(len(lines)), list(lines), rotation=60, ha="right", fontsize=7)
        axes.set_yticks(range(len(findings)), list(findings), fontsize=7)
        axes.spines[["left", "bottom"]].set_visible(False)
        axes.tick_params(length=0)
        handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in colours.values()]
        axes.legend(
            handles,
            list(colours),
            frameon=False,
            fontsize=7,
            ncol=3,
            loc="lower left",
            bbox_to_anchor=(0, 1.0),
        )
        return _svg(figure)


def tornado(rows: Sequence[dict], centre: float, xlabel: str = "extrapolated count") -> str:
    """One bar per parameter from the outcome at its low end to the outcome at its high end, the others held
    at their medians; widest swing on top."""
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(6.5, 0.7 + 0.4 * len(rows)))
        for i, row in enumerate(rows):
            low, high = row["output_at_low"], row["output_at_high"]
            axes.barh(i, high - centre, left=centre, color=PALETTE[5], height=0.6)
            axes.barh(i, low - centre, left=centre, color=PALETTE[0], height=0.6)
        axes.axvline(centre, color=PALETTE[7], lw=1)
        axes.set_yticks(range(len(rows)), [row["parameter"] for row in rows])
        axes.invert_yaxis()
        axes.set_xlabel(xlabel)
        axes.legend(
            handles=[
                plt.Rectangle((0, 0), 1, 1, color=PALETTE[0]),
                plt.Rectangle((0, 0), 1, 1, color=PALETTE[5]),
            ],
            labels=["parameter at its low end", "parameter at its high end"],
            frameon=False,
            fontsize=7,
            loc="lower right",
        )
        return _svg(figure)


def draws_density(draws: np.ndarray, bins: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """A histogram of posterior draws as a density curve (bin centres, probability per unit), so MCMC draws
    can be drawn on the same axis as an exact posterior such as dga's."""
    heights, edges = np.histogram(np.asarray(draws, dtype=float), bins=bins, density=True)
    return (edges[:-1] + edges[1:]) / 2, heights


def posterior_densities(
    curves: Sequence[tuple[str, Sequence[float], Sequence[float]]],
    truth: float | None = None,
    observed: float | None = None,
    xlabel: str = "total people N",
) -> str:
    """Posterior densities over N of several methods on one axis, each with its median marked: where the
    curves sit apart, the answer depends on the model. Each curve is (label, N values, density)."""
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(6.5, 2.6))
        for i, (label, x, y) in enumerate(curves):
            x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
            colour = PALETTE[i % len(PALETTE)]
            axes.plot(x, y, color=colour, lw=1.4, label=label)
            axes.fill_between(x, y, color=colour, alpha=0.12, lw=0)
            mass = np.cumsum(y * np.gradient(x))
            if mass[-1] > 0:
                median = float(np.interp(0.5 * mass[-1], mass, x))
                axes.axvline(median, color=colour, lw=0.8, ls="-", ymax=0.95)
        if observed is not None:
            axes.axvline(observed, color=PALETTE[7], ls=":", lw=1, label=f"documented ({observed:,.0f})")
        if truth is not None:
            axes.axvline(truth, color=PALETTE[5], ls="--", lw=1.2, label=f"true total ({truth:,.0f})")
        axes.set_xlabel(xlabel)
        axes.set_ylim(bottom=0)
        axes.set_yticks([])
        axes.spines["left"].set_visible(False)
        axes.legend(frameon=False, fontsize=7)
        return _svg(figure)
