import json
from itertools import combinations
from pathlib import Path

import pytest

from uncounted.errors import BadInput
from uncounted.mse.capture import CaptureTable
from uncounted.mse.loglinear import loglinear
from uncounted.mse.search import hierarchical_models, search_loglinear

REFERENCE = Path(__file__).parents[1] / "reference" / "data" / "mse_tables.json"
TABLES = json.loads(REFERENCE.read_text())["tables"]


def table(key: str) -> CaptureTable:
    return CaptureTable.from_patterns(TABLES[key]["lists"], TABLES[key]["patterns"])


@pytest.mark.parametrize(("lists", "order", "count"), [(3, 1, 1), (3, 2, 8), (4, 2, 64), (4, 3, 113),
                                                       (5, 3, 6212)])
def test_every_hierarchical_model_once(lists, order, count):
    models = list(hierarchical_models(lists, order))
    assert len(models) == len(set(models)) == count
    for terms in models:
        for term in terms:
            assert 2 <= len(term) <= order
            assert all(sub in terms for sub in combinations(term, len(term) - 1) if len(sub) >= 2)


def test_candidates_match_a_full_fit_and_are_ranked():
    kosovo = table("kosovo")
    best = search_loglinear(kosovo, criterion="aic", interval=False)
    listed = best.extras["models"]
    assert [m["aic"] for m in listed] == sorted(m["aic"] for m in listed)
    assert best.extras["search"] == {"criterion": "aic", "method": "exhaustive", "max_order": 3,
                                     "fitted": 113, "skipped": 0}
    for candidate in listed[:4]:
        full = loglinear(kosovo, candidate["model"], interval=False)
        assert candidate["estimate"] == pytest.approx(full.estimate, rel=1e-7)
        assert candidate["aic"] == pytest.approx(full.extras["aic"], abs=1e-6)
        assert candidate["bic"] == pytest.approx(full.extras["bic"], abs=1e-6)
        assert candidate["df"] == full.extras["df"]


def test_five_lists_exhaustive_and_stepwise_agree():
    five = table("madigan_york_5")
    exhaustive = search_loglinear(five, interval=False)
    stepwise = search_loglinear(five, method="stepwise", interval=False)
    assert exhaustive.extras["search"]["fitted"] + exhaustive.extras["search"]["skipped"] == 6212
    assert stepwise.extras["model"] == exhaustive.extras["model"]
    assert stepwise.extras["search"]["fitted"] < 100


def test_models_that_cannot_be_estimated_are_skipped_and_counted():
    sparse = CaptureTable.from_patterns(["A", "B", "C"], {"100": 40, "010": 30, "001": 20, "101": 5, "011": 7,
                                                          "111": 3})
    best = search_loglinear(sparse, max_order=2, interval=False)
    skipped = best.extras["search"]["skipped"]
    assert skipped >= 1
    assert best.extras["search"]["fitted"] + skipped == 8
    assert any(f"{skipped} of 8 candidate models were skipped" in w for w in best.warnings)


def test_heterogeneity_search_keeps_the_heterogeneity_term():
    best = search_loglinear(table("kosovo"), heterogeneity="Chao", max_order=2, interval=False)
    assert best.extras["model"].startswith("Mth-Chao")
    assert all(m["model"].startswith("Mth-Chao") for m in best.extras["models"])


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"criterion": "cp"}, "criterion"),
        ({"method": "lasso"}, "method"),
        ({"max_order": 0}, "at least 1"),
        ({"heterogeneity": "Weibull"}, "Weibull"),
    ],
)
def test_bad_search_options(options, words):
    with pytest.raises(BadInput, match=words):
        search_loglinear(table("kosovo"), **options)


def test_max_order_is_capped_below_the_saturated_model():
    three = CaptureTable.from_patterns(["A", "B", "C"], {"100": 40, "010": 30, "001": 20, "110": 6, "101": 5,
                                                         "011": 7, "111": 3})
    best = search_loglinear(three, interval=False)
    assert best.extras["search"]["max_order"] == 2
    assert best.extras["search"]["fitted"] == 8
    two = CaptureTable.from_patterns(["A", "B"], {"10": 60, "01": 40, "11": 20})
    assert search_loglinear(two, interval=False).extras["model"] == "Mt"


def test_exhaustive_search_is_for_up_to_five_lists():
    six = CaptureTable.from_patterns(list("ABCDEF"), {"100000": 5, "010000": 5, "001000": 5, "000100": 5,
                                                      "000010": 5, "000001": 5, "110000": 1, "011000": 1,
                                                      "001100": 1, "000110": 1, "000011": 1, "100001": 1})
    with pytest.raises(BadInput, match="stepwise"):
        search_loglinear(six)
    assert search_loglinear(six, method="stepwise", max_order=2, interval=False).estimate > six.n_observed


def test_search_over_a_table_with_an_empty_overlap_builds_each_candidate_alone():
    no_ac = CaptureTable.from_patterns(["A", "B", "C"], {"100": 40, "010": 30, "001": 20, "110": 6, "011": 8})
    best = search_loglinear(no_ac, max_order=2, interval=False)
    assert best.extras["search"]["fitted"] + best.extras["search"]["skipped"] == 8
    with_ac = [m for m in best.extras["models"] if "13" in m["model"]]
    assert with_ac, "models with the empty A:C interaction are fitted with it as a structural zero"
    for candidate in with_ac:
        full = loglinear(no_ac, candidate["model"], interval=False)
        assert candidate["estimate"] == pytest.approx(full.estimate, rel=1e-7)
