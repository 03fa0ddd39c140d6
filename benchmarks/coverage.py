"""Coverage study: how often each method's 95% interval holds the true population size (issue 4).

Each population has a known size N (1,000-4,000) and heterogeneous capture: two latent classes, a
hard-to-record majority (50-80%) and an easy-to-record minority, with capture probabilities drawn afresh for
every list and population (ranges in SCENARIOS), and four lists (`uncounted.simulate.captures`). Estimation
goes through the dispatcher `uncounted.mse.estimate.estimate`, with each method's defaults except LCMCR's
chain length, which defaults to what a new workspace's pipeline uses (`uncounted.workspace.default_settings`:
burn-in 10,000, 1,000 samples thinned by 250, one chain, K = 10). Target for LCMCR: at least 90% coverage.

    uv run python benchmarks/coverage.py --method lcmcr
    uv run python benchmarks/coverage.py --method lcmcr --method dga --method loglinear

The coverage is reported with a Wilson 95% interval, since 200 populations pin it down only to about +-4
points, and with the side the misses fall on. Timings depend on the machine; run it on a quiet one.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

# Run as a script, this file's folder comes first on sys.path, and this file's name would shadow the
# `coverage` package that Numba imports: drop the folder before anything imports Numba.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import numpy as np  # noqa: E402

from uncounted.errors import UncountedError  # noqa: E402
from uncounted.mse.estimate import estimate  # noqa: E402
from uncounted.simulate.captures import simulate_captures  # noqa: E402

Z95 = 1.959963984540054


#: Capture probabilities of the hard-to-record and the easy-to-record class, drawn uniformly per list.
SCENARIOS = {
    "moderate": ((0.15, 0.35), (0.4, 0.7)),
    "severe": ((0.05, 0.2), (0.3, 0.6)),
}


def scenario(rng: np.random.Generator, lists: int, hardness: str) -> dict[str, Any]:
    """One population's truth: its size, class shares and per-list capture probabilities."""
    hard_range, easy_range = SCENARIOS[hardness]
    hard = rng.uniform(0.5, 0.8)
    return {
        "population": int(rng.integers(1000, 4001)),
        "class_shares": [hard, 1.0 - hard],
        "capture_probs": [rng.uniform(*hard_range, lists).tolist(), rng.uniform(*easy_range, lists).tolist()],
    }


def wilson(hits: int, n: int) -> tuple[float, float]:
    """Wilson score interval for a proportion (Wilson 1927)."""
    if n == 0:
        return (math.nan, math.nan)
    p = hits / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return (centre - half, centre + half)


def run(populations: int, methods: list[str], lists: int, seed: int, hardness: str,
        lcmcr_options: dict[str, int]) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    rows: dict[str, list[dict[str, Any]]] = {method: [] for method in methods}
    seconds = {method: 0.0 for method in methods}
    for i in range(populations):
        truth = scenario(rng, lists, hardness)
        sim = simulate_captures(truth["population"], truth["capture_probs"], truth["class_shares"],
                                seed=int(rng.integers(2**31)))
        lcmcr_seed = int(rng.integers(2**31))  # drawn whatever the methods, so populations match across runs
        for method in methods:
            options = {"seed": lcmcr_seed, **lcmcr_options} if method == "lcmcr" else {}
            started = time.perf_counter()
            try:
                result = estimate(sim.table, method, **options)
            except UncountedError as exc:
                rows[method].append({"population": sim.population, "failed": str(exc)})
                continue
            finally:
                seconds[method] += time.perf_counter() - started
            upper = math.inf if result.upper is None or not math.isfinite(result.upper) else result.upper
            rows[method].append({
                "population": sim.population, "observed": sim.table.n_observed, "estimate": result.estimate,
                "lower": result.lower, "upper": upper, "covered": result.lower <= sim.population <= upper,
                "warnings": len(result.warnings), "ess": result.diagnostics.get("ess_bulk"),
            })
        print(f"\r{i + 1}/{populations} populations", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return {method: summarise(rows[method], seconds[method]) for method in methods}


def summarise(rows: list[dict[str, Any]], seconds: float) -> dict[str, Any]:
    done = [row for row in rows if "failed" not in row]
    hits = sum(row["covered"] for row in done)
    low, high = wilson(hits, len(done))
    errors = [row["estimate"] / row["population"] - 1 for row in done]
    widths = [(row["upper"] - row["lower"]) / row["population"] for row in done]
    ess = [row["ess"] for row in done if row["ess"] is not None]
    return {
        "populations": len(rows),
        "estimated": len(done),
        "failed": len(rows) - len(done),
        "coverage": hits / len(done) if done else None,
        "coverage_95": [low, high],
        "median_relative_error": float(np.median(errors)) if errors else None,
        "median_relative_width": float(np.median(widths)) if widths else None,
        "with_warnings": sum(row["warnings"] > 0 for row in done),
        # which side the misses fall on: all on one side means the intervals are shifted, not just too narrow
        "truth_above_interval": sum(row["population"] > row["upper"] for row in done),
        "truth_below_interval": sum(row["population"] < row["lower"] for row in done),
        "median_ess": float(np.median(ess)) if ess else None,
        "seconds": round(seconds, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--populations", type=int, default=200)
    parser.add_argument("--method", action="append", choices=["lcmcr", "dga", "loglinear"],
                        help="repeat for several methods (default: lcmcr)")
    parser.add_argument("--lists", type=int, default=4)
    parser.add_argument("--seed", type=int, default=20260620)
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="moderate",
                        help="how hard the hard-to-record class is to record (default: moderate)")
    # the pipeline's settings, read from where a new workspace gets them, so the study measures what users get
    from uncounted.workspace import default_settings

    pipeline = default_settings()["estimate"]
    parser.add_argument("--burnin", type=int, default=pipeline["burnin"], help="LCMCR burn-in sweeps")
    parser.add_argument("--samples", type=int, default=pipeline["samples"], help="LCMCR samples")
    parser.add_argument("--thin", type=int, default=pipeline["thin"], help="LCMCR thinning")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    lcmcr_options = {"burnin": args.burnin, "samples": args.samples, "thin": args.thin}
    summary = run(args.populations, args.method or ["lcmcr"], args.lists, args.seed, args.scenario,
                  lcmcr_options)
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    for method, s in summary.items():
        coverage = "n/a" if s["coverage"] is None else f"{100 * s['coverage']:.0f}%"
        low, high = (100 * x for x in s["coverage_95"])
        print(f"{method:10s} coverage {coverage} (Wilson 95% {low:.0f}-{high:.0f}%) of {s['estimated']} "
              f"populations ({s['failed']} failed), median relative error "
              f"{s['median_relative_error']:+.3f}, median interval width {s['median_relative_width']:.2f} N, "
              f"{s['with_warnings']} with warnings, truth above/below the interval "
              f"{s['truth_above_interval']}/{s['truth_below_interval']}, {s['seconds']} s")


if __name__ == "__main__":
    main()
