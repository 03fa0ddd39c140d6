"""The self-contained HTML report: everything a sceptical reader needs to check an estimate, offline.

Figures are inline SVG, styles inline, no script and no outside URL, so the file can be mailed, archived and
opened on an air-gapped laptop. The methods text is written from the run's own settings.
"""

from __future__ import annotations

import hashlib
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

import uncounted
from uncounted.link import Linkage
from uncounted.mse import Estimate
from uncounted.report import figures
from uncounted.workspace import Workspace


@dataclass
class ReportInput:
    """What one pipeline run produced; the report only reads it."""

    sources: pd.DataFrame  # source, records, quarantined, files
    linkage: Linkage
    histories: pd.DataFrame  # entity_id, one 0/1 column per list, strata columns
    lists: list[str]
    estimate: Estimate
    sensitivity: list[tuple[str, Estimate]] = field(default_factory=list)
    truth_n: int | None = None
    quality: dict[str, float] | None = None
    inputs: list[dict[str, str]] = field(default_factory=list)  # file, sha256
    title: str = "uncounted report"
    records: pd.DataFrame | None = None  # canonical records, for linkage replicates and review coverage
    workspace: Workspace | None = None  # for what the workspace holds beyond the run: testimony, review labels


def render_report(data: ReportInput) -> str:
    environment = Environment(loader=PackageLoader("uncounted.report"), autoescape=select_autoescape(["html", "j2"]))
    return environment.get_template("report.html.j2").render(**_context(data))


def write_report(data: ReportInput, path: str | Path) -> Path:
    target = Path(path)
    temporary = target.with_suffix(".html.tmp")
    temporary.write_text(render_report(data), encoding="utf-8")
    temporary.replace(target)
    return target


def _context(data: ReportInput) -> dict[str, Any]:
    est = data.estimate
    sizes = {name: int(data.histories[name].sum()) for name in data.lists}
    cluster_sizes = data.linkage.entities.groupby("entity_id").size()
    rows = [("main: " + _label(est), est.estimate, est.lower, est.upper)]
    rows += [(label, e.estimate, e.lower, e.upper) for label, e in data.sensitivity]
    strata = est.extras.get("strata") or []
    strata_rows = [(str(s["stratum"]), s.get("estimate") or np.nan, s.get("lower") or np.nan,
                    s.get("upper") or np.nan) for s in strata if s.get("estimate") is not None]
    documented = int(len(data.histories))
    return {
        "title": data.title,
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "version": uncounted.__version__,
        "headline": headline(len(data.linkage.entities), documented, est, data.truth_n, len(data.lists)),
        "sources": data.sources.to_dict("records"),
        "fig_sizes": figures.list_sizes(sizes),
        "linkage": data.linkage.diagnostics,
        "linkage_settings": data.linkage.settings,
        "quality": data.quality,
        "cluster_sizes": cluster_sizes.value_counts().sort_index().to_dict(),
        "fig_clusters": figures.histogram(cluster_sizes.to_numpy(), "records per person",
                                          bins=np.arange(0.5, cluster_sizes.max() + 1.5)),
        "fig_scores": figures.histogram(data.linkage.pairs["match_probability"].to_numpy(),
                                        "match probability of candidate pairs", bins=50, log=True)
        if len(data.linkage.pairs) else None,
        "fig_overlaps": figures.overlaps(data.histories, data.lists),
        "lists": data.lists,
        "overlap_matrix": _overlap_matrix(data.histories, data.lists),
        "estimate": est,
        "estimate_json": est.to_json(),
        "fig_estimates": figures.intervals(rows, truth=data.truth_n, observed=documented),
        "fig_posterior": figures.posterior(est.draws, data.truth_n) if est.draws is not None else None,
        "strata": strata,
        "fig_strata": figures.intervals(strata_rows) if strata_rows else None,
        "sensitivity": data.sensitivity,
        "truth_n": data.truth_n,
        "documented": documented,
        "methods": methods_text(data),
        "inputs": data.inputs,
        "environment": {"python": platform.python_version(), "platform": platform.platform(),
                        "uncounted": uncounted.__version__},
        "settings_digest": hashlib.sha256(repr(sorted(est.settings.items())).encode()).hexdigest()[:16],
    }


def _label(estimate: Estimate) -> str:
    model = estimate.extras.get("model")
    return f"{estimate.method} {model}" if model else estimate.method


def headline(n_records: int, documented: int, estimate: Estimate, truth_n: int | None, n_lists: int) -> str:
    """The sentence the CLI prints and the report opens with."""
    text = (f"{n_lists} lists, {n_records:,} records → {documented:,} documented people; "
            f"estimated {estimate.estimate:,.0f} (95%: {_number(estimate.lower)}–{_number(estimate.upper)})")
    if truth_n is not None:
        text += f"; true {truth_n:,}"
    return text


def _number(value: float) -> str:
    return f"{value:,.0f}" if value is not None and np.isfinite(value) else "not found"


def _overlap_matrix(histories: pd.DataFrame, lists: list[str]) -> list[list[int]]:
    matrix = histories[lists].to_numpy().astype(np.int64)
    return (matrix.T @ matrix).tolist()


def methods_text(data: ReportInput) -> list[str]:
    """Plain-words methods, written from the settings actually used."""
    link = data.linkage.settings
    est = data.estimate
    paragraphs = [
        f"Records from {len(data.lists)} lists were linked with a Fellegi–Sunter model (Splink, "
        f"{link.get('backend', 'duckdb')} backend) trained without labels by expectation maximisation. Names "
        "were compared by script-independent keys, so a name written in Arabic on one list and in Latin letters "
        "on another can match; dates were compared at the precision both records share.",
        f"Pairs with a match probability of at least {link.get('threshold')} were joined into people; groups "
        f"larger than {link.get('max_cluster_size')} records or with fewer than "
        f"{link.get('min_cluster_density', 0):.0%} of their pairs directly linked were split at their weakest "
        f"links ({data.linkage.diagnostics.get('clusters_split_by_guard_rails', 0)} splits).",
        f"The number of people no list recorded was estimated by {_method_words(est)} from the capture history "
        f"of each of the {len(data.histories):,} documented people. Settings: {est.settings}; seed {est.seed}.",
        "Multiple systems estimation assumes a closed population, that linkage is right, and that the model "
        "captures how the lists depend on each other and how visibility varies between people. The sensitivity "
        "rows show how far the answer moves when these choices change.",
    ]
    return paragraphs


def _method_words(estimate: Estimate) -> str:
    return {
        "loglinear": "a Poisson log-linear model (Fienberg 1972) with the interval from the profile likelihood",
        "dga": "Bayesian model averaging over decomposable graphical models (Madigan & York 1997)",
        "lcmcr": "a Bayesian latent-class model with a Dirichlet-process prior (Manrique-Vallier 2016)",
    }.get(estimate.method, estimate.method)
