"""The capture simulator: known truth, heterogeneity by latent class, optional list dependence."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from uncounted.errors import BadInput
from uncounted.simulate.captures import simulate_captures

PROBS = [[0.1, 0.2, 0.15, 0.1], [0.5, 0.6, 0.4, 0.5]]


def test_same_seed_same_table_and_the_seed_is_recorded():
    a = simulate_captures(3000, PROBS, [0.6, 0.4], seed=5)
    b = simulate_captures(3000, PROBS, [0.6, 0.4], seed=5)
    assert a.table.digest() == b.table.digest() and a.seed == 5 and a.population == 3000
    assert simulate_captures(3000, PROBS, [0.6, 0.4], seed=6).table.digest() != a.table.digest()
    drawn = simulate_captures(100, PROBS)
    assert simulate_captures(100, PROBS, seed=drawn.seed).table.digest() == drawn.table.digest()


def test_list_sizes_match_the_mixture_of_capture_probabilities():
    sim = simulate_captures(200_000, PROBS, [0.6, 0.4], seed=1)
    expected = 200_000 * (0.6 * np.array(PROBS[0]) + 0.4 * np.array(PROBS[1]))
    sizes = np.array(list(sim.table.list_sizes().values()))
    assert np.allclose(sizes, expected, rtol=0.02)
    # heterogeneity makes lists overlap more than independent lists with the same sizes would
    both = sim.table.counts[(sim.table.patterns[:, 0] == 1) & (sim.table.patterns[:, 1] == 1)].sum()
    assert both > 1.3 * expected[0] * expected[1] / 200_000


def test_positive_dependence_raises_the_overlap_of_the_pair():
    independent = simulate_captures(100_000, [[0.3, 0.3, 0.3]], seed=2)
    dependent = simulate_captures(100_000, [[0.3, 0.3, 0.3]], dependence={(0, 1): 4.0}, seed=2)

    def overlap(table, i, j):
        return table.counts[(table.patterns[:, i] == 1) & (table.patterns[:, j] == 1)].sum()

    assert overlap(dependent.table, 0, 1) > 1.8 * overlap(independent.table, 0, 1)
    assert overlap(dependent.table, 0, 2) == pytest.approx(overlap(independent.table, 0, 2), rel=0.1)


@pytest.mark.parametrize("kwargs, message", [
    ({"capture_probs": [[0.2, 1.5]]}, "between 0 and 1"),
    ({"capture_probs": [0.2, 0.3]}, "one row per class"),
    ({"capture_probs": PROBS, "class_shares": [0.5, 0.6]}, "sum to 1"),
    ({"capture_probs": [[0.2, 0.3, 0.4]], "dependence": {(2, 1): 2.0}}, "i < j"),
    ({"capture_probs": [[0.2, 0.3]], "lists": ["a"]}, "1 list names given for 2 lists"),
])
def test_bad_settings_are_refused(kwargs, message):
    with pytest.raises(BadInput, match=message):
        simulate_captures(100, **kwargs)


@settings(max_examples=30, deadline=None)
@given(population=st.integers(1, 500), p=st.floats(0.0, 1.0), seed=st.integers(0, 2**31 - 1))
def test_observed_never_exceed_the_population_and_no_pattern_is_all_zero(population, p, seed):
    sim = simulate_captures(population, [[p, p, 0.5]], seed=seed)
    assert sim.table.n_observed <= population
    assert np.all(sim.table.patterns.sum(axis=1) > 0)
