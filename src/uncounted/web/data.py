"""Cached reads of the workspace for pages: the record name index, people, the latest estimate, the review
sample.

Pages are read far more often than lists are imported or linked, so each cache entry is keyed by a cheap
version of what it was built from (the largest record and import ids, a file's modification time) and rebuilt
only when that changes; a page then touches the store only for the rows it shows.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select, tuple_

from uncounted.link.io import ENTITIES_FILE, LINKAGE_DIR
from uncounted.pipeline import ESTIMATE_FILE
from uncounted.records import CANONICAL_FIELDS
from uncounted.store.models import Import, records
from uncounted.store.records import list_sources, load_records
from uncounted.web import plots
from uncounted.web.context import WebState
from uncounted.web.search import RecordIndex

_lock = threading.Lock()
_building: dict[str, threading.Lock] = {}


def records_version(web: WebState) -> tuple[int, int]:
    """(last record id, last import id): two primary-key maxima in one statement, not a count of the table."""
    query = select(
        select(func.max(records.c.id)).scalar_subquery(),
        select(func.max(Import.__table__.c.id)).scalar_subquery(),
    )
    with web.ws.engine.connect() as connection:
        last_record, last_import = connection.execute(query).one()
    return int(last_record or 0), int(last_import or 0)


def sources(web: WebState) -> pd.DataFrame:
    """`list_sources`, rebuilt only after an import (it groups every record)."""
    return _cached(web, "sources", records_version(web), lambda: list_sources(web.ws))


def _cached(web: WebState, name: str, version: Any, build: Callable[[], Any]) -> Any:
    """The value built for `version`; one thread builds while the others wait for it (no stampede)."""
    with _lock:
        hit = web.cache.get(name)
        if hit is not None and hit[0] == version:
            return hit[1]
        building = _building.setdefault(name, threading.Lock())
    with building:
        with _lock:
            hit = web.cache.get(name)
            if hit is not None and hit[0] == version:
                return hit[1]
        value = build()
        with _lock:
            web.cache[name] = (version, value)
    return value


def record_index(web: WebState) -> RecordIndex:
    """The name index of every record, extended in place of a rebuild when records were imported."""
    version = records_version(web)

    def refresh() -> RecordIndex:
        hit = web.cache.get("index")
        older = hit[1] if hit is not None and hit[1].last_id <= version[0] else RecordIndex()
        return older.refreshed(web.ws)

    return _cached(web, "index", version, refresh)


def records_by_id(web: WebState, ids: Sequence[int], columns: Sequence[str]) -> list[dict[str, Any]]:
    """The records with these primary keys (a page of results), in the order given."""
    if not len(ids):
        return []
    wanted = [int(i) for i in ids]
    query = select(records.c.id, *(records.c[c] for c in columns)).where(records.c.id.in_(wanted))
    with web.ws.engine.connect() as connection:
        found = {row.id: dict(row._mapping) for row in connection.execute(query)}
    return [found[i] for i in wanted if i in found]


def records_of(web: WebState, keys: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """The canonical records with these (source, record_id), in import order (one indexed lookup each)."""
    query = (
        select(*(records.c[name] for name in CANONICAL_FIELDS))
        .where(tuple_(records.c.source, records.c.record_id).in_(list(keys)))
        .order_by(records.c.id)
    )
    with web.ws.engine.connect() as connection:
        rows = connection.execute(query).all() if keys else []
    return pd.DataFrame.from_records(rows, columns=list(CANONICAL_FIELDS)).astype(object)


@dataclass(frozen=True)
class People:
    """The latest linkage: each record's person and each person's records."""

    entities: pd.DataFrame  # source, record_id, entity_id
    person_of: dict[tuple[str, str], str]
    members: dict[str, np.ndarray]  # entity_id → row positions in `entities`

    @property
    def count(self) -> int:
        return len(self.members)

    def records_of(self, entity_id: str) -> list[tuple[str, str]]:
        rows = self.entities.iloc[self.members.get(entity_id, np.empty(0, dtype=np.int64))]
        return list(zip(rows["source"], rows["record_id"], strict=True))


def people(web: WebState) -> People | None:
    """The latest linkage's people, or None before the first."""
    path = web.ws.path / ENTITIES_FILE
    if not path.is_file():
        return None

    def build() -> People:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        keys = zip(frame["source"], frame["record_id"], strict=True)
        return People(
            frame, dict(zip(keys, frame["entity_id"], strict=True)), frame.groupby("entity_id").indices
        )

    return _cached(web, "people", path.stat().st_mtime_ns, build)


def latest_estimate(web: WebState) -> dict[str, Any] | None:
    """The workspace's estimate.json (the `--json` contract), read again only when the file changes."""
    path = web.ws.path / ESTIMATE_FILE
    if not path.is_file():
        return None
    return _cached(
        web, "estimate", path.stat().st_mtime_ns, lambda: json.loads(path.read_text(encoding="utf-8"))
    )


def estimate_figures(web: WebState) -> list[plots.Figure]:
    """The latest estimate's figures, drawn once per estimate (and per saved draws)."""
    path = web.ws.path / ESTIMATE_FILE
    if not path.is_file():
        return []
    draws = web.ws.path / plots.DRAWS_FILE
    version = (path.stat().st_mtime_ns, draws.stat().st_mtime_ns if draws.is_file() else None)

    def build() -> list[plots.Figure]:
        estimate = json.loads(path.read_text(encoding="utf-8"))
        return plots.figures(estimate, plots.draws_for(web.ws.path, estimate))

    return _cached(web, "figures", version, build)


def label_quality(web: WebState) -> dict[str, Any] | None:
    """`uncounted.link.review.label_quality` of every label, or None before the first; recomputed only when a
    label is added (the labels are read in a write transaction, which the linkage page must not take on every
    view)."""
    from uncounted.link.review import label_quality as quality
    from uncounted.link.review import load_labels
    from uncounted.store.review import ReviewLabel

    labels = ReviewLabel.__table__
    with web.ws.engine.connect() as connection:
        version = tuple(connection.execute(select(func.count(), func.max(labels.c.id))).one())
    if not version[0]:
        return None
    threshold = float(web.ws.section("link")["threshold"])
    path = pairs_path(web)
    run = path.stat().st_mtime_ns if path.is_file() else None

    def build() -> dict[str, Any]:
        pairs = pd.read_parquet(path, columns=["match_probability"]) if run is not None else None
        return quality(load_labels(web.ws), threshold, pairs)

    return _cached(web, "label_quality", (version, threshold, run), build)


def pairs_path(web: WebState) -> Path:
    return web.ws.path / LINKAGE_DIR / "pairs.parquet"


def review_queue(web: WebState, size: int = 200) -> pd.DataFrame | None:
    """The stratified review sample of the latest linkage (`uncounted.link.review.review_sample`): the uncertain
    band, and a tenth as many pairs scored below and above it, so that the labels speak for every score."""
    from uncounted.link.review import review_sample

    path = pairs_path(web)
    if not path.is_file():
        return None
    version = (path.stat().st_mtime_ns, records_version(web))
    return _cached(
        web, "review", version,
        lambda: review_sample(pd.read_parquet(path), load_records(web.ws), size=size, spread=size // 10)
    )
