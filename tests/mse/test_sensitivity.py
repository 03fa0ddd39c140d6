import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from uncounted.errors import BadInput
from uncounted.mse.capture import CaptureTable
from uncounted.mse.sensitivity import leave_one_list_out, merge_lists, merged_list_estimates

FOUR = CaptureTable.from_patterns(
    ["EXH", "ABA", "OSCE", "HRW"],
    {"1000": 1131, "0100": 845, "1100": 177, "0010": 936, "1010": 228, "0110": 217, "1110": 181, "0001": 306,
     "1001": 106, "0101": 31, "1101": 18, "0011": 123, "1011": 42, "0111": 32, "1111": 27})


def test_merge_takes_the_union_of_the_group():
    merged = merge_lists(FOUR, {"NGO": ["ABA", "HRW"]})
    assert merged.lists == ("EXH", "NGO", "OSCE")
    assert merged.n_observed == FOUR.n_observed
    assert merged.list_sizes()["NGO"] == FOUR.n_observed - FOUR.counts[
        (FOUR.patterns[:, 1] == 0) & (FOUR.patterns[:, 3] == 0)].sum()
    assert merged.list_sizes()["EXH"] == FOUR.list_sizes()["EXH"]


@pytest.mark.parametrize(
    "groups", [{"X": ["ABA"]}, {"X": ["ABA", "NOPE"]}, {"X": ["ABA", "HRW"], "Y": ["HRW", "EXH"]}])
def test_bad_merges_are_refused(groups):
    with pytest.raises(BadInput):
        merge_lists(FOUR, groups)


def test_leave_one_list_out_with_dga():
    results = leave_one_list_out(FOUR, "dga", max_missing=20000)
    assert [r.extras["left_out"] for r in results] == list(FOUR.lists)
    for result in results:
        assert result.extras["status"] == "estimated"
        assert len(result.extras["lists"]) == 3
        assert result.n_observed < FOUR.n_observed
        assert result.lower <= result.estimate <= result.upper


def test_merged_pairs_report_failures_instead_of_dropping_them():
    three = FOUR.select(["EXH", "ABA", "OSCE"])
    results = merged_list_estimates(three, "dga")
    assert len(results) == 3
    for result in results:  # two lists are left: dga cannot average over graphs of two lists
        assert result.extras["status"] == "not estimated"
        assert "3 to 5 lists" in result.extras["reason"]
        assert math.isnan(result.estimate)
    pair = merged_list_estimates(FOUR, "dga", groups=[{"NGO": ["ABA", "HRW"]}], max_missing=20000)
    assert pair[0].extras["merged"] == {"NGO": ["ABA", "HRW"]}
    assert pair[0].extras["lists"] == ["EXH", "NGO", "OSCE"]


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.sampled_from([f"{i:04b}" for i in range(1, 16)]), st.integers(1, 50), min_size=1),
       st.permutations(["EXH", "ABA", "OSCE", "HRW"]))
def test_merging_keeps_every_person_and_unions_the_group(counts, order):
    table = CaptureTable.build(["EXH", "ABA", "OSCE", "HRW"], [[int(c) for c in p] for p in counts],
                               list(counts.values()), check=False)
    group = order[:2]
    merged = merge_lists(table, {"M": group})
    assert merged.n_observed == table.n_observed
    on_group = table.patterns[:, [table.lists.index(g) for g in group]].max(axis=1) == 1
    assert merged.list_sizes()["M"] == table.counts[on_group].sum()
