"""Per-stratum estimates and their total (issue 4, point 5).

Each stratum is estimated on its own. One that cannot be (its table fails validation, or the estimator refuses
it) is reported in `extras["strata"]` with the reason and left out of the total, with a warning naming it and
the people it documents: never dropped silently. The total is formed according to what the method returns:

- lcmcr (posterior draws): draws of N are summed stratum by stratum, draw i with draw i. Strata are sampled
  independently (each gets its own seed, spawned from the root seed with NumPy's SeedSequence), so the sum of
  aligned draws is a draw from the posterior of the total.
- dga (exact grid posterior): the posteriors of the number missing are convolved, which is the exact
  distribution of the sum of independent strata (each with its own prior on N).
- loglinear (MLE and 95% interval): MLEs of the number missing n0 add up. Each stratum's interval is read as a
  normal interval on log(n0), sd_s = (log u0 - log l0) / (2 x 1.96), so var(n0_s) ~ (n0_s sd_s)^2 (delta
  method); the variances add across independent strata, and the total's interval is again taken on the log
  scale, n0 x exp(+-1.96 sd), as in Chao's (1987) log-transformed interval. A stratum with no upper limit
  leaves the total without one.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

import numpy as np

from uncounted.errors import BadInput, UncountedError
from uncounted.mse.capture import CaptureTable
from uncounted.mse.estimate import check_options, estimate, prepare
from uncounted.mse.result import Estimate

Z95 = 1.959963984540054


def estimate_strata(tables: Mapping[str, CaptureTable], method: str, **options: Any) -> Estimate:
    """Estimate each stratum with `method`, report it in `extras["strata"]`, and total the estimable ones."""
    if not tables:
        raise BadInput("there are no strata to estimate")
    method, options = check_options(method, options)  # a wrong method or option is everyone's problem
    if method == "lcmcr" and options.get("seed") is None:
        options["seed"] = secrets.randbelow(2**31)  # recorded in the result, so the run can be repeated
    seeds = _stratum_seeds(options.get("seed"), len(tables))
    rows: list[dict[str, Any]] = []
    done: dict[str, tuple[Estimate, Any]] = {}
    warnings: list[str] = []
    for (name, table), seed in zip(tables.items(), seeds, strict=True):
        row: dict[str, Any] = {"stratum": name, "n_observed": table.n_observed, "estimate": None,
                               "lower": None, "upper": None, "status": "estimated", "reason": ""}
        stratum_options = dict(options, seed=seed) if seed is not None else dict(options)
        try:
            result, posterior = _one(table, method, stratum_options)
        except UncountedError as exc:
            row.update(status="not estimated", reason=str(exc))
        else:
            row.update(estimate=result.estimate, lower=result.lower, upper=result.upper, seed=result.seed,
                       warnings=list(result.warnings))
            if result.diagnostics:
                row["diagnostics"] = result.diagnostics
            if "model" in result.extras:
                row["model"] = result.extras["model"]
            if result.extras.get("graph_weights"):
                row["top_graph"] = result.extras["graph_weights"][0]
            warnings += [f"stratum {name}: {w}" for w in result.warnings]
            done[name] = (result, posterior)
        rows.append(row)
    failed = [row for row in rows if row["status"] != "estimated"]
    if not done:
        reasons = "; ".join(f"{row['stratum']}: {row['reason']}" for row in failed)
        raise BadInput(f"no stratum could be estimated ({reasons})")
    if failed:
        warnings.append(
            "the total leaves out strata that could not be estimated: "
            + ", ".join(f"{row['stratum']} ({row['n_observed']} documented)" for row in failed))
    total = _total(method, done)
    total.settings = {**total.settings, "strata": list(tables)}
    total.seed = options.get("seed")
    total.extras["strata"] = rows
    total.warnings = warnings + total.warnings
    return total


def _one(table: CaptureTable, method: str, options: dict[str, Any]) -> tuple[Estimate, Any]:
    """One stratum's estimate, and for dga its exact posterior (needed for the convolution)."""
    if method != "dga":
        return estimate(table, method, **options), None
    from uncounted.mse.dga import dga_posterior, posterior_estimate

    _, checked = prepare(table, method, options)
    posterior = dga_posterior(table, **checked)
    return posterior_estimate(posterior, table), posterior


def _stratum_seeds(root: int | None, n: int) -> list[int | None]:
    """Independent seeds for the strata, spawned from the root seed so the whole run can be repeated."""
    if root is None:
        return [None] * n
    return [int(child.generate_state(1)[0] >> 1) for child in np.random.SeedSequence(root).spawn(n)]


def _total(method: str, done: Mapping[str, tuple[Estimate, Any]]) -> Estimate:
    estimates = [result for result, _ in done.values()]
    n_observed = sum(e.n_observed for e in estimates)
    hashes = ",".join(e.input_hash for e in estimates)
    if method == "dga":
        return _dga_total([post for _, post in done.values()], n_observed, hashes)
    if all(e.draws is not None for e in estimates):
        return _draws_total(method, estimates, n_observed, hashes)
    return _interval_total(method, estimates, n_observed, hashes)


def _dga_total(posteriors: list[Any], n_observed: int, hashes: str) -> Estimate:
    from uncounted.mse.dga import DgaPosterior, posterior_estimate

    probability = posteriors[0].probability
    for post in posteriors[1:]:
        probability = _convolve(probability, post.probability)
    probability = np.clip(probability, 0, None)
    probability /= probability.sum()
    total = DgaPosterior(lists=posteriors[0].lists, n_observed=n_observed,
                         n_missing=np.arange(probability.size), probability=probability, graphs=(),
                         graph_weights=np.zeros(0), settings=dict(posteriors[0].settings))
    result = posterior_estimate(total)
    result.input_hash = hashes
    for key in ("graph_weights", "graphs_averaged"):
        result.extras.pop(key)
    result.extras["total"] = "exact convolution of the strata's posteriors of the number missing"
    return result


def _convolve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distribution of the sum of two independent counts, by FFT (exact up to rounding near 1e-16)."""
    size = a.size + b.size - 1
    fft_size = 1 << (size - 1).bit_length()
    return np.fft.irfft(np.fft.rfft(a, fft_size) * np.fft.rfft(b, fft_size), fft_size)[:size]


def _draws_total(method: str, estimates: list[Estimate], n_observed: int, hashes: str) -> Estimate:
    sizes = {len(e.draws) for e in estimates}  # type: ignore[arg-type]
    if len(sizes) != 1:
        raise UncountedError(f"strata returned different numbers of draws ({sorted(sizes)}); cannot sum them")
    draws = np.sum([np.asarray(e.draws, dtype=np.float64) for e in estimates], axis=0)
    return Estimate(
        method=method, n_observed=n_observed, estimate=float(np.median(draws)),
        lower=float(np.quantile(draws, 0.025)), upper=float(np.quantile(draws, 0.975)),
        settings=dict(estimates[0].settings), input_hash=hashes, draws=draws,
        extras={"mean": float(draws.mean()),
                "total": "posterior draws of N summed across strata, draw by draw"},
    )


def _interval_total(method: str, estimates: list[Estimate], n_observed: int, hashes: str) -> Estimate:
    missing = np.array([e.estimate - e.n_observed for e in estimates], dtype=np.float64)
    variances = []
    for e, n0 in zip(estimates, missing, strict=True):
        # A limit that could not be found (NaN) is no limit: 0 below, unbounded above.
        low = e.lower - e.n_observed if np.isfinite(e.lower) else 0.0
        high = e.upper - e.n_observed if np.isfinite(e.upper) else np.inf
        if not np.isfinite(high):
            variances.append(np.inf)
        elif n0 > 0 and low > 0:
            variances.append((n0 * (np.log(high) - np.log(low)) / (2 * Z95)) ** 2)
        else:  # no log scale to speak of: read the interval as symmetric on the count scale
            variances.append(((high - max(low, 0.0)) / (2 * Z95)) ** 2)
    n0 = float(missing.sum())
    sd = float(np.sqrt(np.sum(variances)))
    warnings = []
    if not np.isfinite(sd):
        # Conservative lower limit: every stratum at its own lower limit.
        lower = sum(e.lower if np.isfinite(e.lower) else e.n_observed for e in estimates)
        upper = np.inf
        warnings.append("a stratum's interval has no upper limit, so the total has none; its lower limit is "
                        "the sum of the strata's lower limits")
    elif n0 > 0:
        lower = n_observed + n0 * np.exp(-Z95 * sd / n0)
        upper = n_observed + n0 * np.exp(Z95 * sd / n0)
    else:
        lower, upper = float(n_observed), n_observed + Z95 * sd
    return Estimate(
        method=method, n_observed=n_observed, estimate=n_observed + n0, lower=float(lower),
        upper=float(upper),
        settings=dict(estimates[0].settings), input_hash=hashes, warnings=warnings,
        extras={"total": "sum of strata MLEs; interval from summed delta-method variances on the log scale "
                         "of the number missing"},
    )
