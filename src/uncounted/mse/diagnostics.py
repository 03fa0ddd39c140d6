"""MCMC convergence diagnostics for posterior draws of N, computed with ArviZ.

R-hat is ArviZ's rank-normalised split R-hat and ESS its bulk and tail effective sample sizes (Vehtari,
Gelman, Simpson, Carpenter and Buerkner 2021, Bayesian Analysis 16(2)). The thresholds (R-hat > 1.01, ESS <
400) are the ones that paper recommends. R-hat compares chains; with one chain ArviZ returns nothing, so the
chain's two halves are compared as if they were two chains, and the result says so.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import numpy as np

ESS_MIN = 400
RHAT_MAX = 1.01


def chain_diagnostics(traces: np.ndarray) -> dict[str, Any]:
    """R-hat, bulk ESS and tail ESS of `traces`, shape (chains, draws).

    Returns plain floats (None where undefined, e.g. a constant trace) plus `rhat_method` naming what R-hat
    compared.
    """
    import arviz as az

    traces = np.asarray(traces, dtype=np.float64)
    if traces.ndim != 2 or traces.shape[1] < 4:
        raise ValueError("traces must have shape (chains, draws) with at least 4 draws per chain")
    chains, draws = traces.shape
    if np.all(traces == traces.flat[0]):  # ArviZ reports a meaningless ESS for a constant trace
        return {"rhat": None, "ess_bulk": None, "ess_tail": None,
                "rhat_method": "not computed: constant draws"}
    if chains == 1:
        half = draws // 2
        for_rhat = np.stack([traces[0, :half], traces[0, draws - half:]])
        method = "split R-hat of the one chain's two halves (run 2 or more chains for a between-chain R-hat)"
    else:
        for_rhat = traces
        method = f"rank-normalised split R-hat across {chains} chains"
    # ArviZ logs a shape warning for single chains and numpy warns on constant traces; the values say enough.
    logger = logging.getLogger("arviz")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rhat = float(az.rhat(for_rhat))
            ess_bulk = float(az.ess(traces, method="bulk"))
            ess_tail = float(az.ess(traces, method="tail"))
    finally:
        logger.setLevel(level)
    return {
        "rhat": _finite(rhat),
        "ess_bulk": _finite(ess_bulk),
        "ess_tail": _finite(ess_tail),
        "rhat_method": method,
    }


def convergence_warnings(diagnostics: dict[str, Any], ess_min: float = ESS_MIN,
                         rhat_max: float = RHAT_MAX) -> list[str]:
    """Plain-language warnings when the chains are too short or disagree (nothing when all is well)."""
    out = []
    ess = [diagnostics.get(key) for key in ("ess_bulk", "ess_tail")]
    low = [value for value in ess if value is not None and value < ess_min]
    if low:
        out.append(f"effective sample size {min(low):.0f} is below {ess_min}: the interval is imprecise; "
                   "run more samples or a longer thinning")
    rhat = diagnostics.get("rhat")
    if rhat is not None and rhat > rhat_max:
        out.append(f"R-hat {rhat:.3f} is above {rhat_max}: the chains have not converged; "
                   "run a longer burn-in or more samples")
    if diagnostics.get("rhat") is None and diagnostics.get("ess_bulk") is None:
        out.append("convergence could not be assessed: the draws of N do not vary")
    return out


def _finite(value: float) -> float | None:
    return value if np.isfinite(value) else None
