"""An in-memory name index of the workspace's records: search in Arabic or Latin script without a table scan.

Each record's name fields are cut into name units (`uncounted.names.tokens`: compounds such as عبد الرحمن kept
whole) and each unit into its cross-script key (`uncounted.names.name_key`: محمد, Mohammed and Muhammad share
one). The index maps every distinct unit and every key to the sorted positions of the records that hold it, so
a query costs a scan of the distinct units (thousands, not the hundreds of thousands of records) and a few
array intersections. Positions are in import order, so a page of results is a slice, and the number of
results is the length of an array, never a COUNT over the table.

Records are only ever added (an import appends, nothing deletes), so `refreshed` reads just the records with
a larger id than the last one indexed and extends the posting lists; readers keep using the index they hold
while a new one is made (every index is immutable once built). Written by hand because no maintained library
offers an inverted index keyed by these Arabic-aware name units; the store stays the one source of truth.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from threading import Lock

import numpy as np
import pandas as pd
from sqlalchemy import select

from uncounted.names import name_key, tokens
from uncounted.records import NAME_FIELDS
from uncounted.store.models import records
from uncounted.workspace import Workspace

#: Answers kept per index: the same searches (a common name, a page of results) come back again and again.
#: A common name matches tens of thousands of records, so the cache is bounded by count (about 128 x 0.3 MB).
CACHED_QUERIES = 128
#: Positions fit 32 bits (two thousand million records), which halves the index's memory.
POSITION = np.int32
EMPTY = np.empty(0, dtype=POSITION)


@dataclass
class RecordIndex:
    """Record ids in import order, and posting lists (positions into `ids`) by name unit and by name key."""

    ids: np.ndarray = field(default_factory=lambda: EMPTY)
    by_unit: dict[str, np.ndarray] = field(default_factory=dict)
    by_key: dict[str, np.ndarray] = field(default_factory=dict)
    _answers: OrderedDict[str, np.ndarray] = field(default_factory=OrderedDict, repr=False)
    _lock: Lock = field(default_factory=Lock, repr=False)

    @property
    def last_id(self) -> int:
        return int(self.ids[-1]) if len(self.ids) else 0

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, query: str) -> np.ndarray:
        """Positions of the records whose names hold every unit of `query`, in import order.

        A unit matches a record's unit that contains it (a part of a word finds the whole word) or one with
        the same cross-script key ("Mohammed" finds محمد and Muhammad).
        """
        wanted = tokens(query)
        if not wanted:
            return np.arange(len(self.ids), dtype=POSITION)
        cache_key = " ".join(wanted)
        with self._lock:
            hit = self._answers.get(cache_key)
            if hit is not None:
                self._answers.move_to_end(cache_key)
                return hit
        found: np.ndarray | None = None
        for unit in wanted:
            lists = [positions for text, positions in self.by_unit.items() if unit in text]
            key = name_key(unit)
            if key and key in self.by_key:
                lists.append(self.by_key[key])
            matched = _union(lists)
            found = matched if found is None else np.intersect1d(found, matched, assume_unique=True)
            if not len(found):
                break
        assert found is not None
        found.setflags(write=False)
        with self._lock:
            self._answers[cache_key] = found
            while len(self._answers) > CACHED_QUERIES:
                self._answers.popitem(last=False)
        return found

    def refreshed(self, ws: Workspace) -> RecordIndex:
        """This index extended by the records imported since it was built (itself when there are none)."""
        query = select(records.c.id, *(records.c[name] for name in NAME_FIELDS)).where(
            records.c.id > self.last_id
        )
        with ws.engine.connect() as connection:
            rows = connection.execute(query.order_by(records.c.id)).all()
        if not rows:
            return self
        frame = pd.DataFrame.from_records(rows, columns=["id", *NAME_FIELDS])
        ids = frame["id"].to_numpy(dtype=np.int64)
        names = frame[list(NAME_FIELDS)].fillna("").astype(str).agg(" ".join, axis=1)
        new_units, new_keys = _postings(names, offset=len(self.ids))
        return RecordIndex(
            np.concatenate([self.ids, ids]),
            _extended(self.by_unit, new_units),
            _extended(self.by_key, new_keys),
        )


def _postings(names: pd.Series, offset: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Posting lists by unit and by key for `names` (positions counted from `offset`).

    Names repeat a lot in victim lists, so units are computed once per distinct name and keys once per
    distinct unit.
    """
    codes, distinct = pd.factorize(names, sort=False)
    units_of = [sorted(set(tokens(name))) for name in distinct]
    unit_rows = [(int(pos) + offset, unit) for pos, code in enumerate(codes) for unit in units_of[code]]
    if not unit_rows:
        return {}, {}
    positions = np.fromiter((p for p, _ in unit_rows), dtype=POSITION, count=len(unit_rows))
    texts = pd.Series([u for _, u in unit_rows], dtype=object)
    by_unit = _group(positions, texts)
    keys = texts.map({unit: name_key(unit) for unit in texts.unique()})
    keep = (keys != "").to_numpy()
    by_key = _group(positions[keep], keys[keep])
    return by_unit, by_key


def _group(positions: np.ndarray, labels: pd.Series) -> dict[str, np.ndarray]:
    """label → sorted unique positions holding it."""
    codes, distinct = pd.factorize(labels, sort=False)
    order = np.lexsort((positions, codes))
    codes, positions = codes[order], positions[order]
    bounds = np.flatnonzero(np.diff(codes)) + 1
    return {
        str(distinct[chunk_codes[0]]): np.unique(chunk)
        for chunk, chunk_codes in zip(np.split(positions, bounds), np.split(codes, bounds), strict=True)
    }


def _extended(old: dict[str, np.ndarray], new: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """A new mapping: old lists, with the new positions (all larger) appended; `old` is left untouched."""
    out = dict(old)
    for label, positions in new.items():
        before = out.get(label)
        out[label] = positions if before is None else np.concatenate([before, positions])
    return out


def _union(lists: Iterable[np.ndarray]) -> np.ndarray:
    chosen = [positions for positions in lists if len(positions)]
    if not chosen:
        return EMPTY
    if len(chosen) == 1:
        return chosen[0]
    return np.unique(np.concatenate(chosen))
