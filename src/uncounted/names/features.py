"""The names layer's one interface to linkage: canonical records in, comparable name columns out.

For each record: the cross-script key of each part of the name (given, father, grandfather, family, mother)
and, for within-script string distances, the 1:1 ASCII form of the given, father, grandfather and family
names. Parts come from the split columns when a list has them, else from the whole name (`parse_chain`).
Everything is computed once per distinct value: lists repeat names heavily, so a million records cost a few
hundred thousand distinct look-ups.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from uncounted.names.arabic import script
from uncounted.names.chains import parse_chain
from uncounted.names.keys import name_key
from uncounted.names.tokens import tokens
from uncounted.names.translit import to_ascii

PARTS = ("given", "father", "grandfather", "family")
SPLIT_COLUMNS = {"given": "given_name", "father": "father_name", "grandfather": "grandfather_name",
                 "family": "family_name"}
FEATURE_COLUMNS = (
    "given_key", "father_key", "grandfather_key", "family_key", "mother_key",
    "given_ascii", "father_ascii", "grandfather_ascii", "family_ascii",
    "chain_key", "name_script", "chain_uncertain",
)


@lru_cache(maxsize=1 << 20)
def _first_unit(text: str) -> str:
    """The first name unit of a split field ("أحمد محمد" in a father column: the father is أحمد)."""
    units = tokens(text)
    return units[0] if units else ""


@lru_cache(maxsize=1 << 20)
def _script(text: str) -> str:
    return script(text)


@lru_cache(maxsize=1 << 20)
def _written_family(whole: str, parsed: str) -> str:
    """The family name as the list wrote it, when the parsed family is its last word(s).

    Units join a Latin article to its name ("Al-Azma" becomes the unit "alazma"), which is right inside a
    compound (Abd al-Rahman) but hides the article from the key; the written form keeps it separable.
    """
    words = whole.split()
    if not parsed or not words:
        return parsed
    for start in (len(words) - 2, len(words) - 1):
        written = " ".join(words[max(start, 0):])
        if "".join(tokens(written)) == parsed:
            return written
    return parsed


def _column(records: pd.DataFrame, name: str) -> pd.Series:
    if name not in records.columns:
        return pd.Series("", index=records.index, dtype="object")
    values = records[name]
    return values.astype("object").where(values.notna(), "").astype(str).str.strip()


def _per_distinct(values: pd.Series, function) -> np.ndarray:
    codes, uniques = pd.factorize(values, sort=False)
    mapped = np.array([function(u) for u in uniques] or [""], dtype=object)
    return mapped[codes] if len(codes) else np.array([], dtype=object)


def name_features(records: pd.DataFrame) -> pd.DataFrame:
    """Name columns for linkage, same index as `records` (columns: `FEATURE_COLUMNS`)."""
    full = _column(records, "full_name")
    split = {part: _column(records, column) for part, column in SPLIT_COLUMNS.items()}
    has_split = np.zeros(len(records), dtype=bool)
    for values in split.values():
        has_split |= (values != "").to_numpy()
    # A whole name typed into the given-name column, with nothing in the other split columns.
    others_empty = np.ones(len(records), dtype=bool)
    for part in ("father", "grandfather", "family"):
        others_empty &= (split[part] == "").to_numpy()
    chained_given = others_empty & (full == "").to_numpy() & (
        _per_distinct(split["given"], lambda t: len(tokens(t)) > 1).astype(bool))
    source = full.where(~(has_split & ~chained_given), "")
    source = source.where(~chained_given, split["given"])
    codes, whole_names = pd.factorize(source, sort=False)
    chains = [parse_chain(name) for name in whole_names]

    units = {}
    use_chain = ~has_split | chained_given
    for part in PARTS:
        from_split = _per_distinct(split[part], _first_unit)
        from_chain = np.array([getattr(c, part) for c in chains] + [""], dtype=object)[codes]
        units[part] = np.where(use_chain, from_chain, from_split)
    # The family key is taken from the name as written (see `_written_family`); the others from the units.
    written_family = np.array([_written_family(name, c.family) for name, c in zip(whole_names, chains, strict=True)]
                              + [""], dtype=object)[codes]
    family_text = np.where(use_chain, written_family, split["family"].to_numpy(dtype=object))
    out = pd.DataFrame(index=records.index)
    for part in PARTS:
        out[f"{part}_key"] = _per_distinct(pd.Series(family_text if part == "family" else units[part]), name_key)
    out["mother_key"] = _per_distinct(_column(records, "mother_name"), lambda t: name_key(_first_unit(t)))
    for part in PARTS:
        out[f"{part}_ascii"] = _per_distinct(pd.Series(units[part]), to_ascii)
    keys = out[[f"{part}_key" for part in PARTS]].to_numpy(dtype=object)
    out["chain_key"] = [" ".join(k for k in row if k) for row in keys]

    arabic = np.zeros(len(records), dtype=bool)
    latin = np.zeros(len(records), dtype=bool)
    for values in (full, *split.values(), _column(records, "mother_name")):
        scripts = _per_distinct(values, _script)
        arabic |= (scripts == "ar") | (scripts == "mixed")
        latin |= (scripts == "latin") | (scripts == "mixed")
    out["name_script"] = np.select([arabic & latin, arabic, latin], ["mixed", "ar", "latin"], default="")
    uncertain = np.array([c.uncertain for c in chains] + [False], dtype=bool)[codes]
    out["chain_uncertain"] = use_chain & uncertain
    return out[list(FEATURE_COLUMNS)]
