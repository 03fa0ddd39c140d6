import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from uncounted.link.cluster import ClusterRules, cluster, could_be_one_name, one_edit_apart


def _keys(ids):
    return pd.DataFrame({"source": [i[0] for i in ids], "record_id": ids})


def _pairs(edges):
    return pd.DataFrame(
        [{"source_l": a[0], "record_id_l": a, "source_r": b[0], "record_id_r": b, "match_probability": p}
         for a, b, p in edges]
    )


def test_links_above_threshold_join_records_and_weak_ones_do_not():
    entities, splits = cluster(_keys(["A1", "B1", "C1", "A2"]),
                               _pairs([("A1", "B1", 0.99), ("B1", "C1", 0.95), ("A2", "C1", 0.5)]),
                               ClusterRules(threshold=0.9))
    groups = entities.groupby("entity_id")["record_id"].apply(sorted).tolist()
    assert sorted(groups) == [["A1", "B1", "C1"], ["A2"]]
    assert splits == 0


def test_every_record_gets_an_entity_and_ids_follow_first_record_order():
    entities, _ = cluster(_keys(["A1", "A2", "B1"]), _pairs([("A2", "B1", 0.99)]), ClusterRules())
    assert entities["record_id"].tolist() == ["A1", "A2", "B1"]
    assert entities["entity_id"].tolist() == ["E0000001", "E0000002", "E0000002"]


def test_a_chain_through_one_weak_link_is_split_there():
    # Two tight triangles joined by one bridge just above threshold: the bridge goes, the triangles stay.
    edges = [("A1", "B1", 0.99), ("B1", "C1", 0.99), ("A1", "C1", 0.99),
             ("A2", "B2", 0.99), ("B2", "C2", 0.99), ("A2", "C2", 0.99), ("C1", "A2", 0.91)]
    entities, splits = cluster(_keys(["A1", "B1", "C1", "A2", "B2", "C2"]), _pairs(edges),
                               ClusterRules(threshold=0.9, max_size=12, min_density=0.6))
    groups = sorted(entities.groupby("entity_id")["record_id"].apply(sorted).tolist())
    assert groups == [["A1", "B1", "C1"], ["A2", "B2", "C2"]]
    assert splits == 1


def test_oversized_components_are_split_below_the_limit():
    ids = [f"A{i}" for i in range(10)]
    edges = [(ids[i], ids[i + 1], 0.95 + 0.004 * (i % 3)) for i in range(9)]
    entities, splits = cluster(_keys(ids), _pairs(edges), ClusterRules(max_size=4, min_density=0.0))
    assert entities.groupby("entity_id").size().max() <= 4
    assert splits >= 2


def test_brothers_linked_through_shared_details_are_cut_apart_by_their_given_names():
    # Two brothers (given "trk" and "brhym"), each on two lists, chained by one wrong link of moderate strength.
    ids = ["A1", "B1", "A2", "B2"]
    edges = [("A1", "B1", 0.99), ("A2", "B2", 0.99), ("B1", "A2", 0.93)]
    given = pd.Series(["trk", "trk", "brhym", "brhym"])
    entities, splits = cluster(_keys(ids), _pairs(edges), ClusterRules(min_density=0.0), given=given)
    groups = sorted(entities.groupby("entity_id")["record_id"].apply(sorted).tolist())
    assert groups == [["A1", "B1"], ["A2", "B2"]]
    assert splits == 1


def test_a_typo_in_the_given_name_is_no_conflict():
    given = pd.Series(["mhmd", "mhmmd", "mhmd"])
    entities, splits = cluster(_keys(["A1", "B1", "C1"]), _pairs([("A1", "B1", 0.99), ("B1", "C1", 0.99)]),
                               ClusterRules(), given=given)
    assert entities["entity_id"].nunique() == 1 and splits == 0


@given(st.text(alphabet="abcdhmrsy", max_size=8), st.data())
def test_one_edit_apart_accepts_every_single_edit(word, data):
    position = data.draw(st.integers(0, len(word)))
    letter = data.draw(st.sampled_from("abcdhmrsy"))
    assert one_edit_apart(word, word[:position] + letter + word[position:])  # insertion
    if word:
        i = min(position, len(word) - 1)
        assert one_edit_apart(word, word[:i] + word[i + 1:])  # deletion
        assert one_edit_apart(word, word[:i] + letter + word[i + 1:])  # substitution
        if i + 1 < len(word):
            assert one_edit_apart(word, word[:i] + word[i + 1] + word[i] + word[i + 2:])  # transposition


def test_two_edits_are_too_many():
    assert not one_edit_apart("hmd", "mhmd" + "x")
    assert not one_edit_apart("mhr", "mhmd")
    assert not one_edit_apart("hsn", "hsyn" + "y")


def test_a_reviewed_non_match_is_kept_apart_even_when_strongly_linked_through_others():
    edges = [("A1", "B1", 0.99), ("B1", "C1", 0.99), ("A1", "C1", 0.95)]
    apart = pd.DataFrame({"source_l": ["A"], "record_id_l": ["A1"], "source_r": ["C"], "record_id_r": ["C1"]})
    entities, splits = cluster(_keys(["A1", "B1", "C1"]), _pairs(edges), ClusterRules(), apart=apart)
    by_record = dict(zip(entities["record_id"], entities["entity_id"], strict=True))
    assert by_record["A1"] != by_record["C1"]
    assert splits == 1


def test_a_name_with_letters_dropped_is_no_conflict_but_another_name_is():
    assert could_be_one_name("mstfy", "mst") and could_be_one_name("mwd", "mhmwd")
    assert could_be_one_name("mhmd", "mhmmd")
    assert not could_be_one_name("xld", "hsn") and not could_be_one_name("mhr", "mhmd")
    given = pd.Series(["mstfy", "mst", "xld"])
    edges = [("A1", "B1", 0.99), ("B1", "C1", 0.6)]
    entities, splits = cluster(_keys(["A1", "B1", "C1"]), _pairs(edges), ClusterRules(), given=given)
    by_record = dict(zip(entities["record_id"], entities["entity_id"], strict=True))
    assert by_record["A1"] == by_record["B1"] != by_record["C1"] and splits == 1


def test_a_long_chain_of_common_names_falls_into_pieces_no_larger_than_the_limit():
    # 300 records chained by links of varying strength (one component, as common names make on a million
    # records): every piece is within the size limit, each piece is connected, and the weakest links go first.
    ids = [f"{'AB'[i % 2]}{i:03d}" for i in range(300)]
    weights = [0.6 + 0.39 * ((i * 37) % 100) / 100 for i in range(299)]
    edges = [(ids[i], ids[i + 1], w) for i, w in enumerate(weights)]
    entities, splits = cluster(_keys(ids), _pairs(edges), ClusterRules(threshold=0.5, max_size=12, min_density=0.0))
    sizes = entities.groupby("entity_id").size()
    assert sizes.max() <= 12 and splits == len(sizes) - 1
    position = {record: i for i, record in enumerate(ids)}
    for members in entities.groupby("entity_id")["record_id"]:
        spots = sorted(position[m] for m in members[1])
        assert spots == list(range(spots[0], spots[-1] + 1))  # a piece of a chain is a stretch of it
    kept = {(a, b) for a, b, _ in edges if entities.set_index("record_id").loc[[a, b], "entity_id"].nunique() == 1}
    cut_weights = [w for a, b, w in edges if (a, b) not in kept]
    assert min(cut_weights) == min(weights)


def test_a_large_component_is_split_the_same_whatever_the_order_of_the_links():
    ids = [f"{'AB'[i % 2]}{i:03d}" for i in range(60)]
    edges = [(ids[i], ids[j], 0.9) for i in range(60) for j in (i + 1, i + 7) if j < 60]
    rules = ClusterRules(threshold=0.5, max_size=12, min_density=0.0)
    first, _ = cluster(_keys(ids), _pairs(edges), rules)
    second, _ = cluster(_keys(ids), _pairs(edges[::-1]), rules)
    assert first.equals(second)


def test_one_record_per_source_keeps_two_records_of_a_list_apart_when_asked():
    # A chain A1 - B1 - A2: by default one person; with the rule on, A1 and A2 (same list) are cut apart along
    # the weaker link, and B1 stays with the record it is more strongly linked to.
    ids = ["A1", "B1", "A2"]
    edges = [("A1", "B1", 0.99), ("B1", "A2", 0.8)]
    default, splits = cluster(_keys(ids), _pairs(edges), ClusterRules())
    assert default["entity_id"].nunique() == 1 and splits == 0
    strict, splits = cluster(_keys(ids), _pairs(edges), ClusterRules(one_record_per_source=True))
    groups = sorted(strict.groupby("entity_id")["record_id"].apply(sorted).tolist())
    assert groups == [["A1", "B1"], ["A2"]] and splits == 1
