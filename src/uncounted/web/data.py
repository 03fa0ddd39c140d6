"""Cached reads of the workspace for pages: records with a search index, people, the review sample.

Pages are read far more often than lists are imported or linked, so each cache entry is keyed by a cheap
version of what it was built from (the store's record count and last import, a file's modification time) and
rebuilt only when that changes. Searching 100,000 records is then a vectorised string match, not a reload.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import func, select

from uncounted.link.io import ENTITIES_FILE, LINKAGE_DIR
from uncounted.names import name_keys, normalize, tokens
from uncounted.records import NAME_FIELDS
from uncounted.store.models import Import, records
from uncounted.store.records import list_sources, load_records
from uncounted.web.context import WebState

_lock = threading.Lock()


def records_version(web: WebState) -> tuple[int, int]:
    """(last record id, last import id): two primary-key lookups, not a count of the whole table."""
    with web.ws.engine.connect() as connection:
        last_record = connection.execute(select(func.max(records.c.id))).scalar_one()
        last_import = connection.execute(select(func.max(Import.__table__.c.id))).scalar_one()
    return int(last_record or 0), int(last_import or 0)


def sources(web: WebState) -> pd.DataFrame:
    """`list_sources`, rebuilt only after an import (it groups every record)."""
    return _cached(web, "sources", records_version(web), lambda: list_sources(web.ws))


def _cached(web: WebState, name: str, version: Any, build: Any) -> Any:
    with _lock:
        hit = web.cache.get(name)
        if hit is not None and hit[0] == version:
            return hit[1]
    value = build()
    with _lock:
        web.cache[name] = (version, value)
    return value


def indexed_records(web: WebState) -> pd.DataFrame:
    """All records plus `_text` (normalised names) and `_keys` (cross-script name keys, space-delimited)."""
    return _cached(web, "records", records_version(web), lambda: _index(load_records(web.ws)))


def _index(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    names = pd.Series("", index=frame.index, dtype=object)
    for name in NAME_FIELDS:
        names = names + " " + frame[name].astype(str)
    if frame.empty:
        return frame.assign(_text=pd.Series(dtype=object), _keys=pd.Series(dtype=object))
    frame["_text"] = " " + names.map(normalize) + " "
    units = names.map(tokens).explode()
    keys = name_keys(units.fillna("")).groupby(level=0).agg(lambda k: " ".join(x for x in k if x))
    frame["_keys"] = " " + keys.reindex(frame.index).fillna("") + " "
    # Arrow strings: substring search over 100,000 names about twice as fast as Python objects.
    return frame.astype({"_text": "string[pyarrow]", "_keys": "string[pyarrow]"})


def search(frame: pd.DataFrame, query: str) -> pd.DataFrame:
    """Records whose names hold every word of `query`, by normalised text or by cross-script key.

    "Mohammed" finds محمد (same key), "محمد" finds Muhammad, and a part of a word finds the whole one.
    """
    mask = pd.Series(True, index=frame.index)
    for unit in tokens(query):
        text = normalize(unit)
        key = name_keys(pd.Series([unit])).iloc[0]
        hit = frame["_text"].str.contains(text, regex=False) if text else pd.Series(False, index=frame.index)
        if key:
            hit |= frame["_keys"].str.contains(f" {key} ", regex=False)
        mask &= hit.fillna(False).astype(bool)
    return frame[mask]


def entities(web: WebState) -> pd.DataFrame | None:
    """source, record_id, entity_id of the latest linkage, or None before the first."""
    path = web.ws.path / ENTITIES_FILE
    if not path.is_file():
        return None
    return _cached(
        web, "entities", path.stat().st_mtime_ns, lambda: pd.read_csv(path, dtype=str, keep_default_na=False)
    )


def pairs_path(web: WebState) -> Path:
    return web.ws.path / LINKAGE_DIR / "pairs.parquet"


def review_queue(web: WebState, size: int = 200) -> pd.DataFrame | None:
    """The stratified review sample of the latest linkage (`uncounted.link.review.review_sample`)."""
    from uncounted.link.review import review_sample

    path = pairs_path(web)
    if not path.is_file():
        return None
    version = (path.stat().st_mtime_ns, records_version(web))
    return _cached(
        web, "review", version, lambda: review_sample(pd.read_parquet(path), load_records(web.ws), size=size)
    )
