"""dga: Bayesian model averaging over decomposable graphical models (Madigan & York 1997).

For each decomposable graph on the lists and each candidate number missing N0 on a grid, the capture table
completed with N0 in the unobserved cell has an exact marginal likelihood under a hyper-Dirichlet prior:
a product over cliques of Dirichlet-multinomial terms divided by the same over separators
(Madigan & York 1997, eq. 2; Dawid & Lauritzen 1993). The joint posterior over (graph, N0) is that
likelihood times the multinomial coefficient for choosing the unobserved people, times the prior on N, with a
uniform prior over graphs.

The prior conventions follow R's dga 2.0.2 (`bma.cr`, `MakeCompMatrix`, `CompLogML`) so the figures match:
each cell of the full 2^p table gets Dirichlet weight `delta`, so a cell of a clique's marginal table over c
lists gets `delta * 2^(p - c)`; the default prior on N is 1/N. No library does this; it is written here as
NumPy: each clique or separator term is computed once for the whole grid, and a graph's log-likelihood is then
a signed sum of those rows (a matrix product), processed in column chunks so memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import gammaln, logsumexp

from uncounted.errors import BadInput
from uncounted.mse.capture import CaptureTable
from uncounted.mse.graphs import DecomposableGraph, decomposable_graphs, parse_graph
from uncounted.mse.result import Estimate

LogPrior = str | Callable[[np.ndarray], np.ndarray]

#: Grid columns processed at once: bounds memory at about 822 graphs x 8,192 doubles (54 MB) on 5 lists.
_CHUNK = 8192
#: Bins of the posterior density over N kept in `extras["posterior"]["density"]`, for plots (the grid itself
#: can have 40,000 values, too many for the JSON output).
DENSITY_BINS = 120
#: Graphs listed in `extras["graph_weights"]`: those with at least this posterior weight.
_LISTED_WEIGHT = 1e-4
#: Graphs whose own (conditional) posterior is summarised too.
_SUMMARISED_WEIGHT = 0.01


def negative_binomial_log_prior(a: float, b: float) -> Callable[[np.ndarray], np.ndarray]:
    """Log of a negative-binomial prior on the total N (Madigan & York 1997, section 4.1).

    log p(N) = N log b - (N + a) log(1 + b) + lgamma(N + a) - lgamma(N + 1) - lgamma(a), the prior that
    dga's documentation uses for the spina bifida example (a = 13.14, b = 55.17: mean about a*b = 725).
    """
    if a <= 0 or b <= 0:
        raise BadInput(f"the negative-binomial prior needs a > 0 and b > 0; got a={a}, b={b}")

    def log_prior(total: np.ndarray) -> np.ndarray:
        total = np.asarray(total, dtype=np.float64)
        return (total * np.log(b) - (total + a) * np.log1p(b) + gammaln(total + a) - gammaln(total + 1)
                - gammaln(a))

    log_prior.description = f"negative binomial (a={a:g}, b={b:g})"  # type: ignore[attr-defined]
    return log_prior


@dataclass
class DgaPosterior:
    """The exact posterior of dga: over the number missing (a grid) and over the graphs."""

    lists: tuple[str, ...]
    n_observed: int
    n_missing: np.ndarray  # the grid 0..max_missing
    probability: np.ndarray  # posterior probability of each grid value, model-averaged; sums to 1
    graphs: tuple[DecomposableGraph, ...]
    graph_weights: np.ndarray  # posterior probability of each graph; sums to 1
    conditional: dict[int, np.ndarray] = field(default_factory=dict)  # graph index -> its own posterior
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> np.ndarray:
        return self.n_observed + self.n_missing

    def quantiles(self, qs: Sequence[float], probability: np.ndarray | None = None) -> list[float]:
        """For each q, the smallest N whose posterior distribution function reaches q."""
        cdf = np.cumsum(self.probability if probability is None else probability)
        index = np.minimum(np.searchsorted(cdf, np.asarray(qs) * cdf[-1]), cdf.size - 1)
        return [float(v) for v in self.total[index]]

    def summary(self, probability: np.ndarray | None = None) -> dict[str, float]:
        p = self.probability if probability is None else probability
        total = self.total.astype(np.float64)
        median, lower, upper = self.quantiles((0.5, 0.025, 0.975), p)
        inverse = 1 / total
        return {
            "median": median,
            "lower": lower,
            "upper": upper,
            "mean": float(p @ total),
            "mode": float(total[int(np.argmax(p))]),
            # Bayes estimator under relative squared-error loss (N_hat - N)^2 / N^2: E[1/N] / E[1/N^2]
            # (Madigan & York 1997, section 4.1), the figure their spina bifida example reports.
            "bayes_relsq": float((p @ inverse) / (p @ inverse**2)),
        }


def dga_posterior(
    table: CaptureTable,
    *,
    delta: float | None = None,
    max_missing: int | None = None,
    log_prior: LogPrior = "1/N",
    graphs: str | Sequence[str] = "decomposable",
) -> DgaPosterior:
    """The exact dga posterior; `dga()` summarises it, `estimate_strata` convolves it across strata."""
    p = table.n_lists
    if not 3 <= p <= 5:
        raise BadInput(f"dga averages over graphs of 3 to 5 lists; this table has {p}")
    table.validate(min_lists=3)
    delta = 2.0 ** -p if delta is None else float(delta)
    if not np.isfinite(delta) or delta <= 0:
        raise BadInput(f"delta must be a positive number; got {delta}")
    n = table.n_observed
    max_missing = default_max_missing(n) if max_missing is None else int(max_missing)
    if max_missing < 0:
        raise BadInput(f"max_missing must be zero or more; got {max_missing}")
    models = _models(graphs, table.lists)
    grid = np.arange(max_missing + 1, dtype=np.float64)

    components = _component_matrix(table.full_counts(), p, delta, grid)
    design = _design(models, p)
    y = table.full_counts()[1:]
    common = (gammaln(grid + n + 1) - gammaln(grid + 1) - gammaln(y + 1.0).sum()
              + _log_prior_values(log_prior, grid + n))

    by_n = np.empty(grid.size)
    by_graph = np.full(len(models), -np.inf)
    for start in range(0, grid.size, _CHUNK):
        block = design @ components[:, start:start + _CHUNK]
        block += common[start:start + _CHUNK]
        # One exponential per entry (in place), shifted by the block's maximum: entries that underflow are
        # below e^-700 of the largest and cannot move any sum that is reported.
        top = block.max()
        block -= top
        scaled = np.exp(block, out=block)
        with np.errstate(divide="ignore"):
            by_n[start:start + _CHUNK] = top + np.log(scaled.sum(axis=0))
            by_graph = np.logaddexp(by_graph, top + np.log(scaled.sum(axis=1)))
    norm = logsumexp(by_n)
    if not np.isfinite(norm):
        raise BadInput("the prior on N gives no weight to any value on the grid")
    weights = np.exp(by_graph - norm)

    conditional = {}
    for g in np.flatnonzero(weights >= _SUMMARISED_WEIGHT):
        row = design[g] @ components + common
        conditional[int(g)] = np.exp(row - logsumexp(row))
    return DgaPosterior(
        lists=table.lists, n_observed=n, n_missing=grid.astype(np.int64), probability=np.exp(by_n - norm),
        graphs=models, graph_weights=weights, conditional=conditional,
        settings={"delta": delta, "max_missing": max_missing, "log_prior": _describe(log_prior),
                  "graphs": graphs if isinstance(graphs, str) else list(graphs)},
    )


def dga(
    table: CaptureTable,
    *,
    delta: float | None = None,
    max_missing: int | None = None,
    log_prior: LogPrior = "1/N",
    graphs: str | Sequence[str] = "decomposable",
) -> Estimate:
    """Madigan & York (1997) Bayesian model averaging over decomposable graphs, for 3 to 5 lists.

    delta: Dirichlet weight per cell of the full 2^p table. Default 2^-p (1/16 for 4 lists), dga's suggested
        default: the prior then weighs as much as one observed person.
    max_missing: top of the grid 0..max_missing for the number missing. Default max(10 x observed, 1,000); a
        warning says when the posterior has not died out by the end of the grid.
    log_prior: "1/N" (default, as dga), "uniform", or a function of the array of totals N returning log prior
        values, such as `negative_binomial_log_prior(a, b)`.
    graphs: "decomposable" (every decomposable graph, equally likely a priori) or a list of generating classes
        such as ``["[A,B][B,C]"]`` to average over those only.

    `estimate` is the posterior median of N, `lower`/`upper` its 2.5% and 97.5% quantiles. Exact and
    deterministic: no draws.
    """
    post = dga_posterior(table, delta=delta, max_missing=max_missing, log_prior=log_prior, graphs=graphs)
    return posterior_estimate(post, table)


def posterior_estimate(post: DgaPosterior, table: CaptureTable | None = None) -> Estimate:
    """Summarise a dga posterior as an `Estimate` (strata totals use it on their convolved posterior)."""
    summary = post.summary()
    order = np.argsort(-post.graph_weights, kind="stable")
    listed = []
    for g in order:
        if post.graph_weights[g] < _LISTED_WEIGHT and listed:
            break
        row: dict[str, Any] = {"graph": post.graphs[g].label(post.lists),
                               "weight": float(post.graph_weights[g])}
        if int(g) in post.conditional:
            own = post.summary(post.conditional[int(g)])
            row.update(median=own["median"], lower=own["lower"], upper=own["upper"])
        listed.append(row)
    extras: dict[str, Any] = {
        "mean": summary["mean"],
        "mode": summary["mode"],
        "bayes_relsq": summary["bayes_relsq"],
        "graph_weights": listed,
        "graphs_averaged": len(post.graphs),
        "posterior": _posterior_facts(post),
    }
    warnings = []
    tail = extras["posterior"]["mass_in_last_tenth_of_grid"]
    if tail > 1e-3:
        warnings.append(
            f"{100 * tail:.1f}% of the posterior lies in the last "
            f"tenth of the grid (up to {int(post.n_missing[-1])} missing): raise max_missing")
    return Estimate(
        method="dga", n_observed=post.n_observed, estimate=summary["median"], lower=summary["lower"],
        upper=summary["upper"], settings=dict(post.settings), seed=None,
        input_hash=table.digest() if table is not None else "", draws=None, extras=extras, warnings=warnings,
    )


def default_max_missing(n_observed: int) -> int:
    """Top of the default grid: ten times the people observed (Kosovo's 4,400 give 44,000), at least 1,000."""
    return max(10 * int(n_observed), 1000)


def _posterior_facts(post: DgaPosterior) -> dict[str, Any]:
    """What the grid posterior says beyond the summary, small enough for JSON."""
    p = post.probability
    tail = int(np.ceil(0.9 * (p.size - 1)))
    # Moments of log(n0) with n0 = 0 read as 0.1, as verdata does, so replicates combine by Rubin's rules.
    log_n0 = np.log(np.where(post.n_missing == 0, 0.1, post.n_missing))
    mean_log = float(p @ log_n0)
    return {
        "n_missing_grid": [int(post.n_missing[0]), int(post.n_missing[-1])],
        "mass_in_last_tenth_of_grid": float(p[tail:].sum()) if p.size > 1 else 0.0,
        "log_n_missing_mean": mean_log,
        "log_n_missing_var": float(p @ (log_n0 - mean_log) ** 2),
        "density": _density(post),
        "bayes_relsq_definition": "Bayes estimator of N under relative squared-error loss, E[1/N] / E[1/N^2] "
                                  "(Madigan & York 1997)",
    }


def _density(post: DgaPosterior) -> dict[str, list[float]]:
    """The posterior over N where it has mass (0.01% to 99.99%), in at most DENSITY_BINS equal bins of the
    grid: each bin's centre and its probability per person (mass / width), so the curve has the scale of a
    density and can be drawn beside a histogram of LCMCR's draws."""
    p = post.probability
    cdf = np.cumsum(p)
    first = int(np.searchsorted(cdf, 1e-4))
    last = min(int(np.searchsorted(cdf, 1 - 1e-4)), p.size - 1)
    bins = min(DENSITY_BINS, last + 1 - first)
    edges = np.unique(np.linspace(first, last + 1, bins + 1).round().astype(int))
    mass = np.add.reduceat(p[first:last + 1], edges[:-1] - first)
    centres = post.n_observed + post.n_missing[0] + (edges[:-1] + edges[1:] - 1) / 2
    return {"N": [round(float(c), 1) for c in centres],
            "density": [float(f"{d:.4g}") for d in mass / np.diff(edges)]}


def _models(graphs: str | Sequence[str], lists: tuple[str, ...]) -> tuple[DecomposableGraph, ...]:
    if isinstance(graphs, str):
        if graphs != "decomposable":
            raise BadInput(f"graphs must be 'decomposable' or a list of generating classes; got '{graphs}'")
        return decomposable_graphs(len(lists))
    models = tuple(dict.fromkeys(parse_graph(spec, lists) for spec in graphs))
    if not models:
        raise BadInput("dga needs at least one graph to average over")
    return models


def _component_matrix(full: np.ndarray, p: int, delta: float, grid: np.ndarray) -> np.ndarray:
    """Row 0: the shared normaliser; row `mask`: log marginal likelihood of that list subset's margin.

    `mask` has bit i set when vertex (list) i is in the subset. For a margin over c lists, each of its 2^c
    cells has prior weight alpha = delta * 2^(p - c); its all-absent cell holds the observed count plus N0.
    The Dirichlet normaliser Gamma(2^p delta) / Gamma(N + 2^p delta) is the same for every margin (their total
    prior weight is always 2^p delta), so it is stored once, in row 0 (dga's `MakeCompMatrix`, `bma.cr`).
    """
    cube = full.reshape((2,) * p)  # axis i is list i, since list 1 is the highest bit of the index
    n = float(full.sum())
    rows = np.empty((1 << p, grid.size))
    rows[0] = gammaln(2**p * delta) - gammaln(grid + n + 2**p * delta)
    for mask in range(1, 1 << p):
        members = [i for i in range(p) if mask >> i & 1]
        margin = cube.sum(axis=tuple(i for i in range(p) if i not in members)).ravel().astype(np.float64)
        alpha = delta * 2.0 ** (p - len(members))
        rows[mask] = (gammaln(grid + margin[0] + alpha) + gammaln(margin[1:] + alpha).sum()
                      - margin.size * gammaln(alpha))
    return rows


def _design(models: Sequence[DecomposableGraph], p: int) -> np.ndarray:
    """Signed incidence of graphs on margins: +1 per clique, -1 per separator, and (#cliques - #separators)
    copies of the shared normaliser (Madigan & York 1997, eq. 2)."""
    design = np.zeros((len(models), 1 << p))
    for g, graph in enumerate(models):
        for clique in graph.cliques:
            design[g, sum(1 << i for i in clique)] += 1
        for separator in graph.separators:
            design[g, sum(1 << i for i in separator)] -= 1
        design[g, 0] = len(graph.cliques) - len(graph.separators)
    return design


def _log_prior_values(log_prior: LogPrior, total: np.ndarray) -> np.ndarray:
    if isinstance(log_prior, str):
        if log_prior == "1/N":
            return -np.log(total)
        if log_prior == "uniform":
            return np.zeros_like(total)
        raise BadInput(f"log_prior must be '1/N', 'uniform' or a function; got '{log_prior}'")
    values = np.asarray(log_prior(total.copy()), dtype=np.float64)
    if values.shape != total.shape or np.any(np.isnan(values)) or np.any(values == np.inf):
        raise BadInput("the prior on N must give a finite log value (or -inf) for every N on the grid")
    return values


def _describe(log_prior: LogPrior) -> str:
    if isinstance(log_prior, str):
        return log_prior
    return str(getattr(log_prior, "description", "user-supplied"))
