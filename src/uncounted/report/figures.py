"""Report figures as inline SVG: one readable style, a colour-blind-safe palette, nothing loaded from outside."""

from __future__ import annotations

import io
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
    return text[text.index("<svg"):]  # drop the XML prologue so the SVG can sit inside HTML


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
            2, 1, figsize=(max(5, 0.38 * len(counts) + 1.5), 2.6 + 0.3 * len(lists)),
            gridspec_kw={"height_ratios": [3, 0.25 * len(lists) + 0.5]}, sharex=True)
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


def intervals(rows: Sequence[tuple[str, float, float, float]], truth: float | None = None,
              observed: float | None = None, xlabel: str = "people") -> str:
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


def posterior(draws: np.ndarray, truth: float | None = None) -> str:
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(6, 2.4))
        axes.hist(draws, bins=60, color=PALETTE[4], density=True)
        low, mid, high = np.quantile(draws, [0.025, 0.5, 0.975])
        for value, style in ((low, ":"), (mid, "-"), (high, ":")):
            axes.axvline(value, color=PALETTE[0], ls=style, lw=1)
        if truth is not None:
            axes.axvline(truth, color=PALETTE[5], ls="--", lw=1.2, label="true total")
            axes.legend(frameon=False, fontsize=7)
        axes.set_xlabel("total people (posterior draws)")
        axes.set_yticks([])
        axes.spines["left"].set_visible(False)
        return _svg(figure)


def histogram(values: Sequence[float], xlabel: str, bins: int | Sequence[float] = 40, log: bool = False) -> str:
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(6, 2.2))
        axes.hist(values, bins=bins, color=PALETTE[2], log=log)
        axes.set_xlabel(xlabel)
        axes.set_ylabel("count")
        return _svg(figure)
