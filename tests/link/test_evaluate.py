import pandas as pd
import pytest

from uncounted.link.evaluate import linkage_quality


def _frame(assignments, column):
    return pd.DataFrame({"source": ["s"] * len(assignments), "record_id": [str(i) for i in range(len(assignments))],
                         column: assignments})


def test_perfect_linkage_scores_one():
    q = linkage_quality(_frame(["a", "a", "b"], "entity_id"), _frame([1, 1, 2], "person_id"))
    assert (q.pairwise_f1, q.bcubed_f1, q.n_entities, q.n_true_people) == (1.0, 1.0, 2, 2)


def test_a_false_merge_costs_precision_not_recall():
    # Truth: {0,1} {2}; predicted all together → 1 of 3 predicted pairs right.
    q = linkage_quality(_frame(["a", "a", "a"], "entity_id"), _frame([1, 1, 2], "person_id"))
    assert q.pairwise_precision == pytest.approx(1 / 3)
    assert q.pairwise_recall == 1.0
    # B-cubed precision: records 0 and 1 see 2/3 of their cluster right, record 2 sees 1/3.
    assert q.bcubed_precision == pytest.approx((2 / 3 + 2 / 3 + 1 / 3) / 3)
    assert q.bcubed_recall == 1.0


def test_a_missed_link_costs_recall_not_precision():
    q = linkage_quality(_frame(["a", "b", "c"], "entity_id"), _frame([1, 1, 2], "person_id"))
    assert q.pairwise_recall == 0.0
    assert q.pairwise_precision == 1.0
    assert q.bcubed_recall == pytest.approx((0.5 + 0.5 + 1) / 3)
