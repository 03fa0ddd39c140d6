"""Log-linear models against R's Rcapture 1.4-4 (closedp.t, closedpCI.t, closedpMS.t) and SparseMSE."""

import json
from pathlib import Path

import numpy as np
import pytest

from uncounted.mse.capture import CaptureTable
from uncounted.mse.identifiability import check_identifiable
from uncounted.mse.loglinear import loglinear
from uncounted.mse.search import search_loglinear

TABLES = json.loads((Path(__file__).parent / "data" / "mse_tables.json").read_text())["tables"]


def table(key: str, check: bool = True) -> CaptureTable:
    lists, patterns = TABLES[key]["lists"], TABLES[key]["patterns"]
    if check:
        return CaptureTable.from_patterns(lists, patterns)
    rows = np.array([[int(c) for c in p] for p in patterns])
    return CaptureTable.build(lists, rows, list(patterns.values()), check=False)


def figures(key: str, settings_start: str) -> dict:
    return next(r["figures"] for r in TABLES[key]["reference"]
                if r["method"].startswith("loglinear") and r["settings"].startswith(settings_start))


def test_kosovo_bic_best_model_with_profile_interval():
    ref = figures("kosovo", "Poisson log-linear model [EXH ABA OSCE][EXH HRW][OSCE HRW]")
    est = loglinear(table("kosovo"), "[EXH,ABA,OSCE][EXH,HRW][OSCE,HRW]")
    assert est.estimate == pytest.approx(ref["estimate"], abs=0.5)
    assert est.extras["se"] == pytest.approx(ref["se"], abs=0.1)
    assert est.lower == pytest.approx(ref["profile_ci_95"][0], rel=0.01)
    assert est.upper == pytest.approx(ref["profile_ci_95"][1], rel=0.01)
    assert est.extras["deviance"] == pytest.approx(ref["deviance"], abs=0.005)
    assert est.extras["df"] == ref["df"]
    assert est.extras["aic"] == pytest.approx(ref["aic"], abs=0.005)
    assert est.extras["bic"] == pytest.approx(ref["bic"], abs=0.005)
    assert est.extras["model"] == "[123][14][34]"
    assert est.lower < est.estimate < est.upper
    assert est.warnings == []


def test_kosovo_mt():
    assert loglinear(table("kosovo"), "Mt", interval=False).estimate == pytest.approx(
        figures("kosovo", "Mt")["estimate"], abs=0.05)


def test_kosovo_all_two_way_interactions():
    # Rcapture's closedpCI.t prints two abundances: N-hat of the Poisson fit (14,402.5 here) and, beside the
    # interval, the maximum of the multinomial profile likelihood; the reference figure is the latter.
    ref = figures("kosovo", "all two-way")
    est = loglinear(table("kosovo"), "[12][13][14][23][24][34]")
    assert est.extras["multinomial_mle"] == pytest.approx(ref["estimate"], abs=0.5)
    assert est.estimate == pytest.approx(14402.5, abs=0.5)
    assert est.lower == pytest.approx(ref["profile_ci_95"][0], rel=0.01)
    assert est.upper == pytest.approx(ref["profile_ci_95"][1], rel=0.01)


def test_kosovo_aic_best_model():
    ref = figures("kosovo", "AIC-best hierarchical [123][134]")
    est = loglinear(table("kosovo"), "[123][134]")
    assert est.estimate == pytest.approx(ref["estimate"], abs=0.05)
    assert est.extras["se"] == pytest.approx(ref["se"], abs=0.1)
    assert est.lower == pytest.approx(ref["profile_ci_95"][0], rel=0.01)
    assert est.upper == pytest.approx(ref["profile_ci_95"][1], rel=0.01)


@pytest.mark.parametrize(("model", "key"), [("Mth-Chao", "Mth_Chao"), ("Mth-Poisson2", "Mth_Poisson2"),
                                            ("Mth-Darroch", "Mth_Darroch"), ("Mth-Gamma3.5", "Mth_Gamma3_5")])
def test_kosovo_heterogeneity_models(model, key):
    est = loglinear(table("kosovo"), model)
    assert est.estimate == pytest.approx(figures("kosovo", "Rcapture closedp.t heterogeneity")[key], abs=0.5)
    assert est.lower < est.estimate < est.upper


def test_kosovo_chao_sets_its_negative_eta_to_zero():
    est = loglinear(table("kosovo"), "Mth-Chao", interval=False)
    assert "eta4" not in est.extras["coefficients"]
    assert est.extras["coefficients"]["eta3"] >= 0
    assert any("eta4" in w for w in est.warnings)


def test_lesbian_allegheny_darroch():
    ref = figures("lesbian_allegheny", "Mth Darroch")
    est = loglinear(table("lesbian_allegheny"), "Mth-Darroch")
    assert est.estimate == pytest.approx(ref["estimate"], abs=0.05)
    assert est.extras["se"] == pytest.approx(ref["se"], abs=0.1)
    assert est.lower == pytest.approx(ref["profile_ci_95"][0], rel=0.01)
    assert est.upper == pytest.approx(ref["profile_ci_95"][1], rel=0.01)


def test_lesbian_allegheny_darroch_with_interactions_is_bic_best():
    ref = figures("lesbian_allegheny", "Darroch heterogeneity + interactions")
    est = loglinear(table("lesbian_allegheny"), "Mth-Darroch+[12,13,14]")
    assert est.estimate == pytest.approx(ref["estimate"], abs=0.05)
    assert est.extras["bic"] == pytest.approx(ref["bic"], abs=0.05)
    best = search_loglinear(table("lesbian_allegheny"), heterogeneity="Darroch")
    assert best.extras["model"] == "Mth-Darroch+[12][13][14]"
    assert best.estimate == pytest.approx(ref["estimate"], abs=0.05)


@pytest.mark.parametrize("method", ["exhaustive", "stepwise"])
def test_kosovo_search_picks_the_published_models(method):
    by_bic = search_loglinear(table("kosovo"), criterion="bic", method=method)
    assert by_bic.extras["model"] == "[123][14][34]"
    assert by_bic.estimate == pytest.approx(figures("kosovo", "Poisson log-linear")["estimate"], abs=0.5)
    by_aic = search_loglinear(table("kosovo"), criterion="aic", method=method)
    assert by_aic.extras["model"] == "[123][134]"


def test_artificial_3_identifiability_as_sparsemse():
    artificial = table("artificial_3", check=False)
    all_two_way = check_identifiable(artificial, "[12][13][23]")
    assert not all_two_way.identifiable and all_two_way.mle_exists and not all_two_way.full_rank
    for with_ab in ("[12]", "[12][3]", "[12][13]", "[12][23]"):
        result = check_identifiable(artificial, with_ab)
        assert not result.identifiable and not result.mle_exists, with_ab
        assert "does not exist" in result.reason
    for passing in ("Mt", "[13]", "[23]", "[13][23]"):
        assert check_identifiable(artificial, passing).identifiable, passing
