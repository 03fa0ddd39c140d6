"""Heterogeneity terms of Rcapture's closed-population models Mh and Mth.

When people differ in how catchable they are, the log expected count of a capture pattern gains a term that
depends only on how many lists the pattern is on, c (Rivest & Baillargeon 2007; Baillargeon & Rivest 2007,
J. Stat. Software 19(5), section 2.1; Rcapture's closedp.t):

- Chao (lower bound): one column per j = 3..k, max(c - j + 1, 0), with parameters eta_j constrained to be
  non-negative; this gives Chao's lower bound for N (Rivest & Baillargeon 2007, section 3).
- Poisson: theta^c - 1 (theta = 2 by default).
- Darroch: c^2 / 2.
- Gamma: -log(theta + c) + log(theta) (theta = 3.5 by default).

Each column is 0 for the unobserved pattern (c = 0), so the expected number missing stays exp(intercept).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np

T = TypeVar("T")


def heterogeneity_columns(captures: np.ndarray, kind: str, theta: float | None,
                          lists_count: int) -> tuple[np.ndarray, list[str]]:
    """The heterogeneity columns for patterns on `captures` lists each, and their names."""
    c = np.asarray(captures, dtype=np.float64)
    if kind == "Chao":
        js = range(3, max(lists_count, 3) + 1)
        return np.column_stack([np.maximum(c - j + 1, 0.0) for j in js]), [f"eta{j}" for j in js]
    if kind == "Poisson":
        return (theta**c - 1.0)[:, None], ["tau"]
    if kind == "Darroch":
        return (c**2 / 2.0)[:, None], ["tau"]
    if kind == "Gamma":
        return (-np.log(theta + c) + np.log(theta))[:, None], ["tau"]
    raise ValueError(f"unknown heterogeneity model {kind!r}")


def drop_negative_eta(fit: Callable[[np.ndarray], tuple[np.ndarray, T]],
                      eta: np.ndarray) -> tuple[np.ndarray, list[int], T]:
    """Fit, then refit without the first negative Chao eta until none is negative.

    `fit(columns)` fits the model on those design columns and returns their coefficients and the fit; `eta`
    marks the constrained columns. Rcapture does the same (its internal Chao.neg: eta parameters are set to
    zero one at a time, first negative first), which is what makes the Chao model a lower bound. Returns the
    kept columns, the dropped ones and the last fit.
    """
    kept = np.arange(len(eta))
    dropped: list[int] = []
    while True:
        coef, result = fit(kept)
        negative = [i for i, column in enumerate(kept) if eta[column] and coef[i] < 0]
        if not negative:
            return kept, dropped, result
        dropped.append(int(kept[negative[0]]))
        kept = np.delete(kept, negative[0])
