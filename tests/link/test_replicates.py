import pandas as pd

from uncounted.link.replicates import sampled_replicates, threshold_replicates
from uncounted.link.run import Linkage


def _linkage():
    pairs = pd.DataFrame({"source_l": ["a", "a"], "record_id_l": ["1", "2"], "source_r": ["b", "b"],
                          "record_id_r": ["1", "2"], "match_probability": [0.97, 0.6], "match_weight": [5.0, 1.0]})
    entities = pd.DataFrame({"source": ["a", "a", "b", "b"], "record_id": ["1", "2", "1", "2"],
                             "entity_id": ["E1", "E2", "E1", "E3"]})
    settings = {"threshold": 0.9, "max_cluster_size": 12, "min_cluster_density": 0.4}
    return Linkage(entities, pairs, settings, {}), entities[["source", "record_id"]]


def test_lower_thresholds_link_more():
    linkage, records = _linkage()
    counts = [e["entity_id"].nunique() for e in threshold_replicates(linkage, records, thresholds=(0.5, 0.9, 0.99))]
    assert counts == [2, 3, 4]


def test_sampled_replicates_follow_match_probabilities():
    linkage, records = _linkage()
    replicates = sampled_replicates(linkage, records, n=400, seed=7)
    linked_second = sum(
        r.set_index(["source", "record_id"]).loc[("a", "2"), "entity_id"]
        == r.set_index(["source", "record_id"]).loc[("b", "2"), "entity_id"] for r in replicates)
    assert 0.5 < linked_second / 400 < 0.7  # linked with probability 0.6
    again = sampled_replicates(linkage, records, n=3, seed=1)
    assert sampled_replicates(linkage, records, n=3, seed=1)[0].equals(again[0])



def test_replicates_keep_the_runs_one_record_per_source_rule():
    pairs = pd.DataFrame({"source_l": ["a", "b"], "record_id_l": ["1", "1"], "source_r": ["b", "a"],
                          "record_id_r": ["1", "2"], "match_probability": [0.99, 0.8], "match_weight": [7.0, 2.0]})
    records = pd.DataFrame({"source": ["a", "a", "b"], "record_id": ["1", "2", "1"]})
    for strict in (False, True):
        settings = {"threshold": 0.5, "max_cluster_size": 12, "min_cluster_density": 0.4,
                    "one_record_per_source": strict}
        linkage = Linkage(records.assign(entity_id="E1"), pairs, settings, {})
        people = [e["entity_id"].nunique() for e in threshold_replicates(linkage, records, thresholds=(0.5, 0.7))]
        assert people == ([2, 2] if strict else [1, 1])


def test_replicates_cut_given_names_that_cannot_be_one_persons_as_the_run_does():
    # Brothers: a strong link between Khalid and Mohammad, both sons of Ahmad al-Hasan.
    records = pd.DataFrame({"source": ["a", "b"], "record_id": ["1", "1"],
                            "full_name": ["خالد أحمد الحسن", "محمد أحمد الحسن"]})
    pairs = pd.DataFrame({"source_l": ["a"], "record_id_l": ["1"], "source_r": ["b"], "record_id_r": ["1"],
                          "match_probability": [0.97], "match_weight": [5.0]})
    settings = {"threshold": 0.5, "max_cluster_size": 12, "min_cluster_density": 0.4}
    linkage = Linkage(records[["source", "record_id"]].assign(entity_id=["E1", "E2"]), pairs, settings, {})
    assert [e["entity_id"].nunique() for e in threshold_replicates(linkage, records, thresholds=(0.5, 0.9))] == [2, 2]
    assert all(e["entity_id"].nunique() == 2 for e in sampled_replicates(linkage, records, n=5))
