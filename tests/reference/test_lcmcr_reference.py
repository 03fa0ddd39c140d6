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


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="not matched: the posterior has two modes (near 1,410 with 3 occupied "
                   "classes, near 2,150 with 4) that chains rarely cross; six chains of 110,000 sweeps gave "
                   "means from 1,412 to 2,148, and one with HRDAG's settings (burn-in 10,000, 10,000 samples "
                   "thinned by 500, seed 19481210) mean 1,814, median 1,614. The published draws (mean 2,066, "
                   "median 2,068, 95% 1,396-3,061) look like the upper mode alone; the full conditionals, "
                   "a = b = 0.25, K = 15 and the missing cell agree with LCMCR 0.4.14's C++")
def test_colombia_recruitment_stratum_k15():
    """HRDAG's verdata settings thin by 500 over 10,000 samples; this long run is kept out of CI."""
    result = lcmcr(table("colombia_recruitment_men_1999_R1"), K=15, seed=19481210, burnin=50000, samples=1000,
                   thin=500, chains=2)
    assert result.extras["posterior"]["mean"] == pytest.approx(2066, rel=0.05)
