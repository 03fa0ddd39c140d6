"""ArviZ convergence diagnostics and the warnings users see."""

import numpy as np
import pytest

from uncounted.mse.diagnostics import chain_diagnostics, convergence_warnings


def ar1(rng, chains, draws, phi, shift=None):
    """Autoregressive chains: phi near 1 gives strong autocorrelation (few effective draws)."""
    x = np.zeros((chains, draws))
    noise = rng.normal(size=(chains, draws))
    for t in range(1, draws):
        x[:, t] = phi * x[:, t - 1] + noise[:, t]
    return x if shift is None else x + np.asarray(shift)[:, None]


def test_independent_draws_pass_without_warnings():
    rng = np.random.default_rng(0)
    diag = chain_diagnostics(rng.normal(size=(4, 1000)))
    assert diag["rhat"] == pytest.approx(1.0, abs=0.01)
    assert diag["ess_bulk"] > 3000 and diag["ess_tail"] > 3000
    assert "4 chains" in diag["rhat_method"]
    assert convergence_warnings(diag) == []


def test_chains_that_disagree_get_a_high_rhat_and_a_warning():
    rng = np.random.default_rng(1)
    diag = chain_diagnostics(rng.normal(size=(2, 1000)) + np.array([[0.0], [1.0]]))
    assert diag["rhat"] > 1.1
    assert any("R-hat" in w for w in convergence_warnings(diag))


def test_autocorrelated_chains_get_a_low_ess_and_a_warning():
    rng = np.random.default_rng(2)
    diag = chain_diagnostics(ar1(rng, 2, 1000, 0.97))
    assert diag["ess_bulk"] < 400
    assert any("effective sample size" in w for w in convergence_warnings(diag))


def test_one_chain_is_split_into_halves_for_rhat():
    rng = np.random.default_rng(3)
    drifting = rng.normal(size=(1, 1000)) + np.linspace(0, 3, 1000)
    diag = chain_diagnostics(drifting)
    assert "two halves" in diag["rhat_method"]
    assert diag["rhat"] > 1.1
    assert chain_diagnostics(rng.normal(size=(1, 1000)))["rhat"] == pytest.approx(1.0, abs=0.02)


def test_constant_draws_cannot_be_assessed_and_say_so():
    diag = chain_diagnostics(np.full((2, 100), 500.0))
    assert diag["rhat"] is None and diag["ess_bulk"] is None
    assert any("could not be assessed" in w for w in convergence_warnings(diag))


def test_traces_of_the_wrong_shape_are_refused():
    with pytest.raises(ValueError):
        chain_diagnostics(np.zeros(100))
