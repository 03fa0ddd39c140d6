"""The fictional Saydnaya-style example reproduces the published order of magnitude, with the figures its
README shows. Bounds are exact; Monte Carlo figures are checked against the README (fixed seed) and against
the exact quantiles of the same distributions computed by quadrature, independently of the sampler."""

from pathlib import Path

import numpy as np
import pytest
from scipy import optimize, stats

from uncounted.testimony.extrapolate import extrapolate, load_model
from uncounted.testimony.io import read_testimony

EXAMPLE = Path(__file__).parents[2] / "examples" / "saydnaya"
PUBLISHED = (5_000, 13_000)  # Amnesty International, Human Slaughterhouse (2017), via press coverage
WEEKS = 226  # 1 Sep 2011 – 31 Dec 2015, whole weeks

# model file → (bounds, median, 2.5%, 97.5%) as README.md shows them (seed 20170207, 100,000 draws)
README = {
    "model.toml": ((4_520, 22_600), 11_430, 5_831, 19_871),
    "model-envelope.toml": ((4_520, 27_120), 13_060, 6_044, 23_652),
    "model-triangular.toml": ((4_520, 22_600), 10_982, 6_376, 18_043),
    "model-mixture.toml": ((4_520, 22_600), 8_112, 5_248, 19_093),
}


@pytest.fixture(scope="module")
def testimony():
    return read_testimony([EXAMPLE / name for name in ("witnesses.csv", "accounts.csv", "claims.csv")])


@pytest.fixture(scope="module")
def results(testimony):
    return {name: extrapolate(load_model(EXAMPLE / name), testimony) for name in README}


@pytest.mark.parametrize("name", list(README))
def test_figures_match_the_readme_and_contain_the_published_range(results, name):
    bounds, median, lower, upper = README[name]
    result = results[name]
    assert result.bounds == bounds
    assert (result.estimate, result.lower, result.upper) == pytest.approx((median, lower, upper), rel=0.005)
    assert result.bounds[0] <= PUBLISHED[0] and PUBLISHED[1] <= result.bounds[1]
    assert 1_000 < result.lower < result.estimate < result.upper < 100_000  # thousands to over ten thousand


def _quantiles(cdf, probabilities=(0.025, 0.5, 0.975)):
    return [optimize.brentq(lambda t, p=p: cdf(t) - p, 1, 1e6, xtol=1e-6) for p in probabilities]


def test_uniform_model_agrees_with_exact_quantiles(results):
    # P(226·F·S ≤ t) for F ~ U(1, 2), S ~ U(20, 50): integrate P(S ≤ t / (226 f)) over f.
    grid = np.linspace(1, 2, 20_001)

    def cdf(t):
        return np.trapezoid(stats.uniform(20, 30).cdf(t / (WEEKS * grid)), grid)

    lower, median, upper = _quantiles(cdf)
    result = results["model.toml"]
    assert (result.lower, result.estimate, result.upper) == pytest.approx((lower, median, upper), rel=0.01)


def test_mixture_model_agrees_with_exact_quantiles(results):
    # one hanging a week with probability 3/4, two with 1/4; group size triangular(20, 30, 50)
    size = stats.triang(c=(30 - 20) / 30, loc=20, scale=30)

    def cdf(t):
        return 0.75 * size.cdf(t / WEEKS) + 0.25 * size.cdf(t / (2 * WEEKS))

    lower, median, upper = _quantiles(cdf)
    result = results["model-mixture.toml"]
    assert (result.lower, result.estimate, result.upper) == pytest.approx((lower, median, upper), rel=0.01)


def test_parameters_carry_their_sources(results):
    parameters = {p.name: p for p in results["model.toml"].parameters}
    assert (parameters["weeks"].low, parameters["weeks"].high) == (WEEKS, WEEKS)
    assert (parameters["hangings_per_week"].low, parameters["hangings_per_week"].high) == (1, 2)
    assert (parameters["people_per_hanging"].low, parameters["people_per_hanging"].high) == (20, 50)
    # 16 direct lines, one document cited by two witnesses, one released detainee heard by two relatives;
    # the neighbour's "about a hundred" is set aside with its reason
    size = parameters["people_per_hanging"]
    assert (size.independent_sources, size.direct_sources) == (18, 16)
    kinds = {s["origin"]: s["kind"] for s in size.sources}
    assert kinds["DOC-ORDER-LIST"] == "documentary"
    assert kinds["released detainee known as R (not interviewed)"] == "hearsay"
    assert len(size.sources) == 18 and "C073" not in size.claims
    # the people-per-hanging range drives the width of the default model
    assert results["model.toml"].sensitivity[0]["parameter"] == "people_per_hanging"
