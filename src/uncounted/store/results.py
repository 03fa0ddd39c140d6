"""Linkage runs and estimates as audited writes to the store.

Each run or estimate is written in one transaction together with its audit entry, so the store never holds a
result nobody is recorded as having made, nor an audit entry for a result that was rolled back. The files the
other stages and the report read (entities.csv, estimate.json) are written by `uncounted.pipeline` after the
store has the result: they are copies, the store is the record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import Connection, insert, select

from uncounted.store import audit
from uncounted.store.models import EstimateResult, LinkageRun, linkage_entities
from uncounted.store.users import LOCAL

if TYPE_CHECKING:
    from uncounted.link import Linkage
    from uncounted.mse import Estimate
    from uncounted.store.access import Actor
    from uncounted.workspace import Workspace

_ENTITY_COLUMNS = ("source", "record_id", "entity_id")
_BATCH = 50_000  # rows per executemany: bounded memory for a million-record run


def frames_hash(*frames: pd.DataFrame) -> str:
    """SHA-256 of the frames as CSV text (columns, then rows in order): the same input gives the same hash on
    any machine, which is what a reader needs to tell whether two runs saw the same data."""
    digest = hashlib.sha256()
    for frame in frames:
        digest.update(frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def save_linkage_run(ws: Workspace, linkage: Linkage, *, seed: int, input_hash: str,
                     workspace_settings: dict[str, Any] | None = None, by: Actor | str = LOCAL) -> int:
    """Store a linkage run and its entity assignments, audited as `link.run`; returns the run's id."""
    diagnostics = _json_safe(linkage.diagnostics)
    entities = linkage.entities[list(_ENTITY_COLUMNS)].astype(str)
    run = LinkageRun(
        created_at=datetime.now(UTC),
        created_by=by if isinstance(by, str) else by.name,
        settings=_json_safe({"workspace": workspace_settings or {}, "splink": linkage.settings}),
        seed=seed,
        input_hash=input_hash,
        n_records=len(entities),
        n_entities=int(entities["entity_id"].nunique()),
        n_links=int(diagnostics.get("n_links", len(linkage.pairs))),
        diagnostics=diagnostics,
    )
    with ws.session() as session:
        session.add(run)
        session.flush()
        _insert_entities(session.connection(), run.id, entities)
        audit.record(session, by, "link.run", f"linkage run {run.id}", {
            "run": run.id, "records": run.n_records, "entities": run.n_entities, "links": run.n_links,
            "seed": seed, "input_hash": input_hash})
        return run.id


def _insert_entities(connection: Connection, run_id: int, entities: pd.DataFrame) -> None:
    """Bulk insert as the importer does: the statement compiled once, rows handed to the driver as tuples
    (SQLAlchemy's per-row processing would cost more than the database's own work at a million rows)."""
    keys = ["run_id", *_ENTITY_COLUMNS]
    compiled = insert(linkage_entities).compile(dialect=connection.dialect, column_keys=keys)
    order = list(compiled.positiontup) if compiled.positional else keys  # type: ignore[arg-type]
    columns = {"run_id": [run_id] * len(entities), **{c: entities[c].tolist() for c in _ENTITY_COLUMNS}}
    ordered = [columns[key] for key in order]
    for start in range(0, len(entities), _BATCH):
        rows = zip(*(column[start:start + _BATCH] for column in ordered), strict=True)
        params = list(rows) if compiled.positional else [dict(zip(order, r, strict=True)) for r in rows]
        connection.exec_driver_sql(str(compiled), params)


def save_estimates(ws: Workspace, estimates: Sequence[tuple[str, Estimate]], *, by: Actor | str = LOCAL
                   ) -> list[int]:
    """Store estimates, each as (role, Estimate) with role "main" or "sensitivity", in one transaction with
    one `estimate` audit entry each; returns their ids in order."""
    ids = []
    with ws.session() as session:
        for role, estimate in estimates:
            result = _json_safe(estimate.to_json())
            row = EstimateResult(
                created_at=datetime.now(UTC),
                created_by=by if isinstance(by, str) else by.name,
                role=role,
                method=estimate.method,
                settings=result["settings"] or {},
                seed=estimate.seed,
                input_hash=estimate.input_hash or "",
                n_observed=int(estimate.n_observed),
                estimate=result["estimate"],
                lower=result["lower"],
                upper=result["upper"],
                result=result,
            )
            session.add(row)
            session.flush()
            audit.record(session, by, "estimate", f"estimate {row.id}", {
                "id": row.id, "role": role, "method": row.method, "estimate": row.estimate,
                "lower": row.lower, "upper": row.upper, "seed": row.seed, "input_hash": row.input_hash})
            ids.append(row.id)
    return ids


def linkage_runs(ws: Workspace) -> pd.DataFrame:
    """Every stored linkage run, oldest first, without its settings and diagnostics."""
    table = LinkageRun.__table__
    columns = ("id", "created_at", "created_by", "seed", "input_hash", "n_records", "n_entities", "n_links")
    with ws.engine.connect() as connection:
        rows = connection.execute(select(*(table.c[c] for c in columns)).order_by(table.c.id)).all()
    return pd.DataFrame.from_records(rows, columns=list(columns))


def load_entities(ws: Workspace, run_id: int | None = None) -> pd.DataFrame:
    """The entity assignments of run `run_id` (default: the latest run): source, record_id, entity_id."""
    with ws.engine.connect() as connection:
        if run_id is None:
            latest = select(LinkageRun.id).order_by(LinkageRun.id.desc()).limit(1)
            run_id = connection.execute(latest).scalar()
        rows = connection.execute(
            select(*(linkage_entities.c[c] for c in _ENTITY_COLUMNS))
            .where(linkage_entities.c.run_id == run_id)
            .order_by(linkage_entities.c.source, linkage_entities.c.record_id)
        ).all()
    return pd.DataFrame.from_records(rows, columns=list(_ENTITY_COLUMNS))


def load_estimates(ws: Workspace) -> list[dict[str, Any]]:
    """Every stored estimate, oldest first: id, created_at, created_by, role, and the `--json` object."""
    table = EstimateResult.__table__
    with ws.engine.connect() as connection:
        rows = connection.execute(
            select(table.c.id, table.c.created_at, table.c.created_by, table.c.role, table.c.result)
            .order_by(table.c.id)
        ).mappings().all()
    return [dict(row) for row in rows]


def _json_safe(value: Any) -> Any:
    """Plain JSON values (NumPy numbers; paths and dates as text), no NaN: PostgreSQL's JSON refuses it."""
    text = json.dumps(value, default=_plain, allow_nan=True)
    return json.loads(text, parse_constant=lambda _: None)


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):  # NumPy scalars
        return value.item()
    if hasattr(value, "tolist"):  # NumPy arrays
        return value.tolist()
    return str(value)
