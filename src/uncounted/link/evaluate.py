"""Linkage quality against a known truth: pairwise and B-cubed precision, recall and F1.

Pairwise scores count record pairs placed together; B-cubed (Bagga & Baldwin 1998) averages per record, so a
few huge wrong clusters cannot hide behind many right small ones. Both are reported because they fail
differently.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd


@dataclass(frozen=True)
class Quality:
    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    n_entities: int
    n_true_people: int

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _pairs(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def linkage_quality(entities: pd.DataFrame, truth: pd.DataFrame) -> Quality:
    """Compare `entities` (source, record_id, entity_id) with `truth` (source, record_id, person_id)."""
    joined = entities.merge(truth, on=["source", "record_id"], how="inner", validate="one_to_one")
    if len(joined) != len(entities):
        raise ValueError("every linked record needs a truth row")
    cells = joined.groupby(["entity_id", "person_id"]).size()
    together_and_true = _pairs(cells)
    predicted = _pairs(joined.groupby("entity_id").size())
    actual = _pairs(joined.groupby("person_id").size())
    precision = together_and_true / predicted if predicted else 1.0
    recall = together_and_true / actual if actual else 1.0
    # B-cubed: for each record, the share of its cluster that is truly it, and of its person that it found.
    overlap = joined.groupby(["entity_id", "person_id"])["record_id"].transform("size")
    entity_size = joined.groupby("entity_id")["record_id"].transform("size")
    person_size = joined.groupby("person_id")["record_id"].transform("size")
    b_precision = float((overlap / entity_size).mean())
    b_recall = float((overlap / person_size).mean())
    return Quality(precision, recall, _f1(precision, recall), b_precision, b_recall, _f1(b_precision, b_recall),
                   int(joined["entity_id"].nunique()), int(joined["person_id"].nunique()))
