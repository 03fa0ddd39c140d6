"""Reading imported lists back: records, quarantined rows and a per-source summary, as DataFrames.

Every later stage (names, linkage, capture histories, reports) starts from `load_records`, so it returns
exactly the canonical columns, as strings with "" for empty, in the order the records were imported.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import func, select

from uncounted.records import CANONICAL_FIELDS
from uncounted.store.models import Import, Quarantined, records
from uncounted.workspace import Workspace

QUARANTINE_COLUMNS = ("import_id", "file_name", "source", "record_id", "row", "column", "reason", "values")


def load_records(ws: Workspace, sources: Sequence[str] | None = None) -> pd.DataFrame:
    """All records (or those of `sources`), canonical columns only, in import order."""
    query = select(*(records.c[name] for name in CANONICAL_FIELDS)).order_by(records.c.id)
    if sources is not None:
        query = query.where(records.c.source.in_(list(sources)))
    with ws.engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame.from_records(rows, columns=list(CANONICAL_FIELDS)).astype(object)


def load_quarantine(ws: Workspace) -> pd.DataFrame:
    """Every quarantined row with its file, row number, first bad column, reasons and original values."""
    table = Quarantined.__table__
    query = (
        select(
            table.c.import_id,
            Import.__table__.c.file_name,
            table.c.source,
            table.c.record_id,
            table.c.row,
            table.c.column,
            table.c.reason,
            table.c["values"],
        )
        .join(Import.__table__, Import.__table__.c.id == table.c.import_id)
        .order_by(table.c.id)
    )
    with ws.engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame.from_records(rows, columns=list(QUARANTINE_COLUMNS))


def list_sources(ws: Workspace) -> pd.DataFrame:
    """One row per source: records, quarantined rows, and the number of files that contributed to it."""
    quarantine = Quarantined.__table__
    with ws.engine.connect() as connection:
        kept = connection.execute(
            select(records.c.source, func.count(), func.min(records.c.id)).group_by(records.c.source)
        ).all()
        held = connection.execute(
            select(quarantine.c.source, func.count()).group_by(quarantine.c.source)
        ).all()
        files = connection.execute(
            select(records.c.source, records.c.import_id)
            .distinct()
            .union(select(quarantine.c.source, quarantine.c.import_id).distinct())
        ).all()
    summary = pd.DataFrame(
        {
            "source": pd.Series(dtype=object),
            "records": pd.Series(dtype="int64"),
            "quarantined": pd.Series(dtype="int64"),
            "files": pd.Series(dtype="int64"),
        }
    )
    order = {source: first for source, _, first in kept}
    counts = {source: n for source, n, _ in kept}
    quarantined = dict(held)
    file_sets: dict[str, set[int]] = {}
    for source, import_id in files:
        file_sets.setdefault(source, set()).add(import_id)
    names = sorted(set(counts) | set(quarantined), key=lambda s: (order.get(s, float("inf")), s))
    if not names:
        return summary
    return pd.DataFrame(
        {
            "source": names,
            "records": [counts.get(s, 0) for s in names],
            "quarantined": [quarantined.get(s, 0) for s in names],
            "files": [len(file_sets.get(s, ())) for s in names],
        }
    ).astype({"records": "int64", "quarantined": "int64", "files": "int64"})
