"""dga against R's dga 2.0.2 (bma.cr) and Madigan & York (1997): exact, so tolerances are tight."""

import json
from pathlib import Path

import pytest

from uncounted.mse.capture import CaptureTable
from uncounted.mse.dga import dga, negative_binomial_log_prior

TABLES = json.loads((Path(__file__).parent / "data" / "mse_tables.json").read_text())["tables"]


def table(key: str) -> CaptureTable:
    return CaptureTable.from_patterns(TABLES[key]["lists"], TABLES[key]["patterns"])


def reference(key: str, settings_start: str) -> dict:
    return next(r["figures"] for r in TABLES[key]["reference"]
                if r["method"] == "dga" and r["settings"].startswith(settings_start))


def test_kosovo_delta_one_sixteenth():
    ref = reference("kosovo", "delta=1/16")
    est = dga(table("kosovo"), delta=1 / 16, max_missing=40000)
    assert est.estimate == pytest.approx(ref["median"], rel=0.005)
    assert est.lower == pytest.approx(ref["ci_95"][0], rel=0.005)
    assert est.upper == pytest.approx(ref["ci_95"][1], rel=0.005)
    assert est.extras["mean"] == pytest.approx(ref["mean"], rel=0.005)
    top = est.extras["graph_weights"][0]
    assert top["graph"].replace(",", " ") == ref["top_graph"]
    assert top["weight"] == pytest.approx(ref["top_graph_weight"], abs=0.001)
    assert est.extras["graphs_averaged"] == 61
    assert est.warnings == []


def test_spina_bifida_negative_binomial_prior_matches_madigan_york():
    ref = reference("spina_bifida", "delta=1,")
    sb = table("spina_bifida")
    prior = negative_binomial_log_prior(13.14, 55.17)
    est = dga(sb, delta=1, max_missing=300, log_prior=prior)
    weights = {row["graph"]: row["weight"] for row in est.extras["graph_weights"]}
    positional = {"[12][3]": "[rehab,death_cert][birth_cert]",
                  "[12][23]": "[rehab,death_cert][death_cert,birth_cert]",
                  "[12][13]": "[rehab,death_cert][rehab,birth_cert]",
                  "[123]": "[rehab,death_cert,birth_cert]"}
    for spec, weight in ref["model_weights"].items():
        assert weights[positional[spec]] == pytest.approx(weight, abs=0.001)
    assert round(est.extras["graph_weights"][0]["weight"], 2) == ref["top_model_posterior"]
    assert round(est.extras["bayes_relsq"]) == ref["bma_bayes_relsq"]
    assert est.extras["mode"] == ref["bma_mode"]
    assert est.extras["mean"] == pytest.approx(ref["bma_mean"], abs=0.5)
    assert (est.lower, est.upper) == tuple(ref["ci_95"])
    assert est.settings["log_prior"] == "negative binomial (a=13.14, b=55.17)"
    # The top model alone (dga's test: round(sum(w/N)/sum(w/N^2)) == 731, mode 729).
    alone = dga(sb, delta=1, max_missing=300, log_prior=prior, graphs=["[12][3]"])
    assert round(alone.extras["bayes_relsq"]) == ref["top_model_bayes_relsq"]
    assert alone.extras["mode"] == ref["top_model_mode"]


def test_spina_bifida_delta_one_eighth():
    ref = reference("spina_bifida", "delta=1/8")
    est = dga(table("spina_bifida"), delta=1 / 8)  # default grid, 0..6,260 missing
    assert est.extras["mean"] == pytest.approx(ref["mean"], abs=0.5)
    assert [est.lower, est.upper] == pytest.approx(ref["ci_95"], abs=1)


def test_five_lists_delta_one_half():
    ref = reference("madigan_york_5", "delta=0.5")
    est = dga(table("madigan_york_5"), delta=0.5, max_missing=300)
    assert est.estimate == ref["median"]
    assert (est.lower, est.upper) == tuple(ref["ci_95"])
    assert est.extras["mode"] == ref["mode"]
    assert est.extras["mean"] == pytest.approx(ref["mean"], abs=0.1)
    top5 = [row["weight"] for row in est.extras["graph_weights"][:5]]
    assert top5 == pytest.approx(ref["top5_graph_weights"], abs=0.001)
    assert est.extras["graphs_averaged"] == 822
