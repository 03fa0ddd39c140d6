"""LCMCR: repeatable draws, refusals, the sampler's building blocks, truth recovered on a simulation."""

import json

import numpy as np
import pytest

from uncounted.errors import BadInput
from uncounted.mse import _lcmcr_kernel as kernel
from uncounted.mse.capture import CaptureTable
from uncounted.mse.lcmcr import TRACE_POINTS, lcmcr, sweeps_per_second
from uncounted.simulate.captures import simulate_captures

SMALL = CaptureTable.from_patterns(["a", "b", "c"], {"100": 60, "010": 50, "001": 40, "110": 20, "101": 15,
                                                     "011": 12, "111": 8})
QUICK = {"K": 4, "burnin": 300, "samples": 100, "thin": 2}


def test_same_seed_gives_identical_draws_and_different_seeds_differ():
    a = lcmcr(SMALL, seed=3, **QUICK)
    b = lcmcr(SMALL, seed=3, **QUICK)
    c = lcmcr(SMALL, seed=4, **QUICK)
    assert np.array_equal(a.draws, b.draws) and a.estimate == b.estimate
    assert not np.array_equal(a.draws, c.draws)


def test_a_missing_seed_is_drawn_recorded_and_repeats_the_run():
    first = lcmcr(SMALL, **QUICK)
    assert isinstance(first.seed, int)
    assert np.array_equal(lcmcr(SMALL, seed=first.seed, **QUICK).draws, first.draws)


def test_result_contract_and_small_json():
    result = lcmcr(SMALL, seed=1, chains=2, K=4, burnin=300, samples=500, thin=2)
    assert result.method == "lcmcr" and result.n_observed == SMALL.n_observed
    assert result.draws.shape == (1000,) and np.all(result.draws >= SMALL.n_observed)
    assert result.lower <= result.estimate <= result.upper
    assert result.estimate == np.median(result.draws)
    assert result.lower == pytest.approx(np.quantile(result.draws, 0.025))
    assert result.input_hash == SMALL.digest()
    assert result.settings["chains"] == 2 and result.diagnostics["chains"] == 2
    assert {"rhat", "ess_bulk", "ess_tail", "sweeps_per_second"} <= set(result.diagnostics)
    trace = result.extras["trace"]
    assert len(trace["N"]) == 2 and len(trace["N"][0]) == TRACE_POINTS
    assert trace["N"][1][-1] == result.draws[-1]  # chain 2's last draw ends `draws`
    assert len(json.dumps(result.to_json())) < 20_000


def test_fewer_than_three_lists_and_bad_options_are_refused():
    two = CaptureTable.from_patterns(["a", "b"], {"10": 5, "01": 4, "11": 3})
    with pytest.raises(BadInput, match="at least 3 lists"):
        lcmcr(two)
    for bad in ({"K": 0}, {"samples": 0}, {"thin": 1.5}, {"chains": 0}, {"a_alpha": -1.0}, {"burnin": -5}):
        with pytest.raises(BadInput):
            lcmcr(SMALL, **bad)


def test_short_chains_are_flagged():
    result = lcmcr(SMALL, seed=2, K=4, burnin=0, samples=50, thin=1)
    assert any("effective sample size" in w for w in result.warnings)
    assert "two halves" in result.diagnostics["rhat_method"]


def test_the_interval_holds_the_true_size_of_a_heterogeneous_population():
    sim = simulate_captures(3000, [[0.15, 0.2, 0.1, 0.15], [0.5, 0.6, 0.45, 0.55]], [0.6, 0.4], seed=11)
    result = lcmcr(sim.table, K=10, seed=5, burnin=3000, samples=1000, thin=5)
    assert result.lower < sim.population < result.upper
    assert result.estimate == pytest.approx(sim.population, rel=0.15)


@pytest.mark.parametrize("total", [3, 40, 5000])
def test_multinomial_draws_follow_the_weights_and_keep_the_total(total):
    """Per-pattern class counts must be exactly Multinomial(count, weights): the sampler's key shortcut."""
    rng = np.random.default_rng(0)
    weights = np.array([0.05, 3.0, 1.0, 0.0, 0.5, 2.0])
    order, tail, out = np.zeros(6, np.int64), np.zeros(6), np.zeros(6, np.int64)
    reps = 4000
    sums = np.zeros(6)
    for _ in range(reps):
        kernel._multinomial(rng, total, weights, order, tail, out)
        assert out.sum() == total and out[3] == 0
        sums += out
    expected = reps * total * weights / weights.sum()
    sd = np.sqrt(expected * (1 - weights / weights.sum()))
    assert np.all(np.abs(sums - expected) < 5 * sd + 1e-9)


@pytest.mark.parametrize("a, b", [(1.0, 1.0), (1.0, 30.0), (12.0, 1.0), (5.0, 8.0), (3.0, 0.01)])
def test_log_beta_draws_have_the_beta_mean(a, b):
    rng = np.random.default_rng(1)
    draws = np.array([kernel._log_beta(rng, a, b) for _ in range(20000)])
    x = np.exp(draws[:, 0])
    assert np.allclose(np.exp(draws[:, 0]) + np.exp(draws[:, 1]), 1.0)
    sd = np.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)) / 20000)
    assert abs(x.mean() - a / (a + b)) < 5 * sd + 1e-12


def test_sweeps_per_second_is_a_positive_rate():
    assert sweeps_per_second(SMALL, K=5, sweeps=2000) > 100
