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


@pytest.mark.parametrize("order", [[1, 5, 2, 4, 0, 3], [0, 1, 2, 3, 4, 5], [3, 0, 4, 2, 5, 1]])
@pytest.mark.parametrize("total", [3, 40, 5000])
def test_multinomial_draws_follow_the_weights_and_keep_the_total(total, order):
    """Per-pattern class counts must be exactly Multinomial(count, weights), whatever order the classes are
    visited in (the sampler's key shortcut): means, variances and one covariance are checked."""
    rng = np.random.default_rng(0)
    weights = np.array([0.05, 3.0, 1.0, 0.0, 0.5, 2.0])
    order, tail, out = np.array(order, np.int64), np.zeros(6), np.zeros(6, np.int64)
    reps = 4000
    draws = np.empty((reps, 6))
    for r in range(reps):
        kernel._multinomial(rng, total, weights, order, tail, out)
        assert out.sum() == total and out[3] == 0
        draws[r] = out
    p = weights / weights.sum()
    mean_sd = np.sqrt(total * p * (1 - p) / reps)
    assert np.all(np.abs(draws.mean(axis=0) - total * p) < 5 * mean_sd + 1e-9)
    variance = total * p * (1 - p)
    assert np.allclose(draws.var(axis=0), variance, rtol=0.15, atol=1e-9)
    assert np.cov(draws[:, 1], draws[:, 5])[0, 1] == pytest.approx(-total * p[1] * p[5], rel=0.15)


def test_pattern_weights_match_the_log_scale_formula_and_survive_underflow():
    rng = np.random.default_rng(4)
    J, K = 6, 5
    lam1 = rng.uniform(0.01, 0.9, (J, K))
    log_nu = np.log(rng.dirichlet(np.ones(K)))
    nu = np.exp(log_nu - log_nu.max())
    pattern = np.array([1, 0, 0, 1, 1, 0], np.int64)
    expected = log_nu + np.where(pattern[:, None] == 1, np.log(lam1), np.log1p(-lam1)).sum(axis=0)
    expected = np.exp(expected - expected.max())
    lam = np.stack([1 - lam1, lam1])
    assert kernel._products_are_safe(lam, nu)
    weights, from_logs = np.zeros(K), np.zeros(K)
    assert kernel._pattern_weights(pattern, lam, nu, weights) == np.argmax(expected)
    assert np.allclose(weights / weights.max(), expected, rtol=1e-12)
    assert kernel._log_pattern_weights(pattern, lam, log_nu, from_logs) == np.argmax(expected)
    assert np.allclose(from_logs, expected, rtol=1e-12)
    # 60 lists each recording 1e-5 of every class: the plain product (1e-300) would underflow, which the
    # per-sweep check foresees, and the log-scale weights are exact
    tiny = np.full((60, K), 1e-5)
    tiny[:, 2] = 2e-5
    tiny = np.stack([1 - tiny, tiny])
    assert not kernel._products_are_safe(tiny, nu)
    assert kernel._log_pattern_weights(np.ones(60, np.int64), tiny, log_nu, weights) == 2
    ratio = np.exp(log_nu - log_nu[2]) * 0.5**60
    ratio[2] = 1.0
    assert weights.max() == 1.0 and np.allclose(weights, ratio, rtol=1e-9)


def test_observed_classes_are_drawn_from_log_weights_when_products_would_underflow():
    """80 lists that each record 1e-6 of four classes and 1e-5 of the fifth: people seen on every list belong
    to the fifth (by a factor 1e80), though every plain product (1e-400 and less) underflows to 0."""
    K, J = 5, 80
    lam1 = np.full((J, K), 1e-6)
    lam1[:, 3] = 1e-5
    lam = np.stack([1 - lam1, lam1])
    log_nu = np.log(np.full(K, 0.2))
    nu = np.exp(log_nu - log_nu.max())
    patterns = np.ones((1, J), np.int64)
    class_n, on_list = np.zeros(K, np.int64), np.zeros((J, K), np.int64)
    scratch = [np.zeros(K) for _ in range(2)]
    kernel._sample_classes_observed(np.random.default_rng(0), patterns, np.array([7]), lam, nu, log_nu,
                                    np.arange(K), *scratch, np.zeros(K, np.int64), class_n, on_list)
    assert class_n.tolist() == [0, 0, 0, 7, 0] and np.all(on_list[:, 3] == 7)


def test_missed_weights_and_the_odds_of_being_missed():
    rng = np.random.default_rng(5)
    lam1 = rng.uniform(1e-9, 0.5, (4, 3))
    nu = np.array([1.0, 0.3, 0.02])
    weights = np.zeros(3)
    p0, seen = kernel._missed_weights(np.stack([1 - lam1, lam1]), nu, weights)
    missed = np.prod(1 - lam1, axis=0)
    assert np.allclose(weights, nu * missed) and p0 == pytest.approx(np.sum(nu * missed))
    assert seen == pytest.approx(np.sum(nu * -np.expm1(np.log1p(-lam1).sum(axis=0))), rel=1e-12)


def test_one_class_matches_the_exact_posterior_of_model_mt():
    """With K = 1 LCMCR is model Mt with Beta(1, 1) priors and p(N) proportional to 1/N, whose posterior over
    N is a one-dimensional sum: p(N | data) ~ (N - 1)! / (N - n)! prod_j B(n_j + 1, N - n_j + 1). The
    sampler's quantiles must match it (this checks the lambda and n0 steps end to end)."""
    from scipy.special import betaln, gammaln

    n = SMALL.n_observed
    list_sizes = np.array(list(SMALL.list_sizes().values()))
    grid = np.arange(n, 20 * n + 1)
    log_post = gammaln(grid) - gammaln(grid - n + 1) + sum(betaln(s + 1, grid - s + 1) for s in list_sizes)
    cdf = np.cumsum(np.exp(log_post - log_post.max()))
    cdf /= cdf[-1]
    exact = [grid[np.searchsorted(cdf, q)] for q in (0.025, 0.5, 0.975)]
    result = lcmcr(SMALL, K=1, seed=8, burnin=1000, samples=40000, thin=1)
    sampled = np.quantile(result.draws, [0.025, 0.5, 0.975])
    assert np.allclose(sampled, exact, rtol=0.01, atol=1.5), (sampled, exact)


@pytest.mark.parametrize("a, b", [(1.0, 1.0), (1.0, 30.0), (12.0, 1.0), (5.0, 8.0), (3.0, 0.01), (0.5, 0.3)])
def test_log_beta_draws_have_the_beta_mean(a, b):
    rng = np.random.default_rng(1)
    draws = np.array([kernel._log_beta(rng, a, b) for _ in range(20000)])
    x = np.exp(draws[:, 0])
    assert np.allclose(np.exp(draws[:, 0]) + np.exp(draws[:, 1]), 1.0)
    sd = np.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)) / 20000)
    assert abs(x.mean() - a / (a + b)) < 5 * sd + 1e-12


@pytest.mark.parametrize("a, b", [(1.0, 1.0), (1.0, 3000.0), (12.0, 1.0), (5.0, 8.0), (2.0, 9000.0)])
def test_beta_pairs_have_the_beta_mean_and_sum_to_one(a, b):
    rng = np.random.default_rng(2)
    draws = np.array([kernel._beta_pair(rng, a, b) for _ in range(20000)])
    assert np.allclose(draws.sum(axis=1), 1.0) and np.all(draws > 0)
    sd = np.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)) / 20000)
    assert abs(draws[:, 0].mean() - a / (a + b)) < 5 * sd + 1e-12


def test_sweeps_per_second_is_a_positive_rate():
    assert sweeps_per_second(SMALL, K=5, sweeps=2000) > 100
