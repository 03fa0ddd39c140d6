"""Capture histories: for each person, which lists recorded them, and the stratum they belong to.

Multiple systems estimation assumes a homogeneous population within a stratum; stratifying by year of death,
governorate and sex (HRDAG's usual choice for Syria) makes that assumption far less wrong. A person's stratum
comes from their records: where records disagree, the value most of them give wins (ties: the earliest list
in alphabetical order), and a person with no value is in stratum "unknown".
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
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
    # Sources ranked alphabetically as integers: a numeric minimum is vectorised, a string one is not.
    source_rank = pd.Categorical(linked["source"], categories=sorted(linked["source"].unique())).codes
    for stratum in strata:
        values = STRATUM_DERIVATIONS[stratum](linked).fillna("").replace("", pd.NA)
        consensus = (
            pd.DataFrame({"entity_id": linked["entity_id"], "value": values, "source": source_rank})
            .dropna(subset=["value"])
            .groupby(["entity_id", "value"], as_index=False, observed=True)
            .agg(votes=("source", "size"), first_source=("source", "min"))
            .sort_values(["entity_id", "votes", "first_source"], ascending=[True, False, True])
            .drop_duplicates("entity_id")
            .set_index("entity_id")["value"]
        )
        histories[stratum] = histories["entity_id"].map(consensus).fillna(UNKNOWN_STRATUM).astype(str)
    return histories


def impute_unknown_strata(histories: pd.DataFrame, strata: Sequence[str], seed: int = 1
                          ) -> tuple[pd.DataFrame, dict[str, int]]:
    """Give people whose stratum is unknown a value drawn from people with the same capture pattern.

    Whether a record states the year of death depends on which lists recorded the person, so an "unknown"
    stratum is full of people seen by one list, and estimating it as a stratum of its own badly overstates
    it. Hot-deck imputation within capture-pattern cells (Andridge & Little 2010) keeps each imputed person
    with donors who were seen the same way; with no such donor, any known value is drawn. One imputation,
    seeded; the count imputed is returned so the report can say it.
    """
    lists = list_columns(histories, strata)
    rng = np.random.default_rng(seed)
    out = histories.copy()
    pattern = out[lists].astype(str).agg("".join, axis=1)
    imputed: dict[str, int] = {}
    for stratum in strata:
        unknown = (out[stratum] == UNKNOWN_STRATUM).to_numpy()
        known_values = out.loc[~unknown, stratum]
        imputed[stratum] = int(unknown.sum())
        if not unknown.any() or known_values.empty:
            continue
        donors = known_values.groupby(pattern[~unknown]).agg(list)
        fill = []
        for cell in pattern[unknown]:
            pool = donors.get(cell) or known_values.tolist()
            fill.append(pool[rng.integers(len(pool))])
        out.loc[unknown, stratum] = fill
    return out, imputed


def list_columns(histories: pd.DataFrame, strata: Sequence[str] = DEFAULT_STRATA) -> list[str]:
    """The list (source) columns of a capture-history table."""
    return [c for c in histories.columns if c != "entity_id" and c not in strata]
