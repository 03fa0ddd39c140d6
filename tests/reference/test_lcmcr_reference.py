"""LCMCR against the figures R's LCMCR 0.4.14 and HRDAG's published runs give (tests/reference/data).

Stochastic: medians and means are compared within about 3% of R's (or within 3% of the range R's runs span),
95% limits within 10%, as the reference file advises. Seeds are fixed so each test is repeatable; chains are
long enough that the comparison is not decided by Monte Carlo noise (the Kosovo chain mixes slowly, so it is
thinned heavily, as LCMCR's own example does).
"""

import json
from pathlib import Path

import numpy as np
import pytest

from uncounted.mse.capture import CaptureTable
from uncounted.mse.lcmcr import lcmcr

TABLES = json.loads((Path(__file__).parent / "data" / "mse_tables.json").read_text())["tables"]


def table(name: str) -> CaptureTable:
    entry = TABLES[name]
    rows = np.array([[int(c) for c in pattern] for pattern in entry["patterns"]], dtype=np.int64)
    # unchecked: LCMCR accepts lists that overlap no other (the Colombia stratum has one)
    return CaptureTable.build(entry["lists"], rows, list(entry["patterns"].values()), name=name, check=False)


def within(value: float, low: float, high: float, rel: float) -> bool:
    return low * (1 - rel) <= value <= high * (1 + rel)


def test_kosovo_k10():
    result = lcmcr(table("kosovo"), K=10, seed=20260620, burnin=10000, samples=1000, thin=40, chains=2)
    assert within(result.estimate, 10400, 10650, 0.03), result.estimate
    assert result.lower == pytest.approx(9050, rel=0.10)
    assert result.upper == pytest.approx(14150, rel=0.10)


def test_five_list_example_k10():
    result = lcmcr(table("madigan_york_5"), K=10, seed=7, burnin=10000, samples=1000, thin=20)
    assert result.estimate == pytest.approx(628, rel=0.03)


def test_lesbian_allegheny_k10():
    result = lcmcr(table("lesbian_allegheny"), K=10, seed=3, burnin=10000, samples=1000, thin=40, chains=2)
    assert result.estimate == pytest.approx(5470, rel=0.03)


def test_philippines_caloocan_k5():
    result = lcmcr(table("philippines_caloocan_unidentified"), K=5, seed=11, burnin=10000, samples=1000,
                   thin=20, chains=2)
    assert within(result.extras["posterior"]["mean"], 745, 760, 0.03)
    assert result.lower == pytest.approx(632, rel=0.10)
    assert result.upper == pytest.approx(908, rel=0.10)


# R's LCMCR 0.4.14 on this table, one chain per seed at the test's settings (K = 15, a = b = 0.25, burn-in 50,000,
# 1,000 samples thinned by 500), from benchmarks/r_reference/lcmcr_colombia.R (commands in its README). Each chain
# settles in one of three regimes and stays there for the whole run: held at three occupied classes, N near 1,410;
# or moving over four classes in one of two ways, both with 95% limits from about 1,370 up, one with median
# 1,589-1,660, the other 2,031-2,137. Ranges over R's chains (seeds 1-20 and 19481210) in each regime:
COLOMBIA_R_REGIMES = {
    # seeds 2, 3, 4, 6, 7, 8, 9, 13, 16, 19
    "three classes": {"mean": (1409.4, 1416.5), "lower": (1319.0, 1327.0), "upper": (1508.0, 1520.1)},
    # seeds 14, 17, 20
    "four classes, median below 1,800": {"mean": (1775.7, 1858.1), "lower": (1369.0, 1377.0),
                                         "upper": (2782.1, 2932.4)},
    # seeds 19481210, 1, 5, 10, 11, 12, 15, 18
    "four classes": {"mean": (2028.3, 2108.8), "lower": (1392.9, 1411.0), "upper": (3046.1, 3202.1)},
}
# HRDAG's published figures (mean 2,066, median 2,068, 95% 1,396-3,061) are R's run with seed 19481210 at verdata's
# settings (burn-in 10,000, 10,000 samples thinned by 500, every 10th kept), reproduced to the draw by the script:
# one chain in the last regime. With seed 1 the same settings give mean 2,103, 95% 1,412-3,222 (same regime); with
# seed 2, mean 1,414, 95% 1,328-1,509 (three classes). Our sampler's chains fall into the same three regimes.


def colombia_regime(chain: np.ndarray) -> str:
    """Which of R's regimes a chain is in: R's three-class chains never pass 1,521 (97.5% quantile); the four-class
    chains' medians are 1,589-1,660 or 2,031-2,137."""
    median, upper = np.quantile(chain, [0.5, 0.975])
    if upper < 1600:
        return "three classes"
    return "four classes, median below 1,800" if median < 1800 else "four classes"


@pytest.mark.slow
def test_colombia_recruitment_stratum_k15():
    """Each of our chains must look like R's chains in the same regime. No chain, R's or ours, was seen to
    cross between regimes, so a pooled mean would only say which regime more chains fell into (R: 10 of 21 seeds
    in the three-class one); the published mean, 2,066, is one R chain. Means within 3% of R's range, 95% limits
    within 10%, as elsewhere in this file; this seed gives chains in all three regimes, so all are checked."""
    samples = 1000
    result = lcmcr(table("colombia_recruitment_men_1999_R1"), K=15, seed=19481210, burnin=50000, samples=samples,
                   thin=500, chains=4)
    regimes: dict[str, list[np.ndarray]] = {}
    for chain in result.draws.reshape(-1, samples):
        regimes.setdefault(colombia_regime(chain), []).append(chain)
    assert set(regimes) == set(COLOMBIA_R_REGIMES), sorted(regimes)
    for name, chains in regimes.items():
        draws = np.concatenate(chains)
        lower, upper = np.quantile(draws, [0.025, 0.975])
        reference = COLOMBIA_R_REGIMES[name]
        assert within(draws.mean(), *reference["mean"], 0.03), (name, draws.mean())
        assert within(lower, *reference["lower"], 0.10), (name, lower)
        assert within(upper, *reference["upper"], 0.10), (name, upper)
