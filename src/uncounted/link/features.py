"""The linkage input table: canonical records turned into comparable, script-independent columns.

Names go through the names layer (cross-script keys, ASCII for byte-counting string distances); dates are
split into year / month / day so that a comparison can respect each side's precision; governorates become
codes. Nothing is imputed: an unknown part stays null, and Splink treats null as "no evidence".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from uncounted.places import governorate_code

#: Name-key columns compared by the model (from `uncounted.names.name_features`).
KEY_COLUMNS = ("given_key", "father_key", "grandfather_key", "family_key", "mother_key")


def linkage_table(records: pd.DataFrame) -> pd.DataFrame:
    """One row per record with `unique_id` (the record_id), `source_dataset` and the compared columns."""
    from uncounted.names import name_features  # the names layer loads its variant index on first use

    records = records.reset_index(drop=True)
    names = name_features(records)
    table = pd.DataFrame(
        {
            "unique_id": records["record_id"].astype(str).to_numpy(),
            "source_dataset": records["source"].astype(str).to_numpy(),
        },
        index=records.index,
    )
    for column in (*KEY_COLUMNS, "chain_key"):
        table[column] = _null_if_empty(names[column])
    # A blocking field: a mistyped family name usually keeps its first letter.
    table["family_initial"] = _null_if_empty(names["family_key"].fillna("").astype(str).str[:1])
    table["sex"] = _null_if_empty(records["sex"])
    table["governorate"] = _null_if_empty(records["governorate"].map(governorate_code))
    for prefix, column in (("death", "date_of_death"), ("detention", "date_of_detention")):
        parts = date_parts(records[column])
        for part in ("year", "month", "day"):
            table[f"{prefix}_{part}"] = parts[part]
    table["birth_year"] = _birth_year(records, table["death_year"])
    return table


def date_parts(dates: pd.Series) -> pd.DataFrame:
    """Year, month and day of canonical partial dates, each null where the date does not say it.

    An EDTF interval ("2013-05/2013-07") keeps only what its two ends share: the year here, or nothing when
    the interval spans years, so an interval never claims a precision it lacks.
    """
    text = dates.fillna("").astype(str).str.strip()
    pieces = text.str.partition("/")
    start, end = pieces[0], pieces[2]
    interval = end != ""
    out = {}
    for part, piece in (("year", slice(0, 4)), ("month", slice(5, 7)), ("day", slice(8, 10))):
        first = pd.to_numeric(start.str[piece], errors="coerce")
        last = pd.to_numeric(end.str[piece], errors="coerce")
        same = ~interval | (first == last)
        out[part] = first.where(same).astype("Int64")
    frame = pd.DataFrame(out, index=dates.index)
    # A day or month means nothing without the coarser parts before it.
    frame.loc[frame["month"].isna(), "day"] = pd.NA
    frame.loc[frame["year"].isna(), ["month", "day"]] = pd.NA
    return frame


def _birth_year(records: pd.DataFrame, death_year: pd.Series) -> pd.Series:
    """Recorded birth year, else year of death minus age at death (an estimate good to about a year)."""
    recorded = pd.to_numeric(records["birth_year"], errors="coerce").to_numpy()
    age = pd.to_numeric(records["age"], errors="coerce").to_numpy()
    derived = death_year.astype("float").to_numpy() - age
    return pd.Series(np.where(np.isnan(recorded), derived, recorded), index=records.index).round().astype("Int64")


def _null_if_empty(values: pd.Series) -> pd.Series:
    text = values.fillna("").astype(str).str.strip()
    return text.where(text != "", None).to_numpy()
