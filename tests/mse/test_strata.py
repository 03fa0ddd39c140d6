import math

import numpy as np
import pytest

from uncounted.errors import BadInput
from uncounted.mse import strata as strata_module
from uncounted.mse.capture import CaptureTable
from uncounted.mse.dga import dga
from uncounted.mse.result import Estimate
from uncounted.mse.strata import estimate_strata

LISTS = ("A", "B", "C")
NORTH = {"100": 60, "010": 49, "110": 4, "001": 247, "101": 112, "011": 142, "111": 12}
SOUTH = {"100": 30, "010": 20, "110": 6, "001": 90, "101": 40, "011": 35, "111": 5}
EMPTY_C = {"100": 10, "010": 12, "110": 3}  # list C records nobody here


def tables():
    build = lambda name, counts: CaptureTable.build(  # noqa: E731
        LISTS, [[int(c) for c in p] for p in counts], list(counts.values()), name=name, check=False)
    return {"north": build("north", NORTH), "south": build("south", SOUTH), "east": build("east", EMPTY_C)}


def test_dga_strata_total_is_the_convolution_and_a_failed_stratum_is_reported():
    result = estimate_strata(tables(), "dga", delta=0.25)
    rows = {row["stratum"]: row for row in result.extras["strata"]}
    assert rows["east"]["status"] == "not estimated"
    assert "'C' records nobody" in rows["east"]["reason"]
    assert rows["east"]["n_observed"] == 25
    assert any("east (25 documented)" in w for w in result.warnings)
    north = dga(tables()["north"].select(LISTS), delta=0.25)
    south = dga(tables()["south"].select(LISTS), delta=0.25)
    assert rows["north"]["estimate"] == north.estimate
    assert result.n_observed == north.n_observed + south.n_observed
    # The mean of a sum of independent strata is the sum of their means; medians nearly add up too.
    assert result.extras["mean"] == pytest.approx(north.extras["mean"] + south.extras["mean"], rel=1e-9)
    assert result.estimate == pytest.approx(north.estimate + south.estimate, rel=0.01)
    assert result.lower > north.lower + south.lower  # independent uncertainties partly cancel
    assert result.upper < north.upper + south.upper


def test_no_estimable_stratum_is_bad_input():
    with pytest.raises(BadInput, match="no stratum could be estimated"):
        estimate_strata({"east": tables()["east"]}, "dga")


def fake(draws_by_name, intervals=None):
    def estimate(table, method, **options):
        if intervals:
            est, low, high = intervals[table.name]
            return Estimate(method, table.n_observed, est, low, high)
        draws = table.n_observed + np.asarray(draws_by_name[table.name], dtype=float)
        return Estimate(method, table.n_observed, float(np.median(draws)), 0, 0, seed=options.get("seed"),
                        draws=draws)
    return estimate


def test_draws_are_summed_draw_by_draw_with_independent_seeds(monkeypatch):
    north, south = np.arange(100.0), np.arange(100.0)[::-1] * 2
    monkeypatch.setattr(strata_module, "estimate", fake({"north": north, "south": south}))
    some = {k: v for k, v in tables().items() if k != "east"}
    result = estimate_strata(some, "lcmcr", seed=7)
    expected = some["north"].n_observed + some["south"].n_observed + north + south
    assert np.array_equal(result.draws, expected)
    assert result.estimate == np.median(expected)
    assert result.seed == 7
    seeds = [row["seed"] for row in result.extras["strata"]]
    assert len(set(seeds)) == 2 and 7 not in seeds
    assert [row["seed"] for row in estimate_strata(some, "lcmcr", seed=7).extras["strata"]] == seeds


def test_strata_with_different_numbers_of_draws_are_refused(monkeypatch):
    monkeypatch.setattr(strata_module, "estimate", fake({"north": np.arange(10), "south": np.arange(12)}))
    some = {k: v for k, v in tables().items() if k != "east"}
    with pytest.raises(Exception, match="different numbers of draws"):
        estimate_strata(some, "lcmcr", seed=1)


def test_mle_total_adds_delta_method_variances_on_the_log_scale(monkeypatch):
    some = {k: v for k, v in tables().items() if k != "east"}
    n1, n2 = some["north"].n_observed, some["south"].n_observed
    intervals = {"north": (n1 + 100, n1 + 50, n1 + 200), "south": (n2 + 40, n2 + 20, n2 + 80)}
    monkeypatch.setattr(strata_module, "estimate", fake({}, intervals))
    result = estimate_strata(some, "loglinear")
    z = 1.959963984540054
    var = (100 * math.log(4) / (2 * z)) ** 2 + (40 * math.log(4) / (2 * z)) ** 2
    assert result.estimate == n1 + n2 + 140
    assert result.lower == pytest.approx(n1 + n2 + 140 * math.exp(-z * math.sqrt(var) / 140))
    assert result.upper == pytest.approx(n1 + n2 + 140 * math.exp(z * math.sqrt(var) / 140))


def test_a_stratum_without_an_upper_limit_leaves_the_total_without_one(monkeypatch):
    some = {k: v for k, v in tables().items() if k != "east"}
    n1, n2 = some["north"].n_observed, some["south"].n_observed
    intervals = {"north": (n1 + 100, n1 + 50, math.nan), "south": (n2 + 40, n2 + 20, n2 + 80)}
    monkeypatch.setattr(strata_module, "estimate", fake({}, intervals))
    result = estimate_strata(some, "loglinear")
    assert result.estimate == n1 + n2 + 140
    assert result.upper == math.inf
    assert result.lower == n1 + n2 + 70
    assert any("no upper limit" in w for w in result.warnings)


def test_a_wrong_option_is_refused_once_for_all_strata():
    with pytest.raises(BadInput, match="^option K does not apply to method dga"):
        estimate_strata(tables(), "dga", K=5)


def test_lcmcr_strata_sum_their_draws():
    pytest.importorskip("uncounted.mse.lcmcr")
    some = {k: v for k, v in tables().items() if k != "east"}
    result = estimate_strata(some, "lcmcr", K=4, burnin=300, samples=60, thin=2, seed=5)
    rows = result.extras["strata"]
    assert [row["status"] for row in rows] == ["estimated", "estimated"]
    assert len(result.draws) == 60
    assert result.lower <= result.estimate <= result.upper
    assert result.n_observed == sum(t.n_observed for t in some.values())
    assert result.draws.min() >= result.n_observed
