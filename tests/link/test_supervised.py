"""Reviewers' labels in training: m re-estimated by the difference estimator (`uncounted.link.supervised`)."""

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from uncounted.link.supervised import BIN_EDGES, MIN_LABELS_PER_BIN, bin_sql, level_gammas, retrain_m

#: One comparison, `c`, with a null level and two others: "same" (gamma 1) and "different" (gamma 0).
MODEL = {"comparisons": [{"output_column_name": "c", "comparison_levels": [
    {"is_null_level": True, "label_for_charts": "missing"},
    {"label_for_charts": "same", "m_probability": 0.9},
    {"label_for_charts": "different", "m_probability": 0.1}]}]}
#: Candidate pairs by pattern and bin: 100 agreeing pairs scored near 1 (bin 5), 50 disagreeing ones in the
#: band (bin 2, expected matches 20), 10 with `c` missing.
CANDIDATES = pd.DataFrame({"gamma_c": [1, 0, -1], "bin": [5, 2, 3], "pairs": [100, 50, 10],
                           "probability_sum": [99.0, 20.0, 5.0]})


def _labelled(verdicts: list[int], probability: float = 0.4, gamma: int = 0, bin_: int = 2) -> pd.DataFrame:
    return pd.DataFrame({"gamma_c": gamma, "bin": bin_, "match_probability": probability, "verdict": verdicts})


def _m(training) -> list[float]:
    return [level["m_probability"] for level in training.model["comparisons"][0]["comparison_levels"][1:]]


def test_labels_that_agree_with_the_model_leave_m_where_the_candidates_put_it():
    # Ten band pairs the model gives 0.4 each; reviewers find 4 matches: the correction is 5 × (4 − 4) = 0.
    training = retrain_m(MODEL, CANDIDATES, _labelled([1] * 4 + [0] * 6), m_floor=0.001)
    assert _m(training) == pytest.approx([99 / 119, 20 / 119])
    assert MODEL["comparisons"][0]["comparison_levels"][1]["m_probability"] == 0.9  # the input is not changed


def test_reviewers_who_find_no_match_among_disagreeing_pairs_drive_that_level_to_the_floor():
    # Each of the 10 labelled pairs stands for 50 / 10 = 5 of its bin: 20 + 5 × 10 × (0 − 0.4) = 0 matches.
    training = retrain_m(MODEL, CANDIDATES, _labelled([0] * 10), m_floor=0.001)
    assert _m(training) == pytest.approx([1 / 1.001, 0.001 / 1.001])  # floored, then renormalised
    band = training.bins.set_index("bin").loc[2]
    assert (band["candidate_pairs"], band["labelled"]) == (50, 10)
    assert band["model_matches"] == pytest.approx(20) and band["estimated_matches"] == pytest.approx(0)
    assert training.changes.iloc[0][["comparison", "level"]].tolist() == ["c", "same"]


def test_a_bin_with_too_few_labels_is_not_extrapolated():
    few = MIN_LABELS_PER_BIN - 1
    training = retrain_m(MODEL, CANDIDATES, _labelled([0] * few), m_floor=0.001, coverage=1.0)
    # Each labelled pair stands for itself alone: 20 − few × 0.4 expected matches remain at "different".
    assert _m(training)[1] == pytest.approx((20 - few * 0.4) / (99 + 20 - few * 0.4))
    # …or for its share of the pairs when the candidates were counted on a sample of the records.
    sampled = retrain_m(MODEL, CANDIDATES, _labelled([0] * few), m_floor=0.001, coverage=0.25)
    assert _m(sampled)[1] == pytest.approx((20 - few * 0.1) / (99 + 20 - few * 0.1))


def test_missing_values_say_nothing_about_m():
    labelled = pd.concat([_labelled([1] * 4 + [0] * 6), _labelled([0] * 20, gamma=-1, bin_=3)])
    assert _m(retrain_m(MODEL, CANDIDATES, labelled, m_floor=0.001)) == pytest.approx([99 / 119, 20 / 119])


def test_levels_are_numbered_as_splink_numbers_them():
    (name, levels, gammas), *_ = level_gammas(MODEL)
    assert (name, [level["label_for_charts"] for level in levels], gammas) == ("c", ["same", "different"], [1, 0])


@given(st.floats(min_value=0.0, max_value=1.0))
def test_bins_in_sql_are_the_bins_of_the_edges(probability):
    with duckdb.connect() as con:
        (b,) = con.execute(f"SELECT {bin_sql('p')} FROM (SELECT ?::DOUBLE AS p)", [probability]).fetchall()[0]
    assert b == int(np.searchsorted(BIN_EDGES[1:-1], probability, side="right"))


def _truth_labels(sample: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    from uncounted.simulate import truth_verdicts

    return sample.assign(label=truth_verdicts(sample, truth))


def _family_m(model: dict) -> dict[str, float]:
    (comparison,) = [c for c in model["comparisons"] if c["output_column_name"] == "family_key"]
    return {level["label_for_charts"]: level.get("m_probability") for level in comparison["comparison_levels"]
            if not level.get("is_null_level")}


def test_reviewed_pairs_correct_a_model_em_got_wrong():
    from uncounted.link import link_records, linkage_quality
    from uncounted.link.cluster import ClusterRules
    from uncounted.link.features import linkage_table
    from uncounted.link.review import review_sample
    from uncounted.link.run import link_table, train_unsupervised
    from uncounted.link.settings import BLOCKING, splink_settings
    from uncounted.simulate import simulate

    sim = simulate(seed=2015, population=2000)
    records = pd.concat(sim.lists.values(), ignore_index=True)
    truth = sim.truth.astype(str)
    em = _family_m(link_records(records).model)

    def wrong_family(make_linker, settings, seed):  # EM that settled on the wrong class for the family name
        model, notes = train_unsupervised(make_linker, settings, seed)
        (comparison,) = [c for c in model["comparisons"] if c["output_column_name"] == "family_key"]
        for level in comparison["comparison_levels"]:
            level["m_probability"] = {"same name": 0.3, "different": 0.6}.get(level.get("label_for_charts"),
                                                                             level.get("m_probability"))
        return model, notes

    def link(labels=None, learn=False):
        return link_table(linkage_table(records), splink_settings(), BLOCKING, train=wrong_family,
                          rules=ClusterRules(threshold=0.5), seed=1, labels=labels, learn_from_labels=learn)

    wrong = link()
    labels = _truth_labels(review_sample(wrong.pairs, records, size=200, seed=1), truth)
    learned = link(labels, learn=True)
    family = _family_m(learned.model)
    assert abs(family["same name"] - em["same name"]) < 0.05 and family["different"] < 0.1
    assert _family_m(link(labels).model)["same name"] == 0.3  # without learning, labels only bind
    bins = pd.DataFrame(learned.diagnostics["label_training"]["bins"])
    assert bins["labelled"].sum() == len(labels)
    assert learned.diagnostics["training_notes"][-1].startswith(f"m re-estimated with {len(labels)} reviewed pairs")
    assert learned.settings["learn_from_labels"] is True
    f1 = {name: linkage_quality(run.entities, truth).pairwise_f1 for name, run in (("wrong", wrong),
                                                                                  ("learned", learned))}
    assert f1["learned"] > f1["wrong"] + 0.015, f1


def test_labels_that_decide_nothing_or_name_vanished_records_do_not_train():
    from uncounted.link import link_records
    from uncounted.simulate import simulate

    sim = simulate(seed=5, population=300)
    records = pd.concat(sim.lists.values(), ignore_index=True)
    first = records.iloc[0]
    labels = pd.DataFrame({"source_l": [first["source"], "gone"], "record_id_l": [first["record_id"], "x"],
                           "source_r": [records.iloc[1]["source"], "gone"],
                           "record_id_r": [records.iloc[1]["record_id"], "y"], "label": ["unsure", "match"]})
    linkage = link_records(records, labels=labels)
    assert linkage.diagnostics["label_training"] is None
    assert not any(note.startswith("m re-estimated") for note in linkage.diagnostics["training_notes"])


def test_labels_train_a_run_whose_model_is_trained_on_a_sample_of_the_records(monkeypatch):
    # Over MAX_TRAINING_RECORDS the model trains on a sample: labelled records outside it are registered with it,
    # and a label standing for itself weighs the share of pairs the sample holds.
    from uncounted.link import link_records, run
    from uncounted.link.review import review_sample
    from uncounted.simulate import simulate

    sim = simulate(seed=2015, population=1500)
    records = pd.concat(sim.lists.values(), ignore_index=True)
    sampled = run.training_sample
    monkeypatch.setattr(run, "training_sample", lambda table, seed: sampled(table, seed, size=len(table) // 2))
    first = link_records(records)
    labels = _truth_labels(review_sample(first.pairs, records, size=80, seed=1, spread=20), sim.truth.astype(str))
    learned = link_records(records, labels=labels)
    assert learned.diagnostics["n_training_records"] < len(records)
    bins = pd.DataFrame(learned.diagnostics["label_training"]["bins"])
    assert bins["labelled"].sum() == len(labels)
    # Counted on the sample's candidate pairs only: about a quarter of all, half the records on each side.
    assert bins["candidate_pairs"].sum() < 0.5 * first.diagnostics["n_candidate_pairs"]
