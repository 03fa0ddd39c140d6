"""The self-contained HTML report: everything a sceptical reader needs to check an estimate, offline.

Figures are inline SVG, styles inline, no script and no outside URL, so the file can be mailed, archived and
opened on an air-gapped laptop. The methods text is written from the run's own settings.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

import uncounted
from uncounted.files import write_atomically
from uncounted.link import Linkage
from uncounted.mse import Estimate
from uncounted.records import NAME_FIELDS
from uncounted.report import figures
from uncounted.report.checks import THRESHOLDS, Checks, linkage_share, run_checks
from uncounted.report.figures import PALETTE
from uncounted.report.provenance import manifest
from uncounted.report.testimony import TestimonySection, testimony_section
from uncounted.workspace import Workspace

#: The score band `uncounted review export` samples from by default (uncounted.link.review.review_sample).
REVIEW_BAND = (0.2, 0.98)
#: Quarantine reasons shown in the figure and table (the most frequent first).
REASONS_SHOWN = 12


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
    workspace: Workspace | None = (
        None  # for what the workspace holds beyond the run: testimony, review labels
    )
    testimony_model: str | Path | None = None  # extrapolation model; else [testimony] model in the workspace
    checks: bool = True  # run leave-one-list-out and linkage replicates (a few cheap re-estimates)


SECTIONS = ("data", "linkage", "overlaps", "estimate", "sensitivity", "testimony", "methods", "provenance")


def render_report(data: ReportInput) -> str:
    environment = Environment(
        loader=PackageLoader("uncounted.report"), autoescape=select_autoescape(["html", "j2"])
    )
    return environment.get_template("report.html.j2").render(**_context(data))


def write_report(data: ReportInput, path: str | Path) -> Path:
    html = render_report(data)
    return write_atomically(path, lambda temporary: temporary.write_text(html, encoding="utf-8"))


def _context(data: ReportInput) -> dict[str, Any]:
    est = data.estimate
    documented = int(len(data.histories))
    checks = (
        run_checks(data.histories, data.lists, est, data.linkage, data.records, data.truth_n)
        if data.checks
        else None
    )
    testimony = testimony_section(data.workspace, data.testimony_model)
    context: dict[str, Any] = {
        "title": data.title,
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "version": uncounted.__version__,
        "headline": headline(len(data.linkage.entities), documented, est, data.truth_n, len(data.lists)),
        "lists": data.lists,
        "documented": documented,
        "truth_n": data.truth_n,
        "checks": checks,
        "linkage_share": linkage_share(checks.combined) if checks and checks.combined else None,
        "testimony": testimony,
        "methods": methods_text(data, checks, testimony),
        "fig_overlaps": figures.overlaps(data.histories, data.lists),
        "overlap_matrix": _overlap_matrix(data.histories, data.lists),
        "fig_funnel": figures.bars(
            {
                "records on the lists": len(data.linkage.entities),
                "documented people": documented,
                "estimated in all": est.estimate,
            },
            "records or people",
            color=PALETTE[0],
        ),
    }
    context.update(_data_context(data))
    context.update(_linkage_context(data))
    context.update(_estimate_context(data, documented))
    context["manifest"] = manifest(
        data.inputs,
        data.linkage,
        est,
        data.sensitivity,
        data.workspace,
        {
            "report_checks": {"method": checks.method, "replicate_thresholds": list(THRESHOLDS)}
            if checks
            else None,
            "testimony_extrapolation": {
                k: testimony.extrapolation[k] for k in ("file", "seed", "draws", "input_hash")
            }
            if testimony and testimony.extrapolation
            else None,
        },
    )
    context["manifest_json"] = json.dumps(context["manifest"], indent=1, ensure_ascii=False, sort_keys=True)
    context["versions"] = context["manifest"]["versions"]
    context["settings_digest"] = hashlib.sha256(context["manifest_json"].encode()).hexdigest()[:16]
    return context


def _data_context(data: ReportInput) -> dict[str, Any]:
    sizes = {name: int(data.histories[name].sum()) for name in data.lists}
    quarantine = _quarantine(data.workspace)
    reasons = quarantine.groupby("reason").size().sort_values(ascending=False) if len(quarantine) else None
    return {
        "sources": data.sources.to_dict("records"),
        "fig_sizes": figures.list_sizes(sizes),
        "quarantine_total": int(data.sources["quarantined"].sum()) if "quarantined" in data.sources else 0,
        "quarantine_reasons": []
        if reasons is None
        else [{"reason": r, "rows": int(n)} for r, n in reasons.head(REASONS_SHOWN).items()],
        "fig_quarantine": figures.bars(
            {_short(r): int(n) for r, n in reasons.head(REASONS_SHOWN).items()},
            "quarantined rows",
            color=PALETTE[5],
        )
        if reasons is not None
        else None,
    }


def _quarantine(ws: Workspace | None) -> pd.DataFrame:
    if ws is None:
        return pd.DataFrame(columns=["reason"])
    from uncounted.store.records import load_quarantine

    return load_quarantine(ws)


def _linkage_context(data: ReportInput) -> dict[str, Any]:
    linkage = data.linkage
    cluster_sizes = linkage.entities.groupby("entity_id").size()
    scores = linkage.pairs["match_probability"].to_numpy() if len(linkage.pairs) else np.empty(0)
    review = _review(data.workspace, linkage.pairs, float(linkage.settings.get("threshold", 0.9)))
    return {
        "linkage": linkage.diagnostics,
        "linkage_settings": {k: v for k, v in linkage.settings.items() if k not in {"model"}},
        "threshold": linkage.settings.get("threshold"),
        "quality": data.quality,
        "cluster_sizes": cluster_sizes.value_counts().sort_index().to_dict(),
        "fig_clusters": figures.histogram(
            cluster_sizes.to_numpy(),
            "records per linked person",
            bins=np.arange(0.5, cluster_sizes.max() + 1.5),
        ),
        "fig_scores": figures.histogram(scores, "match probability of candidate pairs", bins=50, log=True)
        if len(scores)
        else None,
        "review": review,
        "examples": _examples(data.records, linkage.entities),
    }


def _review(ws: Workspace | None, pairs: pd.DataFrame, threshold: float) -> dict[str, Any] | None:
    """Review coverage of the band where errors are, and the precision and recall the labels estimate."""
    if ws is None:
        return None
    from uncounted.link.review import label_quality, latest_labels, load_labels

    scores = pairs["match_probability"].to_numpy() if len(pairs) else np.empty(0)
    labels = load_labels(ws)
    low, high = REVIEW_BAND
    in_band = int(((scores >= low) & (scores < high)).sum())
    out: dict[str, Any] = {
        "band": REVIEW_BAND,
        "in_band": in_band,
        "labelled": 0,
        "quality": None,
        "figure": None,
    }
    if labels.empty:
        return out
    latest = latest_labels(labels)
    out.update(
        labelled=int(len(latest)),
        reviewers=int(latest["reviewer"].nunique()),
        verdicts=latest["label"].value_counts().to_dict(),
        quality=label_quality(labels, threshold, pairs if len(pairs) else None),
        figure=figures.review_coverage(scores, latest, REVIEW_BAND),
    )
    return out


def _examples(records: pd.DataFrame | None, entities: pd.DataFrame, n: int = 5) -> list[dict[str, Any]]:
    """The largest linked people, record by record: the quickest way for a reader to judge the linkage."""
    if records is None or entities.empty:
        return []
    sizes = entities.groupby("entity_id").size().sort_values(ascending=False, kind="stable")
    chosen = entities[entities["entity_id"].isin(sizes.index[:n])]
    keyed = chosen.merge(
        records.astype({"record_id": str, "source": str}), on=["source", "record_id"], how="left"
    )
    keyed = keyed.fillna("")
    parts = [c for c in NAME_FIELDS[1:] if c in keyed]
    chains = keyed[parts].astype(str).agg(lambda row: " ".join(x for x in row if x.strip()), axis=1)
    keyed["name"] = (
        keyed["full_name"].astype(str).where(keyed["full_name"].astype(str).str.strip() != "", chains)
    )
    columns = [
        "source",
        "record_id",
        "name",
        *(c for c in ("date_of_death", "governorate", "sex") if c in keyed),
    ]
    return [
        {"entity_id": entity, "records": group[columns].to_dict("records")}
        for entity, group in keyed.groupby("entity_id", sort=False)
    ]


def _estimate_context(data: ReportInput, documented: int) -> dict[str, Any]:
    est = data.estimate
    rows = [("main: " + _label(est), est.estimate, est.lower, est.upper)]
    rows += [(label, e.estimate, e.lower, e.upper) for label, e in data.sensitivity]
    strata = est.extras.get("strata") or []
    strata_rows = [
        (str(s["stratum"]), s.get("estimate") or np.nan, s.get("lower") or np.nan, s.get("upper") or np.nan)
        for s in strata
        if s.get("estimate") is not None
    ]
    all_estimates = [("main", est), *data.sensitivity]
    bayesian = [(label, e) for label, e in all_estimates if e.draws is not None and len(e.draws) > 1]
    dga = next(((label, e) for label, e in all_estimates if e.extras.get("graph_weights")), None)
    lcmcr = [(label, e) for label, e in all_estimates if e.extras.get("trace")]
    return {
        "estimate": est,
        "estimate_json": est.to_json(),
        "fig_estimates": figures.intervals(rows, truth=data.truth_n, observed=documented),
        "fig_posterior": figures.posterior(bayesian[0][1].draws, data.truth_n) if bayesian else None,
        "posterior_of": bayesian[0][0] if bayesian else None,
        "fig_densities": _densities(all_estimates, est, data.truth_n, documented),
        "strata": strata,
        "fig_strata": figures.intervals(strata_rows) if strata_rows else None,
        "sensitivity": data.sensitivity,
        "graph_weights": dga[1].extras["graph_weights"] if dga else None,
        "graph_weights_of": dga[0] if dga else None,
        "fig_graph_weights": figures.graph_weights(dga[1].extras["graph_weights"]) if dga else None,
        "loglinear": [
            {
                "label": label,
                "model": e.extras.get("model"),
                "aic": e.extras.get("aic"),
                "bic": e.extras.get("bic"),
                "deviance": e.extras.get("deviance"),
                "df": e.extras.get("df"),
                "estimate": e.estimate,
                "lower": e.lower,
                "upper": e.upper,
            }
            for label, e in all_estimates
            if e.method == "loglinear" and "aic" in e.extras
        ],
        "mcmc": [
            {
                "label": label,
                "diagnostics": e.diagnostics,
                "settings": e.settings,
                "seed": e.seed,
                "figure": figures.traces(e.extras["trace"], e.diagnostics.get("rhat")),
            }
            for label, e in lcmcr
        ],
    }


def _densities(
    all_estimates: list[tuple[str, Estimate]], main: Estimate, truth: int | None, documented: int
) -> str | None:
    """dga's exact posterior density over N beside the densities of LCMCR's draws (issue 10), or None when no
    dga run is in the report (LCMCR's draws alone are already shown as a histogram)."""
    curves, exact = [], False
    for label, e in all_estimates:
        name = "main: " + _label(e) if e is main else label
        density = (e.extras.get("posterior") or {}).get("density") if e.method == "dga" else None
        if density:
            curves.append((name, density["N"], density["density"]))
            exact = True
        elif e.method == "lcmcr" and e.draws is not None and len(e.draws) > 1:
            curves.append((name, *figures.draws_density(e.draws)))
    if not exact:
        return None
    return figures.posterior_densities(curves, truth=truth, observed=documented)


def _label(estimate: Estimate) -> str:
    model = estimate.extras.get("model")
    return f"{estimate.method} {model}" if model else estimate.method


def headline(n_records: int, documented: int, estimate: Estimate, truth_n: int | None, n_lists: int) -> str:
    """The sentence the CLI prints and the report opens with."""
    text = (
        f"{n_lists} lists, {n_records:,} records → {documented:,} documented people; "
        f"estimated {estimate.estimate:,.0f} (95%: {_number(estimate.lower)}–{_number(estimate.upper)})"
    )
    if truth_n is not None:
        text += f"; true {truth_n:,}"
    return text


def _number(value: float) -> str:
    return f"{value:,.0f}" if value is not None and np.isfinite(value) else "not found"


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _overlap_matrix(histories: pd.DataFrame, lists: list[str]) -> list[list[int]]:
    matrix = histories[lists].to_numpy().astype(np.int64)
    return (matrix.T @ matrix).tolist()


def _blocking_words(blocking: dict | None) -> str:
    """The blocking of a run in a sentence (runs saved before blocking was recorded say nothing)."""
    if not blocking:
        return ""
    words = f" Candidate pairs came from {len(blocking['rules'])} blocking rules, a pair being scored if any held"
    if blocking.get("max_block_pairs"):
        split_by = blocking["oversized_blocks_split_by"]
        fields = ", ".join(name.removesuffix("_key").replace("_", " ") for name in split_by)
        words += (f"; a block proposing more than {blocking['max_block_pairs']:,} pairs kept only the pairs that "
                  f"also shared one of: {fields}")
    return words + "."


def methods_text(
    data: ReportInput, checks: Checks | None = None, testimony: TestimonySection | None = None
) -> list[str]:
    """Plain-words methods, written from the settings actually used."""
    link = data.linkage.settings
    est = data.estimate
    paragraphs = [
        f"Records from {len(data.lists)} lists were linked with a Fellegi–Sunter model (Splink, "
        f"{link.get('backend', 'duckdb')} backend) trained without labels by expectation maximisation "
        f"(seed {link.get('seed', 'not recorded')}). Names were compared by script-independent keys, so a "
        "name "
        "written in Arabic on one list and in Latin letters on another can match; dates were compared at the "
        "precision both records share." + _blocking_words(link.get("blocking")),
        f"Pairs with a match probability of at least {link.get('threshold')} were joined into people; groups "
        f"larger than {link.get('max_cluster_size')} records or with fewer than "
        f"{link.get('min_cluster_density', 0):.0%} of their pairs directly linked were split at their "
        "weakest "
        f"links ({data.linkage.diagnostics.get('clusters_split_by_guard_rails', 0)} splits).",
        f"The number of people no list recorded was estimated by {_method_words(est)} from the capture "
        "history "
        f"of each of the {len(data.histories):,} documented people"
        + (
            f", separately in each of {len(est.extras['strata'])} strata "
            f"({', '.join(est.settings.get('strata', []))})"
            " and then summed"
            if est.extras.get("strata")
            else ""
        )
        + f". Settings: {_settings_words(est.settings)}; seed {est.seed}.",
    ]
    if data.sensitivity:
        paragraphs.append(
            "For comparison the same capture histories were also estimated by "
            + "; ".join(f"{_method_words(e)} ({label})" for label, e in data.sensitivity)
            + "."
        )
    if checks is not None:
        text = (
            f"The report re-estimated with {_method_words_short(checks.method)} (chosen because it is fast "
            "enough to repeat many times) leaving each list out in turn, which shows how much one list "
            "drives the answer"
        )
        if checks.combined is not None:
            text += (
                f", and on {len(checks.replicates)} linkages re-clustered from the same scored pairs at "
                f"thresholds {', '.join(str(t) for t, _ in checks.replicates)}, combined by Rubin's rules "
                "on the logarithm of the number missing; the spread between these linkages is the part of "
                "the interval that comes from linkage"
            )
        paragraphs.append(text + ".")
    if testimony is not None:
        paragraphs.append(
            "Testimony was grouped into findings (claims about one fact that overlap in time and place); "
            "each "
            f"finding was judged against the standard '{testimony.standard}', counting independent lines of "
            "evidence rather than claims, so that two people repeating one source count once."
            + (
                " The count was extrapolated by Monte Carlo "
                f"({testimony.extrapolation['draws']:,} draws, seed "
                f"{testimony.extrapolation['seed']}) from the rule {testimony.extrapolation['rule']}, each "
                "parameter drawn within the range its corroborated claims support."
                if testimony.extrapolation
                else ""
            )
        )
    paragraphs.append(
        "Multiple systems estimation assumes a closed population, that linkage is right, and that the model "
        "captures how the lists depend on each other and how visibility varies between people. It estimates "
        "the people who could have been on a list; people no process could reach are not in it. The "
        "sensitivity section shows how far the answer moves when these choices change."
    )
    return paragraphs


def _settings_words(settings: dict[str, Any]) -> str:
    shown = {k: v for k, v in settings.items() if v not in (None, [], {}) and k != "strata"}
    return ", ".join(f"{k} = {v}" for k, v in shown.items()) or "the defaults"


def _method_words_short(method: str) -> str:
    return {"loglinear": "a log-linear model", "dga": "dga (Bayesian model averaging)", "lcmcr": "LCMCR"}.get(
        method, method
    )


def _method_words(estimate: Estimate) -> str:
    return {
        "loglinear": "a Poisson log-linear model (Fienberg 1972) with the interval from the profile "
        "likelihood",
        "dga": "Bayesian model averaging over decomposable graphical models (Madigan & York 1997)",
        "lcmcr": "a Bayesian latent-class model with a Dirichlet-process prior (Manrique-Vallier 2016)",
    }.get(estimate.method, estimate.method)
