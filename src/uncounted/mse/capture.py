"""Capture tables: which lists recorded each documented person, as counts per capture pattern.

One canonical representation serves every estimator: `lists` (names, in order), `patterns` (one row per
observed pattern, a 0/1 column per list) and `counts` (people with that pattern). The unobserved all-zero
pattern is never stored: estimating its count is the whole job.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from uncounted.errors import BadInput

COUNT_COLUMN = "count"
ID_COLUMN = "entity_id"


@dataclass(frozen=True)
class CaptureTable:
    """Observed capture patterns of one population (or one stratum)."""

    lists: tuple[str, ...]
    patterns: np.ndarray  # shape (n_patterns, n_lists), uint8 0/1, no all-zero row, no repeated row
    counts: np.ndarray  # shape (n_patterns,), int64, > 0
    name: str = ""  # a label such as the stratum, for messages

    # -- construction -------------------------------------------------------------------------------
    @classmethod
    def from_patterns(
        cls, lists: Sequence[str], pattern_counts: Mapping[str, int], name: str = ""
    ) -> CaptureTable:
        """From strings such as ``{"1010": 228}``, one character per list in the order of `lists`."""
        rows, counts = [], []
        for pattern, count in pattern_counts.items():
            if len(pattern) != len(lists) or set(pattern) - {"0", "1"}:
                raise BadInput(f"capture pattern '{pattern}' does not have one 0/1 digit for each of "
                               f"{len(lists)} lists")
            rows.append([int(c) for c in pattern])
            counts.append(count)
        return cls.build(lists, np.array(rows, dtype=np.int64).reshape(-1, len(lists)), counts, name=name)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, lists: Sequence[str] | None = None, name: str = "",
                   file: str | None = None) -> CaptureTable:
        """From a table with one 0/1 column per list and either a `count` column or one row per person.

        `lists` defaults to every column but `count`. Rows are checked one by one so that a bad value is named
        by its row (the header is row 1).
        """
        columns = list(lists) if lists is not None else [c for c in frame.columns if c != COUNT_COLUMN]
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise BadInput(f"no column named {', '.join(map(repr, missing))} in the capture table", file=file)
        if not columns:
            raise BadInput("the capture table has no list columns", file=file)
        patterns = _zero_one_matrix(frame, columns, file)
        if COUNT_COLUMN in frame.columns:
            counts = _counts(frame[COUNT_COLUMN], file)
        else:
            counts = np.ones(len(frame), dtype=np.int64)
        return cls.build(columns, patterns, counts, name=name, file=file)

    @classmethod
    def build(cls, lists: Sequence[str], patterns: np.ndarray, counts: Iterable[int], name: str = "",
              file: str | None = None, check: bool = True) -> CaptureTable:
        """Aggregate repeated patterns, drop zero counts, and (unless `check` is false) validate.

        Strata are built unchecked so that one that cannot be estimated is reported by the caller, not dropped.
        """
        lists = tuple(str(x) for x in lists)
        if len(set(lists)) != len(lists):
            raise BadInput(f"list names repeat in {lists}", file=file)
        patterns = np.asarray(patterns, dtype=np.int64).reshape(-1, len(lists))
        counts = np.asarray(list(counts), dtype=np.float64)
        if np.any(counts < 0) or np.any(counts != np.round(counts)):
            raise BadInput("capture counts must be whole numbers of people, zero or more", file=file)
        if np.any(patterns.sum(axis=1) == 0) and np.any(counts[patterns.sum(axis=1) == 0] > 0):
            raise BadInput("a capture pattern with no list at all (all zeros) cannot be observed; remove that row",
                           file=file)
        keep = counts > 0
        frame = pd.DataFrame(patterns[keep], columns=range(len(lists)))
        frame["n"] = counts[keep].astype(np.int64)
        grouped = frame.groupby(list(range(len(lists))), sort=True)["n"].sum().reset_index()
        table = cls(lists=lists, patterns=grouped[list(range(len(lists)))].to_numpy(dtype=np.uint8),
                    counts=grouped["n"].to_numpy(dtype=np.int64), name=name)
        if check:
            table.validate(file=file)
        return table

    # -- checks -------------------------------------------------------------------------------------
    def validate(self, file: str | None = None, min_lists: int = 2) -> None:
        """Refuse tables no estimator can use, with a sentence that says why."""
        label = f" in stratum {self.name}" if self.name else ""
        if self.n_lists < min_lists:
            raise BadInput(f"multiple systems estimation needs at least {min_lists} lists; got {self.n_lists}{label}",
                           file=file)
        if self.n_observed == 0:
            raise BadInput(f"the capture table{label} records nobody", file=file)
        sizes = self.list_sizes()
        empty = [name for name, size in sizes.items() if size == 0]
        if empty:
            raise BadInput(f"list {', '.join(map(repr, empty))} records nobody{label}; drop it", file=file)
        for j, name in enumerate(self.lists):
            on_j = self.patterns[:, j] == 1
            others = np.delete(self.patterns, j, axis=1).sum(axis=1) > 0
            if not np.any(on_j & others):
                raise BadInput(f"list '{name}' overlaps no other list{label}, so nothing links it to the others",
                               file=file)

    # -- views --------------------------------------------------------------------------------------
    @property
    def n_lists(self) -> int:
        return len(self.lists)

    @property
    def n_observed(self) -> int:
        return int(self.counts.sum())

    def list_sizes(self) -> dict[str, int]:
        return {name: int(self.counts[self.patterns[:, j] == 1].sum()) for j, name in enumerate(self.lists)}

    def pattern_strings(self) -> list[str]:
        return ["".join(str(int(v)) for v in row) for row in self.patterns]

    def full_counts(self) -> np.ndarray:
        """Counts for all 2^k patterns indexed by the pattern read as a binary number (list 1 = highest bit).

        Index 0, the unobserved pattern, is 0.
        """
        weights = 1 << np.arange(self.n_lists - 1, -1, -1)
        full = np.zeros(1 << self.n_lists, dtype=np.int64)
        np.add.at(full, self.patterns.astype(np.int64) @ weights, self.counts)
        return full

    def individuals(self) -> np.ndarray:
        """One row per person (n_observed, n_lists), for samplers that work person by person."""
        return np.repeat(self.patterns, self.counts, axis=0)

    def to_frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.patterns.astype(np.int64), columns=list(self.lists))
        frame[COUNT_COLUMN] = self.counts
        return frame

    def select(self, lists: Sequence[str], name: str | None = None) -> CaptureTable:
        """The table restricted to some lists (people seen only on the others drop out)."""
        index = [self.lists.index(x) for x in lists]
        seen = self.patterns[:, index].sum(axis=1) > 0
        return CaptureTable.build(lists, self.patterns[seen][:, index], self.counts[seen],
                                  name=self.name if name is None else name)

    def digest(self) -> str:
        """SHA-256 of the table's content, recorded with every estimate so a result names its input."""
        h = hashlib.sha256()
        h.update("\x1f".join(self.lists).encode())
        for pattern, count in zip(self.pattern_strings(), self.counts.tolist(), strict=True):
            h.update(f"\n{pattern}:{count}".encode())
        return h.hexdigest()


def read_capture_csv(path: str, strata: Sequence[str] = ()) -> dict[str, CaptureTable]:
    """Read a capture-table CSV into one table per stratum (one table named '' when there are no strata).

    Strata come back unchecked: call `validate()` on each and report those that fail.
    """
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise BadInput(f"cannot read the capture table ({exc.__class__.__name__}: {exc})", file=path) from exc
    missing = [s for s in strata if s not in frame.columns]
    if missing:
        raise BadInput(f"no stratum column named {', '.join(map(repr, missing))}", file=path)
    # A person-level table written by `uncounted link` carries its people's ids: they are not lists.
    lists = [c for c in frame.columns if c not in (COUNT_COLUMN, ID_COLUMN) and c not in strata]
    if not strata:
        return {"": CaptureTable.from_frame(frame, lists, file=path)}
    # Every stratum keeps the same lists; a list empty within one stratum is that stratum's problem to report.
    patterns = _zero_one_matrix(frame, lists, path)
    counts = _counts(frame[COUNT_COLUMN], path) if COUNT_COLUMN in frame.columns else np.ones(len(frame), np.int64)
    keys = frame[list(strata)].astype(str).agg("/".join, axis=1)
    return {
        key: CaptureTable.build(lists, patterns[(keys == key).to_numpy()], counts[(keys == key).to_numpy()],
                                name=key, file=path, check=False)
        for key in sorted(keys.unique())
    }


def _zero_one_matrix(frame: pd.DataFrame, columns: Sequence[str], file: str | None) -> np.ndarray:
    out = np.zeros((len(frame), len(columns)), dtype=np.int64)
    for j, column in enumerate(columns):
        values = frame[column].astype(str).str.strip()
        bad = ~values.isin(["0", "1", "0.0", "1.0"])
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise BadInput(f"capture indicator '{values.iloc[i]}' is not 0 or 1 (if '{column}' is a stratum, not a "
                           f"list, pass --strata {column})", file=file, row=i + 2, column=column)
        out[:, j] = values.str[0].astype(int).to_numpy()
    return out


def _counts(series: pd.Series, file: str | None) -> np.ndarray:
    numbers = pd.to_numeric(series.astype(str).str.strip(), errors="coerce")
    bad = numbers.isna() | (numbers < 0) | (numbers != numbers.round())
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise BadInput(f"count '{series.iloc[i]}' is not a whole number of people, zero or more",
                       file=file, row=i + 2, column=COUNT_COLUMN)
    return numbers.to_numpy(dtype=np.int64)
