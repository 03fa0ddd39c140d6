import math

import numpy as np
import pytest

from uncounted.errors import BadInput
from uncounted.mse.capture import CaptureTable
from uncounted.mse.loglinear import fit_poisson, loglinear
from uncounted.mse.models import design_matrix, parse_model

LISTS = ["A", "B", "C", "D"]
CAPTURE = np.array([0.30, 0.25, 0.20, 0.35])


def simulate(rng: np.random.Generator, total: int, probabilities: np.ndarray = CAPTURE) -> CaptureTable:
    """Independent lists, everyone equally catchable: exactly the assumptions of Mt."""
    captured = (rng.random((total, len(probabilities))) < probabilities).astype(np.int64)
    seen = captured[captured.sum(axis=1) > 0]
    return CaptureTable.build(LISTS[: len(probabilities)], seen, np.ones(len(seen), dtype=np.int64))


def test_mt_is_unbiased_and_its_interval_covers_on_independent_homogeneous_lists():
    rng = np.random.default_rng(20261123)
    truth = 2000
    estimates = np.array([loglinear(simulate(rng, truth), "Mt", interval=False).estimate for _ in range(100)])
    assert abs(estimates.mean() - truth) < 3 * estimates.std() / math.sqrt(len(estimates))
    intervals = [loglinear(simulate(rng, truth), "Mt") for _ in range(30)]
    covered = sum(e.lower <= truth <= e.upper for e in intervals)
    assert covered >= 26  # nominal 95%: 28.5 of 30 expected
    assert all(e.lower < e.estimate < e.upper for e in intervals)


def test_two_lists_give_lincoln_petersen():
    table = CaptureTable.from_patterns(["A", "B"], {"10": 60, "01": 40, "11": 20})
    est = loglinear(table, "Mt")
    # Mt on two lists is the Lincoln-Petersen estimator: n_A * n_B / n_AB = 80 * 60 / 20.
    assert est.estimate == pytest.approx(240.0, rel=1e-9)
    assert est.lower < 240 < est.upper


def test_estimate_records_model_settings_and_input():
    table = simulate(np.random.default_rng(1), 3000)
    est = loglinear(table, "[12][34]")
    assert est.method == "loglinear"
    assert est.settings["model"] == "[12][34]"
    assert est.settings["model_by_name"] == "[A,B][C,D]"
    assert est.input_hash == table.digest()
    assert est.extras["df"] == 15 - 7
    assert set(est.extras["coefficients"]) == {"intercept", "A", "B", "C", "D", "A:B", "C:D"}
    assert est.extras["bic"] - est.extras["aic"] == pytest.approx(7 * (math.log(table.n_observed) - 2))
    assert est.to_json()["model"] == "[12][34]"


def test_hand_written_newton_agrees_with_statsmodels():
    table = simulate(np.random.default_rng(2), 1500)
    for spec in ("Mt", "[123][4]", "Mth-Darroch+[12]", "Mth-Gamma3.5"):
        model = parse_model(spec, table.lists)
        design = design_matrix(model, table.lists, table.full_counts())
        y = table.full_counts()[design.cells].astype(float)
        fit = fit_poisson(design.matrix, y)
        est = loglinear(table, model, interval=False)
        assert fit.converged
        assert table.n_observed + math.exp(fit.coef[0]) == pytest.approx(est.estimate, rel=1e-7)
        assert fit.deviance == pytest.approx(est.extras["deviance"], rel=1e-6, abs=1e-8)


def test_a_model_whose_mle_does_not_exist_is_refused_with_the_reason():
    # All two-way terms on three lists fit the seven cells exactly, so the empty cell 110 (while 111 is not
    # empty) would need a log expected count of minus infinity.
    table = CaptureTable.from_patterns(["A", "B", "C"], {"100": 40, "010": 30, "001": 20, "101": 5,
                                                         "011": 7, "111": 3})
    with pytest.raises(BadInput, match="maximum-likelihood estimate does not exist"):
        loglinear(table, "[12][13][23]")
    assert loglinear(table, "Mt").estimate > table.n_observed


def test_a_saturated_model_is_refused_as_not_identifiable():
    table = CaptureTable.from_patterns(["A", "B", "C"], {"100": 40, "010": 30, "001": 20, "110": 6, "101": 5,
                                                         "011": 7, "111": 3})
    with pytest.raises(BadInput, match="not identifiable"):
        loglinear(table, "[123]")


def test_an_empty_overlap_becomes_a_structural_zero_and_is_said_so():
    table = CaptureTable.from_patterns(["A", "B", "C"], {"100": 40, "010": 30, "001": 20, "110": 6, "011": 8})
    est = loglinear(table, "[13][23]")
    assert est.extras["structural_zeros"] == [["A", "C"]]
    assert any("No one is on both A and C" in w for w in est.warnings)
    assert "A:C" not in est.extras["coefficients"]


def test_an_unbounded_upper_limit_is_nan_with_a_warning():
    # Tiny overlaps and a heterogeneity model: the profile likelihood is still high at three times N-hat.
    table = CaptureTable.from_patterns(["A", "B", "C"], {"100": 50, "010": 50, "001": 50, "110": 1, "101": 1,
                                                         "011": 1, "111": 1})
    est = loglinear(table, "Mth-Gamma3.5")
    assert math.isnan(est.upper)
    assert any("upper limit" in w for w in est.warnings)
    assert est.to_json()["upper"] is None


def test_unknown_list_name_is_bad_input():
    table = simulate(np.random.default_rng(3), 500)
    with pytest.raises(BadInput, match="no list called 'E'"):
        loglinear(table, "[A,E]")
