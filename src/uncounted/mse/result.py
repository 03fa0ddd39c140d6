"""`Estimate`: the one result type every estimator returns (design.md, "One result type per kind")."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import uncounted


@dataclass
class Estimate:
    """A population-size estimate with its 95% interval and everything needed to re-run it.

    `estimate` is the maximum-likelihood estimate for log-linear models and the posterior median for Bayesian
    ones. `draws`, when present, are posterior draws of the total N (observed + missing), kept so that strata
    can be summed draw by draw.
    """

    method: str
    n_observed: int
    estimate: float
    lower: float
    upper: float
    settings: dict[str, Any] = field(default_factory=dict)
    seed: int | None = None
    input_hash: str = ""
    draws: np.ndarray | None = None
    diagnostics: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)  # model, aic, bic, graph_weights, strata, ...
    warnings: list[str] = field(default_factory=list)
    version: str = uncounted.__version__

    def to_json(self) -> dict[str, Any]:
        """The `--json` contract of design.md: one flat object, draws left out."""
        out: dict[str, Any] = {
            "method": self.method,
            "n_observed": int(self.n_observed),
            "estimate": _plain(self.estimate),
            "lower": _plain(self.lower),
            "upper": _plain(self.upper),
            "settings": _plain(self.settings),
            "seed": self.seed,
            "input_hash": self.input_hash,
            "version": self.version,
            "diagnostics": _plain(self.diagnostics),
            "warnings": list(self.warnings),
        }
        out.update({key: _plain(value) for key, value in self.extras.items()})
        return out


def _plain(value: Any) -> Any:
    """JSON-safe: NumPy scalars to Python numbers, non-finite floats to None, containers recursively."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    return value
