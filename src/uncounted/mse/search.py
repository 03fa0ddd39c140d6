"""Choose a log-linear model by AIC or BIC among hierarchical models, as Rcapture's closedpMS.t does.

Every model keeps all main effects and may add interaction terms up to `max_order` lists, respecting hierarchy
(a term only with all the terms below it; Fienberg 1972). `exhaustive` fits every such model (6,212 on five
lists up to 3-way terms; closedpMS.t searches hierarchical models likewise); `stepwise` starts from Mt and
moves to the best neighbour (one term added or one highest-order term removed) while the criterion improves,
for any number of lists. Models that cannot be estimated (see `uncounted.mse.identifiability`) are skipped
and counted.

Candidates are fitted with the hand-written Newton solver of `uncounted.mse.loglinear` (no interval); the
chosen model is then refitted by `loglinear()` for the reported figures and its profile interval.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from uncounted.errors import BadInput
from uncounted.mse.capture import CaptureTable
from uncounted.mse.identifiability import check_matrix
from uncounted.mse.loglinear import PoissonFit, fit_constrained, fit_poisson, loglinear, poisson_loglik
from uncounted.mse.models import Model, design_matrix, hierarchical_terms, parse_model, pattern_matrix
from uncounted.mse.result import Estimate

_CRITERIA = ("aic", "bic")
_METHODS = ("exhaustive", "stepwise")
#: Candidates listed in `extras["models"]`.
_LISTED = 10
_MAX_EXHAUSTIVE_LISTS = 5
#: Relative change of deviance at which candidate fits stop (R's glm stops at 1e-8).
_SEARCH_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Candidate:
    """One fitted candidate model: its hierarchical set of interaction terms and figures."""

    terms: frozenset[tuple[int, ...]]
    aic: float
    bic: float
    estimate: float
    df: int


def search_loglinear(table: CaptureTable, *, criterion: str = "bic", method: str = "exhaustive",
                     max_order: int = 3, heterogeneity: str | None = None, interval: bool = True) -> Estimate:
    """The best hierarchical log-linear model by `criterion`, as a full `loglinear()` estimate.

    `heterogeneity` (Chao, Poisson2, Darroch, Gamma3.5) adds that term to every candidate, as closedpMS.t's
    `h` does; `max_order` is capped at k - 1 lists; `interval=False` skips the profile interval of the
    chosen model.

    `extras["models"]` lists the best candidates ({model, aic, bic, estimate, df}), best first.
    """
    table.validate()
    if criterion not in _CRITERIA:
        raise BadInput(f"unknown model-selection criterion '{criterion}'; use aic or bic")
    if method not in _METHODS:
        raise BadInput(f"unknown model-search method '{method}'; use exhaustive or stepwise")
    k = table.n_lists
    if max_order < 1:
        raise BadInput(f"the highest interaction order must be at least 1 (main effects only); "
                       f"got {max_order}")
    # A k-way term would make the model saturated on the 2^k - 1 observable patterns: not identifiable.
    max_order = min(max_order, k - 1) if k > 1 else 1
    if method == "exhaustive" and k > _MAX_EXHAUSTIVE_LISTS:
        raise BadInput(f"an exhaustive model search is for up to {_MAX_EXHAUSTIVE_LISTS} lists; this table "
                       f"has {k}: use the stepwise search")
    base = _heterogeneity_model(heterogeneity, table.lists)
    scorer = _Scorer(table, base, criterion, max_order)
    if method == "exhaustive":
        for terms in hierarchical_models(k, max_order):
            scorer.score(terms)
    else:
        _stepwise(scorer, k, max_order)
    ranked = sorted(scorer.fitted.values(), key=lambda c: (getattr(c, criterion), -c.df))
    if not ranked:
        raise BadInput("no log-linear model in the search can be estimated from this table")
    best = loglinear(table, scorer.model(ranked[0].terms), interval=interval)
    best.extras["models"] = [
        {"model": scorer.model(c.terms).label(table.lists), "aic": c.aic, "bic": c.bic,
         "estimate": c.estimate, "df": c.df}
        for c in ranked[:_LISTED]
    ]
    best.extras["search"] = {"criterion": criterion, "method": method, "max_order": max_order,
                             "fitted": len(ranked), "skipped": scorer.skipped}
    best.settings.update({"search": method, "criterion": criterion, "max_order": max_order,
                          "heterogeneity": base.heterogeneity and base.label(table.lists)})
    if scorer.skipped:
        best.warnings.append(f"{scorer.skipped} of {scorer.skipped + len(ranked)} candidate models were "
                             "skipped because they cannot be estimated from this table (not identifiable, "
                             "or no maximum-likelihood estimate)")
    return best


def hierarchical_models(lists_count: int, max_order: int) -> Iterator[frozenset[tuple[int, ...]]]:
    """Every hierarchical set of interaction terms of order 2..max_order (main effects always in)."""

    def extend(present: frozenset[tuple[int, ...]], order: int) -> Iterator[frozenset[tuple[int, ...]]]:
        if order > max_order:
            yield present
            return
        candidates = [term for term in combinations(range(lists_count), order)
                      if order == 2 or all(sub in present for sub in combinations(term, order - 1))]
        for size in range(len(candidates) + 1):
            for chosen in combinations(candidates, size):
                yield from extend(present | frozenset(chosen), order + 1)

    yield from extend(frozenset(), 2)


@dataclass
class _Bank:
    """Design columns shared by every candidate with the same structural zeros (see `_Scorer`)."""

    matrix: np.ndarray
    y: np.ndarray
    eta: np.ndarray
    column: dict[tuple[int, ...], int]
    fixed: list[int]
    het: list[int]
    rank_ok: bool
    exists_ok: bool
    start: np.ndarray


class _Scorer:
    """Fits candidates once each and keeps their figures, reusing banks of design columns.

    A bank holds the columns of every term a candidate could have (intercept, list effects, interactions up to
    `max_order`, heterogeneity) over the cells that candidates with the same structural zeros (interactions
    no one was observed in; see `uncounted.mse.models.Design`) keep; usually there is one bank. A candidate's
    design is a choice of the bank's columns. If the bank has full column rank, so has every choice of its
    columns, and likewise on the positive cells (where full rank means the MLE exists, see
    `uncounted.mse.identifiability`); then no candidate of that bank needs checks of its own.
    """

    def __init__(self, table: CaptureTable, base: Model, criterion: str, max_order: int) -> None:
        self.table, self.base, self.criterion = table, base, criterion
        self.full = table.full_counts()
        self.n = table.n_observed
        self.fitted: dict[frozenset[tuple[int, ...]], Candidate] = {}
        self.rejected: set[frozenset[tuple[int, ...]]] = set()
        patterns = pattern_matrix(table.n_lists)
        observed = self.full[1:]
        self.terms = hierarchical_terms(table.n_lists, max_order)
        self.empty = {term for term in self.terms if observed @ patterns[:, list(term)].prod(axis=1) == 0}
        self.banks: dict[frozenset[tuple[int, ...]], _Bank] = {}
        self.solutions: dict[frozenset[tuple[int, ...]], tuple[_Bank, list[int], np.ndarray]] = {}

    @property
    def skipped(self) -> int:
        return len(self.rejected)

    def model(self, terms: frozenset[tuple[int, ...]]) -> Model:
        return Model(terms=tuple(terms), heterogeneity=self.base.heterogeneity, theta=self.base.theta)

    def score(self, terms: frozenset[tuple[int, ...]]) -> Candidate | None:
        if terms in self.fitted:
            return self.fitted[terms]
        if terms in self.rejected:
            return None
        empty = [term for term in terms if term in self.empty]
        impossible = frozenset(term for term in empty if not any(set(e) < set(term) for e in empty))
        bank = self.banks.get(impossible) or self._bank(impossible)
        candidate = self._score(terms, bank)
        if candidate is None:
            self.rejected.add(terms)
        else:
            self.fitted[terms] = candidate
        return candidate

    def _bank(self, impossible: frozenset[tuple[int, ...]]) -> _Bank:
        """Columns of every observed term over the cells kept when `impossible` are structural zeros.

        Observed terms (someone is on all their lists) come in `hierarchical_terms` order, which is the order
        `design_matrix` gives their columns; the impossible ones leave no column.
        """
        k = self.table.n_lists
        observed = [term for term in self.terms if term not in self.empty]
        everything = Model(terms=tuple(impossible) + tuple(observed), heterogeneity=self.base.heterogeneity,
                           theta=self.base.theta)
        design = design_matrix(everything, self.table.lists, self.full)
        y = self.full[design.cells].astype(np.float64)
        fixed = list(range(1 + k))
        width = design.matrix.shape[1]
        start = np.zeros(width)
        start[fixed] = fit_poisson(design.matrix[:, fixed], y).coef
        bank = _Bank(matrix=design.matrix, y=y, eta=design.eta,
                     column={term: 1 + k + i for i, term in enumerate(observed)}, fixed=fixed,
                     het=list(range(1 + k + len(observed), width)),
                     rank_ok=bool(np.linalg.matrix_rank(design.matrix) == width),
                     exists_ok=bool(np.linalg.matrix_rank(design.matrix[y > 0]) == width), start=start)
        self.banks[impossible] = bank
        return bank

    def _score(self, terms: frozenset[tuple[int, ...]], bank: _Bank) -> Candidate | None:
        columns = bank.fixed + sorted(bank.column[t] for t in terms if t in bank.column) + bank.het
        X = bank.matrix[:, columns]
        p = len(columns)
        if not bank.rank_ok and np.linalg.matrix_rank(X) < p:
            return None
        if not bank.exists_ok and not check_matrix(X, bank.y).identifiable:
            return None
        kept, _, fit = fit_constrained(X, bank.y, bank.eta[columns], start=self._start(terms, bank, columns),
                                       tol=_SEARCH_TOLERANCE)
        assert isinstance(fit, PoissonFit)
        self.solutions[terms] = (bank, [columns[i] for i in kept], fit.coef)
        return self._candidate(terms, bank.y, fit, len(kept))

    def _start(self, terms: frozenset[tuple[int, ...]], bank: _Bank, columns: list[int]) -> np.ndarray:
        """Start Newton from a fitted neighbour with one term fewer (the search visits those first), if any.

        Its coefficients are close to the answer, so the fit takes fewer steps than from the Mt start.
        """
        start = bank.start[columns]
        if not terms:
            return start
        smaller = terms - {max(terms, key=lambda t: (len(t), t))}
        solved = self.solutions.get(smaller)
        if solved is None or solved[0] is not bank:
            return start
        position = {column: i for i, column in enumerate(columns)}
        for column, value in zip(solved[1], solved[2], strict=True):
            if column in position:
                start[position[column]] = value
        return start

    def _candidate(self, terms: frozenset[tuple[int, ...]], y: np.ndarray, fit: object,
                   rank: int) -> Candidate | None:
        assert isinstance(fit, PoissonFit)
        if not fit.converged:
            return None
        aic = -2.0 * poisson_loglik(y, fit.mu) + 2.0 * rank
        return Candidate(terms=terms, aic=aic, bic=aic + (math.log(self.n) - 2.0) * rank,
                         estimate=self.n + math.exp(fit.coef[0]), df=len(y) - rank)


def _stepwise(scorer: _Scorer, lists_count: int, max_order: int) -> None:
    """Greedy moves from Mt: add one term whose sub-terms are all present, or drop one highest-order term."""
    current: frozenset[tuple[int, ...]] = frozenset()
    best = scorer.score(current)
    value = math.inf if best is None else getattr(best, scorer.criterion)
    while True:
        moves = [current | {term} for order in range(2, max_order + 1)
                 for term in combinations(range(lists_count), order)
                 if term not in current and all(sub in current for sub in combinations(term, order - 1)
                                                if len(sub) >= 2)]
        moves += [current - {term} for term in current
                  if not any(set(term) < set(other) for other in current)]
        scored = [(getattr(c, scorer.criterion), len(move), move) for move in moves
                  if (c := scorer.score(move)) is not None]
        if not scored:
            return
        step_value, _, step = min(scored, key=lambda s: (s[0], s[1]))
        if step_value >= value - 1e-9:
            return
        current, value = step, step_value


def _heterogeneity_model(heterogeneity: str | None, lists: tuple[str, ...]) -> Model:
    if heterogeneity is None:
        return Model()
    spec = heterogeneity if heterogeneity.lower().startswith("mth") else f"Mth-{heterogeneity}"
    model = parse_model(spec, lists)
    if model.terms or model.heterogeneity is None:
        raise BadInput(f"heterogeneity '{heterogeneity}' should be one of Chao, Poisson2, Darroch, Gamma3.5")
    return model
