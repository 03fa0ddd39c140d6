import math

import numpy as np
import pytest
from scipy import stats

from uncounted.errors import BadInput
from uncounted.mse.capture import CaptureTable
from uncounted.mse.dga import dga
from uncounted.mse.replicates import combine_replicates
from uncounted.mse.result import Estimate


def replicate(n_obs, missing):
    draws = n_obs + np.asarray(missing, dtype=float)
    return Estimate("lcmcr", n_obs, float(np.median(draws)), 0, 0, draws=draws)


def test_rubins_rules_on_log_n0_by_hand():
    reps = [replicate(100, [10, 20, 40]), replicate(102, [20, 40, 80]), replicate(104, [0, 10, 30])]
    result = combine_replicates(reps)
    # By hand: log n0 per replicate (0 read as 0.1), their means and variances (m - 1 denominators).
    logs = [np.log([10, 20, 40]), np.log([20, 40, 80]), np.log([0.1, 10, 30])]
    means = [x.mean() for x in logs]
    w = np.mean([x.var(ddof=1) for x in logs])
    b = np.var(means, ddof=1)
    t_var = w + (1 + 1 / 3) * b
    nu = 2 * (1 + w / ((1 + 1 / 3) * b)) ** 2
    t = stats.t.ppf(0.975, nu)
    assert result.n_observed == 102
    assert result.estimate == pytest.approx(102 + np.mean([70 / 3, 140 / 3, 40 / 3]))
    assert result.extras["within_variance"] == pytest.approx(w)
    assert result.extras["between_variance"] == pytest.approx(b)
    assert result.extras["df"] == pytest.approx(nu)
    assert result.lower == pytest.approx(102 + math.exp(np.mean(means) - t * math.sqrt(t_var)))
    assert result.upper == pytest.approx(102 + math.exp(np.mean(means) + t * math.sqrt(t_var)))
    assert any("at least 10" in w for w in result.warnings)


def test_verdata_degrees_of_freedom_differ_from_rubins():
    reps = [replicate(100, [10, 20, 40]), replicate(102, [20, 40, 80]), replicate(104, [5, 10, 30])]
    rubin, verdata = combine_replicates(reps), combine_replicates(reps, df_rule="verdata")
    assert verdata.extras["df"] < rubin.extras["df"]
    assert verdata.estimate == rubin.estimate


def test_identical_replicates_reduce_to_one_posterior():
    reps = [replicate(50, np.arange(1, 200))] * 12
    result = combine_replicates(reps)
    assert result.extras["between_variance"] == pytest.approx(0, abs=1e-20)
    log_n0 = np.log(np.arange(1, 200))
    upper = 50 + math.exp(log_n0.mean() + 1.959964 * log_n0.std(ddof=1))
    assert result.upper == pytest.approx(upper, rel=1e-5)
    assert result.warnings == []


def test_dga_replicates_use_their_exact_posterior_moments():
    counts = {"100": 60, "010": 49, "110": 4, "001": 247, "101": 112, "011": 142, "111": 12}
    one = dga(CaptureTable.from_patterns("ABC", counts), delta=1 / 8)
    counts["111"] = 20
    two = dga(CaptureTable.from_patterns("ABC", counts), delta=1 / 8)
    result = combine_replicates([one, two])
    assert one.lower < result.estimate < two.upper or two.lower < result.estimate < one.upper
    assert result.extras["within_variance"] == pytest.approx(
        (one.extras["posterior"]["log_n_missing_var"] + two.extras["posterior"]["log_n_missing_var"]) / 2)


def test_fewer_than_two_replicates_or_no_interval_is_refused():
    with pytest.raises(BadInput):
        combine_replicates([replicate(10, [1, 2, 3])])
    with pytest.raises(BadInput, match="no finite"):
        combine_replicates([Estimate("loglinear", 10, 20, 15, math.inf)] * 2)
