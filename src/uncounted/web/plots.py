"""The latest estimate's figures for the estimates page, drawn by `uncounted.report.figures`.

The report's figures are SVG text; the page shows each as an `<img>` with a `data:` address, which the
Content-Security-Policy allows (`img-src 'self' data:`) while it forbids the inline styles an SVG inside the
page would need. Drawing takes a noticeable fraction of a second, so a set of figures is drawn once per
estimate (keyed by the files it comes from) and then served from memory.

estimate.json (the `--json` contract) leaves the posterior draws out, so an estimate run from the web also
keeps its draws beside it in `estimate_draws.npz`, tagged with the estimate's input hash, method and seed: a
later estimate from the command line does not get an older run's posterior.
"""

from __future__ import annotations

import base64
import html
import math
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from uncounted.files import write_atomically
from uncounted.mse import Estimate
from uncounted.web.i18n import DEFAULT, N_, Translate, translator

DRAWS_FILE = "estimate_draws.npz"


@dataclass(frozen=True)
class Figure:
    title: str  # a message id, translated by the page
    svg: str  # from `uncounted.report.figures`

    @cached_property
    def source(self) -> str:
        """The figure as a `data:` address (encoded once per figure, not per page view)."""
        return _source(self.svg)


def save_draws(folder: Path, result: Estimate) -> None:
    """Keep `result`'s posterior draws for the page's density plot (and drop an older run's)."""
    path = folder / DRAWS_FILE
    if result.draws is None:
        path.unlink(missing_ok=True)
        return
    draws, tag = np.asarray(result.draws, dtype=float), np.array(_tag(result.to_json()))
    write_atomically(path, lambda temporary: np.savez_compressed(temporary, draws=draws, tag=tag))


def _tag(estimate: dict[str, Any]) -> str:
    return f"{estimate.get('input_hash')}|{estimate.get('method')}|{estimate.get('seed')}"


def draws_for(folder: Path, estimate: dict[str, Any]) -> np.ndarray | None:
    """The saved draws if they belong to `estimate`, else None."""
    path = folder / DRAWS_FILE
    if not path.is_file():
        return None
    with np.load(path) as saved:
        if str(saved["tag"]) != _tag(estimate):
            return None
        return saved["draws"]


def figures(estimate: dict[str, Any], draws: np.ndarray | None) -> list[Figure]:
    """Per-stratum intervals, the posterior density, the chains' traces and the graphs' weights — each one
    when the estimate has what it needs."""
    from uncounted.report import figures as draw

    out = [
        Figure(N_("Estimate and 95% interval, overall and by stratum"), _intervals(estimate, draw))
    ]
    if draws is not None and len(draws):
        out.append(Figure(N_("Posterior density of the total"), draw.posterior(draws)))
    if estimate.get("trace"):
        rhat = (estimate.get("diagnostics") or {}).get("rhat")
        out.append(Figure(N_("Traces of the chains"), draw.traces(estimate["trace"], rhat)))
    if estimate.get("graph_weights"):
        out.append(
            Figure(
                N_("Posterior weights of the graphs"), draw.graph_weights(estimate["graph_weights"])
            )
        )
    return out


def _intervals(estimate: dict[str, Any], draw: Any) -> str:
    rows = [("all", *_numbers(estimate))]
    for stratum in estimate.get("strata") or []:
        if stratum.get("estimate") is not None:
            rows.append((str(stratum["stratum"]), *_numbers(stratum)))
    return draw.intervals(rows, observed=float(estimate["n_observed"]))


def _numbers(row: dict[str, Any]) -> tuple[float, float, float]:
    """estimate, lower, upper; a missing limit (null in the JSON) is NaN, which the plot leaves out."""
    return tuple(math.nan if row.get(k) is None else float(row[k]) for k in ("estimate", "lower", "upper"))  # type: ignore[return-value]


#: The words the figures write (`uncounted.report.figures`), marked so the catalogue test sees them.
FIGURE_WORDS = (
    N_("all"), N_("documented"), N_("true total"), N_("people"), N_("total people (posterior draws)"),
    N_("total people N"), N_("kept draw"), N_("total N"), N_("alpha"), N_("occupied classes"), N_("chain"),
    N_("R-hat of N"), N_("posterior weight of the graph"), N_("independence (no edges)"),
)
_TEXT = re.compile(r"(<text\b[^>]*>)([^<]+)(</text>)")
#: A label's words and its figures: "documented (12,446)", "chain 2", "R-hat of N = 1.004".
_LABEL = re.compile(r"^(?P<words>[^\d(=]*?)(?P<tail>\s*(?:\(|=)?\s*[\d,.]+\)?)?$")


@lru_cache(maxsize=32)
def for_language(figures: tuple[Figure, ...], lang: str) -> tuple[Figure, ...]:
    """The page's figures in its language, translated once per set of figures and language."""
    if lang == DEFAULT:
        return figures
    translate = translator(lang)
    return tuple(in_language(figure, translate) for figure in figures)


def in_language(figure: Figure, translate: Translate) -> Figure:
    """The figure with the words of its labels translated (the SVG keeps text as text, so the browser shapes
    and orders Arabic itself); numbers and names from the data stay as they are."""
    def label(match: re.Match[str]) -> str:
        text = html.unescape(match.group(2))
        parts = _LABEL.match(text)
        if parts is None or not parts.group("words").strip():
            return match.group(0)
        words = parts.group("words").strip()
        translated = translate(words) + (parts.group("tail") or "")
        return match.group(1) + html.escape(translated, quote=False) + match.group(3)

    return Figure(figure.title, _TEXT.sub(label, figure.svg))


def _source(svg: str) -> str:
    # As an image the SVG is parsed as XML on its own, where the `xlink:` prefix the report drops is unknown;
    # SVG 2's plain `href` needs no namespace and no address.
    svg = svg.replace("xlink:href=", "href=")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
