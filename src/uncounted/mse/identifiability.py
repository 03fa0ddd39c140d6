"""Can a log-linear model be estimated from this capture table? Two checks, as SparseMSE's checkident does.

1. Rank: the design over the usable capture patterns must have full column rank, or some parameters (and so
   possibly N) are not determined by any data.
2. Existence of the maximum-likelihood estimate (Fienberg & Rinaldo 2012, Ann. Statist. 40, section 3; the
   linear program as corrected by Chan, Silverman & Vincent 2019): the MLE exists if and only if the observed
   margins A'y can be reproduced by a table x with every cell strictly positive. The linear program
   maximises s subject to A'x = A'y and x >= s; the MLE exists iff the optimum is positive. Zero counts are
   what can make it fail; a shortcut skips the program when the design restricted to the positive cells
   already has full column rank, because then no direction of the parameters can leave all positive cells
   unchanged while lowering the zero ones (Haberman 1974, The Analysis of Frequency Data, ch. 2), so the MLE
   exists.

Interactions among lists that no one is on together are first turned into structural zeros (see
`uncounted.mse.models.Design`), as SparseMSE does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from uncounted.mse.capture import CaptureTable
from uncounted.mse.models import Design, Model, design_matrix, parse_model

#: The linear program's optimum, on counts scaled to sum to 1, must exceed this to count as positive.
_LP_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Identifiability:
    """Whether the model's maximum-likelihood estimate exists and is unique, and why not if not.

    `full_rank` is the rank check, `mle_exists` the linear program (both are made, as SparseMSE does).
    """

    identifiable: bool
    reason: str
    full_rank: bool = True
    mle_exists: bool = True


def check_identifiable(table: CaptureTable, model: str | Model) -> Identifiability:
    """Rank check and Fienberg–Rinaldo linear program for `model` on `table`."""
    parsed = parse_model(model, table.lists)
    full = table.full_counts()
    return check_design(design_matrix(parsed, table.lists, full), full, table.lists)


def check_design(design: Design, full_counts: np.ndarray,
                 lists: tuple[str, ...] | list[str]) -> Identifiability:
    """The two checks on a design already built."""
    note = structural_zero_note(design, lists)
    y = np.asarray(full_counts, dtype=np.float64)[design.cells]
    return check_matrix(design.matrix, y, f". {note}" if note else "")


def check_matrix(X: np.ndarray, y: np.ndarray, note: str = "") -> Identifiability:
    """The two checks on design `X` (one row per usable cell) with counts `y`; `note` ends the reason."""
    columns = X.shape[1]
    rank = np.linalg.matrix_rank(X)
    full_rank = rank == columns
    positive = y > 0
    exists = positive.all() or np.linalg.matrix_rank(X[positive]) == columns or _lp_positive(X, y)
    if not full_rank:
        return Identifiability(False, (
            f"the model has {columns} parameters but the {X.shape[0]} capture patterns it can use determine "
            f"only {rank} of them, so the estimate is not identifiable; choose fewer interactions" + note),
            full_rank=False, mle_exists=bool(exists))
    if not exists:
        return Identifiability(False, (
            "the maximum-likelihood estimate does not exist: with the zero counts in this table, the model's "
            "margins can only be matched by letting some parameter go to infinity (Fienberg-Rinaldo linear "
            "program); drop an interaction that involves rarely overlapping lists" + note), mle_exists=False)
    return Identifiability(True, "the maximum-likelihood estimate exists and is unique" + note)


def _lp_positive(X: np.ndarray, y: np.ndarray) -> bool:
    """max s s.t. X'x = X'y, x_i >= s, x >= 0 (Fienberg & Rinaldo 2012, p. 3, corrected); True if > 0."""
    cells, _ = X.shape
    scaled = y / y.sum()
    objective = np.zeros(cells + 1)
    objective[-1] = -1.0
    a_eq = np.hstack([X.T, np.zeros((X.shape[1], 1))])
    a_ub = np.hstack([-np.eye(cells), np.ones((cells, 1))])
    result = linprog(objective, A_ub=a_ub, b_ub=np.zeros(cells), A_eq=a_eq, b_eq=X.T @ scaled,
                     bounds=[(0, None)] * (cells + 1), method="highs")
    return bool(result.status == 0 and -result.fun > _LP_TOLERANCE)


def structural_zero_note(design: Design, lists: tuple[str, ...] | list[str]) -> str:
    """A sentence naming the interactions turned into structural zeros, or '' if none."""
    if not design.impossible:
        return ""
    combos = " or on ".join(
        ("both " if len(term) == 2 else "all of ")
        + ", ".join(lists[i] for i in term[:-1]) + f" and {lists[term[-1]]}"
        for term in design.impossible)
    return (f"No one is on {combos}, so the model treats those combinations as impossible "
            "(Chan, Silverman & Vincent 2019)")
