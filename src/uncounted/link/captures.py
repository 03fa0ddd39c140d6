"""Capture histories: for each person, which lists recorded them, and the stratum they belong to.

Multiple systems estimation assumes a homogeneous population within a stratum; stratifying by year of death,
governorate and sex (HRDAG's usual choice for Syria) makes that assumption far less wrong. A person's stratum
comes from their records: where records disagree, the value most of them give wins (ties: the earliest list
in alphabetical order), and a person with no value is in stratum "unknown".
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from uncounted.link.features import date_parts
from uncounted.places import governorate_code

UNKNOWN_STRATUM = "unknown"

#: How each stratum column is derived from canonical records.
STRATUM_DERIVATIONS = {
    "year": lambda records: date_parts(records["date_of_death"])["year"].astype("string"),
    "governorate": lambda records: records["governorate"].map(governorate_code).astype("string"),
    "sex": lambda records: records["sex"].astype("string"),
}
DEFAULT_STRATA: tuple[str, ...] = ("year", "governorate", "sex")


def capture_histories(records: pd.DataFrame, entities: pd.DataFrame,
                      strata: Sequence[str] = DEFAULT_STRATA) -> pd.DataFrame:
    """One row per person: `entity_id`, a 0/1 column per list (sorted by name), then the strata columns."""
    unknown = [s for s in strata if s not in STRATUM_DERIVATIONS]
    if unknown:
        raise ValueError(f"unknown stratum {unknown}; choose from {sorted(STRATUM_DERIVATIONS)}")
    linked = records.merge(entities, on=["source", "record_id"], how="inner", validate="one_to_one")
    seen = pd.crosstab(linked["entity_id"], linked["source"]).clip(upper=1)
    seen = seen[sorted(seen.columns)]
    histories = seen.reset_index()
    histories.columns.name = None
    for stratum in strata:
        values = STRATUM_DERIVATIONS[stratum](linked).fillna("").replace("", pd.NA)
        consensus = (
            pd.DataFrame({"entity_id": linked["entity_id"], "value": values, "source": linked["source"]})
            .dropna(subset=["value"])
            .groupby(["entity_id", "value"], as_index=False)
            .agg(votes=("source", "size"), first_source=("source", "min"))
            .sort_values(["entity_id", "votes", "first_source"], ascending=[True, False, True])
            .drop_duplicates("entity_id")
            .set_index("entity_id")["value"]
        )
        histories[stratum] = histories["entity_id"].map(consensus).fillna(UNKNOWN_STRATUM).astype(str)
    return histories


def list_columns(histories: pd.DataFrame, strata: Sequence[str] = DEFAULT_STRATA) -> list[str]:
    """The list (source) columns of a capture-history table."""
    return [c for c in histories.columns if c != "entity_id" and c not in strata]
