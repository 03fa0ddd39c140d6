import numpy as np
import pandas as pd
import pytest

from uncounted.errors import BadInput
from uncounted.link.review import label_quality, read_review_file, review_sample, write_review_file
from uncounted.records import CANONICAL_FIELDS


def _records(n):
    frame = pd.DataFrame({"source": ["a"] * n + ["b"] * n, "record_id": [str(i) for i in range(n)] * 2})
    for column in CANONICAL_FIELDS:
        if column not in frame:
            frame[column] = ""
    frame["given_name"] = "محمد"
    frame["governorate"] = ["Homs", "Hama"] * n
    return frame


def _pairs(n, rng):
    return pd.DataFrame({"source_l": "a", "record_id_l": [str(i) for i in range(n)], "source_r": "b",
                         "record_id_r": [str(i) for i in range(n)],
                         "match_probability": rng.uniform(0, 1, n), "match_weight": 0.0})


def test_sample_stays_in_the_band_and_its_weights_add_up_to_the_band():
    rng = np.random.default_rng(3)
    pairs = _pairs(400, rng)
    sample = review_sample(pairs, _records(400), low=0.2, high=0.98, size=60, seed=1)
    band = pairs[(pairs.match_probability >= 0.2) & (pairs.match_probability < 0.98)]
    assert sample["match_probability"].between(0.2, 0.98, inclusive="left").all()
    assert 50 <= len(sample) <= 70
    assert sample["sample_weight"].sum() == pytest.approx(len(band))
    assert {"given_name_l", "given_name_r", "label", "reviewer", "reason"} <= set(sample.columns)
    assert (sample["given_name_l"] == "محمد").all()


def test_round_trip_through_csv_and_xlsx_keeps_arabic_and_labels(tmp_path):
    sample = review_sample(_pairs(50, np.random.default_rng(1)), _records(50), size=10, seed=2)
    sample.loc[0, ["label", "reviewer"]] = ["Match", "rev1"]
    sample.loc[1, ["label", "reviewer", "reason"]] = ["لا", "rev2", "different mothers"]
    for suffix in (".csv", ".xlsx"):
        path = write_review_file(sample, tmp_path / f"review{suffix}")
        labels = read_review_file(path)
        assert labels["label"].tolist() == ["match", "non-match"]
        assert labels["reviewer"].tolist() == ["rev1", "rev2"]
        assert labels["reason"].tolist()[1] == "different mothers"


def test_unknown_label_is_named_by_row_and_column(tmp_path):
    sample = review_sample(_pairs(50, np.random.default_rng(1)), _records(50), size=5, seed=2)
    sample.loc[2, ["label", "reviewer"]] = ["probably", "rev"]
    path = write_review_file(sample, tmp_path / "r.csv")
    with pytest.raises(BadInput, match="row 4, column 'label'"):
        read_review_file(path)


def test_weighted_precision_and_recall_match_a_hand_computation():
    labels = pd.DataFrame({
        "source_l": ["a"] * 4, "record_id_l": list("1234"), "source_r": ["b"] * 4, "record_id_r": list("1234"),
        "label": ["match", "non-match", "match", "match"], "reviewer": "r", "reason": "",
        "match_probability": [0.95, 0.92, 0.5, 0.3], "sample_weight": [1.0, 3.0, 2.0, 2.0],
    })
    quality = label_quality(labels, threshold=0.9)
    assert quality["precision"] == pytest.approx(1 / 4)  # linked: weights 1 (match) and 3 (non-match)
    assert quality["recall"] == pytest.approx(1 / 5)  # matches: weights 1 (linked), 2 and 2 (missed)
    assert 0 <= quality["precision_lower"] < quality["precision"] < quality["precision_upper"] <= 1


def test_reviewers_verdicts_bind_the_linkage():
    from uncounted.link.run import _apply_labels

    pairs = pd.DataFrame({"source_l": ["a", "a"], "record_id_l": ["1", "2"], "source_r": ["b", "b"],
                          "record_id_r": ["1", "2"], "match_probability": [0.6, 0.97], "match_weight": [1.0, 6.0]})
    labels = pd.DataFrame({"source_l": ["b", "a", "a"], "record_id_l": ["1", "2", "3"],
                           "source_r": ["a", "b", "c"], "record_id_r": ["1", "2", "9"],
                           "label": ["match", "non-match", "match"]})
    kept, apart = _apply_labels(pairs, labels)
    probability = {(r.record_id_l, r.record_id_r): r.match_probability for r in kept.itertuples()}
    assert probability == {("1", "1"): 1.0, ("3", "9"): 1.0}  # labelled the other way round still counts
    assert apart[["record_id_l", "record_id_r"]].values.tolist() == [["2", "2"]]


def test_spread_draws_below_and_above_the_band_and_all_weights_add_up_to_every_pair():
    rng = np.random.default_rng(5)
    pairs = _pairs(400, rng)
    sample = review_sample(pairs, _records(400), low=0.2, high=0.98, size=40, seed=1, spread=20)
    scores = sample["match_probability"]
    below, above = pairs["match_probability"] < 0.2, pairs["match_probability"] >= 0.98
    assert (scores < 0.2).sum() >= 1 and (scores >= 0.98).sum() >= 1
    assert sample.loc[scores < 0.2, "sample_weight"].sum() == pytest.approx(below.sum())
    assert sample.loc[scores >= 0.98, "sample_weight"].sum() == pytest.approx(above.sum())
    assert sample["sample_weight"].sum() == pytest.approx(len(pairs))
    band_only = review_sample(pairs, _records(400), low=0.2, high=0.98, size=40, seed=1)
    assert band_only["match_probability"].between(0.2, 0.98, inclusive="left").all()  # the same band draw
    assert set(band_only["record_id_l"]) <= set(sample["record_id_l"])


def test_with_the_runs_pairs_each_label_stands_for_its_bin():
    # 10 pairs scored 0.6 and 100 scored 0.99; reviewers labelled two of the first (one match) and one of the
    # second (a non-match). Each stands for its bin's pairs over its bin's labels, whatever its export weight.
    pairs = pd.DataFrame({"match_probability": [0.6] * 10 + [0.99] * 100})
    labels = pd.DataFrame({
        "source_l": ["a"] * 3, "record_id_l": list("123"), "source_r": ["b"] * 3, "record_id_r": list("123"),
        "label": ["match", "non-match", "non-match"], "reviewer": "r", "reason": "",
        "match_probability": [0.6, 0.6, 0.99], "sample_weight": [1000.0, 1.0, 1.0]})
    quality = label_quality(labels, threshold=0.5, pairs=pairs)
    assert quality["precision"] == pytest.approx(5 / (5 + 5 + 100))
    assert quality["recall"] == pytest.approx(1.0)
    assert quality["covers"] == "0.5–0.8, 0.98–1"
    # A second review round of the same bin does not make it count twice against the other bin.
    again = pd.concat([labels, labels.iloc[:2].assign(record_id_l=["4", "5"], record_id_r=["4", "5"])])
    assert label_quality(again, threshold=0.5, pairs=pairs)["precision"] == pytest.approx(5 / 110)
