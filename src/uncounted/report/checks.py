"""The sensitivity checks the report makes itself: leave-one-list-out and linkage replicates.

Both re-estimate many times, so they use a cheap method (the main one if it is log-linear or dga, else dga)
and the report says which. Replicates re-cluster the saved scored pairs at several thresholds (no retraining)
and are combined by Rubin's rules, whose between-replicate variance is the part of the interval that comes
from linkage (Rubin 1987, eq. 3.1.7; see `uncounted.mse.replicates`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from uncounted.errors import UncountedError
from uncounted.link import Linkage, capture_histories
from uncounted.mse import CaptureTable, Estimate
from uncounted.report import figures

CHEAP_METHODS = ("loglinear", "dga")
THRESHOLDS = (0.3, 0.5, 0.7, 0.9)  # around the default of 0.5


@dataclass
class Checks:
    """What the report shows under "Sensitivity": results, figures and plain-words notes."""

    method: str
    leave_one_out: list[Estimate] = field(default_factory=list)
    replicates: list[tuple[float, Estimate]] = field(default_factory=list)
    combined: Estimate | None = None
    figure_leave_one_out: str | None = None
    figure_replicates: str | None = None
    notes: list[str] = field(default_factory=list)


def cheap_method(main: Estimate) -> str:
    return main.method if main.method in CHEAP_METHODS else "dga"


def run_checks(
    histories: pd.DataFrame,
    lists: list[str],
    main: Estimate,
    linkage: Linkage,
    records: pd.DataFrame | None,
    truth_n: int | None = None,
) -> Checks:
    from uncounted.mse.sensitivity import leave_one_list_out

    method = cheap_method(main)
    checks = Checks(method)
    observed = float(len(histories))
    table = CaptureTable.from_frame(histories[lists])
    if len(lists) >= 3:
        checks.leave_one_out = leave_one_list_out(table, method, **_options(table, method))
        rows = [("all lists", *_triple(_full(table, method)))]
        rows += [(f"without {e.extras['left_out']}", *_triple(e)) for e in checks.leave_one_out]
        checks.figure_leave_one_out = figures.intervals(rows, truth=truth_n, observed=observed)
    else:
        checks.notes.append("Leaving a list out needs at least three lists.")
    if records is None or linkage.pairs.empty:
        checks.notes.append("Linkage replicates need the records and the scored pairs; neither was given.")
        return checks
    _replicates(checks, linkage, records, lists, method, observed)
    return checks


def _replicates(
    checks: Checks, linkage: Linkage, records: pd.DataFrame, lists: list[str], method: str, observed: float
) -> None:
    from uncounted.link.replicates import threshold_replicates
    from uncounted.mse.replicates import combine_replicates

    for threshold, entities in zip(
        THRESHOLDS, threshold_replicates(linkage, records, THRESHOLDS), strict=True
    ):
        replicate = capture_histories(records, entities)
        try:
            checks.replicates.append((threshold, _full(CaptureTable.from_frame(replicate[lists]), method)))
        except UncountedError as exc:
            checks.notes.append(f"The replicate at threshold {threshold} could not be estimated: {exc}")
    if len(checks.replicates) < 2:
        return
    try:
        checks.combined = combine_replicates([e for _, e in checks.replicates])
    except UncountedError as exc:
        checks.notes.append(f"The replicates could not be combined: {exc}")
        return
    rows = [(f"threshold {t}", *_triple(e)) for t, e in checks.replicates]
    rows.append(("combined (Rubin)", *_triple(checks.combined)))
    extras = checks.combined.extras
    checks.figure_replicates = figures.replicate_uncertainty(
        rows, extras["within_variance"], extras["between_variance"], observed
    )


def linkage_share(combined: Estimate) -> float:
    """The share of the combined variance of log(missing) that is between replicates: linkage's part."""
    x = combined.extras
    m = int(combined.settings["replicates"])
    part = (1 + 1 / m) * x["between_variance"]
    total = x["within_variance"] + part
    return part / total if total > 0 else 0.0


def _full(table: CaptureTable, method: str) -> Estimate:
    """One re-estimate, with the cheap options of `_options`."""
    from uncounted.mse.estimate import estimate

    return estimate(table, method, **_options(table, method))


def _options(table: CaptureTable, method: str) -> dict[str, Any]:
    """dga's grid to three times the documented count (it warns if the posterior reaches the end), a tenth
    of its default: enough for any plausible total, and the checks re-estimate often."""
    return {"max_missing": 3 * table.n_observed} if method == "dga" else {}


def _triple(e: Estimate) -> tuple[float, float, float]:
    def number(value: Any) -> float:
        return float(value) if value is not None else math.nan

    return number(e.estimate), number(e.lower), number(e.upper)
