"""The name table the simulation draws from: Levantine given names by sex and Syrian family names.

Each name has its Arabic spelling, a frequency weight and its attested Latin spellings with weights
(`data/names.csv`, built by `data/build_names.py` from arabic-name-romanizer's Wikidata-derived index; see
`data/README.md` for provenance and licences). Names are held as integer codes into one table so that a
population of tens of thousands is drawn with a few vectorised calls.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

KINDS = ("male", "female", "family")


@dataclass(frozen=True)
class NameTable:
    """All names, indexed by code; `codes[kind]` and `probabilities[kind]` say which codes are of a kind."""

    arabic: tuple[str, ...]
    latin: tuple[tuple[str, ...], ...]  # attested spellings, most frequent first
    latin_weights: tuple[np.ndarray, ...]  # their probabilities
    latin_cumulative: tuple[list[float], ...]  # running sums of those, for drawing with bisect
    codes: dict[str, np.ndarray]
    probabilities: dict[str, np.ndarray]

    def draw(self, rng: np.random.Generator, kind: str, size: int) -> np.ndarray:
        """`size` name codes of one kind, drawn by frequency."""
        cumulative = np.cumsum(self.probabilities[kind])
        index = np.searchsorted(cumulative, rng.random(size) * cumulative[-1], side="right")
        return self.codes[kind][np.minimum(index, len(cumulative) - 1)]

    def has_article(self, code: int) -> bool:
        return self.arabic[code].startswith("ال")


@lru_cache(maxsize=1)
def name_table() -> NameTable:
    """The packaged table, read once."""
    text = resources.files("uncounted.simulate").joinpath("data/names.csv").read_text(encoding="utf-8")
    arabic: list[str] = []
    latin: list[tuple[str, ...]] = []
    latin_weights: list[np.ndarray] = []
    kinds: list[str] = []
    weights: list[float] = []
    for row in csv.DictReader(text.splitlines()):
        spellings = [part.rsplit(":", 1) for part in row["latin"].split("|")]
        w = np.array([float(x) for _, x in spellings])
        arabic.append(row["arabic"])
        latin.append(tuple(s for s, _ in spellings))
        latin_weights.append(w / w.sum())
        kinds.append(row["kind"])
        weights.append(float(row["weight"]))
    kind_array = np.array(kinds)
    weight_array = np.array(weights)
    codes = {kind: np.flatnonzero(kind_array == kind) for kind in KINDS}
    probabilities = {kind: weight_array[c] / weight_array[c].sum() for kind, c in codes.items()}
    cumulative = tuple(np.cumsum(w).tolist() for w in latin_weights)
    return NameTable(tuple(arabic), tuple(latin), tuple(latin_weights), cumulative, codes, probabilities)
