"""LCMCR: Bayesian latent-class capture-recapture with a Dirichlet-process prior (issue 4, point 4).

Manrique-Vallier (2016), "Bayesian population size estimation using Dirichlet process mixtures", Biometrics
72(4): capture heterogeneity is modelled as a mixture of up to K latent classes, within which lists record
people independently; a truncated stick-breaking (Dirichlet-process) prior lets the data decide how many
classes matter. The Gibbs sampler itself is in `_lcmcr_kernel` (Numba); this module checks the input, runs the
chains, and assembles the one `Estimate`: posterior median of N, 2.5% and 97.5% quantiles, all draws of N, and
ArviZ diagnostics.

Defaults follow R's LCMCR 0.4 (`lcmCR` / `lcmCR_PostSampl`): a_alpha = b_alpha = 0.25, burn-in 10,000 sweeps,
1,000 samples thinned every 10 sweeps, plus LCMCR's own 500 warm-up sweeps before the burn-in. K defaults to
10 (LCMCR's default is 5; 10 is the usual choice for 4-5 lists and the issue's reference settings).

What the result keeps, so that `Estimate.to_json()` stays small: `draws` holds every draw of N, chain after
chain (chain c is draws[c * samples:(c + 1) * samples]); `extras["trace"]` holds at most `TRACE_POINTS` evenly
spaced draws per chain of N, alpha and the number of occupied classes, for trace plots; `extras["posterior"]`
summarises alpha and the occupied classes over all draws.

Chains run one after the other in this process (each with its own generator spawned from the seed); running
them in parallel processes would be the next step if chains ever dominate the run time.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import numpy as np

from uncounted.errors import BadInput
from uncounted.mse.capture import CaptureTable
from uncounted.mse.diagnostics import chain_diagnostics, convergence_warnings
from uncounted.mse.result import Estimate

#: Draws per chain kept in extras["trace"] (the full draws of N are in `Estimate.draws`).
TRACE_POINTS = 100


def lcmcr(table: CaptureTable, *, K: int = 10, burnin: int = 10000, samples: int = 1000, thin: int = 10,
          seed: int | None = None, chains: int = 1, a_alpha: float = 0.25, b_alpha: float = 0.25) -> Estimate:
    """Estimate the population size of `table` with the LCMCR model.

    `K` is the truncation level (maximum number of latent classes); `burnin` sweeps are discarded, then
    `samples` draws are kept per chain, one every `thin` sweeps; alpha ~ Gamma(a_alpha, rate b_alpha). With
    `seed` None a seed is drawn from the operating system and recorded in the result, so that the same call
    with that seed repeats the run draw for draw.
    """
    _check(table, K, burnin, samples, thin, chains, a_alpha, b_alpha)
    if seed is None:
        seed = secrets.randbelow(2**31)
    from uncounted.mse import _lcmcr_kernel as kernel

    patterns = np.ascontiguousarray(table.patterns, dtype=np.int64)
    counts = np.ascontiguousarray(table.counts, dtype=np.int64)
    n = table.n_observed
    n_traces, alpha_traces, occupied_traces = [], [], []
    ceiling_hits = 0
    # compile (or load from the cache) before the clock starts, so sweeps_per_second measures sampling only
    kernel.run_chain(np.random.default_rng(0), patterns, counts, int(K), 0, 1, 1, 0.25, 0.25, 0)
    started = time.process_time()
    for rng in _chain_generators(seed, chains):
        n0, alpha, occupied, hits = kernel.run_chain(rng, patterns, counts, int(K), int(burnin), int(samples),
                                                     int(thin), float(a_alpha), float(b_alpha), kernel.WARMUP)
        n_traces.append(n0 + n)
        alpha_traces.append(alpha)
        occupied_traces.append(occupied)
        ceiling_hits += int(hits)
    elapsed = time.process_time() - started
    sweeps = chains * (kernel.WARMUP + burnin + samples * thin)

    traces = np.stack(n_traces)
    draws = traces.reshape(-1)
    alphas = np.concatenate(alpha_traces)
    occupied_all = np.concatenate(occupied_traces)
    if samples >= 4:
        diagnostics = chain_diagnostics(traces)
    else:
        diagnostics = {"rhat": None, "ess_bulk": None, "ess_tail": None,
                       "rhat_method": "not computed: fewer than 4 samples per chain"}
    diagnostics.update(chains=chains, sweeps_per_second=sweeps / elapsed if elapsed > 0 else None,
                       n0_ceiling_hits=ceiling_hits)
    warnings = convergence_warnings(diagnostics) if samples >= 4 else [
        "too few samples to assess convergence; keep at least 4 per chain (400 or more effective draws)"]
    if ceiling_hits:
        warnings.append(f"{ceiling_hits} draws of the number missed hit LCMCR's ceiling of "
                        f"{kernel.N0_CEILING} "
                        "times the number observed: the lists say too little about the unobserved; "
                        "treat the upper limit as unreliable")
    lower, median, upper = np.quantile(draws, [0.025, 0.5, 0.975])
    return Estimate(
        method="lcmcr",
        n_observed=n,
        estimate=float(median),
        lower=float(lower),
        upper=float(upper),
        settings={"K": int(K), "burnin": int(burnin), "samples": int(samples), "thin": int(thin),
                  "chains": int(chains), "a_alpha": float(a_alpha), "b_alpha": float(b_alpha),
                  "warmup": kernel.WARMUP},
        seed=int(seed),
        input_hash=table.digest(),
        draws=draws,
        diagnostics=diagnostics,
        extras={
            "model": f"LCMCR, K = {int(K)}",
            "posterior": {
                "mean": float(draws.mean()),
                "alpha": _summary(alphas),
                "occupied_classes": _summary(occupied_all),
            },
            "trace": _thinned_traces(traces, np.stack(alpha_traces), np.stack(occupied_traces)),
        },
        warnings=warnings,
    )


def sweeps_per_second(table: CaptureTable, K: int = 10, sweeps: int = 50000, seed: int = 0) -> float:
    """Gibbs sweeps per CPU second on `table` (one chain, one core), for `uncounted bench mse`.

    The kernel is compiled (or loaded from the cache) first, so only sampling is timed. CPU time of this
    process is used rather than wall time, so that other work on a shared machine does not lower the figure.
    """
    _check(table, K, sweeps, 1, 1, 1, 0.25, 0.25)
    from uncounted.mse import _lcmcr_kernel as kernel

    patterns = np.ascontiguousarray(table.patterns, dtype=np.int64)
    counts = np.ascontiguousarray(table.counts, dtype=np.int64)
    kernel.run_chain(np.random.default_rng(seed), patterns, counts, K, 10, 1, 1, 0.25, 0.25, 10)
    started = time.process_time()
    kernel.run_chain(np.random.default_rng(seed), patterns, counts, K, sweeps, 1, 1, 0.25, 0.25,
                     kernel.WARMUP)
    return (kernel.WARMUP + sweeps + 1) / (time.process_time() - started)


def _check(table: CaptureTable, K: int, burnin: int, samples: int, thin: int, chains: int, a_alpha: float,
           b_alpha: float) -> None:
    """Refuse what the sampler cannot use. Unlike `CaptureTable.validate`, a list that overlaps no other is
    allowed, as in R's LCMCR: the latent classes still link it to the others (HRDAG's many-list strata have
    such lists)."""
    label = f" in stratum {table.name}" if table.name else ""
    if table.n_lists < 3:
        raise BadInput(f"LCMCR needs at least 3 lists; this table has {table.n_lists}{label}")
    if table.n_observed == 0:
        raise BadInput(f"the capture table{label} records nobody")
    empty = [name for name, size in table.list_sizes().items() if size == 0]
    if empty:
        raise BadInput(f"list {', '.join(map(repr, empty))} records nobody{label}; drop it")
    for name, value, least in (("K", K, 1), ("burnin", burnin, 0), ("samples", samples, 1), ("thin", thin, 1),
                               ("chains", chains, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
            raise BadInput(f"LCMCR option {name} must be a whole number of at least {least}; got {value!r}")
    for name, value in (("a_alpha", a_alpha), ("b_alpha", b_alpha)):
        if not np.isfinite(value) or value <= 0:
            raise BadInput(f"LCMCR prior parameter {name} must be a positive number; got {value!r}")


def _chain_generators(seed: int, chains: int) -> list[np.random.Generator]:
    """One independent generator per chain, all determined by `seed` (NumPy's SeedSequence spawning)."""
    return [np.random.default_rng(child) for child in np.random.SeedSequence(seed).spawn(chains)]


def _summary(values: np.ndarray) -> dict[str, float]:
    lower, upper = np.quantile(values, [0.025, 0.975])
    return {"mean": float(np.mean(values)), "lower": float(lower), "upper": float(upper)}


def _thinned_traces(n: np.ndarray, alpha: np.ndarray, occupied: np.ndarray) -> dict[str, Any]:
    """At most TRACE_POINTS evenly spaced draws per chain, as lists (small enough for the JSON output)."""
    samples = n.shape[1]
    index = np.unique(np.linspace(0, samples - 1, min(samples, TRACE_POINTS)).round().astype(int))
    return {
        "draw_index": index.tolist(),
        "N": n[:, index].tolist(),
        "alpha": np.round(alpha[:, index], 4).tolist(),
        "occupied_classes": occupied[:, index].tolist(),
    }
